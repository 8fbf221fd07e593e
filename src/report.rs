//! What `govsite check` reports, in one list for every output format: each content problem
//! and each policy finding as a result with a rule, a level, a message and a location.
//!
//! Locations name the file as the user typed it (for text output) and relative to the
//! repository that holds the content (for CI: GitHub wants paths from the repository root).

pub mod github;
pub mod rules;
pub mod sarif;

use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Diagnostic, Level};
use crate::metrics::Finding;
use crate::model::{Model, RecordKind};
use crate::spans::Pos;
use rules::Rule;

/// Every result of one check, diagnostics first (in print order), then policy findings.
#[derive(Debug)]
pub struct Report {
    pub results: Vec<Item>,
    pub errors: usize,
    pub warnings: usize,
    pub findings: usize,
    /// Whether findings fail the check (`--strict`): they are then errors, else warnings.
    pub strict: bool,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub rule: &'static Rule,
    pub level: Level,
    pub message: String,
    pub location: Location,
}

/// Where a result is: the file and a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The path as govsite was given it (`content/controls/X.md`).
    pub path: PathBuf,
    /// The path from the repository root, `/`-separated, not percent-encoded.
    pub relative: String,
    pub line: usize,
    pub column: usize,
}

impl Report {
    /// Gathers the diagnostics and the findings (located through the model's record
    /// sources, one map lookup each) of the content in `content_dir`.
    pub fn new(
        content_dir: &Path,
        model: &Model,
        diagnostics: &[Diagnostic],
        findings: &[Finding],
        strict: bool,
    ) -> Report {
        let base = Base::find(content_dir);
        let (errors, warnings) = crate::diagnostics::count(diagnostics);
        let mut results: Vec<Item> = diagnostics
            .iter()
            .map(|d| Item {
                rule: rules::for_diagnostic(d.level),
                level: d.level,
                message: d.message.clone(),
                location: base.locate(
                    &d.path,
                    Pos {
                        line: d.line,
                        col: d.column,
                    },
                ),
            })
            .collect();
        let level = if strict { Level::Error } else { Level::Warning };
        results.extend(findings.iter().map(|finding| Item {
            rule: rules::for_finding(&finding.kind),
            level,
            message: finding.message.clone(),
            location: locate_finding(&base, model, finding),
        }));
        Report {
            results,
            errors,
            warnings,
            findings: findings.len(),
            strict,
        }
    }

    /// `2 errors, 1 warning, 3 policy findings`: the counts every format prints to stderr.
    pub fn counts(&self) -> String {
        use crate::diagnostics::plural;
        format!(
            "{}, {}, {}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.findings, "policy finding")
        )
    }
}

/// The file and position of the record a finding is about (the field, when it has one).
pub fn locate_finding(base: &Base, model: &Model, finding: &Finding) -> Location {
    match model.source_of(finding.record_kind, &finding.record) {
        Some(source) => base.locate(&source.path, source.pos(&finding.field)),
        // Findings come from the model's own records; this is a safe default only.
        None => base.locate(
            &base.content_dir.join(folder(finding.record_kind)),
            Pos::START,
        ),
    }
}

fn folder(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Control => "controls",
        RecordKind::Process => "processes",
        RecordKind::Exception => "exceptions",
        RecordKind::Incident => "incidents",
        RecordKind::Review => "reviews",
    }
}

/// How paths under the content directory become paths from the repository root.
#[derive(Debug, Clone)]
pub struct Base {
    /// The content directory as given.
    content_dir: PathBuf,
    /// The content directory relative to the root (components), when it could be resolved.
    from_root: Option<PathBuf>,
}

impl Base {
    /// The root is the nearest folder above the content directory holding `.git` (a folder,
    /// or a file in a worktree or submodule); without one, the current directory when the
    /// content is inside it, else the content directory itself.
    pub fn find(content_dir: &Path) -> Base {
        let from_root = std::fs::canonicalize(content_dir).ok().map(|content| {
            let git_root = content.ancestors().find(|dir| dir.join(".git").exists());
            let cwd = std::env::current_dir()
                .ok()
                .and_then(|dir| std::fs::canonicalize(dir).ok())
                .filter(|dir| content.starts_with(dir));
            let root = git_root.map(Path::to_path_buf).or(cwd);
            match root {
                Some(root) => content
                    .strip_prefix(&root)
                    .map(Path::to_path_buf)
                    .unwrap_or_default(),
                None => PathBuf::new(),
            }
        });
        Base {
            content_dir: content_dir.to_path_buf(),
            from_root,
        }
    }

    /// The location of `pos` in the file at `path` (a path under the content directory).
    pub fn locate(&self, path: &Path, pos: Pos) -> Location {
        Location {
            path: path.to_path_buf(),
            relative: self.relative(path),
            line: pos.line,
            column: pos.col,
        }
    }

    fn relative(&self, path: &Path) -> String {
        let joined = match (&self.from_root, path.strip_prefix(&self.content_dir)) {
            (Some(root), Ok(inside)) => root.join(inside),
            _ => path.to_path_buf(),
        };
        let parts: Vec<String> = joined
            .components()
            .filter_map(|part| match part {
                Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
                Component::ParentDir => Some("..".to_string()),
                _ => None,
            })
            .collect();
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_under_the_content_dir_are_joined_to_its_place_in_the_repository() {
        let base = Base {
            content_dir: PathBuf::from("./governance"),
            from_root: Some(PathBuf::from("teams/platform/governance")),
        };
        let location = base.locate(
            Path::new("./governance/controls/a b/CTL-X.md"),
            Pos { line: 3, col: 8 },
        );
        assert_eq!(
            location.relative,
            "teams/platform/governance/controls/a b/CTL-X.md"
        );
        assert_eq!((location.line, location.column), (3, 8));
    }

    #[test]
    fn a_path_outside_the_content_dir_is_kept_with_forward_slashes() {
        let base = Base {
            content_dir: PathBuf::from("content"),
            from_root: None,
        };
        let location = base.locate(Path::new("other/site.yaml"), Pos::START);
        assert_eq!(location.relative, "other/site.yaml");
    }
}
