//! Gathering the facts about one meeting (method.md, section 1) from the
//! calendar, the client registry and the profile.

use crate::client::Client;
use crate::meeting::{is_me, Attendee, Meeting, MeetingKey, PartStat, RoleParam};
use crate::types::{Flexibility, Format, Matter, Reason, Role, Weight};
use aho_corasick::AhoCorasick;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::LazyLock;

pub use crate::index::{iso_week, CalendarIndex, REPETITION_CAP};

/// Everything the gatherer may look at besides the meeting itself.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The user's own addresses, lower-cased.
    pub me: &'a [String],
    pub clients: &'a [Client],
    /// The weight of each client, index for index (see [`crate::derive_tiers`]).
    pub weights: &'a [Weight],
    /// Every known occurrence (the window and the weeks before it), indexed.
    pub index: &'a CalendarIndex,
    /// Weekly cap on meeting time, in minutes.
    pub weekly_cap_minutes: u32,
    /// Words that name the user's own office in a LOCATION (no travel there).
    pub office: &'a [String],
    /// Limited or declined meetings per client name in the 30 days before
    /// now.
    pub recent_limits: &'a HashMap<String, Vec<MeetingKey>>,
    pub settings: &'a FactSettings,
}

/// Defaults and thresholds used while gathering facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FactSettings {
    /// Minutes a routine matter needs when the user gives no estimate.
    pub needed_routine: u32,
    /// Minutes a decision needs.
    pub needed_decision: u32,
    /// How many weeks back to look for similar meetings.
    pub repetition_weeks: u32,
    /// How many similar meetings in that time make a meeting repetitive.
    pub repetition_threshold: u32,
}

impl Default for FactSettings {
    fn default() -> Self {
        FactSettings {
            needed_routine: 30,
            needed_decision: 60,
            repetition_weeks: 4,
            repetition_threshold: 3,
        }
    }
}

/// Facts the user may set by hand; each wins over what is inferred.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Overrides {
    pub weight: Option<Weight>,
    pub role: Option<Role>,
    pub format: Option<Format>,
    pub travel_minutes: Option<u32>,
    pub needed_minutes: Option<u32>,
    pub matter: Option<Matter>,
    pub flexibility: Option<Flexibility>,
    /// Reasons the user gives (illness, emergency, dislike, ...).
    pub reasons: Vec<Reason>,
}

/// Another event this meeting overlaps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub summary: Option<String>,
    pub uid: String,
    /// Minutes after this meeting's start at which the overlap begins.
    pub from_minute: u32,
}

/// The facts about one meeting, as the engine uses them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// The client's name, or `None` for an internal meeting.
    pub client: Option<String>,
    pub weight: Option<Weight>,
    pub role: Role,
    pub format: Format,
    pub travel_minutes: u32,
    pub planned_minutes: u32,
    pub needed_minutes: u32,
    pub matter: Matter,
    pub flexibility: Flexibility,
    /// Similar meetings with this client in the last weeks (before this one).
    pub repetition: u32,
    pub recurring: bool,
    /// The load of this meeting's week (minutes in meetings plus travel to
    /// and from client meetings), and the cap.
    pub week_minutes: u32,
    pub week_cap_minutes: u32,
    pub conflict: Option<Conflict>,
    /// The colleague (account manager) who attends and can speak for me.
    pub colleague: Option<String>,
    pub colleague_name: Option<String>,
    /// Limited or declined meetings with this client in the last 30 days.
    pub recent_limits: u32,
    /// Reasons inferred from the facts.
    pub inferred_reasons: Vec<Reason>,
    /// Reasons the user gave.
    pub given_reasons: Vec<Reason>,
}

impl Facts {
    /// All reasons: the given ones first, then the inferred, without repeats.
    pub fn reasons(&self) -> Vec<Reason> {
        let mut all = self.given_reasons.clone();
        for r in &self.inferred_reasons {
            if !all.contains(r) {
                all.push(*r);
            }
        }
        all
    }
}

/// Which client a meeting is with: the client that owns most of the people in
/// it other than me. Returns its index in `clients`.
pub fn match_client(meeting: &Meeting, me: &[String], clients: &[Client]) -> Option<usize> {
    // Each other person's domain once; then the client with most of them
    // (the first, on a tie). This runs for every meeting of a calendar.
    let domains: Vec<&str> = meeting
        .people()
        .filter(|p| !is_me(&p.email, me))
        .map(|p| {
            p.email
                .rsplit_once('@')
                .map_or(p.email.as_str(), |(_, d)| d)
        })
        .collect();
    if domains.is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for (i, c) in clients.iter().enumerate() {
        let n = domains.iter().filter(|d| c.owns_domain(d)).count();
        if n > 0 && best.is_none_or(|(_, m)| n > m) {
            best = Some((i, n));
        }
    }
    best.map(|(i, _)| i)
}

/// Gathers the facts about `meeting`.
pub fn gather(meeting: &Meeting, ctx: &Context, overrides: &Overrides) -> Facts {
    let s = ctx.settings;
    let client_index = ctx.index.client(meeting, ctx.me, ctx.clients);
    let client = client_index.map(|i| &ctx.clients[i]);

    let colleague = colleague_of(meeting, ctx.me, client);
    let role = overrides
        .role
        .unwrap_or_else(|| role_of(meeting, ctx.me, colleague.is_some()));
    let (found_format, at_office) = ctx.index.place(meeting, ctx.office);
    let format = overrides.format.unwrap_or(found_format);
    let travel_minutes = overrides
        .travel_minutes
        .unwrap_or_else(|| travel(format, at_office, client));
    let matter = overrides
        .matter
        .unwrap_or_else(|| ctx.index.matter(meeting));
    let planned = meeting.minutes();
    let needed = overrides.needed_minutes.unwrap_or(match matter {
        Matter::Routine => s.needed_routine,
        Matter::Decision => s.needed_decision,
        Matter::Serious => planned,
    });
    let repetition =
        client_index.map_or(0, |c| ctx.index.repetition(meeting, c, s.repetition_weeks));
    let week_minutes = ctx.index.week_minutes(meeting.start);
    let conflict = ctx.index.conflict(meeting, ctx.me);

    let mut inferred = Vec::new();
    if client.is_some() {
        if week_minutes > ctx.weekly_cap_minutes {
            inferred.push(Reason::Workload);
        }
        if conflict.is_some() {
            inferred.push(Reason::Conflict);
        }
        if repetition >= s.repetition_threshold {
            inferred.push(Reason::Repetitive);
        }
        if matches!(role, Role::BroughtIn | Role::Optional) {
            inferred.push(Reason::NotNeeded);
        }
    }

    Facts {
        client: client.map(|c| c.name.clone()),
        weight: overrides
            .weight
            .or(client_index.map(|i| ctx.weights.get(i).copied().unwrap_or(Weight::Regular))),
        role,
        format,
        travel_minutes,
        planned_minutes: planned,
        needed_minutes: needed.min(planned),
        matter,
        flexibility: overrides
            .flexibility
            .or(client.and_then(|c| c.flexibility))
            .unwrap_or(Flexibility::Normal),
        repetition,
        recurring: meeting.recurring,
        week_minutes,
        week_cap_minutes: ctx.weekly_cap_minutes,
        conflict,
        colleague: colleague.map(str::to_owned),
        colleague_name: colleague.and_then(|email| {
            client
                .filter(|c| {
                    c.account_manager
                        .as_deref()
                        .is_some_and(|am| am.eq_ignore_ascii_case(email))
                })
                .and_then(|c| c.account_manager_name.clone())
                .or_else(|| {
                    meeting
                        .people()
                        .find(|p| p.email.eq_ignore_ascii_case(email))?
                        .name
                        .clone()
                })
        }),
        // Other meetings only: deciding this one again does not count against it.
        recent_limits: client
            .and_then(|c| ctx.recent_limits.get(&c.name))
            .map_or(0, |keys| {
                let own = meeting.key();
                u32::try_from(keys.iter().filter(|k| **k != own).count()).unwrap_or(u32::MAX)
            }),
        inferred_reasons: inferred,
        given_reasons: overrides.reasons.clone(),
    }
}

/// Whether the invitation marks my seat optional (ROLE=OPT-PARTICIPANT).
fn optional_seat(meeting: &Meeting, me: &[String]) -> bool {
    meeting
        .my_attendance(me)
        .is_some_and(|a| a.role == RoleParam::OptParticipant)
}

/// The colleague who attends and can speak for me: the client's account
/// manager, or, where my seat is optional, an organizer from my own firm.
/// Someone who declined speaks for nobody.
fn colleague_of<'m>(
    meeting: &'m Meeting,
    me: &[String],
    client: Option<&'m Client>,
) -> Option<&'m str> {
    let attends = |email: &str| {
        !is_me(email, me)
            && meeting.people().any(|p| {
                p.email.eq_ignore_ascii_case(email) && !matches!(p.partstat, PartStat::Declined)
            })
    };
    let manager = client
        .and_then(|c| c.account_manager.as_deref())
        .filter(|am| attends(am));
    let in_my_firm = |o: &Attendee| {
        me.iter()
            .filter_map(|e| e.rsplit_once('@'))
            .any(|(_, d)| d.eq_ignore_ascii_case(o.domain()))
    };
    let organizer_from_my_firm = meeting
        .organizer
        .as_deref()
        .filter(|o| optional_seat(meeting, me) && !is_me(&o.email, me) && in_my_firm(o))
        .map(|o| o.email.as_str());
    manager.or(organizer_from_my_firm)
}

/// My role: the organizer; brought in when a colleague attends who speaks
/// for me (an optional seat with such a colleague is that too); optional;
/// else the client's direct contact.
fn role_of(meeting: &Meeting, me: &[String], colleague_attends: bool) -> Role {
    if meeting.organized_by(me) {
        Role::Organizer
    } else if colleague_attends {
        Role::BroughtIn
    } else if optional_seat(meeting, me) {
        Role::Optional
    } else {
        Role::DirectContact
    }
}

/// Minutes of travel each way to a meeting: a client's travel time for one
/// held in person, unless it is at my own office.
pub(crate) fn travel(format: Format, at_office: bool, client: Option<&Client>) -> u32 {
    match format {
        Format::InPerson if !at_office => client.and_then(|c| c.travel_minutes).unwrap_or(0),
        _ => 0,
    }
}

/// Whether a meeting's LOCATION names my own office (`office`, its words
/// lower-cased).
pub(crate) fn at_office(meeting: &Meeting, office: &[String]) -> bool {
    meeting.location.as_deref().is_some_and(|l| {
        let l = l.to_lowercase();
        office
            .iter()
            .any(|o| !o.is_empty() && l.contains(o.as_str()))
    })
}

/// The words that name my own office, lower-cased once for every meeting.
pub(crate) fn office_words(office: &[String]) -> Vec<String> {
    office.iter().map(|o| o.to_lowercase()).collect()
}

/// Words in a LOCATION that mean the meeting happens over a line, not in a room.
const REMOTE_MARKERS: &[&str] = &[
    "http://",
    "https://",
    "teams",
    "zoom",
    "google meet",
    "meet.google",
    "whereby",
    "webex",
    "skype",
    "telefon",
    "phone",
    "video",
    "online",
    "digital",
    "virtuelt",
    "virtual",
];

/// The markers in one automaton, any case: a LOCATION is read once.
static REMOTE: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(REMOTE_MARKERS)
        // Fixed words, all ASCII: nothing an input can make fail.
        .expect("the marker automaton builds")
});

pub(crate) fn format_of(meeting: &Meeting) -> Format {
    match meeting.location.as_deref().map(str::trim) {
        Some(loc) if !loc.is_empty() => {
            let remote = REMOTE.is_match(loc)
                || loc.chars().filter(|c| c.is_ascii_digit()).count() >= 8 && !loc.contains(' ');
            if remote {
                Format::Remote
            } else {
                Format::InPerson
            }
        }
        _ => Format::Remote,
    }
}

/// Keywords (word prefixes, lower-case) that raise the stakes of a meeting.
const SERIOUS_WORDS: &[&str] = &[
    "klage",
    "eskaler",
    "avvik",
    "reklamasjon",
    "tvist",
    "hendelse",
    "brudd",
    "misfornøy",
    "complaint",
    "escalat",
    "incident",
    "dispute",
    "breach",
    "deviation",
    "issue with",
    "problem",
];
const DECISION_WORDS: &[&str] = &[
    "kontrakt",
    "avtale",
    "forhandl",
    "tilbud",
    "beslut",
    "budsjett",
    "pris",
    "signer",
    "contract",
    "agreement",
    "negotiat",
    "proposal",
    "decision",
    "budget",
    "pricing",
    "sign-off",
    "renewal",
    "fornyelse",
];

/// The keywords of both matters in one automaton, pattern for pattern
/// with the matter each raises: a meeting's text is read once (this runs
/// per meeting). ASCII letters match in any case; so do the others
/// (`spellings`).
static KEYWORDS: LazyLock<(AhoCorasick, Vec<Matter>)> = LazyLock::new(|| {
    let words = SERIOUS_WORDS
        .iter()
        .map(|w| (w, Matter::Serious))
        .chain(DECISION_WORDS.iter().map(|w| (w, Matter::Decision)))
        .flat_map(|(w, matter)| spellings(w).into_iter().map(move |s| (s, matter)));
    let (patterns, matters): (Vec<String>, Vec<Matter>) = words.unzip();
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(patterns)
        // A few dozen short words, fixed here: nothing an input can make fail.
        .expect("the keyword automaton builds");
    (automaton, matters)
});

/// A lower-case word in each case of its letters beyond ASCII (which the
/// automaton matches in any case itself): "misfornøy", "misfornØy".
fn spellings(word: &str) -> Vec<String> {
    let mut all = vec![String::new()];
    for c in word.chars() {
        let upper: String = c.to_uppercase().collect();
        let cases = if c.is_ascii() || upper == c.to_string() {
            vec![c.to_string()]
        } else {
            vec![c.to_string(), upper]
        };
        all = all
            .iter()
            .flat_map(|start| cases.iter().map(move |c| format!("{start}{c}")))
            .collect();
    }
    all
}

/// The matter, from keywords in the title and description (Norwegian and English).
pub fn matter_of(meeting: &Meeting) -> Matter {
    let text = format!(
        "{} {}",
        meeting.summary.as_deref().unwrap_or(""),
        meeting.description.as_deref().unwrap_or("")
    );
    // Keywords are word prefixes: a match counts where a word starts.
    let (automaton, matters) = &*KEYWORDS;
    let mut found = Matter::Routine;
    for m in automaton.find_overlapping_iter(&text) {
        let word_start = text[..m.start()]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        match matters[m.pattern().as_usize()] {
            Matter::Serious if word_start => return Matter::Serious,
            matter if word_start => found = matter,
            _ => {}
        }
    }
    found
}

/// The words of a title that say what it is about (lower-case, no numbers).
pub(crate) fn title_words(title: &str) -> Vec<String> {
    words_of(&title.to_lowercase())
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// The same, from a title already lower-cased, as slices of it: sorted,
/// each once, nothing allocated per word.
pub(crate) fn words_of(lower: &str) -> Vec<&str> {
    let mut words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 1 && !w.chars().all(|c| c.is_ascii_digit()))
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// Whether two sorted word lists share at least half of their words.
pub(crate) fn alike<T: Ord>(a: &[T], b: &[T]) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let shared = a.iter().filter(|w| b.binary_search(w).is_ok()).count();
    shared * 2 >= a.len() + b.len() - shared
}

/// Whether two titles share at least half of their words.
pub fn similar_titles(a: &str, b: &str) -> bool {
    alike(&title_words(a), &title_words(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tz::Tz;
    use chrono::{DateTime, Duration, Utc};
    use std::sync::Arc;

    fn meeting(summary: &str, location: Option<&str>) -> Meeting {
        Meeting {
            summary: Some(summary.into()),
            location: location.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn matter_from_keywords_in_both_languages() {
        assert_eq!(matter_of(&meeting("Statusmøte", None)), Matter::Routine);
        assert_eq!(
            matter_of(&meeting("Kontraktsforhandling Q1", None)),
            Matter::Decision
        );
        assert_eq!(
            matter_of(&meeting("Contract renewal", None)),
            Matter::Decision
        );
        assert_eq!(
            matter_of(&meeting("Klage på leveransen", None)),
            Matter::Serious
        );
        assert_eq!(
            matter_of(&meeting("Escalation: outage", None)),
            Matter::Serious
        );
        // "pris" must start a word: "overraskelsesparti" is no pricing meeting
        assert_eq!(matter_of(&meeting("Sprint demo", None)), Matter::Routine);
    }

    /// The matter as a lower-cased copy of title and description says it.
    fn matter_by_copy(summary: &str, description: &str) -> Matter {
        let text = format!("{summary} {description}").to_lowercase();
        let mut starts = Vec::new();
        let mut after_word = false;
        for (i, c) in text.char_indices() {
            if !after_word {
                starts.push(i);
            }
            after_word = c.is_alphanumeric();
        }
        let has = |words: &[&str]| {
            starts
                .iter()
                .any(|&i| words.iter().any(|w| text[i..].starts_with(w)))
        };
        if has(SERIOUS_WORDS) {
            Matter::Serious
        } else if has(DECISION_WORDS) {
            Matter::Decision
        } else {
            Matter::Routine
        }
    }

    proptest::proptest! {
        /// Read as it is lower-cased, a meeting's text gives the matter a
        /// lower-cased copy gives, keywords spanning title and description
        /// included.
        #[test]
        fn matter_as_a_lower_cased_copy_says(
            summary in "(KLAGE|Avtale|pris|Issue|with|sign-off|møte|ØST|x| |-|:|,|e|s){0,8}",
            description in "(Misfornøyd|PROBLEM|budsjett|with|lag|å|Ø| |\\.){0,8}",
        ) {
            let m = Meeting {
                summary: Some(summary.as_str().into()),
                description: Some(description.as_str().into()),
                ..Default::default()
            };
            proptest::prop_assert_eq!(matter_of(&m), matter_by_copy(&summary, &description));
        }
    }

    #[test]
    fn serious_words_as_people_write_them() {
        for title in [
            "Klage: forsinket levering",
            "Reklamasjon på vare",
            "Avvik i leveransen",
            "Eskalering fra kunden",
            "Misfornøyd med fremdriften",
            "Tvist om faktura",
            "Escalation: missing invoices",
            "Complaint about the delivery",
            "Dispute over scope",
            "Incident review",
            "Data breach follow-up",
            "Deviation report",
        ] {
            assert_eq!(matter_of(&meeting(title, None)), Matter::Serious, "{title}");
        }
        let described = Meeting {
            summary: Some("Møte".into()),
            description: Some("Kunden er misfornøyd med leveransen.".into()),
            ..Default::default()
        };
        assert_eq!(matter_of(&described), Matter::Serious);
    }

    fn person(email: &str, role: RoleParam) -> crate::Attendee {
        crate::Attendee {
            email: email.into(),
            name: Some("Ola Hansen".into()),
            role,
            partstat: PartStat::Accepted,
            ..Default::default()
        }
    }

    /// The facts of `m` for Ingrid at firma.no, with one client, Havnevest.
    fn facts_of(m: &Meeting) -> Facts {
        let me = vec!["ingrid@firma.no".to_owned()];
        let clients = vec![Client {
            name: "Havnevest".into(),
            domains: vec!["havnevest.no".into()],
            travel_minutes: Some(30),
            ..Default::default()
        }];
        let index = CalendarIndex::new(Arc::new(vec![m.clone()]), &me, &clients, &[], Tz::UTC);
        let ctx = Context {
            me: &me,
            clients: &clients,
            weights: &[Weight::Regular],
            index: &index,
            weekly_cap_minutes: 60,
            office: &[],
            recent_limits: &HashMap::new(),
            settings: &FactSettings::default(),
        };
        gather(m, &ctx, &Overrides::default())
    }

    fn workshop(me: RoleParam, organizer: &str) -> Meeting {
        let start = DateTime::parse_from_rfc3339("2026-12-01T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        Meeting {
            summary: Some("Workshop".into()),
            location: Some("Strandkaien 2".into()),
            start,
            end: start + Duration::minutes(60),
            organizer: Some(std::sync::Arc::new(person(organizer, RoleParam::Chair))),
            attendees: vec![
                person("ingrid@firma.no", me),
                person("per@havnevest.no", RoleParam::ReqParticipant),
            ]
            .into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_optional_seat_with_a_colleague_organizing_is_brought_in() {
        let f = facts_of(&workshop(RoleParam::OptParticipant, "ola@firma.no"));
        assert_eq!(f.role, Role::BroughtIn);
        assert_eq!(f.colleague.as_deref(), Some("ola@firma.no"));
        assert_eq!(f.colleague_name.as_deref(), Some("Ola Hansen"));
        assert!(f.inferred_reasons.contains(&Reason::NotNeeded));
        // The client organizing: optional, with nobody to speak for me.
        let f = facts_of(&workshop(RoleParam::OptParticipant, "per@havnevest.no"));
        assert_eq!(f.role, Role::Optional);
        assert_eq!(f.colleague, None);
        assert!(f.inferred_reasons.contains(&Reason::NotNeeded));
        // A required seat is mine, whoever organizes.
        let f = facts_of(&workshop(RoleParam::ReqParticipant, "ola@firma.no"));
        assert_eq!(f.role, Role::DirectContact);
    }

    #[test]
    fn the_weeks_load_counts_travel_both_ways() {
        let f = facts_of(&workshop(RoleParam::ReqParticipant, "per@havnevest.no"));
        assert_eq!(f.travel_minutes, 30);
        assert_eq!(f.week_minutes, 60 + 2 * 30);
        assert!(
            f.inferred_reasons.contains(&Reason::Workload),
            "over a 60-minute cap"
        );
    }

    #[test]
    fn format_from_location() {
        assert_eq!(
            format_of(&meeting("x", Some("Storgata 1, 0155 Oslo"))),
            Format::InPerson
        );
        assert_eq!(
            format_of(&meeting("x", Some("Microsoft Teams-møte"))),
            Format::Remote
        );
        assert_eq!(
            format_of(&meeting("x", Some("https://meet.google.com/abc"))),
            Format::Remote
        );
        assert_eq!(format_of(&meeting("x", None)), Format::Remote);
    }

    #[test]
    fn titles_alike() {
        assert!(similar_titles(
            "Ukentlig status Fjordkraft",
            "Status Fjordkraft uke 48"
        ));
        assert!(!similar_titles(
            "Workshop: ny nettside",
            "Status Fjordkraft"
        ));
    }
}
