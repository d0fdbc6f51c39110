//! The authorization rules of moderation, in one place. Handlers ask `check(actor, action,
//! target)`; nothing else in the code decides who may moderate.
//!
//! - Admins may do everything; global moderators everything but managing the site; moderators of
//!   a board act on that board's content only.
//! - Actions on people (warn, silence, suspend, ban, lift, notes) are site-wide: admins and global
//!   moderators only, and only on someone of lower rank (a moderator cannot sanction a moderator
//!   or an admin; nobody sanctions themselves).
//! - Actions on threads (lock, pin, move, rename, city, slow mode): admins, global moderators,
//!   and the moderators of the thread's board (of both boards for a move).
//! - Hiding and restoring threads and posts, reading hidden content and edit histories: the same
//!   staff of the board. Deleting a post for good: admins only.
//! - The full moderation log is for staff (any moderator); everyone else gets the public view.

use crate::sessions::Role;

/// Someone acting, as the database says now.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    /// Boards this person moderates (beyond their role).
    pub moderated_boards: Vec<i64>,
}

/// What someone may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A recorded, private warning.
    Warn,
    /// Read-only until a date.
    Silence,
    /// Cannot log in until a date.
    Suspend,
    /// Cannot log in, for good.
    Ban,
    /// Undo the active sanctions.
    LiftSanctions,
    /// Read and write the private notes on a person, and their sanction history.
    ManageNotes,
    /// Read the whole moderation log, with moderators' names.
    ViewFullLog,
    /// Lock or unlock a thread.
    LockThread,
    /// Pin or unpin a thread.
    PinThread,
    /// Move a thread (checked on both boards).
    MoveThread,
    /// Rename a thread.
    RenameThread,
    /// Attach a thread to another city (or none).
    ChangeCity,
    /// Set a thread's slow mode.
    SlowMode,
    /// Hide or restore a thread or a post.
    HideContent,
    /// Read hidden content and posts' edit history.
    ViewHidden,
    /// Delete a post for good (admins only).
    DeletePost,
    /// Edit someone else's post (a revision is kept, as for the author's own edits).
    EditPost,
}

impl Action {
    /// Every action, for the matrix test.
    pub const ALL: [Action; 17] = [
        Action::Warn,
        Action::Silence,
        Action::Suspend,
        Action::Ban,
        Action::LiftSanctions,
        Action::ManageNotes,
        Action::ViewFullLog,
        Action::LockThread,
        Action::PinThread,
        Action::MoveThread,
        Action::RenameThread,
        Action::ChangeCity,
        Action::SlowMode,
        Action::HideContent,
        Action::ViewHidden,
        Action::DeletePost,
        Action::EditPost,
    ];

    fn is_about_a_person(self) -> bool {
        matches!(
            self,
            Action::Warn
                | Action::Silence
                | Action::Suspend
                | Action::Ban
                | Action::LiftSanctions
                | Action::ManageNotes
        )
    }

    fn is_about_content(self) -> bool {
        matches!(
            self,
            Action::LockThread
                | Action::PinThread
                | Action::MoveThread
                | Action::RenameThread
                | Action::ChangeCity
                | Action::SlowMode
                | Action::HideContent
                | Action::ViewHidden
                | Action::EditPost
        )
    }
}

/// What an action is aimed at.
#[derive(Debug, Clone, Copy)]
pub enum Target {
    /// The site (the log).
    Site,
    /// A person, with their current role.
    Person { user_id: i64, role: Role },
    /// Content in a board.
    Board(i64),
}

/// Why an action is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Nobody is signed in (401).
    SignInFirst,
    /// Signed in, not allowed (403).
    Forbidden,
}

fn rank(role: Role) -> u8 {
    match role {
        Role::Member => 0,
        Role::Moderator => 1,
        Role::Admin => 2,
    }
}

/// True for anyone with a moderation duty (global or on some board).
pub fn is_staff(actor: &Actor) -> bool {
    actor.role != Role::Member || !actor.moderated_boards.is_empty()
}

/// May `actor` do `action` on `target`?
pub fn check(actor: Option<&Actor>, action: Action, target: Target) -> Result<(), Denied> {
    let actor = actor.ok_or(Denied::SignInFirst)?;
    let allowed = match (action, target) {
        (Action::ViewFullLog, _) => is_staff(actor),
        (a, Target::Person { user_id, role }) if a.is_about_a_person() => {
            actor.role != Role::Member && user_id != actor.user_id && rank(actor.role) > rank(role)
        }
        (Action::DeletePost, Target::Board(_)) => actor.role == Role::Admin,
        (a, Target::Board(board)) if a.is_about_content() => {
            actor.role != Role::Member || actor.moderated_boards.contains(&board)
        }
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Denied::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, boards: &[i64]) -> Actor {
        Actor {
            user_id: 100,
            role,
            moderated_boards: boards.to_vec(),
        }
    }

    #[test]
    fn the_matrix() {
        let member = Target::Person {
            user_id: 1,
            role: Role::Member,
        };
        let moderator = Target::Person {
            user_id: 2,
            role: Role::Moderator,
        };
        let admin_target = Target::Person {
            user_id: 3,
            role: Role::Admin,
        };
        let board_mod = actor(Role::Member, &[7]);
        let global = actor(Role::Moderator, &[]);
        let admin = actor(Role::Admin, &[]);
        let plain = actor(Role::Member, &[]);
        for action in Action::ALL {
            if action == Action::DeletePost {
                let board = Target::Board(7);
                assert_eq!(check(None, action, board), Err(Denied::SignInFirst));
                assert_eq!(check(Some(&admin), action, board), Ok(()));
                for other in [&plain, &board_mod, &global] {
                    assert_eq!(check(Some(other), action, board), Err(Denied::Forbidden));
                }
                continue;
            }
            let target = if action == Action::ViewFullLog {
                Target::Site
            } else if action.is_about_content() {
                Target::Board(7)
            } else {
                member
            };
            assert_eq!(
                check(None, action, target),
                Err(Denied::SignInFirst),
                "{action:?}"
            );
            assert_eq!(
                check(Some(&plain), action, target),
                Err(Denied::Forbidden),
                "{action:?}"
            );
            assert_eq!(check(Some(&global), action, target), Ok(()), "{action:?}");
            assert_eq!(check(Some(&admin), action, target), Ok(()), "{action:?}");
            let board_expected = if action == Action::ViewFullLog || action.is_about_content() {
                Ok(())
            } else {
                Err(Denied::Forbidden)
            };
            assert_eq!(
                check(Some(&board_mod), action, target),
                board_expected,
                "{action:?}"
            );
            if action.is_about_content() {
                // Not on another board; global staff everywhere; never on people.
                let other = Target::Board(8);
                assert_eq!(
                    check(Some(&board_mod), action, other),
                    Err(Denied::Forbidden)
                );
                assert_eq!(check(Some(&global), action, other), Ok(()));
                assert!(check(Some(&admin), action, member).is_err());
            }
            if action.is_about_a_person() {
                // Nobody acts on an equal or higher rank, or on themselves; never on content.
                assert!(check(Some(&admin), action, Target::Board(7)).is_err());
                assert!(check(Some(&global), action, moderator).is_err());
                assert!(check(Some(&global), action, admin_target).is_err());
                assert!(check(Some(&admin), action, moderator).is_ok());
                assert!(check(Some(&admin), action, admin_target).is_err());
                let me = Target::Person {
                    user_id: 100,
                    role: Role::Member,
                };
                assert!(check(Some(&admin), action, me).is_err());
            }
        }
    }
}
