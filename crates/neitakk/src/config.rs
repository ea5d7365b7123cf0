//! Where the config is: `--config`, else `NEITAKK_CONFIG`, else the
//! platform's config folder; and the starting files `neitakk init` writes.
//! Reading it is the pipeline's (`neitakk_pipeline::config`).

use chrono::{DateTime, Utc};
use neitakk_pipeline::config::Config;
use neitakk_pipeline::BadInput;
use neitakk_pipeline::Result;
use std::path::{Path, PathBuf};

/// The platform's folders for neitakk.
fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("no", "neitakk", "neitakk")
}

/// Where the config is looked for when no flag or `NEITAKK_CONFIG` names it.
pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("neitakk.toml"))
}

/// Loads the config the flag, `NEITAKK_CONFIG` or the platform's folder
/// names; with none of them present, the defaults.
pub fn load(flag: Option<&Path>, now: DateTime<Utc>) -> Result<Config> {
    let named = flag.map(Path::to_path_buf).or_else(|| {
        std::env::var_os("NEITAKK_CONFIG")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    let file = match named {
        Some(path) if !path.exists() => {
            return Err(BadInput(format!(
                "config file {} not found; create one with `neitakk init --dir {}`",
                path.display(),
                path.parent()
                    .map_or(".".into(), |p| p.display().to_string())
            ))
            .into());
        }
        Some(path) => Some(path),
        None => default_config_path().filter(|p| p.exists()),
    };
    let data_dir = project_dirs().map(|d| d.data_dir().to_path_buf());
    neitakk_pipeline::config::load(file.as_deref(), data_dir, now)
}

/// The starting config `neitakk init` writes.
pub const STARTER_CONFIG: &str = r#"# neitakk configuration. Every setting can also come from the environment:
# NEITAKK_CONFIG (this file), NEITAKK_NAME, NEITAKK_EMAIL (comma-separated),
# NEITAKK_LANGUAGE, NEITAKK_TIMEZONE, NEITAKK_WEEKLY_CAP_HOURS, NEITAKK_CLIENTS,
# NEITAKK_TEMPLATES, NEITAKK_DATA_DIR.

# The client registry (see clients.toml beside this file).
clients = "clients.toml"

# A folder of your own message templates; a file with the same name as a
# built-in one (e.g. "decline.nb.txt") replaces it.
# templates = "templates"

# Where the decision journal is kept (default: the platform's data folder).
# data_dir = "data"

[profile]
name = "Your Name"
# Every address that is you: meetings are matched against them.
emails = ["you@example.com"]
signature = """
Your Name
Your title, Your Firm
"""
# A signature per language, where it differs (e.g. your title in English).
# [profile.signatures]
# en = "Your Name\nYour title in English, Your Firm"
# nb (Norwegian bokmål) or en (English): your language, and the messages'
# when neither the client nor the invitation says otherwise.
language = "en"
timezone = "Europe/Oslo"
# Meeting hours a week before a week counts as overloaded.
weekly_cap_hours = 15
# Offered when proposing a call instead of meeting in person.
phone = "+47 000 00 000"
# video_link = "https://meet.example.com/you"
# Words in a meeting's location that mean your own office (no travel).
office = ["Your Firm"]

[profile.working_hours]
start = "08:00"
end = "16:00"
days = ["mon", "tue", "wed", "thu", "fri"]

# Clients whose revenue together makes the top 50 % are key, the next 30 %
# regular, the rest minor (a tier set in clients.toml wins).
[tiers]
key = 0.5
regular = 0.8

[facts]
# Minutes a routine or decision meeting really needs, when you do not say.
needed_routine = 30
needed_decision = 60
# A meeting is repetitive with this many similar ones in these many weeks.
repetition_weeks = 4
repetition_threshold = 3

[delivery]
# "outbox": `reply` only writes drafts (with --out, or here); "smtp": replies
# are sent as if --send were given.
deliver = "outbox"
# outbox = "outbox"
# Organizers' domains whose servers ignore proposals (COUNTER): neitakk
# answers them with a tentative reply that carries the proposal in its text.
no_counter_domains = ["gmail.com", "googlemail.com"]

# The mail server for --send. The password never goes in this file: name an
# environment variable that holds it, or a command that prints it.
# [delivery.smtp]
# host = "smtp.example.com"
# port = 587
# security = "starttls"          # or "tls" (port 465)
# user = "you@example.com"
# password_env = "NEITAKK_SMTP_PASSWORD"
# password_command = "pass show smtp"
# ca_file = "company-ca.pem"     # trust your company's own certificate authority

# A CalDAV calendar: give `caldav` instead of a file to read from it, and
# sent replies update your answer (PARTSTAT) on the event there.
# [caldav]
# url = "https://dav.example.com/calendars/you/clients/"
# user = "you"
# password_env = "NEITAKK_CALDAV_PASSWORD"

[engine]
# Minutes it takes to write an update instead of meeting.
email_writing_minutes = 10
# Limited or declined meetings with a client in 30 days that raise every
# risk one step, and that bring back "attend".
memory_raise_at = 2
memory_attend_at = 3
"#;

/// The starting clients file `neitakk init` writes.
pub const STARTER_CLIENTS: &str = r#"# The client registry. One [[client]] block per client.
#
# name             the client's name
# domains          e-mail domains of their people; meetings are matched on them
# tier             key, regular or minor; derived from revenue when left out
# revenue          annual revenue from the client (any one currency)
# flexibility      high, normal or low: how readily they accept changes
# language         nb or en: the language to write to them in
# contact          the contact person's name (used to greet them)
# contact_email
# account_manager  the colleague who owns the relationship (e-mail)
# account_manager_name
# travel_minutes   travel time each way to their office

[[client]]
name = "Example AS"
domains = ["example.no"]
revenue = 1200000
flexibility = "normal"
language = "nb"
contact = "Kari Nordmann"
travel_minutes = 30
"#;
