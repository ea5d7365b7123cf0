//! What a request reads from the store about its user besides the user row
//! (the client registry, their CalDAV account, their calendars, their recent
//! limits), kept for the next request while the store's count of changes
//! stands (`User::changes`, read in the same query as the user).
//!
//! Four queries fewer per request: with SQLite each is a trip to `sqlx`'s
//! database thread and back, which was most of a cheap request's time. The
//! database stays the truth: every write to those tables moves the count on
//! (triggers, in every process that shares the database), and a request that
//! sees a new count reads afresh. Requests read before they write (and then
//! redirect); what writes and then reads with the same `User` (the inbox
//! keeping an invitation and deciding it) calls [`Memo::forget`] between.

use super::*;
use chrono::{DateTime, Duration, Utc};
use neitakk_core::MeetingKey;
use neitakk_store::accounts::CalendarInfo;
use neitakk_store::team::CaldavAccount;
use neitakk_store::{Limit, MEMORY};

/// What was read for a user at one count of changes.
pub struct Seen {
    pub registry: Vec<Client>,
    pub caldav: Option<CaldavAccount>,
    pub calendars: Vec<CalendarInfo>,
    /// The limits decided from `limits_from` on: enough for any `now` whose
    /// 30 days start at or after it.
    limits: Vec<Limit>,
    limits_from: DateTime<Utc>,
}

impl Seen {
    /// The meetings limited or declined per client in the 30 days up to `now`.
    pub fn recent_limits(&self, now: DateTime<Utc>) -> HashMap<String, Vec<MeetingKey>> {
        neitakk_store::per_client(&self.limits, now - MEMORY, now)
    }
}

/// [`Seen`] per user id, with the count of changes it was read at.
#[derive(Default)]
pub struct Memo(Mutex<HashMap<i64, (i64, Arc<Seen>)>>);

impl Memo {
    /// Forgets what was read for a user: for a task that writes what it
    /// reads next with the same [`User`], whose count is from before.
    pub fn forget(&self, user_id: i64) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(&user_id);
        }
    }
}

/// Users kept at most; past it, start afresh.
const MAX_USERS: usize = 10_000;

/// What the store holds for `user`, as of `now`: kept, if the count of
/// changes read with the user is the one it was read at and its limits
/// reach back far enough; read afresh (and kept) otherwise.
pub async fn seen(app: &App, user: &User, now: DateTime<Utc>) -> Result<Arc<Seen>, Failure> {
    let kept = app
        .seen
        .0
        .lock()
        .ok()
        .and_then(|map| map.get(&user.id).cloned());
    if let Some((changes, seen)) = kept {
        if changes == user.changes && seen.limits_from <= now - MEMORY {
            return Ok(seen);
        }
    }
    // A day's margin, so that the limits stay good for the day's requests.
    let limits_from = now - MEMORY - Duration::days(1);
    let seen = Arc::new(Seen {
        registry: registry(app).await?,
        caldav: app.store.caldav(user.id).await?,
        calendars: app.store.calendars(user.id).await?,
        limits: app
            .store
            .for_owner(user.id)
            .limits_since(limits_from)
            .await?,
        limits_from,
    });
    if let Ok(mut map) = app.seen.0.lock() {
        if map.len() >= MAX_USERS {
            map.clear();
        }
        map.insert(user.id, (user.changes, seen.clone()));
    }
    Ok(seen)
}
