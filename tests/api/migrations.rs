//! Every migration runs up and down from an empty database, on the backend under test.

use vigie::db::{migrate, DbManager};

use crate::helpers::{fresh_database, test_settings};

#[test]
fn migrations_run_up_down_and_up_again() {
    let (_db, url) = fresh_database();
    let settings = test_settings(&url);
    let mut conn = DbManager::new(&settings.database)
        .connect()
        .expect("connect");
    let up = migrate::run_pending(&mut conn).expect("up");
    assert!(up >= 1);
    assert_eq!(migrate::run_pending(&mut conn).expect("nothing pending"), 0);
    let down = migrate::revert_all(&mut conn).expect("down");
    assert_eq!(down, up);
    assert_eq!(migrate::run_pending(&mut conn).expect("up again"), up);
}
