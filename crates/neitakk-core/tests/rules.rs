//! One case per rule of method.md, each named after it.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

use neitakk_core::facts::Conflict;
use neitakk_core::*;

/// A regular client's routine, remote, one-hour meeting I attend directly, no reasons.
fn base() -> Facts {
    Facts {
        client: Some("Fjordkraft".into()),
        weight: Some(Weight::Regular),
        role: Role::DirectContact,
        format: Format::Remote,
        travel_minutes: 0,
        planned_minutes: 60,
        needed_minutes: 60,
        matter: Matter::Routine,
        flexibility: Flexibility::Normal,
        repetition: 0,
        recurring: false,
        week_minutes: 600,
        week_cap_minutes: 900,
        conflict: None,
        colleague: None,
        colleague_name: None,
        recent_limits: 0,
        inferred_reasons: vec![],
        given_reasons: vec![],
    }
}

fn workload(mut f: Facts) -> Facts {
    f.inferred_reasons.push(Reason::Workload);
    f
}

fn in_person(mut f: Facts, travel: u32) -> Facts {
    f.format = Format::InPerson;
    f.travel_minutes = travel;
    f
}

struct Case {
    name: &'static str,
    facts: Facts,
    strategy: Strategy,
    minutes: u32,
    risk: Risk,
    /// A step the trail must hold.
    step: fn(&Step) -> bool,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "internal meeting: no client, no strategy",
            facts: Facts {
                client: None,
                weight: None,
                ..workload(base())
            },
            strategy: Strategy::Attend,
            minutes: 0,
            risk: Risk::VeryLow,
            step: |s| *s == Step::Internal,
        },
        Case {
            name: "my own meeting: I change it in my calendar, no strategy",
            facts: Facts {
                role: Role::Organizer,
                ..workload(base())
            },
            strategy: Strategy::Attend,
            minutes: 0,
            risk: Risk::VeryLow,
            step: |s| *s == Step::Organizer,
        },
        Case {
            name: "rule 1: key client gets the meeting despite workload",
            facts: Facts {
                weight: Some(Weight::Key),
                ..in_person(workload(base()), 45)
            },
            strategy: Strategy::Attend,
            minutes: 0,
            risk: Risk::VeryLow,
            step: |s| matches!(s, Step::KeyClient { .. }),
        },
        Case {
            name: "rule 1: key client and illness gives reschedule",
            facts: Facts {
                weight: Some(Weight::Key),
                given_reasons: vec![Reason::Illness],
                ..base()
            },
            strategy: Strategy::Reschedule,
            minutes: 0,
            risk: Risk::Medium,
            step: |s| {
                *s == Step::KeyClientUrgent {
                    reason: Reason::Illness,
                }
            },
        },
        Case {
            name: "rule 1: key client and emergency gives reschedule",
            facts: Facts {
                weight: Some(Weight::Key),
                given_reasons: vec![Reason::Emergency],
                ..base()
            },
            strategy: Strategy::Reschedule,
            minutes: 0,
            risk: Risk::Medium,
            step: |s| {
                *s == Step::KeyClientUrgent {
                    reason: Reason::Emergency,
                }
            },
        },
        Case {
            name: "rule 2: no reason means attend",
            facts: in_person(base(), 45),
            strategy: Strategy::Attend,
            minutes: 0,
            risk: Risk::VeryLow,
            step: |s| *s == Step::NoValidReason,
        },
        Case {
            name: "rule 2: dislike is not a valid reason",
            facts: Facts {
                given_reasons: vec![Reason::Dislike],
                ..in_person(base(), 45)
            },
            strategy: Strategy::Attend,
            minutes: 0,
            risk: Risk::VeryLow,
            step: |s| {
                *s == Step::Reasons {
                    valid: vec![],
                    rejected: vec![Reason::Dislike],
                }
            },
        },
        Case {
            name: "rule 4: phone-call when in person with travel",
            facts: in_person(workload(base()), 45),
            strategy: Strategy::PhoneCall,
            minutes: 90,
            risk: Risk::VeryLow,
            step: |s| {
                matches!(
                    s,
                    Step::Gentlest {
                        strategy: Strategy::PhoneCall,
                        ..
                    }
                )
            },
        },
        Case {
            name: "rule 4: shorten when planned exceeds needed",
            facts: Facts {
                planned_minutes: 90,
                needed_minutes: 30,
                ..workload(base())
            },
            strategy: Strategy::Shorten,
            minutes: 60,
            risk: Risk::Low,
            step: |s| {
                matches!(
                    s,
                    Step::Gentlest {
                        strategy: Strategy::Shorten,
                        ..
                    }
                )
            },
        },
        Case {
            name: "rule 4: lowest risk first: a phone call before a shorter meeting",
            facts: Facts {
                planned_minutes: 90,
                needed_minutes: 30,
                ..in_person(workload(base()), 30)
            },
            strategy: Strategy::PhoneCall,
            minutes: 60,
            risk: Risk::VeryLow,
            step: |s| matches!(s, Step::Gentlest { .. }),
        },
        Case {
            name: "rule 4: email-for-now for a flexible client's routine meeting",
            facts: Facts {
                flexibility: Flexibility::High,
                inferred_reasons: vec![Reason::Repetitive, Reason::Conflict],
                conflict: Some(Conflict {
                    summary: None,
                    uid: "x".into(),
                    from_minute: 0,
                }),
                ..base()
            },
            strategy: Strategy::EmailForNow,
            minutes: 50,
            risk: Risk::Low,
            step: |s| {
                matches!(
                    s,
                    Step::Gentlest {
                        strategy: Strategy::EmailForNow,
                        ..
                    }
                )
            },
        },
        Case {
            name: "rule 4: email-for-now for a decision flags a follow-up call",
            facts: Facts {
                flexibility: Flexibility::High,
                matter: Matter::Decision,
                given_reasons: vec![Reason::Illness],
                ..base()
            },
            strategy: Strategy::EmailForNow,
            minutes: 50,
            risk: Risk::Medium,
            step: |s| *s == Step::FollowUpCall,
        },
        Case {
            name: "rule 3: email-for-now never for a serious matter",
            facts: Facts {
                flexibility: Flexibility::High,
                matter: Matter::Serious,
                given_reasons: vec![Reason::Illness],
                ..base()
            },
            strategy: Strategy::Reschedule,
            minutes: 0,
            risk: Risk::Medium,
            step: |s| *s == Step::SeriousMatter { reschedule: true },
        },
        Case {
            name: "rule 4: bow-out when a colleague brought me in",
            facts: Facts {
                role: Role::BroughtIn,
                colleague: Some("ola@firma.no".into()),
                inferred_reasons: vec![Reason::NotNeeded],
                ..in_person(base(), 20)
            },
            strategy: Strategy::BowOut,
            minutes: 100,
            risk: Risk::Low,
            step: |s| {
                matches!(
                    s,
                    Step::Gentlest {
                        strategy: Strategy::BowOut,
                        ..
                    }
                )
            },
        },
        Case {
            name: "rule 4: a conflict needs the slot itself freed: reschedule",
            facts: Facts {
                inferred_reasons: vec![Reason::Conflict],
                conflict: Some(Conflict {
                    summary: None,
                    uid: "x".into(),
                    from_minute: 0,
                }),
                ..in_person(base(), 30)
            },
            strategy: Strategy::Reschedule,
            minutes: 0,
            risk: Risk::Medium,
            step: |s| {
                matches!(
                    s,
                    Step::Gentlest {
                        strategy: Strategy::Reschedule,
                        ..
                    }
                )
            },
        },
        Case {
            name: "rule 4: with a full week too, the conflict's need (the slot) decides",
            facts: Facts {
                inferred_reasons: vec![Reason::Workload, Reason::Conflict],
                conflict: Some(Conflict {
                    summary: None,
                    uid: "x".into(),
                    from_minute: 0,
                }),
                ..base()
            },
            strategy: Strategy::Reschedule,
            minutes: 0,
            risk: Risk::Medium,
            step: |s| {
                matches!(
                    s,
                    Step::Gentlest {
                        strategy: Strategy::Reschedule,
                        ..
                    }
                )
            },
        },
        Case {
            name: "rule 4: a conflict late in the meeting is solved by shortening",
            facts: Facts {
                planned_minutes: 90,
                needed_minutes: 45,
                inferred_reasons: vec![Reason::Conflict],
                conflict: Some(Conflict {
                    summary: None,
                    uid: "x".into(),
                    from_minute: 60,
                }),
                ..base()
            },
            strategy: Strategy::Shorten,
            minutes: 45,
            risk: Risk::Low,
            step: |s| {
                matches!(
                    s,
                    Step::Gentlest {
                        strategy: Strategy::Shorten,
                        ..
                    }
                )
            },
        },
        Case {
            name: "rule 4: decline a minor client only when nothing else fits",
            facts: Facts {
                weight: Some(Weight::Minor),
                ..workload(base())
            },
            strategy: Strategy::Decline,
            minutes: 60,
            risk: Risk::High,
            step: |s| *s == Step::WarnHighRisk,
        },
        Case {
            name: "rule 4: a minor client still gets the gentler option when one fits",
            facts: Facts {
                weight: Some(Weight::Minor),
                ..in_person(workload(base()), 15)
            },
            strategy: Strategy::PhoneCall,
            minutes: 30,
            risk: Risk::VeryLow,
            step: |s| matches!(s, Step::Gentlest { .. }),
        },
        Case {
            name: "rule 4: a regular client with nothing that fits keeps the meeting",
            facts: workload(base()),
            strategy: Strategy::Attend,
            minutes: 0,
            risk: Risk::VeryLow,
            step: |s| *s == Step::NothingFits,
        },
        Case {
            name: "rule 5: two recent limits raise every risk one step",
            facts: Facts {
                recent_limits: 2,
                ..in_person(workload(base()), 45)
            },
            strategy: Strategy::PhoneCall,
            minutes: 90,
            risk: Risk::Low,
            step: |s| *s == Step::MemoryRaises { recent: 2 },
        },
        Case {
            name: "rule 5: three recent limits bring back attend",
            facts: Facts {
                recent_limits: 3,
                ..in_person(workload(base()), 45)
            },
            strategy: Strategy::Attend,
            minutes: 0,
            risk: Risk::VeryLow,
            step: |s| *s == Step::MemoryAttend { recent: 3 },
        },
        Case {
            name: "rule 5: three recent limits yield to illness",
            facts: Facts {
                recent_limits: 3,
                given_reasons: vec![Reason::Illness],
                ..base()
            },
            strategy: Strategy::Reschedule,
            minutes: 0,
            risk: Risk::High,
            step: |s| {
                matches!(
                    s,
                    Step::Gentlest {
                        strategy: Strategy::Reschedule,
                        ..
                    }
                )
            },
        },
        Case {
            name: "rule 3: a minor client's complaint in a full week is met",
            facts: Facts {
                weight: Some(Weight::Minor),
                matter: Matter::Serious,
                flexibility: Flexibility::High,
                ..in_person(workload(base()), 30)
            },
            strategy: Strategy::Attend,
            minutes: 0,
            risk: Risk::VeryLow,
            step: |s| *s == Step::SeriousMatter { reschedule: false },
        },
        Case {
            name: "rule 3: a serious matter with a conflict gets a new time",
            facts: Facts {
                matter: Matter::Serious,
                planned_minutes: 90,
                needed_minutes: 90,
                inferred_reasons: vec![Reason::Workload, Reason::Conflict],
                conflict: Some(Conflict {
                    summary: None,
                    uid: "x".into(),
                    from_minute: 60,
                }),
                ..base()
            },
            strategy: Strategy::Reschedule,
            minutes: 0,
            risk: Risk::Medium,
            step: |s| *s == Step::SeriousMatter { reschedule: true },
        },
        Case {
            name: "rule 3: illness moves a serious matter to a new time",
            facts: Facts {
                matter: Matter::Serious,
                weight: Some(Weight::Minor),
                given_reasons: vec![Reason::Illness],
                ..base()
            },
            strategy: Strategy::Reschedule,
            minutes: 0,
            risk: Risk::Medium,
            step: |s| *s == Step::SeriousMatter { reschedule: true },
        },
        Case {
            name: "the optional seat with no colleague: a gentle decline",
            facts: Facts {
                role: Role::Optional,
                inferred_reasons: vec![Reason::NotNeeded],
                ..in_person(base(), 20)
            },
            strategy: Strategy::Decline,
            minutes: 100,
            risk: Risk::Low,
            step: |s| *s == Step::OptionalSeat,
        },
        Case {
            name: "the optional seat at a key client is kept",
            facts: Facts {
                role: Role::Optional,
                weight: Some(Weight::Key),
                inferred_reasons: vec![Reason::NotNeeded],
                ..base()
            },
            strategy: Strategy::Attend,
            minutes: 0,
            risk: Risk::VeryLow,
            step: |s| matches!(s, Step::KeyClient { .. }),
        },
        Case {
            name: "the optional seat with a colleague who speaks for me: bow out",
            facts: Facts {
                role: Role::BroughtIn,
                colleague: Some("ola@firma.no".into()),
                inferred_reasons: vec![Reason::NotNeeded],
                ..base()
            },
            strategy: Strategy::BowOut,
            minutes: 60,
            risk: Risk::Low,
            step: |s| {
                matches!(
                    s,
                    Step::Gentlest {
                        strategy: Strategy::BowOut,
                        ..
                    }
                )
            },
        },
    ]
}

#[test]
fn a_serious_matter_is_never_declined_emailed_or_shortened() {
    for reasons in [
        vec![Reason::Workload],
        vec![Reason::Workload, Reason::Repetitive],
        vec![Reason::NotNeeded],
        vec![Reason::Conflict],
        vec![Reason::Emergency],
    ] {
        for weight in [Weight::Minor, Weight::Regular] {
            let f = Facts {
                weight: Some(weight),
                matter: Matter::Serious,
                flexibility: Flexibility::High,
                planned_minutes: 90,
                needed_minutes: 90,
                inferred_reasons: reasons.clone(),
                ..in_person(base(), 30)
            };
            let d = decide(&f, &Policy::default());
            let offered: Vec<Strategy> = std::iter::once(&d.recommended)
                .chain(&d.alternatives)
                .map(|c| c.strategy)
                .collect();
            for never in [
                Strategy::Decline,
                Strategy::EmailForNow,
                Strategy::Shorten,
                Strategy::ShorterCall,
            ] {
                assert!(
                    !offered.contains(&never),
                    "{reasons:?} {weight:?}: {offered:?}"
                );
            }
            assert!(
                matches!(
                    d.recommended.strategy,
                    Strategy::Attend | Strategy::Reschedule
                ),
                "{reasons:?}: {:?}",
                d.recommended
            );
        }
    }
}

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

#[test]
fn every_rule_of_the_method() {
    let mut failures = Vec::new();
    for case in cases() {
        let d = decide(&case.facts, &Policy::default());
        let got = (
            d.recommended.strategy,
            d.recommended.minutes_freed,
            d.recommended.risk,
        );
        if got != (case.strategy, case.minutes, case.risk) || !d.trail.iter().any(case.step) {
            failures.push(format!("{}: got {:?}, trail {:?}", case.name, got, d.trail));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn key_client_alternatives_are_marked_high_risk() {
    let f = Facts {
        weight: Some(Weight::Key),
        ..in_person(workload(base()), 45)
    };
    let d = decide(&f, &Policy::default());
    assert!(!d.alternatives.is_empty());
    assert!(
        d.alternatives.iter().all(|a| a.risk >= Risk::High),
        "{:?}",
        d.alternatives
    );
}

#[test]
fn rule_4_ties_go_to_more_minutes_freed() {
    let f = Facts {
        planned_minutes: 90,
        needed_minutes: 30,
        ..in_person(workload(base()), 30)
    };
    let d = decide(&f, &Policy::default());
    let names: Vec<_> = d.alternatives.iter().map(|a| a.strategy).collect();
    assert_eq!(
        names,
        vec![Strategy::ShorterCall, Strategy::Shorten, Strategy::Attend]
    );
    assert_eq!(
        d.choice(Strategy::ShorterCall).map(|c| c.minutes_freed),
        Some(120)
    );
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
