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
pub mod journal;
pub mod load;
pub mod plan;
pub mod registry;
pub mod reply;
pub mod triage;

pub use error::{BadInput, Context, Error, Result};
