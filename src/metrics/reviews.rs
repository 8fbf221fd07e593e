//! Process-defect reviews (content-format.md "reviews/"): `reviews[]`, and the
//! `unreviewed-pattern` and `fix-did-not-hold` gaps, which need the recurring patterns with
//! their fix owners.

use std::collections::BTreeMap;

use crate::model::{Day, Model, Origin, ProcessReview};

use super::timeline::Timeline;
use super::{Gap, GapKind, RecurringPattern, ReviewMetrics};

/// The recurring patterns by (control, origin).
type Patterns<'a> = BTreeMap<(&'a str, Origin), &'a RecurringPattern>;

fn by_pattern(patterns: &[RecurringPattern]) -> Patterns<'_> {
    patterns
        .iter()
        .map(|p| ((p.control.as_str(), p.origin), p))
        .collect()
}

/// The review's fix owner: its own `fix_owner`, else the fix owner of its recurring pattern;
/// none when the pattern is not recurring as of the build.
fn fix_owner<'a>(review: &'a ProcessReview, patterns: &Patterns<'a>) -> Option<&'a str> {
    review.fix_owner.as_deref().or_else(|| {
        let key = (review.control.as_deref()?, review.origin?);
        patterns.get(&key)?.fix_owner.as_deref()
    })
}

/// Whether the action was done on or before as-of.
fn is_done(done: Option<Day>, as_of: Day) -> bool {
    done.is_some_and(|done| done <= as_of)
}

/// One entry per review dated on or before as-of, sorted by id.
pub(super) fn compute_reviews(
    model: &Model,
    as_of: Day,
    patterns: &[RecurringPattern],
) -> Vec<ReviewMetrics> {
    let patterns = by_pattern(patterns);
    let reviews = model.reviews.values().filter(|r| r.date <= as_of);
    reviews
        .map(|review| {
            let done = (review.actions.iter())
                .filter(|a| is_done(a.done, as_of))
                .count();
            ReviewMetrics {
                id: review.id.clone(),
                control: review.control.clone(),
                origin: review.origin,
                date: review.date,
                decided_by: review.decided_by.clone(),
                fix_owner: fix_owner(review, &patterns).map(str::to_string),
                decision: review.decision,
                actions_open: review.actions.len() - done,
                actions_done: done,
            }
        })
        .collect()
}

/// The reviews up to as-of of each (control, origin), ordered by (date, id).
fn reviews_by_pattern(model: &Model, as_of: Day) -> BTreeMap<(&str, Origin), Vec<&ProcessReview>> {
    let mut reviews: BTreeMap<(&str, Origin), Vec<&ProcessReview>> = BTreeMap::new();
    for review in model.reviews.values().filter(|r| r.date <= as_of) {
        if let (Some(control), Some(origin)) = (review.control.as_deref(), review.origin) {
            reviews.entry((control, origin)).or_default().push(review);
        }
    }
    for list in reviews.values_mut() {
        list.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    }
    reviews
}

/// `unreviewed-pattern` for every recurring pattern with no review in the window, and
/// `fix-did-not-hold` for every latest review whose fix failed again (unsorted).
pub(super) fn compute_review_gaps(
    model: &Model,
    timeline: &Timeline,
    patterns: &[RecurringPattern],
) -> Vec<Gap> {
    let reviews = reviews_by_pattern(model, timeline.as_of);
    let mut gaps = Vec::new();
    for pattern in patterns {
        let of_pattern = reviews.get(&(pattern.control.as_str(), pattern.origin));
        let reviewed =
            of_pattern.is_some_and(|list| list.iter().any(|r| timeline.in_window(r.date)));
        if !reviewed {
            gaps.push(Gap::new(
                GapKind::UnreviewedPattern,
                &pattern.control,
                pattern.fix_owner.as_deref(),
            ));
        }
    }
    let patterns = by_pattern(patterns);
    for (&(control, origin), list) in &reviews {
        let Some(latest) = list.last() else { continue };
        let Some(last_done) = last_done(latest, timeline.as_of) else {
            continue;
        };
        let failed_again = (timeline.of_control(control).iter())
            .any(|i| i.date > last_done && i.origin.contains(&origin));
        if failed_again {
            gaps.push(Gap::new(
                GapKind::FixDidNotHold,
                &latest.id,
                fix_owner(latest, &patterns),
            ));
        }
    }
    gaps
}

/// The last `done` date of the review's actions when it has actions and every one of them
/// was done on or before as-of; else none.
fn last_done(review: &ProcessReview, as_of: Day) -> Option<Day> {
    let mut last = None;
    for action in &review.actions {
        let done = action.done.filter(|&done| done <= as_of)?;
        last = last.max(Some(done));
    }
    last
}

#[cfg(test)]
mod tests {
    use crate::metrics::testkit::*;
    use crate::metrics::{GapKind, Metrics};

    /// (record, person) of the gaps of `kind`, in order.
    fn gaps_of(metrics: &Metrics, kind: GapKind) -> Vec<(&str, Option<&str>)> {
        let gaps = metrics.gaps.iter().filter(|g| g.kind == kind);
        gaps.map(|g| (g.record.as_str(), g.person.as_deref()))
            .collect()
    }

    /// Two design failures of `control` in the window: a recurring pattern.
    fn failing_twice(kit: Kit, control: &str) -> Kit {
        kit.control(crate::metrics::testkit::control(control, "dana"))
            .incident(incident(
                &format!("{control}-1"),
                control,
                "2026-03-01",
                &[Design],
            ))
            .incident(incident(
                &format!("{control}-2"),
                control,
                "2026-06-01",
                &[Design],
            ))
    }

    #[test]
    fn a_recurring_pattern_needs_a_review_dated_in_the_window() {
        // Window: 2025-11-02 ..= 2026-11-01 (as-of 2026-11-01, 365 days).
        let kit = Kit::default().people(&["dana", "lee"]);
        let kit = ["CTL-A", "CTL-B", "CTL-C", "CTL-D"]
            .into_iter()
            .fold(kit, failing_twice)
            .process(process("p", "lee"))
            .control(control("CTL-E", "dana"))
            .incident(in_process(
                incident("E-1", "CTL-E", "2026-03-01", &[Operation]),
                "p",
            ))
            .incident(in_process(
                incident("E-2", "CTL-E", "2026-04-01", &[Operation]),
                "p",
            ))
            // as_of - window_days exactly: outside the window, so CTL-A is unreviewed;
            .review(defect_review("R-A", "CTL-A", Design, "2025-11-01"))
            // the window's first day: CTL-B is reviewed;
            .review(defect_review("R-B", "CTL-B", Design, "2025-11-02"))
            // CTL-C reviewed for another origin; CTL-D's review is after as-of;
            .review(defect_review("R-C", "CTL-C", Operation, "2026-07-01"))
            .review(defect_review("R-D", "CTL-D", Design, "2026-11-02"));
        let metrics = kit.compute(AS_OF);
        assert_eq!(
            gaps_of(&metrics, GapKind::UnreviewedPattern),
            [
                ("CTL-A", Some("dana")),
                ("CTL-C", Some("dana")),
                ("CTL-D", Some("dana")),
                ("CTL-E", Some("lee")), // operation: the busiest process's owner
            ]
        );
        let ids: Vec<&str> = metrics.reviews.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["R-A", "R-B", "R-C"], "R-D is after as-of");
    }

    #[test]
    fn a_fix_did_not_hold_when_the_latest_review_was_done_and_failed_again() {
        let mut explicit = with_done(
            defect_review("E-R", "CTL-E", Design, "2026-02-01"),
            &[Some("2026-03-01")],
        );
        explicit.fix_owner = Some("lee".to_string());
        let kit = Kit::default()
            .people(&["dana", "lee"])
            // CTL-A: R-2 (done 2026-05-01, failed 07-01) is not the latest: R-1 is, by date
            // (06-01), though its id sorts first; R-1 has an open action.
            .control(control("CTL-A", "dana"))
            .incident(incident("A-1", "CTL-A", "2026-07-01", &[Design]))
            .incident(incident("A-2", "CTL-A", "2026-08-01", &[Design]))
            .review(with_done(
                defect_review("R-2", "CTL-A", Design, "2026-03-01"),
                &[Some("2026-04-01"), Some("2026-05-01")],
            ))
            .review(with_done(
                defect_review("R-1", "CTL-A", Design, "2026-06-01"),
                &[Some("2026-06-15"), None],
            ))
            // CTL-B: done on the as-of date counts as done; the failure that day is not after.
            .control(control("CTL-B", "dana"))
            .incident(incident("B-1", "CTL-B", "2026-11-01", &[Design]))
            .review(with_done(
                defect_review("B-R", "CTL-B", Design, "2026-02-01"),
                &[Some("2026-03-01"), Some("2026-11-01")],
            ))
            // CTL-C: a failure on the last done date, and one of another origin: it held.
            .control(control("CTL-C", "dana"))
            .incident(incident("C-1", "CTL-C", "2026-03-01", &[Design]))
            .incident(incident("C-2", "CTL-C", "2026-04-01", &[Operation]))
            .review(with_done(
                defect_review("C-R", "CTL-C", Design, "2026-02-01"),
                &[Some("2026-03-01")],
            ))
            // CTL-D: failed the day after; one failure, not recurring: no fix owner.
            .control(control("CTL-D", "dana"))
            .incident(incident("D-1", "CTL-D", "2026-03-02", &[Design]))
            .review(with_done(
                defect_review("D-R", "CTL-D", Design, "2026-02-01"),
                &[Some("2026-03-01")],
            ))
            // CTL-E: failed twice after; the review's own fix owner is chased.
            .control(control("CTL-E", "dana"))
            .incident(incident("E-1", "CTL-E", "2026-04-01", &[Design]))
            .incident(incident("E-2", "CTL-E", "2026-05-01", &[Design]))
            .review(explicit)
            // CTL-F: no actions; CTL-G: its action is done after as-of, so still open.
            .control(control("CTL-F", "dana"))
            .incident(incident("F-1", "CTL-F", "2026-04-01", &[Design]))
            .review(defect_review("F-R", "CTL-F", Design, "2026-02-01"))
            .control(control("CTL-G", "dana"))
            .incident(incident("G-1", "CTL-G", "2026-04-01", &[Design]))
            .review(with_done(
                defect_review("G-R", "CTL-G", Design, "2026-02-01"),
                &[Some("2026-11-02")],
            ));
        let metrics = kit.compute(AS_OF);
        assert_eq!(
            gaps_of(&metrics, GapKind::FixDidNotHold),
            [("D-R", None), ("E-R", Some("lee"))]
        );
        // CTL-A and CTL-E recur, both reviewed in the window.
        assert_eq!(gaps_of(&metrics, GapKind::UnreviewedPattern), []);
        let figures: Vec<(&str, Option<&str>, usize, usize)> = (metrics.reviews.iter())
            .map(|r| {
                (
                    r.id.as_str(),
                    r.fix_owner.as_deref(),
                    r.actions_open,
                    r.actions_done,
                )
            })
            .collect();
        assert_eq!(
            figures,
            [
                ("B-R", None, 0, 2),
                ("C-R", None, 0, 1),
                ("D-R", None, 0, 1),
                ("E-R", Some("lee"), 0, 1),
                ("F-R", None, 0, 0),
                ("G-R", None, 1, 0),
                ("R-1", Some("dana"), 1, 1), // the recurring CTL-A design pattern's fix owner
                ("R-2", Some("dana"), 0, 2),
            ]
        );
        // Review actions count like incident actions: R-1's open one, G-R's.
        assert_eq!(metrics.summary.open_actions, 2);
        let found = crate::metrics::findings(&metrics);
        let held = found
            .iter()
            .find(|f| f.record == "E-R")
            .map(|f| f.message.as_str());
        assert_eq!(
            held,
            Some(
                "review E-R decided a fix and every action of it is done, yet its control \
                 failed again for the same origin after the last one was done: the fix did \
                 not hold; lee must review the pattern again"
            )
        );
    }
}
