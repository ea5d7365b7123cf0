//! The decision journal: what was decided and written, per client. It feeds
//! the relationship memory (method.md section 4) and, later, the server.
//!
//! SQLite (the default) or PostgreSQL (for teams) through `sqlx`'s `Any`
//! driver: one set of queries, written with `$1` placeholders that both
//! understand, and one set of migrations per database, embedded in the
//! binary and applied on connect.

pub mod accounts;
pub mod inbox;
pub mod team;

use chrono::{DateTime, Utc};
use neitakk_core::{MeetingKey, Strategy};
use serde::Serialize;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::AnyPool;
use sqlx::Row;
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

/// Errors of the store, with what was being done.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot open the journal at {path}: {source}")]
    Open {
        /// The file or database URL (without its password).
        path: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate the journal: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{what}: it exists already")]
    Conflict { what: &'static str },
    #[error("database query failed ({what}): {source}")]
    Query {
        what: &'static str,
        #[source]
        source: sqlx::Error,
    },
}

/// A failed query as an [`Error`]: a taken unique key is a conflict.
pub(crate) fn query_error(what: &'static str) -> impl Fn(sqlx::Error) -> Error {
    move |source| match &source {
        sqlx::Error::Database(e) if e.is_unique_violation() => Error::Conflict { what },
        _ => Error::Query { what, source },
    }
}

/// One decision that produced a message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub decided_at: DateTime<Utc>,
    pub client: Option<String>,
    /// The occurrence decided on (`uid` and `recurrence_id` in JSON).
    #[serde(flatten)]
    pub meeting: MeetingKey,
    pub sequence: u32,
    pub strategy: Strategy,
    pub meeting_start: DateTime<Utc>,
    pub summary: Option<String>,
    pub lang: String,
    pub outbox_path: Option<String>,
}

/// What claiming a reply for sending found ([`Store::claim_send`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Never tried: it is ours to send.
    First,
    /// Tried before without being handed over (refused, or cut off by a
    /// crash): ours to send again, with the same Message-IDs.
    Again,
    /// Another send of it is under way right now.
    Busy,
    /// Handed to the mail server before (then, if known): not sent again.
    Sent(Option<DateTime<Utc>>),
}

/// A time as the store writes it (RFC 3339).
fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// What makes a reply the same reply: the request it answers and the strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyKey {
    pub meeting: MeetingKey,
    /// The request's SEQUENCE: a changed request may be answered again.
    pub sequence: u32,
    pub strategy: Strategy,
}

/// The journal, seen as one user: every journal query is scoped to its
/// owner (0, the command line's single user, until [`Store::for_owner`]).
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    owner: i64,
}

impl Store {
    /// Opens (creating if needed) the SQLite journal at `path` and migrates it.
    pub async fn open(path: &Path) -> Result<Store, Error> {
        Store::connect(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    /// Connects to `sqlite://FILE` or `postgres://...` and migrates the database.
    pub async fn connect(url: &str) -> Result<Store, Error> {
        sqlx::any::install_default_drivers();
        let postgres = url.starts_with("postgres:") || url.starts_with("postgresql:");
        let shown = url
            .split_once('@')
            .map_or(url.to_owned(), |(scheme, host)| {
                format!("{}@{host}", scheme.split(':').next().unwrap_or("database"))
            });
        let pool = AnyPoolOptions::new()
            // SQLite in WAL mode: readers in parallel, one writer at a time
            // (the others wait for it, up to sqlx's busy timeout).
            .max_connections(if postgres { 10 } else { 4 })
            // A SQLite file does not drop a connection as a database server
            // can, so it is not pinged before each use (a round trip to
            // sqlx's database thread, as long as the query itself).
            .test_before_acquire(postgres)
            .connect(url)
            .await
            .map_err(|source| Error::Open {
                path: shown,
                source,
            })?;
        if postgres {
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        } else {
            // Kept in the file: every later connection is in WAL mode too.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(|source| Error::Query {
                    what: "WAL mode",
                    source,
                })?;
            sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        }
        Ok(Store { pool, owner: 0 })
    }

    /// The same database, seen as user `owner` (a server account's id).
    pub fn for_owner(&self, owner: i64) -> Store {
        Store {
            pool: self.pool.clone(),
            owner,
        }
    }

    /// Whose journal this is.
    pub fn owner(&self) -> i64 {
        self.owner
    }

    /// Records one decision.
    pub async fn record(&self, e: &Entry) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO journal (decided_at, client, uid, recurrence_id, sequence, strategy, meeting_start, summary, lang, outbox_path, owner)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(e.decided_at.to_rfc3339())
        .bind(&e.client)
        .bind(&e.meeting.uid)
        .bind(e.meeting.recurrence_id.clone().unwrap_or_default())
        .bind(i64::from(e.sequence))
        .bind(e.strategy.as_str())
        .bind(e.meeting_start.to_rfc3339())
        .bind(&e.summary)
        .bind(&e.lang)
        .bind(&e.outbox_path)
        .bind(self.owner)
        .execute(&self.pool)
        .await
        .map_err(|source| Error::Query { what: "record", source })?;
        Ok(())
    }

    /// The meetings limited or declined per client in `[since, until]`, each
    /// occurrence once, so that a meeting being decided again is not counted
    /// against itself.
    pub async fn recent_limits(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<HashMap<String, Vec<MeetingKey>>, Error> {
        Ok(per_client(&self.limits_since(since).await?, since, until))
    }

    /// Every meeting limited or declined for a client from `since` on, with
    /// when: what [`per_client`] counts, for a server that keeps it a while.
    pub async fn limits_since(&self, since: DateTime<Utc>) -> Result<Vec<Limit>, Error> {
        let rows = sqlx::query(
            "SELECT client, uid, recurrence_id, decided_at FROM journal
             WHERE owner = $2 AND client IS NOT NULL AND strategy <> 'attend' AND decided_at >= $1",
        )
        .bind(since.to_rfc3339())
        .bind(self.owner)
        .fetch_all(&self.pool)
        .await
        .map_err(|source| Error::Query {
            what: "recent limits",
            source,
        })?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(Limit {
                    client: r.get("client"),
                    meeting: key_of(r),
                    decided_at: time(r, "decided_at")?,
                })
            })
            .collect())
    }

    /// A query whose first five parameters name the reply: its UID,
    /// RECURRENCE-ID, SEQUENCE and strategy, and the owner.
    fn reply_query<'q>(
        &self,
        sql: &'q str,
        key: &'q ReplyKey,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        sqlx::query(sql)
            .bind(&key.meeting.uid)
            .bind(key.meeting.recurrence_id.clone().unwrap_or_default())
            .bind(i64::from(key.sequence))
            .bind(key.strategy.as_str())
            .bind(self.owner)
    }

    /// The journal's own random name, made with it: what makes the
    /// Message-IDs of its replies its own.
    pub async fn instance(&self) -> Result<String, Error> {
        let row = sqlx::query("SELECT id FROM instance")
            .fetch_one(&self.pool)
            .await
            .map_err(query_error("the journal's name"))?;
        Ok(row.get("id"))
    }

    /// When the reply with this key was handed to the mail server, if it was.
    pub async fn sent_at(&self, key: &ReplyKey) -> Result<Option<DateTime<Utc>>, Error> {
        let row = self
            .reply_query(
                "SELECT sent_at FROM sent WHERE uid = $1 AND recurrence_id = $2 AND sequence = $3 AND strategy = $4 AND owner = $5 AND state = 'sent'",
                key,
            )
        .fetch_optional(&self.pool)
        .await
        .map_err(|source| Error::Query { what: "sent reply", source })?;
        Ok(row.and_then(|r| parse_time(&r.get::<String, _>("sent_at"))))
    }

    /// Claims the reply with this key for sending, before the mail server is
    /// reached, in one statement (so that two sends at once cannot both take
    /// it): a reply never tried is [`Attempt::First`]; one whose earlier
    /// try failed, was interrupted, or was claimed before `stale` and never
    /// finished (its process died) is [`Attempt::Again`]; one being sent
    /// now is [`Attempt::Busy`]; one handed over is [`Attempt::Sent`].
    pub async fn claim_send(
        &self,
        key: &ReplyKey,
        message_id: &str,
        recipients: &[String],
        now: DateTime<Utc>,
        stale: DateTime<Utc>,
    ) -> Result<Attempt, Error> {
        let row = self
            .reply_query(
                "INSERT INTO sent (uid, recurrence_id, sequence, strategy, owner, sent_at, message_id, recipients, state, claimed_at, attempts)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sending', $6, 1)
                 ON CONFLICT (owner, uid, recurrence_id, sequence, strategy) DO UPDATE
                 SET state = 'sending', claimed_at = excluded.claimed_at, attempts = sent.attempts + 1
                 WHERE sent.state IN ('failed', 'interrupted') OR (sent.state = 'sending' AND sent.claimed_at < $9)
                 RETURNING attempts",
                key,
            )
            .bind(now.to_rfc3339())
            .bind(message_id)
            .bind(recipients.join(", "))
            .bind(stale.to_rfc3339())
        .fetch_optional(&self.pool)
        .await
        .map_err(query_error("claim a send"))?;
        if let Some(r) = row {
            return Ok(match r.get::<i64, _>("attempts") {
                1 => Attempt::First,
                _ => Attempt::Again,
            });
        }
        let row = self
            .reply_query(
                "SELECT state, sent_at FROM sent WHERE uid = $1 AND recurrence_id = $2 AND sequence = $3 AND strategy = $4 AND owner = $5",
                key,
            )
        .fetch_one(&self.pool)
        .await
        .map_err(query_error("claim a send"))?;
        Ok(match row.get::<String, _>("state").as_str() {
            "sent" => Attempt::Sent(parse_time(&row.get::<String, _>("sent_at"))),
            _ => Attempt::Busy,
        })
    }

    /// Ends a claimed send: every message was handed to the mail server
    /// (`Ok`, at `now`), or the mail server said no (`Err`): it may be sent
    /// again.
    pub async fn finish_send(
        &self,
        key: &ReplyKey,
        handed_over: Result<DateTime<Utc>, ()>,
    ) -> Result<(), Error> {
        let (state, at) = match handed_over {
            Ok(now) => ("sent", Some(now.to_rfc3339())),
            Err(()) => ("failed", None),
        };
        self.reply_query(
            "UPDATE sent SET state = $6, sent_at = COALESCE($7, sent_at)
             WHERE uid = $1 AND recurrence_id = $2 AND sequence = $3 AND strategy = $4 AND owner = $5",
            key,
        )
        .bind(state)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(query_error("finish a send"))?;
        Ok(())
    }

    /// On a server's start, for every user: sends claimed before `started`
    /// that never finished are interrupted (the process that claimed them
    /// stopped), so that their next try sends them again. How many.
    pub async fn interrupt_sends(&self, started: DateTime<Utc>) -> Result<u64, Error> {
        let done = sqlx::query(
            "UPDATE sent SET state = 'interrupted' WHERE state = 'sending' AND claimed_at < $1",
        )
        .bind(started.to_rfc3339())
        .execute(&self.pool)
        .await
        .map_err(query_error("interrupt sends"))?;
        Ok(done.rows_affected())
    }

    /// Every entry, newest first, optionally for one client.
    pub async fn entries(&self, client: Option<&str>) -> Result<Vec<Entry>, Error> {
        let rows = sqlx::query(
            "SELECT * FROM journal WHERE owner = $2 AND (CAST($1 AS TEXT) IS NULL OR client = $1) ORDER BY decided_at DESC, id DESC",
        )
        .bind(client)
        .bind(self.owner)
        .fetch_all(&self.pool)
        .await
        .map_err(|source| Error::Query { what: "entries", source })?;
        Ok(rows.iter().filter_map(entry).collect())
    }
}

/// How far back the relationship memory looks (method.md section 4): the
/// limits of the last 30 days count.
pub const MEMORY: chrono::Duration = chrono::Duration::days(30);

/// A meeting limited or declined for a client, and when it was decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Limit {
    pub client: String,
    pub meeting: MeetingKey,
    pub decided_at: DateTime<Utc>,
}

/// The limits decided in `[since, until]`, per client, each occurrence once.
pub fn per_client(
    limits: &[Limit],
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> HashMap<String, Vec<MeetingKey>> {
    let mut seen = std::collections::HashSet::new();
    let mut out: HashMap<String, Vec<MeetingKey>> = HashMap::new();
    for l in limits {
        if (since..=until).contains(&l.decided_at) && seen.insert((&l.client, &l.meeting)) {
            out.entry(l.client.clone())
                .or_default()
                .push(l.meeting.clone());
        }
    }
    out
}

/// The occurrence a row names (an empty RECURRENCE-ID: a single meeting).
fn key_of(r: &AnyRow) -> MeetingKey {
    let rid: String = r.get("recurrence_id");
    MeetingKey {
        uid: r.get("uid"),
        recurrence_id: (!rid.is_empty()).then_some(rid),
    }
}

/// A time column (RFC 3339, as the store writes them).
fn time(r: &AnyRow, column: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(&r.get::<String, _>(column))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn entry(r: &AnyRow) -> Option<Entry> {
    Some(Entry {
        decided_at: time(r, "decided_at")?,
        client: r.get("client"),
        meeting: key_of(r),
        sequence: u32::try_from(r.get::<i64, _>("sequence")).unwrap_or(0),
        strategy: Strategy::from_str(&r.get::<String, _>("strategy")).ok()?,
        meeting_start: time(r, "meeting_start")?,
        summary: r.get("summary"),
        lang: r.get("lang"),
        outbox_path: r.get("outbox_path"),
    })
}
