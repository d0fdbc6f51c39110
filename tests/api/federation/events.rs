//! Actions and deployments over ActivityPub (issue 17): a remote follower of a public group
//! receives a public action as a Mobilizon-shaped `Event` (its times in the city's zone, its
//! place, Mobilizon's fields), then its edit and its cancelling as `Update`s, and never a
//! members-only action; the thread's address answers the `Event` too. A follower of the
//! observatory (a `Group` at `/observatory`, found by WebFinger) receives each published
//! deployment as an `Article`, its reviewed edit as an `Update`, and nothing of a proposal that
//! is not published.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::remote::{self, verify, Remote};
use super::{base, count_in, domain, federated, follow, get_ap, public_key, varies_on_accept, AP};
use crate::helpers::TestApp;

/// Follows `actor` as Zoe (follow number `n`) and waits for its `Accept`.
async fn follows(remote: &Remote, n: u32, actor: &str) -> remote::Received {
    let (status, body) = remote
        .post_signed(&format!("{actor}/inbox"), &follow(remote, n, actor))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    remote
        .wait_for("the Accept", |v| {
            v["type"] == "Accept" && v["actor"] == actor && v["object"]["object"] == actor
        })
        .await
}

/// Waits until the delivery queue is empty (so that what was not received never will be).
async fn settled(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + remote::WAIT;
    loop {
        let page = app.get("/admin/federation").await;
        assert_eq!(page.status, StatusCode::OK);
        if count_in(&page.body, "deliveries-pending") == 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "deliveries never settled"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The object carried by an announced `Create` or `Update`.
fn inner(v: &Value) -> &Value {
    &v["object"]["object"]
}

async fn api(app: &TestApp, method: Method, path: &str, token: &str, body: Value) -> Value {
    let res = app.api(method, path, Some(token), Some(body)).await;
    assert!(
        res.status.is_success(),
        "{path}: {} {}",
        res.status,
        res.body
    );
    res.json()
}

#[tokio::test]
async fn a_public_action_is_an_event_its_edits_updates_and_members_only_never_leave() {
    let app = federated().await;
    let base = base(&app);
    // The administrator in the app's own browser (to read the delivery counts).
    let res = app.create_admin("root_admin").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let alice = app.api_user("alice").await;
    api(
        &app,
        Method::POST,
        "/api/v1/groups",
        &alice,
        json!({"name": "Vigie Lyon", "slug": "vigie-lyon", "city": "lyon",
               "visibility": "public", "join_policy": "open"}),
    )
    .await;
    let group = format!("{base}/g/vigie-lyon");
    let remote = Remote::start().await;
    let accept = follows(&remote, 1, &group).await;
    verify(&accept, &public_key(&app, "/g/vigie-lyon").await);

    // A members-only action first, then a public one.
    let action = |title: &str, visibility: &str| {
        json!({"group": "vigie-lyon", "title": title, "visibility": visibility,
               "starts_at": "2030-06-15T18:30", "ends_at": "2030-06-15T20:00",
               "place": "Place des Terreaux", "city": "lyon", "capacity": 40,
               "meeting_point": "Devant la fontaine", "description": "Venez **nombreux**."})
    };
    api(
        &app,
        Method::POST,
        "/api/v1/actions",
        &alice,
        action("Réunion secrète des membres", "members"),
    )
    .await;
    let public = api(
        &app,
        Method::POST,
        "/api/v1/actions",
        &alice,
        action("Rassemblement contre la VSA", "public"),
    )
    .await;
    let id = public["id"].as_i64().expect("action id");
    let thread = public["thread"]["id"].as_i64().expect("thread id");
    let event_id = format!("{base}/t/{thread}");

    let announce = remote
        .wait_for("the Event's Create", |v| {
            v["type"] == "Announce"
                && v["object"]["type"] == "Create"
                && inner(v)["type"] == "Event"
        })
        .await;
    verify(&announce, &public_key(&app, "/g/vigie-lyon").await);
    let announce = announce.json();
    assert_eq!(announce["actor"], group);
    let event = inner(&announce).clone();
    assert_eq!(event["id"], event_id, "the thread's id, so replies attach");
    assert_eq!(event["name"], "Rassemblement contre la VSA");
    assert_eq!(event["attributedTo"], format!("{base}/u/alice"));
    // 18:30 in Lyon in June is UTC+2.
    assert_eq!(event["startTime"], "2030-06-15T18:30:00+02:00");
    assert_eq!(event["endTime"], "2030-06-15T20:00:00+02:00");
    assert_eq!(event["timezone"], "Europe/Paris");
    assert_eq!(event["location"]["type"], "Place");
    assert_eq!(event["location"]["name"], "Place des Terreaux");
    assert_eq!(event["location"]["address"]["type"], "PostalAddress");
    assert_eq!(event["location"]["address"]["addressLocality"], "Lyon");
    assert_eq!(
        event["location"]["address"]["streetAddress"],
        "Devant la fontaine"
    );
    assert!(event["content"]
        .as_str()
        .expect("content")
        .contains("<strong>nombreux</strong>"));
    assert_eq!(event["source"]["content"], "Venez **nombreux**.");
    assert_eq!(event["joinMode"], "free");
    assert_eq!(event["status"], "CONFIRMED");
    assert_eq!(event["maximumAttendeeCapacity"], 40);
    assert_eq!(event["participantCount"], 0);
    assert_eq!(event["anonymousParticipationEnabled"], false);
    assert_eq!(event["commentsEnabled"], true);
    assert_eq!(event["isOnline"], false);
    // The announce declares Mobilizon's terms.
    let context = announce["@context"].as_array().expect("a context list");
    assert!(context
        .iter()
        .any(|c| c["mz"] == "https://joinmobilizon.org/ns#" && c["joinMode"].is_object()));

    // The thread's address answers the Event too.
    let res = get_ap(&app, &format!("/t/{thread}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let served = res.json();
    assert_eq!(served["type"], "Event");
    assert_eq!(served["id"], event_id);
    assert_eq!(served["startTime"], "2030-06-15T18:30:00+02:00");

    // An edit reaches the follower as the Event's Update.
    api(
        &app,
        Method::PATCH,
        &format!("/api/v1/actions/{id}"),
        &alice,
        json!({"place": "Place Bellecour"}),
    )
    .await;
    let update = remote
        .wait_for("the edited Event's Update", |v| {
            v["object"]["type"] == "Update"
                && inner(v)["id"] == event_id
                && inner(v)["location"]["name"] == "Place Bellecour"
        })
        .await
        .json();
    assert_eq!(inner(&update)["status"], "CONFIRMED");
    // Cancelling too, with Mobilizon's status.
    let res = app
        .api(
            Method::POST,
            &format!("/api/v1/actions/{id}/cancel"),
            Some(&alice),
            None,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let cancelled = remote
        .wait_for("the cancelled Event's Update", |v| {
            v["object"]["type"] == "Update"
                && inner(v)["id"] == event_id
                && inner(v)["status"] == "CANCELLED"
        })
        .await
        .json();
    assert_ne!(
        cancelled["id"], update["id"],
        "each change is its own activity"
    );

    // Nothing of the members-only action ever left.
    settled(&app).await;
    for received in remote.received() {
        assert!(!received.body.contains("secrète"), "{}", received.body);
    }
}

/// A complete deployment record (one source, as publishing requires).
fn record(title: &str) -> Value {
    json!({
        "title": title,
        "technology": "vsa",
        "city": "nice",
        "status": "trial",
        "started": "2024-03",
        "companies": ["Briefcam"],
        "funding": "Fonds interministériel de prévention de la délinquance",
        "description": "Des caméras *augmentées* aux abords du stade.",
        "sources": [{
            "url": "https://www.laquadrature.net/2024/03/vsa-stade",
            "title": "La VSA arrive au stade",
            "publisher": "La Quadrature du Net",
            "date": "2024-03-05"
        }]
    })
}

#[tokio::test]
async fn the_observatory_is_a_group_whose_articles_are_the_published_deployments() {
    let app = federated().await;
    let base = base(&app);
    let domain = domain(&app);
    let res = app.create_admin("root_admin").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let admin = app.api_login("root_admin").await;
    let member = app.api_user("enqueteuse").await;
    let observatory = format!("{base}/observatory");

    // The observatory is a Group, found by its handle, on its page's address.
    let res = app
        .get(&format!(
            "/.well-known/webfinger?resource=acct:observatory@{domain}"
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.json()["links"]
        .as_array()
        .expect("links")
        .iter()
        .any(|l| l["rel"] == "self" && l["type"] == AP && l["href"] == observatory));
    let doc = get_ap(&app, "/observatory").await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.body);
    let doc = doc.json();
    assert_eq!(doc["type"], "Group");
    assert_eq!(doc["id"], observatory);
    assert_eq!(doc["preferredUsername"], "observatory");
    assert_eq!(doc["inbox"], format!("{observatory}/inbox"));
    // The page itself is still the HTML index, and says it varies.
    let page = app.get("/observatory").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(varies_on_accept(&page));

    let remote = Remote::start().await;
    let key = public_key(&app, "/observatory").await;
    let accept = follows(&remote, 1, &observatory).await;
    assert_eq!(verify(&accept, &key), format!("{observatory}#main-key"));
    assert_eq!(
        get_ap(&app, "/observatory/followers").await.json()["totalItems"],
        1
    );

    // A proposal stays unpublished; another is published.
    let hidden = api(
        &app,
        Method::POST,
        "/api/v1/deployments",
        &member,
        record("Caméras cachées du port"),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let shown = api(
        &app,
        Method::POST,
        "/api/v1/deployments",
        &member,
        record("VSA aux abords du stade"),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    api(
        &app,
        Method::POST,
        &format!("/api/v1/deployments/{shown}/review"),
        &admin,
        json!({"decision": "publish"}),
    )
    .await;
    let article_id = format!("{base}/observatoire/d/{shown}");
    let announce = remote
        .wait_for("the Article's Create", |v| {
            v["object"]["type"] == "Create" && inner(v)["type"] == "Article"
        })
        .await;
    assert_eq!(announce.path, "/inbox");
    verify(&announce, &key);
    let announce = announce.json();
    assert_eq!(announce["type"], "Announce");
    assert_eq!(announce["actor"], observatory);
    let article = inner(&announce);
    assert_eq!(article["id"], article_id);
    assert_eq!(article["name"], "VSA aux abords du stade");
    assert_eq!(article["attributedTo"], observatory);
    assert_eq!(article["audience"], observatory);
    assert!(article["content"]
        .as_str()
        .expect("content")
        .contains("<em>augmentées</em>"));
    assert_eq!(article["location"]["type"], "Place");
    assert_eq!(article["location"]["name"], "Nice");
    assert!(article["location"]["latitude"].is_number());
    assert_eq!(article["tag"][0]["type"], "Hashtag");
    assert_eq!(article["tag"][0]["name"], "#vsa");

    // The deployment's page answers the Article; the unpublished one's does not.
    let res = get_ap(&app, &format!("/observatoire/d/{shown}")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["type"], "Article");
    let res = get_ap(&app, &format!("/observatoire/d/{hidden}")).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(!res.body.contains("cachées"));
    // The outbox lists it.
    let outbox = get_ap(&app, "/observatory/outbox").await.json();
    assert_eq!(outbox["totalItems"], 1);

    // A reviewed edit is the Article's Update.
    let mut edit = record("VSA aux abords du stade de Nice");
    edit["note"] = json!("Titre précisé");
    api(
        &app,
        Method::POST,
        &format!("/api/v1/deployments/{shown}/revisions"),
        &member,
        edit,
    )
    .await;
    api(
        &app,
        Method::POST,
        &format!("/api/v1/deployments/{shown}/review"),
        &admin,
        json!({"decision": "publish"}),
    )
    .await;
    remote
        .wait_for("the Article's Update", |v| {
            v["object"]["type"] == "Update"
                && inner(v)["id"] == article_id
                && inner(v)["name"] == "VSA aux abords du stade de Nice"
        })
        .await;

    // Nothing of the unpublished proposal ever left.
    settled(&app).await;
    for received in remote.received() {
        assert!(!received.body.contains("cachées"), "{}", received.body);
    }
}
