//! Input that failed validation: which field, and which catalogue message explains why.
//!
//! Domain constructors (`Username::parse`, `ThreadTitle::parse`, …) return `FieldError`; forms
//! show it next to the field and the API answers it as a 422 with `field` set.

/// One rejected field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {key}")]
pub struct FieldError {
    /// The form / JSON field name.
    pub field: &'static str,
    /// The message key in `locales/*/main.ftl`.
    pub key: &'static str,
}

impl FieldError {
    /// A rejected `field` explained by message `key`.
    pub fn new(field: &'static str, key: &'static str) -> Self {
        Self { field, key }
    }
}

/// Normalises user text: Unicode NFC, no bidirectional controls or other invisible format
/// characters, no control characters except newlines and tabs where allowed.
pub fn clean_text(input: &str, multiline: bool) -> String {
    use unicode_normalization::UnicodeNormalization;
    let text: String = input
        .nfc()
        .filter(|c| {
            if *c == '\n' || *c == '\t' {
                return multiline;
            }
            !c.is_control() && !is_invisible_format(*c)
        })
        .collect();
    if multiline {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

/// Bidirectional overrides and isolates, zero-width characters and similar format characters.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}' | '\u{061C}' | '\u{180E}')
}

/// A URL slug of lower-case ASCII letters, digits and hyphens (at most `max` characters).
pub fn slugify(text: &str, max: usize) -> String {
    let ascii = deunicode::deunicode(text).to_lowercase();
    let mut slug = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let mut slug: String = slug.trim_matches('-').chars().take(max).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// An http or https URL of reasonable length, with a host.
pub fn valid_url(raw: &str) -> bool {
    let raw = raw.trim();
    raw.len() <= 2000
        && url::Url::parse(raw)
            .map(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_controls_are_removed() {
        assert_eq!(clean_text("a\u{202E}b\u{2066}c", false), "abc");
        assert_eq!(clean_text("a\r\nb", true), "a\nb");
        assert_eq!(clean_text("a\nb", false), "ab");
    }

    #[test]
    fn text_is_nfc() {
        assert_eq!(clean_text("e\u{301}", false), "\u{e9}");
    }
}

#[cfg(test)]
mod slug_tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(
            slugify("Vidéosurveillance à Nice !", 80),
            "videosurveillance-a-nice"
        );
        assert_eq!(slugify("---", 80), "");
    }

    proptest! {
        #[test]
        fn slugs_only_hold_safe_characters(s in "\\PC{0,100}") {
            let slug = slugify(&s, 80);
            prop_assert!(slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-'));
        }
    }
}
