//! Avatars without third parties: a drawn SVG for everyone, an uploaded picture stripped of its
//! metadata and resized, served from the forum with a year of caching, shown beside names, and
//! changed only by its owner through a CSRF-checked form.

use std::io::Cursor;

use reqwest::{Client, StatusCode};

use crate::helpers::{browser, csrf_token, text, Page, TestApp};

/// A form field: its name, a file's name and media type (for a file), its content.
type Field<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

/// A multipart body and its boundary.
fn multipart(fields: &[Field<'_>]) -> (String, Vec<u8>) {
    let boundary = "----vigie-test-boundary-7MA4YWxkTrZu0gW".to_owned();
    let mut body = Vec::new();
    for (name, file, content) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some((filename, media_type)) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {media_type}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (boundary, body)
}

/// Posts `picture` to the upload form as `client`, with `token` as the CSRF field (if any).
async fn upload_with_token(
    app: &TestApp,
    client: &Client,
    token: Option<&str>,
    filename: &str,
    media_type: &str,
    picture: &[u8],
) -> Page {
    let mut fields: Vec<Field<'_>> = Vec::new();
    if let Some(token) = token {
        fields.push(("csrf_token", None, token.as_bytes()));
    }
    fields.push(("avatar", Some((filename, media_type)), picture));
    let (boundary, body) = multipart(&fields);
    let res = client
        .post(app.url("/settings/avatar"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("upload");
    Page::read(res).await
}

/// Posts `picture` through the settings page's form, as a browser would.
async fn upload(
    app: &TestApp,
    client: &Client,
    filename: &str,
    media_type: &str,
    picture: &[u8],
) -> Page {
    let settings = app.get_with(client, "/settings").await;
    let token = csrf_token(&settings.body);
    upload_with_token(app, client, Some(&token), filename, media_type, picture).await
}

/// The first avatar address in a page.
fn avatar_src(html: &str) -> String {
    let start = html
        .find("src=\"/avatars/")
        .unwrap_or_else(|| panic!("no avatar in page: {html}"))
        + "src=\"".len();
    let end = html[start..].find('"').expect("end of the address") + start;
    html[start..end].to_owned()
}

/// The `<img>` tag of the first avatar in a page.
fn avatar_tag(html: &str) -> String {
    let src = html.find("src=\"/avatars/").expect("an avatar");
    let start = html[..src].rfind("<img").expect("its tag");
    let end = html[start..].find('>').expect("end of the tag") + start;
    html[start..=end].to_owned()
}

/// GETs a path and keeps the body as bytes.
async fn get_bytes(app: &TestApp, path: &str) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let res = browser().get(app.url(path)).send().await.expect("GET");
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.expect("body").to_vec())
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

fn assert_cached_for_ever(headers: &reqwest::header::HeaderMap) {
    let cache = header(headers, "cache-control");
    assert!(cache.contains("public"), "{cache}");
    assert!(cache.contains("max-age=31536000"), "{cache}");
    assert!(cache.contains("immutable"), "{cache}");
    assert_eq!(header(headers, "x-content-type-options"), "nosniff");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A 300×200 JPEG carrying an Exif block with a GPS position (latitude 48°51'24" N, and a
/// processing method that reads "GPS").
fn jpeg_with_gps() -> Vec<u8> {
    let picture = image::RgbImage::from_fn(300, 200, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(picture)
        .write_to(&mut Cursor::new(&mut jpeg), image::ImageFormat::Jpeg)
        .expect("jpeg");
    let entry = |tiff: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&kind.to_le_bytes());
        tiff.extend_from_slice(&count.to_le_bytes());
        tiff.extend_from_slice(&value);
    };
    let mut tiff = b"II".to_vec();
    tiff.extend_from_slice(&42u16.to_le_bytes());
    tiff.extend_from_slice(&8u32.to_le_bytes());
    // IFD0 at 8: orientation (upright) and the GPS IFD's offset.
    tiff.extend_from_slice(&2u16.to_le_bytes());
    entry(&mut tiff, 0x0112, 3, 1, [1, 0, 0, 0]);
    entry(&mut tiff, 0x8825, 4, 1, 38u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(tiff.len(), 38);
    // GPS IFD at 38: latitude reference, latitude, processing method.
    tiff.extend_from_slice(&3u16.to_le_bytes());
    entry(&mut tiff, 0x0001, 2, 2, *b"N\0\0\0");
    entry(&mut tiff, 0x0002, 5, 3, 80u32.to_le_bytes());
    entry(&mut tiff, 0x001B, 7, 11, 104u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    assert_eq!(tiff.len(), 80);
    for (num, den) in [(48u32, 1u32), (51, 1), (24, 1)] {
        tiff.extend_from_slice(&num.to_le_bytes());
        tiff.extend_from_slice(&den.to_le_bytes());
    }
    tiff.extend_from_slice(b"ASCII\0\0\0GPS");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The markers of a JPEG's segments before its image data.
fn jpeg_markers(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "a JPEG");
    let mut markers = Vec::new();
    let mut at = 2;
    while at + 4 <= bytes.len() {
        assert_eq!(bytes[at], 0xFF, "a segment at {at}");
        let marker = bytes[at + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        let len = u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]) as usize;
        at += 2 + len;
    }
    markers
}

#[tokio::test]
async fn every_member_has_a_drawn_avatar_without_external_references() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "Zoé").await;
    let thread = app
        .new_thread_with(&member, "general", "Des caméras rue Haute", "Bonjour", "")
        .await;
    let page = app.get(&format!("/t/{thread}")).await;
    let tag = avatar_tag(&page.body);
    assert!(tag.contains("alt=\"\""), "{tag}");
    assert!(
        tag.contains("width=\"32\"") && tag.contains("height=\"32\""),
        "{tag}"
    );
    let src = avatar_src(&page.body);
    assert!(src.ends_with(".svg"), "{src}");

    let (status, headers, body) = get_bytes(&app, &src).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "image/svg+xml");
    assert_cached_for_ever(&headers);
    assert!(header(&headers, "content-security-policy").contains("default-src 'none'"));
    assert_eq!(
        header(&headers, "x-vigie-sql-statements"),
        "1",
        "one statement, no session"
    );
    let svg = String::from_utf8(body).expect("UTF-8");
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(
            ["svg", "rect", "text"].contains(&name),
            "unexpected element {name}"
        );
        for attr in node.attributes() {
            assert!(!attr.name().contains("href"), "a link: {svg}");
            assert!(!attr.value().contains("url("), "a reference: {svg}");
            assert!(!attr.name().starts_with("on"), "a script: {svg}");
        }
    }
    assert!(svg.contains(">Z</text>"), "the initial: {svg}");

    // The profile shows it too, larger; an address that is no longer current leads to the
    // current one; an unknown member has none.
    let profile = app.get("/u/Zoé").await;
    assert_eq!(avatar_src(&profile.body), src);
    assert!(avatar_tag(&profile.body).contains("width=\"96\""));
    let id = src.split('/').nth(2).expect("the id");
    let (status, headers, _) =
        get_bytes(&app, &format!("/avatars/{id}/g0000000000000000.svg")).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(header(&headers, "location"), src);
    let (status, _, _) = get_bytes(&app, "/avatars/999999/g0000000000000000.svg").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = get_bytes(&app, &format!("/avatars/{id}/x.gif")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn uploaded_pictures_lose_their_metadata_and_are_resized() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "photographe").await;
    let thread = app
        .new_thread_with(&member, "general", "Une photo du mât", "Voici", "")
        .await;
    // A visitor's copy of the thread page is kept in the page cache.
    let before = avatar_src(&app.get(&format!("/t/{thread}")).await.body);
    assert!(before.ends_with(".svg"));

    let picture = jpeg_with_gps();
    assert!(contains(&picture, b"Exif") && contains(&picture, b"GPS"));
    assert!(
        image::load_from_memory(&picture).is_ok(),
        "the fixture decodes"
    );
    let res = upload(&app, &member, "photo.jpg", "image/jpeg", &picture).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/settings?saved=avatar#avatar");

    let settings = app.get_with(&member, "/settings").await;
    let src = avatar_src(&settings.body);
    assert!(src.ends_with(".jpg"), "{src}");
    assert!(settings.body.contains("/settings/avatar/remove"));
    // The thread page (and its cached copy) points at the new picture at once.
    let page = app.get(&format!("/t/{thread}")).await;
    assert_eq!(avatar_src(&page.body), src);
    assert_eq!(avatar_src(&app.get("/u/photographe").await.body), src);
    let posts = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/threads/{thread}/posts"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(posts["posts"][0]["avatar_url"], src.as_str());

    let (status, headers, served) = get_bytes(&app, &src).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "image/jpeg");
    assert_cached_for_ever(&headers);
    assert_eq!(header(&headers, "x-vigie-sql-statements"), "1");
    assert!(!contains(&served, b"Exif"), "Exif left in the picture");
    assert!(!contains(&served, b"GPS"), "GPS left in the picture");
    let markers = jpeg_markers(&served);
    assert!(
        markers
            .iter()
            .all(|m| !(0xE1..=0xEF).contains(m) && *m != 0xFE),
        "metadata segments left: {markers:x?}"
    );
    let decoded = image::load_from_memory(&served).expect("a picture");
    assert_eq!((decoded.width(), decoded.height()), (128, 128));

    // The export says so; removing it brings the drawn one back everywhere.
    let export = app.get_with(&member, "/settings/export").await.json();
    assert_eq!(export["avatar"]["uploaded"], true);
    assert_eq!(export["avatar"]["url"], src.as_str());
    let res = app
        .post_form_with(&member, "/settings", "/settings/avatar/remove", &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let settings = app.get_with(&member, "/settings").await;
    let drawn = avatar_src(&settings.body);
    assert_eq!(drawn, before);
    assert!(!settings.body.contains("/settings/avatar/remove"));
    assert_eq!(
        avatar_src(&app.get(&format!("/t/{thread}")).await.body),
        drawn
    );
    let (status, headers, _) = get_bytes(&app, &src).await;
    assert_eq!(status, StatusCode::FOUND, "the old address leads on");
    assert_eq!(header(&headers, "location"), drawn);
    let export = app.get_with(&member, "/settings/export").await.json();
    assert_eq!(export["avatar"]["uploaded"], false);

    // A transparent PNG stays a PNG.
    let mut png = Vec::new();
    image::DynamicImage::new_rgba8(40, 60)
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    let res = upload(&app, &member, "logo.png", "image/png", &png).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let src = avatar_src(&app.get_with(&member, "/settings").await.body);
    let (status, headers, served) = get_bytes(&app, &src).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "image/png");
    let decoded = image::load_from_memory(&served).expect("a picture");
    assert_eq!((decoded.width(), decoded.height()), (128, 128));

    // Deleting the account deletes the picture.
    let res = app
        .post_form_with(
            &member,
            "/settings",
            "/settings",
            &[
                ("action", "delete_account"),
                ("current_password", crate::helpers::PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (status, _, _) = get_bytes(&app, &src).await;
    assert_eq!(status, StatusCode::FOUND, "the picture is gone");
}

#[tokio::test]
async fn refused_uploads_say_why_on_the_settings_page() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "refusee").await;
    for (locale, wrong_type, too_large, unreadable, too_wide) in [
        (
            "fr",
            "n’est pas une image PNG, JPEG ou WebP",
            "trop lourde",
            "n’a pas pu être lue",
            "trop grande",
        ),
        (
            "en",
            "is not a PNG, JPEG or WebP picture",
            "too large: at most 2048 KiB",
            "could not be read",
            "at most 4096 pixels",
        ),
    ] {
        let res = app
            .post_form_with(
                &member,
                "/settings",
                "/settings",
                &[
                    ("action", "preferences"),
                    ("locale", locale),
                    ("home_city", ""),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::SEE_OTHER);

        let res = upload(
            &app,
            &member,
            "notes.txt",
            "text/plain",
            b"not a picture at all",
        )
        .await;
        assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        assert!(res.body.contains(wrong_type), "{}", res.body);
        assert!(res.body.contains("id=\"settings-avatar-error\""));

        let big = vec![0xFFu8; 2 * 1024 * 1024 + 1];
        let res = upload(&app, &member, "big.jpg", "image/jpeg", &big).await;
        assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert!(res.body.contains(too_large), "{}", res.body);

        let mut broken = jpeg_with_gps();
        broken.truncate(600);
        let res = upload(&app, &member, "broken.jpg", "image/jpeg", &broken).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains(unreadable), "{}", res.body);

        // A picture announcing more pixels than allowed is refused before it is decoded.
        let mut wide = Vec::new();
        image::DynamicImage::new_luma8(5000, 1)
            .write_to(&mut Cursor::new(&mut wide), image::ImageFormat::Png)
            .expect("png");
        let res = upload(&app, &member, "wide.png", "image/png", &wide).await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.body.contains(too_wide), "{}", res.body);
    }
    let settings = app.get_with(&member, "/settings").await;
    assert!(
        avatar_src(&settings.body).ends_with(".svg"),
        "nothing was stored"
    );
}

#[tokio::test]
async fn only_the_owner_changes_an_avatar_and_csrf_is_required() {
    let app = TestApp::spawn().await;
    let alice = browser();
    let bob = browser();
    app.register_with(&alice, "alice").await;
    app.register_with(&bob, "bob").await;
    let picture = jpeg_with_gps();
    let res = upload(&app, &alice, "a.jpg", "image/jpeg", &picture).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let alice_src = avatar_src(&app.get("/u/alice").await.body);
    assert!(alice_src.ends_with(".jpg"));

    // Without a token, with a wrong one, with someone else's: refused.
    let res = upload_with_token(&app, &bob, None, "b.jpg", "image/jpeg", &picture).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = upload_with_token(&app, &bob, Some("forged"), "b.jpg", "image/jpeg", &picture).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let alice_token = csrf_token(&app.get_with(&alice, "/settings").await.body);
    let res = upload_with_token(
        &app,
        &bob,
        Some(&alice_token),
        "b.jpg",
        "image/jpeg",
        &picture,
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = bob
        .post(app.url("/settings/avatar/remove"))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // A cross-site form is refused before anything is read.
    let bob_token = csrf_token(&app.get_with(&bob, "/settings").await.body);
    let (boundary, body) = multipart(&[
        ("csrf_token", None, bob_token.as_bytes()),
        ("avatar", Some(("b.jpg", "image/jpeg")), &picture),
    ]);
    let res = bob
        .post(app.url("/settings/avatar"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header("sec-fetch-site", "cross-site")
        .body(body)
        .send()
        .await
        .expect("POST");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Signed out: nothing to change.
    let visitor = browser();
    let visitor_token = csrf_token(&app.get_with(&visitor, "/login").await.body);
    let res = upload_with_token(
        &app,
        &visitor,
        Some(&visitor_token),
        "v.jpg",
        "image/jpeg",
        &picture,
    )
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location().starts_with("/login"), "{}", res.location());

    // Bob's own upload and removal touch only his avatar.
    let res = upload(&app, &bob, "b.png", "image/png", &{
        let mut png = Vec::new();
        image::DynamicImage::new_rgb8(10, 10)
            .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("png");
        png
    })
    .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let res = app
        .post_form_with(&bob, "/settings", "/settings/avatar/remove", &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(avatar_src(&app.get("/u/alice").await.body), alice_src);
    let (status, _, _) = get_bytes(&app, &alice_src).await;
    assert_eq!(status, StatusCode::OK);
    assert!(avatar_src(&app.get("/u/bob").await.body).ends_with(".svg"));
}

#[tokio::test]
async fn uploads_are_limited_per_hour() {
    let app = TestApp::spawn().await;
    let member = browser();
    app.register_with(&member, "pressee").await;
    let mut png = Vec::new();
    image::DynamicImage::new_rgb8(8, 8)
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    let token = csrf_token(&app.get_with(&member, "/settings").await.body);
    for n in 0..20 {
        let res = upload_with_token(&app, &member, Some(&token), "p.png", "image/png", &png).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "upload {n}: {}",
            res.body
        );
    }
    let res = upload_with_token(&app, &member, Some(&token), "p.png", "image/png", &png).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(!header(&res.headers, "retry-after").is_empty());
}

#[tokio::test]
async fn staff_take_down_a_picture_and_the_log_says_so() {
    let app = TestApp::spawn().await;
    app.create_admin("gardienne").await;
    let staff = app.client.clone();
    let member = browser();
    app.register_with(&member, "provocatrice").await;
    let res = upload(&app, &member, "photo.jpg", "image/jpeg", &jpeg_with_gps()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let uploaded = avatar_src(&app.get("/u/provocatrice").await.body);
    assert!(uploaded.ends_with(".jpg"));

    // Another member cannot; a moderator sees the picture on the person's page and removes it.
    let other = browser();
    app.register_with(&other, "voisine").await;
    let res = other
        .post(app.url("/mod/users/provocatrice/avatar/remove"))
        .form(&[("reason", "non")])
        .send()
        .await
        .expect("POST");
    assert!(res.status().is_client_error());
    let page = app.get_with(&staff, "/mod/users/provocatrice").await;
    assert!(page.body.contains(&uploaded), "the moderator sees it");
    let res = app
        .post_form_with(
            &staff,
            "/mod/users/provocatrice",
            "/mod/users/provocatrice/avatar/remove",
            &[("reason", "Image injurieuse")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(res.location(), "/mod/users/provocatrice?done=avatar");
    let drawn = avatar_src(&app.get("/u/provocatrice").await.body);
    assert!(drawn.ends_with(".svg"), "{drawn}");
    let log = text(&app.get_with(&staff, "/mod/log").await.body);
    assert!(
        log.contains("Image de profil retirée") && log.contains("Image injurieuse"),
        "{log}"
    );
}
