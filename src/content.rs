//! Parsing one content file: front matter split, YAML into typed records, every problem
//! collected with its position in the file. Pure: callers hand in the text.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use serde_yaml::Value;

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::spans::{Pos, Spans};

/// A parsed YAML document: the value (possibly with broken fields removed), where its text
/// sits, and every problem met on the way.
pub struct Parsed<T> {
    pub value: Option<T>,
    pub spans: Spans,
    pub diagnostics: Vec<Diagnostic>,
    /// Field paths dropped because of a reported problem; later checks skip them.
    pub removed: Vec<String>,
}

/// A Markdown file split into its YAML front matter and body.
#[derive(Debug, PartialEq, Eq)]
pub struct FrontMatter<'a> {
    pub yaml: &'a str,
    /// Lines before the YAML (the opening `---`).
    pub line_offset: usize,
    pub body: &'a str,
}

/// The largest file govsite reads: records are small, and this keeps a stray dump from
/// exhausting memory.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Strips a UTF-8 byte-order mark, which editors on Windows like to add.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Splits `---\n<yaml>\n---\n<body>`. The closing line may also be `...`.
pub fn split_front_matter(text: &str) -> Result<FrontMatter<'_>, String> {
    let text = strip_bom(text);
    if text.trim().is_empty() {
        return Err(
            "the file is empty: a record starts with YAML front matter between `---` lines".into(),
        );
    }
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_end() != "---" {
        return Err(
            "no front matter: a record must start with a `---` line, then YAML fields, then `---`"
                .into(),
        );
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for line in lines {
        if matches!(line.trim_end(), "---" | "...") {
            return Ok(FrontMatter {
                yaml: &text[yaml_start..offset],
                line_offset: 1,
                body: &text[offset + line.len()..],
            });
        }
        offset += line.len();
    }
    Err("front matter is not closed: add a `---` line after the YAML fields".into())
}

/// Parses a YAML text into `T`, reporting every unknown field, wrong type and bad value.
///
/// serde stops at the first problem, so after each one the offending node is removed and the
/// rest is parsed again: a file with three typos gets three diagnostics in one run.
pub fn parse_yaml<T: DeserializeOwned>(path: &Path, yaml: &str, line_offset: usize) -> Parsed<T> {
    let mut parsed = Parsed {
        value: None,
        spans: Spans::new(Arc::from(yaml), line_offset),
        diagnostics: Vec::new(),
        removed: Vec::new(),
    };
    if let Some(pos) = too_deep_at(yaml, 100, parsed.spans.start().line) {
        parsed
            .diagnostics
            .push(Diagnostic::error(path, pos, TOO_DEEP));
        return parsed;
    }
    // Fast path: clean files deserialize straight from the text, without the path tracking
    // that only a diagnostic needs. A failure is parsed again below to find where it is.
    if let Ok(value) = serde_yaml::from_str(yaml) {
        parsed.value = Some(value);
        return parsed;
    }
    let error = match serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(yaml)) {
        Ok(value) => {
            parsed.value = Some(value);
            return parsed;
        }
        Err(error) => error,
    };
    let document = match serde_yaml::from_str::<Value>(yaml) {
        Ok(document) => document,
        Err(syntax) => {
            parsed
                .diagnostics
                .push(syntax_error(path, &parsed.spans, yaml, &syntax));
            return parsed;
        }
    };
    report_problems(path, &mut parsed, document, error);
    parsed
}

/// Reports the field problem in `error`, removes the node and tries again, until the rest
/// of `document` deserialises or the file has too many problems.
fn report_problems<T: DeserializeOwned>(
    path: &Path,
    parsed: &mut Parsed<T>,
    mut document: Value,
    mut error: serde_path_to_error::Error<serde_yaml::Error>,
) {
    let mut removals = Removals::default();
    // Each retry removes one node, so this ends; the bound keeps a file of thousands of
    // problems from taking long, and says so.
    for _ in 0..MAX_PROBLEMS_PER_FILE {
        let field = removals.original(error.path());
        let diagnostic = field_error(path, &parsed.spans, &field, error.inner());
        // A required field removed for a bad value comes back as "missing": say it once.
        let repeated = diagnostic.message.starts_with("missing required field")
            && parsed
                .removed
                .iter()
                .any(|gone| diagnostic.message.contains(&format!("`{}`", leaf(gone))));
        if !repeated {
            parsed.diagnostics.push(diagnostic);
        }
        if !remove_node(&mut document, error.path()) {
            return;
        }
        removals.record(&field);
        parsed.removed.push(field);
        match serde_path_to_error::deserialize(document.clone()) {
            Ok(value) => {
                parsed.value = Some(value);
                return;
            }
            Err(next) => error = next,
        }
    }
    let start = parsed.spans.start();
    parsed.diagnostics.push(Diagnostic::error(
        path,
        start,
        format!("more than {MAX_PROBLEMS_PER_FILE} problems in this file; fix these and check again to see the rest"),
    ));
}

/// How many field problems one file reports before giving up.
const MAX_PROBLEMS_PER_FILE: usize = 100;

/// Sequence elements removed so far, so later errors are reported at their original index
/// (`nhi[2]`, not the `nhi[1]` it became after an earlier bad element was dropped).
#[derive(Default)]
struct Removals {
    /// Original path of a sequence -> original indices removed from it, ascending.
    by_sequence: HashMap<String, Vec<usize>>,
}

impl Removals {
    /// The original field path of a path in the pruned document.
    fn original(&self, path: &serde_path_to_error::Path) -> String {
        let mut text = String::new();
        for segment in path {
            match segment {
                Segment::Seq { index } => {
                    let mut original = *index;
                    for &gone in self.by_sequence.get(&text).into_iter().flatten() {
                        if gone <= original {
                            original += 1;
                        }
                    }
                    text.push_str(&format!("[{original}]"));
                }
                Segment::Map { key } => {
                    if !text.is_empty() {
                        text.push('.');
                    }
                    text.push_str(key);
                }
                Segment::Enum { .. } | Segment::Unknown => {}
            }
        }
        text
    }

    /// Notes that the node at `field` (an original path) was removed.
    fn record(&mut self, field: &str) {
        let Some(open) = field.strip_suffix(']').and_then(|f| f.rfind('[')) else {
            return;
        };
        let Ok(index) = field[open + 1..field.len() - 1].parse::<usize>() else {
            return;
        };
        let removed = self
            .by_sequence
            .entry(field[..open].to_string())
            .or_default();
        let at = removed.partition_point(|&gone| gone < index);
        removed.insert(at, index);
    }
}

fn syntax_error(path: &Path, spans: &Spans, yaml: &str, error: &serde_yaml::Error) -> Diagnostic {
    let start = spans.start();
    let pos = match error.location() {
        Some(location) => position_of(yaml, location.index(), start.line),
        None => start,
    };
    let message = error.to_string();
    if message.contains("recursion limit exceeded") {
        return Diagnostic::error(path, pos, TOO_DEEP);
    }
    if message.contains("repetition limit exceeded") {
        return Diagnostic::error(
            path,
            pos,
            "YAML aliases expand too much (an alias bomb?): write the values out instead of repeating `*alias` references",
        );
    }
    // serde_yaml reports a repeated key at the document start; point at the repeat instead.
    if message.contains("duplicate") {
        if let Some((field, pos)) = spans.first_duplicate(path) {
            return Diagnostic::error(
                path,
                pos,
                format!("`{field}` is given twice: keep one (the second is here)"),
            );
        }
    }
    // serde_yaml appends " at line L column C"; the position is printed in front already.
    let message = message.split(" at line ").next().unwrap_or(&message);
    Diagnostic::error(path, pos, format!("YAML syntax error: {message}"))
}

const TOO_DEEP: &str =
    "the YAML is nested too deeply (more than 100 levels): governance records need only a few";

/// Line and column of a byte offset into the YAML, counting `\n`, `\r\n` and a lone `\r` as
/// line breaks (as editors do; libyaml also counts U+2028 and U+0085) and clamping to the end
/// of the text.
fn position_of(yaml: &str, index: usize, first_line: usize) -> Pos {
    let mut end = index.min(yaml.len());
    while !yaml.is_char_boundary(end) {
        end -= 1;
    }
    let (mut line, mut col) = (first_line, 1);
    let mut chars = yaml[..end].chars().peekable();
    while let Some(c) = chars.next() {
        let crlf = c == '\r' && chars.peek() == Some(&'\n');
        if c == '\n' || (c == '\r' && !crlf) {
            line += 1;
            col = 1;
        } else if !crlf {
            col += 1;
        }
    }
    Pos { line, col }
}

/// Where `[`/`{` nesting first goes deeper than `limit`, outside quoted strings and comments.
/// libyaml's scanner is quadratic in flow nesting, so such texts are refused before parsing.
fn too_deep_at(yaml: &str, limit: usize, first_line: usize) -> Option<Pos> {
    // Depth grows only at a bracket, so a text with few of them cannot be too deep; counting
    // bytes is much cheaper than the scan below, which most files then skip.
    let brackets = yaml.bytes().filter(|&b| matches!(b, b'[' | b'{')).count();
    if brackets <= limit {
        return None;
    }
    let mut depth = 0usize;
    for (line_index, line) in yaml.lines().enumerate() {
        let mut quote = None;
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '\'' | '"') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > limit {
                        return Some(Pos {
                            line: first_line + line_index,
                            col: col + 1,
                        });
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
    None
}

/// The last segment of a field path: `b` of `a[0].b`.
fn leaf(field: &str) -> &str {
    field.rsplit(['.', '[']).next().unwrap_or(field)
}

/// serde_yaml prefixes errors below the root with its own path (`.[1]: ...`, `a.b: ...`).
fn strip_yaml_path(message: &str) -> &str {
    match message.split_once(": ") {
        Some((head, rest)) if !head.contains(' ') && !head.contains('`') => rest,
        _ => message,
    }
}

/// Turns serde's message into one that points at the field and says what to do.
fn field_error(path: &Path, spans: &Spans, field: &str, error: &serde_yaml::Error) -> Diagnostic {
    let message = error.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message);
    let message = strip_yaml_path(message).to_string();
    if let Some(unknown) = message.strip_prefix("unknown field `") {
        let name = unknown.split('`').next().unwrap_or_default();
        let expected = expected_names(&message);
        let key = field.to_string();
        let hint = match did_you_mean(name, expected.iter().copied()) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!("expected one of: {}", expected.join(", ")),
        };
        return Diagnostic::error(
            path,
            spans.key_pos(path, &key),
            format!("unknown field `{key}`: {hint}"),
        );
    }
    if let Some(missing) = message.strip_prefix("missing field `") {
        let name = missing.split('`').next().unwrap_or_default();
        let (place, pos) = if field.is_empty() {
            (String::new(), spans.start())
        } else {
            (format!(" in `{field}`"), spans.key_pos(path, field))
        };
        return Diagnostic::error(
            path,
            pos,
            format!("missing required field `{name}`{place}: add `{name}:` with a value"),
        );
    }
    let message = explain(path, field, &plain_types(&message));
    let subject = if field.is_empty() {
        "the document".to_string()
    } else {
        format!("`{field}`")
    };
    Diagnostic::error(
        path,
        spans.value_pos(path, field),
        format!("{subject}: {message}"),
    )
}

/// Adds what to do to the messages of the commonest mistakes: a list where one person
/// goes, a misspelt or miscapitalised value, `yes` for a boolean.
fn explain(path: &Path, field: &str, message: &str) -> String {
    let name = leaf(field);
    if message.starts_with("invalid type: sequence") && name == "owner" {
        return one_owner(path, field);
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let value = rest.split('`').next().unwrap_or_default();
        let expected = expected_names(rest);
        let close = expected
            .iter()
            .find(|known| known.eq_ignore_ascii_case(value))
            .copied()
            .or_else(|| did_you_mean(value, expected.iter().copied()));
        return match close {
            Some(close) => format!("{message}: did you mean `{close}`?"),
            None => message.to_string(),
        };
    }
    if let Some(rest) = message.strip_prefix("invalid type: string \"") {
        if let Some(value) = rest.strip_suffix("\", expected a boolean") {
            return format!(
                "expected `true` or `false`, not `{value}` (YAML reads `yes`, `no`, `on` and \
                 `off` as text): write `{name}: true` or `{name}: false`"
            );
        }
    }
    message.to_string()
}

/// A list given where exactly one owner goes.
fn one_owner(path: &Path, field: &str) -> String {
    let whose = if field != "owner" {
        "each entry"
    } else if path
        .components()
        .any(|part| part.as_os_str() == "processes")
    {
        "a process"
    } else {
        "a control"
    };
    format!(
        "a list where one person goes: {whose} has exactly one owner. Write one person id \
         (`owner: dana-okafor`); list the others as `approvers`, or earlier owners in \
         `owner_history`"
    )
}

/// serde names Rust types (`expected i64`); say what a user should write instead.
fn plain_types(message: &str) -> String {
    const PLAIN: [(&str, &str); 6] = [
        ("expected i64", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected a sequence", "expected a list"),
        ("expected a map", "expected fields (`name: value` lines)"),
        (
            "expected struct ",
            "expected fields (`name: value` lines) for a ",
        ),
    ];
    let mut plain = message.to_string();
    for (rust, user) in PLAIN {
        plain = plain.replace(rust, user);
    }
    plain
}

/// The names listed after "expected one of" in serde's unknown-field message.
fn expected_names(message: &str) -> Vec<&str> {
    let Some((_, list)) = message.split_once("expected ") else {
        return Vec::new();
    };
    list.split('`').skip(1).step_by(2).collect()
}

/// Removes the node at `path` (or, for an unknown field, that key). Returns false when there
/// is nothing left to remove, i.e. the problem is with the document as a whole.
fn remove_node(document: &mut Value, path: &serde_path_to_error::Path) -> bool {
    let segments: Vec<&Segment> = path.iter().collect();
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut node = document;
    for segment in parents {
        let next = match segment {
            Segment::Seq { index } => node.as_sequence_mut().and_then(|seq| seq.get_mut(*index)),
            Segment::Map { key } => node
                .as_mapping_mut()
                .and_then(|map| map.get_mut(key.as_str())),
            _ => None,
        };
        match next {
            Some(next) => node = next,
            None => return false,
        }
    }
    match last {
        Segment::Seq { index } => match node.as_sequence_mut() {
            Some(seq) if *index < seq.len() => {
                seq.remove(*index);
                true
            }
            _ => false,
        },
        Segment::Map { key } => node
            .as_mapping_mut()
            .is_some_and(|map| map.shift_remove(key.as_str()).is_some()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Control, Exception, Person};

    fn path() -> &'static Path {
        Path::new("controls/X.md")
    }

    fn messages<T>(parsed: &Parsed<T>) -> Vec<String> {
        parsed.diagnostics.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn splits_front_matter_and_body() {
        let split = split_front_matter("---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!(split.yaml, "title: A\n");
        assert_eq!(split.body, "Body\n");
        assert_eq!(split.line_offset, 1);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let split = split_front_matter("\u{feff}---\r\ntitle: A\r\n---\r\nBody").unwrap();
        assert_eq!(split.yaml, "title: A\r\n");
        assert_eq!(split.body, "Body");
    }

    #[test]
    fn rejects_missing_or_unclosed_front_matter() {
        let cases = [
            ("", "the file is empty"),
            ("title: A\n", "no front matter"),
            ("---\ntitle: A\n", "front matter is not closed"),
        ];
        for (text, expected) in cases {
            let error = split_front_matter(text).unwrap_err();
            assert!(error.starts_with(expected), "{text:?} gave {error}");
        }
    }

    #[test]
    fn reports_every_unknown_field_with_a_hint() {
        let yaml = "title: A\nownr: dana\nreveiw:\n  last: 2026-01-01\n  every_days: 90\n";
        let parsed = parse_yaml::<Control>(path(), yaml, 1);
        assert_eq!(
            messages(&parsed),
            [
                "controls/X.md:3:1: error: unknown field `ownr`: did you mean `owner`?",
                "controls/X.md:4:1: error: unknown field `reveiw`: did you mean `review`?",
            ]
        );
        assert_eq!(parsed.value.map(|c| c.title), Some("A".to_string()));
    }

    #[test]
    fn points_at_nested_bad_dates_and_types() {
        let yaml = "owner: dana\nowner_history:\n  - owner: sam\n    until: 2026-02-30\nreview:\n  last: 2026-01-01\n  every_days: often\n";
        let parsed = parse_yaml::<Control>(path(), yaml, 1);
        assert_eq!(
            messages(&parsed),
            [
                "controls/X.md:5:12: error: `owner_history[0].until`: invalid date `2026-02-30`: there is no day 30 in 2026-02",
                "controls/X.md:8:15: error: `review.every_days`: invalid type: string \"often\", expected a whole number",
            ]
        );
    }

    #[test]
    fn reports_missing_required_fields_at_their_mapping() {
        let parsed = parse_yaml::<Exception>(path(), "control: C\napproved_by: m\n", 1);
        assert_eq!(
            messages(&parsed),
            ["controls/X.md:2:1: error: missing required field `granted`: add `granted:` with a value"]
        );
    }

    #[test]
    fn reports_yaml_syntax_errors_in_file_coordinates() {
        let parsed = parse_yaml::<Control>(path(), "title: A\nowner: [dana\n", 1);
        assert_eq!(parsed.diagnostics.len(), 1);
        let diagnostic = &parsed.diagnostics[0];
        assert!(
            diagnostic.message.starts_with("YAML syntax error"),
            "{diagnostic}"
        );
        assert!(diagnostic.line >= 3, "{diagnostic}");
    }

    #[test]
    fn keeps_the_good_entries_of_a_list_file() {
        let yaml = "- id: a\n  name: A\n- id: b\n  name: B\n  actve: false\n";
        let parsed = parse_yaml::<Vec<Person>>(Path::new("people.yaml"), yaml, 0);
        assert_eq!(
            messages(&parsed),
            ["people.yaml:5:3: error: unknown field `[1].actve`: did you mean `active`?"]
        );
        assert_eq!(parsed.value.map(|people| people.len()), Some(2));
    }
}
