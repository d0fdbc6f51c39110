//! docker-compose.yml matches what the application reads: service names, the settings it passes
//! as environment variables, and the migrate-before-serve order.

use std::collections::BTreeSet;

const COMPOSE: &str = include_str!("../../docker-compose.yml");
const DEFAULTS: &str = include_str!("../../config/default.toml");

/// The settings keys of config/default.toml, as `SECTION__KEY`: those with a default, and those
/// without one that its comments name as `VIGIE__SECTION__KEY` (a secret such as
/// `security.secret_key` has no default, on purpose).
fn known_settings() -> BTreeSet<String> {
    let mut section = String::new();
    let mut keys = BTreeSet::new();
    for word in DEFAULTS.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if let Some(key) = word.strip_prefix("VIGIE__") {
            keys.insert(key.to_owned());
        }
    }
    for line in DEFAULTS.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_uppercase();
        } else if let Some((key, _)) = line.split_once('=') {
            if !line.starts_with('#') && !section.is_empty() {
                keys.insert(format!("{section}__{}", key.trim().to_uppercase()));
            }
        }
    }
    keys
}

#[test]
fn compose_services_and_variables_match_the_app() {
    let known = known_settings();
    assert!(known.contains("SERVER__BASE_URL") && known.contains("DATABASE__MIGRATE_ON_START"));
    for service in ["app:", "db:", "migrate:"] {
        assert!(
            COMPOSE.contains(&format!("\n  {service}")),
            "service {service} defined"
        );
    }
    let mut seen = 0;
    for line in COMPOSE.lines() {
        let line = line.trim().trim_start_matches("- ");
        let name = line.split([':', '=']).next().unwrap_or_default().trim();
        if let Some(key) = name.strip_prefix("VIGIE__") {
            assert!(known.contains(key), "{name} is not a setting the app reads");
            seen += 1;
        }
    }
    assert!(
        seen >= 2,
        "the compose file configures the app through VIGIE__ variables"
    );
    assert!(
        COMPOSE.contains("DATABASE_URL"),
        "the database URL is passed"
    );
    assert!(
        COMPOSE.contains("postgres://"),
        "the app talks to the db service over PostgreSQL"
    );
    assert!(
        COMPOSE.contains("VIGIE__DATABASE__MIGRATE_ON_START"),
        "instances do not migrate themselves"
    );
    assert!(
        COMPOSE.contains("service_completed_successfully"),
        "the app waits for vigie migrate"
    );
    assert!(
        COMPOSE.contains("healthcheck"),
        "health checks are declared"
    );
    assert!(COMPOSE.contains("/readyz") || COMPOSE.contains("/healthz"));
    assert!(
        COMPOSE.contains("\"migrate\"")
            || COMPOSE.contains("vigie migrate")
            || COMPOSE.contains("[\"vigie\", \"migrate\"]")
    );
}

/// The app runs behind one reverse proxy: it must trust exactly that one, or every client shares
/// the proxy's throttle bucket (0) or can forge its address (more than 1).
#[test]
fn compose_trusts_exactly_one_proxy() {
    let values: Vec<&str> = COMPOSE
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("VIGIE__SERVER__TRUSTED_PROXIES:"))
        .map(|v| v.trim().trim_matches('"'))
        .collect();
    assert_eq!(values, vec!["1"], "one trusted proxy, set once");
}
