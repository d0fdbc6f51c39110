//! Constants written into a statement's text rather than bound. A bound value that SQLite must
//! look at to choose an index — a partial index's `WHERE unread_count > 0` implied by the
//! query's `unread_count > ?` — marks the prepared statement to be prepared again at every new
//! binding, which turned the session lookup (every member request) into a fresh parse and plan.
//! Written as text, the constant is part of the cached statement: diesel still caches it.

use diesel::backend::Backend;
use diesel::expression::{
    is_aggregate, AppearsOnTable, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::BigInt;
use diesel::QueryResult;

/// The integer `0`, as SQL text.
#[derive(Debug, Clone, Copy, QueryId)]
pub struct Zero;

impl Expression for Zero {
    type SqlType = BigInt;
}

impl<DB: Backend> QueryFragment<DB> for Zero {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("0");
        Ok(())
    }
}

impl<QS> AppearsOnTable<QS> for Zero {}

impl<QS> SelectableExpression<QS> for Zero {}

impl ValidGrouping<()> for Zero {
    type IsAggregate = is_aggregate::Never;
}
