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
use neitakk_store::Store;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "neitakk_session";
/// The CSRF token of forms shown before login (double-submit).
pub const FORM_COOKIE: &str = "neitakk_form";
const SESSION_DAYS: i64 = 14;
/// Failed logins allowed per address, and per client address, in the window.
const FAILURES_PER_EMAIL: i64 = 5;
const FAILURES_PER_IP: i64 = 20;
const FAILURE_WINDOW_MINUTES: i64 = 15;
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

/// The client's address, when the server knows it (not in router tests).
pub struct Peer(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// How failed logins for an address are counted.
pub fn failure_key(email: &str) -> String {
    format!("email:{}", email.to_ascii_lowercase())
}

/// Counts this login attempt against the address and the client, and
/// refuses it past the limit. Counted and checked in one statement each, so
/// that guesses made in parallel cannot all pass before any is counted; a
/// right password takes its attempt back ([`attempt_was_right`]).
pub async fn attempt(app: &App, email: &str, peer: &Peer, lang: Lang) -> Result<(), Failure> {
    let now = app.clock.now();
    let since = now - Duration::minutes(FAILURE_WINDOW_MINUTES);
    let by_email = app
        .store
        .count_attempt(&failure_key(email), now, since)
        .await?;
    let by_ip = match peer.0 {
        Some(ip) => {
            app.store
                .count_attempt(&format!("ip:{ip}"), now, since)
                .await?
        }
        None => 0,
    };
    if by_email > FAILURES_PER_EMAIL || by_ip > FAILURES_PER_IP {
        let message = if lang == Lang::Nb {
            format!(
                "For mange mislykkede innlogginger. Prøv igjen om {FAILURE_WINDOW_MINUTES} minutter, \
                 eller be en administrator om å sette et nytt passord."
            )
        } else {
            format!(
                "Too many failed logins. Try again in {FAILURE_WINDOW_MINUTES} minutes, \
                 or ask an admin to set a new password."
            )
        };
        return Err(Failure::new(Kind::TooMany, message).lang(lang));
    }
    Ok(())
}

/// The password was right: the attempt was not a guess, and the count for
/// the address starts again.
pub async fn attempt_was_right(app: &App, email: &str, peer: &Peer) -> Result<(), Failure> {
    app.store.forget_attempts(&failure_key(email)).await?;
    if let Some(ip) = peer.0 {
        app.store.undo_attempt(&format!("ip:{ip}")).await?;
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
