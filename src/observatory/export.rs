//! Open-data exports of the published deployments: CSV, GeoJSON, and the rights statement of
//! the Atom feed (which `web::feed` writes, as every feed of the site).
//!
//! Pure: the pages gather the rows from the database, this module only writes them.
//! Every timestamp is UTC and written `YYYY-MM-DDTHH:MM:SSZ`; every export carries the licence
//! and the attribution the city data requires (the CSV through the page that serves it).

use std::fmt::Write as _;

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::{json, Value};

/// How list fields (companies, sources) are joined in a CSV cell.
pub const LIST_SEPARATOR: &str = " | ";

/// The CSV header: one column per field of [`Row`], in the same order.
pub const CSV_COLUMNS: [&str; 19] = [
    "id",
    "url",
    "title",
    "technology",
    "technology_name",
    "status",
    "started",
    "ended",
    "city",
    "city_name",
    "country",
    "region",
    "latitude",
    "longitude",
    "companies",
    "funding",
    "sources",
    "published_at",
    "updated_at",
];

/// One published deployment, as exported.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The deployment's id.
    pub id: i64,
    /// The deployment's page (absolute URL).
    pub url: String,
    /// Its title.
    pub title: String,
    /// The technology's slug.
    pub technology: String,
    /// The technology's name.
    pub technology_name: String,
    /// `announced`, `trial`, `deployed`, `suspended`, `abandoned` or `ruled_unlawful`.
    pub status: String,
    /// When it started (a date, possibly partial, as recorded).
    pub started: String,
    /// When it ended, if it did.
    pub ended: Option<String>,
    /// The city's slug.
    pub city: String,
    /// The city's name.
    pub city_name: String,
    /// The country's ISO code.
    pub country: String,
    /// The region's admin1 code.
    pub region: String,
    /// The city's WGS84 latitude.
    pub latitude: f64,
    /// The city's WGS84 longitude.
    pub longitude: f64,
    /// The companies involved (names).
    pub companies: Vec<String>,
    /// How it is funded.
    pub funding: String,
    /// The sources' URLs.
    pub sources: Vec<String>,
    /// When it was published (UTC).
    pub published_at: NaiveDateTime,
    /// When it was last updated (UTC).
    pub updated_at: NaiveDateTime,
}

/// What every export says about itself.
#[derive(Debug, Clone)]
pub struct Meta {
    /// The export's (or feed's) title.
    pub title: String,
    /// The site's base URL, without a trailing slash.
    pub site_url: String,
    /// The export's own URL.
    pub self_url: String,
    /// The data's licence, e.g. "ODbL 1.0".
    pub licence_name: String,
    /// The licence's URL.
    pub licence_url: String,
    /// The attribution owed, e.g. "City data: GeoNames, geonames.org (CC BY 4.0)".
    pub attribution: String,
}

/// A UTC timestamp as `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339).
pub fn timestamp(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A text cell that a spreadsheet will not run as a formula (OWASP's rule against CSV
/// injection): text beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
/// `'`. Numbers (id, coordinates) are written as they are.
fn text_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// The rows as CSV: the [`CSV_COLUMNS`] header, then one record per row; list fields are joined
/// with [`LIST_SEPARATOR`], an absent end date is an empty cell, and text cells that a
/// spreadsheet would read as a formula are prefixed with `'` (see [`text_cell`]).
pub fn csv(rows: &[Row]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS)?;
    for row in rows {
        writer.write_record([
            row.id.to_string(),
            text_cell(&row.url),
            text_cell(&row.title),
            text_cell(&row.technology),
            text_cell(&row.technology_name),
            text_cell(&row.status),
            text_cell(&row.started),
            text_cell(row.ended.as_deref().unwrap_or_default()),
            text_cell(&row.city),
            text_cell(&row.city_name),
            text_cell(&row.country),
            text_cell(&row.region),
            row.latitude.to_string(),
            row.longitude.to_string(),
            text_cell(&row.companies.join(LIST_SEPARATOR)),
            text_cell(&row.funding),
            text_cell(&row.sources.join(LIST_SEPARATOR)),
            timestamp(row.published_at),
            timestamp(row.updated_at),
        ])?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    // Only `String`s went in, so the output is UTF-8.
    String::from_utf8(bytes)
        .map_err(|e| csv::Error::from(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// The rows as a GeoJSON FeatureCollection: one Point feature (`[longitude, latitude]`) per row,
/// every other field in its properties, and the foreign members `title`, `licence`
/// (`{name, url}`) and `attribution` at the top.
pub fn geojson(rows: &[Row], meta: &Meta) -> Value {
    let features: Vec<Value> = rows
        .iter()
        .map(|row| {
            json!({
                "type": "Feature",
                "id": row.id,
                "geometry": {
                    "type": "Point",
                    "coordinates": [row.longitude, row.latitude],
                },
                "properties": {
                    "id": row.id,
                    "url": row.url,
                    "title": row.title,
                    "technology": row.technology,
                    "technology_name": row.technology_name,
                    "status": row.status,
                    "started": row.started,
                    "ended": row.ended,
                    "city": row.city,
                    "city_name": row.city_name,
                    "country": row.country,
                    "region": row.region,
                    "companies": row.companies,
                    "funding": row.funding,
                    "sources": row.sources,
                    "published_at": timestamp(row.published_at),
                    "updated_at": timestamp(row.updated_at),
                },
            })
        })
        .collect();
    json!({
        "type": "FeatureCollection",
        "title": meta.title,
        "licence": { "name": meta.licence_name, "url": meta.licence_url },
        "attribution": meta.attribution,
        "features": features,
    })
}

/// The rights statement of the feed: "licence (url). attribution".
pub fn rights(meta: &Meta) -> String {
    let mut text = meta.licence_name.clone();
    if !meta.licence_url.is_empty() {
        let _ = write!(text, " ({})", meta.licence_url);
    }
    if !meta.attribution.is_empty() {
        if !text.is_empty() {
            text.push_str(". ");
        }
        text.push_str(&meta.attribution);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2024, 3, day)
            .and_then(|d| d.and_hms_opt(hour, 5, 9))
            .expect("a valid date")
    }

    fn meta() -> Meta {
        Meta {
            title: "Vigie — \"observatory\" <feed> & co".to_owned(),
            site_url: "https://vigie.example".to_owned(),
            self_url: "https://vigie.example/observatory/feed.atom?a=1&b=2".to_owned(),
            licence_name: "ODbL 1.0".to_owned(),
            licence_url: "https://opendatacommons.org/licenses/odbl/1-0/".to_owned(),
            attribution: "City data: GeoNames, geonames.org (CC BY 4.0)".to_owned(),
        }
    }

    fn rows() -> Vec<Row> {
        vec![
            Row {
                id: 1,
                url: "https://vigie.example/d/1".to_owned(),
                title: "Cameras, \"smart\" ones\nand more".to_owned(),
                technology: "vsa".to_owned(),
                technology_name: "Algorithmic video surveillance".to_owned(),
                status: "deployed".to_owned(),
                started: "2023-05".to_owned(),
                ended: None,
                city: "nice".to_owned(),
                city_name: "Nice".to_owned(),
                country: "FR".to_owned(),
                region: "93".to_owned(),
                latitude: 43.70313,
                longitude: 7.26608,
                companies: vec!["Acme".to_owned(), "Big | Brother".to_owned()],
                funding: "City budget".to_owned(),
                sources: vec![
                    "https://a.example/1".to_owned(),
                    "https://b.example/2".to_owned(),
                ],
                published_at: at(1, 10),
                updated_at: at(2, 11),
            },
            Row {
                id: 2,
                url: "https://vigie.example/d/2".to_owned(),
                title: "Drones".to_owned(),
                technology: "drones".to_owned(),
                technology_name: "Drones".to_owned(),
                status: "ruled_unlawful".to_owned(),
                started: "2020".to_owned(),
                ended: Some("2021-01-12".to_owned()),
                city: "paris".to_owned(),
                city_name: "Paris".to_owned(),
                country: "FR".to_owned(),
                region: "11".to_owned(),
                latitude: 48.8566,
                longitude: 2.3522,
                companies: vec![],
                funding: String::new(),
                sources: vec!["https://c.example/3".to_owned()],
                published_at: at(3, 0),
                updated_at: at(4, 23),
            },
        ]
    }

    #[test]
    fn csv_round_trips() {
        let rows = rows();
        let text = csv(&rows).expect("CSV");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().expect("a header").clone();
        assert_eq!(headers.iter().collect::<Vec<_>>(), CSV_COLUMNS.to_vec());
        let records: Vec<csv::StringRecord> =
            reader.records().collect::<Result<_, _>>().expect("records");
        assert_eq!(records.len(), rows.len());
        for record in &records {
            assert_eq!(record.len(), CSV_COLUMNS.len());
        }
        let first = &records[0];
        assert_eq!(&first[0], "1");
        assert_eq!(&first[2], "Cameras, \"smart\" ones\nand more");
        assert_eq!(&first[7], "");
        assert_eq!(&first[12], "43.70313");
        assert_eq!(&first[13], "7.26608");
        assert_eq!(&first[14], "Acme | Big | Brother");
        assert_eq!(&first[16], "https://a.example/1 | https://b.example/2");
        assert_eq!(&first[17], "2024-03-01T10:05:09Z");
        assert_eq!(&first[18], "2024-03-02T11:05:09Z");
        assert_eq!(&records[1][7], "2021-01-12");
        assert_eq!(&records[1][14], "");
        // Nothing but the header for no rows.
        assert_eq!(csv(&[]).expect("CSV").lines().count(), 1);
    }

    #[test]
    fn csv_cells_are_never_formulas() {
        let mut row = rows().remove(0);
        row.title = "=HYPERLINK(\"http://evil\",\"x\")".into();
        row.companies = vec!["+cmd".into(), "Acme".into()];
        row.funding = "-2+3".into();
        row.city_name = "@SUM(A1)".into();
        row.technology_name = "\tx".into();
        row.region = "\rx".into();
        row.longitude = -1.5;
        let text = csv(&[row]).expect("CSV");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let record = reader.records().next().expect("a record").expect("CSV");
        assert_eq!(&record[2], "'=HYPERLINK(\"http://evil\",\"x\")");
        assert_eq!(&record[4], "'\tx");
        assert_eq!(&record[9], "'@SUM(A1)");
        assert_eq!(&record[11], "'\rx");
        assert_eq!(&record[13], "-1.5", "numbers stay numbers");
        assert_eq!(&record[14], "'+cmd | Acme");
        assert_eq!(&record[15], "'-2+3");
    }

    #[test]
    fn geojson_points_are_lon_lat_with_licence() {
        let rows = rows();
        let value = geojson(&rows, &meta());
        assert_eq!(value["type"], "FeatureCollection");
        let features = value["features"].as_array().expect("features");
        assert_eq!(features.len(), rows.len());
        assert_eq!(features[0]["type"], "Feature");
        assert_eq!(features[0]["geometry"]["type"], "Point");
        assert_eq!(
            features[0]["geometry"]["coordinates"],
            json!([7.26608, 43.70313])
        );
        assert_eq!(
            features[1]["geometry"]["coordinates"],
            json!([2.3522, 48.8566])
        );
        let properties = &features[0]["properties"];
        assert_eq!(properties["title"], "Cameras, \"smart\" ones\nand more");
        assert_eq!(properties["companies"], json!(["Acme", "Big | Brother"]));
        assert_eq!(properties["ended"], Value::Null);
        assert_eq!(properties["published_at"], "2024-03-01T10:05:09Z");
        assert!(properties.get("latitude").is_none());
        assert_eq!(features[1]["properties"]["ended"], "2021-01-12");
        // Every field of the row is there: the coordinates in the geometry, the rest as properties.
        let property_count = properties.as_object().expect("an object").len();
        assert_eq!(property_count + 2, CSV_COLUMNS.len());
        assert_eq!(value["licence"]["name"], "ODbL 1.0");
        assert_eq!(
            value["licence"]["url"],
            "https://opendatacommons.org/licenses/odbl/1-0/"
        );
        assert_eq!(
            value["attribution"],
            "City data: GeoNames, geonames.org (CC BY 4.0)"
        );
        assert_eq!(value["title"], meta().title);
    }

    #[test]
    fn rights_name_the_licence_and_the_attribution() {
        let rights = rights(&meta());
        assert_eq!(
            rights,
            "ODbL 1.0 (https://opendatacommons.org/licenses/odbl/1-0/). City data: GeoNames, \
             geonames.org (CC BY 4.0)"
        );
        let bare = Meta {
            licence_url: String::new(),
            attribution: String::new(),
            ..meta()
        };
        assert_eq!(super::rights(&bare), "ODbL 1.0");
    }

    #[test]
    fn timestamps_are_utc_with_z() {
        assert_eq!(timestamp(at(9, 7)), "2024-03-09T07:05:09Z");
    }
}
