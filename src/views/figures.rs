//! The headline figures of the dashboard and the report.

use serde::Serialize;

use super::index::Index;
use super::percent;
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
    href: &'static str,
    /// The anchor of the figure's definition on `definitions.html`.
    definition: &'static str,
    pub(super) note: &'static str,
    /// The change since the build given to `--compare`, e.g. `+1 since 2026-08-01`.
    delta: Option<Delta>,
}

/// The figures in the order a governance review reads them: the summary key, the anchor of
/// its definition on the definitions page, the label, where the figure leads, and what it
/// means.
const FIGURES: [(&str, &str, &str, &str, &str); 12] = [
    (
        "recurring_controls",
        "recurring-failures-recurring-control",
        "Recurring controls",
        "controls.html",
        "failing repeatedly: review as process defects",
    ),
    (
        "repeat_rate",
        "recurring-failures-repeat-rate",
        "Repeat rate",
        "incidents.html",
        "of failures in the window repeat an earlier one",
    ),
    (
        "structural_incidents_in_window",
        "ownership-gaps-and-findings-summary-structural_incidents_in_window",
        "Structural failures",
        "incidents.html",
        "approval bypassed or self-approved: fix the process",
    ),
    (
        "open_exceptions",
        "exception-aging-open",
        "Open exceptions",
        "exceptions.html",
        "accepted risks still in force",
    ),
    (
        "expired_exceptions",
        "exception-aging-state",
        "Expired, still open",
        "exceptions.html",
        "lapsed without closure or renewal",
    ),
    (
        "permanent_exceptions",
        "exception-aging-state",
        "Permanent exceptions",
        "exceptions.html",
        "no expiry date",
    ),
    (
        "over_policy_exceptions",
        "exception-aging-over-policy",
        "Over policy",
        "exceptions.html",
        "granted for longer than policy allows",
    ),
    (
        "self_approved_exceptions",
        "ownership-gaps-and-findings-self-approved",
        "Self-approved",
        "exceptions.html",
        "separation of duties bypassed",
    ),
    (
        "unauthorized_approvals",
        "ownership-gaps-and-findings-unauthorized-approver",
        "Unauthorized approvals",
        "exceptions.html",
        "approver not on the control's list",
    ),
    (
        "ownership_gaps",
        "ownership-gaps-and-findings",
        "Ownership gaps",
        "#gaps",
        "inactive owners or approvers, missing risk sign-off",
    ),
    (
        "overdue_reviews",
        "ownership-gaps-and-findings-review-overdue",
        "Overdue reviews",
        "controls.html",
        "controls past their review date",
    ),
    (
        "overdue_actions",
        "remediation-actions",
        "Overdue actions",
        "#actions",
        "remediation past its due date",
    ),
];

/// The dashboard's headline figures.
pub(super) fn headline_figures(index: &Index) -> Vec<Figure> {
    let summary = &index.metrics.summary;
    FIGURES
        .into_iter()
        .map(|(key, definition, label, href, note)| {
            let (value, tone) = value(summary, key);
            Figure {
                label,
                value,
                tone,
                href,
                definition,
                note,
                delta: index.delta(key),
            }
        })
        .collect()
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
