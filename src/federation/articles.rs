//! A published observatory deployment as an ActivityStreams `Article` of the observatory's
//! `Group` (issue 17): its title, its description (cooked and sanitised when written), its
//! page, its city as a `Place` with the city's coordinates, and its technology as a `Hashtag`;
//! with the observatory's own `Create`, `Update` and `Delete` of it, which it announces to its
//! followers as the boards do their threads (FEP-1b12). Activity ids are derived from what they
//! say (`create/deployment/4`, `update/deployment/4/3`), so an event is never delivered twice.

use serde_json::{json, Value};

use super::actors::datetime;
use super::urls::{Urls, PUBLIC};
use crate::observatory::deployments::Deployment;

/// A technology's slug as a hashtag (`#reconnaissance_faciale`): letters and digits kept, any
/// other character an underscore.
fn hashtag(slug: &str) -> String {
    let tag: String = slug
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    format!("#{tag}")
}

/// The `Article` of a published deployment.
pub fn article(urls: &Urls, d: &Deployment) -> Value {
    let observatory = urls.observatory();
    let id = urls.deployment(d.id);
    let mut doc = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": "Article",
        "name": d.title,
        "attributedTo": observatory,
        "to": [PUBLIC, observatory],
        "cc": [],
        "audience": observatory,
        "content": d.description_html,
        "mediaType": "text/html",
        "source": {"content": d.description_md, "mediaType": "text/markdown"},
        "url": id,
        "published": datetime(d.published_at.unwrap_or(d.updated_at)),
        "updated": datetime(d.updated_at),
        "location": {
            "type": "Place",
            "name": d.city_name,
            "latitude": d.latitude,
            "longitude": d.longitude,
        },
        "sensitive": false,
    });
    if !d.technology.is_empty() {
        doc["tag"] = json!([{
            "type": "Hashtag",
            "name": hashtag(&d.technology),
            "href": urls.at(&format!("/observatoire?technology={}", d.technology)),
        }]);
    }
    doc
}

/// The observatory's `Create` (first sending) or `Update` (a new version) of a deployment's
/// `Article` (without `@context`: it travels inside the observatory's `Announce`).
pub fn authored(urls: &Urls, d: &Deployment, update: bool) -> Value {
    let observatory = urls.observatory();
    let mut object = article(urls, d);
    if let Some(map) = object.as_object_mut() {
        map.remove("@context");
    }
    let (kind, id) = if update {
        (
            "Update",
            urls.activity(&format!("update/deployment/{}/{}", d.id, d.version)),
        )
    } else {
        (
            "Create",
            urls.activity(&format!("create/deployment/{}", d.id)),
        )
    };
    json!({
        "id": id,
        "type": kind,
        "actor": observatory,
        "to": [PUBLIC, observatory],
        "cc": [],
        "audience": observatory,
        "object": object,
    })
}

/// The observatory's `Delete` of a deployment no longer published (the object only its id).
pub fn deletion(urls: &Urls, deployment_id: i64) -> Value {
    let observatory = urls.observatory();
    json!({
        "id": urls.activity(&format!("delete/deployment/{deployment_id}")),
        "type": "Delete",
        "actor": observatory,
        "to": [PUBLIC, observatory],
        "cc": [],
        "audience": observatory,
        "object": urls.deployment(deployment_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment() -> Deployment {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("date");
        Deployment {
            id: 4,
            title: "VSA au stade".into(),
            technology: "vsa".into(),
            technology_name: "Vidéosurveillance algorithmique".into(),
            technology_name_en: "Algorithmic video surveillance".into(),
            city: "nice".into(),
            city_name: "Nice".into(),
            city_name_en: None,
            country: "FR".into(),
            region: "93".into(),
            latitude: 43.7,
            longitude: 7.27,
            status: "trial".into(),
            started: "2024-03".into(),
            ended: None,
            funding: String::new(),
            description_md: "Des caméras".into(),
            description_html: "<p>Des caméras</p>".into(),
            thread_id: None,
            proposed_by: None,
            published_at: Some(at),
            updated_at: at,
            version: 3,
            companies: Vec::new(),
            sources: Vec::new(),
        }
    }

    #[test]
    fn a_deployment_is_an_article_of_the_observatory() {
        let urls = Urls::new("https://v.example").expect("urls");
        let doc = article(&urls, &deployment());
        assert_eq!(doc["type"], "Article");
        assert_eq!(doc["id"], "https://v.example/observatoire/d/4");
        assert_eq!(doc["attributedTo"], "https://v.example/observatory");
        assert_eq!(doc["audience"], "https://v.example/observatory");
        assert_eq!(doc["location"]["name"], "Nice");
        assert_eq!(doc["location"]["latitude"], 43.7);
        assert_eq!(doc["tag"][0]["name"], "#vsa");
        assert_eq!(hashtag("reconnaissance-faciale"), "#reconnaissance_faciale");
        let create = authored(&urls, &deployment(), false);
        assert_eq!(
            create["id"],
            "https://v.example/ap/activities/create/deployment/4"
        );
        assert!(create["object"].get("@context").is_none());
        let update = authored(&urls, &deployment(), true);
        assert_eq!(
            update["id"],
            "https://v.example/ap/activities/update/deployment/4/3"
        );
        assert_eq!(
            deletion(&urls, 4)["object"],
            "https://v.example/observatoire/d/4"
        );
    }
}
