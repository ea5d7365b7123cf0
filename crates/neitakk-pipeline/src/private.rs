//! The data folder and its files are for the user who runs neitakk only:
//! the folder is made 0700 and each database file 0600 before SQLite opens
//! it (SQLite gives its -wal and -shm files the database file's mode).

use crate::{Context as _, Result};
use std::path::Path;

/// Makes `path` (and any folder above it that is missing), for its owner only.
pub fn folder(path: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(path)
        .with_context(|| format!("cannot create the data folder {}", path.display()))
}

/// Makes the file `path` if it is missing, readable and writable by its owner only.
pub fn file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map(drop)
        .with_context(|| format!("cannot create {}", path.display()))
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn folders_and_files_are_the_owners() {
        let dir = std::env::temp_dir().join(format!("neitakk-private-{}", std::process::id()));
        let inner = dir.join("data");
        super::folder(&inner).unwrap();
        let file = inner.join("journal.sqlite");
        super::file(&file).unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&inner), 0o700);
        assert_eq!(mode(&file), 0o600);
        // An existing file is left as it is, contents and all.
        std::fs::write(&file, b"kept").unwrap();
        super::file(&file).unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"kept");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
