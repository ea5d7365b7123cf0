//! What the tests of the binary share: the example, running `neitakk` on
//! it at the example's Monday morning, and the independent peers
//! scripts/test starts (they are skipped with a note outside it, and must
//! run on CI).

pub use std::path::{Path, PathBuf};
pub use std::process::{Command, Output};

/// The example week as seen on its Monday morning: every test pins its time.
pub const MONDAY: &str = "2026-11-30T07:00:00+01:00";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs neitakk with the example config and a private data folder, on the
/// example week's Monday morning.
pub fn neitakk(data: &Path, args: &[&str]) -> Output {
    neitakk_at(data, MONDAY, args)
}

/// The same, as of `now`.
pub fn neitakk_at(data: &Path, now: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_neitakk"))
        .env("NEITAKK_NOW", now)
        .current_dir(root())
        .env("NEITAKK_DATA_DIR", data)
        .env_remove("NEITAKK_CONFIG")
        .args(["--config", "examples/neitakk.toml"])
        .args(args)
        .output()
        .unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// One meeting of the example week's triage, as JSON.
pub fn triaged(data: &Path, uid: &str) -> serde_json::Value {
    let o = neitakk(
        data,
        &[
            "triage",
            "examples/uke49.ics",
            "--week",
            "2026-W49",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    doc["meetings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["uid"] == uid)
        .unwrap()
        .clone()
}

pub const WEEK: &[&str] = &["--from", "2026-11-30", "--to", "2026-12-07"];

/// The values of the environment variables that name a peer `what`
/// (scripts/test sets them); outside it the test is skipped with a note,
/// except on CI where it must run.
pub fn peer(vars: &[&str], what: &str) -> Option<Vec<String>> {
    let values: Vec<Option<String>> = vars
        .iter()
        .map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .collect();
    if values.iter().all(Option::is_some) {
        return Some(values.into_iter().flatten().collect());
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("no {what} ({} not set): run scripts/test", vars.join(", "));
    }
    eprintln!("skipped: no {what} (scripts/test starts it)");
    None
}
