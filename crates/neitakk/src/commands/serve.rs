//! `neitakk serve`: launches the team server (`neitakk-web`).

use neitakk_pipeline::clock::Clock;
use neitakk_pipeline::config::Config;
use neitakk_pipeline::Result;
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
    /// The key that seals users' CalDAV passwords, 32 bytes in base64; the
    /// same for every process of one server (default: server.key in the
    /// data folder, made once).
    #[arg(
        long,
        env = "NEITAKK_SERVER_KEY",
        hide_env_values = true,
        value_name = "BASE64"
    )]
    pub server_key: Option<Hidden>,
    /// Keep finished answers for repeated requests, or compute each anew.
    #[arg(long, env = "NEITAKK_ANSWER_CACHE", default_value = "on", value_parser = ["on", "off"])]
    pub answer_cache: String,
    /// A reverse proxy in front of the server (repeat for more): from its
    /// address, X-Forwarded-For names the client, whose failed logins are
    /// then counted on their own. Without it the header is ignored.
    #[arg(
        long,
        env = "NEITAKK_TRUSTED_PROXY",
        value_delimiter = ',',
        value_name = "IP"
    )]
    pub trusted_proxy: Vec<std::net::IpAddr>,
    /// Users may sign their inbox in with a token command (one that prints
    /// an OAuth2 access token, as for Microsoft 365 or Gmail), which this
    /// server then runs on their behalf; by default only passwords.
    #[arg(long, env = "NEITAKK_ALLOW_TOKEN_COMMANDS")]
    pub allow_token_commands: bool,
}

/// A secret given on the command line or in the environment: it never
/// prints, not even in the arguments' `Debug`.
#[derive(Clone)]
pub struct Hidden(String);

impl std::fmt::Debug for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(hidden)")
    }
}

impl std::str::FromStr for Hidden {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Hidden, Self::Err> {
        Ok(Hidden(s.to_owned()))
    }
}

pub fn run(config: &Config, args: &Args, clock: Clock) -> Result<()> {
    let settings = neitakk_web::Settings {
        listen: args.listen,
        database_url: args.database_url.clone(),
        public_url: args.public_url.clone(),
        private_caldav: args.private_caldav,
        server_key: args.server_key.as_ref().map(|k| k.0.clone()),
        answer_cache: args.answer_cache == "on",
        trusted_proxies: args.trusted_proxy.clone(),
        token_commands: args.allow_token_commands,
    };
    neitakk_web::run(config, &settings, clock)
}
