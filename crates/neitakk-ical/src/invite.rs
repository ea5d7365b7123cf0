//! Invitations that arrive as e-mail: the text/calendar part of an `.eml`.

use crate::Error;
use mail_parser::MimeHeaders;

/// Whether the bytes look like an e-mail rather than a bare calendar.
pub fn looks_like_email(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    !text.trim_start().starts_with("begin:vcalendar")
        && (text.contains("\ncontent-type:") || text.starts_with("content-type:"))
        && (text.contains("mime-version:") || text.contains("\nfrom:") || text.starts_with("from:"))
}

/// The first text/calendar (or application/ics) part of an e-mail.
pub fn calendar_part(file: &str, bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let message = mail_parser::MessageParser::default()
        .parse(bytes)
        .ok_or_else(|| Error::NoCalendarPart { file: file.into() })?;
    for part in &message.parts {
        let Some(ct) = part.content_type() else {
            continue;
        };
        let sub = ct.subtype().unwrap_or("").to_ascii_lowercase();
        let is_calendar = ct.ctype().eq_ignore_ascii_case("text") && sub == "calendar"
            || ct.ctype().eq_ignore_ascii_case("application") && sub == "ics";
        if is_calendar {
            return Ok(part.contents().to_vec());
        }
    }
    Err(Error::NoCalendarPart { file: file.into() })
}

/// The Message-ID of an e-mail, with its angle brackets, if it is one.
pub fn message_id(bytes: &[u8]) -> Option<String> {
    if !looks_like_email(bytes) {
        return None;
    }
    let message = mail_parser::MessageParser::default().parse(bytes)?;
    message.message_id().map(|id| format!("<{id}>"))
}

/// Who an e-mail is from and to, as its headers say: the sender's address,
/// and every address in To and Cc (lower-cased), and its subject.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Envelope {
    pub from: Option<String>,
    pub to: Vec<String>,
    pub subject: String,
}

/// The envelope of an e-mail, if it is one.
pub fn envelope(bytes: &[u8]) -> Option<Envelope> {
    let message = mail_parser::MessageParser::default().parse(bytes)?;
    let addresses = |a: Option<&mail_parser::Address>| -> Vec<String> {
        a.map(|a| {
            a.iter()
                .filter_map(|x| x.address())
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default()
    };
    let mut to = addresses(message.to());
    to.extend(addresses(message.cc()));
    Some(Envelope {
        from: addresses(message.from()).into_iter().next(),
        to,
        subject: message.subject().unwrap_or_default().to_owned(),
    })
}
