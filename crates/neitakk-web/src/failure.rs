//! What goes wrong in a request, as a status code with a clear message: an
//! HTML page for people, `{"error": ...}` for the API. Our own faults are
//! logged and shown without detail; never a trace.

use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use neitakk_core::Lang;
use neitakk_pipeline::choice::{Misfit, Refused};
use neitakk_pipeline::reply::NoReply;

/// What kind of failure: each has its status code and its page's title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    TooLarge,
    Unprocessable,
    TooMany,
    /// Another server (CalDAV, SMTP) said no.
    Remote,
    /// Ours: logged, shown without detail.
    Ours,
    /// The work ran past its deadline and was stopped.
    Unavailable,
    /// Not logged in: to the login page.
    Login,
}

impl Kind {
    pub fn status(self) -> StatusCode {
        match self {
            Kind::BadRequest => StatusCode::BAD_REQUEST,
            Kind::Unauthorized => StatusCode::UNAUTHORIZED,
            Kind::Forbidden => StatusCode::FORBIDDEN,
            Kind::NotFound => StatusCode::NOT_FOUND,
            Kind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Kind::Conflict => StatusCode::CONFLICT,
            Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Kind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Kind::TooMany => StatusCode::TOO_MANY_REQUESTS,
            Kind::Remote => StatusCode::BAD_GATEWAY,
            Kind::Ours => StatusCode::INTERNAL_SERVER_ERROR,
            Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Login => StatusCode::SEE_OTHER,
        }
    }

    /// The error page's title, in bokmål or English.
    fn title(self, nb: bool) -> &'static str {
        match (self, nb) {
            (Kind::NotFound, true) => "Finnes ikke",
            (Kind::NotFound, false) => "Not found",
            (Kind::Forbidden, true) => "Ikke tillatt",
            (Kind::Forbidden, false) => "Not allowed",
            (Kind::TooLarge, true) => "For stort",
            (Kind::TooLarge, false) => "Too large",
            (Kind::TooMany, true) => "For mange forsøk",
            (Kind::TooMany, false) => "Too many attempts",
            (Kind::Remote, true) => "En annen tjener svarte ikke som ventet",
            (Kind::Remote, false) => "Another server did not answer as expected",
            (Kind::Unavailable, true) => "Det tok for lang tid",
            (Kind::Unavailable, false) => "That took too long",
            (Kind::Ours, true) => "Noe gikk galt",
            (Kind::Ours, false) => "Something went wrong",
            (_, true) => "Det gikk ikke",
            (_, false) => "That did not work",
        }
    }
}

/// A request that failed: its kind, its message in English (and bokmål,
/// where it was written in both), and whether it is for a page or the API.
#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
    /// The message in bokmål, where it was written in both.
    message_nb: Option<String>,
    json: bool,
    lang: Lang,
    /// Where to send a person instead (not logged in).
    redirect: Option<String>,
}

impl Failure {
    pub fn new(kind: Kind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
            message_nb: None,
            json: false,
            lang: Lang::En,
            redirect: None,
        }
    }

    pub fn bad(message: impl Into<String>) -> Failure {
        Failure::new(Kind::BadRequest, message)
    }

    pub fn not_found(message: impl Into<String>) -> Failure {
        Failure::new(Kind::NotFound, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Failure {
        Failure::new(Kind::Forbidden, message)
    }

    /// To the login page (a person without a session).
    pub fn login() -> Failure {
        Failure {
            redirect: Some("/login".into()),
            ..Failure::new(Kind::Login, "log in first")
        }
    }

    /// The same message in bokmål, shown on Norwegian pages.
    pub fn nb(mut self, message: impl Into<String>) -> Failure {
        self.message_nb = Some(message.into());
        self
    }

    /// As JSON, for the API.
    pub fn json(mut self) -> Failure {
        self.json = true;
        self.redirect = None;
        self
    }

    /// The error page's language.
    pub fn lang(mut self, lang: Lang) -> Failure {
        self.lang = lang;
        self
    }

    /// The same, as the pipeline's error (for work the pipeline drives,
    /// such as the inbox's reading), by its class.
    pub fn into_error(self) -> neitakk_pipeline::Error {
        use neitakk_pipeline::Error;
        match self.kind {
            Kind::Remote => Error::Remote(self.message),
            Kind::Unavailable => Error::Unreachable(self.message),
            Kind::Ours => Error::Ours(self.message),
            _ => Error::Input(self.message),
        }
    }

    /// Our own fault: logged, and shown without detail.
    pub fn ours(e: impl std::fmt::Display) -> Failure {
        tracing::error!("{e}");
        Failure::new(
            Kind::Ours,
            "something went wrong on our side; it has been logged",
        )
    }
}

/// A pipeline error, by its class: the user's, another server's, or ours.
impl From<neitakk_pipeline::Error> for Failure {
    fn from(e: neitakk_pipeline::Error) -> Failure {
        if e.is_users() {
            Failure::new(Kind::Unprocessable, e.to_string())
        } else if e.is_remote() {
            // A calendar or mail server said no: theirs to fix, or the
            // settings'; the message names which and why.
            Failure::new(Kind::Remote, e.to_string())
        } else {
            Failure::ours(e)
        }
    }
}

/// A mail server's refusal, and a JSON that could not be written, as the
/// pipeline classes them.
impl From<neitakk_net::smtp::Error> for Failure {
    fn from(e: neitakk_net::smtp::Error) -> Failure {
        neitakk_pipeline::Error::from(e).into()
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Failure {
        neitakk_pipeline::Error::from(e).into()
    }
}

/// The server's own errors (sealing, hashing, starting): ours.
impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Failure {
        Failure::ours(format!("{e:#}"))
    }
}

/// No reply to write: the refusal in both of the pages' languages.
impl From<NoReply> for Failure {
    fn from(e: NoReply) -> Failure {
        let nb = match &e {
            NoReply::Over(over) => over.message(Lang::Nb),
            NoReply::Template(t) => format!("En mal kan ikke brukes: {t}"),
            NoReply::Refused(r) => refused_nb(r),
        };
        let en = match &e {
            NoReply::Over(over) => over.message(Lang::En),
            other => other.to_string(),
        };
        Failure::new(Kind::Unprocessable, en).nb(nb)
    }
}

/// A refusal in bokmål.
fn refused_nb(r: &Refused) -> String {
    let strategy = |s: &neitakk_core::Strategy| neitakk_compose::words::strategy(*s, Lang::Nb);
    match r {
        Refused::Organizer => "Du er arrangør av dette møtet. Endre eller avlys det i kalenderen din (neitakk svarer på invitasjoner).".into(),
        Refused::NotShorter { minutes, planned } => {
            format!("{minutes} minutter er ikke kortere enn møtet, som varer {planned} minutter.")
        }
        Refused::DoesNotFit { chosen, why } => {
            let why = match why {
                Misfit::NoTravel => "møtet er ikke et fysisk møte med reisetid, så en samtale sparer ingenting".to_owned(),
                Misfit::NoLongerThanNeeded(m) => format!("møtet er ikke lenger enn det trenger å være ({m} min)"),
                Misfit::NoColleague => "ingen kollega som har ansvaret for kunden (kundens account_manager), er med".to_owned(),
                Misfit::Serious => "en alvorlig sak avgjøres aldri bare på e-post".to_owned(),
            };
            format!("«{}» passer ikke for dette møtet: {why}.", strategy(chosen))
        }
        Refused::EveryIsLessOften(s) => {
            format!("Å møtes bare hver n-te gang er «sjeldnere møter», ikke «{}».", strategy(s))
        }
        Refused::NotASeries => "Dette møtet er ikke en del av en møteserie.".into(),
        Refused::NotForASeries(s) => format!(
            "En hel serie kan du delta i, ta som samtale, korte ned, møte sjeldnere eller avslå, men ikke svare på med «{}».",
            strategy(s)
        ),
        Refused::LessOftenIsForASeries => "«Sjeldnere møter» endrer hele serien.".into(),
        Refused::DelegateWithoutDelegating => "Hvem som skal gå i ditt sted, hører til strategien «send en kollega».".into(),
        Refused::NoDelegate => "For å overlate møtet trengs en kollega å gi det til (eller en kundeansvarlig).".into(),
        Refused::NotAnAddress(given) => format!("«{given}» er ikke en e-postadresse."),
        Refused::DelegateToMyself => "Du kan ikke overlate et møte til deg selv.".into(),
        Refused::DelegateToOrganizer(email) => format!(
            "{email} er arrangør av møtet. Overlat det til noen som ikke allerede har ansvaret."
        ),
        Refused::NoSender => "Et svar trenger en avsenderadresse: sett profile.emails i oppsettet.".into(),
    }
}

impl From<neitakk_store::Error> for Failure {
    fn from(e: neitakk_store::Error) -> Failure {
        match e {
            neitakk_store::Error::Conflict { what } => {
                Failure::new(Kind::Conflict, format!("{what}: it exists already"))
            }
            other => Failure::ours(other),
        }
    }
}

/// The error page's template, compiled once (it needs no session, so it
/// stands apart from the other pages).
fn error_page() -> &'static minijinja::Environment<'static> {
    static PAGE: std::sync::OnceLock<minijinja::Environment<'static>> = std::sync::OnceLock::new();
    PAGE.get_or_init(|| {
        let mut env = minijinja::Environment::new();
        // A built-in template that does not parse is caught by the tests.
        let _ = env.add_template("error.html", include_str!("templates/error.html"));
        env
    })
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        if let Some(to) = &self.redirect {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, to.clone())]).into_response();
        }
        let status = self.kind.status();
        if self.json {
            let body = serde_json::json!({ "error": self.message });
            return (status, axum::Json(body)).into_response();
        }
        let nb = self.lang == Lang::Nb;
        let title = self.kind.title(nb);
        let message = match (&self.message_nb, nb) {
            (Some(text), true) => text,
            _ => &self.message,
        };
        let page = error_page().get_template("error.html").and_then(|t| {
            t.render(minijinja::context! {
                lang => if nb { "nb" } else { "en" },
                title,
                message,
                back => if nb { "Tilbake" } else { "Back" },
            })
        });
        match page {
            Ok(page) => (status, Html(page)).into_response(),
            // The template is built in; should it fail, the words still go out.
            Err(_) => (status, format!("{title}: {message}")).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn page(f: Failure) -> (StatusCode, String) {
        let r = f.into_response();
        let status = r.status();
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn the_error_page_speaks_the_pages_language_and_escapes_the_message() {
        let f = Failure::not_found("no meeting '<b>x</b>'").nb("Ingen møte «<b>x</b>».");
        let (status, en) = page(f).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(en.contains("<h1>Not found</h1>"), "{en}");
        assert!(
            en.contains("no meeting &#x27;&lt;b&gt;x&lt;") && !en.contains("<b>"),
            "{en}"
        );
        let f = Failure::not_found("no meeting")
            .nb("Ingen møte.")
            .lang(Lang::Nb);
        let (_, nb) = page(f).await;
        assert!(
            nb.contains("<html lang=\"nb\">") && nb.contains("Finnes ikke"),
            "{nb}"
        );
        assert!(nb.contains("Ingen møte.") && nb.contains("Tilbake"), "{nb}");
        // The JSON twin, for the API.
        let (status, json) = page(Failure::bad("no week").json()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(json, r#"{"error":"no week"}"#);
    }
}
