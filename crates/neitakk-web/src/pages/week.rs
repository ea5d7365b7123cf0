//! The week board, a meeting with its reply, and the plan.

use super::*;

/// The ISO week a `week` parameter names, else the week `now` is in; its window.
fn week_of(
    param: Option<&String>,
    tz: neitakk_core::Tz,
    now: DateTime<Utc>,
    lang: Lang,
) -> Result<(String, Window), Failure> {
    let w = match param.filter(|w| !w.is_empty()) {
        Some(w) => analysis::parse_week(w, tz),
        None => analysis::window(None, None, None, tz, now),
    }
    .map_err(|e| Failure::from(e).lang(lang))?;
    Ok((week_name(w.from, tz), w))
}

fn week_name(t: DateTime<Utc>, tz: neitakk_core::Tz) -> String {
    let (y, n) = neitakk_core::facts::iso_week(t, tz);
    format!("{y}-W{n:02}")
}

fn strategy_class(a: &Assessed) -> &'static str {
    if a.decision.is_decided() {
        a.decision.recommended.strategy.as_str()
    } else {
        "internal"
    }
}

/// What a choice frees, saying how much of it is travel.
fn frees(total: u32, travel: u32, lang: Lang) -> String {
    match (total, travel, lang) {
        (0, ..) => String::new(),
        (t, 0, _) => format!("{t} min"),
        (t, r, Lang::Nb) => format!("{t} min, hvorav {r} min reise"),
        (t, r, Lang::En) => format!("{t} min, {r} min of it travel"),
    }
}

/// The week board's data: days with cards, and the load. `answered`: the
/// reply to a meeting (by its `uid|recurrence-id`, or `uid|` for a whole
/// series) and whether it was sent, or is a draft in the outbox.
fn board(
    config: &neitakk_pipeline::config::Config,
    loaded: &Loaded,
    lang: Lang,
    reasons: &[Reason],
    answered: &std::collections::HashMap<neitakk_core::MeetingKey, (Strategy, bool)>,
) -> Value {
    let tz = config.profile.timezone;
    let index = loaded.index(config);
    let overrides = Overrides {
        reasons: reasons.to_vec(),
        ..Default::default()
    };
    let given = reason_params(reasons);
    let assessed: Vec<Assessed> = loaded.assess_all(&index, config, &overrides).collect();
    let w = loaded.window;
    let monday = w.from.with_timezone(&tz).date_naive();
    let days: Vec<Value> = (0..7)
        .filter_map(|i| {
            let day = monday + Duration::days(i);
            let cards: Vec<Value> = assessed
                .iter()
                .filter(|a| a.meeting.start.with_timezone(&tz).date_naive() == day)
                .map(|a| {
                    let m = &a.meeting;
                    let r = &a.decision.recommended;
                    context! {
                        class => strategy_class(a),
                        href => meeting_link(&m.uid, m.start, &given),
                        time => format!("{}–{}", dates::time(m.start, tz, lang), dates::time(m.end, tz, lang)),
                        summary => m.summary.as_deref().unwrap_or(&m.uid),
                        client => a.facts.client.clone().unwrap_or_else(|| if lang == Lang::Nb { "internt" } else { "internal" }.into()),
                        strategy => if a.decision.is_decided() { words::strategy(r.strategy, lang) } else { "–" },
                        frees => if a.decision.is_decided() { frees(r.minutes_freed, r.travel_minutes_freed, lang) } else { String::new() },
                        answered => answered
                            .get(&m.key())
                            .or_else(|| {
                                answered.get(&neitakk_core::MeetingKey {
                                    recurrence_id: None,
                                    ..m.key()
                                })
                            })
                            .map(|(strategy, sent)| {
                                let state = match (sent, lang) {
                                    (true, Lang::Nb) => "✓ sendt",
                                    (true, Lang::En) => "✓ sent",
                                    (false, Lang::Nb) => "✎ i utboksen",
                                    (false, Lang::En) => "✎ in the outbox",
                                };
                                format!("{state}: {}", words::strategy(*strategy, lang))
                            }),
                    }
                })
                .collect();
            // The weekend only when something happens then.
            (i < 5 || !cards.is_empty()).then(|| {
                let noon = analysis::midnight(day, tz) + Duration::hours(12);
                context! { label => dates::date(noon, tz, lang), meetings => cards }
            })
        })
        .collect();
    // The load and its text as `triage` gives them: one tally, one sentence.
    let mut tally = neitakk_pipeline::triage::Tally::default();
    for a in &assessed {
        tally.add(a, &index, tz);
    }
    let cap = config.profile.weekly_cap_minutes;
    let week = neitakk_core::facts::iso_week(w.from, tz);
    let this = tally
        .weeks
        .remove(&week)
        .unwrap_or_else(|| neitakk_pipeline::triage::Week::at(&index, w.from));
    let load = this.load();
    let freed = (this.freed_meeting + this.freed_travel).min(load);
    let scale = f64::from(load.max(cap).max(60)) * 1.1;
    let pct = |m: u32| format!("{:.1}", f64::from(m) / scale * 100.0);
    let load_text = neitakk_pipeline::triage::week_line(week.1, &this, cap, lang);
    let mut legend: Vec<&Strategy> = Strategy::ALL
        .iter()
        .filter(|s| **s != Strategy::LessOften)
        .collect();
    legend.sort_by_key(|s| {
        assessed
            .iter()
            .all(|a| !a.decision.is_decided() || a.decision.recommended.strategy != **s)
    });
    context! {
        days,
        kept_pct => pct(load - freed),
        freed_pct => pct(freed),
        cap_pct => pct(cap),
        load_text,
        legend => legend.iter().map(|s| context! { class => s.as_str(), label => words::strategy(**s, lang) }).collect::<Vec<_>>(),
    }
}

pub async fn week(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let config = work::user_config(&app, &s.user).await?;
    let tz = config.profile.timezone;
    let (week, w) = week_of(q.param("week"), tz, config.now, lang)?;
    let work::Read {
        loaded,
        has_calendar,
        ..
    } = work::read(&app, &s.user, &config, w).await?;
    let reasons = q.reasons(lang)?;
    let choices = reason_choices(&reasons, lang);
    let given = reason_params(&reasons);
    // The replies still in the outbox or sent, newest first (the journal's
    // order); a deleted draft answers nothing.
    let store = app.store.for_owner(s.user.id);
    let drafts: std::collections::HashMap<String, bool> = store
        .drafts()
        .await?
        .into_iter()
        .map(|d| (format!("outbox/{}.eml", d.id), d.sent_at.is_some()))
        .collect();
    let mut answered = std::collections::HashMap::new();
    for e in store.entries(None).await? {
        let Some(sent) = e.outbox_path.as_ref().and_then(|p| drafts.get(p)) else {
            continue;
        };
        answered.entry(e.meeting).or_insert((e.strategy, *sent));
    }
    let board =
        work::blocking(move || Ok(board(&config, &loaded, lang, &reasons, &answered))).await?;
    let (_, n) = neitakk_core::facts::iso_week(w.from, tz);
    let last_day = w.to - Duration::hours(12);
    let range = format!(
        "{} – {}",
        dates::date(w.from + Duration::hours(12), tz, lang),
        dates::date(last_day, tz, lang)
    );
    render(
        &app,
        Some(&s),
        lang,
        "week.html",
        "week",
        context! {
            week,
            week_number => n,
            range,
            // The reasons given go along to the next week and the one before.
            prev => link("/week", &[&[("week", week_name(w.from - Duration::days(7), tz).as_str())][..], &given].concat()),
            next => link("/week", &[&[("week", week_name(w.from + Duration::days(7), tz).as_str())][..], &given].concat()),
            has_calendar,
            notice => done_notice(&q, lang),
            reasons => choices,
            ..board
        },
    )
}

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
    let loaded = read.loaded;
    let mut choice = parse_choice(get("strategy"), get("lang"), lang)?;
    choice.reasons = q.reasons(lang)?;
    let given = reason_params(&choice.reasons);
    let tz = config.profile.timezone;
    let can_send = app.base.smtp.is_some();
    let (cfg, l, c) = (config.clone(), loaded.clone(), choice.clone());
    // The facts, the trail and the choices, as `explain` gives them.
    let (facts, trail, assessed) = work::blocking(move || {
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

/// The plan the plan page's parameters ask for.
async fn make_plan(
    app: &App,
    s: &Session,
    week: Option<&String>,
    free: &str,
    max_risk: &str,
) -> Result<(neitakk_pipeline::config::Config, plan::Planned, String), Failure> {
    let lang = s.lang;
    let config = work::user_config(app, &s.user).await?;
    let (week, w) = week_of(week, config.profile.timezone, config.now, lang)?;
    let goal = plan::Goal {
        free: plan::parse_duration(free)
            .map_err(|e| Failure::bad(format!("'{free}': {e}")).lang(lang))?,
        max_risk: Some(max_risk)
            .filter(|r| !r.is_empty())
            .map(Risk::from_str)
            .transpose()
            .map_err(|e| Failure::bad(e).lang(lang))?,
        keep: Vec::new(),
    };
    let loaded = work::load(app, &s.user, &config, w).await?;
    let cfg = config.clone();
    let planned = work::blocking(move || plan::compute(&cfg, loaded, &goal))
        .await
        .map_err(|e| e.lang(lang))?;
    Ok((config, planned, week))
}

/// What a plan changes, in short: approving checks it is still the plan
/// that was shown.
fn plan_digest(planned: &plan::Planned) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (a, c, _) in planned.rows() {
        if let Some(c) = c {
            h.update(format!(
                "{}|{}|{}\n",
                a.meeting.uid,
                rfc3339(a.meeting.start),
                c.strategy
            ));
        }
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn plan(State(app): State<Arc<App>>, s: Session, q: Query_) -> Page {
    let lang = s.lang;
    let q = query(q, lang)?;
    let free = q.param("free").cloned().unwrap_or_default();
    let max_risk = q
        .param("max_risk")
        .cloned()
        .unwrap_or_else(|| "high".into());
    let risks: Vec<Value> = Risk::ALL
        .iter()
        .map(|r| context! { value => r.as_str(), label => words::risk(*r, lang), selected => r.as_str() == max_risk })
        .collect();
    let tz = work::zone(&app, &s.user);
    let (week, w) = week_of(q.param("week"), tz, app.clock.now(), lang)?;
    let (_, n) = neitakk_core::facts::iso_week(w.from, tz);
    let base = context! { week => week.clone(), week_number => n, free => free.clone(), max_risk => max_risk.clone(), risks };
    if free.is_empty() {
        return render(
            &app,
            Some(&s),
            lang,
            "plan.html",
            "plan",
            context! { free => "4h", ..base },
        );
    }
    let (config, planned, _) = make_plan(&app, &s, Some(&week), &free, &max_risk).await?;
    let rows: Vec<Value> = planned
        .rows()
        .map(|(a, c, r)| {
            let m = &a.meeting;
            context! {
                class => c.map_or("attend", |c| c.strategy.as_str()),
                when => dates::short(m.start, tz, lang),
                href => meeting_link(&m.uid, m.start, &[("strategy", c.map_or("", |c| c.strategy.as_str()))]),
                summary => m.summary.as_deref().unwrap_or(&m.uid),
                client => a.facts.client,
                choice => c.map_or(if lang == Lang::Nb { "behold" } else { "keep" }, |c| words::strategy(c.strategy, lang)),
                frees => c.map_or(String::new(), |c| {
                    let travel = a.decision.choice(c.strategy).map_or(0, |ch| ch.travel_minutes_freed);
                    frees(c.minutes_freed, travel, lang)
                }),
                risk => r.map_or("", |r| words::risk(r, lang)),
            }
        })
        .collect();
    let p = &planned.plan;
    let (want, got) = (
        words::hours(planned.target, lang),
        words::hours(p.minutes_freed, lang),
    );
    // The chart shows meeting time; the freed time counts travel too.
    let travel: u32 = planned
        .rows()
        .filter_map(|(a, c, _)| c.and_then(|c| a.decision.choice(c.strategy)))
        .map(|c| c.travel_minutes_freed)
        .sum();
    let got = match (travel, lang) {
        (0, _) => got,
        (t, Lang::Nb) => format!("{got}, hvorav {} reisetid", words::hours(t, lang)),
        (t, Lang::En) => format!("{got}, {} of it travel", words::hours(t, lang)),
    };
    let outcome = match (p.reached, lang) {
        (true, Lang::Nb) => format!("Planen frigjør {got} (målet var {want}), med minst mulig risiko for kundeforholdene."),
        (true, Lang::En) => format!("The plan frees {got} (the target was {want}), at the least risk to client relationships."),
        (false, Lang::Nb) => format!("Målet på {want} kan ikke nås uten å bryte reglene som verner kundeforholdene. Det meste som kan frigjøres er {got}."),
        (false, Lang::En) => format!("The target of {want} cannot be reached without breaking the rules that protect client relationships. The most that can be freed is {got}."),
    };
    let (bars, labels) = plan::bars(&planned.loaded, &planned.meetings, p, &config);
    let (cap, caption) = (config.profile.weekly_cap_minutes, labels.title.clone());
    let chart =
        work::blocking(move || neitakk_pipeline::chart::stacked_svg(&bars, cap, &labels)).await?;
    render(
        &app,
        Some(&s),
        lang,
        "plan.html",
        "plan",
        context! {
            planned => true,
            changed => p.choices.iter().flatten().count() > 0,
            digest => plan_digest(&planned),
            rows, outcome, chart, chart_caption => caption,
            ..base
        },
    )
}

pub async fn approve_plan(State(app): State<Arc<App>>, s: Session, form: Fields_) -> Page {
    let f = Fields::read(form, s.lang)?;
    s.check(f.get("csrf"))?;
    let week = f.get("week").to_owned();
    let (config, planned, _) =
        make_plan(&app, &s, Some(&week), f.get("free"), f.get("max_risk")).await?;
    if plan_digest(&planned) != f.get("plan") {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            pick(
                s.lang,
                "The plan has changed since you saw it (your calendar or a decision changed). Look at it again before you approve it.",
                "Planen er endret siden du så den (kalenderen eller en avgjørelse er endret). Se på den igjen før du godkjenner.",
            ),
        )
        .lang(s.lang));
    }
    let items: Vec<Item> = planned
        .rows()
        .filter_map(|(a, c, _)| {
            c.map(|c| Item {
                meeting: a.meeting.clone(),
                choice: Choice {
                    strategy: Some(c.strategy),
                    reasons: vec![Reason::Workload],
                    ..Choice::default()
                },
                bodies: None,
                // Plan drafts are not sent from here.
                on_caldav: false,
            })
        })
        .collect();
    let composed = work::compose(&app, config, planned.loaded, items)
        .await
        .map_err(|e| e.lang(s.lang))?;
    let mut saved = 0;
    for c in composed.iter().flatten() {
        saved += work::save(&app, &s.user, c).await?.len();
    }
    Ok(redirect(&format!("/outbox?saved={saved}")))
}
