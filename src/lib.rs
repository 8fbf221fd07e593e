//! govsite: governance records for non-human identities -> a static accountability site.
//!
//! The pipeline, one module per stage (see `site.rs`):
//! load (`content`, `load`) -> `validate` -> `metrics` -> `charts` / `views` -> `render` -> `output`.

pub mod calendar;
pub mod charts;
pub mod cli;
pub mod cmd;
pub mod compare;
pub mod content;
pub mod day;
pub mod diagnostics;
pub mod evidence;
pub mod exports;
pub mod import;
pub mod load;
pub mod markdown;
pub mod metrics;
pub mod model;
pub mod oscal;
pub mod output;
pub mod package;
pub mod pages;
pub mod provenance;
pub mod render;
pub mod report;
pub mod schema;
pub mod serve;
pub mod signing;
pub mod site;
pub mod sources;
pub mod spans;
pub mod validate;
pub mod verify;
pub mod views;
