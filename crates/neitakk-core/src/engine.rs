//! The decision engine: the rules of method.md section 3, in order, with the
//! relationship memory last.

use crate::facts::Facts;
use crate::types::{Format, Matter, Reason, Risk, Role, Strategy, Weight};
use serde::{Deserialize, Serialize};

/// Thresholds of the engine; the defaults are the method's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Minutes it takes to write the update that replaces a meeting.
    pub email_writing_minutes: u32,
    /// Limits in the last 30 days that raise every risk one step.
    pub memory_raise_at: u32,
    /// Limits in the last 30 days that bring back `attend`.
    pub memory_attend_at: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            email_writing_minutes: 10,
            memory_raise_at: 2,
            memory_attend_at: 3,
        }
    }
}

/// One option for a meeting: what it frees and what it risks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub strategy: Strategy,
    /// Minutes of the user's time it frees (meeting and travel).
    pub minutes_freed: u32,
    /// The part of `minutes_freed` that is travel.
    pub travel_minutes_freed: u32,
    pub risk: Risk,
    /// Whether the meeting's time slot itself becomes free.
    pub frees_slot: bool,
    /// Whether it frees what the reasons need.
    pub meets_need: bool,
    /// An e-mail in place of a decision meeting needs a follow-up call.
    pub follow_up_call: bool,
}

impl Choice {
    /// Keeping the meeting as it is.
    pub fn attend() -> Choice {
        Choice {
            strategy: Strategy::Attend,
            minutes_freed: 0,
            travel_minutes_freed: 0,
            risk: Risk::VeryLow,
            frees_slot: false,
            meets_need: false,
            follow_up_call: false,
        }
    }
}

/// One step of the rule trail. A composer renders it in the user's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step {
    /// No client takes part: an internal meeting, given no strategy.
    Internal,
    /// The meeting is cancelled; nothing to decide.
    Cancelled,
    /// I organize it: I change it in my calendar rather than answer it.
    Organizer,
    /// Reasons the user gave or the facts imply.
    Reasons {
        valid: Vec<Reason>,
        rejected: Vec<Reason>,
    },
    /// Rule 1: a key client gets the meeting.
    KeyClient { client: String },
    /// Rule 1, exception: illness or emergency moves even a key meeting.
    KeyClientUrgent { reason: Reason },
    /// Rule 2: no valid reason, so attend.
    NoValidReason,
    /// Rule 3: a serious matter (a complaint, an escalation) is met: attended,
    /// or with a conflict, illness or emergency moved to the soonest free time.
    SeriousMatter { reschedule: bool },
    /// The organizer marked my seat optional and no colleague speaks for
    /// me: a gentle decline, with an offer to read the notes.
    OptionalSeat,
    /// Rule 5: limits lately raise every risk one step.
    MemoryRaises { recent: u32 },
    /// Rule 5: too many limits lately; attend.
    MemoryAttend { recent: u32 },
    /// Rule 4: the gentlest strategy that frees what the reasons need.
    Gentlest {
        strategy: Strategy,
        risk: Risk,
        minutes: u32,
    },
    /// Rule 4: nothing gentler fits, so decline (minor client only).
    DeclineLastResort,
    /// Rule 4: nothing fits and the client is not minor enough to decline.
    NothingFits,
    /// The week is `need` minutes over its cap; its plan frees this
    /// meeting's `minutes` by `strategy`, with `freed_elsewhere` from others.
    WeekPlan {
        need: u32,
        freed_elsewhere: u32,
        strategy: Strategy,
        minutes: u32,
    },
    /// The week is under its cap once these other meetings change (and
    /// `more` besides, not named): attend.
    WeekUnderCap {
        changes: Vec<crate::week::Change>,
        more: u32,
    },
    /// Even so the week stays `left` minutes over its cap: the rest would
    /// break the rules (key clients, serious matters, memory).
    WeekOverCap { left: u32 },
    /// Decline risks the relationship.
    WarnHighRisk,
    /// An e-mail instead of a decision meeting: plan a follow-up call.
    FollowUpCall,
}

/// The engine's answer for one meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub recommended: Choice,
    /// The other options, best first.
    pub alternatives: Vec<Choice>,
    /// The valid reasons in play.
    pub reasons: Vec<Reason>,
    pub trail: Vec<Step>,
}

impl Decision {
    /// Whether the meeting has a client (internal and cancelled ones do not get a strategy).
    pub fn is_decided(&self) -> bool {
        !matches!(
            self.trail.first(),
            Some(Step::Internal | Step::Cancelled | Step::Organizer)
        )
    }

    /// The option for a strategy, whether recommended or an alternative.
    pub fn choice(&self, strategy: Strategy) -> Option<&Choice> {
        std::iter::once(&self.recommended)
            .chain(&self.alternatives)
            .find(|c| c.strategy == strategy)
    }
}

/// What a reason needs freed, from the least to the most.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Need {
    /// Some of my time.
    Time,
    /// The meeting's time slot.
    Slot,
    /// My presence: someone else or something else covers it.
    Presence,
}

fn need_of(reason: Reason) -> Need {
    match reason {
        Reason::Workload | Reason::Repetitive | Reason::Dislike => Need::Time,
        Reason::Conflict | Reason::Illness | Reason::Emergency => Need::Slot,
        Reason::NotNeeded => Need::Presence,
    }
}

/// Whether a strategy saves the journey there and back.
fn avoids_travel(s: Strategy) -> bool {
    !matches!(
        s,
        Strategy::Attend | Strategy::Shorten | Strategy::Reschedule
    )
}

/// Every strategy that fits the facts (method.md section 3's table), with
/// what it frees and its base risk. Decline as a last resort is left to the
/// caller. A serious matter is never shortened, e-mailed or declined: only
/// a new time fits it, when the slot itself is needed.
fn candidates(f: &Facts, reasons: &[Reason], policy: &Policy) -> Vec<Choice> {
    let planned = f.planned_minutes;
    let travel = f.travel_minutes.saturating_mul(2);
    let conflict_after = |end: u32| f.conflict.as_ref().is_some_and(|c| c.from_minute >= end);
    let mut out = Vec::new();
    let mut push = |strategy, minutes_freed, risk, frees_slot| {
        out.push(Choice {
            strategy,
            minutes_freed,
            travel_minutes_freed: if avoids_travel(strategy) { travel } else { 0 },
            risk,
            frees_slot,
            meets_need: false,
            follow_up_call: false,
        })
    };
    // A serious matter is met: only a new time (below) fits it.
    if f.matter != Matter::Serious {
        let phone = f.format == Format::InPerson && f.travel_minutes > 0;
        let shorten = planned > f.needed_minutes;
        let only_conflict = reasons
            .iter()
            .all(|r| *r == Reason::Conflict || need_of(*r) == Need::Time);
        // Shortening frees the slot only when the clash begins after the shorter end.
        let shorten_frees_slot = only_conflict && conflict_after(f.needed_minutes);
        if phone {
            push(Strategy::PhoneCall, travel, Risk::VeryLow, false);
        }
        if shorten {
            push(
                Strategy::Shorten,
                planned - f.needed_minutes,
                Risk::Low,
                shorten_frees_slot,
            );
        }
        if phone && shorten {
            push(
                Strategy::ShorterCall,
                travel + planned - f.needed_minutes,
                Risk::Low,
                shorten_frees_slot,
            );
        }
        let email_ok = f.flexibility == crate::Flexibility::High;
        if email_ok {
            let risk = if f.matter == Matter::Routine {
                Risk::Low
            } else {
                Risk::Medium
            };
            let freed = (planned + travel).saturating_sub(policy.email_writing_minutes);
            push(Strategy::EmailForNow, freed, risk, true);
        }
        if f.role == Role::BroughtIn && f.colleague.is_some() {
            push(Strategy::BowOut, planned + travel, Risk::Low, true);
        }
        // The organizer marked the seat optional: saying no is gentle, unless
        // the client is key.
        if f.role == Role::Optional && f.colleague.is_none() && f.weight != Some(Weight::Key) {
            push(Strategy::Decline, planned + travel, Risk::Low, true);
        }
    }
    if reasons
        .iter()
        .any(|r| matches!(r, Reason::Conflict | Reason::Illness | Reason::Emergency))
    {
        push(Strategy::Reschedule, 0, Risk::Medium, true);
    }
    for c in &mut out {
        c.follow_up_call = c.strategy == Strategy::EmailForNow && f.matter == Matter::Decision;
        c.meets_need = meets(c, reasons);
    }
    out
}

/// Whether a choice frees what the most demanding reason needs: with a
/// conflict and a full week, freeing the slot is what counts.
fn meets(c: &Choice, reasons: &[Reason]) -> bool {
    match reasons.iter().map(|r| need_of(*r)).max() {
        None => false,
        Some(Need::Time) => c.minutes_freed > 0,
        Some(Need::Slot) => c.frees_slot,
        Some(Need::Presence) => matches!(
            c.strategy,
            Strategy::BowOut | Strategy::EmailForNow | Strategy::Decline
        ),
    }
}

/// Best first: meets the need, then lowest risk, then most minutes freed.
pub(crate) fn rank(choices: &mut [Choice]) {
    choices.sort_by(|a, b| {
        b.meets_need
            .cmp(&a.meets_need)
            .then(a.risk.cmp(&b.risk))
            .then(b.minutes_freed.cmp(&a.minutes_freed))
    });
}

/// A decision to limit the meeting by `chosen`; attending stays the last
/// alternative.
fn limited(
    chosen: Choice,
    mut others: Vec<Choice>,
    reasons: Vec<Reason>,
    trail: Vec<Step>,
) -> Decision {
    others.push(Choice::attend());
    Decision {
        recommended: chosen,
        alternatives: others,
        reasons,
        trail,
    }
}

/// Decides what to do about one meeting. Never fails.
pub fn decide(f: &Facts, policy: &Policy) -> Decision {
    decide_with_status(f, policy, false)
}

/// As [`decide`], for a meeting that may be cancelled.
pub fn decide_with_status(f: &Facts, policy: &Policy, cancelled: bool) -> Decision {
    let mut trail = Vec::new();
    let attend = |trail, alternatives, reasons| Decision {
        recommended: Choice::attend(),
        alternatives,
        reasons,
        trail,
    };
    if cancelled {
        return attend(vec![Step::Cancelled], vec![], vec![]);
    }
    let Some(client) = f.client.clone() else {
        return attend(vec![Step::Internal], vec![], vec![]);
    };

    if f.role == Role::Organizer {
        return attend(vec![Step::Organizer], vec![], vec![]);
    }
    let all = f.reasons();
    let (valid, rejected): (Vec<Reason>, Vec<Reason>) = all.iter().partition(|r| r.is_valid());
    if !all.is_empty() {
        trail.push(Step::Reasons {
            valid: valid.clone(),
            rejected,
        });
    }
    let urgent = valid.iter().copied().find(|r| r.is_urgent());
    let mut options = candidates(f, &valid, policy);
    // Rule 1: relationship first.
    if f.weight == Some(Weight::Key) {
        trail.push(Step::KeyClient { client });
        for o in &mut options {
            o.risk = o.risk.max(Risk::High);
        }
        if let Some(reason) = urgent {
            trail.push(Step::KeyClientUrgent { reason });
            if let Some(i) = options
                .iter()
                .position(|o| o.strategy == Strategy::Reschedule)
            {
                let mut chosen = options.remove(i);
                chosen.risk = Risk::Medium;
                rank(&mut options);
                return limited(chosen, options, valid, trail);
            }
        }
        rank(&mut options);
        return attend(trail, options, valid);
    }

    // Rule 2: an honest reason.
    if valid.is_empty() {
        trail.push(Step::NoValidReason);
        rank(&mut options);
        return attend(trail, options, valid);
    }

    // Rule 3: a serious matter is met.
    if f.matter == Matter::Serious {
        let at = options
            .iter()
            .position(|o| o.strategy == Strategy::Reschedule);
        trail.push(Step::SeriousMatter {
            reschedule: at.is_some(),
        });
        if let Some(i) = at {
            let chosen = options.remove(i);
            return limited(chosen, options, valid, trail);
        }
        return attend(trail, options, valid);
    }

    // Rule 4's last resort, for a minor client: decline.
    if f.weight == Some(Weight::Minor) && !valid.is_empty() && !options.iter().any(|c| c.meets_need)
    {
        let mut decline = Choice {
            strategy: Strategy::Decline,
            minutes_freed: f.planned_minutes + f.travel_minutes * 2,
            travel_minutes_freed: f.travel_minutes * 2,
            risk: Risk::High,
            frees_slot: true,
            meets_need: false,
            follow_up_call: false,
        };
        decline.meets_need = meets(&decline, &valid);
        options.push(decline);
    }

    // Rule 5: relationship memory.
    if f.recent_limits >= policy.memory_attend_at && urgent.is_none() {
        trail.push(Step::MemoryAttend {
            recent: f.recent_limits,
        });
        rank(&mut options);
        return attend(trail, options, valid);
    }
    if f.recent_limits >= policy.memory_raise_at {
        trail.push(Step::MemoryRaises {
            recent: f.recent_limits,
        });
        for o in &mut options {
            o.risk = o.risk.raised();
        }
    }

    // Rule 4: limit rather than cancel.
    rank(&mut options);
    match options.first() {
        Some(best) if best.meets_need => {
            let best = options.remove(0);
            if best.strategy == Strategy::Decline && f.role == Role::Optional {
                trail.push(Step::OptionalSeat);
            } else if best.strategy == Strategy::Decline {
                trail.push(Step::DeclineLastResort);
                trail.push(Step::WarnHighRisk);
            } else {
                trail.push(Step::Gentlest {
                    strategy: best.strategy,
                    risk: best.risk,
                    minutes: best.minutes_freed,
                });
            }
            if best.follow_up_call {
                trail.push(Step::FollowUpCall);
            }
            limited(best, options, valid, trail)
        }
        _ => {
            trail.push(Step::NothingFits);
            attend(trail, options, valid)
        }
    }
}
