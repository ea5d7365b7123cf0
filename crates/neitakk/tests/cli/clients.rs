//! The client registry: init, and imports from CRM exports.

use crate::common::*;

#[test]
fn init_then_import_clients_from_csv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let bin = env!("CARGO_BIN_EXE_neitakk");
    assert!(Command::new(bin)
        .env("NEITAKK_NOW", MONDAY)
        .args(["init", "--dir", d])
        .output()
        .unwrap()
        .status
        .success());
    assert_eq!(
        Command::new(bin)
            .env("NEITAKK_NOW", MONDAY)
            .args(["init", "--dir", d])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2),
        "no overwrite"
    );
    let cfg = dir.path().join("neitakk.toml");
    let csv = dir.path().join("crm.csv");
    std::fs::write(&csv, "Name,Domains,Revenue,Language,Tier\nAcme AS,acme.no;acme.com,500000,nb,\nExample AS,example.no,1,nb,\nBeta Ltd,beta.co.uk,\"2,000,000\",en,minor\n").unwrap();
    let o = Command::new(bin)
        .env("NEITAKK_NOW", MONDAY)
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "clients",
            "import",
            csv.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("2 clients added"), "{}", stderr(&o));
    let o = Command::new(bin)
        .env("NEITAKK_NOW", MONDAY)
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "clients",
            "list",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["client"]["name"].as_str().unwrap().to_owned(),
                c["weight"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    // Beta is the largest (so Example ranks below half the revenue), but its tier is set by hand
    assert_eq!(
        names,
        [
            ("Example AS".into(), "regular".into()),
            ("Acme AS".into(), "minor".into()),
            ("Beta Ltd".into(), "minor".into())
        ]
    );
    std::fs::write(&csv, "Name,Revenue\nBad,lots\n").unwrap();
    let o = Command::new(bin)
        .env("NEITAKK_NOW", MONDAY)
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "clients",
            "import",
            csv.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("crm.csv:2: column 'Revenue'"),
        "{}",
        stderr(&o)
    );
}

/// Exports as CRMs and spreadsheets write them, in Norwegian and English.
#[test]
fn clients_come_from_the_crm_people_have() {
    let dir = tempfile::tempdir().unwrap();
    let import = |csv: &str, extra: &[&str]| {
        let file = dir.path().join("export.csv");
        let out = dir.path().join("clients.toml");
        let _ = std::fs::remove_file(&out);
        std::fs::write(&file, csv).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_neitakk"))
            .env("NEITAKK_NOW", MONDAY)
            .env_remove("NEITAKK_CONFIG")
            .env("XDG_CONFIG_HOME", dir.path())
            .env("HOME", dir.path())
            .args(["clients", "import", file.to_str().unwrap(), "--out"])
            .arg(&out)
            .args(extra)
            .output()
            .unwrap();
        let toml = std::fs::read_to_string(&out).unwrap_or_default();
        (o, toml)
    };
    // A Norwegian export (Tripletex, SuperOffice), with a BOM and semicolons.
    let (o, toml) = import(
        "\u{feff}Kunde;Domene;Omsetning;Kontaktperson;Kundeansvarlig;Org.nr.\n\
         Havnevest AS;havnevest.no;2 500 000;Per Olsen;ola.hansen@fjellfjord.no;912345678\n",
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "columns used: Kunde → name, Domene → domains, Omsetning → revenue, \
             Kontaktperson → contact, Kundeansvarlig → account_manager_name; left: Org.nr."
        ),
        "{}",
        stderr(&o)
    );
    for line in [
        "name = \"Havnevest AS\"",
        "domains = [\"havnevest.no\"]",
        "revenue = 2500000.0",
        "contact = \"Per Olsen\"",
        "account_manager = \"ola.hansen@fjellfjord.no\"",
    ] {
        assert!(toml.contains(line), "{line} in\n{toml}");
    }
    // HubSpot's and Salesforce's names; the domain from the website.
    let (o, toml) = import(
        "Company name,Website URL,Annual Revenue,Company owner\n\
         Northwind Logistics,https://www.northwindlogistics.com/about,\"1,200,000\",Ola Hansen\n",
        &[],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        toml.contains("domains = [\"northwindlogistics.com\"]"),
        "{toml}"
    );
    assert!(
        toml.contains("account_manager_name = \"Ola Hansen\""),
        "{toml}"
    );
    let (o, toml) = import("Account Name,Email\nTindra Design,jonas@tindra.no\n", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        toml.contains("domains = [\"tindra.no\"]"),
        "the domain from the e-mail: {toml}"
    );
    // Anything else is named with --map; a name column is needed.
    let csv = "Kundenr;Betegnelse;Nettsted\n1;Bryggen Bakeri;bryggenbakeri.no\n";
    let (o, _) = import(csv, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--map name=COLUMN"), "{}", stderr(&o));
    let (o, toml) = import(csv, &["--map", "name=Betegnelse"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(toml.contains("name = \"Bryggen Bakeri\""), "{toml}");
    assert!(toml.contains("domains = [\"bryggenbakeri.no\"]"), "{toml}");
    let (o, _) = import(csv, &["--map", "name=Navn"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no column 'Navn'"), "{}", stderr(&o));
}
