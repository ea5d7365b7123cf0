//! The calendar indexed for the facts: occurrences by start, which of them
//! block my time, each ISO week's load, repetition and conflicts.

use crate::client::Client;
use crate::facts::{
    alike, at_office, format_of, match_client, matter_of, office_words, travel, words_of, Conflict,
};
use crate::meeting::Meeting;
use crate::types::{Format, Matter};
use crate::tz::Tz;
use chrono::{DateTime, Datelike, Duration, Utc};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

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
pub struct CalendarIndex {
    /// Held, so that an index can be kept with its calendar and asked again.
    calendar: Arc<Vec<Meeting>>,
    /// The meetings that block my time and that I accepted (what a
    /// conflict is with), by start, with their ends for the overlap search.
    accepted: Vec<usize>,
    accepted_ends: Ends,
    /// Per client and title word, indices of its meetings with that word,
    /// by start; and per client and UID, the same: where the meetings like
    /// a meeting are looked for.
    /// Cancelled meetings are left out (they are never like another), and
    /// each index is kept with its start (seconds), read without going to
    /// the meeting.
    by_client_word: HashMap<(usize, u32), Vec<(i64, usize)>>,
    by_client_uid: HashMap<usize, HashMap<String, Vec<(i64, usize)>>>,
    /// Each meeting's client, as matched for the lists above.
    client_of: Vec<Option<usize>>,
    /// Whether each meeting blocks my time, and the ISO week it starts in.
    blocks: Vec<bool>,
    weeks: Vec<(i32, u32)>,
    /// How each meeting is held, and whether at my own office.
    places: Vec<(Format, bool)>,
    /// Title words as ids, sorted.
    words: Vec<Vec<u32>>,
    vocabulary: HashMap<String, u32>,
    /// Per shared title (its address), a meeting that has it: a series'
    /// occurrences share one title, read once.
    by_title: HashMap<usize, usize>,
    /// The calendar's titles and descriptions (their addresses), and what
    /// a meeting with each is about: read when first asked (only the
    /// window's meetings are), then shared.
    texts: HashSet<(usize, usize)>,
    matters: Mutex<HashMap<(usize, usize), Matter>>,
    /// Per own meeting and look-back in weeks, its count of like meetings:
    /// it depends on the calendar alone, so a kept index counts it once.
    repetitions: Mutex<HashMap<(usize, u32), u32>>,
    /// Per ISO week: minutes in meetings, and travel to and from clients.
    week_minutes: HashMap<(i32, u32), (u32, u32)>,
    tz: Tz,
}
impl CalendarIndex {
    /// Indexes every known occurrence: the window and the weeks before it.
    /// `office` names the user's own office (no travel there).
    pub fn new(
        shared: Arc<Vec<Meeting>>,
        me: &[String],
        clients: &[Client],
        office: &[String],
        tz: Tz,
    ) -> Self {
        let calendar = shared.as_slice();
        let mut by_start: Vec<usize> = (0..calendar.len()).collect();
        by_start.sort_by_key(|&i| calendar[i].start);
        let blocks: Vec<bool> = calendar.iter().map(|m| m.blocks_time(me)).collect();
        let accepted: Vec<usize> = by_start
            .iter()
            .copied()
            .filter(|&i| blocks[i] && calendar[i].accepted_by(me))
            .collect();
        let accepted_ends = Ends::new(accepted.iter().map(|&i| calendar[i].end).collect());
        let mut vocabulary = HashMap::new();
        let mut by_title: HashMap<usize, usize> = HashMap::new();
        let mut words: Vec<Vec<u32>> = Vec::with_capacity(calendar.len());
        let texts = calendar.iter().map(text_key).collect();
        for (i, m) in calendar.iter().enumerate() {
            if let Some(&first) = by_title.get(&address(&m.summary)) {
                let same = words[first].clone();
                words.push(same);
                continue;
            }
            by_title.insert(address(&m.summary), i);
            words.push(word_ids(m, |w| match vocabulary.get(w) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(vocabulary.len()).unwrap_or(u32::MAX);
                    vocabulary.insert(w.to_owned(), id);
                    id
                }
            }));
        }
        let client_of: Vec<Option<usize>> = calendar
            .iter()
            .map(|m| match_client(m, me, clients))
            .collect();
        let mut by_client_word: HashMap<(usize, u32), Vec<(i64, usize)>> = HashMap::new();
        let mut by_client_uid: HashMap<usize, HashMap<String, Vec<(i64, usize)>>> = HashMap::new();
        for &i in &by_start {
            let Some(c) = client_of[i].filter(|_| !calendar[i].is_cancelled()) else {
                continue;
            };
            let at = (calendar[i].start.timestamp(), i);
            for &w in &words[i] {
                by_client_word.entry((c, w)).or_default().push(at);
            }
            let uids = by_client_uid.entry(c).or_default();
            match uids.get_mut(&calendar[i].uid) {
                Some(list) => list.push(at),
                None => {
                    uids.insert(calendar[i].uid.clone(), vec![at]);
                }
            }
        }
        let weeks: Vec<(i32, u32)> = calendar.iter().map(|m| iso_week(m.start, tz)).collect();
        let office = office_words(office);
        let places: Vec<(Format, bool)> = calendar
            .iter()
            .map(|m| (format_of(m), at_office(m, &office)))
            .collect();
        // The week's load: its meetings, and the way to and from clients.
        let mut week_minutes = HashMap::new();
        for (i, m) in calendar.iter().enumerate().filter(|(i, _)| blocks[*i]) {
            let (format, at_office) = places[i];
            let travel = travel(format, at_office, client_of[i].map(|c| &clients[c]));
            let travel = travel.saturating_mul(2);
            let week: &mut (u32, u32) = week_minutes.entry(weeks[i]).or_default();
            week.0 = week.0.saturating_add(m.minutes());
            week.1 = week.1.saturating_add(travel);
        }
        CalendarIndex {
            calendar: shared.clone(),
            accepted,
            accepted_ends,
            by_client_word,
            by_client_uid,
            client_of,
            blocks,
            weeks,
            places,
            words,
            vocabulary,
            by_title,
            texts,
            matters: Mutex::default(),
            repetitions: Mutex::default(),
            week_minutes,
            tz,
        }
    }

    /// Whether this is the index of `calendar` (the same list, not an equal one).
    pub fn indexes(&self, calendar: &Arc<Vec<Meeting>>) -> bool {
        Arc::ptr_eq(&self.calendar, calendar)
    }

    /// Whether the calendar's `i`th meeting blocks my time (for the
    /// addresses the index was built for).
    pub fn blocks(&self, i: usize) -> bool {
        self.blocks[i]
    }

    /// The ISO week the calendar's `i`th meeting starts in (in the zone the
    /// index was built for).
    pub fn week_of(&self, i: usize) -> (i32, u32) {
        self.weeks[i]
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

    /// How many of the client's meetings in the `weeks` before `meeting`
    /// are like it (the same UID, or titles sharing half their words), up
    /// to [`REPETITION_CAP`]. Only the meetings that share a word with it
    /// can be like it, and of its k words any k/2 + 1 will do (a title
    /// alike shares at least half of them): the rarest are looked in, so
    /// that a client with thousands of meetings costs few look-ups each.
    /// The calendar's own meetings are counted once per index.
    pub(crate) fn repetition(&self, meeting: &Meeting, client: usize, weeks: u32) -> u32 {
        let own = self
            .own(meeting)
            .filter(|&at| self.client_of[at] == Some(client));
        let Some(at) = own else {
            return self.count_repetition(meeting, client, weeks);
        };
        let known = |counts: &HashMap<_, _>| counts.get(&(at, weeks)).copied();
        if let Some(n) = self.repetitions.lock().ok().as_deref().and_then(known) {
            return n;
        }
        let n = self.count_repetition(meeting, client, weeks);
        if let Ok(mut counts) = self.repetitions.lock() {
            counts.insert((at, weeks), n);
        }
        n
    }

    fn count_repetition(&self, meeting: &Meeting, client: usize, weeks: u32) -> u32 {
        let since = (meeting.start - Duration::weeks(i64::from(weeks))).timestamp();
        let until = meeting.start.timestamp();
        let title = self.title(meeting);
        fn list(found: Option<&Vec<(i64, usize)>>) -> &[(i64, usize)] {
            found.map_or(&[], Vec::as_slice)
        }
        let mut lists: Vec<&[(i64, usize)]> = title
            .iter()
            .map(|&w| list(self.by_client_word.get(&(client, w))))
            .collect();
        lists.sort_by_key(|l| l.len());
        lists.truncate(title.len() / 2 + 1);
        // The same UID is like it whatever the title.
        let same_uid = list(
            self.by_client_uid
                .get(&client)
                .and_then(|uids| uids.get(&meeting.uid)),
        );
        // Counted ones, to count each once however many lists hold it.
        let mut counted: Vec<usize> = Vec::new();
        for (l, by_uid) in lists
            .into_iter()
            .map(|l| (l, false))
            .chain([(same_uid, true)])
        {
            let first = l.partition_point(|&(start, _)| start < since);
            for &(_, i) in l[first..].iter().take_while(|&&(start, _)| start < until) {
                let like =
                    by_uid || alike(&title, &self.words[i]) || self.calendar[i].uid == meeting.uid;
                if like && !counted.contains(&i) {
                    counted.push(i);
                    if counted.len() == REPETITION_CAP as usize {
                        return REPETITION_CAP;
                    }
                }
            }
        }
        u32::try_from(counted.len()).unwrap_or(REPETITION_CAP)
    }

    /// Which client a meeting is with (`match_client`, for the addresses
    /// and clients the index was built for): one of the calendar's own is
    /// matched once for the index and the facts.
    pub(crate) fn client(
        &self,
        meeting: &Meeting,
        me: &[String],
        clients: &[Client],
    ) -> Option<usize> {
        match self.own(meeting) {
            Some(at) => self.client_of[at],
            None => match_client(meeting, me, clients),
        }
    }

    /// How a meeting is held, and whether at my own office (`office`, as
    /// the index was built for): read once for the calendar's own.
    pub(crate) fn place(&self, meeting: &Meeting, office: &[String]) -> (Format, bool) {
        match self.own(meeting) {
            Some(at) => self.places[at],
            None => (
                format_of(meeting),
                at_office(meeting, &office_words(office)),
            ),
        }
    }

    /// A meeting's place in the calendar, if it is one of the calendar's
    /// own (an element is where its address says); `None` for a meeting
    /// from elsewhere.
    fn own(&self, meeting: &Meeting) -> Option<usize> {
        let cal = self.calendar.as_slice();
        let offset = (meeting as *const Meeting as usize).wrapping_sub(cal.as_ptr() as usize);
        let at = offset / std::mem::size_of::<Meeting>();
        cal.get(at)
            .filter(|own| std::ptr::eq(*own, meeting))
            .map(|_| at)
    }

    /// What a meeting is about, read once per title and description.
    pub(crate) fn matter(&self, meeting: &Meeting) -> Matter {
        let key = text_key(meeting);
        // Only the calendar's own texts are remembered: they live as long
        // as the index, so their addresses name them. A meeting from
        // elsewhere (an invitation) is read each time.
        if !self.texts.contains(&key) {
            return matter_of(meeting);
        }
        let known = |matters: &HashMap<_, _>| matters.get(&key).copied();
        if let Some(m) = self.matters.lock().ok().as_deref().and_then(known) {
            return m;
        }
        let m = matter_of(meeting);
        if let Ok(mut matters) = self.matters.lock() {
            matters.insert(key, m);
        }
        m
    }

    /// A meeting's title words as ids, sorted (unknown words as `u32::MAX`).
    fn title(&self, meeting: &Meeting) -> Cow<'_, [u32]> {
        if let Some(&i) = self.by_title.get(&address(&meeting.summary)) {
            return Cow::Borrowed(&self.words[i]);
        }
        Cow::Owned(word_ids(meeting, |w| {
            self.vocabulary.get(w).copied().unwrap_or(u32::MAX)
        }))
    }

    /// The first meeting (by start) that overlaps `meeting` and blocks my
    /// time, of those I said yes to (method.md: an accepted event). Found
    /// in the tree of ends, not by walking the meetings near it, so that a
    /// crowded week costs no more per meeting than a quiet one.
    pub(crate) fn conflict(&self, meeting: &Meeting, me: &[String]) -> Option<Conflict> {
        if !meeting.blocks_time(me) {
            return None;
        }
        let cal = self.calendar.as_slice();
        let to = self
            .accepted
            .partition_point(|&i| cal[i].start < meeting.end);
        let mut from = 0;
        while let Some(k) = self.accepted_ends.first_after(from, to, meeting.start) {
            let m = &cal[self.accepted[k]];
            if !m.same_occurrence(meeting) {
                return Some(Conflict {
                    summary: m.summary.as_deref().map(str::to_owned),
                    uid: m.uid.clone(),
                    from_minute: u32::try_from((m.start - meeting.start).num_minutes().max(0))
                        .unwrap_or(0),
                });
            }
            from = k + 1;
        }
        None
    }
}

/// Where a shared text lives: the same address is the same text, as long
/// as the calendar that holds it lives (0 for none).
fn address(text: &Option<Arc<str>>) -> usize {
    text.as_ref()
        .map_or(0, |t| Arc::as_ptr(t).cast::<u8>() as usize)
}

/// A meeting's title words (lower-cased) as ids, sorted.
fn word_ids(m: &Meeting, mut id: impl FnMut(&str) -> u32) -> Vec<u32> {
    let lower = m.summary.as_deref().unwrap_or("").to_lowercase();
    let mut ids: Vec<u32> = words_of(&lower).into_iter().map(&mut id).collect();
    ids.sort_unstable();
    ids
}

/// What a meeting's matter is read from: its title and description.
fn text_key(m: &Meeting) -> (usize, usize) {
    (address(&m.summary), address(&m.description))
}

/// The latest end in each span of a list of meetings (a segment tree over
/// their ends), to find the first of a span that ends after an instant in
/// logarithmic time.
#[derive(Debug)]
struct Ends {
    /// Leaves from `size` on; node `n` holds the later of `2n` and `2n + 1`.
    latest: Vec<DateTime<Utc>>,
    size: usize,
}

impl Ends {
    fn new(ends: Vec<DateTime<Utc>>) -> Ends {
        let size = ends.len().next_power_of_two();
        let mut latest = vec![DateTime::<Utc>::MIN_UTC; 2 * size];
        latest[size..size + ends.len()].copy_from_slice(&ends);
        for n in (1..size).rev() {
            latest[n] = latest[2 * n].max(latest[2 * n + 1]);
        }
        Ends { latest, size }
    }

    /// The first position in `[from, to)` whose end is after `t`.
    fn first_after(&self, from: usize, to: usize, t: DateTime<Utc>) -> Option<usize> {
        self.descend(1, (0, self.size), from, to, t)
    }

    fn descend(
        &self,
        node: usize,
        (lo, hi): (usize, usize),
        from: usize,
        to: usize,
        t: DateTime<Utc>,
    ) -> Option<usize> {
        if hi <= from || to <= lo || self.latest[node] <= t {
            return None;
        }
        if hi - lo == 1 {
            return Some(lo);
        }
        let mid = (lo + hi) / 2;
        self.descend(2 * node, (lo, mid), from, to, t)
            .or_else(|| self.descend(2 * node + 1, (mid, hi), from, to, t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meeting::{Attendee, PartStat};
    use crate::planner::tests::Rng;

    /// A crowded, untidy calendar: short and very long meetings, some only
    /// pending or declined, transparent, and the same occurrence twice.
    fn random_calendar(rng: &mut Rng) -> Vec<Meeting> {
        let monday = "2026-06-08T06:00:00Z".parse::<DateTime<Utc>>().unwrap();
        (0..1 + rng.below(60))
            .map(|i| {
                let start = monday + Duration::minutes(15 * i64::try_from(rng.below(200)).unwrap());
                let minutes = [15, 30, 60, 90, 600][usize::try_from(rng.below(5)).unwrap()];
                let partstat = [
                    PartStat::Accepted,
                    PartStat::NeedsAction,
                    PartStat::Declined,
                ][usize::try_from(rng.below(3)).unwrap()];
                Meeting {
                    // Each its own title, to tell them apart; UIDs shared.
                    summary: Some(format!("#{i}").into()),
                    uid: format!("m{}", rng.below(40)),
                    start,
                    end: start + Duration::minutes(minutes),
                    transparent: rng.below(8) == 0,
                    attendees: vec![Attendee {
                        email: "me@firma.no".into(),
                        partstat,
                        ..Default::default()
                    }]
                    .into(),
                    ..Default::default()
                }
            })
            .collect()
    }

    /// The conflict as a walk over every meeting says it: the first by
    /// start that overlaps, blocks my time, was accepted, and is another.
    fn walked(calendar: &[Meeting], meeting: &Meeting, me: &[String]) -> Option<String> {
        if !meeting.blocks_time(me) {
            return None;
        }
        let mut by_start: Vec<&Meeting> = calendar.iter().collect();
        by_start.sort_by_key(|m| m.start);
        by_start
            .into_iter()
            .find(|m| {
                m.start < meeting.end
                    && m.end > meeting.start
                    && m.blocks_time(me)
                    && m.accepted_by(me)
                    && !m.same_occurrence(meeting)
            })
            .and_then(|m| m.summary.as_deref().map(str::to_owned))
    }

    #[test]
    fn conflicts_are_found_as_a_walk_over_every_meeting_finds_them() {
        let me = ["me@firma.no".to_owned()];
        let mut rng = Rng(0x5eed_1234_abcd);
        for _ in 0..500 {
            let calendar = random_calendar(&mut rng);
            let index = CalendarIndex::new(Arc::new(calendar.clone()), &me, &[], &[], Tz::UTC);
            for m in &calendar {
                let found = index.conflict(m, &me).and_then(|c| c.summary);
                assert_eq!(found, walked(&calendar, m, &me), "{m:?}");
            }
        }
    }

    /// Repetition as a walk over all of the client's meetings counts it.
    fn walked_repetition(index: &CalendarIndex, meeting: &Meeting, client: usize) -> u32 {
        let since = meeting.start - Duration::weeks(4);
        let title = crate::facts::title_words(meeting.summary.as_deref().unwrap_or(""));
        let n = index
            .calendar
            .iter()
            .filter(|m| {
                m.start >= since
                    && m.start < meeting.start
                    && m.attendees[0].email.ends_with(&format!("@c{client}.no"))
                    && !m.is_cancelled()
                    && (m.uid == meeting.uid
                        || alike(
                            &title,
                            &crate::facts::title_words(m.summary.as_deref().unwrap_or("")),
                        ))
            })
            .count();
        u32::try_from(n).unwrap().min(REPETITION_CAP)
    }

    #[test]
    fn the_calendars_own_meetings_are_matched_to_a_client_once() {
        let client = |name: &str, domain: &str| Client {
            name: name.into(),
            domains: vec![domain.into()],
            ..Default::default()
        };
        let built_for = [client("Havn", "havn.no"), client("Fjord", "fjord.no")];
        let me = ["me@firma.no".to_owned()];
        let start = "2026-05-04T06:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let calendar: Vec<Meeting> = ["p@havn.no", "q@fjord.no", "me@firma.no", "r@else.no"]
            .iter()
            .map(|email| Meeting {
                uid: (*email).to_owned(),
                start,
                end: start + Duration::minutes(30),
                attendees: vec![Attendee {
                    email: (*email).to_owned(),
                    ..Default::default()
                }]
                .into(),
                ..Default::default()
            })
            .collect();
        let index = CalendarIndex::new(Arc::new(calendar), &me, &built_for, &[], Tz::UTC);
        // Asked with other clients, an own meeting answers as matched for
        // the index, and a copy of it (a meeting from elsewhere) anew.
        let other = [client("Fjord", "fjord.no")];
        let own: Vec<_> = index
            .calendar
            .iter()
            .map(|m| index.client(m, &me, &other))
            .collect();
        assert_eq!(own, [Some(0), Some(1), None, None]);
        let copies: Vec<_> = index
            .calendar
            .iter()
            .map(|m| index.client(&m.clone(), &me, &other))
            .collect();
        assert_eq!(copies, [None, Some(0), None, None]);
    }

    #[test]
    fn repetition_counts_as_a_walk_over_every_meeting_counts() {
        const WORDS: [&str; 6] = ["status", "review", "møte", "plan", "demo", "risk"];
        let clients: Vec<Client> = (0..3)
            .map(|c| Client {
                name: format!("C{c}"),
                domains: vec![format!("c{c}.no")],
                ..Default::default()
            })
            .collect();
        let me = ["me@firma.no".to_owned()];
        let monday = "2026-05-04T06:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let mut rng = Rng(0xfeed_beef_1234);
        let mut pick = |n: u64| usize::try_from(rng.below(n)).unwrap();
        for _ in 0..200 {
            let calendar: Vec<Meeting> = (0..1 + pick(80))
                .map(|_| {
                    let start = monday + Duration::hours(i64::try_from(pick(24 * 42)).unwrap());
                    let title: Vec<&str> = (0..pick(4)).map(|_| WORDS[pick(6)]).collect();
                    Meeting {
                        uid: format!("m{}", pick(30)),
                        summary: Some(title.join(" ").into()),
                        start,
                        end: start + Duration::minutes(30),
                        status: (pick(10) == 0).then(|| "CANCELLED".to_owned()),
                        attendees: vec![Attendee {
                            email: format!("p@c{}.no", pick(3)),
                            ..Default::default()
                        }]
                        .into(),
                        ..Default::default()
                    }
                })
                .collect();
            let index = CalendarIndex::new(Arc::new(calendar.clone()), &me, &clients, &[], Tz::UTC);
            for m in &calendar {
                let client = crate::facts::match_client(m, &me, &clients).unwrap();
                assert_eq!(
                    index.repetition(m, client, 4),
                    walked_repetition(&index, m, client),
                    "{m:?}"
                );
            }
        }
    }
}
