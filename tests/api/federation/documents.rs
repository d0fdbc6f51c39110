//! The discovery documents checked against their specifications: NodeInfo 2.1 against its
//! schema (restated in `nodeinfo-2.1.schema.json`), WebFinger against RFC 7033's JRD shape
//! (§4.4: a `subject`, `aliases` as strings, `links` each with a `rel`).

use serde_json::Value;

const NODEINFO_SCHEMA: &str = include_str!("nodeinfo-2.1.schema.json");

/// Fails unless `doc` is a valid NodeInfo 2.1 document.
pub fn assert_nodeinfo(doc: &Value) {
    let schema: Value = serde_json::from_str(NODEINFO_SCHEMA).expect("the schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not NodeInfo 2.1: {errors:?}\n{doc:#}");
    // A document without what the schema requires fails (the check is not vacuous).
    let bad = serde_json::json!({"version": "2.1", "software": {"name": "Vigie"}});
    assert!(!validator.is_valid(&bad));
}

/// Fails unless `doc` has the shape of a JRD (RFC 7033 §4.4).
pub fn assert_jrd(doc: &Value) {
    assert!(doc["subject"].is_string(), "a subject: {doc}");
    if let Some(aliases) = doc.get("aliases") {
        assert!(
            aliases
                .as_array()
                .is_some_and(|a| a.iter().all(Value::is_string)),
            "aliases are strings: {doc}"
        );
    }
    let links = doc["links"].as_array().expect("links");
    for link in links {
        assert!(link["rel"].is_string(), "each link has a rel: {link}");
        if let Some(href) = link.get("href") {
            assert!(href.is_string(), "href is a string: {link}");
        }
        if let Some(properties) = link.get("properties") {
            assert!(properties.is_object(), "properties is an object: {link}");
        }
    }
}
