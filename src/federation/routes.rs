//! Federation's HTTP handlers: the actor and object documents on the pages' own addresses (the
//! observatory's `Group` on `/observatory`, its deployments' `Article`s on their pages; for
//! requests that ask for ActivityStreams JSON; `app` registers them before the pages, and only
//! when federation is on), WebFinger, NodeInfo, the inboxes and the actors' collections. Every
//! answer is JSON, 404 included; with federation off every address here answers 404.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{guard, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::Value;

use super::actors::{self, local_by_path, Local};
use super::error::{not_found, FederationError};
use super::urls::ACTIVITY_JSON;
use super::{announce, announce_observatory, discovery, inbox, objects, queries, Federation};
use crate::db::{Db, DbError};
use crate::site_config::ConfigCache;

/// The pages that answer ActivityStreams JSON too (actix route patterns): the actors' first
/// (`ACTORS` of them), then the objects'.
const NEGOTIATED: [&str; 10] = [
    "/u/{username}",
    "/b/{board}",
    "/g/{slug}",
    "/g/{group}/b/{board}",
    "/observatory",
    "/t/{id}",
    "/t/{id}/{slug}",
    "/p/{id}",
    "/observatoire/d/{id}",
    "/observatory/d/{id}",
];

/// How many of `NEGOTIATED` are actors (with an inbox, an outbox and followers).
const ACTORS: usize = 5;

/// True when a request's `Accept` asks for ActivityStreams JSON.
pub fn wants_activity_json(headers: &header::HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            let v = v.to_ascii_lowercase();
            v.contains("application/activity+json") || v.contains("application/ld+json")
        })
}

/// Registers the documents served on the pages' addresses, for ActivityStreams requests only
/// (call it before the pages' routes, and only when federation is on).
pub fn configure_negotiated(cfg: &mut web::ServiceConfig) {
    let activity = || guard::fn_guard(|ctx| wants_activity_json(ctx.head().headers()));
    for pattern in &NEGOTIATED[..ACTORS] {
        cfg.route(pattern, web::get().guard(activity()).to(actor_document));
    }
    cfg.route("/t/{id}", web::get().guard(activity()).to(thread_document))
        .route(
            "/t/{id}/{slug}",
            web::get().guard(activity()).to(thread_document),
        )
        .route("/p/{id}", web::get().guard(activity()).to(post_document));
    for pattern in &NEGOTIATED[ACTORS + 3..] {
        cfg.route(
            pattern,
            web::get().guard(activity()).to(deployment_document),
        );
    }
}

/// Registers discovery, inboxes and collections (answering 404 while federation is off).
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/.well-known/webfinger", web::get().to(webfinger))
        .route("/.well-known/nodeinfo", web::get().to(nodeinfo_links))
        .route("/nodeinfo/2.1", web::get().to(nodeinfo))
        .route("/inbox", web::post().to(shared_inbox));
    for actor in &NEGOTIATED[..ACTORS] {
        cfg.route(&format!("{actor}/inbox"), web::post().to(actor_inbox))
            .route(&format!("{actor}/outbox"), web::get().to(outbox))
            .route(&format!("{actor}/followers"), web::get().to(followers));
    }
}

/// Adds `Vary: Accept` to the pages that also answer JSON, so no cache serves one for the other.
pub async fn vary_accept(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let enabled = req
        .app_data::<web::Data<Federation>>()
        .is_some_and(|f| f.enabled());
    let mut res = next.call(req).await?;
    let negotiated = enabled
        && matches!(*res.request().method(), Method::GET | Method::HEAD)
        && res
            .request()
            .match_pattern()
            .is_some_and(|p| NEGOTIATED.contains(&p.as_str()));
    if negotiated {
        res.headers_mut()
            .append(header::VARY, header::HeaderValue::from_static("Accept"));
    }
    Ok(res)
}

/// A JSON answer of the given media type (`vary_accept` adds `Vary: Accept` on the pages'
/// addresses).
fn json_document(content_type: &str, doc: &Value) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .body(doc.to_string())
}

fn answer(result: Result<Value, FederationError>, content_type: &str) -> HttpResponse {
    match result {
        Ok(doc) => json_document(content_type, &doc),
        Err(e) => e.response(),
    }
}

async fn actor_document(
    req: HttpRequest,
    federation: web::Data<Federation>,
    config: web::Data<ConfigCache>,
) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    let site_name = config.get().site_name.clone();
    let result = async {
        let local = local_by_path(&data.db, req.path())
            .await?
            .ok_or(FederationError::NotFound)?;
        actors::document(&data.db, &data.keys, &data.urls, &local, &site_name).await
    }
    .await;
    answer(result, ACTIVITY_JSON)
}

/// A post's object, when it may federate.
async fn post_object(
    db: &Db,
    post_id: Option<i64>,
    thread_id: Option<i64>,
) -> Result<queries::PostObject, FederationError> {
    db.run(move |conn| {
        let post = match (post_id, thread_id) {
            (Some(id), _) => queries::public_post(conn, id)?,
            (None, Some(thread)) => queries::opening_post(conn, thread)?,
            (None, None) => None,
        };
        post.ok_or(FederationError::NotFound)
    })
    .await
}

fn path_id(raw: &str) -> Option<i64> {
    raw.parse::<i64>().ok().filter(|id| *id > 0)
}

async fn thread_document(req: HttpRequest, federation: web::Data<Federation>) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    let Some(id) = req.match_info().get("id").and_then(path_id) else {
        return not_found();
    };
    let result = post_object(&data.db, None, Some(id))
        .await
        .map(|post| objects::object(&data.urls, &post));
    answer(result, ACTIVITY_JSON)
}

async fn post_document(req: HttpRequest, federation: web::Data<Federation>) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    let Some(id) = req.match_info().get("id").and_then(path_id) else {
        return not_found();
    };
    let result = post_object(&data.db, Some(id), None)
        .await
        .map(|post| objects::object(&data.urls, &post));
    answer(result, ACTIVITY_JSON)
}

/// A published deployment's `Article` (404 for a proposal not published).
async fn deployment_document(req: HttpRequest, federation: web::Data<Federation>) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    let Some(id) = req.match_info().get("id").and_then(path_id) else {
        return not_found();
    };
    let urls = data.urls.clone();
    let result = data
        .db
        .run(move |conn| {
            announce_observatory::published_article(conn, &urls, id)
                .map_err(DbError::from)?
                .ok_or(FederationError::NotFound)
        })
        .await;
    answer(result, ACTIVITY_JSON)
}

#[derive(Deserialize)]
struct WebfingerQuery {
    resource: Option<String>,
}

async fn webfinger(
    federation: web::Data<Federation>,
    query: web::Query<WebfingerQuery>,
) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    let Some(resource) = query.resource.as_deref() else {
        return FederationError::BadRequest("resource missing".into()).response();
    };
    answer(
        discovery::webfinger(&data.db, &data.urls, resource).await,
        "application/jrd+json",
    )
}

async fn nodeinfo_links(federation: web::Data<Federation>) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    json_document("application/json", &discovery::nodeinfo_links(&data.urls))
}

async fn nodeinfo(
    federation: web::Data<Federation>,
    config: web::Data<ConfigCache>,
) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    let usage = data
        .db
        .run(|conn| queries::usage(conn).map_err(DbError::from))
        .await
        .map_err(FederationError::from);
    let config = config.get();
    answer(
        usage.map(|(members, posts)| {
            discovery::nodeinfo(
                &config.site_name,
                config.registration_open(),
                members,
                posts,
            )
        }),
        "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"",
    )
}

async fn receive(req: HttpRequest, body: web::Bytes, federation: &Federation) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    match inbox::receive(&req, body, &data).await {
        Ok(()) => {
            // An `Accept` may wait in the queue: the worker goes now rather than at its next look.
            federation.wake.notify_one();
            HttpResponse::Accepted().finish()
        }
        Err(e) => e.response(),
    }
}

async fn shared_inbox(
    req: HttpRequest,
    body: web::Bytes,
    federation: web::Data<Federation>,
) -> HttpResponse {
    receive(req, body, &federation).await
}

/// The local actor whose collection or inbox a path names (`/b/general/inbox` → the board).
async fn owner(db: &Db, path: &str) -> Result<Local, FederationError> {
    let actor_path = path
        .rsplit_once('/')
        .map(|(actor, _)| actor)
        .unwrap_or(path);
    local_by_path(db, actor_path)
        .await?
        .ok_or(FederationError::NotFound)
}

async fn actor_inbox(
    req: HttpRequest,
    body: web::Bytes,
    federation: web::Data<Federation>,
) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    if let Err(e) = owner(&data.db, req.path()).await {
        return e.response();
    }
    receive(req, body, &federation).await
}

async fn outbox(req: HttpRequest, federation: web::Data<Federation>) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    let result = async {
        let local = owner(&data.db, req.path()).await?;
        let (kind, id) = local.key();
        let ap_id = data.urls.at(&local.path());
        let urls = data.urls.clone();
        let items = data
            .db
            .run(move |conn| announce::outbox(conn, &urls, kind, id, &ap_id).map_err(DbError::from))
            .await?;
        Ok::<Value, FederationError>(actors::ordered_collection(
            &data.urls.at(&format!("{}/outbox", local.path())),
            items,
        ))
    }
    .await;
    answer(result, ACTIVITY_JSON)
}

async fn followers(req: HttpRequest, federation: web::Data<Federation>) -> HttpResponse {
    let Some(data) = federation.data() else {
        return not_found();
    };
    let result = async {
        let local = owner(&data.db, req.path()).await?;
        let (kind, id) = local.key();
        let total = data
            .db
            .run(move |conn| queries::follower_count(conn, kind, id).map_err(DbError::from))
            .await?;
        Ok::<Value, FederationError>(actors::counted_collection(
            &data.urls.at(&format!("{}/followers", local.path())),
            total,
        ))
    }
    .await;
    answer(result, ACTIVITY_JSON)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_activity_streams_requests_are_negotiated() {
        let mut headers = header::HeaderMap::new();
        assert!(!wants_activity_json(&headers));
        headers.insert(
            header::ACCEPT,
            header::HeaderValue::from_static("text/html,*/*;q=0.8"),
        );
        assert!(!wants_activity_json(&headers));
        headers.insert(
            header::ACCEPT,
            header::HeaderValue::from_static(
                "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
            ),
        );
        assert!(wants_activity_json(&headers));
        headers.insert(
            header::ACCEPT,
            header::HeaderValue::from_static("application/activity+json"),
        );
        assert!(wants_activity_json(&headers));
    }
}
