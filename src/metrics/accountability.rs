//! Who is accountable for each failure: one entry per origin (DESIGN.md rule 3).

use crate::model::{Incident, Model, Origin};

use super::duties::is_structural;
use super::timeline::Timeline;
use super::{Accountable, IncidentMetrics, OriginAccountability, Role};

/// One entry per incident up to as_of, sorted by id.
pub(super) fn compute_incidents(model: &Model, timeline: &Timeline) -> Vec<IncidentMetrics> {
    model
        .incidents
        .values()
        .filter(|incident| incident.date <= timeline.as_of)
        .map(|incident| IncidentMetrics {
            id: incident.id.clone(),
            control: incident.control.clone(),
            date: incident.date,
            origins: incident.origins(),
            in_window: timeline.in_window(incident.date),
            repeat: timeline.is_repeat(&incident.id),
            accountable: compute_accountable(model, incident),
            structural: is_structural(model, incident),
            severity: incident.severity,
        })
        .collect()
}

/// One entry per origin, in the order design, operation, approval: the role accountable for
/// it and the incidents up to as_of (and in the window) whose origins include it.
pub(super) fn compute_by_origin(incidents: &[IncidentMetrics]) -> Vec<OriginAccountability> {
    let mut rows: Vec<OriginAccountability> = Origin::ALL
        .into_iter()
        .map(|origin| OriginAccountability {
            origin,
            role: Role::for_origin(origin),
            failures_in_window: 0,
            failures_total: 0,
        })
        .collect();
    for incident in incidents {
        for row in rows.iter_mut() {
            if incident.origins.contains(&row.origin) {
                row.failures_total += 1;
                row.failures_in_window += usize::from(incident.in_window);
            }
        }
    }
    rows
}

/// The accountable role and person for each origin, in the order design, operation, approval.
fn compute_accountable(model: &Model, incident: &Incident) -> Vec<Accountable> {
    incident
        .origins()
        .into_iter()
        .map(|origin| Accountable {
            role: Role::for_origin(origin),
            person: accountable_person(model, incident, origin).map(str::to_string),
        })
        .collect()
}

/// The person behind one origin; `None` when the record naming them is missing.
fn accountable_person<'a>(
    model: &'a Model,
    incident: &'a Incident,
    origin: Origin,
) -> Option<&'a str> {
    match origin {
        // The owner on the failure date, not today's: ownership may have moved since.
        Origin::Design => model
            .controls
            .get(incident.control.as_deref()?)?
            .owner_on(incident.date),
        Origin::Operation => model
            .processes
            .get(incident.process.as_deref()?)?
            .owner
            .as_deref(),
        Origin::Approval => incident
            .exception
            .as_deref()
            .and_then(|id| model.exceptions.get(id))
            .and_then(|exception| exception.approver_on(incident.date))
            .or(incident.approved_by.as_deref()),
    }
}

#[cfg(test)]
mod tests {
    use crate::metrics::testkit::*;
    use crate::metrics::{Accountable, Role};

    fn entry(role: Role, person: Option<&str>) -> Accountable {
        Accountable {
            role,
            person: person.map(str::to_string),
        }
    }

    /// The accountable entries of the incident with `id`.
    fn accountable(kit: &Kit, id: &str) -> Vec<Accountable> {
        let metrics = kit.compute(AS_OF);
        let found = metrics.incidents.into_iter().find(|i| i.id == id);
        found.map(|i| i.accountable).unwrap_or_default()
    }

    #[test]
    fn design_failures_go_to_the_owner_on_the_failure_date() {
        let mut ctl = control("CTL-A", "new-owner");
        ctl.owner_history = vec![owner_until("old-owner", "2026-03-31")];
        // old-owner held the control up to and including 2026-03-31; new-owner from 04-01.
        let cases = [
            ("2026-03-30", "old-owner"),
            ("2026-03-31", "old-owner"), // the `until` day itself, the day before the change
            ("2026-04-01", "new-owner"),
        ];
        for (date, owner) in cases {
            let kit = Kit::default().control(ctl.clone()).incident(incident(
                "INC-1",
                "CTL-A",
                date,
                &[Design],
            ));
            let expected = vec![entry(Role::ControlOwner, Some(owner))];
            assert_eq!(accountable(&kit, "INC-1"), expected, "failure on {date}");
        }
    }

    #[test]
    fn boundary_failure_names_every_accountable_person_in_origin_order() {
        let mut boundary = incident("INC-1", "CTL-A", "2026-06-01", &[Operation, Design]);
        boundary.process = Some("ci-cd-deploy".to_string());
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .process(process("ci-cd-deploy", "lee"))
            .incident(boundary);
        let expected = vec![
            entry(Role::ControlOwner, Some("dana")),
            entry(Role::ProcessOwner, Some("lee")),
        ];
        assert_eq!(accountable(&kit, "INC-1"), expected);
        let metrics = kit.compute(AS_OF);
        assert_eq!(metrics.incidents[0].origins, vec![Design, Operation]);
    }

    #[test]
    fn operation_failure_without_a_process_has_no_person() {
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .incident(incident("INC-1", "CTL-A", "2026-06-01", &[Operation]));
        let expected = vec![entry(Role::ProcessOwner, None)];
        assert_eq!(accountable(&kit, "INC-1"), expected);
    }

    #[test]
    fn approval_failures_go_to_the_approver_of_the_grant_period_then_in_force() {
        let mut exc = exception("EXC-1", "CTL-A", "maria", "2026-01-01", Some("2026-03-01"));
        exc.renewals = vec![
            renewal("lee", "2026-03-01", "2026-06-01"),
            renewal("maria", "2026-06-01", "2026-08-30"),
        ];
        // (incident date, linked exception, incident's own approved_by, expected approver)
        let cases = [
            ("2025-12-31", Some("EXC-1"), None, Some("maria")), // before any grant: the original
            ("2026-02-15", Some("EXC-1"), None, Some("maria")),
            ("2026-04-15", Some("EXC-1"), None, Some("lee")), // between the renewals
            ("2026-06-01", Some("EXC-1"), None, Some("maria")), // renewal granted that day
            ("2026-04-15", None, Some("sam"), Some("sam")),
            ("2026-04-15", Some("EXC-MISSING"), Some("sam"), Some("sam")),
            ("2026-04-15", None, None, None),
        ];
        for (date, linked, approved_by, expected) in cases {
            let mut failure = incident("INC-1", "CTL-A", date, &[Approval]);
            failure.exception = linked.map(str::to_string);
            failure.approved_by = approved_by.map(str::to_string);
            let kit = Kit::default()
                .control(control("CTL-A", "dana"))
                .exception(exc.clone())
                .incident(failure);
            let want = vec![entry(Role::ApprovingManager, expected)];
            assert_eq!(accountable(&kit, "INC-1"), want, "{date} {linked:?}");
        }
    }

    #[test]
    fn accountability_by_origin_counts_incidents_whose_origins_include_it() {
        let kit = Kit::default()
            .control(control("CTL-A", "dana"))
            .incident(incident("I-1", "CTL-A", "2026-06-01", &[Design, Operation]))
            .incident(incident("I-2", "CTL-A", "2025-06-01", &[Design])) // before the window
            .incident(incident("I-3", "CTL-A", "2026-10-01", &[Approval])) // nobody named
            .incident(incident("I-4", "CTL-A", "2026-11-02", &[Operation])); // after as-of
        let rows: Vec<_> = kit
            .compute(AS_OF)
            .accountability_by_origin
            .into_iter()
            .map(|r| (r.origin, r.role, r.failures_in_window, r.failures_total))
            .collect();
        let expected = [
            (Design, Role::ControlOwner, 1, 2),
            (Operation, Role::ProcessOwner, 1, 1),
            (Approval, Role::ApprovingManager, 1, 1),
        ];
        assert_eq!(rows, expected);
        let empty = Kit::default().compute(AS_OF).accountability_by_origin;
        let origins: Vec<_> = empty.iter().map(|r| (r.origin, r.failures_total)).collect();
        assert_eq!(origins, [(Design, 0), (Operation, 0), (Approval, 0)]);
    }

    #[test]
    fn missing_references_leave_the_person_empty_without_panicking() {
        let mut orphan = incident("INC-1", "CTL-MISSING", "2026-06-01", &[Design, Operation]);
        orphan.process = Some("no-such-process".to_string());
        let mut no_control = incident("INC-2", "CTL-A", "2026-06-02", &[Design]);
        no_control.control = None;
        let kit = Kit::default().incident(orphan).incident(no_control);
        let expected = vec![
            entry(Role::ControlOwner, None),
            entry(Role::ProcessOwner, None),
        ];
        assert_eq!(accountable(&kit, "INC-1"), expected);
        assert_eq!(
            accountable(&kit, "INC-2"),
            vec![entry(Role::ControlOwner, None)]
        );
        let metrics = kit.compute(AS_OF);
        assert_eq!(metrics.summary.incidents_in_window, 2);
        assert_eq!(metrics.summary.repeat_incidents_in_window, 0);
    }
}
