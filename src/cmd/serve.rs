//! `govsite serve`: local preview with rebuild on change.

use std::process::ExitCode;

use super::Ui;
use crate::cli::ServeArgs;
use crate::serve::{self, ServeOptions};

pub fn run(args: &ServeArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let options = ServeOptions {
        content: args.content.content.clone(),
        as_of: args.content.as_of,
        templates: args.templates.clone(),
        port: args.port,
        open: args.open,
    };
    serve::serve(&options, ui)?;
    Ok(ExitCode::SUCCESS)
}
