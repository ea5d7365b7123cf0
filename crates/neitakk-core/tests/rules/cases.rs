//! One case per rule of method.md, each named after it.

use crate::common::*;

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
