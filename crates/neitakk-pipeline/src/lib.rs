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
pub mod events;
pub mod explain;
pub mod journal;
pub mod load;
pub mod plan;
pub mod registry;
pub mod reply;
pub mod triage;

/// Bad input from the user: a file, a flag or a config value. Exit code 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Whether an error is the user's (exit code 2, a 400 from the server).
pub fn is_bad_input(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.is::<BadInput>()
            || c.is::<neitakk_ical::Error>()
            || c.is::<neitakk_compose::Error>()
            || c.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
    })
}
