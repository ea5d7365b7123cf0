//! What a reply may be: the strategy chosen for a meeting, whether it can
//! be written honestly, and who a delegation goes to. The refusals are
//! typed and name no flag or field: each front words them for its user.

use crate::analysis::Assessed;
use crate::config::Settings;
use neitakk_core::{Lang, Meeting, Strategy};
use neitakk_ical::itip::Person;

/// What to answer and how: the options `reply` and the server's meeting page share.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    /// Instead of the recommended strategy.
    pub strategy: Option<Strategy>,
    pub lang: Option<Lang>,
    /// The length to propose when shortening.
    pub minutes: Option<u32>,
    /// The user's own words for a briefing.
    pub note: Option<String>,
    pub delegate_to: Option<String>,
    /// Reasons the user gives.
    pub reasons: Vec<neitakk_core::Reason>,
    /// Answer for the whole series.
    pub series: bool,
    /// With `series`: meet every N-th time.
    pub every: Option<u32>,
}

/// A reply that cannot be written as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("you organize this meeting: change or cancel it in your calendar (neitakk answers invitations)")]
    Organizer,
    #[error("{minutes} minutes is not shorter than the {planned}-minute meeting")]
    NotShorter { minutes: u32, planned: u32 },
    #[error("{chosen} does not fit this meeting: {why}")]
    DoesNotFit { chosen: Strategy, why: Misfit },
    #[error("meeting every n-th time is less-often, not {0}")]
    EveryIsLessOften(Strategy),
    #[error("this meeting is not part of a recurring series")]
    NotASeries,
    #[error("a whole series can be attended, taken as a call, shortened, met less often or declined, not answered with {0}")]
    NotForASeries(Strategy),
    #[error("less-often changes the whole series")]
    LessOftenIsForASeries,
    #[error("a delegate goes with the strategy delegate")]
    DelegateWithoutDelegating,
    #[error("delegating needs someone to delegate to (or a client account manager)")]
    NoDelegate,
    #[error("'{0}' is not an e-mail address")]
    NotAnAddress(String),
    #[error("you cannot delegate a meeting to yourself")]
    DelegateToMyself,
    #[error("{0} organizes this meeting; delegate to someone who is not already in charge")]
    DelegateToOrganizer(String),
    #[error("a reply needs a From address: set profile.emails in the config")]
    NoSender,
}

/// Why a chosen strategy does not fit the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Misfit {
    #[error("the meeting is not in person with travel, so a call saves nothing")]
    NoTravel,
    #[error("the meeting is no longer than it needs ({0} min)")]
    NoLongerThanNeeded(u32),
    #[error("no colleague who owns the client (the client's account_manager) attends")]
    NoColleague,
    #[error("a serious matter is never settled by e-mail alone")]
    Serious,
}

/// The strategy to write: meeting every n-th time means less-often; else
/// the chosen or the recommended one. A whole series takes only what can be
/// asked of a whole series.
pub fn choose_strategy(
    a: &Assessed,
    meeting: &Meeting,
    args: &Choice,
) -> Result<Strategy, Refused> {
    let strategy = match (args.every, args.strategy) {
        (Some(_), None | Some(Strategy::LessOften)) => Strategy::LessOften,
        (Some(_), Some(other)) => {
            return Err(Refused::EveryIsLessOften(other));
        }
        (None, chosen) => chosen.unwrap_or(a.decision.recommended.strategy),
    };
    if args.series {
        if meeting.series.is_none() {
            return Err(Refused::NotASeries);
        }
        let whole = [
            Strategy::Attend,
            Strategy::PhoneCall,
            Strategy::Shorten,
            Strategy::LessOften,
            Strategy::Decline,
        ];
        if !whole.contains(&strategy) {
            return Err(Refused::NotForASeries(strategy));
        }
    } else if strategy == Strategy::LessOften {
        return Err(Refused::LessOftenIsForASeries);
    }
    Ok(strategy)
}

/// Refuses what cannot be written honestly, and warns about what is risky.
pub fn check_choice(a: &Assessed, strategy: Strategy, args: &Choice) -> Result<(), Refused> {
    let f = &a.facts;
    if f.role == neitakk_core::Role::Organizer {
        return Err(Refused::Organizer);
    }
    if let Some(n) = args.minutes {
        if n >= f.planned_minutes {
            return Err(Refused::NotShorter {
                minutes: n,
                planned: f.planned_minutes,
            });
        }
        if !matches!(strategy, Strategy::Shorten | Strategy::ShorterCall) {
            tracing::warn!("a length applies to shorten and shorter-call, not to {strategy}");
        }
    }
    if args.note.is_some() && !matches!(strategy, Strategy::BowOut | Strategy::Delegate) {
        tracing::warn!(
            "your note goes into the colleague's briefing (bow-out, delegate), not into {strategy}"
        );
    }
    let Some(chosen) = args.strategy else {
        return Ok(());
    };
    let why_not = match chosen {
        Strategy::PhoneCall | Strategy::ShorterCall
            if f.format != neitakk_core::Format::InPerson || f.travel_minutes == 0 =>
        {
            Some(Misfit::NoTravel)
        }
        Strategy::Shorten | Strategy::ShorterCall if f.planned_minutes <= f.needed_minutes => {
            Some(Misfit::NoLongerThanNeeded(f.planned_minutes))
        }
        Strategy::BowOut if f.colleague.is_none() => Some(Misfit::NoColleague),
        Strategy::EmailForNow if f.matter == neitakk_core::Matter::Serious => Some(Misfit::Serious),
        _ => None,
    };
    if let Some(why) = why_not {
        return Err(Refused::DoesNotFit { chosen, why });
    }
    // A delegation is checked first (who it goes to); its risk is not the point.
    if chosen != a.decision.recommended.strategy && chosen != Strategy::Delegate {
        let risk = a.decision.choice(chosen).map(|c| c.risk);
        let high = risk.is_none_or(|r| r >= neitakk_core::Risk::High)
            || f.weight == Some(neitakk_core::Weight::Key);
        if high {
            tracing::warn!(
                "{chosen} instead of the recommended {}: high risk for the relationship{}",
                a.decision.recommended.strategy,
                if f.weight == Some(neitakk_core::Weight::Key) {
                    " with a key client"
                } else {
                    ""
                }
            );
        }
    }
    Ok(())
}

/// Who to delegate to, from "ola@firma.no" or "Ola Hansen <ola@firma.no>":
/// an address that is not mine, not the organizer's, and (with a warning)
/// someone outside my own organisation.
pub fn delegate_person(
    given: &str,
    meeting: &Meeting,
    client: Option<&neitakk_core::Client>,
    config: &Settings,
) -> Result<Person, Refused> {
    let (name, email) = match given.split_once('<') {
        Some((name, rest)) => (
            Some(name.trim().trim_matches('"').to_owned()).filter(|n| !n.is_empty()),
            rest.trim_end_matches('>'),
        ),
        None => (None, given),
    };
    let email = email.trim().to_ascii_lowercase();
    let valid = email
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'));
    if !valid {
        return Err(Refused::NotAnAddress(given.to_owned()));
    }
    if config.profile.emails.contains(&email) {
        return Err(Refused::DelegateToMyself);
    }
    if meeting
        .organizer
        .as_deref()
        .is_some_and(|o| o.email == email)
    {
        return Err(Refused::DelegateToOrganizer(email));
    }
    let own_domains: Vec<&str> = config
        .profile
        .emails
        .iter()
        .filter_map(|e| e.split_once('@').map(|(_, d)| d))
        .collect();
    if !own_domains
        .iter()
        .any(|d| email.ends_with(&format!("@{d}")))
    {
        tracing::warn!("{email} is outside your organisation: they will get the client briefing");
    }
    let name = name.unwrap_or_else(|| person_name(&email, meeting, client));
    Ok(Person::new(&email, Some(name)))
}

/// A person's name for a message: their CN in the meeting, the account
/// manager's name, else made from the address ("ola.hansen@" -> "Ola Hansen").
pub fn person_name(
    email: &str,
    meeting: &Meeting,
    client: Option<&neitakk_core::Client>,
) -> String {
    if let Some(name) = meeting
        .people()
        .find(|p| p.email.eq_ignore_ascii_case(email))
        .and_then(|p| p.name.clone())
    {
        return name;
    }
    if let Some(name) = client
        .filter(|c| {
            c.account_manager
                .as_deref()
                .is_some_and(|am| am.eq_ignore_ascii_case(email))
        })
        .and_then(|c| c.account_manager_name.clone())
    {
        return name;
    }
    let local = email.split('@').next().unwrap_or(email);
    local
        .split(['.', '_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{parse_week, Loaded};
    use neitakk_core::facts::Overrides;
    use std::path::{Path, PathBuf};

    /// The example week as seen on its Monday morning, with no journal.
    fn example() -> (crate::config::Config, Loaded) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let now = crate::clock::parse_now("2026-11-30T07:00:00+01:00").unwrap();
        let mut config =
            crate::config::load(Some(&root.join("examples/neitakk.toml")), None, now).unwrap();
        config.data_dir = PathBuf::from("/nonexistent/neitakk-journal");
        let week = parse_week("2026-W49", config.profile.timezone).unwrap();
        let file = root.join("examples/uke49.ics");
        let loaded = Loaded::load(
            file.to_str().unwrap(),
            week,
            crate::analysis::Purpose::Assess,
            &config,
        )
        .unwrap();
        (config, loaded)
    }

    fn assessed(config: &Settings, loaded: &Loaded, uid: &str) -> Assessed {
        let index = loaded.index(config);
        let m = loaded.calendar.iter().find(|m| m.uid == uid).unwrap();
        loaded.assess(&index, m, config, &Overrides::default())
    }

    fn chosen(strategy: Strategy) -> Choice {
        Choice {
            strategy: Some(strategy),
            ..Choice::default()
        }
    }

    const WORKSHOP: &str = "havnevest-workshop-49@havnevest.no";
    const LOFOTEN: &str = "lofoten-status@lofotensjomat.no";

    #[test]
    fn the_strategy_follows_the_choice_and_a_series_takes_only_what_fits_it() {
        let (config, loaded) = example();
        let workshop = assessed(&config, &loaded, WORKSHOP);
        let lofoten = assessed(&config, &loaded, LOFOTEN);
        let recommended = workshop.decision.recommended.strategy;
        assert_eq!(
            choose_strategy(&workshop, &workshop.meeting, &Choice::default()),
            Ok(recommended)
        );
        let every = Choice {
            every: Some(2),
            series: true,
            ..Choice::default()
        };
        assert_eq!(
            choose_strategy(&lofoten, &lofoten.meeting, &every),
            Ok(Strategy::LessOften)
        );
        let every_but_decline = Choice {
            strategy: Some(Strategy::Decline),
            ..every.clone()
        };
        assert_eq!(
            choose_strategy(&lofoten, &lofoten.meeting, &every_but_decline),
            Err(Refused::EveryIsLessOften(Strategy::Decline))
        );
        let series = |s| Choice {
            series: true,
            ..chosen(s)
        };
        assert_eq!(
            choose_strategy(&workshop, &workshop.meeting, &series(Strategy::Decline)),
            Err(Refused::NotASeries)
        );
        assert_eq!(
            choose_strategy(&lofoten, &lofoten.meeting, &series(Strategy::BowOut)),
            Err(Refused::NotForASeries(Strategy::BowOut))
        );
        assert_eq!(
            choose_strategy(&lofoten, &lofoten.meeting, &chosen(Strategy::LessOften)),
            Err(Refused::LessOftenIsForASeries)
        );
    }

    #[test]
    fn what_cannot_be_written_honestly_is_refused() {
        let (config, loaded) = example();
        let workshop = assessed(&config, &loaded, WORKSHOP);
        let lofoten = assessed(&config, &loaded, LOFOTEN);
        // A video meeting: a call saves no travel.
        assert_eq!(
            check_choice(&lofoten, Strategy::PhoneCall, &chosen(Strategy::PhoneCall)),
            Err(Refused::DoesNotFit {
                chosen: Strategy::PhoneCall,
                why: Misfit::NoTravel
            })
        );
        let planned = workshop.facts.planned_minutes;
        let longer = Choice {
            minutes: Some(planned),
            ..chosen(Strategy::Shorten)
        };
        assert_eq!(
            check_choice(&workshop, Strategy::Shorten, &longer),
            Err(Refused::NotShorter {
                minutes: planned,
                planned
            })
        );
        let mut serious = lofoten.clone();
        serious.facts.matter = neitakk_core::Matter::Serious;
        assert_eq!(
            check_choice(
                &serious,
                Strategy::EmailForNow,
                &chosen(Strategy::EmailForNow)
            ),
            Err(Refused::DoesNotFit {
                chosen: Strategy::EmailForNow,
                why: Misfit::Serious
            })
        );
        let mut mine = workshop.clone();
        mine.facts.role = neitakk_core::Role::Organizer;
        assert_eq!(
            check_choice(&mine, Strategy::Decline, &Choice::default()),
            Err(Refused::Organizer)
        );
        // The recommendation itself always passes.
        let r = workshop.decision.recommended.strategy;
        assert_eq!(check_choice(&workshop, r, &Choice::default()), Ok(()));
    }

    #[test]
    fn a_delegate_is_someone_else_with_an_address() {
        let (config, loaded) = example();
        let workshop = &assessed(&config, &loaded, WORKSHOP).meeting;
        let person = delegate_person(
            "Lise Moen <Lise.Moen@fjellfjord.no>",
            workshop,
            None,
            &config,
        );
        assert_eq!(
            person.map(|p| (p.email, p.name)),
            Ok((
                "lise.moen@fjellfjord.no".to_owned(),
                Some("Lise Moen".to_owned())
            ))
        );
        // A name made from the address when nobody gave one.
        let named = delegate_person("ola.hansen@fjellfjord.no", workshop, None, &config).unwrap();
        assert_eq!(named.name.as_deref(), Some("Ola Hansen"));
        assert_eq!(
            delegate_person("lise", workshop, None, &config),
            Err(Refused::NotAnAddress("lise".into()))
        );
        let me = config.profile.emails[0].clone();
        assert_eq!(
            delegate_person(&me, workshop, None, &config),
            Err(Refused::DelegateToMyself)
        );
        let organizer = workshop.organizer.as_ref().unwrap().email.clone();
        assert_eq!(
            delegate_person(&organizer, workshop, None, &config),
            Err(Refused::DelegateToOrganizer(organizer.clone()))
        );
    }
}
