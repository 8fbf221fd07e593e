//! The `govsite` binary: parse the command line, run the command, print errors, exit.

use std::process::ExitCode;

use clap::Parser;

use govsite::cli::{Cli, Command};
use govsite::cmd;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Package(args) => cmd::package::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(1)
        }
    }
}
