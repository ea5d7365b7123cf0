//! `neitakk clients`: the registry with derived tiers, and CSV import.

use crate::table::{self, Format};
use neitakk_compose::words;
use neitakk_core::{derive_tiers, Client};
use neitakk_pipeline::config::{read_toml, ClientsFile, Config};
use neitakk_pipeline::registry::{parse_csv, parse_map, CsvProblem, Mapped};
use neitakk_pipeline::BadInput;
use neitakk_pipeline::{Context as _, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The clients with their tiers (set by hand, or derived from revenue).
    List {
        /// table for people, json for scripts.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Add clients from a CSV export (a CRM's, or a spreadsheet's).
    ///
    /// Columns (header names, any order, case-insensitive): name, domains
    /// (separated by ; or spaces), tier, revenue, flexibility, language,
    /// contact, contact_email, account_manager, account_manager_name,
    /// travel_minutes, or the names CRM exports use for them (HubSpot,
    /// Salesforce, Pipedrive, SuperOffice, Dynamics, Tripletex; English and
    /// Norwegian: Company name, Account Name, Firma, Kunde, Website, Domene,
    /// Annual Revenue, Omsetning, Owner, Kundeansvarlig, ...). A website or
    /// an e-mail address gives the domain. Clients already in the registry
    /// are left as they are; new ones are appended to the clients file,
    /// comments kept.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Columns for fields the names do not tell: FIELD=COLUMN,... (e.g.
        /// name=Kunde,domains=Nettsted).
        #[arg(long, value_name = "FIELD=COLUMN,...")]
        map: Option<String>,
        /// The clients file to append to (default: the configured one; without one, print).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub fn run(config: &Config, cmd: &Command) -> Result<()> {
    match cmd {
        Command::List { format } => list(config, *format),
        Command::Import { file, out, map } => import(
            config,
            file,
            &parse_map(map.as_deref().unwrap_or_default())
                .map_err(|e| BadInput(format!("--map: {e}")))?,
            out.as_deref().or(config.clients_path.as_deref()),
        ),
    }
}

fn list(config: &Config, format: Format) -> Result<()> {
    let tiers = derive_tiers(&config.clients, config.tiers);
    let mut out = std::io::stdout().lock();
    let lang = config.profile.language;
    match format {
        Format::Json => {
            let rows: Vec<_> = config
                .clients
                .iter()
                .zip(&tiers)
                .map(|(c, t)| serde_json::json!({"client": c, "weight": t, "tier_set": c.tier.is_some()}))
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
        }
        Format::Table => {
            let rows: Vec<Vec<String>> = config
                .clients
                .iter()
                .zip(&tiers)
                .map(|(c, t)| {
                    let how = if c.tier.is_some() { "" } else { " *" };
                    vec![
                        c.name.clone(),
                        format!("{}{how}", words::weight(*t, lang)),
                        c.revenue.map_or(String::new(), |r| format!("{r:.0}")),
                        c.domains.join(" "),
                        c.language.map_or(String::new(), |l| l.to_string()),
                        c.flexibility.map_or(String::new(), |f| f.to_string()),
                        c.account_manager_name
                            .clone()
                            .or_else(|| c.account_manager.clone())
                            .unwrap_or_default(),
                        c.travel_minutes
                            .map_or(String::new(), |m| format!("{m} min")),
                    ]
                })
                .collect();
            let header: &[&str] = if lang == neitakk_core::Lang::Nb {
                &[
                    "kunde",
                    "vekt",
                    "omsetning",
                    "domener",
                    "språk",
                    "fleksibilitet",
                    "kundeansvarlig",
                    "reise",
                ]
            } else {
                &[
                    "client",
                    "weight",
                    "revenue",
                    "domains",
                    "language",
                    "flexibility",
                    "account manager",
                    "travel",
                ]
            };
            write!(out, "{}", table::render(header, &rows))?;
            let note = if lang == neitakk_core::Lang::Nb {
                "* utledet av andel av omsetningen"
            } else {
                "* derived from share of revenue"
            };
            writeln!(out, "\n{note}")?;
        }
    }
    Ok(())
}

/// Reads clients from a CSV file; errors name the row and column.
fn read_csv(
    path: &Path,
    map: &[Mapped],
) -> Result<(Vec<Client>, neitakk_pipeline::registry::Columns)> {
    let name = path.display().to_string();
    if !path.is_file() {
        return Err(BadInput(format!("{name}: no such file")).into());
    }
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
    parse_csv(&name, &text, map).map_err(|e| {
        BadInput(match e {
            CsvProblem::NoNameColumn { .. } => format!("{e}; name it with --map name=COLUMN"),
            other => other.to_string(),
        })
        .into()
    })
}

fn import(config: &Config, csv_path: &Path, map: &[Mapped], target: Option<&Path>) -> Result<()> {
    let (incoming, columns) = read_csv(csv_path, map)?;
    let _ = writeln!(std::io::stderr(), "{}: {columns}", csv_path.display());
    let existing: Vec<Client> = match target {
        Some(p) if p.exists() => read_toml::<ClientsFile>(p)?.clients,
        _ => config.clients.clone(),
    };
    let mut text = String::new();
    let (mut added, mut kept) = (0, 0);
    for c in &incoming {
        if existing
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(&c.name))
        {
            kept += 1;
            continue;
        }
        let block = toml::to_string(&ClientsFile {
            clients: vec![c.clone()],
        })
        .map_err(|e| neitakk_pipeline::Error::Ours(format!("cannot write TOML: {e}")))?;
        text.push('\n');
        text.push_str(&block);
        added += 1;
    }
    match target {
        Some(p) => {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .with_context(|| format!("cannot open {}", p.display()))?;
            f.write_all(text.as_bytes())
                .with_context(|| format!("cannot write {}", p.display()))?;
            let _ = writeln!(
                std::io::stderr(),
                "{added} {} added to {}, {kept} already there",
                if added == 1 { "client" } else { "clients" },
                p.display()
            );
        }
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(())
}
