//! Messages in the client's language: built-in templates for every strategy
//! in Norwegian bokmål and English, user overrides, dates as each language
//! writes them, language choice, and the briefing for a colleague.
//!
//! Templates are `minijinja` templates named `<kind>.<lang>.txt`; the first
//! line of the output is the subject, the rest the body. Rendering is
//! sandboxed: templates see only the values given to them, cannot read files
//! or the network, and run on a fuel budget.

pub mod dates;
pub mod lang;
pub mod words;

use chrono::{DateTime, Utc};
use minijinja::{Environment, UndefinedBehavior};
use neitakk_core::Tz;
use neitakk_core::{Client, Facts, Lang, Matter, Meeting, Reason, Slot, Strategy};
use serde::Serialize;

/// A template that cannot be loaded or rendered.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{origin}:{line}: {detail}")]
    Template {
        origin: String,
        line: usize,
        detail: String,
    },
    #[error("{origin}: unknown template name '{name}' (expected one of: {expected})")]
    UnknownTemplate {
        origin: String,
        name: String,
        expected: String,
    },
}

macro_rules! builtin {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),+]
    };
}

/// The built-in templates, by file name.
pub const BUILTIN: &[(&str, &str)] = builtin!(
    "attend.nb.txt",
    "attend.en.txt",
    "phone-call.nb.txt",
    "phone-call.en.txt",
    "shorten.nb.txt",
    "shorten.en.txt",
    "shorter-call.nb.txt",
    "shorter-call.en.txt",
    "email-for-now.nb.txt",
    "email-for-now.en.txt",
    "update.nb.txt",
    "update.en.txt",
    "bow-out.nb.txt",
    "bow-out.en.txt",
    "briefing.nb.txt",
    "briefing.en.txt",
    "reschedule.nb.txt",
    "reschedule.en.txt",
    "delegate.nb.txt",
    "delegate.en.txt",
    "less-often.nb.txt",
    "less-often.en.txt",
    "decline.nb.txt",
    "decline.en.txt",
);

/// A user's template that replaces a built-in one.
#[derive(Debug, Clone)]
pub struct Override {
    /// The file name, e.g. `decline.nb.txt`.
    pub name: String,
    /// Where it came from, for error messages.
    pub origin: String,
    pub source: String,
}

/// Renders messages from the built-in templates and the user's overrides.
pub struct Composer {
    env: Environment<'static>,
    origins: Vec<(String, String)>,
}

/// Who a message goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// The organizer (or the client contact).
    Organizer,
    /// The client: the written update that replaces a meeting.
    Client,
    /// The colleague who covers for me.
    Colleague,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub audience: Audience,
    /// The template kind it was rendered from.
    pub kind: String,
    pub lang: Lang,
    pub to: Vec<String>,
    pub subject: String,
    pub body: String,
}

/// The user as a sender.
#[derive(Debug, Clone, Default)]
pub struct Sender {
    pub name: String,
    pub email: String,
    pub signature: String,
    /// Signatures per language, where the user wants them to differ.
    pub signatures: Vec<(Lang, String)>,
    pub phone: Option<String>,
    pub video_link: Option<String>,
}

/// Everything a message is made from.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub meeting: &'a Meeting,
    pub facts: &'a Facts,
    pub strategy: Strategy,
    pub reasons: &'a [Reason],
    pub client: Option<&'a Client>,
    pub sender: &'a Sender,
    pub lang: Lang,
    pub tz: Tz,
    /// The proposed length for shorten and shorter-call (default: the facts' needed minutes).
    pub minutes: Option<u32>,
    /// The user's own words, used in the briefing.
    pub note: Option<&'a str>,
    /// Free slots to offer when rescheduling.
    pub slots: &'a [Slot],
    /// Recent meetings with the same client, for the briefing.
    pub history: &'a [&'a Meeting],
    pub follow_up_call: bool,
    /// The message is about the whole series.
    pub series: bool,
    /// For less-often: meet every n-th time.
    pub every: u32,
}

/// How much work one rendering may do (loops, calls).
const FUEL: u64 = 200_000;

impl Composer {
    /// The built-in templates, each replaced by an override of the same name.
    pub fn new(overrides: &[Override]) -> Result<Composer, Error> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        env.set_keep_trailing_newline(true);
        let mut origins = Vec::new();
        for (name, source) in BUILTIN {
            env.add_template(name, source)
                .map_err(|e| template_error(&format!("built-in {name}"), &e))?;
            origins.push((name.to_string(), format!("built-in {name}")));
        }
        for o in overrides {
            if !BUILTIN.iter().any(|(n, _)| *n == o.name) {
                return Err(Error::UnknownTemplate {
                    origin: o.origin.clone(),
                    name: o.name.clone(),
                    expected: BUILTIN
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            env.add_template_owned(o.name.clone(), o.source.clone())
                .map_err(|e| template_error(&o.origin, &e))?;
            if let Some(entry) = origins.iter_mut().find(|(n, _)| *n == o.name) {
                entry.1 = o.origin.clone();
            }
        }
        Ok(Composer { env, origins })
    }

    fn render(
        &self,
        kind: &str,
        lang: Lang,
        ctx: &Context,
        audience: Audience,
        to: Vec<String>,
    ) -> Result<Message, Error> {
        let name = format!("{kind}.{}.txt", lang.as_str());
        let origin = self
            .origins
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(name.clone(), |(_, o)| o.clone());
        let template = self
            .env
            .get_template(&name)
            .map_err(|e| template_error(&origin, &e))?;
        let text = template
            .render(ctx)
            .map_err(|e| template_error(&origin, &e))?;
        let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
        if subject.trim().is_empty() || body.trim().is_empty() {
            return Err(Error::Template {
                origin,
                line: 1,
                detail: "the first line must be the subject and the body must follow it".into(),
            });
        }
        Ok(Message {
            audience,
            kind: kind.to_owned(),
            lang,
            to,
            subject: subject.trim().to_owned(),
            body: tidy(body),
        })
    }

    /// The messages a strategy sends: to the organizer, and for email-for-now
    /// the written update, for bow-out the briefing to the colleague.
    pub fn compose(&self, req: &Request) -> Result<Vec<Message>, Error> {
        let ctx = Context::new(req);
        let organizer = recipients(req);
        let lang = req.lang;
        let mut out = vec![self.render(
            req.strategy.as_str(),
            lang,
            &ctx,
            Audience::Organizer,
            organizer.clone(),
        )?];
        match req.strategy {
            Strategy::EmailForNow => {
                // The update is for the client: when someone of my own firm
                // organizes, it goes to the client's people, not to them.
                let ours =
                    |email: &str| domain(email).eq_ignore_ascii_case(domain(&req.sender.email));
                match req.meeting.organizer.as_ref() {
                    Some(o) if ours(&o.email) => {
                        // Then it greets the client's contact, not the colleague.
                        let mut for_client = ctx.clone();
                        for_client.name = req
                            .client
                            .and_then(|c| c.contact.as_deref())
                            .map(first_name)
                            .filter(|n| !n.is_empty());
                        let to = client_people(req);
                        out.push(self.render("update", lang, &for_client, Audience::Client, to)?);
                    }
                    _ => {
                        out.push(self.render("update", lang, &ctx, Audience::Client, organizer)?)
                    }
                }
            }
            Strategy::BowOut | Strategy::Delegate => {
                let colleague = req.facts.colleague.iter().cloned().collect();
                out.push(self.render("briefing", lang, &ctx, Audience::Colleague, colleague)?);
            }
            _ => {}
        }
        Ok(out)
    }
}

/// Who the reply goes to: the organizer; when the organizer is the colleague
/// who brought me in, the client's people instead (the colleague gets the briefing).
fn recipients(req: &Request) -> Vec<String> {
    let organizer = req.meeting.organizer.as_ref().map(|o| o.email.clone());
    let colleague = req.facts.colleague.as_deref();
    match organizer {
        Some(o)
            if Some(o.as_str()) != colleague
                || !matches!(req.strategy, Strategy::BowOut | Strategy::Delegate) =>
        {
            vec![o]
        }
        _ => client_people(req),
    }
}

/// The mail domain of an address.
fn domain(email: &str) -> &str {
    email.rsplit_once('@').map_or("", |(_, d)| d)
}

/// The attendees outside my own firm (nor me, nor the colleague).
fn client_people(req: &Request) -> Vec<String> {
    let mine = domain(&req.sender.email);
    let colleague = req.facts.colleague.as_deref();
    req.meeting
        .attendees
        .iter()
        .filter(|a| !a.domain().eq_ignore_ascii_case(mine))
        .filter(|a| {
            !colleague.is_some_and(|c| c.eq_ignore_ascii_case(&a.email))
                && !a.email.eq_ignore_ascii_case(&req.sender.email)
        })
        .map(|a| a.email.clone())
        .collect()
}

fn template_error(origin: &str, e: &minijinja::Error) -> Error {
    let mut detail = e
        .detail()
        .map_or_else(|| e.kind().to_string(), str::to_owned);
    if let Some(source) = std::error::Error::source(e) {
        detail = format!("{detail}: {source}");
    }
    Error::Template {
        origin: origin.to_owned(),
        line: e.line().unwrap_or(0),
        detail,
    }
}

/// Trims line ends, runs of blank lines and of spaces inside a line (an
/// empty value leaves two), and ends with one newline.
fn tidy(body: &str) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in body.trim_matches('\n').lines() {
        let text = line.trim_start();
        let indent = &line[..line.len() - text.len()];
        let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
        blank = if words.is_empty() { blank + 1 } else { 0 };
        if blank < 2 {
            if !words.is_empty() {
                out.push_str(indent);
            }
            out.push_str(&words.join(" "));
            out.push('\n');
        }
    }
    out
}

/// The values a template sees.
#[derive(Debug, Clone, Serialize)]
struct Context {
    lang: Lang,
    name: Option<String>,
    title: String,
    client: Option<String>,
    contact: Option<String>,
    when: String,
    date: String,
    time: String,
    end_time: String,
    reason: &'static str,
    minutes: u32,
    new_end: String,
    channel: Option<String>,
    by_channel: &'static str,
    channel_noun: &'static str,
    agenda: Vec<String>,
    slots: Vec<String>,
    colleague: String,
    history: Vec<String>,
    questions: Vec<&'static str>,
    may_decide: &'static str,
    note: Option<String>,
    follow_up_call: bool,
    /// Declining a seat the organizer marked optional.
    optional_seat: bool,
    series: bool,
    every: String,
    sender: String,
    signature: String,
}

impl Context {
    fn new(req: &Request) -> Context {
        let (m, lang) = (req.meeting, req.lang);
        // Times as the invitation gave them: in its zone, named when it is not the user's.
        let zone = m
            .zone
            .as_deref()
            .and_then(|z| z.parse::<Tz>().ok())
            .filter(|z| *z != req.tz);
        let tz = zone.unwrap_or(req.tz);
        let named = |text: String, t: DateTime<Utc>| match zone {
            Some(z) => format!("{text} ({})", z.abbreviation(t)),
            None => text,
        };
        let minutes = req
            .minutes
            .unwrap_or(req.facts.needed_minutes)
            .clamp(5, req.facts.planned_minutes.max(5));
        let new_end = m.start + chrono::Duration::minutes(i64::from(minutes));
        let video = req.sender.video_link.clone();
        let channel = video.clone().or_else(|| req.sender.phone.clone());
        let nb = lang == Lang::Nb;
        // One line: the title goes into the subject, the message's first line.
        let title = neitakk_core::text::one_line(m.summary.as_deref().unwrap_or(if nb {
            "møtet"
        } else {
            "the meeting"
        }));
        let colleague = req
            .facts
            .colleague_name
            .clone()
            .or_else(|| req.facts.colleague.clone())
            .unwrap_or_default();
        Context {
            lang,
            name: greeting_name(req),
            title,
            client: req.facts.client.clone(),
            contact: req.client.and_then(|c| c.contact.clone()),
            when: named(dates::date_time(m.start, tz, lang), m.start),
            date: dates::date(m.start, tz, lang),
            time: dates::time(m.start, tz, lang),
            end_time: dates::time(m.end, tz, lang),
            reason: match primary_reason(req.strategy, req.reasons) {
                // A lasting change needs a lasting reason, not this week's.
                Some(r) if req.series && !r.is_urgent() => words::series_reason(lang),
                r => words::reason_sentence(r, lang),
            },
            minutes,
            new_end: named(dates::time(new_end, tz, lang), new_end),
            by_channel: match (nb, video.is_some()) {
                (true, true) => "som videomøte",
                (true, false) => "på telefon",
                (false, true) => "as a video call",
                (false, false) => "by phone",
            },
            channel_noun: match (nb, video.is_some()) {
                (true, true) => "videosamtale",
                (true, false) => "telefonsamtale",
                (false, true) => "video call",
                (false, false) => "phone call",
            },
            channel,
            agenda: agenda(m.description.as_deref(), lang),
            slots: req
                .slots
                .iter()
                .map(|s| named(dates::span(s.start, s.end, tz, lang), s.start))
                .collect(),
            colleague: first_name(&colleague),
            history: req
                .history
                .iter()
                .map(|h| {
                    format!(
                        "{}: {}",
                        dates::date(h.start, tz, lang),
                        h.summary.as_deref().unwrap_or("")
                    )
                })
                .collect(),
            questions: questions(req.facts.matter, lang),
            may_decide: may_decide(req.facts.matter, lang),
            note: req.note.map(str::to_owned),
            follow_up_call: req.follow_up_call,
            optional_seat: req.strategy == Strategy::Decline
                && req.facts.role == neitakk_core::Role::Optional,
            series: req.series,
            every: words::every(
                m.series
                    .as_ref()
                    .and_then(|s| s.rrule.as_deref())
                    .unwrap_or("FREQ=WEEKLY"),
                req.every,
                lang,
            ),
            sender: first_name(&req.sender.name),
            signature: {
                let own = req
                    .sender
                    .signatures
                    .iter()
                    .find(|(l, _)| *l == lang)
                    .map(|(_, s)| s.as_str());
                match own.unwrap_or(&req.sender.signature).trim_end() {
                    "" => req.sender.name.clone(),
                    text => text.to_owned(),
                }
            },
        }
    }
}

/// The reason a message gives: the one that explains this strategy best
/// (a clash explains a new time; not being needed explains bowing out).
fn primary_reason(strategy: Strategy, reasons: &[Reason]) -> Option<Reason> {
    use Reason::*;
    let preference: &[Reason] = match strategy {
        Strategy::Reschedule => &[
            Illness, Emergency, Conflict, Workload, Repetitive, NotNeeded,
        ],
        Strategy::BowOut => &[
            Illness, Emergency, NotNeeded, Workload, Conflict, Repetitive,
        ],
        _ => &[
            Illness, Emergency, Workload, Repetitive, Conflict, NotNeeded,
        ],
    };
    preference.iter().copied().find(|r| reasons.contains(r))
}

/// The first name to greet: the person who wrote the invitation when they
/// are the client's (or a colleague who gets the answer), else the client's
/// contact from the registry, else none.
fn greeting_name(req: &Request) -> Option<String> {
    let m = req.meeting;
    let organizer = m.organizer.as_deref();
    // A colleague who organizes gets the answer (except for a bow-out, whose
    // note goes to the client): greet them, not the client's contact.
    let my_domain = req.sender.email.rsplit_once('@').map(|(_, d)| d);
    let organizer_is_colleague = organizer.is_some_and(|o| Some(o.domain()) == my_domain);
    let organizer_is_clients =
        organizer.is_some_and(|o| req.client.is_some_and(|c| c.owns_domain(o.domain())));
    let contact = req.client.and_then(|c| c.contact.as_deref());
    let organizer_name = organizer.and_then(|o| o.name.as_deref());
    let name = if organizer_is_colleague && req.strategy != Strategy::BowOut {
        organizer_name
    } else if organizer_is_clients {
        organizer_name.or(contact)
    } else {
        contact.or(organizer_name)
    };
    name.map(first_name)
        .filter(|n| !n.is_empty() && !n.contains('@'))
}

/// "Kari Nordmann" -> "Kari"; "Nordmann, Kari" -> "Kari".
pub fn first_name(full: &str) -> String {
    let full = full.trim();
    let given = match full.split_once(',') {
        Some((_, given)) => given.trim(),
        None => full,
    };
    given.split_whitespace().next().unwrap_or("").to_owned()
}

/// Agenda items: bullet or numbered lines of the description, else a
/// general pair.
fn agenda(description: Option<&str>, lang: Lang) -> Vec<String> {
    let items: Vec<String> = description
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter_map(|l| {
            let rest = l.strip_prefix(['-', '*', '•']).or_else(|| {
                l.split_once(['.', ')'])
                    .filter(|(n, _)| n.parse::<u32>().is_ok())
                    .map(|(_, r)| r)
            })?;
            let rest = rest.trim();
            (!rest.is_empty()).then(|| rest.to_owned())
        })
        .take(12)
        .collect();
    if !items.is_empty() {
        return items;
    }
    match lang {
        Lang::Nb => vec!["Status siden sist".into(), "Neste steg".into()],
        Lang::En => vec!["Progress since last time".into(), "Next steps".into()],
    }
}

fn questions(matter: Matter, lang: Lang) -> Vec<&'static str> {
    let nb = lang == Lang::Nb;
    let mut q = if nb {
        vec![
            "Hvor står vi nå, og er vi i rute?",
            "Hva er neste steg, og når skjer det?",
        ]
    } else {
        vec![
            "Where do we stand, and are we on track?",
            "What are the next steps, and when?",
        ]
    };
    match matter {
        Matter::Routine => {}
        Matter::Decision if nb => q.extend([
            "Hva koster det, og hva får vi for det?",
            "Hva skjer hvis vi venter?",
        ]),
        Matter::Decision => q.extend([
            "What does it cost, and what do we get for it?",
            "What happens if we wait?",
        ]),
        Matter::Serious if nb => q.extend([
            "Hva gikk galt, og hva gjør dere med det?",
            "Hvordan hindrer vi at det skjer igjen?",
        ]),
        Matter::Serious => q.extend([
            "What went wrong, and what are you doing about it?",
            "How do we stop it happening again?",
        ]),
    }
    q
}

fn may_decide(matter: Matter, lang: Lang) -> &'static str {
    match (lang, matter) {
        (Lang::Nb, Matter::Routine) => "alt som gjelder fremdrift og neste steg.",
        (Lang::Nb, Matter::Decision) => "innenfor rammene vi har avtalt; større endringer i pris eller omfang tar vi sammen etterpå.",
        (Lang::Nb, Matter::Serious) => "hvordan vi følger opp; løfter om kompensasjon tar vi sammen etterpå.",
        (Lang::En, Matter::Routine) => "anything about progress and next steps.",
        (Lang::En, Matter::Decision) => "within the limits we have agreed; bigger changes to price or scope we settle together afterwards.",
        (Lang::En, Matter::Serious) => "how we follow up; any promise of compensation we settle together afterwards.",
    }
}
