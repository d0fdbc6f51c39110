//! Objects and the activities that carry them: a thread's opening post is a `Page` (its title
//! the `name`), or the action's `Event` when the thread is a public action's (`events`), a reply
//! a `Note` answering the thread's object; all addressed to the public and to the board's
//! `Group` (`to`, `audience`: FEP-1b12). The content is the post's cooked HTML
//! (sanitised when written, see `crate::markdown`), with its Markdown as `source`.
//!
//! Activity ids are derived from what they say (`create/post/12`, `update/post/12/3`…), so the
//! same event never makes two deliveries to one inbox.

use serde_json::{json, Value};

use super::actors::datetime;
use super::events;
use super::queries::PostObject;
use super::urls::{Urls, PUBLIC};

/// The object id of a post: the thread's `Page` for an opening post, the post's `Note` else
/// (for a post received from another server, its id there).
pub fn object_id(urls: &Urls, post: &PostObject) -> String {
    if let Some(origin) = &post.origin {
        return origin.object.clone();
    }
    if post.number == 1 {
        urls.thread(post.thread_id)
    } else {
        urls.post(post.id)
    }
}

/// The author's and the board's actor ids (a board of another server is its `Group` there).
fn actors(urls: &Urls, post: &PostObject) -> (String, String) {
    (
        match &post.origin {
            Some(origin) => origin.author.clone(),
            None => urls.at(&format!("/u/{}", post.author.username)),
        },
        post.board
            .remote
            .clone()
            .unwrap_or_else(|| urls.at(&post.board.path())),
    )
}

/// The `Page` (or `Event`) or `Note` of a public post.
pub fn object(urls: &Urls, post: &PostObject) -> Value {
    if let (1, Some(action)) = (post.number, &post.event) {
        return events::event(urls, post, action);
    }
    let (author, board) = actors(urls, post);
    let id = object_id(urls, post);
    let mut doc = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": id,
        "type": if post.number == 1 { "Page" } else { "Note" },
        "attributedTo": author,
        "to": [PUBLIC, board],
        "cc": [],
        "audience": board,
        "content": post.body_html,
        "mediaType": "text/html",
        "source": {"content": post.body_md, "mediaType": "text/markdown"},
        "url": id,
        "published": datetime(post.created_at),
        "sensitive": false,
    });
    if post.number == 1 {
        doc["name"] = Value::String(post.title.clone());
    } else {
        // A thread a remote person opened is their server's `Page`.
        let page = post
            .thread_origin
            .clone()
            .unwrap_or_else(|| urls.thread(post.thread_id));
        doc["inReplyTo"] = Value::String(page.clone());
        doc["context"] = Value::String(page);
    }
    if let Some(edited) = post.edited_at {
        doc["updated"] = Value::String(datetime(edited));
    }
    doc
}

/// What happened to a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Create,
    Update,
    Delete,
}

/// The author's `Create` or `Update` of a post (without `@context`: it travels inside an
/// `Announce`, or alone with one added by `standalone`).
pub fn authored(urls: &Urls, post: &PostObject, change: Change) -> Value {
    let (author, board) = actors(urls, post);
    let mut object = object(urls, post);
    if let Some(map) = object.as_object_mut() {
        map.remove("@context");
    }
    let (kind, id) = match change {
        Change::Create => ("Create", urls.activity(&format!("create/post/{}", post.id))),
        Change::Update | Change::Delete => (
            "Update",
            urls.activity(&format!(
                "update/post/{}/{}{}",
                post.id,
                post.version,
                title_mark(post)
            )),
        ),
    };
    json!({
        "id": id,
        "type": kind,
        "actor": author,
        "to": [PUBLIC, board],
        "cc": [],
        "audience": board,
        "object": object,
    })
}

/// What distinguishes an opening post's `Update` ids by title (`/` and the first 8 hex digits of
/// its SHA-256), and by its action's sequence (`/a` and the sequence) for an action's `Event`:
/// a thread renamed by moderation keeps its post's version, an action edited or cancelled too,
/// and a new id is a new activity for the delivery queue and for other servers. Empty for a
/// reply.
fn title_mark(post: &PostObject) -> String {
    use sha2::{Digest, Sha256};
    if post.number != 1 {
        return String::new();
    }
    let digest = hex::encode(Sha256::digest(post.title.as_bytes()));
    match &post.event {
        Some(action) => format!("/{}/a{}", &digest[..8], action.sequence),
        None => format!("/{}", &digest[..8]),
    }
}

/// The board's `Delete` of a post that was hidden or deleted here (by its author or by
/// moderation): the object is only its id.
pub fn deletion(urls: &Urls, post_id: i64, object_id: &str, board: &str) -> Value {
    json!({
        "id": urls.activity(&format!("delete/post/{post_id}")),
        "type": "Delete",
        "actor": board,
        "to": [PUBLIC, board],
        "cc": [],
        "audience": board,
        "object": object_id,
    })
}

/// The group's `Announce` of an activity to its followers (FEP-1b12).
pub fn announce(urls: &Urls, group: &str, group_key: &str, inner: &Value) -> Value {
    let inner_id = inner["id"].as_str().unwrap_or_default();
    let tail = inner_id
        .rsplit("/ap/activities/")
        .next()
        .unwrap_or(inner_id)
        .to_owned();
    json!({
        "@context": events::context_for(inner),
        "id": urls.activity(&format!("announce/{group_key}/{tail}")),
        "type": "Announce",
        "actor": group,
        "to": [PUBLIC],
        "cc": [format!("{group}/followers")],
        "audience": group,
        "object": inner,
    })
}

/// An activity sent on its own (with its `@context`).
pub fn standalone(mut activity: Value) -> Value {
    let context = events::context_for(&activity);
    if let Some(map) = activity.as_object_mut() {
        map.insert("@context".into(), context);
    }
    activity
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::queries::{BoardActor, UserActor};

    fn post(number: i64) -> PostObject {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("date");
        PostObject {
            id: 40 + number,
            number,
            thread_id: 7,
            title: "Caméras place Bellecour".into(),
            body_html: "<p>Bonjour</p>".into(),
            body_md: "Bonjour".into(),
            created_at: at,
            edited_at: None,
            version: 2,
            author: UserActor {
                id: 3,
                username: "alice".into(),
                created_at: at,
            },
            board: BoardActor {
                id: 5,
                slug: "general".into(),
                name: "Général".into(),
                description: String::new(),
                created_at: at,
                group: None,
                remote: None,
            },
            thread_origin: None,
            origin: None,
            event: None,
        }
    }

    #[test]
    fn an_opening_post_is_a_page_and_a_reply_a_note_in_the_thread() {
        let urls = Urls::new("https://v.example").expect("urls");
        let page = object(&urls, &post(1));
        assert_eq!(page["type"], "Page");
        assert_eq!(page["id"], "https://v.example/t/7");
        assert_eq!(page["name"], "Caméras place Bellecour");
        assert_eq!(page["audience"], "https://v.example/b/general");
        assert_eq!(page["attributedTo"], "https://v.example/u/alice");
        assert_eq!(page["published"], "2026-12-07T10:00:00Z");
        let note = object(&urls, &post(2));
        assert_eq!(note["type"], "Note");
        assert_eq!(note["id"], "https://v.example/p/42");
        assert_eq!(note["inReplyTo"], "https://v.example/t/7");
        assert!(note.get("name").is_none());
    }

    #[test]
    fn activity_ids_are_stable_and_announces_wrap_them() {
        let urls = Urls::new("https://v.example").expect("urls");
        let create = authored(&urls, &post(1), Change::Create);
        assert_eq!(
            create["id"],
            "https://v.example/ap/activities/create/post/41"
        );
        assert!(create["object"].get("@context").is_none());
        let update = authored(&urls, &post(2), Change::Update);
        assert_eq!(
            update["id"],
            "https://v.example/ap/activities/update/post/42/2"
        );
        // An opening post's Updates differ by title too (a rename keeps the post's version).
        let mut renamed = post(1);
        let first = authored(&urls, &renamed, Change::Update)["id"].clone();
        assert!(first
            .as_str()
            .expect("id")
            .starts_with("https://v.example/ap/activities/update/post/41/2/"));
        renamed.title = "Caméras place des Terreaux".into();
        assert_ne!(authored(&urls, &renamed, Change::Update)["id"], first);
        let board = "https://v.example/b/general";
        let announce = announce(&urls, board, "board-5", &create);
        assert_eq!(
            announce["id"],
            "https://v.example/ap/activities/announce/board-5/create/post/41"
        );
        assert_eq!(announce["object"]["type"], "Create");
        assert_eq!(announce["cc"][0], "https://v.example/b/general/followers");
    }
}
