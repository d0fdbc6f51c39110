//! The gazetteer: the cities of France, Belgium, Switzerland and Luxembourg (GeoNames), looked up
//! by slug, by name prefix for the directory, and by a typed name when a thread or deployment
//! names its city. Shared reference data: every feature may read it; it depends on nothing but
//! the database. Loading the list is `import`.

pub mod import;
pub mod names;
pub mod regions;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{cities, city_names};
use crate::db::DbConnection;
use crate::i18n::Lang;
use crate::validation::slugify;

/// A city as lists and pages show it.
#[derive(Debug, Clone, Serialize, Queryable, Selectable)]
#[diesel(table_name = cities)]
pub struct City {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub country: String,
    pub admin1: String,
    pub latitude: f64,
    pub longitude: f64,
    pub population: i64,
    pub thread_count: i64,
    pub last_post_at: Option<NaiveDateTime>,
    /// The English name, when it is not the French one (`name`).
    pub name_en: Option<String>,
}

impl City {
    /// The city's name for readers of `lang` (French by default).
    pub fn name_in(&self, lang: Lang) -> &str {
        match (lang, &self.name_en) {
            (Lang::En, Some(en)) => en,
            _ => &self.name,
        }
    }

    /// The city for pages, in words: its name, region and country in `lang`, and its
    /// population with the language's separators (`population` stays the number).
    pub fn view(&self, lang: Lang) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "slug": self.slug,
            "name": self.name_in(lang),
            "country": self.country,
            "country_name": regions::country_name(&self.country, lang),
            "admin1": self.admin1,
            "region": regions::region_name(&self.country, &self.admin1, lang),
            "latitude": self.latitude,
            "longitude": self.longitude,
            "population": self.population,
            "population_text": lang.number(self.population),
            "thread_count": self.thread_count,
            "last_post_at": self.last_post_at,
        })
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
fn like_prefix(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Cities one of whose names (the shown one or any alternate: "Bruxelles", "Brussel",
/// "Genf") starts with `prefix`, accents and case ignored, most active first, then most
/// populous. An empty prefix lists every city in that order.
pub fn search(conn: &mut DbConnection, prefix: &str, limit: i64) -> QueryResult<Vec<City>> {
    let key = slugify(prefix, 120);
    let mut query = cities::table.select(City::as_select()).into_boxed();
    if !key.is_empty() {
        let pattern = like_prefix(&key);
        let by_other_name = city_names::table
            .filter(city_names::search_key.like(pattern.clone()).escape('\\'))
            .select(city_names::city_id);
        query = query.filter(
            cities::search_key
                .like(pattern)
                .escape('\\')
                .or(cities::id.eq_any(by_other_name)),
        );
    }
    query
        .order((
            cities::thread_count.desc(),
            cities::population.desc(),
            cities::id.asc(),
        ))
        .limit(limit)
        .load(conn)
}

/// The most active cities (with at least one thread).
pub fn most_active(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<City>> {
    // No bound `LIMIT` on SQLite (see `forum::queries::list_threads`).
    match conn {
        DbConnection::Sqlite(c) => cities::table
            .filter(cities::thread_count.gt(0))
            .order((cities::thread_count.desc(), cities::population.desc()))
            .select(City::as_select())
            .load_iter::<City, diesel::connection::DefaultLoadingMode>(c)?
            .take(usize::try_from(limit).unwrap_or(0))
            .collect(),
        DbConnection::Postgres(c) => cities::table
            .filter(cities::thread_count.gt(0))
            .order((cities::thread_count.desc(), cities::population.desc()))
            .select(City::as_select())
            .limit(limit)
            .load(c),
    }
}

/// A city by slug.
pub fn by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<City>> {
    // Slugs are unique: no `LIMIT`, so the statement stays prepared.
    crate::on_backend!(conn, c => {
        cities::table
            .filter(cities::slug.eq(slug))
            .select(City::as_select())
            .get_result(c).optional()
    })
}

/// A city by id.
pub fn by_id(conn: &mut DbConnection, id: i64) -> QueryResult<Option<City>> {
    crate::on_backend!(conn, c => {
        cities::table.find(id).select(City::as_select())
            .get_result(c).optional()
    })
}

/// The outcome of resolving what a person typed in a city field.
#[derive(Debug, Clone)]
pub enum Resolved {
    /// Exactly one city.
    One(City),
    /// Several cities share that name; their slugs tell them apart.
    Ambiguous(Vec<City>),
    /// No such city.
    Unknown,
}

impl Resolved {
    /// The one city, or the error to show on `field`.
    pub fn single(self, field: &'static str) -> Result<City, crate::validation::FieldError> {
        use crate::validation::FieldError;
        match self {
            Resolved::One(city) => Ok(city),
            Resolved::Ambiguous(_) => Err(FieldError::new(field, "error-city-ambiguous")),
            Resolved::Unknown => Err(FieldError::new(field, "error-city-unknown")),
        }
    }
}

/// Resolves a city typed as a slug, a name, or "Name (slug)".
pub fn resolve(conn: &mut DbConnection, input: &str) -> QueryResult<Resolved> {
    let input = input.trim();
    // "Marly (marly-57)" as offered by the error message.
    let inner = input
        .rsplit_once('(')
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .map(str::trim);
    for candidate in [inner, Some(input)].into_iter().flatten() {
        if let Some(city) = by_slug(conn, candidate)? {
            return Ok(Resolved::One(city));
        }
    }
    let key = slugify(input, 120);
    if key.is_empty() {
        return Ok(Resolved::Unknown);
    }
    // The shown names first; only when none matches, the alternate ones ("Bruxelles" is
    // Brussels' French name, "Brussel" one of its other names).
    let mut matches: Vec<City> = cities::table
        .filter(cities::search_key.eq(&key))
        .order(cities::population.desc())
        .select(City::as_select())
        .limit(20)
        .load(conn)?;
    if matches.is_empty() {
        let by_other_name = city_names::table
            .filter(city_names::search_key.eq(&key))
            .select(city_names::city_id);
        matches = cities::table
            .filter(cities::id.eq_any(by_other_name))
            .order(cities::population.desc())
            .select(City::as_select())
            .limit(20)
            .load(conn)?;
    }
    Ok(match matches.len() {
        0 => Resolved::Unknown,
        1 => Resolved::One(matches.remove(0)),
        _ => Resolved::Ambiguous(matches),
    })
}

/// True when the table holds no city.
pub fn is_empty(conn: &mut DbConnection) -> QueryResult<bool> {
    let first: Option<i64> = cities::table.select(cities::id).first(conn).optional()?;
    Ok(first.is_none())
}
