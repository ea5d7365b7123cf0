//! The only code that talks to other servers: SMTP for sending replies
//! (and, later, CalDAV for reading and updating calendars).

pub mod caldav;
pub mod smtp;
