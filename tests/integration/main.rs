//! Integration tests. Every storage and HTTP test runs on SQLite and on PostgreSQL.
//!
//! PostgreSQL: `BLUEDOT_TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`)
//! names a server where the tests may create and drop databases. When it cannot be reached the
//! PostgreSQL half is skipped with a message, unless `BLUEDOT_REQUIRE_POSTGRES=1` (as in CI),
//! which makes it a failure.

mod accounts;
mod audit;
mod audit_http;
mod cases;
mod cases_http;
mod child_alerts_http;
mod deployments;
mod directory_translations;
mod figures;
mod hsds_schema;
mod http;
mod inclusion;
mod offline_http;
mod people;
mod people_http;
mod places;
mod planning;
mod referrals;
mod referrals_http;
mod server;
mod staff;
mod staff_languages;
mod storage;
mod supplies;
mod support;
mod tracing;
mod tracing_http;
mod transfer_package;
mod transfers;
mod visits;
mod visits_http;
mod work_list;
