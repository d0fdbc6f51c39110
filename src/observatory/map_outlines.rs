//! The map's background: the country outlines of France, Belgium, Switzerland and Luxembourg,
//! embedded at compile time (`data/outlines-fr-be-ch-lu.geojson`), parsed and projected once,
//! and kept as ready-made `<path>` elements; the projection the marks are placed with
//! (equirectangular, longitudes scaled by cos(46.5°), fitted into a fixed 800-wide viewBox with
//! y pointing down); and the SVG text escaping and number formatting `map` shares.
//!
//! Pure: no database, no HTTP.

use std::fmt::Write as _;
use std::sync::OnceLock;

/// The embedded country outlines (WGS84 longitude/latitude).
const OUTLINES: &str = include_str!("../../data/outlines-fr-be-ch-lu.geojson");

/// Width of the viewBox; the height follows from the outlines' proportions.
pub const WIDTH: f64 = 800.0;

/// Space left around the outlines, in viewBox units.
pub(super) const MARGIN: f64 = 16.0;

/// The latitude at which the equirectangular projection keeps true proportions.
const STANDARD_PARALLEL: f64 = 46.5;

/// Escapes text and attribute values (`&`, `<`, `>`, `"`, `'`), and drops the characters XML
/// does not allow.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A coordinate rounded to one decimal ("12.3", "-0.0" printed as "0.0").
pub(super) fn fmt_num(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    format!("{:.1}", rounded + 0.0)
}

/// The equirectangular projection fitted to the outlines.
#[derive(Debug, Clone, Copy)]
pub(super) struct Projection {
    lon_min: f64,
    lat_max: f64,
    /// cos(standard parallel).
    k: f64,
    /// viewBox units per degree of latitude.
    scale: f64,
    pub(super) height: f64,
}

impl Projection {
    /// Fits the bounding box (lon_min, lat_min, lon_max, lat_max) into the viewBox.
    fn fit(lon_min: f64, lat_min: f64, lon_max: f64, lat_max: f64) -> Self {
        let k = STANDARD_PARALLEL.to_radians().cos();
        let span_x = ((lon_max - lon_min) * k).max(f64::EPSILON);
        let span_y = (lat_max - lat_min).max(f64::EPSILON);
        let scale = (WIDTH - 2.0 * MARGIN) / span_x;
        let height = (span_y * scale + 2.0 * MARGIN).round();
        Projection {
            lon_min,
            lat_max,
            k,
            scale,
            height,
        }
    }

    /// Longitude/latitude to viewBox coordinates.
    fn project(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            MARGIN + (lon - self.lon_min) * self.k * self.scale,
            MARGIN + (self.lat_max - lat) * self.scale,
        )
    }

    /// Like [`Projection::project`], kept inside the viewBox (non-finite input lands at the
    /// centre).
    pub(super) fn clamped(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = self.project(lon, lat);
        let x = if x.is_finite() { x } else { WIDTH / 2.0 };
        let y = if y.is_finite() { y } else { self.height / 2.0 };
        (x.clamp(0.0, WIDTH), y.clamp(0.0, self.height))
    }
}

/// What every map shares: the projection and the outlines' `<path>` elements.
pub(super) struct Base {
    pub(super) projection: Projection,
    pub(super) paths: String,
}

/// The projection and outlines, computed on first use.
pub(super) fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let countries =
            parse_outlines(OUTLINES).expect("the embedded country outlines are valid GeoJSON");
        build_base(&countries)
    })
}

/// One country: its ISO code and its rings (outer rings and holes alike) of (lon, lat).
struct Country {
    code: String,
    rings: Vec<Vec<(f64, f64)>>,
}

/// Reads a FeatureCollection of Polygon/MultiPolygon features.
fn parse_outlines(geojson: &str) -> Result<Vec<Country>, String> {
    let value: serde_json::Value = serde_json::from_str(geojson).map_err(|e| e.to_string())?;
    let features = value["features"]
        .as_array()
        .ok_or("the outlines have no features")?;
    let mut countries = Vec::with_capacity(features.len());
    for feature in features {
        let code = feature["properties"]["country"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let geometry = &feature["geometry"];
        let coordinates = &geometry["coordinates"];
        let polygons: Vec<&serde_json::Value> = match geometry["type"].as_str() {
            Some("Polygon") => vec![coordinates],
            Some("MultiPolygon") => coordinates
                .as_array()
                .ok_or("a MultiPolygon without coordinates")?
                .iter()
                .collect(),
            other => return Err(format!("unexpected geometry {other:?}")),
        };
        let mut rings = Vec::new();
        for polygon in polygons {
            for ring in polygon.as_array().ok_or("a polygon without rings")? {
                let points = ring
                    .as_array()
                    .ok_or("a ring without points")?
                    .iter()
                    .map(|point| match (point[0].as_f64(), point[1].as_f64()) {
                        (Some(lon), Some(lat)) => Ok((lon, lat)),
                        _ => Err("a point without coordinates".to_owned()),
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                if points.len() >= 3 {
                    rings.push(points);
                }
            }
        }
        countries.push(Country { code, rings });
    }
    Ok(countries)
}

/// Fits the projection to the outlines and writes one `<path class="country">` per country.
fn build_base(countries: &[Country]) -> Base {
    let (mut lon_min, mut lat_min) = (f64::INFINITY, f64::INFINITY);
    let (mut lon_max, mut lat_max) = (f64::NEG_INFINITY, f64::NEG_INFINITY);
    for &(lon, lat) in countries.iter().flat_map(|c| &c.rings).flatten() {
        lon_min = lon_min.min(lon);
        lon_max = lon_max.max(lon);
        lat_min = lat_min.min(lat);
        lat_max = lat_max.max(lat);
    }
    if !lon_min.is_finite() {
        // No outline at all: fall back on the four countries' rough bounding box.
        (lon_min, lat_min, lon_max, lat_max) = (-5.2, 41.3, 10.5, 51.5);
    }
    let projection = Projection::fit(lon_min, lat_min, lon_max, lat_max);

    let mut paths = String::from("<g class=\"countries\">");
    for country in countries {
        let mut d = String::new();
        for ring in &country.rings {
            let mut last = String::new();
            let mut first = true;
            for &(lon, lat) in ring {
                let (x, y) = projection.project(lon, lat);
                let point = format!("{},{}", fmt_num(x), fmt_num(y));
                if point == last {
                    continue;
                }
                d.push(if first { 'M' } else { 'L' });
                d.push_str(&point);
                last = point;
                first = false;
            }
            d.push('Z');
        }
        let _ = write!(
            paths,
            "<path class=\"country\" data-country=\"{code}\" fill=\"#ECEAE4\" stroke=\"#8A8A8A\" \
             stroke-width=\"1\" stroke-linejoin=\"round\" fill-rule=\"evenodd\" d=\"{d}\"/>",
            code = escape(&country.code),
        );
    }
    paths.push_str("</g>");
    Base { projection, paths }
}
