//! `govsite completions SHELL`: a completion script on stdout.

use std::process::ExitCode;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};

pub fn run(args: &CompletionsArgs) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "govsite", &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}
