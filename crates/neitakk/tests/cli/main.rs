//! The binary, run as a user runs it: on the bundled example and on bad
//! input, and checked by independent peers (sabre/vobject, ical.js and
//! Python for the replies, Radicale for CalDAV, aiosmtpd for SMTP). One
//! test program, an area per module.

#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

mod advice;
mod caldav;
mod clients;
mod inbox;
mod interop;
mod links;
mod planning;
mod reading;
mod replies;
mod sabre;
mod serve;
mod smtp;
