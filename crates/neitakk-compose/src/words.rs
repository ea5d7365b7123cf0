//! Short texts in each language: names of strategies, risks and reasons, the
//! reason sentences in messages, and the rule trail.

use neitakk_core::{Lang, Reason, Risk, Step, Strategy};

/// A strategy's name for people.
pub fn strategy(s: Strategy, lang: Lang) -> &'static str {
    use Strategy::*;
    match (lang, s) {
        (Lang::Nb, Attend) => "delta",
        (Lang::Nb, PhoneCall) => "telefon/video",
        (Lang::Nb, Shorten) => "kortere møte",
        (Lang::Nb, ShorterCall) => "kort samtale",
        (Lang::Nb, EmailForNow) => "e-post nå",
        (Lang::Nb, BowOut) => "overlat til kollega",
        (Lang::Nb, Reschedule) => "ny tid",
        (Lang::Nb, Delegate) => "send en kollega",
        (Lang::Nb, LessOften) => "sjeldnere møter",
        (Lang::Nb, Decline) => "avslå",
        (Lang::En, Attend) => "attend",
        (Lang::En, PhoneCall) => "phone/video call",
        (Lang::En, Shorten) => "shorter meeting",
        (Lang::En, ShorterCall) => "short call",
        (Lang::En, EmailForNow) => "email for now",
        (Lang::En, BowOut) => "bow out",
        (Lang::En, Reschedule) => "reschedule",
        (Lang::En, Delegate) => "delegate",
        (Lang::En, LessOften) => "meet less often",
        (Lang::En, Decline) => "decline",
    }
}

/// A risk level for people.
pub fn risk(r: Risk, lang: Lang) -> &'static str {
    use Risk::*;
    match (lang, r) {
        (Lang::Nb, VeryLow) => "svært lav",
        (Lang::Nb, Low) => "lav",
        (Lang::Nb, Medium) => "middels",
        (Lang::Nb, High) => "høy",
        (Lang::Nb, VeryHigh) => "svært høy",
        (Lang::En, VeryLow) => "very low",
        (Lang::En, Low) => "low",
        (Lang::En, Medium) => "medium",
        (Lang::En, High) => "high",
        (Lang::En, VeryHigh) => "very high",
    }
}

/// A reason's name for people.
pub fn reason(r: Reason, lang: Lang) -> &'static str {
    use Reason::*;
    match (lang, r) {
        (Lang::Nb, Workload) => "full uke",
        (Lang::Nb, Conflict) => "kollisjon",
        (Lang::Nb, Repetitive) => "gjentakende",
        (Lang::Nb, NotNeeded) => "ikke nødvendig",
        (Lang::Nb, Illness) => "sykdom",
        (Lang::Nb, Emergency) => "akutt",
        (Lang::Nb, Dislike) => "ulyst",
        (Lang::En, Workload) => "workload",
        (Lang::En, Conflict) => "conflict",
        (Lang::En, Repetitive) => "repetitive",
        (Lang::En, NotNeeded) => "not needed",
        (Lang::En, Illness) => "illness",
        (Lang::En, Emergency) => "emergency",
        (Lang::En, Dislike) => "dislike",
    }
}

/// The honest, brief sentence a message gives for a reason.
pub fn reason_sentence(r: Option<Reason>, lang: Lang) -> &'static str {
    use Reason::*;
    match (lang, r) {
        (Lang::Nb, Some(Workload)) => "Uka mi har blitt fullere enn jeg hadde planlagt.",
        (Lang::Nb, Some(Conflict)) => "Jeg har dessverre fått noe annet i kalenderen på samme tid.",
        (Lang::Nb, Some(Repetitive)) => {
            "Vi har hatt en del møter om dette i det siste, og jeg tror vi kan bruke tiden litt smartere."
        }
        (Lang::Nb, Some(NotNeeded)) => "Jeg tror ikke dere trenger meg i dette møtet.",
        (Lang::Nb, Some(Illness)) => "Jeg er dessverre blitt syk.",
        (Lang::Nb, Some(Emergency)) => "Det har dessverre dukket opp noe akutt som jeg må ta meg av.",
        (Lang::Nb, Some(Dislike) | None) => "",
        (Lang::En, Some(Workload)) => "Unfortunately my week has turned out busier than planned.",
        (Lang::En, Some(Conflict)) => "Unfortunately something else has come up in my calendar at the same time.",
        (Lang::En, Some(Repetitive)) => {
            "We have met about this quite often lately, and I think we can use the time a little better."
        }
        (Lang::En, Some(NotNeeded)) => "I don't think you need me in this meeting.",
        (Lang::En, Some(Illness)) => "I'm afraid I've fallen ill.",
        (Lang::En, Some(Emergency)) => "Something urgent has come up that I need to deal with.",
        (Lang::En, Some(Dislike) | None) => "",
    }
}

/// The reason for changing a whole series: a lasting one.
pub fn series_reason(lang: Lang) -> &'static str {
    match lang {
        Lang::Nb => "Jeg går gjennom de faste møtene mine for å få bedre tid til selve arbeidet.",
        Lang::En => "I'm going through my regular meetings to make more room for the work itself.",
    }
}

fn reasons(list: &[Reason], lang: Lang) -> String {
    list.iter()
        .map(|r| reason(*r, lang))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Minutes as people say them: "45 min", "2 t 15 min" / "2 h 15 min".
fn duration(minutes: u32, lang: Lang) -> String {
    let h = if lang == Lang::Nb { "t" } else { "h" };
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (n, 0) => format!("{n} {h}"),
        (n, m) => format!("{n} {h} {m} min"),
    }
}

/// "a, b and c" / "a, b og c".
fn and_list(items: &[String], lang: Lang) -> String {
    let and = if lang == Lang::Nb { "og" } else { "and" };
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {and} {last}", rest.join(", ")),
    }
}

/// One step of the rule trail in plain words.
pub fn step(s: &Step, lang: Lang) -> String {
    let nb = lang == Lang::Nb;
    match s {
        Step::Internal => {
            if nb { "Ingen kunde deltar: et internt møte, ingen strategi." } else { "No client takes part: an internal meeting, no strategy." }.into()
        }
        Step::Cancelled => if nb { "Møtet er avlyst." } else { "The meeting is cancelled." }.into(),
        Step::Organizer => {
            if nb { "Du er arrangør: endre møtet i kalenderen din i stedet for å svare på det." } else { "You organize it: change it in your calendar rather than answer it." }.into()
        }
        Step::Reasons { valid, rejected } => {
            let mut out = String::new();
            if !valid.is_empty() {
                out += &if nb { format!("Grunner: {}.", reasons(valid, lang)) } else { format!("Reasons: {}.", reasons(valid, lang)) };
            }
            if !rejected.is_empty() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out += &if nb {
                    format!("Ikke gyldig grunn: {}.", reasons(rejected, lang))
                } else {
                    format!("Not a valid reason: {}.", reasons(rejected, lang))
                };
            }
            out
        }
        Step::KeyClient { client } => {
            if nb {
                format!("Regel 1: {client} er en nøkkelkunde, så relasjonen går først: delta. Alternativene er merket med høy risiko.")
            } else {
                format!("Rule 1: {client} is a key client, so the relationship comes first: attend. The alternatives are marked high risk.")
            }
        }
        Step::KeyClientUrgent { reason: r } => {
            if nb {
                format!("Regel 1, unntak: {} gjør at selv et nøkkelmøte flyttes.", reason(*r, lang))
            } else {
                format!("Rule 1, exception: {} moves even a key client's meeting.", reason(*r, lang))
            }
        }
        Step::NoValidReason => {
            if nb { "Regel 2: ingen gyldig grunn til å begrense møtet, så delta." } else { "Rule 2: no valid reason to limit the meeting, so attend." }.into()
        }
        Step::MemoryRaises { recent } => {
            if nb {
                format!("Regel 5: {recent} møter med kunden er begrenset de siste 30 dagene, så all risiko økes ett trinn.")
            } else {
                format!("Rule 5: {recent} meetings with this client were limited in the last 30 days, so every risk goes up one step.")
            }
        }
        Step::MemoryAttend { recent } => {
            if nb {
                format!("Regel 5: {recent} møter med kunden er begrenset de siste 30 dagene; nå bør du delta.")
            } else {
                format!("Rule 5: {recent} meetings with this client were limited in the last 30 days; this time, attend.")
            }
        }
        Step::Gentlest { strategy: s, risk: r, minutes } => {
            if nb {
                format!("Regel 4: begrens heller enn å avlyse. Den mildeste strategien som frigjør det grunnen krever, er {} ({} min, risiko {}).", strategy(*s, lang), minutes, risk(*r, lang))
            } else {
                format!("Rule 4: limit rather than cancel. The gentlest strategy that frees what the reason needs is {} ({} min, {} risk).", strategy(*s, lang), minutes, risk(*r, lang))
            }
        }
        Step::DeclineLastResort => {
            if nb { "Regel 4: ingenting mildere passer, og kunden veier lite: avslå." } else { "Rule 4: nothing gentler fits and the client weighs little: decline." }.into()
        }
        Step::NothingFits => {
            if nb { "Regel 4: ingen strategi frigjør det grunnen krever, og kunden veier for mye til å si nei: delta." } else { "Rule 4: no strategy frees what the reason needs, and the client weighs too much to decline: attend." }.into()
        }
        Step::WarnHighRisk => {
            if nb { "Advarsel: å si nei har høy risiko for relasjonen." } else { "Warning: declining puts the relationship at high risk." }.into()
        }
        Step::SeriousMatter { reschedule: true } => {
            if nb { "Regel 3: en alvorlig sak (klage, avvik, eskalering) skal møtes. Den kan ikke være nå, så finn en ny tid så snart som mulig." } else { "Rule 3: a serious matter (a complaint, a deviation, an escalation) is met. It cannot be now, so find a new time as soon as possible." }.into()
        }
        Step::SeriousMatter { reschedule: false } => {
            if nb { "Regel 3: en alvorlig sak (klage, avvik, eskalering) skal møtes: delta, uten å korte ned." } else { "Rule 3: a serious matter (a complaint, a deviation, an escalation) is met: attend, in full." }.into()
        }
        Step::OptionalSeat => {
            if nb { "Arrangøren har satt deg som valgfri, og ingen kollega deltar for deg: et vennlig nei er greit. Tilby å lese referatet og bidra skriftlig." } else { "The organizer marked your seat optional and no colleague attends for you: a friendly no is fine. Offer to read the notes and help in writing." }.into()
        }
        Step::WeekPlan { need, freed_elsewhere, strategy: st, minutes } => {
            if nb {
                format!("Uka er {} over taket, og ukeplanen frigjør det med minst mulig risiko for relasjonene: {} her frigjør {}{}.", duration(*need, lang), strategy(*st, lang), duration(*minutes, lang), if *freed_elsewhere > 0 { format!(", og andre møter frigjør {}", duration(*freed_elsewhere, lang)) } else { String::new() })
            } else {
                format!("The week is {} over its cap, and the week's plan frees that at the least risk to the relationships: {} here frees {}{}.", duration(*need, lang), strategy(*st, lang), duration(*minutes, lang), if *freed_elsewhere > 0 { format!(", and other meetings free {}", duration(*freed_elsewhere, lang)) } else { String::new() })
            }
        }
        Step::WeekUnderCap { changes, more } => {
            let mut list = changes
                .iter()
                .map(|c| if nb { format!("«{}» blir {}", c.title, strategy(c.strategy, lang)) } else { format!("\"{}\" becomes {}", c.title, strategy(c.strategy, lang)) })
                .collect::<Vec<_>>();
            if *more > 0 {
                list.push(if nb { format!("{more} møter til endres") } else { format!("{more} more meetings change") });
            }
            let list = and_list(&list, lang);
            if nb { format!("Uka kommer under taket når {list}: dette møtet kan stå, så delta.") } else { format!("The week is under its cap once {list}: this meeting can stay, so attend.") }
        }
        Step::WeekOverCap { left } => {
            if nb { format!("Uka er likevel {} over taket: resten ville bryte reglene (nøkkelkunder, alvorlige saker, hukommelsen).", duration(*left, lang)) } else { format!("Even so, the week stays {} over its cap: the rest would break the rules (key clients, serious matters, memory).", duration(*left, lang)) }
        }
        Step::FollowUpCall => {
            if nb { "En beslutning skal tas: planlegg en kort telefon etter e-posten." } else { "A decision is due: plan a short call after the email." }.into()
        }
    }
}

/// A client weight for people.
pub fn weight(w: neitakk_core::Weight, lang: Lang) -> &'static str {
    use neitakk_core::Weight::*;
    match (lang, w) {
        (Lang::Nb, Key) => "nøkkel",
        (Lang::Nb, Regular) => "vanlig",
        (Lang::Nb, Minor) => "liten",
        (Lang::En, Key) => "key",
        (Lang::En, Regular) => "regular",
        (Lang::En, Minor) => "minor",
    }
}

/// Hours with one decimal, as the language writes numbers: "6,5 t" / "6.5 h".
pub fn hours(minutes: u32, lang: Lang) -> String {
    let h = format!("{:.1}", f64::from(minutes) / 60.0);
    match lang {
        Lang::Nb => format!("{} t", h.replace('.', ",")),
        Lang::En => format!("{h} h"),
    }
}

/// The other facts' values for people: role, format, matter, flexibility.
pub fn fact(value: &str, lang: Lang) -> &str {
    if lang == Lang::En {
        return match value {
            "direct-contact" => "direct contact",
            "brought-in" => "brought in by a colleague",
            "in-person" => "in person",
            other => other,
        };
    }
    match value {
        "organizer" => "arrangør",
        "direct-contact" => "direkte kontakt",
        "brought-in" => "hentet inn av kollega",
        "optional" => "valgfri",
        "in-person" => "fysisk",
        "remote" => "digitalt",
        "routine" => "rutine",
        "decision" => "beslutning",
        "serious" => "alvorlig",
        "high" => "høy",
        "normal" => "normal",
        "low" => "lav",
        other => other,
    }
}

/// How often a series would meet if it met every `n`-th time of its rule:
/// "annenhver uke" / "every other week" (a fortnightly rule and n = 2 give
/// "hver fjerde uke").
pub fn every(rrule: &str, n: u32, lang: Lang) -> String {
    let interval: u32 = rrule
        .split(';')
        .find_map(|p| p.trim().strip_prefix("INTERVAL="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let n = interval.saturating_mul(n);
    let freq = rrule
        .split(';')
        .find_map(|p| p.trim().strip_prefix("FREQ="))
        .unwrap_or("WEEKLY")
        .to_ascii_uppercase();
    let nb_ordinal = [
        "",
        "",
        "annenhver",
        "hver tredje",
        "hver fjerde",
        "hver femte",
        "hver sjette",
    ];
    let en_ordinal = [
        "",
        "",
        "every other",
        "every third",
        "every fourth",
        "every fifth",
        "every sixth",
    ];
    let (nb_unit, en_unit) = match freq.as_str() {
        "DAILY" => ("dag", "day"),
        "MONTHLY" => ("måned", "month"),
        "YEARLY" => ("år", "year"),
        _ => ("uke", "week"),
    };
    let i = usize::try_from(n).unwrap_or(0);
    match lang {
        Lang::Nb if i < nb_ordinal.len() && i >= 2 => format!("{} {nb_unit}", nb_ordinal[i]),
        Lang::En if i < en_ordinal.len() && i >= 2 => format!("{} {en_unit}", en_ordinal[i]),
        Lang::Nb => format!("hver {n}. {nb_unit}"),
        Lang::En => format!("every {n} {en_unit}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_counts_from_the_rule() {
        assert_eq!(every("FREQ=WEEKLY;BYDAY=MO", 2, Lang::Nb), "annenhver uke");
        assert_eq!(
            every("FREQ=WEEKLY;INTERVAL=2", 2, Lang::Nb),
            "hver fjerde uke"
        );
        assert_eq!(every("FREQ=MONTHLY", 3, Lang::En), "every third month");
        assert_eq!(every("FREQ=WEEKLY", 8, Lang::En), "every 8 weeks");
    }
}
