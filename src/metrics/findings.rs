//! Policy findings for `govsite check --strict`: what is wrong, and who to chase.

use super::{ActionStatus, ExceptionMetrics, ExceptionState, Finding, Gap, GapKind, Metrics};
use crate::model::RecordKind;

/// The policy findings, ordered by (kind, record, person): expired or permanent open
/// exceptions, open over-policy exceptions, every gap, and every overdue action.
pub fn findings(metrics: &Metrics) -> Vec<Finding> {
    let max = metrics.settings.max_validity_days;
    let open = metrics.exceptions.iter().filter(|e| e.state.is_open());
    let mut found: Vec<Finding> = Vec::new();
    for exception in open {
        found.extend(state_finding(exception));
        if exception.over_policy {
            found.push(over_policy_finding(exception, max));
        }
    }
    found.extend(metrics.gaps.iter().map(|gap| gap_finding(metrics, gap)));
    let overdue = metrics.actions.iter().filter(|action| action.overdue);
    found.extend(overdue.map(|action| action_finding(metrics, action)));
    // Stable, so several overdue actions of one incident and owner keep their list order.
    found.sort_by(|a, b| {
        (a.kind.cmp(&b.kind))
            .then_with(|| a.record.cmp(&b.record))
            .then_with(|| a.person.cmp(&b.person))
    });
    found
}

/// Which record a finding is about, and the field in it to point at.
struct About<'a> {
    kind: RecordKind,
    record: &'a str,
    field: String,
}

impl<'a> About<'a> {
    fn new(kind: RecordKind, record: &'a str, field: impl Into<String>) -> About<'a> {
        About {
            kind,
            record,
            field: field.into(),
        }
    }

    /// An exception's field of its latest grant period: `renewals[1].expires` or `expires`.
    fn latest_grant(exception: &'a ExceptionMetrics, field: &str) -> About<'a> {
        let field = match exception.renewals {
            0 => field.to_string(),
            n => format!("renewals[{}].{field}", n - 1),
        };
        About::new(RecordKind::Exception, &exception.id, field)
    }
}

fn finding(kind: &str, about: About, person: Option<&str>, message: String) -> Finding {
    Finding {
        kind: kind.to_string(),
        record: about.record.to_string(),
        record_kind: about.kind,
        field: about.field,
        person: person.map(str::to_string),
        message,
    }
}

/// `maria-gomez`, or a placeholder that still reads as a sentence.
fn name(person: Option<&str>) -> &str {
    person.unwrap_or("nobody recorded")
}

/// `1 day`, `12 days`.
fn days(count: i64) -> String {
    if count == 1 {
        "1 day".to_string()
    } else {
        format!("{count} days")
    }
}

/// Expired-but-open and permanent exceptions; `None` for the other states.
fn state_finding(exception: &ExceptionMetrics) -> Option<Finding> {
    let (id, approver) = (&exception.id, exception.approved_by.as_deref());
    match exception.state {
        ExceptionState::Expired => {
            let ago = days(-exception.days_to_expiry.unwrap_or(0));
            let message = format!(
                "exception {id} expired {ago} ago and is still open (approved by {})",
                name(approver)
            );
            let about = About::latest_grant(exception, "expires");
            Some(finding("expired-exception", about, approver, message))
        }
        ExceptionState::Permanent => {
            let message = format!(
                "exception {id} has no expiry and is still open: set one or close it (approved by {})",
                name(approver)
            );
            let about = About::latest_grant(exception, "granted");
            Some(finding("permanent-exception", about, approver, message))
        }
        _ => None,
    }
}

fn over_policy_finding(exception: &ExceptionMetrics, max: i64) -> Finding {
    let (id, approver) = (&exception.id, exception.approved_by.as_deref());
    let breach = if exception.state == ExceptionState::Permanent {
        format!("never expires, beyond the {max}-day maximum validity")
    } else {
        format!("has a grant period longer than the {max}-day maximum validity")
    };
    let message = format!("exception {id} {breach} (approved by {})", name(approver));
    // A permanent exception has no `expires` to point at: its grant is what breaks policy.
    let field = match exception.state {
        ExceptionState::Permanent => "granted",
        _ => "expires",
    };
    let about = About::new(RecordKind::Exception, id, field);
    finding("over-policy-exception", about, approver, message)
}

fn gap_finding(metrics: &Metrics, gap: &Gap) -> Finding {
    let (record, person) = (&gap.record, gap.person.as_deref());
    let who = name(person);
    let message = match gap.kind {
        GapKind::InactiveOwner => {
            format!("{record} is owned by {who}, who is no longer active: assign a new owner")
        }
        GapKind::InactiveApprover => format!(
            "exception {record} is open but its latest approver {who} is no longer active: \
             have an active manager re-approve or close it"
        ),
        GapKind::NoRiskSignoff => format!(
            "shared platform control {record} names nobody to sign off residual risk \
             (control owner {})",
            name(control_owner(metrics, record))
        ),
        GapKind::ReviewOverdue => {
            format!("control {record} is overdue for its periodic review (owner {who})")
        }
        GapKind::SelfApproved => format!(
            "exception {record} was approved by its own requester {who}: \
             separation of duties bypassed"
        ),
        GapKind::UnauthorizedApprover => format!(
            "exception {record} was approved by {who}, who is not on the approvers list \
             of control {}",
            name(exception_control(metrics, record))
        ),
        GapKind::NoSingleDecisionMaker => format!(
            "control {record} protects AI agents, is used by processes owned in more than one \
             team, and nobody signs off its residual risk: {who} must name one accountable \
             decision-maker (shared_platform.risk_signoff)"
        ),
        GapKind::UnreviewedPattern => format!(
            "control {record} fails again and again for the same origin (a recurring pattern) \
             and no process-defect review of it is dated in the last {} days: {who} must have \
             it reviewed (reviews/)",
            metrics.settings.window_days
        ),
        GapKind::FixDidNotHold => format!(
            "review {record} decided a fix and every action of it is done, yet its control \
             failed again for the same origin after the last one was done: the fix did not \
             hold; {who} must review the pattern again"
        ),
        GapKind::NoProcessFix => format!(
            "incident {record} is a structural failure of control {} (approval bypassed or \
             self-approved) and no remediation action is owned by its process owner or \
             control owner: give {who} an action that fixes the process",
            name(incident_control(metrics, record))
        ),
    };
    // The latest approver is the last renewal's, when there are renewals.
    let latest = (gap.kind == GapKind::InactiveApprover)
        .then(|| exception_metrics(metrics, record))
        .flatten();
    let about = match latest {
        Some(exception) => About::latest_grant(exception, "approved_by"),
        None => About::new(gap.record_kind, record, gap_field(gap.kind)),
    };
    finding(gap.kind.as_str(), about, person, message)
}

/// The field a gap is about, in the record it names.
fn gap_field(kind: GapKind) -> &'static str {
    match kind {
        GapKind::InactiveOwner => "owner",
        GapKind::InactiveApprover | GapKind::UnauthorizedApprover => "approved_by",
        GapKind::NoRiskSignoff | GapKind::NoSingleDecisionMaker => "shared_platform",
        GapKind::ReviewOverdue => "review.last",
        GapKind::SelfApproved => "requested_by",
        GapKind::NoProcessFix | GapKind::FixDidNotHold => "actions",
        GapKind::UnreviewedPattern => "",
    }
}

fn action_finding(metrics: &Metrics, action: &ActionStatus) -> Finding {
    let (record, kind) = (&action.record, action.record_kind.as_str());
    let owner = action.owner.as_deref();
    let late = action
        .due
        .map(|due| {
            format!(
                "was due {due} ({} ago)",
                days(due.days_until(metrics.as_of))
            )
        })
        .unwrap_or_default();
    let message = format!(
        "action \"{}\" of {kind} {record} {late} and is still open (owner {})",
        action.title,
        name(owner)
    );
    let field = format!("actions[{}].due", action.index);
    let about = About::new(action.record_kind.record_kind(), record, field);
    finding("overdue-action", about, owner, message)
}

/// The current owner of a control, from the sorted `controls` list.
fn control_owner<'a>(metrics: &'a Metrics, id: &str) -> Option<&'a str> {
    let index = metrics
        .controls
        .binary_search_by(|c| c.id.as_str().cmp(id))
        .ok()?;
    metrics.controls.get(index)?.owner.as_deref()
}

/// The control of an incident, from the sorted `incidents` list.
fn incident_control<'a>(metrics: &'a Metrics, id: &str) -> Option<&'a str> {
    let index = metrics
        .incidents
        .binary_search_by(|i| i.id.as_str().cmp(id))
        .ok()?;
    metrics.incidents.get(index)?.control.as_deref()
}

/// The control an exception is granted against, from the sorted `exceptions` list.
fn exception_control<'a>(metrics: &'a Metrics, id: &str) -> Option<&'a str> {
    exception_metrics(metrics, id)?.control.as_deref()
}

/// An exception's figures, from the sorted `exceptions` list.
fn exception_metrics<'a>(metrics: &'a Metrics, id: &str) -> Option<&'a ExceptionMetrics> {
    let index = metrics
        .exceptions
        .binary_search_by(|e| e.id.as_str().cmp(id))
        .ok()?;
    metrics.exceptions.get(index)
}

#[cfg(test)]
mod tests {
    use super::findings;
    use crate::metrics::testkit::*;

    /// (kind, record, person) of every finding, in order.
    fn keys(kit: &Kit) -> Vec<(String, String, Option<String>)> {
        let found = findings(&kit.compute(AS_OF));
        found
            .into_iter()
            .map(|f| (f.kind, f.record, f.person))
            .collect()
    }

    fn key(kind: &str, record: &str, person: Option<&str>) -> (String, String, Option<String>) {
        (
            kind.to_string(),
            record.to_string(),
            person.map(str::to_string),
        )
    }

    fn policy_kit() -> Kit {
        let mut reviewed = control("CTL-A", "dana");
        reviewed.review = Some(review("2026-01-01", 90));
        let mut closed = exception("EXC-CLOSED", "CTL-A", "lee", "2025-01-01", None);
        closed.closed = Some(day("2026-01-01"));
        let mut failure = incident("INC-1", "CTL-A", "2026-10-01", &[Design]);
        failure.actions = vec![
            action("Enforce rotation", "dana", Some("2026-10-20"), None),
            action(
                "Done already",
                "dana",
                Some("2026-10-20"),
                Some("2026-10-30"),
            ),
            action("Due yesterday", "lee", Some("2026-10-31"), None),
        ];
        // Expires 2026-10-20, 12 days before the as-of date; Aug 1 -> Oct 20 = 80 days.
        let expired = exception(
            "EXC-2026-014",
            "CTL-A",
            "maria-gomez",
            "2026-08-01",
            Some("2026-10-20"),
        );
        Kit::default()
            .control(reviewed)
            .exception(expired)
            .exception(exception("EXC-P", "CTL-A", "lee", "2026-10-01", None))
            // Oct 1 -> Jan 31 = 31 + 30 + 31 + 30 = 122 days > 90
            .exception(exception(
                "EXC-L",
                "CTL-A",
                "maria-gomez",
                "2026-10-01",
                Some("2027-01-31"),
            ))
            .exception(closed)
            .incident(failure)
    }

    #[test]
    fn findings_are_sorted_by_kind_record_and_person() {
        let expected = vec![
            key("expired-exception", "EXC-2026-014", Some("maria-gomez")),
            key("over-policy-exception", "EXC-L", Some("maria-gomez")),
            key("over-policy-exception", "EXC-P", Some("lee")),
            key("overdue-action", "INC-1", Some("dana")),
            key("overdue-action", "INC-1", Some("lee")),
            key("permanent-exception", "EXC-P", Some("lee")),
            key("review-overdue", "CTL-A", Some("dana")),
        ];
        assert_eq!(keys(&policy_kit()), expected);
    }

    #[test]
    fn findings_name_the_record_kind_and_field_to_point_at() {
        use crate::model::RecordKind::{Control, Exception, Incident};
        let found = findings(&policy_kit().compute(AS_OF));
        let places: Vec<(crate::model::RecordKind, &str, &str)> = found
            .iter()
            .map(|f| (f.record_kind, f.record.as_str(), f.field.as_str()))
            .collect();
        let expected = [
            (Exception, "EXC-2026-014", "expires"),
            (Exception, "EXC-L", "expires"),
            // Permanent: no `expires` to point at, so its grant.
            (Exception, "EXC-P", "granted"),
            // The first and the third action of INC-1 (the second is done).
            (Incident, "INC-1", "actions[0].due"),
            (Incident, "INC-1", "actions[2].due"),
            (Exception, "EXC-P", "granted"),
            (Control, "CTL-A", "review.last"),
        ];
        assert_eq!(places, expected);
    }

    #[test]
    fn finding_messages_say_what_is_wrong_and_who_to_chase() {
        let found = findings(&policy_kit().compute(AS_OF));
        let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        let expected = [
            "exception EXC-2026-014 expired 12 days ago and is still open (approved by maria-gomez)",
            "exception EXC-L has a grant period longer than the 90-day maximum validity (approved by maria-gomez)",
            "exception EXC-P never expires, beyond the 90-day maximum validity (approved by lee)",
            "action \"Enforce rotation\" of incident INC-1 was due 2026-10-20 (12 days ago) and is still open (owner dana)",
            "action \"Due yesterday\" of incident INC-1 was due 2026-10-31 (1 day ago) and is still open (owner lee)",
            "exception EXC-P has no expiry and is still open: set one or close it (approved by lee)",
            "control CTL-A is overdue for its periodic review (owner dana)",
        ];
        assert_eq!(messages, expected);
    }

    #[test]
    fn every_gap_becomes_a_finding_that_names_its_person() {
        let metrics = kit_with_every_gap().compute(AS_OF);
        let found = findings(&metrics);
        assert_eq!(found.len(), metrics.gaps.len());
        for finding in &found {
            let person = finding.person.as_deref().unwrap_or("dana"); // CTL-B's owner
            assert!(finding.message.contains(person), "{}", finding.message);
            assert!(
                finding.message.contains(&finding.record),
                "{}",
                finding.message
            );
        }
        let unauthorized = found.iter().find(|f| f.kind == "unauthorized-approver");
        assert_eq!(
            unauthorized.map(|f| f.message.as_str()),
            Some("exception EXC-1 was approved by lee, who is not on the approvers list of control CTL-B")
        );
    }

    #[test]
    fn a_structural_failure_without_a_process_fix_is_a_finding() {
        let mut bypass = incident("INC-9", "CTL-B", "2026-10-15", &[Design]);
        bypass.surfaced_by = Some(crate::model::SurfacedBy::ApprovalBypass);
        bypass.actions = vec![action(
            "Tell the engineer",
            "ravi",
            None,
            Some("2026-10-20"),
        )];
        let kit = Kit::default()
            .people(&["dana", "ravi"])
            .control(control("CTL-B", "dana"))
            .incident(bypass);
        let found = findings(&kit.compute(AS_OF));
        let expected = "incident INC-9 is a structural failure of control CTL-B (approval \
                        bypassed or self-approved) and no remediation action is owned by its \
                        process owner or control owner: give dana an action that fixes the \
                        process";
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].kind.as_str(), found[0].record.as_str()),
            ("no-process-fix", "INC-9")
        );
        assert_eq!(found[0].person.as_deref(), Some("dana"));
        assert_eq!(found[0].message, expected);
    }

    #[test]
    fn no_findings_for_a_clean_model() {
        let kit = Kit::default()
            .people(&["dana"])
            .control(control("CTL-A", "dana"))
            // Oct 1 -> Dec 30 = 31 + 30 + 29 = 90 days: exactly the maximum, so within policy.
            .exception(exception(
                "EXC-1",
                "CTL-A",
                "maria",
                "2026-10-01",
                Some("2026-12-30"),
            ));
        assert!(keys(&kit).is_empty());
    }
}
