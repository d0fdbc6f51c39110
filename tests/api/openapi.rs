//! The API's description: `GET /api/v1/openapi.json` is an OpenAPI 3.1 document, generated from
//! the code, that names every route registered under `/api/v1` (found by reading the `configure`
//! functions `app::configure_api` mounts, so a new route cannot slip by) and describes what the
//! routes really answer: real answers of the server are validated against it with `jsonschema`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use reqwest::{Method, StatusCode};
use serde_json::{json, Map, Value};

use crate::helpers::{Page, TestApp};

const PREFIX: &str = "/api/v1";
const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text between the braces of `fn name(…) {…}` in `text`, if there is such a function.
fn fn_body<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let start = [format!("fn {name}("), format!("fn {name}<")]
        .iter()
        .filter_map(|p| text.find(p.as_str()).map(|i| i + p.len()))
        .min()?;
    let open = start + text[start..].find('{')?;
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[open + 1..open + i]);
                }
            }
            _ => {}
        }
    }
    None
}

/// The file of module `segments` under the directory `dir` (`a/b.rs` or `a/b/mod.rs`).
fn module_file(dir: &Path, segments: &[&str]) -> Option<PathBuf> {
    let (last, parents) = segments.split_last()?;
    let mut base = dir.to_path_buf();
    for s in parents {
        base.push(s);
    }
    [
        base.join(format!("{last}.rs")),
        base.join(last).join("mod.rs"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// The directory holding the child modules of the module in `file`.
fn children_dir(file: &Path) -> PathBuf {
    let parent = file.parent().expect("parent");
    match file.file_stem().and_then(|s| s.to_str()) {
        Some("mod") | Some("lib") | Some("main") => parent.to_path_buf(),
        Some(stem) => parent.join(stem),
        None => parent.to_path_buf(),
    }
}

/// Where `path` (`a::b::item`, written in `file`) points: the file of its module and the item.
fn resolve(file: &Path, path: &str) -> (PathBuf, String) {
    let segments: Vec<&str> = path.trim_start_matches("crate::").split("::").collect();
    let (item, modules) = segments.split_last().expect("a path");
    if modules.is_empty() {
        return (file.to_path_buf(), (*item).to_owned());
    }
    let text = read(file);
    let found = if path.starts_with("crate::") {
        module_file(&src(), modules)
    } else {
        module_file(&children_dir(file), modules)
            .or_else(|| module_file(&src(), modules))
            .or_else(|| {
                // `use crate::x::y::{self, …}` or `use crate::x::y;` brought `y` in.
                let first = modules[0];
                let full = text.lines().find_map(|l| {
                    let rest = l.trim().strip_prefix("use crate::")?;
                    let path = rest
                        .split_once("::{")
                        .filter(|(_, list)| list.contains("self"))
                        .map(|(p, _)| p)
                        .or_else(|| rest.strip_suffix(';'))?;
                    (path.rsplit("::").next() == Some(first)).then(|| path.to_owned())
                })?;
                let mut all: Vec<&str> = full.split("::").collect();
                all.extend(&modules[1..]);
                module_file(&src(), &all)
            })
            // A sibling brought in by `use super::x` or `use crate::feature::{x, …}`.
            .or_else(|| module_file(file.parent()?, modules))
    };
    let module =
        found.unwrap_or_else(|| panic!("{}: cannot find module of `{path}`", file.display()));
    (module, (*item).to_owned())
}

/// The calls of a `configure` body: `cfg.a(x).b(y);` → `[("a", "x"), ("b", "y")]`, and a bare
/// `path(cfg);` → `("configure", "path")`.
fn calls(body: &str) -> Vec<(String, String)> {
    let code: String = body
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let code = code.trim();
    let mut out = Vec::new();
    for statement in statements(code) {
        if let Some(path) = statement.strip_suffix("(cfg)").filter(|p| is_path(p)) {
            out.push(("configure".to_owned(), path.to_owned()));
            continue;
        }
        let mut rest = statement
            .strip_prefix("cfg")
            .unwrap_or_else(|| panic!("neither `cfg.…` nor `f(cfg)`: {statement}"))
            .trim();
        while !rest.is_empty() {
            let after_dot = rest
                .strip_prefix('.')
                .unwrap_or_else(|| panic!("not a `cfg.…` chain at: {rest}"));
            let open = after_dot.find('(').expect("a call");
            let name = after_dot[..open].trim().to_owned();
            let close = open + closing(&after_dot[open..]).expect("balanced parentheses");
            out.push((name, after_dot[open + 1..close].trim().to_owned()));
            rest = after_dot[close + 1..].trim();
        }
    }
    out
}

/// The statements of a block, split at the `;` outside parentheses.
fn statements(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in code.char_indices() {
        match c {
            '(' | '{' | '[' => depth += 1,
            ')' | '}' | ']' => depth -= 1,
            ';' if depth == 0 => {
                out.push(code[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(code[start..].trim());
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

/// Where the parenthesis opening `text` closes.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// `a::b::c`.
fn is_path(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == ':')
}

/// A route registered under `/api/v1`: the method, the full path, and whether its handler reads
/// a query string.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Route {
    method: String,
    path: String,
    query: bool,
}

/// Follows `configure` in `file` and collects the routes its handlers carry; anything else
/// registered there (`.route`, `.map`, a scope, …) is a problem: it would go undescribed.
fn walk(file: &Path, function: &str, routes: &mut Vec<Route>, problems: &mut Vec<String>) {
    let text = read(file);
    let where_ = format!("{}::{function}", file.display());
    let Some(body) = fn_body(&text, function) else {
        // A re-export: `pub use api::configure as configure_api;`.
        let suffix = format!(" as {function};");
        let reexport = text.lines().find_map(|l| {
            l.trim()
                .strip_prefix("pub use ")?
                .strip_suffix(suffix.as_str())
                .map(str::to_owned)
        });
        match reexport {
            Some(target) => {
                let (f, item) = resolve(file, &target);
                walk(&f, &item, routes, problems);
            }
            None => problems.push(format!("{where_}: no such function")),
        }
        return;
    };
    for (call, arg) in calls(body) {
        match call.as_str() {
            "configure" => {
                let (f, item) = resolve(file, &arg);
                walk(&f, &item, routes, problems);
            }
            "service" if is_path(&arg) => {
                let (f, item) = resolve(file, &arg);
                handler(&f, &item, routes, problems);
            }
            _ => problems.push(format!(
                "{where_} registers `.{call}({arg})`: only `.service(handler)` with a described \
                 handler and `.configure(f)` belong in the API"
            )),
        }
    }
}

/// The route attribute of handler `name` in `file`.
fn handler(file: &Path, name: &str, routes: &mut Vec<Route>, problems: &mut Vec<String>) {
    let text = read(file);
    // `#[get("/path")]`, then only other attributes or a doc line, then `async fn name(`.
    let found = text.find(&format!("async fn {name}(")).and_then(|at| {
        let signature = text[at..].split('{').next()?;
        let before = &text[..at];
        let (start, method) = METHODS
            .iter()
            .filter_map(|m| before.rfind(&format!("#[{m}(\"")).map(|i| (i, *m)))
            .max()?;
        let attr = &before[start..];
        let path = attr.split('"').nth(1)?;
        let between = &attr[attr.find(")]")? + 2..];
        let only_attributes = between.lines().all(|l| {
            let l = l.trim();
            l.is_empty()
                || l.starts_with("#[")
                || l.starts_with("//")
                || l == "pub"
                || l == "pub(crate)"
        });
        only_attributes.then(|| Route {
            method: method.to_owned(),
            path: format!("{PREFIX}{path}"),
            query: signature.contains("Query<"),
        })
    });
    match found {
        Some(route) => routes.push(route),
        None => problems.push(format!(
            "{}: handler `{name}` has no `#[get(\"…\")]`-style route attribute",
            file.display()
        )),
    }
}

/// Every route `app::configure_api` registers, and what it registers in another way.
fn registered_routes() -> (Vec<Route>, Vec<String>) {
    let mut routes = Vec::new();
    let mut problems = Vec::new();
    walk(
        &src().join("app.rs"),
        "configure_api",
        &mut routes,
        &mut problems,
    );
    // No route is registered under `/api` any other way (a page `configure` with an API path).
    for file in rust_files(&src()) {
        let text = read(&file);
        let calls = [
            "route", "resource", "scope", "get", "post", "put", "patch", "delete",
        ];
        if calls.iter().any(|c| text.contains(&format!("{c}(\"/api"))) {
            problems.push(format!(
                "{}: a route written with `/api` in it",
                file.display()
            ));
        }
    }
    routes.sort();
    (routes, problems)
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("src dir").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The served document.
async fn document(app: &TestApp) -> Value {
    let res = app
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json()
}

/// Every `(method, path)` of the document, with its operation.
fn operations(doc: &Value) -> BTreeMap<(String, String), Value> {
    let mut out = BTreeMap::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if METHODS.contains(&method.as_str()) {
                out.insert((method.clone(), path.clone()), op.clone());
            }
        }
    }
    out
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_describes_every_registered_route() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1.")),
        "not OpenAPI 3.1: {}",
        doc["openapi"]
    );
    assert_eq!(doc["info"]["title"], "Vigie API");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));

    let (routes, problems) = registered_routes();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(routes.len() > 50, "too few routes found: {routes:?}");
    let ops = operations(&doc);
    let registered: BTreeSet<(String, String)> = routes
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    let documented: BTreeSet<(String, String)> = ops.keys().cloned().collect();
    let missing: Vec<_> = registered.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "registered, not in the document: {missing:?}"
    );
    let phantom: Vec<_> = documented.difference(&registered).collect();
    assert!(
        phantom.is_empty(),
        "in the document, not registered: {phantom:?}"
    );

    // Each operation: a unique id, a success answer, the error shape for the rest, and its
    // query parameters when the handler reads a query string.
    let mut ids = BTreeSet::new();
    for ((method, path), op) in &ops {
        let at = format!("{method} {path}");
        let id = op["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{at}: no operationId"));
        assert!(
            ids.insert(id.to_owned()),
            "{at}: operationId `{id}` used twice"
        );
        let responses = op["responses"].as_object().expect("responses");
        assert!(
            responses.keys().any(|s| s.starts_with('2')),
            "{at}: no success answer"
        );
        assert_eq!(
            op["responses"]["default"]["$ref"], "#/components/responses/Error",
            "{at}: errors not described"
        );
        for param in op["parameters"].as_array().into_iter().flatten() {
            if param["in"] == "path" {
                assert!(path.contains(&format!("{{{}}}", param["name"].as_str().unwrap_or(""))));
            }
        }
        let path_params = path.matches('{').count();
        let declared = |place: &str| {
            op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == place)
                .count()
        };
        assert_eq!(declared("path"), path_params, "{at}: path parameters");
        let route = routes
            .iter()
            .find(|r| &r.method == method && &r.path == path)
            .expect("registered");
        assert_eq!(
            declared("query") > 0,
            route.query,
            "{at}: query parameters described ↔ the handler reads a query string"
        );
    }
    let error = &doc["components"]["responses"]["Error"]["content"]["application/json"]["schema"];
    assert_eq!(error["$ref"], "#/components/schemas/ErrorBody");
    assert_eq!(
        doc["components"]["schemas"]["ErrorDetail"]["required"],
        json!(["code", "message"])
    );
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[test]
fn schema_names_are_unique() {
    // Schemas are keyed by name in the document: two `ToSchema` types of the same name would
    // silently replace each other (rename one, or `#[schema(as = …)]`).
    let mut seen: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in rust_files(&src()) {
        let text = read(&file);
        let mut lines = text.lines().map(str::trim);
        while let Some(line) = lines.next() {
            if !(line.starts_with("#[derive(") && line.contains("ToSchema")) {
                continue;
            }
            let mut alias = None;
            for l in lines.by_ref() {
                if let Some(a) = l.strip_prefix("#[schema(as = ") {
                    alias = a.strip_suffix(")]").map(str::to_owned);
                }
                let item = l.split_once("struct ").or_else(|| l.split_once("enum "));
                if let Some((_, rest)) = item.filter(|_| !l.starts_with("//")) {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let name = alias.unwrap_or(name);
                    seen.entry(name)
                        .or_default()
                        .push(file.display().to_string());
                    break;
                }
            }
        }
    }
    let twice: Vec<_> = seen.iter().filter(|(_, files)| files.len() > 1).collect();
    assert!(twice.is_empty(), "schema names used twice: {twice:?}");
    assert!(seen.len() > 50, "too few schemas found");
}

#[tokio::test]
async fn the_document_has_an_entity_tag() {
    let app = TestApp::spawn().await;
    let res = app
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let etag = res.headers["etag"].to_str().expect("etag").to_owned();
    let again = reqwest::Client::new()
        .get(app.url("/api/v1/openapi.json"))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"].to_str().expect("etag"), etag);
    assert!(again.text().await.expect("body").is_empty());
    let other = reqwest::Client::new()
        .get(app.url("/api/v1/openapi.json"))
        .header("if-none-match", "\"autre\"")
        .send()
        .await
        .expect("GET");
    assert_eq!(other.status(), StatusCode::OK);
}

/// Checks real answers against the document.
struct Checker {
    doc: Value,
    /// The operations an answer was checked for (`get /api/v1/boards`).
    seen: RefCell<BTreeSet<String>>,
}

impl Checker {
    /// The document's path template matching a concrete `path` (literal segments preferred).
    fn template(&self, method: &Method, path: &str) -> String {
        let path = path.split('?').next().unwrap_or(path);
        let want: Vec<&str> = path.split('/').collect();
        let method = method.as_str().to_lowercase();
        let mut best: Option<(usize, String)> = None;
        for (template, item) in self.doc["paths"].as_object().expect("paths") {
            if item.get(&method).is_none() {
                continue;
            }
            let have: Vec<&str> = template.split('/').collect();
            if have.len() != want.len() {
                continue;
            }
            let fits = have
                .iter()
                .zip(&want)
                .all(|(h, w)| h == w || (h.starts_with('{') && h.ends_with('}')));
            if fits {
                let literal = have.iter().filter(|h| !h.starts_with('{')).count();
                if best.as_ref().map_or(true, |(n, _)| literal > *n) {
                    best = Some((literal, template.clone()));
                }
            }
        }
        best.map(|(_, t)| t)
            .unwrap_or_else(|| panic!("{method} {path}: no operation in the document"))
    }

    /// Follows a `$ref` to `#/components/…`.
    fn deref<'a>(&'a self, value: &'a Value) -> &'a Value {
        match value["$ref"].as_str() {
            Some(r) => {
                let pointer = r.strip_prefix('#').expect("a local reference");
                self.doc
                    .pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling reference {r}"))
            }
            None => value,
        }
    }

    /// Validates an answer to `method path` against the operation's answer for its status.
    fn check(&self, method: &Method, path: &str, res: &Page) {
        let template = self.template(method, path);
        let op = &self.doc["paths"][&template][method.as_str().to_lowercase()];
        let at = format!("{method} {path} → {}", res.status);
        let status = res.status.as_str();
        let described = match op["responses"].get(status) {
            Some(r) => r,
            None if res.status.is_client_error() || res.status.is_server_error() => {
                &op["responses"]["default"]
            }
            None => panic!("{at}: status not in the document ({})", op["responses"]),
        };
        let described = self.deref(described);
        match described.get("content") {
            None => assert!(res.body.is_empty(), "{at}: a body where none is described"),
            Some(content) => {
                let schema = &content["application/json"]["schema"];
                assert!(schema.is_object(), "{at}: no JSON schema ({content})");
                let body: Value = serde_json::from_str(&res.body)
                    .unwrap_or_else(|e| panic!("{at}: not JSON ({e}): {}", res.body));
                let mut root: Map<String, Value> = schema.as_object().expect("schema").clone();
                root.insert(
                    "$schema".into(),
                    json!("https://json-schema.org/draft/2020-12/schema"),
                );
                root.insert("components".into(), self.doc["components"].clone());
                let validator = jsonschema::draft202012::new(&Value::Object(root))
                    .unwrap_or_else(|e| panic!("{at}: the schema does not compile: {e}"));
                let errors: Vec<String> = validator
                    .iter_errors(&body)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                assert!(
                    errors.is_empty(),
                    "{at}: the answer does not match the document:\n{}\n{body:#}",
                    errors.join("\n")
                );
            }
        }
        self.seen
            .borrow_mut()
            .insert(format!("{} {template}", method.as_str().to_lowercase()));
    }
}

/// Calls the API and checks the answer against the document; returns the answer.
async fn call(
    app: &TestApp,
    checker: &Checker,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Page {
    let res = app.api(method.clone(), path, token, body).await;
    checker.check(&method, path, &res);
    res
}

/// Calls the API, expects `status`, checks the answer against the document.
async fn expect(
    app: &TestApp,
    checker: &Checker,
    status: StatusCode,
    (method, path): (Method, &str),
    token: Option<&str>,
    body: Option<Value>,
) -> Value {
    let res = call(app, checker, method.clone(), path, token, body).await;
    assert_eq!(res.status, status, "{method} {path}: {}", res.body);
    if res.body.is_empty() {
        Value::Null
    } else {
        res.json()
    }
}

#[tokio::test]
async fn real_answers_match_the_document() {
    let app = TestApp::spawn().await;
    let c = Checker {
        doc: document(&app).await,
        seen: RefCell::new(BTreeSet::new()),
    };
    let (ok, created, none) = (StatusCode::OK, StatusCode::CREATED, StatusCode::NO_CONTENT);
    use Method as M;

    // Accounts.
    let admin = app.admin_token().await;
    let alice = app.api_user("alice_doc").await;
    let bob = app.api_user("bob_doc").await;
    let res = call(
        &app,
        &c,
        M::POST,
        "/api/v1/auth/register",
        None,
        Some(
            json!({"username": "carol_doc", "email": "carol_doc@example.org",
                    "password": crate::helpers::PASSWORD}),
        ),
    )
    .await;
    assert_eq!(res.status, created, "{}", res.body);
    expect(
        &app,
        &c,
        ok,
        (M::POST, "/api/v1/auth/login"),
        None,
        Some(json!({"login": "alice_doc", "password": crate::helpers::PASSWORD})),
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::UNAUTHORIZED,
        (M::POST, "/api/v1/auth/login"),
        None,
        Some(json!({"login": "alice_doc", "password": "faux"})),
    )
    .await;
    expect(&app, &c, ok, (M::GET, "/api/v1/me"), Some(&alice), None).await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/me/two-factor"),
        Some(&alice),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::POST, "/api/v1/admin/users/bob_doc/two-factor/reset"),
        Some(&admin),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::UNAUTHORIZED,
        (M::GET, "/api/v1/me"),
        None,
        None,
    )
    .await;
    let spare = app.api_login("bob_doc").await;
    expect(
        &app,
        &c,
        none,
        (M::POST, "/api/v1/auth/logout"),
        Some(&spare),
        None,
    )
    .await;

    // The forum.
    expect(&app, &c, ok, (M::GET, "/api/v1/boards"), None, None).await;
    let thread = expect(
        &app,
        &c,
        created,
        (M::POST, "/api/v1/boards/general/threads"),
        Some(&alice),
        Some(
            json!({"title": "Caméras augmentées à Marseille", "body": "La *mairie* vote.",
                    "city": "marseille"}),
        ),
    )
    .await;
    let thread_id = thread["id"].as_i64().expect("thread id");
    assert!(thread["post_id"].as_i64().is_some());
    expect(
        &app,
        &c,
        StatusCode::UNPROCESSABLE_ENTITY,
        (M::POST, "/api/v1/boards/general/threads"),
        Some(&alice),
        Some(json!({"title": "", "body": "x"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/boards/general/threads?city=marseille"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::NOT_FOUND,
        (M::GET, "/api/v1/boards/nulle-part/threads"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, &format!("/api/v1/threads/{thread_id}")),
        None,
        None,
    )
    .await;
    let reply = expect(
        &app,
        &c,
        created,
        (M::POST, &format!("/api/v1/threads/{thread_id}/posts")),
        Some(&bob),
        Some(json!({"body": "Une réponse, avec un [lien](https://example.org)."})),
    )
    .await;
    let reply_id = reply["id"].as_i64().expect("reply id");
    expect(
        &app,
        &c,
        ok,
        (M::GET, &format!("/api/v1/threads/{thread_id}/posts")),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::PATCH, &format!("/api/v1/posts/{reply_id}")),
        Some(&bob),
        Some(json!({"body": "corrigé", "version": 1})),
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::CONFLICT,
        (M::PATCH, &format!("/api/v1/posts/{reply_id}")),
        Some(&bob),
        Some(json!({"body": "périmé", "version": 1})),
    )
    .await;

    // Cities.
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/cities?q=mars&limit=5"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/cities/marseille"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/cities/marseille/threads"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::NOT_FOUND,
        (M::GET, "/api/v1/cities/atlantide"),
        None,
        None,
    )
    .await;

    // Notifications (alice watches her thread: bob's reply is one).
    app.settle(&admin).await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/notifications"),
        Some(&alice),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::POST, "/api/v1/notifications/read"),
        Some(&alice),
        None,
    )
    .await;

    // Reports and moderation.
    expect(
        &app,
        &c,
        created,
        (M::POST, &format!("/api/v1/posts/{reply_id}/report")),
        Some(&alice),
        Some(json!({"reason": "spam"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/reports"),
        Some(&admin),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::POST, &format!("/api/v1/reports/{reply_id}/resolve")),
        Some(&admin),
        Some(json!({"action": "dismiss"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::POST, &format!("/api/v1/posts/{reply_id}/moderate")),
        Some(&admin),
        Some(json!({"action": "hide", "reason": "Doublon"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::POST, &format!("/api/v1/threads/{thread_id}/moderate")),
        Some(&admin),
        Some(json!({"action": "pin"})),
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::FORBIDDEN,
        (M::POST, &format!("/api/v1/threads/{thread_id}/moderate")),
        Some(&bob),
        Some(json!({"action": "lock"})),
    )
    .await;
    expect(
        &app,
        &c,
        created,
        (M::POST, "/api/v1/users/carol_doc/sanctions"),
        Some(&admin),
        Some(json!({"kind": "ban", "reason": "Récidive"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::DELETE, "/api/v1/users/carol_doc/sanctions"),
        Some(&admin),
        None,
    )
    .await;
    expect(&app, &c, ok, (M::GET, "/api/v1/modlog"), Some(&admin), None).await;

    // Governance and administration.
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/admin/settings"),
        Some(&admin),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::PATCH, "/api/v1/admin/settings"),
        Some(&admin),
        Some(json!({"auto_hide_reports": 7})),
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::FORBIDDEN,
        (M::PATCH, "/api/v1/admin/settings"),
        Some(&bob),
        Some(json!({"auto_hide_reports": 9})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/admin/applications"),
        Some(&admin),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::NOT_FOUND,
        (M::POST, "/api/v1/admin/applications/999999"),
        Some(&admin),
        Some(json!({"decision": "approve"})),
    )
    .await;
    let invite = expect(
        &app,
        &c,
        created,
        (M::POST, "/api/v1/admin/invites"),
        Some(&admin),
        Some(json!({"max_uses": 1, "days": 7, "note": ""})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/admin/invites"),
        Some(&admin),
        None,
    )
    .await;
    let invites = app
        .api(M::GET, "/api/v1/admin/invites", Some(&admin), None)
        .await
        .json();
    let invite_id = invites
        .pointer("/invites/0/id")
        .or_else(|| invite.get("id"))
        .and_then(Value::as_i64);
    if let Some(id) = invite_id {
        expect(
            &app,
            &c,
            none,
            (M::DELETE, &format!("/api/v1/admin/invites/{id}")),
            Some(&admin),
            None,
        )
        .await;
    }
    expect(
        &app,
        &c,
        ok,
        (M::PUT, "/api/v1/admin/users/bob_doc/role"),
        Some(&admin),
        Some(json!({"role": "moderator"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::POST, "/api/v1/admin/users/bob_doc/boards"),
        Some(&admin),
        Some(json!({"board": "general", "moderates": true})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/admin/mail"),
        Some(&admin),
        None,
    )
    .await;

    // The observatory.
    let deployment = expect(
        &app,
        &c,
        created,
        (M::POST, "/api/v1/deployments"),
        Some(&alice),
        Some(
            json!({"title": "VSA au stade", "technology": "vsa", "city": "nice",
                    "status": "deployed", "started": "2024-03", "companies": ["Vendeur SA"],
                    "funding": "Budget municipal", "description": "Des caméras *augmentées*.",
                    "sources": [{"url": "https://technopolice.fr/nice", "title": "Le dossier",
                                 "publisher": "Technopolice"}]}),
        ),
    )
    .await;
    let d = deployment["id"].as_i64().expect("deployment id");
    expect(
        &app,
        &c,
        ok,
        (M::POST, &format!("/api/v1/deployments/{d}/review")),
        Some(&admin),
        Some(json!({"decision": "publish"})),
    )
    .await;
    let one = expect(
        &app,
        &c,
        ok,
        (M::GET, &format!("/api/v1/deployments/{d}")),
        Some(&admin),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        created,
        (M::POST, &format!("/api/v1/deployments/{d}/revisions")),
        Some(&bob),
        Some(
            json!({"title": "VSA aux abords du stade", "technology": "vsa", "city": "nice",
                    "status": "deployed", "started": "2024-03", "companies": ["Vendeur SA"],
                    "funding": "Budget municipal", "description": "Des caméras.",
                    "sources": [{"url": "https://technopolice.fr/nice", "title": "Le dossier",
                                 "publisher": "Technopolice"}],
                    "version": one["version"]}),
        ),
    )
    .await;
    if let Some(first) = one.pointer("/revisions/0/id").and_then(Value::as_i64) {
        expect(
            &app,
            &c,
            ok,
            (M::POST, &format!("/api/v1/deployments/{d}/revert")),
            Some(&admin),
            Some(json!({"revision": first})),
        )
        .await;
    }
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/deployments?technology=vsa"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::NOT_FOUND,
        (M::GET, "/api/v1/deployments/999999"),
        None,
        None,
    )
    .await;
    expect(&app, &c, ok, (M::GET, "/api/v1/technologies"), None, None).await;
    expect(&app, &c, ok, (M::GET, "/api/v1/companies"), None, None).await;

    // The manifesto.
    expect(&app, &c, ok, (M::GET, "/api/v1/manifesto"), None, None).await;
    expect(
        &app,
        &c,
        StatusCode::ACCEPTED,
        (M::POST, "/api/v1/manifesto/signatures"),
        None,
        Some(json!({"kind": "person", "name": "Alix", "city": "Liège",
                    "email": "alix@example.org"})),
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::UNPROCESSABLE_ENTITY,
        (M::POST, "/api/v1/manifesto/signatures"),
        None,
        Some(json!({"kind": "person", "name": "", "email": "pas-une-adresse"})),
    )
    .await;

    // Groups.
    expect(
        &app,
        &c,
        created,
        (M::POST, "/api/v1/groups"),
        Some(&alice),
        Some(
            json!({"name": "Vigie 13", "slug": "vigie-13", "city": "marseille",
                    "join_policy": "request", "website": "https://vigie13.example.org"}),
        ),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::PATCH, "/api/v1/groups/vigie-13"),
        Some(&alice),
        Some(json!({"description": "Nous **veillons**."})),
    )
    .await;
    expect(
        &app,
        &c,
        created,
        (M::POST, "/api/v1/groups/vigie-13/join"),
        Some(&bob),
        Some(json!({"message": "Bonjour"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/groups/vigie-13/requests"),
        Some(&alice),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::POST, "/api/v1/groups/vigie-13/requests/bob_doc"),
        Some(&alice),
        Some(json!({"decision": "approve"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::PUT, "/api/v1/groups/vigie-13/members/bob_doc"),
        Some(&alice),
        Some(json!({"role": "coordinator"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/groups/vigie-13/members"),
        Some(&alice),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        created,
        (M::POST, "/api/v1/groups/vigie-13/boards"),
        Some(&alice),
        Some(json!({"slug": "coulisses", "name": "Coulisses", "visibility": "private"})),
    )
    .await;
    let link = expect(
        &app,
        &c,
        created,
        (M::POST, "/api/v1/groups/vigie-13/invites"),
        Some(&alice),
        Some(json!({"max_uses": 2})),
    )
    .await;
    assert!(link["url"]
        .as_str()
        .is_some_and(|u| u.contains("/invitation/")));
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/groups/vigie-13/private-reads"),
        Some(&alice),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/groups/vigie-13/boards/coulisses/threads"),
        Some(&alice),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::NOT_FOUND,
        (M::GET, "/api/v1/groups/vigie-13/boards/coulisses/threads"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/groups/vigie-13"),
        Some(&alice),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/groups?city=marseille"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::UNPROCESSABLE_ENTITY,
        (M::GET, "/api/v1/groups?city=atlantide"),
        None,
        None,
    )
    .await;

    // Actions.
    let action = expect(
        &app,
        &c,
        created,
        (M::POST, "/api/v1/actions"),
        Some(&alice),
        Some(
            json!({"group": "vigie-13", "title": "Rassemblement contre la VSA",
                    "starts_at": "2030-06-15T18:30", "ends_at": "2030-06-15T20:00",
                    "place": "Place du Capitole", "city": "marseille",
                    "meeting_point": "Devant la mairie", "capacity": 1,
                    "description": "Venez **nombreux**."}),
        ),
    )
    .await;
    let a = action["id"].as_i64().expect("action id");
    expect(
        &app,
        &c,
        StatusCode::UNPROCESSABLE_ENTITY,
        (M::POST, "/api/v1/actions"),
        Some(&alice),
        Some(json!({"group": "vigie-13", "title": "Sans date", "city": "marseille"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::PUT, &format!("/api/v1/actions/{a}/rsvp")),
        Some(&alice),
        Some(json!({"answer": "going"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::PUT, &format!("/api/v1/actions/{a}/rsvp")),
        Some(&bob),
        Some(json!({"answer": "going", "hide_name": true})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, &format!("/api/v1/actions/{a}")),
        Some(&bob),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, &format!("/api/v1/actions/{a}")),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::PATCH, &format!("/api/v1/actions/{a}")),
        Some(&alice),
        Some(json!({"ends_at": null, "capacity": null})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/actions?city=marseille"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::POST, &format!("/api/v1/actions/{a}/cancel")),
        Some(&alice),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::CONFLICT,
        (M::POST, &format!("/api/v1/actions/{a}/cancel")),
        Some(&alice),
        None,
    )
    .await;

    // Removing a member, leaving the group.
    let dora = app.api_user("dora_doc").await;
    let join = (M::POST, "/api/v1/groups/vigie-13/join");
    let body = json!({"message": "Moi aussi"});
    expect(&app, &c, created, join, Some(&dora), Some(body)).await;
    let decide = (M::POST, "/api/v1/groups/vigie-13/requests/dora_doc");
    let body = json!({"decision": "approve"});
    expect(&app, &c, ok, decide, Some(&alice), Some(body)).await;
    let dora_out = (M::DELETE, "/api/v1/groups/vigie-13/members/dora_doc");
    expect(&app, &c, none, dora_out, Some(&alice), None).await;
    let leave = (M::DELETE, "/api/v1/groups/vigie-13/membership");
    expect(&app, &c, none, leave, Some(&bob), None).await;

    // Search.
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/search?q=cam%C3%A9ras"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/search?q=stade&kind=deployments&sort=date"),
        None,
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (
            M::GET,
            "/api/v1/search?q=marseille&kind=threads&city=marseille&from=2020-01-01",
        ),
        Some(&alice),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        StatusCode::UNPROCESSABLE_ENTITY,
        (M::GET, "/api/v1/search?q=x&kind=tout"),
        None,
        None,
    )
    .await;

    // Private messages and blocks.
    let started = expect(
        &app,
        &c,
        created,
        (M::POST, "/api/v1/conversations"),
        Some(&alice),
        Some(json!({"to": ["bob_doc"], "subject": "Doc", "body": "Bonjour"})),
    )
    .await;
    let conversation = started["id"].as_i64().expect("conversation id");
    let messages_path = format!("/api/v1/conversations/{conversation}/messages");
    let written = expect(
        &app,
        &c,
        created,
        (M::POST, &messages_path),
        Some(&bob),
        Some(json!({"body": "Réponse"})),
    )
    .await;
    let message = written["id"].as_i64().expect("message id");
    expect(
        &app,
        &c,
        ok,
        (M::GET, "/api/v1/conversations"),
        Some(&alice),
        None,
    )
    .await;
    expect(&app, &c, ok, (M::GET, &messages_path), Some(&alice), None).await;
    expect(
        &app,
        &c,
        created,
        (M::POST, &format!("/api/v1/messages/{message}/report")),
        Some(&alice),
        Some(json!({"reason": "spam"})),
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::POST, "/api/v1/users/bob_doc/block"),
        Some(&alice),
        None,
    )
    .await;
    expect(
        &app,
        &c,
        ok,
        (M::DELETE, "/api/v1/users/bob_doc/block"),
        Some(&alice),
        None,
    )
    .await;

    // The description itself.
    expect(&app, &c, ok, (M::GET, "/api/v1/openapi.json"), None, None).await;

    // Every described operation was answered at least once.
    let seen = c.seen.borrow();
    let unseen: Vec<String> = operations(&c.doc)
        .keys()
        .map(|(m, p)| format!("{m} {p}"))
        .filter(|op| !seen.contains(op))
        .collect();
    assert!(unseen.is_empty(), "operations never checked: {unseen:?}");
}
