//! Review deltas: what changed since an earlier build's `data/metrics.json`. Pure: compares
//! the current metrics with the earlier file's values.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context};
use serde_json::Value;

use crate::metrics::{ExceptionState, Metrics};

/// The change of every headline figure and what is new since the earlier build.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The earlier build's as-of date.
    pub previous_as_of: String,
    /// Summary key -> current minus earlier value (absent when the earlier file lacks it).
    pub deltas: BTreeMap<&'static str, f64>,
    pub newly_recurring: Vec<String>,
    pub newly_expired: Vec<String>,
    /// (kind, record, person) of gaps that were not in the earlier build.
    pub new_gaps: Vec<(String, String, Option<String>)>,
}

/// The summary figures the dashboard shows with a delta.
pub const COMPARED: [&str; 14] = [
    "recurring_controls",
    "repeat_rate",
    "open_exceptions",
    "expired_exceptions",
    "permanent_exceptions",
    "over_policy_exceptions",
    "self_approved_exceptions",
    "unauthorized_approvals",
    "ownership_gaps",
    "overdue_reviews",
    "overdue_actions",
    "incidents_in_window",
    "open_actions",
    "structural_incidents_in_window",
];

/// Parses an earlier `metrics.json` text and compares it with `current`.
pub fn compare(current: &Metrics, previous_json: &str) -> anyhow::Result<Comparison> {
    let previous: Value =
        serde_json::from_str(previous_json).context("reading the earlier metrics.json")?;
    let Some(previous_as_of) = previous.get("as_of").and_then(Value::as_str) else {
        bail!("this is not a govsite metrics.json: it has no `as_of`");
    };
    let now = serde_json::to_value(&current.summary).context("summarising the current metrics")?;
    let deltas = COMPARED
        .iter()
        .filter_map(|&key| {
            let before = previous.pointer(&format!("/summary/{key}"))?.as_f64()?;
            let after = now.get(key)?.as_f64()?;
            Some((key, after - before))
        })
        .collect();
    let was_recurring = ids_where(&previous, "controls", &|c| {
        c.get("recurring") == Some(&Value::Bool(true))
    });
    let was_expired = ids_where(&previous, "exceptions", &|e| {
        e.get("state").and_then(Value::as_str) == Some("expired")
    });
    let old_gaps = gaps(&previous);
    Ok(Comparison {
        previous_as_of: previous_as_of.to_string(),
        deltas,
        newly_recurring: current
            .controls
            .iter()
            .filter(|c| c.recurring && !was_recurring.contains(&c.id))
            .map(|c| c.id.clone())
            .collect(),
        newly_expired: current
            .exceptions
            .iter()
            .filter(|e| e.state == ExceptionState::Expired && !was_expired.contains(&e.id))
            .map(|e| e.id.clone())
            .collect(),
        new_gaps: current
            .gaps
            .iter()
            .map(|g| {
                (
                    g.kind.as_str().to_string(),
                    g.record.clone(),
                    g.person.clone(),
                )
            })
            .filter(|gap| !old_gaps.contains(gap))
            .collect(),
    })
}

/// The ids of the items of the earlier `list` that pass `test`.
fn ids_where(previous: &Value, list: &str, test: &dyn Fn(&Value) -> bool) -> BTreeSet<String> {
    previous
        .get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|item| test(item))
        .filter_map(|item| item.get("id").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// The earlier gaps as (kind, record, person).
fn gaps(previous: &Value) -> BTreeSet<(String, String, Option<String>)> {
    previous
        .get("gaps")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|gap| {
            let text = |key: &str| gap.get(key).and_then(Value::as_str).map(str::to_string);
            (
                text("kind").unwrap_or_default(),
                text("record").unwrap_or_default(),
                text("person"),
            )
        })
        .collect()
}

/// `+1`, `-2`, `±0`; rates as percentage points (`+3.2 pts`).
pub fn describe_delta(key: &str, delta: f64) -> String {
    if key == "repeat_rate" {
        let points = delta * 100.0;
        return if points.abs() < 0.05 {
            "±0 pts".to_string()
        } else {
            format!("{points:+.1} pts")
        };
    }
    let whole = delta.round() as i64;
    if whole == 0 {
        "±0".to_string()
    } else {
        format!("{whole:+}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::compute;
    use crate::model::Model;

    fn empty_metrics() -> Metrics {
        compute(&Model::default(), "2026-11-01".parse().unwrap())
    }

    #[test]
    fn reports_the_change_of_each_headline_figure() {
        let current = empty_metrics();
        let previous = r#"{"as_of": "2026-08-01", "summary": {"recurring_controls": 3, "repeat_rate": 0.5, "open_actions": 0},
            "controls": [], "exceptions": [], "gaps": []}"#;
        let comparison = compare(&current, previous).unwrap();
        assert_eq!(comparison.previous_as_of, "2026-08-01");
        assert_eq!(comparison.deltas.get("recurring_controls"), Some(&-3.0));
        assert_eq!(comparison.deltas.get("open_actions"), Some(&0.0));
        // The current repeat rate is null (no incidents): no delta rather than a made-up one.
        assert_eq!(comparison.deltas.get("repeat_rate"), None);
        assert_eq!(
            comparison.deltas.get("expired_exceptions"),
            None,
            "absent in the earlier file"
        );
    }

    #[test]
    fn rejects_files_that_are_not_metrics() {
        let current = empty_metrics();
        assert!(compare(&current, "[1, 2]")
            .unwrap_err()
            .to_string()
            .contains("not a govsite metrics.json"));
        assert!(compare(&current, "{").is_err());
    }

    #[test]
    fn describes_deltas_with_a_sign() {
        assert_eq!(describe_delta("recurring_controls", 1.0), "+1");
        assert_eq!(describe_delta("recurring_controls", -2.0), "-2");
        assert_eq!(describe_delta("open_actions", 0.0), "±0");
        assert_eq!(describe_delta("repeat_rate", 0.032), "+3.2 pts");
    }
}
