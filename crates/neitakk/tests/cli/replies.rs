//! Replies: drafts, the journal, refusals, threading, delegation.

use crate::common::*;

#[test]
fn a_meeting_that_is_over_gets_no_answer() {
    let data = tempfile::tempdir().unwrap();
    // Monday's Nordlys status is over by half past ten: the next one is named.
    let o = neitakk_at(
        data.path(),
        "2026-11-30T10:30:00+01:00",
        &[
            "reply",
            "examples/uke49.ics",
            "nordlys-status@nordlysenergi.no",
            "--at",
            "2026-11-30",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("nothing to answer"), "{err}");
    assert!(err.contains("Monday 7 December at 09:00"), "{err}");
    assert!(err.contains("--at 2026-12-07T09:00"), "{err}");
    // Without --at the next one is answered.
    let o = neitakk_at(
        data.path(),
        "2026-11-30T10:30:00+01:00",
        &[
            "reply",
            "examples/uke49.ics",
            "nordlys-status@nordlysenergi.no",
            "--strategy",
            "shorten",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("7. desember"), "{}", stdout(&o));
    // A single meeting that is over has no later one.
    let o = neitakk_at(
        data.path(),
        "2026-12-07T07:00:00+01:00",
        &[
            "reply",
            "examples/uke49.ics",
            "havnevest-workshop-49@havnevest.no",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no later one"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "no message written: {}", stdout(&o));
}

#[test]
fn reply_writes_drafts_and_journals_them_and_memory_follows() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().to_str().unwrap();
    let o = neitakk(
        data.path(),
        &[
            &[
                "reply",
                "examples/uke49.ics",
                "northwind-qbr@northwindlogistics.com",
                "--out",
                out_dir,
            ],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let path = stdout(&o).trim().to_owned();
    let eml = std::fs::read_to_string(&path).unwrap();
    assert!(
        eml.contains("To: emma.clarke@northwindlogistics.com"),
        "{eml}"
    );
    assert!(
        eml.contains("Subject: Suggestion: a shorter meeting"),
        "English for an English client:\n{eml}"
    );
    assert!(eml.contains("Message-ID: <"));

    // Limits are counted per other meeting of the client: a meeting decided again does not count against itself.
    for _ in 0..3 {
        let o = neitakk(
            data.path(),
            &[
                &[
                    "reply",
                    "examples/uke49.ics",
                    "havnevest-workshop-49@havnevest.no",
                    "--strategy",
                    "phone-call",
                    "--at",
                    "2026-11-30T12:00:00Z",
                    "--out",
                    out_dir,
                ],
                WEEK,
            ]
            .concat(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let ws = triaged(data.path(), "havnevest-workshop-49@havnevest.no");
    // the same meeting journaled three times counts once: no memory step yet
    assert_eq!(ws["strategy"], "phone-call");
    assert_eq!(ws["risk"], "very-low");
    // a second Havnevest meeting limited: every risk for Havnevest goes up one step
    let o = neitakk(
        data.path(),
        &[
            &[
                "reply",
                "examples/uke49.ics",
                "havnevest-oppfolging@havnevest.no",
                "--out",
                out_dir,
            ],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let ws = triaged(data.path(), "havnevest-workshop-49@havnevest.no");
    // The workshop counts the follow-up, not its own earlier drafts. The
    // week's plan would limit Havnevest a second time within 30 days, so
    // the call's risk goes up one step, and the trail says why.
    assert_eq!(ws["facts"]["recent_limits"], 1, "{ws}");
    assert_eq!(ws["strategy"], "phone-call", "{ws}");
    assert_eq!(ws["risk"], "low", "{ws}");
    assert!(
        ws["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["step"] == "memory-raises" && s["recent"] == 2),
        "{ws}"
    );
    let follow_up = triaged(data.path(), "havnevest-oppfolging@havnevest.no");
    assert_eq!(follow_up["facts"]["recent_limits"], 1, "{follow_up}");
    let journal = neitakk(data.path(), &["journal", "--format", "json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout(&journal))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn reply_prints_the_briefing_for_bow_out_and_a_preview_is_not_journaled() {
    let data = tempfile::tempdir().unwrap();
    let o = neitakk(
        data.path(),
        &[
            &[
                "reply",
                "examples/uke49.ics",
                "skagerrak-risiko@fjellfjord.no",
                "--note",
                "Vi anbefaler modell B.",
            ],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("To: silje.dahl@skagerrakbank.no"), "{text}");
    assert!(text.contains("To: ola.hansen@fjellfjord.no"), "{text}");
    assert!(text.contains("Vi anbefaler modell B."));
    let journal = neitakk(data.path(), &["journal", "--format", "json"]);
    assert_eq!(stdout(&journal).trim(), "[]");
}

#[test]
fn forced_strategies_that_cannot_be_honest_are_refused() {
    let data = tempfile::tempdir().unwrap();
    for (uid, args, why) in [
        (
            "tindra-logo@tindra.no",
            &["--strategy", "phone-call"][..],
            "saves nothing",
        ),
        (
            "tindra-logo@tindra.no",
            &["--strategy", "shorten"][..],
            "no longer than it needs",
        ),
        (
            "northwind-qbr@northwindlogistics.com",
            &["--minutes", "90"][..],
            "not shorter than the 90-minute meeting",
        ),
        (
            "budsjett-2027@fjellfjord.no",
            &[][..],
            "you organize this meeting",
        ),
    ] {
        let o = neitakk(
            data.path(),
            &[&["reply", "examples/uke49.ics", uid], args, WEEK].concat(),
        );
        assert_eq!(o.status.code(), Some(2), "{uid} {args:?}");
        assert!(stderr(&o).contains(why), "{uid}: {}", stderr(&o));
    }
    // attending a meeting already accepted: nothing to send
    let o = neitakk(
        data.path(),
        &[
            &[
                "reply",
                "examples/uke49.ics",
                "nordlys-kontrakt@nordlysenergi.no",
            ][..],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success() && stdout(&o).is_empty());
    assert!(stderr(&o).contains("nothing to send"), "{}", stderr(&o));
    let o = neitakk(
        data.path(),
        &[
            &[
                "reply",
                "examples/uke49.ics",
                "nordlys-kontrakt@nordlysenergi.no",
                "--strategy",
                "decline",
            ][..],
            WEEK,
        ]
        .concat(),
    );
    assert!(o.status.success());
    assert!(stderr(&o).contains("high risk"), "{}", stderr(&o));
}

#[test]
fn a_reply_to_an_emailed_invitation_threads_and_respects_no_counter() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = neitakk(
        data.path(),
        &[
            "reply",
            "crates/neitakk/tests/data/invitation.eml",
            "040000008200E00074C5B7101A82E008-invite-1",
            "--strategy",
            "shorten",
            "--from",
            "2026-11-30",
            "--to",
            "2026-12-07",
            "--out",
            out.path().to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let eml = std::fs::read_to_string(stdout(&o).trim()).unwrap();
    assert!(
        eml.contains("In-Reply-To: <invite-1@havnevest.no>"),
        "{eml}"
    );
    assert!(eml.contains("References: <invite-1@havnevest.no>"));
    // Outlook forbade proposals: a tentative REPLY carries the proposal in its text.
    assert!(eml.contains("method=REPLY"), "{eml}");
}

#[test]
fn delegating_checks_who_and_warns_when_they_are_busy() {
    let data = tempfile::tempdir().unwrap();
    let delegate = |to: &str| {
        neitakk(
            data.path(),
            &[
                &[
                    "reply",
                    "examples/uke49.ics",
                    "havnevest-oppfolging@havnevest.no",
                    "--strategy",
                    "delegate",
                    "--delegate-to",
                    to,
                ][..],
                WEEK,
            ]
            .concat(),
        )
    };
    for (to, why) in [
        ("ingrid.berg@fjellfjord.no", "yourself"),
        ("per.olsen@havnevest.no", "organizes"),
        ("foo", "not an e-mail"),
    ] {
        let o = delegate(to);
        assert_eq!(o.status.code(), Some(2), "{to}");
        assert!(stderr(&o).contains(why), "{to}: {}", stderr(&o));
    }
    let o = delegate("Lise Moen <Lise.Moen@fjellfjord.no>");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is also in 'Internt: budsjett 2027'"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains("Jeg har bedt Lise om å møte i mitt sted"),
        "{}",
        stdout(&o)
    );
}
