//! The manifesto's text: the French and English Markdown stored in rows `manifesto_text` and
//! `manifesto_text_en` of `site_config` (else the default text), how a submitted text is
//! checked, how it is saved (and logged), and the cooked HTML pages show, remembered while the
//! text does not change.

use std::sync::{Arc, Mutex};

use diesel::prelude::*;

use super::manifesto_default::{DEFAULT_EN, DEFAULT_FR};
use crate::db::schema::site_config;
use crate::db::DbConnection;
use crate::i18n::Lang;
use crate::validation::{clean_text, FieldError};

/// The `site_config` row of the French text.
pub const TEXT_FR: &str = "manifesto_text";
/// The `site_config` row of the English text.
pub const TEXT_EN: &str = "manifesto_text_en";
/// Characters each text may hold.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// The manifesto's text as stored (`None` for a language never saved: the default applies).
#[derive(Debug, Clone, Default)]
pub struct StoredText {
    pub fr: Option<String>,
    pub en: Option<String>,
}

impl StoredText {
    /// The French Markdown shown now.
    pub fn fr(&self) -> &str {
        self.fr.as_deref().unwrap_or(DEFAULT_FR)
    }

    /// The English Markdown as the form shows it (may be empty: the French one is then shown).
    pub fn en(&self) -> &str {
        self.en.as_deref().unwrap_or(DEFAULT_EN)
    }

    /// The Markdown visitors read in a language.
    pub fn for_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en().trim().is_empty() => self.en(),
            _ => self.fr(),
        }
    }

    /// The text in a language as sanitised HTML.
    pub fn html(&self, lang: Lang) -> Arc<str> {
        cooked(self.for_lang(lang))
    }
}

/// Reads both texts (one statement).
pub fn load_text(conn: &mut DbConnection) -> QueryResult<StoredText> {
    let rows: Vec<(String, String)> = site_config::table
        .filter(site_config::name.eq_any([TEXT_FR, TEXT_EN]))
        .select((site_config::name, site_config::value))
        .load(conn)?;
    let mut text = StoredText::default();
    for (name, value) in rows {
        if name == TEXT_FR {
            text.fr = Some(value);
        } else {
            text.en = Some(value);
        }
    }
    Ok(text)
}

/// The last few texts cooked, by their Markdown: pages cook only when the text changed.
static COOKED: Mutex<Vec<(String, Arc<str>)>> = Mutex::new(Vec::new());

/// Markdown to sanitised HTML, remembered for the texts in use.
fn cooked(markdown: &str) -> Arc<str> {
    let mut memo = COOKED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, html)) = memo.iter().find(|(source, _)| source == markdown) {
        return Arc::clone(html);
    }
    let html: Arc<str> = crate::markdown::cook(markdown).into_string().into();
    if memo.len() >= 4 {
        memo.remove(0);
    }
    memo.push((markdown.to_owned(), Arc::clone(&html)));
    html
}

/// Checks a submitted text: cleaned, trimmed, at most `MAX_TEXT_CHARS`; the French one is
/// required.
pub fn check_text(raw: &str, field: &'static str, required: bool) -> Result<String, FieldError> {
    let text = clean_text(raw, true).trim().to_owned();
    if required && text.is_empty() {
        return Err(FieldError::new(field, "error-manifesto-text-required"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(FieldError::new(field, "error-manifesto-text-too-long"));
    }
    Ok(text)
}

/// Stores the texts that differ from the current ones and logs the change (inside a
/// transaction that moves the content version, so visitors see the new text at once).
/// Returns false when nothing changed.
pub fn save_text(conn: &mut DbConnection, actor_id: i64, fr: &str, en: &str) -> QueryResult<bool> {
    let current = load_text(conn)?;
    let at = crate::db::now();
    let mut changed = false;
    for (name, old, new) in [(TEXT_FR, current.fr(), fr), (TEXT_EN, current.en(), en)] {
        if old == new {
            continue;
        }
        changed = true;
        diesel::delete(site_config::table.filter(site_config::name.eq(name))).execute(conn)?;
        diesel::insert_into(site_config::table)
            .values((
                site_config::name.eq(name),
                site_config::value.eq(new),
                site_config::updated_by.eq(Some(actor_id)),
                site_config::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    if changed {
        crate::audit::record(
            conn,
            actor_id,
            "manifesto_text",
            "site",
            0,
            "manifesto",
            "",
            None,
        )?;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_text_falls_back_to_the_french_one() {
        let text = StoredText {
            fr: Some("Bonjour".into()),
            en: Some(" ".into()),
        };
        assert_eq!(text.for_lang(Lang::En), "Bonjour");
        assert_eq!(StoredText::default().for_lang(Lang::En), DEFAULT_EN);
        assert!(text.html(Lang::Fr).contains("<p>Bonjour</p>"));
    }
}
