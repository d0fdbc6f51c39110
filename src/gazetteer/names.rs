//! The names a city goes by: the one shown to readers of each language (French by default,
//! `cities.name`; English in `cities.name_en` when it differs) and every alternate name people
//! type ("Bruxelles", "Brussel", "Anvers", "Genf", "Luxemburg"), searched accent- and
//! case-insensitively. Loaded from `data/city-names.csv` (see `data/city-names.SOURCE.md`).

use std::collections::HashMap;
use std::io::Read;

use diesel::prelude::*;

use super::import::ImportError;
use crate::db::schema::{cities, city_names};
use crate::db::{write_tx, DbConnection};
use crate::insert_batch;
use crate::validation::slugify;

/// One name of one city, as read from the file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct NameRecord {
    pub geonameid: i64,
    /// `fr`, `en`, `nl`, `de`, `lb`, or empty for a name of no stated language.
    pub lang: String,
    pub name: String,
    /// `1` when this is the name shown to readers of `lang`.
    #[serde(deserialize_with = "flag")]
    pub preferred: bool,
}

fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    let raw = <String as serde::Deserialize>::deserialize(d)?;
    Ok(matches!(raw.trim(), "1" | "true"))
}

/// Reads a names file (CSV with the header `geonameid,lang,name,preferred`).
pub fn parse(input: impl Read) -> Result<Vec<NameRecord>, ImportError> {
    let mut reader = csv::Reader::from_reader(input);
    let mut records = Vec::new();
    for (i, row) in reader.deserialize::<NameRecord>().enumerate() {
        let record = row.map_err(|e| ImportError::Format {
            line: i + 2,
            reason: e.to_string(),
        })?;
        if record.name.trim().is_empty() {
            return Err(ImportError::Format {
                line: i + 2,
                reason: "empty name".into(),
            });
        }
        records.push(record);
    }
    Ok(records)
}

/// True when no alternate name is loaded.
pub fn is_empty(conn: &mut DbConnection) -> QueryResult<bool> {
    let first: Option<i64> = city_names::table
        .select(city_names::id)
        .first(conn)
        .optional()?;
    Ok(first.is_none())
}

/// Replaces the names of every city the file mentions (names of unknown cities are skipped)
/// and shows each city under its preferred names. One transaction; returns how many names
/// were written.
pub fn import(conn: &mut DbConnection, records: Vec<NameRecord>) -> Result<usize, ImportError> {
    write_tx(conn, |conn| {
        let ids: HashMap<i64, i64> = cities::table
            .select((cities::geonameid, cities::id))
            .load::<(i64, i64)>(conn)?
            .into_iter()
            .collect();
        let mut touched: Vec<i64> = records
            .iter()
            .filter_map(|r| ids.get(&r.geonameid).copied())
            .collect();
        touched.sort_unstable();
        touched.dedup();
        for chunk in touched.chunks(500) {
            diesel::delete(city_names::table.filter(city_names::city_id.eq_any(chunk)))
                .execute(conn)?;
        }
        let mut written = 0;
        let mut batch = Vec::with_capacity(500);
        for r in &records {
            let Some(&city_id) = ids.get(&r.geonameid) else {
                continue;
            };
            batch.push((
                city_names::city_id.eq(city_id),
                city_names::lang.eq(r.lang.trim().to_ascii_lowercase()),
                city_names::name.eq(r.name.trim().to_owned()),
                city_names::search_key.eq(slugify(&r.name, 120)),
                city_names::preferred.eq(r.preferred),
            ));
            written += 1;
            if batch.len() == 500 {
                insert_batch!(conn, city_names::table, &batch);
                batch.clear();
            }
        }
        if !batch.is_empty() {
            insert_batch!(conn, city_names::table, &batch);
        }
        apply_preferred(conn)?;
        Ok(written)
    })
}

/// Shows each city under its preferred names: the French one in `cities.name` (and its search
/// key), the English one in `cities.name_en` when it differs. Run after every import, since a
/// city import writes GeoNames' own name back.
pub fn apply_preferred(conn: &mut DbConnection) -> QueryResult<usize> {
    let rows: Vec<(i64, String, String)> = city_names::table
        .filter(city_names::preferred.eq(true))
        .filter(city_names::lang.eq_any(["fr", "en"]))
        .select((city_names::city_id, city_names::lang, city_names::name))
        .load(conn)?;
    let mut by_city: HashMap<i64, (Option<String>, Option<String>)> = HashMap::new();
    for (city_id, lang, name) in rows {
        let entry = by_city.entry(city_id).or_default();
        if lang == "fr" {
            entry.0 = Some(name);
        } else {
            entry.1 = Some(name);
        }
    }
    let mut updated = 0;
    for (city_id, (fr, en)) in by_city {
        let current: String = cities::table
            .find(city_id)
            .select(cities::name)
            .first(conn)?;
        let name = fr.unwrap_or(current);
        let name_en = en.filter(|en| *en != name);
        updated += diesel::update(cities::table.find(city_id))
            .set((
                cities::search_key.eq(slugify(&name, 120)),
                cities::name.eq(&name),
                cities::name_en.eq(name_en),
            ))
            .execute(conn)?;
    }
    Ok(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_names_file() {
        let csv = "geonameid,lang,name,preferred\n\
                   2800866,fr,Bruxelles,1\n\
                   2800866,,\"Brussel, stad\",0\n";
        let rows = parse(csv.as_bytes()).expect("parsed");
        assert_eq!(rows.len(), 2);
        assert!(rows[0].preferred);
        assert_eq!(rows[1].name, "Brussel, stad");
        assert!(!rows[1].preferred);
        assert!(parse("geonameid,lang,name,preferred\nx,fr,Y,1\n".as_bytes()).is_err());
    }
}
