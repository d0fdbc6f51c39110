//! The XSS corpus: every payload posted as Markdown comes back as harmless markup.

use reqwest::StatusCode;

use crate::helpers::{browser, TestApp};

const CORPUS: &str = include_str!("../data/xss-corpus.txt");

/// Finds anything executable left in the post bodies of a page.
fn dangerous(fragment: &str) -> Option<String> {
    let doc = scraper::Html::parse_fragment(fragment);
    for node in doc.root_element().descendants() {
        let Some(el) = node.value().as_element() else {
            continue;
        };
        let name = el.name();
        if matches!(
            name,
            "script"
                | "iframe"
                | "object"
                | "embed"
                | "svg"
                | "math"
                | "style"
                | "form"
                | "base"
                | "meta"
                | "link"
                | "template"
                | "noscript"
                | "frame"
                | "frameset"
                | "applet"
                | "button"
                | "textarea"
                | "select"
                | "xmp"
                | "plaintext"
                | "details"
                | "video"
                | "audio"
                | "source"
        ) {
            return Some(format!("element <{name}>"));
        }
        for (attr, value) in el.attrs() {
            let attr = attr.to_ascii_lowercase();
            if attr.starts_with("on")
                || attr == "style"
                || attr == "srcdoc"
                || attr == "formaction"
                || attr == "srcset"
            {
                return Some(format!("attribute {attr}"));
            }
            if matches!(
                attr.as_str(),
                "href" | "src" | "action" | "xlink:href" | "background" | "poster" | "data"
            ) {
                let compact: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let allowed = compact.starts_with("http://")
                    || compact.starts_with("https://")
                    || compact.starts_with("mailto:")
                    || compact.starts_with('#')
                    || (compact.starts_with('/') && !compact.starts_with("//"));
                if !allowed {
                    return Some(format!("{attr}={value}"));
                }
            }
        }
    }
    None
}

#[tokio::test]
async fn stored_xss_payloads_are_neutralised() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "testeuse").await;
    let thread = app
        .new_thread_with(&member, "general", "Corpus XSS", "Le corpus suit.", "")
        .await;
    let payloads: Vec<String> = CORPUS
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.replace("\\n", "\n"))
        .collect();
    assert!(
        payloads.len() >= 50,
        "the corpus has {} payloads",
        payloads.len()
    );
    for payload in &payloads {
        let res = app.reply_with(&member, thread, payload).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "payload refused: {payload}"
        );
    }
    let token = app.api_user("lectrice").await;
    let mut cursor = String::new();
    let mut seen = 0;
    loop {
        let page = app
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/threads/{thread}/posts?cursor={cursor}"),
                Some(&token),
                None,
            )
            .await
            .json();
        for post in page["posts"].as_array().expect("posts") {
            let html = post["body_html"].as_str().expect("html");
            if let Some(problem) = dangerous(html) {
                panic!("post {} kept {problem}: {html}", post["number"]);
            }
            seen += 1;
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    assert_eq!(seen, payloads.len() + 1);
    // The HTML pages that show them carry no script either.
    for page in 1..=(payloads.len() / 20 + 1) {
        let page = app.get(&format!("/t/{thread}?page={page}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.to_ascii_lowercase().contains("<script"));
        let doc = scraper::Html::parse_document(&page.body);
        let bodies = scraper::Selector::parse(".post-body").expect("selector");
        let mut count = 0;
        for body in doc.select(&bodies) {
            count += 1;
            if let Some(problem) = dangerous(&body.inner_html()) {
                panic!("the thread page kept {problem}");
            }
        }
        assert!(count > 0, "posts are shown");
    }
}
