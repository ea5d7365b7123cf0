//! What the team server keeps besides accounts: the shared client registry,
//! each user's drafts and CalDAV account, and failed logins (for rate
//! limiting across every server process).

use crate::{query_error, Error, Store};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;

/// A draft in a user's outbox, without its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftInfo {
    pub id: i64,
    pub created_at: String,
    pub uid: String,
    pub strategy: String,
    pub kind: String,
    pub recipients: String,
    pub subject: String,
    pub message_id: String,
    pub sent_at: Option<String>,
}

/// A draft to store.
#[derive(Debug, Clone)]
pub struct NewDraft<'a> {
    pub uid: &'a str,
    pub strategy: &'a str,
    pub kind: &'a str,
    pub recipients: &'a str,
    pub subject: &'a str,
    pub message_id: &'a str,
    pub eml: &'a str,
}

/// A user's CalDAV account; the secret is sealed by the caller, and its
/// `Debug` leaves it out.
#[derive(Clone, PartialEq, Eq)]
pub struct CaldavAccount {
    pub url: String,
    pub username: String,
    pub sealed_secret: String,
}

impl std::fmt::Debug for CaldavAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaldavAccount")
            .field("url", &self.url)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// The client registry: each client's name and its JSON.
    pub async fn registry(&self) -> Result<Vec<(String, String)>, Error> {
        let rows = sqlx::query("SELECT name, data FROM clients ORDER BY name")
            .fetch_all(&self.pool)
            .await
            .map_err(query_error("read clients"))?;
        Ok(rows
            .iter()
            .map(|r| (r.get("name"), r.get("data")))
            .collect())
    }

    /// Adds or replaces clients (by name) in one transaction: all or none.
    pub async fn save_clients(&self, clients: &[(String, String)]) -> Result<(), Error> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(query_error("save clients"))?;
        for (name, data) in clients {
            sqlx::query("DELETE FROM clients WHERE name = $1")
                .bind(name)
                .execute(&mut *tx)
                .await
                .map_err(query_error("save clients"))?;
            sqlx::query("INSERT INTO clients (name, data) VALUES ($1, $2)")
                .bind(name)
                .bind(data)
                .execute(&mut *tx)
                .await
                .map_err(query_error("save clients"))?;
        }
        tx.commit().await.map_err(query_error("save clients"))?;
        Ok(())
    }

    /// Replaces client `original` by `name` with `data`, in one transaction;
    /// [`Error::Conflict`] if another client has that name already.
    pub async fn rename_client(&self, original: &str, name: &str, data: &str) -> Result<(), Error> {
        let what = "client name";
        let mut tx = self.pool.begin().await.map_err(query_error(what))?;
        sqlx::query("DELETE FROM clients WHERE name = $1")
            .bind(original)
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        // The new name is a primary key: taken, this insert is the conflict.
        sqlx::query("INSERT INTO clients (name, data) VALUES ($1, $2)")
            .bind(name)
            .bind(data)
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        tx.commit().await.map_err(query_error(what))?;
        Ok(())
    }

    /// Removes a client; `false` if there was none by that name.
    pub async fn delete_client(&self, name: &str) -> Result<bool, Error> {
        let done = sqlx::query("DELETE FROM clients WHERE name = $1")
            .bind(name)
            .execute(&self.pool)
            .await
            .map_err(query_error("delete client"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts a draft in this store's owner's outbox, made at `now`. An
    /// unsent draft of the same message (the same Message-ID: the same
    /// reply to the same request, saved before) gives way to it.
    pub async fn add_draft(&self, d: &NewDraft<'_>, now: DateTime<Utc>) -> Result<i64, Error> {
        let what = "save draft";
        let mut tx = self.pool.begin().await.map_err(query_error(what))?;
        sqlx::query("DELETE FROM drafts WHERE owner = $1 AND message_id = $2 AND sent_at IS NULL")
            .bind(self.owner)
            .bind(d.message_id)
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        let row = sqlx::query(
            "INSERT INTO drafts (owner, created_at, uid, strategy, kind, recipients, subject, message_id, eml)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(self.owner)
        .bind(now.to_rfc3339())
        .bind(d.uid)
        .bind(d.strategy)
        .bind(d.kind)
        .bind(d.recipients)
        .bind(d.subject)
        .bind(d.message_id)
        .bind(d.eml)
        .fetch_one(&mut *tx)
        .await
        .map_err(query_error(what))?;
        tx.commit().await.map_err(query_error(what))?;
        Ok(row.get("id"))
    }

    /// The owner's outbox, newest first.
    pub async fn drafts(&self) -> Result<Vec<DraftInfo>, Error> {
        let rows = sqlx::query(
            "SELECT id, created_at, uid, strategy, kind, recipients, subject, message_id, sent_at
             FROM drafts WHERE owner = $1 ORDER BY id DESC",
        )
        .bind(self.owner)
        .fetch_all(&self.pool)
        .await
        .map_err(query_error("list drafts"))?;
        Ok(rows
            .iter()
            .map(|r| DraftInfo {
                id: r.get("id"),
                created_at: r.get("created_at"),
                uid: r.get("uid"),
                strategy: r.get("strategy"),
                kind: r.get("kind"),
                recipients: r.get("recipients"),
                subject: r.get("subject"),
                message_id: r.get("message_id"),
                sent_at: r.get("sent_at"),
            })
            .collect())
    }

    /// One of the owner's drafts as an e-mail message.
    pub async fn draft_eml(&self, id: i64) -> Result<Option<String>, Error> {
        let row = sqlx::query("SELECT eml FROM drafts WHERE id = $1 AND owner = $2")
            .bind(id)
            .bind(self.owner)
            .fetch_optional(&self.pool)
            .await
            .map_err(query_error("read draft"))?;
        Ok(row.map(|r| r.get("eml")))
    }

    /// Deletes one of the owner's drafts; `false` if they have none by that id.
    pub async fn delete_draft(&self, id: i64) -> Result<bool, Error> {
        let done = sqlx::query("DELETE FROM drafts WHERE id = $1 AND owner = $2")
            .bind(id)
            .bind(self.owner)
            .execute(&self.pool)
            .await
            .map_err(query_error("delete draft"))?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks one of the owner's drafts as sent at `now`.
    pub async fn mark_draft_sent(&self, id: i64, now: DateTime<Utc>) -> Result<(), Error> {
        sqlx::query("UPDATE drafts SET sent_at = $1 WHERE id = $2 AND owner = $3")
            .bind(now.to_rfc3339())
            .bind(id)
            .bind(self.owner)
            .execute(&self.pool)
            .await
            .map_err(query_error("mark draft sent"))?;
        Ok(())
    }

    /// Sets (or replaces) a user's CalDAV account.
    pub async fn set_caldav(&self, user_id: i64, account: &CaldavAccount) -> Result<(), Error> {
        let mut tx = self
            .pool
            .begin()
            .await
            .map_err(query_error("save CalDAV account"))?;
        sqlx::query("DELETE FROM caldav_accounts WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(query_error("save CalDAV account"))?;
        sqlx::query(
            "INSERT INTO caldav_accounts (user_id, url, username, secret) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(&account.url)
        .bind(&account.username)
        .bind(&account.sealed_secret)
        .execute(&mut *tx)
        .await
        .map_err(query_error("save CalDAV account"))?;
        tx.commit()
            .await
            .map_err(query_error("save CalDAV account"))?;
        Ok(())
    }

    /// A user's CalDAV account, if they set one.
    pub async fn caldav(&self, user_id: i64) -> Result<Option<CaldavAccount>, Error> {
        let row =
            sqlx::query("SELECT url, username, secret FROM caldav_accounts WHERE user_id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await
                .map_err(query_error("read CalDAV account"))?;
        Ok(row.map(|r| CaldavAccount {
            url: r.get("url"),
            username: r.get("username"),
            sealed_secret: r.get("secret"),
        }))
    }

    /// Removes a user's CalDAV account.
    pub async fn delete_caldav(&self, user_id: i64) -> Result<(), Error> {
        sqlx::query("DELETE FROM caldav_accounts WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(query_error("delete CalDAV account"))?;
        Ok(())
    }

    /// Counts a login attempt for `key` at `now`, unless it comes too soon:
    /// the first `free` attempts may come at once, each one after waits
    /// twice as long as the one before (2 s, 4 s, 8 s, up to
    /// [`LOGIN_WAIT_CAP`]), and a quiet [`LOGIN_QUIET`] starts the count
    /// again. Checked and counted in one statement (an upsert), so that
    /// attempts sent at once cannot all pass.
    pub async fn try_attempt(
        &self,
        key: &str,
        now: DateTime<Utc>,
        free: i64,
    ) -> Result<LoginTry, Error> {
        let (now_s, quiet) = (now.timestamp(), now.timestamp() - LOGIN_QUIET);
        let row = sqlx::query(
            "INSERT INTO login_attempts (key, window_start, attempts, last_at) VALUES ($1, '', 1, $2)
             ON CONFLICT (key) DO UPDATE SET
               attempts = CASE WHEN login_attempts.last_at < $3 THEN 1
                               ELSE login_attempts.attempts + 1 END,
               last_at = $2
             WHERE login_attempts.last_at < $3
                OR login_attempts.attempts < $4
                OR login_attempts.last_at + CASE
                     WHEN login_attempts.attempts - $4 >= 9 THEN $5
                     ELSE CAST(2 AS BIGINT) << CAST(login_attempts.attempts - $4 AS INTEGER)
                   END <= $2
             RETURNING attempts",
        )
        .bind(key)
        .bind(now_s)
        .bind(quiet)
        .bind(free)
        .bind(LOGIN_WAIT_CAP)
        .fetch_optional(&self.pool)
        .await
        .map_err(query_error("count a login attempt"))?;
        if let Some(r) = row {
            return Ok(LoginTry::Counted(r.get("attempts")));
        }
        let r = sqlx::query("SELECT attempts, last_at FROM login_attempts WHERE key = $1")
            .bind(key)
            .fetch_one(&self.pool)
            .await
            .map_err(query_error("count a login attempt"))?;
        let until = r.get::<i64, _>("last_at") + login_wait(r.get("attempts"), free);
        Ok(LoginTry::Wait((until - now_s).max(1)))
    }

    /// The keys whose next login attempt must wait, as of `now`: each with
    /// its attempts and when the next may come (seconds since 1970), for
    /// the admin to see and clear. `free` tells how many a key may make at
    /// once.
    pub async fn login_waits(
        &self,
        now: DateTime<Utc>,
        free: impl Fn(&str) -> i64,
    ) -> Result<Vec<(String, i64, i64)>, Error> {
        let rows = sqlx::query(
            "SELECT key, attempts, last_at FROM login_attempts WHERE last_at >= $1 ORDER BY key",
        )
        .bind(now.timestamp() - LOGIN_QUIET)
        .fetch_all(&self.pool)
        .await
        .map_err(query_error("list login waits"))?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                let key: String = r.get("key");
                let attempts: i64 = r.get("attempts");
                let until = r.get::<i64, _>("last_at") + login_wait(attempts, free(&key));
                (until > now.timestamp()).then_some((key, attempts, until))
            })
            .collect())
    }

    /// Forgets the attempts for `key`: its count starts again.
    pub async fn forget_attempts(&self, key: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM login_attempts WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(query_error("forget login attempts"))?;
        Ok(())
    }

    /// Forgets the attempts for `key` and for every key that begins with
    /// `prefix` (an account's, from each address).
    pub async fn forget_attempts_from(&self, key: &str, prefix: &str) -> Result<(), Error> {
        sqlx::query("DELETE FROM login_attempts WHERE key = $1 OR substr(key, 1, $3) = $2")
            .bind(key)
            .bind(prefix)
            .bind(prefix.chars().count() as i64)
            .execute(&self.pool)
            .await
            .map_err(query_error("forget login attempts"))?;
        Ok(())
    }

    /// Takes back one attempt for `key`: it was right, not a guess.
    pub async fn undo_attempt(&self, key: &str) -> Result<(), Error> {
        sqlx::query(
            "UPDATE login_attempts SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0",
        )
        .bind(key)
        .execute(&self.pool)
        .await
        .map_err(query_error("undo a login attempt"))?;
        Ok(())
    }
}

/// The longest wait between login attempts, in seconds.
pub const LOGIN_WAIT_CAP: i64 = 15 * 60;
/// A key with no attempt for this long starts again, in seconds.
pub const LOGIN_QUIET: i64 = 30 * 60;

/// What a login attempt found ([`Store::try_attempt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginTry {
    /// Counted (the attempts so far, this one too): check the password.
    Counted(i64),
    /// Too soon: this many seconds to wait. Not counted.
    Wait(i64),
}

/// The wait after `attempts` attempts, of which `free` may come at once:
/// as the statement in [`Store::try_attempt`] computes it.
pub fn login_wait(attempts: i64, free: i64) -> i64 {
    match attempts - free {
        n if n < 0 => 0,
        n if n >= 9 => LOGIN_WAIT_CAP,
        n => 2 << n,
    }
}
