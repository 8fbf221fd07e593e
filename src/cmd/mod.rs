//! One thin module per subcommand; the work happens in the pipeline (`site.rs`).

pub mod build;
pub mod check;
pub mod package;

use std::io::Write;

use crate::diagnostics::{self, Diagnostic};

/// Prints diagnostics and their count to stderr, the way compilers do.
pub fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    for diagnostic in diagnostics {
        let _ = writeln!(out, "{diagnostic}");
    }
    if !diagnostics.is_empty() {
        let _ = writeln!(out, "{}", diagnostics::summary(diagnostics));
    }
}
