//! `govsite verify`: check an auditor package and print what was checked.

use std::process::ExitCode;

use super::{Progress, Ui};
use crate::cli::VerifyArgs;
use crate::diagnostics::terminal_safe;
use crate::signing::AllowedSigners;
use crate::verify::{self, Limits, Line};

/// Entries a package may hold: far more than a site of tens of thousands of records has.
const MAX_ENTRIES: usize = 2_000_000;

pub fn run(args: &VerifyArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let allowed = match &args.allowed_signers {
        Some(path) => Some(AllowedSigners::read(path)?),
        None => None,
    };
    let limits = Limits {
        max_bytes: args.max_mib.saturating_mul(1024 * 1024),
        max_entries: MAX_ENTRIES,
    };
    let progress = Progress::start(ui, "unpacking, checking and rebuilding");
    let report = verify::verify(&args.package, allowed.as_ref(), limits)?;
    drop(progress);
    for line in &report.lines {
        let (mark, text) = match line {
            Line::Ok(text) => ("ok", text),
            Line::Fail(text) => ("FAILED", text),
            Line::Note(text) => ("note", text),
        };
        println!("{mark}: {}", terminal_safe(text));
    }
    let package = args.package.display();
    if report.verified() {
        println!("verified: {package}");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("NOT verified: {package}");
        Ok(ExitCode::from(1))
    }
}
