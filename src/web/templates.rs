//! Handlebars in strict mode: templates compiled into the binary (or re-read from `templates/` on
//! every render when `server.reload_templates` is on), with the `t` and `datetime` helpers.

use handlebars::{DirectorySourceOptions, Handlebars};
use rust_embed::RustEmbed;

use crate::web::error::AppError;
use crate::web::i18n;

#[derive(RustEmbed)]
#[folder = "templates/"]
#[include = "*.hbs"]
struct EmbeddedTemplates;

/// The template registry.
pub struct Templates {
    registry: Handlebars<'static>,
}

/// Templates failed to load.
#[derive(Debug, thiserror::Error)]
#[error("could not load templates")]
pub struct TemplateLoadError(#[source] handlebars::TemplateError);

impl Templates {
    /// Loads every template; from disk with reloading when `reload` is true.
    pub fn load(reload: bool) -> Result<Self, TemplateLoadError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_helper("t", Box::new(i18n::t_helper));
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
        Ok(Templates { registry })
    }

    /// Renders `name` with `data` (taken by value: no copy of the page data is made).
    pub fn render(&self, name: &str, data: serde_json::Value) -> Result<String, AppError> {
        let context = handlebars::Context::from(data);
        self.registry
            .render_with_context(name, &context)
            .map_err(|e| {
                AppError::internal(anyhow::Error::new(e).context(format!("rendering {name}")))
            })
    }
}
