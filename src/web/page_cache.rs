//! The page cache: rendered HTML of public pages, keyed by language and address, each kept with
//! the versions it was rendered from: the site's content version (moved by every administrative
//! write) and the version of what the page shows (its thread, board or city, moved by posting
//! there; the site's activity version for the home page, the directory and profiles). Reading
//! those versions back costs one statement, so every instance behind a proxy serves fresh pages;
//! a hit skips the queries and the rendering.
//!
//! Visitors share one copy per address. Plain members (no staff role, no board to moderate)
//! share one copy per address and per *class* (what the frame shows differently: the silenced
//! and unconfirmed-address banners), with **holes** where each member's own pieces go: their
//! menu (name, unread count), the page's one per-reader piece (the watch form) and the CSRF
//! token. A member whose own posts are on the page sees them differently (edit, not report):
//! the shared copy names those authors, and they get a copy of their own.
//!
//! Holes are markers drawn at random when the cache is made (`{marker}c`, `u`, `r`): nobody
//! can write them into a post, so no user content is ever rewritten when they are filled.
//!
//! The Atom feeds are kept here too (`web::feed`), the same for every reader of a language,
//! each also bounded in age (`get_within`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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

/// The page's one per-reader piece, filled at serve time (the watch form: what is watched).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    /// What kind of thing the piece is about (`thread`, `board`).
    pub kind: &'static str,
    /// Its id.
    pub id: i64,
    /// Where its form sends the reader back.
    pub next: String,
}

/// What a kept page needs at serve time besides its HTML.
#[derive(Debug, Clone, Default)]
pub struct Holes {
    /// The per-reader piece, if the page has one.
    pub slot: Option<Slot>,
    /// Members who see this page differently (the authors of the posts shown), sorted.
    pub authors: Vec<i64>,
    /// The posts shown (to mark the reader's notifications about them seen).
    pub posts: Vec<i64>,
    /// The threads a list shows, each with a hole for the reader's unread mark.
    pub threads: Vec<Listed>,
    /// On a thread page: the thread and the highest post number shown (what reading it
    /// marks read).
    pub read_up_to: Option<(i64, i64)>,
}

/// A thread as a list shows it: what tells whether a reader has read all of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listed {
    pub id: i64,
    pub board_id: i64,
    pub post_count: i64,
    pub last_post_at: chrono::NaiveDateTime,
}

/// The unread marks of a list's threads for one reader, by thread id.
pub type Marks = HashMap<i64, String>;

/// A kept page: its HTML with holes, and what fills them.
#[derive(Debug)]
pub struct Page {
    pub html: Arc<str>,
    pub holes: Holes,
}

/// The cache, bounded in bytes.
#[derive(Debug)]
pub struct PageCache {
    budget: usize,
    marker: String,
    csrf_marker: String,
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    bytes: usize,
    /// Each page with the versions it was rendered from and when it was stored.
    pages: HashMap<String, (Version, Instant, Arc<Page>)>,
}

/// What fills the holes of a page for one reader.
pub struct Fill<'a> {
    pub csrf: &'a str,
    pub user_menu: &'a str,
    pub slot: &'a str,
    /// Unread marks of the threads listed (none for a visitor).
    pub marks: Option<&'a Marks>,
}

impl PageCache {
    /// A cache holding at most `budget` bytes of HTML (0 turns it off).
    pub fn new(budget: usize) -> Self {
        let marker = random_marker();
        Self {
            budget,
            csrf_marker: format!("{marker}c"),
            marker,
            inner: Mutex::new(Inner::default()),
        }
    }

    /// What stands in rendered HTML where the reader's CSRF token goes (random, secret, made
    /// with the cache).
    pub fn csrf_marker(&self) -> &str {
        &self.csrf_marker
    }

    /// What stands where a member's menu goes.
    pub fn user_menu_marker(&self) -> String {
        format!("{}u", self.marker)
    }

    /// What stands where the page's per-reader piece goes.
    pub fn slot_marker(&self) -> String {
        format!("{}r", self.marker)
    }

    /// What stands where the reader's unread mark of thread `id` goes in a list.
    pub fn mark_marker(&self, id: i64) -> String {
        format!("{}n{id}.", self.marker)
    }

    /// The page `html` with its holes filled, in one pass. Pieces put in may hold the CSRF
    /// marker themselves (a form in the menu): it is filled there too.
    pub fn fill(&self, html: &str, with: &Fill<'_>) -> String {
        let mut out = String::with_capacity(html.len() + with.user_menu.len() + with.slot.len());
        self.fill_into(&mut out, html, with, true);
        out
    }

    fn fill_into(&self, out: &mut String, html: &str, with: &Fill<'_>, nested: bool) {
        let mut rest = html;
        while let Some(at) = rest.find(self.marker.as_str()) {
            out.push_str(&rest[..at]);
            let after = &rest[at + self.marker.len()..];
            if let Some(tail) = after.strip_prefix('n') {
                // `n{thread id}.`: the reader's mark of that thread (nothing for a visitor).
                let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
                if digits > 0 && tail.as_bytes().get(digits) == Some(&b'.') {
                    let mark = tail[..digits]
                        .parse::<i64>()
                        .ok()
                        .and_then(|id| with.marks.and_then(|m| m.get(&id)));
                    if let Some(mark) = mark {
                        out.push_str(mark);
                    }
                    rest = &tail[digits + 1..];
                    continue;
                }
            }
            let piece = match after.as_bytes().first() {
                Some(b'c') => Some(with.csrf),
                Some(b'u') if nested => Some(with.user_menu),
                Some(b'r') if nested => Some(with.slot),
                _ => None,
            };
            match piece {
                Some(piece) if nested => self.fill_into(out, piece, with, false),
                Some(piece) => out.push_str(piece),
                None => out.push_str(&self.marker),
            }
            rest = &after[usize::from(piece.is_some())..];
        }
        out.push_str(rest);
    }

    /// True when the cache is on.
    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The page stored under `key` if it was rendered from `version`.
    pub fn get(&self, key: &str, version: Version) -> Option<Arc<Page>> {
        self.get_within(key, version, None)
    }

    /// `get`, and with `max_age` only if it was stored less than `max_age` ago: for what
    /// changes in ways its scope's versions do not all see (the feeds, whose entries show
    /// opening posts and the time: see `web::feed`).
    pub fn get_within(
        &self,
        key: &str,
        version: Version,
        max_age: Option<Duration>,
    ) -> Option<Arc<Page>> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match inner.pages.get(key) {
            Some((v, stored, page))
                if *v == version && !max_age.is_some_and(|age| stored.elapsed() >= age) =>
            {
                Some(Arc::clone(page))
            }
            _ => None,
        }
    }

    /// Stores a page rendered from `version`. When the budget is spent, everything goes (the
    /// pages that matter come back on their next view).
    pub fn put(&self, key: String, version: Version, page: Arc<Page>) {
        let size = page.html.len() + key.len();
        if !self.enabled() || size > self.budget / 4 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, _, old)) = inner.pages.get(&key) {
            let old_size = old.html.len() + key.len();
            inner.bytes = inner.bytes.saturating_sub(old_size);
        }
        if inner.bytes + size > self.budget {
            inner.pages.clear();
            inner.bytes = 0;
        }
        inner.bytes += size;
        inner.pages.insert(key, (version, Instant::now(), page));
    }
}

/// A marker of 128 random bits, in characters no template escapes.
fn random_marker() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("vigie-hole-{hex}-")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: String) -> Arc<Page> {
        Arc::new(Page {
            html: html.into(),
            holes: Holes::default(),
        })
    }

    #[test]
    fn pages_expire_with_their_version_and_the_budget() {
        let cache = PageCache::new(1000);
        cache.put("a".into(), (1, 1), page("x".repeat(100)));
        assert!(cache.get("a", (1, 1)).is_some());
        assert!(cache.get("a", (1, 2)).is_none(), "a newer version misses");
        cache.put("a".into(), (1, 2), page("y".repeat(100)));
        assert_eq!(
            cache.get("a", (1, 2)).map(|p| p.html.to_string()),
            Some("y".repeat(100))
        );
        for i in 0..20 {
            cache.put(format!("k{i}"), (1, 1), page("z".repeat(200)));
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

    #[test]
    fn holes_are_filled_in_one_pass_and_only_holes() {
        let cache = PageCache::new(0);
        let (c, u, r) = (
            cache.csrf_marker().to_owned(),
            cache.user_menu_marker(),
            cache.slot_marker(),
        );
        let html = format!("<a>{u}</a><form>{c}</form><p>{r}</p>vigie-hole-x{c}");
        let menu = format!("menu[{c}]");
        let filled = cache.fill(
            &html,
            &Fill {
                csrf: "TOKEN",
                user_menu: &menu,
                slot: "watch[{r}]",
                marks: None,
            },
        );
        assert_eq!(
            filled,
            "<a>menu[TOKEN]</a><form>TOKEN</form><p>watch[{r}]</p>vigie-hole-xTOKEN"
        );
        // A piece put in is not searched for the menu or slot markers again.
        let sneaky = cache.fill(
            &u,
            &Fill {
                csrf: "T",
                user_menu: &u,
                slot: "",
                marks: None,
            },
        );
        assert_eq!(sneaky, u);
    }

    #[test]
    fn unread_marks_go_where_their_threads_are_listed() {
        let cache = PageCache::new(0);
        let html = format!(
            "<tr>{}</tr><tr>{}</tr><tr>{}</tr>",
            cache.mark_marker(7),
            cache.mark_marker(8),
            cache.mark_marker(123)
        );
        let marks: Marks = [(7, "<b>2</b>".to_owned())].into_iter().collect();
        let fill = |marks| Fill {
            csrf: "",
            user_menu: "",
            slot: "",
            marks,
        };
        assert_eq!(
            cache.fill(&html, &fill(Some(&marks))),
            "<tr><b>2</b></tr><tr></tr><tr></tr>"
        );
        assert_eq!(
            cache.fill(&html, &fill(None)),
            "<tr></tr><tr></tr><tr></tr>"
        );
    }
}
