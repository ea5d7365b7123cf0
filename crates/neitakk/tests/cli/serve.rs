//! `neitakk serve` with no configuration at all.

/// `neitakk serve` with no configuration at all: SQLite and the server key
/// in the data folder, the address it serves and a setup link on stdout.
#[test]
fn serve_with_no_configuration() {
    use std::io::{BufRead, Read, Write};
    let data = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_neitakk"))
        // The one test of the default clock: it reads the system time.
        .env_remove("NEITAKK_NOW")
        .env_remove("NEITAKK_CONFIG")
        .env_remove("NEITAKK_DATABASE_URL")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("NEITAKK_DATA_DIR", data.path().join("data"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut said = Vec::new();
    let link = loop {
        let line = lines.next().expect("the server stopped").unwrap();
        said.push(line.clone());
        if let Some(at) = line.find("http://127.0.0.1:") {
            if line.contains("/setup/") {
                break line[at..].trim().to_owned();
            }
        }
    };
    assert!(
        said[0].starts_with("neitakk serves http://127.0.0.1:"),
        "{said:?}"
    );
    assert!(!said[0].contains(":0/"), "the port bound, not 0: {said:?}");
    let rest = link.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut page = String::new();
    stream.read_to_string(&mut page).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Set up neitakk"), "{page}");
    // The data folder and every file in it are the server's user's only.
    let data = data.path().join("data");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700, "the data folder");
        for entry in std::fs::read_dir(&data).unwrap() {
            let path = entry.unwrap().path();
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
    assert!(data.join("server.sqlite").exists());
    assert!(data.join("server.key").exists());
}
