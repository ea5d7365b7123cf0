//! The profile, the client registry and the paths, loaded once at start from
//! a TOML file plus `NEITAKK_*` environment variables. Loading never writes.

use crate::{Context as _, Result};
use chrono::{DateTime, NaiveTime, Utc, Weekday};
use neitakk_core::facts::FactSettings;
use neitakk_core::{Client, Lang, Policy, TierThresholds, WorkingHours};
use serde::Deserialize;
use std::path::{Path, PathBuf};

use crate::BadInput;

/// The file as written by the user.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct File {
    profile: ProfileFile,
    /// The clients file, relative to this file.
    clients: Option<PathBuf>,
    /// A folder of templates that replace the built-in ones.
    templates: Option<PathBuf>,
    /// Where the journal lives.
    data_dir: Option<PathBuf>,
    tiers: TierThresholds,
    engine: Policy,
    facts: FactSettings,
    delivery: DeliveryFile,
    caldav: Option<CaldavFile>,
    inbox: Option<InboxFile>,
    calendar: CalendarFile,
}

/// The calendar commands read when none is given.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct CalendarFile {
    /// A published calendar link (or a file, or `caldav`).
    url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InboxFile {
    host: String,
    port: Option<u16>,
    /// "tls" (default), "starttls", or "none" (only to this machine).
    security: Option<String>,
    user: String,
    password_env: Option<String>,
    password_command: Option<String>,
    /// A command that prints an OAuth2 access token (Microsoft 365, Gmail):
    /// the login is then SASL XOAUTH2 or OAUTHBEARER.
    token_command: Option<String>,
    /// "xoauth2" or "oauthbearer" (default: XOAUTH2 where the server
    /// offers it, else OAUTHBEARER).
    oauth: Option<String>,
    /// Where invitations arrive (default INBOX).
    folder: Option<String>,
    /// Where drafts go (default: the mailbox marked \Drafts, else "Drafts").
    drafts: Option<String>,
    /// Where sent replies are filed (default: the one marked \Sent, else "Sent").
    sent: Option<String>,
    ca_file: Option<PathBuf>,
}

/// The mailbox invitations arrive in (`neitakk inbox`).
#[derive(Debug, Clone)]
pub struct Inbox {
    pub host: String,
    pub port: u16,
    pub security: neitakk_net::smtp::Security,
    pub user: String,
    pub secret: Secret,
    pub folder: String,
    pub drafts: Option<String>,
    pub sent: Option<String>,
    pub ca_file: Option<PathBuf>,
    /// How a token command's access token is given.
    pub oauth: neitakk_net::mailbox::OAuth,
}

impl Inbox {
    /// The account, with its password fetched.
    pub fn account(&self) -> Result<neitakk_net::mailbox::Account> {
        let password = self
            .secret
            .password()?
            .ok_or_else(|| BadInput("[inbox] needs password_env or password_command".into()))?;
        Ok(neitakk_net::mailbox::Account {
            host: self.host.clone(),
            port: self.port,
            security: self.security,
            user: self.user.clone(),
            password,
            oauth2: self.secret.is_token().then_some(self.oauth),
            timeout: std::time::Duration::from_secs(30),
            ca_pem: ca_pem(self.ca_file.as_deref())?,
        })
    }

    /// The name its position is remembered under: the account and folder.
    pub fn name(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.folder)
    }
}

/// A connection's security as the config writes it.
pub fn security(value: &str, key: &str) -> Result<neitakk_net::smtp::Security> {
    use neitakk_net::smtp::Security;
    match value {
        "tls" => Ok(Security::Tls),
        "starttls" => Ok(Security::StartTls),
        "none" => Ok(Security::None),
        other => Err(BadInput(format!("{key} '{other}': use tls, starttls or none")).into()),
    }
}

/// The certificate authority a config's `ca_file` names, read.
pub fn ca_pem(file: Option<&Path>) -> Result<Option<Vec<u8>>> {
    file.map(|f| {
        std::fs::read(f).with_context(|| format!("cannot read the CA file {}", f.display()))
    })
    .transpose()
}

fn inbox(file: Option<InboxFile>, relative: impl Fn(PathBuf) -> PathBuf) -> Result<Option<Inbox>> {
    let Some(f) = file else { return Ok(None) };
    use neitakk_net::smtp::Security;
    let security = security(f.security.as_deref().unwrap_or("tls"), "inbox.security")?;
    use neitakk_net::mailbox::OAuth;
    let oauth = match f.oauth.as_deref() {
        None => OAuth::Offered,
        Some("xoauth2") => OAuth::XOAuth2,
        Some("oauthbearer") => OAuth::OAuthBearer,
        Some(other) => {
            return Err(BadInput(format!(
                "inbox.oauth '{other}': use xoauth2 or oauthbearer (or leave it out)"
            ))
            .into())
        }
    };
    Ok(Some(Inbox {
        oauth,
        host: f.host,
        port: f.port.unwrap_or(match security {
            Security::Tls => 993,
            _ => 143,
        }),
        security,
        user: f.user,
        secret: Secret::from_file(f.password_env, f.password_command, f.token_command),
        folder: f.folder.unwrap_or_else(|| "INBOX".into()),
        drafts: f.drafts,
        sent: f.sent,
        ca_file: f.ca_file.map(relative),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct DeliveryFile {
    /// "outbox" (drafts only, the default) or "smtp" (send, as with --send).
    deliver: String,
    /// Where drafts go when sending and no --out is given.
    outbox: Option<PathBuf>,
    /// Organizers' domains whose servers ignore COUNTER: proposals go as a
    /// tentative reply with the proposal in the text.
    no_counter_domains: Vec<String>,
    smtp: Option<SmtpFile>,
}

impl Default for DeliveryFile {
    fn default() -> Self {
        DeliveryFile {
            deliver: "outbox".into(),
            outbox: None,
            no_counter_domains: vec!["gmail.com".into(), "googlemail.com".into()],
            smtp: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SmtpFile {
    host: String,
    port: Option<u16>,
    /// "starttls" (default), "tls", or "none" (only to this machine).
    security: Option<String>,
    user: Option<String>,
    /// The environment variable that holds the password.
    password_env: Option<String>,
    /// A command that prints the password (e.g. `pass show smtp`).
    password_command: Option<String>,
    /// A command that prints an OAuth2 access token: the login is then
    /// SASL XOAUTH2.
    token_command: Option<String>,
    /// A PEM file with a certificate authority to trust (a company's own CA).
    ca_file: Option<PathBuf>,
}

/// How to reach the SMTP server; the password is fetched when sending.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: neitakk_net::smtp::Security,
    pub user: Option<String>,
    pub secret: Secret,
    pub ca_file: Option<PathBuf>,
}

/// Where a password comes from: never the config file itself. Its `Debug`
/// says where, never the password.
#[derive(Clone, Default)]
pub struct Secret {
    /// The password itself: only ever from the server's sealed store, never
    /// from a file.
    pub password: Option<String>,
    pub password_env: Option<String>,
    pub password_command: Option<String>,
    /// A command that prints an OAuth2 access token (then the login is
    /// XOAUTH2, and a refused token is asked for once more).
    pub token_command: Option<String>,
}

/// The CalDAV calendar to read from and update (`caldav` as the calendar).
#[derive(Debug, Clone)]
pub struct Caldav {
    pub url: String,
    pub user: Option<String>,
    pub secret: Secret,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaldavFile {
    /// The calendar collection's URL.
    url: String,
    user: Option<String>,
    password_env: Option<String>,
    password_command: Option<String>,
}

impl Caldav {
    /// The account, with its password fetched.
    pub fn account(&self) -> Result<neitakk_net::caldav::Account> {
        let url = if self.url.ends_with('/') {
            self.url.clone()
        } else {
            format!("{}/", self.url)
        };
        Ok(neitakk_net::caldav::Account {
            url,
            login: self.user.clone().zip(self.secret.password()?),
            timeout: std::time::Duration::from_secs(30),
        })
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let from = match (&self.password, &self.password_env, &self.password_command) {
            (Some(_), _, _) => "sealed in the server's store".to_owned(),
            (None, Some(var), _) => format!("the variable {var}"),
            (None, None, Some(_)) => "a command".to_owned(),
            (None, None, None) if self.token_command.is_some() => "a token command".to_owned(),
            (None, None, None) => "nowhere".to_owned(),
        };
        write!(f, "Secret(from {from})")
    }
}

impl Secret {
    /// The password: from the environment variable, else the command's
    /// first line of output. Never from the config file itself.
    /// Where a config file says the password or token comes from.
    fn from_file(
        password_env: Option<String>,
        password_command: Option<String>,
        token_command: Option<String>,
    ) -> Secret {
        Secret {
            password: None,
            password_env,
            password_command,
            token_command,
        }
    }

    /// Whether it is an OAuth2 access token (from `token_command`).
    pub fn is_token(&self) -> bool {
        self.password.is_none()
            && self.password_env.is_none()
            && self.password_command.is_none()
            && self.token_command.is_some()
    }

    /// The password, or the access token (run afresh each time: a token
    /// helper hands out a new one when the last has expired).
    pub fn password(&self) -> Result<Option<String>> {
        if let Some(p) = &self.password {
            return Ok(Some(p.clone()));
        }
        if let Some(var) = &self.password_env {
            return std::env::var(var)
                .map(Some)
                .map_err(|_| BadInput(format!("the password variable {var} is not set")).into());
        }
        if let Some(cmd) = self
            .password_command
            .as_ref()
            .or(self.token_command.as_ref())
        {
            let out = std::process::Command::new("sh")
                .args(["-c", cmd])
                .output()
                .with_context(|| format!("cannot run the password command '{cmd}'"))?;
            if !out.status.success() {
                return Err(crate::Error::Input(format!(
                    "the password command '{cmd}' failed: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
            let text = String::from_utf8_lossy(&out.stdout);
            return Ok(Some(text.lines().next().unwrap_or("").to_owned()));
        }
        Ok(None)
    }
}

fn smtp(file: Option<SmtpFile>, relative: impl Fn(PathBuf) -> PathBuf) -> Result<Option<Smtp>> {
    let Some(f) = file else { return Ok(None) };
    use neitakk_net::smtp::Security;
    let security = security(
        f.security.as_deref().unwrap_or("starttls"),
        "delivery.smtp.security",
    )?;
    let port = f.port.unwrap_or(match security {
        Security::StartTls => 587,
        Security::Tls => 465,
        Security::None => 25,
    });
    Ok(Some(Smtp {
        host: f.host,
        port,
        security,
        user: f.user,
        secret: Secret::from_file(f.password_env, f.password_command, f.token_command),
        ca_file: f.ca_file.map(relative),
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ProfileFile {
    name: Option<String>,
    emails: Vec<String>,
    signature: Option<String>,
    /// Signatures per language (`en = "..."`), where they differ.
    signatures: std::collections::BTreeMap<String, String>,
    language: Option<String>,
    timezone: Option<String>,
    weekly_cap_hours: Option<f64>,
    phone: Option<String>,
    video_link: Option<String>,
    office: Vec<String>,
    working_hours: Option<HoursFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HoursFile {
    start: String,
    end: String,
    #[serde(default)]
    days: Option<Vec<String>>,
}

/// The clients file.
#[derive(Debug, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientsFile {
    #[serde(default, rename = "client")]
    pub clients: Vec<Client>,
}

/// The user.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Profile {
    pub name: String,
    /// Addresses that are "me", lower-cased.
    pub emails: Vec<String>,
    pub signature: String,
    pub signatures: Vec<(Lang, String)>,
    pub language: Lang,
    pub timezone: neitakk_core::Tz,
    pub weekly_cap_minutes: u32,
    pub phone: Option<String>,
    pub video_link: Option<String>,
    pub office: Vec<String>,
    pub working_hours: WorkingHours,
}

/// What assessing a meeting and writing its reply depend on: the instant,
/// the user, the registry and the rules. No path, no server, no secret: a
/// front that is not the command line (the server, for each user) builds
/// one of its own.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Settings {
    /// The instant the pipeline acts as of: which meetings are ahead, what is
    /// over, the default week. Given by the binary's clock, never read here.
    pub now: DateTime<Utc>,
    pub profile: Profile,
    pub clients: Vec<Client>,
    pub tiers: TierThresholds,
    pub policy: Policy,
    pub facts: FactSettings,
    /// Organizers' domains whose servers ignore COUNTER.
    pub no_counter_domains: Vec<String>,
}

/// Everything loaded at start: the settings, and where the journal,
/// templates and drafts are and which servers to use. It reads as its
/// settings (`config.profile`), and hands them to what needs no more.
#[derive(Debug, Clone)]
pub struct Config {
    pub settings: Settings,
    /// The file it came from, if any.
    pub source: Option<PathBuf>,
    pub clients_path: Option<PathBuf>,
    pub templates: Option<PathBuf>,
    pub data_dir: PathBuf,
    /// Send replies (rather than only write drafts) unless told otherwise.
    pub send_by_default: bool,
    /// Where drafts go when sending with no --out.
    pub outbox: PathBuf,
    pub smtp: Option<Smtp>,
    pub caldav: Option<Caldav>,
    pub inbox: Option<Inbox>,
    /// The calendar a command reads when it is given none (`[calendar] url`).
    pub calendar: Option<String>,
    /// What one read of a calendar may take (instances walked, occurrences
    /// kept): the same for every front; tests make it small.
    pub limits: neitakk_ical::Limits,
}

impl std::ops::Deref for Config {
    type Target = Settings;
    fn deref(&self) -> &Settings {
        &self.settings
    }
}

impl std::ops::DerefMut for Config {
    fn deref_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }
}

impl Config {
    /// Everything an assessment or a message is computed from, as stable
    /// text for a cache key: the settings and the templates folder. No
    /// secret, and no `Debug` text (which is for people and may change).
    pub fn fingerprint(&self) -> String {
        serde_json::json!({
            "settings": self.settings,
            "templates": self.templates,
        })
        .to_string()
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// Reads the config in `file` (none: the defaults) with the `NEITAKK_*`
/// environment on top; `data_dir` is where the journal lives unless the
/// config or `NEITAKK_DATA_DIR` says otherwise. `now` is the instant the
/// pipeline then acts as of. Finding the file is the front's business.
pub fn load(file: Option<&Path>, data_dir: Option<PathBuf>, now: DateTime<Utc>) -> Result<Config> {
    let (file, source) = match file {
        Some(path) => (read_toml::<File>(path)?, Some(path.to_path_buf())),
        None => (File::default(), None),
    };
    let default_data_dir = data_dir;
    let base = source
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let relative = |p: PathBuf| if p.is_absolute() { p } else { base.join(p) };

    let p = file.profile;
    // Say where a bad value came from: the environment or the file.
    let origin = |var: &str, from_env: bool| {
        if from_env {
            var.to_owned()
        } else {
            "profile".to_owned()
        }
    };
    let language = match env("NEITAKK_LANGUAGE")
        .map(|l| (l, true))
        .or(p.language.map(|l| (l, false)))
    {
        Some((l, from_env)) => Lang::from_tag(&l).ok_or_else(|| {
            BadInput(format!(
                "{}: unknown language '{l}' (use nb or en)",
                origin("NEITAKK_LANGUAGE", from_env)
            ))
        })?,
        None => Lang::En,
    };
    let timezone = match env("NEITAKK_TIMEZONE")
        .map(|z| (z, true))
        .or(p.timezone.map(|z| (z, false)))
    {
        Some((z, from_env)) => neitakk_ical::zone::parse_zone_name(&z).ok_or_else(|| {
            BadInput(format!(
                "{}: unknown time zone '{z}' (use an IANA name such as Europe/Oslo)",
                origin("NEITAKK_TIMEZONE", from_env)
            ))
        })?,
        None => neitakk_core::Tz::UTC,
    };
    let cap_hours = match env("NEITAKK_WEEKLY_CAP_HOURS") {
        Some(v) => v
            .parse::<f64>()
            .map_err(|_| BadInput(format!("NEITAKK_WEEKLY_CAP_HOURS '{v}' is not a number")))?,
        None => p.weekly_cap_hours.unwrap_or(20.0),
    };
    if !(0.0..=168.0).contains(&cap_hours) {
        return Err(BadInput(format!(
            "weekly_cap_hours {cap_hours} must be between 0 and 168"
        ))
        .into());
    }
    let mut emails: Vec<String> = match env("NEITAKK_EMAIL") {
        Some(v) => v.split(',').map(str::to_owned).collect(),
        None => p.emails,
    };
    for e in &mut emails {
        *e = e.trim().to_ascii_lowercase();
    }
    let name = env("NEITAKK_NAME").or(p.name).unwrap_or_default();
    let signatures = p
        .signatures
        .iter()
        .map(|(tag, text)| {
            Lang::from_tag(tag)
                .map(|l| (l, text.clone()))
                .ok_or_else(|| {
                    BadInput(format!(
                        "profile.signatures: unknown language '{tag}' (use nb or en)"
                    ))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let profile = Profile {
        signatures,
        signature: p.signature.unwrap_or_else(|| name.clone()),
        name,
        emails,
        language,
        timezone,
        weekly_cap_minutes: (cap_hours * 60.0).round() as u32,
        phone: p.phone,
        video_link: p.video_link,
        office: p.office,
        working_hours: match p.working_hours {
            Some(h) => hours(&h)?,
            None => WorkingHours::default(),
        },
    };

    let clients_path = env("NEITAKK_CLIENTS")
        .map(PathBuf::from)
        .or(file.clients.map(relative));
    let clients = match &clients_path {
        Some(path) if path.exists() => read_toml::<ClientsFile>(path)?.clients,
        Some(path) => {
            return Err(BadInput(format!(
                "clients file {} not found; `neitakk init` writes a commented one",
                path.display()
            ))
            .into())
        }
        None => Vec::new(),
    };
    for problem in neitakk_core::registry_problems(&clients) {
        tracing::warn!(
            "{}: {problem}",
            clients_path
                .as_deref()
                .map_or(String::new(), |p| p.display().to_string())
        );
    }
    let data_dir = env("NEITAKK_DATA_DIR")
        .map(PathBuf::from)
        .or(file.data_dir.map(relative))
        .or(default_data_dir)
        .unwrap_or_else(|| PathBuf::from(".neitakk"));
    let outbox = file
        .delivery
        .outbox
        .clone()
        .map(relative)
        .unwrap_or_else(|| data_dir.join("outbox"));
    Ok(Config {
        settings: Settings {
            now,
            profile,
            clients,
            tiers: file.tiers,
            policy: file.engine,
            facts: file.facts,
            no_counter_domains: file.delivery.no_counter_domains,
        },
        source,
        clients_path,
        templates: env("NEITAKK_TEMPLATES")
            .map(PathBuf::from)
            .or(file.templates.map(relative)),
        data_dir,
        send_by_default: match file.delivery.deliver.as_str() {
            "outbox" => false,
            "smtp" => true,
            other => {
                return Err(
                    BadInput(format!("delivery.deliver '{other}': use outbox or smtp")).into(),
                )
            }
        },
        outbox,
        smtp: smtp(file.delivery.smtp, relative)?,
        caldav: file.caldav.map(|c| Caldav {
            url: c.url,
            user: c.user,
            secret: Secret {
                password: None,
                password_env: c.password_env,
                password_command: c.password_command,
                token_command: None,
            },
        }),
        inbox: inbox(file.inbox, relative)?,
        calendar: file.calendar.url,
        limits: neitakk_ical::Limits::default(),
    })
}

/// Reads a TOML file; errors name the file, line and key.
pub fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let line = text[..s.start.min(text.len())].matches('\n').count() + 1;
                format!(":{line}")
            })
            .unwrap_or_default();
        BadInput(format!("{}{at}: {}", path.display(), e.message())).into()
    })
}

fn hours(h: &HoursFile) -> Result<WorkingHours> {
    let time = |s: &str| {
        NaiveTime::parse_from_str(s.trim(), "%H:%M")
            .map_err(|_| BadInput(format!("working hours: '{s}' is not a time like 08:00")))
    };
    let days = match &h.days {
        None => WorkingHours::default().days,
        Some(days) => days
            .iter()
            .map(|d| {
                d.parse::<Weekday>()
                    .map_err(|_| BadInput(format!("working hours: '{d}' is not a weekday")))
            })
            .collect::<Result<_, _>>()?,
    };
    let (start, end) = (time(&h.start)?, time(&h.end)?);
    if end <= start {
        return Err(BadInput("working hours: end must be after start".into()).into());
    }
    Ok(WorkingHours { start, end, days })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints_its_password() {
        let secret = Secret {
            password: Some("hunter2".into()),
            ..Secret::default()
        };
        let text = format!("{secret:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("sealed"), "{text}");
        let env = Secret {
            password_env: Some("SMTP_PASSWORD".into()),
            ..Secret::default()
        };
        assert_eq!(
            format!("{env:?}"),
            "Secret(from the variable SMTP_PASSWORD)"
        );
    }

    #[test]
    fn the_fingerprint_names_inputs_not_secrets() {
        let mut config = load(None, Some(PathBuf::from("data")), DateTime::UNIX_EPOCH).unwrap();
        config.smtp = Some(Smtp {
            host: "smtp.example.no".into(),
            port: 587,
            security: neitakk_net::smtp::Security::StartTls,
            user: None,
            secret: Secret {
                password: Some("hunter2".into()),
                ..Secret::default()
            },
            ca_file: None,
        });
        let before = config.fingerprint();
        assert!(!before.contains("hunter2"));
        config.policy.memory_raise_at += 1;
        assert_ne!(config.fingerprint(), before, "the policy is an input");
    }
}
