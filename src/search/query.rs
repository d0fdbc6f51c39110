//! What a searcher typed, read into parts: words (all required), `"phrases"`, `prefix*`, and
//! `-excluded` words or phrases. Only letters and digits reach the database: every other
//! character separates words, so FTS and `tsquery` syntax (`NEAR`, `:`, `^`, `(`, `|`, quotes
//! left open) is plain text here, never an operator and never an SQL error. Each part is then
//! written in the query language of the backend (`fts5`, `tsquery`), and the same parts mark the
//! matched words in excerpts (`Terms::matches`).

use unicode_normalization::UnicodeNormalization;

use crate::validation::FieldError;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 300;

/// The most parts a query keeps (the rest are ignored).
const MAX_PARTS: usize = 12;

/// One part of a query: one word or a phrase of several, in the order typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The words, lowercased, as typed (accents kept: each backend folds them its own way).
    pub words: Vec<String>,
    /// `word*`: the last word is a prefix.
    pub prefix: bool,
    /// `-word`: results must not contain it.
    pub excluded: bool,
}

impl Part {
    /// The part in FTS5's language: its words as one quoted string, `*` after a prefix.
    pub fn fts5(&self) -> String {
        let mut s = format!("\"{}\"", self.words.join(" "));
        if self.prefix {
            s.push('*');
        }
        s
    }
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Terms {
    pub parts: Vec<Part>,
}

impl Terms {
    /// Reads a query; an over-long one is an error on field `q`. An empty result (nothing but
    /// punctuation, say) is not an error: `is_searchable` tells.
    pub fn parse(input: &str) -> Result<Terms, FieldError> {
        if input.chars().count() > MAX_QUERY_CHARS {
            return Err(FieldError::new("q", "search-error-too-long"));
        }
        let mut parts = Vec::new();
        let mut chars = input.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
                continue;
            }
            let excluded = c == '-';
            if excluded {
                chars.next();
            }
            let raw: String = if chars.peek() == Some(&'"') {
                chars.next();
                // A phrase runs to the closing quote, or to the end when it is left open.
                let mut s = String::new();
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    s.push(c);
                }
                if chars.peek() == Some(&'*') {
                    s.push('*');
                    chars.next();
                }
                s
            } else {
                let mut s = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '"' {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                s
            };
            let prefix = raw.trim_end().ends_with('*');
            let words = words_of(&raw);
            if words.is_empty() {
                continue;
            }
            parts.push(Part {
                words,
                prefix,
                excluded,
            });
            if parts.len() == MAX_PARTS {
                break;
            }
        }
        Ok(Terms { parts })
    }

    /// True when there is at least one word to look for (exclusions alone find nothing).
    pub fn is_searchable(&self) -> bool {
        self.parts.iter().any(|p| !p.excluded)
    }

    /// The query in FTS5's language: each word a quoted string, phrases as one quoted string,
    /// required parts joined by `AND`, excluded ones after `NOT`. `None` when not searchable.
    pub fn fts5(&self) -> Option<String> {
        if !self.is_searchable() {
            return None;
        }
        let quoted = |p: &Part| p.fts5();
        let required: Vec<String> = self
            .parts
            .iter()
            .filter(|p| !p.excluded)
            .map(quoted)
            .collect();
        let mut out = format!("({})", required.join(" AND "));
        for p in self.parts.iter().filter(|p| p.excluded) {
            out.push_str(" NOT ");
            out.push_str(&quoted(p));
        }
        Some(out)
    }

    /// The query as `to_tsquery` input: words quoted as lexemes, phrases joined by `<->`,
    /// prefixes marked `:*`, exclusions with `!`, all joined by `&`. `None` when not searchable.
    pub fn tsquery(&self) -> Option<String> {
        tsquery_of(&self.parts)
    }

    /// The folded stems excerpts mark: each required word, shortened a little so plurals and
    /// other endings are marked too (`caméras` marks `camera`), and prefixes as typed.
    pub fn marks(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in self.parts.iter().filter(|p| !p.excluded) {
            let last = p.words.len() - 1;
            for (i, w) in p.words.iter().enumerate() {
                let folded = fold(w);
                let n = folded.chars().count();
                let keep = if p.prefix && i == last || n <= 4 {
                    n
                } else {
                    (n - 2).max(4)
                };
                let stem: String = folded.chars().take(keep).collect();
                if !stem.is_empty() && !out.contains(&stem) {
                    out.push(stem);
                }
            }
        }
        out
    }
}

/// `parts` as `to_tsquery` input (see `Terms::tsquery`); `None` when none is required.
pub fn tsquery_of(parts: &[Part]) -> Option<String> {
    if !parts.iter().any(|p| !p.excluded) {
        return None;
    }
    let part = |p: &Part| {
        let last = p.words.len() - 1;
        let lexemes: Vec<String> = p
            .words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if p.prefix && i == last {
                    format!("'{w}':*")
                } else {
                    format!("'{w}'")
                }
            })
            .collect();
        let body = if lexemes.len() == 1 {
            lexemes.join("")
        } else {
            format!("({})", lexemes.join(" <-> "))
        };
        if p.excluded {
            format!("!{body}")
        } else {
            body
        }
    };
    Some(parts.iter().map(part).collect::<Vec<_>>().join(" & "))
}

/// True when word `token` (as found in a text) is marked by one of `marks` (`Terms::marks`): it
/// begins with the mark, or, for a mark of one or two letters (`à`, `le`), it is the mark: such
/// a word is not the stem of longer ones (`à` does not mark `après`).
pub fn is_marked(token: &str, marks: &[String]) -> bool {
    if marks.is_empty() {
        return false;
    }
    let folded = fold(token);
    marks.iter().any(|m| {
        if m.chars().count() <= 2 {
            folded == *m
        } else {
            folded.starts_with(m.as_str())
        }
    })
}

/// The words of a piece of text: maximal runs of letters and digits, lowercased.
pub fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Lowercase without accents (`Vidéo` → `video`), as the indexes compare words.
pub fn fold(word: &str) -> String {
    word.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(q: &str) -> Vec<Part> {
        Terms::parse(q).expect("parses").parts
    }

    #[test]
    fn short_words_mark_only_themselves() {
        let marks = Terms::parse(r#""réunion publique à grenoble""#)
            .unwrap()
            .marks();
        assert!(is_marked("à", &marks));
        assert!(is_marked("A", &marks));
        assert!(!is_marked("après", &marks));
        assert!(is_marked("réunions", &marks));
        assert!(is_marked("Grenoble", &marks));
    }

    #[test]
    fn words_phrases_prefixes_and_exclusions() {
        let p = parts(r#"drone "reconnaissance faciale" surveil* -police"#);
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].words, vec!["drone"]);
        assert_eq!(p[1].words, vec!["reconnaissance", "faciale"]);
        assert!(p[2].prefix && !p[2].excluded);
        assert!(p[3].excluded);
        let t = Terms::parse(r#"drone "reconnaissance faciale" surveil* -police"#).unwrap();
        assert_eq!(
            t.fts5().unwrap(),
            r#"("drone" AND "reconnaissance faciale" AND "surveil"*) NOT "police""#
        );
        assert_eq!(
            t.tsquery().unwrap(),
            "'drone' & ('reconnaissance' <-> 'faciale') & 'surveil':* & !'police'"
        );
    }

    #[test]
    fn syntax_characters_are_plain_text() {
        let t = Terms::parse(r#"NEAR(a: b^ "open phrase"#).unwrap();
        let fts = t.fts5().unwrap();
        assert!(!fts.contains(':') && !fts.contains('^'));
        assert_eq!(t.parts[0].words, vec!["near", "a"]);
        assert_eq!(t.parts.last().unwrap().words, vec!["open", "phrase"]);
        let ts = t.tsquery().unwrap();
        assert!(!ts.contains('^') && !ts.contains("a:"));
        // Quotes inside words cannot close the lexeme's quotes.
        let t = Terms::parse("l'État").unwrap();
        assert_eq!(t.parts[0].words, vec!["l", "état"]);
    }

    #[test]
    fn nothing_to_search_is_not_an_error() {
        assert!(!Terms::parse("").unwrap().is_searchable());
        assert!(!Terms::parse("  ()  :: ").unwrap().is_searchable());
        assert!(!Terms::parse("-police").unwrap().is_searchable());
        assert!(Terms::parse("-police").unwrap().fts5().is_none());
    }

    #[test]
    fn long_queries_are_refused_on_q() {
        let e = Terms::parse(&"a".repeat(MAX_QUERY_CHARS + 1)).unwrap_err();
        assert_eq!(e.field, "q");
        assert!(Terms::parse(&"a ".repeat(MAX_QUERY_CHARS / 2)).is_ok());
    }

    #[test]
    fn marks_fold_accents_and_endings() {
        let t = Terms::parse("Caméras vidéo*").unwrap();
        let marks = t.marks();
        assert!(is_marked("caméra", &marks));
        assert!(is_marked("CAMERAS", &marks));
        assert!(is_marked("vidéosurveillance", &marks));
        assert!(!is_marked("police", &marks));
    }
}
