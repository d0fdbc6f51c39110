//! Lists of actions as the pages, the API and the calendars ask for them: the filters (city,
//! group, date range) read from the query string, one keyset page, and the form an existing
//! action fills.

use chrono::{Duration, NaiveDateTime};
use serde::Deserialize;
use serde_json::Value;

use crate::actions::domain::{parse_day, zone_named, ActionForm};
use crate::actions::queries::{self, Action, ListFilter};
use crate::actions::service::{self, Access};
use crate::db::Db;
use crate::forum::domain::Cursor;
use crate::i18n::Lang;
use crate::sessions::Viewer;
use crate::validation::FieldError;
use crate::web::error::AppError;

/// Actions per page.
pub const PAGE: i64 = 30;
/// Most events in one calendar feed.
pub const CALENDAR_LIMIT: i64 = 500;

/// The query string of `/actions`, `/g/{slug}/actions`, their calendars and the API list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// Only the actions in this city (its slug).
    pub city: Option<String>,
    /// Only the actions of this group (its slug).
    pub group: Option<String>,
    /// From this day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Until this day (`YYYY-MM-DD`).
    pub to: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page {
    pub actions: Vec<Value>,
    pub next: Option<String>,
}

/// Resolves the query into a filter: an unknown city or group is a 422 naming it; a group's
/// members also get its members-only actions; without a group, only listed groups' actions.
pub fn filter_of(
    conn: &mut crate::db::DbConnection,
    viewer: Option<&Viewer>,
    query: &ListQuery,
) -> Result<ListFilter, AppError> {
    let mut filter = ListFilter {
        listed_only: true,
        ..ListFilter::default()
    };
    if let Some(slug) = query
        .city
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let city = crate::gazetteer::by_slug(conn, slug)?.ok_or(AppError::Invalid(
            FieldError::new("city", "error-city-unknown"),
        ))?;
        filter.city_id = Some(city.id);
    }
    if let Some(slug) = query
        .group
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let group = queries::group_by_slug(conn, slug)?.ok_or(AppError::Invalid(
            FieldError::new("group", "action-error-group-unknown"),
        ))?;
        filter.group_id = Some(group.id);
        filter.listed_only = false;
        if let Some(v) = viewer {
            if crate::memberships::is_member(conn, group.id, v.user_id)? {
                filter.members_of = Some(group.id);
            }
        }
    }
    // Days are read in French time (the zone of most cities here).
    let paris = zone_named("Europe/Paris");
    let day_start = |raw: &str, field| -> Result<Option<NaiveDateTime>, AppError> {
        Ok(match parse_day(raw, field)? {
            Some(day) => Some(
                crate::actions::domain::When::Local(day.and_hms_opt(0, 0, 0).unwrap_or_default())
                    .to_utc(paris, field)?,
            ),
            None => None,
        })
    };
    filter.from = day_start(query.from.as_deref().unwrap_or(""), "from")?;
    filter.until =
        day_start(query.to.as_deref().unwrap_or(""), "to")?.map(|d| d + Duration::days(1));
    if filter.from.is_none() {
        filter.not_over_at = Some(crate::db::now());
    }
    filter.after = Cursor::from_param(query.cursor.as_deref(), "cursor")?;
    Ok(filter)
}

/// One page of actions as JSON, with the cursor of the next.
pub async fn page(
    db: &Db,
    viewer: Option<Viewer>,
    base_url: String,
    lang: Lang,
    query: ListQuery,
) -> Result<Page, AppError> {
    db.run(move |conn| {
        let filter = filter_of(conn, viewer.as_ref(), &query)?;
        let mut rows = queries::list(conn, &filter, PAGE)?;
        let next = cut(&mut rows, PAGE);
        let actions = rows
            .iter()
            .map(|a| service::action_json(&base_url, a, Access::default(), None, &[], lang))
            .collect();
        Ok(Page { actions, next })
    })
    .await
}

/// Cuts `rows` to `limit` and returns the cursor of what follows, if anything does.
pub fn cut(rows: &mut Vec<Action>, limit: i64) -> Option<String> {
    if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|a| {
            Cursor {
                at: a.starts_at,
                id: a.id,
            }
            .encode()
        })
    } else {
        None
    }
}

/// The form an action fills when edited (times in its own zone).
pub fn form_of(action: &Action) -> ActionForm {
    ActionForm {
        title: action.title.clone(),
        starts_at: crate::actions::times::local_field(action.starts_at, &action.timezone),
        ends_at: action
            .ends_at
            .map(|e| crate::actions::times::local_field(e, &action.timezone))
            .unwrap_or_default(),
        place: action.place.clone(),
        meeting_point: action.meeting_point.clone(),
        city: action.city_slug.clone(),
        description: action.description_md.clone(),
        visibility: action.visibility.clone(),
        capacity: action.capacity.map(|c| c.to_string()).unwrap_or_default(),
        board: String::new(),
    }
}
