//! Who is staff: an account's site-wide role (member, global moderator, administrator) and the
//! boards it moderates. Only administrators change them (from `/admin/users` or the CLI); each
//! change made from the site is written to the moderation log and counts from the next request.

use diesel::prelude::*;

use crate::db::schema::{board_moderators, users};
use crate::db::DbConnection;
use crate::moderation::sanctions::Person;
use crate::on_backend;
use crate::sessions::Role;
use crate::web::error::AppError;

/// Sets a person's site-wide role. An administrator cannot change their own (so the site never
/// loses its last one by mistake). Returns false when the role was already that.
pub fn set_role(
    conn: &mut DbConnection,
    actor_id: Option<i64>,
    person: &Person,
    role: Role,
) -> Result<bool, AppError> {
    if actor_id == Some(person.id) {
        return Err(AppError::Refused("error-role-self"));
    }
    let changed = diesel::update(
        users::table
            .find(person.id)
            .filter(users::role.ne(role.as_str())),
    )
    .set(users::role.eq(role.as_str()))
    .execute(conn)?;
    if changed == 1 {
        if let Some(actor) = actor_id {
            crate::audit::record(
                conn,
                actor,
                "role",
                "user",
                person.id,
                &person.username,
                role.as_str(),
                None,
            )?;
        }
    }
    Ok(changed == 1)
}

/// Makes a person a moderator of a board, or no longer. Returns false when nothing changed.
pub fn set_board_moderator(
    conn: &mut DbConnection,
    actor_id: Option<i64>,
    person: &Person,
    board_id: i64,
    board_label: &str,
    moderates: bool,
) -> Result<bool, AppError> {
    let changed = if moderates {
        on_backend!(conn, c => diesel::insert_into(board_moderators::table)
            .values((
                board_moderators::user_id.eq(person.id),
                board_moderators::board_id.eq(board_id),
                board_moderators::created_at.eq(crate::db::now()),
            ))
            .on_conflict((board_moderators::user_id, board_moderators::board_id))
            .do_nothing()
            .execute(c))?
    } else {
        diesel::delete(
            board_moderators::table
                .filter(board_moderators::user_id.eq(person.id))
                .filter(board_moderators::board_id.eq(board_id)),
        )
        .execute(conn)?
    };
    if changed == 1 {
        if let Some(actor) = actor_id {
            let action = if moderates {
                "add_board_moderator"
            } else {
                "remove_board_moderator"
            };
            crate::audit::record(
                conn,
                actor,
                action,
                "user",
                person.id,
                &person.username,
                board_label,
                None,
            )?;
        }
    }
    Ok(changed == 1)
}

/// A board's moderators, by name.
pub fn board_moderators(conn: &mut DbConnection, board_id: i64) -> QueryResult<Vec<String>> {
    board_moderators::table
        .inner_join(users::table)
        .filter(board_moderators::board_id.eq(board_id))
        .order(users::username_key.asc())
        .select(users::username)
        .load(conn)
}

/// Staff and the boards each moderates (for the admin page): (username, role, board slugs).
pub fn staff(conn: &mut DbConnection) -> QueryResult<Vec<(String, String, Vec<String>)>> {
    use crate::db::schema::boards;
    let by_role: Vec<(i64, String, String)> = users::table
        .filter(users::role.ne(Role::Member.as_str()))
        .select((users::id, users::username, users::role))
        .load(conn)?;
    let by_board: Vec<(i64, String, String, String)> = board_moderators::table
        .inner_join(users::table)
        .inner_join(boards::table)
        .select((users::id, users::username, users::role, boards::slug))
        .order((users::username_key.asc(), boards::slug.asc()))
        .load(conn)?;
    let mut out: Vec<(i64, String, String, Vec<String>)> = by_role
        .into_iter()
        .map(|(id, name, role)| (id, name, role, Vec::new()))
        .collect();
    for (id, name, role, slug) in by_board {
        match out.iter_mut().find(|e| e.0 == id) {
            Some(e) => e.3.push(slug),
            None => out.push((id, name, role, vec![slug])),
        }
    }
    out.sort_by_key(|a| a.1.to_lowercase());
    Ok(out.into_iter().map(|(_, n, r, b)| (n, r, b)).collect())
}
