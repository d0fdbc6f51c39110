//! The observatory's catalogue: the surveillance technologies (seeded in French and English
//! whenever the table is empty) and the companies that sell or operate them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{companies, deployment_companies, deployments, technologies};
use crate::db::DbConnection;
use crate::i18n::Lang;

/// The technologies a new observatory starts with: (slug, French name, English name, French
/// description, English description).
const DEFAULT_TECHNOLOGIES: [(&str, &str, &str, &str, &str); 11] = [
    ("vsa", "Vidéosurveillance algorithmique (VSA)", "Algorithmic video surveillance", "Logiciels qui analysent automatiquement les images des caméras : détection de « comportements suspects », suivi de personnes, comptage.", "Software that analyses camera footage automatically: “suspicious behaviour” detection, tracking people, counting."),
    ("reconnaissance-faciale", "Reconnaissance faciale", "Facial recognition", "Identification ou authentification des personnes à partir de leur visage.", "Identifying or authenticating people from their faces."),
    ("drones", "Drones", "Drones", "Drones de surveillance utilisés par la police, la gendarmerie ou les villes.", "Surveillance drones used by police forces or cities."),
    ("capteurs-sonores", "Capteurs sonores", "Sound sensors", "Micros et capteurs qui détectent des « sons anormaux » dans l’espace public.", "Microphones and sensors that detect “abnormal sounds” in public space."),
    ("police-predictive", "Police prédictive", "Predictive policing", "Logiciels qui prétendent prévoir où et quand des infractions auront lieu.", "Software claiming to predict where and when offences will happen."),
    ("cameras-parlantes", "Caméras « parlantes »", "“Talking” cameras", "Caméras équipées de haut-parleurs pour interpeller les passants à distance.", "Cameras with loudspeakers used to address passers-by remotely."),
    ("cameras-thermiques", "Caméras thermiques", "Thermal cameras", "Caméras qui mesurent la température des corps ou détectent la présence humaine.", "Cameras that measure body temperature or detect human presence."),
    ("lapi", "Lecture automatisée des plaques (LAPI)", "Automatic number-plate reading", "Caméras qui lisent et enregistrent les plaques d’immatriculation.", "Cameras that read and record number plates."),
    ("portiques-biometriques", "Portiques biométriques", "Biometric gates", "Contrôles d’accès par empreinte, visage ou iris.", "Access control by fingerprint, face or iris."),
    ("hypervision", "Hypervision urbaine / « smart city »", "Urban “hypervision” / smart-city platforms", "Plateformes qui centralisent les flux de caméras, de capteurs et de données de la ville.", "Platforms that centralise the city’s camera, sensor and data feeds."),
    ("autre", "Autre", "Other", "Ce qui n’entre dans aucune autre catégorie.", "Anything that fits no other category."),
];

/// A technology of the catalogue.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Technology {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub name_en: String,
    pub description: String,
    pub description_en: String,
    pub position: i64,
}

impl Technology {
    /// The name in a language.
    pub fn name_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.name_en,
            Lang::Fr => &self.name,
        }
    }

    /// The description in a language.
    pub fn description_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.description_en,
            Lang::Fr => &self.description,
        }
    }
}

/// Seeds the technologies when the table is empty; returns how many were added.
pub fn ensure_technologies(conn: &mut DbConnection) -> QueryResult<usize> {
    let any: Option<i64> = technologies::table
        .select(technologies::id)
        .first(conn)
        .optional()?;
    if any.is_some() {
        return Ok(0);
    }
    for (i, (slug, name, name_en, description, description_en)) in
        DEFAULT_TECHNOLOGIES.iter().enumerate()
    {
        diesel::insert_into(technologies::table)
            .values((
                technologies::slug.eq(slug),
                technologies::name.eq(name),
                technologies::name_en.eq(name_en),
                technologies::description.eq(description),
                technologies::description_en.eq(description_en),
                technologies::position.eq(i as i64),
            ))
            .execute(conn)?;
    }
    Ok(DEFAULT_TECHNOLOGIES.len())
}

/// Every technology, in catalogue order.
pub fn technologies(conn: &mut DbConnection) -> QueryResult<Vec<Technology>> {
    technologies::table
        .order((technologies::position.asc(), technologies::id.asc()))
        .load(conn)
}

/// A technology by slug.
pub fn technology_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Technology>> {
    technologies::table
        .filter(technologies::slug.eq(slug))
        .first(conn)
        .optional()
}

/// A company.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct Company {
    pub id: i64,
    pub slug: String,
    pub name: String,
    #[serde(skip)]
    pub name_key: String,
    pub description: String,
    pub website: String,
    pub created_at: NaiveDateTime,
}

/// The comparison key of a company name (case, accents and spacing do not make a new company).
pub fn company_key(name: &str) -> String {
    crate::validation::slugify(name, 120)
}

/// The company with this name, created when new (inside the caller's transaction).
pub fn company_id_for(conn: &mut DbConnection, name: &str) -> QueryResult<i64> {
    let key = company_key(name);
    let found: Option<i64> = companies::table
        .filter(companies::name_key.eq(&key))
        .select(companies::id)
        .first(conn)
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let mut slug = key.clone();
    if slug.is_empty() {
        slug = "entreprise".into();
    }
    let taken: i64 = companies::table
        .filter(companies::slug.eq(&slug))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        slug = format!(
            "{slug}-{}",
            crate::db::now().and_utc().timestamp_subsec_nanos()
        );
    }
    diesel::insert_into(companies::table)
        .values((
            companies::slug.eq(&slug),
            companies::name.eq(name.trim()),
            companies::name_key.eq(&key),
            companies::created_at.eq(crate::db::now()),
        ))
        .returning(companies::id)
        .get_result(conn)
}

/// A company in the list, with its number of published deployments.
#[derive(Debug, Clone, Serialize, Queryable, utoipa::ToSchema)]
pub struct CompanySummary {
    pub slug: String,
    pub name: String,
    pub website: String,
    pub deployments: i64,
}

/// Every company with published deployments, by name.
pub fn companies(conn: &mut DbConnection) -> QueryResult<Vec<CompanySummary>> {
    let rows: Vec<(String, String, String, i64)> = companies::table
        .inner_join(deployment_companies::table.inner_join(deployments::table))
        .filter(deployments::published_at.is_not_null())
        .group_by((
            companies::id,
            companies::slug,
            companies::name,
            companies::website,
        ))
        .select((
            companies::slug,
            companies::name,
            companies::website,
            diesel::dsl::count(deployments::id),
        ))
        .order(companies::name.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(slug, name, website, deployments)| CompanySummary {
            slug,
            name,
            website,
            deployments,
        })
        .collect())
}

/// A company by slug.
pub fn company_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<Company>> {
    companies::table
        .filter(companies::slug.eq(slug))
        .first(conn)
        .optional()
}
