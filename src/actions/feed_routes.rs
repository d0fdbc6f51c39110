//! The Atom feed of the public actions (`/actions/feed.atom`): the upcoming actions the
//! site-wide list shows a visitor (never a members-only action, nor one of an unlisted group),
//! each entry its cooked description, with when and where as its summary. Written and served
//! by `web::feed`.

use std::collections::HashMap;

use actix_web::HttpResponse;
use serde_json::Value;

use crate::actions::listing::{self, ListQuery};
use crate::actions::queries::{self, Action};
use crate::actions::times::when_text;
use crate::i18n::Lang;
use crate::markdown::SafeHtml;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::feed::{self, absolute, Entry, Feed, MAX_ENTRIES};
use crate::web::page_cache::Scope;

/// The catalogue key of the feed's title.
const TITLE: &str = "feed-actions-title";

/// Where the feed is.
pub const PATH: &str = "/actions/feed.atom";

/// The `<head>` link of the actions' list to the feed.
pub fn head_link(ctx: &Ctx) -> Value {
    feed::head_link(&feed::title(ctx, TITLE, ""), PATH)
}

/// `GET /actions/feed.atom`. Kept under the site's versions (which every change to an action
/// moves) and, since actions leave it once over, for a minute at most.
pub async fn feed(ctx: Ctx) -> Result<HttpResponse, AppError> {
    feed::serve(&ctx, Scope::Site, Some(feed::LIST_MAX_AGE), || async {
        let (rows, names) = ctx
            .db
            .run(move |conn| {
                // The visitor's filter of the site-wide list, as the page builds it.
                let filter = listing::filter_of(conn, None, &ListQuery::default())?;
                let mut rows = queries::list(conn, &filter, MAX_ENTRIES)?;
                rows.truncate(MAX_ENTRIES as usize);
                rows.retain(|a| !a.members_only());
                let mut ids: Vec<i64> = rows.iter().filter_map(|a| a.author_id).collect();
                ids.sort_unstable();
                ids.dedup();
                let names = queries::author_names(conn, &ids)?;
                Ok::<_, AppError>((rows, names.into_iter().collect::<HashMap<_, _>>()))
            })
            .await?;
        let mut out = Feed::for_page(&ctx, feed::title(&ctx, TITLE, ""), "/actions");
        let base = ctx.settings.base_url();
        out.entries = rows
            .into_iter()
            .map(|a| entry(base, ctx.lang, &names, a))
            .collect();
        Ok(out)
    })
    .await
}

/// An action as an entry: its author (or its group), its description, when and where.
fn entry(base: &str, lang: Lang, names: &HashMap<i64, String>, a: Action) -> Entry {
    let mut summary = vec![when_text(&a, lang)];
    summary.extend(
        [&a.place, &a.city_name]
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .cloned(),
    );
    if a.cancelled() {
        summary.push(lang.t("action-status-cancelled"));
    }
    let author = a
        .author_id
        .and_then(|id| names.get(&id).cloned())
        .or_else(|| a.group_name.clone());
    Entry {
        url: absolute(base, &a.path()),
        title: a.title,
        author,
        published: a.created_at,
        updated: a.updated_at,
        content: Some(SafeHtml::from_trusted_storage(a.description_html)),
        summary: Some(summary.join(" · ")),
        categories: Vec::new(),
    }
}
