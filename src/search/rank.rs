//! Relevance on SQLite: Okapi BM25 over the window of newest matches, scored here from the rows'
//! text.
//!
//! FTS5's own `bm25()` starts each search by counting, for every part of the query, the rows of
//! the whole index that hold it (the inverse document frequency): over a million posts that is
//! 35–45 ms for a common word or a phrase, paid by every search, whatever the page. Here the
//! frequencies are estimated from the newest `SAMPLE` posts instead (one statement, a few ms,
//! exact while the forum has fewer posts than that), and each row of the window is scored with
//! FTS5's formula and weights (`k1` 1.2, `b` 0.75, the title counting four times the text).
//! Words are compared as the index compares them: lowercase, without accents (`query::fold`).

use crate::search::query::{fold, Part};

/// How many of the newest posts the words' frequencies are estimated from.
pub const SAMPLE: i64 = 10_000;

/// Up to how many rows FTS5's `bm25()` may count in the whole index before scoring here is
/// cheaper: it reads a word's list at ~65 ns a row, this module a window's text at ~10–15 ms.
const FTS5_COUNT_BUDGET: f64 = 150_000.0;

/// True when FTS5's own `bm25()` costs less than scoring here: every part is one word (not a
/// phrase or a prefix, whose counts walk every word's or term's list) and, estimated from the
/// `sample` newest of `newest` posts (`hits`, one per part), their rows add up to little.
pub fn fts5_is_cheap(parts: &[Part], hits: &[i64], sample: i64, newest: i64) -> bool {
    let single = parts.iter().all(|p| p.words.len() == 1 && !p.prefix);
    let scale = newest.max(1) as f64 / sample.max(1) as f64;
    let rows: f64 = hits.iter().map(|h| *h as f64 * scale).sum();
    single && hits.len() == parts.len() && rows <= FTS5_COUNT_BUDGET
}

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A hit in the title (an opening post's thread title) counts this many times a hit in the text.
const TITLE_WEIGHT: f64 = 4.0;

/// The required parts of a query, ready to score rows with.
pub struct Scorer {
    /// Each part's inverse document frequency.
    idf: Vec<f64>,
    /// The distinct words of all parts, each with whether it is a prefix somewhere.
    words: Vec<(String, bool)>,
    /// Each part's words as bits of `words`, in order.
    bits: Vec<Vec<u64>>,
    /// The first letters of `words` (`base_letter`).
    firsts: Vec<char>,
}

/// A row of the window: its title (empty but for opening posts) and its Markdown text.
pub struct Row<'a> {
    pub title: &'a str,
    pub body: &'a str,
}

impl Scorer {
    /// A scorer for the required (not excluded) `parts`, given how many of `sample` posts hold
    /// each of them (`hits`, in the same order as the required parts).
    pub fn new(parts: &[Part], hits: &[i64], sample: i64) -> Scorer {
        let required: Vec<(Vec<String>, bool)> = parts
            .iter()
            .filter(|p| !p.excluded)
            .map(|p| (p.words.iter().map(|w| fold(w)).collect(), p.prefix))
            .collect();
        let n = sample.max(1) as f64;
        let idf = (0..required.len())
            .map(|i| {
                let held = hits.get(i).copied().unwrap_or(0).clamp(0, sample.max(1)) as f64;
                // FTS5's floor keeps a word held by most rows from weighing nothing at all.
                (((n - held + 0.5) / (held + 0.5)).ln()).max(1e-6)
            })
            .collect();
        let mut words: Vec<(String, bool)> = Vec::new();
        for (part_words, prefix) in &required {
            let last = part_words.len().saturating_sub(1);
            for (i, w) in part_words.iter().enumerate() {
                let is_prefix = *prefix && i == last;
                if !words.iter().any(|(x, p)| x == w && *p == is_prefix) {
                    words.push((w.clone(), is_prefix));
                }
            }
        }
        let bits = required
            .iter()
            .map(|(part_words, prefix)| {
                let last = part_words.len().saturating_sub(1);
                part_words
                    .iter()
                    .enumerate()
                    .map(|(k, w)| {
                        let is_prefix = *prefix && k == last;
                        words
                            .iter()
                            .position(|(x, p)| x == w && *p == is_prefix)
                            .filter(|b| *b < 64)
                            .map_or(0, |b| 1u64 << b)
                    })
                    .collect()
            })
            .collect();
        let firsts = words
            .iter()
            .filter_map(|(w, _)| w.chars().next().map(base_letter))
            .collect();
        Scorer {
            idf,
            words,
            bits,
            firsts,
        }
    }

    /// The rows' scores, lower is better (as FTS5's `bm25()`, so both backends sort the same
    /// way). The average length is the window's own.
    pub fn scores(&self, rows: &[Row]) -> Vec<f64> {
        let counted: Vec<(Vec<f64>, usize)> = rows.iter().map(|r| self.hits(r)).collect();
        let total: usize = counted.iter().map(|(_, len)| *len).sum();
        let average = (total as f64 / counted.len().max(1) as f64).max(1.0);
        counted
            .iter()
            .map(|(freq, len)| {
                let norm = K1 * (1.0 - B + B * *len as f64 / average);
                -freq
                    .iter()
                    .zip(&self.idf)
                    .map(|(f, idf)| idf * f * (K1 + 1.0) / (f + norm))
                    .sum::<f64>()
            })
            .collect()
    }

    /// Each part's weighted hits in a row, and the row's length in words.
    fn hits(&self, row: &Row) -> (Vec<f64>, usize) {
        let (title, title_len) = self.matches(row.title);
        let (body, body_len) = self.matches(row.body);
        let freq = (0..self.bits.len())
            .map(|i| TITLE_WEIGHT * self.count(i, &title) as f64 + self.count(i, &body) as f64)
            .collect();
        (freq, title_len + body_len)
    }

    /// For each word of `text` (runs of letters and digits, as FTS5's `unicode61` cuts them),
    /// which of the query's words it is (a bit per word), and the number of words. Most words
    /// start with a letter no query word starts with: only the others are folded and compared.
    fn matches(&self, text: &str) -> (Vec<u64>, usize) {
        let bytes = text.as_bytes();
        let mut masks = Vec::with_capacity(bytes.len() / 6);
        let mut i = 0;
        while i < bytes.len() {
            let start = i;
            while i < bytes.len() {
                let width = word_char_width(text, i);
                if width == 0 {
                    break;
                }
                i += width;
            }
            if i == start {
                // A separator: step over it, whole.
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            masks.push(self.mask(&text[start..i]));
        }
        let len = masks.len();
        (masks, len)
    }

    /// Which of the query's words `token` is, a bit per word.
    fn mask(&self, token: &str) -> u64 {
        let Some(first) = token.chars().next() else {
            return 0;
        };
        if !self.firsts.contains(&base_letter(first)) {
            return 0;
        }
        let ascii = token.is_ascii();
        let mut mask = 0u64;
        for (bit, (word, prefix)) in self.words.iter().enumerate().take(64) {
            let hit = if ascii {
                let t = token.as_bytes();
                let w = word.as_bytes();
                if *prefix {
                    t.len() >= w.len() && t[..w.len()].eq_ignore_ascii_case(w)
                } else {
                    t.eq_ignore_ascii_case(w)
                }
            } else {
                let mut folded = folded_chars(token);
                let mut expected = word.chars();
                let same_start = expected.by_ref().all(|c| folded.next() == Some(c));
                same_start && (*prefix || folded.next().is_none())
            };
            if hit {
                mask |= 1 << bit;
            }
        }
        mask
    }

    /// How many times part `i` occurs in a text's word masks (a phrase: its words in a row).
    fn count(&self, i: usize, masks: &[u64]) -> usize {
        let bits = &self.bits[i];
        if bits.is_empty() || bits.contains(&0) || masks.len() < bits.len() {
            return 0;
        }
        (0..=masks.len() - bits.len())
            .filter(|start| {
                bits.iter()
                    .enumerate()
                    .all(|(k, bit)| masks[start + k] & bit != 0)
            })
            .count()
    }
}

/// The width in bytes of the character at byte `i` of `text` when it belongs to a word (a
/// letter or a digit), 0 when it separates words.
fn word_char_width(text: &str, i: usize) -> usize {
    match text.as_bytes()[i] {
        b if b.is_ascii_alphanumeric() => 1,
        b if b < 0x80 => 0,
        _ => text[i..]
            .chars()
            .next()
            .filter(|c| is_latin_letter(*c) || c.is_alphanumeric())
            .map_or(0, char::len_utf8),
    }
}

/// The accented Latin letters (À–ɏ but × and ÷), told apart without Unicode's tables.
fn is_latin_letter(c: char) -> bool {
    ('\u{C0}'..='\u{24F}').contains(&c) && c != '×' && c != '÷'
}

/// The characters of `fold(token)`, one at a time (no allocation).
fn folded_chars(token: &str) -> impl Iterator<Item = char> + '_ {
    use unicode_normalization::UnicodeNormalization;
    token
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
}

/// A letter lowercased and without its accent (`É` → `e`), as `fold` would begin a word.
fn base_letter(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut base = c;
    let mut found = false;
    unicode_normalization::char::decompose_canonical(c, |d| {
        if !found {
            base = d;
            found = true;
        }
    });
    base.to_lowercase().next().unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::Terms;

    fn scorer(q: &str, hits: &[i64], sample: i64) -> Scorer {
        Scorer::new(&Terms::parse(q).expect("parses").parts, hits, sample)
    }

    fn row<'a>(title: &'a str, body: &'a str) -> Row<'a> {
        Row { title, body }
    }

    #[test]
    fn more_hits_a_title_hit_and_a_shorter_text_rank_first() {
        let s = scorer("caméras", &[10], 1000);
        let scores = s.scores(&[
            row("", "Des caméras, encore des CAMERAS et des caméras."),
            row("", "Une caméra? Non: des caméras."),
            row("Les caméras du port", "Rien d'autre ici."),
            row(
                "",
                "Pas un mot du sujet, sauf caméras, dans un texte bien plus long que les autres.",
            ),
        ]);
        assert!(scores[0] < scores[1], "{scores:?}");
        assert!(
            scores[2] < scores[1],
            "the title weighs four times: {scores:?}"
        );
        assert!(scores[1] < scores[3], "shorter texts first: {scores:?}");
        assert!(scores.iter().all(|s| *s < 0.0));
    }

    #[test]
    fn rare_words_weigh_more_than_common_ones() {
        let s = scorer("drone grenoble", &[900, 5], 1000);
        let scores = s.scores(&[row("", "drone drone drone"), row("", "grenoble")]);
        assert!(scores[1] < scores[0], "{scores:?}");
    }

    #[test]
    fn phrases_count_words_in_a_row_and_prefixes_match_starts() {
        let s = scorer("\"reconnaissance faciale\" vidéo*", &[3, 3], 100);
        let r = row(
            "",
            "La reconnaissance faciale et la vidéosurveillance; faciale reconnaissance.",
        );
        let (freq, len) = s.hits(&r);
        assert_eq!(freq, vec![1.0, 1.0]);
        assert_eq!(len, 8);
        let none = s.hits(&row("", "faciale"));
        assert_eq!(none.0, vec![0.0, 0.0]);
    }

    #[test]
    fn words_are_cut_and_folded_as_the_index_does() {
        let s = scorer("état ecole", &[3, 3], 100);
        let (freq, len) = s.hits(&row("", "L’État, l'ÉTAT; «école» — Ecole-Etat 2026!"));
        assert_eq!(freq, vec![3.0, 2.0]);
        assert_eq!(len, 8);
    }

    #[test]
    fn fts5_ranks_single_rare_words_and_this_module_the_rest() {
        let parts = |q: &str| Terms::parse(q).expect("parses").parts;
        let big = 1_000_000;
        assert!(fts5_is_cheap(
            &parts("grenoble mars"),
            &[208, 511],
            10_000,
            big
        ));
        assert!(!fts5_is_cheap(&parts("caméras"), &[6270], 10_000, big));
        assert!(!fts5_is_cheap(
            &parts("\"demande cada\""),
            &[10],
            10_000,
            big
        ));
        assert!(!fts5_is_cheap(&parts("greno*"), &[10], 10_000, big));
        // A small forum: every count is cheap.
        assert!(fts5_is_cheap(&parts("caméras"), &[900], 1_000, 1_000));
    }

    #[test]
    fn excluded_parts_are_not_scored() {
        let s = scorer("grenoble -mars", &[4], 100);
        assert_eq!(s.bits.len(), 1);
        assert_eq!(s.hits(&row("", "grenoble en mars")).0, vec![1.0]);
    }
}
