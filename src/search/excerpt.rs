//! Excerpts of results: the text around the first matched word, escaped, then the matched
//! words wrapped in `<mark>`. Made from the stored, already sanitised HTML of a post (its tags
//! dropped), the same way on both backends.

use crate::search::query::is_marked;
use crate::templates::escape_html;

/// Words shown before the first match.
const BEFORE: usize = 12;
/// Words shown in all.
const WORDS: usize = 40;

/// A piece of text between spaces, and whether it is shown marked.
struct Word<'a> {
    text: &'a str,
    marked: bool,
}

/// The excerpt of `text` around the first word `marks` match (its start when none does), as
/// HTML: every piece escaped, matched words in `<mark>`.
pub fn excerpt(text: &str, marks: &[String]) -> String {
    let words: Vec<Word> = text
        .split_whitespace()
        .map(|w| Word {
            text: w,
            marked: w
                .split(|c: char| !c.is_alphanumeric())
                .any(|piece| !piece.is_empty() && is_marked(piece, marks)),
        })
        .collect();
    let first = words.iter().position(|w| w.marked).unwrap_or(0);
    let start = first.saturating_sub(BEFORE);
    let end = (start + WORDS).min(words.len());
    let mut out = String::new();
    if start > 0 {
        out.push_str("… ");
    }
    for (i, w) in words[start..end].iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if w.marked {
            out.push_str("<mark>");
            out.push_str(&escape_html(w.text));
            out.push_str("</mark>");
        } else {
            out.push_str(&escape_html(w.text));
        }
    }
    if end < words.len() {
        out.push_str(" …");
    }
    out
}

/// A title with its matched words marked, as HTML.
pub fn marked_title(title: &str, marks: &[String]) -> String {
    let mut out = String::new();
    for (i, w) in title.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let marked = w
            .split(|c: char| !c.is_alphanumeric())
            .any(|piece| !piece.is_empty() && is_marked(piece, marks));
        if marked {
            out.push_str("<mark>");
            out.push_str(&escape_html(w));
            out.push_str("</mark>");
        } else {
            out.push_str(&escape_html(w));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::text_of_html;
    use crate::search::query::Terms;

    #[test]
    fn text_is_escaped_before_it_is_marked() {
        let marks = Terms::parse("caméra").unwrap().marks();
        let html = excerpt(
            "<script>alert(1)</script> une caméra & un <b>drone</b>",
            &marks,
        );
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<mark>caméra</mark>"));
        assert!(html.contains("&amp;"));
        assert!(!html.contains("<script>"));
    }

    #[test]
    fn excerpts_start_near_the_first_match() {
        let mut text = "mot ".repeat(100);
        text.push_str("la vidéosurveillance algorithmique");
        let marks = Terms::parse("videosurveillance").unwrap().marks();
        let html = excerpt(&text, &marks);
        assert!(html.starts_with("… "));
        assert!(html.contains("<mark>vidéosurveillance</mark>"));
    }

    #[test]
    fn html_becomes_text() {
        assert_eq!(
            text_of_html("<p>Un &amp; deux</p><p>trois&lt;</p>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            vec!["Un", "&", "deux", "trois<"]
        );
    }
}
