//! Per-process figures: failures in the window, whether they recur, the controls concerned.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Model;

use super::timeline::Timeline;
use super::ProcessMetrics;

/// One entry per process, sorted by id. An incident belongs to the process its `process`
/// field names and counts once, whatever its origins.
pub(super) fn compute_processes(model: &Model, timeline: &Timeline) -> Vec<ProcessMetrics> {
    let mut by_process: BTreeMap<&str, (usize, BTreeSet<&str>)> = BTreeMap::new();
    let in_window = timeline
        .ordered
        .iter()
        .filter(|i| timeline.in_window(i.date));
    for incident in in_window {
        let Some(process) = incident.process.as_deref() else {
            continue;
        };
        let (failures, controls) = by_process.entry(process).or_default();
        *failures += 1;
        controls.extend(incident.control.as_deref());
    }
    let threshold = model.site.recurrence.threshold;
    model
        .processes
        .values()
        .map(|process| {
            let (failures, controls) = by_process.remove(process.id.as_str()).unwrap_or_default();
            ProcessMetrics {
                id: process.id.clone(),
                owner: process.owner.clone(),
                failures_in_window: failures,
                recurring: failures >= threshold,
                controls: controls.into_iter().map(str::to_string).collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::metrics::testkit::*;
    use crate::metrics::ProcessMetrics;

    /// Processes ci (3 failures in the window, controls CTL-A and CTL-B), deploy (1) and
    /// idle (none); incidents outside the window, after as-of, without a process or naming
    /// an unknown process count for none.
    fn kit() -> Kit {
        Kit::default()
            .control(control("CTL-A", "dana"))
            .control(control("CTL-B", "dana"))
            .control(control("CTL-C", "dana"))
            .process(process("ci", "lee"))
            .process(process("deploy", "ravi"))
            .process(process("idle", "maria"))
            .incident(in_process(
                incident("I-1", "CTL-B", "2026-01-01", &[Design, Operation]),
                "ci",
            ))
            .incident(in_process(
                incident("I-2", "CTL-A", "2026-02-01", &[Approval]),
                "ci",
            ))
            .incident(in_process(
                incident("I-3", "CTL-A", "2026-03-01", &[Design]),
                "ci",
            ))
            // 2025-11-01 is exactly 365 days before as-of: outside the window.
            .incident(in_process(
                incident("I-4", "CTL-C", "2025-11-01", &[Operation]),
                "ci",
            ))
            .incident(in_process(
                incident("I-5", "CTL-C", "2026-11-02", &[Operation]),
                "ci",
            ))
            .incident(in_process(
                incident("I-6", "CTL-C", "2026-05-01", &[Operation]),
                "deploy",
            ))
            .incident(incident("I-7", "CTL-A", "2026-06-01", &[Operation]))
            .incident(in_process(
                incident("I-8", "CTL-A", "2026-06-01", &[Operation]),
                "ghost",
            ))
    }

    fn entry(
        id: &str,
        owner: &str,
        failures: usize,
        recurring: bool,
        controls: &[&str],
    ) -> ProcessMetrics {
        ProcessMetrics {
            id: id.to_string(),
            owner: Some(owner.to_string()),
            failures_in_window: failures,
            recurring,
            controls: controls.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn process_failures_count_its_in_window_incidents_of_every_origin_once() {
        let expected = vec![
            entry("ci", "lee", 3, true, &["CTL-A", "CTL-B"]),
            entry("deploy", "ravi", 1, false, &["CTL-C"]),
            entry("idle", "maria", 0, false, &[]),
        ];
        assert_eq!(kit().compute(AS_OF).processes, expected);
    }

    #[test]
    fn process_is_recurring_at_the_controls_threshold() {
        // (threshold, recurring of ci, deploy, idle)
        let cases = [
            (4, [false, false, false]),
            (3, [true, false, false]),
            (1, [true, true, false]),
            (0, [true, true, true]),
        ];
        for (threshold, expected) in cases {
            let mut kit = kit();
            kit.model.site.recurrence.threshold = threshold;
            let metrics = kit.compute(AS_OF);
            let recurring: Vec<bool> = metrics.processes.iter().map(|p| p.recurring).collect();
            assert_eq!(recurring, expected, "threshold {threshold}");
        }
    }
}
