//! The layering of `src/`, checked: the order written in `ARCHITECTURE.md` (its `layers` block,
//! top to bottom) is the only direction imports may take, handler modules (`routes`, `api`, …)
//! are private to their feature, and no two files import each other, directly or in a ring.
//!
//! This reads the source rather than the running server: it is the one test that is not
//! black-box, because what it guards is the shape of the code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A module path under `crate`, e.g. `["forum", "queries"]`.
type Module = Vec<String>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The layers block of ARCHITECTURE.md: top-level modules, highest first.
fn layers() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("ARCHITECTURE.md"))
        .expect("ARCHITECTURE.md exists at the project root");
    let start = text
        .find("```layers")
        .expect("ARCHITECTURE.md has a ```layers block");
    let body = &text[start + "```layers".len()..];
    let end = body.find("```").expect("the layers block is closed");
    body[..end]
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Every `.rs` file under `src/` with the module it defines.
fn source_files() -> Vec<(PathBuf, Module)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src/ is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = root().join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(&src).expect("under src/");
            let mut parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
                .collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            // The crate root (lib.rs, main.rs) only declares modules and dispatches.
            if parts.len() == 1 && (parts[0] == "lib" || parts[0] == "main") {
                return None;
            }
            Some((path, parts))
        })
        .collect()
}

/// The code of a file without its comments and string literals (which may mention paths).
fn code_only(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && is_raw_start(&chars, i) {
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && next == Some('"') {
            // The character literal '"'.
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The code without its `#[cfg(test)]` modules: a test module sits one level below its file,
/// so its `super::` is the file itself, and what tests import is not the layering's business.
fn without_test_modules(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let Some(open) = after.find('{') else {
            rest = "";
            break;
        };
        let mut depth = 0;
        let mut end = after.len();
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn is_raw_start(chars: &[char], i: usize) -> bool {
    let before_ok = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
    let mut j = i + 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    before_ok && chars.get(j) == Some(&'"')
}

/// The paths a use tree or path expression starting at `s` names: `a::b::{c, d::e}` gives
/// `[a,b,c]` and `[a,b,d,e]`.
fn expand(s: &str) -> Vec<Vec<String>> {
    let mut prefix: Vec<String> = Vec::new();
    let bytes: Vec<char> = s.chars().collect();
    let mut i = 0;
    loop {
        let start = i;
        while i < bytes.len() && (bytes[i].is_alphanumeric() || bytes[i] == '_') {
            i += 1;
        }
        if i == start {
            if bytes.get(i) == Some(&'{') {
                // A group: split its top-level items.
                let mut depth = 1;
                let mut j = i + 1;
                let mut item = String::new();
                let mut items = Vec::new();
                while j < bytes.len() && depth > 0 {
                    match bytes[j] {
                        '{' => {
                            depth += 1;
                            item.push('{');
                        }
                        '}' => {
                            depth -= 1;
                            if depth > 0 {
                                item.push('}');
                            }
                        }
                        ',' if depth == 1 => items.push(std::mem::take(&mut item)),
                        ch => item.push(ch),
                    }
                    j += 1;
                }
                items.push(item);
                return items
                    .iter()
                    .map(|it| it.trim())
                    .filter(|it| !it.is_empty())
                    .flat_map(|it| {
                        expand(it).into_iter().map(|tail| {
                            let mut full = prefix.clone();
                            full.extend(tail);
                            full
                        })
                    })
                    .collect();
            }
            return vec![prefix];
        }
        prefix.push(bytes[start..i].iter().collect());
        if bytes.get(i) == Some(&':') && bytes.get(i + 1) == Some(&':') {
            i += 2;
            while bytes.get(i).is_some_and(|c| c.is_whitespace()) {
                i += 1;
            }
        } else {
            return vec![prefix];
        }
    }
}

/// The module a path names: its longest prefix that is a module.
fn resolve(path: &[String], modules: &BTreeSet<Module>) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|m| modules.contains(m))
}

/// Every module each module imports (`crate::…`, `super::…`), itself excluded.
fn imports(files: &[(PathBuf, Module)]) -> BTreeMap<Module, BTreeSet<Module>> {
    let modules: BTreeSet<Module> = files.iter().map(|(_, m)| m.clone()).collect();
    let mut graph = BTreeMap::new();
    for (path, module) in files {
        let text = std::fs::read_to_string(path).expect("a readable source file");
        let code = without_test_modules(&code_only(&text));
        let mut targets = BTreeSet::new();
        for (anchor, base) in [
            ("crate::", Vec::new()),
            ("super::", module[..module.len().saturating_sub(1)].to_vec()),
            ("self::", module.clone()),
        ] {
            let mut from = 0;
            while let Some(found) = code[from..].find(anchor) {
                let at = from + found;
                from = at + anchor.len();
                let preceded = code[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
                if preceded {
                    continue;
                }
                for tail in expand(&code[from..]) {
                    // `super::super::x`: one level up per further `super`.
                    let ups = tail.iter().take_while(|seg| *seg == "super").count();
                    let mut full = base[..base.len().saturating_sub(ups)].to_vec();
                    full.extend(tail.into_iter().skip(ups));
                    if let Some(target) = resolve(&full, &modules) {
                        if &target != module {
                            targets.insert(target);
                        }
                    }
                }
            }
        }
        // `use child::Item;` in a module with child modules (a folder's mod.rs re-exporting).
        let mut from = 0;
        while let Some(found) = code[from..].find("use ") {
            let at = from + found;
            from = at + 4;
            let starts_statement = code[..at].chars().next_back().map_or(true, |c| {
                c.is_whitespace() || c == ';' || c == '{' || c == ')'
            });
            if !starts_statement {
                continue;
            }
            for tail in expand(code[from..].trim_start()) {
                let Some(first) = tail.first() else { continue };
                let mut child = module.clone();
                child.push(first.clone());
                if !modules.contains(&child) {
                    continue;
                }
                let mut full = module.clone();
                full.extend(tail);
                if let Some(target) = resolve(&full, &modules) {
                    if &target != module {
                        targets.insert(target);
                    }
                }
            }
        }
        graph.insert(module.clone(), targets);
    }
    graph
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(graph: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        graph: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<Module, usize>,
        low: BTreeMap<Module, usize>,
        stack: Vec<Module>,
        on_stack: BTreeSet<Module>,
        next: usize,
        found: Vec<Vec<Module>>,
    }
    fn visit(s: &mut State<'_>, v: &Module) {
        s.index.insert(v.clone(), s.next);
        s.low.insert(v.clone(), s.next);
        s.next += 1;
        s.stack.push(v.clone());
        s.on_stack.insert(v.clone());
        let graph = s.graph;
        for w in graph.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v.clone(), low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v.clone(), low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(&w);
                let done = &w == v;
                component.push(w);
                if done {
                    break;
                }
            }
            if component.len() > 1 {
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.found
}

fn is_handler_module(m: &Module) -> bool {
    m.len() > 1
        && m.last().is_some_and(|last| {
            last == "routes" || last == "api" || last.ends_with("_routes") || last.ends_with("_api")
        })
}

fn name(m: &Module) -> String {
    m.join("::")
}

/// The rules themselves, as a list of violations.
fn violations() -> Vec<String> {
    let order = layers();
    let rank = |top: &str| order.iter().position(|l| l == top);
    let files = source_files();
    let graph = imports(&files);
    let mut problems = Vec::new();
    let tops: BTreeSet<&String> = files.iter().map(|(_, m)| &m[0]).collect();
    for top in &tops {
        if rank(top).is_none() {
            problems.push(format!(
                "src/{top} is not in ARCHITECTURE.md's layers: place it in the order"
            ));
        }
    }
    for (from, targets) in &graph {
        for to in targets {
            if from[0] == to[0] {
                continue;
            }
            if let (Some(a), Some(b)) = (rank(&from[0]), rank(&to[0])) {
                if b <= a {
                    problems.push(format!(
                        "{} imports {}: `{}` sits above `{}` in ARCHITECTURE.md",
                        name(from),
                        name(to),
                        to[0],
                        from[0]
                    ));
                }
            }
            if is_handler_module(to) && from[0] != "app" {
                problems.push(format!(
                    "{} imports {}: handlers are private to their feature; use a service in {}",
                    name(from),
                    name(to),
                    to[0]
                ));
            }
        }
    }
    for ring in cycles(&graph) {
        let mut names: Vec<String> = ring.iter().map(name).collect();
        names.sort();
        problems.push(format!("import cycle between {}", names.join(", ")));
    }
    problems
}

#[test]
fn modules_import_only_downward_and_never_in_a_ring() {
    let problems = violations();
    assert!(
        problems.is_empty(),
        "the layering in ARCHITECTURE.md is broken:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_checker_sees_groups_super_paths_and_ignores_comments() {
    assert_eq!(
        expand("forum::{domain::Cursor, queries}"),
        vec![
            vec!["forum".to_owned(), "domain".into(), "Cursor".into()],
            vec!["forum".to_owned(), "queries".into()],
        ]
    );
    assert_eq!(
        expand("a::{b::{c, d}, e}").len(),
        3,
        "nested groups are expanded"
    );
    let code =
        code_only("let x = \"crate::web\"; // crate::mail\n/* crate::forum */ crate::db::now()");
    assert!(!code.contains("web") && !code.contains("mail") && !code.contains("forum"));
    assert!(code.contains("crate::db::now()"));
    let modules: BTreeSet<Module> = [
        vec!["forum".to_owned()],
        vec!["forum".into(), "queries".into()],
    ]
    .into_iter()
    .collect();
    assert_eq!(
        resolve(&["forum".into(), "queries".into(), "list".into()], &modules),
        Some(vec!["forum".to_owned(), "queries".into()])
    );
    let mut ring = BTreeMap::new();
    let (a, b, c) = (
        vec!["a".to_owned()],
        vec!["b".to_owned()],
        vec!["c".to_owned()],
    );
    ring.insert(a.clone(), [b.clone()].into_iter().collect());
    ring.insert(b.clone(), [c.clone()].into_iter().collect());
    ring.insert(c.clone(), [a.clone()].into_iter().collect());
    assert_eq!(cycles(&ring).len(), 1, "a three-module ring is found");
}
