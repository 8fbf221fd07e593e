//! The files a build read, as they were read: what provenance compares with the content's
//! commit, and what `govsite package` copies into `source/` (with the `--templates` files in
//! `source-templates/`) so that an auditor can rebuild the site from the package alone.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;

use crate::evidence;
use crate::model::Model;
use crate::output::{OutputFile, Sink};
use crate::render::Overrides;

/// The package's folder holding the content directory as read.
pub const FOLDER: &str = "source";

/// The earlier build's `metrics.json` a package given `--compare` was compared with, so that
/// `verify` rebuilds the same "what changed".
pub const COMPARED: &str = "source-compared/metrics.json";

/// The package's folder holding the `--templates` files the site was rendered with.
pub const TEMPLATES_FOLDER: &str = "source-templates";

/// Every content file a build read, evidence aside: `site.yaml` and the list files that are
/// there, and every record's file. `/`-separated paths relative to `content_dir`, sorted.
pub fn content_files(content_dir: &Path, model: &Model) -> Vec<(String, PathBuf)> {
    let mut read: Vec<(String, PathBuf)> = crate::load::LIST_FILES
        .iter()
        .chain(["site.yaml"].iter())
        .map(|name| content_dir.join(name))
        .filter(|path| std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()))
        .chain(model.record_sources())
        .filter_map(|path| Some((relative(content_dir, &path)?, path)))
        .collect();
    read.sort();
    read
}

/// `path` relative to `root`, `/`-separated (lossy for names that are not UTF-8).
fn relative(root: &Path, path: &Path) -> Option<String> {
    let rest = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rest
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}

/// Puts the content as read under `source/` (evidence under `source/evidence/`, checked
/// against the hash taken when it was read) and the replaced templates under
/// `source-templates/`.
pub fn put_sources(
    content_dir: &Path,
    model: &Model,
    overrides: &Overrides,
    sink: &dyn Sink,
) -> anyhow::Result<()> {
    let files = content_files(content_dir, model);
    files.par_iter().try_for_each(|(name, path)| {
        check_name(content_dir, path)?;
        let bytes = read_record(path)?;
        sink.put(OutputFile::new(format!("{FOLDER}/{name}"), bytes))
    })?;
    let evidence: Vec<&crate::model::EvidenceFile> = model.evidence.values().collect();
    evidence.par_iter().try_for_each(|file| {
        let path = format!("{FOLDER}/{}/{}", evidence::FOLDER, file.path);
        sink.put_stream(path, &mut |out| evidence::copy_verified(file, out))
            .with_context(|| format!("copying evidence {}", file.source.display()))
    })?;
    overrides.iter().try_for_each(|(name, text)| {
        let path = format!("{TEMPLATES_FOLDER}/{name}");
        sink.put(OutputFile::new(path, text.as_bytes()))
    })
}

/// Refuses a file whose path could not be written into `SHA256SUMS` as it is: a part that
/// is not UTF-8, or holds a control character or a backslash (`sha256sum` would escape it).
fn check_name(content_dir: &Path, path: &Path) -> anyhow::Result<()> {
    let rest = path.strip_prefix(content_dir).unwrap_or(path);
    for part in rest.components() {
        let plain = part
            .as_os_str()
            .to_str()
            .is_some_and(|part| !part.chars().any(|c| c.is_control() || c == '\\'));
        if !plain {
            anyhow::bail!(
                "cannot package `{}`: its path has a character that SHA256SUMS cannot list as it is (not UTF-8, a control character or `\\`); rename the folder or file",
                path.display()
            );
        }
    }
    Ok(())
}

/// A record or list file's bytes, read without following a symbolic link, no larger than
/// the loader accepts.
fn read_record(path: &Path) -> anyhow::Result<Vec<u8>> {
    let reading = || format!("reading {} to package it", path.display());
    let file = evidence::open_regular(path).with_context(reading)?;
    let mut bytes = Vec::new();
    file.take(crate::content::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(reading)?;
    if bytes.len() as u64 > crate::content::MAX_FILE_BYTES {
        anyhow::bail!(
            "{} grew past the size limit while it was packaged: package again when nothing writes to the content",
            path.display()
        );
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_names_sha256sums_would_escape() {
        let root = Path::new("/c");
        assert!(check_name(root, Path::new("/c/controls/team a/CTL-A.md")).is_ok());
        for bad in ["/c/controls/a\\b/CTL-A.md", "/c/controls/a\nb/CTL-A.md"] {
            let error = check_name(root, Path::new(bad)).unwrap_err().to_string();
            assert!(error.contains("rename the folder or file"), "{error}");
        }
    }
}
