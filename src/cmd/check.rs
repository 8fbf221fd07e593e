//! `govsite check`: validate the content (and, with --strict, fail on policy findings).

use std::process::ExitCode;

use serde::Serialize;

use super::Ui;
use crate::cli::{CheckArgs, Format};
use crate::diagnostics::{self, Diagnostic};
use crate::metrics::{self, Finding};
use crate::site;

pub fn run(args: &CheckArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let checked = site::check(&args.content.content, args.content.as_of)?;
    // Policy findings need metrics, which need valid content.
    let findings = if checked.has_errors() {
        Vec::new()
    } else {
        metrics::findings(&metrics::compute(&checked.model, checked.as_of))
    };
    let (errors, warnings) = diagnostics::count(&checked.diagnostics);
    match args.format {
        Format::Json => print_json(
            &checked.diagnostics,
            &findings,
            checked.as_of.to_string(),
            errors,
            warnings,
        )?,
        Format::Text => print_text(ui, &checked.diagnostics, &findings, args.strict),
    }
    let failed = errors > 0 || (args.strict && !findings.is_empty());
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_text(ui: Ui, diagnostics: &[Diagnostic], findings: &[Finding], strict: bool) {
    ui.diagnostics(diagnostics);
    if strict {
        for finding in findings {
            eprintln!(
                "policy: {}: {}",
                finding.kind,
                crate::diagnostics::terminal_safe(&finding.message)
            );
        }
        eprintln!("{}", diagnostics::plural(findings.len(), "policy finding"));
    }
    if diagnostics.is_empty() && (!strict || findings.is_empty()) {
        ui.info("content is valid");
    }
}

fn print_json(
    diagnostics: &[Diagnostic],
    findings: &[Finding],
    as_of: String,
    errors: usize,
    warnings: usize,
) -> anyhow::Result<()> {
    #[derive(Serialize)]
    struct Report<'a> {
        as_of: String,
        errors: usize,
        warnings: usize,
        diagnostics: &'a [Diagnostic],
        findings: &'a [Finding],
    }
    let report = Report {
        as_of,
        errors,
        warnings,
        diagnostics,
        findings,
    };
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
