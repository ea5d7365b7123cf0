//! Client registries from CSV exports (a CRM's or a spreadsheet's): the
//! columns each field may come under, and the rows read as clients.

use crate::Result;
use neitakk_core::Client;

/// A registry field and the column names CRM and spreadsheet exports give
/// it (HubSpot, Salesforce, Pipedrive, SuperOffice, Dynamics, Tripletex, in
/// English and Norwegian), as [`normalize`] writes them.
#[rustfmt::skip]
const FIELDS: &[(&str, &[&str])] = &[
    ("name", &[
        "name", "company_name", "company", "account_name", "account", "organization",
        "organisation", "organization_name", "organisation_name", "org_name", "customer",
        "customer_name", "client", "firma", "firmanavn", "kunde", "kundenavn", "selskap",
        "selskapsnavn", "bedrift", "navn", "organisasjon",
    ]),
    ("domains", &[
        "domains", "domain", "company_domain_name", "company_domain", "website",
        "website_url", "web_site", "company_website", "web", "url", "homepage", "nettsted",
        "nettside", "hjemmeside", "domene", "domener", "webadresse", "web_adresse",
    ]),
    ("revenue", &[
        "revenue", "annual_revenue", "annualrevenue", "turnover", "annual_sales", "sales",
        "omsetning", "årsomsetning", "driftsinntekter", "salg",
    ]),
    ("tier", &["tier", "nivå", "kundenivå"]),
    ("flexibility", &["flexibility", "fleksibilitet"]),
    ("language", &["language", "preferred_language", "språk", "målform"]),
    ("contact", &[
        "contact", "contact_name", "contact_person", "primary_contact", "main_contact",
        "kontaktperson", "kontakt", "kontaktnavn",
    ]),
    ("contact_email", &[
        "contact_email", "email", "e_mail", "email_address", "primary_email", "e_post",
        "epost", "e_postadresse", "kontakt_e_post",
    ]),
    ("account_manager", &[
        "account_manager", "account_manager_email", "owner_email", "account_owner_email",
        "kundeansvarlig_e_post",
    ]),
    ("account_manager_name", &[
        "account_manager_name", "owner", "account_owner", "company_owner", "owner_name",
        "sales_rep", "kundeansvarlig", "ansvarlig", "selger", "vår_kontakt",
    ]),
    ("travel_minutes", &["travel_minutes", "travel", "reisetid", "reise"]),
];

/// A column header as compared: lower case, words joined by `_`.
fn normalize(header: &str) -> String {
    header
        .trim()
        .to_lowercase()
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '.' | '/' | '_' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("_")
}

/// Which registry field each column of a CSV fills, and what was left.
#[derive(Debug, Default, PartialEq)]
pub struct Columns {
    /// (column as written, field), in column order.
    pub used: Vec<(String, &'static str)>,
    /// Columns no field took.
    pub left: Vec<String>,
}

impl std::fmt::Display for Columns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let used: Vec<String> = self
            .used
            .iter()
            .map(|(c, to)| format!("{c} → {to}"))
            .collect();
        write!(f, "columns used: {}", used.join(", "))?;
        if !self.left.is_empty() {
            write!(f, "; left: {}", self.left.join(", "))?;
        }
        Ok(())
    }
}

/// A field named with `--map`, and the column it comes from.
pub type Mapped = (&'static str, String);

/// Parses `--map name=Kunde,domains=Nettsted`.
pub fn parse_map(s: &str) -> Result<Vec<Mapped>, String> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|pair| {
            let (field, column) = pair
                .split_once('=')
                .ok_or_else(|| format!("'{pair}': write FIELD=COLUMN, e.g. name=Kunde"))?;
            let field = normalize(field);
            let Some((known, _)) = FIELDS.iter().find(|(f, _)| *f == field) else {
                let all: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
                return Err(format!("'{field}' is not a field ({})", all.join(", ")));
            };
            Ok((*known, column.trim().to_owned()))
        })
        .collect()
}

/// The field each header fills: the mapping first, then the known names.
/// Each field is taken by one column, the first that names it.
fn columns(headers: &[String], map: &[Mapped]) -> (Vec<Option<&'static str>>, Columns) {
    let mut fields: Vec<Option<&'static str>> = headers
        .iter()
        .map(|h| {
            map.iter()
                .find(|(_, column)| normalize(column) == normalize(h))
                .map(|(field, _)| *field)
        })
        .collect();
    for (i, h) in headers.iter().enumerate() {
        if fields[i].is_some() {
            continue;
        }
        let h = normalize(h);
        let known = FIELDS
            .iter()
            .find(|(_, names)| names.contains(&h.as_str()))
            .map(|(f, _)| *f)
            .filter(|f| !fields.contains(&Some(*f)) && !map.iter().any(|(m, _)| m == f));
        fields[i] = known;
    }
    let mut report = Columns::default();
    for (h, f) in headers.iter().zip(&fields) {
        match f {
            Some(f) => report.used.push((h.clone(), f)),
            None => report.left.push(h.clone()),
        }
    }
    (fields, report)
}

/// The mail domain in a website address or an e-mail address:
/// "https://www.havnevest.no/om-oss" and "per@havnevest.no" give "havnevest.no".
fn domain_of(value: &str) -> Option<String> {
    let v = value.trim().to_ascii_lowercase();
    let host = match v.rsplit_once('@') {
        Some((_, d)) => d,
        None => {
            let rest = v.split_once("://").map_or(v.as_str(), |(_, r)| r);
            rest.split(['/', '?', '#', ':']).next().unwrap_or("")
        }
    };
    let host = host.trim_start_matches("www.").trim_matches('.');
    (host.contains('.') && !host.contains(char::is_whitespace)).then(|| host.to_owned())
}

/// A CSV that cannot be read as clients; each names the file, and the row
/// and column where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvProblem {
    #[error("{0}")]
    Unreadable(String),
    #[error("{file}: no column for the client's name (found: {found})")]
    NoNameColumn { file: String, found: String },
}

/// Clients from CSV text, with the columns each field came from; errors
/// name `name`, the row and the column.
pub fn parse_csv(
    name: &str,
    text: &str,
    map: &[Mapped],
) -> Result<(Vec<Client>, Columns), CsvProblem> {
    let bad_input = CsvProblem::Unreadable;
    // Spreadsheets set to Norwegian write semicolons; tell by the header line.
    let first = text.lines().next().unwrap_or("");
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| bad_input(format!("{name}: {e}")))?
        .iter()
        // Excel starts a UTF-8 export with a byte-order mark.
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    for (field, column) in map {
        if !headers.iter().any(|h| normalize(h) == normalize(column)) {
            return Err(bad_input(format!(
                "{name}: no column '{column}' for {field} (found: {})",
                headers.join(", ")
            )));
        }
    }
    let (fields, report) = columns(&headers, map);
    if !fields.contains(&Some("name")) {
        return Err(CsvProblem::NoNameColumn {
            file: name.to_owned(),
            found: headers.join(", "),
        });
    }
    let mut clients = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.map_err(|e| bad_input(format!("{name}:{line}: {e}")))?;
        let mut c = Client::default();
        let mut email_domain = None;
        for ((h, field), value) in headers.iter().zip(&fields).zip(record.iter()) {
            let Some(field) = field else { continue };
            if value.is_empty() {
                continue;
            }
            let bad = |what: &str| bad_input(format!("{name}:{line}: column '{h}': {what}"));
            match *field {
                "name" => c.name = value.to_owned(),
                "domains" => {
                    c.domains = value
                        .split([';', ' ', ',', '|'])
                        .filter_map(domain_of)
                        .collect()
                }
                "tier" => c.tier = Some(value.parse().map_err(|e: String| bad(&e))?),
                "revenue" => {
                    c.revenue = Some(
                        parse_amount(value)
                            .ok_or_else(|| bad(&format!("'{value}' is not an amount")))?,
                    )
                }
                "flexibility" => c.flexibility = Some(value.parse().map_err(|e: String| bad(&e))?),
                "language" => {
                    c.language = Some(
                        neitakk_core::Lang::from_tag(value).ok_or_else(|| bad("use nb or en"))?,
                    )
                }
                "contact" => c.contact = Some(value.to_owned()),
                "contact_email" => {
                    c.contact_email = Some(value.to_owned());
                    email_domain = domain_of(value);
                }
                // An owner column holds a name or an address; either is kept.
                "account_manager" | "account_manager_name" if value.contains('@') => {
                    c.account_manager = Some(value.to_ascii_lowercase());
                }
                "account_manager" | "account_manager_name" => {
                    c.account_manager_name = Some(value.to_owned());
                }
                "travel_minutes" => {
                    c.travel_minutes = Some(
                        value
                            .parse()
                            .map_err(|_| bad(&format!("'{value}' is not whole minutes")))?,
                    )
                }
                _ => {}
            }
        }
        if c.name.is_empty() {
            return Err(bad_input(format!("{name}:{line}: the client has no name")));
        }
        // Without a domain column, the contact's address tells the domain.
        if c.domains.is_empty() {
            c.domains.extend(email_domain);
        }
        clients.push(c);
    }
    Ok((clients, report))
}

/// An amount as people write it: "1 200 000", "1.200.000", "1,200,000",
/// "1200000.50", "1,5" (a decimal comma), with or without "kr"/"NOK".
pub fn parse_amount(value: &str) -> Option<f64> {
    let compact: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect::<String>()
        .to_lowercase();
    // A currency before or after, and a scale after: "kr 1,2 mill", "1.2MNOK", "500k".
    let compact = compact.trim_start_matches(|c: char| c.is_alphabetic() || "$€£".contains(c));
    let number_end = compact
        .rfind(|c: char| c.is_ascii_digit())
        .map_or(0, |i| i + 1);
    let (number, suffix) = compact.split_at(number_end);
    let mut scale = suffix.trim_end_matches(['$', '€', '£', '.']);
    for currency in ["nok", "kr", "usd", "eur", "sek", "dkk", "gbp"] {
        scale = scale.strip_suffix(currency).unwrap_or(scale);
    }
    let factor = match scale.trim_end_matches('.') {
        "" => 1.0,
        "k" | "t" | "tusen" => 1e3,
        "m" | "mill" | "mln" | "million" | "millioner" | "mio" => 1e6,
        "mrd" | "bn" | "billion" | "milliard" | "milliarder" => 1e9,
        _ => return None,
    };
    let s = number.to_owned();
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    // Groups of three after every separator: thousands, whichever the mark.
    let grouped = |sep: char| {
        let parts: Vec<&str> = s.split(sep).collect();
        parts.len() > 1
            && parts[1..].iter().all(|p| p.len() == 3)
            && !parts[0].is_empty()
            && parts[0].len() <= 3
    };
    // With a scale, one mark is the decimal one: "1,250 mill" is 1.25 million.
    let one_mark = s.matches([',', '.']).count() == 1;
    let normal = if !s.contains(',') && !s.contains('.') {
        s
    } else if factor == 1.0
        && (grouped(',') && !s.contains('.') || grouped('.') && !s.contains(','))
        || factor != 1.0 && !one_mark
    {
        s.replace([',', '.'], "")
    } else if let Some((int, frac)) = s.rsplit_once([',', '.']) {
        format!("{}.{frac}", int.replace([',', '.'], ""))
    } else {
        return None;
    };
    normal
        .parse::<f64>()
        .ok()
        // Whole øre at most: "2,05 mill" is 2 050 000, not 2 049 999.999….
        .map(|n| (n * factor * 100.0).round() / 100.0)
        .filter(|n| n.is_finite())
}

#[cfg(test)]
mod tests {
    #[test]
    fn amounts_as_people_write_them() {
        use super::parse_amount as p;
        assert_eq!(p("1 200 000"), Some(1_200_000.0));
        assert_eq!(p("1,2 mill"), Some(1_200_000.0));
        assert_eq!(p("1.5 MNOK"), Some(1_500_000.0));
        assert_eq!(p("kr 500k"), Some(500_000.0));
        assert_eq!(p("NOK 2 mrd"), Some(2e9));
        assert_eq!(p("12 bananas"), None);
        assert_eq!(p("1,250 mill"), Some(1_250_000.0));
        assert_eq!(p("2,05 mill"), Some(2_050_000.0));
        assert_eq!(p("500 kr."), Some(500.0));
        assert_eq!(p("1.200.000"), Some(1_200_000.0));
        assert_eq!(p("2,000,000"), Some(2_000_000.0));
        assert_eq!(p("1,5"), Some(1.5));
        assert_eq!(p("1200000.50"), Some(1_200_000.5));
        assert_eq!(p("kr 300 000"), Some(300_000.0));
        assert_eq!(p("lots"), None);
    }
}
