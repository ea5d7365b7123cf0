//! Sending a finished message over SMTP with `lettre`.

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::authentication::Mechanism;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{SmtpTransport, Transport};
use std::time::Duration;

/// How the connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain connection upgraded with STARTTLS (port 587); refused without it.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only to a server on this machine.
    None,
}

/// Where and how to send.
#[derive(Debug, Clone)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// User name and password, if the server wants a login.
    pub login: Option<(String, String)>,
    /// The "password" is an OAuth2 access token: log in with XOAUTH2.
    pub xoauth2: bool,
    pub timeout: Duration,
    /// A certificate authority to trust besides the public ones (PEM), for a
    /// company's own mail server.
    pub ca_pem: Option<Vec<u8>>,
}

/// Why a message was not sent. The message is not lost: the caller keeps
/// the draft.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unencrypted SMTP is only allowed to this machine, not to {0}")]
    Unencrypted(String),
    #[error("'{0}' is not an e-mail address")]
    Address(String),
    #[error("the SMTP server {server} refused the login: {detail}")]
    Login { server: String, detail: String },
    #[error("the SMTP server {server} refused the message: {detail}")]
    Refused { server: String, detail: String },
    #[error("cannot reach the SMTP server {server}: {detail}")]
    Connection { server: String, detail: String },
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Sends `raw` (a complete RFC 5322 message) from `from` to `to`.
pub fn send(server: &Server, from: &str, to: &[String], raw: &[u8]) -> Result<(), Error> {
    let address = |a: &str| a.parse().map_err(|_| Error::Address(a.to_owned()));
    let envelope = Envelope::new(
        Some(address(from)?),
        to.iter().map(|t| address(t)).collect::<Result<_, _>>()?,
    )
    .map_err(|e| Error::Address(e.to_string()))?;
    let name = format!("{}:{}", server.host, server.port);
    let tls = || {
        let failed = |e: lettre::transport::smtp::Error| Error::Connection {
            server: name.clone(),
            detail: e.to_string(),
        };
        let mut params = TlsParameters::builder(server.host.clone());
        if let Some(pem) = &server.ca_pem {
            params = params.add_root_certificate(Certificate::from_pem(pem).map_err(failed)?);
        }
        params.build_rustls().map_err(failed)
    };
    let mut builder = SmtpTransport::builder_dangerous(&server.host)
        .port(server.port)
        .timeout(Some(server.timeout));
    builder = match server.security {
        Security::StartTls => builder.tls(Tls::Required(tls()?)),
        Security::Tls => builder.tls(Tls::Wrapper(tls()?)),
        Security::None if is_loopback(&server.host) => builder.tls(Tls::None),
        Security::None => return Err(Error::Unencrypted(server.host.clone())),
    };
    if let Some((user, password)) = &server.login {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        if server.xoauth2 {
            builder = builder.authentication(vec![Mechanism::Xoauth2]);
        }
    }
    let transport = builder.build();
    transport.send_raw(&envelope, raw).map_err(|e| {
        let detail = e.to_string();
        // 535/534: the server refused the login; the client found no way to log in.
        if ["535", "534", "530", "authentication mechanism"]
            .iter()
            .any(|c| detail.contains(c))
        {
            Error::Login {
                server: name.clone(),
                detail,
            }
        } else if e.is_permanent() || e.is_transient() {
            Error::Refused {
                server: name.clone(),
                detail,
            }
        } else {
            Error::Connection {
                server: name.clone(),
                detail,
            }
        }
    })?;
    tracing::info!("sent to {} via {name}", to.join(", "));
    Ok(())
}
