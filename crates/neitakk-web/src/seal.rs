//! Secrets at rest: users' CalDAV passwords sealed with the server key
//! (XChaCha20-Poly1305, a random nonce per secret). The key comes from
//! `NEITAKK_SERVER_KEY` (base64, 32 bytes; the same for every process of a
//! team), else from `server.key` in the data folder, made at first start.

use anyhow::{anyhow, Result};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use neitakk_pipeline::BadInput;
use rand::RngCore;
use std::path::Path;

pub struct Key(pub [u8; 32]);

impl Key {
    /// `plain`, sealed: base64 of the nonce and the ciphertext.
    pub fn seal(&self, plain: &str) -> Result<String> {
        let cipher = XChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; 24];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), plain.as_bytes())
            .map_err(|_| anyhow!("cannot seal a secret"))?;
        Ok(B64.encode([nonce.as_slice(), &sealed].concat()))
    }

    /// The secret `seal` made; an error if it was sealed with another key.
    pub fn open(&self, sealed: &str) -> Result<String> {
        let bytes = anyhow::Context::context(B64.decode(sealed), "a sealed secret is damaged")?;
        if bytes.len() < 24 {
            return Err(anyhow!("a sealed secret is damaged"));
        }
        let (nonce, data) = bytes.split_at(24);
        let plain = XChaCha20Poly1305::new((&self.0).into())
            .decrypt(XNonce::from_slice(nonce), data)
            .map_err(|_| {
                anyhow!("a secret was sealed with another server key (NEITAKK_SERVER_KEY)")
            })?;
        anyhow::Context::context(String::from_utf8(plain), "a sealed secret is damaged")
    }
}

/// The server key: the one given (`NEITAKK_SERVER_KEY`), else `server.key`
/// in `data_dir`, created (readable by its owner only) when missing.
pub fn server_key(given: Option<&str>, data_dir: &Path) -> neitakk_pipeline::Result<[u8; 32]> {
    use neitakk_pipeline::Context as _;
    let decode = |text: &str, origin: &str| -> neitakk_pipeline::Result<[u8; 32]> {
        B64.decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
            .ok_or_else(|| {
                BadInput(format!(
                    "{origin}: the server key is 32 bytes in base64 (`openssl rand -base64 32` makes one)"
                ))
                .into()
            })
    };
    if let Some(text) = given {
        return decode(text, "NEITAKK_SERVER_KEY");
    }
    let path = data_dir.join("server.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        return decode(&text, &path.display().to_string());
    }
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    std::io::Write::write_all(&mut file, B64.encode(key).as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn sealed_secrets_open_only_with_their_key() {
        let key = Key([7; 32]);
        let sealed = key.seal("hemmelig").unwrap();
        assert!(!sealed.contains("hemmelig"));
        assert_ne!(
            sealed,
            key.seal("hemmelig").unwrap(),
            "a fresh nonce each time"
        );
        assert_eq!(key.open(&sealed).unwrap(), "hemmelig");
        assert!(Key([8; 32]).open(&sealed).is_err());
        assert!(key.open("not base64!").is_err());
    }
}
