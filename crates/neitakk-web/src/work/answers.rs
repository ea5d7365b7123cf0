//! Finished answers kept by a fingerprint of everything they depend on.

use super::*;

/// Finished answers by a fingerprint of everything they were computed from
/// (see [`fingerprint`]): the same inputs give the same bytes, so a repeated
/// request is not computed again. Like [`Cache`], only a cache.
/// The `answer_cache` setting turns it off (every answer computed afresh).
pub struct Answers {
    map: Mutex<HashMap<[u8; 32], axum::body::Bytes>>,
    on: bool,
}

/// Bytes of answers kept at most; past it, start afresh.
const MAX_ANSWER_BYTES: usize = 64 << 20;

impl Answers {
    /// Answers kept when `on` (the server's `answer_cache` setting).
    pub fn new(on: bool) -> Answers {
        Answers {
            map: Mutex::default(),
            on,
        }
    }
}

impl Answers {
    /// Whether answers are kept (what makes their fingerprint worth taking).
    pub fn is_on(&self) -> bool {
        self.on
    }

    pub fn get(&self, key: &[u8; 32]) -> Option<axum::body::Bytes> {
        if !self.on {
            return None;
        }
        self.map.lock().ok()?.get(key).cloned()
    }

    pub fn put(&self, key: [u8; 32], value: axum::body::Bytes) {
        if let (true, Ok(mut map)) = (self.on, self.map.lock()) {
            let held: usize = map.values().map(|v| v.len()).sum();
            if held + value.len() > MAX_ANSWER_BYTES {
                map.clear();
            }
            map.insert(key, value);
        }
    }
}

/// SHA-256 of all a pipeline answer depends on: the user, their whole
/// config (profile, registry, policy), the calendar's version, the window,
/// the journal's recent limits, and what the caller adds (the operation and
/// its parameters). The engine reads no clock, so nothing else matters.
pub fn fingerprint(
    user: &User,
    config: &Config,
    version: &str,
    loaded: &Loaded,
    extra: &str,
) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let limits: std::collections::BTreeMap<_, _> = loaded.recent_limits.iter().collect();
    let mut h = Sha256::new();
    for part in [
        user.id.to_string(),
        config.fingerprint(),
        version.to_owned(),
        serde_json::json!([
            loaded.window.from,
            loaded.window.to,
            loaded.span.from,
            loaded.span.to
        ])
        .to_string(),
        serde_json::to_string(&limits).unwrap_or_default(),
        extra.to_owned(),
    ] {
        // Length-prefixed, so that parts cannot run into each other.
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().into()
}
