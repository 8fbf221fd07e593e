//! The day arithmetic every figure shares: the incidents up to as-of in order, the window,
//! repeats, the months of the trend, whether an exception is open and when a review falls due.
//!
//! A leaf: it uses no sibling module, so the figure modules (recurrence, exceptions,
//! accountability, ownership, coverage) depend on it and never on each other.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Control, Day, Exception, Incident, Model};

/// Months in the trend, ending with the as-of month.
pub(super) const TREND_MONTHS: i32 = 24;

/// The incidents up to as_of, ordered and grouped once so no figure rescans them all.
pub(super) struct Timeline<'a> {
    pub as_of: Day,
    pub window_days: i64,
    /// Every incident dated on or before as_of, ordered by (date, id).
    pub ordered: Vec<&'a Incident>,
    /// Control id -> its incidents up to as_of, ordered by (date, id).
    by_control: BTreeMap<&'a str, Vec<&'a Incident>>,
    /// Ids of the incidents that are repeats.
    repeats: BTreeSet<&'a str>,
}

impl<'a> Timeline<'a> {
    /// Orders and groups the model's incidents up to `as_of`.
    pub fn new(model: &'a Model, as_of: Day) -> Timeline<'a> {
        let mut ordered: Vec<&Incident> = model
            .incidents
            .values()
            .map(|incident| &**incident)
            .filter(|incident| incident.date <= as_of)
            .collect();
        ordered.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        let mut by_control: BTreeMap<&str, Vec<&Incident>> = BTreeMap::new();
        for incident in &ordered {
            if let Some(control) = incident.control.as_deref() {
                by_control.entry(control).or_default().push(incident);
            }
        }
        let window_days = model.site.recurrence.window_days;
        let repeats = find_repeats(&by_control, window_days);
        Timeline {
            as_of,
            window_days,
            ordered,
            by_control,
            repeats,
        }
    }

    /// Whether `day` lies in the window `as_of - window_days < day <= as_of`.
    pub fn in_window(&self, day: Day) -> bool {
        let age = day.days_until(self.as_of);
        (0..self.window_days).contains(&age)
    }

    /// Whether the incident with this id repeats an earlier failure of its control.
    pub fn is_repeat(&self, id: &str) -> bool {
        self.repeats.contains(id)
    }

    /// The incidents of one control up to as_of, ordered by (date, id).
    pub fn of_control(&self, control: &str) -> &[&'a Incident] {
        self.by_control.get(control).map_or(&[], Vec::as_slice)
    }

    /// The first day of the trend's first month (23 months before the as-of month).
    pub fn trend_start(&self) -> Day {
        self.as_of.month_start_offset(1 - TREND_MONTHS)
    }

    /// `YYYY-MM` of each month of the trend, oldest first.
    pub fn trend_months(&self) -> Vec<String> {
        let first = self.trend_start();
        (0..TREND_MONTHS)
            .map(|offset| first.month_start_offset(offset).month_key())
            .collect()
    }

    /// The position of `day`'s month in the trend; `None` before or after it.
    pub fn trend_slot(&self, day: Day) -> Option<usize> {
        let offset = month_number(day) - month_number(self.trend_start());
        usize::try_from(offset)
            .ok()
            .filter(|&slot| slot < TREND_MONTHS as usize)
    }
}

/// Months since year 0, so two days' months can be subtracted.
fn month_number(day: Day) -> i64 {
    i64::from(day.year()) * 12 + i64::from(day.month()) - 1
}

/// An incident is a repeat when the incident just before it (same control, (date, id) order)
/// lies within `window_days` before it; the nearest earlier one is the one to test.
fn find_repeats<'a>(
    by_control: &BTreeMap<&str, Vec<&'a Incident>>,
    window_days: i64,
) -> BTreeSet<&'a str> {
    let mut repeats = BTreeSet::new();
    for incidents in by_control.values() {
        for pair in incidents.windows(2) {
            if let [earlier, later] = pair {
                // d - window_days < d_earlier  <=>  d_earlier .. d spans fewer than window_days
                if earlier.date.days_until(later.date) < window_days {
                    repeats.insert(later.id.as_str());
                }
            }
        }
    }
    repeats
}

/// Whether the exception is open on `as_of`: granted, and not closed on or before that day.
pub(super) fn is_open(exception: &Exception, as_of: Day) -> bool {
    exception.granted <= as_of && exception.closed.is_none_or(|closed| closed > as_of)
}

/// `review.last + every_days`: when the next review falls due; `None` without a review.
pub(super) fn review_due(control: &Control) -> Option<Day> {
    let review = control.review.as_ref()?;
    Some(review.last.add_days(review.every_days))
}

/// `review.last + every_days + grace_days`: the last day on which the review is not yet
/// overdue; `None` without a review. Saturates at the calendar's ends.
pub(super) fn review_overdue_after(control: &Control, grace_days: i64) -> Option<Day> {
    let review = control.review.as_ref()?;
    Some(
        review
            .last
            .add_days(review.every_days.saturating_add(grace_days)),
    )
}

/// `review.last + every_days + grace < as_of`; a control without `review` is never overdue.
pub(super) fn is_review_overdue(control: &Control, as_of: Day, grace_days: i64) -> bool {
    control.review.as_ref().is_some_and(|review| {
        // Compared as day counts so a huge `every_days` cannot overflow the calendar.
        review.last.days_until(as_of) > review.every_days.saturating_add(grace_days)
    })
}

#[cfg(test)]
mod tests {
    use super::{is_review_overdue, review_due, review_overdue_after, Timeline};
    use crate::metrics::testkit::*;

    #[test]
    fn review_is_overdue_only_after_last_plus_every_days_plus_grace() {
        // 2026-05-05 + 180 days = 2026-11-01 (26 + 30 + 31 + 31 + 30 + 31 + 1), the as-of date.
        let cases = [
            (Some(("2026-05-05", 180)), 0, false),
            (Some(("2026-05-04", 180)), 0, true),
            (Some(("2026-05-04", 180)), 1, false),
            (Some(("2026-05-03", 180)), 1, true),
            (None, 0, false),
        ];
        for (last_every, grace, overdue) in cases {
            let mut ctl = control("CTL-A", "dana");
            ctl.review = last_every.map(|(last, every)| review(last, every));
            let got = is_review_overdue(&ctl, day(AS_OF), grace);
            assert_eq!(got, overdue, "{last_every:?} grace {grace}");
        }
    }

    #[test]
    fn review_due_and_overdue_after_add_every_days_then_the_grace() {
        // (last, every_days, grace, review_due, review_overdue_after)
        let cases = [
            // 2026-05-04 + 180 = 2026-10-31; + 1 grace day = 2026-11-01.
            ("2026-05-04", 180, 1, "2026-10-31", "2026-11-01"),
            ("2026-05-04", 180, 0, "2026-10-31", "2026-10-31"),
            // 2024-02-28 + 2 = 2024-03-01 (leap year); + 30 = 2024-03-31.
            ("2024-02-28", 2, 30, "2024-03-01", "2024-03-31"),
        ];
        for (last, every, grace, due, after) in cases {
            let mut ctl = control("CTL-A", "dana");
            ctl.review = Some(review(last, every));
            assert_eq!(review_due(&ctl), Some(day(due)), "{last} + {every}");
            let got = review_overdue_after(&ctl, grace);
            assert_eq!(got, Some(day(after)), "{last} + {every} + {grace}");
            // Overdue exactly when as-of is after the last day not overdue.
            for as_of in ["2026-10-31", "2026-11-01", "2026-11-02"] {
                let overdue = is_review_overdue(&ctl, day(as_of), grace);
                assert_eq!(overdue, day(as_of) > day(after), "{last} {as_of}");
            }
        }
        let mut huge = control("CTL-B", "dana");
        huge.review = Some(review("2026-01-01", i64::MAX));
        assert_eq!(review_due(&huge), Some(day("9999-12-31")));
        assert_eq!(review_overdue_after(&huge, 5), Some(day("9999-12-31")));
        assert!(!is_review_overdue(&huge, day("9999-12-31"), 5));
        let none = control("CTL-C", "dana");
        assert_eq!(
            (review_due(&none), review_overdue_after(&none, 3)),
            (None, None)
        );
    }

    #[test]
    fn trend_slots_cover_the_24_months_ending_with_the_as_of_month() {
        let kit = Kit::default();
        let timeline = Timeline::new(&kit.model, day(AS_OF));
        let months = timeline.trend_months();
        assert_eq!(months.len(), 24);
        assert_eq!(months.first().map(String::as_str), Some("2024-12"));
        assert_eq!(months.last().map(String::as_str), Some("2026-11"));
        let cases = [
            ("2024-11-30", None),
            ("2024-12-01", Some(0)),
            ("2025-01-31", Some(1)),
            ("2026-11-30", Some(23)),
            ("2026-12-01", None),
        ];
        for (date, slot) in cases {
            assert_eq!(timeline.trend_slot(day(date)), slot, "{date}");
        }
    }
}
