//! Validated account values: usernames, email addresses and passwords.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

use crate::validation::{clean_text, FieldError};

/// A username: 3 to 32 letters, digits, `_` or `-`, in NFC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

impl Username {
    /// Parses a username typed by a person.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let name: String = input.trim().nfc().collect();
        let len = name.chars().count();
        if len < 3 {
            return Err(FieldError::new("username", "error-username-short"));
        }
        if len > 32 {
            return Err(FieldError::new("username", "error-username-long"));
        }
        if !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(FieldError::new("username", "error-username-chars"));
        }
        Ok(Username(name))
    }

    /// The name as shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key that makes names unique ignoring case.
    pub fn key(&self) -> String {
        username_key(&self.0)
    }

    /// The confusable skeleton: two names that look alike share it.
    pub fn skeleton(&self) -> String {
        username_skeleton(&self.0)
    }
}

/// Lower-cased NFC form of a name, used for lookups.
pub fn username_key(name: &str) -> String {
    name.trim().nfc().collect::<String>().to_lowercase()
}

/// Unicode TR39 skeleton of the lower-cased name, with `_`/`-` and `0`/`o`, `1`/`l` folded.
pub fn username_skeleton(name: &str) -> String {
    let lowered = username_key(name);
    let skeleton: String = unicode_security::skeleton(&lowered).collect();
    skeleton
        .to_lowercase()
        .chars()
        .map(|c| match c {
            '_' => '-',
            '0' => 'o',
            '1' | '|' => 'l',
            c => c,
        })
        .collect::<String>()
        .replace("rn", "m")
}

/// An email address, trimmed; its lookup key is lower-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses an email address.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let email = clean_text(input.trim(), false);
        if email.len() > 254 || !email_address::EmailAddress::is_valid(&email) {
            return Err(FieldError::new("email", "error-email-invalid"));
        }
        // A dotless domain is valid per RFC but never a real mailbox on the Internet.
        let domain = email.rsplit('@').next().unwrap_or_default();
        if !domain.contains('.') || domain.starts_with('[') {
            return Err(FieldError::new("email", "error-email-invalid"));
        }
        Ok(EmailAddress(email))
    }

    /// The address as typed.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The lower-cased address, unique in the database.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A new password: 8 to 1024 characters, not among the most common ones.
#[derive(Clone)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// Longest password accepted, in characters (hashing cost stays bounded).
pub const MAX_PASSWORD_CHARS: usize = 1024;

impl NewPassword {
    /// Checks a new password against the rules of SECURITY.md.
    pub fn parse(
        input: &str,
        field: &'static str,
        common: &CommonPasswords,
    ) -> Result<Self, FieldError> {
        let len = input.chars().count();
        if len < 8 {
            return Err(FieldError::new(field, "error-password-short"));
        }
        if len > MAX_PASSWORD_CHARS {
            return Err(FieldError::new(field, "error-password-long"));
        }
        if common.contains(input) {
            return Err(FieldError::new(field, "error-password-common"));
        }
        Ok(NewPassword(input.to_owned()))
    }

    /// The password text, to hash.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The list of the most common passwords (`data/common-passwords.txt`, compiled in).
pub struct CommonPasswords(HashSet<String>);

impl CommonPasswords {
    /// Loads the embedded list, keeping entries long enough to pass the length rule.
    pub fn load() -> Self {
        const LIST: &str = include_str!("../../data/common-passwords.txt");
        CommonPasswords(
            LIST.lines()
                .map(|l| l.trim().to_lowercase())
                .filter(|l| l.chars().count() >= 8)
                .collect(),
        )
    }

    /// True when the password (ignoring case) is on the list.
    pub fn contains(&self, password: &str) -> bool {
        self.0.contains(&password.to_lowercase())
    }

    /// Number of entries kept.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the list is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How a user wants one category of notifications mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailMode {
    Immediately,
    Digest,
    Never,
}

impl EmailMode {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EmailMode::Immediately => "immediately",
            EmailMode::Digest => "digest",
            EmailMode::Never => "never",
        }
    }

    /// Parses a stored or submitted name.
    pub fn parse(s: &str) -> Option<EmailMode> {
        match s {
            "immediately" => Some(EmailMode::Immediately),
            "digest" => Some(EmailMode::Digest),
            "never" => Some(EmailMode::Never),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn usernames_follow_the_rules() {
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("abc").is_ok());
        assert!(Username::parse("élodie_44").is_ok());
        assert!(Username::parse("has space").is_err());
        assert!(Username::parse("a<b>").is_err());
        assert!(Username::parse(&"x".repeat(33)).is_err());
    }

    #[test]
    fn lookalikes_share_a_skeleton() {
        assert_eq!(username_skeleton("admin"), username_skeleton("ADMIN"));
        assert_eq!(username_skeleton("admin"), username_skeleton("аdmin")); // Cyrillic а
        assert_eq!(username_skeleton("paul"), username_skeleton("pau1"));
        assert_ne!(username_skeleton("paul"), username_skeleton("paula"));
    }

    #[test]
    fn emails_are_checked() {
        assert!(EmailAddress::parse("someone@example.org").is_ok());
        assert!(EmailAddress::parse("not-an-email").is_err());
        assert!(EmailAddress::parse("a@localhost").is_err());
        assert_eq!(
            EmailAddress::parse("Some@Example.ORG").map(|e| e.key()),
            Ok("some@example.org".to_owned())
        );
    }

    #[test]
    fn common_passwords_are_refused() {
        let common = CommonPasswords::load();
        assert!(common.len() > 1000);
        assert!(NewPassword::parse("password", "password", &common).is_err());
        assert!(NewPassword::parse("short", "password", &common).is_err());
        assert!(NewPassword::parse("correct horse battery staple", "password", &common).is_ok());
    }

    proptest! {
        #[test]
        fn parsed_usernames_are_always_well_formed(s in "\\PC{0,40}") {
            if let Ok(name) = Username::parse(&s) {
                let len = name.as_str().chars().count();
                prop_assert!((3..=32).contains(&len));
                prop_assert!(name.as_str().chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'));
            }
        }

        #[test]
        fn emails_never_hold_line_breaks(s in "\\PC{0,60}") {
            if let Ok(email) = EmailAddress::parse(&s) {
                prop_assert!(!email.as_str().contains(['\r', '\n']));
            }
        }
    }
}
