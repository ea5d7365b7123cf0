//! The week as a whole (method.md section 2): what is freed to bring a
//! week under its cap, and what is left as it is.

use crate::common::*;

/// A meeting of a week, with its facts and the engine's own decision.
struct Planned {
    title: &'static str,
    facts: Facts,
    decision: Decision,
    ahead: bool,
}

fn planned(title: &'static str, facts: Facts) -> Planned {
    let decision = decide(&facts, &Policy::default());
    Planned {
        title,
        facts,
        decision,
        ahead: true,
    }
}

/// Settles a week with `load` minutes against a 900-minute cap.
fn settle(week: &mut [Planned], load: u32) -> WeekBalance {
    let mut items: Vec<WeekMeeting> = week
        .iter_mut()
        .map(|p| WeekMeeting {
            title: p.title,
            facts: &p.facts,
            decision: &mut p.decision,
            ahead: p.ahead,
        })
        .collect();
    week::settle(&mut items, load, 900, &Policy::default())
}

/// A week with a workshop to travel to, a minor client's check-in and a
/// regular client's long status meeting, all in a full week.
fn full_week() -> Vec<Planned> {
    vec![
        planned("Workshop", in_person(workload(base()), 45)),
        planned(
            "Check-in",
            Facts {
                client: Some("Tindra".into()),
                weight: Some(Weight::Minor),
                ..workload(base())
            },
        ),
        planned(
            "Status",
            Facts {
                client: Some("Lofoten".into()),
                planned_minutes: 90,
                needed_minutes: 30,
                ..workload(base())
            },
        ),
    ]
}

fn strategies(week: &[Planned]) -> Vec<Strategy> {
    week.iter()
        .map(|p| p.decision.recommended.strategy)
        .collect()
}

#[test]
fn a_week_a_little_over_its_cap_frees_that_and_no_more() {
    let mut week = full_week();
    // Alone, each meeting would be limited, the check-in declined at high risk.
    assert_eq!(
        strategies(&week),
        [Strategy::PhoneCall, Strategy::Decline, Strategy::Shorten]
    );
    let balance = settle(&mut week, 950);
    assert_eq!(balance.need_minutes, 50);
    assert_eq!(
        strategies(&week),
        [Strategy::PhoneCall, Strategy::Attend, Strategy::Attend],
        "the video call alone brings the week under the cap"
    );
    assert_eq!(balance.left_over_minutes, 0);
    assert!(week[0].decision.trail.iter().any(|s| matches!(
        s,
        Step::WeekPlan {
            need: 50,
            strategy: Strategy::PhoneCall,
            ..
        }
    )));
    let under = week[1].decision.trail.iter().find_map(|s| match s {
        Step::WeekUnderCap { changes, more: 0 } => Some(changes.clone()),
        _ => None,
    });
    assert_eq!(
        under.unwrap(),
        [week::Change {
            title: "Workshop".into(),
            strategy: Strategy::PhoneCall,
            minutes: 90,
        }]
    );
    // The check-in's decline is still there to choose, after attend.
    assert_eq!(week[1].decision.alternatives[0].strategy, Strategy::Decline);
}

#[test]
fn a_week_a_lot_over_its_cap_says_what_is_left() {
    let mut week = full_week();
    let balance = settle(&mut week, 1500);
    assert_eq!(balance.need_minutes, 600);
    assert_eq!(
        strategies(&week),
        [Strategy::PhoneCall, Strategy::Decline, Strategy::Shorten],
        "everything the rules allow"
    );
    let left = 600 - balance.freed_by_plan;
    assert_eq!(balance.left_over_minutes, left);
    for p in &week {
        assert!(
            p.decision.trail.contains(&Step::WeekOverCap { left }),
            "{}: {:?}",
            p.title,
            p.decision.trail
        );
    }
    assert!(week[1].decision.trail.contains(&Step::WarnHighRisk));
}

#[test]
fn a_week_under_its_cap_changes_nothing() {
    // Under the cap, no meeting has the full week as a reason.
    let mut week: Vec<Planned> = full_week()
        .into_iter()
        .map(|p| {
            let facts = Facts {
                inferred_reasons: vec![],
                ..p.facts
            };
            planned(p.title, facts)
        })
        .collect();
    let before: Vec<Decision> = week.iter().map(|p| p.decision.clone()).collect();
    let balance = settle(&mut week, 800);
    assert_eq!(balance.need_minutes, 0);
    let after: Vec<Decision> = week.iter().map(|p| p.decision.clone()).collect();
    assert_eq!(before, after);
    assert!(strategies(&week).iter().all(|s| *s == Strategy::Attend));
}

#[test]
fn what_other_reasons_free_counts_first() {
    let mut week = full_week();
    week.push(planned(
        "Risk review",
        Facts {
            client: Some("Skagerrak".into()),
            role: Role::BroughtIn,
            colleague: Some("ola@firma.no".into()),
            planned_minutes: 120,
            inferred_reasons: vec![Reason::Workload, Reason::NotNeeded],
            ..base()
        },
    ));
    // 130 over: the bow-out frees 120, the video call the rest.
    let balance = settle(&mut week, 1030);
    assert_eq!(balance.freed_by_reasons, 120);
    assert_eq!(
        strategies(&week),
        [
            Strategy::PhoneCall,
            Strategy::Attend,
            Strategy::Attend,
            Strategy::BowOut
        ]
    );
    // 100 over: the bow-out alone is enough.
    let mut week = full_week();
    week.push(planned("Risk review", week_brought_in()));
    settle(&mut week, 1000);
    assert_eq!(
        strategies(&week),
        [
            Strategy::Attend,
            Strategy::Attend,
            Strategy::Attend,
            Strategy::BowOut
        ]
    );
}

fn week_brought_in() -> Facts {
    Facts {
        client: Some("Skagerrak".into()),
        role: Role::BroughtIn,
        colleague: Some("ola@firma.no".into()),
        planned_minutes: 120,
        inferred_reasons: vec![Reason::Workload, Reason::NotNeeded],
        ..base()
    }
}

#[test]
fn a_workload_reason_given_for_one_meeting_acts_on_it_alone() {
    let mut week = full_week();
    week[2].facts.given_reasons = vec![Reason::Workload];
    week[2].decision = decide(&week[2].facts, &Policy::default());
    // The status meeting is shortened for its own given reason, and that is
    // enough for the week: the others are attended.
    let balance = settle(&mut week, 950);
    assert_eq!(balance.freed_by_reasons, 60);
    assert_eq!(
        strategies(&week),
        [Strategy::Attend, Strategy::Attend, Strategy::Shorten]
    );
}

#[test]
fn meetings_already_begun_are_not_planned() {
    let mut week = full_week();
    week[0].ahead = false;
    let balance = settle(&mut week, 950);
    assert_eq!(
        balance.freed_by_plan, 60,
        "the status meeting shortened instead"
    );
    assert_eq!(week[2].decision.recommended.strategy, Strategy::Shorten);
    assert_eq!(week[1].decision.recommended.strategy, Strategy::Attend);
}

/// A week of hundreds of meetings is planned in bounds: at most
/// `week::MAX_PLANNED` in the plan, and no trail names more than a few.
#[test]
fn a_crowded_week_is_planned_in_bounds() {
    let mut week: Vec<Planned> = (0..300)
        .map(|i| {
            let mut p = planned("Workshop", in_person(workload(base()), 15 + i % 30));
            if i % 3 == 0 {
                p.facts.role = Role::BroughtIn;
                p.facts.colleague = Some("ola@firma.no".into());
                p.facts.inferred_reasons.push(Reason::NotNeeded);
                p.decision = decide(&p.facts, &Policy::default());
            }
            p
        })
        .collect();
    settle(&mut week, 900 + 4000);
    // The bow-outs bring the week under its cap: the trails name five of them.
    let named = week.iter().find_map(|p| {
        p.decision.trail.iter().find_map(|s| match s {
            Step::WeekUnderCap { changes, more } => Some((changes.len(), *more)),
            _ => None,
        })
    });
    assert_eq!(
        named,
        Some((week::NAMED_CHANGES, 100 - week::NAMED_CHANGES as u32))
    );
    // Far over the cap with only video calls to offer: at most MAX_PLANNED.
    let mut week: Vec<Planned> = (0..300)
        .map(|i| planned("Workshop", in_person(workload(base()), 15 + i % 30)))
        .collect();
    settle(&mut week, 900 + 20_000);
    let planned = week
        .iter()
        .filter(|p| {
            p.decision
                .trail
                .iter()
                .any(|s| matches!(s, Step::WeekPlan { .. }))
        })
        .count();
    assert!(planned <= week::MAX_PLANNED, "{planned}");
    for p in &week {
        for s in &p.decision.trail {
            if let Step::WeekUnderCap { changes, .. } = s {
                assert!(changes.len() <= week::NAMED_CHANGES);
            }
        }
    }
}
