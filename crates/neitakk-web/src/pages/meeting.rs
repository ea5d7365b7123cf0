//! A meeting with its reply: shown, saved to the outbox, sent.

use super::week::{frees, week_name};
use super::*;

/// The meeting a page or form names by `uid` and `start`, in its calendar.
async fn meeting_in_context(
    app: &App,
    s: &Session,
    uid: &str,
    start: &str,
) -> Result<work::Around, Failure> {
    let start = DateTime::parse_from_rfc3339(start)
        .map_err(|_| {
            Failure::bad(match s.lang {
                Lang::Nb => format!("«{start}» er ikke et starttidspunkt (RFC 3339)."),
                Lang::En => format!("'{start}' is not a meeting start (RFC 3339)."),
            })
            .lang(s.lang)
        })?
        .with_timezone(&Utc);
    if uid.is_empty() {
        return Err(Failure::bad(pick(
            s.lang,
            "Which meeting? The uid is missing.",
            "Hvilket møte? uid mangler.",
        ))
        .lang(s.lang));
    }
    work::meeting_around(app, &s.user, uid, start)
        .await
        .map_err(|e| e.lang(s.lang))
}

fn parse_choice(
    strategy: Option<&str>,
    lang_tag: Option<&str>,
    lang: Lang,
) -> Result<Choice, Failure> {
    Ok(Choice {
        strategy: strategy
            .filter(|v| !v.is_empty())
            .map(Strategy::from_str)
            .transpose()
            .map_err(|e| Failure::bad(e).lang(lang))?,
        lang: lang_tag.and_then(Lang::from_tag),
        ..Choice::default()
    })
}

pub async fn meeting(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let get = |k: &str| q.param(k).map(String::as_str);
    let uid = get("uid").unwrap_or_default().to_owned();
    let work::Around {
        config,
        read,
        meeting,
    } = meeting_in_context(&app, &s, &uid, get("start").unwrap_or_default()).await?;
    let (on_caldav, start) = (read.on_caldav.contains(&uid), meeting.start);
    // A calendar that did not answer, or was read in part, changes what the
    // advice could see: the page says so, as the week's does.
    let notice = work::notes_in(&read.notes, lang);
    let loaded = read.loaded;
    let mut choice = parse_choice(get("strategy"), get("lang"), lang)?;
    choice.reasons = q.reasons(lang)?;
    let given = reason_params(&choice.reasons);
    let tz = config.profile.timezone;
    let can_send = app.base.smtp.is_some();
    let (cfg, l, c) = (config.clone(), loaded.clone(), choice.clone());
    // The facts, the trail and the choices, as `explain` gives them.
    let (facts, trail, assessed) = work::heavy(&app, move || {
        let m = &meeting;
        let index = l.index(&cfg);
        let overrides = Overrides {
            reasons: c.reasons.clone(),
            ..Default::default()
        };
        let a = l.assess(&index, m, &cfg, &overrides);
        let facts: Vec<(String, String)> = explain::fact_rows(&a.facts, lang)
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        let trail: Vec<String> = a
            .decision
            .trail
            .iter()
            .map(|s| words::step(s, lang))
            .collect();
        Ok((facts, trail, a))
    })
    .await?;
    let m = assessed.meeting.clone();
    let decided =
        assessed.decision.is_decided() && assessed.facts.role != neitakk_core::Role::Organizer;
    // A meeting that is over has nothing to answer: the page says so.
    let over = analysis::Over::check(&loaded.calendar, &m, config.now, tz).map(|o| o.message(lang));
    // A reply only where there is one to write.
    let composed = if decided && over.is_none() {
        let items = vec![Item {
            in_reply_to: None,
            meeting: m.clone(),
            choice: choice.clone(),
            bodies: None,
            on_caldav,
        }];
        work::compose(&app, config, loaded, items)
            .await
            .map_err(|f| f.lang(lang))?
            .pop()
            .flatten()
    } else {
        None
    };
    let current = composed.as_ref().map(|c| c.strategy);
    let choices: Vec<Value> = if decided {
        std::iter::once(&assessed.decision.recommended)
            .chain(&assessed.decision.alternatives)
            .map(|c| {
                context! {
                    class => c.strategy.as_str(),
                    name => words::strategy(c.strategy, lang),
                    frees => frees(c.minutes_freed, c.travel_minutes_freed, lang),
                    risk => words::risk(c.risk, lang),
                    meets_need => explain::yes_no(c.meets_need, lang),
                    recommended => c.strategy == assessed.decision.recommended.strategy,
                    current => Some(c.strategy) == current,
                    href => meeting_link(&uid, start, &[&[("strategy", c.strategy.as_str()), ("lang", get("lang").unwrap_or(""))][..], &given].concat()),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let strategy = current.map_or("", Strategy::as_str);
    // The recommendation first, so that a phone shows it without scrolling.
    let summary_line = decided.then(|| {
        let r = &assessed.decision.recommended;
        let label = pick(lang, "Recommended", "Anbefalt");
        let freed = frees(r.minutes_freed, r.travel_minutes_freed, lang);
        let risk = words::risk(r.risk, lang);
        match (freed.is_empty(), lang) {
            (true, Lang::Nb) => format!(
                "{label}: {}, risiko {risk}",
                words::strategy(r.strategy, lang)
            ),
            (true, Lang::En) => format!(
                "{label}: {}, {risk} risk",
                words::strategy(r.strategy, lang)
            ),
            (false, Lang::Nb) => format!(
                "{label}: {} (frigjør {freed}), risiko {risk}",
                words::strategy(r.strategy, lang)
            ),
            (false, Lang::En) => format!(
                "{label}: {} (frees {freed}), {risk} risk",
                words::strategy(r.strategy, lang)
            ),
        }
    });
    let draft_lang = composed.as_ref().map_or(lang, |c| c.lang);
    let langs: Vec<Value> = [(Lang::Nb, "norsk"), (Lang::En, "English")]
        .into_iter()
        .map(|(l, name)| {
            context! {
                name, tag => l.as_str(), current => l == draft_lang,
                href => meeting_link(&uid, start, &[&[("strategy", strategy), ("lang", l.as_str())][..], &given].concat()),
            }
        })
        .collect();
    let audience = |a: Audience| match (a, lang) {
        (Audience::Organizer, Lang::Nb) => "Til arrangøren",
        (Audience::Organizer, Lang::En) => "To the organizer",
        (Audience::Client, Lang::Nb) => "Til kunden",
        (Audience::Client, Lang::En) => "To the client",
        (Audience::Colleague, Lang::Nb) => "Til kollegaen",
        (Audience::Colleague, Lang::En) => "To the colleague",
    };
    let messages: Vec<Value> = composed
        .iter()
        .flat_map(|c| &c.messages)
        .map(|msg| context! { audience => audience(msg.audience), to => msg.to.join(", "), subject => msg.subject, body => msg.body })
        .collect();
    render(
        &app,
        Some(&s),
        lang,
        "meeting.html",
        "week",
        context! {
            summary => m.summary.as_deref().unwrap_or(&m.uid),
            when => dates::span(m.start, m.end, tz, lang),
            back => link("/week", &[&[("week", week_name(m.start, tz).as_str())][..], &given].concat()),
            facts, trail, choices, messages, langs, can_send,
            nothing_to_send => decided && over.is_none() && composed.is_none(),
            over,
            uid, start => rfc3339(start), strategy, draft_lang => draft_lang.as_str(),
            reasons => reason_choices(&choice.reasons, lang),
            summary_line => summary_line,
            given => choice.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
            notice,
        },
    )
}

/// Composes the reply the meeting form describes, with the edited bodies.
async fn reply_from_form(
    app: &App,
    s: &Session,
    f: &Fields,
) -> Result<(neitakk_pipeline::config::Config, work::Composed), Failure> {
    s.check(f.get("csrf"))?;
    let work::Around {
        config,
        read,
        meeting,
    } = meeting_in_context(app, s, f.get("uid"), f.get("start")).await?;
    let mut choice = parse_choice(Some(f.get("strategy")), Some(f.get("lang")), s.lang)?;
    choice.reasons = f.reasons(s.lang)?;
    let items = vec![Item {
        in_reply_to: work::invitation_id(app, &s.user, &meeting.uid).await?,
        on_caldav: read.on_caldav.contains(&meeting.uid),
        meeting,
        choice,
        bodies: Some(f.all("body")),
    }];
    let composed = work::compose(app, config.clone(), read.loaded, items)
        .await
        .map_err(|e| e.lang(s.lang))?
        .pop()
        .flatten()
        .ok_or_else(|| Failure::bad(text(s.lang, "nothing_to_send")).lang(s.lang))?;
    Ok((config, composed))
}

pub async fn save_reply(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    let (_, composed) = reply_from_form(&app, &s, &f).await?;
    let ids = work::save(&app, &s.user, &composed).await?;
    Ok(redirect(&format!("/outbox?saved={}", ids.len())))
}

pub async fn send_reply(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    let (config, composed) = reply_from_form(&app, &s, &f).await?;
    let sent = work::save_and_send(&app, &s.user, &config, &composed)
        .await
        .map_err(|e| e.lang(s.lang))?;
    Ok(redirect(match sent {
        work::Sent::Before => "/outbox?sent=0",
        work::Sent::Busy => "/outbox?sent=busy",
        work::Sent::Now {
            calendar_problem: None,
            again: true,
            ..
        } => "/outbox?sent=again",
        work::Sent::Now {
            calendar_problem: None,
            ..
        } => "/outbox?sent=1",
        work::Sent::Now {
            calendar_problem: Some(problem),
            ..
        } => {
            tracing::warn!(
                "{}: the answer was not set on the calendar: {problem}",
                s.user.email
            );
            "/outbox?sent=1&calendar=0"
        }
    }))
}
