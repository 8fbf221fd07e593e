//! Runs the real `govsite` binary and keeps what a user sees: exit code, stdout, stderr.

use std::path::Path;
use std::process::Command;

/// What one run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `govsite args` in `dir` with `env` set and `GITHUB_STEP_SUMMARY` unset (unless
/// `env` sets it), so a CI runner's own variable never reaches the tests.
pub fn govsite_in(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_govsite"));
    command
        .current_dir(dir)
        .args(args)
        .env_remove("GITHUB_STEP_SUMMARY");
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("running govsite");
    Run {
        code: output
            .status
            .code()
            .expect("govsite was killed by a signal"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}
