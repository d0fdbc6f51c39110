//! How the map's marks look: a shape and colours per status (so that statuses differ by shape as
//! well as by colour) and the names written beside the largest marks. Pure, like `map`, which
//! places the marks.

use std::fmt::Write as _;

use super::map_outlines::{escape, fmt_num, WIDTH};

/// How many of the largest marks get their city's name written next to them (fewer when names
/// would overlap).
const LABELLED_MARKS: usize = 8;

/// The size of the city names, in map units (the stylesheet makes them larger on phones: see
/// `.mark-label` in `vigie.css`; overlaps are checked at that size).
const LABEL_SIZE: f64 = 16.0;
const LABEL_SIZE_PHONE: f64 = 28.0;

/// Fill and stroke colours of a status (Okabe–Ito, colour-blind friendly; `deployed` is the
/// strongest). Unknown statuses are grey.
pub fn status_colours(status: &str) -> (&'static str, &'static str) {
    match status {
        "deployed" => ("#D55E00", "#7A2E00"),
        "trial" => ("#E69F00", "#7A5400"),
        "announced" => ("#F0E442", "#7A7420"),
        "suspended" => ("#56B4E9", "#1F5F85"),
        "ruled_unlawful" => ("#0072B2", "#003A5C"),
        "abandoned" => ("#009E73", "#00513B"),
        _ => ("#999999", "#555555"),
    }
}

/// A status's mark centred on (x, y), of about radius `r`: a circle (deployed), a diamond
/// (trial), a triangle (announced), a square (suspended), a triangle pointing down (ruled
/// unlawful), a ring (abandoned). `extra` is added to the element's attributes as is.
pub(super) fn shape(class: &str, status: &str, x: f64, y: f64, r: f64, extra: &str) -> String {
    let (fill, stroke) = status_colours(status);
    let n = |v: f64| fmt_num(v);
    let circle = |r: f64| {
        format!(
            "M{},{}a{r},{r} 0 1,0 {d},0a{r},{r} 0 1,0 -{d},0Z",
            n(x - r),
            n(y),
            r = n(r),
            d = n(2.0 * r)
        )
    };
    let (d, fill_opacity, width) = match status {
        "trial" => {
            let k = r * 1.3;
            (
                format!(
                    "M{},{}L{},{}L{},{}L{},{}Z",
                    n(x),
                    n(y - k),
                    n(x + k),
                    n(y),
                    n(x),
                    n(y + k),
                    n(x - k),
                    n(y)
                ),
                "0.9",
                "1.5",
            )
        }
        "announced" | "ruled_unlawful" => {
            let k = r * 1.4;
            let s = if status == "announced" { 1.0 } else { -1.0 };
            (
                format!(
                    "M{},{}L{},{}L{},{}Z",
                    n(x),
                    n(y - s * k),
                    n(x + 0.866 * k),
                    n(y + s * 0.5 * k),
                    n(x - 0.866 * k),
                    n(y + s * 0.5 * k)
                ),
                "0.9",
                "1.5",
            )
        }
        "suspended" => {
            let k = r * 0.9;
            (
                format!(
                    "M{},{}H{}V{}H{}Z",
                    n(x - k),
                    n(y - k),
                    n(x + k),
                    n(y + k),
                    n(x - k)
                ),
                "0.9",
                "1.5",
            )
        }
        "abandoned" => (circle(r * 0.85), "0.2", "3"),
        _ => (circle(r), "0.85", "1.5"),
    };
    format!(
        "<path class=\"{class} status-{status}\" d=\"{d}\" fill=\"{fill}\" fill-opacity=\"{fill_opacity}\" \
         stroke=\"{stroke}\" stroke-width=\"{width}\"{extra}/>"
    )
}

/// The names of the largest cities, beside their marks, skipping any that would overlap one
/// already written. Not part of the links (their titles name the cities) and hidden from
/// assistive technologies, which have the links.
pub(super) fn render_labels(svg: &mut String, placed: &[(f64, f64, f64, i64, &str)]) {
    let mut by_count: Vec<&(f64, f64, f64, i64, &str)> = placed.iter().collect();
    by_count.sort_by(|a, b| b.3.cmp(&a.3).then_with(|| a.4.cmp(b.4)));
    let mut boxes: Vec<(f64, f64, f64, f64)> = Vec::new();
    let mut out = String::new();
    for &&(x, y, r, _, name) in by_count.iter().take(LABELLED_MARKS) {
        let width = name.chars().count() as f64 * LABEL_SIZE_PHONE * 0.6;
        // Clear of the mark even when phones draw it larger (`transform: scale(1.8)` in vigie.css).
        let gap = r.max(6.0) * 2.2 + 4.0;
        let (left, anchor, tx) = if x + gap + width <= WIDTH {
            (x + gap, "start", x + gap)
        } else {
            (x - gap - width, "end", x - gap)
        };
        let b = (left, y - LABEL_SIZE_PHONE * 0.7, width, LABEL_SIZE_PHONE);
        let overlaps = boxes
            .iter()
            .any(|o| b.0 < o.0 + o.2 && o.0 < b.0 + b.2 && b.1 < o.1 + o.3 && o.1 < b.1 + b.3);
        if overlaps {
            continue;
        }
        boxes.push(b);
        let _ = write!(
            out,
            "<text class=\"mark-label\" x=\"{tx}\" y=\"{ty}\" text-anchor=\"{anchor}\">{name}</text>",
            tx = fmt_num(tx),
            ty = fmt_num(y + LABEL_SIZE * 0.35),
            name = escape(name),
        );
    }
    if !out.is_empty() {
        let _ = write!(
            svg,
            "<g class=\"mark-labels\" aria-hidden=\"true\" pointer-events=\"none\" \
             font-family=\"sans-serif\" font-size=\"{size}\" font-weight=\"600\" fill=\"#1b2630\" \
             stroke=\"#ffffff\" stroke-width=\"4\" stroke-linejoin=\"round\" paint-order=\"stroke\">{out}</g>",
            size = fmt_num(LABEL_SIZE),
        );
    }
}
