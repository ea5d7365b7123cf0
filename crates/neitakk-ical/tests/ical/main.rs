//! Reading and answering calendars: expansion, hostile input, iTIP
//! payloads, and calendars as the big writers write them. One test
//! program, an area per module.

mod expansion;
mod halves;
mod hostile;
mod itip;
mod real_world;
