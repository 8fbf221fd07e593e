//! The "merely write the same files" baseline for the benchmark.
//!
//! ```text
//! cargo run --release --example write_files -- SITE DEST
//! ```
//!
//! Reads every file under SITE (a govsite build) into memory, then, timed, creates the same
//! folders under DEST and writes the same files with the same bytes, one after the other on
//! one thread, with `std::fs::write`. This is the least any generator must do to produce
//! that output, so `scripts/bench` compares govsite's whole build against it. DEST must not
//! exist. Prints `WRITE files=N bytes=B seconds=S`.

use std::path::{Path, PathBuf};
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [site, dest] = args.as_slice() else {
        eprintln!("usage: write_files SITE DEST");
        std::process::exit(2);
    };
    let (site, dest) = (PathBuf::from(site), PathBuf::from(dest));
    if dest.exists() {
        eprintln!(
            "write_files: `{}` exists: give a new folder",
            dest.display()
        );
        std::process::exit(2);
    }
    let mut files = Vec::new();
    let mut folders = Vec::new();
    collect(&site, Path::new(""), &mut files, &mut folders)?;
    let bytes: usize = files
        .iter()
        .map(|(_, b): &(PathBuf, Vec<u8>)| b.len())
        .sum();

    let started = Instant::now();
    std::fs::create_dir(&dest)?;
    for folder in &folders {
        std::fs::create_dir(dest.join(folder))?;
    }
    for (path, content) in &files {
        std::fs::write(dest.join(path), content)?;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "WRITE files={} folders={} bytes={bytes} seconds={seconds:.4}",
        files.len(),
        folders.len()
    );
    Ok(())
}

/// Every file under `root/relative` with its bytes, and every folder (parents first).
fn collect(
    root: &Path,
    relative: &Path,
    files: &mut Vec<(PathBuf, Vec<u8>)>,
    folders: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(root.join(relative))?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let path = relative.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            folders.push(path.clone());
            collect(root, &path, files, folders)?;
        } else {
            let content = std::fs::read(root.join(&path))?;
            files.push((path, content));
        }
    }
    Ok(())
}
