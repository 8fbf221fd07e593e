//! Records which commit of govsite's own repository this binary was compiled from, for
//! `provenance.json`: `GOVSITE_BUILD_COMMIT` (the full commit id, empty outside git) and
//! `GOVSITE_BUILD_DIRTY` (`true` when a source file differed from that commit).
//!
//! Building from a tarball, without git or outside a repository, gives an empty commit: the
//! build never fails for want of git. Packagers can set `GOVSITE_BUILD_COMMIT` themselves.

use std::path::Path;
use std::process::Command;

/// The files and folders a binary is compiled from: a change in them makes it "dirty".
const SOURCES: [&str; 6] = [
    "src",
    "templates",
    "static",
    "build.rs",
    "Cargo.toml",
    "Cargo.lock",
];

fn main() {
    println!("cargo:rerun-if-env-changed=GOVSITE_BUILD_COMMIT");
    if let Some(commit) = std::env::var("GOVSITE_BUILD_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
    {
        emit(&commit, false);
        return;
    }
    // A tarball unpacked inside some other repository is not that repository's commit:
    // only a repository that tracks this very build script is govsite's.
    let ours = git(&["ls-files", "--error-unmatch", "build.rs"]).is_some();
    let commit = match ours {
        true => git(&["rev-parse", "--verify", "-q", "HEAD"]).unwrap_or_default(),
        false => String::new(),
    };
    watch_git();
    for source in SOURCES {
        if Path::new(source).exists() {
            println!("cargo:rerun-if-changed={source}");
        }
    }
    let dirty = !commit.is_empty() && git_status_dirty();
    emit(&commit, dirty);
}

fn emit(commit: &str, dirty: bool) {
    println!("cargo:rustc-env=GOVSITE_BUILD_COMMIT={commit}");
    println!("cargo:rustc-env=GOVSITE_BUILD_DIRTY={dirty}");
}

/// Whether `git status` lists any change in `SOURCES`.
fn git_status_dirty() -> bool {
    let mut args = vec!["status", "--porcelain", "--untracked-files=normal", "--"];
    args.extend(SOURCES.iter().filter(|s| Path::new(s).exists()));
    git(&args).is_some_and(|out| !out.is_empty())
}

/// Reruns this script when `HEAD`, the branch it points to or the index moves.
fn watch_git() {
    let mut watched = vec![
        "HEAD".to_string(),
        "index".to_string(),
        "packed-refs".to_string(),
    ];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            if Path::new(&path).exists() {
                println!("cargo:rerun-if-changed={path}");
            }
        }
    }
}

/// git's trimmed output, or `None` when git is missing or fails.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(["-c", "core.fsmonitor=false"])
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}
