//! The `vigie` binary: parse the command line and hand over to `vigie::cli`.

use clap::Parser;

/// mimalloc: rendering a page allocates many small strings and maps; glibc's allocator spent
/// about a third of the thread page's CPU time in malloc/free (see bench/results/).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    vigie::cli::run(vigie::cli::Cli::parse()).await
}
