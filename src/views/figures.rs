//! The headline figures of the dashboard and the report.

use serde::Serialize;

use super::index::Index;
use super::percent;

/// A headline figure on the dashboard.
#[derive(Serialize)]
pub(super) struct Figure {
    pub(super) label: &'static str,
    pub(super) value: String,
    /// `alert` when it needs attention, `ok` when clean, `neutral` otherwise.
    pub(super) tone: &'static str,
    href: &'static str,
    pub(super) note: &'static str,
    /// The change since the build given to `--compare`, e.g. `+1 since 2026-08-01`.
    delta: Option<String>,
}

/// The dashboard's headline figures, in the order a governance review reads them.
pub(super) fn headline_figures(index: &Index) -> Vec<Figure> {
    let s = &index.metrics.summary;
    let alert = |count: usize| if count > 0 { "alert" } else { "ok" };
    let count = |n: usize| (n.to_string(), alert(n));
    let rows = [
        (
            "recurring_controls",
            "Recurring controls",
            count(s.recurring_controls),
            "controls.html",
            "failing repeatedly: review as process defects",
        ),
        (
            "repeat_rate",
            "Repeat rate",
            (percent(s.repeat_rate), alert(s.repeat_incidents_in_window)),
            "incidents.html",
            "of failures in the window repeat an earlier one",
        ),
        (
            "open_exceptions",
            "Open exceptions",
            (s.open_exceptions.to_string(), "neutral"),
            "exceptions.html",
            "accepted risks still in force",
        ),
        (
            "expired_exceptions",
            "Expired, still open",
            count(s.expired_exceptions),
            "exceptions.html",
            "lapsed without closure or renewal",
        ),
        (
            "permanent_exceptions",
            "Permanent exceptions",
            count(s.permanent_exceptions),
            "exceptions.html",
            "no expiry date",
        ),
        (
            "over_policy_exceptions",
            "Over policy",
            count(s.over_policy_exceptions),
            "exceptions.html",
            "granted for longer than policy allows",
        ),
        (
            "self_approved_exceptions",
            "Self-approved",
            count(s.self_approved_exceptions),
            "exceptions.html",
            "separation of duties bypassed",
        ),
        (
            "unauthorized_approvals",
            "Unauthorized approvals",
            count(s.unauthorized_approvals),
            "exceptions.html",
            "approver not on the control's list",
        ),
        (
            "ownership_gaps",
            "Ownership gaps",
            count(s.ownership_gaps),
            "#gaps",
            "inactive owners or approvers, missing risk sign-off",
        ),
        (
            "overdue_reviews",
            "Overdue reviews",
            count(s.overdue_reviews),
            "controls.html",
            "controls past their review date",
        ),
        (
            "overdue_actions",
            "Overdue actions",
            count(s.overdue_actions),
            "#actions",
            "remediation past its due date",
        ),
    ];
    rows.into_iter()
        .map(|(key, label, (value, tone), href, note)| Figure {
            label,
            value,
            tone,
            href,
            note,
            delta: index.delta(key),
        })
        .collect()
}
