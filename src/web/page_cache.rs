//! The visitors' page cache: rendered HTML of public pages for people who are not signed in,
//! keyed by language and address, each kept with the versions it was rendered from: the site's
//! content version (moved by every administrative write) and the version of what the page shows
//! (its thread, board or city, moved by posting there; the site's activity version for the home
//! page, the directory and profiles). Reading those versions back costs one statement, so every
//! instance behind a proxy serves fresh pages; a hit skips the queries and the rendering. The
//! visitor's own CSRF token is put in at serve time, in place of a marker drawn at random when
//! the cache is made: nobody can write it into a post, so no user content is ever rewritten.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use diesel::prelude::*;

use crate::db::schema::{boards, cities, groups, site_state, threads};
use crate::db::DbConnection;
use crate::on_backend;

/// The versions a page was rendered from.
pub type Version = (i64, i64);

/// What a cached page depends on.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Site-wide lists (home page, directory, profiles).
    Site,
    /// A thread page.
    Thread(i64),
    /// A board page of the site.
    Board(String),
    /// A group's board page (group slug, board slug).
    GroupBoard(String, String),
    /// A city page.
    City(String),
}

impl Scope {
    /// The current versions behind this scope (one statement); `None` when the thing is gone.
    pub fn version(&self, conn: &mut DbConnection) -> QueryResult<Option<Version>> {
        let site = site_state::table.filter(site_state::id.eq(1));
        match self {
            Scope::Site => on_backend!(conn, c => site
                .select((site_state::content_version, site_state::activity_version))
                .get_result(c)
                .optional()),
            Scope::Thread(id) => on_backend!(conn, c => site
                .inner_join(threads::table.on(threads::id.eq(*id)))
                .select((site_state::content_version, threads::version))
                .get_result(c)
                .optional()),
            Scope::Board(slug) => on_backend!(conn, c => site
                .inner_join(boards::table.on(boards::slug.eq(slug.clone()).and(boards::group_id.is_null())))
                .select((site_state::content_version, boards::version))
                .get_result(c)
                .optional()),
            Scope::GroupBoard(group, slug) => on_backend!(conn, c => site
                .inner_join(boards::table.on(boards::slug.eq(slug.clone())))
                .inner_join(groups::table.on(groups::id.nullable().eq(boards::group_id).and(groups::slug.eq(group.clone()))))
                .select((site_state::content_version, boards::version))
                .get_result(c)
                .optional()),
            Scope::City(slug) => on_backend!(conn, c => site
                .inner_join(cities::table.on(cities::slug.eq(slug)))
                .select((site_state::content_version, cities::version))
                .get_result(c)
                .optional()),
        }
    }
}

/// The cache, bounded in bytes.
#[derive(Debug)]
pub struct PageCache {
    budget: usize,
    csrf_marker: String,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    bytes: usize,
    pages: HashMap<String, (Version, Arc<str>)>,
}

impl PageCache {
    /// A cache holding at most `budget` bytes of HTML (0 turns it off).
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            csrf_marker: random_marker(),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// What stands in the cached HTML where the visitor's CSRF token goes (random, secret, made
    /// with the cache).
    pub fn csrf_marker(&self) -> &str {
        &self.csrf_marker
    }

    /// True when the cache is on.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The page stored under `key` if it was rendered from `version`.
    pub fn get(&self, key: &str, version: Version) -> Option<Arc<str>> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match inner.pages.get(key) {
            Some((v, html)) if *v == version => Some(Arc::clone(html)),
            _ => None,
        }
    }

    /// Stores a page rendered from `version`. When the budget is spent, everything goes (the
    /// pages that matter come back on their next view).
    pub fn put(&self, key: String, version: Version, html: Arc<str>) {
        let size = html.len() + key.len();
        if !self.enabled() || size > self.budget / 4 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, old)) = inner.pages.get(&key) {
            let old_size = old.len() + key.len();
            inner.bytes = inner.bytes.saturating_sub(old_size);
        }
        if inner.bytes + size > self.budget {
            inner.pages.clear();
            inner.bytes = 0;
        }
        inner.bytes += size;
        inner.pages.insert(key, (version, html));
    }
}

/// A marker of 128 random bits, in characters no template escapes.
fn random_marker() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("vigie-csrf-{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_expire_with_their_version_and_the_budget() {
        let cache = PageCache::new(1000);
        cache.put("a".into(), (1, 1), Arc::from("x".repeat(100)));
        assert!(cache.get("a", (1, 1)).is_some());
        assert!(cache.get("a", (1, 2)).is_none(), "a newer version misses");
        cache.put("a".into(), (1, 2), Arc::from("y".repeat(100)));
        assert_eq!(
            cache.get("a", (1, 2)).as_deref(),
            Some("y".repeat(100).as_str())
        );
        for i in 0..20 {
            cache.put(format!("k{i}"), (1, 1), Arc::from("z".repeat(200)));
        }
        let inner = cache.inner.lock().expect("lock");
        assert!(inner.bytes <= 1000);
    }

    #[test]
    fn csrf_markers_are_random() {
        let (a, b) = (PageCache::new(0), PageCache::new(0));
        assert_ne!(a.csrf_marker(), b.csrf_marker());
        assert!(a.csrf_marker().len() >= 32);
    }
}
