//! Who is asking: passwords (argon2id), session cookies with a CSRF token
//! each, API tokens, the one-time setup link, and login rate limits. Tokens
//! are random and stored only as SHA-256 hashes.

use super::failure::{Failure, Kind};
use super::App;
use anyhow::{anyhow, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use neitakk_core::Lang;
use neitakk_store::accounts::{Role, User};
use neitakk_store::team::LoginTry;
use neitakk_store::Store;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "neitakk_session";
/// The CSRF token of forms shown before login (double-submit).
pub const FORM_COOKIE: &str = "neitakk_form";
const SESSION_DAYS: i64 = 14;
pub const MIN_PASSWORD: usize = 10;

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow!("cannot hash a password: {e}"))?
        .to_string())
}

pub fn password_matches(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A new random token: 32 bytes, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    B64.encode(bytes)
}

/// How a token is stored.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Equal, in a time that does not tell how much of it matched.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A one-time link to create the first admin, valid for a day from `now`.
pub async fn new_setup_link(store: &Store, now: DateTime<Utc>) -> Result<String> {
    let token = random_token();
    store
        .create_setup_link(&token_hash(&token), now + Duration::days(1))
        .await?;
    Ok(token)
}

/// Starts a session; the cookie to set.
pub async fn start_session(app: &App, user_id: i64) -> Result<String> {
    let token = random_token();
    app.store
        .create_session(
            &token_hash(&token),
            user_id,
            &random_token(),
            app.clock.now() + Duration::days(SESSION_DAYS),
        )
        .await?;
    Ok(cookie(app, SESSION_COOKIE, &token, SESSION_DAYS * 86_400))
}

/// A cookie only the server reads: HttpOnly, SameSite, Secure over TLS.
pub fn cookie(app: &App, name: &str, value: &str, max_age: i64) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{}",
        if app.options.secure_cookies {
            "; Secure"
        } else {
            ""
        }
    )
}

/// A cookie's value from the request.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.to_owned())
}

/// The language the browser asks for, by Accept-Language and its weights.
pub fn browser_lang(headers: &HeaderMap) -> Lang {
    let Some(value) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Lang::En;
    };
    let mut tags: Vec<(f32, Lang)> = value
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse().ok()))
                .unwrap_or(1.0);
            let primary = tag.split('-').next()?;
            let lang = match primary {
                "nb" | "nn" | "no" => Lang::Nb,
                "en" => Lang::En,
                _ => return None,
            };
            Some((q, lang))
        })
        .collect();
    // Stable: of equal weights, the first listed wins.
    tags.sort_by(|a, b| b.0.total_cmp(&a.0));
    tags.first().map_or(Lang::En, |t| t.1)
}

/// The user's language: their setting, else the browser's.
pub fn user_lang(user: &User, headers: &HeaderMap) -> Lang {
    super::work::Settings::of(user)
        .language
        .as_deref()
        .and_then(Lang::from_tag)
        .unwrap_or_else(|| browser_lang(headers))
}

/// A form without its CSRF token, or with another's.
pub fn stale_form(lang: Lang) -> Failure {
    Failure::forbidden(super::text::pick(
        lang,
        "The form was out of date or came from another site. Reload the page and try again.",
        "Skjemaet var utdatert eller kom fra et annet nettsted. Last inn siden på nytt og prøv igjen.",
    ))
    .lang(lang)
}

/// A logged-in person, from the session cookie; anyone else goes to the
/// login page.
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub token_hash: String,
    pub lang: Lang,
}

impl Session {
    /// Forms must carry the session's CSRF token.
    pub fn check(&self, given: &str) -> Result<(), Failure> {
        if same(given, &self.csrf) {
            Ok(())
        } else {
            Err(stale_form(self.lang))
        }
    }

    pub fn require_admin(&self) -> Result<(), Failure> {
        if self.user.role == Role::Admin {
            Ok(())
        } else {
            Err(Failure::forbidden("Only an admin can do that.")
                .nb("Bare en administrator kan gjøre det.")
                .lang(self.lang))
        }
    }
}

impl FromRequestParts<Arc<App>> for Session {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Failure> {
        let token = read_cookie(&parts.headers, SESSION_COOKIE).ok_or_else(Failure::login)?;
        let hash = token_hash(&token);
        let (user, csrf) = app
            .store
            .session_user(&hash, app.clock.now())
            .await?
            .ok_or_else(Failure::login)?;
        Ok(Session {
            lang: user_lang(&user, &parts.headers),
            user,
            csrf,
            token_hash: hash,
        })
    }
}

/// A caller of the JSON API, by its `Authorization: Bearer` token.
pub struct ApiUser(pub User);

impl FromRequestParts<Arc<App>> for ApiUser {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Failure> {
        let unauthorized = || {
            Failure::new(
                Kind::Unauthorized,
                "send an API token: Authorization: Bearer TOKEN (made on the settings page)",
            )
            .json()
        };
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(unauthorized)?;
        let user = app
            .store
            .token_user(&token_hash(token.trim()))
            .await
            .map_err(|e| Failure::from(e).json())?
            .ok_or_else(unauthorized)?;
        Ok(ApiUser(user))
    }
}

/// The client's address, when the server knows it (not in router tests):
/// the connection's, or, when that is a trusted proxy (`--trusted-proxy`),
/// the last address in X-Forwarded-For that is not one (a client cannot
/// choose it by sending the header itself).
pub struct Peer(pub Option<IpAddr>);

impl FromRequestParts<Arc<App>> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &Arc<App>,
    ) -> Result<Self, Self::Rejection> {
        let connection = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect::<Vec<_>>()
            .join(",");
        Ok(Peer(connection.map(|ip| {
            client_address(ip, &forwarded, &app.options.trusted_proxies)
        })))
    }
}

/// The client behind `connection`: itself, unless it is one of `trusted`;
/// then the last hop of `forwarded` (X-Forwarded-For, nearest last) that is
/// not trusted. An entry that is not an address ends the walk there.
fn client_address(connection: IpAddr, forwarded: &str, trusted: &[IpAddr]) -> IpAddr {
    let mut client = connection;
    for hop in forwarded
        .rsplit(',')
        .map(str::trim)
        .filter(|h| !h.is_empty())
    {
        if !trusted.contains(&client) {
            break;
        }
        match hop.parse::<IpAddr>() {
            Ok(ip) => client = ip,
            Err(_) => break,
        }
    }
    client
}

/// How many attempts a login key may make at once, before each must wait
/// (twice as long each time): one account from one address; one account
/// from anywhere (guesses spread over many addresses); one address at any
/// accounts. A guesser slows down only their own tries at first, not a
/// colleague's from elsewhere.
const FREE_PER_PAIR: i64 = 3;
const FREE_PER_ACCOUNT: i64 = 20;
const FREE_PER_ADDRESS: i64 = 30;

/// The login keys an attempt counts against, with their free attempts.
fn attempt_keys(email: &str, peer: &Peer) -> Vec<(String, i64)> {
    let email = email.to_ascii_lowercase();
    let ip = peer.0.map_or("-".to_owned(), |ip| ip.to_string());
    let mut keys = vec![
        (format!("pair:{email}|{ip}"), FREE_PER_PAIR),
        (failure_key(&email), FREE_PER_ACCOUNT),
    ];
    if peer.0.is_some() {
        keys.push((format!("ip:{ip}"), FREE_PER_ADDRESS));
    }
    keys
}

/// How many attempts a key (as [`attempt_keys`] writes them) may make at once.
pub fn free_attempts(key: &str) -> i64 {
    match key.split(':').next() {
        Some("pair") => FREE_PER_PAIR,
        Some("email") => FREE_PER_ACCOUNT,
        _ => FREE_PER_ADDRESS,
    }
}

/// Whose tries a login key counts, in words for the admin.
pub fn key_words(key: &str, lang: Lang) -> String {
    let nb = lang == Lang::Nb;
    match key.split_once(':') {
        Some(("pair", rest)) => {
            let (email, ip) = rest.split_once('|').unwrap_or((rest, "-"));
            match (nb, ip) {
                (true, "-") => format!("{email}, fra ukjent adresse"),
                (false, "-") => format!("{email}, from an unknown address"),
                (true, _) => format!("{email} fra {ip}"),
                (false, _) => format!("{email} from {ip}"),
            }
        }
        Some(("email", email)) if nb => format!("{email}, fra alle adresser"),
        Some(("email", email)) => format!("{email}, from every address"),
        Some((_, ip)) if nb => format!("{ip}, alle kontoer"),
        Some((_, ip)) => format!("{ip}, every account"),
        None => key.to_owned(),
    }
}

/// How failed logins for an account, from anywhere, are counted.
fn failure_key(email: &str) -> String {
    format!("email:{}", email.to_ascii_lowercase())
}

/// Lifts every wait of an account (from anywhere, and from each address).
pub async fn forget_account_attempts(app: &App, email: &str) -> Result<(), Failure> {
    let email = email.to_ascii_lowercase();
    app.store
        .forget_attempts_from(&failure_key(&email), &format!("pair:{email}|"))
        .await?;
    Ok(())
}

/// Counts this login attempt against the account from this address, the
/// account, and the address, and refuses it while one of them must wait.
/// Counted and checked in one statement each, so that guesses made in
/// parallel cannot all pass before any is counted; a right password takes
/// its attempt back ([`attempt_was_right`]).
pub async fn attempt(app: &App, email: &str, peer: &Peer, lang: Lang) -> Result<(), Failure> {
    let now = app.clock.now();
    for (key, free) in attempt_keys(email, peer) {
        if let LoginTry::Wait(secs) = app.store.try_attempt(&key, now, free).await? {
            let message = match lang {
                Lang::Nb => format!(
                    "For mange mislykkede innlogginger: vent {} før du prøver igjen, \
                     eller be en administrator om å oppheve ventetiden.",
                    wait_text(secs, lang)
                ),
                Lang::En => format!(
                    "Too many failed logins: wait {} before you try again, \
                     or ask an admin to lift the wait.",
                    wait_text(secs, lang)
                ),
            };
            return Err(Failure::new(Kind::TooMany, message).lang(lang));
        }
    }
    Ok(())
}

/// A wait in words: seconds under a minute, else whole minutes (rounded up).
fn wait_text(secs: i64, lang: Lang) -> String {
    let minutes = (secs + 59) / 60;
    match (lang, secs) {
        (Lang::Nb, 1) => "ett sekund".to_owned(),
        (Lang::Nb, s) if s < 60 => format!("{s} sekunder"),
        (Lang::Nb, _) if minutes == 1 => "ett minutt".to_owned(),
        (Lang::Nb, _) => format!("{minutes} minutter"),
        (Lang::En, 1) => "a second".to_owned(),
        (Lang::En, s) if s < 60 => format!("{s} seconds"),
        (Lang::En, _) if minutes == 1 => "a minute".to_owned(),
        (Lang::En, _) => format!("{minutes} minutes"),
    }
}

/// The password was right: the attempt was not a guess, and the count for
/// the account from this address starts again.
pub async fn attempt_was_right(app: &App, email: &str, peer: &Peer) -> Result<(), Failure> {
    for (n, (key, _)) in attempt_keys(email, peer).into_iter().enumerate() {
        if n == 0 {
            app.store.forget_attempts(&key).await?;
        } else {
            app.store.undo_attempt(&key).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_argon2id_and_verify() {
        let hash = hash_password("korrekt hest batteri").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(password_matches(&hash, "korrekt hest batteri"));
        assert!(!password_matches(&hash, "feil"));
        assert!(!password_matches("not a hash", "feil"));
    }

    #[test]
    fn accept_language_picks_the_heaviest_known_tag() {
        let lang = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_LANGUAGE, v.parse().unwrap());
            browser_lang(&h)
        };
        assert_eq!(lang("nb-NO,nb;q=0.9,en;q=0.8"), Lang::Nb);
        assert_eq!(lang("de-DE,en;q=0.5,no;q=0.7"), Lang::Nb);
        assert_eq!(lang("en-GB,en;q=0.9"), Lang::En);
        assert_eq!(lang("fr"), Lang::En);
        assert_eq!(browser_lang(&HeaderMap::new()), Lang::En);
    }
}
