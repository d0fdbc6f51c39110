//! Loading cities from GeoNames files: the project's CSV (`data/cities-fr-be-ch-lu.csv`, with a
//! header) or any raw GeoNames `citiesNNNN.txt` export (tab-separated, no header).
//!
//! Imports are idempotent: a city is keyed by its GeoNames id; a known city is updated and keeps
//! its slug; a new city whose slug is taken gets the region code, then the id, appended.

use std::collections::HashSet;
use std::io::Read;

use diesel::prelude::*;

use crate::db::schema::cities;
use crate::db::{write_tx, DbConnection};
use crate::insert_batch;
use crate::validation::slugify;

/// One city read from a file.
#[derive(Debug, Clone, PartialEq)]
pub struct CityRecord {
    pub geonameid: i64,
    pub name: String,
    pub ascii_slug: String,
    pub country: String,
    pub admin1: String,
    pub latitude: f64,
    pub longitude: f64,
    pub population: i64,
    pub timezone: String,
}

/// A city file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("could not read the file")]
    Io(#[from] std::io::Error),
    #[error("line {line}: {reason}")]
    Format { line: usize, reason: String },
    #[error("database error")]
    Db(#[from] diesel::result::Error),
}

/// Counts of what an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ImportReport {
    pub inserted: usize,
    pub updated: usize,
}

/// Reads every city of a file in either format.
pub fn parse(mut input: impl Read) -> Result<Vec<CityRecord>, ImportError> {
    let mut text = String::new();
    input.read_to_string(&mut text)?;
    let first = text.lines().next().unwrap_or_default();
    if first.starts_with("geonameid,") {
        parse_csv(&text)
    } else {
        parse_geonames_tsv(&text)
    }
}

fn field<'a>(cols: &[&'a str], i: usize, line: usize) -> Result<&'a str, ImportError> {
    cols.get(i).copied().ok_or_else(|| ImportError::Format {
        line,
        reason: format!("missing column {}", i + 1),
    })
}

fn number<T: std::str::FromStr>(s: &str, line: usize, what: &str) -> Result<T, ImportError> {
    s.trim().parse().map_err(|_| ImportError::Format {
        line,
        reason: format!("bad {what}: {s:?}"),
    })
}

fn parse_csv(text: &str) -> Result<Vec<CityRecord>, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| ImportError::Format {
            line,
            reason: e.to_string(),
        })?;
        let cols: Vec<&str> = row.iter().collect();
        let name = field(&cols, 1, line)?.to_owned();
        let given_slug = field(&cols, 2, line)?;
        out.push(CityRecord {
            geonameid: number(field(&cols, 0, line)?, line, "geonameid")?,
            ascii_slug: if given_slug.is_empty() {
                slugify(&name, 80)
            } else {
                slugify(given_slug, 80)
            },
            name,
            country: field(&cols, 3, line)?.to_owned(),
            admin1: field(&cols, 4, line)?.to_owned(),
            latitude: number(field(&cols, 5, line)?, line, "latitude")?,
            longitude: number(field(&cols, 6, line)?, line, "longitude")?,
            population: number(field(&cols, 7, line)?, line, "population")?,
            timezone: field(&cols, 8, line)?.to_owned(),
        });
    }
    Ok(out)
}

/// GeoNames columns: 0 id, 1 name, 2 asciiname, 4 lat, 5 lon, 8 country, 10 admin1, 14 population,
/// 17 timezone.
fn parse_geonames_tsv(text: &str) -> Result<Vec<CityRecord>, ImportError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = raw.split('\t').collect();
        if cols.len() < 18 {
            return Err(ImportError::Format {
                line,
                reason: format!("expected 19 tab-separated columns, found {}", cols.len()),
            });
        }
        let name = cols[1].to_owned();
        let ascii = if cols[2].is_empty() { &name } else { cols[2] };
        out.push(CityRecord {
            geonameid: number(cols[0], line, "geonameid")?,
            ascii_slug: slugify(ascii, 80),
            name,
            country: cols[8].to_owned(),
            admin1: cols[10].to_owned(),
            latitude: number(cols[4], line, "latitude")?,
            longitude: number(cols[5], line, "longitude")?,
            population: number(cols[14], line, "population")?,
            timezone: cols[17].to_owned(),
        });
    }
    Ok(out)
}

/// Writes cities: updates known ids (keeping their slug), inserts new ones with unique slugs,
/// most populous first so the best-known place gets the plain slug. One transaction.
pub fn import(
    conn: &mut DbConnection,
    mut records: Vec<CityRecord>,
) -> Result<ImportReport, ImportError> {
    records.sort_by(|a, b| {
        b.population
            .cmp(&a.population)
            .then(a.geonameid.cmp(&b.geonameid))
    });
    write_tx(conn, |conn| {
        let existing: Vec<(i64, String)> = cities::table
            .select((cities::geonameid, cities::slug))
            .load(conn)?;
        let known: HashSet<i64> = existing.iter().map(|(id, _)| *id).collect();
        let mut taken: HashSet<String> = existing.into_iter().map(|(_, s)| s).collect();
        let mut report = ImportReport::default();
        let mut batch = Vec::with_capacity(500);
        for r in &records {
            let search_key = slugify(&r.name, 120);
            if known.contains(&r.geonameid) {
                diesel::update(cities::table.filter(cities::geonameid.eq(r.geonameid)))
                    .set((
                        cities::name.eq(&r.name),
                        cities::search_key.eq(&search_key),
                        cities::country.eq(&r.country),
                        cities::admin1.eq(&r.admin1),
                        cities::latitude.eq(r.latitude),
                        cities::longitude.eq(r.longitude),
                        cities::population.eq(r.population),
                        cities::timezone.eq(&r.timezone),
                    ))
                    .execute(conn)?;
                report.updated += 1;
                continue;
            }
            let slug = unique_slug(r, &mut taken);
            batch.push((
                cities::geonameid.eq(r.geonameid),
                cities::slug.eq(slug),
                cities::name.eq(r.name.clone()),
                cities::search_key.eq(search_key),
                cities::country.eq(r.country.clone()),
                cities::admin1.eq(r.admin1.clone()),
                cities::latitude.eq(r.latitude),
                cities::longitude.eq(r.longitude),
                cities::population.eq(r.population),
                cities::timezone.eq(r.timezone.clone()),
            ));
            report.inserted += 1;
            if batch.len() == 500 {
                insert_batch!(conn, cities::table, &batch);
                batch.clear();
            }
        }
        if !batch.is_empty() {
            insert_batch!(conn, cities::table, &batch);
        }
        Ok(report)
    })
}

fn unique_slug(r: &CityRecord, taken: &mut HashSet<String>) -> String {
    let base = if r.ascii_slug.is_empty() {
        format!("city-{}", r.geonameid)
    } else {
        r.ascii_slug.clone()
    };
    let region = slugify(&r.admin1, 20);
    let country = r.country.to_ascii_lowercase();
    let candidates = [
        base.clone(),
        format!("{base}-{region}"),
        format!("{base}-{country}-{region}"),
        format!("{base}-{}", r.geonameid),
    ];
    let slug = candidates
        .into_iter()
        .find(|c| !c.ends_with('-') && !taken.contains(c))
        .unwrap_or_else(|| format!("{base}-{}", r.geonameid));
    taken.insert(slug.clone());
    slug
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_project_csv() {
        let csv =
            "geonameid,name,ascii_slug,country,admin1,latitude,longitude,population,timezone\n\
                   2988507,Paris,paris,FR,11,48.85341,2.3488,2138551,Europe/Paris\n";
        let rows = parse(csv.as_bytes()).expect("parsed");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].name, "Paris");
        assert_eq!(rows[0].population, 2_138_551);
    }

    #[test]
    fn reads_raw_geonames() {
        let line = "3117735\tMadrid\tMadrid\tMadrid,Madri\t40.4165\t-3.70256\tP\tPPLC\tES\t\t29\tM\t28079\t\t3255944\t\t657\tEurope/Madrid\t2024-06-17\n";
        let rows = parse(line.as_bytes()).expect("parsed");
        assert_eq!(rows[0].geonameid, 3_117_735);
        assert_eq!(rows[0].ascii_slug, "madrid");
        assert_eq!(rows[0].country, "ES");
        assert_eq!(rows[0].timezone, "Europe/Madrid");
    }

    #[test]
    fn bad_lines_are_reported() {
        let csv =
            "geonameid,name,ascii_slug,country,admin1,latitude,longitude,population,timezone\n\
                   x,Paris,paris,FR,11,48.8,2.3,10,Europe/Paris\n";
        assert!(matches!(
            parse(csv.as_bytes()),
            Err(ImportError::Format { line: 2, .. })
        ));
    }

    #[test]
    fn duplicate_slugs_are_disambiguated() {
        let mut taken = HashSet::new();
        let mk = |id, admin1: &str| CityRecord {
            geonameid: id,
            name: "Marly".into(),
            ascii_slug: "marly".into(),
            country: "FR".into(),
            admin1: admin1.into(),
            latitude: 0.0,
            longitude: 0.0,
            population: 1,
            timezone: "Europe/Paris".into(),
        };
        assert_eq!(unique_slug(&mk(1, "44"), &mut taken), "marly");
        assert_eq!(unique_slug(&mk(2, "32"), &mut taken), "marly-32");
        assert_eq!(unique_slug(&mk(3, "32"), &mut taken), "marly-fr-32");
        assert_eq!(unique_slug(&mk(4, "32"), &mut taken), "marly-4");
    }
}
