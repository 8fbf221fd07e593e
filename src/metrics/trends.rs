//! The month-end trend: exceptions, recurring controls and actions as they stood on the last
//! day of each month of the trend (the as-of date for as-of's own month).
//!
//! Computed in one pass over the records, never by recomputing the metrics per month: each
//! record adds the run of month ends over which it counts (found by binary search over the 24
//! days) to a difference array, and each control's failures, already in date order, are
//! counted in the window ending at each day with two binary searches.

use std::ops::Range;

use crate::model::{Action, Day, Exception, Model};

use super::timeline::{Timeline, TREND_MONTHS};
use super::MonthEnd;

/// The days of the trend's month ends, oldest first: the last day of each month, and as-of
/// itself for as-of's month.
pub(super) fn month_end_days(timeline: &Timeline) -> Vec<Day> {
    let first = timeline.trend_start();
    (1..=TREND_MONTHS)
        .map(|next| match next {
            TREND_MONTHS => timeline.as_of,
            _ => first.month_start_offset(next).add_days(-1),
        })
        .collect()
}

/// One count per month end, added to one run of days at a time.
struct Counts {
    /// `delta[i]` is how much the count changes from day `i - 1` to day `i`.
    delta: Vec<i64>,
}

impl Counts {
    fn new(days: usize) -> Counts {
        Counts {
            delta: vec![0; days + 1],
        }
    }

    /// Counts one record on the days at positions `run`.
    fn add(&mut self, run: Range<usize>) {
        if run.start < run.end {
            self.delta[run.start] += 1;
            self.delta[run.end] -= 1;
        }
    }

    /// The count on each day.
    fn totals(&self) -> Vec<usize> {
        let mut running = 0i64;
        let days = self.delta.len() - 1;
        self.delta[..days]
            .iter()
            .map(|change| {
                running += change;
                usize::try_from(running).unwrap_or(0)
            })
            .collect()
    }
}

/// The position of the first day on or after `day`.
fn first_from(days: &[Day], day: Day) -> usize {
    days.partition_point(|&d| d < day)
}

/// The position of the first day after `day`.
fn first_after(days: &[Day], day: Day) -> usize {
    days.partition_point(|&d| d <= day)
}

/// The positions from `start` on, before `end` (`None`: to the last day).
fn run(days: &[Day], start: usize, end: Option<usize>) -> Range<usize> {
    start..end.unwrap_or(days.len()).max(start)
}

/// `month_end[]`: one entry per month of the trend, oldest first.
pub(super) fn compute_month_end(model: &Model, timeline: &Timeline) -> Vec<MonthEnd> {
    let days = month_end_days(timeline);
    let (open, expired, permanent) = exception_counts(model, &days);
    let recurring = recurring_counts(model, timeline, &days);
    let (open_actions, overdue_actions) = action_counts(model, timeline.as_of, &days);
    let months = timeline.trend_months();
    (0..days.len())
        .map(|i| MonthEnd {
            month: months.get(i).cloned().unwrap_or_default(),
            date: days[i],
            open_exceptions: open[i],
            expired_exceptions: expired[i],
            permanent_exceptions: permanent[i],
            recurring_controls: recurring[i],
            open_actions: open_actions[i],
            overdue_actions: overdue_actions[i],
        })
        .collect()
}

/// Open, expired and permanent exceptions on each day.
fn exception_counts(model: &Model, days: &[Day]) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let mut open = Counts::new(days.len());
    let mut expired = Counts::new(days.len());
    let mut permanent = Counts::new(days.len());
    for exception in model.exceptions.values() {
        // Open from `granted` until the day it was closed.
        let closed = exception.closed.map(|closed| first_from(days, closed));
        let open_run = run(days, first_from(days, exception.granted), closed);
        open.add(open_run.clone());
        for (in_force, expires) in periods_in_force(exception, days) {
            let open_in_force = intersect(&open_run, &in_force);
            match expires {
                None => permanent.add(open_in_force),
                // Expired on the days after `expires`.
                Some(expires) => {
                    let lapsed = run(days, first_after(days, expires), None);
                    expired.add(intersect(&open_in_force, &lapsed));
                }
            }
        }
    }
    (open.totals(), expired.totals(), permanent.totals())
}

/// Each grant period's days in force (from its `granted` until the next period's) with its
/// `expires`. Renewals are in date order (validation); out of order, a period's run is empty.
fn periods_in_force(exception: &Exception, days: &[Day]) -> Vec<(Range<usize>, Option<Day>)> {
    let starts: Vec<(Day, Option<Day>)> = std::iter::once((exception.granted, exception.expires))
        .chain(exception.renewals.iter().map(|r| (r.granted, r.expires)))
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &(granted, expires))| {
            let next = starts.get(i + 1).map(|&(next, _)| first_from(days, next));
            (run(days, first_from(days, granted), next), expires)
        })
        .collect()
}

/// The positions in both runs.
fn intersect(a: &Range<usize>, b: &Range<usize>) -> Range<usize> {
    let start = a.start.max(b.start);
    start..a.end.min(b.end).max(start)
}

/// Controls with `threshold` or more failures in the window ending on each day.
fn recurring_counts(model: &Model, timeline: &Timeline, days: &[Day]) -> Vec<usize> {
    let threshold = model.site.recurrence.threshold;
    let mut counts = vec![0; days.len()];
    for control in model.controls.keys() {
        let dates: Vec<Day> = timeline
            .of_control(control)
            .iter()
            .map(|i| i.date)
            .collect();
        for (count, &day) in counts.iter_mut().zip(days) {
            if failures_in_window(&dates, day, timeline.window_days) >= threshold {
                *count += 1;
            }
        }
    }
    counts
}

/// How many of `dates` (ascending) lie in the window `day - window_days < d <= day`.
fn failures_in_window(dates: &[Day], day: Day, window_days: i64) -> usize {
    // Compared as day counts so a huge `window_days` cannot overflow the calendar.
    let too_old = dates.partition_point(|d| d.days_until(day) >= window_days);
    let up_to_day = dates.partition_point(|&d| d <= day);
    up_to_day.saturating_sub(too_old)
}

/// Open and overdue remediation actions on each day, of incidents and reviews up to as-of.
fn action_counts(model: &Model, as_of: Day, days: &[Day]) -> (Vec<usize>, Vec<usize>) {
    let incidents = model.incidents.values().map(|i| (i.date, &i.actions));
    let reviews = model.reviews.values().map(|r| (r.date, &r.actions));
    let mut open = Counts::new(days.len());
    let mut overdue = Counts::new(days.len());
    for (recorded, actions) in incidents.chain(reviews) {
        if recorded > as_of {
            continue;
        }
        for action in actions {
            let (open_run, overdue_run) = action_runs(action, recorded, days);
            open.add(open_run);
            overdue.add(overdue_run);
        }
    }
    (open.totals(), overdue.totals())
}

/// The days an action is open (from its record's date until it was done) and overdue (open
/// and after its `due`).
fn action_runs(action: &Action, recorded: Day, days: &[Day]) -> (Range<usize>, Range<usize>) {
    let done = action.done.map(|done| first_from(days, done));
    let open = run(days, first_from(days, recorded), done);
    let overdue = match action.due {
        Some(due) => intersect(&open, &run(days, first_after(days, due), None)),
        None => 0..0,
    };
    (open, overdue)
}

#[cfg(test)]
mod tests {
    use super::failures_in_window;
    use crate::metrics::testkit::*;
    use crate::metrics::MonthEnd;

    /// 24 counts, zero except `value` at the positions of each run. Position 0 is
    /// 2024-12-31, 1 is 2025-01-31 ... 12 is 2025-12-31, 13 is 2026-01-31 ... 22 is
    /// 2026-10-31, and 23 is the as-of date 2026-11-01.
    fn points(runs: &[(std::ops::RangeInclusive<usize>, usize)]) -> Vec<usize> {
        let mut counts = vec![0; 24];
        for (run, value) in runs {
            for i in run.clone() {
                counts[i] += value;
            }
        }
        counts
    }

    fn column(rows: &[MonthEnd], f: fn(&MonthEnd) -> usize) -> Vec<usize> {
        rows.iter().map(f).collect()
    }

    /// The small estate the month-end definitions are worked through by hand below.
    fn trend_kit() -> Kit {
        let mut a = exception("EXC-A", "CTL-X", "maria", "2025-01-15", Some("2025-03-15"));
        a.closed = Some(day("2025-05-10"));
        let b = exception("EXC-B", "CTL-X", "maria", "2026-01-31", None);
        let mut c = exception("EXC-C", "CTL-Y", "maria", "2025-06-01", Some("2025-08-31"));
        c.renewals = vec![renewal("maria", "2025-10-10", "2026-02-28")];
        c.closed = Some(day("2026-04-30"));
        let future = exception("EXC-D", "CTL-Y", "maria", "2026-11-02", None);
        let e = exception("EXC-E", "CTL-Y", "maria", "2026-10-15", Some("2026-10-31"));
        let mut f = exception("EXC-F", "CTL-Z", "maria", "2024-06-01", Some("2024-09-01"));
        let mut to_permanent = renewal("maria", "2024-09-01", "2024-12-01");
        to_permanent.expires = None;
        f.renewals = vec![to_permanent];
        f.closed = Some(day("2025-02-01"));

        let mut x1 = incident("INC-X1", "CTL-X", "2025-03-31", &[Design]);
        x1.actions = vec![action("a1", "dana", Some("2025-05-15"), Some("2025-07-31"))];
        let mut x2 = incident("INC-X2", "CTL-X", "2025-12-20", &[Design]);
        x2.actions = vec![action("a2", "dana", None, None)];
        let mut x3 = incident("INC-X3", "CTL-X", "2026-04-01", &[Operation]);
        x3.actions = vec![action("a3", "dana", Some("2026-05-01"), Some("2026-05-31"))];
        let mut late = incident("INC-Y3", "CTL-Y", "2026-11-05", &[Design]);
        late.actions = vec![action("late", "dana", Some("2026-11-06"), None)];
        let mut rev = defect_review("REV-1", "CTL-X", Design, "2026-06-15");
        rev.actions = vec![action("fix", "dana", Some("2026-10-31"), None)];

        Kit::default()
            .control(control("CTL-X", "dana"))
            .control(control("CTL-Y", "dana"))
            .control(control("CTL-Z", "dana"))
            .exception(a)
            .exception(b)
            .exception(c)
            .exception(future)
            .exception(e)
            .exception(f)
            .incident(x1)
            .incident(x2)
            .incident(x3)
            .incident(incident("INC-Y1", "CTL-Y", "2026-10-31", &[Design]))
            .incident(incident("INC-Y2", "CTL-Y", "2026-11-01", &[Approval]))
            .incident(late)
            .review(rev)
    }

    #[test]
    fn month_ends_are_the_last_days_of_the_24_months_and_then_as_of() {
        let rows = trend_kit().compute(AS_OF).month_end;
        let dates: Vec<String> = rows.iter().map(|r| r.date.to_string()).collect();
        assert_eq!(dates.len(), 24);
        assert_eq!(dates[0], "2024-12-31");
        assert_eq!(dates[2], "2025-02-28");
        assert_eq!(dates[14], "2026-02-28");
        assert_eq!(dates[22], "2026-10-31");
        // as-of's month ends on as-of, not on 2026-11-30.
        assert_eq!(dates[23], "2026-11-01");
        assert_eq!(rows[23].month, "2026-11");
        // A leap year's February ends on the 29th.
        let leap = trend_kit().compute("2024-03-15").month_end;
        assert_eq!(leap[22].date, day("2024-02-29"));
        assert_eq!(leap[23].date, day("2024-03-15"));
    }

    #[test]
    fn exceptions_at_each_month_end_follow_the_hand_count() {
        let rows = trend_kit().compute(AS_OF).month_end;
        // Open = granted <= D and closed absent or > D:
        //   EXC-F 2024-06-01..closed 2025-02-01: Dec 2024 (0), Jan 2025 (1).
        //   EXC-A 2025-01-15..closed 2025-05-10: Jan (1), Feb (2), Mar (3), Apr (4) 2025.
        //   EXC-C 2025-06-01..closed 2026-04-30 (closed on the month end: not open then):
        //     Jun 2025 (6) .. Mar 2026 (15).
        //   EXC-B granted 2026-01-31, a month end, counts that day: 13 ..= 23.
        //   EXC-E granted 2026-10-15: Oct 2026 (22), as-of (23).
        //   EXC-D is granted 2026-11-02, after every point: never.
        let open = points(&[
            (0..=1, 1),
            (1..=4, 1),
            (6..=15, 1),
            (13..=23, 1),
            (22..=23, 1),
        ]);
        assert_eq!(column(&rows, |r| r.open_exceptions), open);
        // Expired = open and the period in force at D expires before D:
        //   EXC-A expires 2025-03-15: Mar 31 (3), Apr 30 (4).
        //   EXC-C's original expires 2025-08-31: on Aug 31 (8) not yet (0 days left), Sep 30
        //     (9) expired; the renewal granted 2025-10-10 is in force from Oct 31 (10) and
        //     expires 2026-02-28: Feb 28 (14) not yet, Mar 31 (15) expired.
        //   EXC-E expires 2026-10-31: not on Oct 31 (22), expired on as-of (23).
        let expired = points(&[(3..=4, 1), (9..=9, 1), (15..=15, 1), (23..=23, 1)]);
        assert_eq!(column(&rows, |r| r.expired_exceptions), expired);
        // Permanent = open and the period in force has no expires:
        //   EXC-F's renewal of 2024-09-01 has none: 0, 1. EXC-B has none: 13 ..= 23.
        let permanent = points(&[(0..=1, 1), (13..=23, 1)]);
        assert_eq!(column(&rows, |r| r.permanent_exceptions), permanent);
    }

    #[test]
    fn recurring_controls_at_each_month_end_use_the_window_ending_that_day() {
        let rows = trend_kit().compute(AS_OF).month_end;
        // Threshold 2, window 365 days: D - 365 < d <= D.
        //   CTL-X fails 2025-03-31, 2025-12-20, 2026-04-01:
        //     Dec 31 2025 (12), Jan 31 (13), Feb 28 2026 (14): 2025-03-31 is 275, 306, 334
        //     days back, inside; 2 failures -> recurring.
        //     Mar 31 2026 (15): 2025-03-31 is exactly 365 days back, outside; 1 -> not.
        //     Apr 30 2026 (16) .. as-of (23): 2025-12-20 and 2026-04-01 -> recurring.
        //   CTL-Y fails 2026-10-31 and 2026-11-01 (2026-11-05 is after as-of): only on
        //     as-of (23) are both in the window.
        //   CTL-Z never fails.
        let recurring = points(&[(12..=14, 1), (16..=23, 1), (23..=23, 1)]);
        assert_eq!(column(&rows, |r| r.recurring_controls), recurring);
    }

    #[test]
    fn actions_at_each_month_end_count_from_their_records_date() {
        let rows = trend_kit().compute(AS_OF).month_end;
        // Open = record dated <= D and done absent or > D:
        //   a1 (INC-X1 2025-03-31, done 2025-07-31): Mar (3), Apr (4), May (5), Jun (6) 2025.
        //   a2 (INC-X2 2025-12-20, never done): Dec 2025 (12) ..= as-of (23).
        //   a3 (INC-X3 2026-04-01, done 2026-05-31, on the month end): Apr 2026 (16) only.
        //   REV-1's action (review 2026-06-15, not done): Jun 2026 (18) ..= as-of (23).
        //   INC-Y3's action: its incident is after as-of, never.
        let open = points(&[(3..=6, 1), (12..=23, 1), (16..=16, 1), (18..=23, 1)]);
        assert_eq!(column(&rows, |r| r.open_actions), open);
        // Overdue = open and due < D:
        //   a1 due 2025-05-15: May 31 (5), Jun 30 (6). a2 has no due. a3 due 2026-05-01 is
        //   done by the May month end. REV-1's due 2026-10-31: not on Oct 31 (22), on as-of.
        let overdue = points(&[(5..=6, 1), (23..=23, 1)]);
        assert_eq!(column(&rows, |r| r.overdue_actions), overdue);
    }

    #[test]
    fn the_as_of_point_equals_the_summary() {
        let metrics = trend_kit().compute(AS_OF);
        let last = metrics.month_end.last().unwrap();
        let s = &metrics.summary;
        assert_eq!(
            (last.open_exceptions, last.expired_exceptions),
            (s.open_exceptions, s.expired_exceptions)
        );
        assert_eq!(last.permanent_exceptions, s.permanent_exceptions);
        assert_eq!(last.recurring_controls, s.recurring_controls);
        assert_eq!(
            (last.open_actions, last.overdue_actions),
            (s.open_actions, s.overdue_actions)
        );
        // And by hand: EXC-B and EXC-E open, EXC-E expired, EXC-B permanent; CTL-X and
        // CTL-Y recurring; a2 and REV-1's action open, REV-1's overdue.
        assert_eq!(
            (
                last.open_exceptions,
                last.expired_exceptions,
                last.permanent_exceptions
            ),
            (2, 1, 1)
        );
        assert_eq!(
            (
                last.recurring_controls,
                last.open_actions,
                last.overdue_actions
            ),
            (2, 2, 1)
        );
    }

    #[test]
    fn the_window_count_excludes_the_day_window_days_back_and_odd_windows_count_nothing() {
        let dates = [day("2025-03-31"), day("2026-01-01"), day("2026-03-31")];
        assert_eq!(failures_in_window(&dates, day("2026-03-31"), 365), 2);
        assert_eq!(failures_in_window(&dates, day("2026-03-30"), 365), 2);
        assert_eq!(failures_in_window(&dates, day("2026-03-31"), 0), 0);
        assert_eq!(failures_in_window(&dates, day("2026-03-31"), -5), 0);
        assert_eq!(failures_in_window(&dates, day("2026-03-31"), i64::MAX), 3);
    }

    #[test]
    fn the_calendar_ends_and_a_zero_threshold_never_panic() {
        let mut kit = trend_kit();
        kit.model.site.recurrence.threshold = 0;
        for as_of in ["0001-01-01", "9999-12-31"] {
            let rows = kit.compute(as_of).month_end;
            assert_eq!(rows.len(), 24);
            // Threshold 0: every control has at least 0 failures in any window.
            assert!(rows.iter().all(|r| r.recurring_controls == 3), "{as_of}");
            assert_eq!(rows[23].date, day(as_of));
        }
    }
}
