//! The addresses of local actors, objects and activities, from the public base URL, and what
//! federation calls an instance's domain.

use url::Url;

/// The ActivityStreams media type asked for and answered.
pub const ACTIVITY_JSON: &str = "application/activity+json";

/// The observatory's actor, on its index page's address.
pub const OBSERVATORY_PATH: &str = "/observatory";

/// The public collection.
pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";

/// The addresses of local actors and objects, from the public base URL.
#[derive(Debug, Clone)]
pub struct Urls {
    /// The base URL without a trailing slash.
    pub base: String,
    /// Host and port (when explicit): what the crate and the policies call the domain.
    pub domain: String,
}

impl Urls {
    /// Reads the base URL.
    pub fn new(base: &str) -> anyhow::Result<Urls> {
        let base = base.trim_end_matches('/').to_owned();
        let parsed = Url::parse(&base)?;
        let domain = authority(&parsed)
            .ok_or_else(|| anyhow::anyhow!("server.base_url has no host: {base}"))?;
        Ok(Urls { base, domain })
    }

    /// An absolute URL for a local path.
    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The shared inbox.
    pub fn shared_inbox(&self) -> String {
        self.at("/inbox")
    }

    /// A thread's `Page`.
    pub fn thread(&self, id: i64) -> String {
        self.at(&format!("/t/{id}"))
    }

    /// A reply's `Note`.
    pub fn post(&self, id: i64) -> String {
        self.at(&format!("/p/{id}"))
    }

    /// The observatory's `Group` (its index page's English address).
    pub fn observatory(&self) -> String {
        self.at(OBSERVATORY_PATH)
    }

    /// A published deployment's `Article` (its page).
    pub fn deployment(&self, id: i64) -> String {
        self.at(&format!("/observatoire/d/{id}"))
    }

    /// The id of an activity of ours (stable: the same event always gets the same id, which is
    /// what keeps a delivery from being queued twice).
    pub fn activity(&self, what: &str) -> String {
        self.at(&format!("/ap/activities/{what}"))
    }
}

/// The host of a URL, with its port when one is written: `example.org`, `localhost:8080`.
pub fn authority(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// The domain (`authority`) of an id stored as text: an actor's or a mirrored board's.
pub fn domain_of(id: &str) -> Option<String> {
    authority(&Url::parse(id).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_is_the_host_and_an_explicit_port() {
        let urls = Urls::new("https://Forum.example/").expect("urls");
        assert_eq!(urls.base, "https://Forum.example");
        assert_eq!(urls.domain, "forum.example");
        let urls = Urls::new("http://localhost:8080").expect("urls");
        assert_eq!(urls.domain, "localhost:8080");
        assert_eq!(urls.thread(3), "http://localhost:8080/t/3");
        assert!(Urls::new("not a url").is_err());
    }
}
