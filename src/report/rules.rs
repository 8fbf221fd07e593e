//! The rules a result can break: one for content errors, one for content warnings, and one
//! per kind of policy finding. SARIF lists them all, in this order, so rule indices are
//! stable from run to run.

use crate::diagnostics::Level;

/// A rule: its id (SARIF `ruleId`, the title of a GitHub annotation), a one-line
/// description and what to do about a result.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub short: &'static str,
    pub help: &'static str,
    /// The level of its results unless `--strict` raises findings to errors.
    pub level: Level,
}

const fn rule(id: &'static str, short: &'static str, help: &'static str, level: Level) -> Rule {
    Rule {
        id,
        short,
        help,
        level,
    }
}

const fn policy(id: &'static str, short: &'static str, help: &'static str) -> Rule {
    rule(id, short, help, Level::Warning)
}

/// Every rule, content problems first, then findings by kind name.
pub static RULES: &[Rule] = &[
    rule(
        "content-error",
        "A content file is invalid: bad YAML, an unknown field or value, a missing reference",
        "Fix the field the message names; `govsite build` refuses to build until every error is fixed.",
        Level::Error,
    ),
    rule(
        "content-warning",
        "A content file is valid but points at a governance smell",
        "Read the message: it says what to change (an inactive owner, an operation failure without a process...).",
        Level::Warning,
    ),
    policy(
        "policy/expired-exception",
        "An exception has expired but is still open",
        "Close the exception, or have its approver renew it with a new expiry.",
    ),
    policy(
        "policy/fix-did-not-hold",
        "A process-defect review's fix is done, yet the control failed again for the same origin",
        "Review the pattern again and decide a fix that holds.",
    ),
    policy(
        "policy/inactive-approver",
        "An open exception's latest approver is no longer active",
        "Have an active manager re-approve the exception, or close it.",
    ),
    policy(
        "policy/inactive-owner",
        "A control or process is owned by someone who is no longer active",
        "Assign a new owner who is active in people.yaml.",
    ),
    policy(
        "policy/no-process-fix",
        "A structural failure (approval bypassed or self-approved) has no remediation action owned by its process or control owner",
        "Give the process owner (or control owner) an action that fixes the process.",
    ),
    policy(
        "policy/no-risk-signoff",
        "A shared platform control names nobody to sign off residual risk",
        "Set `shared_platform.risk_signoff` to the person who accepts the residual risk.",
    ),
    policy(
        "policy/no-single-decision-maker",
        "An AI-agent control used across teams has no single accountable decision-maker",
        "Set `shared_platform.risk_signoff` to one accountable person.",
    ),
    policy(
        "policy/over-policy-exception",
        "An open exception is granted for longer than the maximum validity (or never expires)",
        "Shorten the grant period to the policy's maximum validity, or close the exception.",
    ),
    policy(
        "policy/overdue-action",
        "A remediation action is past its due date and still open",
        "Finish the action and record `done`, or agree a new `due` date with its owner.",
    ),
    policy(
        "policy/permanent-exception",
        "An open exception has no expiry",
        "Give the exception an `expires` date, or close it.",
    ),
    policy(
        "policy/review-overdue",
        "A control is overdue for its periodic review",
        "Review the control and update `review.last`.",
    ),
    policy(
        "policy/self-approved",
        "An exception was approved by its own requester: separation of duties bypassed",
        "Have someone other than the requester approve it.",
    ),
    policy(
        "policy/unauthorized-approver",
        "An exception was approved by someone not on its control's approvers list",
        "Have a listed approver approve it, or add the person to the control's `approvers`.",
    ),
    policy(
        "policy/unreviewed-pattern",
        "A control keeps failing for the same origin and no process-defect review of it is recent",
        "Hold a process-defect review of the pattern and record it under reviews/.",
    ),
];

/// The rule of a content problem.
pub fn for_diagnostic(level: Level) -> &'static Rule {
    match level {
        Level::Error => &RULES[0],
        Level::Warning => &RULES[1],
    }
}

/// The rule of a finding kind (`expired-exception`); the content-warning rule for a kind
/// this list does not know, which a test rules out.
pub fn for_finding(kind: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|rule| rule.id.strip_prefix("policy/") == Some(kind))
        .unwrap_or(&RULES[1])
}

/// The position of `rule` in `RULES` (SARIF `ruleIndex`).
pub fn index_of(rule: &Rule) -> usize {
    RULES
        .iter()
        .position(|known| known.id == rule.id)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::GapKind;

    #[test]
    fn every_finding_kind_has_its_own_rule() {
        let gaps = [
            GapKind::InactiveOwner,
            GapKind::InactiveApprover,
            GapKind::NoRiskSignoff,
            GapKind::ReviewOverdue,
            GapKind::SelfApproved,
            GapKind::UnauthorizedApprover,
            GapKind::NoProcessFix,
            GapKind::NoSingleDecisionMaker,
            GapKind::UnreviewedPattern,
            GapKind::FixDidNotHold,
        ];
        let others = [
            "expired-exception",
            "permanent-exception",
            "over-policy-exception",
            "overdue-action",
        ];
        let kinds = gaps.iter().map(|g| g.as_str()).chain(others);
        for kind in kinds {
            assert_eq!(for_finding(kind).id, format!("policy/{kind}"));
        }
        assert_eq!(RULES.len(), 2 + 10 + 4);
    }

    #[test]
    fn rule_ids_are_unique_and_indexed() {
        for (i, rule) in RULES.iter().enumerate() {
            assert_eq!(index_of(rule), i, "{}", rule.id);
        }
    }
}
