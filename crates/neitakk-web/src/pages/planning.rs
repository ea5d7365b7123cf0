//! The plan for a week: what to change, and its drafts approved in one go.

use super::week::{frees, week_of};
use super::*;

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
    // The page keeps no client, so none can be unknown; the words are there all the same.
    let planned = work::heavy(app, move || Ok(plan::compute(&cfg, loaded, &goal)))
        .await
        .map_err(|e| e.lang(lang))?
        .map_err(|e| {
            Failure::bad(e.to_string())
                .nb(format!("Ingen kunde heter «{}» i kunderegisteret.", e.0))
                .lang(lang)
        })?;
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
    let chart = work::heavy(&app, move || {
        Ok(neitakk_pipeline::chart::stacked_svg(&bars, cap, &labels)?)
    })
    .await?;
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
            Kind::Conflict,
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
                in_reply_to: None,
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
