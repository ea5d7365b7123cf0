//! The facts every case starts from.

pub use neitakk_core::facts::Conflict;
pub use neitakk_core::*;

/// A regular client's routine, remote, one-hour meeting I attend directly, no reasons.
pub fn base() -> Facts {
    Facts {
        client: Some("Fjordkraft".into()),
        weight: Some(Weight::Regular),
        role: Role::DirectContact,
        format: Format::Remote,
        travel_minutes: 0,
        planned_minutes: 60,
        needed_minutes: 60,
        matter: Matter::Routine,
        flexibility: Flexibility::Normal,
        repetition: 0,
        recurring: false,
        week_minutes: 600,
        week_cap_minutes: 900,
        conflict: None,
        colleague: None,
        colleague_name: None,
        recent_limits: 0,
        inferred_reasons: vec![],
        given_reasons: vec![],
    }
}

pub fn workload(mut f: Facts) -> Facts {
    f.inferred_reasons.push(Reason::Workload);
    f
}

pub fn in_person(mut f: Facts, travel: u32) -> Facts {
    f.format = Format::InPerson;
    f.travel_minutes = travel;
    f
}

pub struct Case {
    pub name: &'static str,
    pub facts: Facts,
    pub strategy: Strategy,
    pub minutes: u32,
    pub risk: Risk,
    /// A step the trail must hold.
    pub step: fn(&Step) -> bool,
}
