//! Writes under load: many members posting at once, on the small test pool (`config/test.toml`).
//! No reply may be refused by the server (no 5xx), every acknowledged reply must be in its
//! thread afterwards with its text, and on SQLite the write-ahead log must stay bounded
//! (issue 13).
//!
//! `VIGIE_TEST_LOAD_REPLIES`, `…_FILLER` and `…_READS` scale the load up for a longer soak by
//! hand (replies per member, words of filler per reply, page reads before each reply).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use secrecy::ExposeSecret;
use serde_json::{json, Value};

use crate::helpers::{browser, TestApp};

/// Members posting at the same time.
const MEMBERS: usize = 16;
/// Of which these post through the web form (with a page read before each reply), the others
/// through the API.
const FORM_MEMBERS: usize = 4;
/// Replies each member posts, one after the other.
const REPLIES: usize = 40;
/// Twelve-byte words added to each reply (about 8 KB: the log grows fast enough to show).
const FILLER: usize = 700;
/// Reads of the thread's posts (API) before each reply.
const READS: usize = 2;
/// The most the write-ahead log may weigh after the burst (`db::JOURNAL_SIZE_LIMIT`).
const WAL_LIMIT: u64 = 64 * 1024 * 1024;

/// A load setting, from `VIGIE_TEST_LOAD_<name>` when set.
fn knob(name: &str, default: usize) -> usize {
    std::env::var(format!("VIGIE_TEST_LOAD_{name}"))
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One reply as the server acknowledged it (or did not).
struct Outcome {
    thread: i64,
    /// The post id, from the API's 201 body.
    post_id: Option<i64>,
    /// The post's number in its thread (API body, or the form's redirect `#pN`).
    number: Option<i64>,
    text: String,
    status: StatusCode,
    /// What a successful reply answers: 201 from the API, 303 from the form.
    expected: StatusCode,
    latency: Duration,
}

/// Every post of a thread, paging through `GET /api/v1/threads/{id}/posts`: number → (id, HTML).
async fn all_posts(app: &TestApp, thread: i64) -> HashMap<i64, (i64, String)> {
    let mut found = HashMap::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/threads/{thread}/posts?cursor={c}"),
            None => format!("/api/v1/threads/{thread}/posts"),
        };
        let res = app.api(Method::GET, &path, None, None).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let page = res.json();
        for post in page["posts"].as_array().expect("posts") {
            let number = post["number"].as_i64().expect("number");
            let id = post["id"].as_i64().expect("id");
            let html = post["body_html"].as_str().unwrap_or_default().to_owned();
            found.insert(number, (id, html));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return found,
        }
    }
}

/// The reply a member sends through the API.
async fn api_reply(
    client: &Client,
    app: &TestApp,
    token: &str,
    thread: i64,
    text: String,
) -> Outcome {
    let started = Instant::now();
    let res = client
        .post(app.url(&format!("/api/v1/threads/{thread}/posts")))
        .bearer_auth(token)
        .json(&json!({"body": text}))
        .send()
        .await
        .expect("reply sent");
    let status = res.status();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    Outcome {
        thread,
        post_id: body["id"].as_i64(),
        number: body["number"].as_i64(),
        text,
        status,
        expected: StatusCode::CREATED,
        latency: started.elapsed(),
    }
}

/// The reply a member sends through the web form (reading the thread page for its CSRF token
/// first, as a browser does).
async fn form_reply(client: &Client, app: &TestApp, thread: i64, text: String) -> Outcome {
    let started = Instant::now();
    let res = app.reply_with(client, thread, &text).await;
    let number = res
        .location()
        .rsplit_once("#p")
        .and_then(|(_, n)| n.parse().ok());
    Outcome {
        thread,
        post_id: None,
        number,
        text,
        status: res.status,
        expected: StatusCode::SEE_OTHER,
        latency: started.elapsed(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_replies_are_all_accepted_and_kept() {
    let app = Arc::new(
        TestApp::spawn_with(|s| {
            // Sixteen accounts from one address in a few seconds.
            s.security.registrations_per_hour = 1000;
            // A test-length burst on a fresh database never makes a writer wait the production
            // busy timeout (5 s) for SQLite's lock, but a loaded server does. A short one brings
            // that pile-up into the test: writers that each hold a connection and wait for the
            // lock (the code before the write queue) got 15 to 38 503s out of 640 replies here;
            // queued writes never wait for the lock. (PostgreSQL ignores it.)
            s.database.sqlite_busy_timeout_ms = 100;
        })
        .await,
    );
    // The members: the first ones with a signed-in browser, the others with an API token.
    let mut setup = tokio::task::JoinSet::new();
    for i in 0..MEMBERS {
        let app = app.clone();
        setup.spawn(async move {
            let name = format!("membre{i:02}");
            if i < FORM_MEMBERS {
                let client = browser();
                app.register_with(&client, &name).await;
                (i, Err(client))
            } else {
                (i, Ok(app.api_user(&name).await))
            }
        });
    }
    let mut members: Vec<(usize, Result<String, Client>)> = setup.join_all().await;
    members.sort_by_key(|(i, _)| *i);
    // A hot thread everyone writes in, and two quieter ones.
    let opener = app.api_user("ouvreuse").await;
    let mut threads = Vec::new();
    for title in [
        "Le fil où tout le monde écrit",
        "Un fil calme",
        "Un autre fil",
    ] {
        let res = app
            .api(
                Method::POST,
                "/api/v1/boards/general/threads",
                Some(&opener),
                Some(json!({"title": title, "body": "Premier message du fil."})),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        threads.push(res.json()["id"].as_i64().expect("thread id"));
    }

    // Every member starts at the same moment and posts its replies one after the other: even
    // members in the hot thread only, odd ones alternating between the two others and it.
    let start = Arc::new(tokio::sync::Barrier::new(MEMBERS));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, member) in members {
        let (app, start, threads) = (app.clone(), start.clone(), threads.clone());
        tasks.spawn(async move {
            let client = Client::new();
            start.wait().await;
            let replies = knob("REPLIES", REPLIES);
            let filler = "lorem ipsum ".repeat(knob("FILLER", FILLER));
            let reads = knob("READS", READS);
            let mut outcomes = Vec::with_capacity(replies);
            for j in 0..replies {
                let thread = if i % 2 == 0 {
                    threads[0]
                } else {
                    threads[j % 3]
                };
                for _ in 0..reads {
                    let _ = client
                        .get(app.url(&format!("/api/v1/threads/{thread}/posts")))
                        .send()
                        .await
                        .and_then(|r| r.error_for_status());
                }
                let text = format!("Reponse {j} du membre {i} motcle{i}x{j}fin {filler}");
                let text = text.trim_end().to_owned();
                outcomes.push(match &member {
                    Ok(token) => api_reply(&client, &app, token, thread, text).await,
                    Err(browser) => form_reply(browser, &app, thread, text).await,
                });
            }
            outcomes
        });
    }
    let began = Instant::now();
    let outcomes: Vec<Outcome> = tasks.join_all().await.into_iter().flatten().collect();
    let wall = began.elapsed();

    let mut latencies: Vec<Duration> = outcomes.iter().map(|o| o.latency).collect();
    latencies.sort();
    let p = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    let wal = app
        .settings
        .database
        .url
        .expose_secret()
        .strip_prefix("sqlite:")
        .and_then(|path| std::fs::metadata(format!("{path}-wal")).ok())
        .map(|m| m.len());
    eprintln!("write-ahead log after the burst: {wal:?} bytes");
    let server_errors = outcomes
        .iter()
        .filter(|o| o.status.is_server_error())
        .count();
    let mut statuses: HashMap<u16, usize> = HashMap::new();
    for o in &outcomes {
        *statuses.entry(o.status.as_u16()).or_default() += 1;
    }
    eprintln!(
        "{} replies by {MEMBERS} members in {wall:?}: statuses {statuses:?}; latency p50 {:?}, \
         p99 {:?}, max {:?}",
        outcomes.len(),
        p(0.50),
        p(0.99),
        p(1.0)
    );
    assert_eq!(
        server_errors, 0,
        "replies refused by the server: {statuses:?}"
    );
    for o in &outcomes {
        assert_eq!(o.status, o.expected, "reply {:?}", o.text);
    }

    // Every acknowledged reply is in its thread, at the number it was given, with its text.
    let mut kept: HashMap<i64, HashMap<i64, (i64, String)>> = HashMap::new();
    for &thread in &threads {
        kept.insert(thread, all_posts(&app, thread).await);
    }
    for o in &outcomes {
        let number = o
            .number
            .unwrap_or_else(|| panic!("no number for {:?}", o.text));
        let (id, html) = kept[&o.thread]
            .get(&number)
            .unwrap_or_else(|| panic!("post {number} of thread {} is missing", o.thread));
        if let Some(post_id) = o.post_id {
            assert_eq!(*id, post_id, "post {number} of thread {}", o.thread);
        }
        assert!(html.contains(&o.text), "{html} should hold {:?}", o.text);
    }
    let total: usize = kept.values().map(HashMap::len).sum();
    assert_eq!(
        total,
        threads.len() + outcomes.len(),
        "one post per reply, no more"
    );
    if let Some(bytes) = wal {
        assert!(
            bytes <= WAL_LIMIT,
            "the write-ahead log grew to {bytes} bytes"
        );
    }
}
