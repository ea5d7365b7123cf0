//! The pipeline's one error type, by whose it is to put right.

/// What went wrong in the pipeline, by whose it is to put right. Each front
/// words it for its user and picks its exit code or status from the class;
/// none has to guess a class from the error's type.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The user's: a file, a value, a setting or a choice that cannot be used.
    #[error("{0}")]
    Input(String),
    /// Another server (CalDAV, SMTP) refused.
    #[error("{0}")]
    Remote(String),
    /// Another server could not be reached, or did not answer in time.
    #[error("{0}")]
    Unreachable(String),
    /// Reading or writing a file or a stream failed.
    #[error("{}", with_what(what, source))]
    Io {
        what: String,
        #[source]
        source: std::io::Error,
    },
    /// Ours: a fault of the program or the machine, for the log.
    #[error("{0}")]
    Ours(String),
}

fn with_what(what: &str, e: &impl std::fmt::Display) -> String {
    if what.is_empty() {
        e.to_string()
    } else {
        format!("{what}: {e}")
    }
}

/// The pipeline's results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The user's to put right (exit code 2, a 4xx): bad input, or a file
    /// that is not there.
    pub fn is_users(&self) -> bool {
        match self {
            Error::Input(_) => true,
            Error::Io { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
            _ => false,
        }
    }

    /// Another server's (a 502 from the team server).
    pub fn is_remote(&self) -> bool {
        matches!(self, Error::Remote(_) | Error::Unreachable(_))
    }

    /// Another server did not answer (down, or too slow): what it would
    /// have given may be left out, with a note.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Unreachable(_))
    }

    /// The reader of the output went away (`neitakk triage ... | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// The same error, said of `what` ("cannot read x.ics: ...").
    pub fn within(self, what: impl std::fmt::Display) -> Error {
        match self {
            Error::Input(m) => Error::Input(format!("{what}: {m}")),
            Error::Remote(m) => Error::Remote(format!("{what}: {m}")),
            Error::Unreachable(m) => Error::Unreachable(format!("{what}: {m}")),
            Error::Ours(m) => Error::Ours(format!("{what}: {m}")),
            Error::Io { what: w, source } => Error::Io {
                what: with_what(&what.to_string(), &w),
                source,
            },
        }
    }
}

/// Says what was being done when an error came: `.context("cannot read x")`.
pub trait Context<T> {
    fn context(self, what: impl std::fmt::Display) -> Result<T>;
    fn with_context<D: std::fmt::Display>(self, what: impl FnOnce() -> D) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl std::fmt::Display) -> Result<T> {
        self.map_err(|e| e.into().within(what))
    }
    fn with_context<D: std::fmt::Display>(self, what: impl FnOnce() -> D) -> Result<T> {
        self.map_err(|e| e.into().within(what()))
    }
}

/// Bad input from the user: a file, a flag or a config value. Exit code 2.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

impl From<BadInput> for Error {
    fn from(e: BadInput) -> Error {
        Error::Input(e.0)
    }
}

impl From<std::io::Error> for Error {
    fn from(source: std::io::Error) -> Error {
        Error::Io {
            what: String::new(),
            source,
        }
    }
}

/// The user's errors of the other crates and of the pipeline's own steps.
macro_rules! users {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Error {
                Error::Input(e.to_string())
            }
        }
    )*};
}
users!(
    neitakk_compose::Error,
    crate::reply::NoReply,
    crate::choice::Refused,
    crate::delivery::Unsendable,
    crate::analysis::NoOccurrence,
    crate::plan::UnknownClient,
    crate::registry::CsvProblem
);

impl From<neitakk_ical::imip::Error> for Error {
    fn from(e: neitakk_ical::imip::Error) -> Error {
        match e {
            // An address from the invitation or the config that is not one.
            neitakk_ical::imip::Error::Address(_) => Error::Input(e.to_string()),
            neitakk_ical::imip::Error::Build(_) => Error::Ours(e.to_string()),
        }
    }
}

impl From<neitakk_ical::Error> for Error {
    fn from(e: neitakk_ical::Error) -> Error {
        match e {
            neitakk_ical::Error::Io { file, source } => Error::Io {
                what: format!("{file}: cannot read"),
                source,
            },
            other => Error::Input(other.to_string()),
        }
    }
}

impl From<neitakk_net::caldav::Error> for Error {
    fn from(e: neitakk_net::caldav::Error) -> Error {
        match e {
            neitakk_net::caldav::Error::Connection(_) => Error::Unreachable(e.to_string()),
            other => Error::Remote(other.to_string()),
        }
    }
}

impl From<neitakk_net::mailbox::Error> for Error {
    fn from(e: neitakk_net::mailbox::Error) -> Error {
        if e.is_unreachable() {
            Error::Unreachable(e.to_string())
        } else {
            Error::Remote(e.to_string())
        }
    }
}

impl From<neitakk_net::smtp::Error> for Error {
    fn from(e: neitakk_net::smtp::Error) -> Error {
        Error::Remote(e.to_string())
    }
}

impl From<neitakk_store::Error> for Error {
    fn from(e: neitakk_store::Error) -> Error {
        Error::Ours(e.to_string())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::Ours(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::ErrorKind;

    #[test]
    fn each_error_says_whose_it_is() {
        let missing: Error = std::io::Error::from(ErrorKind::NotFound).into();
        assert!(missing.is_users(), "a file that is not there is the user's");
        let denied: Error = std::io::Error::from(ErrorKind::PermissionDenied).into();
        assert!(!denied.is_users() && !denied.is_remote());
        let gone: Error = std::io::Error::from(ErrorKind::BrokenPipe).into();
        assert!(gone.is_broken_pipe());
        let not_a_calendar: Error = neitakk_ical::Error::NotACalendar {
            file: "x.ics".into(),
        }
        .into();
        assert!(not_a_calendar.is_users());
        assert!(Error::Remote("refused".into()).is_remote());
        assert!(!Error::Ours("a bug".into()).is_users());
    }

    #[test]
    fn context_keeps_the_class_and_says_what_was_done() {
        let e = Err::<(), _>(std::io::Error::from(ErrorKind::NotFound))
            .context("cannot read x.ics")
            .unwrap_err();
        assert!(e.is_users());
        assert!(e.to_string().starts_with("cannot read x.ics: "), "{e}");
        let e = Err::<(), _>(BadInput("no week".into()))
            .with_context(|| "the plan")
            .unwrap_err();
        assert_eq!(e.to_string(), "the plan: no week");
        assert!(e.is_users());
    }
}
