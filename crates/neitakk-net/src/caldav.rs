//! A small CalDAV client (RFC 4791) over plain HTTP with `ureq`: read the
//! events in a time range, read and write one event with ETag checks, and
//! ask whether the server schedules (RFC 6638).

use std::time::Duration;
use ureq::http::{Method, Request};

/// A calendar collection and how to log in to it.
#[derive(Debug, Clone)]
pub struct Account {
    /// The calendar collection's URL, ending in `/`.
    pub url: String,
    pub login: Option<(String, String)>,
    pub timeout: Duration,
}

/// One calendar object resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// Its URL path, as the server names it.
    pub href: String,
    pub etag: Option<String>,
    /// The iCalendar text.
    pub data: String,
}

/// Why a CalDAV request failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the CalDAV server refused the login ({0})")]
    Login(u16),
    #[error("the event changed on the server since it was read (412)")]
    Changed,
    #[error("the CalDAV server answered {status} to {what}")]
    Status { status: u16, what: String },
    #[error("cannot reach the CalDAV server: {0}")]
    Connection(String),
    #[error("the CalDAV server's answer could not be read: {0}")]
    Answer(String),
}

/// How long a connection may take to open.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the server may take to begin its answer.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

impl Account {
    fn agent(&self) -> ureq::Agent {
        ureq::Agent::config_builder()
            // A server that never answers is given up on soon; a large
            // calendar still has the whole timeout to arrive.
            .timeout_connect(Some(CONNECT_TIMEOUT.min(self.timeout)))
            .timeout_recv_response(Some(ANSWER_TIMEOUT.min(self.timeout)))
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            // REPORT, MKCALENDAR and the like are WebDAV methods.
            .allow_non_standard_methods(true)
            // A redirect could lead the request, with its login, anywhere.
            .max_redirects(0)
            .build()
            .into()
    }

    /// An absolute URL for an href the server gave, on the account's own
    /// server: an href to another host is refused (it would carry the
    /// login there).
    fn absolute(&self, href: &str) -> Result<String, Error> {
        // scheme://host[:port] of the account URL
        let after_scheme = self.url.find("://").map_or(0, |i| i + 3);
        let host_end = self.url[after_scheme..]
            .find('/')
            .map_or(self.url.len(), |i| after_scheme + i);
        let origin = &self.url[..host_end];
        if href.starts_with("http://") || href.starts_with("https://") {
            let same = href.len() >= origin.len()
                && href.is_char_boundary(origin.len())
                && href[..origin.len()].eq_ignore_ascii_case(origin)
                && matches!(href[origin.len()..].chars().next(), None | Some('/'));
            return if same {
                Ok(href.to_owned())
            } else {
                Err(Error::Answer(format!(
                    "the server pointed to {href}, which is not on {origin}"
                )))
            };
        }
        Ok(format!("{origin}{href}"))
    }

    fn request(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
        what: &str,
    ) -> Result<(u16, ureq::http::HeaderMap, String), Error> {
        let method =
            Method::from_bytes(method.as_bytes()).map_err(|e| Error::Connection(e.to_string()))?;
        let mut builder = Request::builder().method(method).uri(url);
        if let Some((user, password)) = &self.login {
            builder = builder.header("Authorization", basic(user, password));
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let request = builder
            .body(body.unwrap_or_default())
            .map_err(|e| Error::Connection(e.to_string()))?;
        let mut response = self
            .agent()
            .run(request)
            .map_err(|e| Error::Connection(e.to_string()))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response
            .body_mut()
            .read_to_string()
            .map_err(|e| Error::Answer(e.to_string()))?;
        match status {
            401 => Err(Error::Login(status)),
            412 => Err(Error::Changed),
            200..=299 => Ok((status, headers, text)),
            _ => Err(Error::Status {
                status,
                what: what.to_owned(),
            }),
        }
    }

    /// Every event that overlaps `[from, to)` (UTC, `20261201T000000Z`).
    pub fn query(&self, from: &str, to: &str) -> Result<Vec<Resource>, Error> {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT">
        <C:time-range start="{from}" end="{to}"/>
      </C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>"#
        );
        let headers = [
            ("Depth", "1"),
            ("Content-Type", "application/xml; charset=utf-8"),
        ];
        let (_, _, text) = self.request(
            "REPORT",
            &self.url,
            &headers,
            Some(body),
            "the calendar query",
        )?;
        parse_multistatus(&text)
    }

    /// One event, by href.
    pub fn get(&self, href: &str) -> Result<Resource, Error> {
        let (_, headers, data) =
            self.request("GET", &self.absolute(href)?, &[], None, "reading the event")?;
        let etag = headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Ok(Resource {
            href: href.to_owned(),
            etag,
            data,
        })
    }

    /// Writes an event; with an ETag, only if it is still that version
    /// ([`Error::Changed`] otherwise), without one unconditionally. Returns the new ETag if the server gives one.
    pub fn put(
        &self,
        href: &str,
        data: &str,
        if_match: Option<&str>,
    ) -> Result<Option<String>, Error> {
        let mut headers = vec![("Content-Type", "text/calendar; charset=utf-8")];
        // Without an ETag the server gave none to check against: write as is.
        if let Some(etag) = if_match {
            headers.push(("If-Match", etag));
        }
        let (_, headers, _) = self.request(
            "PUT",
            &self.absolute(href)?,
            &headers,
            Some(data.to_owned()),
            "writing the event",
        )?;
        Ok(headers
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned))
    }

    /// Whether the server delivers iTIP messages itself (RFC 6638).
    pub fn schedules(&self) -> Result<bool, Error> {
        let (_, headers, _) = self.request("OPTIONS", &self.url, &[], None, "OPTIONS")?;
        Ok(headers
            .get_all("dav")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains("calendar-auto-schedule")))
    }
}

fn basic(user: &str, password: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

/// The resources in a WebDAV multistatus answer.
fn parse_multistatus(xml: &str) -> Result<Vec<Resource>, Error> {
    let doc = roxmltree::Document::parse(xml).map_err(|e| Error::Answer(e.to_string()))?;
    let mut out = Vec::new();
    for response in doc
        .descendants()
        .filter(|n| n.has_tag_name(("DAV:", "response")))
    {
        let text_of = |ns: &str, name: &str| {
            response
                .descendants()
                .find(|n| n.has_tag_name((ns, name)))
                .and_then(|n| n.text())
                .map(str::to_owned)
        };
        let (Some(href), Some(data)) = (
            text_of("DAV:", "href"),
            text_of("urn:ietf:params:xml:ns:caldav", "calendar-data"),
        ) else {
            continue;
        };
        out.push(Resource {
            href,
            etag: text_of("DAV:", "getetag"),
            data,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_stay_on_the_accounts_server() {
        let a = Account {
            url: "https://dav.example.com:8443/u/cal/".into(),
            login: None,
            timeout: Duration::from_secs(1),
        };
        assert_eq!(
            a.absolute("/u/cal/a.ics").unwrap(),
            "https://dav.example.com:8443/u/cal/a.ics"
        );
        assert!(a
            .absolute("https://dav.example.com:8443/u/cal/b.ics")
            .is_ok());
        for elsewhere in [
            "http://10.0.0.5/u/cal/a.ics",
            "https://dav.example.com:8444/a.ics",
            "https://dav.example.com:8443.evil.net/a.ics",
            "https://dav.example.com:8443@evil.net/a.ics",
        ] {
            assert!(a.absolute(elsewhere).is_err(), "{elsewhere}");
        }
    }

    #[test]
    fn basic_auth_is_base64() {
        assert_eq!(basic("user", "pass"), "Basic dXNlcjpwYXNz");
        assert_eq!(basic("a", "bc"), "Basic YTpiYw==");
    }

    #[test]
    fn reads_a_multistatus() {
        let xml = r#"<?xml version="1.0"?><multistatus xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
          <response><href>/u/cal/a.ics</href><propstat><prop><getetag>"1"</getetag>
          <C:calendar-data>BEGIN:VCALENDAR&#13;
END:VCALENDAR</C:calendar-data></prop><status>HTTP/1.1 200 OK</status></propstat></response></multistatus>"#;
        let r = parse_multistatus(xml).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].href, "/u/cal/a.ics");
        assert_eq!(r[0].etag.as_deref(), Some("\"1\""));
        assert!(r[0].data.starts_with("BEGIN:VCALENDAR"));
    }
}
