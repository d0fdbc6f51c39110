//! Infrastructure hardening: a database that stops answering, throttles that a stolen session or
//! a neighbouring address cannot get around, and the periodic sweep of expired rows.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::helpers::{browser, fresh_database, postgres_url, test_settings, TestApp};

/// What the black-hole proxy does with the traffic between the app and PostgreSQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    /// Bytes flow both ways.
    Forward,
    /// Connections stay open but nothing is passed on: the server never answers.
    Freeze,
    /// Every open connection is closed, and new ones are closed as soon as they arrive.
    Drop,
}

/// A TCP proxy in front of PostgreSQL that can stop answering or cut every connection.
struct BlackHole {
    address: String,
    wire: watch::Sender<Wire>,
}

impl BlackHole {
    async fn start(upstream: String) -> BlackHole {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let address = listener.local_addr().expect("proxy address").to_string();
        let (wire, watcher) = watch::channel(Wire::Forward);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if *watcher.borrow() == Wire::Drop {
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                tokio::spawn(pipe(client, server, watcher.clone()));
            }
        });
        BlackHole { address, wire }
    }

    fn set(&self, wire: Wire) {
        self.wire.send_replace(wire);
    }
}

async fn pipe(mut client: TcpStream, mut server: TcpStream, mut wire: watch::Receiver<Wire>) {
    let (mut client_in, mut client_out) = client.split();
    let (mut server_in, mut server_out) = server.split();
    let mut up = vec![0u8; 16 * 1024];
    let mut down = vec![0u8; 16 * 1024];
    loop {
        let current = *wire.borrow_and_update();
        match current {
            Wire::Drop => return,
            Wire::Freeze => {
                if wire.changed().await.is_err() {
                    return;
                }
                continue;
            }
            Wire::Forward => {}
        }
        tokio::select! {
            changed = wire.changed() => if changed.is_err() { return },
            read = client_in.read(&mut up) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => if server_out.write_all(&up[..n]).await.is_err() { return },
            },
            read = server_in.read(&mut down) => match read {
                Ok(0) | Err(_) => return,
                Ok(n) => if client_out.write_all(&down[..n]).await.is_err() { return },
            },
        }
    }
}

/// A PostgreSQL server that stops answering must not hang requests: `/readyz` says 503 within the
/// configured timeouts, pages say 503 (not 500) once the connections are cut, and everything
/// works again when the server is back, without a restart.
///
/// PostgreSQL only: a SQLite file cannot stop answering the way a network peer can (its own
/// outage, a lock held too long, is covered by the SQLite busy-timeout tests), so on SQLite this
/// test returns at once.
#[tokio::test]
async fn a_postgres_server_that_stops_answering_gives_503_not_a_hang() {
    if postgres_url().is_none() {
        return;
    }
    let (db, direct_url) = fresh_database();
    let mut url = url::Url::parse(&direct_url).expect("a PostgreSQL URL");
    let upstream = format!(
        "{}:{}",
        url.host_str().expect("a host"),
        url.port().unwrap_or(5432)
    );
    let proxy = BlackHole::start(upstream).await;
    let (host, port) = proxy.address.rsplit_once(':').expect("host:port");
    url.set_host(Some(host)).expect("host");
    url.set_port(Some(port.parse().expect("port")))
        .expect("port");

    let mut settings = test_settings(url.as_str());
    settings.database.pool_timeout_ms = 2000;
    settings.database.statement_timeout_seconds = 2;
    let app = TestApp::start(settings, Some(db)).await;
    let member = browser();
    app.register_with(&member, "veilleuse").await;
    let thread = app
        .new_thread_with(&member, "general", "Caméras du marché", "Combien ?", "")
        .await;
    let visitor = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let get = |path: String| {
        let req = visitor.get(app.url(&path));
        async move { req.send().await.expect("the server answers") }
    };
    assert_eq!(get("/readyz".into()).await.status(), StatusCode::OK);
    assert_eq!(get(format!("/t/{thread}")).await.status(), StatusCode::OK);

    proxy.set(Wire::Freeze);
    let started = Instant::now();
    let ready = get("/readyz".into()).await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "/readyz took {:?} with 2 s timeouts",
        started.elapsed()
    );

    proxy.set(Wire::Drop);
    let page = get(format!("/t/{thread}")).await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    let api = get(format!("/api/v1/threads/{thread}")).await;
    assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);

    proxy.set(Wire::Forward);
    assert_eq!(get("/readyz".into()).await.status(), StatusCode::OK);
    assert_eq!(get(format!("/t/{thread}")).await.status(), StatusCode::OK);
}
