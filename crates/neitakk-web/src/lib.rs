//! The team server (`neitakk serve`): web pages and a JSON API over the
//! same pipeline as the command line (`neitakk-pipeline`), with accounts,
//! each user's calendars, drafts and journal, and one shared client registry.
//!
//! No state lives only in this process: sessions, rate limits, drafts and
//! settings are in the database, so several processes may serve one
//! PostgreSQL database. The only memory is a cache of parsed calendars,
//! keyed by the calendar's id and upload time, which any process can rebuild.

mod api;
mod auth;
mod failure;
mod pages;
mod seal;
mod text;
mod work;

use axum::routing::{get, post};
use axum::Router;
use neitakk_pipeline::clock::Clock;
use neitakk_pipeline::config::Config;
use neitakk_pipeline::{Context as _, Error, Result};
use neitakk_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;

pub use auth::new_setup_link;

/// Looks at every user's inbox every `every`, for as long as the runtime
/// runs (`neitakk serve` starts it with `Options::inbox_every`).
pub async fn watch_inboxes(app: Arc<App>, every: std::time::Duration) {
    work::watch_inboxes(app, every).await
}
pub use failure::Failure;

/// The server's own settings, beside the pipeline's `Config`: where and how
/// it runs (the command line builds them from `serve`'s flags and the
/// environment).
#[derive(Clone)]
pub struct Settings {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The database: sqlite://FILE or postgres://... (default: SQLite in the data folder).
    pub database_url: Option<String>,
    /// The address users reach the server at (default: http://LISTEN).
    /// With https://, session cookies are Secure.
    pub public_url: Option<String>,
    /// Users may read CalDAV calendars on this machine or the private network.
    pub private_caldav: bool,
    /// The key that seals users' CalDAV passwords, in base64 (else
    /// `server.key` in the data folder, made once).
    pub server_key: Option<String>,
    /// Keep finished answers for repeated requests (off: compute each anew).
    pub answer_cache: bool,
    /// Reverse proxies in front of the server: from these, X-Forwarded-For
    /// names the client (login waits are counted per client address).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Users may give their inbox a token command (run on this machine)
    /// instead of a password.
    pub token_commands: bool,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field(
                "database_url",
                &self.database_url.as_ref().map(|_| "(given)"),
            )
            .field("public_url", &self.public_url)
            .field("private_caldav", &self.private_caldav)
            .field("server_key", &self.server_key.as_ref().map(|_| "(given)"))
            .field("answer_cache", &self.answer_cache)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("token_commands", &self.token_commands)
            .finish()
    }
}

/// How the server behaves towards the outside.
#[derive(Debug, Clone)]
pub struct Options {
    /// Session cookies are Secure (served over TLS).
    pub secure_cookies: bool,
    /// CalDAV accounts may point at loopback or private addresses.
    pub private_caldav: bool,
    /// Finished answers are kept for repeated requests.
    pub answer_cache: bool,
    /// How long the heavy work of one request (reading, assessing,
    /// planning) may run before it is stopped with a 503.
    pub deadline: std::time::Duration,
    /// Reverse proxies whose X-Forwarded-For names the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Inbox accounts may sign in with a token command: a command of the
    /// user's, run on this machine, so only where its admin allows it.
    pub token_commands: bool,
    /// How often the watcher looks at every inbox.
    pub inbox_every: std::time::Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            secure_cookies: false,
            private_caldav: false,
            answer_cache: true,
            deadline: std::time::Duration::from_secs(30),
            trusted_proxies: Vec::new(),
            token_commands: false,
            inbox_every: std::time::Duration::from_secs(2 * 60),
        }
    }
}

/// Everything a request handler shares.
pub struct App {
    pub store: Store,
    /// The server-wide settings: policy, tiers, templates, SMTP.
    pub base: Config,
    /// The time: sessions, links and logins expire by it, and the pages
    /// and the API act as of it.
    pub clock: Clock,
    /// Seals users' CalDAV passwords.
    key: seal::Key,
    options: Options,
    pages: minijinja::Environment<'static>,
    /// The messages' templates (with the config's overrides), compiled once.
    composer: Arc<neitakk_compose::Composer>,
    cache: work::Cache,
    answers: work::Answers,
    /// What was last read from the store for each user (see `work::seen`).
    seen: work::Memo,
    /// Heavy work still running on blocking threads.
    heavy: Arc<std::sync::atomic::AtomicUsize>,
    /// The users whose inbox is being looked at now, by this process.
    inbox_busy: std::sync::Mutex<std::collections::HashSet<i64>>,
}

impl App {
    /// An app over `store`, sealing secrets with `key`, on `clock`.
    pub fn new(
        store: Store,
        base: Config,
        key: [u8; 32],
        options: Options,
        clock: Clock,
    ) -> Result<Arc<App>> {
        let composer = Arc::new(neitakk_pipeline::reply::composer(&base)?);
        let answer_cache = options.answer_cache;
        Ok(Arc::new(App {
            composer,
            store,
            base,
            clock,
            key: seal::Key(key),
            options,
            pages: pages::environment().map_err(|e| Error::Ours(format!("{e:#}")))?,
            cache: work::Cache::default(),
            seen: work::Memo::default(),
            answers: work::Answers::new(answer_cache),
            heavy: Default::default(),
            inbox_busy: Default::default(),
        }))
    }

    /// How many pieces of heavy work are running now: none, once every
    /// request that started one has been answered or has gone away.
    pub fn heavy_work_running(&self) -> usize {
        self.heavy.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The server-wide settings as of the server's clock now, to the whole
    /// minute: what is decided depends on the instant, and an answer
    /// computed within the same minute is then the same answer, which the
    /// answer cache can give again (to the nanosecond, no two requests
    /// would share one).
    fn config_now(&self) -> Config {
        use chrono::DurationRound;
        let mut config = self.base.clone();
        let now = self.clock.now();
        config.now = now
            .duration_trunc(chrono::TimeDelta::minutes(1))
            .unwrap_or(now);
        config
    }
}

/// Every route: the pages, their forms, the JSON API, and the embedded files.
pub fn router(app: Arc<App>) -> Router {
    let upload_limit = axum::extract::DefaultBodyLimit::max(work::MAX_UPLOAD);
    Router::new()
        .route("/", get(pages::home))
        .route("/setup/{token}", get(pages::setup_form).post(pages::setup))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/week", get(pages::week))
        .route("/meeting", get(pages::meeting))
        .route("/meeting/save", post(pages::save_reply))
        .route("/meeting/send", post(pages::send_reply))
        .route("/plan", get(pages::plan))
        .route("/plan/approve", post(pages::approve_plan))
        .route("/clients", get(pages::clients))
        .route("/clients/save", post(pages::save_client))
        .route("/clients/delete", post(pages::delete_client))
        .route(
            "/clients/import",
            post(pages::import_clients).layer(upload_limit),
        )
        .route("/journal", get(pages::journal))
        .route("/outbox", get(pages::outbox))
        .route("/outbox/{file}", get(pages::outbox_file))
        .route("/outbox/delete", post(pages::delete_draft))
        .route("/calendars", get(pages::calendars))
        .route(
            "/calendars/upload",
            post(pages::upload_calendar).layer(upload_limit),
        )
        .route("/calendars/delete", post(pages::delete_calendar))
        .route("/calendars/link", post(pages::add_calendar_link))
        .route("/calendars/refresh", post(pages::refresh_links))
        .route("/calendars/caldav", post(pages::save_caldav))
        .route("/calendars/inbox", post(pages::save_inbox))
        .route("/calendars/inbox/look", post(pages::look_inbox))
        .route("/settings", get(pages::settings).post(pages::save_settings))
        .route("/settings/token", post(pages::create_token))
        .route("/settings/token/revoke", post(pages::revoke_token))
        .route("/settings/password", post(pages::change_password))
        .route("/users", get(pages::users).post(pages::add_user))
        .route("/users/delete", post(pages::delete_user))
        .route("/users/waits", post(pages::lift_wait))
        .route("/users/password", post(pages::reset_password))
        .route("/users/addresses", post(pages::set_addresses))
        .route("/static/{file}", get(pages::asset))
        .nest("/api/v1", api::router(upload_limit))
        .fallback(pages::not_found)
        .layer(axum::middleware::map_response(safety_headers))
        .with_state(app)
}

/// Headers every answer carries: no framing (clickjacking), no guessing of
/// content types, no referrer to other sites, and only this server's own
/// scripts and styles (inline styles are used for the load bar).
async fn safety_headers(mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::{header, HeaderValue};
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "same-origin"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// Runs the server until Ctrl-C.
pub fn run(config: &Config, args: &Settings, clock: Clock) -> Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the runtime")?
        .block_on(serve(config.clone(), args, clock))
}

async fn serve(config: Config, args: &Settings, clock: Clock) -> Result<()> {
    neitakk_pipeline::private::folder(&config.data_dir)?;
    let url = match &args.database_url {
        Some(url) => url.clone(),
        None => {
            let file = config.data_dir.join("server.sqlite");
            neitakk_pipeline::private::file(&file)?;
            format!("sqlite://{}?mode=rwc", file.display())
        }
    };
    let store = Store::connect(&url).await?;
    // Sends the process before this one claimed and never finished (it
    // stopped mid-way): each is sent again on its next try, with the same
    // Message-IDs.
    let cut_off = store.interrupt_sends(clock.now()).await?;
    if cut_off > 0 {
        tracing::warn!("{cut_off} replies were cut off while being sent; each is sent again when it is next sent");
    }
    let key = seal::server_key(args.server_key.as_deref(), &config.data_dir)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    // The address bound, which names the port when 0 asked for any.
    let bound = listener.local_addr().unwrap_or(args.listen);
    let public = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{bound}"))
        .trim_end_matches('/')
        .to_owned();
    let config_clients = config.clients.clone();
    let options = Options {
        secure_cookies: public.starts_with("https://"),
        private_caldav: args.private_caldav,
        answer_cache: args.answer_cache,
        trusted_proxies: args.trusted_proxies.clone(),
        token_commands: args.token_commands,
        ..Options::default()
    };
    let app = App::new(store.clone(), config, key, options, clock.clone())?;
    println!("neitakk serves {public}/");
    if store.user_count().await? == 0 {
        // A new server's registry starts from the config's clients file.
        if store.registry().await?.is_empty() && !config_clients.is_empty() {
            store
                .save_clients(&work::registry_rows(&config_clients)?)
                .await?;
            println!(
                "The client registry starts with the {} clients of the config.",
                config_clients.len()
            );
        }
        let link = auth::new_setup_link(&store, clock.now())
            .await
            .map_err(|e| Error::Ours(format!("{e:#}")))?;
        println!("Create the first admin account (once, within a day): {public}/setup/{link}");
    }
    // Calendar links are fetched anew every 15 minutes (and on demand from
    // the Calendars page); one that fails keeps its last copy.
    let refresher = app.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
        every.tick().await;
        loop {
            every.tick().await;
            if let Err(e) = work::refresh_links(&refresher, None).await {
                tracing::warn!("refreshing calendar links: {}", e.message);
            }
        }
    });
    // Every inbox is looked at every two minutes (and on demand from the
    // Calendars page).
    tokio::spawn(work::watch_inboxes(app.clone(), app.options.inbox_every));
    axum::serve(
        listener,
        router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("the server stopped")
}
