//! The inbox's memory: how far each folder was read, and the draft made for
//! each invitation.

use crate::{query_error, Error, Store};
use neitakk_core::{MeetingKey, Strategy};
use sqlx::Row;
use std::str::FromStr;

/// The draft made for an invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxDraft {
    pub meeting: MeetingKey,
    /// The SEQUENCE of the request it answers.
    pub sequence: u32,
    pub strategy: Strategy,
    /// The Message-IDs of its messages, in the drafts folder.
    pub message_ids: Vec<String>,
    pub folder: String,
    /// When it was made (RFC 3339).
    pub made_at: String,
    /// The invitation's Message-ID, which the reply is threaded to.
    pub in_reply_to: Option<String>,
}

impl Store {
    /// How far `mailbox` (an account and folder) was read: its UIDVALIDITY
    /// and the last UID handled.
    pub async fn inbox_position(&self, mailbox: &str) -> Result<Option<(u32, u32)>, Error> {
        let row = sqlx::query(
            "SELECT uidvalidity, last_uid FROM inbox_seen WHERE owner = $1 AND mailbox = $2",
        )
        .bind(self.owner)
        .bind(mailbox)
        .fetch_optional(&self.pool)
        .await
        .map_err(query_error("the inbox's position"))?;
        Ok(row.map(|r| {
            let n = |c: &str| u32::try_from(r.get::<i64, _>(c)).unwrap_or(0);
            (n("uidvalidity"), n("last_uid"))
        }))
    }

    /// Records that `mailbox` was read up to `last_uid`.
    pub async fn set_inbox_position(
        &self,
        mailbox: &str,
        uidvalidity: u32,
        last_uid: u32,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO inbox_seen (owner, mailbox, uidvalidity, last_uid) VALUES ($1, $2, $3, $4)
             ON CONFLICT (owner, mailbox) DO UPDATE SET uidvalidity = $3, last_uid = $4",
        )
        .bind(self.owner)
        .bind(mailbox)
        .bind(i64::from(uidvalidity))
        .bind(i64::from(last_uid))
        .execute(&self.pool)
        .await
        .map_err(query_error("the inbox's position"))?;
        Ok(())
    }

    /// The draft made for this occurrence's invitation, if any.
    pub async fn inbox_draft(&self, meeting: &MeetingKey) -> Result<Option<InboxDraft>, Error> {
        let row = sqlx::query(
            "SELECT * FROM inbox_drafts WHERE owner = $1 AND uid = $2 AND recurrence_id = $3",
        )
        .bind(self.owner)
        .bind(&meeting.uid)
        .bind(meeting.recurrence_id.clone().unwrap_or_default())
        .fetch_optional(&self.pool)
        .await
        .map_err(query_error("an inbox draft"))?;
        Ok(row.as_ref().map(draft_of))
    }

    /// Every draft the inbox made, oldest first.
    pub async fn inbox_drafts(&self) -> Result<Vec<InboxDraft>, Error> {
        let rows = sqlx::query("SELECT * FROM inbox_drafts WHERE owner = $1 ORDER BY made_at, uid")
            .bind(self.owner)
            .fetch_all(&self.pool)
            .await
            .map_err(query_error("the inbox drafts"))?;
        Ok(rows.iter().map(draft_of).collect())
    }

    /// Records the draft made for an invitation (replacing an earlier one).
    pub async fn put_inbox_draft(&self, d: &InboxDraft) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO inbox_drafts (owner, uid, recurrence_id, sequence, strategy, message_ids, folder, made_at, in_reply_to)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (owner, uid, recurrence_id) DO UPDATE SET
               sequence = $4, strategy = $5, message_ids = $6, folder = $7, made_at = $8, in_reply_to = $9",
        )
        .bind(self.owner)
        .bind(&d.meeting.uid)
        .bind(d.meeting.recurrence_id.clone().unwrap_or_default())
        .bind(i64::from(d.sequence))
        .bind(d.strategy.as_str())
        .bind(d.message_ids.join(" "))
        .bind(&d.folder)
        .bind(&d.made_at)
        .bind(&d.in_reply_to)
        .execute(&self.pool)
        .await
        .map_err(query_error("an inbox draft"))?;
        Ok(())
    }

    /// Forgets the draft made for this occurrence's invitation.
    pub async fn forget_inbox_draft(&self, meeting: &MeetingKey) -> Result<(), Error> {
        sqlx::query(
            "DELETE FROM inbox_drafts WHERE owner = $1 AND uid = $2 AND recurrence_id = $3",
        )
        .bind(self.owner)
        .bind(&meeting.uid)
        .bind(meeting.recurrence_id.clone().unwrap_or_default())
        .execute(&self.pool)
        .await
        .map_err(query_error("an inbox draft"))?;
        Ok(())
    }
}

fn draft_of(r: &sqlx::any::AnyRow) -> InboxDraft {
    let rid: String = r.get("recurrence_id");
    InboxDraft {
        meeting: MeetingKey {
            uid: r.get("uid"),
            recurrence_id: (!rid.is_empty()).then_some(rid),
        },
        sequence: u32::try_from(r.get::<i64, _>("sequence")).unwrap_or(0),
        strategy: Strategy::from_str(&r.get::<String, _>("strategy")).unwrap_or(Strategy::Attend),
        message_ids: r
            .get::<String, _>("message_ids")
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        folder: r.get("folder"),
        made_at: r.get("made_at"),
        in_reply_to: r.get("in_reply_to"),
    }
}

/// A user's inbox account on the team server. The secret (a password, or
/// a command that prints an access token) is sealed by the caller, and
/// `Debug` leaves it out.
#[derive(Clone, PartialEq, Eq)]
pub struct InboxAccount {
    pub user_id: i64,
    pub host: String,
    pub port: u16,
    /// `tls`, `starttls` or `none`.
    pub security: String,
    pub username: String,
    pub sealed_secret: String,
    /// The secret is a token command (else a password).
    pub token: bool,
    pub folder: String,
    pub drafts: Option<String>,
    pub sent: Option<String>,
    /// When it was last looked at (RFC 3339), and what went wrong then.
    pub looked_at: Option<String>,
    pub problem: Option<String>,
}

impl std::fmt::Debug for InboxAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboxAccount")
            .field("user_id", &self.user_id)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Sets (or replaces) a user's inbox account. A new account starts
    /// unlooked-at.
    pub async fn set_inbox_account(&self, a: &InboxAccount) -> Result<(), Error> {
        let what = "save the inbox account";
        let mut tx = self.pool.begin().await.map_err(query_error(what))?;
        sqlx::query("DELETE FROM inbox_accounts WHERE user_id = $1")
            .bind(a.user_id)
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        sqlx::query(
            "INSERT INTO inbox_accounts
               (user_id, host, port, security, username, secret, token, folder, drafts, sent)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.user_id)
        .bind(&a.host)
        .bind(i64::from(a.port))
        .bind(&a.security)
        .bind(&a.username)
        .bind(&a.sealed_secret)
        .bind(i64::from(a.token))
        .bind(&a.folder)
        .bind(&a.drafts)
        .bind(&a.sent)
        .execute(&mut *tx)
        .await
        .map_err(query_error(what))?;
        tx.commit().await.map_err(query_error(what))?;
        Ok(())
    }

    /// A user's inbox account (or, with `None`, everyone's).
    pub async fn inbox_accounts(&self, user_id: Option<i64>) -> Result<Vec<InboxAccount>, Error> {
        let rows = sqlx::query(
            "SELECT * FROM inbox_accounts
             WHERE CAST($1 AS BIGINT) IS NULL OR user_id = $1 ORDER BY user_id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(query_error("read inbox accounts"))?;
        Ok(rows
            .iter()
            .map(|r| InboxAccount {
                user_id: r.get("user_id"),
                host: r.get("host"),
                port: u16::try_from(r.get::<i64, _>("port")).unwrap_or(993),
                security: r.get("security"),
                username: r.get("username"),
                sealed_secret: r.get("secret"),
                token: r.get::<i64, _>("token") == 1,
                folder: r.get("folder"),
                drafts: r.get("drafts"),
                sent: r.get("sent"),
                looked_at: r.get("looked_at"),
                problem: r.get("problem"),
            })
            .collect())
    }

    /// Records a look at a user's inbox: when, and what went wrong (if anything).
    pub async fn inbox_looked(
        &self,
        user_id: i64,
        at: chrono::DateTime<chrono::Utc>,
        problem: Option<&str>,
    ) -> Result<(), Error> {
        sqlx::query("UPDATE inbox_accounts SET looked_at = $1, problem = $2 WHERE user_id = $3")
            .bind(at.to_rfc3339())
            .bind(problem)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(query_error("record a look at the inbox"))?;
        Ok(())
    }

    /// Removes a user's inbox account, and what was remembered of it.
    pub async fn delete_inbox_account(&self, user_id: i64) -> Result<(), Error> {
        let what = "remove the inbox account";
        let mut tx = self.pool.begin().await.map_err(query_error(what))?;
        sqlx::query("DELETE FROM inbox_accounts WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(query_error(what))?;
        for table in ["inbox_seen", "inbox_drafts"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE owner = $1"))
                .bind(user_id)
                .execute(&mut *tx)
                .await
                .map_err(query_error(what))?;
        }
        tx.commit().await.map_err(query_error(what))?;
        Ok(())
    }
}
