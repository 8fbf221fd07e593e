//! govsite: governance records for non-human identities -> a static accountability site.
//!
//! The pipeline, one module per stage:
//! load (`content`, `load`) -> validate -> metrics -> charts / views -> render -> output.

pub mod content;
pub mod day;
pub mod diagnostics;
pub mod load;
pub mod markdown;
pub mod model;
pub mod spans;
