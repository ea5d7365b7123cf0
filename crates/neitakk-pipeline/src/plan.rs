//! `neitakk plan`: free N hours of a week with the least harm to client
//! relationships (method.md section 5).

use crate::analysis::{Assessed, Loaded};
use crate::config::Settings;
use crate::Result;
use neitakk_core::facts::Overrides;
use neitakk_core::planner::{self, PlanItem, PlanOption, PlanRules};
use neitakk_core::{Lang, Reason, Risk, Strategy};
use neitakk_ical::expand::rfc3339;
use serde_json::json;

/// Minutes from "6h", "6t" (timer), "90m", "1h30m", "1,5" or "1.5t" (hours).
pub fn parse_duration(s: &str) -> Result<u32, String> {
    let bad = || format!("'{s}' is not a length of time like 6h, 90m or 1h30m");
    let t = s
        .trim()
        .to_ascii_lowercase()
        .replace(',', ".")
        .replace('t', "h");
    let minutes = if let Ok(hours) = t.trim_end_matches('h').parse::<f64>() {
        (hours.is_finite() && hours >= 0.0)
            .then(|| (hours * 60.0).round())
            .ok_or_else(bad)?
    } else {
        let (h, rest) = t.split_once('h').unwrap_or(("0", t.as_str()));
        let m = rest.trim_end_matches("min").trim_end_matches('m');
        let h: f64 = if h.is_empty() {
            0.0
        } else {
            h.trim().parse().map_err(|_| bad())?
        };
        let m: f64 = if m.is_empty() {
            0.0
        } else {
            m.trim().parse().map_err(|_| bad())?
        };
        h * 60.0 + m
    };
    match minutes {
        m if m < 1.0 => Err("ask for some time to free".to_owned()),
        m if m > 168.0 * 60.0 => Err("a week has 168 hours".to_owned()),
        m => Ok(m as u32),
    }
}

/// What to plan: the options `plan` and the server's plan page share.
#[derive(Debug, Clone, Default)]
pub struct Goal {
    /// Minutes to free.
    pub free: u32,
    pub max_risk: Option<Risk>,
    /// Clients whose meetings are all kept.
    pub keep: Vec<String>,
}

/// A plan for a period: the client meetings it could change, and what it
/// does with each.
pub struct Planned {
    pub loaded: Loaded,
    /// The client meetings still ahead, in calendar order.
    pub meetings: Vec<Assessed>,
    pub plan: planner::Plan,
    pub target: u32,
}

/// A client to keep that the registry does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no client named '{0}' in the registry")]
pub struct UnknownClient(pub String);

/// Plans `loaded`'s window to free `goal.free` minutes.
pub fn compute(
    config: &Settings,
    mut loaded: Loaded,
    goal: &Goal,
) -> Result<Planned, UnknownClient> {
    for k in &goal.keep {
        if !config
            .clients
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(k))
        {
            return Err(UnknownClient(k.clone()));
        }
    }
    let w = loaded.window;
    // The plan decides this period's meetings anew: earlier decisions about
    // them (a previous plan's drafts) do not count against their clients.
    let planned: std::collections::HashSet<neitakk_core::MeetingKey> = loaded
        .calendar
        .iter()
        .filter(|m| w.contains(m.start, m.end))
        .map(neitakk_core::Meeting::key)
        .collect();
    for keys in loaded.recent_limits.values_mut() {
        keys.retain(|k| !planned.contains(k));
    }
    // Freeing time is the reason for every limit in a plan.
    let overrides = Overrides {
        reasons: vec![Reason::Workload],
        ..Default::default()
    };
    let now = config.now;
    let index = loaded.index(config);
    let meetings: Vec<Assessed> = loaded
        .assess_all(&index, config, &overrides)
        // Meetings already begun are not planned: only the rest of the week can change.
        .filter(|a| a.decision.is_decided() && a.facts.client.is_some() && a.meeting.start > now)
        .collect();
    drop(index);
    let items: Vec<PlanItem> = meetings
        .iter()
        .map(|a| PlanItem {
            client: a.facts.client.clone().unwrap_or_default(),
            prior_limits: a.facts.recent_limits,
            options: neitakk_core::week::plan_options(&a.decision),
        })
        .collect();
    let rules = PlanRules {
        raise_at: config.policy.memory_raise_at,
        attend_at: config.policy.memory_attend_at,
        max_risk: goal.max_risk.unwrap_or(Risk::VeryHigh),
        keep: goal.keep.clone(),
    };
    let plan = planner::plan(&items, goal.free, &rules);
    Ok(Planned {
        loaded,
        meetings,
        plan,
        target: goal.free,
    })
}

impl Planned {
    /// The meetings with the strategy chosen for each (`None`: kept) and its risk.
    pub fn rows(&self) -> impl Iterator<Item = (&Assessed, Option<&PlanOption>, Option<Risk>)> {
        self.meetings
            .iter()
            .zip(self.plan.choices.iter().zip(&self.plan.risks))
            .map(|(a, (c, r))| (a, c.as_ref(), *r))
    }

    /// The plan as JSON for scripts.
    pub fn json(&self) -> serde_json::Value {
        let rows: Vec<_> = self
            .rows()
            .map(|(a, c, r)| {
                json!({
                    "uid": a.meeting.uid, "recurrence_id": a.meeting.recurrence_id,
                    "start": rfc3339(a.meeting.start), "summary": a.meeting.summary, "client": a.facts.client,
                    "strategy": c.map_or(Strategy::Attend, |c| c.strategy), "minutes_freed": c.map_or(0, |c| c.minutes_freed),
                    "risk": r,
                })
            })
            .collect();
        json!({
            "target_minutes": self.target, "minutes_freed": self.plan.minutes_freed, "reached": self.plan.reached,
            "cost": self.plan.cost, "meetings": rows,
        })
    }
}

/// The week before and after the plan, stacked by client against the cap.
pub fn bars(
    loaded: &Loaded,
    meetings: &[Assessed],
    plan: &planner::Plan,
    config: &Settings,
) -> (Vec<crate::chart::Bar>, crate::chart::Labels) {
    let nb = config.profile.language == Lang::Nb;
    let internal = if nb {
        "interne møter"
    } else {
        "internal meetings"
    };
    let me = &config.profile.emails;
    let in_window =
        |m: &&neitakk_core::Meeting| m.blocks_time(me) && loaded.window.contains(m.start, m.end);
    let internal_minutes: u32 = loaded
        .calendar
        .iter()
        .filter(in_window)
        .filter(|m| neitakk_core::facts::match_client(m, me, &config.clients).is_none())
        .map(neitakk_core::Meeting::minutes)
        .sum();
    let mut before: Vec<(String, u32)> = Vec::new();
    let mut after: Vec<(String, u32)> = Vec::new();
    for (a, c) in meetings.iter().zip(&plan.choices) {
        let client = a.facts.client.clone().unwrap_or_default();
        let minutes = a.meeting.minutes();
        // Meeting time freed: what the choice frees less the travel it saves.
        let freed = c.map_or(0, |c| {
            let travel = a
                .decision
                .choice(c.strategy)
                .map_or(0, |ch| ch.travel_minutes_freed);
            c.minutes_freed.saturating_sub(travel).min(minutes)
        });
        for (list, m) in [(&mut before, minutes), (&mut after, minutes - freed)] {
            match list.iter_mut().find(|(n, _)| *n == client) {
                Some(entry) => entry.1 += m,
                None => list.push((client.clone(), m)),
            }
        }
    }
    before.push((internal.to_owned(), internal_minutes));
    after.push((internal.to_owned(), internal_minutes));
    let bars = vec![
        crate::chart::Bar {
            label: if nb { "før" } else { "before" }.into(),
            parts: before,
        },
        crate::chart::Bar {
            label: if nb { "etter planen" } else { "after the plan" }.into(),
            parts: after,
        },
    ];
    let (y, n) = neitakk_core::facts::iso_week(loaded.window.from, config.profile.timezone);
    let labels = crate::chart::Labels {
        title: if nb {
            format!("Møtetimer uke {n}, {y}, før og etter planen (uten reise)")
        } else {
            format!("Meeting hours in week {n}, {y}, before and after the plan (travel not shown)")
        },
        y_axis: if nb { "timer" } else { "hours" }.into(),
        cap: if nb { "tak" } else { "cap" }.into(),
        last: internal.to_owned(),
        decimal_comma: nb,
    };
    (bars, labels)
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations() {
        use super::parse_duration as p;
        assert_eq!(p("6h"), Ok(360));
        assert_eq!(p("90m"), Ok(90));
        assert_eq!(p("1h30m"), Ok(90));
        assert_eq!(p("1,5"), Ok(90));
        assert_eq!(p("2t"), Ok(120));
        assert_eq!(p("2,5t"), Ok(150));
        assert!(p("lots").is_err());
        assert!(p("0").unwrap_err().contains("some time"));
        assert!(p("999h").unwrap_err().contains("168"));
    }
}
