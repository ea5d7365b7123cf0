//! The e-mail around an iTIP message (iMIP, RFC 6047).
//!
//! The structure is the one Gmail sends for invitations and replies, which
//! Outlook, Apple Mail and Thunderbird all read:
//!
//! ```text
//! multipart/mixed
//! ├── multipart/alternative
//! │   ├── text/plain; charset=utf-8            the message people read
//! │   ├── text/html; charset=utf-8             the same, as mail programs show it
//! │   └── text/calendar; method=REPLY; charset=UTF-8   what calendars apply
//! └── application/ics; name="invite.ics"       the same, as an attachment
//! ```
//!
//! Outlook and Gmail act on the text/calendar part inside the alternative;
//! programs that only look at attachments find the `.ics`. The calendar
//! part's `method=` always equals the payload's METHOD.

use crate::itip::Method;
use chrono::{DateTime, Utc};
use lettre::message::header::{self, ContentType};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};

/// Why a message could not be built.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("'{0}' is not an e-mail address")]
    Address(String),
    #[error("cannot build the e-mail: {0}")]
    Build(String),
}

/// A message to write.
#[derive(Debug, Clone)]
pub struct Mail<'a> {
    pub from_name: &'a str,
    pub from: &'a str,
    pub to: &'a [String],
    pub subject: &'a str,
    pub body: &'a str,
    /// The iTIP payload and its method, if the message carries one.
    pub calendar: Option<(Method, &'a str)>,
    /// The Message-ID of the invitation answered, if it came by e-mail.
    pub in_reply_to: Option<&'a str>,
    pub message_id: &'a str,
    pub date: DateTime<Utc>,
}

fn mailbox(name: Option<&str>, addr: &str) -> Result<Mailbox, Error> {
    let address = addr.parse().map_err(|_| Error::Address(addr.to_owned()))?;
    // A name is one line in a header (a line break makes lettre's header
    // fail to print, and would cut the header anyway).
    let name = name
        .map(neitakk_core::text::one_line)
        .filter(|n| !n.is_empty());
    Ok(Mailbox::new(name, address))
}

/// The message as RFC 5322 bytes (CRLF line ends).
pub fn build(m: &Mail) -> Result<Vec<u8>, Error> {
    let sender = mailbox(Some(m.from_name), m.from)?;
    let mut builder = lettre::Message::builder()
        .from(sender.clone())
        .subject(neitakk_core::text::one_line(m.subject))
        .date(m.date.into())
        .message_id(Some(m.message_id.to_owned()));
    if let Some(id) = m.in_reply_to {
        builder = builder.in_reply_to(id.to_owned()).references(id.to_owned());
    }
    if m.to.is_empty() {
        // No one to answer: the draft is addressed to the user to fill in.
        builder = builder.to(sender);
    }
    for to in m.to {
        builder = builder.to(mailbox(None, to)?);
    }
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.to_owned());
    let html = SinglePart::builder()
        .header(ContentType::TEXT_HTML)
        .body(html_of(m.body));
    let message = match m.calendar {
        None => builder.multipart(MultiPart::alternative().singlepart(text).singlepart(html)),
        Some((method, ics)) => {
            let calendar_type = |kind: &str| {
                ContentType::parse(&format!(
                    "{kind}; method={}; charset=UTF-8",
                    method.as_str()
                ))
                .map_err(|e| Error::Build(e.to_string()))
            };
            let inline = SinglePart::builder()
                .header(calendar_type("text/calendar")?)
                .header(header::ContentTransferEncoding::Base64)
                .body(ics.to_owned());
            let attachment = Attachment::new("invite.ics".to_owned())
                .body(ics.to_owned(), calendar_type("application/ics")?);
            builder.multipart(
                MultiPart::mixed()
                    .multipart(
                        MultiPart::alternative()
                            .singlepart(text)
                            .singlepart(html)
                            .singlepart(inline),
                    )
                    .singlepart(attachment),
            )
        }
    };
    Ok(message
        .map_err(|e| Error::Build(e.to_string()))?
        .formatted())
}

/// The body as simple HTML: paragraphs, line breaks, and "- " lines as a list.
pub fn html_of(body: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let mut out = String::from("<!DOCTYPE html>\n<html><body style=\"font-family: sans-serif\">\n");
    for paragraph in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let lines: Vec<&str> = paragraph.lines().collect();
        if lines.iter().all(|l| l.starts_with("- ")) {
            out.push_str("<ul>\n");
            for l in lines {
                out.push_str(&format!("<li>{}</li>\n", escape(&l[2..])));
            }
            out.push_str("</ul>\n");
        } else {
            let joined: Vec<String> = lines.iter().map(|l| escape(l)).collect();
            out.push_str(&format!("<p>{}</p>\n", joined.join("<br>\n")));
        }
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_keeps_paragraphs_and_lists() {
        let html =
            super::html_of("Hei Kari,\n\nAgenda:\n\n- A & B\n- <C>\n\nVennlig hilsen\nIngrid");
        assert!(html.contains("<p>Hei Kari,</p>"));
        assert!(html.contains("<li>A &amp; B</li>\n<li>&lt;C&gt;</li>"));
        assert!(html.contains("<p>Vennlig hilsen<br>\nIngrid</p>"));
    }

    /// Found by the property test: a name with a line break beside an
    /// address lettre writes as it is made its From header fail to print.
    #[test]
    fn an_odd_name_beside_an_odd_address_is_no_panic() {
        for (name, from) in [
            (",\n:", "A@\u{1e137}"),
            ("Ola\nHansen", "ola@firma.no"),
            ("\"", "a@b.no"),
        ] {
            let _ = super::build(&super::Mail {
                from_name: name,
                from,
                to: &[],
                subject: "",
                body: "",
                calendar: None,
                in_reply_to: None,
                message_id: "<1@firma.no>",
                date: chrono::DateTime::UNIX_EPOCH,
            });
        }
    }

    /// A title with a line break stays one Subject line: nothing spills
    /// into the other headers or the body.
    #[test]
    fn a_title_with_a_line_break_is_one_subject_line() {
        let to = vec!["kari@client.no".to_owned()];
        let eml = super::build(&super::Mail {
            from_name: "Ingrid Berg",
            from: "ingrid@firma.no",
            to: &to,
            subject: "Re: Status\r\nBcc: evil@example.com\n\nHello",
            body: "Hei",
            calendar: None,
            in_reply_to: None,
            message_id: "<1@firma.no>",
            date: chrono::DateTime::UNIX_EPOCH,
        })
        .unwrap();
        let text = String::from_utf8(eml).unwrap();
        let head = text.split("\r\n\r\n").next().unwrap();
        assert!(!head.lines().any(|l| l.starts_with("Bcc:")), "{head}");
        assert!(
            head.contains("Subject: Re: Status Bcc: evil@example.com Hello"),
            "{head}"
        );
    }
}

#[cfg(test)]
mod any_text {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]
        /// Any names, subjects, bodies and addresses: a message or a clear
        /// error, never a panic.
        #[test]
        fn the_mail_builder_never_panics(
            from_name in "\\PC*|[\\r\\n\\t \"<>@,;:\\\\]{0,8}",
            from in "\\PC{0,30}",
            to in proptest::collection::vec("\\PC{0,30}", 0..3),
            subject in "(\\PC|[\\r\\n])*",
            body in "(\\PC|[\\r\\n])*",
        ) {
            let _ = super::build(&super::Mail {
                from_name: &from_name,
                from: &from,
                to: &to,
                subject: &subject,
                body: &body,
                calendar: None,
                in_reply_to: None,
                message_id: "<1@firma.no>",
                date: chrono::DateTime::UNIX_EPOCH,
            });
        }
    }
}
