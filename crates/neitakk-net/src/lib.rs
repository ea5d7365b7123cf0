//! The only code that talks to other servers: SMTP for sending replies,
//! CalDAV for reading and updating calendars, and published calendar links.

pub mod caldav;
pub mod feed;
pub mod smtp;
