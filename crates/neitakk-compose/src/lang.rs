//! Choosing the language of a message.

use neitakk_core::Lang;

const NB_WORDS: &[&str] = &[
    "og",
    "jeg",
    "det",
    "ikke",
    "med",
    "på",
    "til",
    "er",
    "vi",
    "som",
    "en",
    "et",
    "av",
    "for",
    "har",
    "møte",
    "hei",
    "hilsen",
    "vennlig",
    "kan",
    "skal",
    "vil",
    "om",
    "dere",
    "oss",
    "fra",
    "status",
    "gjennomgang",
    "oppfølging",
];
const EN_WORDS: &[&str] = &[
    "the", "and", "to", "of", "we", "is", "meeting", "for", "with", "you", "please", "our", "will",
    "on", "are", "review", "regards", "best", "this", "be", "at", "agenda", "update", "follow",
];

/// The language a text is written in, if it says enough to tell.
///
/// Only the languages neitakk writes are told apart, so a small word list
/// does the work of a general detector.
pub fn detect(text: &str) -> Option<Lang> {
    let lower = text.to_lowercase();
    let mut nb = lower
        .chars()
        .filter(|c| matches!(c, 'æ' | 'ø' | 'å'))
        .count()
        .min(5);
    let mut en = 0;
    for word in lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
    {
        nb += usize::from(NB_WORDS.contains(&word));
        en += usize::from(EN_WORDS.contains(&word));
    }
    match nb.cmp(&en) {
        _ if nb.max(en) < 2 => None,
        std::cmp::Ordering::Greater => Some(Lang::Nb),
        std::cmp::Ordering::Less => Some(Lang::En),
        std::cmp::Ordering::Equal => None,
    }
}

/// Where the language came from, for the explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangSource {
    Asked,
    Client,
    Invitation,
    Profile,
}

/// The user's choice, else the client's preferred language, else the
/// invitation's, else the profile's default.
pub fn choose(
    asked: Option<Lang>,
    client: Option<Lang>,
    invitation: &str,
    profile: Lang,
) -> (Lang, LangSource) {
    if let Some(l) = asked {
        (l, LangSource::Asked)
    } else if let Some(l) = client {
        (l, LangSource::Client)
    } else if let Some(l) = detect(invitation) {
        (l, LangSource::Invitation)
    } else {
        (profile, LangSource::Profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_both_languages() {
        assert_eq!(
            detect("Ukentlig statusmøte med gjennomgang av leveransen"),
            Some(Lang::Nb)
        );
        assert_eq!(
            detect("Weekly status meeting: review of the delivery and next steps"),
            Some(Lang::En)
        );
        assert_eq!(detect("Q4"), None);
    }

    #[test]
    fn client_wins_over_the_invitation() {
        assert_eq!(
            choose(None, Some(Lang::En), "Statusmøte med oss", Lang::Nb).0,
            Lang::En
        );
        assert_eq!(
            choose(None, None, "Statusmøte med oss og dere", Lang::En),
            (Lang::Nb, LangSource::Invitation)
        );
        assert_eq!(
            choose(None, None, "Q4", Lang::En),
            (Lang::En, LangSource::Profile)
        );
    }
}
