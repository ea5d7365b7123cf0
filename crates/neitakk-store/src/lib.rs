//! The decision journal: what was decided and written, per client. It feeds
//! the relationship memory (method.md section 4) and, later, the server.
//!
//! SQLite through `sqlx`, with migrations embedded in the binary and applied
//! on open. PostgreSQL joins behind the same API with the team server.

use chrono::{DateTime, Utc};
use neitakk_core::Strategy;
use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::Row;
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

/// Errors of the store, with what was being done.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot open the journal at {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate the journal: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("journal query failed ({what}): {source}")]
    Query {
        what: &'static str,
        #[source]
        source: sqlx::Error,
    },
}

/// One decision that produced a message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub decided_at: DateTime<Utc>,
    pub client: Option<String>,
    pub uid: String,
    pub recurrence_id: Option<String>,
    pub sequence: u32,
    pub strategy: Strategy,
    pub meeting_start: DateTime<Utc>,
    pub summary: Option<String>,
    pub lang: String,
    pub outbox_path: Option<String>,
}

/// What makes a reply the same reply: the request it answers and the strategy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyKey {
    pub uid: String,
    pub recurrence_id: Option<String>,
    /// The request's SEQUENCE: a changed request may be answered again.
    pub sequence: u32,
    pub strategy: Strategy,
}

/// The journal.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the SQLite journal at `path` and migrates it.
    pub async fn open(path: &Path) -> Result<Store, Error> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .busy_timeout(std::time::Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(|source| Error::Open {
                path: path.display().to_string(),
                source,
            })?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(Store { pool })
    }

    /// Records one decision.
    pub async fn record(&self, e: &Entry) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO journal (decided_at, client, uid, recurrence_id, sequence, strategy, meeting_start, summary, lang, outbox_path)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(e.decided_at.to_rfc3339())
        .bind(&e.client)
        .bind(&e.uid)
        .bind(e.recurrence_id.clone().unwrap_or_default())
        .bind(i64::from(e.sequence))
        .bind(e.strategy.as_str())
        .bind(e.meeting_start.to_rfc3339())
        .bind(&e.summary)
        .bind(&e.lang)
        .bind(&e.outbox_path)
        .execute(&self.pool)
        .await
        .map_err(|source| Error::Query { what: "record", source })?;
        Ok(())
    }

    /// Meetings limited or declined per client in `[since, until)`, counting
    /// each meeting occurrence once.
    pub async fn recent_limits(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<HashMap<String, u32>, Error> {
        let rows = sqlx::query(
            "SELECT client, COUNT(DISTINCT uid || '|' || recurrence_id) AS n FROM journal
             WHERE client IS NOT NULL AND strategy <> 'attend' AND decided_at >= ? AND decided_at < ?
             GROUP BY client",
        )
        .bind(since.to_rfc3339())
        .bind(until.to_rfc3339())
        .fetch_all(&self.pool)
        .await
        .map_err(|source| Error::Query { what: "recent limits", source })?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    r.get::<String, _>("client"),
                    u32::try_from(r.get::<i64, _>("n")).unwrap_or(u32::MAX),
                )
            })
            .collect())
    }

    /// When the reply with this key was sent, if it was.
    pub async fn sent_at(&self, key: &ReplyKey) -> Result<Option<DateTime<Utc>>, Error> {
        let row = sqlx::query(
            "SELECT sent_at FROM sent WHERE uid = ? AND recurrence_id = ? AND sequence = ? AND strategy = ?",
        )
        .bind(&key.uid)
        .bind(key.recurrence_id.clone().unwrap_or_default())
        .bind(i64::from(key.sequence))
        .bind(key.strategy.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(|source| Error::Query { what: "sent reply", source })?;
        Ok(row.and_then(|r| {
            DateTime::parse_from_rfc3339(&r.get::<String, _>("sent_at"))
                .ok()
                .map(|t| t.with_timezone(&Utc))
        }))
    }

    /// Records that the reply with this key went out. Recording it twice is
    /// an error: the caller checks [`Store::sent_at`] first.
    pub async fn mark_sent(
        &self,
        key: &ReplyKey,
        message_id: &str,
        recipients: &[String],
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO sent (uid, recurrence_id, sequence, strategy, sent_at, message_id, recipients)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&key.uid)
        .bind(key.recurrence_id.clone().unwrap_or_default())
        .bind(i64::from(key.sequence))
        .bind(key.strategy.as_str())
        .bind(Utc::now().to_rfc3339())
        .bind(message_id)
        .bind(recipients.join(", "))
        .execute(&self.pool)
        .await
        .map_err(|source| Error::Query { what: "mark sent", source })?;
        Ok(())
    }

    /// Every entry, newest first, optionally for one client.
    pub async fn entries(&self, client: Option<&str>) -> Result<Vec<Entry>, Error> {
        let rows = sqlx::query(
            "SELECT * FROM journal WHERE (?1 IS NULL OR client = ?1) ORDER BY decided_at DESC, id DESC",
        )
        .bind(client)
        .fetch_all(&self.pool)
        .await
        .map_err(|source| Error::Query { what: "entries", source })?;
        Ok(rows.iter().filter_map(entry).collect())
    }
}

fn entry(r: &sqlx::sqlite::SqliteRow) -> Option<Entry> {
    let time = |c: &str| {
        DateTime::parse_from_rfc3339(&r.get::<String, _>(c))
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    let rid: String = r.get("recurrence_id");
    Some(Entry {
        decided_at: time("decided_at")?,
        client: r.get("client"),
        uid: r.get("uid"),
        recurrence_id: (!rid.is_empty()).then_some(rid),
        sequence: u32::try_from(r.get::<i64, _>("sequence")).unwrap_or(0),
        strategy: Strategy::from_str(&r.get::<String, _>("strategy")).ok()?,
        meeting_start: time("meeting_start")?,
        summary: r.get("summary"),
        lang: r.get("lang"),
        outbox_path: r.get("outbox_path"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn entry(client: &str, uid: &str, strategy: Strategy, when: &str) -> Entry {
        Entry {
            decided_at: at(when),
            client: Some(client.into()),
            uid: uid.into(),
            recurrence_id: None,
            sequence: 0,
            strategy,
            meeting_start: at(when),
            summary: None,
            lang: "nb".into(),
            outbox_path: None,
        }
    }

    #[tokio::test]
    async fn counts_limits_per_client_in_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("journal.sqlite"))
            .await
            .unwrap();
        store
            .record(&entry(
                "A",
                "1",
                Strategy::PhoneCall,
                "2026-11-20T10:00:00Z",
            ))
            .await
            .unwrap();
        store
            .record(&entry(
                "A",
                "1",
                Strategy::PhoneCall,
                "2026-11-21T10:00:00Z",
            ))
            .await
            .unwrap(); // same meeting again
        store
            .record(&entry("A", "2", Strategy::Decline, "2026-11-22T10:00:00Z"))
            .await
            .unwrap();
        store
            .record(&entry("A", "3", Strategy::Attend, "2026-11-22T10:00:00Z"))
            .await
            .unwrap();
        store
            .record(&entry("A", "4", Strategy::Shorten, "2026-09-01T10:00:00Z"))
            .await
            .unwrap(); // too old
        store
            .record(&entry("B", "5", Strategy::Shorten, "2026-11-23T10:00:00Z"))
            .await
            .unwrap();
        let counts = store
            .recent_limits(at("2026-10-28T00:00:00Z"), at("2026-11-27T00:00:00Z"))
            .await
            .unwrap();
        assert_eq!(counts.get("A"), Some(&2));
        assert_eq!(counts.get("B"), Some(&1));
        assert_eq!(store.entries(Some("B")).await.unwrap().len(), 1);
        let key = ReplyKey {
            uid: "1".into(),
            recurrence_id: None,
            sequence: 0,
            strategy: Strategy::PhoneCall,
        };
        assert_eq!(store.sent_at(&key).await.unwrap(), None);
        store
            .mark_sent(&key, "<id@x>", &["a@b".into()])
            .await
            .unwrap();
        assert!(store.sent_at(&key).await.unwrap().is_some());
        assert!(
            store.mark_sent(&key, "<id@x>", &[]).await.is_err(),
            "the same reply twice"
        );
        let newer = ReplyKey { sequence: 1, ..key };
        assert_eq!(
            store.sent_at(&newer).await.unwrap(),
            None,
            "a changed request is a new reply"
        );
        drop(store);
        // reopening keeps the data and does not migrate twice
        let again = Store::open(&dir.path().join("journal.sqlite"))
            .await
            .unwrap();
        assert_eq!(again.entries(None).await.unwrap().len(), 6);
    }
}
