//! Atom 1.0 feeds, for every feature that offers one (boards, threads, cities, groups, actions,
//! the observatory): what a feed holds (`Feed`, `Entry`), its XML written by the
//! `atom_syndication` crate (never by string formatting), and how it is served (`serve`).
//!
//! A feed is the same for every reader of a language: features build it as a visitor sees the
//! page it follows (the feed of a page a visitor may not read answers 404, as the page does).
//! It is kept in the visitors' page cache under the versions of what it shows, with a bound on
//! its age for what those versions do not see (an opening post hidden by reports, an action now
//! over), and answered with a weak `ETag` (a hash of the body) so that a reader asking again
//! with `If-None-Match` gets `304 Not Modified` and no body.
//!
//! Entries carry HTML only as `SafeHtml` (the cooked, sanitised text of a post), in
//! `<content type="html">`; every other field is plain text. This module knows no feature.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use actix_web::http::header::{self, EntityTag, IfNoneMatch};
use actix_web::web::Bytes;
use actix_web::{HttpMessage, HttpRequest, HttpResponse};
use atom_syndication as atom;
use chrono::{DateTime, FixedOffset, NaiveDateTime};
use sha2::{Digest, Sha256};

use crate::i18n::{FluentArg, Lang};
use crate::markdown::SafeHtml;
use crate::web::context::{shared, Ctx};
use crate::web::error::AppError;
use crate::web::page_cache::{Holes, Page, PageCache, Scope};

/// The most entries a feed carries (the newest).
pub const MAX_ENTRIES: i64 = 50;

/// How long a kept feed of many threads (or actions) may be served at most: their versions
/// move with new threads and with moderation, not with every change to an opening post.
pub const LIST_MAX_AGE: Duration = Duration::from_secs(60);

/// The media type of every feed.
pub const CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";

/// A feed could not be written (answered with a 500 by `serve`).
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("writing an Atom feed")]
    Write(#[from] atom::Error),
    #[error("an Atom feed that is not UTF-8")]
    Utf8(#[from] std::string::FromUtf8Error),
}

/// A feed, as a feature builds it.
#[derive(Debug, Clone)]
pub struct Feed {
    /// Its title, in the reader's language.
    pub title: String,
    /// Its own address (absolute); also its Atom id.
    pub self_url: String,
    /// The page it follows (absolute).
    pub page_url: String,
    /// The language of its titles.
    pub lang: Lang,
    /// Who speaks when an entry names no author (the site's name).
    pub author: String,
    /// The rights statement (licence, attribution), if the data carries one.
    pub rights: Option<String>,
    /// The licence's address (`rel="license"`, RFC 4946), if any.
    pub licence_url: Option<String>,
    /// `<updated>` when there is no entry (a time that stays the same: the thing's creation).
    pub empty_updated: NaiveDateTime,
    /// The entries, newest first, at most [`MAX_ENTRIES`].
    pub entries: Vec<Entry>,
}

/// One entry of a feed.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its page (absolute): also its Atom id, which never changes.
    pub url: String,
    /// Its title (plain text).
    pub title: String,
    /// Its author's name, when known.
    pub author: Option<String>,
    /// When it was first written (UTC).
    pub published: NaiveDateTime,
    /// When it last changed (UTC).
    pub updated: NaiveDateTime,
    /// The cooked text, as `<content type="html">`.
    pub content: Option<SafeHtml>,
    /// A plain-text summary.
    pub summary: Option<String>,
    /// Category terms.
    pub categories: Vec<String>,
}

impl Feed {
    /// An empty feed of this request (its own address, with its query), following the page at
    /// `page_path`, in the reader's language, spoken for by the site.
    pub fn for_page(ctx: &Ctx, title: String, page_path: &str) -> Feed {
        let base = ctx.settings.base_url();
        Feed {
            title,
            self_url: absolute(base, &ctx.current_path()),
            page_url: absolute(base, page_path),
            lang: ctx.lang,
            author: ctx.config.get().site_name.clone(),
            rights: None,
            licence_url: None,
            empty_updated: DateTime::UNIX_EPOCH.naive_utc(),
            entries: Vec::new(),
        }
    }

    /// `<updated>`: the newest entry's time, or `empty_updated`.
    pub fn updated(&self) -> NaiveDateTime {
        self.entries
            .iter()
            .map(|e| e.updated)
            .max()
            .unwrap_or(self.empty_updated)
    }

    /// The feed as Atom 1.0 XML.
    pub fn to_xml(&self) -> Result<String, FeedError> {
        let mut links = vec![
            link("self", &self.self_url, Some("application/atom+xml")),
            link("alternate", &self.page_url, Some("text/html")),
        ];
        if let Some(licence) = &self.licence_url {
            links.push(link("license", licence, None));
        }
        let feed = atom::Feed {
            title: atom::Text::plain(xml_text(&self.title)),
            id: xml_text(&self.self_url),
            updated: utc(self.updated()),
            authors: vec![person(&self.author)],
            links,
            rights: self
                .rights
                .as_deref()
                .map(|r| atom::Text::plain(xml_text(r))),
            generator: Some(atom::Generator {
                value: "Vigie".to_owned(),
                ..Default::default()
            }),
            lang: Some(self.lang.code().to_owned()),
            entries: self.entries.iter().map(entry).collect(),
            ..Default::default()
        };
        let bytes = feed.write_to(Vec::with_capacity(4096 + self.entries.len() * 2048))?;
        // Only `String`s went in, so the output is UTF-8.
        Ok(String::from_utf8(bytes)?)
    }
}

fn entry(e: &Entry) -> atom::Entry {
    atom::Entry {
        title: atom::Text::plain(xml_text(&e.title)),
        id: xml_text(&e.url),
        updated: utc(e.updated),
        published: Some(utc(e.published)),
        authors: e.author.iter().map(|a| person(a)).collect(),
        links: vec![link("alternate", &e.url, Some("text/html"))],
        categories: e
            .categories
            .iter()
            .map(|term| atom::Category {
                term: xml_text(term),
                ..Default::default()
            })
            .collect(),
        summary: e.summary.as_deref().map(|s| atom::Text::plain(xml_text(s))),
        content: e.content.as_ref().map(|html| atom::Content {
            value: Some(xml_text(html.as_str())),
            content_type: Some("html".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn link(rel: &str, href: &str, mime_type: Option<&str>) -> atom::Link {
    atom::Link {
        href: xml_text(href),
        rel: rel.to_owned(),
        mime_type: mime_type.map(str::to_owned),
        ..Default::default()
    }
}

fn person(name: &str) -> atom::Person {
    atom::Person {
        name: xml_text(name),
        ..Default::default()
    }
}

/// A UTC time as Atom writes it.
fn utc(at: NaiveDateTime) -> DateTime<FixedOffset> {
    at.and_utc().fixed_offset()
}

/// `text` without the characters XML 1.0 does not allow (the crate escapes the rest).
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|c| match c {
            '\t' | '\n' | '\r' => true,
            '\u{FFFE}' | '\u{FFFF}' => false,
            c => !c.is_control(),
        })
        .collect()
}

/// `path` (beginning with `/`) as an absolute address on the site at `base_url`; anything
/// else is returned as it is.
pub fn absolute(base_url: &str, path: &str) -> String {
    if path.starts_with('/') && !path.starts_with("//") {
        format!("{}{path}", base_url.trim_end_matches('/'))
    } else {
        path.to_owned()
    }
}

/// A feed's title in the reader's language: the catalogue's `key`, given the site's name
/// (`$site`) and the name of what the feed follows (`$name`).
pub fn title(ctx: &Ctx, key: &str, name: &str) -> String {
    ctx.lang.t_args(
        key,
        &[
            ("site", FluentArg::Str(ctx.config.get().site_name.clone())),
            ("name", FluentArg::Str(name.to_owned())),
        ],
    )
}

/// What a page's `<head>` says of its feed (`feed` in the page's data): its title and address.
pub fn head_link(title: &str, href: &str) -> serde_json::Value {
    serde_json::json!({"title": title, "href": href})
}

/// Serves the feed of this request: the kept copy if what it shows (`scope`) has not changed
/// and it is younger than `max_age` (one statement), else the one `build` makes, kept for the
/// next readers. `build` decides what exists (its 404s are the page's).
pub async fn serve<F, Fut>(
    ctx: &Ctx,
    scope: Scope,
    max_age: Option<Duration>,
    build: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Feed, AppError>>,
{
    let cache = shared::<PageCache>(&ctx.req)?;
    let key = format!("feed|{}|{}", ctx.lang.code(), ctx.current_path());
    let version = if cache.enabled() {
        ctx.db
            .run_quick_read(move |conn| scope.version(conn).map_err(AppError::from))
            .await?
    } else {
        None
    };
    if let Some(page) = version.and_then(|v| cache.get_within(&key, v, max_age)) {
        return Ok(respond(&ctx.req, Arc::clone(&page.html)));
    }
    // A feed that cannot be written is a 500 (`web::error` does not know this module).
    let xml: Arc<str> = build().await?.to_xml().map_err(AppError::internal)?.into();
    if let Some(version) = version {
        let page = Page {
            html: Arc::clone(&xml),
            holes: Holes::default(),
        };
        cache.put(key, version, Arc::new(page));
    }
    Ok(respond(&ctx.req, xml))
}

/// The weak entity tag of a feed's body (weak: compression may send other bytes).
pub fn etag(body: &str) -> EntityTag {
    let digest = Sha256::digest(body.as_bytes());
    EntityTag::new_weak(hex::encode(&digest[..16]))
}

/// Answers with `body` and its `ETag`, or `304 Not Modified` without a body when the reader's
/// `If-None-Match` names it (or is `*`).
pub fn respond(req: &HttpRequest, body: Arc<str>) -> HttpResponse {
    let tag = etag(&body);
    let fresh = match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => true,
        Some(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&tag)),
        None => false,
    };
    let mut res = if fresh {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    res.insert_header(header::ETag(tag))
        // Readers and proxies may keep it, but ask again each time (a hidden post leaves at
        // once); the language comes from `Accept-Language` or the language cookie.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header((header::VARY, "Accept-Language, Cookie"));
    if fresh {
        res.finish()
    } else {
        res.content_type(CONTENT_TYPE)
            .body(Bytes::from_owner(Shared(body)))
    }
}

/// A kept feed, sent without a copy.
struct Shared(Arc<str>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 3, day)
            .and_then(|d| d.and_hms_opt(hour, 5, 9))
            .expect("a valid date")
    }

    fn feed(entries: Vec<Entry>) -> Feed {
        Feed {
            title: "Vigie — \"board\" <b> & co".to_owned(),
            self_url: "https://vigie.example/b/x/feed.atom".to_owned(),
            page_url: "https://vigie.example/b/x".to_owned(),
            lang: Lang::En,
            author: "Vigie".to_owned(),
            rights: None,
            licence_url: None,
            empty_updated: at(1, 0),
            entries,
        }
    }

    fn post(day: u32, html: &str) -> Entry {
        Entry {
            url: format!("https://vigie.example/p/{day}"),
            title: "A <title> & \u{7}bell".to_owned(),
            author: Some("alice".to_owned()),
            published: at(day, 1),
            updated: at(day, 2),
            content: Some(SafeHtml::from_trusted_storage(html.to_owned())),
            summary: None,
            categories: vec!["a\"b".to_owned()],
        }
    }

    #[test]
    fn feeds_read_back_with_their_links_times_and_html() {
        let xml = feed(vec![
            post(3, "<p>Hello &amp; <em>you</em></p>"),
            post(2, "<p>Older</p>"),
        ])
        .to_xml()
        .expect("written");
        assert!(!xml.contains("<em>"), "HTML is escaped text: {xml}");
        assert!(!xml.contains('\u{7}'));
        let back = atom::Feed::read_from(xml.as_bytes()).expect("parsed back");
        assert_eq!(back.title.as_str(), "Vigie — \"board\" <b> & co");
        assert_eq!(back.id, "https://vigie.example/b/x/feed.atom");
        assert_eq!(back.updated, utc(at(3, 2)));
        assert_eq!(back.lang.as_deref(), Some("en"));
        let rel = |rel: &str| {
            back.links
                .iter()
                .find(|l| l.rel == rel)
                .map(|l| l.href.clone())
        };
        assert_eq!(
            rel("self").as_deref(),
            Some("https://vigie.example/b/x/feed.atom")
        );
        assert_eq!(
            rel("alternate").as_deref(),
            Some("https://vigie.example/b/x")
        );
        assert_eq!(back.entries.len(), 2);
        let first = &back.entries[0];
        assert_eq!(first.title.as_str(), "A <title> & bell");
        assert_eq!(first.id, "https://vigie.example/p/3");
        assert_eq!(first.authors[0].name, "alice");
        assert_eq!(first.published, Some(utc(at(3, 1))));
        let content = first.content.as_ref().expect("content");
        assert_eq!(content.content_type.as_deref(), Some("html"));
        assert_eq!(
            content.value.as_deref(),
            Some("<p>Hello &amp; <em>you</em></p>")
        );
        assert_eq!(first.categories[0].term, "a\"b");
    }

    #[test]
    fn an_empty_feed_keeps_a_stable_updated_time() {
        let xml = feed(Vec::new()).to_xml().expect("written");
        let back = atom::Feed::read_from(xml.as_bytes()).expect("parsed back");
        assert!(back.entries.is_empty());
        assert_eq!(back.updated, utc(at(1, 0)));
        assert_eq!(xml, feed(Vec::new()).to_xml().expect("written"));
    }

    #[test]
    fn etags_follow_the_body() {
        assert_eq!(etag("<feed/>"), etag("<feed/>"));
        assert_ne!(etag("<feed/>"), etag("<feed />"));
        assert!(etag("x").weak);
    }

    #[test]
    fn paths_become_absolute() {
        assert_eq!(
            absolute("https://v.example/", "/t/1"),
            "https://v.example/t/1"
        );
        assert_eq!(
            absolute("https://v.example", "https://o.example/x"),
            "https://o.example/x"
        );
        assert_eq!(
            absolute("https://v.example", "//evil.example"),
            "//evil.example"
        );
    }
}
