//! Avatars without any third party: every member has a drawn one (their initial on a colour
//! chosen from their id, an SVG made here), and may upload a picture instead, which
//! `crate::images` squares, resizes and strips of every metadata before it is stored
//! (`avatar_store`). Both are served by the forum itself (`avatar_routes`) under addresses that
//! change with what they show — the drawn one with the name, the uploaded one with its hash —
//! so browsers may keep them for a year, and a page kept in the page cache never points at a
//! picture that is gone.
//!
//! Pages get an avatar's address from `url`, from what their queries already read (the id, the
//! name and the stored picture's `file`): no statement more per post.

use sha2::{Digest, Sha256};

use crate::images::{Encoded, Limits};

/// Width and height of a stored picture, in pixels (shown at most at this size).
pub const SIDE: u32 = 128;

/// What an upload may be: 2 MiB, 4096 pixels a side, 96 MiB once decoded.
pub const LIMITS: Limits = Limits {
    max_bytes: 2 * 1024 * 1024,
    max_side: 4096,
    max_decoded_bytes: 96 * 1024 * 1024,
};

/// Uploads a member may make in an hour (refused ones count: each is decoded).
pub const UPLOADS_PER_HOUR: u32 = 20;

/// Bumped when the drawing changes, so that browsers fetch the new one.
const DRAWING_VERSION: u8 = 1;

/// Background colours of the drawn avatars (white text on each reads at 4.5:1 or more).
const COLOURS: [&str; 10] = [
    "#1d4ed8", "#7c3aed", "#be185d", "#b91c1c", "#c2410c", "#4d7c0f", "#047857", "#0e7490",
    "#4338ca", "#57534e",
];

/// The address of a member's avatar: their picture (`file`, from `avatars.file`) or the drawn one.
pub fn url(user_id: i64, username: &str, file: Option<&str>) -> String {
    match file {
        Some(file) => format!("/avatars/{user_id}/{file}"),
        None => format!("/avatars/{user_id}/{}", drawn_file(username)),
    }
}

/// The file name of a member's drawn avatar: it changes with their name (and the drawing).
pub fn drawn_file(username: &str) -> String {
    // FNV-1a: a cheap, stable fingerprint (not a secret; the name is public).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in std::iter::once(DRAWING_VERSION).chain(username.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("g{hash:016x}.svg")
}

/// The file name of an uploaded picture: a hash of its bytes and its extension.
pub fn upload_file(picture: &Encoded) -> String {
    let digest = Sha256::digest(&picture.bytes);
    format!("{}.{}", &hex::encode(digest)[..20], picture.extension)
}

/// The drawn avatar: the first letter or digit of the name, in white on a colour chosen from
/// the member's id. Self-contained (no font file, no link, no script, no style sheet).
pub fn drawn_svg(user_id: i64, username: &str) -> String {
    let initial: String = username
        .chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_else(|| "?".to_owned());
    let colour = COLOURS[user_id.rem_euclid(COLOURS.len() as i64) as usize];
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}" viewBox="0 0 {side} {side}">"#,
            r#"<rect width="{side}" height="{side}" fill="{colour}"/>"#,
            r##"<text x="50%" y="50%" dy=".35em" text-anchor="middle" fill="#ffffff" "##,
            r#"font-family="system-ui, sans-serif" font-size="64" font-weight="600">{initial}</text>"#,
            "</svg>"
        ),
        side = SIDE,
        colour = colour,
        initial = escape_xml(&initial),
    )
}

/// Escapes text for an XML element.
fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The media type of a stored file, from its extension.
pub fn content_type_of(file: &str) -> Option<&'static str> {
    match file.rsplit_once('.')?.1 {
        "jpg" => Some("image/jpeg"),
        "png" => Some("image/png"),
        "svg" => Some("image/svg+xml"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_avatars_change_with_the_name_only() {
        assert_eq!(drawn_file("alice"), drawn_file("alice"));
        assert_ne!(drawn_file("alice"), drawn_file("Alice"));
        assert_eq!(
            url(7, "alice", None),
            format!("/avatars/7/{}", drawn_file("alice"))
        );
        assert_eq!(url(7, "alice", Some("ab.jpg")), "/avatars/7/ab.jpg");
    }

    #[test]
    fn drawn_avatars_show_the_initial_escaped() {
        let svg = drawn_svg(3, "élodie");
        assert!(svg.contains(">É</text>"), "{svg}");
        assert!(drawn_svg(-4, "--").contains(">?</text>"));
        assert_eq!(escape_xml("<&>"), "&lt;&amp;&gt;");
        assert!(!svg.contains("href"));
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(content_type_of("x.jpg"), Some("image/jpeg"));
        assert_eq!(content_type_of("x.png"), Some("image/png"));
        assert_eq!(content_type_of("gx.svg"), Some("image/svg+xml"));
        assert_eq!(content_type_of("x.gif"), None);
        assert_eq!(content_type_of("x"), None);
    }
}
