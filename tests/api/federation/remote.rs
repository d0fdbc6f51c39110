//! A remote ActivityPub server for the federation tests, on loopback: it serves one `Person`
//! (`zoe`) with a key the test made, records every POST to its inboxes, signs the requests it
//! sends (draft-cavage HTTP signatures, as Mastodon writes them, made here by hand so that the
//! check does not rest on the same code that signs) and verifies the signatures of what it
//! receives.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use reqwest::StatusCode;
use rsa::pkcs8::{DecodePublicKey, EncodePublicKey, LineEnding};
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// How long a test waits for a delivery.
pub const WAIT: Duration = Duration::from_secs(30);

/// One POST received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Received {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// The remote server.
pub struct Remote {
    /// `http://localhost:PORT`.
    pub base: String,
    /// Zoe's actor id.
    pub actor: String,
    key: RsaPrivateKey,
    received: Arc<Mutex<Vec<Received>>>,
    /// Requests signed so far (each gets its own date).
    sent: std::sync::atomic::AtomicU32,
    /// Documents served by path (objects of this server), besides Zoe's actor.
    documents: Arc<Mutex<BTreeMap<String, String>>>,
}

impl Remote {
    /// Starts the server on a free loopback port.
    pub async fn start() -> Remote {
        Remote::start_with_inboxes(None).await
    }

    /// Starts the server, Zoe's inboxes at `inboxes` (another server's base) when given.
    pub async fn start_with_inboxes(inboxes: Option<String>) -> Remote {
        Remote::start_actor("Person", inboxes).await
    }

    /// Starts the server with Zoe as a `Group` (a board of another server).
    pub async fn start_group() -> Remote {
        Remote::start_actor("Group", None).await
    }

    /// Starts the server, Zoe an actor of type `kind`.
    async fn start_actor(kind: &str, inboxes: Option<String>) -> Remote {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        let base = format!("http://localhost:{port}");
        let actor = format!("{base}/users/zoe");
        let inbox_base = inboxes.unwrap_or_else(|| base.clone());
        let key = tokio::task::spawn_blocking(|| {
            RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("key")
        })
        .await
        .expect("key generation");
        let public_pem = RsaPublicKey::from(&key)
            .to_public_key_pem(LineEnding::LF)
            .expect("public key PEM");
        let person = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": actor,
            "type": kind,
            "preferredUsername": "zoe",
            "inbox": format!("{inbox_base}/users/zoe/inbox"),
            "endpoints": {"sharedInbox": format!("{inbox_base}/inbox")},
            "publicKey": {"id": format!("{actor}#main-key"), "owner": actor, "publicKeyPem": public_pem},
        })
        .to_string();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let documents: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
        let served = documents.clone();
        let server = HttpServer::new(move || {
            let person = person.clone();
            let store = store.clone();
            let served = served.clone();
            App::new()
                .route(
                    "/users/zoe",
                    web::get().to(move || {
                        let person = person.clone();
                        async move {
                            HttpResponse::Ok()
                                .content_type("application/activity+json")
                                .body(person)
                        }
                    }),
                )
                .default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                    let store = store.clone();
                    let served = served.clone();
                    async move {
                        if req.method() != actix_web::http::Method::POST {
                            let found = served.lock().expect("documents").get(req.path()).cloned();
                            return match found {
                                Some(doc) => HttpResponse::Ok()
                                    .content_type("application/activity+json")
                                    .body(doc),
                                None => HttpResponse::NotFound().finish(),
                            };
                        }
                        let headers = req
                            .headers()
                            .iter()
                            .map(|(k, v)| {
                                (
                                    k.as_str().to_lowercase(),
                                    v.to_str().unwrap_or_default().to_owned(),
                                )
                            })
                            .collect();
                        store.lock().expect("store").push(Received {
                            path: req.path().to_owned(),
                            headers,
                            body: String::from_utf8_lossy(&body).into_owned(),
                        });
                        HttpResponse::Accepted().finish()
                    }
                }))
        })
        .workers(1)
        .listen(listener)
        .expect("listen")
        .run();
        tokio::spawn(server);
        Remote {
            base,
            actor,
            key,
            received,
            sent: std::sync::atomic::AtomicU32::new(0),
            documents,
        }
    }

    /// Serves `doc` at `path` from now on (`None`: no longer, 404).
    pub fn serve(&self, path: &str, doc: Option<&Value>) {
        let mut documents = self.documents.lock().expect("documents");
        match doc {
            Some(doc) => documents.insert(path.to_owned(), doc.to_string()),
            None => documents.remove(path),
        };
    }

    /// Serves a `Person` named `name` on this server, with the server's key (its requests are
    /// signed by `post_signed_as` with its id); returns the id.
    pub fn serve_person(&self, name: &str) -> String {
        let id = format!("{}/users/{name}", self.base);
        let public_pem = RsaPublicKey::from(&self.key)
            .to_public_key_pem(LineEnding::LF)
            .expect("public key PEM");
        let person = json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": id,
            "type": "Person",
            "preferredUsername": name,
            "inbox": format!("{id}/inbox"),
            "endpoints": {"sharedInbox": format!("{}/inbox", self.base)},
            "publicKey": {"id": format!("{id}#main-key"), "owner": id, "publicKeyPem": public_pem},
        });
        self.serve(&format!("/users/{name}"), Some(&person));
        id
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("store").clone()
    }

    /// Waits for a POST whose JSON body matches `pred`.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&Value) -> bool) -> Received {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(found) = self
                .received()
                .into_iter()
                .find(|r| serde_json::from_str::<Value>(&r.body).is_ok_and(|v| pred(&v)))
            {
                return found;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{what} never arrived; received: {:?}",
                self.received()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// POSTs `activity` to `inbox`, signed with `key_owner`'s key id (Zoe's unless told) and
    /// the test's key.
    pub async fn post_signed_as(
        &self,
        key_owner: &str,
        inbox: &str,
        activity: &Value,
    ) -> (StatusCode, String) {
        let request = self.sign(key_owner, inbox, activity, chrono::Utc::now());
        request.send().await
    }

    /// A signed request of `activity` for `inbox`, dated `at` (each of this server's requests
    /// gets its own second, so that two are never the same bytes, as real servers sign each
    /// attempt anew).
    pub fn sign(
        &self,
        key_owner: &str,
        inbox: &str,
        activity: &Value,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Signed {
        let n = self.sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let at = at - chrono::Duration::seconds(i64::from(n % 1800));
        let body = activity.to_string();
        let url = url::Url::parse(inbox).expect("inbox URL");
        let host = match url.port() {
            Some(port) => format!("{}:{port}", url.host_str().expect("host")),
            None => url.host_str().expect("host").to_owned(),
        };
        let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        let digest = format!("SHA-256={}", BASE64.encode(Sha256::digest(body.as_bytes())));
        let content_type = "application/activity+json";
        let signing = format!(
            "(request-target): post {}\nhost: {host}\ndate: {date}\ndigest: {digest}\ncontent-type: {content_type}",
            url.path()
        );
        let signature = self
            .key
            .sign(
                Pkcs1v15Sign::new::<Sha256>(),
                &Sha256::digest(signing.as_bytes()),
            )
            .expect("signature");
        let header = format!(
            "keyId=\"{key_owner}#main-key\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest content-type\",signature=\"{}\"",
            BASE64.encode(signature)
        );
        Signed {
            inbox: inbox.to_owned(),
            date,
            digest,
            signature: header,
            body,
        }
    }

    /// POSTs `activity` to `inbox`, signed as Zoe.
    pub async fn post_signed(&self, inbox: &str, activity: &Value) -> (StatusCode, String) {
        self.post_signed_as(&self.actor, inbox, activity).await
    }
}

/// A signed POST, ready to send (again).
#[derive(Debug, Clone)]
pub struct Signed {
    inbox: String,
    date: String,
    digest: String,
    signature: String,
    body: String,
}

impl Signed {
    /// Sends it; returns the status and the body of the answer.
    pub async fn send(&self) -> (StatusCode, String) {
        let res = reqwest::Client::new()
            .post(&self.inbox)
            .header("date", &self.date)
            .header("digest", &self.digest)
            .header("content-type", "application/activity+json")
            .header("signature", &self.signature)
            .body(self.body.clone())
            .send()
            .await
            .expect("POST to inbox");
        let status = res.status();
        (status, res.text().await.unwrap_or_default())
    }
}

/// Checks a received request's digest and HTTP signature against `public_pem`; returns the
/// signature's `keyId`.
pub fn verify(received: &Received, public_pem: &str) -> String {
    let digest = format!(
        "SHA-256={}",
        BASE64.encode(Sha256::digest(received.body.as_bytes()))
    );
    assert_eq!(
        received.headers.get("digest"),
        Some(&digest),
        "the digest names the body"
    );
    let header = received
        .headers
        .get("signature")
        .expect("a Signature header");
    let params: BTreeMap<String, String> = header
        .split(',')
        .filter_map(|part| part.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().trim_matches('"').to_owned()))
        .collect();
    let names = params.get("headers").expect("signed headers");
    assert!(names.contains("digest"), "the digest is signed: {names}");
    assert!(
        names.contains("(request-target)"),
        "the target is signed: {names}"
    );
    let lines: Vec<String> = names
        .split_whitespace()
        .map(|name| match name {
            "(request-target)" => format!("(request-target): post {}", received.path),
            "(created)" => format!("(created): {}", params["created"]),
            "(expires)" => format!("(expires): {}", params["expires"]),
            other => format!(
                "{other}: {}",
                received
                    .headers
                    .get(other)
                    .unwrap_or_else(|| panic!("signed header {other} missing"))
            ),
        })
        .collect();
    let signing = lines.join("\n");
    let signature = BASE64
        .decode(params.get("signature").expect("signature value"))
        .expect("base64 signature");
    let key = RsaPublicKey::from_public_key_pem(public_pem).expect("public key");
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(signing.as_bytes()),
        &signature,
    )
    .unwrap_or_else(|e| panic!("bad signature ({e}) over {signing:?}"));
    params.get("keyId").expect("keyId").clone()
}
