//! The user's mailbox over IMAP (RFC 3501), with the `imap` crate on a
//! stream of our own (TLS by rustls, as for SMTP and HTTPS): the messages
//! that arrived since a remembered UID, drafts appended with `\Draft`, and
//! drafts removed. Blocking, with timeouts on every read and write.

use crate::smtp::Security;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

/// An IMAP account.
#[derive(Debug, Clone)]
pub struct Account {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub user: String,
    /// The password, or with `oauth2` an access token.
    pub password: String,
    /// Log in with an OAuth2 access token (Microsoft 365, Gmail) instead
    /// of LOGIN, by this SASL mechanism.
    pub oauth2: Option<OAuth>,
    pub timeout: Duration,
    /// A certificate authority to trust besides the public ones (PEM).
    pub ca_pem: Option<Vec<u8>>,
}

/// How an OAuth2 access token is given to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OAuth {
    /// XOAUTH2 where the server offers it (Microsoft 365 and Gmail do),
    /// else OAUTHBEARER.
    #[default]
    Offered,
    /// SASL XOAUTH2, Google's and Microsoft's own.
    XOAuth2,
    /// SASL OAUTHBEARER (RFC 7628), the standard one.
    OAuthBearer,
}

/// Why talking to the mailbox failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot reach the IMAP server: {0}")]
    Connection(String),
    #[error("the IMAP server refused the login: {0}")]
    Login(String),
    #[error("the IMAP server said no to {what}: {why}")]
    Refused { what: String, why: String },
}

impl Error {
    /// Whether the server could not be reached or went away (worth trying
    /// again later), rather than saying no.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Connection(_))
    }
}

/// The connection, plain or TLS.
enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

/// IDLE waits with the socket's own read timeout.
impl imap::extensions::idle::SetReadTimeout for Conn {
    fn set_read_timeout(&mut self, timeout: Option<Duration>) -> imap::Result<()> {
        let socket = match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => &s.sock,
        };
        socket.set_read_timeout(timeout).map_err(imap::Error::Io)
    }
}

/// One message that arrived: its UID and size.
#[derive(Debug, Clone, Copy)]
pub struct Arrived {
    pub uid: u32,
    pub size: u32,
}

/// A logged-in session.
pub struct Mailbox {
    session: imap::Session<Conn>,
    /// The folder selected now, and its UIDVALIDITY.
    selected: Option<(String, u32)>,
}

fn refused(what: &str) -> impl Fn(imap::Error) -> Error + '_ {
    move |e| match e {
        imap::Error::Io(io) => Error::Connection(io.to_string()),
        imap::Error::ConnectionLost => Error::Connection("the connection was lost".into()),
        other => Error::Refused {
            what: what.to_owned(),
            why: other.to_string(),
        },
    }
}

fn tls(account: &Account, tcp: TcpStream) -> Result<Conn, Error> {
    use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName};
    let bad = |e: String| Error::Connection(format!("TLS: {e}"));
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    if let Some(pem) = &account.ca_pem {
        for cert in CertificateDer::pem_slice_iter(pem) {
            roots
                .add(cert.map_err(|e| bad(format!("the CA file: {e}")))?)
                .map_err(|e| bad(format!("the CA file: {e}")))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| bad(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = ServerName::try_from(account.host.clone()).map_err(|e| bad(e.to_string()))?;
    let conn =
        rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| bad(e.to_string()))?;
    Ok(Conn::Tls(Box::new(rustls::StreamOwned::new(conn, tcp))))
}

impl Mailbox {
    /// Connects and logs in.
    pub fn open(account: &Account) -> Result<Mailbox, Error> {
        let unreachable = |e: std::io::Error| Error::Connection(e.to_string());
        let addr = std::net::ToSocketAddrs::to_socket_addrs(&(account.host.as_str(), account.port))
            .map_err(unreachable)?
            .next()
            .ok_or_else(|| Error::Connection(format!("no address for {}", account.host)))?;
        let tcp = TcpStream::connect_timeout(&addr, account.timeout.min(Duration::from_secs(10)))
            .map_err(unreachable)?;
        tcp.set_read_timeout(Some(account.timeout))
            .map_err(unreachable)?;
        tcp.set_write_timeout(Some(account.timeout))
            .map_err(unreachable)?;
        let stream = match account.security {
            Security::None => Conn::Plain(tcp),
            Security::Tls => tls(account, tcp)?,
            Security::StartTls => {
                let tcp = starttls(tcp)?;
                let client = imap::Client::new(tls(account, tcp)?);
                // After STARTTLS there is no second greeting.
                return Ok(Mailbox {
                    session: login(client, account)?,
                    selected: None,
                });
            }
        };
        let mut client = imap::Client::new(stream);
        client.read_greeting().map_err(refused("the greeting"))?;
        Ok(Mailbox {
            session: login(client, account)?,
            selected: None,
        })
    }

    /// The mailbox marked with `special` (RFC 6154, `\Drafts`, `\Sent`),
    /// else `fallback`.
    pub fn special(&mut self, special: &str, fallback: &str) -> Result<String, Error> {
        use imap_proto::NameAttribute;
        let names = self
            .session
            .list(None, Some("*"))
            .map_err(refused("LIST"))?;
        let wanted = |a: &NameAttribute| match (a, special) {
            (NameAttribute::Drafts, "\\Drafts") | (NameAttribute::Sent, "\\Sent") => true,
            (NameAttribute::Extension(e), s) => e.eq_ignore_ascii_case(s),
            _ => false,
        };
        Ok(names
            .iter()
            .find(|n| n.attributes().iter().any(wanted))
            .map_or_else(|| fallback.to_owned(), |n| n.name().to_owned()))
    }

    /// The folder's UIDVALIDITY, and the messages that arrived since
    /// `known` (its UIDVALIDITY then, and the last UID handled); when there
    /// is none, or the folder's UIDs were renumbered since, those that
    /// arrived on or after `first_since` (so that a first look at years of
    /// mail reads the last weeks, not all of it). In UID order, with their
    /// sizes: each body is read on its own ([`Mailbox::body`]), so that
    /// memory holds one message at a time.
    pub fn arrived(
        &mut self,
        folder: &str,
        known: Option<(u32, u32)>,
        first_since: chrono::NaiveDate,
    ) -> Result<(u32, Vec<Arrived>), Error> {
        let validity = self.select(folder)?;
        let after = known.filter(|(v, _)| *v == validity).map(|(_, last)| last);
        let from = match after {
            Some(last) => last.saturating_add(1),
            None => {
                let since = first_since.format("%d-%b-%Y");
                let recent = self
                    .session
                    .uid_search(format!("SINCE {since}"))
                    .map_err(refused("SEARCH"))?;
                match recent.into_iter().min() {
                    Some(first) => first,
                    None => return Ok((validity, Vec::new())),
                }
            }
        };
        let sizes = self
            .session
            .uid_fetch(format!("{from}:*"), "(UID RFC822.SIZE)")
            .map_err(refused("FETCH"))?;
        let mut found: Vec<Arrived> = sizes
            .iter()
            .filter_map(|f| {
                Some(Arrived {
                    uid: f.uid?,
                    size: f.size.unwrap_or(0),
                })
            })
            // "n:*" names the last message even when its UID is below n.
            .filter(|m| m.uid >= from)
            .collect();
        found.sort_unstable_by_key(|m| m.uid);
        Ok((validity, found))
    }

    /// The whole message `uid` of `folder`, without touching its flags
    /// (BODY.PEEK); `None` if it is gone.
    pub fn body(&mut self, folder: &str, uid: u32) -> Result<Option<Vec<u8>>, Error> {
        self.select(folder)?;
        let fetched = self
            .session
            .uid_fetch(uid.to_string(), "(UID BODY.PEEK[])")
            .map_err(refused("FETCH"))?;
        Ok(fetched
            .iter()
            .find(|f| f.uid == Some(uid))
            .and_then(|f| f.body())
            .map(<[u8]>::to_vec))
    }

    /// Appends a message to `folder` as a draft.
    pub fn append_draft(&mut self, folder: &str, message: &[u8]) -> Result<(), Error> {
        self.append(folder, message, imap::types::Flag::Draft)
    }

    /// Files a sent message in `folder`, read.
    pub fn append_sent(&mut self, folder: &str, message: &[u8]) -> Result<(), Error> {
        self.append(folder, message, imap::types::Flag::Seen)
    }

    fn append(
        &mut self,
        folder: &str,
        message: &[u8],
        flag: imap::types::Flag<'static>,
    ) -> Result<(), Error> {
        self.session
            .append(folder, message)
            .flag(flag)
            .finish()
            .map_err(refused("APPEND"))?;
        Ok(())
    }

    /// The message of `folder` whose Message-ID is `message_id`, if it is there.
    pub fn fetch(&mut self, folder: &str, message_id: &str) -> Result<Option<Vec<u8>>, Error> {
        match self.find(folder, message_id)?.first() {
            Some(&uid) => self.body(folder, uid),
            None => Ok(None),
        }
    }

    /// Selects `folder`, unless it is selected already; its UIDVALIDITY.
    fn select(&mut self, folder: &str) -> Result<u32, Error> {
        if let Some((selected, validity)) = &self.selected {
            if selected == folder {
                return Ok(*validity);
            }
        }
        let status = self.session.select(folder).map_err(refused("SELECT"))?;
        let validity = status.uid_validity.unwrap_or(0);
        self.selected = Some((folder.to_owned(), validity));
        Ok(validity)
    }

    /// The UIDs of the messages of `folder` with this Message-ID.
    fn find(&mut self, folder: &str, message_id: &str) -> Result<Vec<u32>, Error> {
        self.select(folder)?;
        let found = self
            .session
            .uid_search(format!("HEADER Message-ID {}", quoted(message_id)))
            .map_err(refused("SEARCH"))?;
        let mut found: Vec<u32> = found.into_iter().collect();
        found.sort_unstable();
        Ok(found)
    }

    /// Removes the messages of `folder` whose Message-ID is `message_id`
    /// (the drafts neitakk made: found by their own id, so that a draft the
    /// user moved or a UID that changed does not matter).
    pub fn remove(&mut self, folder: &str, message_id: &str) -> Result<(), Error> {
        let found = self.find(folder, message_id)?;
        if found.is_empty() {
            return Ok(());
        }
        let set: Vec<String> = found.iter().map(u32::to_string).collect();
        let set = set.join(",");
        self.session
            .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
            .map_err(refused("STORE"))?;
        self.session.uid_expunge(&set).map_err(refused("EXPUNGE"))?;
        Ok(())
    }

    /// Whether `folder` holds a message with this Message-ID.
    pub fn holds(&mut self, folder: &str, message_id: &str) -> Result<bool, Error> {
        Ok(!self.find(folder, message_id)?.is_empty())
    }

    /// Waits in `folder` until something changes there, or `at_most` has
    /// passed: with IDLE where the server has it, else by waiting.
    pub fn wait(&mut self, folder: &str, at_most: Duration) -> Result<(), Error> {
        let idle = self
            .session
            .capabilities()
            .map_err(refused("CAPABILITY"))?
            .has_str("IDLE");
        if !idle {
            std::thread::sleep(at_most);
            return Ok(());
        }
        self.select(folder)?;
        let waited = self
            .session
            .idle()
            .timeout(at_most)
            .keepalive(false)
            .wait_while(imap::extensions::idle::stop_on_any);
        match waited {
            Ok(_) => Ok(()),
            // The timeout ends the wait as a read error on some systems.
            Err(imap::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                Ok(())
            }
            Err(e) => Err(refused("IDLE")(e)),
        }
    }

    pub fn close(mut self) {
        let _ = self.session.logout();
    }
}

/// Logs in with the password, or with XOAUTH2 and the access token.
fn login(mut client: imap::Client<Conn>, account: &Account) -> Result<imap::Session<Conn>, Error> {
    let refused = |(e, _): (imap::Error, _)| match e {
        imap::Error::Io(io) => Error::Connection(io.to_string()),
        e => Error::Login(e.to_string()),
    };
    let mechanism = match account.oauth2 {
        None => {
            return client
                .login(&account.user, &account.password)
                .map_err(refused)
        }
        Some(OAuth::Offered) => {
            let offered = client.capabilities().map_err(refused_capabilities)?;
            if offered.has_str("AUTH=XOAUTH2") || !offered.has_str("AUTH=OAUTHBEARER") {
                OAuth::XOAuth2
            } else {
                OAuth::OAuthBearer
            }
        }
        Some(chosen) => chosen,
    };
    let token = Token {
        account,
        bearer: mechanism == OAuth::OAuthBearer,
    };
    let name = if token.bearer {
        "OAUTHBEARER"
    } else {
        "XOAUTH2"
    };
    client.authenticate(name, &token).map_err(refused)
}

fn refused_capabilities(e: imap::Error) -> Error {
    match e {
        imap::Error::Io(io) => Error::Connection(io.to_string()),
        e => Error::Login(format!("the server's capabilities: {e}")),
    }
}

/// An access token, by SASL XOAUTH2 or OAUTHBEARER: first the user and
/// the bearer token; to the server's error challenge, the answer that ends
/// the exchange (empty for XOAUTH2, a lone ^A for OAUTHBEARER), so that
/// the server says no and the token can be asked for anew.
struct Token<'a> {
    account: &'a Account,
    bearer: bool,
}

impl imap::Authenticator for Token<'_> {
    type Response = String;

    fn process(&self, challenge: &[u8]) -> String {
        let (a, token) = (self.account, &self.account.password);
        match (challenge.is_empty(), self.bearer) {
            (true, false) => format!("user={}\x01auth=Bearer {token}\x01\x01", a.user),
            // RFC 7628: the GS2 header names the user (`,` and `=` escaped).
            (true, true) => format!(
                "n,a={},\x01host={}\x01port={}\x01auth=Bearer {token}\x01\x01",
                a.user.replace('=', "=3D").replace(',', "=2C"),
                a.host,
                a.port
            ),
            (false, false) => String::new(),
            (false, true) => "\x01".to_owned(),
        }
    }
}

/// Reads the greeting and asks for STARTTLS on a plain connection.
fn starttls(mut tcp: TcpStream) -> Result<TcpStream, Error> {
    let greeting = read_line(&mut tcp)?;
    if !greeting.starts_with("* OK") {
        return Err(Error::Connection(format!(
            "the greeting: {}",
            greeting.trim()
        )));
    }
    tcp.write_all(b"a0 STARTTLS\r\n")
        .map_err(|e| Error::Connection(e.to_string()))?;
    loop {
        let answer = read_line(&mut tcp)?;
        if answer.starts_with("a0 OK") {
            return Ok(tcp);
        }
        if answer.starts_with("a0 ") {
            return Err(Error::Refused {
                what: "STARTTLS".into(),
                why: answer.trim().to_owned(),
            });
        }
    }
}

/// One line, a byte at a time: nothing of a TLS handshake may be read ahead.
fn read_line(tcp: &mut TcpStream) -> Result<String, Error> {
    let mut bytes = Vec::new();
    let mut b = [0u8; 1];
    while !bytes.ends_with(b"\r\n") {
        match tcp.read(&mut b) {
            Ok(0) => return Err(Error::Connection("the connection was closed".into())),
            Ok(_) => bytes.push(b[0]),
            Err(e) => return Err(Error::Connection(e.to_string())),
        }
        if bytes.len() > 8192 {
            return Err(Error::Connection("a line without end".into()));
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// An IMAP quoted string.
fn quoted(s: &str) -> String {
    let escaped: String = s
        .chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}
