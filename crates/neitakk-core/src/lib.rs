//! The pure heart of neitakk: the domain types, the fact gatherer and the
//! decision engine that encodes the method (`method.md`, sections 1 to 4).
//!
//! Nothing here does IO or fails: every function takes plain data and returns
//! plain data (a [`Decision`] carries its own warnings). Text for people is
//! written elsewhere (`neitakk-compose`); the engine's rule trail is a list of
//! structured [`Step`]s that a composer renders in the user's language.

pub mod cancel;
pub mod client;
pub mod engine;
pub mod facts;
pub mod index;
pub mod meeting;
pub mod planner;
pub mod series;
pub mod slots;
pub mod text;
pub mod types;
pub mod tz;
pub mod week;

pub use client::{derive_tiers, registry_problems, Client, TierThresholds};
pub use engine::{decide, Choice, Decision, Policy, Step};
pub use facts::{gather, CalendarIndex, Context, Facts};
pub use meeting::{
    held_bytes, AsWritten, Attendee, Meeting, MeetingKey, PartStat, RoleParam, Series, Written,
};
pub use slots::{free_slots, Slot, SlotSearch, WorkingHours};
pub use types::*;
pub use tz::Tz;
pub use week::{WeekBalance, WeekMeeting};
