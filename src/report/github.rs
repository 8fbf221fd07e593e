//! `govsite check --format github`: GitHub Actions workflow commands
//! (`::error file=PATH,line=L,col=C,title=RULE::message`), which GitHub shows as
//! annotations on the files, and a Markdown summary for `GITHUB_STEP_SUMMARY`.
//!
//! GitHub shows at most 10 error and 10 warning annotations per step; every result is
//! printed anyway (they all stay in the log), and the summary counts them all.

use std::io::Write;
use std::path::Path;

use super::{Item, Report};
use crate::diagnostics::{terminal_safe, Level};

/// How many results the step summary lists in its table.
pub const SUMMARY_ROWS: usize = 50;

/// Writes one workflow command per result.
pub fn write_commands(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    for item in &report.results {
        writeln!(out, "{}", command(item))?;
    }
    Ok(())
}

/// `::error file=...,line=...,col=...,title=...::message`.
pub fn command(item: &Item) -> String {
    let name = match item.level {
        Level::Error => "error",
        Level::Warning => "warning",
    };
    let location = &item.location;
    format!(
        "::{name} file={},line={},col={},title={}::{}",
        escape_property(&location.relative),
        location.line,
        location.column,
        escape_property(item.rule.id),
        escape_data(&item.message)
    )
}

/// A command's message: `%`, CR and LF percent-encoded as GitHub documents, so text from
/// content can neither end the command nor start another one; other control characters
/// are shown escaped (`\u{1b}`).
pub fn escape_data(text: &str) -> String {
    let escaped = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    terminal_safe(&escaped).into_owned()
}

/// A command's property value: as `escape_data`, and `:` and `,` too, which would end it.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Appends the Markdown summary to the file at `path` (GitHub's `GITHUB_STEP_SUMMARY`).
pub fn append_summary(report: &Report, as_of: &str, path: &Path) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(summary(report, as_of).as_bytes())
}

/// The step summary: the counts, then a table of the first results.
pub fn summary(report: &Report, as_of: &str) -> String {
    let mut text = format!(
        "## govsite check\n\n**{}** (as of {as_of}{})\n\n",
        report.counts(),
        if report.strict { ", --strict" } else { "" }
    );
    if report.results.is_empty() {
        text.push_str("Content is valid: nothing to report.\n\n");
        return text;
    }
    text.push_str("| level | rule | where | message |\n|---|---|---|---|\n");
    for item in report.results.iter().take(SUMMARY_ROWS) {
        let location = &item.location;
        text.push_str(&format!(
            "| {} | `{}` | `{}:{}:{}` | {} |\n",
            item.level,
            item.rule.id,
            cell(&location.relative).replace('`', "'"),
            location.line,
            location.column,
            cell(&item.message)
        ));
    }
    let more = report.results.len().saturating_sub(SUMMARY_ROWS);
    if more > 0 {
        text.push_str(&format!(
            "\n{more} more not listed here: every result is in the step's log.\n"
        ));
    }
    text.push('\n');
    text
}

/// Text safe in a Markdown table cell: no line breaks, `|` escaped, no raw HTML.
fn cell(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    terminal_safe(&flat)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(
            escape_data("100%\r\n::error::forged"),
            "100%25%0D%0A::error::forged"
        );
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a,b:c%d\ne"), "a%2Cb%3Ac%25d%0Ae");
    }

    #[test]
    fn the_summary_lists_the_first_results_and_counts_the_rest() {
        use crate::report::{rules, Location};
        let item = |line| Item {
            rule: rules::for_diagnostic(Level::Error),
            level: Level::Error,
            message: "bad".to_string(),
            location: Location {
                path: "content/a.md".into(),
                relative: "content/a.md".to_string(),
                line,
                column: 1,
            },
        };
        let report = Report {
            results: (1..=SUMMARY_ROWS + 2).map(item).collect(),
            errors: SUMMARY_ROWS + 2,
            warnings: 0,
            findings: 0,
            strict: false,
        };
        let text = summary(&report, "2026-11-01");
        assert!(text.starts_with(
            "## govsite check\n\n**52 errors, 0 warnings, 0 policy findings** (as of 2026-11-01)\n"
        ));
        assert!(text.contains("| error | `content-error` | `content/a.md:50:1` | bad |\n"));
        assert!(!text.contains("content/a.md:51:1"));
        assert!(text.ends_with("\n2 more not listed here: every result is in the step's log.\n\n"));
    }

    #[test]
    fn table_cells_cannot_break_the_table_or_add_html() {
        assert_eq!(cell("a|b\n<script>&"), "a\\|b &lt;script&gt;&amp;");
    }
}
