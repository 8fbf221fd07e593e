//! `govsite package`: the auditor handoff archive.

use std::path::PathBuf;
use std::process::ExitCode;

use super::{Progress, Ui};
use crate::cli::PackageArgs;
use crate::package;
use crate::site::{self, RenderOptions};

pub fn run(args: &PackageArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let checked = site::check(&args.content.content, args.content.as_of)?;
    ui.diagnostics(&checked.diagnostics);
    if checked.has_errors() {
        eprintln!("package refused: fix the errors above");
        return Ok(ExitCode::from(1));
    }
    let options = RenderOptions {
        templates: args.templates.clone(),
        compare: None,
    };
    let progress = Progress::start(ui, "rendering and packaging");
    let (built, files) = site::render_in_memory(&checked, &options)?;
    let site_config = &checked.model.site;
    let name = package::default_name(&site_config.organisation, &site_config.title, checked.as_of);
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{name}.zip")));
    let folder = path
        .file_stem()
        .map_or(name.clone(), |stem| stem.to_string_lossy().into_owned());
    package::write_zip(&files, &folder, checked.as_of, &path)?;
    drop(progress);
    ui.info(&format!(
        "packaged {} files as of {} into {}; unzip it, open {folder}/index.html, and verify with `sha256sum -c SHA256SUMS` inside {folder}/",
        built.files,
        checked.as_of,
        path.display()
    ));
    Ok(ExitCode::SUCCESS)
}
