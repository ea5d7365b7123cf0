//! The week board.

use super::*;

/// The ISO week a `week` parameter names, else the week `now` is in; its window.
pub(super) fn week_of(
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

pub(super) fn week_name(t: DateTime<Utc>, tz: neitakk_core::Tz) -> String {
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
pub(super) fn frees(total: u32, travel: u32, lang: Lang) -> String {
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
    invited: &std::collections::HashSet<String>,
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
                        invitation => invited.contains(&m.uid),
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
        notes,
        ..
    } = work::read(&app, &s.user, &config, w).await?;
    let notice = done_notice(&q, lang)
        .map(str::to_owned)
        .or_else(|| work::notes_in(&notes, lang));
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
    // The invitations read from the inbox, with a reply drafted.
    let invited = store
        .inbox_drafts()
        .await?
        .into_iter()
        .map(|d| d.meeting.uid)
        .collect();
    let board = work::heavy(&app, move || {
        Ok(board(&config, &loaded, lang, &reasons, &answered, &invited))
    })
    .await?;
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
            notice,
            reasons => choices,
            ..board
        },
    )
}
