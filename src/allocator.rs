//! How the process's memory allocator is tuned (glibc on Linux), once by the binary before the
//! server starts:
//! - blocks of 16 MiB and more are mapped for each use and unmapped when freed. By default glibc
//!   raises that threshold after the first large block is freed, and then keeps the next ones
//!   in the arena of whichever thread freed them: Argon2's 19 MiB of working memory per password
//!   checked stayed resident once per blocking thread that ever checked one (42 → 297 MB after
//!   16 sign-ins);
//! - as many arenas as cores (glibc's default is eight per core): each arena keeps what its
//!   threads freed, and the pool's threads spread the pages' short-lived strings over all of
//!   them (79 → 61 MB after a mixed load of visitors' and members' pages, throughput within 2%).

/// Applies the settings above (elsewhere than glibc on Linux, nothing to do).
pub fn tune() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // Below Argon2's smallest working memory (19 MiB), above anything a request allocates:
        // at 1 MiB, SQLite's and the pages' buffers were mapped and unmapped on every uncached
        // page (page faults and TLB shootdowns: 108 → 272 µs of CPU per thread page).
        const MMAP_THRESHOLD: libc::c_int = 16 << 20;
        // Setting the threshold also fixes the trim threshold at 128 KiB (glibc otherwise moves
        // it with the threshold): the heaps were given back and grown again on every page.
        const TRIM_THRESHOLD: libc::c_int = 32 << 20;
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        for (name, param, value) in [
            ("mmap threshold", libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD),
            ("trim threshold", libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD),
            ("arena count", libc::M_ARENA_MAX, arenas),
        ] {
            // SAFETY: `mallopt` only sets a parameter of glibc's allocator; it is thread-safe and
            // takes no pointers. A refusal (0) leaves glibc's default, which only keeps more
            // memory.
            let accepted = unsafe { libc::mallopt(param, value) };
            if accepted == 0 {
                tracing::warn!(setting = name, "the allocator refused a setting");
            }
        }
    }
}
