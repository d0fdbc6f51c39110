//! The manifesto's data: its text (rows `manifesto_text` and `manifesto_text_en` of
//! `site_config`, else the default text), the checks a signature goes through, and the
//! statements behind signing, confirming, approving and listing signatures.
//!
//! A signature is stored with its address's key (one signature per address) and the SHA-256 of
//! its confirmation token. It counts once confirmed; an organisation is listed once a moderator
//! approved it as well. Unconfirmed signatures are forgotten after `TOKEN_DAYS`.

use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::manifesto_default::{DEFAULT_EN, DEFAULT_FR};
use crate::accounts::domain::EmailAddress;
use crate::db::schema::{manifesto_signatures as sigs, site_config};
use crate::db::DbConnection;
use crate::i18n::Lang;
use crate::mail::{Draft, Mailer};
use crate::on_backend;
use crate::sessions::{hash_token, new_token};
use crate::validation::{clean_text, FieldError};
use crate::web::error::AppError;
use crate::web::throttle::Throttles;

/// The `site_config` row of the French text.
pub const TEXT_FR: &str = "manifesto_text";
/// The `site_config` row of the English text.
pub const TEXT_EN: &str = "manifesto_text_en";
/// Characters each text may hold.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Characters of a signatory's name.
pub const MAX_NAME_CHARS: usize = 120;
/// Characters of an organisation's website address.
pub const MAX_WEBSITE_CHARS: usize = 300;
/// Characters of a person's city.
pub const MAX_CITY_CHARS: usize = 80;
/// Days a confirmation link stays valid (and an unconfirmed signature is kept).
pub const TOKEN_DAYS: i64 = 7;

// ----- The text -----

/// The manifesto's text as stored (`None` for a language never saved: the default applies).
#[derive(Debug, Clone, Default)]
pub struct StoredText {
    pub fr: Option<String>,
    pub en: Option<String>,
}

impl StoredText {
    /// The French Markdown shown now.
    pub fn fr(&self) -> &str {
        self.fr.as_deref().unwrap_or(DEFAULT_FR)
    }

    /// The English Markdown as the form shows it (may be empty: the French one is then shown).
    pub fn en(&self) -> &str {
        self.en.as_deref().unwrap_or(DEFAULT_EN)
    }

    /// The Markdown visitors read in a language.
    pub fn for_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.en().trim().is_empty() => self.en(),
            _ => self.fr(),
        }
    }

    /// The text in a language as sanitised HTML.
    pub fn html(&self, lang: Lang) -> Arc<str> {
        cooked(self.for_lang(lang))
    }
}

/// Reads both texts (one statement).
pub fn load_text(conn: &mut DbConnection) -> QueryResult<StoredText> {
    let rows: Vec<(String, String)> = site_config::table
        .filter(site_config::name.eq_any([TEXT_FR, TEXT_EN]))
        .select((site_config::name, site_config::value))
        .load(conn)?;
    let mut text = StoredText::default();
    for (name, value) in rows {
        if name == TEXT_FR {
            text.fr = Some(value);
        } else {
            text.en = Some(value);
        }
    }
    Ok(text)
}

/// The last few texts cooked, by their Markdown: pages cook only when the text changed.
static COOKED: Mutex<Vec<(String, Arc<str>)>> = Mutex::new(Vec::new());

/// Markdown to sanitised HTML, remembered for the texts in use.
fn cooked(markdown: &str) -> Arc<str> {
    let mut memo = COOKED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((_, html)) = memo.iter().find(|(source, _)| source == markdown) {
        return Arc::clone(html);
    }
    let html: Arc<str> = crate::markdown::cook(markdown).into_string().into();
    if memo.len() >= 4 {
        memo.remove(0);
    }
    memo.push((markdown.to_owned(), Arc::clone(&html)));
    html
}

/// Checks a submitted text: cleaned, trimmed, at most `MAX_TEXT_CHARS`; the French one is
/// required.
pub fn check_text(raw: &str, field: &'static str, required: bool) -> Result<String, FieldError> {
    let text = clean_text(raw, true).trim().to_owned();
    if required && text.is_empty() {
        return Err(FieldError::new(field, "error-manifesto-text-required"));
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(FieldError::new(field, "error-manifesto-text-too-long"));
    }
    Ok(text)
}

/// Stores the texts that differ from the current ones and logs the change (inside a
/// transaction that moves the content version, so visitors see the new text at once).
/// Returns false when nothing changed.
pub fn save_text(conn: &mut DbConnection, actor_id: i64, fr: &str, en: &str) -> QueryResult<bool> {
    let current = load_text(conn)?;
    let at = crate::db::now();
    let mut changed = false;
    for (name, old, new) in [(TEXT_FR, current.fr(), fr), (TEXT_EN, current.en(), en)] {
        if old == new {
            continue;
        }
        changed = true;
        diesel::delete(site_config::table.filter(site_config::name.eq(name))).execute(conn)?;
        diesel::insert_into(site_config::table)
            .values((
                site_config::name.eq(name),
                site_config::value.eq(new),
                site_config::updated_by.eq(Some(actor_id)),
                site_config::updated_at.eq(at),
            ))
            .execute(conn)?;
    }
    if changed {
        crate::audit::record(
            conn,
            actor_id,
            "manifesto_text",
            "site",
            0,
            "manifesto",
            "",
            None,
        )?;
    }
    Ok(changed)
}

// ----- Signatures -----

/// Who signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// An association, a collective, a union… listed by name once approved.
    Organisation,
    /// A person, counted, never named.
    Person,
}

impl Kind {
    /// Parses a stored or submitted kind.
    pub fn parse(s: &str) -> Option<Kind> {
        match s.trim() {
            "organisation" => Some(Kind::Organisation),
            "person" => Some(Kind::Person),
            _ => None,
        }
    }

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Organisation => "organisation",
            Kind::Person => "person",
        }
    }
}

/// A checked signature, not yet stored.
#[derive(Debug, Clone)]
pub struct NewSignature {
    pub kind: Kind,
    pub name: String,
    /// Organisations only (may be empty).
    pub website: String,
    /// Persons only (may be empty).
    pub city: String,
    pub email: EmailAddress,
}

/// A signature as submitted, before any check.
#[derive(Debug, Clone, Default)]
pub struct Submitted<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub website: &'a str,
    pub city: &'a str,
    pub email: &'a str,
}

/// Checks every field of a signature, collecting all errors. The website is kept for
/// organisations only, the city for persons only.
pub fn validate(input: &Submitted<'_>) -> Result<NewSignature, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = Kind::parse(input.kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "error-manifesto-kind"));
    }
    let name = clean_text(input.name, false).trim().to_owned();
    if name.is_empty() {
        errors.push(FieldError::new("name", "error-manifesto-name-required"));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(FieldError::new("name", "error-manifesto-name-too-long"));
    }
    let website = match kind {
        Some(Kind::Organisation) => match parse_website(input.website) {
            Ok(w) => w,
            Err(e) => {
                errors.push(e);
                String::new()
            }
        },
        _ => String::new(),
    };
    let city = match kind {
        Some(Kind::Person) => {
            let city = clean_text(input.city, false).trim().to_owned();
            if city.chars().count() > MAX_CITY_CHARS {
                errors.push(FieldError::new("city", "error-manifesto-city-too-long"));
            }
            city
        }
        _ => String::new(),
    };
    let email = EmailAddress::parse(input.email).map_err(|e| errors.push(e));
    match (kind, email) {
        (Some(kind), Ok(email)) if errors.is_empty() => Ok(NewSignature {
            kind,
            name,
            website,
            city,
            email,
        }),
        _ => Err(errors),
    }
}

/// An organisation's website: empty, or an absolute `http`/`https` address with a host and no
/// credentials (`https://` is added to a bare `example.org`). Returns the normalised address.
pub fn parse_website(raw: &str) -> Result<String, FieldError> {
    let raw = clean_text(raw, false).trim().to_owned();
    if raw.is_empty() {
        return Ok(raw);
    }
    if raw.chars().count() > MAX_WEBSITE_CHARS {
        return Err(FieldError::new(
            "website",
            "error-manifesto-website-too-long",
        ));
    }
    let invalid = || FieldError::new("website", "error-manifesto-website-invalid");
    // `example.org` or `example.org:8080/x`: no scheme typed (what comes before the first
    // colon, if any, has a dot). `javascript:…` keeps its scheme and is refused.
    let before_colon = raw.split(':').next().unwrap_or_default();
    let bare = !raw.contains("://") && before_colon.contains('.');
    let candidate = if bare {
        format!("https://{raw}")
    } else {
        raw.clone()
    };
    let url = url::Url::parse(&candidate).map_err(|_| invalid())?;
    let host_ok = url
        .host_str()
        .is_some_and(|h| !h.is_empty() && (h.contains('.') || h.starts_with('[')));
    if !matches!(url.scheme(), "http" | "https")
        || !host_ok
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(invalid());
    }
    let normalised = url.to_string();
    if normalised.chars().count() > MAX_WEBSITE_CHARS {
        return Err(FieldError::new(
            "website",
            "error-manifesto-website-too-long",
        ));
    }
    Ok(normalised)
}

/// The link paths of the manifesto in a language.
pub struct Paths {
    pub page: &'static str,
    pub sign: &'static str,
    pub sent: &'static str,
    pub confirm: &'static str,
}

/// The manifesto's addresses in a language.
pub fn paths(lang: Lang) -> Paths {
    match lang {
        Lang::Fr => Paths {
            page: "/manifeste",
            sign: "/manifeste/signer",
            sent: "/manifeste/envoye",
            confirm: "/manifeste/confirmer",
        },
        Lang::En => Paths {
            page: "/manifesto",
            sign: "/manifesto/sign",
            sent: "/manifesto/sent",
            confirm: "/manifesto/confirm",
        },
    }
}

/// Counts one mail to an address against its hourly allowance; past it nothing is sent, and
/// the answer stays the same, so a form cannot be used to flood someone's mailbox.
fn address_may_get_mail(throttles: &Throttles, key: &str) -> bool {
    let key = format!("manifesto:{key}");
    let throttle = &throttles.mail_requests;
    if throttle.blocked_for(&key).is_some() {
        return false;
    }
    throttle.record(&key);
    true
}

/// Files a signature (inside a private write transaction; nothing public changes until it is
/// confirmed): a new address gets a confirmation link; an address whose earlier signature is
/// unconfirmed gets a fresh link (the signature takes the new details); an address that already
/// signed gets a mail saying so. Returns true when a mail was queued.
pub fn sign(
    mailer: &Mailer,
    throttles: &Throttles,
    conn: &mut DbConnection,
    sig: &NewSignature,
    lang: Lang,
) -> Result<bool, AppError> {
    let now = crate::db::now();
    purge_unconfirmed(conn, now)?;
    let key = sig.email.key();
    let existing: Option<(i64, Option<NaiveDateTime>)> = sigs::table
        .filter(sigs::email_key.eq(&key))
        .select((sigs::id, sigs::confirmed_at))
        .first(conn)
        .optional()?;
    if !address_may_get_mail(throttles, &key) {
        return Ok(false);
    }
    let base = mailer.base_url.as_str();
    let page_url = format!("{base}{}", paths(lang).page);
    if let Some((_, Some(_))) = existing {
        queue_mail(
            mailer,
            conn,
            lang,
            sig.email.as_str(),
            json!({
                "already_signed": true,
                "organisation": false,
                "link": "",
                "days": TOKEN_DAYS,
                "manifesto_url": page_url,
            }),
        )?;
        return Ok(true);
    }
    let token = new_token();
    let hash = hash_token(&token);
    let details = (
        sigs::kind.eq(sig.kind.as_str()),
        sigs::name.eq(&sig.name),
        sigs::website.eq(&sig.website),
        sigs::city.eq(&sig.city),
        sigs::email.eq(sig.email.as_str()),
        sigs::token_hash.eq(Some(&hash)),
        sigs::created_at.eq(now),
    );
    let stored = match existing {
        Some((id, _)) => diesel::update(sigs::table.find(id).filter(sigs::confirmed_at.is_null()))
            .set(details)
            .execute(conn)?,
        None => on_backend!(&mut *conn, c => diesel::insert_into(sigs::table)
            .values((details, sigs::email_key.eq(&key)))
            .on_conflict(sigs::email_key)
            .do_nothing()
            .execute(c))?,
    };
    if stored != 1 {
        // Another request for the same address got there first: it sends its own mail.
        return Ok(false);
    }
    let link = format!("{base}{}/{token}", paths(lang).confirm);
    queue_mail(
        mailer,
        conn,
        lang,
        sig.email.as_str(),
        json!({
            "already_signed": false,
            "organisation": sig.kind == Kind::Organisation,
            "link": link,
            "days": TOKEN_DAYS,
            "manifesto_url": page_url,
        }),
    )?;
    Ok(true)
}

fn queue_mail(
    mailer: &Mailer,
    conn: &mut DbConnection,
    lang: Lang,
    to: &str,
    data: serde_json::Value,
) -> Result<(), AppError> {
    mailer.queue(
        conn,
        Draft {
            template: "manifesto_confirm",
            lang,
            to,
            user_id: None,
            list: None,
            data,
        },
    )?;
    Ok(())
}

/// Forgets the signatures left unconfirmed past their link's validity (their addresses with
/// them).
pub fn purge_unconfirmed(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        sigs::table
            .filter(sigs::confirmed_at.is_null())
            .filter(sigs::created_at.lt(now - chrono::Duration::days(TOKEN_DAYS))),
    )
    .execute(conn)
}

/// What a confirmation link points to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTarget {
    /// An unconfirmed signature whose link is still valid.
    Valid { id: i64, kind: Kind },
    /// An unconfirmed signature whose link is too old.
    Expired { id: i64 },
    /// Nothing: the link was used already, replaced by a newer one, or never existed.
    Unknown,
}

/// Finds the signature a confirmation token belongs to (one statement, no write).
pub fn find_token(
    conn: &mut DbConnection,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<LinkTarget> {
    // Tokens are 43 characters; anything much longer is not one of ours.
    if token.is_empty() || token.len() > 128 {
        return Ok(LinkTarget::Unknown);
    }
    let row: Option<(i64, String, NaiveDateTime)> = sigs::table
        .filter(sigs::token_hash.eq(hash_token(token)))
        .filter(sigs::confirmed_at.is_null())
        .select((sigs::id, sigs::kind, sigs::created_at))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => LinkTarget::Unknown,
        Some((id, _, created_at)) if created_at < now - chrono::Duration::days(TOKEN_DAYS) => {
            LinkTarget::Expired { id }
        }
        Some((id, kind, _)) => LinkTarget::Valid {
            id,
            kind: Kind::parse(&kind).unwrap_or(Kind::Person),
        },
    })
}

/// Confirms a signature if its token is still the one given (the link then stops working).
/// Returns false when another request used it first.
pub fn confirm(
    conn: &mut DbConnection,
    id: i64,
    token: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let done = diesel::update(
        sigs::table
            .find(id)
            .filter(sigs::token_hash.eq(hash_token(token)))
            .filter(sigs::confirmed_at.is_null()),
    )
    .set((
        sigs::confirmed_at.eq(Some(now)),
        sigs::token_hash.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(done == 1)
}

/// Deletes an unconfirmed signature whose link expired.
pub fn delete_unconfirmed(conn: &mut DbConnection, id: i64) -> QueryResult<usize> {
    diesel::delete(sigs::table.find(id).filter(sigs::confirmed_at.is_null())).execute(conn)
}

/// An organisation on the public list (never its address).
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct PublicOrganisation {
    pub name: String,
    pub website: String,
}

/// What the public page and the API show.
#[derive(Debug, Clone)]
pub struct PublicView {
    pub text: StoredText,
    /// Confirmed persons.
    pub people: i64,
    /// Approved organisations, by name.
    pub organisations: Vec<PublicOrganisation>,
}

/// Reads the text, the count of persons and the list of organisations.
pub fn public_view(conn: &mut DbConnection) -> QueryResult<PublicView> {
    let text = load_text(conn)?;
    let people: i64 = sigs::table
        .filter(sigs::kind.eq(Kind::Person.as_str()))
        .filter(sigs::confirmed_at.is_not_null())
        .count()
        .get_result(conn)?;
    let organisations = sigs::table
        .filter(sigs::kind.eq(Kind::Organisation.as_str()))
        .filter(sigs::approved_at.is_not_null())
        .filter(sigs::confirmed_at.is_not_null())
        .order((sigs::name.asc(), sigs::id.asc()))
        .select((sigs::name, sigs::website))
        .load(conn)?;
    Ok(PublicView {
        text,
        people,
        organisations,
    })
}

/// Confirmed organisations waiting for a moderator.
pub fn pending_count(conn: &mut DbConnection) -> QueryResult<i64> {
    sigs::table
        .filter(sigs::kind.eq(Kind::Organisation.as_str()))
        .filter(sigs::confirmed_at.is_not_null())
        .filter(sigs::approved_at.is_null())
        .count()
        .get_result(conn)
}

/// An organisation's signature as staff see it (address included, to check who signed).
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct StaffOrganisation {
    pub id: i64,
    pub name: String,
    pub website: String,
    pub email: String,
    pub confirmed_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
}

/// Confirmed organisations: those waiting (oldest first) and those listed (by name).
pub fn staff_view(
    conn: &mut DbConnection,
) -> QueryResult<(Vec<StaffOrganisation>, Vec<StaffOrganisation>)> {
    let columns = (
        sigs::id,
        sigs::name,
        sigs::website,
        sigs::email,
        sigs::confirmed_at,
        sigs::approved_at,
    );
    let pending = sigs::table
        .filter(sigs::kind.eq(Kind::Organisation.as_str()))
        .filter(sigs::confirmed_at.is_not_null())
        .filter(sigs::approved_at.is_null())
        .order(sigs::confirmed_at.asc())
        .limit(500)
        .select(columns)
        .load(conn)?;
    let approved = sigs::table
        .filter(sigs::kind.eq(Kind::Organisation.as_str()))
        .filter(sigs::approved_at.is_not_null())
        .order((sigs::name.asc(), sigs::id.asc()))
        .select(columns)
        .load(conn)?;
    Ok((pending, approved))
}

/// A moderator's decision on an organisation's signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// List it.
    Approve,
    /// Delete it (waiting or listed).
    Reject,
}

impl Decision {
    /// Parses `approve` / `reject`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "approve" => Some(Decision::Approve),
            "reject" => Some(Decision::Reject),
            _ => None,
        }
    }
}

/// Applies a decision (inside a transaction that moves the content version) and logs it; a
/// rejected organisation is logged by number only. Returns false when there is no confirmed
/// organisation with that id (or it is already listed, for an approval).
pub fn decide(
    conn: &mut DbConnection,
    actor_id: i64,
    id: i64,
    decision: Decision,
) -> QueryResult<bool> {
    let target = sigs::table
        .find(id)
        .filter(sigs::kind.eq(Kind::Organisation.as_str()))
        .filter(sigs::confirmed_at.is_not_null());
    let name: Option<String> = target.select(sigs::name).first(conn).optional()?;
    let Some(name) = name else {
        return Ok(false);
    };
    let (done, action, label) = match decision {
        Decision::Approve => (
            diesel::update(target.filter(sigs::approved_at.is_null()))
                .set(sigs::approved_at.eq(Some(crate::db::now())))
                .execute(conn)?,
            "manifesto_approve",
            name,
        ),
        Decision::Reject => (
            diesel::delete(target).execute(conn)?,
            "manifesto_reject",
            format!("#{id}"),
        ),
    };
    if done != 1 {
        return Ok(false);
    }
    crate::audit::record(
        conn,
        actor_id,
        action,
        "manifesto_signature",
        id,
        &label,
        "",
        None,
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn submitted<'a>(kind: &'a str, website: &'a str) -> Submitted<'a> {
        Submitted {
            kind,
            name: "Collectif Vigilance",
            website,
            city: "Lyon",
            email: "contact@example.org",
        }
    }

    #[test]
    fn websites_are_http_or_https_with_a_host() {
        assert_eq!(parse_website("").expect("empty is fine"), "");
        assert_eq!(
            parse_website("https://example.org").expect("valid"),
            "https://example.org/"
        );
        assert_eq!(
            parse_website("example.org/agir").expect("bare domain"),
            "https://example.org/agir"
        );
        assert_eq!(
            parse_website("example.org:8080").expect("bare with port"),
            "https://example.org:8080/"
        );
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "ftp://example.org",
            "https://user:pass@example.org",
            "http://localhost",
            "https://",
            "mailto:a@example.org",
        ] {
            assert!(parse_website(bad).is_err(), "{bad}");
        }
        let long = format!("https://example.org/{}", "a".repeat(400));
        assert_eq!(
            parse_website(&long).unwrap_err().key,
            "error-manifesto-website-too-long"
        );
    }

    #[test]
    fn signatures_keep_only_the_fields_of_their_kind() {
        let org = validate(&submitted("organisation", "example.org")).expect("valid");
        assert_eq!(org.kind, Kind::Organisation);
        assert_eq!(org.website, "https://example.org/");
        assert_eq!(org.city, "");
        let person = validate(&submitted("person", "javascript:alert(1)")).expect("valid");
        assert_eq!(person.website, "", "a person's website is ignored");
        assert_eq!(person.city, "Lyon");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = validate(&Submitted {
            kind: "robot",
            name: "  ",
            website: "",
            city: "",
            email: "nope",
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "name", "email"]);
        let errors = validate(&Submitted {
            kind: "person",
            name: &"n".repeat(MAX_NAME_CHARS + 1),
            website: "",
            city: &"c".repeat(MAX_CITY_CHARS + 1),
            email: "a@example.org",
        })
        .unwrap_err();
        let keys: Vec<_> = errors.iter().map(|e| e.key).collect();
        assert_eq!(
            keys,
            [
                "error-manifesto-name-too-long",
                "error-manifesto-city-too-long"
            ]
        );
    }

    #[test]
    fn the_english_text_falls_back_to_the_french_one() {
        let text = StoredText {
            fr: Some("Bonjour".into()),
            en: Some(" ".into()),
        };
        assert_eq!(text.for_lang(Lang::En), "Bonjour");
        assert_eq!(StoredText::default().for_lang(Lang::En), DEFAULT_EN);
        assert!(text.html(Lang::Fr).contains("<p>Bonjour</p>"));
    }
}
