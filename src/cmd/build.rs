//! `govsite build`: check, compute, render and write the site.

use std::mem::ManuallyDrop;
use std::process::ExitCode;

use super::{Progress, Ui};
use crate::cli::BuildArgs;
use crate::site::{self, RenderOptions};

pub fn run(args: &BuildArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let content = &args.content.content;
    let progress = Progress::start(ui, "reading and checking the content");
    // A one-shot command: at exit the system takes back the model's hundreds of thousands
    // of allocations at once, faster than freeing them one by one (about 60 ms at 5,000
    // controls), so the model and the build are never dropped.
    let checked = ManuallyDrop::new(site::check(content, args.content.as_of)?);
    drop(progress);
    ui.diagnostics(&checked.diagnostics);
    if checked.has_errors() {
        eprintln!("build refused: fix the errors above; the previous site (if any) is untouched");
        return Ok(ExitCode::from(1));
    }
    let options = RenderOptions {
        templates: args.templates.clone(),
        compare: args.compare.clone(),
        ..RenderOptions::default()
    };
    let progress = Progress::start(ui, "rendering pages, charts and exports");
    let staged = site::stage(&checked, &options, content, &args.out)?;
    drop(progress);
    for leftover in staged.leftovers() {
        ui.warn(leftover);
    }
    super::warn_changed_settings(ui, &staged.built.changed_settings);
    let findings = &staged.built.metrics.findings;
    if args.strict && !findings.is_empty() {
        for finding in findings {
            eprintln!(
                "policy: {}: {}",
                finding.kind,
                crate::diagnostics::terminal_safe(&finding.message)
            );
        }
        eprintln!(
            "build refused (--strict): {} policy findings; the previous site (if any) is untouched",
            findings.len()
        );
        // The staged site is removed when dropped.
        return Ok(ExitCode::from(1));
    }
    let built = ManuallyDrop::new(staged.publish()?);
    for (stage, time) in checked.timings.iter().chain(&built.timings) {
        ui.detail(&format!(
            "  {stage:<9} {:>8.1} ms",
            time.as_secs_f64() * 1000.0
        ));
    }
    ui.detail("  (write: time the rendering threads spent writing and hashing files, added up; part of render)");
    ui.info(&format!(
        "built {} pages ({} files) as of {} into {}; open {}",
        built.pages,
        built.files,
        checked.as_of,
        args.out.display(),
        args.out.join("index.html").display()
    ));
    Ok(ExitCode::SUCCESS)
}
