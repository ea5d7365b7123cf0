//! Published calendar links: the ICS address a calendar service gives out
//! (Google's "secret address in iCal format", Outlook's published calendar,
//! iCloud public calendars, Fastmail). Fetched with a timeout and a size
//! cap, and again only when it changed (ETag, Last-Modified: a 304 means
//! the kept copy is current).

use std::io::Read as _;
use std::time::Duration;
use ureq::http::Request;

/// What was kept of the last fetch, to ask whether it changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// What a fetch found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The calendar, with what to ask next time.
    Changed {
        body: Vec<u8>,
        validators: Validators,
    },
    /// The kept copy is current (304).
    NotModified,
}

/// Why a calendar link could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the calendar link needs a login or is no longer shared ({0}): copy the link anew from the calendar's sharing settings")]
    Refused(u16),
    #[error("there is no calendar at this link (404): it may have been unpublished, or its secret address reset")]
    NotFound,
    #[error("the calendar link answered {0}")]
    Status(u16),
    #[error("the calendar link sends elsewhere (a redirect): give the address it ends at")]
    Redirected,
    #[error("the link gives a web page, not a calendar: use the calendar's ICS (iCal) address")]
    WebPage,
    #[error("the calendar at this link is larger than {0} MB")]
    TooLarge(u64),
    #[error("cannot reach the calendar link: {0}")]
    Connection(String),
}

impl Error {
    /// Whether the link could not be reached at all (no network, no
    /// answer), rather than answered with a refusal.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Connection(_))
    }
}

/// The link as fetched: `webcal://` (and `webcals://`) is the same address
/// over HTTPS, as calendar programs read it; `None` for what is not a link.
pub fn address(link: &str) -> Option<String> {
    let lower = link.get(..10).unwrap_or(link).to_ascii_lowercase();
    for scheme in ["webcals://", "webcal://"] {
        if lower.starts_with(scheme) {
            return Some(format!("https://{}", &link[scheme.len()..]));
        }
    }
    (lower.starts_with("https://") || lower.starts_with("http://")).then(|| link.to_owned())
}

/// The link's host, as written (for messages: the rest of a link may be a
/// secret).
pub fn host(link: &str) -> &str {
    let rest = link.split_once("://").map_or(link, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority.rsplit_once('@').map_or(authority, |(_, h)| h)
}

/// Whether a plain `http://` link stays on this machine.
pub fn is_loopback(link: &str) -> bool {
    let h = host(link);
    let name = h
        .strip_prefix('[')
        .and_then(|v| v.split_once(']'))
        .map_or_else(|| h.rsplit_once(':').map_or(h, |(n, _)| n), |(v6, _)| v6);
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Fetches the calendar at `url` (as [`address`] gives it), unless it is
/// the same as when `kept` was fetched. At most `max_bytes`; the whole
/// fetch within `timeout`; following at most `redirects` redirects (the
/// team server follows none: each address is checked before it is asked).
pub fn fetch(
    url: &str,
    kept: &Validators,
    timeout: Duration,
    max_bytes: u64,
    redirects: u32,
) -> Result<Fetched, Error> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(5).min(timeout)))
        .timeout_recv_response(Some(Duration::from_secs(15).min(timeout)))
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .max_redirects(redirects)
        .build()
        .into();
    let mut builder = Request::get(url).header("Accept", "text/calendar, */*;q=0.5");
    if let Some(etag) = &kept.etag {
        builder = builder.header("If-None-Match", etag);
    }
    if let Some(at) = &kept.last_modified {
        builder = builder.header("If-Modified-Since", at);
    }
    let request = builder
        .body(())
        .map_err(|e| Error::Connection(e.to_string()))?;
    let mut response = agent
        .run(request)
        .map_err(|e| Error::Connection(e.to_string()))?;
    let status = response.status().as_u16();
    match status {
        304 => return Ok(Fetched::NotModified),
        300..=399 => return Err(Error::Redirected),
        401 | 403 => return Err(Error::Refused(status)),
        404 | 410 => return Err(Error::NotFound),
        200..=299 => {}
        _ => return Err(Error::Status(status)),
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let validators = Validators {
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    let html = header("content-type").is_some_and(|t| t.to_ascii_lowercase().contains("html"));
    // One byte past the cap tells a file that is too large from one that
    // is exactly as large as allowed.
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(max_bytes + 1)
        .read_to_end(&mut body)
        .map_err(|e| Error::Connection(e.to_string()))?;
    if body.len() as u64 > max_bytes {
        return Err(Error::TooLarge(max_bytes >> 20));
    }
    let start: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(15)
        .map(u8::to_ascii_lowercase)
        .collect();
    if html || start.starts_with(b"<!doctype html") || start.starts_with(b"<html") {
        return Err(Error::WebPage);
    }
    Ok(Fetched::Changed { body, validators })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_as_calendar_programs_read_them() {
        assert_eq!(
            address("webcal://p01-caldav.icloud.com/published/2/abc").as_deref(),
            Some("https://p01-caldav.icloud.com/published/2/abc")
        );
        assert_eq!(
            address("https://calendar.google.com/calendar/ical/x/basic.ics").as_deref(),
            Some("https://calendar.google.com/calendar/ical/x/basic.ics")
        );
        assert_eq!(address("uke49.ics"), None);
        assert_eq!(address("caldav"), None);
        assert_eq!(
            host("https://user:pw@cal.example.com:8443/a/b?s=1"),
            "cal.example.com:8443"
        );
        assert!(is_loopback("http://127.0.0.1:8080/cal.ics"));
        assert!(is_loopback("http://localhost/cal.ics"));
        assert!(is_loopback("http://[::1]:80/cal.ics"));
        assert!(!is_loopback("http://calendar.example.com/cal.ics"));
    }
}
