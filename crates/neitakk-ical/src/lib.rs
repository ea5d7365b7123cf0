//! iCalendar in: reading `.ics` files and `.eml` invitations into meeting
//! occurrences, with recurrence expansion and time zones.
//!
//! The reader works one component at a time: lines are unfolded at the byte
//! level, each VEVENT is reduced to a compact [`reader::EventRecord`] as soon
//! as its END line is read, and events that cannot touch the requested window
//! are dropped at once. Expansion ([`expand`]) groups records by UID, walks
//! RRULEs in wall-clock time with the `rrule` crate and places each instance
//! in its zone with the current tz database (`neitakk_core::tz`) or an
//! in-file VTIMEZONE ([`zone`]).
//!
//! Bad input never panics: a malformed line is skipped with a [`Warning`]
//! naming file and line; a file that is not a calendar is [`Error::NotACalendar`].

pub mod edit;
pub mod expand;
pub mod forward;
pub mod imip;
pub mod invite;
pub mod itip;
pub mod lines;
pub mod reader;
mod recur;
pub mod value;
mod written;
pub mod zone;

use chrono::{DateTime, Utc};
pub use expand::{expand, expanded, Expanded, Limits};
pub use neitakk_core::Meeting;
use std::fmt;

/// Errors that stop reading a file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{file}: not an iCalendar file (no BEGIN:VCALENDAR found)")]
    NotACalendar { file: String },
    #[error("{file}: no text/calendar part in this e-mail")]
    NoCalendarPart { file: String },
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A read error of `file`, for `map_err`.
    fn io(file: &str) -> impl Fn(std::io::Error) -> Error + Copy + '_ {
        move |source| Error::Io {
            file: file.to_owned(),
            source,
        }
    }
}

/// Something skipped or guessed while reading; reading went on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: String,
    /// 1-based line where the problem starts (0 when not tied to a line).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

/// The time window to list occurrences in, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Window {
    /// Whether an occurrence `[start, end)` is listed: it overlaps the window,
    /// or, with no length, starts inside it.
    pub fn contains(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        if start == end {
            self.from <= start && start < self.to
        } else {
            start < self.to && end > self.from
        }
    }
}

/// What reading a calendar gives: the occurrences in the window, sorted by
/// start, UID and RECURRENCE-ID, and the warnings met on the way.
#[derive(Debug, Default)]
pub struct Calendar {
    pub occurrences: Vec<Meeting>,
    pub warnings: Vec<Warning>,
    /// Set when the calendar spent its [`Limits`]: why some occurrences are
    /// not listed (also among the warnings).
    pub partial: Option<String>,
}

/// Reads a calendar from bytes (an `.ics`, or an `.eml` holding an
/// invitation) and expands it in `window` (`into_calendar` makes every
/// occurrence at once).
pub fn read(
    file: &str,
    bytes: &[u8],
    window: Window,
    options: &reader::Options,
) -> Result<Expanded, Error> {
    if bytes.len() >= SPLIT_FROM
        && neitakk_core::cancel::cores() > 1
        && !invite::looks_like_email(bytes)
    {
        if let Some(at) = event_start(bytes, bytes.len() / 2) {
            let (first, second) = bytes.split_at(at);
            return in_halves(file, first, second, window, options);
        }
    }
    read_stream(file, bytes, window, options)
}

/// As [`read`], from a file: a large calendar is read in two halves on two
/// cores, split where an event begins, each half streamed through a small
/// buffer.
pub fn read_file(
    file: &str,
    path: &std::path::Path,
    window: Window,
    options: &reader::Options,
) -> Result<Expanded, Error> {
    use std::io::{BufReader, Read, Seek, SeekFrom};
    let io = Error::io(file);
    let mut f = std::fs::File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    let mut head = [0; 512];
    let n = f.read(&mut head).map_err(io)?;
    f.rewind().map_err(io)?;
    if len >= SPLIT_FROM as u64
        && neitakk_core::cancel::cores() > 1
        && !invite::looks_like_email(&head[..n])
    {
        // Where the first event after the middle begins, looked for in
        // the megabyte after it.
        let middle = len / 2;
        f.seek(SeekFrom::Start(middle)).map_err(io)?;
        let mut near = Vec::with_capacity(1 << 20);
        (&mut f).take(1 << 20).read_to_end(&mut near).map_err(io)?;
        if let Some(at) = event_start(&near, 0) {
            let at = middle + at as u64;
            f.rewind().map_err(io)?;
            let mut rest = std::fs::File::open(path).map_err(io)?;
            rest.seek(SeekFrom::Start(at)).map_err(io)?;
            let first = BufReader::with_capacity(1 << 16, f.take(at));
            let second = BufReader::with_capacity(1 << 16, rest);
            return in_halves(file, first, second, window, options);
        }
        f.rewind().map_err(io)?;
    }
    read_stream(file, BufReader::with_capacity(1 << 16, f), window, options)
}

/// Below this size a calendar is read on one core: a second thread costs
/// more than it saves.
const SPLIT_FROM: usize = 4 << 20;

/// Where the first line at or after `from` that begins an event starts:
/// a component boundary, where a second reader can start inside the
/// VCALENDAR.
fn event_start(bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memmem::find_iter(bytes.get(from..)?, b"\nBEGIN:VEVENT")
        .map(|i| from + i + 1)
        .next()
}

/// Reads the two halves of a calendar at once, the second from where an
/// event begins, and expands them as one.
fn in_halves(
    file: &str,
    first: impl std::io::BufRead + Send,
    second: impl std::io::BufRead + Send,
    window: Window,
    options: &reader::Options,
) -> Result<Expanded, Error> {
    let (mut part, later) = neitakk_core::cancel::join(
        || reader::part(file, first, window, options, false),
        || reader::part(file, second, window, options, true),
    );
    part.append(later);
    Ok(expanded(
        file,
        part.parsed(file, options)?,
        window,
        &options.limits,
    ))
}

/// As [`read`], from a stream: an `.ics` is read one line at a time, so a
/// large file is never held whole.
pub fn read_stream(
    file: &str,
    mut input: impl std::io::BufRead,
    window: Window,
    options: &reader::Options,
) -> Result<Expanded, Error> {
    let io = Error::io(file);
    let parsed = if invite::looks_like_email(input.fill_buf().map_err(io)?) {
        let mut bytes = Vec::new();
        input.read_to_end(&mut bytes).map_err(io)?;
        let ics = invite::calendar_part(file, &bytes)?;
        reader::parse(file, ics.as_slice(), window, options)?
    } else {
        reader::parse(file, input, window, options)?
    };
    Ok(expanded(file, parsed, window, &options.limits))
}
