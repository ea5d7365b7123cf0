//! `neitakk events`: the occurrences of a calendar in a window.

use neitakk_core::Meeting;
use neitakk_ical::expand::rfc3339;
use neitakk_ical::value::date_text;
use serde::Serialize;

/// One line of `--format jsonl`; other tools rely on exactly these fields.
#[derive(Serialize)]
pub struct Line<'a> {
    uid: &'a str,
    recurrence_id: Option<&'a str>,
    start: String,
    end: String,
    all_day: bool,
    summary: Option<&'a str>,
}

pub fn line(m: &Meeting) -> Line<'_> {
    let (start, end) = match m.dates {
        Some((a, b)) => (date_text(a, false), date_text(b, false)),
        None => (rfc3339(m.start), rfc3339(m.end)),
    };
    Line {
        // An event without a UID has none here either: the reader's own key
        // names a line of a file, which says nothing to anyone else.
        uid: if m.uid_made_up { "" } else { &m.uid },
        recurrence_id: m.recurrence_id.as_deref(),
        start,
        end,
        all_day: m.all_day(),
        summary: m.summary.as_deref(),
    }
}
