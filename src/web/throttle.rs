//! In-memory throttling of failed logins and of registrations.
//!
//! Keys are an account name and/or a client address; they live only in this process's memory
//! and are forgotten when their window passes. Nothing here is written to disk or to a log.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A fixed-window counter per key.
#[derive(Debug)]
pub struct Throttle {
    window: Duration,
    limit: u32,
    hits: Mutex<HashMap<String, (Instant, u32)>>,
}

impl Throttle {
    /// Allows `limit` events per key within `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            window,
            limit: limit.max(1),
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait when `key` is over its limit, else `None`.
    pub fn blocked_for(&self, key: &str) -> Option<u64> {
        let hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        let (start, count) = hits.get(key)?;
        let elapsed = start.elapsed();
        if elapsed >= self.window || *count < self.limit {
            return None;
        }
        Some((self.window - elapsed).as_secs().max(1))
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str) {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if hits.len() > 100_000 {
            let window = self.window;
            hits.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = hits.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Forgets `key` (after a successful login).
    pub fn clear(&self, key: &str) {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        hits.remove(key);
    }
}

/// The throttles of one server process.
#[derive(Debug)]
pub struct Throttles {
    /// Failed logins per (account, client).
    pub login_account: Throttle,
    /// Failed logins per client.
    pub login_client: Throttle,
    /// Registrations per client.
    pub register_client: Throttle,
    /// Verification and reset mails asked for, per client and per account.
    pub mail_requests: Throttle,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_clears() {
        let t = Throttle::new(2, Duration::from_secs(60));
        assert_eq!(t.blocked_for("k"), None);
        t.record("k");
        assert_eq!(t.blocked_for("k"), None);
        t.record("k");
        assert!(t.blocked_for("k").is_some());
        assert_eq!(t.blocked_for("other"), None);
        t.clear("k");
        assert_eq!(t.blocked_for("k"), None);
    }
}
