//! `neitakk explain`: the facts, the rule trail and the alternatives.

use neitakk_compose::words;
use neitakk_core::Lang;

/// "yes" or "no" in the language.
pub fn yes_no(b: bool, lang: Lang) -> &'static str {
    match (b, lang) {
        (true, Lang::Nb) => "ja",
        (true, Lang::En) => "yes",
        (false, Lang::Nb) => "nei",
        (false, Lang::En) => "no",
    }
}

/// The facts about a meeting, labelled in the language.
pub fn fact_rows(f: &neitakk_core::Facts, lang: Lang) -> Vec<(&'static str, String)> {
    let nb = lang == Lang::Nb;
    let facts: Vec<(&str, &str, String)> = vec![
        (
            "kunde",
            "client",
            f.client.clone().unwrap_or_else(|| {
                if nb {
                    "(ingen: internt)"
                } else {
                    "(none: internal)"
                }
                .into()
            }),
        ),
        (
            "kundenivå",
            "client tier",
            f.weight
                .map_or(String::new(), |w| words::weight(w, lang).into()),
        ),
        (
            "min rolle",
            "my role",
            words::fact(f.role.as_str(), lang).into(),
        ),
        (
            "format",
            "format",
            words::fact(f.format.as_str(), lang).into(),
        ),
        (
            "reise (hver vei)",
            "travel (each way)",
            format!("{} min", f.travel_minutes),
        ),
        (
            "planlagt / nødvendig tid",
            "planned / needed time",
            format!("{} / {} min", f.planned_minutes, f.needed_minutes),
        ),
        ("sak", "matter", words::fact(f.matter.as_str(), lang).into()),
        (
            "fleksibilitet",
            "flexibility",
            words::fact(f.flexibility.as_str(), lang).into(),
        ),
        (
            "lignende møter de siste ukene",
            "similar meetings in recent weeks",
            f.repetition.to_string(),
        ),
        (
            "gjentakende serie",
            "recurring series",
            yes_no(f.recurring, lang).into(),
        ),
        (
            "belastning denne uka (møter og reise)",
            "load this week (meetings and travel)",
            format!(
                "{} / {}",
                words::hours(f.week_minutes, lang),
                words::hours(f.week_cap_minutes, lang)
            ),
        ),
        (
            "kollisjon",
            "conflict",
            f.conflict.as_ref().map_or_else(
                || yes_no(false, lang).into(),
                |c| c.summary.clone().unwrap_or_else(|| c.uid.clone()),
            ),
        ),
        (
            "kollega som deltar",
            "colleague attending",
            f.colleague_name
                .clone()
                .or_else(|| f.colleague.clone())
                .unwrap_or_else(|| yes_no(false, lang).into()),
        ),
        (
            "ganger begrenset, siste 30 dager",
            "times limited, last 30 days",
            f.recent_limits.to_string(),
        ),
    ];
    facts
        .into_iter()
        .map(|(n, e, v)| (if nb { n } else { e }, v))
        .collect()
}
