//! A finding and its rule -> the text of an incident record, in the format of
//! `content/incidents/*.md` (YAML front matter, then a Markdown body).

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::mapping::RuleMap;
use super::{Finding, ImportContext};
use crate::model::{Day, FindingSource, Nhi, Origin, Severity, SurfacedBy};

/// A record to write.
#[derive(Debug)]
pub struct NewRecord {
    pub id: String,
    pub path: PathBuf,
    pub text: String,
}

/// `INC-IMP-<tool>-<the first 10 hex digits of sha256(fingerprint)>`: the same finding
/// always gets the same id, so importing a report twice adds nothing.
pub fn incident_id(tool: &str, fingerprint: &str) -> String {
    let digest = Sha256::digest(fingerprint.as_bytes());
    let mut hex = String::with_capacity(10);
    for byte in &digest[..5] {
        let _ = write!(hex, "{byte:02x}");
    }
    format!("INC-IMP-{tool}-{hex}")
}

/// The front matter, in the order of the example records.
#[derive(Serialize)]
struct FrontMatter<'a> {
    title: String,
    date: Day,
    detected: Day,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolved: Option<Day>,
    control: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    process: Option<&'a str>,
    origin: Vec<Origin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approved_by: Option<&'a str>,
    nhi: Nhi,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<Severity>,
    surfaced_by: SurfacedBy,
    source: &'a FindingSource,
}

/// The record of `finding` under `rule`; `approver` is a bypass's accountable person.
pub fn render(
    finding: &Finding,
    rule: &RuleMap,
    approver: Option<&str>,
    id: String,
    context: &ImportContext<'_>,
) -> NewRecord {
    let detected = finding.detected.unwrap_or(context.detected);
    let bypass = finding.bypass.as_ref();
    let mut origin: Vec<Origin> = Origin::ALL
        .into_iter()
        .filter(|o| rule.origin.contains(o) || (bypass.is_some() && *o == Origin::Approval))
        .collect();
    origin.dedup();
    let front = FrontMatter {
        title: title(finding),
        date: bypass
            .and_then(|b| b.on)
            .or(finding.date)
            .unwrap_or(detected),
        detected,
        resolved: finding.resolved,
        control: &rule.control,
        process: rule.process.as_deref(),
        origin,
        approved_by: approver.or(rule.approved_by.as_deref()),
        nhi: rule.nhi.unwrap_or(Nhi::Secret),
        severity: rule.severity,
        surfaced_by: if bypass.is_some() {
            SurfacedBy::ApprovalBypass
        } else {
            SurfacedBy::LeakedCredential
        },
        source: &finding.source,
    };
    // Serializing plain strings, dates and enums cannot fail; an empty front matter would
    // still be reported by `check`.
    let yaml = serde_yaml::to_string(&front).unwrap_or_default();
    let text = format!("---\n{yaml}---\n{}", body(finding));
    let path = context
        .folder
        .join(&finding.source.tool)
        .join(format!("{id}.md"));
    NewRecord { id, path, text }
}

/// "AWS Access Token found in config/app.yml".
fn title(finding: &Finding) -> String {
    let source = &finding.source;
    let place = source.file.as_deref().or(source.repository.as_deref());
    let what = if finding.label.is_empty() {
        &source.rule
    } else {
        &finding.label
    };
    let found = if finding.bypass.is_some() {
        "pushed past push protection"
    } else {
        "found"
    };
    match place {
        Some(place) => format!("{what} {found} in {place}"),
        None => format!("{what} {found}"),
    }
}

/// A short narrative to complete by hand: where the record came from, and the tool's notes.
fn body(finding: &Finding) -> String {
    let source = &finding.source;
    let mut body = format!(
        "Imported by `govsite import` from a {} report (rule {}). The secret itself is not \
         copied here; the `source` fields locate it.\n",
        tool_name(&source.tool),
        code(&source.rule)
    );
    for note in &finding.notes {
        body.push('\n');
        body.push_str(note);
        body.push('\n');
    }
    body.push_str(
        "\nAdd what happened, the root cause and the remediation actions; edits are kept when \
         the report is imported again.\n",
    );
    body
}

/// The tool as people name it.
fn tool_name(tool: &str) -> &str {
    match tool {
        "github" => "GitHub secret scanning",
        other => other,
    }
}

/// `text` as a Markdown code span, whatever backticks it holds.
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A space keeps a backtick at either end from joining the fence.
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_the_tool_and_the_start_of_the_fingerprints_sha256() {
        // SHA-256("abc") = ba7816bf 8f01cfea ... (the FIPS 180-2 test vector).
        assert_eq!(
            incident_id("gitleaks", "abc"),
            "INC-IMP-gitleaks-ba7816bf8f"
        );
    }

    #[test]
    fn code_spans_hold_any_text() {
        assert_eq!(code("aws-access-token"), "`aws-access-token`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
    }
}
