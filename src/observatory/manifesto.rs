//! The manifesto: its text (admin-editable, French and English) and its signatures.
//!
//! Pages: `GET /manifeste` (and `/manifesto`: same page, in the visitor's language) with the
//! text, the sign form, the count of people and the list of organisations;
//! `POST /manifeste/signer` (`/manifesto/sign`) files a signature and mails a confirmation
//! link, always with the same answer, whether or not the address already signed;
//! `GET /manifeste/confirmer/{token}` (`/manifesto/confirm/{token}`) confirms it;
//! `/admin/manifesto` (administrators) edits the text; `/mod/manifesto` (moderators and
//! administrators) approves or rejects organisations. The API (`GET /api/v1/manifesto`,
//! `POST /api/v1/manifesto/signatures`) is in `manifesto_api`.
//!
//! What visitors see changes in `write_tx` transactions (confirming a person, approving or
//! removing an organisation, editing the text), so their cached pages are renewed at once;
//! signing and confirming an organisation change nothing public and use `write_tx_private`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

use super::manifesto_lists::{self as lists, Decision};
use super::manifesto_signature::{self as signature, Kind, NewSignature, Submitted};
use super::manifesto_store::{self as store, LinkTarget};
use super::manifesto_text;
use crate::db::{write_tx, write_tx_private, Db};
use crate::i18n::Lang;
use crate::mail::Mailer;
use crate::sessions::{Role, Viewer};
use crate::validation::FieldError;
use crate::web::context::notice;
use crate::web::context::{see_other, Cached, CsrfForm, Ctx};
use crate::web::error::AppError;
use crate::web::page_cache::Scope;
use crate::web::parse_id;
use crate::web::throttle::Throttles;

/// The fields of the sign form, in page order.
const FIELDS: [&str; 5] = ["kind", "name", "website", "city", "email"];

/// Registers the pages.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manifeste", web::get().to(page))
        .route("/manifesto", web::get().to(page))
        .route("/manifeste/signer", web::post().to(sign_submit))
        .route("/manifesto/sign", web::post().to(sign_submit))
        .route("/manifeste/signer", web::get().to(back_to_form))
        .route("/manifesto/sign", web::get().to(back_to_form))
        .route("/manifeste/envoye", web::get().to(sent))
        .route("/manifesto/sent", web::get().to(sent))
        .route("/manifeste/confirmer/{token}", web::get().to(confirm))
        .route("/manifesto/confirm/{token}", web::get().to(confirm))
        .route("/admin/manifesto", web::get().to(admin_page))
        .route("/admin/manifesto", web::post().to(admin_submit))
        .route("/mod/manifesto", web::get().to(moderation_page))
        .route("/mod/manifesto/{id}", web::post().to(moderation_submit));
}

// ----- Shared steps -----

/// The signed-in moderator or administrator (401 signed out, 403 for members).
fn require_staff(viewer: Option<&Viewer>) -> Result<&Viewer, AppError> {
    let viewer = viewer.ok_or(AppError::Unauthorized)?;
    if viewer.role == Role::Member {
        return Err(AppError::Forbidden);
    }
    Ok(viewer)
}

/// Counts a signature against the client's hourly allowance (the registrations' throttle,
/// under its own key); 429 past it.
pub(super) fn check_client(throttles: &Throttles, client: &str) -> Result<String, AppError> {
    let key = format!("manifesto:{client}");
    if let Some(retry_after) = throttles.register_client.blocked_for(&key) {
        return Err(AppError::TooManyRequests { retry_after });
    }
    Ok(key)
}

/// Files a checked signature and queues its mail; wakes the mailer after the commit.
pub(super) async fn submit(
    mailer: &web::Data<Mailer>,
    throttles: &web::Data<Throttles>,
    db: &Db,
    sig: NewSignature,
    lang: Lang,
) -> Result<(), AppError> {
    let (tx_mailer, tx_throttles) = (mailer.clone(), throttles.clone());
    let queued = db
        .run(move |conn| {
            write_tx_private(conn, |conn| {
                store::sign(&tx_mailer, &tx_throttles, conn, &sig, lang)
            })
        })
        .await?;
    if queued {
        mailer.wake();
    }
    Ok(())
}

// ----- The public page -----

/// What the sign form holds (as typed, to be shown again).
#[derive(Debug, Default, Deserialize)]
struct SignForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    email: String,
    /// Honeypot: humans leave it empty.
    #[serde(default)]
    url: String,
}

impl SignForm {
    fn submitted(&self) -> Submitted<'_> {
        Submitted {
            kind: &self.kind,
            name: &self.name,
            website: &self.website,
            city: &self.city,
            email: &self.email,
        }
    }

    fn to_json(&self) -> Value {
        json!({
            "kind": self.kind,
            "name": self.name,
            "website": self.website,
            "city": self.city,
            "email": self.email,
        })
    }
}

/// The page's data besides the form: the text, the signatories, the staff's links.
struct PageView {
    view: lists::PublicView,
    /// Organisations waiting, for moderators and administrators.
    pending: Option<i64>,
}

async fn load_page(ctx: &Ctx) -> Result<PageView, AppError> {
    let staff = require_staff(ctx.viewer.as_ref()).is_ok();
    ctx.db
        .run(move |conn| {
            let view = lists::public_view(conn)?;
            let pending = if staff {
                Some(lists::pending_count(conn)?)
            } else {
                None
            };
            Ok::<_, AppError>(PageView { view, pending })
        })
        .await
}

fn page_json(
    ctx: &Ctx,
    page: &PageView,
    form: Value,
    errors: &[FieldError],
    general_error: Option<String>,
) -> Value {
    let text = &page.view.text;
    let html = text.html(ctx.lang);
    // An English visitor reads the French text when no English one is set.
    let text_lang = if text.for_lang(ctx.lang) == text.fr() {
        "fr"
    } else {
        "en"
    };
    let mut errs = serde_json::Map::new();
    for field in FIELDS {
        let msg = errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| Value::String(ctx.t(e.key)))
            .unwrap_or(Value::Null);
        errs.insert(field.to_owned(), msg);
    }
    json!({
        "text_html": &*html,
        "text_lang": text_lang,
        "text_has_heading": html.contains("<h1"),
        "people": page.view.people,
        "organisations": page.view.organisations,
        "sign_action": store::paths(ctx.lang).sign,
        "form": form,
        "errors": errs,
        "has_errors": !errors.is_empty(),
        "general_error": general_error,
        "staff": page.pending.map(|pending| json!({
            "pending": pending,
            "admin": ctx.viewer.as_ref().is_some_and(Viewer::is_admin),
        })),
    })
}

/// `GET /manifeste`, `GET /manifesto`: cached for visitors until something it shows changes.
async fn page(ctx: Ctx) -> Result<HttpResponse, AppError> {
    let ticket = match ctx.cached_page(Scope::Site).await? {
        Cached::Hit(res) => return Ok(res),
        Cached::Miss(ticket) => ticket,
    };
    let page = load_page(&ctx).await?;
    let form = SignForm {
        kind: Kind::Person.as_str().to_owned(),
        ..SignForm::default()
    };
    let data = page_json(&ctx, &page, form.to_json(), &[], None);
    ctx.render_cacheable(ticket, "pages/manifesto", data)
}

/// The page again, with the form as typed and its errors (422).
async fn rerender(
    ctx: &Ctx,
    form: &SignForm,
    errors: &[FieldError],
    general_error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let page = load_page(ctx).await?;
    let data = page_json(ctx, &page, form.to_json(), errors, general_error);
    ctx.render_status(StatusCode::UNPROCESSABLE_ENTITY, "pages/manifesto", data)
}

/// `GET` on the form's address (a reload after an error): back to the page's form.
async fn back_to_form(ctx: Ctx) -> HttpResponse {
    see_other(&format!("{}#signer", store::paths(ctx.lang).page))
}

/// `POST /manifeste/signer`, `POST /manifesto/sign`.
async fn sign_submit(
    ctx: Ctx,
    throttles: web::Data<Throttles>,
    mailer: web::Data<Mailer>,
    form: CsrfForm<SignForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let key = check_client(&throttles, &ctx.client_key())?;
    if !form.url.is_empty() {
        let message = ctx.t("error-manifesto-honeypot");
        return rerender(&ctx, &form, &[], Some(message)).await;
    }
    let sig = match signature::validate(&form.submitted()) {
        Ok(sig) => sig,
        Err(errors) => return rerender(&ctx, &form, &errors, None).await,
    };
    throttles.register_client.record(&key);
    submit(&mailer, &throttles, &ctx.db, sig, ctx.lang).await?;
    Ok(see_other(store::paths(ctx.lang).sent))
}

/// `GET /manifeste/envoye`, `GET /manifesto/sent`: the same answer for every address.
async fn sent(ctx: Ctx) -> Result<HttpResponse, AppError> {
    notice(
        &ctx,
        StatusCode::OK,
        "manifesto-sent-title",
        "manifesto-sent-message",
        Some((store::paths(ctx.lang).page, "manifesto-back")),
    )
}

/// What following a confirmation link did.
enum Confirmation {
    Confirmed(Kind),
    Expired,
    Invalid,
}

/// `GET /manifeste/confirmer/{token}`, `GET /manifesto/confirm/{token}`.
async fn confirm(ctx: Ctx, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let outcome = ctx
        .db
        .run(move |conn| {
            let now = crate::db::now();
            Ok::<_, AppError>(match store::find_token(conn, &token, now)? {
                LinkTarget::Valid { id, kind } => {
                    // A person's signature changes the public count; an organisation's shows
                    // only once approved.
                    let done = match kind {
                        Kind::Person => write_tx(conn, |c| store::confirm(c, id, &token, now))?,
                        Kind::Organisation => {
                            write_tx_private(conn, |c| store::confirm(c, id, &token, now))?
                        }
                    };
                    if done {
                        Confirmation::Confirmed(kind)
                    } else {
                        Confirmation::Invalid
                    }
                }
                LinkTarget::Expired { id } => {
                    write_tx_private(conn, |c| store::delete_unconfirmed(c, id))?;
                    Confirmation::Expired
                }
                LinkTarget::Unknown => Confirmation::Invalid,
            })
        })
        .await?;
    let page = store::paths(ctx.lang).page;
    match outcome {
        Confirmation::Confirmed(kind) => {
            tracing::info!(kind = kind.as_str(), "manifesto signature confirmed");
            notice(
                &ctx,
                StatusCode::OK,
                "manifesto-confirmed-title",
                match kind {
                    Kind::Person => "manifesto-confirmed-person",
                    Kind::Organisation => "manifesto-confirmed-organisation",
                },
                Some((page, "manifesto-back")),
            )
        }
        Confirmation::Expired => notice(
            &ctx,
            StatusCode::GONE,
            "manifesto-link-expired-title",
            "manifesto-link-expired-message",
            Some((page, "manifesto-sign-again")),
        ),
        Confirmation::Invalid => notice(
            &ctx,
            StatusCode::NOT_FOUND,
            "link-invalid-title",
            "manifesto-link-invalid-message",
            Some((page, "manifesto-back")),
        ),
    }
}

// ----- The text, for administrators -----

#[derive(Debug, Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

/// The text form's fields.
#[derive(Debug, Deserialize)]
struct TextForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    text_en: String,
}

fn render_admin(
    ctx: &Ctx,
    status: StatusCode,
    text: &str,
    text_en: &str,
    errors: &[FieldError],
    saved: bool,
) -> Result<HttpResponse, AppError> {
    let error = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| ctx.t(e.key))
    };
    ctx.render_status(
        status,
        "pages/admin_manifesto",
        json!({
            "values": {"text": text, "text_en": text_en},
            "errors": {"text": error("text"), "text_en": error("text_en")},
            "has_errors": !errors.is_empty(),
            "saved": saved,
            "max_chars": manifesto_text::MAX_TEXT_CHARS,
            "page_path": store::paths(ctx.lang).page,
        }),
    )
}

/// `GET /admin/manifesto`.
async fn admin_page(ctx: Ctx, query: web::Query<SavedQuery>) -> Result<HttpResponse, AppError> {
    ctx.require_admin()?;
    let text = ctx
        .db
        .run(|conn| manifesto_text::load_text(conn).map_err(AppError::from))
        .await?;
    render_admin(
        &ctx,
        StatusCode::OK,
        text.fr(),
        text.en(),
        &[],
        query.saved.is_some(),
    )
}

/// `POST /admin/manifesto`: saves both texts; visitors see them at once.
async fn admin_submit(ctx: Ctx, form: CsrfForm<TextForm>) -> Result<HttpResponse, AppError> {
    let actor = ctx.require_admin()?.user_id;
    let form = form.0;
    let fr = manifesto_text::check_text(&form.text, "text", true);
    let en = manifesto_text::check_text(&form.text_en, "text_en", false);
    let (fr, en) = match (fr, en) {
        (Ok(fr), Ok(en)) => (fr, en),
        (fr, en) => {
            let errors: Vec<FieldError> = [fr.err(), en.err()].into_iter().flatten().collect();
            return render_admin(
                &ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form.text,
                &form.text_en,
                &errors,
                false,
            );
        }
    };
    let changed = ctx
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                manifesto_text::save_text(conn, actor, &fr, &en)
            })
            .map_err(AppError::from)
        })
        .await?;
    if changed {
        tracing::info!(actor_id = actor, "manifesto text changed");
    }
    Ok(see_other("/admin/manifesto?saved=1"))
}

// ----- Organisations, for moderators -----

#[derive(Debug, Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// `GET /mod/manifesto`: organisations waiting for approval, and those listed.
async fn moderation_page(ctx: Ctx, query: web::Query<DoneQuery>) -> Result<HttpResponse, AppError> {
    require_staff(ctx.viewer.as_ref())?;
    let (pending, approved) = ctx
        .db
        .run(|conn| lists::staff_view(conn).map_err(AppError::from))
        .await?;
    let done = match query.done.as_deref() {
        Some("approve") => Some(ctx.t("mod-manifesto-done-approve")),
        Some("reject") => Some(ctx.t("mod-manifesto-done-reject")),
        _ => None,
    };
    ctx.render(
        "pages/manifesto_moderation",
        json!({
            "pending": pending,
            "approved": approved,
            "done": done,
            "page_path": store::paths(ctx.lang).page,
        }),
    )
}

/// The decision form's field.
#[derive(Debug, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
}

/// `POST /mod/manifesto/{id}`: `decision=approve` lists the organisation, `decision=reject`
/// deletes its signature (waiting or listed).
async fn moderation_submit(
    ctx: Ctx,
    id: web::Path<String>,
    form: CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let actor = require_staff(ctx.viewer.as_ref())?.user_id;
    let id = parse_id(&id)?;
    let decision = Decision::parse(&form.0.decision).ok_or(AppError::Invalid(FieldError::new(
        "decision",
        "error-manifesto-decision",
    )))?;
    let done = ctx
        .db
        .run(move |conn| {
            write_tx(conn, |conn| lists::decide(conn, actor, id, decision)).map_err(AppError::from)
        })
        .await?;
    if !done {
        return Err(AppError::NotFound);
    }
    let what = match decision {
        Decision::Approve => "approve",
        Decision::Reject => "reject",
    };
    tracing::info!(
        actor_id = actor,
        id,
        decision = what,
        "manifesto organisation decided"
    );
    Ok(see_other(&format!("/mod/manifesto?done={what}")))
}
