//! The team server, route by route, in process: the router gets requests as
//! a browser or a script would send them, over a real SQLite database (and
//! PostgreSQL, where scripts/test started one). One test program, an area
//! per module.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod harness;

mod accounts;
mod api;
mod calendars;
mod inbox;
mod pages;
mod registry;
mod replies;
mod storage;
mod users;
