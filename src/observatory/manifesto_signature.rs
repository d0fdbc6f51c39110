//! A signature of the manifesto before it is stored: who signs (`Kind`), the fields as
//! submitted, and the checks that turn them into a `NewSignature` (name, an organisation's
//! website, a person's city, the address). Pure: no database, no mail.

use serde::Serialize;

use crate::accounts::domain::EmailAddress;
use crate::validation::{clean_text, FieldError};

/// Characters of a signatory's name.
pub const MAX_NAME_CHARS: usize = 120;
/// Characters of an organisation's website address.
pub const MAX_WEBSITE_CHARS: usize = 300;
/// Characters of a person's city.
pub const MAX_CITY_CHARS: usize = 80;

/// Who signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An association, a collective, a union… listed by name once approved.
    Organisation,
    /// A person, counted, never named.
    Person,
}

impl Kind {
    /// Parses a stored or submitted kind.
    pub fn parse(s: &str) -> Option<Kind> {
        match s.trim() {
            "organisation" => Some(Kind::Organisation),
            "person" => Some(Kind::Person),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Organisation => "organisation",
            Kind::Person => "person",
        }
    }
}

/// A checked signature, not yet stored.
#[derive(Debug, Clone)]
pub struct NewSignature {
    pub kind: Kind,
    pub name: String,
    /// Organisations only (may be empty).
    pub website: String,
    /// Persons only (may be empty).
    pub city: String,
    pub email: EmailAddress,
}

/// A signature as submitted, before any check.
#[derive(Debug, Clone, Default)]
pub struct Submitted<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub website: &'a str,
    pub city: &'a str,
    pub email: &'a str,
}

/// Checks every field of a signature, collecting all errors. The website is kept for
/// organisations only, the city for persons only.
pub fn validate(input: &Submitted<'_>) -> Result<NewSignature, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = Kind::parse(input.kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "error-manifesto-kind"));
    }
    let name = clean_text(input.name, false).trim().to_owned();
    if name.is_empty() {
        errors.push(FieldError::new("name", "error-manifesto-name-required"));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new("name", "error-manifesto-name-too-long"));
    }
    let website = match kind {
        Some(Kind::Organisation) => match parse_website(input.website) {
            Ok(w) => w,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        },
        _ => String::new(),
    };
    let city = match kind {
        Some(Kind::Person) => {
            let city = clean_text(input.city, false).trim().to_owned();
            if city.chars().count() > MAX_CITY_CHARS {
                errors.push(FieldError::new("city", "error-manifesto-city-too-long"));
            }
            city
        }
        _ => String::new(),
    };
    let email = EmailAddress::parse(input.email).map_err(|e| errors.push(e));
    match (kind, email) {
        (Some(kind), Ok(email)) if errors.is_empty() => Ok(NewSignature {
            kind,
            name,
            website,
            city,
            email,
        }),
        _ => Err(errors),
    }
}

/// An organisation's website: empty, or an absolute `http`/`https` address with a host and no
/// credentials (`https://` is added to a bare `example.org`). Returns the normalised address.
pub fn parse_website(raw: &str) -> Result<String, FieldError> {
    let raw = clean_text(raw, false).trim().to_owned();
    if raw.is_empty() {
        return Ok(raw);
    }
    if raw.chars().count() > MAX_WEBSITE_CHARS {
        return Err(FieldError::new(
            "website",
            "error-manifesto-website-too-long",
        ));
    }
    let invalid = || FieldError::new("website", "error-manifesto-website-invalid");
    // `example.org` or `example.org:8080/x`: no scheme typed (what comes before the first
    // colon, if any, has a dot). `javascript:…` keeps its scheme and is refused.
    let before_colon = raw.split(':').next().unwrap_or_default();
    let bare = !raw.contains("://") && before_colon.contains('.');
    let candidate = if bare {
        format!("https://{raw}")
    } else {
        raw.clone()
    };
    let url = url::Url::parse(&candidate).map_err(|_| invalid())?;
    let host_ok = url
        .host_str()
        .is_some_and(|h| !h.is_empty() && (h.contains('.') || h.starts_with('[')));
    if !matches!(url.scheme(), "http" | "https")
        || !host_ok
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(invalid());
    }
    let normalised = url.to_string();
    if normalised.chars().count() > MAX_WEBSITE_CHARS {
        return Err(FieldError::new(
            "website",
            "error-manifesto-website-too-long",
        ));
    }
    Ok(normalised)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submitted<'a>(kind: &'a str, website: &'a str) -> Submitted<'a> {
        Submitted {
            kind,
            name: "Collectif Vigilance",
            website,
            city: "Lyon",
            email: "contact@example.org",
        }
    }

    #[test]
    fn websites_are_http_or_https_with_a_host() {
        assert_eq!(parse_website("").expect("empty is fine"), "");
        assert_eq!(
            parse_website("https://example.org").expect("valid"),
            "https://example.org/"
        );
        assert_eq!(
            parse_website("example.org/agir").expect("bare domain"),
            "https://example.org/agir"
        );
        assert_eq!(
            parse_website("example.org:8080").expect("bare with port"),
            "https://example.org:8080/"
        );
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "ftp://example.org",
            "https://user:pass@example.org",
            "http://localhost",
            "https://",
            "mailto:a@example.org",
        ] {
            assert!(parse_website(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.org/{}", "a".repeat(400));
        assert_eq!(
            parse_website(&long).unwrap_err().key,
            "error-manifesto-website-too-long"
        );
    }

    #[test]
    fn signatures_keep_only_the_fields_of_their_kind() {
        let org = validate(&submitted("organisation", "example.org")).expect("valid");
        assert_eq!(org.kind, Kind::Organisation);
        assert_eq!(org.website, "https://example.org/");
        assert_eq!(org.city, "");
        let person = validate(&submitted("person", "javascript:alert(1)")).expect("valid");
        assert_eq!(person.website, "", "a person's website is ignored");
        assert_eq!(person.city, "Lyon");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = validate(&Submitted {
            kind: "robot",
            name: "  ",
            website: "",
            city: "",
            email: "nope",
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "name", "email"]);
        let errors = validate(&Submitted {
            kind: "person",
            name: &"n".repeat(MAX_NAME_CHARS + 1),
            website: "",
            city: &"c".repeat(MAX_CITY_CHARS + 1),
            email: "a@example.org",
        })
        .unwrap_err();
        let keys: Vec<_> = errors.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [
                "error-manifesto-name-too-long",
                "error-manifesto-city-too-long"
            ]
        );
    }
}
