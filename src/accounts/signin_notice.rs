//! The sign-in notice: a mail when an account signs in from a browser family it never used
//! (e.g. "Firefox · Linux": the browser and system names only, never a version, never an
//! address), with a link to the sessions list to revoke it. The families an account used are
//! kept in `signin_browsers`; the first sign-in after this was set up only records its family
//! (there is nothing to compare it with). Members turn the mail off in their mail settings.
//! The mail is queued in the transaction that opens the session (`Mailer::queue`), carries no
//! tracking, and is not a list mail (no unsubscribe link: the switch is in the settings).

use diesel::prelude::*;
use serde_json::json;

use crate::accounts::account_mail;
use crate::accounts::service::Accounts;
use crate::accounts::signin_browsers::wants_notice;
use crate::db::schema::signin_browsers;
use crate::db::DbConnection;
use crate::mail::Draft;
use crate::web::error::AppError;

/// The family of a browser, from its `User-Agent` header: "Firefox · Linux", or "?" parts for
/// what is not recognised (see `sessions::describe_user_agent`).
pub fn family(user_agent: &str) -> String {
    crate::sessions::describe_user_agent(user_agent)
}

/// Records a sign-in from `family` (inside the transaction that opens the session) and queues
/// the notice when the family is new for an account that had others and wants the notice.
/// Returns whether a mail was queued (wake the mailer after the commit).
pub fn record_sign_in(
    accounts: &Accounts,
    conn: &mut DbConnection,
    user_id: i64,
    family: &str,
) -> Result<bool, AppError> {
    let family: String = family.chars().take(80).collect();
    let now = crate::db::now();
    let known: i64 = signin_browsers::table
        .filter(signin_browsers::user_id.eq(user_id))
        .count()
        .get_result(conn)?;
    let inserted = crate::on_backend!(&mut *conn, c => diesel::insert_into(signin_browsers::table)
        .values((
            signin_browsers::user_id.eq(user_id),
            signin_browsers::family.eq(&family),
            signin_browsers::first_seen_at.eq(now),
        ))
        .on_conflict((signin_browsers::user_id, signin_browsers::family))
        .do_nothing()
        .execute(c))?;
    if inserted == 0 || known == 0 || !wants_notice(conn, user_id)? {
        return Ok(false);
    }
    let Some(account) = account_mail::account_by_id(conn, user_id)? else {
        return Ok(false);
    };
    let base = accounts.settings.base_url();
    let lang = accounts.mailer.lang_for(account.locale.as_deref());
    accounts.mailer.queue(
        conn,
        Draft {
            template: "signin_notice",
            lang,
            to: &account.email,
            user_id: Some(account.id),
            list: None,
            data: json!({
                "username": account.username,
                "family": family,
                "at": lang.datetime(now),
                "sessions_url": format!("{base}/settings#sessions"),
                "settings_url": format!("{base}/settings#notifications"),
            }),
        },
    )?;
    tracing::info!(user_id, "sign-in notice queued");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::family;

    #[test]
    fn families_name_the_browser_and_system_without_versions() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox · Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                "Chrome · Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
                "Edge · Windows",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
                "Safari · iOS",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
                "Safari · macOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
                "Chrome · Android",
            ),
            ("curl/8.5.0", "curl · ?"),
            ("", "? · ?"),
        ];
        for (ua, expected) in cases {
            assert_eq!(family(ua), expected, "{ua}");
        }
        // Two versions of one browser are one family.
        assert_eq!(
            family("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"),
            family("Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Firefox/115.0"),
        );
    }
}
