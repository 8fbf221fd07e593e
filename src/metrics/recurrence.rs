//! Recurring failures: per-control figures, patterns, the monthly trend and the top controls.

use std::collections::BTreeMap;

use crate::model::{Control, Incident, Model, Origin};

use super::timeline::{self, Timeline, TREND_MONTHS};
use super::{ControlMetrics, Monthly, RecurringPattern, TopControl};

/// How many controls `top_controls` lists at most.
const TOP_CONTROLS: usize = 10;

/// One entry per control, sorted by id; retired controls count like active ones.
pub(super) fn compute_controls(
    model: &Model,
    timeline: &Timeline,
    open_exceptions_by_control: &BTreeMap<String, usize>,
) -> Vec<ControlMetrics> {
    model
        .controls
        .values()
        .map(|control| {
            let open_exceptions = open_exceptions_by_control.get(&control.id);
            compute_control(model, control, timeline, open_exceptions.copied())
        })
        .collect()
}

fn compute_control(
    model: &Model,
    control: &Control,
    timeline: &Timeline,
    open_exceptions: Option<usize>,
) -> ControlMetrics {
    let grace = model.site.review_overdue_grace_days;
    let failures = timeline.of_control(&control.id);
    let in_window = failures
        .iter()
        .filter(|incident| timeline.in_window(incident.date))
        .count();
    ControlMetrics {
        id: control.id.clone(),
        owner: control.owner.clone(),
        failures_total: failures.len(),
        failures_in_window: in_window,
        recurring: in_window >= model.site.recurrence.threshold,
        mean_days_between_failures: mean_days_between(failures),
        open_exceptions: open_exceptions.unwrap_or(0),
        review_overdue: timeline::is_review_overdue(control, timeline.as_of, grace),
        review_due: timeline::review_due(control),
        review_overdue_after: timeline::review_overdue_after(control, grace),
        monthly_failures: monthly_failures(failures, timeline),
        monthly_by_origin: monthly_by_origin(failures, timeline),
    }
}

/// The control's failures per month of the trend, aligned with `monthly[]`; each incident
/// counts once whatever its origins. `failures` is the control's own group, so all the
/// controls together walk the incidents once.
fn monthly_failures(failures: &[&Incident], timeline: &Timeline) -> Vec<usize> {
    let mut counts = vec![0; TREND_MONTHS as usize];
    for incident in failures {
        if let Some(count) = timeline
            .trend_slot(incident.date)
            .and_then(|slot| counts.get_mut(slot))
        {
            *count += 1;
        }
    }
    counts
}

/// Failures per month of the trend and origin, `[design, operation, approval]`, of these
/// incidents (one control's, or all); an incident with several origins counts under each.
fn monthly_by_origin(failures: &[&Incident], timeline: &Timeline) -> Vec<[usize; 3]> {
    let mut counts = vec![[0; 3]; TREND_MONTHS as usize];
    for incident in failures {
        let Some(month) = timeline
            .trend_slot(incident.date)
            .and_then(|slot| counts.get_mut(slot))
        else {
            continue;
        };
        for origin in incident.origins() {
            month[origin_slot(origin)] += 1;
        }
    }
    counts
}

/// The position of an origin in `Origin::ALL`: design 0, operation 1, approval 2.
fn origin_slot(origin: Origin) -> usize {
    match origin {
        Origin::Design => 0,
        Origin::Operation => 1,
        Origin::Approval => 2,
    }
}

/// Mean gap between consecutive failures; with the failures in date order the gaps telescope
/// to (last - first) / (n - 1). `None` with fewer than two failures.
fn mean_days_between(failures: &[&Incident]) -> Option<f64> {
    match failures {
        [first, .., last] => {
            let gaps = failures.len() - 1;
            Some(first.date.days_until(last.date) as f64 / gaps as f64)
        }
        _ => None,
    }
}

/// Every (control, origin) pair with at least `threshold` in-window failures of that origin,
/// sorted by (control, origin); `fix_owner::assign_fix_owners` names who must fix each.
pub(super) fn compute_patterns(model: &Model, timeline: &Timeline) -> Vec<RecurringPattern> {
    let threshold = model.site.recurrence.threshold;
    let mut patterns = Vec::new();
    for control in model.controls.values() {
        let in_window: Vec<&Incident> = timeline
            .of_control(&control.id)
            .iter()
            .copied()
            .filter(|incident| timeline.in_window(incident.date))
            .collect();
        for origin in Origin::ALL {
            let of_origin: Vec<&Incident> = in_window
                .iter()
                .copied()
                .filter(|incident| incident.origin.contains(&origin))
                .collect();
            if of_origin.len() >= threshold {
                patterns.push(RecurringPattern {
                    control: control.id.clone(),
                    origin,
                    failures_in_window: of_origin.len(),
                    fix_owner: None,
                    fix_owner_role: None,
                });
            }
        }
    }
    patterns
}

/// Failures per month and origin for the 24 calendar months ending with the as-of month;
/// every month is present, and an incident with several origins counts under each.
pub(super) fn compute_monthly(timeline: &Timeline) -> Vec<Monthly> {
    let counts = monthly_by_origin(&timeline.ordered, timeline);
    timeline
        .trend_months()
        .into_iter()
        .zip(counts)
        .map(|(month, [design, operation, approval])| Monthly {
            month,
            design,
            operation,
            approval,
        })
        .collect()
}

/// Up to ten controls with failures in the window, most failures first, then by id.
pub(super) fn compute_top_controls(controls: &[ControlMetrics]) -> Vec<TopControl> {
    let mut failing: Vec<&ControlMetrics> = controls
        .iter()
        .filter(|control| control.failures_in_window > 0)
        .collect();
    failing.sort_by(|a, b| {
        (b.failures_in_window.cmp(&a.failures_in_window)).then_with(|| a.id.cmp(&b.id))
    });
    failing
        .into_iter()
        .take(TOP_CONTROLS)
        .map(|control| TopControl {
            id: control.id.clone(),
            failures_in_window: control.failures_in_window,
            recurring: control.recurring,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::metrics::testkit::*;
    use crate::metrics::Monthly;
    use crate::model::ControlStatus;

    /// (id, in_window, repeat) of every listed incident.
    fn flags(kit: &Kit) -> Vec<(String, bool, bool)> {
        let metrics = kit.compute(AS_OF);
        let rows = metrics.incidents.iter();
        rows.map(|i| (i.id.clone(), i.in_window, i.repeat))
            .collect()
    }

    #[test]
    fn window_excludes_the_day_exactly_window_days_before_as_of() {
        // 2025-11-01 + 365 days = 2026-11-01 (no Feb 29 between), so it is just outside.
        let cases = [
            ("2025-11-01", Some(false)),
            ("2025-11-02", Some(true)),
            ("2026-11-01", Some(true)),
            ("2026-11-02", None),
        ];
        for (date, expected) in cases {
            let kit = Kit::default()
                .control(control("CTL-A", "dana"))
                .incident(incident("INC-1", "CTL-A", date, &[Design]));
            let listed = flags(&kit).first().map(|(_, in_window, _)| *in_window);
            assert_eq!(listed, expected, "incident dated {date}");
        }
    }

    #[test]
    fn same_day_failures_are_ordered_by_id_and_the_second_is_a_repeat() {
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .incident(incident("INC-B", "CTL-A", "2026-05-01", &[Design]))
            .incident(incident("INC-A", "CTL-A", "2026-05-01", &[Design]));
        let expected = vec![
            ("INC-A".to_string(), true, false),
            ("INC-B".to_string(), true, true),
        ];
        assert_eq!(flags(&kit), expected);
        let summary = kit.compute(AS_OF).summary;
        assert_eq!(summary.repeat_rate, Some(0.5));
    }

    #[test]
    fn repeat_needs_the_earlier_failure_strictly_within_window_days_before() {
        // 2025-03-01 -> 2026-03-01 is 365 days: d - 365 = d_earlier, not less, so no repeat.
        let cases = [("2026-03-01", false), ("2026-02-28", true)];
        for (later, repeat) in cases {
            let kit = Kit::default()
                .control(control("CTL-A", "dana"))
                .incident(incident("INC-1", "CTL-A", "2025-03-01", &[Design]))
                .incident(incident("INC-2", "CTL-A", later, &[Design]));
            let second = flags(&kit).get(1).map(|(_, _, r)| *r);
            assert_eq!(second, Some(repeat), "second failure on {later}");
        }
    }

    #[test]
    fn repeat_counts_an_earlier_failure_outside_the_window() {
        // 2025-10-01 -> 2026-01-15 = 31 + 30 + 31 + 14 = 106 days < 365.
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .incident(incident("INC-1", "CTL-A", "2025-10-01", &[Design]))
            .incident(incident("INC-2", "CTL-A", "2026-01-15", &[Design]));
        let expected = vec![
            ("INC-1".to_string(), false, false),
            ("INC-2".to_string(), true, true),
        ];
        assert_eq!(flags(&kit), expected);
        let metrics = kit.compute(AS_OF);
        assert_eq!(metrics.summary.incidents_in_window, 1);
        assert_eq!(metrics.summary.repeat_incidents_in_window, 1);
        assert_eq!(metrics.summary.repeat_rate, Some(1.0));
        let control = &metrics.controls[0];
        assert_eq!((control.failures_total, control.failures_in_window), (2, 1));
        assert!(!control.recurring);
        assert_eq!(control.mean_days_between_failures, Some(106.0));
    }

    #[test]
    fn repeat_rate_is_none_without_incidents_in_the_window() {
        let cases = [
            Kit::default().control(control("CTL-A", "dana")),
            Kit::default()
                .control(control("CTL-A", "dana"))
                .incident(incident("INC-OLD", "CTL-A", "2024-01-01", &[Design])),
        ];
        for kit in cases {
            let summary = kit.compute(AS_OF).summary;
            assert_eq!(summary.incidents_in_window, 0);
            assert_eq!(summary.repeat_rate, None);
        }
    }

    #[test]
    fn recurring_controls_and_patterns_need_threshold_failures_in_window() {
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .control(control("CTL-B", "dana"))
            .control(control("CTL-C", "dana"))
            .incident(incident("A-0", "CTL-A", "2025-06-01", &[Design])) // outside the window
            .incident(incident("A-1", "CTL-A", "2026-01-01", &[Design]))
            .incident(incident("A-2", "CTL-A", "2026-03-01", &[Design, Operation]))
            .incident(incident("A-3", "CTL-A", "2026-06-01", &[Operation]))
            .incident(incident("B-1", "CTL-B", "2026-06-01", &[Approval]))
            .incident(incident("C-1", "CTL-C", "2026-06-01", &[Approval]))
            .incident(incident("C-2", "CTL-C", "2026-07-01", &[Approval]));
        let metrics = kit.compute(AS_OF);
        let rows: Vec<_> = metrics
            .controls
            .iter()
            .map(|c| {
                (
                    c.id.as_str(),
                    c.failures_total,
                    c.failures_in_window,
                    c.recurring,
                )
            })
            .collect();
        let expected = [
            ("CTL-A", 4, 3, true),
            ("CTL-B", 1, 1, false),
            ("CTL-C", 2, 2, true),
        ];
        assert_eq!(rows, expected);
        // CTL-A: 2025-06-01 -> 2026-06-01 is 365 days over 3 gaps.
        assert_eq!(
            metrics.controls[0].mean_days_between_failures,
            Some(365.0 / 3.0)
        );
        assert_eq!(metrics.controls[1].mean_days_between_failures, None);
        // CTL-C: 2026-06-01 -> 2026-07-01 = 30 days.
        assert_eq!(metrics.controls[2].mean_days_between_failures, Some(30.0));
        let patterns: Vec<_> = metrics
            .recurring_patterns
            .iter()
            .map(|p| (p.control.as_str(), p.origin, p.failures_in_window))
            .collect();
        let expected = [
            ("CTL-A", Design, 2),    // A-1, A-2 (A-0 is outside the window)
            ("CTL-A", Operation, 2),
            ("CTL-C", Approval, 2),
        ];
        assert_eq!(patterns, expected);
        assert_eq!(metrics.summary.recurring_controls, 2);
        assert_eq!(metrics.summary.recurring_patterns, 3);
    }

    #[test]
    fn retired_controls_count_like_active_ones() {
        let mut retired = control("CTL-OLD", "dana");
        retired.status = ControlStatus::Retired;
        let kit = Kit::default()
            .control(retired)
            .incident(incident("INC-1", "CTL-OLD", "2026-02-01", &[Design]))
            .incident(incident("INC-2", "CTL-OLD", "2026-03-01", &[Design]));
        let metrics = kit.compute(AS_OF);
        assert!(metrics.controls[0].recurring);
        assert_eq!(metrics.summary.controls, 1);
        assert_eq!(metrics.summary.recurring_controls, 1);
    }

    #[test]
    fn monthly_trend_has_all_24_months_ending_with_the_as_of_month() {
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .incident(incident(
                "INC-1",
                "CTL-A",
                "2026-11-01",
                &[Operation, Design],
            ))
            .incident(incident("INC-2", "CTL-A", "2024-12-01", &[Approval]))
            .incident(incident("INC-3", "CTL-A", "2024-11-30", &[Design])) // month 25 back
            .incident(incident("INC-4", "CTL-A", "2026-11-02", &[Design])); // after as_of
        let monthly = kit.compute(AS_OF).monthly;
        assert_eq!(monthly.len(), 24);
        let month = |month: &str, design, operation, approval| Monthly {
            month: month.to_string(),
            design,
            operation,
            approval,
        };
        assert_eq!(monthly.first(), Some(&month("2024-12", 0, 0, 1)));
        assert_eq!(monthly.last(), Some(&month("2026-11", 1, 1, 0)));
        assert_eq!(monthly.get(1), Some(&month("2025-01", 0, 0, 0)));
        let total: usize = monthly
            .iter()
            .map(|m| m.design + m.operation + m.approval)
            .sum();
        assert_eq!(total, 3);
    }

    #[test]
    fn monthly_failures_count_each_incident_once_in_its_month_of_the_trend() {
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .control(control("CTL-B", "dana"))
            .control(control("CTL-C", "dana"))
            // Two origins, still one failure of CTL-A in Nov 2026 (month 23 of 0..=23).
            .incident(incident("A-1", "CTL-A", "2026-11-01", &[Design, Operation]))
            .incident(incident("A-2", "CTL-A", "2026-11-01", &[Approval]))
            .incident(incident("A-3", "CTL-A", "2024-12-01", &[Design])) // month 0
            .incident(incident("A-4", "CTL-A", "2024-11-30", &[Design])) // before the trend
            .incident(incident("A-5", "CTL-A", "2026-11-02", &[Design])) // after as-of
            .incident(incident("A-6", "CTL-A", "2025-01-31", &[Operation])) // month 1
            // Dec 2024 + 18 months = Jun 2026.
            .incident(incident("B-1", "CTL-B", "2026-06-10", &[Design]));
        let metrics = kit.compute(AS_OF);
        let mut a = vec![0; 24];
        (a[0], a[1], a[23]) = (1, 1, 2);
        let mut b = vec![0; 24];
        b[18] = 1;
        let got: Vec<&[usize]> = metrics
            .controls
            .iter()
            .map(|c| c.monthly_failures.as_slice())
            .collect();
        assert_eq!(got, [a.as_slice(), b.as_slice(), &[0; 24]]);
        // `monthly` counts A-1 under both of its origins: 3 in Nov 2026 against 2 failures.
        let last = &metrics.monthly[23];
        assert_eq!(
            (
                last.month.as_str(),
                last.design + last.operation + last.approval
            ),
            ("2026-11", 3)
        );
    }

    #[test]
    fn controls_carry_their_review_due_date_and_the_last_day_not_overdue() {
        // 2026-05-05 + 180 days = 2026-11-01, so 05-04 + 180 = 10-31 and 05-03 + 180 = 10-30.
        let mut on_time = control("CTL-A", "dana");
        on_time.review = Some(review("2026-05-04", 180));
        let mut late = control("CTL-B", "dana");
        late.review = Some(review("2026-05-03", 180));
        let mut kit = Kit::default()
            .control(on_time)
            .control(late)
            .control(control("CTL-C", "dana"));
        kit.model.site.review_overdue_grace_days = 1;
        let metrics = kit.compute(AS_OF);
        let rows: Vec<_> = metrics
            .controls
            .iter()
            .map(|c| (c.review_due, c.review_overdue_after, c.review_overdue))
            .collect();
        let expected = [
            // due 10-31, one grace day: 11-01 is the last day not overdue, and it is as-of.
            (Some(day("2026-10-31")), Some(day("2026-11-01")), false),
            (Some(day("2026-10-30")), Some(day("2026-10-31")), true),
            (None, None, false),
        ];
        assert_eq!(rows, expected);
    }

    #[test]
    fn top_controls_list_at_most_ten_failing_controls_by_failures_then_id() {
        let mut kit = Kit::default();
        // C01..C11 fail once in the window; C05 twice and C12 three times (recurring at 2).
        for n in 1..=12 {
            let id = format!("C{n:02}");
            let failures = match n {
                5 => 2,
                12 => 3,
                _ => 1,
            };
            kit = kit.control(control(&id, "dana"));
            for f in 0..failures {
                let date = format!("2026-0{}-01", f + 1);
                kit = kit.incident(incident(&format!("{id}-{f}"), &id, &date, &[Design]));
            }
        }
        // C00 failed only before the window: not listed.
        kit = kit.control(control("C00", "dana")).incident(incident(
            "C00-0",
            "C00",
            "2025-01-01",
            &[Design],
        ));
        let top: Vec<_> = kit
            .compute(AS_OF)
            .top_controls
            .into_iter()
            .map(|t| (t.id, t.failures_in_window, t.recurring))
            .collect();
        let row = |id: &str, failures, recurring| (id.to_string(), failures, recurring);
        let mut expected = vec![row("C12", 3, true), row("C05", 2, true)];
        for id in ["C01", "C02", "C03", "C04", "C06", "C07", "C08", "C09"] {
            expected.push(row(id, 1, false));
        }
        assert_eq!(top, expected);
    }

    #[test]
    fn monthly_trend_wraps_into_the_previous_year() {
        let monthly = Kit::default().compute("2026-01-31").monthly;
        let months: Vec<&str> = monthly.iter().map(|m| m.month.as_str()).collect();
        assert_eq!(months.first(), Some(&"2024-02"));
        assert_eq!(months.get(22), Some(&"2025-12"));
        assert_eq!(months.last(), Some(&"2026-01"));
    }
}
