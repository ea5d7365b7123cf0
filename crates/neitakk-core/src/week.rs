//! The week as a whole (method.md section 2): workload is a need of the
//! week, not of one meeting. The week needs its load brought down to the
//! cap, and no more. Meetings with reasons of their own (a conflict, a
//! repetitive series, a seat not needed, illness) act on their own meeting,
//! and what they free counts first. What is still over the cap is freed by
//! one plan of the week (the planner, at the least relationship risk) among
//! the client meetings still ahead whose only reason is the full week; the
//! rest of those are attended.

use crate::engine::{rank, Choice, Decision, Policy, Step};
use crate::facts::Facts;
use crate::planner::{self, PlanItem, PlanOption, PlanRules};
use crate::types::{Reason, Risk, Strategy};
use serde::{Deserialize, Serialize};

/// One meeting of the week, as the week plan sees it.
pub struct WeekMeeting<'a> {
    pub title: &'a str,
    pub facts: &'a Facts,
    /// The engine's decision for the meeting alone; settled in place.
    pub decision: &'a mut Decision,
    /// Only meetings still ahead can change.
    pub ahead: bool,
}

/// A meeting that frees time in the week, as the trail names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub title: String,
    pub strategy: Strategy,
    pub minutes: u32,
}

/// The trail names this many changes at most (those that free the most),
/// so that a week of thousands of meetings keeps its trails small.
pub const NAMED_CHANGES: usize = 5;

/// What the week needs and what its meetings free.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct WeekBalance {
    /// Minutes in meetings, client and internal, plus travel to and from clients.
    pub load_minutes: u32,
    pub cap_minutes: u32,
    /// The load over the cap.
    pub need_minutes: u32,
    /// Freed by meetings' own reasons (a conflict, repetition, ...).
    pub freed_by_reasons: u32,
    /// Freed by the week's plan among the workload-only meetings.
    pub freed_by_plan: u32,
    /// Still over the cap when everything the rules allow is done.
    pub left_over_minutes: u32,
}

/// A plan's choice for a meeting, with the risk the plan gives it.
type Planned = (PlanOption, Risk);

/// At most this many meetings go into one week's plan.
pub const MAX_PLANNED: usize = 48;

/// Whether the full week is a meeting's only valid reason, inferred from the
/// calendar. A workload reason the user gives for one meeting acts on that
/// meeting alone.
pub fn workload_only(f: &Facts, d: &Decision) -> bool {
    d.is_decided()
        && d.reasons == [Reason::Workload]
        && !f.given_reasons.contains(&Reason::Workload)
}

/// The options a decision offers that free time, for a planner. A key
/// client's meeting has none: the relationship comes first.
pub fn plan_options(d: &Decision) -> Vec<PlanOption> {
    if d.trail.iter().any(|s| matches!(s, Step::KeyClient { .. })) {
        return Vec::new();
    }
    std::iter::once(&d.recommended)
        .chain(&d.alternatives)
        .filter(|c| c.strategy != Strategy::Attend && c.minutes_freed > 0)
        .map(|c| PlanOption {
            strategy: c.strategy,
            minutes_freed: c.minutes_freed,
            risk: c.risk,
        })
        .collect()
}

/// The steps of the engine's own choice for a meeting alone, which the
/// week's plan replaces for a workload-only meeting.
fn own_choice(s: &Step) -> bool {
    matches!(
        s,
        Step::Gentlest { .. }
            | Step::DeclineLastResort
            | Step::NothingFits
            | Step::WarnHighRisk
            | Step::FollowUpCall
    )
}

/// Settles a week: each workload-only meeting gets its strategy from the
/// week's plan, or `attend`. `load` and `cap` are the week's, in minutes.
pub fn settle(meetings: &mut [WeekMeeting], load: u32, cap: u32, policy: &Policy) -> WeekBalance {
    let need = load.saturating_sub(cap);
    let mut balance = WeekBalance {
        load_minutes: load,
        cap_minutes: cap,
        need_minutes: need,
        ..WeekBalance::default()
    };
    let only_workload: Vec<bool> = meetings
        .iter()
        .map(|m| workload_only(m.facts, m.decision))
        .collect();
    let mut changes = Vec::new();
    for (m, _) in meetings
        .iter()
        .zip(&only_workload)
        .filter(|(m, w)| m.ahead && !**w)
    {
        let freed = m.decision.recommended.minutes_freed;
        if m.decision.is_decided() && freed > 0 {
            balance.freed_by_reasons += freed;
            changes.push(Change {
                title: m.title.to_owned(),
                strategy: m.decision.recommended.strategy,
                minutes: freed,
            });
        }
    }
    let settling: Vec<usize> = (0..meetings.len())
        .filter(|&i| only_workload[i] && meetings[i].ahead)
        .collect();
    let mut candidates = settling.clone();
    // The exact plan grows fast with the meetings in it; a week with more
    // than a few dozen client meetings plans the ones that free the most.
    if candidates.len() > MAX_PLANNED {
        let most = |i: usize| {
            plan_options(meetings[i].decision)
                .iter()
                .map(|o| o.minutes_freed)
                .max()
                .unwrap_or(0)
        };
        candidates.sort_by_key(|&i| std::cmp::Reverse(most(i)));
        candidates.truncate(MAX_PLANNED);
        candidates.sort_unstable();
    }
    let remaining = need.saturating_sub(balance.freed_by_reasons);
    let items: Vec<PlanItem> = candidates
        .iter()
        .map(|&i| PlanItem {
            client: meetings[i].facts.client.clone().unwrap_or_default(),
            prior_limits: meetings[i].facts.recent_limits,
            options: plan_options(meetings[i].decision),
        })
        .collect();
    let rules = PlanRules {
        raise_at: policy.memory_raise_at,
        attend_at: policy.memory_attend_at,
        ..PlanRules::default()
    };
    let plan = (remaining > 0).then(|| planner::plan(&items, remaining, &rules));
    if let Some(p) = &plan {
        balance.freed_by_plan = p.minutes_freed;
        for (k, &i) in candidates.iter().enumerate() {
            if let Some(o) = p.choices[k] {
                changes.push(Change {
                    title: meetings[i].title.to_owned(),
                    strategy: o.strategy,
                    minutes: o.minutes_freed,
                });
            }
        }
    }
    let more = u32::try_from(changes.len().saturating_sub(NAMED_CHANGES)).unwrap_or(u32::MAX);
    changes.sort_by_key(|c| std::cmp::Reverse(c.minutes));
    changes.truncate(NAMED_CHANGES);
    balance.left_over_minutes = remaining.saturating_sub(balance.freed_by_plan);

    // Workload-only meetings already begun keep the engine's word: the
    // plan is for what can still change.
    let planned_per_client = |client: &Option<String>| -> u32 {
        let Some(p) = &plan else { return 0 };
        let n = candidates
            .iter()
            .zip(&p.choices)
            .filter(|(&j, o)| o.is_some() && meetings[j].facts.client == *client)
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    // Per meeting: its plan choice with the risk the plan gives it, and the
    // client's limits in 30 days if it is followed.
    let settled: Vec<(usize, Option<Planned>, u32)> = settling
        .iter()
        .map(|&i| {
            let k = candidates.iter().position(|&c| c == i);
            let chosen = plan
                .as_ref()
                .zip(k)
                .and_then(|(p, k)| Some((p.choices[k]?, p.risks[k]?)));
            let f = meetings[i].facts;
            (i, chosen, f.recent_limits + planned_per_client(&f.client))
        })
        .collect();
    for (i, chosen, recent) in settled {
        let d = &mut *meetings[i].decision;
        d.trail.retain(|s| !own_choice(s));
        let mut options: Vec<Choice> = std::iter::once(d.recommended.clone())
            .chain(d.alternatives.drain(..))
            .filter(|c| c.strategy != Strategy::Attend)
            .collect();
        let recommended = match chosen {
            Some((o, risk)) => {
                let at = options.iter().position(|c| c.strategy == o.strategy);
                let mut c = at.map_or_else(Choice::attend, |at| options.remove(at));
                if risk > c.risk
                    && !d
                        .trail
                        .iter()
                        .any(|s| matches!(s, Step::MemoryRaises { .. }))
                {
                    // The plan limits this client again within 30 days (the
                    // journal's limits and its own together).
                    d.trail.push(Step::MemoryRaises { recent });
                }
                c.risk = risk;
                d.trail.push(Step::WeekPlan {
                    need,
                    freed_elsewhere: balance.freed_by_reasons
                        + balance.freed_by_plan.saturating_sub(c.minutes_freed),
                    strategy: c.strategy,
                    minutes: c.minutes_freed,
                });
                if c.strategy == Strategy::Decline {
                    d.trail.push(Step::WarnHighRisk);
                }
                if c.follow_up_call {
                    d.trail.push(Step::FollowUpCall);
                }
                c
            }
            None => {
                if balance.left_over_minutes == 0 {
                    d.trail.push(Step::WeekUnderCap {
                        changes: changes.clone(),
                        more,
                    });
                }
                Choice::attend()
            }
        };
        if balance.left_over_minutes > 0 {
            d.trail.push(Step::WeekOverCap {
                left: balance.left_over_minutes,
            });
        }
        rank(&mut options);
        if recommended.strategy != Strategy::Attend {
            options.push(Choice::attend());
        }
        d.recommended = recommended;
        d.alternatives = options;
    }
    balance
}
