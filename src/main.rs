//! The `vigie` binary: parse the command line and hand over to `vigie::cli`.

use clap::Parser;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    vigie::cli::run(vigie::cli::Cli::parse()).await
}
