//! Triage: the week's client meetings and what to do about each, as rows
//! for a table or a page, and as one JSON document for scripts and the API.

use crate::analysis::{Assessed, Loaded};
use crate::config::Settings;
use neitakk_compose::words;
use neitakk_core::facts::iso_week;
use neitakk_core::facts::Overrides;
use neitakk_core::{CalendarIndex, Choice, Facts, Lang, Reason, Risk, Step, Strategy, Weight};
use neitakk_ical::expand::rfc3339;
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;

/// One ISO week's load (meetings and travel) and what the recommendations free.
#[derive(Debug, Default)]
pub struct Week {
    pub meeting_minutes: u32,
    pub travel_minutes: u32,
    pub freed_meeting: u32,
    pub freed_travel: u32,
}

impl Week {
    /// The ISO week of `t` as the calendar has it, before anything is freed.
    pub fn at(index: &CalendarIndex, t: chrono::DateTime<chrono::Utc>) -> Week {
        let (meeting_minutes, travel_minutes) = index.week_parts(t);
        Week {
            meeting_minutes,
            travel_minutes,
            ..Week::default()
        }
    }

    /// Minutes in meetings plus travel: what the cap is set against.
    pub fn load(&self) -> u32 {
        self.meeting_minutes + self.travel_minutes
    }

    /// How far the week stays over `cap` once the recommendations are followed.
    pub fn over_cap(&self, cap: u32) -> u32 {
        self.load()
            .saturating_sub(self.freed_meeting + self.freed_travel)
            .saturating_sub(cap)
    }
}

/// Per ISO week: its load, and the meeting and travel time the
/// recommendations free.
#[derive(Debug, Default)]
pub struct Tally {
    pub weeks: BTreeMap<(i32, u32), Week>,
}

impl Tally {
    pub fn add(&mut self, a: &Assessed, index: &CalendarIndex, tz: neitakk_core::Tz) {
        let week = self
            .weeks
            .entry(iso_week(a.meeting.start, tz))
            .or_insert_with(|| Week::at(index, a.meeting.start));
        let r = &a.decision.recommended;
        week.freed_meeting += r.minutes_freed.saturating_sub(r.travel_minutes_freed);
        week.freed_travel += r.travel_minutes_freed;
    }

    /// The weeks as JSON, against the weekly cap.
    pub fn json(&self, cap_minutes: u32) -> serde_json::Value {
        self.weeks
            .iter()
            .map(|((y, wk), w)| {
                json!({"week": format!("{y}-W{wk:02}"), "meeting_minutes": w.meeting_minutes, "travel_minutes": w.travel_minutes, "load_minutes": w.load(), "cap_minutes": cap_minutes, "freed_meeting_minutes": w.freed_meeting, "freed_travel_minutes": w.freed_travel, "over_cap_minutes": w.over_cap(cap_minutes)})
            })
            .collect()
    }
}

/// The triage document (`neitakk triage --format json`, `GET /api/v1/triage`):
/// the window, a row per meeting, and the weeks' load. Written as it goes:
/// a year of a busy calendar is a large document.
pub fn write_json(
    out: &mut impl Write,
    config: &Settings,
    loaded: &Loaded,
    overrides: &Overrides,
) -> crate::Result<()> {
    let (tz, lang) = (config.profile.timezone, config.profile.language);
    let index = loaded.index(config);
    let mut tally = Tally::default();
    write!(
        out,
        "{{\"from\":\"{}\",\"to\":\"{}\",\"meetings\":[",
        rfc3339(loaded.window.from),
        rfc3339(loaded.window.to)
    )?;
    for (i, a) in loaded.assess_all(&index, config, overrides).enumerate() {
        tally.add(&a, &index, tz);
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &Row::new(&a, lang))?;
    }
    let weeks = tally.json(config.profile.weekly_cap_minutes);
    writeln!(out, "\n],\"weeks\":{}}}", serde_json::to_string(&weeks)?)?;
    Ok(())
}

/// The week's load against the cap, what the recommendations free, and
/// where that leaves it.
pub fn week_line(number: u32, w: &Week, cap: u32, lang: Lang) -> String {
    let h = |minutes: u32| words::hours(minutes, lang);
    let (load, m, t, c) = (
        h(w.load()),
        h(w.meeting_minutes),
        h(w.travel_minutes),
        h(cap),
    );
    let (fm, ft) = (h(w.freed_meeting), h(w.freed_travel));
    let over = w.over_cap(cap);
    match lang {
        Lang::Nb => {
            let end = if w.load() <= cap {
                "Uka er under taket.".to_owned()
            } else if over == 0 {
                format!("Anbefalingene frigjør {fm} møtetid og {ft} reisetid, og da er uka under taket.")
            } else {
                format!("Anbefalingene frigjør {fm} møtetid og {ft} reisetid; uka er likevel {} over taket.", h(over))
            };
            format!("Uke {number}: {load} ({m} i møter og {t} reise) mot et tak på {c}. {end}")
        }
        Lang::En => {
            let end = if w.load() <= cap {
                "The week is under its cap.".to_owned()
            } else if over == 0 {
                format!("The recommendations free {fm} of meetings and {ft} of travel, which brings it under the cap.")
            } else {
                format!("The recommendations free {fm} of meetings and {ft} of travel; even so the week stays {} over its cap.", h(over))
            };
            format!("Week {number}: {load} ({m} of meetings and {t} of travel) against a cap of {c}. {end}")
        }
    }
}

/// Why, in a few words: the deciding rule when it is not the reasons themselves.
pub fn main_reason(a: &Assessed, lang: Lang) -> String {
    let nb = lang == Lang::Nb;
    let reasons = a
        .decision
        .reasons
        .iter()
        .map(|r| words::reason(*r, lang))
        .collect::<Vec<_>>()
        .join(", ");
    let rule = a.decision.trail.iter().find_map(|s| match s {
        Step::KeyClient { .. } => Some(if nb { "nøkkelkunde" } else { "key client" }),
        Step::NoValidReason => Some(if nb {
            "ingen gyldig grunn"
        } else {
            "no valid reason"
        }),
        Step::MemoryAttend { .. } => Some(if nb {
            "begrenset nylig"
        } else {
            "limited lately"
        }),
        Step::NothingFits => Some(if nb {
            "ingenting passer"
        } else {
            "nothing fits"
        }),
        Step::Organizer => Some(if nb {
            "du er arrangør"
        } else {
            "you organize it"
        }),
        _ => None,
    });
    match rule {
        Some(rule) if reasons.is_empty() => rule.to_owned(),
        Some(rule) => format!("{rule} ({reasons})"),
        None => reasons,
    }
}

/// A meeting as JSON for scripts.
#[derive(Serialize)]
pub struct Row<'a> {
    uid: &'a str,
    recurrence_id: Option<&'a str>,
    start: String,
    end: String,
    summary: Option<&'a str>,
    client: Option<&'a str>,
    weight: Option<Weight>,
    /// None for internal and cancelled meetings.
    strategy: Option<Strategy>,
    minutes_freed: u32,
    risk: Option<Risk>,
    follow_up_call: bool,
    reasons: &'a [Reason],
    alternatives: &'a [Choice],
    /// The rule trail in the user's language.
    trail: Vec<String>,
    /// The same, structured.
    steps: &'a [Step],
    facts: &'a Facts,
}

impl<'a> Row<'a> {
    pub fn new(a: &'a Assessed, lang: Lang) -> Row<'a> {
        let d = &a.decision;
        let decided = d.is_decided();
        Row {
            uid: &a.meeting.uid,
            recurrence_id: a.meeting.recurrence_id.as_deref(),
            start: rfc3339(a.meeting.start),
            end: rfc3339(a.meeting.end),
            summary: a.meeting.summary.as_deref(),
            client: a.facts.client.as_deref(),
            weight: a.facts.weight,
            strategy: decided.then_some(d.recommended.strategy),
            minutes_freed: d.recommended.minutes_freed,
            risk: decided.then_some(d.recommended.risk),
            follow_up_call: d.recommended.follow_up_call,
            reasons: &d.reasons,
            alternatives: &d.alternatives,
            trail: d.trail.iter().map(|s| words::step(s, lang)).collect(),
            steps: &d.trail,
            facts: &a.facts,
        }
    }
}
