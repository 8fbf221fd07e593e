//! `govsite schema [--out DIR]`: a JSON Schema of every kind of content file.

use std::process::ExitCode;

use anyhow::Context as _;

use super::Ui;
use crate::cli::SchemaArgs;
use crate::output;
use crate::schema;

pub fn run(args: &SchemaArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let files = schema::schemas().context("writing the schemas as JSON")?;
    output::write_into_dir(&args.out, &files)?;
    let dir = args.out.display();
    ui.info(&format!("wrote {} schemas into {dir}:", files.len()));
    for kind in &schema::KINDS {
        ui.info(&format!("  {dir}/{}  for {}", kind.file, kind.describes));
    }
    Ok(ExitCode::SUCCESS)
}
