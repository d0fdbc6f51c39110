//! A board as administrators type it: the form and its validation (slug, names and
//! descriptions in French and English). The CLI and the admin pages both use it.

use serde::Deserialize;

use crate::forum::queries::BoardFields;
use crate::validation::{clean_text, FieldError};

/// Board fields as typed in a form.
#[derive(Debug, Deserialize, Default)]
pub struct BoardForm {
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description_en: String,
}

fn optional(s: &str) -> Option<String> {
    let s = clean_text(s, true).trim().to_owned();
    (!s.is_empty()).then_some(s)
}

/// Validates a board's fields (the slug only when `with_slug`).
pub fn validate_board(form: &BoardForm, with_slug: bool) -> Result<BoardFields, Vec<FieldError>> {
    let mut errors = Vec::new();
    let slug = form.slug.trim().to_owned();
    if with_slug
        && (slug.is_empty()
            || slug.len() > 60
            || !slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            || slug.starts_with('-')
            || slug.ends_with('-'))
    {
        errors.push(FieldError::new("slug", "error-slug-invalid"));
    }
    let name = clean_text(&form.name, false).trim().to_owned();
    if name.is_empty() {
        errors.push(FieldError::new("name", "error-name-empty"));
    } else if name.chars().count() > 80 {
        errors.push(FieldError::new("name", "error-name-long"));
    }
    let description = clean_text(&form.description, true).trim().to_owned();
    if description.chars().count() > 500 || form.description_en.chars().count() > 500 {
        errors.push(FieldError::new("description", "error-description-long"));
    }
    if form.name_en.chars().count() > 80 {
        errors.push(FieldError::new("name", "error-name-long"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(BoardFields {
        slug,
        name,
        description,
        name_en: optional(&form.name_en),
        description_en: optional(&form.description_en),
        group_id: None,
        visibility: crate::memberships::BoardVisibility::Public,
    })
}
