//! Handlebars in strict mode: templates compiled into the binary (or re-read from `templates/` on
//! every render when `server.reload_templates` is on), with the `t` and `datetime` helpers.
//! Pages (through `web::context`) and mails (through `mail`) both render with it; it knows
//! nothing of HTTP.

use handlebars::{DirectorySourceOptions, Handlebars};
use rust_embed::RustEmbed;

use crate::i18n;

#[derive(RustEmbed)]
#[folder = "templates/"]
#[include = "*.hbs"]
struct EmbeddedTemplates;

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
        Ok(Templates { registry, text })
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

    /// Renders `name` with `data` (taken by value: no copy of the page data is made).
    pub fn render(&self, name: &str, data: serde_json::Value) -> Result<String, RenderError> {
        Self::render_in(&self.registry, name, &handlebars::Context::from(data))
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
