//! Exception aging: state, age, expiry, policy breaches, buckets and failures while open.

use std::collections::BTreeMap;

use crate::model::{Control, Day, Exception, ExceptionPolicy, Model};

use super::duties::{is_self_approval, is_self_approved, unauthorized_approvers};
use super::timeline::{is_open, Timeline};
use super::{
    AgeBucketCount, ExceptionMetrics, ExceptionState, FailureDuringException, GrantPeriodMetrics,
    Summary,
};

/// Age buckets from the configured upper bounds: `[30, 90]` gives `0-30`, `31-90`, `>90`.
pub(super) struct AgeBuckets {
    /// Upper bounds, ascending and without duplicates.
    bounds: Vec<i64>,
}

impl AgeBuckets {
    /// Buckets from `aging_buckets` (sorted defensively; validation owns the error).
    pub fn new(configured: &[i64]) -> AgeBuckets {
        let mut bounds = configured.to_vec();
        bounds.sort_unstable();
        bounds.dedup();
        AgeBuckets { bounds }
    }

    /// Every bucket's label, youngest first; one more than there are bounds.
    pub fn labels(&self) -> Vec<String> {
        (0..=self.bounds.len()).map(|i| self.label(i)).collect()
    }

    /// The bucket holding `age`: the first whose upper bound is >= age (age 30 is in `0-30`).
    pub fn index_of(&self, age: i64) -> usize {
        self.bounds.partition_point(|&upper| upper < age)
    }

    /// The label of the bucket holding `age`.
    pub fn label_of(&self, age: i64) -> String {
        self.label(self.index_of(age))
    }

    fn label(&self, index: usize) -> String {
        let previous = index.checked_sub(1).and_then(|i| self.bounds.get(i));
        let lower = previous.map_or(0, |upper| upper.saturating_add(1));
        match (self.bounds.get(index), previous) {
            (Some(upper), _) => format!("{lower}-{upper}"),
            (None, Some(last)) => format!(">{last}"),
            // No bounds configured: a single bucket holds every age.
            (None, None) => "0+".to_string(),
        }
    }
}

/// One entry per exception (every state, `future` included), sorted by id.
pub(super) fn compute_exceptions(
    model: &Model,
    as_of: Day,
    buckets: &AgeBuckets,
) -> Vec<ExceptionMetrics> {
    let policy = &model.site.exceptions;
    model
        .exceptions
        .values()
        .map(|exception| {
            let control = exception
                .control
                .as_deref()
                .and_then(|c| model.controls.get(c));
            compute_exception(exception, control, as_of, policy, buckets)
        })
        .collect()
}

fn compute_exception(
    exception: &Exception,
    control: Option<&Control>,
    as_of: Day,
    policy: &ExceptionPolicy,
    buckets: &AgeBuckets,
) -> ExceptionMetrics {
    let state = classify(exception, as_of, policy.expiring_soon_days);
    let open = state.is_open();
    let effective_expiry = exception.effective_expiry();
    let age_days = open.then(|| exception.granted.days_until(as_of));
    let days_to_expiry = effective_expiry
        .filter(|_| open)
        .map(|expiry| as_of.days_until(expiry));
    let periods = compute_periods(exception, policy.max_validity_days);
    ExceptionMetrics {
        id: exception.id.clone(),
        control: exception.control.clone(),
        approved_by: exception.latest_approver().map(str::to_string),
        state,
        age_days,
        days_to_expiry,
        age_bucket: age_days.map(|age| buckets.label_of(age)),
        // Permanent, or any period longer than the policy allows: a period without `expires`
        // is unbounded, which also covers the permanent case.
        over_policy: periods.iter().any(|period| period.over_policy),
        chronic: exception.renewals.len() >= 2,
        renewals: exception.renewals.len(),
        requested_by: exception.requested_by.clone(),
        periods,
        self_approved: is_self_approved(exception),
        unauthorized_approvers: unauthorized_approvers(exception, control)
            .into_iter()
            .map(str::to_string)
            .collect(),
        effective_expiry,
    }
}

/// Every grant period, the original first: its length, and whether it breaks the policy
/// (unbounded, or strictly longer than `max_validity_days`) or was approved by the requester.
fn compute_periods(exception: &Exception, max_validity_days: i64) -> Vec<GrantPeriodMetrics> {
    let requester = exception.requested_by.as_deref();
    exception
        .grant_periods()
        .map(|period| {
            let days = period
                .expires
                .map(|expires| period.granted.days_until(expires));
            GrantPeriodMetrics {
                granted: period.granted,
                expires: period.expires,
                approved_by: period.approved_by.map(str::to_string),
                days,
                over_policy: days.is_none_or(|days| days > max_validity_days),
                self_approved: is_self_approval(period.approved_by, requester),
            }
        })
        .collect()
}

/// The state on `as_of`; `future` wins over `closed` for a record closed before it was granted.
fn classify(exception: &Exception, as_of: Day, expiring_soon_days: i64) -> ExceptionState {
    if exception.granted > as_of {
        return ExceptionState::Future;
    }
    if !is_open(exception, as_of) {
        return ExceptionState::Closed;
    }
    match exception
        .effective_expiry()
        .map(|expiry| as_of.days_until(expiry))
    {
        None => ExceptionState::Permanent,
        Some(days) if days < 0 => ExceptionState::Expired,
        Some(days) if days <= expiring_soon_days => ExceptionState::ExpiringSoon,
        Some(_) => ExceptionState::Active,
    }
}

/// Open exceptions per key (control or latest approver); records without the key are skipped.
pub(super) fn count_open_by(
    exceptions: &[ExceptionMetrics],
    key: fn(&ExceptionMetrics) -> &Option<String>,
) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for exception in exceptions.iter().filter(|e| e.state.is_open()) {
        if let Some(id) = key(exception) {
            *counts.entry(id.clone()).or_insert(0) += 1;
        }
    }
    counts
}

/// Open exceptions per age bucket and state; every bucket is present, youngest first.
pub(super) fn compute_age_buckets(
    exceptions: &[ExceptionMetrics],
    buckets: &AgeBuckets,
) -> Vec<AgeBucketCount> {
    let mut counts: Vec<AgeBucketCount> = buckets
        .labels()
        .into_iter()
        .map(|bucket| AgeBucketCount {
            bucket,
            ..AgeBucketCount::default()
        })
        .collect();
    for exception in exceptions {
        let Some(age) = exception.age_days else {
            continue;
        };
        let Some(count) = counts.get_mut(buckets.index_of(age)) else {
            continue;
        };
        match exception.state {
            ExceptionState::Active => count.active += 1,
            ExceptionState::ExpiringSoon => count.expiring_soon += 1,
            ExceptionState::Expired => count.expired += 1,
            ExceptionState::Permanent => count.permanent += 1,
            ExceptionState::Closed | ExceptionState::Future => {}
        }
    }
    counts
}

/// The exception figures of the summary; every count is of open exceptions only.
pub(super) fn summarize_exceptions(exceptions: &[&ExceptionMetrics]) -> Summary {
    let open: Vec<&ExceptionMetrics> = (exceptions.iter().copied())
        .filter(|e| e.state.is_open())
        .collect();
    let count = |wanted: &dyn Fn(&ExceptionMetrics) -> bool| {
        open.iter().filter(|exception| wanted(exception)).count()
    };
    Summary {
        open_exceptions: open.len(),
        expired_exceptions: count(&|e| e.state == ExceptionState::Expired),
        permanent_exceptions: count(&|e| e.state == ExceptionState::Permanent),
        expiring_soon_exceptions: count(&|e| e.state == ExceptionState::ExpiringSoon),
        over_policy_exceptions: count(&|e| e.over_policy),
        chronic_exceptions: count(&|e| e.chronic),
        median_open_exception_age_days: median(open.iter().filter_map(|e| e.age_days).collect()),
        ..Summary::default()
    }
}

/// The median; the mean of the two middle values for an even count; `None` when empty.
fn median(mut values: Vec<i64>) -> Option<f64> {
    values.sort_unstable();
    let middle = values.len() / 2;
    let upper = *values.get(middle)? as f64;
    if values.len() % 2 == 1 {
        return Some(upper);
    }
    let lower = *values.get(middle.checked_sub(1)?)? as f64;
    Some((lower + upper) / 2.0)
}

/// Exception id -> the failures of its control dated while it was open
/// (granted <= date <= as_of, and not after `closed`), each with the approver then in force.
pub(super) fn compute_failures_during(
    model: &Model,
    timeline: &Timeline,
) -> BTreeMap<String, Vec<FailureDuringException>> {
    model
        .exceptions
        .values()
        .map(|exception| (exception.id.clone(), failures_during(exception, timeline)))
        .collect()
}

fn failures_during(exception: &Exception, timeline: &Timeline) -> Vec<FailureDuringException> {
    let Some(control) = exception.control.as_deref() else {
        return Vec::new();
    };
    let failures = timeline.of_control(control);
    // The timeline is sorted by date: skip to the grant, stop after the closing day.
    let start = failures.partition_point(|incident| incident.date < exception.granted);
    failures
        .iter()
        .skip(start)
        .take_while(|incident| {
            exception
                .closed
                .is_none_or(|closed| incident.date <= closed)
        })
        .map(|incident| FailureDuringException {
            incident: incident.id.clone(),
            date: incident.date,
            approver: exception.approver_on(incident.date).map(str::to_string),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{median, AgeBuckets};
    use crate::metrics::testkit::*;
    use crate::metrics::{
        AgeBucketCount, ExceptionState, FailureDuringException, GrantPeriodMetrics,
    };
    use crate::model::Renewal;

    use ExceptionState::{Active, Closed, Expired, ExpiringSoon, Future, Permanent};

    #[test]
    fn age_buckets_include_their_upper_bound() {
        let default = AgeBuckets::new(&[30, 90, 180, 365]);
        let cases = [
            (0, "0-30"),
            (30, "0-30"),
            (31, "31-90"),
            (90, "31-90"),
            (91, "91-180"),
            (181, "181-365"),
            (365, "181-365"),
            (366, ">365"),
        ];
        for (age, label) in cases {
            assert_eq!(default.label_of(age), label, "age {age}");
        }
        assert_eq!(
            default.labels(),
            ["0-30", "31-90", "91-180", "181-365", ">365"]
        );
        assert_eq!(AgeBuckets::new(&[14, 7]).labels(), ["0-7", "8-14", ">14"]);
        assert_eq!(AgeBuckets::new(&[]).labels(), ["0+"]);
    }

    #[test]
    fn exception_state_age_and_expiry_follow_the_as_of_date() {
        // (id, granted, expires, closed, state, age_days, days_to_expiry, bucket)
        #[rustfmt::skip]
        let cases = [
            // closed on the as-of date: closed, not open
            ("E1", "2026-10-01", Some("2026-12-01"), Some("2026-11-01"), Closed, None, None, None),
            // closed the day after: open; Oct 1 -> Nov 1 = 31 days; Nov 1 -> Dec 1 = 30
            ("E2", "2026-10-01", Some("2026-12-01"), Some("2026-11-02"), ExpiringSoon, Some(31), Some(30), Some("31-90")),
            // expires on the as-of date: 0 days left is expiring soon; age 30
            ("E3", "2026-10-02", Some("2026-11-01"), None, ExpiringSoon, Some(30), Some(0), Some("0-30")),
            // Aug 1 -> Nov 1 = 31 + 30 + 31 = 92; expired Oct 20, 12 days ago
            ("E4", "2026-08-01", Some("2026-10-20"), None, Expired, Some(92), Some(-12), Some("91-180")),
            // Nov 1 -> Jan 1 = 30 + 31 = 61 > 30
            ("E5", "2026-10-15", Some("2027-01-01"), None, Active, Some(17), Some(61), Some("0-30")),
            ("E6", "2026-10-15", Some("2026-12-02"), None, Active, Some(17), Some(31), Some("0-30")),
            // 365 (2025) + 304 (Jan..Oct 2026) = 669
            ("E7", "2025-01-01", None, None, Permanent, Some(669), None, Some(">365")),
            ("E8", "2026-11-02", Some("2026-12-01"), None, Future, None, None, None),
            ("E9", "2025-11-01", Some("2027-01-01"), None, Active, Some(365), Some(61), Some("181-365")),
            ("EA", "2025-10-31", Some("2027-01-01"), None, Active, Some(366), Some(61), Some(">365")),
        ];
        let mut kit = Kit::default().control(control("CTL-A", "dana"));
        for (id, granted, expires, closed, ..) in cases {
            let mut exc = exception(id, "CTL-A", "maria", granted, expires);
            exc.closed = closed.map(day);
            kit = kit.exception(exc);
        }
        let metrics = kit.compute(AS_OF);
        assert_eq!(metrics.exceptions.len(), cases.len());
        for ((id, .., state, age, to_expiry, bucket), got) in cases.iter().zip(&metrics.exceptions)
        {
            assert_eq!(&got.id, id);
            assert_eq!(got.state, *state, "{id} state");
            assert_eq!(got.age_days, *age, "{id} age");
            assert_eq!(got.days_to_expiry, *to_expiry, "{id} days to expiry");
            assert_eq!(got.age_bucket.as_deref(), *bucket, "{id} bucket");
        }
    }

    #[test]
    fn summary_counts_only_open_exceptions() {
        // Open: E2 (31, soon), E3 (30, soon), E4 (92, expired), E5 (17), E7 (669, permanent),
        // E9 (365); E1 is closed and E8 future, so neither counts even though E8 is permanent.
        #[rustfmt::skip]
        let records = [
            ("E1", "maria", "2026-10-01", Some("2026-12-01"), Some("2026-11-01")),
            ("E2", "maria", "2026-10-01", Some("2026-12-01"), Some("2026-11-02")),
            ("E3", "maria", "2026-10-02", Some("2026-11-01"), None),
            ("E4", "maria", "2026-08-01", Some("2026-10-20"), None),
            ("E5", "lee", "2026-10-15", Some("2027-01-01"), None),
            ("E7", "lee", "2025-01-01", None, None),
            ("E8", "lee", "2026-11-02", None, None),
            ("E9", "maria", "2025-11-01", Some("2027-01-01"), None),
        ];
        let mut kit = Kit::default().control(control("CTL-A", "dana"));
        for (id, approver, granted, expires, closed) in records {
            let mut exc = exception(id, "CTL-A", approver, granted, expires);
            exc.closed = closed.map(day);
            kit = kit.exception(exc);
        }
        let metrics = kit.compute(AS_OF);
        let summary = &metrics.summary;
        assert_eq!(summary.open_exceptions, 6);
        assert_eq!(summary.expired_exceptions, 1);
        assert_eq!(summary.permanent_exceptions, 1);
        assert_eq!(summary.expiring_soon_exceptions, 2);
        // E7 (permanent) and E9 (2025-11-01 -> 2027-01-01 = 426 days > 90).
        assert_eq!(summary.over_policy_exceptions, 2);
        // Ages 17, 30, 31, 92, 365, 669: (31 + 92) / 2.
        assert_eq!(summary.median_open_exception_age_days, Some(61.5));
        let by_approver: Vec<_> = metrics.open_exceptions_by_approver.into_iter().collect();
        assert_eq!(
            by_approver,
            [("lee".to_string(), 2), ("maria".to_string(), 4)]
        );
        let by_control: Vec<_> = metrics.open_exceptions_by_control.into_iter().collect();
        assert_eq!(by_control, [("CTL-A".to_string(), 6)]);
        assert_eq!(metrics.controls[0].open_exceptions, 6);
        let bucket = |bucket: &str, active, expiring_soon, expired, permanent| AgeBucketCount {
            bucket: bucket.to_string(),
            active,
            expiring_soon,
            expired,
            permanent,
        };
        let expected = [
            bucket("0-30", 1, 1, 0, 0),    // E5, E3
            bucket("31-90", 0, 1, 0, 0),   // E2
            bucket("91-180", 0, 0, 1, 0),  // E4
            bucket("181-365", 1, 0, 0, 0), // E9
            bucket(">365", 0, 0, 0, 1),    // E7
        ];
        assert_eq!(metrics.age_buckets, expected);
    }

    #[test]
    fn future_exception_is_listed_but_left_out_of_every_count() {
        let mut future = exception("EXC-F", "CTL-A", "maria", "2026-12-01", None);
        future.requested_by = Some("maria".to_string());
        let kit = Kit::default()
            .people(&["maria"])
            .control(control("CTL-A", "dana"))
            .exception(future);
        let metrics = kit.compute(AS_OF);
        let listed = &metrics.exceptions[0];
        assert_eq!(listed.state, Future);
        assert!(listed.over_policy);
        assert_eq!((listed.age_days, listed.days_to_expiry), (None, None));
        let summary = &metrics.summary;
        let counts = [
            summary.open_exceptions,
            summary.permanent_exceptions,
            summary.over_policy_exceptions,
            summary.self_approved_exceptions,
            metrics.controls[0].open_exceptions,
        ];
        assert_eq!(counts, [0; 5]);
        assert_eq!(summary.median_open_exception_age_days, None);
        assert!(metrics.open_exceptions_by_control.is_empty());
        assert!(metrics.open_exceptions_by_approver.is_empty());
        assert!(metrics.gaps.is_empty());
        assert_eq!(metrics.age_buckets.len(), 5);
        let empty = |b: &AgeBucketCount| (b.active, b.expiring_soon, b.expired, b.permanent);
        assert!(metrics.age_buckets.iter().all(|b| empty(b) == (0, 0, 0, 0)));
    }

    #[test]
    fn median_takes_the_mean_of_the_two_middle_values_for_an_even_count() {
        let cases: [(Vec<i64>, Option<f64>); 5] = [
            (vec![], None),
            (vec![5], Some(5.0)),
            (vec![40, 10, 100], Some(40.0)),
            (vec![40, 10, 100, 200], Some(70.0)),
            (vec![1, 2], Some(1.5)),
        ];
        for (values, expected) in cases {
            assert_eq!(median(values.clone()), expected, "{values:?}");
        }
    }

    #[test]
    fn median_open_age_ignores_closed_and_future_exceptions() {
        // Ages: 2026-10-22 -> 10, 2026-09-22 -> 40, 2026-07-24 -> 8 + 92 = 100.
        let mut closed = exception("E-CLOSED", "CTL-A", "maria", "2020-01-01", None);
        closed.closed = Some(day("2021-01-01"));
        let base = Kit::default()
            .control(control("CTL-A", "dana"))
            .exception(exception(
                "E-10",
                "CTL-A",
                "maria",
                "2026-10-22",
                Some("2026-12-01"),
            ))
            .exception(exception(
                "E-40",
                "CTL-A",
                "maria",
                "2026-09-22",
                Some("2026-12-01"),
            ))
            .exception(closed)
            .exception(exception("E-FUT", "CTL-A", "maria", "2027-01-01", None));
        let even = base.compute(AS_OF).summary.median_open_exception_age_days;
        assert_eq!(even, Some(25.0));
        let odd = base
            .exception(exception(
                "E-100",
                "CTL-A",
                "maria",
                "2026-07-24",
                Some("2026-12-01"),
            ))
            .compute(AS_OF);
        assert_eq!(odd.summary.median_open_exception_age_days, Some(40.0));
    }

    #[test]
    fn renewal_chain_extends_expiry_and_changes_the_approver() {
        // Original 2026-01-01 -> 03-01 (59 days); lee 03-01 -> 06-01 (31 + 30 + 31 = 92 > 90);
        // maria 06-01 -> 08-30 (30 + 31 + 29 = 90).
        let mut exc = exception("EXC-R", "CTL-A", "maria", "2026-01-01", Some("2026-03-01"));
        exc.renewals = vec![
            renewal("lee", "2026-03-01", "2026-06-01"),
            renewal("maria", "2026-06-01", "2026-08-30"),
        ];
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .exception(exc)
            .incident(incident("INC-0", "CTL-A", "2025-12-31", &[Design])) // before the grant
            .incident(incident("INC-1", "CTL-A", "2026-04-15", &[Approval]))
            .incident(incident("INC-2", "CTL-A", "2026-06-01", &[Approval]))
            .incident(incident("INC-3", "CTL-A", "2026-11-02", &[Approval])) // after as_of
            .incident(incident("INC-X", "CTL-B", "2026-04-15", &[Approval])); // other control
        let metrics = kit.compute(AS_OF);
        let got = &metrics.exceptions[0];
        assert_eq!(got.effective_expiry, Some(day("2026-08-30")));
        assert_eq!(got.approved_by.as_deref(), Some("maria"));
        assert_eq!(
            (got.renewals, got.chronic, got.over_policy),
            (2, true, true)
        );
        // Aug 30 -> Nov 1 = 2 + 30 + 31 = 63 days ago; Jan 1 -> Nov 1 = 304 days old.
        assert_eq!(got.state, Expired);
        assert_eq!((got.days_to_expiry, got.age_days), (Some(-63), Some(304)));
        assert_eq!(got.age_bucket.as_deref(), Some("181-365"));
        assert_eq!(metrics.summary.chronic_exceptions, 1);
        let failure = |incident: &str, date: &str, approver: &str| FailureDuringException {
            incident: incident.to_string(),
            date: day(date),
            approver: Some(approver.to_string()),
        };
        let during = metrics.failures_during_exception.get("EXC-R");
        let expected = vec![
            failure("INC-1", "2026-04-15", "lee"),
            failure("INC-2", "2026-06-01", "maria"),
        ];
        assert_eq!(during, Some(&expected));
    }

    #[test]
    fn periods_list_every_grant_with_its_length_policy_and_self_approval() {
        // maria 2026-01-01 -> 04-01 = 31 + 28 + 31 = 90 days (the maximum: within policy);
        // ravi, the requester, 04-01 -> 07-01 = 30 + 31 + 30 = 91 days; lee with no expiry.
        let mut exc = exception("EXC-P", "CTL-A", "maria", "2026-01-01", Some("2026-04-01"));
        exc.requested_by = Some("ravi".to_string());
        exc.renewals = vec![
            renewal("ravi", "2026-04-01", "2026-07-01"),
            Renewal {
                approved_by: "lee".to_string(),
                granted: day("2026-07-01"),
                expires: None,
            },
        ];
        // Neither an approver nor a requester: nobody approved their own request.
        let mut bare = exception("EXC-Q", "CTL-A", "maria", "2026-01-01", Some("2026-02-01"));
        (bare.approved_by, bare.requested_by) = (None, None);
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .exception(exc)
            .exception(bare);
        let metrics = kit.compute(AS_OF);
        let period = |granted: &str, expires: Option<&str>, by: Option<&str>, days, over, own| {
            GrantPeriodMetrics {
                granted: day(granted),
                expires: expires.map(day),
                approved_by: by.map(str::to_string),
                days,
                over_policy: over,
                self_approved: own,
            }
        };
        let got = &metrics.exceptions[0];
        assert_eq!(got.requested_by.as_deref(), Some("ravi"));
        let expected = vec![
            period(
                "2026-01-01",
                Some("2026-04-01"),
                Some("maria"),
                Some(90),
                false,
                false,
            ),
            period(
                "2026-04-01",
                Some("2026-07-01"),
                Some("ravi"),
                Some(91),
                true,
                true,
            ),
            period("2026-07-01", None, Some("lee"), None, true, false),
        ];
        assert_eq!(got.periods, expected);
        assert!(got.over_policy);
        let bare = &metrics.exceptions[1];
        assert_eq!(bare.requested_by, None);
        let expected = vec![period(
            "2026-01-01",
            Some("2026-02-01"),
            None,
            Some(31),
            false,
            false,
        )];
        assert_eq!(bare.periods, expected);
        assert!(!bare.over_policy);
    }

    #[test]
    fn over_policy_when_any_grant_period_is_longer_than_the_maximum() {
        let unbounded = |approved_by: &str, granted: &str| Renewal {
            approved_by: approved_by.to_string(),
            granted: day(granted),
            expires: None,
        };
        // (original expiry, renewals, over_policy); every original is granted 2026-01-01.
        let cases = [
            (Some("2026-04-01"), vec![], false), // 31 + 28 + 31 = 90 days
            (Some("2026-04-02"), vec![], true),  // 91 days
            (None, vec![], true),                // permanent
            (
                Some("2026-04-01"),
                vec![renewal("lee", "2026-04-01", "2026-07-01")],
                true,
            ), // 91
            (
                Some("2026-04-01"),
                vec![renewal("lee", "2026-04-01", "2026-06-30")],
                false,
            ), // 90
            (None, vec![renewal("lee", "2026-04-01", "2026-06-30")], true), // unbounded original
            (
                Some("2026-04-01"),
                vec![unbounded("lee", "2026-04-01")],
                true,
            ),
        ];
        for (expires, renewals, over_policy) in cases {
            let mut exc = exception("EXC-1", "CTL-A", "maria", "2026-01-01", expires);
            exc.renewals = renewals;
            exc.closed = Some(day("2026-10-01"));
            let metrics = Kit::default().exception(exc).compute(AS_OF);
            let got = &metrics.exceptions[0];
            assert_eq!(
                got.over_policy, over_policy,
                "{expires:?} {:?}",
                got.effective_expiry
            );
            assert!(!got.chronic);
        }
    }

    #[test]
    fn failures_during_an_exception_stop_on_the_closing_day() {
        let mut exc = exception("EXC-C", "CTL-A", "maria", "2026-02-01", Some("2026-06-01"));
        exc.closed = Some(day("2026-05-01"));
        let mut no_control = exception("EXC-N", "CTL-A", "maria", "2026-02-01", None);
        no_control.control = None;
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .exception(exc)
            .exception(no_control)
            .exception(exception("EXC-F", "CTL-A", "maria", "2026-12-01", None))
            .incident(incident("INC-1", "CTL-A", "2026-02-01", &[Design])) // the grant day
            .incident(incident("INC-2", "CTL-A", "2026-05-01", &[Design])) // the closing day
            .incident(incident("INC-3", "CTL-A", "2026-05-02", &[Design]));
        let during = kit.compute(AS_OF).failures_during_exception;
        let ids = |id: &str| -> Vec<String> {
            let list = during.get(id).cloned().unwrap_or_default();
            list.into_iter().map(|f| f.incident).collect()
        };
        assert_eq!(ids("EXC-C"), ["INC-1", "INC-2"]);
        assert!(ids("EXC-N").is_empty());
        assert!(ids("EXC-F").is_empty());
    }
}
