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
