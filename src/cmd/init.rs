//! `govsite init DIR`: a starter content directory to edit.

use std::process::ExitCode;

use super::Ui;
use crate::cli::InitArgs;
use crate::output::{self, OutputFile};

/// Embeds files from `src/starter/` under their relative paths.
macro_rules! starter {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../starter/", $name)))),*]
    };
}

/// The starter content: a few controls, people, an exception and an incident.
const STARTER: &[(&str, &str)] = starter![
    "README.md",
    "site.yaml",
    "people.yaml",
    "teams.yaml",
    "frameworks.yaml",
    "controls/CTL-SECRET-ROTATION.md",
    "controls/CTL-TOKEN-TTL.md",
    "controls/CTL-SA-LEAST-PRIVILEGE.md",
    "processes/ci-cd-deploy.md",
    "exceptions/EXC-0001.md",
    "incidents/INC-0001.md",
];

pub fn run(args: &InitArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let files: Vec<OutputFile> = STARTER
        .iter()
        .map(|(path, text)| OutputFile::new(*path, *text))
        .collect();
    output::write_new_dir(&args.dir, &files)?;
    let dir = args.dir.display();
    ui.info(&format!(
        "created {dir} with {} files. Next:\n  govsite check --content {dir}\n  govsite serve --content {dir}    # then edit the files and watch the site update",
        files.len()
    ));
    Ok(ExitCode::SUCCESS)
}
