//! A calendar given as a link to its published ICS address: fetched, then
//! asked again only whether it changed, read from the kept copy without the
//! network (saying how old it is), and a link that is not a calendar is a
//! clear error that names its host, never its secret path.

use crate::common::*;
use std::io::{BufRead, BufReader, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Answers `connections` requests as a calendar service would, then stops
/// listening (the network is gone). Counts the 304s it gave.
fn service(connections: usize) -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let not_modified = Arc::new(AtomicUsize::new(0));
    let counted = not_modified.clone();
    let calendar = std::fs::read(root().join("examples/uke49.ics")).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(connections) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let (mut request, mut line) = (String::new(), String::new());
            reader.read_line(&mut request).unwrap();
            let mut etag_matches = false;
            while reader.read_line(&mut line).unwrap() > 2 {
                etag_matches |= line.eq_ignore_ascii_case("if-none-match: \"v1\"\r\n");
                line.clear();
            }
            let path = request.split(' ').nth(1).unwrap_or("").to_owned();
            let (head, body): (String, Vec<u8>) = match path.as_str() {
                "/s3cr3t/basic.ics" if etag_matches => {
                    counted.fetch_add(1, Ordering::Relaxed);
                    ("304 Not Modified\r\nETag: \"v1\"".into(), Vec::new())
                }
                "/s3cr3t/basic.ics" => (
                    "200 OK\r\nContent-Type: text/calendar\r\nETag: \"v1\"".into(),
                    calendar.clone(),
                ),
                "/page" => (
                    "200 OK\r\nContent-Type: text/html".into(),
                    b"<!DOCTYPE html><html><body>Sign in</body></html>".to_vec(),
                ),
                "/shared-no-more.ics" => ("401 Unauthorized".into(), Vec::new()),
                _ => ("404 Not Found".into(), Vec::new()),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    (base, not_modified)
}

fn events(data: &std::path::Path, now: &str, calendar: &str) -> Output {
    neitakk_at(
        data,
        now,
        &[
            "events",
            calendar,
            "--from",
            "2026-11-30",
            "--to",
            "2026-12-07",
        ],
    )
}

#[test]
fn a_published_calendar_link_is_read_kept_and_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let (base, not_modified) = service(5);
    let link = format!("{base}/s3cr3t/basic.ics");
    let from_file = events(dir.path(), MONDAY, "examples/uke49.ics");
    let first = events(dir.path(), MONDAY, &link);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        stdout(&first),
        stdout(&from_file),
        "the same meetings as the file"
    );
    // Unchanged: the service answers 304 and the copy is read.
    let again = events(dir.path(), MONDAY, &link);
    assert_eq!(stdout(&again), stdout(&from_file));
    assert_eq!(not_modified.load(Ordering::Relaxed), 1);

    // Links that are not calendars: clear errors that name the host only.
    for (path, says) in [
        ("/page", "web page, not a calendar"),
        ("/gone.ics", "no calendar at this link (404)"),
        (
            "/shared-no-more.ics",
            "needs a login or is no longer shared (401)",
        ),
    ] {
        let o = events(dir.path(), MONDAY, &format!("{base}{path}"));
        assert_eq!(o.status.code(), Some(2), "{path}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{path}: {}", stderr(&o));
        assert!(stderr(&o).contains(&format!("calendar link at {}", &base[7..])));
        assert!(!stderr(&o).contains(path), "{}", stderr(&o));
    }

    // Without the network, the copy, with its age.
    let later = "2026-11-30T10:00:00+01:00";
    let offline = events(dir.path(), later, &link);
    assert!(offline.status.success(), "{}", stderr(&offline));
    assert_eq!(stdout(&offline), stdout(&from_file));
    assert!(
        stderr(&offline).contains("cannot be reached")
            && stderr(&offline).contains("fetched 3 hours ago"),
        "{}",
        stderr(&offline)
    );
    assert!(!stderr(&offline).contains("s3cr3t"), "{}", stderr(&offline));
    // A link never fetched, without the network: an error that says so.
    let never = events(dir.path(), later, &format!("{base}/other.ics"));
    assert_eq!(never.status.code(), Some(1));
    assert!(
        stderr(&never).contains("cannot reach the calendar link"),
        "{}",
        stderr(&never)
    );
}

/// `[calendar] url` is the calendar of every command given none.
#[test]
fn the_configured_link_is_the_default_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let (base, _) = service(1);
    let example = std::fs::read_to_string(root().join("examples/neitakk.toml")).unwrap();
    let cfg = dir.path().join("neitakk.toml");
    std::fs::write(
        &cfg,
        example.replace(
            "clients = \"clients.toml\"",
            &format!(
                "clients = \"{}\"",
                root().join("examples/clients.toml").display()
            ),
        ) + &format!("\n[calendar]\nurl = \"{base}/s3cr3t/basic.ics\"\n"),
    )
    .unwrap();
    let run = |config: &Path| {
        Command::new(env!("CARGO_BIN_EXE_neitakk"))
            .env("NEITAKK_NOW", MONDAY)
            .env("NEITAKK_DATA_DIR", dir.path().join("data"))
            .args([
                "--config",
                config.to_str().unwrap(),
                "triage",
                "--week",
                "2026-W49",
            ])
            .output()
            .unwrap()
    };
    let o = run(&cfg);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Havnevest"), "{}", stdout(&o));
    // With none configured, a clear word.
    let o = run(&root().join("examples/neitakk.toml"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("which calendar?"), "{}", stderr(&o));
}
