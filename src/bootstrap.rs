//! First-start work: reference data (cities, default boards) loaded into empty tables, and the
//! one-time setup link offered while no administrator exists.

use std::fs::File;
use std::path::Path;

use diesel::prelude::*;

use crate::accounts::queries as account_queries;
use crate::db::schema::boards;
use crate::db::DbConnection;
use crate::forum::queries::{self as forum_queries, BoardFields};
use crate::gazetteer::{self as city_queries, import, names as city_names};
use crate::sessions;

/// Reference data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum BootstrapError {
    #[error("could not open the city list {path}")]
    CityFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("could not import the city list")]
    Import(#[from] import::ImportError),
    #[error("database error")]
    Db(#[from] diesel::result::Error),
}

/// The boards a new forum starts with: (slug, French name, French description, English name,
/// English description).
const DEFAULT_BOARDS: [(&str, &str, &str, &str, &str); 6] = [
    ("videosurveillance", "Vidéosurveillance algorithmique", "Caméras « intelligentes », VSA, analyse automatisée des images : les projets, les marchés, les recours.", "Algorithmic video surveillance", "“Smart” cameras, automated image analysis: projects, contracts, legal challenges."),
    ("reconnaissance-faciale", "Reconnaissance faciale et biométrie", "Reconnaissance faciale, portiques biométriques, fichiers : suivre les déploiements et les expérimentations.", "Facial recognition and biometrics", "Facial recognition, biometric gates, databases: tracking deployments and trials."),
    ("drones-et-capteurs", "Drones et capteurs", "Drones policiers, capteurs sonores, caméras thermiques et autres dispositifs de la « ville sûre ».", "Drones and sensors", "Police drones, sound sensors, thermal cameras and other “safe city” devices."),
    ("police-predictive", "Police prédictive et plateformes", "Logiciels prédictifs, hyperviseurs urbains, plateformes de « smart city ».", "Predictive policing and platforms", "Predictive software, urban hypervision, “smart city” platforms."),
    ("actions-locales", "Actions locales", "Coordonner les groupes locaux : réunions, cartographies, demandes CADA, mobilisations.", "Local action", "Coordinating local groups: meetings, mapping, freedom-of-information requests, mobilisation."),
    ("general", "Discussions générales", "Tout ce qui ne rentre pas ailleurs, et l’accueil des nouvelles personnes.", "General discussion", "Everything else, and a welcome for newcomers."),
];

/// What `ensure_reference_data` loaded.
#[derive(Debug, Default, Clone, Copy)]
pub struct ReferenceReport {
    pub cities: usize,
    pub city_names: usize,
    pub boards: usize,
    pub technologies: usize,
}

/// The file of the names cities go by: `city-names.csv` beside the city list.
pub fn names_file_for(cities_file: &Path) -> std::path::PathBuf {
    cities_file.with_file_name("city-names.csv")
}

/// Loads the city list, the names cities go by and the default boards into their tables when
/// those are empty.
pub fn ensure_reference_data(
    conn: &mut DbConnection,
    cities_file: &Path,
) -> Result<ReferenceReport, BootstrapError> {
    let mut report = ReferenceReport::default();
    if city_queries::is_empty(conn)? {
        let file = File::open(cities_file).map_err(|source| BootstrapError::CityFile {
            path: cities_file.display().to_string(),
            source,
        })?;
        let records = import::parse(file)?;
        report.cities = import::import(conn, records)?.inserted;
        city_names::apply_preferred(conn)?;
    }
    // The names cities go by, from `city-names.csv` next to the city list (when present): a
    // database made before they existed gets them on its next start.
    let names_file = names_file_for(cities_file);
    if names_file.exists() && city_names::is_empty(conn)? && !city_queries::is_empty(conn)? {
        let file = File::open(&names_file).map_err(|source| BootstrapError::CityFile {
            path: names_file.display().to_string(),
            source,
        })?;
        report.city_names = city_names::import(conn, city_names::parse(file)?)?;
    }
    let any_board: Option<i64> = boards::table
        .filter(boards::group_id.is_null())
        .select(boards::id)
        .first(conn)
        .optional()?;
    if any_board.is_none() {
        for (slug, name, description, name_en, description_en) in DEFAULT_BOARDS {
            forum_queries::create_board(
                conn,
                &BoardFields {
                    slug: slug.into(),
                    name: name.into(),
                    description: description.into(),
                    name_en: Some(name_en.into()),
                    description_en: Some(description_en.into()),
                    group_id: None,
                    visibility: crate::memberships::BoardVisibility::Public,
                },
            )?;
            report.boards += 1;
        }
    }
    report.technologies = crate::observatory::catalogue::ensure_technologies(conn)?;
    Ok(report)
}

/// When no administrator exists, stores a new one-time setup token and returns the setup link.
pub fn offer_setup_link(
    conn: &mut DbConnection,
    base_url: &str,
) -> Result<Option<String>, BootstrapError> {
    if account_queries::admin_exists(conn)? {
        return Ok(None);
    }
    let token = sessions::new_token();
    account_queries::add_setup_token(conn, &sessions::hash_token(&token))?;
    Ok(Some(format!(
        "{}/setup/{}",
        base_url.trim_end_matches('/'),
        token
    )))
}
