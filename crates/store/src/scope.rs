//! A staff member's scope as SQL, written once for every list that is filtered by it, and the
//! two dialect differences such filters meet: unpacking a JSON list, and spelling a UUID column
//! as text.
//!
//! Scopes are a handful of hubs and countries; they travel as one JSON list each, which both
//! backends can unpack, so the query text stays the same. A filtered query binds
//! [`ScopeParams`] first, at `$1` (everywhere), `$2` (countries) and `$3` (hubs), with
//! [`bind_scope!`].

use bluedot_core::policy::Scope;

use crate::{Backend, Store};

/// The values a scope condition reads.
pub(crate) struct ScopeParams {
    pub everywhere: bool,
    pub countries: String,
    pub hubs: String,
}

impl ScopeParams {
    pub fn of(scope: &Scope) -> ScopeParams {
        let countries: Vec<&str> = scope.countries.iter().map(|c| c.code()).collect();
        let hubs: Vec<String> = scope.hubs.iter().map(|h| h.to_string()).collect();
        ScopeParams {
            everywhere: scope.everywhere,
            countries: serde_json::to_string(&countries).expect("a list of strings serialises"),
            hubs: serde_json::to_string(&hubs).expect("a list of strings serialises"),
        }
    }
}

/// Binds a scope's values at `$1`, `$2`, `$3` of a query.
macro_rules! bind_scope {
    ($query:expr, $params:expr) => {
        $query
            .bind($params.everywhere)
            .bind(&$params.countries)
            .bind(&$params.hubs)
    };
}
pub(crate) use bind_scope;

impl Store {
    /// The condition that a row of a record held at a hub lies within the scope bound at
    /// `$1`..`$3`: everywhere, in one of its countries, or at one of its hubs.
    pub(crate) fn in_scope(&self, country_column: &str, hub_column: &str) -> String {
        format!(
            "($1 OR {country_column} IN (SELECT value FROM {countries}) \
             OR {hub} IN (SELECT value FROM {hubs}))",
            countries = self.scope_countries(),
            hubs = self.scope_hubs(),
            hub = self.uuid_text(hub_column),
        )
    }

    /// The bound countries, as a table with one `value` column.
    pub(crate) fn scope_countries(&self) -> String {
        self.json_list("$2")
    }

    /// The bound hubs, as a table with one `value` column.
    pub(crate) fn scope_hubs(&self) -> String {
        self.json_list("$3")
    }

    /// A JSON list of strings bound at `param`, as a table with one `value` column.
    pub(crate) fn json_list(&self, param: &str) -> String {
        match self.backend {
            Backend::Postgres(_) => format!("jsonb_array_elements_text({param}::jsonb)"),
            Backend::Sqlite(_) => format!("json_each({param})"),
        }
    }

    /// A UUID column as the text `Uuid`'s Display writes.
    pub(crate) fn uuid_text(&self, column: &str) -> String {
        match self.backend {
            Backend::Postgres(_) => format!("{column}::text"),
            // SQLite holds UUIDs as 16 bytes.
            Backend::Sqlite(_) => format!(
                "lower(substr(hex({column}),1,8)||'-'||substr(hex({column}),9,4)||'-'||substr(hex({column}),13,4)||'-'||substr(hex({column}),17,4)||'-'||substr(hex({column}),21))"
            ),
        }
    }
}
