//! Password hashing with argon2id (PHC strings), constant-shape verification for unknown users and
//! rehashing of hashes made with weaker parameters.
//!
//! Argon2 needs `argon2_memory_kib` of working memory per hash (19 MiB by default). Each hash
//! allocates its own and frees it at once: the binary tunes the allocator so that such blocks
//! go back to the system when freed (`crate::allocator`; by default glibc kept them in the arena
//! of whichever blocking thread hashed: 42 → 297 MB after 16 sign-ins). At most as many hashes
//! run at once as the machine has cores (`HashSlots`; a hash keeps one busy anyway): a flood of
//! sign-ins waits its turn instead of taking 19 MiB each.

use std::sync::{Arc, Condvar, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

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
    slots: Arc<HashSlots>,
}

/// At most `limit` Argon2 computations at once: the next one waits for a slot.
struct HashSlots {
    in_use: Mutex<usize>,
    freed: Condvar,
    limit: usize,
}

impl std::fmt::Debug for HashSlots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HashSlots")
            .field("limit", &self.limit)
            .finish_non_exhaustive()
    }
}

/// A slot taken, given back when dropped.
struct Slot<'a>(&'a HashSlots);

impl HashSlots {
    fn new(limit: usize) -> Self {
        HashSlots {
            in_use: Mutex::new(0),
            freed: Condvar::new(),
            limit: limit.max(1),
        }
    }

    /// A slot, once fewer than `limit` are taken.
    fn take(&self) -> Slot<'_> {
        let mut in_use = self.in_use.lock().unwrap_or_else(|p| p.into_inner());
        while *in_use >= self.limit {
            in_use = self.freed.wait(in_use).unwrap_or_else(|p| p.into_inner());
        }
        *in_use += 1;
        Slot(self)
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut in_use = self.0.in_use.lock().unwrap_or_else(|p| p.into_inner());
        *in_use = in_use.saturating_sub(1);
        drop(in_use);
        self.0.freed.notify_one();
    }
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
            slots: Arc::new(HashSlots::new(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            )),
        };
        hasher.dummy_hash = hasher.hash("a dummy password nobody has")?;
        Ok(hasher)
    }

    /// Runs Argon2 with `params` in a slot, over working memory of its own.
    fn compute(
        &self,
        (algorithm, version): (Algorithm, Version),
        params: Params,
        password: &[u8],
        salt: &[u8],
        out: &mut [u8],
    ) -> Result<(), argon2::Error> {
        let _slot = self.slots.take();
        let mut memory = vec![Block::new(); params.block_count()];
        Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password,
            salt,
            out,
            &mut memory,
        )
    }

    /// Hashes a password into a PHC string.
    pub fn hash(&self, password: &str) -> Result<String, HashError> {
        let err = |e: &dyn std::fmt::Display| HashError(e.to_string());
        let salt = SaltString::generate(&mut OsRng);
        let salt: Salt<'_> = salt.as_salt();
        let mut salt_bytes = [0u8; 64];
        let raw_salt = salt.decode_b64(&mut salt_bytes).map_err(|e| err(&e))?;
        let len = self
            .params
            .output_len()
            .unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let output = Output::init_with(len, |out| {
            self.compute(
                (Algorithm::Argon2id, Version::V0x13),
                self.params.clone(),
                password.as_bytes(),
                raw_salt,
                out,
            )
            .map_err(Into::into)
        })
        .map_err(|e| err(&e))?;
        let hash = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&self.params).map_err(|e| err(&e))?,
            salt: Some(salt),
            hash: Some(output),
        };
        Ok(hash.to_string())
    }

    /// Whether `password` gives the stored hash `parsed` (any Argon2 variant and version; compared
    /// in constant time).
    fn matches(&self, password: &str, parsed: &PasswordHash<'_>) -> Result<bool, HashError> {
        let err = |e: &dyn std::fmt::Display| HashError(e.to_string());
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return Err(HashError("stored hash without salt or output".into()));
        };
        let algorithm = Algorithm::try_from(parsed.algorithm).map_err(|e| err(&e))?;
        let version = parsed
            .version
            .map(Version::try_from)
            .transpose()
            .map_err(|e| err(&e))?
            .unwrap_or_default();
        let params = Params::try_from(parsed).map_err(|e| err(&e))?;
        let mut salt_bytes = [0u8; 64];
        let raw_salt = salt.decode_b64(&mut salt_bytes).map_err(|e| err(&e))?;
        let computed = Output::init_with(expected.len(), |out| {
            self.compute(
                (algorithm, version),
                params,
                password.as_bytes(),
                raw_salt,
                out,
            )
            .map_err(Into::into)
        })
        .map_err(|e| err(&e))?;
        // `Output`'s equality is constant-time.
        Ok(computed == expected)
    }

    /// Checks a password against a stored hash, or against a dummy hash when there is no user,
    /// so both cases cost the same time.
    pub fn verify(&self, password: &str, stored: Option<&str>) -> Result<Verified, HashError> {
        let (hash_text, real) = match stored {
            Some(h) => (h, true),
            None => (self.dummy_hash.as_str(), false),
        };
        let parsed = PasswordHash::new(hash_text).map_err(|e| HashError(e.to_string()))?;
        let ok = self.matches(password, &parsed).unwrap_or(false);
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
    use argon2::password_hash::PasswordHasher as _;

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
            secret_key: None,
            generate_secret_key: false,
            secret_key_file: None,
        }
    }

    #[test]
    fn a_hash_beyond_the_limit_waits_for_a_slot() {
        let slots = Arc::new(HashSlots::new(2));
        let (first, second) = (slots.take(), slots.take());
        let (sent, received) = std::sync::mpsc::channel();
        let waiting = Arc::clone(&slots);
        let third = std::thread::spawn(move || {
            let _slot = waiting.take();
            sent.send(()).expect("send");
        });
        assert!(
            received
                .recv_timeout(std::time::Duration::from_millis(100))
                .is_err(),
            "a third hash while two run"
        );
        drop(first);
        received.recv().expect("the third gets a slot");
        third.join().expect("join");
        drop(second);
        assert_eq!(slots.in_use.lock().map(|n| *n).ok(), Some(0));
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

    #[test]
    fn hashes_are_the_argon2_crates_own_phc_strings_both_ways() {
        use argon2::password_hash::PasswordVerifier as _;
        let hasher = PasswordHasher::new(&settings()).expect("hasher");
        let ours = hasher.hash("un secret assez long").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(hasher
            .argon2_for_tests()
            .verify_password(b"un secret assez long", &parsed)
            .is_ok());
        let theirs = hasher
            .argon2_for_tests()
            .hash_password(b"un secret assez long", &SaltString::generate(&mut OsRng))
            .expect("hash")
            .to_string();
        assert_eq!(
            hasher.verify("un secret assez long", Some(&theirs)).ok(),
            Some(Verified::Yes)
        );
        assert_eq!(
            hasher.verify("un autre", Some(&theirs)).ok(),
            Some(Verified::No)
        );
        // Every slot was given back.
        assert_eq!(hasher.slots.in_use.lock().map(|n| *n).ok(), Some(0));
    }

    impl PasswordHasher {
        fn argon2_for_tests(&self) -> Argon2<'static> {
            Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
        }
    }
}
