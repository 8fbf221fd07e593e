//! Ownership and accountability gaps, remediation actions and per-person figures.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Control, Day, Exception, Model, Nhi, RecordKind};

use super::duties::{compute_fix_gaps, is_self_approved, unauthorized_approvers};
use super::timeline::{is_open, is_review_overdue, Timeline};
use super::{ActionRecord, ActionStatus, Gap, GapKind, Metrics, PersonMetrics, Role};

/// Whether `person` names someone in `people.yaml` marked inactive (unknown ids are
/// validation's business, not a gap).
fn is_inactive(model: &Model, person: &str) -> bool {
    model.people.get(person).is_some_and(|p| !p.active)
}

fn gap(kind: GapKind, record: &str, person: Option<&str>) -> Gap {
    Gap::new(kind, record, person)
}

/// Every gap, sorted by (record, kind, person) as written in `metrics.json`.
pub(super) fn compute_gaps(model: &Model, timeline: &Timeline) -> Vec<Gap> {
    let as_of = timeline.as_of;
    let mut gaps = compute_fix_gaps(model, timeline);
    let grace = model.site.review_overdue_grace_days;
    for control in model.controls.values() {
        control_gaps(model, control, as_of, grace, &mut gaps);
    }
    for process in model.processes.values() {
        if let Some(owner) = process.owner.as_deref().filter(|o| is_inactive(model, o)) {
            gaps.push(Gap {
                record_kind: RecordKind::Process,
                ..gap(GapKind::InactiveOwner, &process.id, Some(owner))
            });
        }
    }
    decision_maker_gaps(model, &mut gaps);
    for exception in model.exceptions.values() {
        if is_open(exception, as_of) {
            exception_gaps(model, exception, &mut gaps);
        }
    }
    sort_gaps(&mut gaps);
    gaps
}

/// Sorts gaps by (record, kind, person), the kind by its written name, as an auditor sorting
/// the JSON would.
pub(super) fn sort_gaps(gaps: &mut [Gap]) {
    gaps.sort_by(|a, b| {
        (a.record.cmp(&b.record))
            .then_with(|| a.kind.as_str().cmp(b.kind.as_str()))
            .then_with(|| a.person.cmp(&b.person))
    });
}

fn control_gaps(model: &Model, control: &Control, as_of: Day, grace: i64, gaps: &mut Vec<Gap>) {
    let owner = control.owner.as_deref();
    if let Some(owner) = owner.filter(|o| is_inactive(model, o)) {
        gaps.push(gap(GapKind::InactiveOwner, &control.id, Some(owner)));
    }
    let shared = control.shared_platform.as_ref();
    if shared.is_some_and(|shared| shared.risk_signoff.is_none()) {
        gaps.push(gap(GapKind::NoRiskSignoff, &control.id, None));
    }
    if is_review_overdue(control, as_of, grace) {
        gaps.push(gap(GapKind::ReviewOverdue, &control.id, owner));
    }
}

/// `no-single-decision-maker`: a control protecting `agent` identities, listed in the
/// `controls` of processes whose owners belong to two or more teams (owners without a team
/// are not counted), with no `shared_platform.risk_signoff`. The person is the control's
/// owner.
fn decision_maker_gaps(model: &Model, gaps: &mut Vec<Gap>) {
    let mut teams: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for process in model.processes.values() {
        let owner = process.owner.as_deref().and_then(|o| model.people.get(o));
        let Some(team) = owner.and_then(|o| o.team.as_deref()) else {
            continue;
        };
        for control in &process.controls {
            teams.entry(control).or_default().insert(team);
        }
    }
    for id in teams
        .iter()
        .filter(|(_, teams)| teams.len() >= 2)
        .map(|(id, _)| id)
    {
        let Some(control) = model.controls.get(*id) else {
            continue;
        };
        let signed = control
            .shared_platform
            .as_ref()
            .is_some_and(|s| s.risk_signoff.is_some());
        if control.nhi.contains(&Nhi::Agent) && !signed {
            gaps.push(gap(
                GapKind::NoSingleDecisionMaker,
                id,
                control.owner.as_deref(),
            ));
        }
    }
}

/// Gaps of one open exception: inactive latest approver, self-approval, and one
/// `unauthorized-approver` per approver missing from the control's `approvers` list.
fn exception_gaps(model: &Model, exception: &Exception, gaps: &mut Vec<Gap>) {
    let id = exception.id.as_str();
    if let Some(latest) = exception
        .latest_approver()
        .filter(|a| is_inactive(model, a))
    {
        gaps.push(gap(GapKind::InactiveApprover, id, Some(latest)));
    }
    if is_self_approved(exception) {
        let requester = exception.requested_by.as_deref();
        gaps.push(gap(GapKind::SelfApproved, id, requester));
    }
    let control = exception
        .control
        .as_deref()
        .and_then(|c| model.controls.get(c));
    for approver in unauthorized_approvers(exception, control) {
        gaps.push(gap(GapKind::UnauthorizedApprover, id, Some(approver)));
    }
}

/// Every remediation action of every incident, then of every review, up to as_of, ordered
/// by (record kind, record, index). Open = not done on or before as_of; overdue = open and
/// due before as_of.
pub(super) fn compute_actions(model: &Model, as_of: Day) -> Vec<ActionStatus> {
    let incidents = model.incidents.values().filter(|i| i.date <= as_of);
    let reviews = model.reviews.values().filter(|r| r.date <= as_of);
    let incidents = incidents.map(|i| (ActionRecord::Incident, &i.id, &i.actions));
    let reviews = reviews.map(|r| (ActionRecord::Review, &r.id, &r.actions));
    incidents
        .chain(reviews)
        .flat_map(|(kind, id, actions)| {
            actions.iter().enumerate().map(move |(index, action)| {
                let open = action.done.is_none_or(|done| done > as_of);
                ActionStatus {
                    record: id.clone(),
                    record_kind: kind,
                    index,
                    title: action.title.clone(),
                    owner: action.owner.clone(),
                    due: action.due,
                    done: action.done,
                    open,
                    overdue: open && action.due.is_some_and(|due| due < as_of),
                }
            })
        })
        .collect()
}

/// One entry per person in the model (zeros included), sorted by id.
pub(super) fn compute_people(model: &Model, metrics: &Metrics) -> Vec<PersonMetrics> {
    let mut people: BTreeMap<&str, PersonMetrics> = model
        .people
        .values()
        .map(|person| {
            let figures = PersonMetrics {
                id: person.id.clone(),
                ..PersonMetrics::default()
            };
            (person.id.as_str(), figures)
        })
        .collect();
    count_owned_and_approved(model, &mut people);
    count_attributed(metrics, &mut people);
    people.into_values().collect()
}

/// Controls and processes owned today, earlier ownership periods, and exceptions with a grant
/// period approved (any state, once per exception).
fn count_owned_and_approved(model: &Model, people: &mut BTreeMap<&str, PersonMetrics>) {
    for control in model.controls.values() {
        if let Some(person) = control.owner.as_deref().and_then(|o| people.get_mut(o)) {
            person.controls_owned += 1;
        }
        for period in &control.owner_history {
            if let Some(person) = people.get_mut(period.owner.as_str()) {
                person.controls_owned_before += 1;
            }
        }
    }
    for owner in model.processes.values().filter_map(|p| p.owner.as_deref()) {
        if let Some(person) = people.get_mut(owner) {
            person.processes_owned += 1;
        }
    }
    for exception in model.exceptions.values() {
        let approvers: BTreeSet<&str> = exception
            .grant_periods()
            .filter_map(|period| period.approved_by)
            .collect();
        for approver in approvers {
            if let Some(person) = people.get_mut(approver) {
                person.exceptions_approved += 1;
            }
        }
    }
}

/// Failures by role, actions and gaps, taken from the computed lists.
fn count_attributed(metrics: &Metrics, people: &mut BTreeMap<&str, PersonMetrics>) {
    count_accountable(metrics, people);
    for action in &metrics.actions {
        if let Some(person) = action.owner.as_deref().and_then(|p| people.get_mut(p)) {
            person.actions += 1;
            person.open_actions += usize::from(action.open);
            person.overdue_actions += usize::from(action.overdue);
        }
    }
    for gap in &metrics.gaps {
        if let Some(person) = gap.person.as_deref().and_then(|p| people.get_mut(p)) {
            person.gaps += 1;
        }
    }
}

/// One per accountable entry naming the person, by role; and the incidents in the window
/// that name them at all, each counted once whatever its roles.
fn count_accountable(metrics: &Metrics, people: &mut BTreeMap<&str, PersonMetrics>) {
    for incident in &metrics.incidents {
        let entries = &incident.accountable;
        for (index, entry) in entries.iter().enumerate() {
            let Some(person) = entry.person.as_deref().and_then(|p| people.get_mut(p)) else {
                continue;
            };
            match entry.role {
                Role::ControlOwner => person.failures_as_control_owner += 1,
                Role::ProcessOwner => person.failures_as_process_owner += 1,
                Role::ApprovingManager => person.failures_as_approving_manager += 1,
            }
            let earlier = entries.get(..index).unwrap_or_default();
            if incident.in_window && !earlier.iter().any(|e| e.person == entry.person) {
                person.accountable_in_window += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::testkit::*;
    use crate::metrics::{Gap, GapKind, PersonMetrics};

    use GapKind::{
        InactiveApprover, InactiveOwner, NoProcessFix, NoRiskSignoff, ReviewOverdue, SelfApproved,
        UnauthorizedApprover,
    };

    /// A person in `team`.
    fn member(id: &str, team: Option<&str>) -> crate::model::Person {
        let mut person = person(id, true);
        person.team = team.map(str::to_string);
        person
    }

    /// A process owned by `owner` that lists `controls`.
    fn using(id: &str, owner: &str, controls: &[&str]) -> crate::model::Process {
        let mut process = process(id, owner);
        process.controls = controls.iter().map(|c| c.to_string()).collect();
        process
    }

    #[test]
    fn an_agent_control_used_across_teams_needs_one_decision_maker() {
        use crate::model::Nhi::{Agent, Secret};
        let agent = |id: &str| {
            let mut control = control(id, "dana");
            control.nhi = vec![Secret, Agent];
            control
        };
        let mut signed = agent("CTL-SIGNED");
        signed.shared_platform = Some(shared(Some("maria")));
        let mut unsigned_platform = agent("CTL-PLATFORM");
        unsigned_platform.shared_platform = Some(shared(None));
        let mut secrets = control("CTL-SECRETS", "dana");
        secrets.nhi = vec![Secret];
        let mut kit = Kit::default()
            .control(agent("CTL-SPLIT"))
            .control(agent("CTL-ONE-TEAM"))
            .control(agent("CTL-NO-TEAM"))
            .control(signed)
            .control(unsigned_platform)
            .control(secrets);
        for (id, team) in [
            ("ann", Some("red")),
            ("bob", Some("blue")),
            ("cy", Some("red")),
        ] {
            kit.model.people.insert(id.to_string(), member(id, team));
        }
        kit.model.people.insert("dee".into(), member("dee", None));
        kit.model
            .people
            .insert("dana".into(), member("dana", Some("red")));
        kit.model
            .people
            .insert("maria".into(), member("maria", Some("red")));
        let both = ["CTL-SPLIT", "CTL-SIGNED", "CTL-PLATFORM", "CTL-SECRETS"];
        let kit = kit
            // red and blue use CTL-SPLIT, CTL-SIGNED, CTL-PLATFORM and CTL-SECRETS;
            .process(using("p1", "ann", &both))
            .process(using("p2", "bob", &both))
            // two owners of one team use CTL-ONE-TEAM; red and a team-less owner CTL-NO-TEAM.
            .process(using("p3", "ann", &["CTL-ONE-TEAM", "CTL-NO-TEAM"]))
            .process(using("p4", "cy", &["CTL-ONE-TEAM"]))
            .process(using("p5", "dee", &["CTL-NO-TEAM"]));
        let metrics = kit.compute(AS_OF);
        let found: Vec<(&str, &str, Option<&str>)> = metrics
            .gaps
            .iter()
            .filter(|g| matches!(g.kind, GapKind::NoSingleDecisionMaker | NoRiskSignoff))
            .map(|g| (g.kind.as_str(), g.record.as_str(), g.person.as_deref()))
            .collect();
        // CTL-SIGNED has a sign-off; CTL-SECRETS protects no agents; CTL-PLATFORM is both
        // a shared platform without sign-off and an agent control split across teams.
        assert_eq!(
            found,
            [
                ("no-risk-signoff", "CTL-PLATFORM", None),
                ("no-single-decision-maker", "CTL-PLATFORM", Some("dana")),
                ("no-single-decision-maker", "CTL-SPLIT", Some("dana")),
            ]
        );
    }

    #[test]
    fn gaps_cover_every_kind_sorted_by_record_then_kind() {
        let metrics = kit_with_every_gap().compute(AS_OF);
        let gap = Gap::new;
        let expected = vec![
            gap(InactiveOwner, "CTL-A", Some("gone")),
            gap(ReviewOverdue, "CTL-A", Some("gone")),
            gap(NoRiskSignoff, "CTL-B", None),
            gap(SelfApproved, "EXC-1", Some("ravi")),
            gap(UnauthorizedApprover, "EXC-1", Some("lee")), // once, though lee renewed twice
            gap(UnauthorizedApprover, "EXC-1", Some("ravi")),
            gap(InactiveApprover, "EXC-2", Some("gone")),
            gap(UnauthorizedApprover, "EXC-2", Some("gone")),
            gap(NoProcessFix, "INC-9", Some("dana")),
            // byte order: lowercase after uppercase; a process, unlike CTL-A
            Gap {
                record_kind: crate::model::RecordKind::Process,
                ..gap(InactiveOwner, "ci", Some("gone"))
            },
        ];
        assert_eq!(metrics.gaps, expected);
        let summary = &metrics.summary;
        // inactive-owner x2 + inactive-approver + no-risk-signoff
        assert_eq!(summary.ownership_gaps, 4);
        assert_eq!(summary.self_approved_exceptions, 1);
        assert_eq!(summary.unauthorized_approvals, 3);
        assert_eq!(summary.overdue_reviews, 1);
        let overdue: Vec<bool> = metrics.controls.iter().map(|c| c.review_overdue).collect();
        assert_eq!(overdue, [true, false, false]);
    }

    #[test]
    fn people_figures_list_every_person_even_with_nothing_to_count() {
        let kit = kit_with_every_gap().incident(incident(
            "INC-1",
            "CTL-A",
            "2026-10-10",
            &[Design, Approval],
        ));
        let metrics = kit.compute(AS_OF);
        let ids: Vec<&str> = metrics.people.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["dana", "gone", "idle", "lee", "maria", "ravi"]);
        let figures = |id: &str| metrics.people.iter().find(|p| p.id == id).cloned();
        let gone = PersonMetrics {
            id: "gone".to_string(),
            controls_owned: 1,
            processes_owned: 1,
            exceptions_approved: 1,       // EXC-2's renewal
            failures_as_control_owner: 1, // INC-1 design; its approval has no approver
            gaps: 5,                      // CTL-A x2, EXC-2 x2, ci
            accountable_in_window: 1,     // INC-1, 2026-10-10, 22 days before as-of
            ..PersonMetrics::default()
        };
        assert_eq!(figures("gone"), Some(gone));
        let ravi = PersonMetrics {
            id: "ravi".to_string(),
            exceptions_approved: 2, // EXC-1 and the closed EXC-3
            gaps: 2,
            ..PersonMetrics::default()
        };
        assert_eq!(figures("ravi"), Some(ravi));
        let idle = PersonMetrics {
            id: "idle".to_string(),
            ..PersonMetrics::default()
        };
        assert_eq!(figures("idle"), Some(idle));
    }

    #[test]
    fn people_count_earlier_ownership_actions_approvals_and_window_accountability() {
        let mut ctl_a = control("CTL-A", "dana");
        ctl_a.owner_history = vec![
            owner_until("sam", "2026-01-31"),
            owner_until("lee", "2026-03-31"),
            owner_until("sam", "2026-06-30"),
        ];
        let mut ctl_b = control("CTL-B", "lee");
        ctl_b.owner_history = vec![owner_until("sam", "2025-12-31")];
        // Design goes to sam (owner until 01-31), approval to sam too: one incident for sam.
        let mut i1 = incident("I-1", "CTL-A", "2026-01-15", &[Design, Approval]);
        i1.approved_by = Some("sam".to_string());
        i1.actions = vec![
            action("done", "dana", Some("2026-03-01"), Some("2026-02-01")),
            action("open", "dana", None, None),
        ];
        // 2025-10-01 is before the window (2025-11-02 ..= 2026-11-01); sam owned CTL-A then.
        let i2 = incident("I-2", "CTL-A", "2025-10-01", &[Design]);
        let mut i3 = incident("I-3", "CTL-B", "2026-09-01", &[Design]);
        i3.actions = vec![action("late", "lee", Some("2026-10-01"), None)];
        let mut i4 = incident("I-4", "CTL-A", "2026-11-05", &[Design]);
        i4.actions = vec![action("after as-of", "dana", None, None)];
        let mut exc_1 = exception("EXC-1", "CTL-A", "maria", "2026-01-01", Some("2026-02-01"));
        exc_1.renewals = vec![
            renewal("maria", "2026-02-01", "2026-03-01"),
            renewal("lee", "2026-03-01", "2026-04-01"),
        ];
        let future = exception("EXC-2", "CTL-A", "maria", "2026-12-01", Some("2026-12-31"));
        let kit = Kit::default()
            .people(&["dana", "lee", "maria", "sam"])
            .control(ctl_a)
            .control(ctl_b)
            .incident(i1)
            .incident(i2)
            .incident(i3)
            .incident(i4)
            .exception(exc_1)
            .exception(future);
        let person = |id: &str| PersonMetrics {
            id: id.to_string(),
            ..PersonMetrics::default()
        };
        let expected = vec![
            PersonMetrics {
                controls_owned: 1,
                actions: 2, // I-4's is after as-of
                open_actions: 1,
                ..person("dana")
            },
            PersonMetrics {
                controls_owned: 1,
                controls_owned_before: 1,
                exceptions_approved: 1,
                failures_as_control_owner: 1,
                accountable_in_window: 1,
                actions: 1,
                open_actions: 1,
                overdue_actions: 1,
                ..person("lee")
            },
            PersonMetrics {
                exceptions_approved: 2, // EXC-1 once for two periods, and the future EXC-2
                ..person("maria")
            },
            PersonMetrics {
                controls_owned_before: 3, // two periods of CTL-A, one of CTL-B
                failures_as_control_owner: 2,
                failures_as_approving_manager: 1,
                accountable_in_window: 1, // I-1 once for both roles; I-2 is outside
                ..person("sam")
            },
        ];
        assert_eq!(kit.compute(AS_OF).people, expected);
    }

    #[test]
    fn actions_are_open_until_done_and_overdue_once_due_has_passed() {
        let mut current = incident("INC-1", "CTL-A", "2026-10-01", &[Design]);
        current.actions = vec![
            action("due yesterday", "dana", Some("2026-10-31"), None),
            action("due today", "dana", Some("2026-11-01"), None),
            action("done today", "dana", Some("2026-10-01"), Some("2026-11-01")),
            action(
                "done tomorrow",
                "lee",
                Some("2026-10-01"),
                Some("2026-11-02"),
            ),
            action("no due date", "lee", None, None),
        ];
        let mut later = incident("INC-2", "CTL-A", "2026-11-02", &[Design]);
        later.actions = vec![action("after as_of", "dana", Some("2026-01-01"), None)];
        let kit = Kit::default()
            .people(&["dana", "lee"])
            .control(control("CTL-A", "dana"))
            .incident(current)
            .incident(later);
        let metrics = kit.compute(AS_OF);
        let rows: Vec<_> = metrics
            .actions
            .iter()
            .map(|a| (a.record.as_str(), a.index, a.open, a.overdue))
            .collect();
        let expected = [
            ("INC-1", 0, true, true),
            ("INC-1", 1, true, false),
            ("INC-1", 2, false, false),
            ("INC-1", 3, true, true),
            ("INC-1", 4, true, false),
        ];
        assert_eq!(rows, expected);
        assert_eq!(
            (
                metrics.summary.open_actions,
                metrics.summary.overdue_actions
            ),
            (4, 2)
        );
        let per_person: Vec<_> = metrics
            .people
            .iter()
            .map(|p| (p.id.as_str(), p.open_actions, p.overdue_actions))
            .collect();
        assert_eq!(per_person, [("dana", 2, 1), ("lee", 2, 1)]);
    }

    #[test]
    fn incidents_after_as_of_appear_nowhere() {
        let mut late = incident("INC-LATE", "CTL-A", "2026-11-02", &[Design, Approval]);
        late.approved_by = Some("maria".to_string());
        late.actions = vec![action("fix", "dana", Some("2026-01-01"), None)];
        let kit = Kit::default()
            .people(&["dana", "maria"])
            .control(control("CTL-A", "dana"))
            .exception(exception("EXC-1", "CTL-A", "maria", "2026-01-01", None))
            .incident(late);
        let metrics = kit.compute(AS_OF);
        assert!(metrics.incidents.is_empty());
        assert!(metrics.actions.is_empty());
        assert_eq!(metrics.controls[0].failures_total, 0);
        assert!(metrics.monthly.iter().all(|m| m.design + m.approval == 0));
        assert_eq!(
            metrics.failures_during_exception.get("EXC-1"),
            Some(&Vec::new())
        );
        let attributed = |p: &PersonMetrics| {
            p.failures_as_control_owner + p.failures_as_approving_manager + p.open_actions
        };
        assert!(metrics.people.iter().all(|p| attributed(p) == 0));
    }
}
