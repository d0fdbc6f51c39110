//! A public action's discussion thread as an ActivityStreams `Event` (issue 17), in the shape
//! Mobilizon reads: the same id as the thread's `Page` would have had (`/t/{id}`, so replies
//! from other servers still attach), the action's title, description, times (RFC 3339 in the
//! action's own zone, with `timezone`), its place as a `Place` whose `address` names the city
//! (`addressLocality`) and the meeting point (`streetAddress`), and Mobilizon's fields where
//! Vigie has them: `joinMode`, `status`, `maximumAttendeeCapacity`, `participantCount`,
//! `anonymousParticipationEnabled`, `commentsEnabled`, `isOnline`.
//!
//! The JSON-LD terms are Mobilizon's own (`mz:`, `sc:`, `ical:`, `pt:` prefixes, as its
//! instances publish them); only those this document uses are declared.

use chrono::TimeZone;
use serde_json::{json, Value};

use super::actors::datetime;
use super::event_store::ActionEvent;
use super::queries::PostObject;
use super::urls::{Urls, PUBLIC};
use crate::actions::domain::zone_named;

/// ActivityStreams' context.
const ACTIVITY_STREAMS: &str = "https://www.w3.org/ns/activitystreams";

/// The `@context` of a document that holds an `Event`: ActivityStreams, then the Mobilizon terms
/// it uses.
pub fn context() -> Value {
    json!([
        ACTIVITY_STREAMS,
        {
            "sc": "http://schema.org#",
            "mz": "https://joinmobilizon.org/ns#",
            "ical": "http://www.w3.org/2002/12/cal/ical#",
            "pt": "https://joinpeertube.org/ns#",
            "PostalAddress": "sc:PostalAddress",
            "address": {"@id": "sc:address", "@type": "sc:PostalAddress"},
            "addressLocality": "sc:addressLocality",
            "addressCountry": "sc:addressCountry",
            "streetAddress": "sc:streetAddress",
            "location": {"@id": "sc:location", "@type": "sc:Place"},
            "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity",
            "participantCount": {"@id": "mz:participantCount", "@type": "sc:Integer"},
            "joinModeType": {"@id": "mz:joinModeType", "@type": "rdfs:Class"},
            "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
            "anonymousParticipationEnabled": {
                "@id": "mz:anonymousParticipationEnabled",
                "@type": "sc:Boolean"
            },
            "commentsEnabled": {"@id": "pt:commentsEnabled", "@type": "sc:Boolean"},
            "isOnline": {"@id": "mz:isOnline", "@type": "sc:Boolean"},
            "timezone": {"@id": "mz:timezone", "@type": "sc:Text"},
            "status": {"@id": "ical:status", "@type": "ical:status"}
        }
    ])
}

/// The `@context` for `doc`: Mobilizon's terms when it is, or carries, an `Event`.
pub fn context_for(doc: &Value) -> Value {
    let mut at = doc;
    // An Announce holds a Create or an Update, which holds the object.
    for _ in 0..3 {
        if at["type"] == "Event" {
            return context();
        }
        at = &at["object"];
    }
    Value::String(ACTIVITY_STREAMS.into())
}

/// A moment as RFC 3339 in the action's zone (`2030-06-15T18:30:00+02:00`).
pub fn local_time(at: chrono::NaiveDateTime, timezone: &str) -> String {
    zone_named(timezone)
        .from_utc_datetime(&at)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The `Event` of a public action's thread (its opening post `post`).
pub fn event(urls: &Urls, post: &PostObject, action: &ActionEvent) -> Value {
    let id = urls.thread(post.thread_id);
    let board = urls.at(&post.board.path());
    let mut address = json!({"type": "PostalAddress", "addressCountry": action.country});
    if !action.city_name.is_empty() {
        address["addressLocality"] = Value::String(action.city_name.clone());
    }
    if !action.meeting_point.is_empty() {
        address["streetAddress"] = Value::String(action.meeting_point.clone());
    }
    let updated = match post.edited_at {
        Some(edited) if edited > action.updated_at => edited,
        _ => action.updated_at,
    };
    let mut doc = json!({
        "@context": context(),
        "id": id,
        "type": "Event",
        "name": action.title,
        "attributedTo": urls.at(&format!("/u/{}", post.author.username)),
        "to": [PUBLIC, board],
        "cc": [],
        "audience": board,
        "content": action.description_html,
        "mediaType": "text/html",
        "source": {"content": action.description_md, "mediaType": "text/markdown"},
        "url": urls.at(&format!("/a/{}", action.id)),
        "published": datetime(action.created_at),
        "updated": datetime(updated),
        "startTime": local_time(action.starts_at, &action.timezone),
        "timezone": action.timezone,
        "location": {"type": "Place", "name": action.place, "address": address},
        "joinMode": "free",
        "status": if action.cancelled { "CANCELLED" } else { "CONFIRMED" },
        "participantCount": action.going_count,
        "anonymousParticipationEnabled": false,
        "commentsEnabled": true,
        "isOnline": false,
        "sensitive": false,
    });
    if let Some(end) = action.ends_at {
        doc["endTime"] = Value::String(local_time(end, &action.timezone));
    }
    if let Some(capacity) = action.capacity {
        doc["maximumAttendeeCapacity"] = Value::from(capacity);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::queries::{BoardActor, UserActor};

    fn at(d: u32, h: u32) -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2030, 6, d)
            .and_then(|d| d.and_hms_opt(h, 30, 0))
            .expect("date")
    }

    fn action() -> ActionEvent {
        ActionEvent {
            id: 9,
            title: "Rassemblement".into(),
            description_md: "Venez **nombreux**".into(),
            description_html: "<p>Venez <strong>nombreux</strong></p>".into(),
            starts_at: at(15, 16),
            ends_at: Some(at(15, 18)),
            timezone: "Europe/Paris".into(),
            place: "Place du Capitole".into(),
            meeting_point: "Devant la mairie".into(),
            city_name: "Toulouse".into(),
            country: "FR".into(),
            capacity: Some(50),
            cancelled: false,
            going_count: 3,
            sequence: 0,
            created_at: at(1, 10),
            updated_at: at(1, 10),
        }
    }

    fn post() -> PostObject {
        PostObject {
            id: 41,
            number: 1,
            thread_id: 7,
            title: "Rassemblement".into(),
            body_html: "<p>Fil</p>".into(),
            body_md: "Fil".into(),
            created_at: at(1, 10),
            edited_at: None,
            version: 2,
            author: UserActor {
                id: 3,
                username: "alice".into(),
                created_at: at(1, 9),
            },
            board: BoardActor {
                id: 5,
                slug: "actions".into(),
                name: "Actions".into(),
                description: String::new(),
                created_at: at(1, 9),
                group: None,
                remote: None,
            },
            thread_origin: None,
            origin: None,
            event: None,
        }
    }

    #[test]
    fn an_action_is_an_event_in_its_own_zone_with_mobilizon_fields() {
        let urls = Urls::new("https://v.example").expect("urls");
        let doc = event(&urls, &post(), &action());
        assert_eq!(doc["type"], "Event");
        assert_eq!(doc["id"], "https://v.example/t/7");
        assert_eq!(doc["url"], "https://v.example/a/9");
        // 16:30 UTC in June is 18:30 in Paris.
        assert_eq!(doc["startTime"], "2030-06-15T18:30:00+02:00");
        assert_eq!(doc["endTime"], "2030-06-15T20:30:00+02:00");
        assert_eq!(doc["timezone"], "Europe/Paris");
        assert_eq!(doc["location"]["name"], "Place du Capitole");
        assert_eq!(doc["location"]["address"]["addressLocality"], "Toulouse");
        assert_eq!(
            doc["location"]["address"]["streetAddress"],
            "Devant la mairie"
        );
        assert_eq!(doc["status"], "CONFIRMED");
        assert_eq!(doc["joinMode"], "free");
        assert_eq!(doc["maximumAttendeeCapacity"], 50);
        assert_eq!(doc["participantCount"], 3);
        assert_eq!(doc["audience"], "https://v.example/b/actions");
        assert_eq!(doc["@context"][1]["mz"], "https://joinmobilizon.org/ns#");
        let mut cancelled = action();
        cancelled.cancelled = true;
        cancelled.capacity = None;
        let doc = event(&urls, &post(), &cancelled);
        assert_eq!(doc["status"], "CANCELLED");
        assert!(doc.get("maximumAttendeeCapacity").is_none());
        // Activities carrying an Event declare the terms; others keep the plain context.
        let announce = json!({"type": "Announce", "object": {"type": "Update", "object": doc}});
        assert!(context_for(&announce).is_array());
        assert_eq!(context_for(&json!({"type": "Page"})), ACTIVITY_STREAMS);
    }
}
