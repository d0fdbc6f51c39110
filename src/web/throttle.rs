//! In-memory throttling of failed logins, of failed re-authentication, of registrations and of
//! mail requests.
//!
//! Each throttle is a keyed GCRA rate limiter from the `governor` crate: `limit` events per
//! `window` per key, in a burst of `limit`, then one more every `window / limit`. Keys are an
//! account and/or a client (an IPv4 address or an IPv6 /64, see `web::client_key`); they
//! live only in this process's memory, in a sharded map that `retain_recent` prunes. Nothing here
//! is written to disk or to a log.
//!
//! Governor counts an event when it is allowed through; a login must instead ask "would one more
//! failure be allowed?" before checking the password, and count only failures. The state store
//! below gives it both: a probe that only looks, and a record that counts, over one map that can
//! also forget a key (a successful login, a password reset).

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::ShrinkableKeyedStateStore;
use governor::state::{InMemoryState, NotKeyed, StateStore};
use governor::{Quota, RateLimiter};

/// A key and whether the decision is only looked at (`record == false`) or counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Probe {
    key: String,
    record: bool,
}

/// The limiter's state: one GCRA cell per key, in a concurrent map shared with `Throttle` so a
/// key can be forgotten.
#[derive(Debug, Clone, Default)]
struct Store(Arc<DashMap<String, InMemoryState>>);

/// The theoretical arrival time kept in a state, if any (read without changing it).
fn arrival(state: &InMemoryState) -> Option<Nanos> {
    state
        .measure_and_replace(&NotKeyed::NonKey, Err::<((), Nanos), _>)
        .err()
        .flatten()
}

impl StateStore for Store {
    type Key = Probe;

    fn measure_and_replace<T, F, E>(&self, probe: &Probe, f: F) -> Result<T, E>
    where
        F: Fn(Option<Nanos>) -> Result<(T, Nanos), E>,
    {
        if !probe.record {
            let tat = self.0.get(&probe.key).and_then(|state| arrival(&state));
            return f(tat).map(|(decision, _)| decision);
        }
        if let Some(state) = self.0.get(&probe.key) {
            return state.measure_and_replace(&NotKeyed::NonKey, f);
        }
        let state = self.0.entry(probe.key.clone()).or_default();
        state.measure_and_replace(&NotKeyed::NonKey, f)
    }
}

impl ShrinkableKeyedStateStore<Probe> for Store {
    fn retain_recent(&self, drop_below: Nanos) {
        self.0
            .retain(|_, state| arrival(state).is_some_and(|tat| tat > drop_below));
    }

    fn shrink_to_fit(&self) {
        self.0.shrink_to_fit();
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

type Limiter =
    RateLimiter<Probe, Store, DefaultClock, NoOpMiddleware<<DefaultClock as Clock>::Instant>>;

/// At most `limit` events per `window` per key.
pub struct Throttle {
    limiter: Limiter,
    store: Store,
    /// The time one event adds to a key's theoretical arrival time (`window / limit`).
    period: Duration,
}

impl std::fmt::Debug for Throttle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Throttle")
            .field("keys", &self.store.0.len())
            .finish()
    }
}

impl Throttle {
    /// Allows `limit` events per key within `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        let limit = NonZeroU32::new(limit).unwrap_or(NonZeroU32::MIN);
        let period = (window / limit.get()).max(Duration::from_millis(1));
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(limit);
        let store = Store::default();
        Self {
            limiter: RateLimiter::new(quota, store.clone(), DefaultClock::default()),
            store,
            period,
        }
    }

    /// Seconds to wait when `key` has used up its allowance, else `None`. Counts nothing.
    pub fn blocked_for(&self, key: &str) -> Option<u64> {
        let probe = Probe {
            key: key.to_owned(),
            record: false,
        };
        let not_until = self.limiter.check_key(&probe).err()?;
        let wait = not_until.wait_time_from(self.limiter.clock().now());
        Some(wait.as_secs_f64().ceil().max(1.0) as u64)
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str) {
        let probe = Probe {
            key: key.to_owned(),
            record: true,
        };
        // Over the limit, nothing more is counted: the key stays blocked until its cells refill.
        let _ = self.limiter.check_key(&probe);
    }

    /// Checks and counts in one step: when `key` still has an event left, counts it and returns
    /// `None`; otherwise counts nothing and returns the seconds to wait. Concurrent callers
    /// cannot all pass on one remaining event (the count is a compare-and-swap), which a
    /// `blocked_for` then `record` around an `.await` would allow.
    pub fn try_record(&self, key: &str) -> Option<u64> {
        let probe = Probe {
            key: key.to_owned(),
            record: true,
        };
        let not_until = self.limiter.check_key(&probe).err()?;
        let wait = not_until.wait_time_from(self.limiter.clock().now());
        Some(wait.as_secs_f64().ceil().max(1.0) as u64)
    }

    /// Gives back one event `try_record` counted for `key` (the attempt turned out right, and
    /// must not count as a failure).
    pub fn refund(&self, key: &str) {
        let period = Nanos::from(self.period);
        if let Some(state) = self.store.0.get(key) {
            let _ = state.measure_and_replace(&NotKeyed::NonKey, |tat| {
                Ok::<_, ()>(((), tat.unwrap_or_default().saturating_sub(period)))
            });
        }
    }

    /// Forgets `key` (after a successful login).
    pub fn clear(&self, key: &str) {
        self.store.0.remove(key);
    }

    /// Forgets every key that starts with `prefix` (every client of one account, after a
    /// password reset).
    pub fn clear_prefix(&self, prefix: &str) {
        self.store.0.retain(|key, _| !key.starts_with(prefix));
    }

    /// Drops the keys whose allowance is whole again (they are no different from absent ones).
    pub fn retain_recent(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// The throttles of one server process.
#[derive(Debug)]
pub struct Throttles {
    /// Failed logins per (account, client).
    pub login_account: Throttle,
    /// Failed logins per client.
    pub login_client: Throttle,
    /// Wrong current passwords (settings: password, email, account deletion) per account.
    pub reauth_account: Throttle,
    /// Wrong current passwords per client.
    pub reauth_client: Throttle,
    /// Registrations per client.
    pub register_client: Throttle,
    /// Verification and reset mails asked for, per client and per account.
    pub mail_requests: Throttle,
    /// Avatar uploads per account (each is decoded and encoded again: CPU work).
    pub avatar_uploads: Throttle,
    /// Wrong two-factor codes per account, whatever the client (the password was right).
    pub two_factor: Throttle,
}

impl Throttles {
    /// Prunes every throttle (the server calls this every minute).
    pub fn retain_recent(&self) {
        for throttle in [
            &self.login_account,
            &self.login_client,
            &self.reauth_account,
            &self.reauth_client,
            &self.register_client,
            &self.mail_requests,
            &self.avatar_uploads,
            &self.two_factor,
        ] {
            throttle.retain_recent();
        }
    }
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
        let wait = t.blocked_for("k").expect("blocked after two");
        assert!((1..=30).contains(&wait), "{wait}");
        assert_eq!(t.blocked_for("other"), None);
        t.clear("k");
        assert_eq!(t.blocked_for("k"), None);
    }

    #[test]
    fn try_record_checks_and_counts_at_once_and_refunds() {
        let t = Throttle::new(3, Duration::from_secs(60));
        let passed = (0..10).filter(|_| t.try_record("k").is_none()).count();
        assert_eq!(passed, 3, "no more than the limit pass");
        assert!(t.blocked_for("k").is_some());
        t.refund("k");
        assert_eq!(t.blocked_for("k"), None, "a refund frees one event");
        assert_eq!(t.try_record("k"), None);
        assert!(t.try_record("k").is_some());
        // Threads racing on the last events: exactly the limit passes.
        let t = std::sync::Arc::new(Throttle::new(5, Duration::from_secs(60)));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let t = t.clone();
                std::thread::spawn(move || (0..4).filter(|_| t.try_record("k").is_none()).count())
            })
            .collect();
        let total: usize = handles.into_iter().map(|h| h.join().expect("thread")).sum();
        assert_eq!(total, 5);
    }

    #[test]
    fn looking_counts_nothing_and_prefixes_clear_together() {
        let t = Throttle::new(1, Duration::from_secs(60));
        for _ in 0..5 {
            assert_eq!(t.blocked_for("user:1|a"), None);
        }
        t.record("user:1|a");
        t.record("user:1|b");
        t.record("user:10|a");
        t.clear_prefix("user:1|");
        assert_eq!(t.blocked_for("user:1|a"), None);
        assert_eq!(t.blocked_for("user:1|b"), None);
        assert!(t.blocked_for("user:10|a").is_some());
        t.retain_recent();
        assert!(t.blocked_for("user:10|a").is_some());
    }
}
