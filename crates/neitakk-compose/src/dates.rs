//! Dates and times as each language writes them.

use chrono::{DateTime, Locale, Utc};
use neitakk_core::Lang;
use neitakk_core::Tz;

fn locale(lang: Lang) -> Locale {
    match lang {
        Lang::Nb => Locale::nb_NO,
        Lang::En => Locale::en_GB,
    }
}

/// "torsdag 3. desember" / "Thursday 3 December".
pub fn date(t: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let pattern = match lang {
        Lang::Nb => "%A %-d. %B",
        Lang::En => "%A %-d %B",
    };
    t.with_timezone(&tz)
        .format_localized(pattern, locale(lang))
        .to_string()
}

/// "09.00" / "09:00".
pub fn time(t: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let pattern = match lang {
        Lang::Nb => "%H.%M",
        Lang::En => "%H:%M",
    };
    t.with_timezone(&tz).format(pattern).to_string()
}

/// "torsdag 3. desember kl. 09.00" / "Thursday 3 December at 09:00".
pub fn date_time(t: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    match lang {
        Lang::Nb => format!("{} kl. {}", date(t, tz, lang), time(t, tz, lang)),
        Lang::En => format!("{} at {}", date(t, tz, lang), time(t, tz, lang)),
    }
}

/// For tables: "tor. 3. des. 09.00" / "Thu 3 Dec 09:00".
pub fn short(t: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let pattern = match lang {
        Lang::Nb => "%a %-d. %b %H.%M",
        Lang::En => "%a %-d %b %H:%M",
    };
    t.with_timezone(&tz)
        .format_localized(pattern, locale(lang))
        .to_string()
}

/// A slot: "torsdag 3. desember kl. 09.00–10.00" / "Thursday 3 December, 09:00–10:00".
pub fn span(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let (date, from, to) = (
        date(start, tz, lang),
        time(start, tz, lang),
        time(end, tz, lang),
    );
    match lang {
        Lang::Nb => format!("{date} kl. {from}–{to}"),
        Lang::En => format!("{date}, {from}–{to}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages() {
        let t = DateTime::parse_from_rfc3339("2026-12-03T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let oslo = neitakk_core::Tz::named("Europe/Oslo").unwrap();
        assert_eq!(
            date_time(t, oslo, Lang::Nb),
            "torsdag 3. desember kl. 09.00"
        );
        assert_eq!(date_time(t, oslo, Lang::En), "Thursday 3 December at 09:00");
    }
}
