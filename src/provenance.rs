//! Where the content came from: the git commit of the content directory, when there is one.
//! Printed on every page so an auditor can tie a site to the records that produced it.

use std::path::Path;
use std::process::Command;

use serde::Serialize;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The full commit id of `HEAD` in the repository holding the content directory.
    pub commit: Option<String>,
    /// Whether the content directory has changes not in that commit.
    pub dirty: bool,
}

impl Provenance {
    /// Asks git about `content_dir`; without git or a repository, the content is unversioned.
    pub fn of_content(content_dir: &Path) -> Provenance {
        let git = |args: &[&str]| -> Option<String> {
            let output = Command::new("git")
                .arg("-C")
                .arg(content_dir)
                .args(args)
                .output()
                .ok()?;
            output
                .status
                .success()
                .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
        };
        let Some(commit) = git(&["rev-parse", "--verify", "HEAD"]).filter(|c| !c.is_empty()) else {
            return Provenance::default();
        };
        let dirty =
            git(&["status", "--porcelain", "--", "."]).is_none_or(|status| !status.is_empty());
        Provenance {
            commit: Some(commit),
            dirty,
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_folder_is_not_under_version_control() {
        let dir = tempfile::tempdir().unwrap();
        let provenance = Provenance::of_content(dir.path());
        assert_eq!(provenance.describe(), "not under version control");
    }

    #[test]
    fn describes_commits_and_uncommitted_changes() {
        let commit = Some("0123456789abcdef0123".to_string());
        let clean = Provenance {
            commit: commit.clone(),
            dirty: false,
        };
        assert_eq!(clean.describe(), "git commit 0123456789ab");
        let dirty = Provenance {
            commit,
            dirty: true,
        };
        assert_eq!(
            dirty.describe(),
            "git commit 0123456789ab with uncommitted changes"
        );
    }
}
