//! Small vocabulary types shared by every crate.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Declares a plain enum with kebab-case names used in config files, JSON and
/// on the command line, and the `FromStr`/`Display` pair that goes with them.
macro_rules! named_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant),+
        }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!(
                        "unknown {} '{}' (expected one of: {})",
                        stringify!($name).to_lowercase(), other,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

named_enum!(
    /// How much the client weighs in the relationship hierarchy.
    Weight { Key = "key", Regular = "regular", Minor = "minor" }
);
named_enum!(
    /// My part in the meeting.
    Role {
        Organizer = "organizer",
        DirectContact = "direct-contact",
        /// A colleague owns the client relationship and attends; I was brought in.
        BroughtIn = "brought-in",
        Optional = "optional",
    }
);
named_enum!(
    /// Where the meeting happens.
    Format { InPerson = "in-person", Remote = "remote" }
);
named_enum!(
    /// What the meeting is about, as far as its stakes go.
    Matter { Routine = "routine", Decision = "decision", Serious = "serious" }
);
named_enum!(
    /// How readily the client accepts changes.
    Flexibility { High = "high", Normal = "normal", Low = "low" }
);
named_enum!(
    /// Why the user wants to limit a meeting. `Dislike` is never valid.
    Reason {
        Workload = "workload",
        Conflict = "conflict",
        Repetitive = "repetitive",
        NotNeeded = "not-needed",
        Illness = "illness",
        Emergency = "emergency",
        Dislike = "dislike",
    }
);
named_enum!(
    /// What to do about a meeting.
    Strategy {
        Attend = "attend",
        PhoneCall = "phone-call",
        Shorten = "shorten",
        /// Phone-call and shorten together: a shorter call instead of travelling.
        ShorterCall = "shorter-call",
        EmailForNow = "email-for-now",
        BowOut = "bow-out",
        Reschedule = "reschedule",
        /// Send someone in my place (only when the user chooses it).
        Delegate = "delegate",
        /// Meet less often: propose the series at a longer interval (only
        /// when the user chooses it, for a whole series).
        LessOften = "less-often",
        Decline = "decline",
    }
);
named_enum!(
    /// Relationship risk of a strategy, from lowest to highest.
    Risk { VeryLow = "very-low", Low = "low", Medium = "medium", High = "high", VeryHigh = "very-high" }
);
named_enum!(
    /// A language neitakk writes in.
    Lang { Nb = "nb", En = "en" }
);

impl Reason {
    /// Whether the method accepts this as a reason to limit a meeting.
    pub fn is_valid(self) -> bool {
        self != Reason::Dislike
    }
    /// Illness and emergency override even the key-client rule.
    pub fn is_urgent(self) -> bool {
        matches!(self, Reason::Illness | Reason::Emergency)
    }
}

impl Risk {
    /// One step higher (the relationship-memory rule); saturates at the top.
    pub fn raised(self) -> Risk {
        match self {
            Risk::VeryLow => Risk::Low,
            Risk::Low => Risk::Medium,
            Risk::Medium => Risk::High,
            Risk::High | Risk::VeryHigh => Risk::VeryHigh,
        }
    }
}

impl Lang {
    /// Accepts `nb`, `no`, `nob`, `nb-NO`, `en`, `en-GB` and the like.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "nb" | "no" | "nob" | "nn" | "norsk" | "norwegian" => Some(Lang::Nb),
            "en" | "eng" | "english" => Some(Lang::En),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Strategy::ALL {
            assert_eq!(s.as_str().parse::<Strategy>(), Ok(*s));
        }
        assert!("sulk".parse::<Reason>().unwrap_err().contains("illness"));
    }

    #[test]
    fn risk_raises_and_saturates() {
        assert_eq!(Risk::VeryLow.raised(), Risk::Low);
        assert_eq!(Risk::VeryHigh.raised(), Risk::VeryHigh);
    }

    #[test]
    fn language_tags() {
        assert_eq!(Lang::from_tag("nb-NO"), Some(Lang::Nb));
        assert_eq!(Lang::from_tag("en_GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de"), None);
    }
}
