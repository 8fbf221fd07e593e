//! gitleaks JSON reports (`--report-format json`): an array of findings, each with
//! `RuleID`, `Description`, `File`, `StartLine`, `Commit`, `Date`, `Fingerprint` ...
//! `Secret` and `Match` are read only to check that no written file contains them.

use std::path::Path;

use serde::Deserialize;

use super::{
    all_or_problems, day_of, json_array_items, key_pos, parse_item, Finding, Parsed, Withheld,
};
use crate::diagnostics::Diagnostic;
use crate::model::FindingSource;
use crate::spans::Pos;

/// The fields of a gitleaks finding that govsite uses (others are ignored).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Leak {
    #[serde(rename = "RuleID")]
    rule_id: String,
    /// `commit:file:rule:line` (`file:rule:line` without git): stable across runs.
    fingerprint: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    file: String,
    #[serde(default)]
    start_line: u64,
    #[serde(default)]
    commit: String,
    /// The commit's date (empty when scanning a directory).
    #[serde(default)]
    date: String,
    /// A link to the line on the git host (gitleaks 8.19 and later).
    #[serde(default)]
    link: String,
    #[serde(default)]
    secret: String,
    #[serde(default, rename = "Match")]
    matched: String,
}

const HINT: &str = "expected a gitleaks JSON report (`gitleaks git --report-format json`): an array of findings with `RuleID` and `Fingerprint`";

pub fn parse(path: &Path, text: &str) -> Parsed {
    let items = json_array_items(path, text, HINT).map_err(|problem| vec![problem])?;
    all_or_problems(items.into_iter().map(|(at, item)| {
        let leak: Leak = parse_item(path, at, item, HINT)?;
        finding(leak, at)
            .map_err(|(key, message)| Diagnostic::error(path, key_pos(text, item, key), message))
    }))
}

fn finding(leak: Leak, at: Pos) -> Result<Finding, (&'static str, String)> {
    if leak.fingerprint.trim().is_empty() {
        let message = "`Fingerprint` is empty: run a gitleaks version that writes fingerprints (8.0 or later)";
        return Err(("Fingerprint", message.into()));
    }
    let date = day_of(&leak.date).map_err(|e| ("Date", format!("`Date`: {e}")))?;
    let some = |text: String| (!text.is_empty()).then_some(text);
    let url = some(leak.link).filter(|l| l.starts_with("https://") || l.starts_with("http://"));
    Ok(Finding {
        source: FindingSource {
            tool: "gitleaks".into(),
            rule: leak.rule_id,
            fingerprint: leak.fingerprint,
            repository: None,
            file: some(leak.file),
            line: (leak.start_line > 0).then_some(leak.start_line),
            commit: some(leak.commit),
            url,
        },
        label: leak.description,
        date,
        detected: None,
        resolved: None,
        bypass: None,
        notes: Vec::new(),
        skip: None,
        at,
        withheld: Withheld(vec![leak.secret, leak.matched]),
    })
}
