//! Who must fix each recurring pattern (content-format.md "Who fixes a recurring pattern").

use std::collections::BTreeMap;

use crate::model::{Control, Incident, Model, Origin};

use super::timeline::Timeline;
use super::{RecurringPattern, Role};

/// Fills in `fix_owner` and `fix_owner_role` of every pattern.
pub(super) fn assign_fix_owners(
    model: &Model,
    timeline: &Timeline,
    patterns: &mut [RecurringPattern],
) {
    for pattern in patterns {
        let Some(control) = model.controls.get(&pattern.control) else {
            continue;
        };
        let incidents: Vec<&Incident> = timeline
            .of_control(&control.id)
            .iter()
            .copied()
            .filter(|i| timeline.in_window(i.date) && i.origin.contains(&pattern.origin))
            .collect();
        let fix = fix_owner(model, control, pattern.origin, &incidents);
        (pattern.fix_owner, pattern.fix_owner_role) = fix.unzip();
    }
}

/// Who must fix a pattern of `origin` whose incidents are `incidents`: the control's current
/// owner for `design` and `approval`; for `operation`, the owner of the process most of them
/// name (none when that process has no owner: no fallback to a process with fewer).
fn fix_owner(
    model: &Model,
    control: &Control,
    origin: Origin,
    incidents: &[&Incident],
) -> Option<(String, Role)> {
    match origin {
        Origin::Design | Origin::Approval => {
            let owner = control.owner.clone()?;
            Some((owner, Role::ControlOwner))
        }
        Origin::Operation => {
            let process = model.processes.get(busiest_process(incidents)?)?;
            Some((process.owner.clone()?, Role::ProcessOwner))
        }
    }
}

/// The process named by the most of `incidents` (those without a `process` name none);
/// on a tie the smallest id. `None` when no incident names a process.
fn busiest_process<'a>(incidents: &[&'a Incident]) -> Option<&'a str> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for process in incidents.iter().filter_map(|i| i.process.as_deref()) {
        *counts.entry(process).or_default() += 1;
    }
    let mut busiest: Option<(&str, usize)> = None;
    // Ascending ids, replaced only by a strictly larger count: the smallest id wins a tie.
    for (process, count) in counts {
        if busiest.is_none_or(|(_, most)| count > most) {
            busiest = Some((process, count));
        }
    }
    busiest.map(|(process, _)| process)
}

#[cfg(test)]
mod tests {
    use crate::metrics::testkit::*;
    use crate::metrics::Role;
    use crate::model::Origin;

    /// (control, origin, failures in window, fix owner, fix owner role) of a pattern.
    type Fix = (String, Origin, usize, Option<String>, Option<Role>);

    fn fixes(kit: &Kit) -> Vec<Fix> {
        let metrics = kit.compute(AS_OF);
        let patterns = metrics.recurring_patterns.into_iter();
        patterns
            .map(|p| {
                let (control, origin, n) = (p.control, p.origin, p.failures_in_window);
                (control, origin, n, p.fix_owner, p.fix_owner_role)
            })
            .collect()
    }

    fn fix(control: &str, origin: Origin, failures: usize, owner: Option<(&str, Role)>) -> Fix {
        let (owner, role) = owner.map(|(o, r)| (o.to_string(), r)).unzip();
        (control.to_string(), origin, failures, owner, role)
    }

    #[test]
    fn design_and_approval_patterns_are_fixed_by_the_current_control_owner() {
        // Sam owned CTL-A until 2026-03-31, so A-1's design failure is his to answer for;
        // the fix is made from now on, by the current owner, Dana.
        let mut ctl_a = control("CTL-A", "dana");
        ctl_a.owner_history = vec![owner_until("sam", "2026-03-31")];
        let mut ctl_b = control("CTL-B", "nobody");
        ctl_b.owner = None;
        let kit = Kit::default()
            .people(&["dana", "sam"])
            .control(ctl_a)
            .control(ctl_b)
            .incident(incident("A-1", "CTL-A", "2026-02-01", &[Design, Approval]))
            .incident(incident("A-2", "CTL-A", "2026-06-01", &[Design, Approval]))
            .incident(incident("B-1", "CTL-B", "2026-06-01", &[Design]))
            .incident(incident("B-2", "CTL-B", "2026-07-01", &[Design]));
        let expected = vec![
            fix("CTL-A", Design, 2, Some(("dana", Role::ControlOwner))),
            fix("CTL-A", Approval, 2, Some(("dana", Role::ControlOwner))),
            fix("CTL-B", Design, 2, None), // no owner: no fix owner, no role
        ];
        assert_eq!(fixes(&kit), expected);
        let a_1 = &kit.compute(AS_OF).incidents[0];
        assert_eq!(a_1.accountable[0].person.as_deref(), Some("sam"));
    }

    #[test]
    fn operation_pattern_is_fixed_by_the_owner_of_the_process_most_of_its_failures_name() {
        // Operation failures of CTL-A in the window: A-1 (deploy), A-2 and A-3 (ci), A-6 (no
        // process): ci 2, deploy 1. A-0 (outside the window) and A-4, A-5 (design only) would
        // give deploy 4 if they counted.
        let kit = Kit::default()
            .inactive("lee") // still named: the inactive-owner gap flags him
            .people(&["dana", "ravi"])
            .control(control("CTL-A", "dana"))
            .process(process("ci", "lee"))
            .process(process("deploy", "ravi"))
            .incident(in_process(
                incident("A-0", "CTL-A", "2025-06-01", &[Operation]),
                "deploy",
            ))
            .incident(in_process(
                incident("A-1", "CTL-A", "2026-01-01", &[Operation]),
                "deploy",
            ))
            .incident(in_process(
                incident("A-2", "CTL-A", "2026-02-01", &[Operation]),
                "ci",
            ))
            .incident(in_process(
                incident("A-3", "CTL-A", "2026-03-01", &[Design, Operation]),
                "ci",
            ))
            .incident(in_process(
                incident("A-4", "CTL-A", "2026-04-01", &[Design]),
                "deploy",
            ))
            .incident(in_process(
                incident("A-5", "CTL-A", "2026-05-01", &[Design]),
                "deploy",
            ))
            .incident(incident("A-6", "CTL-A", "2026-06-01", &[Operation]));
        let expected = vec![
            fix("CTL-A", Design, 3, Some(("dana", Role::ControlOwner))),
            fix("CTL-A", Operation, 4, Some(("lee", Role::ProcessOwner))),
        ];
        assert_eq!(fixes(&kit), expected);
    }

    #[test]
    fn operation_pattern_tie_goes_to_the_smallest_process_id() {
        // One failure each. "ci" < "deploy" though deploy failed first; "Zeta" < "alpha"
        // because capitals sort before lower case.
        let kit = Kit::default()
            .control(control("CTL-B", "dana"))
            .control(control("CTL-C", "dana"))
            .process(process("ci", "lee"))
            .process(process("deploy", "ravi"))
            .process(process("alpha", "al"))
            .process(process("Zeta", "zed"))
            .incident(in_process(
                incident("B-1", "CTL-B", "2026-01-01", &[Operation]),
                "deploy",
            ))
            .incident(in_process(
                incident("B-2", "CTL-B", "2026-02-01", &[Operation]),
                "ci",
            ))
            .incident(in_process(
                incident("C-1", "CTL-C", "2026-01-01", &[Operation]),
                "alpha",
            ))
            .incident(in_process(
                incident("C-2", "CTL-C", "2026-02-01", &[Operation]),
                "Zeta",
            ));
        let expected = vec![
            fix("CTL-B", Operation, 2, Some(("lee", Role::ProcessOwner))),
            fix("CTL-C", Operation, 2, Some(("zed", Role::ProcessOwner))),
        ];
        assert_eq!(fixes(&kit), expected);
    }

    #[test]
    fn operation_pattern_has_no_fix_owner_without_an_owned_known_process() {
        // CTL-D: no incident names a process. CTL-E: "orphan" has the most (2) and no owner,
        // so "ci" (1) is not used instead. CTL-F: "ghost" is not a process of the model.
        let mut orphan = process("orphan", "nobody");
        orphan.owner = None;
        let kit = Kit::default()
            .control(control("CTL-D", "dana"))
            .control(control("CTL-E", "dana"))
            .control(control("CTL-F", "dana"))
            .process(process("ci", "lee"))
            .process(orphan)
            .incident(incident("D-1", "CTL-D", "2026-01-01", &[Operation]))
            .incident(incident("D-2", "CTL-D", "2026-02-01", &[Operation]))
            .incident(in_process(
                incident("E-1", "CTL-E", "2026-01-01", &[Operation]),
                "orphan",
            ))
            .incident(in_process(
                incident("E-2", "CTL-E", "2026-02-01", &[Operation]),
                "orphan",
            ))
            .incident(in_process(
                incident("E-3", "CTL-E", "2026-03-01", &[Operation]),
                "ci",
            ))
            .incident(in_process(
                incident("F-1", "CTL-F", "2026-01-01", &[Operation]),
                "ghost",
            ))
            .incident(in_process(
                incident("F-2", "CTL-F", "2026-02-01", &[Operation]),
                "ghost",
            ));
        let expected = vec![
            fix("CTL-D", Operation, 2, None),
            fix("CTL-E", Operation, 3, None),
            fix("CTL-F", Operation, 2, None),
        ];
        assert_eq!(fixes(&kit), expected);
    }
}
