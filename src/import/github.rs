//! GitHub secret scanning alerts, as the REST API lists them
//! (`GET /repos/{owner}/{repo}/secret-scanning/alerts`, or the organization's list): a JSON
//! array, or several one after another (`gh api --paginate`). The alert's API `url` is its
//! fingerprint. `secret` is read only to check that no written file contains it. An alert
//! with `push_protection_bypassed: true` is an approval bypass.

use std::path::Path;

use serde::Deserialize;

use super::record::code;
use super::{
    all_or_problems, day_of, json_array_items, key_pos, parse_item, Bypass, Finding, Parsed,
    Withheld,
};
use crate::diagnostics::Diagnostic;
use crate::model::FindingSource;
use crate::spans::Pos;

#[derive(Deserialize)]
struct Alert {
    number: u64,
    created_at: String,
    url: String,
    #[serde(default)]
    html_url: Option<String>,
    #[serde(default)]
    state: Option<String>,
    secret_type: String,
    #[serde(default)]
    secret_type_display_name: Option<String>,
    #[serde(default)]
    secret: Option<String>,
    #[serde(default)]
    resolution: Option<String>,
    #[serde(default)]
    resolved_at: Option<String>,
    #[serde(default)]
    push_protection_bypassed: Option<bool>,
    #[serde(default)]
    push_protection_bypassed_by: Option<User>,
    #[serde(default)]
    push_protection_bypassed_at: Option<String>,
    #[serde(default)]
    push_protection_bypass_request_reviewer: Option<User>,
    #[serde(default)]
    validity: Option<String>,
    #[serde(default)]
    first_location_detected: Option<Location>,
    /// Present in an organization's list.
    #[serde(default)]
    repository: Option<Repository>,
}

#[derive(Deserialize)]
struct User {
    login: String,
}

#[derive(Deserialize)]
struct Repository {
    full_name: String,
}

/// A commit location (other kinds, such as an issue, have none of these fields).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Location {
    path: Option<String>,
    start_line: Option<u64>,
    commit_sha: Option<String>,
}

const HINT: &str = "expected GitHub secret scanning alerts from the REST API (`gh api --paginate repos/OWNER/REPO/secret-scanning/alerts`): an array of alerts with `number`, `url`, `created_at` and `secret_type`";

/// Resolutions that say the alert was not a real secret: such alerts are not imported.
const NOT_REAL: [(&str, &str); 4] = [
    ("false_positive", "resolved as false positive"),
    ("used_in_tests", "resolved as used in tests"),
    ("pattern_deleted", "resolved as pattern deleted"),
    ("pattern_edited", "resolved as pattern edited"),
];

pub fn parse(path: &Path, text: &str) -> Parsed {
    let items = json_array_items(path, text, HINT).map_err(|problem| vec![problem])?;
    all_or_problems(items.into_iter().map(|(at, item)| {
        let alert: Alert = parse_item(path, at, item, HINT)?;
        finding(alert, at)
            .map_err(|(key, message)| Diagnostic::error(path, key_pos(text, item, key), message))
    }))
}

fn finding(alert: Alert, at: Pos) -> Result<Finding, (&'static str, String)> {
    let day = |key: &'static str, text: &Option<String>| {
        day_of(text.as_deref().unwrap_or_default()).map_err(|e| (key, format!("`{key}`: {e}")))
    };
    let created = day("created_at", &Some(alert.created_at.clone()))?;
    let resolved_at = day("resolved_at", &alert.resolved_at)?;
    let bypass = match alert.push_protection_bypassed {
        Some(true) => Some(Bypass {
            by: alert.push_protection_bypassed_by.map(|u| u.login),
            reviewer: alert
                .push_protection_bypass_request_reviewer
                .map(|u| u.login),
            on: day(
                "push_protection_bypassed_at",
                &alert.push_protection_bypassed_at,
            )?,
        }),
        _ => None,
    };
    let resolution = alert.resolution.as_deref().unwrap_or_default();
    let skip = NOT_REAL
        .iter()
        .find(|(name, _)| *name == resolution)
        .map(|(_, reason)| *reason);
    let revoked = alert.state.as_deref() == Some("resolved") && resolution == "revoked";
    let location = alert.first_location_detected.unwrap_or_default();
    let repository = (alert.repository.map(|r| r.full_name))
        .or_else(|| alert.html_url.as_deref().and_then(repository_of));
    let notes = notes(bypass.as_ref(), alert.validity.as_deref(), alert.number);
    let url = (alert.html_url).filter(|u| u.starts_with("https://") || u.starts_with("http://"));
    Ok(Finding {
        source: FindingSource {
            tool: "github".into(),
            rule: alert.secret_type,
            fingerprint: alert.url,
            repository,
            file: location.path,
            line: location.start_line,
            commit: location.commit_sha,
            url,
        },
        label: alert.secret_type_display_name.unwrap_or_default(),
        date: created,
        detected: created,
        resolved: if revoked { resolved_at } else { None },
        bypass,
        notes,
        skip,
        at,
        withheld: Withheld(alert.secret.into_iter().collect()),
    })
}

/// `OWNER/REPO` of an alert's page, `https://github.com/OWNER/REPO/security/...`.
fn repository_of(html_url: &str) -> Option<String> {
    let rest = html_url.split_once("://")?.1;
    let mut parts = rest.split('/').skip(1);
    let (owner, repo) = (parts.next()?, parts.next()?);
    (!owner.is_empty() && !repo.is_empty()).then(|| format!("{owner}/{repo}"))
}

/// Sentences for the record's body: the alert number, the bypass, the validity.
fn notes(bypass: Option<&Bypass>, validity: Option<&str>, number: u64) -> Vec<String> {
    let mut notes = vec![format!("GitHub secret scanning alert #{number}.")];
    if let Some(bypass) = bypass {
        let by = bypass.by.as_deref().unwrap_or("an unknown user");
        let mut note = format!(
            "Push protection blocked the secret and {} bypassed it",
            code(by)
        );
        if let Some(on) = bypass.on {
            note.push_str(&format!(" on {on}"));
        }
        match &bypass.reviewer {
            Some(reviewer) => note.push_str(&format!(
                "; {} approved the bypass request.",
                code(reviewer)
            )),
            None => note.push_str(" without a reviewed bypass request."),
        }
        notes.push(note);
    }
    if let Some(validity) = validity.filter(|v| *v == "active" || *v == "inactive") {
        notes.push(format!(
            "GitHub reported the secret as {validity} when the alert was listed."
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_is_read_from_the_alert_page() {
        assert_eq!(
            repository_of("https://github.com/octo-org/hello/security/secret-scanning/3")
                .as_deref(),
            Some("octo-org/hello")
        );
        assert_eq!(repository_of("https://github.com/"), None);
    }
}
