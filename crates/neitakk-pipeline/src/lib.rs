//! What both of neitakk's fronts do, the command line and the team server:
//! read calendars (files, stdin, CalDAV), assess their meetings, prepare
//! replies and send them once, plan a week, and the triage rows. Nothing
//! here knows clap, axum or a terminal.

pub mod analysis;
pub mod chart;
pub mod choice;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod draft;
mod error;
pub mod events;
pub mod explain;
pub mod inbox;
pub mod journal;
pub mod load;
pub mod plan;
pub mod private;
pub mod published;
pub mod registry;
pub mod reply;
pub mod triage;

pub use error::{BadInput, Context, Error, Result};

#[cfg(test)]
mod boundary {
    /// The dependencies a crate's manifest names.
    fn dependencies(krate: &str) -> Vec<String> {
        let path = format!("{}/../{krate}/Cargo.toml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        let manifest: toml::Table = toml::from_str(&text).unwrap();
        manifest["dependencies"]
            .as_table()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    }

    /// ARCHITECTURE.md's invariant: the pipeline knows neither clap nor
    /// axum, and the server never depends on the command line.
    #[test]
    fn the_fronts_stand_apart() {
        let pipeline = dependencies("neitakk-pipeline");
        for front in ["clap", "axum", "neitakk", "neitakk-web"] {
            assert!(
                !pipeline.iter().any(|d| d == front),
                "the pipeline uses {front}"
            );
        }
        let web = dependencies("neitakk-web");
        assert!(web.iter().any(|d| d == "neitakk-pipeline"));
        assert!(
            !web.iter().any(|d| d == "neitakk" || d == "clap"),
            "{web:?}"
        );
    }
}
