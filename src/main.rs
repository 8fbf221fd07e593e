//! The `govsite` binary: parse the command line, run the command, print errors, exit.

use std::process::ExitCode;

use clap::Parser;

use govsite::cli::{Cli, Command};
use govsite::cmd;
use govsite::diagnostics::terminal_safe;

/// mimalloc: rendering tens of thousands of pages on several threads is allocation-bound, and
/// glibc's allocator spent a third of a build's time in malloc/free (perf, 500-control estate).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`: its place in `mi_option_e` in the mimalloc.h (v3) that
/// libmimalloc-sys 0.1.49 builds, which its Rust bindings do not name. A test checks that
/// the option at this place has that option's default (1000 ms, in its options.c).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps memory that govsite frees for the rest of the run. By default mimalloc hands freed
/// memory back to the system after a second, and the next allocation faults it in again, zeroed
/// a 2 MiB huge page at a time: 7% of the CPU time of a 66,000-page build went to that
/// (perf). A build is short and reuses what it frees, so its peak memory stays the same;
/// `serve` keeps the memory of its largest build between rebuilds.
fn keep_freed_memory() {
    // SAFETY: sets a process-wide mimalloc option (a plain integer, read atomically by
    // mimalloc); called once at start-up, before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) }
}

fn main() -> ExitCode {
    keep_freed_memory();
    let cli = Cli::parse();
    let ui = cmd::Ui::new(cli.quiet, cli.verbose);
    let result = match cli.command {
        Command::Build(args) => cmd::build::run(&args, ui),
        Command::Check(args) => cmd::check::run(&args, ui),
        Command::Package(args) => cmd::package::run(&args, ui),
        Command::Verify(args) => cmd::verify::run(&args, ui),
        Command::Init(args) => cmd::init::run(&args, ui),
        Command::Serve(args) => cmd::serve::run(&args, ui),
        Command::Schema(args) => cmd::schema::run(&args, ui),
        Command::Import(args) => cmd::import::run(&args, ui),
        Command::Completions(args) => cmd::completions::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {}", terminal_safe(&error.to_string()));
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {}", terminal_safe(&cause.to_string()));
            }
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Should libmimalloc-sys move to a mimalloc whose options are numbered differently,
    /// `keep_freed_memory` would set some other option: the purge delay defaults to 1000 ms.
    #[test]
    fn the_purge_delay_option_is_where_we_set_it() {
        // SAFETY: reads a mimalloc option.
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000);
    }
}
