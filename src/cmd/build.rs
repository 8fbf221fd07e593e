//! `govsite build`: check, compute, render and write the site.

use std::process::ExitCode;

use super::print_diagnostics;
use crate::cli::BuildArgs;
use crate::metrics;
use crate::site::{self, RenderOptions};

pub fn run(args: &BuildArgs) -> anyhow::Result<ExitCode> {
    let content = &args.content.content;
    let checked = site::check(content, args.content.as_of)?;
    print_diagnostics(&checked.diagnostics);
    if checked.has_errors() {
        eprintln!("build refused: fix the errors above; the previous site (if any) is untouched");
        return Ok(ExitCode::from(1));
    }
    let options = RenderOptions {
        templates: args.templates.clone(),
        compare: args.compare.clone(),
    };
    let built = site::build(&checked, &options, content, &args.out)?;
    let findings = metrics::findings(&built.metrics);
    let pages = built
        .files
        .iter()
        .filter(|f| f.path.ends_with(".html"))
        .count();
    eprintln!(
        "built {} pages ({} files) as of {} into {}; open {}",
        pages,
        built.files.len(),
        checked.as_of,
        args.out.display(),
        args.out.join("index.html").display()
    );
    if args.strict && !findings.is_empty() {
        for finding in &findings {
            eprintln!("policy: {}: {}", finding.kind, finding.message);
        }
        eprintln!("--strict: {} policy findings", findings.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
