//! The `govsite` binary: parse the command line, run the command, print errors, exit.

use std::process::ExitCode;

use clap::Parser;

use govsite::cli::{Cli, Command};
use govsite::cmd;

/// mimalloc: rendering tens of thousands of pages on several threads is allocation-bound, and
/// glibc's allocator spent a third of a build's time in malloc/free (perf, 500-control estate).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = cmd::Ui::new(cli.quiet, cli.verbose);
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(&args, ui),
        Command::Check(args) => cmd::check::run(&args, ui),
        Command::Package(args) => cmd::package::run(&args, ui),
        Command::Init(args) => cmd::init::run(&args, ui),
        Command::Serve(args) => cmd::serve::run(&args, ui),
        Command::Completions(args) => cmd::completions::run(&args),
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
