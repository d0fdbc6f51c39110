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

const K1: f64 = 1.2;
const B: f64 = 0.75;
/// A hit in the title (an opening post's thread title) counts this many times a hit in the text.
const TITLE_WEIGHT: f64 = 4.0;

/// The required parts of a query, ready to score rows with.
pub struct Scorer {
    /// Each required part's words, folded, and whether its last word is a prefix.
    parts: Vec<(Vec<String>, bool)>,
    /// Each part's inverse document frequency.
    idf: Vec<f64>,
    /// The distinct words of all parts, each with whether it is a prefix somewhere.
    words: Vec<(String, bool)>,
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
        Scorer {
            parts: required,
            idf,
            words,
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
        let freq = (0..self.parts.len())
            .map(|i| TITLE_WEIGHT * self.count(i, &title) as f64 + self.count(i, &body) as f64)
            .collect();
        (freq, title_len + body_len)
    }

    /// For each word of `text`, which of the query's words it is (a bit per word), and the
    /// number of words.
    fn matches(&self, text: &str) -> (Vec<u64>, usize) {
        let mut masks = Vec::new();
        let mut len = 0;
        for token in text.split(|c: char| !c.is_alphanumeric()) {
            if token.is_empty() {
                continue;
            }
            len += 1;
            let folded = if token.is_ascii() {
                token.to_ascii_lowercase()
            } else {
                fold(token)
            };
            let mut mask = 0u64;
            for (bit, (word, prefix)) in self.words.iter().enumerate().take(64) {
                let hit = if *prefix {
                    folded.starts_with(word.as_str())
                } else {
                    folded == *word
                };
                if hit {
                    mask |= 1 << bit;
                }
            }
            masks.push(mask);
        }
        (masks, len)
    }

    /// How many times part `i` occurs in a text's word masks (a phrase: its words in a row).
    fn count(&self, i: usize, masks: &[u64]) -> usize {
        let (words, prefix) = &self.parts[i];
        let last = words.len().saturating_sub(1);
        let bits: Vec<u64> = words
            .iter()
            .enumerate()
            .map(|(k, w)| {
                let is_prefix = *prefix && k == last;
                self.words
                    .iter()
                    .position(|(x, p)| x == w && *p == is_prefix)
                    .filter(|b| *b < 64)
                    .map_or(0, |b| 1u64 << b)
            })
            .collect();
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
    fn excluded_parts_are_not_scored() {
        let s = scorer("grenoble -mars", &[4], 100);
        assert_eq!(s.parts.len(), 1);
        assert_eq!(s.hits(&row("", "grenoble en mars")).0, vec![1.0]);
    }
}
