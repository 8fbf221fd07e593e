//! Problems found in content: where, how bad, and what to do about them.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::spans::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
        })
    }
}

/// One problem in one file, printed as `path:line:column: level: message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub level: Level,
    pub message: String,
}

impl Diagnostic {
    pub fn error(path: &Path, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(path, pos, Level::Error, message.into())
    }

    pub fn warning(path: &Path, pos: Pos, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(path, pos, Level::Warning, message.into())
    }

    fn new(path: &Path, pos: Pos, level: Level, message: String) -> Diagnostic {
        Diagnostic {
            path: path.to_path_buf(),
            line: pos.line,
            column: pos.col,
            level,
            message,
        }
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.level,
            self.message
        )
    }
}

/// Sorts diagnostics by file and position so every run prints them in the same order.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.path, a.line, a.column, a.level, &a.message)
            .cmp(&(&b.path, b.line, b.column, b.level, &b.message))
    });
}

/// Counts errors and warnings.
pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// `2 errors, 1 warning` style summary.
pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let (errors, warnings) = count(diagnostics);
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The closest of `candidates` to a misspelt `word`, when one is close enough to be a typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::damerau_levenshtein(word, candidate), candidate))
        // A third of the shorter name, at least one edit: `ownr` -> `owner`, never `k0` -> `id`.
        .filter(|(distance, candidate)| *distance <= 1.max(word.len().min(candidate.len()) / 3))
        .min()
        .map(|(_, candidate)| candidate)
}

/// Renders a diagnostic the way compilers do on a terminal: the message, then the offending
/// source line with a caret under the problem. `source` is the whole file's text.
pub fn render_snippet(diagnostic: &Diagnostic, source: &str, styled: bool) -> String {
    use annotate_snippets::{AnnotationKind, Level as SnippetLevel, Renderer, Snippet};
    let level = match diagnostic.level {
        Level::Error => SnippetLevel::ERROR,
        Level::Warning => SnippetLevel::WARNING,
    };
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let line = source
        .lines()
        .nth(diagnostic.line.saturating_sub(1))
        .unwrap_or_default();
    let path = diagnostic.path.display().to_string();
    let title = level.primary_title(diagnostic.message.as_str());
    let group = if line.trim().is_empty() {
        title.element(
            annotate_snippets::Origin::path(path.as_str())
                .line(diagnostic.line)
                .char_column(diagnostic.column),
        )
    } else {
        let start = line
            .char_indices()
            .nth(diagnostic.column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i);
        // Underline the word the position points at (at least one character).
        let word_end = line[start..]
            .find(char::is_whitespace)
            .map_or(line.len(), |i| start + i);
        let end = if word_end > start {
            word_end
        } else {
            line[start..]
                .chars()
                .next()
                .map_or(start, |c| start + c.len_utf8())
        };
        let snippet = Snippet::source(line)
            .line_start(diagnostic.line)
            .path(path.as_str())
            .annotation(AnnotationKind::Primary.span(start..end));
        title.element(snippet)
    };
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group]).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_path_line_column_level_message() {
        let diagnostic = Diagnostic::error(
            Path::new("content/controls/X.md"),
            Pos { line: 3, col: 8 },
            "unknown person `bob`",
        );
        assert_eq!(
            diagnostic.to_string(),
            "content/controls/X.md:3:8: error: unknown person `bob`"
        );
    }

    #[test]
    fn suggests_only_close_names() {
        let fields = ["owner", "owner_history", "title", "approvers"];
        assert_eq!(did_you_mean("ownr", fields), Some("owner"));
        assert_eq!(did_you_mean("aprovers", fields), Some("approvers"));
        assert_eq!(did_you_mean("colour", fields), None);
    }

    #[test]
    fn snippets_point_a_caret_at_the_problem() {
        let diagnostic = Diagnostic::error(
            Path::new("controls/X.md"),
            Pos { line: 3, col: 8 },
            "unknown person `bob`",
        );
        let text = render_snippet(&diagnostic, "---\ntitle: X\nowner: bob\n---\n", false);
        let expected = "error: unknown person `bob`\n --> controls/X.md:3:8\n  |\n3 | owner: bob\n  |        ^^^";
        assert_eq!(text.trim_end(), expected, "got:\n{text}");
    }

    #[test]
    fn summary_counts_levels() {
        let path = Path::new("a.md");
        let diagnostics = [
            Diagnostic::error(path, Pos::START, "x"),
            Diagnostic::warning(path, Pos::START, "y"),
            Diagnostic::error(path, Pos::START, "z"),
        ];
        assert_eq!(summary(&diagnostics), "2 errors, 1 warning");
    }
}
