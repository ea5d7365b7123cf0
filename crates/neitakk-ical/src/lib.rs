//! neitakk-ical
