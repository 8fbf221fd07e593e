//! Where the content came from: the git commit of the content directory, and whether every
//! file the build read is exactly that commit's. Printed on every page and written into
//! `data/metrics.json` and `provenance.json`, so an auditor can tie a site to its records.
//!
//! Nothing here runs a command the content can configure. git is asked only `rev-parse`
//! and `ls-tree`, which read objects and refs and run no hooks, filters, pager or file-system
//! monitor, with those settings forced off on the command line and git's `GIT_*`
//! environment variables removed (set `GOVSITE_TRUST_GIT_ENV=1` to keep them). Whether the
//! content is clean is not git's word (`git status` trusts `assume-unchanged`,
//! `skip-worktree`, `.gitignore` and `info/exclude`): govsite hashes each file it read as a
//! git blob and compares it with the commit's tree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Command, Stdio};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::evidence;
use crate::model::{Day, ExceptionPolicy, Model, Recurrence};

/// At most this many differing files are named; the count covers them all.
const NAMED: usize = 20;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The govsite version that built the site.
    pub govsite_version: String,
    /// The commit of govsite's repository the binary was compiled from; `None` when it was
    /// compiled outside git (from a tarball) and the packager did not set one.
    pub govsite_commit: Option<String>,
    /// Whether govsite's source files differed from that commit when it was compiled.
    pub govsite_dirty: bool,
    /// The full commit id of `HEAD` in the repository holding the content directory.
    pub commit: Option<String>,
    /// Whether any file the build read differs from, or is missing in, that commit.
    pub dirty: bool,
    /// How many files differ.
    pub differing_files: usize,
    /// The first of them (content-relative path and how it differs), in path order.
    pub differing: Vec<String>,
    /// The templates that replaced built-in ones (`--templates`), by file name.
    pub templates: Vec<String>,
    /// The settings the figures were computed with.
    pub settings: BuildSettings,
}

/// The as-of date and every `site.yaml` setting that changes a figure, spelled as in
/// `site.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSettings {
    pub as_of: Day,
    pub recurrence: Recurrence,
    pub exceptions: ExceptionPolicy,
    pub review_overdue_grace_days: i64,
}

impl BuildSettings {
    pub fn of(model: &Model, as_of: Day) -> BuildSettings {
        BuildSettings {
            as_of,
            recurrence: model.site.recurrence.clone(),
            exceptions: model.site.exceptions.clone(),
            review_overdue_grace_days: model.site.review_overdue_grace_days,
        }
    }
}

/// The commit of govsite's repository this binary was compiled from (see `build.rs`).
pub fn build_commit() -> Option<&'static str> {
    Some(env!("GOVSITE_BUILD_COMMIT")).filter(|commit| !commit.is_empty())
}

/// Whether govsite's sources differed from `build_commit` when this binary was compiled.
pub fn build_dirty() -> bool {
    env!("GOVSITE_BUILD_DIRTY") == "true"
}

/// `0.1.0 (build 1a2b3c4d5e6f)`, `0.1.0 (build 1a2b3c4d5e6f, modified)`, `0.1.0 (build unknown)`.
pub fn describe_govsite(version: &str, commit: Option<&str>, dirty: bool) -> String {
    let build = match commit {
        Some(commit) => commit.chars().take(12).collect(),
        None => "unknown".to_string(),
    };
    let modified = if dirty { ", modified" } else { "" };
    format!("{version} (build {build}{modified})")
}

impl Provenance {
    /// Compares what was read from `content_dir` into `model` with the commit of its
    /// repository; without git or a repository, the content is unversioned.
    pub fn of_content(content_dir: &Path, model: &Model, settings: BuildSettings) -> Provenance {
        let unversioned = Provenance {
            govsite_version: env!("CARGO_PKG_VERSION").to_string(),
            govsite_commit: build_commit().map(str::to_string),
            govsite_dirty: build_dirty(),
            settings,
            ..Provenance::default()
        };
        let Some(commit) = git(content_dir, &["rev-parse", "--verify", "-q", "HEAD"])
            .map(|out| String::from_utf8_lossy(&out).trim().to_string())
            .filter(|commit| !commit.is_empty())
        else {
            return unversioned;
        };
        let differing = match git(content_dir, &["ls-tree", "-r", "-z", "HEAD"]) {
            Some(listing) => compare(content_dir, model, &parse_tree(&listing), commit.len()),
            None => vec!["(the commit's files could not be listed)".to_string()],
        };
        Provenance {
            commit: Some(commit),
            dirty: !differing.is_empty(),
            differing_files: differing.len(),
            differing: differing.into_iter().take(NAMED).collect(),
            ..unversioned
        }
    }

    /// `git 1a2b3c4d5e6f`, `git 1a2b3c4d5e6f with uncommitted changes`, or `not under version control`.
    pub fn describe(&self) -> String {
        match &self.commit {
            None => "not under version control".to_string(),
            Some(commit) => {
                let short: String = commit.chars().take(12).collect();
                let dirty = if self.dirty {
                    " with uncommitted changes"
                } else {
                    ""
                };
                format!("git commit {short}{dirty}")
            }
        }
    }

    /// `0.1.0 (build 1a2b3c4d5e6f)`: the govsite that built the site.
    pub fn describe_govsite(&self) -> String {
        describe_govsite(
            &self.govsite_version,
            self.govsite_commit.as_deref(),
            self.govsite_dirty,
        )
    }
}

/// Runs git in `dir` with every setting that could run a program forced off; its output,
/// or `None` when git is missing or fails.
fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let mut command = Command::new("git");
    if std::env::var_os("GOVSITE_TRUST_GIT_ENV").is_none_or(|v| v != "1") {
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("GIT_") {
                command.env_remove(key);
            }
        }
    }
    command
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .args(["--no-pager", "--no-replace-objects"])
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args([
            "-c",
            "core.untrackedCache=false",
            "-c",
            "protocol.allow=never",
        ])
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    let output = command.output().ok()?;
    output.status.success().then_some(output.stdout)
}

/// `ls-tree -r -z` output (paths relative to the content directory) -> blob ids by path.
fn parse_tree(listing: &[u8]) -> BTreeMap<String, String> {
    listing
        .split(|&b| b == 0)
        .filter_map(|entry| {
            let entry = std::str::from_utf8(entry).ok()?;
            let (meta, path) = entry.split_once('\t')?;
            let mut fields = meta.split(' ');
            let (_mode, kind, id) = (fields.next()?, fields.next()?, fields.next()?);
            (kind == "blob").then(|| (path.to_string(), id.to_string()))
        })
        .collect()
}

/// Every file the build read and the commit's files it would have read, compared: a line
/// for each that differs, in path order.
fn compare(
    content_dir: &Path,
    model: &Model,
    tree: &BTreeMap<String, String>,
    id_len: usize,
) -> Vec<String> {
    let hashed = hash_read_files(content_dir, model, id_len);
    let mut differing = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for (name, id) in hashed {
        match (tree.get(&name), id) {
            (None, _) => differing.insert(format!("{name}: not in the commit")),
            (Some(committed), Some(id)) if *committed == id => false,
            _ => differing.insert(format!("{name}: changed since the commit")),
        };
        seen.insert(name);
    }
    for name in tree.keys() {
        if crate::load::is_content_path(name) && !seen.contains(name) {
            differing.insert(format!("{name}: in the commit but not read (deleted?)"));
        }
    }
    differing.into_iter().collect()
}

/// Every file the build read, by its path in the content directory, with its git blob id.
fn hash_read_files(
    content_dir: &Path,
    model: &Model,
    id_len: usize,
) -> Vec<(String, Option<String>)> {
    let read = crate::sources::content_files(content_dir, model);
    // Evidence was hashed as a git blob while it was read (SHA-1 repositories).
    let evidence: Vec<(String, Option<String>, &Path)> = model
        .evidence
        .values()
        .map(|file| {
            let known = (id_len == 40).then(|| file.git_blob.clone());
            let name = format!("{}/{}", evidence::FOLDER, file.path);
            (name, known, file.source.as_path())
        })
        .collect();
    read.par_iter()
        .map(|(name, path)| (name.clone(), blob_id(path, id_len)))
        .chain(evidence.par_iter().map(|(name, known, path)| {
            let id = known.clone().or_else(|| blob_id(path, id_len));
            (name.clone(), id)
        }))
        .collect()
}

/// The git object id of a file's bytes as a blob, in the repository's hash (`id_len` 40:
/// SHA-1, 64: SHA-256).
fn blob_id(path: &Path, id_len: usize) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    let header = format!("blob {}\0", bytes.len());
    let digest = if id_len == 64 {
        let mut hasher = sha2::Sha256::new();
        hasher.update(header.as_bytes());
        hasher.update(&bytes);
        hasher.finalize().to_vec()
    } else {
        let mut hasher = sha1::Sha1::new();
        hasher.update(header.as_bytes());
        hasher.update(&bytes);
        hasher.finalize().to_vec()
    };
    Some(evidence::hex(&digest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_folder_is_not_under_version_control() {
        let dir = tempfile::tempdir().unwrap();
        let settings = BuildSettings::default();
        let provenance = Provenance::of_content(dir.path(), &Model::default(), settings);
        assert_eq!(provenance.describe(), "not under version control");
        assert_eq!(provenance.govsite_version, env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn describes_commits_and_uncommitted_changes() {
        let commit = Some("0123456789abcdef0123".to_string());
        let clean = Provenance {
            commit: commit.clone(),
            ..Provenance::default()
        };
        assert_eq!(clean.describe(), "git commit 0123456789ab");
        let dirty = Provenance {
            commit,
            dirty: true,
            ..Provenance::default()
        };
        assert_eq!(
            dirty.describe(),
            "git commit 0123456789ab with uncommitted changes"
        );
    }

    #[test]
    fn reads_blob_ids_from_a_tree_listing() {
        let listing = b"100644 blob aaaa\tcontrols/A.md\x00040000 tree bbbb\tcontrols\x00100644 blob cccc\tname with\ttab.md\x00";
        let tree = parse_tree(listing);
        assert_eq!(tree.get("controls/A.md").map(String::as_str), Some("aaaa"));
        assert_eq!(
            tree.get("name with\ttab.md").map(String::as_str),
            Some("cccc")
        );
        assert_eq!(tree.len(), 2);
    }
}
