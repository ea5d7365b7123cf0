//! `neitakk serve`: launches the team server (`neitakk-web`).

use anyhow::Result;
use neitakk_pipeline::clock::Clock;
use neitakk_pipeline::config::Config;
use std::net::SocketAddr;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// The database: sqlite://FILE or postgres://... (default: SQLite in the data folder).
    #[arg(long, env = "NEITAKK_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// The address users reach the server at (default: http://LISTEN).
    /// With https://, session cookies are Secure.
    #[arg(long, env = "NEITAKK_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Let users read CalDAV calendars on this machine or the private
    /// network (by default only public addresses, so that the server cannot
    /// be used to reach inside the network).
    #[arg(long, env = "NEITAKK_PRIVATE_CALDAV")]
    pub private_caldav: bool,
}

pub fn run(config: &Config, args: &Args, clock: Clock) -> Result<()> {
    let launch = neitakk_web::Launch {
        listen: args.listen,
        database_url: args.database_url.clone(),
        public_url: args.public_url.clone(),
        private_caldav: args.private_caldav,
    };
    neitakk_web::run(config, &launch, clock)
}
