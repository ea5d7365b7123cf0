//! The only code that talks to other servers: SMTP for sending replies,
//! CalDAV for reading and updating calendars, published calendar links, and
//! the user's mailbox over IMAP.

pub mod caldav;
pub mod feed;
pub mod mailbox;
pub mod smtp;
