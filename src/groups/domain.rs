//! Validated group values: what a person types to create or change a group (name, slug, city,
//! description, website, visibility, join policy), join-request messages and invitation
//! numbers. Parsing only: nothing here reads the database except through the closure the city
//! check is given.

use serde::Serialize;

use crate::markdown::SafeHtml;
use crate::validation::{clean_text, valid_url, FieldError};

/// Longest join-request message or refusal reason, in characters.
pub const MAX_MESSAGE: usize = 1000;
/// Longest description, in characters.
pub const MAX_DESCRIPTION: usize = 20_000;

/// Who finds a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupVisibility {
    /// Listed in the directory.
    Public,
    /// Reachable by its link only.
    Unlisted,
}

impl GroupVisibility {
    /// Parses a stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(GroupVisibility::Public),
            "unlisted" => Some(GroupVisibility::Unlisted),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupVisibility::Public => "public",
            GroupVisibility::Unlisted => "unlisted",
        }
    }
}

/// How one joins a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JoinPolicy {
    /// Anyone joins at once.
    Open,
    /// Coordinators approve each request.
    Request,
    /// Only through an invitation link.
    Invite,
}

impl JoinPolicy {
    /// Parses a stored or submitted value.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "open" => Some(JoinPolicy::Open),
            "request" => Some(JoinPolicy::Request),
            "invite" => Some(JoinPolicy::Invite),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            JoinPolicy::Open => "open",
            JoinPolicy::Request => "request",
            JoinPolicy::Invite => "invite",
        }
    }
}

/// A group's or a board's slug: lowercase ASCII letters, digits and inner dashes, at most 60
/// characters (the board slug rules).
pub fn parse_slug(raw: &str, field: &'static str) -> Result<String, FieldError> {
    let slug = raw.trim().to_owned();
    let ok = !slug.is_empty()
        && slug.len() <= 60
        && slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if ok {
        Ok(slug)
    } else {
        Err(FieldError::new(field, "error-slug-invalid"))
    }
}

/// A group's name: 3 to 80 characters once cleaned.
pub fn parse_name(raw: &str) -> Result<String, FieldError> {
    let name = clean_text(raw, false).trim().to_owned();
    match name.chars().count() {
        0..=2 => Err(FieldError::new("name", "group-error-name-short")),
        3..=80 => Ok(name),
        _ => Err(FieldError::new("name", "group-error-name-long")),
    }
}

/// An optional http(s) website (empty: none).
pub fn parse_website(raw: &str) -> Result<String, FieldError> {
    let site = raw.trim();
    if site.is_empty() || valid_url(site) {
        Ok(site.to_owned())
    } else {
        Err(FieldError::new("website", "group-error-website"))
    }
}

/// A description in Markdown and its cooked HTML (cooked once, here).
#[derive(Debug, Clone)]
pub struct Description {
    pub markdown: String,
    pub html: SafeHtml,
}

/// Parses and cooks a description.
pub fn parse_description(raw: &str) -> Result<Description, FieldError> {
    let (markdown, html) =
        crate::markdown::cook_description(raw, MAX_DESCRIPTION, "group-error-description-long")?;
    Ok(Description { markdown, html })
}

/// A short message (join request, refusal reason): at most 1000 characters.
pub fn parse_message(raw: &str, field: &'static str) -> Result<String, FieldError> {
    let text = clean_text(raw, true).trim().to_owned();
    if text.chars().count() > MAX_MESSAGE {
        Err(FieldError::new(field, "group-error-message-long"))
    } else {
        Ok(text)
    }
}

/// Parses an optional enum field, `default` when absent or empty.
pub fn parse_choice<T>(
    raw: Option<&str>,
    default: T,
    parse: fn(&str) -> Option<T>,
    field: &'static str,
) -> Result<T, FieldError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(default),
        Some(s) => parse(s).ok_or(FieldError::new(field, "group-error-choice")),
    }
}

/// A validated group, the city still to be resolved (by the store, in its transaction).
#[derive(Debug, Clone)]
pub struct GroupInput {
    pub name: String,
    pub slug: String,
    pub city: String,
    pub description: Description,
    pub website: String,
    pub visibility: GroupVisibility,
    pub join_policy: JoinPolicy,
}

/// What a person typed to create a group.
#[derive(Debug, Clone, Default, serde::Deserialize, Serialize, utoipa::ToSchema)]
pub struct GroupForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: String,
    /// A city's slug.
    #[serde(default)]
    pub city: String,
    /// Markdown.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// `public` (the default) or `unlisted`.
    #[serde(default)]
    pub visibility: Option<String>,
    /// `open` (the default), `request` or `invite`.
    #[serde(default)]
    pub join_policy: Option<String>,
}

impl GroupForm {
    /// Validates every field, returning every error at once.
    pub fn parse(&self) -> Result<GroupInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = parse_name(&self.name).map_err(|e| errors.push(e)).ok();
        let slug = parse_slug(&self.slug, "slug")
            .map_err(|e| errors.push(e))
            .ok();
        let city = self.city.trim().to_owned();
        if city.is_empty() {
            errors.push(FieldError::new("city", "error-city-unknown"));
        }
        let description = parse_description(self.description.as_deref().unwrap_or(""))
            .map_err(|e| errors.push(e))
            .ok();
        let website = parse_website(self.website.as_deref().unwrap_or(""))
            .map_err(|e| errors.push(e))
            .ok();
        let visibility = parse_choice(
            self.visibility.as_deref(),
            GroupVisibility::Public,
            GroupVisibility::parse,
            "visibility",
        )
        .map_err(|e| errors.push(e))
        .ok();
        let join_policy = parse_choice(
            self.join_policy.as_deref(),
            JoinPolicy::Request,
            JoinPolicy::parse,
            "join_policy",
        )
        .map_err(|e| errors.push(e))
        .ok();
        match (name, slug, description, website, visibility, join_policy) {
            (Some(name), Some(slug), Some(description), Some(website), Some(v), Some(j))
                if errors.is_empty() =>
            {
                Ok(GroupInput {
                    name,
                    slug,
                    city,
                    description,
                    website,
                    visibility: v,
                    join_policy: j,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Reads an invitation's number of uses (1–1000) and days of validity (1–365).
pub fn parse_invite_numbers(
    max_uses: Option<i64>,
    days: Option<i64>,
) -> Result<(i64, i64), FieldError> {
    let uses = max_uses.unwrap_or(10);
    if !(1..=1000).contains(&uses) {
        return Err(FieldError::new("max_uses", "error-invite-uses"));
    }
    let days = days.unwrap_or(14);
    if !(1..=365).contains(&days) {
        return Err(FieldError::new("expires_in_days", "error-invite-days"));
    }
    Ok((uses, days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_slugs() {
        assert!(parse_name("ab").is_err());
        assert!(parse_name("abc").is_ok());
        assert!(parse_name(&"x".repeat(81)).is_err());
        assert!(parse_slug("lyon-velo", "slug").is_ok());
        assert!(parse_slug("Lyon", "slug").is_err());
        assert!(parse_slug("-a", "slug").is_err());
    }

    #[test]
    fn websites() {
        assert!(parse_website("").is_ok());
        assert!(parse_website("https://example.org").is_ok());
        assert!(parse_website("javascript:alert(1)").is_err());
    }
}
