//! The cryptography of two-factor sign-in, as pure functions (no database, no web): one-time
//! codes (TOTP, RFC 6238, through `totp-rs`: SHA-1, six digits, thirty-second steps, what every
//! authenticator app reads), sealing a secret with the server's key before it is stored
//! (`crate::sealing`: XChaCha20-Poly1305, a random nonce per seal, the account id bound
//! as associated data so a sealed secret cannot be moved to another account), the enrolment
//! QR code (SVG drawn here, by `qrcode`), and recovery codes (80 random bits each, shown once,
//! only their HMAC-SHA256 kept). The server's `security.secret_key` is never used as such: HKDF
//! (`hkdf`, SHA-256) derives one subkey for sealing and another for the recovery codes' HMAC,
//! so a copy of the database alone neither opens the secrets nor lets the codes be guessed
//! offline. Nothing here is hand-rolled cryptography.

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use totp_rs::{Algorithm, Secret, TOTP};

use crate::sealing::{SealError, Sealer, ServerKey};
use crate::web::error::AppError;

/// Seconds per time step.
pub const STEP_SECONDS: u64 = 30;
/// Digits per code.
pub const DIGITS: usize = 6;
/// Bytes of a new secret (160 bits, RFC 4226's recommendation).
const SECRET_BYTES: usize = 20;
/// Recovery codes made at a time.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code (without its dashes): 16 × 5 bits = 80 bits.
const RECOVERY_LEN: usize = 16;
/// Characters per group of a written recovery code (`abcd-efgh-ijkm-npqr`).
const RECOVERY_GROUP: usize = 4;
/// The letters of recovery codes: lowercase and digits without the look-alikes 0, 1, l, o.
const RECOVERY_ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
/// HKDF's `info` of the subkey that seals secrets.
const SEAL_INFO: &[u8] = b"vigie/two-factor/seal-secret/v1";
/// HKDF's `info` of the subkey of the recovery codes' HMAC.
const RECOVERY_INFO: &[u8] = b"vigie/two-factor/recovery-code-hmac/v1";

/// What can go wrong with the key, a sealed secret or a code's arithmetic. Every case is a
/// server-side fault (a 500, logged with its cause).
#[derive(Debug, thiserror::Error)]
pub enum TwoFactorCryptoError {
    #[error("security.secret_key must be 32 bytes written in base64 or hex")]
    BadKey,
    #[error("a two-factor secret could not be unsealed (another key, or altered)")]
    Unseal,
    #[error("a two-factor secret could not be sealed")]
    Seal,
    #[error("TOTP setup failed: {0}")]
    Totp(String),
    #[error("QR code failed: {0}")]
    Qr(String),
}

impl From<SealError> for TwoFactorCryptoError {
    fn from(e: SealError) -> Self {
        match e {
            SealError::BadKey => TwoFactorCryptoError::BadKey,
            SealError::Unseal => TwoFactorCryptoError::Unseal,
            SealError::Seal => TwoFactorCryptoError::Seal,
        }
    }
}

impl From<TwoFactorCryptoError> for AppError {
    fn from(e: TwoFactorCryptoError) -> Self {
        AppError::internal(e)
    }
}

/// The subkeys derived from the server's key (never printed).
#[derive(Clone)]
pub struct SealKey {
    /// Seals the secrets.
    seal: Sealer,
    /// HMAC-SHA256's key for the recovery codes.
    recovery: [u8; 32],
}

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(…)")
    }
}

impl SealKey {
    /// Reads 32 bytes written in base64 (standard or URL-safe, padded or not) or hex.
    pub fn parse(text: &str) -> Result<SealKey, TwoFactorCryptoError> {
        SealKey::derive(&ServerKey::parse(text)?)
    }

    fn derive(key: &ServerKey) -> Result<SealKey, TwoFactorCryptoError> {
        Ok(SealKey {
            seal: key.sealer(SEAL_INFO)?,
            recovery: key.subkey(RECOVERY_INFO)?,
        })
    }

    /// The key of the settings (`security.secret_key`, resolved at start).
    pub fn from_settings(
        settings: &crate::settings::Settings,
    ) -> Result<SealKey, TwoFactorCryptoError> {
        SealKey::derive(&ServerKey::from_settings(settings)?)
    }
}

/// What binds a sealed secret to its account.
fn associated_data(user_id: i64) -> Vec<u8> {
    format!("vigie-totp-secret:{user_id}").into_bytes()
}

/// Seals `secret` for `user_id`: base64 of the nonce followed by the ciphertext and its tag.
pub fn seal(key: &SealKey, user_id: i64, secret: &[u8]) -> Result<String, TwoFactorCryptoError> {
    Ok(key.seal.seal(&associated_data(user_id), secret)?)
}

/// Opens what `seal` made for `user_id`.
pub fn unseal(key: &SealKey, user_id: i64, sealed: &str) -> Result<Vec<u8>, TwoFactorCryptoError> {
    Ok(key.seal.unseal(&associated_data(user_id), sealed)?)
}

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

/// The secret as people type it into an app: base32 without padding, in groups of four.
pub fn secret_for_typing(secret: &[u8]) -> String {
    let encoded = match Secret::Raw(secret.to_vec()).to_encoded() {
        Secret::Encoded(text) => text,
        Secret::Raw(_) => String::new(),
    };
    let plain: Vec<char> = encoded.trim_end_matches('=').chars().collect();
    plain
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

fn totp(
    secret: &[u8],
    issuer: Option<String>,
    account: String,
) -> Result<TOTP, TwoFactorCryptoError> {
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECONDS,
        secret.to_vec(),
        issuer,
        account,
    )
    .map_err(|e| TwoFactorCryptoError::Totp(e.to_string()))
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_url(
    secret: &[u8],
    issuer: &str,
    account: &str,
) -> Result<String, TwoFactorCryptoError> {
    // The label may not hold a colon (it separates the issuer from the account).
    let issuer = issuer.replace(':', " ");
    Ok(totp(secret, Some(issuer), account.replace(':', " "))?.get_url())
}

/// The QR code of `text` as a standalone SVG document (black on white, with its quiet zone).
pub fn qr_svg(text: &str) -> Result<String, TwoFactorCryptoError> {
    use qrcode::render::svg;
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| TwoFactorCryptoError::Qr(e.to_string()))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// The six digits of a typed code (spaces and dashes dropped), if that is what it is.
pub fn code_digits(input: &str) -> Option<String> {
    let digits: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    (digits.len() == DIGITS && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

/// The time step `code` belongs to, among the previous, the current and the next one at
/// `now` (seconds since 1970), a clock drift of up to thirty seconds either way.
pub fn matching_step(
    secret: &[u8],
    code: &str,
    now: u64,
) -> Result<Option<u64>, TwoFactorCryptoError> {
    let Some(code) = code_digits(code) else {
        return Ok(None);
    };
    let otp = totp(secret, None, String::new())?;
    let current = now / STEP_SECONDS;
    Ok([current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| otp.check(&code, step * STEP_SECONDS)))
}

/// The code of a time (for tests and examples).
pub fn code_at(secret: &[u8], now: u64) -> Result<String, TwoFactorCryptoError> {
    Ok(totp(secret, None, String::new())?.generate(now))
}

/// Ten new recovery codes of 80 random bits, written `abcd-efgh-ijkm-npqr`.
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            // 32 letters: `% 32` of a uniform u32 is uniform.
            let letters: Vec<u8> = (0..RECOVERY_LEN)
                .map(|_| RECOVERY_ALPHABET[(rng.next_u32() % 32) as usize])
                .collect();
            letters
                .chunks(RECOVERY_GROUP)
                .map(|g| String::from_utf8_lossy(g).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// The stored form of a recovery code as typed (case, spaces and dashes do not matter) for
/// `user_id`: HMAC-SHA256 under the recovery subkey, in hex; `None` when it cannot be one.
pub fn recovery_hash(key: &SealKey, user_id: i64, input: &str) -> Option<String> {
    let plain: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    let ok = plain.len() == RECOVERY_LEN && plain.bytes().all(|b| RECOVERY_ALPHABET.contains(&b));
    if !ok {
        return None;
    }
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key.recovery).ok()?;
    mac.update(format!("{user_id}:{plain}").as_bytes());
    Some(hex::encode(mac.finalize().into_bytes()))
}

/// The current time in seconds since 1970.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn key() -> SealKey {
        SealKey::parse(&hex::encode([7u8; 32])).expect("hex key")
    }

    #[test]
    fn keys_are_read_in_base64_or_hex_and_must_be_32_bytes() {
        let b64 = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
        assert!(SealKey::parse(&b64).is_ok());
        assert!(SealKey::parse(&hex::encode([9u8; 32])).is_ok());
        assert!(SealKey::parse("short").is_err());
        assert!(SealKey::parse(&hex::encode([9u8; 16])).is_err());
    }

    #[test]
    fn sealed_secrets_open_only_for_their_account_and_key() {
        let secret = new_secret();
        let sealed = seal(&key(), 4, &secret).expect("seal");
        assert_eq!(unseal(&key(), 4, &sealed).expect("unseal"), secret);
        assert!(
            unseal(&key(), 5, &sealed).is_err(),
            "moved to another account"
        );
        let other = SealKey::parse(&hex::encode([8u8; 32])).expect("key");
        assert!(unseal(&other, 4, &sealed).is_err(), "another key");
        // Two seals of one secret differ (fresh nonces) and hold nothing readable.
        let again = seal(&key(), 4, &secret).expect("seal");
        assert_ne!(sealed, again);
        let typed = secret_for_typing(&secret).replace(' ', "");
        assert!(!sealed.contains(&typed));
    }

    #[test]
    fn rfc6238_vector_and_steps() {
        // RFC 6238, appendix B: SHA-1, the ASCII secret "12345678901234567890", T = 59 s.
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59).expect("code"), "287082");
        assert_eq!(
            matching_step(secret, "287 082", 59).expect("check"),
            Some(1)
        );
        // The next step's code is accepted (drift), one two steps away is not.
        let later = code_at(secret, 59 + 30).expect("code");
        assert_eq!(matching_step(secret, &later, 59).expect("check"), Some(2));
        let far = code_at(secret, 59 + 90).expect("code");
        assert_eq!(matching_step(secret, &far, 59).expect("check"), None);
        assert_eq!(matching_step(secret, "abc", 59).expect("check"), None);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 19, "four groups of four: {code}");
        assert_eq!(code.matches('-').count(), 3, "{code}");
        let hash = recovery_hash(&key(), 3, code).expect("a code");
        assert_eq!(
            recovery_hash(&key(), 3, &code.to_uppercase().replace('-', " ")),
            Some(hash.clone())
        );
        assert_eq!(recovery_hash(&key(), 3, "123456"), None);
        assert_eq!(
            recovery_hash(&key(), 3, "abcd-efgh-ijkm-npq0"),
            None,
            "0 is not in the alphabet"
        );
        // Keyed and bound to the account: another key or another account gives another hash,
        // and the hash is not a plain digest of the code.
        let other = SealKey::parse(&hex::encode([8u8; 32])).expect("key");
        assert_ne!(recovery_hash(&other, 3, code), Some(hash.clone()));
        assert_ne!(recovery_hash(&key(), 4, code), Some(hash.clone()));
        use sha2::Digest;
        let plain = code.replace('-', "");
        assert_ne!(hash, hex::encode(sha2::Sha256::digest(plain.as_bytes())));
    }

    #[test]
    fn subkeys_are_derived_and_distinct_and_sealed_secrets_keep_their_format() {
        use chacha20poly1305::aead::{Aead, KeyInit, Payload};
        use chacha20poly1305::{XChaCha20Poly1305, XNonce};
        let raw = [7u8; 32];
        let k = key();
        let server = ServerKey::parse(&hex::encode(raw)).expect("key");
        let seal = server.subkey(SEAL_INFO).expect("subkey");
        assert_ne!(seal, raw, "the raw key is not the sealing key");
        assert_ne!(k.recovery, raw);
        assert_ne!(seal, k.recovery);
        // The stored form: base64 of the nonce, then the ciphertext and its tag, under the
        // sealing subkey (what secrets sealed before `crate::sealing` existed hold too); the raw
        // key opens nothing.
        let nonce = [1u8; 24];
        let aad = associated_data(4);
        let sealed_with = |key: &[u8; 32]| {
            let sealed = XChaCha20Poly1305::new(key.into())
                .encrypt(
                    XNonce::from_slice(&nonce),
                    Payload {
                        msg: b"secret",
                        aad: &aad,
                    },
                )
                .expect("seal");
            let mut bytes = nonce.to_vec();
            bytes.extend_from_slice(&sealed);
            base64::engine::general_purpose::STANDARD.encode(bytes)
        };
        assert_eq!(
            unseal(&k, 4, &sealed_with(&seal)).expect("opens"),
            b"secret"
        );
        assert!(unseal(&k, 4, &sealed_with(&raw)).is_err());
    }

    #[test]
    fn the_otpauth_address_names_the_site_and_the_account() {
        let url = otpauth_url(b"12345678901234567890", "Vigie: test", "alice").expect("url");
        assert!(url.starts_with("otpauth://totp/"), "{url}");
        assert!(
            url.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{url}"
        );
        assert!(url.contains("issuer=Vigie"), "{url}");
        let svg = qr_svg(&url).expect("svg");
        assert!(svg.contains("<svg") && !svg.contains("<script"));
    }
}
