//! The map: a server-rendered SVG of France, Belgium, Switzerland and Luxembourg with one
//! clickable mark per city that has deployments, and a legend of the statuses shown.
//!
//! Pure: no database, no HTTP. The outlines and the projection come ready from
//! `map_outlines`; this draws the marks (largest first, sized by count, coloured by status)
//! over them.
//!
//! The output carries no `style` attribute (the Content-Security-Policy forbids inline styles):
//! colours are SVG presentation attributes, which a stylesheet can still override through the
//! classes (`country`, `mark`, `status-…`, `legend`).

use std::fmt::Write as _;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

pub use super::map_marks::status_colours;
use super::map_marks::{render_labels, shape};
use super::map_outlines::{base, escape, fmt_num, MARGIN, WIDTH};

/// Smallest and largest radius of a mark.
const MIN_RADIUS: f64 = 4.0;
const MAX_RADIUS: f64 = 28.0;

/// The `id` of the `<title>` and `<desc>` elements, referenced by `aria-labelledby`.
pub const TITLE_ID: &str = "observatory-map-title";
/// See [`TITLE_ID`].
pub const DESC_ID: &str = "observatory-map-desc";

/// What may stay as is in the city slug put in a mark's link.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.');

/// One city on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The city's slug: the mark links to `/c/{city_slug}`.
    pub city_slug: String,
    /// The city's name.
    pub city_name: String,
    /// WGS84 latitude, in degrees.
    pub latitude: f64,
    /// WGS84 longitude, in degrees.
    pub longitude: f64,
    /// How many deployments the city has; the mark's area grows with it.
    pub count: i64,
    /// The city's most advanced status: `announced`, `trial`, `deployed`, `suspended`,
    /// `abandoned` or `ruled_unlawful`.
    pub status: String,
    /// The tooltip, already translated (e.g. "Nice — 3 deployments").
    pub label: String,
}

/// The statuses, in the order the legend lists them when the caller gives no label for some.
pub const STATUSES: [&str; 6] = [
    "deployed",
    "trial",
    "announced",
    "suspended",
    "ruled_unlawful",
    "abandoned",
];

/// The radius of a mark's invisible hit area, in map units: 27 units are 12 px on a 390 px
/// phone (a 24 px touch target), whatever the drawn size.
const HIT_RADIUS: f64 = 27.0;

/// The `id` of the legend key of `status` (a `<symbol>` in the map's `<defs>`): the HTML legend
/// beside an inline map draws its keys with `<use href="#map-key-…">`.
pub fn key_id(status: &str) -> String {
    format!("map-key-{}", class_token(status))
}

/// Renders the map as an `<svg>` element, inline in a page (`embedded`: the page gives the
/// legend in HTML, see [`legend_rows`]) or served alone as `image/svg+xml` (the legend is drawn
/// in the picture).
///
/// `title` and `description` become the `<title>` and `<desc>` the SVG is labelled by. `legend`
/// gives the translated label of each status (`(status, label)`). Each status has a shape as well
/// as a colour (the warm colours are hard to tell apart). Marks are drawn largest first so that
/// small ones stay clickable, each over a larger invisible hit area; the largest carry their
/// city's name. Marks outside the map are clamped to its edge rather than dropped.
pub fn render(
    marks: &[Mark],
    title: &str,
    description: &str,
    legend: &[(String, String)],
    embedded: bool,
) -> String {
    let base = base();
    let height = base.projection.height;
    let mut svg = String::with_capacity(base.paths.len() + 1024 + marks.len() * 384);
    // With marks the map holds one link per city: a group, whose links assistive technologies
    // reach; without, it is one picture.
    let role = if marks.is_empty() { "img" } else { "group" };
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"observatory-map\" viewBox=\"0 0 {w} {h}\" \
         width=\"{w}\" height=\"{h}\" role=\"{role}\" aria-labelledby=\"{TITLE_ID} {DESC_ID}\">\
         <title id=\"{TITLE_ID}\">{title}</title><desc id=\"{DESC_ID}\">{desc}</desc>",
        w = fmt_num(WIDTH),
        h = fmt_num(height),
        title = escape(title),
        desc = escape(description),
    );
    let rows = legend_rows(marks, legend);
    if !rows.is_empty() {
        svg.push_str("<defs>");
        for (status, _) in &rows {
            let _ = write!(
                svg,
                "<symbol id=\"{id}\" viewBox=\"-10 -10 20 20\">{shape}</symbol>",
                id = key_id(status),
                shape = shape("legend-key", status, 0.0, 0.0, 6.5, ""),
            );
        }
        svg.push_str("</defs>");
    }
    svg.push_str(&base.paths);

    if !embedded && !rows.is_empty() {
        render_legend(&mut svg, &rows, height);
    }

    let mut placed: Vec<(f64, f64, f64, &Mark)> = marks
        .iter()
        .map(|mark| {
            let (x, y) = base.projection.clamped(mark.longitude, mark.latitude);
            (x, y, radius(mark.count), mark)
        })
        .collect();
    // Largest first; ties in a stable order so that the output does not depend on the input's.
    placed.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then_with(|| a.3.city_slug.cmp(&b.3.city_slug))
    });

    svg.push_str("<g class=\"marks\">");
    for (x, y, r, mark) in &placed {
        let status = class_token(&mark.status);
        let href = utf8_percent_encode(&mark.city_slug, PATH_SEGMENT).to_string();
        let data = format!(" data-city=\"{}\"", escape(&mark.city_slug));
        let _ = write!(
            svg,
            "<a href=\"/c/{href}\" class=\"mark-link\"><title>{label}</title>\
             <circle class=\"mark-hit\" cx=\"{x}\" cy=\"{y}\" r=\"{hit}\" fill=\"#ffffff\" \
             fill-opacity=\"0\"/>{shape}</a>",
            href = escape(&href),
            x = fmt_num(*x),
            y = fmt_num(*y),
            hit = fmt_num(r.max(HIT_RADIUS)),
            label = escape(&mark.label),
            shape = shape("mark", &status, *x, *y, *r, &data),
        );
    }
    svg.push_str("</g>");
    let named: Vec<(f64, f64, f64, i64, &str)> = placed
        .iter()
        .map(|(x, y, r, m)| (*x, *y, *r, m.count, m.city_name.as_str()))
        .collect();
    render_labels(&mut svg, &named);
    svg.push_str("</svg>");
    svg
}

/// The statuses some mark has, with their labels: in the order of `legend`, then those it does
/// not name (under their raw name, in the order of [`STATUSES`]).
pub fn legend_rows(marks: &[Mark], legend: &[(String, String)]) -> Vec<(String, String)> {
    let present = |status: &str| marks.iter().any(|m| class_token(&m.status) == status);
    let mut rows: Vec<(String, String)> = Vec::new();
    for (status, label) in legend {
        let status = class_token(status);
        if present(&status) && !rows.iter().any(|(s, _)| *s == status) {
            rows.push((status, label.clone()));
        }
    }
    let mut extra: Vec<String> = marks
        .iter()
        .map(|m| class_token(&m.status))
        .filter(|s| !rows.iter().any(|(r, _)| r == s))
        .collect();
    extra.sort_by_cached_key(|s| {
        let rank = STATUSES
            .iter()
            .position(|known| known == s)
            .unwrap_or(STATUSES.len());
        (rank, s.clone())
    });
    extra.dedup();
    rows.extend(extra.into_iter().map(|s| (s.clone(), s)));
    rows
}

/// The legend of a map served alone: a box in the bottom-left corner (over the sea and Spain,
/// left blank), one row per status present among the marks.
fn render_legend(svg: &mut String, rows: &[(String, String)], height: f64) {
    const ROW: f64 = 18.0;
    const PAD: f64 = 8.0;
    let longest = rows
        .iter()
        .map(|(_, label)| label.chars().count())
        .max()
        .unwrap_or(0) as f64;
    let box_w = PAD * 2.0 + 18.0 + longest * 6.6;
    let box_h = PAD * 2.0 + ROW * rows.len() as f64;
    let left = MARGIN / 2.0;
    let top = (height - MARGIN / 2.0 - box_h).max(0.0);
    let _ = write!(
        svg,
        "<g class=\"legend\" font-family=\"sans-serif\" font-size=\"12\">\
         <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"4\" fill=\"#ffffff\" \
         fill-opacity=\"0.85\" stroke=\"#999999\" stroke-width=\"1\"/>",
        x = fmt_num(left),
        y = fmt_num(top),
        w = fmt_num(box_w),
        h = fmt_num(box_h),
    );
    for (i, (status, label)) in rows.iter().enumerate() {
        let cy = top + PAD + ROW * (i as f64 + 0.5);
        let _ = write!(
            svg,
            "{key}<text x=\"{tx}\" y=\"{ty}\" fill=\"#222222\">{label}</text>",
            key = shape("legend-key", status, left + PAD + 6.0, cy, 5.5, ""),
            tx = fmt_num(left + PAD + 18.0),
            ty = fmt_num(cy + 4.0),
            label = escape(label),
        );
    }
    svg.push_str("</g>");
}

/// A mark's radius: 4 + 3·√count, capped.
fn radius(count: i64) -> f64 {
    let count = count.max(1) as f64;
    (MIN_RADIUS + 3.0 * count.sqrt()).min(MAX_RADIUS)
}

/// A status made safe as a class name: lowercase ASCII letters, digits, `_` and `-` only.
fn class_token(status: &str) -> String {
    let token: String = status
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if token.is_empty() {
        "unknown".to_owned()
    } else {
        token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mark(slug: &str, lat: f64, lon: f64, count: i64, status: &str) -> Mark {
        Mark {
            city_slug: slug.to_owned(),
            city_name: slug.to_owned(),
            latitude: lat,
            longitude: lon,
            count,
            status: status.to_owned(),
            label: format!("{slug} — {count}"),
        }
    }

    fn legend() -> Vec<(String, String)> {
        vec![
            ("deployed".to_owned(), "Deployed".to_owned()),
            ("trial".to_owned(), "Trial".to_owned()),
            ("announced".to_owned(), "Announced".to_owned()),
        ]
    }

    /// The (cx, cy) of the mark whose `data-city` is `slug` (those of its hit circle).
    fn centre(svg: &str, slug: &str) -> (f64, f64) {
        let needle = format!("data-city=\"{slug}\"");
        let end = svg.find(&needle).expect("the mark is there");
        let start = svg[..end]
            .rfind("<circle class=\"mark-hit\"")
            .expect("a circle");
        let tag = &svg[start..end];
        let attr = |name: &str| -> f64 {
            let key = format!(" {name}=\"");
            let from = tag.find(&key).expect("the attribute") + key.len();
            let to = from + tag[from..].find('"').expect("closing quote");
            tag[from..to].parse().expect("a number")
        };
        (attr("cx"), attr("cy"))
    }

    fn view_box(svg: &str) -> (f64, f64) {
        let from = svg.find("viewBox=\"").expect("a viewBox") + 9;
        let to = from + svg[from..].find('"').expect("closing quote");
        let parts: Vec<f64> = svg[from..to]
            .split(' ')
            .map(|p| p.parse().expect("a number"))
            .collect();
        (parts[2], parts[3])
    }

    #[test]
    fn one_circle_per_mark() {
        let marks = vec![
            mark("paris", 48.8566, 2.3522, 5, "deployed"),
            mark("nice", 43.70, 7.27, 1, "trial"),
            mark("geneve", 46.2044, 6.1432, 2, "announced"),
            mark("paris-bis", 48.8566, 2.3522, 1, "deployed"),
        ];
        let svg = render(&marks, "Map", "Deployments", &legend(), false);
        assert_eq!(svg.matches("<path class=\"mark ").count(), marks.len());
        assert_eq!(svg.matches("class=\"mark-link\"").count(), marks.len());
        assert!(svg.contains("<a href=\"/c/nice\" class=\"mark-link\">"));
        assert!(svg.contains("class=\"mark status-trial\""));
        assert_eq!(
            render(&[], "Map", "Nothing", &legend(), false)
                .matches("<path class=\"mark ")
                .count(),
            0
        );
    }

    #[test]
    fn hostile_text_is_escaped() {
        let mut hostile = mark("lyon", 45.76, 4.83, 1, "deployed");
        hostile.label = "<script>alert(\"x\")</script> l'a & \"b\"".to_owned();
        hostile.city_slug = "ly\"on<x>".to_owned();
        let svg = render(
            &[hostile],
            "<b>\"title\"</b>",
            "it's & <desc>",
            &[("deployed".to_owned(), "<i>'d'</i>".to_owned())],
            false,
        );
        assert!(!svg.contains("<script>"));
        assert!(!svg.contains("<b>"));
        assert!(!svg.contains("<i>"));
        assert!(!svg.contains("<desc>it"));
        assert!(svg.contains(
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; l&#39;a &amp; &quot;b&quot;"
        ));
        assert!(svg.contains("data-city=\"ly&quot;on&lt;x&gt;\""));
        assert!(svg.contains("href=\"/c/ly%22on%3Cx%3E\""));
        assert!(svg.contains("&#39;d&#39;"));
        assert!(!svg.contains("style="));
        roxmltree::Document::parse(&svg).expect("well-formed XML");
    }

    #[test]
    fn outlines_make_four_paths_or_more() {
        let svg = render(&[], "Map", "Empty", &[], false);
        assert!(svg.matches("<path class=\"country\"").count() >= 4);
        for code in ["FR", "BE", "CH", "LU"] {
            assert!(svg.contains(&format!("data-country=\"{code}\"")), "{code}");
        }
        // Coordinates are rounded to one decimal.
        let d_from = svg.find(" d=\"").expect("path data") + 4;
        let d = &svg[d_from..d_from + svg[d_from..].find('"').expect("end")];
        for number in d
            .split(|c: char| "MLZ,".contains(c))
            .filter(|n| !n.is_empty())
        {
            let decimals = number.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 1, "{number}");
        }
    }

    #[test]
    fn paris_is_north_west_of_nice_and_inside() {
        let marks = vec![
            mark("paris", 48.8566, 2.3522, 1, "deployed"),
            mark("nice", 43.70, 7.27, 1, "trial"),
        ];
        let svg = render(&marks, "Map", "Two cities", &legend(), false);
        let (width, height) = view_box(&svg);
        let (px, py) = centre(&svg, "paris");
        let (nx, ny) = centre(&svg, "nice");
        for (x, y) in [(px, py), (nx, ny)] {
            assert!(x > 0.0 && x < width && y > 0.0 && y < height, "{x},{y}");
        }
        assert!(px < nx, "Paris is west of Nice");
        assert!(py < ny, "Paris is north of Nice");
        // Proportions: 4.9° of longitude at 46.5°N vs 5.2° of latitude.
        let ratio = (nx - px) / (ny - py);
        assert!((0.55..0.75).contains(&ratio), "{ratio}");
    }

    #[test]
    fn outside_marks_are_clamped_not_dropped() {
        let marks = vec![
            mark("nowhere", -80.0, 170.0, 1, "deployed"),
            mark("nan", f64::NAN, f64::INFINITY, 1, "deployed"),
        ];
        let svg = render(&marks, "Map", "Far away", &legend(), false);
        let (width, height) = view_box(&svg);
        assert_eq!(svg.matches("<path class=\"mark ").count(), 2);
        assert_eq!(centre(&svg, "nowhere"), (width, height));
        let (x, y) = centre(&svg, "nan");
        assert!(x.is_finite() && y.is_finite());
    }

    #[test]
    fn larger_marks_first_and_radius_grows() {
        let marks = vec![
            mark("small", 45.0, 5.0, 1, "trial"),
            mark("huge", 45.1, 5.1, 10_000, "deployed"),
            mark("medium", 45.2, 5.2, 9, "announced"),
        ];
        let svg = render(&marks, "Map", "Order", &legend(), false);
        let at = |slug: &str| svg.find(&format!("data-city=\"{slug}\"")).expect("mark");
        assert!(at("huge") < at("medium") && at("medium") < at("small"));
        assert_eq!(radius(1), 7.0);
        assert_eq!(radius(9), 13.0);
        assert_eq!(radius(0), 7.0);
        assert_eq!(radius(10_000), MAX_RADIUS);
    }

    #[test]
    fn legend_lists_present_statuses_only() {
        let marks = vec![
            mark("a", 45.0, 5.0, 1, "trial"),
            mark("b", 46.0, 4.0, 1, "suspended"),
        ];
        let svg = render(&marks, "Map", "Legend", &legend(), false);
        assert!(svg.contains(">Trial</text>"));
        assert!(!svg.contains(">Deployed</text>"));
        assert!(!svg.contains(">Announced</text>"));
        // No label given: the raw status.
        assert!(svg.contains(">suspended</text>"));
        assert!(svg.find(">Trial<") < svg.find(">suspended<"));
        assert!(!render(&[], "Map", "Empty", &legend(), false).contains("class=\"legend\""));
    }

    #[test]
    fn quick_shape_checks() {
        let marks = vec![mark("paris", 48.8566, 2.3522, 3, "deployed")];
        let svg = render(&marks, "Carte", "Les déploiements", &legend(), false);
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("role=\"group\""));
        assert!(render(&[], "Carte", "Vide", &legend(), false).contains("role=\"img\""));
        assert!(svg.contains(&format!("aria-labelledby=\"{TITLE_ID} {DESC_ID}\"")));
        assert!(svg.contains(&format!("<title id=\"{TITLE_ID}\">Carte</title>")));
        assert!(svg.contains(&format!("<desc id=\"{DESC_ID}\">Les déploiements</desc>")));
        assert!(!svg.contains("style="));
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        // The outlines are cached: a second render reuses them verbatim.
        assert_eq!(
            svg,
            render(&marks, "Carte", "Les déploiements", &legend(), false)
        );
        assert!(svg.len() < 40_000, "{}", svg.len());
    }

    #[test]
    fn embedded_maps_leave_the_legend_to_the_page_and_statuses_differ_in_shape() {
        let marks = vec![
            mark("paris", 48.8566, 2.3522, 9, "deployed"),
            mark("nice", 43.70, 7.27, 1, "trial"),
            mark("lille", 50.63, 3.06, 1, "announced"),
        ];
        let svg = render(&marks, "Map", "Shapes", &legend(), true);
        assert!(!svg.contains("class=\"legend\""));
        for status in ["deployed", "trial", "announced"] {
            assert!(
                svg.contains(&format!("<symbol id=\"{}\"", key_id(status))),
                "{status}"
            );
        }
        assert!(!svg.contains(&key_id("suspended")));
        let d = |slug: &str| {
            let at = svg.find(&format!("data-city=\"{slug}\"")).expect("mark");
            let start = svg[..at].rfind(" d=\"").expect("path data") + 4;
            svg[start..start + svg[start..].find('"').expect("end")].to_owned()
        };
        // A circle (arcs), a diamond (four corners), a triangle (three).
        assert!(d("paris").contains('a'));
        assert_eq!(d("nice").matches('L').count(), 3);
        assert_eq!(d("lille").matches('L').count(), 2);
        // Every mark has a hit area of 27 units at least, and the largest is named.
        assert_eq!(svg.matches("class=\"mark-hit\"").count(), 3);
        assert!(svg.contains("r=\"27.0\""));
        assert!(svg.contains(">paris</text>"));
        assert!(svg.contains("aria-hidden=\"true\""));
        assert_eq!(legend_rows(&marks, &legend()).len(), 3);
        roxmltree::Document::parse(&svg).expect("well-formed XML");
    }
}
