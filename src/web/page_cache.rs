//! The visitors' page cache: rendered HTML of public pages for people who are not signed in,
//! keyed by language and address, valid while the database's content version has not moved
//! (every write transaction moves it — see `db::write_tx`). Checking the version costs one
//! statement, so every instance behind a proxy serves fresh pages; a hit skips the queries and
//! the rendering. The per-visitor CSRF token is put in at serve time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What stands in the cached HTML where the visitor's CSRF token goes.
pub const CSRF_MARKER: &str = "__vigie_csrf_token__";

/// The cache, bounded in bytes.
#[derive(Debug)]
pub struct PageCache {
    budget: usize,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    version: i64,
    bytes: usize,
    pages: HashMap<String, Arc<str>>,
}

impl PageCache {
    /// A cache holding at most `budget` bytes of HTML (0 turns it off).
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// True when the cache is on.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The page stored under `key` for content `version`, if any.
    pub fn get(&self, version: i64, key: &str) -> Option<Arc<str>> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.version != version {
            if version > inner.version {
                inner.pages.clear();
                inner.bytes = 0;
                inner.version = version;
            }
            return None;
        }
        inner.pages.get(key).cloned()
    }

    /// Stores a page rendered from content `version`.
    pub fn put(&self, version: i64, key: String, html: Arc<str>) {
        if !self.enabled() || html.len() > self.budget / 4 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if version < inner.version {
            return;
        }
        if version > inner.version || inner.bytes + html.len() > self.budget {
            inner.pages.clear();
            inner.bytes = 0;
            inner.version = version;
        }
        inner.bytes += html.len() + key.len();
        inner.pages.insert(key, html);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_expire_with_the_version_and_the_budget() {
        let cache = PageCache::new(1000);
        cache.put(1, "a".into(), Arc::from("x".repeat(100)));
        assert!(cache.get(1, "a").is_some());
        assert!(cache.get(2, "a").is_none(), "a newer version invalidates");
        cache.put(1, "b".into(), Arc::from("old"));
        assert!(
            cache.get(2, "b").is_none(),
            "pages from older versions are not kept"
        );
        for i in 0..20 {
            cache.put(2, format!("k{i}"), Arc::from("y".repeat(200)));
        }
        let inner = cache.inner.lock().expect("lock");
        assert!(inner.bytes <= 1000);
    }
}
