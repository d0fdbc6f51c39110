//! The cook: Markdown in, sanitised HTML out. It runs once, when a post is written; pages only
//! ever print the stored result.
//!
//! `SafeHtml` can only be made here (or read back from the database, where only the cook wrote
//! it), and it is the only value templates print unescaped.
//!
//! The cook's cost stays linear in the text's length: block quotes and lists nested deeper than
//! [`MAX_NESTING`] (which would make the HTML sanitiser's tree building quadratic: a line of
//! 50,000 `>` took seconds) are refused by [`check_nesting`] when the text is written, and never
//! parsed as Markdown by [`cook`].

use std::collections::HashSet;
use std::sync::OnceLock;

use pulldown_cmark::{html, Event, LinkType, Options, Parser, Tag, TagEnd, TextMergeStream};
use serde::Serialize;

use crate::validation::FieldError;

/// Deepest nesting of block quotes and lists a text may have.
pub const MAX_NESTING: usize = 32;

/// HTML that went through the sanitiser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// HTML read back from a column only the cook writes to.
    pub fn from_trusted_storage(html: String) -> Self {
        SafeHtml(html)
    }

    /// The HTML text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Moves the HTML out, to store it.
    pub fn into_string(self) -> String {
        self.0
    }
}

/// The tags and attributes a post may hold (the cook's and the remote sanitiser's common list).
fn allow_list(images: bool) -> ammonia::Builder<'static> {
    let mut tags: HashSet<&str> = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "kbd",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
        "input",
        "span",
    ]
    .into_iter()
    .collect();
    if !images {
        tags.remove("img");
    }
    let mut builder = ammonia::Builder::default();
    builder
        .tags(tags)
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow ugc noopener noreferrer"))
        .generic_attributes(HashSet::new())
        .tag_attributes(
            [
                ("a", ["href", "title"].into_iter().collect::<HashSet<_>>()),
                ("img", ["src", "alt", "title"].into_iter().collect()),
                ("th", ["align"].into_iter().collect()),
                ("td", ["align"].into_iter().collect()),
                ("ol", ["start"].into_iter().collect()),
                (
                    "input",
                    ["type", "checked", "disabled"].into_iter().collect(),
                ),
                ("code", ["class"].into_iter().collect()),
            ]
            .into_iter()
            .collect(),
        )
        .set_tag_attribute_value("input", "disabled", "")
        .attribute_filter(|element, attribute, value| match (element, attribute) {
            ("input", "type") if value != "checkbox" => None,
            ("code", "class") if !value.starts_with("language-") => None,
            _ => Some(value.into()),
        });
    builder
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = allow_list(true);
        builder.url_relative(ammonia::UrlRelative::Custom(Box::new(local_links_only)));
        builder
    })
}

/// The sanitiser of HTML received from another server: the cook's list without images (a
/// remote picture would be a request to a third party from every reader's page), and relative
/// links dropped (they would point into this site).
fn remote_sanitizer() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut builder = allow_list(false);
        builder.url_relative(ammonia::UrlRelative::Deny);
        builder
    })
}

/// Longest HTML accepted from another server, in bytes (a local post's 50,000 characters of
/// Markdown make about as much).
pub const MAX_REMOTE_HTML: usize = 200_000;

/// How deep remote HTML may nest its elements: a bound on the sanitiser's tree building, which
/// grows with the square of the depth.
const MAX_REMOTE_DEPTH: usize = 2 * MAX_NESTING;

/// Elements without content: they open no level.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// How deep `html`'s elements nest, read from its tags alone (one linear pass, no parsing):
/// each opening tag that is not void or self-closed opens a level, each closing tag ends one.
fn html_depth(html: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        if tag.starts_with('/') {
            depth = depth.saturating_sub(1);
        } else if tag.starts_with(|c: char| c.is_ascii_alphabetic()) && !tag.ends_with('/') {
            let name: String = tag
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            if !VOID.contains(&name.as_str()) {
                depth += 1;
                deepest = deepest.max(depth);
            }
        }
        rest = &rest[end..];
    }
    deepest
}

/// Sanitises HTML received from another server (federation): `None` when it is longer than
/// [`MAX_REMOTE_HTML`] or nests deeper than twice [`MAX_NESTING`], so that the cost stays
/// bounded whatever arrives.
pub fn sanitise_remote(html: &str) -> Option<SafeHtml> {
    if html.len() > MAX_REMOTE_HTML || html_depth(html) > MAX_REMOTE_DEPTH {
        return None;
    }
    Some(SafeHtml(remote_sanitizer().clean(html).to_string()))
}

/// Longest content warning kept from a remote post (Mastodon allows 500 characters for a post and
/// its warning together).
const MAX_WARNING_CHARS: usize = 500;

/// Puts sanitised `html` behind its author's content warning (Mastodon's `summary`): a
/// `<details>` the reader opens (no script needed), the warning as its `<summary>`, as plain
/// text (escaped, control characters dropped, at most 500 characters).
pub fn behind_warning(html: SafeHtml, warning: &str) -> SafeHtml {
    let plain: String = crate::validation::clean_text(warning, false)
        .trim()
        .chars()
        .take(MAX_WARNING_CHARS)
        .collect();
    SafeHtml(format!(
        "<details class=\"content-warning\"><summary>{}</summary>{}</details>",
        handlebars::html_escape(&plain),
        html.0
    ))
}

/// The text of sanitised HTML: tags dropped (block ends become spaces), the entities the
/// sanitiser writes decoded.
pub fn text_of_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

/// Keeps relative links only when they are plain local paths (`/t/12`, `#p3`); anything else
/// that is not an allowed absolute URL (`%6Aavascript:`, `//host`, `x:y`) is dropped.
fn local_links_only(url: &str) -> Option<std::borrow::Cow<'_, str>> {
    let local_path = url.starts_with('/') && !url.starts_with("//") && !url.starts_with("/\\");
    let fragment = url.starts_with('#');
    ((local_path || fragment) && !url.contains(':') && !url.contains('\\')).then(|| url.into())
}

fn options() -> Options {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_TASKLISTS);
    options
}

/// Whether `events` nest block quotes and lists deeper than [`MAX_NESTING`] (one linear pass).
fn too_deep<'a>(events: impl IntoIterator<Item = &'a Event<'a>>) -> bool {
    let mut depth = 0usize;
    for event in events {
        match event {
            Event::Start(Tag::BlockQuote(_) | Tag::List(_)) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return true;
                }
            }
            Event::End(TagEnd::BlockQuote(_) | TagEnd::List(_)) => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    false
}

/// Refuses Markdown whose block quotes and lists nest deeper than [`MAX_NESTING`]; the error
/// names `field`. Every text that will be cooked goes through this when it is written.
pub fn check_nesting(markdown: &str, field: &'static str) -> Result<(), FieldError> {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    if too_deep(&events) {
        return Err(FieldError::new(field, "error-markdown-too-deep"));
    }
    Ok(())
}

/// Renders Markdown (CommonMark with tables, strikethrough and task lists) and sanitises it.
///
/// Text nested deeper than [`MAX_NESTING`] (which `check_nesting` keeps out of the database) is
/// shown as escaped source in a `<pre>` instead, so cooking stays linear whatever the input.
pub fn cook(markdown: &str) -> SafeHtml {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    if too_deep(&events) {
        return SafeHtml(format!("<pre>{}</pre>", ammonia::clean_text(markdown)));
    }
    let mut raw = String::with_capacity(markdown.len() + markdown.len() / 4);
    html::push_html(&mut raw, events.into_iter());
    SafeHtml(sanitizer().clean(&raw).to_string())
}

/// Whether `c` can be part of a username.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// The `@name` mentions in a run of text: for each, the byte range of `@name` and the name (3
/// to 32 name characters, not right after a name character, `.` or `@`, so that an address such
/// as `a@example.org` is not one; trailing `-` and `_` are not part of the name).
pub fn mention_spans(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mut spans = Vec::new();
    let mut previous: Option<char> = None;
    for (i, c) in text.char_indices() {
        let starts = c == '@' && !previous.is_some_and(|p| is_name_char(p) || p == '.' || p == '@');
        previous = Some(c);
        if !starts {
            continue;
        }
        let rest = &text[i + 1..];
        let end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        let name = rest[..end].trim_end_matches(['-', '_']);
        if (3..=32).contains(&name.chars().count()) {
            spans.push((i..i + 1 + name.len(), name));
        }
    }
    spans
}

/// Like [`cook`], and each `@name` outside code and links for which `profile_of` gives a path
/// becomes a link to it (the text stays as typed).
pub fn cook_with_mentions(markdown: &str, profile_of: impl Fn(&str) -> Option<String>) -> SafeHtml {
    let parsed: Vec<Event<'_>> =
        TextMergeStream::new(Parser::new_ext(markdown, options())).collect();
    if too_deep(&parsed) {
        return SafeHtml(format!("<pre>{}</pre>", ammonia::clean_text(markdown)));
    }
    let mut events: Vec<Event<'_>> = Vec::with_capacity(parsed.len());
    let (mut in_code, mut in_link) = (false, 0usize);
    for event in parsed {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Start(Tag::Link { .. }) => in_link += 1,
            Event::End(TagEnd::Link) => in_link = in_link.saturating_sub(1),
            Event::Text(text) if !in_code && in_link == 0 => {
                let mut last = 0;
                let mut linked = false;
                for (range, name) in mention_spans(text) {
                    let Some(path) = profile_of(name) else {
                        continue;
                    };
                    if range.start > last {
                        events.push(Event::Text(text[last..range.start].to_owned().into()));
                    }
                    events.push(Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: path.into(),
                        title: "".into(),
                        id: "".into(),
                    }));
                    events.push(Event::Text(text[range.clone()].to_owned().into()));
                    events.push(Event::End(TagEnd::Link));
                    last = range.end;
                    linked = true;
                }
                if linked {
                    if last < text.len() {
                        events.push(Event::Text(text[last..].to_owned().into()));
                    }
                    continue;
                }
            }
            _ => {}
        }
        events.push(event);
    }
    let mut raw = String::with_capacity(markdown.len() + markdown.len() / 4);
    html::push_html(&mut raw, events.into_iter());
    SafeHtml(sanitizer().clean(&raw).to_string())
}

/// An optional description typed in a form: cleaned, at most `max_chars` characters (else
/// `too_long` on `description`), not nested beyond what the cooker accepts, and cooked once
/// here (empty stays empty). Returns the Markdown and its HTML.
pub fn cook_description(
    raw: &str,
    max_chars: usize,
    too_long: &'static str,
) -> Result<(String, SafeHtml), FieldError> {
    let markdown = crate::validation::clean_text(raw, true).trim().to_owned();
    if markdown.chars().count() > max_chars {
        return Err(FieldError::new("description", too_long));
    }
    check_nesting(&markdown, "description")?;
    let html = if markdown.is_empty() {
        SafeHtml::from_trusted_storage(String::new())
    } else {
        cook(&markdown)
    };
    Ok((markdown, html))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_content_warning_is_plain_text_in_front_of_the_post() {
        let post = sanitise_remote("<p>Texte</p>").expect("short");
        let warned = behind_warning(post, " <script>x</script> & co\u{7} ");
        assert_eq!(
            warned.as_str(),
            "<details class=\"content-warning\"><summary>&lt;script&gt;x&lt;/script&gt; &amp; co\
             </summary><p>Texte</p></details>"
        );
        let long = behind_warning(SafeHtml(String::new()), &"é".repeat(600));
        assert_eq!(long.as_str().matches('é').count(), MAX_WARNING_CHARS);
    }

    #[test]
    fn remote_html_is_sanitised_without_images_or_relative_links() {
        let html = sanitise_remote(
            "<p onclick=\"x()\">Salut <script>alert(1)</script><a href=\"/admin\">ici</a> \
             <a href=\"https://ailleurs.example/p/1\">là</a><img src=\"https://t.example/x.png\"></p>",
        )
        .expect("accepted");
        let html = html.as_str();
        assert!(
            !html.contains("script") && !html.contains("onclick"),
            "{html}"
        );
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("href=\"/admin\""), "{html}");
        assert!(
            html.contains("href=\"https://ailleurs.example/p/1\""),
            "{html}"
        );
        assert!(
            html.contains("rel=\"nofollow ugc noopener noreferrer\""),
            "{html}"
        );
    }

    #[test]
    fn remote_html_too_long_or_too_deep_is_refused() {
        assert!(sanitise_remote(&"a".repeat(MAX_REMOTE_HTML + 1)).is_none());
        let deep = "<blockquote>".repeat(MAX_REMOTE_DEPTH + 1);
        assert!(sanitise_remote(&deep).is_none());
        let wide = "<p>un<br>deux</p>".repeat(MAX_REMOTE_DEPTH + 1);
        assert!(sanitise_remote(&wide).is_some());
        assert_eq!(
            html_depth("<ul><li>a</li><li><em>b</em></li></ul><br/><hr>"),
            3
        );
    }

    #[test]
    fn renders_common_markdown() {
        let html = cook("# Titre\n\n*vite* et **fort**\n\n- un\n- deux\n\n> cité\n\n`code`");
        let html = html.as_str();
        assert!(html.contains("<h1>Titre</h1>"));
        assert!(html.contains("<em>vite</em>"));
        assert!(html.contains("<li>un</li>"));
        assert!(html.contains("<blockquote>"));
        assert!(html.contains("<code>code</code>"));
    }

    #[test]
    fn links_get_rel_and_scripts_go() {
        let html =
            cook("[x](https://example.org) [y](javascript:alert(1)) <script>alert(1)</script>");
        let html = html.as_str();
        assert!(html.contains("rel=\"nofollow ugc noopener noreferrer\""));
        assert!(!html.contains("javascript"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn raw_html_event_handlers_are_removed() {
        let html = cook("<img src=x onerror=alert(1)><svg onload=alert(1)></svg>");
        assert!(!html.as_str().contains("onerror"));
        assert!(!html.as_str().contains("<svg"));
    }

    #[test]
    fn mentions_of_known_people_become_profile_links() {
        let known = |name: &str| (name.to_lowercase() == "alice").then(|| "/u/Alice".to_owned());
        let html = cook_with_mentions(
            "Merci @alice et @inconnu ! Écrire à a@example.org, `@alice` en code.\n\n[@alice](/p/3) a écrit :",
            known,
        );
        let html = html.as_str();
        assert!(html.contains("Merci <a href=\"/u/Alice\" rel=\"nofollow ugc noopener noreferrer\">@alice</a> et @inconnu"), "{html}");
        assert!(html.contains("a@example.org"));
        assert!(html.contains("<code>@alice</code>"));
        assert!(
            html.contains(
                "<a href=\"/p/3\" rel=\"nofollow ugc noopener noreferrer\">@alice</a> a écrit"
            ),
            "{html}"
        );
        assert_eq!(html.matches("/u/Alice").count(), 1);
    }

    #[test]
    fn nesting_is_bounded() {
        let deepest_allowed = format!("{} x", ">".repeat(MAX_NESTING));
        assert!(check_nesting(&deepest_allowed, "body").is_ok());
        assert_eq!(
            cook(&deepest_allowed)
                .as_str()
                .matches("<blockquote>")
                .count(),
            MAX_NESTING
        );
        let too_deep = format!("{} x", "> ".repeat(MAX_NESTING + 1));
        assert_eq!(
            check_nesting(&too_deep, "description"),
            Err(FieldError::new("description", "error-markdown-too-deep"))
        );
        let lists = "1. ".repeat(MAX_NESTING + 1);
        assert!(check_nesting(&lists, "body").is_err());
        let html = cook(&format!("{too_deep}<script>"));
        assert!(html.as_str().starts_with("<pre>"));
        assert!(!html.as_str().contains("<blockquote>"));
        assert!(!html.as_str().contains("<script"));
    }
}
