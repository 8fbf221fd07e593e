//! Review deltas: what changed since an earlier build's `data/metrics.json`. Pure: compares
//! the current metrics with the earlier file's values.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{bail, Context};
use serde_json::Value;

use crate::metrics::{ExceptionState, Metrics};

/// A gap as compared across builds: (kind, record, person).
pub type GapKey = (String, String, Option<String>);

/// What changed since an earlier build: every headline figure's change and the records
/// behind it, each list sorted by id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comparison {
    /// The earlier build's as-of date.
    pub previous_as_of: String,
    /// Summary key -> current minus earlier value (absent when the earlier file lacks it).
    pub deltas: BTreeMap<&'static str, f64>,
    /// Settings the two builds computed with differently: `name: earlier -> now`. Their
    /// figures are not comparable; the pages say so above the comparison.
    pub changed_settings: Vec<String>,
    /// Incidents up to this as-of date that the earlier build did not list.
    pub new_failures: Vec<String>,
    /// Exceptions open now that were not open then.
    pub opened_exceptions: Vec<String>,
    /// Exceptions open then that are not open now (closed, or no longer in the content).
    pub closed_exceptions: Vec<String>,
    /// Exceptions expired now that were not expired then.
    pub newly_expired: Vec<String>,
    /// Controls recurring now that were not then, and the other way round.
    pub started_recurring: Vec<String>,
    pub stopped_recurring: Vec<String>,
    /// Gaps that were not in the earlier build, and the earlier build's gaps that are gone.
    pub new_gaps: Vec<GapKey>,
    pub resolved_gaps: Vec<GapKey>,
}

/// The summary figures the dashboard shows with a delta. For every one of them less is
/// better: a rise is shown as worse, a fall as better.
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

/// Whether a change of a figure is for the better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Better,
    Worse,
    Same,
}

impl Direction {
    /// The direction of `delta` of a figure of [`COMPARED`] (for all of them, less is better).
    pub fn of(delta: f64) -> Direction {
        if delta.abs() < 1e-9 {
            Direction::Same
        } else if delta < 0.0 {
            Direction::Better
        } else {
            Direction::Worse
        }
    }
}

/// Parses an earlier `metrics.json` text and compares it with `current`. Refuses an earlier
/// build dated after this one: a comparison runs forward in time.
pub fn compare(current: &Metrics, previous_json: &str) -> anyhow::Result<Comparison> {
    let previous: Value =
        serde_json::from_str(previous_json).context("reading the earlier metrics.json")?;
    let Some(previous_as_of) = previous.get("as_of").and_then(Value::as_str) else {
        bail!("this is not a govsite metrics.json: it has no `as_of`");
    };
    let as_of = current.as_of.to_string();
    // Both are ISO dates, so text order is date order.
    if previous_as_of > as_of.as_str() {
        bail!(
            "the earlier build is as of {previous_as_of}, after this build's {as_of}: compare with an \
             earlier build's metrics.json, or build with a later --as-of"
        );
    }
    let was = Earlier::read(&previous);
    let recurring_now: BTreeSet<&str> = ids(current
        .controls
        .iter()
        .filter(|c| c.recurring)
        .map(|c| c.id.as_str()));
    let open_now: BTreeSet<&str> = ids(current
        .exceptions
        .iter()
        .filter(|e| e.state.is_open())
        .map(|e| e.id.as_str()));
    let gaps_now: BTreeSet<GapKey> = current
        .gaps
        .iter()
        .map(|g| {
            (
                g.kind.as_str().to_string(),
                g.record.clone(),
                g.person.clone(),
            )
        })
        .collect();
    Ok(Comparison {
        previous_as_of: previous_as_of.to_string(),
        deltas: deltas(current, &previous)?,
        changed_settings: changed_settings(current, &previous)?,
        new_failures: not_in(
            current.incidents.iter().map(|i| i.id.as_str()),
            &was.incidents,
        ),
        opened_exceptions: not_in(open_now.iter().copied(), &was.open),
        closed_exceptions: not_in(was.open.iter().map(String::as_str), &open_now),
        newly_expired: not_in(
            current
                .exceptions
                .iter()
                .filter(|e| e.state == ExceptionState::Expired)
                .map(|e| e.id.as_str()),
            &was.expired,
        ),
        started_recurring: not_in(recurring_now.iter().copied(), &was.recurring),
        stopped_recurring: not_in(was.recurring.iter().map(String::as_str), &recurring_now),
        new_gaps: gaps_now.difference(&was.gaps).cloned().collect(),
        resolved_gaps: was.gaps.difference(&gaps_now).cloned().collect(),
    })
}

fn ids<'a>(ids: impl Iterator<Item = &'a str>) -> BTreeSet<&'a str> {
    ids.collect()
}

/// The ids of `ids` that are not in `earlier`, sorted, each once.
fn not_in<'a, S>(ids: impl Iterator<Item = &'a str>, earlier: &BTreeSet<S>) -> Vec<String>
where
    S: std::borrow::Borrow<str> + Ord,
{
    let mut new: Vec<String> = ids
        .filter(|id| !earlier.contains(*id))
        .map(str::to_string)
        .collect();
    new.sort();
    new.dedup();
    new
}

fn deltas(current: &Metrics, previous: &Value) -> anyhow::Result<BTreeMap<&'static str, f64>> {
    let now = serde_json::to_value(&current.summary).context("summarising the current metrics")?;
    Ok(COMPARED
        .iter()
        .filter_map(|&key| {
            let before = previous.pointer(&format!("/summary/{key}"))?.as_f64()?;
            let after = now.get(key)?.as_f64()?;
            Some((key, after - before))
        })
        .collect())
}

/// `name: earlier -> now` for each setting that differs (a setting the earlier file lacks
/// counts as different).
fn changed_settings(current: &Metrics, previous: &Value) -> anyhow::Result<Vec<String>> {
    let now = serde_json::to_value(&current.settings).context("reading the current settings")?;
    let Some(now) = now.as_object() else {
        return Ok(Vec::new());
    };
    Ok(now
        .iter()
        .filter_map(|(name, value)| {
            let before = previous.pointer(&format!("/settings/{name}"));
            (before != Some(value)).then(|| {
                let before = before.map_or("(not recorded)".to_string(), Value::to_string);
                format!("{name}: {before} -> {value}")
            })
        })
        .collect())
}

/// What the earlier build listed, by id.
#[derive(Default)]
struct Earlier {
    incidents: BTreeSet<String>,
    open: BTreeSet<String>,
    expired: BTreeSet<String>,
    recurring: BTreeSet<String>,
    gaps: BTreeSet<GapKey>,
}

impl Earlier {
    fn read(previous: &Value) -> Earlier {
        let state = |e: &Value| e.get("state").and_then(Value::as_str).map(str::to_string);
        Earlier {
            incidents: ids_where(previous, "incidents", &|_| true),
            open: ids_where(previous, "exceptions", &|e| {
                !matches!(state(e).as_deref(), Some("closed" | "future") | None)
            }),
            expired: ids_where(previous, "exceptions", &|e| {
                state(e).as_deref() == Some("expired")
            }),
            recurring: ids_where(previous, "controls", &|c| {
                c.get("recurring") == Some(&Value::Bool(true))
            }),
            gaps: gaps(previous),
        }
    }
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
fn gaps(previous: &Value) -> BTreeSet<GapKey> {
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
    fn refuses_an_earlier_build_dated_after_this_one() {
        let current = empty_metrics(); // as of 2026-11-01
        let later = r#"{"as_of": "2026-11-02", "summary": {}}"#;
        let error = compare(&current, later).unwrap_err().to_string();
        assert!(
            error.contains("as of 2026-11-02, after this build's 2026-11-01"),
            "{error}"
        );
        // The same date is allowed: a rebuild after a content fix.
        assert!(compare(&current, r#"{"as_of": "2026-11-01"}"#).is_ok());
    }

    #[test]
    fn names_each_setting_computed_differently() {
        let current = empty_metrics(); // the defaults: window 365, threshold 2, 90 days ...
        let previous = r#"{"as_of": "2026-08-01", "settings": {"window_days": 365, "threshold": 3,
            "max_validity_days": 90, "expiring_soon_days": 30, "aging_buckets": [30, 90, 180, 365]}}"#;
        let comparison = compare(&current, previous).unwrap();
        assert_eq!(comparison.changed_settings, ["threshold: 3 -> 2"]);
        let same = previous.replace("\"threshold\": 3", "\"threshold\": 2");
        assert!(compare(&current, &same)
            .unwrap()
            .changed_settings
            .is_empty());
    }

    #[test]
    fn lists_what_started_and_stopped_and_resolved_findings() {
        let current = empty_metrics();
        // The earlier build had a recurring control, an open and an expired exception, an
        // incident and a gap; the current (empty) estate has none of them.
        let previous = r#"{"as_of": "2026-08-01",
            "controls": [{"id": "CTL-A", "recurring": true}, {"id": "CTL-B", "recurring": false}],
            "exceptions": [{"id": "EXC-1", "state": "expired"}, {"id": "EXC-2", "state": "closed"}],
            "incidents": [{"id": "INC-1"}],
            "gaps": [{"kind": "unreviewed-pattern", "record": "CTL-A", "person": "ana"}]}"#;
        let comparison = compare(&current, previous).unwrap();
        assert_eq!(comparison.stopped_recurring, ["CTL-A"]);
        assert!(comparison.started_recurring.is_empty());
        // EXC-1 was open (expired is open); EXC-2 was already closed.
        assert_eq!(comparison.closed_exceptions, ["EXC-1"]);
        assert!(comparison.opened_exceptions.is_empty() && comparison.new_failures.is_empty());
        let resolved = (
            "unreviewed-pattern".to_string(),
            "CTL-A".to_string(),
            Some("ana".to_string()),
        );
        assert_eq!(comparison.resolved_gaps, [resolved]);
        assert!(comparison.new_gaps.is_empty());
    }

    #[test]
    fn directions_say_less_is_better() {
        assert_eq!(Direction::of(-1.0), Direction::Better);
        assert_eq!(Direction::of(2.0), Direction::Worse);
        assert_eq!(Direction::of(0.0), Direction::Same);
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
