//! Email. Every mail is a row of the outbox, written in the same transaction as the event that
//! causes it (`Mailer::queue`); the background jobs (`crate::jobs`) send those rows through the
//! configured transport (`sender`, `transport`), retrying with backoff. A request never waits
//! for SMTP. The mailer owns its templates, its base URL and the site's name: mail needs
//! nothing from the web layer.
//!
//! Mails are rendered from `templates/emails/<name>/{subject,text,html}.hbs` in the
//! recipient's language, with absolute links from `server.base_url` and, for notification
//! mails, a signed one-click unsubscribe link (`unsubscribe`).
//!
//! A mail to many people that reads the same for each of them (a post's notifications, by
//! kind and language) is rendered and stored once (`Mailer::queue_shared`): each recipient's
//! outbox row refers to the shared body and carries its own unsubscribe link, which the sender
//! puts in place of the body's placeholder (`outbox::personalise`).

pub mod outbox;
pub mod sender;
pub mod transport;
pub mod unsubscribe;

use std::sync::{Arc, OnceLock};

use diesel::prelude::*;
use lettre::message::Mailbox;
use serde_json::{json, Value};

use crate::db::schema::site_secrets;
use crate::db::DbConnection;
use crate::i18n::Lang;
use crate::settings::Settings;
use crate::site_config::ConfigCache;
use crate::templates::{RenderError, Templates};
use transport::{header_safe, MailSetupError, Transport};
use unsubscribe::ListKind;

/// Writing a mail to the outbox failed.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("mail template failed")]
    Render(#[from] RenderError),
    #[error("outbox query failed")]
    Query(#[from] diesel::result::Error),
}

/// Everything the server needs to write and send mail: the transport, the sender, the mail
/// templates, the public address links start with, and the site's current name.
pub struct Mailer {
    /// Where mail goes.
    pub transport: Transport,
    /// The sender: the site name and `mail.from_address`.
    pub from: Mailbox,
    /// The domain of generated `Message-ID`s.
    pub message_domain: String,
    /// Wakes the worker when a request queued mail or a post to fan out.
    pub wake: tokio::sync::Notify,
    /// Absolute links in mails start with this (`server.base_url`).
    pub base_url: String,
    templates: Arc<Templates>,
    config: Arc<ConfigCache>,
    unsubscribe_key: OnceLock<Vec<u8>>,
}

impl Mailer {
    /// The sender, under the site's current name.
    pub fn from_named(&self, site_name: &str) -> Mailbox {
        Mailbox::new(Some(header_safe(site_name)), self.from.email.clone())
    }

    /// Builds the mailer the settings describe, rendering with `templates` and naming the
    /// site as `config` currently does.
    pub fn new(
        settings: &Settings,
        templates: Arc<Templates>,
        config: Arc<ConfigCache>,
    ) -> Result<Self, MailSetupError> {
        let address: lettre::Address = settings
            .mail
            .from_address
            .parse()
            .map_err(MailSetupError::From)?;
        let message_domain = address.domain().to_owned();
        let from = Mailbox::new(Some(header_safe(&settings.site.name)), address);
        Ok(Mailer {
            transport: Transport::from_settings(&settings.mail)?,
            from,
            message_domain,
            wake: tokio::sync::Notify::new(),
            base_url: settings.base_url().to_owned(),
            templates,
            config,
            unsubscribe_key: OnceLock::new(),
        })
    }

    /// The language of mails to a user: theirs, else the site's.
    pub fn lang_for(&self, locale: Option<&str>) -> Lang {
        locale
            .and_then(Lang::parse)
            .unwrap_or_else(|| self.config.get().default_lang())
    }

    /// The sender under the site's current name.
    pub fn sender(&self) -> Mailbox {
        self.from_named(&self.config.get().site_name)
    }

    /// Renders a draft and writes it to the outbox on `conn` (inside the caller's
    /// transaction, so the mail exists exactly when the event that causes it does). Returns
    /// the outbox id.
    pub fn queue(&self, conn: &mut DbConnection, draft: Draft<'_>) -> Result<i64, MailError> {
        let unsubscribe_url = match (draft.list, draft.user_id) {
            (Some(list), Some(user_id)) => {
                let key = self.unsubscribe_key(conn)?;
                Some(unsubscribe::link(&self.base_url, &key, user_id, list))
            }
            _ => None,
        };
        let (subject, text, html) = self.render(
            draft.template,
            draft.lang,
            draft.data,
            unsubscribe_url.as_deref(),
        )?;
        let body_id = outbox::insert_body(
            conn,
            &outbox::NewBody {
                subject: &subject,
                body_text: &text,
                body_html: &html,
                placeholder: None,
            },
        )?;
        let id = outbox::insert(
            conn,
            &outbox::NewMail {
                kind: draft.template,
                user_id: draft.user_id,
                recipient: draft.to,
                body_id,
                unsubscribe_url: unsubscribe_url.as_deref(),
            },
            &self.message_domain,
        )?;
        Ok(id)
    }

    /// Renders `draft` once and writes it to the outbox for each of `to` (in the caller's
    /// transaction): one stored body, and per recipient one row with its own unsubscribe link
    /// when the mail belongs to a list. Each recipient receives exactly what `queue` would have
    /// sent them alone. Returns how many rows were written.
    pub fn queue_shared(
        &self,
        conn: &mut DbConnection,
        draft: SharedDraft,
        to: &[MailTo<'_>],
    ) -> Result<usize, MailError> {
        if to.is_empty() {
            return Ok(0);
        }
        // A fresh random token per body: no post's text can guess it and have a link put in.
        let placeholder = draft.list.map(|_| {
            format!(
                "vigie-unsubscribe-{}",
                hex::encode(rand::random::<[u8; 16]>())
            )
        });
        let (subject, text, html) = self.render(
            draft.template,
            draft.lang,
            draft.data,
            placeholder.as_deref(),
        )?;
        let body_id = outbox::insert_body(
            conn,
            &outbox::NewBody {
                subject: &subject,
                body_text: &text,
                body_html: &html,
                placeholder: placeholder.as_deref(),
            },
        )?;
        let links: Vec<Option<String>> = match draft.list {
            Some(list) => {
                let key = self.unsubscribe_key(conn)?;
                to.iter()
                    .map(|r| Some(unsubscribe::link(&self.base_url, &key, r.user_id, list)))
                    .collect()
            }
            None => vec![None; to.len()],
        };
        let rows: Vec<outbox::NewMail<'_>> = to
            .iter()
            .zip(&links)
            .map(|(r, link)| outbox::NewMail {
                kind: draft.template,
                user_id: Some(r.user_id),
                recipient: r.address,
                body_id,
                unsubscribe_url: link.as_deref(),
            })
            .collect();
        Ok(outbox::insert_many(conn, &rows, &self.message_domain)?)
    }

    /// Renders `template` with the common fields (language, site, base URL, unsubscribe link):
    /// the subject made header-safe and the text trimmed, as they are stored.
    fn render(
        &self,
        template: &str,
        lang: Lang,
        mut data: Value,
        unsubscribe_url: Option<&str>,
    ) -> Result<(String, String, String), MailError> {
        if let Value::Object(map) = &mut data {
            map.insert("lang".into(), json!(lang.code()));
            map.insert("site".into(), self.config.get().page_json(lang));
            map.insert("base_url".into(), json!(self.base_url));
            map.insert("unsubscribe_url".into(), json!(unsubscribe_url));
        }
        let (subject, text, html) = self
            .templates
            .render_mail(&format!("emails/{template}"), data)?;
        Ok((header_safe(&subject), text.trim().to_owned(), html))
    }

    /// Tells the worker there is something to do (call after the transaction commits).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The key that signs unsubscribe links: generated once per database and shared by every
    /// instance, so a link stays valid whichever instance answers it.
    pub fn unsubscribe_key(&self, conn: &mut DbConnection) -> QueryResult<Vec<u8>> {
        if let Some(key) = self.unsubscribe_key.get() {
            return Ok(key.clone());
        }
        let key = site_secret(conn, "unsubscribe")?;
        let _ = self.unsubscribe_key.set(key.clone());
        Ok(key)
    }
}

/// Reads the named secret, creating it (256 random bits) the first time.
pub fn site_secret(conn: &mut DbConnection, name: &str) -> QueryResult<Vec<u8>> {
    let fresh = crate::sessions::new_token();
    crate::on_backend!(&mut *conn, c => diesel::insert_into(site_secrets::table)
        .values((site_secrets::name.eq(name), site_secrets::value.eq(&fresh)))
        .on_conflict(site_secrets::name)
        .do_nothing()
        .execute(c))?;
    let value: String = site_secrets::table
        .find(name)
        .select(site_secrets::value)
        .first(conn)?;
    Ok(value.into_bytes())
}

/// One mail about to be written to the outbox.
pub struct Draft<'a> {
    /// The folder under `templates/emails/`.
    pub template: &'static str,
    /// The recipient's language.
    pub lang: Lang,
    /// The recipient's address.
    pub to: &'a str,
    /// The recipient's account, when there is one.
    pub user_id: Option<i64>,
    /// The list this mail belongs to, for the unsubscribe link and headers.
    pub list: Option<ListKind>,
    /// What the template needs besides the common fields.
    pub data: Value,
}

/// A mail about to be written to the outbox for several recipients, who all read it in the
/// same language (`Mailer::queue_shared`).
pub struct SharedDraft {
    /// The folder under `templates/emails/`.
    pub template: &'static str,
    /// The recipients' language.
    pub lang: Lang,
    /// The list this mail belongs to, for each recipient's unsubscribe link and headers.
    pub list: Option<ListKind>,
    /// What the template needs besides the common fields: nothing of any one recipient.
    pub data: Value,
}

/// One recipient of a shared mail.
#[derive(Debug, Clone, Copy)]
pub struct MailTo<'a> {
    /// Their address.
    pub address: &'a str,
    /// Their account (it signs their unsubscribe link).
    pub user_id: i64,
}

/// Sends the `test` mail to `to` right away through the configured transport (no outbox): for
/// `vigie mail test`. Returns what the transport reported.
pub async fn send_test(settings: &Settings, to: &str) -> anyhow::Result<String> {
    let templates = Arc::new(Templates::load(false)?);
    let config = Arc::new(ConfigCache::new(settings));
    let mailer = Mailer::new(settings, templates.clone(), config)?;
    let lang = Lang::parse(&settings.site.default_language).unwrap_or(Lang::Fr);
    let now = crate::db::now();
    let (subject, text, html) = templates
        .render_mail(
            "emails/test",
            json!({
                "lang": lang.code(),
                "site": {"name": settings.site.name, "version": env!("CARGO_PKG_VERSION")},
                "base_url": settings.base_url(),
                "unsubscribe_url": null,
                "sent_at": lang.datetime(now),
            }),
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mail = outbox::Leased {
        id: 0,
        message_id: format!(
            "{}.test@{}",
            hex::encode(rand::random::<[u8; 12]>()),
            mailer.message_domain
        ),
        kind: "test".into(),
        recipient: to.to_owned(),
        subject,
        body_text: text,
        body_html: html,
        unsubscribe_url: None,
        attempts: 0,
        created_at: now,
        claimed_until: None,
    };
    let message =
        transport::build_message(&mail, &mailer.from).map_err(|f| anyhow::anyhow!(f.message))?;
    mailer
        .transport
        .send(message, "test")
        .await
        .map_err(|f| anyhow::anyhow!(f.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_lose_control_characters() {
        assert_eq!(
            header_safe("Hello\r\nBcc: victim@example.org"),
            "Hello Bcc: victim@example.org"
        );
        assert_eq!(header_safe("a\tb\u{7}c"), "a b c");
        assert_eq!(
            header_safe("  Réponse  à « Caméras » "),
            "Réponse à « Caméras »"
        );
    }
}
