//! trufflehog `--json` output: one JSON object per line, each with `SourceMetadata.Data.<Kind>`
//! (`Git`, `Github`, `Gitlab`, `Filesystem` ...: where it was found), `DetectorName`,
//! `Verified`. `Raw`, `RawV2` and `Redacted` are read only to check that no written file
//! contains them. trufflehog has no fingerprint: govsite makes one from the detector and
//! the location (see `fingerprint`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::{all_or_problems, day_of, key_pos, parse_item, Finding, Parsed, Withheld};
use crate::diagnostics::Diagnostic;
use crate::model::FindingSource;
use crate::spans::Pos;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Found {
    #[serde(default)]
    source_metadata: Option<Metadata>,
    detector_name: String,
    #[serde(default)]
    verified: bool,
    #[serde(default)]
    raw: String,
    #[serde(default, rename = "RawV2")]
    raw_v2: String,
    #[serde(default)]
    redacted: String,
}

#[derive(Deserialize)]
struct Metadata {
    /// One entry, named by the kind of source (`Git`, `Filesystem` ...).
    #[serde(rename = "Data", default)]
    data: BTreeMap<String, Location>,
}

/// The location fields the source kinds share (each kind has some of them).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Location {
    repository: String,
    commit: String,
    file: String,
    line: u64,
    link: String,
    timestamp: String,
}

/// Whether `line` is one of trufflehog's log lines (`{"level":"info-0","msg":...}`), which
/// it writes to stderr and which end up in the report when both are captured.
fn is_log_line(line: &str) -> bool {
    !line.contains("\"DetectorName\"")
        && serde_json::from_str::<BTreeMap<String, serde::de::IgnoredAny>>(line)
            .is_ok_and(|keys| keys.contains_key("level") && keys.contains_key("msg"))
}

const HINT: &str = "expected trufflehog JSON lines (`trufflehog git URL --json`): one object per line with `DetectorName` and `SourceMetadata`";

pub fn parse(path: &Path, text: &str) -> Parsed {
    let lines = text.lines().enumerate().filter_map(|(i, line)| {
        let trimmed = line.trim();
        let skip = trimmed.is_empty() || is_log_line(trimmed);
        (!skip).then_some((
            Pos {
                line: i + 1,
                col: 1,
            },
            line,
        ))
    });
    all_or_problems(lines.map(|(at, line)| {
        let found: Found = parse_item(path, at, line, HINT)?;
        finding(found, at)
            .map_err(|(key, message)| Diagnostic::error(path, key_pos(text, line, key), message))
    }))
}

fn finding(found: Found, at: Pos) -> Result<Finding, (&'static str, String)> {
    let (kind, place) = found
        .source_metadata
        .and_then(|m| m.data.into_iter().next())
        .unwrap_or_default();
    let fingerprint = fingerprint(&found.detector_name, &kind, &place).ok_or((
        "SourceMetadata",
        "the finding has no location (`SourceMetadata.Data` with a file, commit or link): it cannot be told apart from others".to_string(),
    ))?;
    let date = day_of(&place.timestamp).map_err(|e| ("timestamp", format!("`timestamp`: {e}")))?;
    let some = |text: String| (!text.is_empty()).then_some(text);
    let web = |link: &String| link.starts_with("https://") || link.starts_with("http://");
    let notes = if found.verified {
        vec!["trufflehog verified the secret as live when it scanned.".to_string()]
    } else {
        Vec::new()
    };
    Ok(Finding {
        source: FindingSource {
            tool: "trufflehog".into(),
            rule: found.detector_name,
            fingerprint,
            repository: some(place.repository),
            file: some(place.file),
            line: (place.line > 0).then_some(place.line),
            commit: some(place.commit),
            url: some(place.link).filter(web),
        },
        label: String::new(),
        date,
        detected: None,
        resolved: None,
        bypass: None,
        notes,
        skip: None,
        at,
        withheld: Withheld(vec![found.raw, found.raw_v2, found.redacted]),
    })
}

/// `<detector>:<kind>:<repository>:<commit>:<file>:<line>` with the empty parts left out,
/// or the link for sources without a file: the same finding in the same place gets the same
/// fingerprint on every run. `None` when there is no location at all.
fn fingerprint(detector: &str, kind: &str, place: &Location) -> Option<String> {
    let line = (place.line > 0).then(|| place.line.to_string());
    let located = [&place.repository, &place.commit, &place.file]
        .into_iter()
        .filter(|part| !part.is_empty())
        .cloned()
        .chain(line)
        .collect::<Vec<_>>();
    let parts = if place.file.is_empty() && !place.link.is_empty() {
        vec![place.link.clone()]
    } else {
        located
    };
    if parts.is_empty() {
        return None;
    }
    Some(format!("{detector}:{kind}:{}", parts.join(":")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_is_the_detector_and_the_place() {
        let place = Location {
            repository: "https://g/r".into(),
            commit: "c1".into(),
            file: "a.env".into(),
            line: 4,
            ..Location::default()
        };
        assert_eq!(
            fingerprint("AWS", "Git", &place).as_deref(),
            Some("AWS:Git:https://g/r:c1:a.env:4")
        );
        let link = Location {
            link: "https://chat/m/1".into(),
            ..Location::default()
        };
        assert_eq!(
            fingerprint("Slack", "Slack", &link).as_deref(),
            Some("Slack:Slack:https://chat/m/1")
        );
        assert_eq!(fingerprint("AWS", "Stdin", &Location::default()), None);
    }

    #[test]
    fn log_lines_are_not_findings() {
        assert!(is_log_line(
            r#"{"level":"info-0","msg":"finished scanning"}"#
        ));
        assert!(!is_log_line(
            r#"{"level":"x","msg":"y","DetectorName":"AWS"}"#
        ));
    }
}
