//! One-click unsubscribe links (RFC 8058): signed per user and per kind of mail with a key kept
//! in the database, so they work without logging in and cannot be forged for someone else.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The mail lists a user can leave with one click.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Replies, mentions and quotes mailed as they happen.
    Direct,
    /// New posts in watched boards and cities mailed as they happen.
    Watched,
    /// The daily digest.
    Digest,
}

impl ListKind {
    /// The name used in links.
    pub fn as_str(self) -> &'static str {
        match self {
            ListKind::Direct => "direct",
            ListKind::Watched => "watched",
            ListKind::Digest => "digest",
        }
    }

    /// Parses a name from a link.
    pub fn parse(s: &str) -> Option<ListKind> {
        match s {
            "direct" => Some(ListKind::Direct),
            "watched" => Some(ListKind::Watched),
            "digest" => Some(ListKind::Digest),
            _ => None,
        }
    }
}

fn mac(key: &[u8], user_id: i64, list: ListKind) -> Hmac<Sha256> {
    // HMAC accepts keys of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| {
        <Hmac<Sha256> as Mac>::new_from_slice(b"-").expect("a one-byte HMAC key is valid")
    });
    mac.update(format!("unsubscribe:{user_id}:{}", list.as_str()).as_bytes());
    mac
}

/// The signature of a link.
pub fn sign(key: &[u8], user_id: i64, list: ListKind) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(mac(key, user_id, list).finalize().into_bytes())
}

/// True when `signature` was made with `key` for this user and list (constant time).
pub fn verify(key: &[u8], user_id: i64, list: ListKind, signature: &str) -> bool {
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(signature) else {
        return false;
    };
    mac(key, user_id, list).verify_slice(&bytes).is_ok()
}

/// The absolute unsubscribe link.
pub fn link(base_url: &str, key: &[u8], user_id: i64, list: ListKind) -> String {
    format!(
        "{base_url}/unsubscribe/{user_id}/{}/{}",
        list.as_str(),
        sign(key, user_id, list)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_bind_the_user_and_the_list() {
        let key = b"0123456789abcdef0123456789abcdef";
        let sig = sign(key, 7, ListKind::Direct);
        assert!(verify(key, 7, ListKind::Direct, &sig));
        assert!(!verify(key, 8, ListKind::Direct, &sig));
        assert!(!verify(key, 7, ListKind::Digest, &sig));
        assert!(!verify(b"another key", 7, ListKind::Direct, &sig));
        assert!(!verify(key, 7, ListKind::Direct, "not-base64!"));
        assert!(link("https://v.example", key, 7, ListKind::Direct)
            .starts_with("https://v.example/unsubscribe/7/direct/"));
    }
}
