//! Reports: any member may report a post they can read (one open report per member and post).
//! Staff review open reports grouped by post and resolve them in one action (hide, dismiss, or
//! hide and sanction the author); resolving closes every open report on the post and each
//! reporter is told by mail that it was handled. When enough distinct trusted members (past the
//! new-account days, address confirmed, not silenced) report a post, it is hidden until staff
//! look.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::json;

use super::content::{self, PostAction, PostTarget};
use crate::audit;
use crate::db::schema::{boards, cities, posts, reports, sanctions, threads, users};
use crate::db::DbConnection;
use crate::forum::visibility::{self, AUTO_HIDE_REASON};
use crate::mail::{Draft, Mailer};
use crate::sessions::Role;
use crate::site_config::SiteConfig;
use crate::validation::{clean_text, FieldError};
use crate::web::error::AppError;

/// Characters the free text of a report may hold.
pub const MAX_REPORT_CHARS: usize = 1000;

/// Open reports the queue shows at most (oldest first).
const QUEUE_LIMIT: i64 = 500;

/// Why a post is reported.
pub const REASONS: [&str; 5] = ["spam", "abuse", "off_topic", "illegal", "other"];

/// A checked report, ready to file.
#[derive(Debug, Clone)]
pub struct NewReport {
    pub reason: &'static str,
    pub body: String,
}

/// Checks a submitted reason and text. `other` needs a text.
pub fn validate(reason: &str, body: &str) -> Result<NewReport, FieldError> {
    let reason = REASONS
        .into_iter()
        .find(|r| *r == reason.trim())
        .ok_or(FieldError::new("reason", "error-report-reason"))?;
    let body = clean_text(body, true).trim().to_owned();
    if body.chars().count() > MAX_REPORT_CHARS {
        return Err(FieldError::new("text", "error-report-too-long"));
    }
    if reason == "other" && body.is_empty() {
        return Err(FieldError::new("text", "error-report-text-required"));
    }
    Ok(NewReport { reason, body })
}

/// What filing a report did.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Filed {
    pub id: i64,
    /// The post was hidden because enough trusted members reported it.
    pub auto_hidden: bool,
}

/// Files a report by `reporter` on a post they can see (inside one transaction): 404 for a post
/// they cannot read, 403 for their own, 409 for a second open report. May hide the post.
pub fn file(
    conn: &mut DbConnection,
    config: &SiteConfig,
    reporter: &crate::sessions::Viewer,
    post_id: i64,
    report: &NewReport,
) -> Result<Filed, AppError> {
    let now = crate::db::now();
    crate::db::write_tx_private(conn, |conn| {
        // A member who already reported the post hears so, even if the reports hid it since.
        if has_open_report(conn, post_id, reporter.user_id)? {
            return Err(AppError::Conflict(FieldError::new(
                "post",
                "error-report-duplicate",
            )));
        }
        let post = readable_post(conn, reporter, post_id)?;
        if post.author_id == reporter.user_id {
            return Err(AppError::Refused("error-report-own"));
        }
        let id: i64 = diesel::insert_into(reports::table)
            .values((
                reports::post_id.eq(post_id),
                reports::reporter_id.eq(reporter.user_id),
                reports::reason.eq(report.reason),
                reports::body.eq(&report.body),
                reports::created_at.eq(now),
            ))
            .returning(reports::id)
            .get_result(conn)?;
        // Once staff dismissed reports on a post, they have judged it: reports still reach the
        // queue, but no longer hide it on their own.
        let auto_hidden = post.hidden_at.is_none()
            && config.auto_hide_reports > 0
            && !reviewed_before(conn, post_id)?
            && trusted_reporters(conn, config, post_id, now)? >= config.auto_hide_reports;
        if auto_hidden {
            hide_pending_review(conn, post_id, now)?;
        }
        Ok(Filed { id, auto_hidden })
    })
}

/// Whether `reporter_id` has an open report on the post.
fn has_open_report(conn: &mut DbConnection, post_id: i64, reporter_id: i64) -> QueryResult<bool> {
    let open: i64 = reports::table
        .filter(reports::post_id.eq(post_id))
        .filter(reports::reporter_id.eq(reporter_id))
        .filter(reports::resolved_at.is_null())
        .count()
        .get_result(conn)?;
    Ok(open > 0)
}

/// Files a report another server sent (federation's `Flag`) on a post here: reason `other`,
/// its text as sent, never hiding the post on its own (a remote reporter is not a trusted
/// member); none when the reporter has an open report on it already. Returns whether one was.
pub fn file_received(
    conn: &mut DbConnection,
    reporter_id: i64,
    post_id: i64,
    text: &str,
) -> QueryResult<bool> {
    if has_open_report(conn, post_id, reporter_id)? {
        return Ok(false);
    }
    diesel::insert_into(reports::table)
        .values((
            reports::post_id.eq(post_id),
            reports::reporter_id.eq(reporter_id),
            reports::reason.eq("other"),
            reports::body.eq(text),
            reports::created_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// A post as a reporter may see it.
pub struct ReportedPost {
    pub author_id: i64,
    pub hidden_at: Option<NaiveDateTime>,
}

/// The post if this reader may see it (deleted posts, hidden ones and posts in hidden threads
/// are a 404 unless the reader is their author or staff there): the forum's rule, asked of
/// `forum::visibility`.
pub fn readable_post(
    conn: &mut DbConnection,
    reader: &crate::sessions::Viewer,
    post_id: i64,
) -> Result<ReportedPost, AppError> {
    let found =
        visibility::readable_post(conn, Some(reader), post_id)?.ok_or(AppError::NotFound)?;
    Ok(ReportedPost {
        author_id: found.post.author_id,
        hidden_at: found.post.hidden_at,
    })
}

/// True when staff already dismissed reports on this post.
fn reviewed_before(conn: &mut DbConnection, post_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        reports::table
            .filter(reports::post_id.eq(post_id))
            .filter(reports::resolution.eq(Resolution::Dismissed.as_str())),
    ))
    .get_result(conn)
}

/// Distinct reporters of open reports on a post who count as trusted: staff, or members past the
/// new-account days with a confirmed address and no running silence.
fn trusted_reporters(
    conn: &mut DbConnection,
    config: &SiteConfig,
    post_id: i64,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let joined_before = now - chrono::Duration::days(config.new_account_days);
    // One statement: each open reporter with whether a silence is running on them.
    let candidates: Vec<(String, NaiveDateTime, Option<NaiveDateTime>, bool)> = reports::table
        .inner_join(users::table.on(users::id.eq(reports::reporter_id)))
        .filter(reports::post_id.eq(post_id))
        .filter(reports::resolved_at.is_null())
        .select((
            users::role,
            users::created_at,
            users::email_verified_at,
            diesel::dsl::exists(
                sanctions::table
                    .filter(sanctions::user_id.eq(users::id))
                    .filter(sanctions::kind.eq("silence"))
                    .filter(sanctions::lifted_at.is_null())
                    .filter(sanctions::until.is_null().or(sanctions::until.gt(now))),
            ),
        ))
        .load(conn)?;
    let trusted = candidates
        .iter()
        .filter(|(role, joined, verified, silenced)| {
            role != Role::Member.as_str()
                || (verified.is_some() && *joined <= joined_before && !silenced)
        })
        .count() as i64;
    Ok(trusted)
}

fn hide_pending_review(
    conn: &mut DbConnection,
    post_id: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(posts::table.find(post_id))
        .set((
            posts::hidden_at.eq(Some(now)),
            posts::hidden_reason.eq(Some(AUTO_HIDE_REASON)),
        ))
        .execute(conn)?;
    crate::notifications::queries::mark_read_for_hidden(conn, Some(post_id), None)?;
    let target = content::post_target(conn, post_id)?;
    if let Some(t) = target {
        diesel::update(threads::table.find(t.thread_id))
            .set(threads::version.eq(threads::version + 1))
            .execute(conn)?;
        if t.number == 1 {
            // A hidden opening post takes its thread out of the board's, the city's and the
            // group's lists and feeds: their kept copies must go too.
            let (board_id, city_id): (i64, Option<i64>) = threads::table
                .find(t.thread_id)
                .select((threads::board_id, threads::city_id))
                .first(conn)?;
            diesel::update(boards::table.find(board_id))
                .set(boards::version.eq(boards::version + 1))
                .execute(conn)?;
            if let Some(city_id) = city_id {
                diesel::update(cities::table.find(city_id))
                    .set(cities::version.eq(cities::version + 1))
                    .execute(conn)?;
            }
        }
        audit::record_as(
            conn,
            None,
            "auto_hide_post",
            "post",
            post_id,
            &format!("{} #{}", t.thread_title, t.number),
            AUTO_HIDE_REASON,
            None,
        )?;
    }
    Ok(())
}

/// One open report in the queue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueuedReport {
    pub id: i64,
    pub reporter: String,
    pub reason: String,
    pub text: String,
    pub created_at: NaiveDateTime,
}

/// Open reports on one post, with the post in context.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportGroup {
    pub post_id: i64,
    pub post_number: i64,
    pub thread_id: i64,
    pub thread_title: String,
    pub board_id: i64,
    pub board_slug: String,
    pub author: String,
    pub body_html: String,
    pub hidden: bool,
    pub auto_hidden: bool,
    pub posted_at: NaiveDateTime,
    pub first_reported_at: NaiveDateTime,
    pub counts: BTreeMap<String, i64>,
    pub reports: Vec<QueuedReport>,
}

type QueueRow = (
    (i64, i64, String, String, NaiveDateTime),
    (
        i64,
        i64,
        String,
        Option<NaiveDateTime>,
        Option<String>,
        NaiveDateTime,
    ),
    (i64, String, i64, String),
    String,
);

/// The open reports on posts in these boards, grouped by post, the longest-waiting first (two
/// statements).
pub fn queue(conn: &mut DbConnection, boards: &[i64]) -> QueryResult<Vec<ReportGroup>> {
    use crate::db::schema::boards as b;
    let query = reports::table
        .inner_join(posts::table.inner_join(threads::table.inner_join(b::table)))
        .inner_join(users::table.on(users::id.eq(posts::author_id)))
        .filter(reports::resolved_at.is_null())
        .filter(threads::board_id.eq_any(boards.to_vec()))
        .select((
            (
                reports::id,
                reports::reporter_id,
                reports::reason,
                reports::body,
                reports::created_at,
            ),
            (
                posts::id,
                posts::number,
                posts::body_html,
                posts::hidden_at,
                posts::hidden_reason,
                posts::created_at,
            ),
            (threads::id, threads::title, threads::board_id, b::slug),
            users::username,
        ))
        .order(reports::id.asc())
        .limit(QUEUE_LIMIT);
    let rows: Vec<QueueRow> = query.load(conn)?;
    let reporter_ids: Vec<i64> = rows.iter().map(|r| r.0 .1).collect();
    let names: BTreeMap<i64, String> = users::table
        .filter(users::id.eq_any(reporter_ids))
        .select((users::id, users::username))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut groups: Vec<ReportGroup> = Vec::new();
    for (report, post, thread, author) in rows {
        let (report_id, reporter_id, reason, text, reported_at) = report;
        let (post_id, number, body_html, hidden_at, hidden_reason, posted_at) = post;
        let (thread_id, title, board_id, slug) = thread;
        let idx = match groups.iter().position(|g| g.post_id == post_id) {
            Some(i) => i,
            None => {
                groups.push(ReportGroup {
                    post_id,
                    post_number: number,
                    thread_id,
                    thread_title: title,
                    board_id,
                    board_slug: slug,
                    author,
                    body_html,
                    hidden: hidden_at.is_some(),
                    auto_hidden: hidden_reason.as_deref() == Some(AUTO_HIDE_REASON),
                    posted_at,
                    first_reported_at: reported_at,
                    counts: BTreeMap::new(),
                    reports: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[idx];
        *g.counts.entry(reason.clone()).or_insert(0) += 1;
        g.reports.push(QueuedReport {
            id: report_id,
            reporter: names.get(&reporter_id).cloned().unwrap_or_default(),
            reason,
            text,
            created_at: reported_at,
        });
    }
    Ok(groups)
}

/// How staff resolved the reports on a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The post was hidden.
    Hidden,
    /// Nothing wrong: the post stays (restored if it was hidden automatically).
    Dismissed,
    /// The post was hidden and its author sanctioned.
    Sanctioned,
}

impl Resolution {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Hidden => "hidden",
            Resolution::Dismissed => "dismissed",
            Resolution::Sanctioned => "sanctioned",
        }
    }
}

/// Closes every open report on a post, hides or restores it as the resolution says, sanctions
/// the author when asked, logs it and queues a mail to each reporter who accepts direct mail
/// (one transaction). Returns how many reports were closed (0: there were none).
pub fn resolve(
    mailer: &Mailer,
    conn: &mut DbConnection,
    actor_id: i64,
    post: &PostTarget,
    resolution: Resolution,
    reason: &str,
    sanction: Option<(&super::sanctions::Person, &super::sanctions::NewSanction)>,
) -> Result<usize, AppError> {
    let now = crate::db::now();
    crate::db::write_tx(conn, |conn| {
        let reporters: Vec<(i64, String, String, Option<String>, String)> = reports::table
            .inner_join(users::table.on(users::id.eq(reports::reporter_id)))
            .filter(reports::post_id.eq(post.id))
            .filter(reports::resolved_at.is_null())
            .select((
                users::id,
                users::username,
                users::email,
                users::locale,
                users::email_direct,
            ))
            .load(conn)?;
        if reporters.is_empty() {
            return Ok(0);
        }
        let closed = diesel::update(
            reports::table
                .filter(reports::post_id.eq(post.id))
                .filter(reports::resolved_at.is_null()),
        )
        .set((
            reports::resolved_at.eq(Some(now)),
            reports::resolved_by.eq(Some(actor_id)),
            reports::resolution.eq(Some(resolution.as_str())),
        ))
        .execute(conn)?;
        let hidden: Option<(Option<NaiveDateTime>, Option<String>)> = posts::table
            .find(post.id)
            .select((posts::hidden_at, posts::hidden_reason))
            .first(conn)
            .optional()?;
        let (hidden_at, hidden_reason) = hidden.unwrap_or((None, None));
        match resolution {
            Resolution::Hidden | Resolution::Sanctioned
                if hidden_at.is_none() || hidden_reason.as_deref() == Some(AUTO_HIDE_REASON) =>
            {
                content::apply_post_in(conn, actor_id, post, PostAction::Hide, reason)?;
            }
            Resolution::Dismissed if hidden_reason.as_deref() == Some(AUTO_HIDE_REASON) => {
                content::apply_post_in(conn, actor_id, post, PostAction::Restore, reason)?;
            }
            _ => {}
        }
        if let Some((person, sanction)) = sanction {
            super::sanctions::apply_in(conn, actor_id, person, sanction)?;
        }
        audit::record(
            conn,
            actor_id,
            &format!("resolve_reports_{}", resolution.as_str()),
            "post",
            post.id,
            &format!("{} #{}", post.thread_title, post.number),
            reason,
            None,
        )?;
        let base = mailer.base_url.as_str();
        for (user_id, username, email, locale, email_direct) in reporters {
            if email_direct == "never" {
                continue;
            }
            let lang = mailer.lang_for(locale.as_deref());
            mailer.queue(
                conn,
                Draft {
                    template: "report_handled",
                    lang,
                    to: &email,
                    user_id: Some(user_id),
                    list: None,
                    data: json!({
                        "username": username,
                        "thread_title": post.thread_title,
                        "post_url": format!("{base}/p/{}", post.id),
                        "action_taken": resolution != Resolution::Dismissed,
                    }),
                },
            )?;
        }
        Ok(closed)
    })
}
