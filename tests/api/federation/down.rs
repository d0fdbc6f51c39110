//! A remote server that is down never holds up posting here (issue 17): its deliveries wait in
//! the queue, retried in the background, while members keep posting.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::net::TcpListener;

use super::remote::Remote;
use super::{base, count_in, federated, people};

/// A server that accepts connections and never answers: the worst kind of down.
async fn hanging_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("address").port();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            held.push(socket);
        }
    });
    format!("http://localhost:{port}")
}

#[tokio::test]
async fn a_remote_server_that_hangs_never_holds_up_posting() {
    let app = federated().await;
    let alice = people(&app).await;
    let board = format!("{}/b/general", base(&app));
    // Zoe's profile answers, but her inboxes are on a server that never answers.
    let remote = Remote::start_with_inboxes(Some(hanging_server().await)).await;
    let (status, body) = remote
        .post_signed(
            &format!("{board}/inbox"),
            &super::follow(&remote, 1, &board),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let thread = app
        .new_thread_with(&alice, "general", "Caméras au port", "Deux", "")
        .await;
    // Each post answers at once, though each is queued for the hanging inbox, whose requests
    // time out only after 10 seconds.
    for n in 0..3 {
        let started = Instant::now();
        let res = app
            .reply_with(&alice, thread, &format!("Réponse {n}"))
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "posting waited for the remote server"
        );
    }
    let page = app.get(&format!("/t/{thread}")).await;
    for n in 0..3 {
        assert!(page.body.contains(&format!("Réponse {n}")));
    }
    // The deliveries wait in the queue, none lost.
    let deadline = tokio::time::Instant::now() + super::remote::WAIT;
    loop {
        let admin = app.get("/admin/federation").await;
        if count_in(&admin.body, "deliveries-pending") >= 2 {
            assert_eq!(count_in(&admin.body, "deliveries-failed"), 0);
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "nothing was queued");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
