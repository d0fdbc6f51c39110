//! Actions over HTTP: announcing (local time of the city, stored in UTC), the discussion thread,
//! bad input naming its field, RSVPs with the waiting list and its promotion mail, names shown
//! only inside the group, members-only actions that do not exist outside it, cancelling (mail,
//! STATUS:CANCELLED, SEQUENCE), reminders the day before (once), the calendars (parsed back with
//! the `icalendar` crate) and the pages without JavaScript.

use std::str::FromStr;

use chrono::{Duration, Utc};
use icalendar::{Calendar, Component, EventStatus};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{browser, csrf_token, Page, TestApp};

async fn call(app: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Page {
    app.api(method, path, Some(token), body).await
}

/// A group `slug` in Marseille, open to all, coordinated by `token`'s user.
async fn group(app: &TestApp, token: &str, slug: &str) {
    let res = call(
        app,
        Method::POST,
        "/api/v1/groups",
        token,
        Some(
            json!({"name": format!("Groupe {slug}"), "slug": slug, "city": "marseille",
                    "join_policy": "open"}),
        ),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

async fn join(app: &TestApp, token: &str, slug: &str) {
    let res = call(
        app,
        Method::POST,
        &format!("/api/v1/groups/{slug}/join"),
        token,
        Some(json!({})),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

/// Announces an action through the API; returns its JSON.
async fn announce(app: &TestApp, token: &str, body: Value) -> Value {
    let res = call(
        app,
        Method::POST,
        "/api/v1/actions",
        token,
        Some(body.clone()),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{body}: {}", res.body);
    res.json()
}

fn rally(group: &str) -> Value {
    json!({"group": group, "title": "Rassemblement contre la VSA", "starts_at": "2030-06-15T18:30",
           "ends_at": "2030-06-15T20:00", "place": "Place du Capitole", "city": "marseille",
           "meeting_point": "Devant la mairie", "description": "Venez **nombreux**."})
}

async fn rsvp(app: &TestApp, token: &str, id: i64, answer: &str, hide: bool) -> Page {
    call(
        app,
        Method::PUT,
        &format!("/api/v1/actions/{id}/rsvp"),
        token,
        Some(json!({"answer": answer, "hide_name": hide})),
    )
    .await
}

fn events(ics: &str) -> Vec<icalendar::Event> {
    let cal =
        Calendar::from_str(ics).unwrap_or_else(|e| panic!("unparsable calendar ({e}): {ics}"));
    cal.events().cloned().collect()
}

#[tokio::test]
async fn announcing_stores_utc_opens_a_thread_and_names_bad_fields() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let bob = app.api_user("bob").await;
    let carol = app.api_user("carol").await;
    group(&app, &alice, "vigie-13").await;
    join(&app, &bob, "vigie-13").await;

    let a = announce(&app, &alice, rally("vigie-13")).await;
    // 18:30 in Marseille in June is 16:30 UTC.
    assert_eq!(a["starts_at"], "2030-06-15T16:30:00Z");
    assert_eq!(a["ends_at"], "2030-06-15T18:00:00Z");
    assert_eq!(a["timezone"], "Europe/Paris");
    assert_eq!(a["starts_at_local"], "2030-06-15T18:30");
    assert_eq!(a["status"], "planned");
    assert_eq!(a["sequence"], 0);
    assert!(a["description_html"]
        .as_str()
        .unwrap()
        .contains("<strong>nombreux</strong>"));
    // A Belgian city's action is in Brussels time (UTC+1 in winter).
    let mut liege = rally("vigie-13");
    liege["city"] = json!("liege");
    liege["starts_at"] = json!("2030-01-10T19:00");
    liege["ends_at"] = Value::Null;
    let b = announce(&app, &alice, liege).await;
    assert_eq!(b["starts_at"], "2030-01-10T18:00:00Z");
    assert_eq!(b["timezone"], "Europe/Brussels");

    // Its discussion thread sits in the group's public board and points at the action.
    let thread_path = a["thread"]["path"].as_str().unwrap().to_owned();
    let thread = app.get(&thread_path).await;
    assert_eq!(thread.status, StatusCode::OK);
    assert!(
        thread
            .body
            .contains(&format!("href=\"{}/a/{}\"", app.address, a["id"])),
        "{}",
        thread.body
    );
    assert!(
        thread.body.contains("/g/vigie-13/b/annonces"),
        "{}",
        thread.body
    );

    // Bad input: a 422 naming the field, nothing stored.
    let before = app.get("/api/v1/actions?group=vigie-13").await.json()["actions"]
        .as_array()
        .unwrap()
        .len();
    let past = (Utc::now() - Duration::hours(1)).to_rfc3339();
    for (change, field) in [
        (json!({"ends_at": "2030-06-15T17:00"}), "ends_at"),
        (json!({"starts_at": past}), "starts_at"),
        (json!({"starts_at": "demain soir"}), "starts_at"),
        (json!({"city": "nulle-part-du-tout"}), "city"),
        (json!({"capacity": 0}), "capacity"),
        (json!({"capacity": 100_001}), "capacity"),
        (json!({"title": "ab"}), "title"),
        (json!({"title": "x".repeat(121)}), "title"),
        (json!({"place": " "}), "place"),
        (json!({"visibility": "secret"}), "visibility"),
        // 02:30 on the last Sunday of March does not exist in Paris.
        (
            json!({"starts_at": "2030-03-31T02:30", "ends_at": null}),
            "starts_at",
        ),
    ] {
        let mut body = rally("vigie-13");
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = call(
            &app,
            Method::POST,
            "/api/v1/actions",
            &alice,
            Some(body.clone()),
        )
        .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            res.body
        );
        assert_eq!(res.json()["error"]["field"], field, "{body}: {}", res.body);
    }
    let after = app.get("/api/v1/actions?group=vigie-13").await.json()["actions"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
    let ok_capacity = {
        let mut body = rally("vigie-13");
        body["capacity"] = json!(100_000);
        announce(&app, &alice, body).await
    };
    assert_eq!(ok_capacity["capacity"], 100_000);
    // A patch with `null` removes the end and the capacity; what it does not name stays.
    let patched = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/actions/{}", ok_capacity["id"]),
        &alice,
        Some(json!({"ends_at": null, "capacity": null})),
    )
    .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.json()["ends_at"], Value::Null);
    assert_eq!(patched.json()["capacity"], Value::Null);
    assert_eq!(patched.json()["place"], "Place du Capitole");
    assert_eq!(patched.json()["starts_at"], "2030-06-15T16:30:00Z");

    // A member who is not a coordinator may not announce for the group; an outsider cannot see
    // where to.
    let res = call(
        &app,
        Method::POST,
        "/api/v1/actions",
        &bob,
        Some(rally("vigie-13")),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    let res = call(
        &app,
        Method::POST,
        "/api/v1/actions",
        &carol,
        Some(rally("vigie-13")),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);

    // Listed site-wide and on the city page.
    let list = app.get("/api/v1/actions?city=marseille").await.json();
    let ids: Vec<i64> = list["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&a["id"].as_i64().unwrap()));
    assert!(
        !ids.contains(&b["id"].as_i64().unwrap()),
        "Liège is not Marseille"
    );
    let city = app.get("/c/marseille").await;
    assert!(
        city.body.contains("Rassemblement contre la VSA"),
        "{}",
        city.body
    );
    assert!(city.body.contains("Groupe vigie-13"), "{}", city.body);
    let bad = app.get("/api/v1/actions?city=atlantide").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["field"], "city");
    let bad = app.get("/api/v1/actions?from=hier").await;
    assert_eq!(bad.json()["error"]["field"], "from");
    // A date range: the June rally is outside January.
    let jan = app
        .get("/api/v1/actions?from=2030-01-01&to=2030-01-31")
        .await
        .json();
    let jan_ids: Vec<i64> = jan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_i64().unwrap())
        .collect();
    assert_eq!(jan_ids, [b["id"].as_i64().unwrap()]);
}

#[tokio::test]
async fn the_waiting_list_fills_in_order_and_names_stay_in_the_group() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let alice = app.api_user("alice").await;
    let bob = app.api_user("bob").await;
    let carol = app.api_user("carol").await;
    let dan = app.api_user("dan").await;
    let eve = app.api_user("eve").await;
    group(&app, &alice, "vigie-13").await;
    for t in [&bob, &carol, &dan] {
        join(&app, t, "vigie-13").await;
    }
    let mut body = rally("vigie-13");
    body["capacity"] = json!(2);
    let a = announce(&app, &alice, body).await;
    let id = a["id"].as_i64().unwrap();

    let r = rsvp(&app, &bob, id, "going", false).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), json!({"answer": "going", "waitlisted": false}));
    let r = rsvp(&app, &carol, id, "going", true).await;
    assert_eq!(r.json(), json!({"answer": "going", "waitlisted": false}));
    // Full: Dan, then Eve (not in the group: a public action is open to all) wait in line.
    let r = rsvp(&app, &dan, id, "going", false).await;
    assert_eq!(r.json(), json!({"answer": "going", "waitlisted": true}));
    let r = rsvp(&app, &eve, id, "not going", false).await;
    assert_eq!(
        r.json(),
        json!({"answer": "not_going", "waitlisted": false})
    );
    let r = rsvp(&app, &eve, id, "going", false).await;
    assert_eq!(r.json(), json!({"answer": "going", "waitlisted": true}));
    let r = rsvp(&app, &eve, id, "perhaps", false).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["field"], "answer");

    let shown = call(
        &app,
        Method::GET,
        &format!("/api/v1/actions/{id}"),
        &bob,
        None,
    )
    .await;
    let shown = shown.json();
    assert_eq!(
        shown["counts"],
        json!({"going": 2, "maybe": 0, "not_going": 0, "waitlist": 2})
    );
    assert_eq!(shown["full"], true);
    // A member sees names, but not Carol's (counted without her name).
    let names: Vec<&str> = shown["attendees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bob", "dan", "eve"]);
    assert_eq!(shown["hidden_attendees"], 1);
    // Carol sees herself.
    let hers = call(
        &app,
        Method::GET,
        &format!("/api/v1/actions/{id}"),
        &carol,
        None,
    )
    .await;
    assert!(hers.body.contains("\"carol\""));
    assert_eq!(hers.json()["my_rsvp"]["hide_name"], true);
    // Outside the group nobody sees who answered: Eve (who answered), a visitor.
    for token in [Some(eve.as_str()), None] {
        let res = app
            .api(Method::GET, &format!("/api/v1/actions/{id}"), token, None)
            .await;
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.json()["attendees"], Value::Null, "{}", res.body);
        for name in ["bob", "carol", "dan"] {
            assert!(!res.body.contains(&format!("\"{name}\"")), "{}", res.body);
        }
        let page = match token {
            Some(_) => continue,
            None => app.get(&format!("/a/{id}")).await,
        };
        assert!(!page.body.contains("/u/bob"), "{}", page.body);
    }

    // Bob withdraws: Dan (first in line) gets his place and a mail; Eve still waits.
    let r = rsvp(&app, &bob, id, "maybe", false).await;
    assert_eq!(r.json(), json!({"answer": "maybe", "waitlisted": false}));
    let mail = app
        .mail_to("dan@example.org", "promotion", |m| {
            m.subject.contains("Rassemblement contre la VSA")
        })
        .await;
    assert!(mail.text.contains(&format!("/a/{id}")), "{}", mail.text);
    let shown = call(
        &app,
        Method::GET,
        &format!("/api/v1/actions/{id}"),
        &dan,
        None,
    )
    .await;
    assert_eq!(shown.json()["my_rsvp"]["waitlisted"], false);
    assert_eq!(
        shown.json()["counts"],
        json!({"going": 2, "maybe": 1, "not_going": 0, "waitlist": 1})
    );
    // Once every queued mail is out: Dan was told once, Eve (still waiting) not at all.
    app.settle(&admin).await;
    let promotions = |who: &str| {
        app.mails_to(who)
            .iter()
            .filter(|m| m.subject.contains("place"))
            .count()
    };
    assert_eq!(promotions("dan@example.org"), 1);
    assert_eq!(promotions("eve@example.org"), 0);
    // A larger capacity lets Eve in too.
    let res = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/actions/{id}"),
        &alice,
        Some(json!({"capacity": 3})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["counts"]["waitlist"], 0);
    assert_eq!(res.json()["sequence"], 1);
    app.mail_to("eve@example.org", "promotion", |m| {
        m.subject.contains("Rassemblement")
    })
    .await;
    // Only coordinators (and the author) change it.
    let res = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/actions/{id}"),
        &bob,
        Some(json!({"capacity": 10})),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn members_only_actions_do_not_exist_outside_the_group() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let bob = app.api_user("bob").await;
    let eve = app.api_user("eve").await;
    group(&app, &alice, "vigie-13").await;
    join(&app, &bob, "vigie-13").await;
    let mut body = rally("vigie-13");
    body["visibility"] = json!("members");
    body["title"] = json!("Réunion de préparation");
    let a = announce(&app, &alice, body).await;
    let id = a["id"].as_i64().unwrap();
    // Its thread is in the private board.
    assert!(a["thread"]["path"].as_str().unwrap().starts_with("/t/"));
    let thread = call(
        &app,
        Method::GET,
        &format!("/api/v1/threads/{}", a["thread"]["id"]),
        &bob,
        None,
    )
    .await;
    assert_eq!(thread.status, StatusCode::OK);
    assert_eq!(
        call(
            &app,
            Method::GET,
            &format!("/api/v1/threads/{}", a["thread"]["id"]),
            &eve,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        rsvp(&app, &bob, id, "going", false).await.status,
        StatusCode::OK
    );

    let member = call(
        &app,
        Method::GET,
        &format!("/api/v1/actions/{id}"),
        &bob,
        None,
    )
    .await;
    assert_eq!(member.status, StatusCode::OK);
    let in_group = call(
        &app,
        Method::GET,
        "/api/v1/actions?group=vigie-13",
        &bob,
        None,
    )
    .await;
    assert!(in_group.body.contains("Réunion de préparation"));

    let outsider = browser();
    app.register_with(&outsider, "olga").await;
    let check_absent = |who: &'static str, page: Page| {
        assert!(
            !page.body.contains("Réunion de préparation"),
            "{who} sees it: {}",
            page.body
        );
    };
    for (who, token) in [("eve", Some(eve.as_str())), ("visitor", None)] {
        let res = app
            .api(Method::GET, &format!("/api/v1/actions/{id}"), token, None)
            .await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{who}");
        let res = app
            .api(
                Method::PUT,
                &format!("/api/v1/actions/{id}/rsvp"),
                token,
                Some(json!({"answer": "going"})),
            )
            .await;
        assert!(
            matches!(res.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED),
            "{who}: {}",
            res.status
        );
        for path in [
            "/api/v1/actions",
            "/api/v1/actions?group=vigie-13",
            "/api/v1/actions?city=marseille",
        ] {
            check_absent(who, app.api(Method::GET, path, token, None).await);
        }
    }
    for path in [
        format!("/a/{id}"),
        "/actions".into(),
        "/actions.ics".into(),
        "/g/vigie-13".into(),
        "/g/vigie-13/actions".into(),
        "/g/vigie-13/actions.ics".into(),
        "/c/marseille".into(),
    ] {
        let visitor = app.get(&path).await;
        check_absent("visitor", visitor);
        let olga = app.get_with(&outsider, &path).await;
        if path.starts_with("/a/") {
            assert_eq!(olga.status, StatusCode::NOT_FOUND);
        }
        check_absent("olga", olga);
    }
    // Bob leaves: at once, it is gone for him too.
    let res = call(
        &app,
        Method::DELETE,
        "/api/v1/groups/vigie-13/membership",
        &bob,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let res = call(
        &app,
        Method::GET,
        &format!("/api/v1/actions/{id}"),
        &bob,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // A site-wide call cannot be members-only.
    let mut body = rally("");
    body["group"] = Value::Null;
    body["visibility"] = json!("members");
    body["board"] = json!("general");
    let res = call(&app, Method::POST, "/api/v1/actions", &eve, Some(body)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
}

#[tokio::test]
async fn cancelling_tells_everyone_and_calendars_round_trip() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let bob = app.api_user("bob").await;
    let carol = app.api_user("carol").await;
    group(&app, &alice, "vigie-13").await;
    join(&app, &bob, "vigie-13").await;
    let a = announce(&app, &alice, rally("vigie-13")).await;
    let id = a["id"].as_i64().unwrap();
    let mut members = rally("vigie-13");
    members["visibility"] = json!("members");
    members["title"] = json!("Réunion interne");
    announce(&app, &alice, members).await;
    assert_eq!(
        rsvp(&app, &bob, id, "going", false).await.status,
        StatusCode::OK
    );
    assert_eq!(
        rsvp(&app, &carol, id, "maybe", false).await.status,
        StatusCode::OK
    );

    let ics = app.get("/actions.ics").await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let evs = events(&ics.body);
    assert_eq!(evs.len(), 1, "{}", ics.body);
    let uid = evs[0].get_uid().unwrap().to_owned();
    assert!(uid.starts_with(&format!("action-{id}@")), "{uid}");
    assert_eq!(evs[0].get_sequence(), Some(0));
    assert_eq!(evs[0].get_status(), Some(EventStatus::Confirmed));
    assert_eq!(evs[0].get_summary(), Some("Rassemblement contre la VSA"));
    assert_eq!(
        evs[0].get_url(),
        Some(app.url(&format!("/a/{id}")).as_str())
    );
    assert!(evs[0].get_timestamp().is_some());

    // A change moves the sequence; the UID stays.
    let res = call(
        &app,
        Method::PATCH,
        &format!("/api/v1/actions/{id}"),
        &alice,
        Some(json!({"place": "Cours Julien"})),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Those who plan to come hear of the new place.
    for who in ["bob", "carol"] {
        let mail = app
            .mail_to(&format!("{who}@example.org"), "change", |m| {
                m.subject.contains("Rassemblement contre la VSA") && m.text.contains("Cours Julien")
            })
            .await;
        assert!(mail.text.contains(&format!("/a/{id}")));
    }
    let evs = events(&app.get("/g/vigie-13/actions.ics").await.body);
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0].get_uid(), Some(uid.as_str()));
    assert_eq!(evs[0].get_sequence(), Some(1));

    // Cancelling: mail to both who answered, STATUS:CANCELLED, sequence again.
    let res = call(
        &app,
        Method::POST,
        &format!("/api/v1/actions/{id}/cancel"),
        &bob,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = call(
        &app,
        Method::POST,
        &format!("/api/v1/actions/{id}/cancel"),
        &alice,
        None,
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["status"], "cancelled");
    for who in ["bob", "carol"] {
        let mail = app
            .mail_to(&format!("{who}@example.org"), "cancellation", |m| {
                m.subject.contains("Rassemblement contre la VSA") && m.subject.contains("nnul")
            })
            .await;
        assert!(mail.subject.contains("annulée") || mail.subject.contains("cancelled"));
        assert!(!mail.html.contains("<img"), "no tracking pixel");
    }
    let evs = events(&app.get("/actions.ics").await.body);
    assert_eq!(evs[0].get_status(), Some(EventStatus::Cancelled));
    assert_eq!(evs[0].get_sequence(), Some(2));
    let again = call(
        &app,
        Method::POST,
        &format!("/api/v1/actions/{id}/cancel"),
        &alice,
        None,
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let late = rsvp(&app, &carol, id, "going", false).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.json()["error"]["field"], "answer");

    // Bob's private calendar: what he answered, and his group's members-only actions.
    let client = browser();
    app.login_with(&client, "bob").await;
    let page = app.get_with(&client, "/settings").await;
    let token = csrf_token(&page.body);
    let res = client
        .post(app.url("/settings"))
        .form(&[("action", "calendar"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    let start = body.find("/cal/").expect("calendar link shown");
    let end = body[start..].find(".ics").unwrap() + start + 4;
    let link = body[start..end].to_owned();
    let mine = app.get(&link).await;
    assert_eq!(mine.status, StatusCode::OK);
    let summaries: Vec<String> = events(&mine.body)
        .iter()
        .map(|e| e.get_summary().unwrap().to_owned())
        .collect();
    assert!(summaries.contains(&"Rassemblement contre la VSA".to_owned()));
    assert!(
        summaries.contains(&"Réunion interne".to_owned()),
        "{summaries:?}"
    );
    assert!(!app
        .get("/actions.ics")
        .await
        .body
        .contains("Réunion interne"));
    // Bob's export holds his answer.
    let export = app.get_with(&client, "/settings/export").await.json();
    let answers = export["action_answers"].as_array().unwrap();
    assert_eq!(answers.len(), 1, "{export}");
    assert_eq!(answers[0]["title"], "Rassemblement contre la VSA");
    assert_eq!(answers[0]["answer"], "going");
    assert_eq!(export["groups"][0]["slug"], "vigie-13");
    // Renewing: the old link stops at once.
    let page = app.get_with(&client, "/settings").await;
    let token = csrf_token(&page.body);
    client
        .post(app.url("/settings"))
        .form(&[("action", "calendar"), ("csrf_token", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(app.get(&link).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/cal/nothing.ics").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn reminders_go_out_once_and_answers_close_at_the_start() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let alice = app.api_user("alice").await;
    let bob = app.api_user("bob").await;
    let carol = app.api_user("carol").await;
    let dan = app.api_user("dan").await;
    group(&app, &alice, "vigie-13").await;
    // Dan wants no direct mail.
    let dan_client = browser();
    app.login_with(&dan_client, "dan").await;
    let res = app
        .post_form_with(
            &dan_client,
            "/settings",
            "/settings",
            &[
                ("action", "notifications"),
                ("email_direct", "never"),
                ("email_watched", "never"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

    let mut soon = rally("vigie-13");
    soon["starts_at"] = json!((Utc::now() + Duration::hours(3)).to_rfc3339());
    soon["ends_at"] = Value::Null;
    soon["title"] = json!("Tractage au marché");
    let a = announce(&app, &alice, soon).await;
    let id = a["id"].as_i64().unwrap();
    assert_eq!(
        rsvp(&app, &bob, id, "going", false).await.status,
        StatusCode::OK
    );
    assert_eq!(
        rsvp(&app, &carol, id, "not_going", false).await.status,
        StatusCode::OK
    );
    assert_eq!(
        rsvp(&app, &dan, id, "maybe", false).await.status,
        StatusCode::OK
    );
    app.mail_to("bob@example.org", "reminder", |m| {
        m.subject.contains("Tractage au marché")
    })
    .await;
    // A new answer wakes the jobs again: still one reminder.
    assert_eq!(
        rsvp(&app, &bob, id, "maybe", false).await.status,
        StatusCode::OK
    );
    app.settle(&admin).await;
    let reminders = |who: &str| {
        app.mails_to(who)
            .iter()
            .filter(|m| m.subject.contains("Tractage au marché"))
            .count()
    };
    assert_eq!(reminders("bob@example.org"), 1);
    assert_eq!(reminders("carol@example.org"), 0, "not going: no reminder");
    assert_eq!(
        reminders("dan@example.org"),
        0,
        "direct mail off: no reminder"
    );

    // Once an action has started, answers are closed.
    let mut now = rally("vigie-13");
    let start = Utc::now() + Duration::seconds(2);
    now["starts_at"] = json!(start.to_rfc3339());
    now["ends_at"] = Value::Null;
    let started = announce(&app, &alice, now).await;
    let wait =
        (start - Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(200);
    tokio::time::sleep(wait).await;
    let late = rsvp(&app, &bob, started["id"].as_i64().unwrap(), "going", false).await;
    assert_eq!(
        late.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        late.body
    );
    assert_eq!(late.json()["error"]["field"], "answer");
}

#[tokio::test]
async fn the_pages_work_without_javascript() {
    let app = TestApp::spawn().await;
    let alice_token = app.api_user("alice").await;
    group(&app, &alice_token, "vigie-13").await;
    let alice = browser();
    app.login_with(&alice, "alice").await;

    // A bad form comes back as a 422 with everything typed.
    let res = app
        .post_form_with(
            &alice,
            "/g/vigie-13/actions/new",
            "/g/vigie-13/actions/new",
            &[
                ("title", "Projection-débat « Technopolice »"),
                ("starts_at", "2030-05-01T20:00"),
                ("ends_at", "2030-05-01T19:00"),
                ("place", "Cinéma l’Alhambra"),
                ("city", "marseille"),
                ("description", "Entrée libre."),
                ("visibility", "public"),
                ("capacity", "80"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(res.body.contains("Projection-débat « Technopolice »"));
    assert!(res.body.contains("Cinéma l’Alhambra"));
    assert!(res.body.contains("Entrée libre."));
    assert!(res.body.contains("value=\"80\""));
    assert!(res.body.contains("aria-invalid=\"true\""));

    let res = app
        .post_form_with(
            &alice,
            "/g/vigie-13/actions/new",
            "/g/vigie-13/actions/new",
            &[
                ("title", "Projection-débat « Technopolice »"),
                ("starts_at", "2030-05-01T20:00"),
                ("ends_at", "2030-05-01T22:30"),
                ("place", "Cinéma l’Alhambra"),
                ("city", "marseille"),
                ("description", "Entrée libre."),
                ("visibility", "public"),
                ("capacity", "80"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let path = res.location().to_owned();
    assert!(path.starts_with("/a/"));

    // Bob answers with the plain form, counted without his name.
    let bob = browser();
    app.register_with(&bob, "bob").await;
    let res = app
        .post_form_with(
            &bob,
            &path,
            &format!("{path}/rsvp"),
            &[("answer", "going"), ("hide_name", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = app.get_with(&bob, &path).await;
    assert!(page.body.contains("checked"), "{}", page.body);
    assert!(page.body.contains("Projection-débat"));
    // The visitor sees the count, a login link, and no names.
    let visitor = app.get(&path).await;
    assert_eq!(visitor.status, StatusCode::OK);
    assert!(visitor.body.contains("/login?next="));
    assert!(!visitor.body.contains("/u/bob"));

    // The coordinator's page: within six statements (session included), with the edit form.
    let page = app.get_with(&alice, &path).await;
    assert!(
        page.statements() <= 6,
        "action page: {} statements",
        page.statements()
    );
    assert!(page.body.contains(&format!("{path}/edit")), "{}", page.body);
    let edit = app.get_with(&alice, &format!("{path}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(
        edit.body.contains("value=\"2030-05-01T20:00\""),
        "{}",
        edit.body
    );
    let res = app
        .post_form_with(
            &alice,
            &format!("{path}/edit"),
            &format!("{path}/edit"),
            &[
                ("title", "Projection-débat « Technopolice » (complet)"),
                ("starts_at", "2030-05-01T20:00"),
                ("ends_at", ""),
                ("place", "Cinéma l’Alhambra"),
                ("city", "marseille"),
                ("description", ""),
                ("capacity", "0"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("(complet)"));
    // Cancelling through the form.
    let res = app
        .post_form_with(&alice, &path, &format!("{path}/cancel"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = app.get(&path).await;
    assert!(page.body.contains("Annulée") || page.body.contains("Cancelled"));
    // The lists.
    let list = app.get("/actions?city=marseille").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Projection-débat"));
    let group_list = app.get("/g/vigie-13/actions").await;
    assert!(group_list.body.contains("Projection-débat"));
    let group_page = app.get("/g/vigie-13").await;
    assert!(group_page.body.contains("Projection-débat"));
}

#[tokio::test]
async fn a_site_wide_call_lives_in_a_site_board() {
    let app = TestApp::spawn().await;
    let eve = app.api_user("eve").await;
    let bob = app.api_user("bob").await;
    let mut body = rally("");
    body["group"] = Value::Null;
    body["board"] = json!("actions-locales");
    body["title"] = json!("Journée nationale contre la Technopolice");
    let a = announce(&app, &eve, body.clone()).await;
    assert_eq!(a["group"], Value::Null);
    let id = a["id"].as_i64().unwrap();
    let thread = app.get(a["thread"]["path"].as_str().unwrap()).await;
    assert!(
        thread.body.contains("/b/actions-locales"),
        "{}",
        thread.body
    );
    // An unknown board is named.
    body["board"] = json!("nulle-part");
    let res = call(&app, Method::POST, "/api/v1/actions", &eve, Some(body)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.json()["error"]["field"], "board");
    // Bob answers; the author sees his name, Bob himself sees only the counts and his answer.
    assert_eq!(
        rsvp(&app, &bob, id, "going", false).await.status,
        StatusCode::OK
    );
    let seen = call(
        &app,
        Method::GET,
        &format!("/api/v1/actions/{id}"),
        &eve,
        None,
    )
    .await;
    assert_eq!(seen.json()["attendees"][0]["username"], "bob");
    let own = call(
        &app,
        Method::GET,
        &format!("/api/v1/actions/{id}"),
        &bob,
        None,
    )
    .await;
    assert_eq!(own.json()["attendees"], Value::Null);
    assert_eq!(own.json()["my_rsvp"]["answer"], "going");
    assert_eq!(own.json()["counts"]["going"], 1);
    // The site-wide list has it, and the form page offers the site's boards.
    assert!(app.get("/actions").await.body.contains("Journée nationale"));
    let client = browser();
    app.login_with(&client, "bob").await;
    let form = app.get_with(&client, "/actions/new").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body.contains("value=\"actions-locales\" selected"),
        "{}",
        form.body
    );
}

#[tokio::test]
async fn the_last_place_goes_to_one_person_when_answers_race() {
    let app = TestApp::spawn().await;
    let alice = app.api_user("alice").await;
    let mut people = Vec::new();
    for name in ["paula", "pedro", "pia", "pierre", "priya", "pablo"] {
        people.push(app.api_user(name).await);
    }
    group(&app, &alice, "vigie-13").await;
    let mut body = rally("vigie-13");
    body["capacity"] = json!(1);
    let id = announce(&app, &alice, body).await["id"].as_i64().unwrap();
    let (a, b, c, d, e, f) = tokio::join!(
        rsvp(&app, &people[0], id, "going", false),
        rsvp(&app, &people[1], id, "going", false),
        rsvp(&app, &people[2], id, "going", false),
        rsvp(&app, &people[3], id, "going", false),
        rsvp(&app, &people[4], id, "going", false),
        rsvp(&app, &people[5], id, "going", false),
    );
    let mut confirmed = 0;
    for res in [a, b, c, d, e, f] {
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        if res.json()["waitlisted"] == false {
            confirmed += 1;
        }
    }
    assert_eq!(confirmed, 1);
    let shown = app.get(&format!("/api/v1/actions/{id}")).await.json();
    assert_eq!(shown["counts"]["going"], 1);
    assert_eq!(shown["counts"]["waitlist"], 5);
}
