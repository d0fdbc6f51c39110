//! Password hashing with argon2id (PHC strings), constant-shape verification for unknown users and
//! rehashing of hashes made with weaker parameters.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::settings::SecuritySettings;

/// What checking and choosing passwords needs: the hasher and the common-password list.
pub struct Passwords {
    pub hasher: PasswordHasher,
    pub common: crate::accounts::domain::CommonPasswords,
}

impl Passwords {
    /// The hasher the settings describe and the embedded common-password list.
    pub fn new(settings: &SecuritySettings) -> Result<Self, HashError> {
        Ok(Passwords {
            hasher: PasswordHasher::new(settings)?,
            common: crate::accounts::domain::CommonPasswords::load(),
        })
    }
}

/// Hashing failed (bad parameters or a corrupt stored hash).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The argon2id parameters in force.
#[derive(Debug, Clone)]
pub struct PasswordHasher {
    params: Params,
    dummy_hash: String,
}

/// What checking a password found.
#[derive(Debug, PartialEq, Eq)]
pub enum Verified {
    /// Wrong password (or unknown user).
    No,
    /// Right password; the stored hash is current.
    Yes,
    /// Right password; store this stronger hash instead.
    YesRehash(String),
}

impl PasswordHasher {
    /// Builds a hasher from settings; the parameters never go below OWASP's minimum.
    pub fn new(settings: &SecuritySettings) -> Result<Self, HashError> {
        let params = Params::new(
            settings.argon2_memory_kib.max(19_456),
            settings.argon2_iterations.max(2),
            settings.argon2_parallelism.max(1),
            None,
        )
        .map_err(|e| HashError(e.to_string()))?;
        let mut hasher = PasswordHasher {
            params,
            dummy_hash: String::new(),
        };
        hasher.dummy_hash = hasher.hash("a dummy password nobody has")?;
        Ok(hasher)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// Hashes a password into a PHC string.
    pub fn hash(&self, password: &str) -> Result<String, HashError> {
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    }

    /// Checks a password against a stored hash, or against a dummy hash when there is no user,
    /// so both cases cost the same time.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> Result<Verified, HashError> {
        let (hash_text, real) = match stored {
            Some(h) => (h, true),
            None => (self.dummy_hash.as_str(), false),
        };
        let parsed = PasswordHash::new(hash_text).map_err(|e| HashError(e.to_string()))?;
        let ok = self
            .argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        if !ok || !real {
            return Ok(Verified::No);
        }
        if self.is_weaker(&parsed) {
            return Ok(Verified::YesRehash(self.hash(password)?));
        }
        Ok(Verified::Yes)
    }

    fn is_weaker(&self, parsed: &PasswordHash<'_>) -> bool {
        if parsed.algorithm.as_str() != "argon2id" {
            return true;
        }
        match Params::try_from(parsed) {
            Ok(p) => {
                p.m_cost() < self.params.m_cost()
                    || p.t_cost() < self.params.t_cost()
                    || p.p_cost() < self.params.p_cost()
            }
            Err(_) => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> SecuritySettings {
        SecuritySettings {
            session_idle_hours: 1,
            session_absolute_days: 1,
            api_token_days: 1,
            login_failures_per_account: 5,
            login_failures_per_client: 30,
            login_window_minutes: 15,
            registrations_per_hour: 10,
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            argon2_parallelism: 1,
        }
    }

    #[test]
    fn hashes_verify_and_weak_ones_are_upgraded() {
        let hasher = PasswordHasher::new(&settings()).expect("hasher");
        let hash = hasher.hash("a long enough secret").expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            hasher.verify("a long enough secret", Some(&hash)).ok(),
            Some(Verified::Yes)
        );
        assert_eq!(hasher.verify("wrong", Some(&hash)).ok(), Some(Verified::No));
        assert_eq!(hasher.verify("anything", None).ok(), Some(Verified::No));

        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).expect("params"),
        )
        .hash_password(b"a long enough secret", &SaltString::generate(&mut OsRng))
        .expect("weak hash")
        .to_string();
        match hasher.verify("a long enough secret", Some(&weak)) {
            Ok(Verified::YesRehash(new)) => assert!(new.contains("m=19456")),
            other => panic!("expected a rehash, got {other:?}"),
        }
    }
}
