//! How deployments look on pages: labels in the reader's language, the template view of a
//! deployment, map marks, sorting, revision diffs and notes, a city's dossier. Pure functions of
//! loaded rows; no database, no request.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::deployments::{self, Deployment, Filters, STATUSES};
use super::map;
use crate::i18n::Lang;

pub fn status_label(ctx_lang: Lang, status: &str) -> String {
    ctx_lang.t(&format!("deployment-status-{status}"))
}

pub fn technology_name(d: &Deployment, lang: Lang) -> &str {
    match lang {
        Lang::En => &d.technology_name_en,
        Lang::Fr => &d.technology_name,
    }
}

/// A deployment for templates.
pub fn deployment_view(d: &Deployment, lang: Lang) -> Value {
    let mut v = json!(d);
    v["technology_label"] = json!(technology_name(d, lang));
    v["status_label"] = json!(status_label(lang, &d.status));
    v["region_name"] = json!(crate::gazetteer::regions::region_name(
        &d.country, &d.region, lang
    ));
    v["country_name"] = json!(crate::gazetteer::regions::country_name(&d.country, lang));
    v
}

/// The filters as a query string (for links that keep them).
pub fn filter_query(f: &Filters) -> String {
    let f = f.normalised();
    let pairs = [
        ("technology", f.technology),
        ("status", f.status),
        ("country", f.country),
        ("region", f.region),
        ("company", f.company),
        ("city", f.city),
    ];
    let parts: Vec<String> = pairs
        .into_iter()
        .filter_map(|(k, v)| {
            v.map(|v| {
                format!(
                    "{k}={}",
                    percent_encoding::utf8_percent_encode(&v, percent_encoding::NON_ALPHANUMERIC)
                )
            })
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The map's marks: one per city with published deployments (of the filtered list), sized by
/// their number and coloured by the most advanced status.
pub fn marks(list: &[Deployment], lang: Lang) -> Vec<map::Mark> {
    let mut by_city: BTreeMap<String, map::Mark> = BTreeMap::new();
    for d in list {
        let entry = by_city.entry(d.city.clone()).or_insert_with(|| map::Mark {
            city_slug: d.city.clone(),
            city_name: d.city_name.clone(),
            latitude: d.latitude,
            longitude: d.longitude,
            count: 0,
            status: d.status.clone(),
            label: String::new(),
        });
        entry.count += 1;
        if deployments::status_rank(&d.status) > deployments::status_rank(&entry.status) {
            entry.status = d.status.clone();
        }
    }
    by_city
        .into_values()
        .map(|mut m| {
            m.label = lang.t_args(
                "observatory-map-mark",
                &[
                    ("city", crate::i18n::FluentArg::Str(m.city_name.clone())),
                    ("count", crate::i18n::FluentArg::Num(m.count)),
                    (
                        "status",
                        crate::i18n::FluentArg::Str(status_label(lang, &m.status)),
                    ),
                ],
            );
            m
        })
        .collect()
}

/// The map of `list`: the SVG (`embedded` in a page, whose HTML gives the legend, or served
/// alone, legend drawn in), its marks, and the legend's rows as `{status, label, key}` for the
/// page (`key`: the id of the status's key symbol in the SVG).
pub fn render_map(
    list: &[Deployment],
    lang: Lang,
    embedded: bool,
) -> (String, Vec<map::Mark>, Vec<Value>) {
    let marks = marks(list, lang);
    let legend: Vec<(String, String)> = STATUSES
        .iter()
        .map(|s| (s.to_string(), status_label(lang, s)))
        .collect();
    let svg = map::render(
        &marks,
        &lang.t("observatory-map-title"),
        &lang.t_args(
            "observatory-map-description",
            &[("count", crate::i18n::FluentArg::Num(marks.len() as i64))],
        ),
        &legend,
        embedded,
    );
    let rows = map::legend_rows(&marks, &legend)
        .into_iter()
        .map(|(status, label)| json!({"key": map::key_id(&status), "status": status, "label": label}))
        .collect();
    (svg, marks, rows)
}

pub fn sort_list(list: &mut [Deployment], sort: &str, lang: Lang) {
    match sort {
        "city" => list.sort_by(|a, b| a.city_name.cmp(&b.city_name).then(a.id.cmp(&b.id))),
        "technology" => list.sort_by(|a, b| {
            technology_name(a, lang)
                .cmp(technology_name(b, lang))
                .then(a.city_name.cmp(&b.city_name))
        }),
        "status" => list.sort_by(|a, b| {
            deployments::status_rank(&b.status)
                .cmp(&deployments::status_rank(&a.status))
                .then(a.city_name.cmp(&b.city_name))
        }),
        "started" => list.sort_by(|a, b| b.started.cmp(&a.started).then(b.id.cmp(&a.id))),
        _ => {}
    }
}

pub fn licence_json(c: &crate::site_config::SiteConfig) -> Value {
    json!({"name": c.data_licence, "url": c.data_licence_url})
}

pub fn changes_view(changes: &[deployments::Change], lang: Lang) -> Vec<Value> {
    let shown = |field: &str, v: &str| match field {
        "status" if !v.is_empty() => status_label(lang, v),
        "started" | "ended" if !v.is_empty() => lang.partial_date(v),
        _ => v.to_owned(),
    };
    changes
        .iter()
        .map(|c| {
            json!({"field": c.field, "label": lang.t(&format!("deployment-field-{}", c.field)),
                        "before": shown(c.field, &c.before), "after": shown(c.field, &c.after)})
        })
        .collect()
}

/// A revision's note for people: a revert names the version it restored.
pub fn note_view(note: &str, lang: Lang) -> String {
    match note
        .strip_prefix("revert:")
        .and_then(|n| n.parse::<i64>().ok())
    {
        Some(n) => lang.t_args(
            "revision-note-revert",
            &[("revision", crate::i18n::FluentArg::Num(n))],
        ),
        None => note.to_owned(),
    }
}

/// A city's dossier for its page: published deployments grouped by technology.
pub fn city_dossier(list: &[Deployment], lang: Lang) -> Vec<Value> {
    let mut groups: Vec<(String, String, Vec<Value>)> = Vec::new();
    for d in list {
        let name = technology_name(d, lang).to_owned();
        match groups.iter_mut().find(|g| g.0 == d.technology) {
            Some(g) => g.2.push(deployment_view(d, lang)),
            None => groups.push((d.technology.clone(), name, vec![deployment_view(d, lang)])),
        }
    }
    groups
        .into_iter()
        .map(|(slug, name, items)| json!({"technology": slug, "name": name, "deployments": items}))
        .collect()
}
