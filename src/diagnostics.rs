//! Problems found in content: where, how bad, and what to do about them.

use std::borrow::Cow;
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
            terminal_safe(&self.path.display().to_string()),
            self.line,
            self.column,
            self.level,
            terminal_safe(&self.message)
        )
    }
}

/// Whether a terminal or log viewer could act on `c` instead of showing it: C0 and C1
/// controls (ESC starts colour, cursor and clipboard sequences such as OSC 52; CR
/// overwrites a line; BEL rings), DEL, and the characters that reorder or break lines
/// (bidirectional overrides, U+2028/U+2029). A tab is shown as it is.
fn is_terminal_control(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// `text` with every character a terminal would act on written as `\u{1b}`, so text from
/// content printed by govsite can neither forge CI log lines nor drive the terminal.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_terminal_control(c) {
            safe.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

/// How many problems are shown for one file; a file with more gets one line saying so.
pub const MAX_PER_FILE: usize = 100;

/// Keeps the first `MAX_PER_FILE` problems of each file of sorted `diagnostics` and puts
/// one error in place of the rest, so a file of thousands of repeated mistakes prints a
/// screenful, not thousands of lines.
pub fn cap_per_file(diagnostics: &mut Vec<Diagnostic>) {
    let mut capped = Vec::with_capacity(diagnostics.len().min(1 << 16));
    let mut run = 0;
    let mut left_out = 0;
    let mut drained = std::mem::take(diagnostics).into_iter().peekable();
    while let Some(diagnostic) = drained.next() {
        let same_file_next = drained
            .peek()
            .is_some_and(|next| next.path == diagnostic.path);
        run += 1;
        if run <= MAX_PER_FILE {
            capped.push(diagnostic);
        } else {
            if left_out == 0 {
                capped.push(Diagnostic {
                    level: Level::Error,
                    message: String::new(),
                    ..diagnostic
                });
            }
            left_out += 1;
        }
        if !same_file_next {
            if left_out > 0 {
                if let Some(last) = capped.last_mut() {
                    last.message = format!(
                        "{left_out} more problems in this file not shown (at most {MAX_PER_FILE} are): fix these and check again to see the rest"
                    );
                }
            }
            run = 0;
            left_out = 0;
        }
    }
    *diagnostics = capped;
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
    let raw_line = source
        .lines()
        .nth(diagnostic.line.saturating_sub(1))
        .unwrap_or_default();
    // Controls in the line are shown escaped; the column counts the escapes' characters.
    let column = {
        let before: String = raw_line
            .chars()
            .take(diagnostic.column.saturating_sub(1))
            .collect();
        terminal_safe(&before).chars().count() + 1
    };
    let line = terminal_safe(raw_line);
    let line = line.as_ref();
    let path = terminal_safe(&diagnostic.path.display().to_string()).into_owned();
    let message = terminal_safe(&diagnostic.message);
    let title = level.primary_title(message.as_ref());
    let group = if line.trim().is_empty() {
        title.element(
            annotate_snippets::Origin::path(path.as_str())
                .line(diagnostic.line)
                .char_column(diagnostic.column),
        )
    } else {
        let start = line
            .char_indices()
            .nth(column - 1)
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
    fn controls_from_content_are_printed_escaped() {
        let forged = "x\u{1b}]52;c;ZXZpbA==\u{7}\rcontent/ok.md:1:1: error: fake\u{202e}\u{9b}2J";
        let diagnostic = Diagnostic::error(
            Path::new("c/\u{1b}[31m.md"),
            Pos { line: 1, col: 3 },
            forged,
        );
        assert_eq!(
            diagnostic.to_string(),
            "c/\\u{1b}[31m.md:1:3: error: x\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{d}content/ok.md:1:1: error: fake\\u{202e}\\u{9b}2J"
        );
        let snippet = render_snippet(&diagnostic, "a\u{1b}bc def\n", false);
        assert!(!snippet.contains('\u{1b}'), "{snippet:?}");
        // The caret stays under `bc`, after the escaped ESC (6 characters wide).
        assert!(snippet.contains("a\\u{1b}bc def"), "{snippet}");
        assert_eq!(terminal_safe("tab\tand é"), "tab\tand é");
    }

    #[test]
    fn at_most_a_hundred_problems_are_shown_per_file() {
        let mut many: Vec<Diagnostic> = (1..=250)
            .map(|line| Diagnostic::error(Path::new("a.md"), Pos { line, col: 1 }, "dup"))
            .chain([Diagnostic::warning(Path::new("b.md"), Pos::START, "other")])
            .collect();
        cap_per_file(&mut many);
        assert_eq!(many.len(), 102);
        assert_eq!(many[99].line, 100);
        assert_eq!(
            many[100].to_string(),
            "a.md:101:1: error: 150 more problems in this file not shown (at most 100 are): fix these and check again to see the rest"
        );
        assert_eq!(many[101].to_string(), "b.md:1:1: warning: other");
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
