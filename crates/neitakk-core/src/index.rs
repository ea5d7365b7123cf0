//! The calendar indexed for the facts: occurrences by start, which of them
//! block my time, each ISO week's load, repetition and conflicts.

use crate::client::Client;
use crate::facts::{alike, format_of, match_client, travel_of, words_of, Conflict};
use crate::meeting::Meeting;
use crate::tz::Tz;
use chrono::{DateTime, Datelike, Duration, Utc};
use std::collections::HashMap;

/// The ISO week (year, week) of an instant in a zone.
pub fn iso_week(t: DateTime<Utc>, tz: Tz) -> (i32, u32) {
    let w = t.with_timezone(&tz).iso_week();
    (w.year(), w.week())
}
/// Counting similar meetings stops here: past it, a meeting is repetitive
/// whatever a sensible threshold, and a longer count costs time for nothing.
pub const REPETITION_CAP: u32 = 20;
/// What gathering needs to know about the whole calendar, computed once so
/// that each meeting's facts cost a few look-ups rather than a pass over
/// everything.
#[derive(Debug)]
pub struct CalendarIndex<'a> {
    calendar: &'a [Meeting],
    /// Indices into `calendar`, by start.
    by_start: Vec<usize>,
    /// The longest meeting that blocks time, to bound overlap searches.
    longest: Duration,
    blocks: Vec<bool>,
    /// Per client, indices of its meetings by start.
    by_client: HashMap<usize, Vec<usize>>,
    /// Title words as ids, sorted.
    words: Vec<Vec<u32>>,
    vocabulary: HashMap<String, u32>,
    /// Per ISO week: minutes in meetings, and travel to and from clients.
    week_minutes: HashMap<(i32, u32), (u32, u32)>,
    tz: Tz,
}
impl<'a> CalendarIndex<'a> {
    /// Indexes every known occurrence: the window and the weeks before it.
    /// `office` names the user's own office (no travel there).
    pub fn new(
        calendar: &'a [Meeting],
        me: &[String],
        clients: &[Client],
        office: &[String],
        tz: Tz,
    ) -> Self {
        let mut by_start: Vec<usize> = (0..calendar.len()).collect();
        by_start.sort_by_key(|&i| calendar[i].start);
        let blocks: Vec<bool> = calendar.iter().map(|m| m.blocks_time(me)).collect();
        let mut vocabulary = HashMap::new();
        let words = calendar
            .iter()
            .map(|m| {
                let lower = m.summary.as_deref().unwrap_or("").to_lowercase();
                let mut ids: Vec<u32> = words_of(&lower)
                    .into_iter()
                    .map(|w| match vocabulary.get(w) {
                        Some(&id) => id,
                        None => {
                            let id = u32::try_from(vocabulary.len()).unwrap_or(u32::MAX);
                            vocabulary.insert(w.to_owned(), id);
                            id
                        }
                    })
                    .collect();
                ids.sort_unstable();
                ids
            })
            .collect();
        let client_of: Vec<Option<usize>> = calendar
            .iter()
            .map(|m| match_client(m, me, clients))
            .collect();
        let mut by_client: HashMap<usize, Vec<usize>> = HashMap::new();
        for &i in &by_start {
            if let Some(c) = client_of[i] {
                by_client.entry(c).or_default().push(i);
            }
        }
        // The week's load: its meetings, and the way to and from clients.
        let mut week_minutes = HashMap::new();
        let mut longest = Duration::zero();
        for (i, m) in calendar.iter().enumerate().filter(|(i, _)| blocks[*i]) {
            let client = client_of[i].map(|c| &clients[c]);
            let travel = travel_of(m, format_of(m), client, office).saturating_mul(2);
            let week: &mut (u32, u32) = week_minutes.entry(iso_week(m.start, tz)).or_default();
            week.0 = week.0.saturating_add(m.minutes());
            week.1 = week.1.saturating_add(travel);
            longest = longest.max(m.end - m.start);
        }
        CalendarIndex {
            calendar,
            by_start,
            longest,
            blocks,
            by_client,
            words,
            vocabulary,
            week_minutes,
            tz,
        }
    }

    /// The load of the ISO week of `t`: minutes in meetings, client and
    /// internal, plus travel to and from client meetings.
    pub fn week_minutes(&self, t: DateTime<Utc>) -> u32 {
        let (meetings, travel) = self.week_parts(t);
        meetings.saturating_add(travel)
    }

    /// The load of the ISO week of `t` in its parts: minutes in meetings,
    /// and minutes of travel to and from client meetings.
    pub fn week_parts(&self, t: DateTime<Utc>) -> (u32, u32) {
        self.week_minutes
            .get(&iso_week(t, self.tz))
            .copied()
            .unwrap_or_default()
    }

    /// Indices of the meetings that start in `[from, to)`, by start.
    pub(crate) fn starting(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Iterator<Item = usize> + '_ {
        let first = self
            .by_start
            .partition_point(|&i| self.calendar[i].start < from);
        self.by_start[first..]
            .iter()
            .copied()
            .take_while(move |&i| self.calendar[i].start < to)
    }

    pub(crate) fn repetition(&self, meeting: &Meeting, client: usize, weeks: u32) -> u32 {
        let since = meeting.start - Duration::weeks(i64::from(weeks));
        let lower = meeting.summary.as_deref().unwrap_or("").to_lowercase();
        let mut title: Vec<u32> = words_of(&lower)
            .iter()
            .map(|w| self.vocabulary.get(*w).copied().unwrap_or(u32::MAX))
            .collect();
        title.sort_unstable();
        let Some(theirs) = self.by_client.get(&client) else {
            return 0;
        };
        let first = theirs.partition_point(|&i| self.calendar[i].start < since);
        let mut count = 0;
        for &i in theirs[first..]
            .iter()
            .take_while(|&&i| self.calendar[i].start < meeting.start)
        {
            let m = &self.calendar[i];
            if !m.is_cancelled() && (m.uid == meeting.uid || alike(&title, &self.words[i])) {
                count += 1;
                if count == REPETITION_CAP {
                    break;
                }
            }
        }
        count
    }

    pub(crate) fn conflict(&self, meeting: &Meeting, me: &[String]) -> Option<Conflict> {
        if !meeting.blocks_time(me) {
            return None;
        }
        self.starting(meeting.start - self.longest, meeting.end)
            .filter(|&i| self.blocks[i])
            .map(|i| &self.calendar[i])
            // A clash is with something I said yes to (method.md: an accepted event).
            .filter(|m| m.accepted_by(me))
            .find(|m| m.end > meeting.start && !m.same_occurrence(meeting))
            .map(|m| Conflict {
                summary: m.summary.as_deref().map(str::to_owned),
                uid: m.uid.clone(),
                from_minute: u32::try_from((m.start - meeting.start).num_minutes().max(0))
                    .unwrap_or(0),
            })
    }
}
