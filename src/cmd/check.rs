//! `govsite check`: validate the content (and, with --strict, fail on policy findings).
//! Results go to stdout in the chosen format; counts and progress go to stderr.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use super::Ui;
use crate::cli::{CheckArgs, Format};
use crate::diagnostics::{self, terminal_safe, Diagnostic};
use crate::metrics::{self, Finding};
use crate::report::{github, sarif, Location, Report};
use crate::site;

pub fn run(args: &CheckArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let checked = site::check(&args.content.content, args.content.as_of)?;
    // Policy findings need metrics, which need valid content.
    let findings = if checked.has_errors() {
        Vec::new()
    } else {
        metrics::compute(&checked.model, checked.as_of).findings
    };
    let report = Report::new(
        &checked.content_dir,
        &checked.model,
        &checked.diagnostics,
        &findings,
        args.strict,
    );
    let as_of = checked.as_of.to_string();
    match args.format {
        Format::Text => print_text(ui, &checked.diagnostics, &report, args.strict),
        Format::Json => {
            println!(
                "{}",
                json(&report, &checked.diagnostics, &findings, &as_of)?
            );
            ui.info(&report.counts());
        }
        Format::Sarif => {
            println!("{}", sarif::to_string(&report)?);
            ui.info(&report.counts());
        }
        Format::Github => print_github(ui, &report, &as_of)?,
    }
    let failed = report.errors > 0 || (args.strict && report.findings > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Diagnostics and (with --strict) findings on stdout, one `path:line:col: ...` line each;
/// their counts on stderr.
fn print_text(ui: Ui, diagnostics: &[Diagnostic], report: &Report, strict: bool) {
    ui.diagnostics_to_stdout(diagnostics);
    if strict {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        let findings = report.results.iter().skip(diagnostics.len());
        for item in findings {
            let location = &item.location;
            let _ = writeln!(
                out,
                "{}:{}:{}: policy: {}: {}",
                terminal_safe(&location.path.display().to_string()),
                location.line,
                location.column,
                item.rule.id.trim_start_matches("policy/"),
                terminal_safe(&item.message)
            );
        }
        let _ = out.flush();
        eprintln!("{}", diagnostics::plural(report.findings, "policy finding"));
    }
    if diagnostics.is_empty() && (!strict || report.findings == 0) {
        ui.info("content is valid");
    }
}

/// The workflow commands on stdout, the summary appended to `GITHUB_STEP_SUMMARY` when set.
fn print_github(ui: Ui, report: &Report, as_of: &str) -> anyhow::Result<()> {
    github::write_commands(report, &mut std::io::stdout().lock())?;
    if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
        let path = std::path::PathBuf::from(path);
        github::append_summary(report, as_of, &path).with_context(|| {
            format!(
                "appending the summary to {} (named by GITHUB_STEP_SUMMARY)",
                path.display()
            )
        })?;
    }
    ui.info(&report.counts());
    Ok(())
}

/// The JSON report: the keys earlier versions printed, and file, line and column on each
/// finding.
fn json(
    report: &Report,
    diagnostics: &[Diagnostic],
    findings: &[Finding],
    as_of: &str,
) -> anyhow::Result<String> {
    #[derive(Serialize)]
    struct Json<'a> {
        as_of: &'a str,
        errors: usize,
        warnings: usize,
        diagnostics: &'a [Diagnostic],
        findings: Vec<Located<'a>>,
    }
    #[derive(Serialize)]
    struct Located<'a> {
        #[serde(flatten)]
        finding: &'a Finding,
        file: String,
        line: usize,
        column: usize,
    }
    let locations = report.results.iter().skip(diagnostics.len());
    let findings = findings
        .iter()
        .zip(locations)
        .map(|(finding, item)| located(finding, &item.location))
        .collect();
    fn located<'a>(finding: &'a Finding, location: &Location) -> Located<'a> {
        Located {
            finding,
            file: location.path.display().to_string(),
            line: location.line,
            column: location.column,
        }
    }
    let report = Json {
        as_of,
        errors: report.errors,
        warnings: report.warnings,
        diagnostics,
        findings,
    };
    Ok(serde_json::to_string_pretty(&report)?)
}
