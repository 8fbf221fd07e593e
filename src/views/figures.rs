//! The headline figures of the dashboard and the report.

use serde::Serialize;

use super::index::Index;
use super::percent;
use super::selections::Selection;
use crate::compare::Direction;
use crate::metrics::Summary;

/// A figure's change since the compared build, and whether it is for the better.
#[derive(Serialize)]
pub(super) struct Delta {
    pub(super) text: String,
    pub(super) direction: Direction,
}

/// A headline figure on the dashboard.
#[derive(Serialize)]
pub(super) struct Figure {
    pub(super) label: &'static str,
    pub(super) value: String,
    /// `alert` when it needs attention, `ok` when clean, `neutral` otherwise.
    pub(super) tone: &'static str,
    /// The list of what the figure counts, from the site root (or an anchor on the page).
    href: String,
    /// The anchor of the figure's definition on `definitions.html`.
    definition: &'static str,
    pub(super) note: &'static str,
    /// The change since the build given to `--compare`, e.g. `+1 since 2026-08-01`.
    delta: Option<Delta>,
}

/// The figures in the order a governance review reads them: the summary key, the anchor of
/// its definition on the definitions page, the label, the list of what it counts, and what
/// it means.
const FIGURES: [(&str, &str, &str, Selection, &str); 12] = [
    (
        "recurring_controls",
        "recurring-failures-recurring-control",
        "Recurring controls",
        Selection::RecurringControls,
        "failing repeatedly: review as process defects",
    ),
    (
        "repeat_rate",
        "recurring-failures-repeat-rate",
        "Repeat rate",
        Selection::RepeatFailures,
        "of failures in the window repeat an earlier one",
    ),
    (
        "structural_incidents_in_window",
        "ownership-gaps-and-findings-summary-structural_incidents_in_window",
        "Structural failures",
        Selection::StructuralFailures,
        "approval bypassed or self-approved: fix the process",
    ),
    (
        "open_exceptions",
        "exception-aging-open",
        "Open exceptions",
        Selection::OpenExceptions,
        "accepted risks still in force",
    ),
    (
        "expired_exceptions",
        "exception-aging-state",
        "Expired, still open",
        Selection::ExpiredExceptions,
        "lapsed without closure or renewal",
    ),
    (
        "permanent_exceptions",
        "exception-aging-state",
        "Permanent exceptions",
        Selection::PermanentExceptions,
        "no expiry date",
    ),
    (
        "over_policy_exceptions",
        "exception-aging-over-policy",
        "Over policy",
        Selection::OverPolicyExceptions,
        "granted for longer than policy allows",
    ),
    (
        "self_approved_exceptions",
        "ownership-gaps-and-findings-self-approved",
        "Self-approved",
        Selection::SelfApproved,
        "separation of duties bypassed",
    ),
    (
        "unauthorized_approvals",
        "ownership-gaps-and-findings-unauthorized-approver",
        "Unauthorized approvals",
        Selection::UnauthorizedApprovals,
        "approver not on the control's list",
    ),
    (
        "ownership_gaps",
        "ownership-gaps-and-findings",
        "Ownership gaps",
        Selection::OwnershipGaps,
        "inactive owners or approvers, missing risk sign-off",
    ),
    (
        "overdue_reviews",
        "ownership-gaps-and-findings-review-overdue",
        "Overdue reviews",
        Selection::OverdueReviews,
        "controls past their review date",
    ),
    (
        "overdue_actions",
        "remediation-actions",
        "Overdue actions",
        Selection::OverdueActions,
        "remediation past its due date",
    ),
];

/// The headline figures of `summary`, each leading to the list `href` gives for its
/// selection, with the change `delta` gives for its key.
pub(super) fn figures(
    summary: &Summary,
    href: impl Fn(Selection) -> String,
    delta: impl Fn(&str) -> Option<Delta>,
) -> Vec<Figure> {
    FIGURES
        .into_iter()
        .map(|(key, definition, label, selection, note)| {
            let (value, tone) = value(summary, key);
            Figure {
                label,
                value,
                tone,
                href: href(selection),
                definition,
                note,
                delta: delta(key),
            }
        })
        .collect()
}

/// The dashboard's headline figures.
pub(super) fn headline_figures(index: &Index) -> Vec<Figure> {
    figures(&index.metrics.summary, Selection::href, |key| {
        index.delta(key)
    })
}

/// The figure under `key` as shown, and its tone: a count of problems is an alert unless
/// it is zero; the number of open exceptions is neutral.
fn value(s: &Summary, key: &str) -> (String, &'static str) {
    let count = match key {
        "recurring_controls" => s.recurring_controls,
        "structural_incidents_in_window" => s.structural_incidents_in_window,
        "repeat_rate" => {
            let tone = tone(s.repeat_incidents_in_window);
            return (percent(s.repeat_rate), tone);
        }
        "open_exceptions" => return (s.open_exceptions.to_string(), "neutral"),
        "expired_exceptions" => s.expired_exceptions,
        "permanent_exceptions" => s.permanent_exceptions,
        "over_policy_exceptions" => s.over_policy_exceptions,
        "self_approved_exceptions" => s.self_approved_exceptions,
        "unauthorized_approvals" => s.unauthorized_approvals,
        "ownership_gaps" => s.ownership_gaps,
        "overdue_reviews" => s.overdue_reviews,
        _ => s.overdue_actions,
    };
    (count.to_string(), tone(count))
}

fn tone(count: usize) -> &'static str {
    if count > 0 {
        "alert"
    } else {
        "ok"
    }
}

#[cfg(test)]
mod tests {
    use super::FIGURES;

    #[test]
    fn every_figure_links_to_a_definition_on_the_definitions_page() {
        let anchors = super::super::definitions::anchors();
        for (key, definition, ..) in FIGURES {
            assert!(
                anchors.iter().any(|a| a == definition),
                "figure {key}: definitions.html has no anchor `{definition}`"
            );
        }
    }
}
