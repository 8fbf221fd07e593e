//! `govsite package`: the auditor handoff archive.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::{Progress, Ui};
use crate::cli::PackageArgs;
use crate::package;
use crate::signing;
use crate::site::{self, RenderOptions};

pub fn run(args: &PackageArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    // A key that cannot sign is found before the work, not after.
    let key = match &args.sign {
        Some(path) => Some(signing::read_key(path)?),
        None => None,
    };
    let checked = site::check(&args.content.content, args.content.as_of)?;
    ui.diagnostics(&checked.diagnostics);
    if checked.has_errors() {
        eprintln!("package refused: fix the errors above");
        return Ok(ExitCode::from(1));
    }
    let options = RenderOptions {
        templates: args.templates.clone(),
        compare: args.compare.clone(),
        sources: true,
        ..RenderOptions::default()
    };
    let site_config = &checked.model.site;
    let name = package::default_name(&site_config.organisation, &site_config.title, checked.as_of);
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{name}.zip")));
    let folder = package::folder_name(&path, &name);
    package::check_output(&path, &args.content.content)?;
    let progress = Progress::start(ui, "rendering and packaging");
    // The site is built into a private folder (mode 0700, removed when done) and zipped
    // from there file by file, so even huge evidence passes through in small pieces.
    let scratch = tempfile::Builder::new()
        .prefix("govsite-package-")
        .tempdir()
        .context("creating a private temporary folder")?;
    let site_dir = scratch.path().join(&folder);
    let built = site::build(&checked, &options, &args.content.content, &site_dir)?;
    super::warn_changed_settings(ui, &built.changed_settings);
    if let Some(key) = &key {
        package::sign_manifest(&site_dir, key)?;
    }
    package::write_zip(&site_dir, &folder, checked.as_of, &path)?;
    drop(progress);
    let signed = if key.is_some() {
        " (SHA256SUMS signed)"
    } else {
        ""
    };
    ui.info(&format!(
        "packaged {} files as of {} into {}{signed}; check it with `govsite verify {}`, or unzip it, open {folder}/index.html, and run `sha256sum -c SHA256SUMS` inside {folder}/",
        built.files,
        checked.as_of,
        path.display(),
        path.display()
    ));
    Ok(ExitCode::SUCCESS)
}
