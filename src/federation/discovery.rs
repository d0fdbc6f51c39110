//! Discovery documents: WebFinger (RFC 7033) answers for `acct:name@domain` (a member, a public
//! board, a public group; `!name@domain` asks for a board or group only, as Lemmy writes
//! community handles; a group's board is `group.board`; the observatory is `observatory`), and
//! NodeInfo 2.1 (its well-known link document and the document itself).

use serde_json::{json, Value};

use super::actors::{local_by_path, Local, OBSERVATORY_HANDLE};
use super::error::FederationError;
use super::queries;
use super::urls::{Urls, ACTIVITY_JSON};
use crate::db::Db;

/// The NodeInfo schema this server answers.
pub const NODEINFO_SCHEMA: &str = "http://nodeinfo.diaspora.software/ns/schema/2.1";

/// What a WebFinger `resource` asks for: a handle on this domain, or one of our actor URLs.
enum Resource {
    Handle { name: String, groups_only: bool },
    Url(String),
}

fn parse_resource(urls: &Urls, resource: &str) -> Result<Resource, FederationError> {
    let resource = resource.trim();
    if let Some(path) = resource.strip_prefix(&urls.base) {
        if path.starts_with('/') {
            return Ok(Resource::Url(path.to_owned()));
        }
    }
    let handle = resource.strip_prefix("acct:").unwrap_or(resource);
    let (groups_only, handle) = match handle.strip_prefix('!') {
        Some(rest) => (true, rest),
        None => (false, handle.strip_prefix('@').unwrap_or(handle)),
    };
    let (name, domain) = handle
        .rsplit_once('@')
        .ok_or_else(|| FederationError::BadRequest("resource is not a handle".into()))?;
    if !domain.eq_ignore_ascii_case(&urls.domain) || name.is_empty() {
        return Err(FederationError::NotFound);
    }
    Ok(Resource::Handle {
        name: name.to_owned(),
        groups_only,
    })
}

/// The local actors a WebFinger resource names (a member and a board may share a name).
async fn lookup(db: &Db, urls: &Urls, resource: &str) -> Result<Vec<Local>, FederationError> {
    match parse_resource(urls, resource)? {
        Resource::Url(path) => Ok(local_by_path(db, &path).await?.into_iter().collect()),
        Resource::Handle { name, groups_only } => {
            db.run(move |conn| {
                let mut found = Vec::new();
                if !groups_only {
                    if let Some(user) = queries::user_by_name(conn, &name)? {
                        found.push(Local::User(user));
                    }
                }
                match name.split_once('.') {
                    Some((group, board)) => {
                        if let Some(b) = queries::group_board(conn, group, board)? {
                            found.push(Local::Board(b));
                        }
                    }
                    None => {
                        if let Some(b) = queries::site_board(conn, &name)? {
                            found.push(Local::Board(b));
                        }
                        if let Some(g) = queries::public_group(conn, &name)? {
                            found.push(Local::Group(g));
                        }
                        if name == OBSERVATORY_HANDLE {
                            found.push(Local::Observatory);
                        }
                    }
                }
                Ok::<_, FederationError>(found)
            })
            .await
        }
    }
}

/// The WebFinger document for `resource` (404 when it names nothing that federates).
pub async fn webfinger(db: &Db, urls: &Urls, resource: &str) -> Result<Value, FederationError> {
    let found = lookup(db, urls, resource).await?;
    let Some(first) = found.first() else {
        return Err(FederationError::NotFound);
    };
    let subject = format!("acct:{}@{}", first.preferred_username(), urls.domain);
    let mut aliases = Vec::new();
    let mut links = Vec::new();
    for local in &found {
        let href = local.ap_id(urls);
        let kind = match local {
            Local::User(_) => "Person",
            Local::Board(_) | Local::Group(_) | Local::Observatory => "Group",
        };
        links.push(json!({
            "rel": "http://webfinger.net/rel/profile-page",
            "type": "text/html",
            "href": href,
        }));
        links.push(json!({
            "rel": "self",
            "type": ACTIVITY_JSON,
            "href": href,
            "properties": {"https://www.w3.org/ns/activitystreams#type": kind},
        }));
        aliases.push(Value::String(href));
    }
    Ok(json!({"subject": subject, "aliases": aliases, "links": links}))
}

/// `/.well-known/nodeinfo`: where the NodeInfo document is.
pub fn nodeinfo_links(urls: &Urls) -> Value {
    json!({
        "links": [{"rel": NODEINFO_SCHEMA, "href": urls.at("/nodeinfo/2.1")}],
    })
}

/// The NodeInfo 2.1 document.
pub fn nodeinfo(site_name: &str, open_registrations: bool, members: i64, posts: i64) -> Value {
    json!({
        "version": "2.1",
        "software": {
            "name": "vigie",
            "version": env!("CARGO_PKG_VERSION"),
        },
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0"]},
        "openRegistrations": open_registrations,
        "usage": {
            "users": {"total": members},
            "localPosts": posts,
        },
        "metadata": {"nodeName": site_name},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls() -> Urls {
        Urls::new("https://v.example").expect("urls")
    }

    #[test]
    fn handles_and_urls_are_read_as_resources() {
        let u = urls();
        assert!(matches!(
            parse_resource(&u, "acct:alice@v.example"),
            Ok(Resource::Handle { ref name, groups_only: false }) if name == "alice"
        ));
        assert!(matches!(
            parse_resource(&u, "acct:!general@V.Example"),
            Ok(Resource::Handle { ref name, groups_only: true }) if name == "general"
        ));
        assert!(matches!(
            parse_resource(&u, "https://v.example/b/general"),
            Ok(Resource::Url(ref p)) if p == "/b/general"
        ));
        assert!(matches!(
            parse_resource(&u, "acct:alice@elsewhere.example"),
            Err(FederationError::NotFound)
        ));
        assert!(matches!(
            parse_resource(&u, "alice"),
            Err(FederationError::BadRequest(_))
        ));
    }

    #[test]
    fn nodeinfo_says_what_the_schema_requires() {
        let doc = nodeinfo("Vigie", true, 3, 12);
        assert_eq!(doc["version"], "2.1");
        assert_eq!(doc["software"]["name"], "vigie");
        assert_eq!(doc["protocols"][0], "activitypub");
        assert_eq!(doc["usage"]["users"]["total"], 3);
        assert_eq!(doc["usage"]["localPosts"], 12);
        assert_eq!(doc["openRegistrations"], true);
        assert!(doc["services"]["inbound"].is_array());
        assert!(doc["metadata"].is_object());
    }
}
