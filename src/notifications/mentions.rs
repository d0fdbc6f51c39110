//! What a post points at: the `@username` mentions in its text (not in code) and the posts it
//! quotes (links to `/p/{id}`, which the quote button writes).

use pulldown_cmark::{Event, Parser, Tag, TagEnd, TextMergeStream};

use crate::accounts::domain::username_key;

/// The mentions and quotes found in a post's Markdown.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct References {
    /// Username keys (lower case, normalised), in order of appearance, without duplicates.
    pub mentions: Vec<String>,
    /// Ids of quoted posts, without duplicates.
    pub quoted_posts: Vec<i64>,
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// Reads `/p/123`, `/p/123#…` or `<base>/p/123` into a post id.
fn quoted_post(url: &str, base_url: &str) -> Option<i64> {
    let path = url.strip_prefix(base_url).unwrap_or(url);
    let rest = path.strip_prefix("/p/")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let tail = &rest[digits.len()..];
    if !(tail.is_empty() || tail.starts_with('#') || tail.starts_with('?')) {
        return None;
    }
    digits.parse().ok()
}

fn mentions_in(text: &str, out: &mut Vec<String>) {
    for (_, name) in crate::markdown::mention_spans(text) {
        push_unique(out, username_key(name));
    }
}

/// Finds the mentions and quotes of a post.
pub fn references(markdown: &str, base_url: &str) -> References {
    let mut refs = References::default();
    let mut in_code_block = false;
    for event in TextMergeStream::new(Parser::new(markdown)) {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(id) = quoted_post(&dest_url, base_url) {
                    push_unique(&mut refs.quoted_posts, id);
                }
            }
            Event::Text(text) if !in_code_block => mentions_in(&text, &mut refs.mentions),
            _ => {}
        }
    }
    refs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_mentions_outside_code_and_emails() {
        let refs = references(
            "Merci @Alice et @bob_42, cc @alice.\n\nÉcrire à a@example.org\n\n`@code` \n\n```\n@block\n```\n@zo",
            "https://v.example",
        );
        assert_eq!(refs.mentions, vec!["alice", "bob_42"]);
    }

    #[test]
    fn finds_quoted_posts() {
        let refs = references(
            "[@alice](/p/12) a écrit :\n> texte\n\n[lien](https://v.example/p/7#x) [autre](/p/9x) [ext](https://other.example/p/5)",
            "https://v.example",
        );
        assert_eq!(refs.quoted_posts, vec![12, 7]);
        assert_eq!(refs.mentions, vec!["alice"]);
    }
}
