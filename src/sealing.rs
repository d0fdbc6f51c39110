//! Sealing secrets with the server's key before they are stored: XChaCha20-Poly1305 (from
//! `chacha20poly1305`, a random nonce per seal) under a subkey that HKDF (`hkdf`, SHA-256)
//! derives from `security.secret_key` for one purpose, with associated data that binds a sealed
//! value to its owner (a sealed value moved to another row does not open). A copy of the
//! database alone opens nothing. Two-factor secrets (`accounts::totp`) and federation's private
//! keys (`federation::keys`) are sealed this way. Nothing here is hand-rolled cryptography.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand::RngCore;
use secrecy::ExposeSecret;
use sha2::Sha256;

use crate::settings::Settings;

const NONCE_BYTES: usize = 24;

/// What can go wrong with the key or a sealed value; each is a server-side fault.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("security.secret_key must be 32 bytes written in base64 or hex")]
    BadKey,
    #[error("a sealed value could not be opened (another key, another owner, or altered)")]
    Unseal,
    #[error("a value could not be sealed")]
    Seal,
}

/// The server's key, as read from `security.secret_key` (never printed).
#[derive(Clone)]
pub struct ServerKey([u8; 32]);

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerKey(…)")
    }
}

impl ServerKey {
    /// Reads 32 bytes written in base64 (standard or URL-safe, padded or not) or hex.
    pub fn parse(text: &str) -> Result<ServerKey, SealError> {
        let text = text.trim();
        let engines = [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::STANDARD_NO_PAD,
            &base64::engine::general_purpose::URL_SAFE,
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        ];
        let bytes = hex::decode(text)
            .ok()
            .filter(|b| b.len() == 32)
            .or_else(|| {
                engines
                    .iter()
                    .find_map(|e| e.decode(text).ok().filter(|b| b.len() == 32))
            })
            .ok_or(SealError::BadKey)?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        Ok(ServerKey(key))
    }

    /// The key of the settings (`security.secret_key`, resolved at start).
    pub fn from_settings(settings: &Settings) -> Result<ServerKey, SealError> {
        let text = settings
            .security
            .secret_key
            .as_ref()
            .ok_or(SealError::BadKey)?;
        ServerKey::parse(text.expose_secret())
    }

    /// The 32-byte subkey for one purpose (`info` names it and its version).
    pub fn subkey(&self, info: &[u8]) -> Result<[u8; 32], SealError> {
        let mut out = [0u8; 32];
        Hkdf::<Sha256>::new(None, &self.0)
            .expand(info, &mut out)
            .map_err(|_| SealError::BadKey)?;
        Ok(out)
    }

    /// The sealer for one purpose.
    pub fn sealer(&self, info: &[u8]) -> Result<Sealer, SealError> {
        Ok(Sealer(self.subkey(info)?))
    }
}

/// Seals and opens values under one purpose's subkey (never printed).
#[derive(Clone)]
pub struct Sealer([u8; 32]);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(…)")
    }
}

impl Sealer {
    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }

    /// Seals `secret` for the owner `aad` names: base64 of the nonce followed by the ciphertext
    /// and its tag.
    pub fn seal(&self, aad: &[u8], secret: &[u8]) -> Result<String, SealError> {
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = self
            .cipher()
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: secret, aad })
            .map_err(|_| SealError::Seal)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(base64::engine::general_purpose::STANDARD.encode(out))
    }

    /// Opens what `seal` made for the same owner.
    pub fn unseal(&self, aad: &[u8], sealed: &str) -> Result<Vec<u8>, SealError> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .map_err(|_| SealError::Unseal)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(SealError::Unseal);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        self.cipher()
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map_err(|_| SealError::Unseal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_for_its_owner_purpose_and_key() {
        let key = ServerKey::parse(&"ab".repeat(32)).expect("hex key");
        let sealer = key.sealer(b"test/one/v1").expect("sealer");
        let sealed = sealer.seal(b"owner:1", b"secret").expect("sealed");
        assert!(!sealed.contains("secret"));
        assert_ne!(sealer.seal(b"owner:1", b"secret").expect("again"), sealed);
        assert_eq!(
            sealer.unseal(b"owner:1", &sealed).expect("opens"),
            b"secret"
        );
        assert!(sealer.unseal(b"owner:2", &sealed).is_err());
        let other_purpose = key.sealer(b"test/two/v1").expect("sealer");
        assert!(other_purpose.unseal(b"owner:1", &sealed).is_err());
        let other_key = ServerKey::parse(&"cd".repeat(32)).expect("key");
        let other = other_key.sealer(b"test/one/v1").expect("sealer");
        assert!(other.unseal(b"owner:1", &sealed).is_err());
        assert!(ServerKey::parse("too short").is_err());
    }
}
