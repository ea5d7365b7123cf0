//! The `neitakk` command line: its arguments, where the config is, and
//! the terminal's tables, over `neitakk-pipeline`; `serve` launches
//! `neitakk-web`.

pub mod args;
pub mod config;
pub mod table;
pub mod commands {
    pub mod clients;
    pub mod events;
    pub mod explain;
    pub mod inbox;
    pub mod init;
    pub mod journal;
    pub mod load;
    pub mod plan;
    pub mod reply;
    pub mod series;
    pub mod serve;
    pub mod triage;
}
