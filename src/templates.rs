//! Handlebars in strict mode: templates compiled into the binary (or re-read from `templates/` on
//! every render when `server.reload_templates` is on), with the `t` and `datetime` helpers.
//! Pages (through `web::context`) and mails (through `mail`) both render with it; it knows
//! nothing of HTTP.
//!
//! A page renders in two steps (`render_page`): its own template (`pages/…`) with the page's
//! data, which writes the page's title, the marker `<!--/title-->`, then its main content; and
//! the frame (`partials/layout`) with only what the frame shows. Handlebars copies the whole
//! context into every partial it includes, so the frame is not a partial wrapped around the
//! page (that copied every post of a thread page twice per render), and the pages' own partials
//! are given the one value they need (`{{> thread-pager pagination}}`).
//!
//! Pieces of pages that many readers see alike (a post, a line of a thread list) are rendered
//! once and kept (`fragment`), under a key that names everything they are made of: a kept piece
//! is a pure function of its key, so it never needs invalidating; a changed post or thread has
//! a new key, and the old piece ages out when the budget is full.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use handlebars::{DirectorySourceOptions, Handlebars};
use rust_embed::RustEmbed;

use crate::i18n;

#[derive(RustEmbed)]
#[folder = "templates/"]
#[include = "*.hbs"]
struct EmbeddedTemplates;

/// Ends the title a page template writes first.
const TITLE_END: &str = "<!--/title-->";

/// What the frame (`partials/layout`) shows: the page data's fields it reads.
const FRAME_FIELDS: &[&str] = &[
    "lang",
    "site",
    "csrf",
    "current_path",
    "viewer",
    "user_menu",
    "langs",
    "feed",
];

/// Escapes `s` exactly as the HTML registry escapes a `{{value}}` (Handlebars' default escape:
/// `< > " & ' ` =`), for text put into already rendered HTML.
pub fn escape_html(s: &str) -> String {
    handlebars::html_escape(s)
}

/// The template registries: one escaping HTML (pages, the HTML part of mails), one writing
/// plain text as is (mail subjects and text parts).
pub struct Templates {
    registry: Handlebars<'static>,
    text: Handlebars<'static>,
    fragments: Fragments,
}

/// Rendered pieces of pages by key, within a byte budget (0: nothing kept). When the budget is
/// full everything is dropped at once: pieces are cheap to render again, and the pages in use
/// refill it within a few requests.
#[derive(Default)]
struct Fragments {
    budget: usize,
    inner: Mutex<FragmentsInner>,
}

#[derive(Default)]
struct FragmentsInner {
    bytes: usize,
    pieces: HashMap<String, Arc<str>>,
}

impl Fragments {
    fn get(&self, key: &str) -> Option<Arc<str>> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner.pieces.get(key).cloned()
    }

    fn put(&self, key: String, html: Arc<str>) {
        let size = key.len() + html.len();
        if size > self.budget / 8 {
            return;
        }
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.bytes + size > self.budget {
            inner.pieces.clear();
            inner.bytes = 0;
        }
        if inner.pieces.insert(key, html).is_none() {
            inner.bytes += size;
        }
    }
}

/// A template failed to render (a bug: strict mode refuses missing fields).
#[derive(Debug, thiserror::Error)]
#[error("could not render {name}")]
pub struct RenderError {
    name: String,
    #[source]
    source: handlebars::RenderError,
}

/// Templates failed to load.
#[derive(Debug, thiserror::Error)]
#[error("could not load templates")]
pub struct TemplateLoadError(#[source] handlebars::TemplateError);

impl Templates {
    /// Loads every template; from disk with reloading when `reload` is true.
    pub fn load(reload: bool) -> Result<Self, TemplateLoadError> {
        let registry = Self::registry(reload, false)?;
        let text = Self::registry(reload, true)?;
        Ok(Templates {
            registry,
            text,
            fragments: Fragments::default(),
        })
    }

    /// Renders a piece of page (`partials/…`) with `data`, without keeping it.
    pub fn render_fragment(
        &self,
        name: &str,
        data: serde_json::Value,
    ) -> Result<String, RenderError> {
        Self::render_in(&self.registry, name, &handlebars::Context::from(data))
    }

    /// Keeps up to `bytes` of rendered pieces (`fragment`); 0 keeps none.
    pub fn with_fragment_budget(mut self, bytes: usize) -> Self {
        self.fragments.budget = bytes;
        self
    }

    /// The piece `name` renders, from the kept ones when `key` was rendered before; else
    /// rendered with the data `data` builds and kept. `key` must name everything the piece
    /// shows (the template's name is added to it here).
    pub fn fragment(
        &self,
        name: &str,
        key: &str,
        data: impl FnOnce() -> serde_json::Value,
    ) -> Result<Arc<str>, RenderError> {
        if self.fragments.budget == 0 {
            let html = Self::render_in(&self.registry, name, &handlebars::Context::from(data()))?;
            return Ok(html.into());
        }
        let full_key = format!("{name}|{key}");
        if let Some(html) = self.fragments.get(&full_key) {
            return Ok(html);
        }
        let html: Arc<str> =
            Self::render_in(&self.registry, name, &handlebars::Context::from(data()))?.into();
        self.fragments.put(full_key, Arc::clone(&html));
        Ok(html)
    }

    fn registry(reload: bool, plain_text: bool) -> Result<Handlebars<'static>, TemplateLoadError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        if plain_text {
            registry.register_escape_fn(handlebars::no_escape);
            registry.register_helper("t", Box::new(i18n::t_text_helper));
        } else {
            registry.register_helper("t", Box::new(i18n::t_helper));
        }
        registry.register_helper("datetime", Box::new(i18n::datetime_helper));
        registry.register_helper(
            "partial_date",
            Box::new(i18n::LangHelper(i18n::partial_date_text)),
        );
        handlebars::handlebars_helper!(eq: |a: Json, b: Json| a == b);
        handlebars::handlebars_helper!(add: |a: i64, b: i64| a + b);
        registry.register_helper("eq", Box::new(eq));
        registry.register_helper("add", Box::new(add));
        if reload {
            registry.set_dev_mode(true);
            let mut options = DirectorySourceOptions::default();
            options.tpl_extension = ".hbs".into();
            registry
                .register_templates_directory("templates", options)
                .map_err(TemplateLoadError)?;
        } else {
            registry
                .register_embed_templates_with_extension::<EmbeddedTemplates>(".hbs")
                .map_err(TemplateLoadError)?;
        }
        Ok(registry)
    }

    /// Renders a page: `name` (its title, `<!--/title-->`, its content) with `data`, then the
    /// frame around it. The frame's fields (`FRAME_FIELDS`) are moved out of `data` into the
    /// frame's context after the page is written, without a copy.
    pub fn render_page(&self, name: &str, data: serde_json::Value) -> Result<String, RenderError> {
        let mut context = handlebars::Context::from(data);
        let page = Self::render_in(&self.registry, name, &context)?;
        let (title, body) = page.split_once(TITLE_END).unwrap_or(("", page.as_str()));
        let mut frame = serde_json::Map::new();
        if let serde_json::Value::Object(map) = context.data_mut() {
            for field in FRAME_FIELDS {
                if let Some(value) = map.remove(*field) {
                    frame.insert((*field).to_owned(), value);
                }
            }
        }
        // The page's Atom feed, for the `<head>` (most pages have none).
        frame.entry("feed").or_insert(serde_json::Value::Null);
        frame.insert("page_title".into(), title.trim().into());
        frame.insert("page_body".into(), body.into());
        Self::render_in(
            &self.registry,
            "partials/layout",
            &handlebars::Context::from(serde_json::Value::Object(frame)),
        )
    }

    /// Renders a mail: its subject and text part without escaping, its HTML part escaped.
    pub fn render_mail(
        &self,
        folder: &str,
        data: serde_json::Value,
    ) -> Result<(String, String, String), RenderError> {
        let context = handlebars::Context::from(data);
        let subject = Self::render_in(&self.text, &format!("{folder}/subject"), &context)?;
        let text = Self::render_in(&self.text, &format!("{folder}/text"), &context)?;
        let html = Self::render_in(&self.registry, &format!("{folder}/html"), &context)?;
        Ok((subject, text, html))
    }

    fn render_in(
        registry: &Handlebars<'static>,
        name: &str,
        context: &handlebars::Context,
    ) -> Result<String, RenderError> {
        registry
            .render_with_context(name, context)
            .map_err(|source| RenderError {
                name: name.to_owned(),
                source,
            })
    }
}
