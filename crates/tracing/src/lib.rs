//! Family tracing: matching tracing requests against registered children although names are
//! written in Ukrainian or Russian Cyrillic or any Latin spelling system, in Russian or
//! diminutive forms, with typos, swapped, and with approximate ages.
//!
//! [`fold`] brings names to one phonetic form; [`names`] knows which given names are the
//! same name; [`Matcher`] indexes children by several keys so a request meets its candidates
//! without comparing every record, and scores each with all the evidence, explained per field.

pub mod fold;
pub mod matcher;
pub mod names;
pub mod parallel;

pub use matcher::{Evidence, Match, Matcher, Person, Requester};
pub use names::NameGroups;
pub use parallel::on_every_core;
