//! Accounts for the team server: users, their sessions and API tokens, the
//! one-time links that create the first admin, and each user's calendars.
//! Secrets are stored only as hashes, made by the caller; every query for a
//! user's data is scoped to that user.

use crate::{query_error, Error, Store};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Manages users and the client registry.
    Admin,
    /// Reads the registry; works with their own calendars.
    Member,
}

impl Role {
    fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
        }
    }
}

/// A user account. Its `Debug` leaves out the password's hash.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub role: Role,
    /// The user's own settings, as JSON (the server gives them meaning).
    #[serde(skip)]
    pub settings: String,
    /// The store's count of changes (`changes` in the migrations) when the
    /// user was read: while it stands, what else was read for the user
    /// (clients, CalDAV account, calendars, journal) is still what the
    /// store holds.
    #[serde(skip)]
    pub changes: i64,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("name", &self.name)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A calendar a user uploaded, without its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarInfo {
    pub id: i64,
    pub name: String,
    pub uploaded_at: String,
    /// A published link it is fetched from (else an upload).
    pub link: bool,
    /// An invitation read from the inbox (its UID).
    pub invitation: Option<String>,
}

/// A calendar fetched from a link, with what to ask next time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarLink {
    pub id: i64,
    pub user_id: i64,
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The columns every query that reads a user selects: the user's own, and
/// the count of changes as of that read ([`User::changes`]).
macro_rules! user_columns {
    () => {
        "users.*, (SELECT n FROM changes) AS changes"
    };
}

fn user(r: &AnyRow) -> User {
    User {
        id: r.get("id"),
        email: r.get("email"),
        name: r.get("name"),
        password_hash: r.get("password_hash"),
        role: if r.get::<String, _>("role") == "admin" {
            Role::Admin
        } else {
            Role::Member
        },
        settings: r.get("settings"),
        changes: r.get("changes"),
    }
}

impl Store {
    /// Creates a user at `now`; [`Error::Conflict`] if the e-mail is taken.
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        password_hash: &str,
        role: Role,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        let row = sqlx::query(
            "INSERT INTO users (email, name, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(email.to_ascii_lowercase())
        .bind(name)
        .bind(password_hash)
        .bind(role.as_str())
        .bind(now.to_rfc3339())
        .fetch_one(&self.pool)
        .await
        .map_err(query_error("create user"))?;
        Ok(row.get("id"))
    }

    /// Creates the first admin with a setup link, once: `None` if the link
    /// is unknown or expired, or someone is already a user. Every other
    /// setup link goes with it, in the same transaction, so that two links
    /// used at once make one admin.
    pub async fn create_first_admin(
        &self,
        link_hash: &str,
        now: DateTime<Utc>,
        email: &str,
        name: &str,
        password_hash: &str,
    ) -> Result<Option<i64>, Error> {
        let what = "create the first admin";
        let mut tx = self.pool.begin().await.map_err(query_error(what))?;
        let mine = sqlx::query("DELETE FROM setup_links WHERE token_hash = $1 AND expires_at > $2")
            .bind(link_hash)
            .bind(now.to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        if mine.rows_affected() != 1 {
            // Not a link of ours: nothing changes (a guess must not use up
            // the real link).
            tx.rollback().await.map_err(query_error(what))?;
            return Ok(None);
        }
        sqlx::query("DELETE FROM setup_links")
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        let users: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&mut *tx)
            .await
            .map_err(query_error(what))?
            .get("n");
        if users > 0 {
            // There is an admin already: the links are no use, and go.
            tx.commit().await.map_err(query_error(what))?;
            return Ok(None);
        }
        let row = sqlx::query(
            "INSERT INTO users (email, name, password_hash, role, created_at) VALUES ($1, $2, $3, 'admin', $4) RETURNING id",
        )
        .bind(email.to_ascii_lowercase())
        .bind(name)
        .bind(password_hash)
        .bind(now.to_rfc3339())
        .fetch_one(&mut *tx)
        .await
        .map_err(query_error(what))?;
        tx.commit().await.map_err(query_error(what))?;
        Ok(Some(row.get("id")))
    }

    /// Sets a user's password hash and ends their other sessions and API
    /// tokens.
    pub async fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<(), Error> {
        let what = "change password";
        let mut tx = self.pool.begin().await.map_err(query_error(what))?;
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep_session.unwrap_or(""))
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        // A token made by whoever held the old password must not outlive it.
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        tx.commit().await.map_err(query_error(what))?;
        Ok(())
    }

    /// Removes a user and everything that is theirs.
    pub async fn delete_user(&self, user_id: i64) -> Result<bool, Error> {
        let what = "delete user";
        let mut tx = self.pool.begin().await.map_err(query_error(what))?;
        for table in [
            "sessions",
            "api_tokens",
            "calendars",
            "caldav_accounts",
            "inbox_accounts",
        ] {
            sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(query_error(what))?;
        }
        for table in ["drafts", "journal", "sent", "inbox_seen", "inbox_drafts"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE owner = $1"))
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(query_error(what))?;
        }
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        tx.commit().await.map_err(query_error(what))?;
        Ok(done.rows_affected() == 1)
    }

    /// How many users there are (none: the server offers to create the first admin).
    pub async fn user_count(&self) -> Result<i64, Error> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(query_error("count users"))?;
        Ok(row.get("n"))
    }

    /// The user with this e-mail, if any.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<User>, Error> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users WHERE email = $1"
        ))
        .bind(email.to_ascii_lowercase())
        .fetch_optional(&self.pool)
        .await
        .map_err(query_error("find user"))?;
        Ok(row.as_ref().map(user))
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<User>, Error> {
        let rows = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users ORDER BY name, id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(query_error("list users"))?;
        Ok(rows.iter().map(user).collect())
    }

    /// Replaces a user's settings (JSON).
    pub async fn set_settings(&self, user_id: i64, settings: &str) -> Result<(), Error> {
        sqlx::query("UPDATE users SET settings = $1 WHERE id = $2")
            .bind(settings)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(query_error("save settings"))?;
        Ok(())
    }

    /// Starts a session, known by the hash of its cookie.
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires: DateTime<Utc>,
    ) -> Result<(), Error> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(csrf)
            .bind(expires.to_rfc3339())
            .execute(&self.pool)
            .await
            .map_err(query_error("create session"))?;
        Ok(())
    }

    /// The user and CSRF token of a session that has not expired at `now`.
    pub async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(User, String)>, Error> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            ", sessions.csrf_token AS csrf FROM sessions JOIN users ON users.id = sessions.user_id
             WHERE sessions.token_hash = $1 AND sessions.expires_at > $2"
        ))
        .bind(token_hash)
        .bind(now.to_rfc3339())
        .fetch_optional(&self.pool)
        .await
        .map_err(query_error("find session"))?;
        Ok(row.map(|r| (user(&r), r.get("csrf"))))
    }

    /// Forgets sessions that expired before `now`.
    pub async fn delete_expired_sessions(&self, now: DateTime<Utc>) -> Result<(), Error> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now.to_rfc3339())
            .execute(&self.pool)
            .await
            .map_err(query_error("forget old sessions"))?;
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(query_error("end session"))?;
        Ok(())
    }

    /// Stores an API token's hash for a user, made at `now`.
    pub async fn create_api_token(
        &self,
        token_hash: &str,
        user_id: i64,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        sqlx::query("INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(name)
            .bind(now.to_rfc3339())
            .execute(&self.pool)
            .await
            .map_err(query_error("create token"))?;
        Ok(())
    }

    /// A user's API tokens: (the token's hash, its name, when made).
    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<(String, String, String)>, Error> {
        let rows = sqlx::query(
            "SELECT token_hash, name, created_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(query_error("list tokens"))?;
        Ok(rows
            .iter()
            .map(|r| (r.get("token_hash"), r.get("name"), r.get("created_at")))
            .collect())
    }

    /// Revokes one of a user's API tokens; `false` if they have none by that hash.
    pub async fn delete_api_token(&self, user_id: i64, token_hash: &str) -> Result<bool, Error> {
        let done = sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND token_hash = $2")
            .bind(user_id)
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map_err(query_error("revoke token"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Revokes every API token of a user.
    pub async fn delete_api_tokens(&self, user_id: i64) -> Result<(), Error> {
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(query_error("revoke tokens"))?;
        Ok(())
    }

    /// The user an API token belongs to.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<User>, Error> {
        let row = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM api_tokens JOIN users ON users.id = api_tokens.user_id WHERE token_hash = $1"
        ))
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(query_error("find token"))?;
        Ok(row.as_ref().map(user))
    }

    /// Stores a one-time setup link's hash, in place of any earlier link:
    /// one link at a time, so a restart does not leave an old one valid.
    pub async fn create_setup_link(
        &self,
        token_hash: &str,
        expires: DateTime<Utc>,
    ) -> Result<(), Error> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(query_error("create setup link"))?;
        sqlx::query("DELETE FROM setup_links")
            .execute(&mut *tx)
            .await
            .map_err(query_error("create setup link"))?;
        sqlx::query("INSERT INTO setup_links (token_hash, expires_at) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(expires.to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(query_error("create setup link"))?;
        tx.commit()
            .await
            .map_err(query_error("create setup link"))?;
        Ok(())
    }

    /// Whether a setup link can still make the first admin: it exists, has
    /// not expired, and nobody has an account yet.
    pub async fn setup_link_open(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, Error> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM setup_links WHERE token_hash = $1 AND expires_at > $2
             AND NOT EXISTS (SELECT 1 FROM users)",
        )
        .bind(token_hash)
        .bind(now.to_rfc3339())
        .fetch_one(&self.pool)
        .await
        .map_err(query_error("check setup link"))?;
        Ok(row.get::<i64, _>("n") > 0)
    }

    /// Stores a calendar for a user, uploaded at `now`.
    pub async fn add_calendar(
        &self,
        user_id: i64,
        name: &str,
        data: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        let row = sqlx::query("INSERT INTO calendars (user_id, name, data, uploaded_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(user_id)
            .bind(name)
            .bind(data)
            .bind(now.to_rfc3339())
            .fetch_one(&self.pool)
            .await
            .map_err(query_error("add calendar"))?;
        Ok(row.get("id"))
    }

    /// A user's calendars.
    pub async fn calendars(&self, user_id: i64) -> Result<Vec<CalendarInfo>, Error> {
        let rows = sqlx::query(
            "SELECT id, name, uploaded_at, url, invitation FROM calendars WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(query_error("list calendars"))?;
        Ok(rows
            .iter()
            .map(|r| CalendarInfo {
                id: r.get("id"),
                name: r.get("name"),
                uploaded_at: r.get("uploaded_at"),
                link: r.get::<Option<String>, _>("url").is_some(),
                invitation: r.get("invitation"),
            })
            .collect())
    }

    /// Deletes a calendar, only if it belongs to `user_id`; `false` if it does not.
    pub async fn delete_calendar(&self, user_id: i64, id: i64) -> Result<bool, Error> {
        let done = sqlx::query("DELETE FROM calendars WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(query_error("delete calendar"))?;
        Ok(done.rows_affected() == 1)
    }

    /// A calendar's text, only if it belongs to `user_id`.
    /// Stores a calendar fetched from a published link; its id.
    pub async fn add_calendar_link(
        &self,
        user_id: i64,
        name: &str,
        link: &CalendarLink,
        data: &str,
        now: DateTime<Utc>,
    ) -> Result<i64, Error> {
        let row = sqlx::query(
            "INSERT INTO calendars (user_id, name, data, uploaded_at, url, etag, last_modified)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(data)
        .bind(now.to_rfc3339())
        .bind(&link.url)
        .bind(&link.etag)
        .bind(&link.last_modified)
        .fetch_one(&self.pool)
        .await
        .map_err(query_error("add a calendar link"))?;
        Ok(row.get("id"))
    }

    /// Keeps an invitation read from the inbox as one of the user's
    /// calendars, in place of an earlier version of it (by its UID).
    pub async fn put_invitation(
        &self,
        user_id: i64,
        uid: &str,
        name: &str,
        data: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        let what = "keep an invitation";
        let mut tx = self.pool.begin().await.map_err(query_error(what))?;
        sqlx::query("DELETE FROM calendars WHERE user_id = $1 AND invitation = $2")
            .bind(user_id)
            .bind(uid)
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        sqlx::query(
            "INSERT INTO calendars (user_id, name, data, uploaded_at, invitation)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user_id)
        .bind(name)
        .bind(data)
        .bind(now.to_rfc3339())
        .bind(uid)
        .execute(&mut *tx)
        .await
        .map_err(query_error(what))?;
        tx.commit().await.map_err(query_error(what))?;
        Ok(())
    }

    /// The calendars fetched from links: one user's, or (`None`) everyone's.
    pub async fn calendar_links(&self, user_id: Option<i64>) -> Result<Vec<CalendarLink>, Error> {
        let rows = sqlx::query(
            "SELECT id, user_id, url, etag, last_modified FROM calendars
             WHERE url IS NOT NULL AND (CAST($1 AS BIGINT) IS NULL OR user_id = $1) ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(query_error("list calendar links"))?;
        Ok(rows
            .iter()
            .map(|r| CalendarLink {
                id: r.get("id"),
                user_id: r.get("user_id"),
                url: r.get("url"),
                etag: r.get("etag"),
                last_modified: r.get("last_modified"),
            })
            .collect())
    }

    /// A link's calendar as fetched anew, at `now`.
    pub async fn refresh_calendar_link(
        &self,
        link: &CalendarLink,
        data: &str,
        now: DateTime<Utc>,
    ) -> Result<(), Error> {
        sqlx::query(
            "UPDATE calendars SET data = $1, uploaded_at = $2, etag = $3, last_modified = $4
             WHERE id = $5 AND user_id = $6",
        )
        .bind(data)
        .bind(now.to_rfc3339())
        .bind(&link.etag)
        .bind(&link.last_modified)
        .bind(link.id)
        .bind(link.user_id)
        .execute(&self.pool)
        .await
        .map_err(query_error("refresh a calendar link"))?;
        Ok(())
    }

    pub async fn calendar(&self, user_id: i64, id: i64) -> Result<Option<String>, Error> {
        let row = sqlx::query("SELECT data FROM calendars WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(query_error("read calendar"))?;
        Ok(row.map(|r| r.get("data")))
    }
}

#[cfg(test)]
mod debug {
    use super::*;

    #[test]
    fn a_users_debug_leaves_out_the_password_hash() {
        let u = User {
            id: 1,
            email: "ingrid@fjellfjord.no".into(),
            name: "Ingrid".into(),
            password_hash: "$argon2id$secret".into(),
            role: Role::Admin,
            settings: String::new(),
            changes: 0,
        };
        let text = format!("{u:?}");
        assert!(
            text.contains("ingrid@fjellfjord.no") && !text.contains("argon2"),
            "{text}"
        );
        let account = crate::team::CaldavAccount {
            url: "https://dav.example.no/".into(),
            username: "ingrid".into(),
            sealed_secret: "c2VhbGVk".into(),
        };
        assert!(!format!("{account:?}").contains("c2VhbGVk"));
    }
}
