//! How the process's memory allocator is tuned. On glibc, blocks of 1 MiB and more are mapped
//! for each use and unmapped when freed. By default glibc raises that threshold after the first
//! large block is freed, and then keeps the next ones in the arena of whichever thread freed
//! them: Argon2's 19 MiB of working memory per password checked stayed resident once per
//! blocking thread that ever checked one (42 → 297 MB after 16 sign-ins). Setting the threshold
//! turns that adjustment off. Called once by the binary, before the server starts.

/// Large blocks go back to the system when freed (glibc on Linux; elsewhere nothing to do).
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const THRESHOLD: libc::c_int = 1 << 20;
        // SAFETY: `mallopt` only sets a parameter of glibc's allocator; it is thread-safe and
        // takes no pointers. A refusal (0) leaves the default behaviour, which is only slower to
        // give memory back.
        let accepted = unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, THRESHOLD) };
        if accepted == 0 {
            tracing::warn!("the allocator refused its large-block threshold");
        }
    }
}
