//! Signing the manifesto and confirming a signature: the manifesto's addresses, filing a
//! signature and mailing its confirmation link (within a per-address allowance), finding and
//! using a link, and forgetting what was never confirmed.
//!
//! A signature is stored with its address's key (one signature per address) and the SHA-256 of
//! its confirmation token. It counts once confirmed; an organisation is listed once a moderator
//! approved it as well (`manifesto_lists`). Unconfirmed signatures are forgotten after
//! `TOKEN_DAYS`.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::manifesto_signature::{Kind, NewSignature};
use crate::db::schema::manifesto_signatures as sigs;
use crate::db::DbConnection;
use crate::i18n::Lang;
use crate::mail::{Draft, Mailer};
use crate::on_backend;
use crate::sessions::{hash_token, new_token};
use crate::web::error::AppError;
use crate::web::throttle::Throttles;

/// Days a confirmation link stays valid (and an unconfirmed signature is kept).
pub const TOKEN_DAYS: i64 = 7;

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
