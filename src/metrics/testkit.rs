//! Small hand-made models for the metrics tests.

use crate::model::{
    Action, Control, Day, Exception, Framework, FrameworkRef, Incident, Model, Origin, OwnerPeriod,
    Person, Process, ProcessReview, Renewal, Review, SharedPlatform,
};

use super::{compute, Metrics};

pub use crate::model::Origin::{Approval, Design, Operation};

/// The as-of date most tests use.
pub const AS_OF: &str = "2026-11-01";

pub fn day(text: &str) -> Day {
    text.parse().unwrap()
}

/// A person; built from YAML so new optional fields on `Person` do not break the tests.
pub fn person(id: &str, active: bool) -> Person {
    serde_yaml::from_str(&format!("{{id: {id}, name: {id}, active: {active}}}")).unwrap()
}

/// A framework listing these reference ids, in this order.
pub fn framework(id: &str, references: &[&str]) -> Framework {
    Framework {
        id: id.to_string(),
        name: id.to_string(),
        url: None,
        references: references
            .iter()
            .map(|reference| FrameworkRef {
                id: reference.to_string(),
                title: String::new(),
            })
            .collect(),
        source: Default::default(),
        index: 0,
    }
}

/// `control` mapping `framework` references to it, as a control's `frameworks:` field does.
pub fn maps(mut control: Control, framework: &str, references: &[&str]) -> Control {
    let list = control.frameworks.entry(framework.to_string()).or_default();
    list.extend(references.iter().map(|r| r.to_string()));
    control
}

pub fn control(id: &str, owner: &str) -> Control {
    Control {
        id: id.to_string(),
        owner: Some(owner.to_string()),
        ..Control::default()
    }
}

pub fn process(id: &str, owner: &str) -> Process {
    Process {
        id: id.to_string(),
        owner: Some(owner.to_string()),
        ..Process::default()
    }
}

pub fn incident(id: &str, control: &str, date: &str, origins: &[Origin]) -> Incident {
    Incident {
        id: id.to_string(),
        control: Some(control.to_string()),
        date: day(date),
        origin: origins.to_vec(),
        ..Incident::default()
    }
}

/// `incident` recorded against `process` (its `process` field).
pub fn in_process(mut incident: Incident, process: &str) -> Incident {
    incident.process = Some(process.to_string());
    incident
}

pub fn exception(
    id: &str,
    control: &str,
    approver: &str,
    granted: &str,
    expires: Option<&str>,
) -> Exception {
    Exception {
        id: id.to_string(),
        control: Some(control.to_string()),
        requested_by: Some("requester".to_string()),
        approved_by: Some(approver.to_string()),
        granted: day(granted),
        expires: expires.map(day),
        ..Exception::default()
    }
}

pub fn renewal(approver: &str, granted: &str, expires: &str) -> Renewal {
    Renewal {
        approved_by: approver.to_string(),
        granted: day(granted),
        expires: Some(day(expires)),
    }
}

pub fn owner_until(owner: &str, until: &str) -> OwnerPeriod {
    OwnerPeriod {
        owner: owner.to_string(),
        until: day(until),
    }
}

pub fn review(last: &str, every_days: i64) -> Review {
    Review {
        last: day(last),
        every_days,
    }
}

pub fn shared(risk_signoff: Option<&str>) -> SharedPlatform {
    SharedPlatform {
        adoption_owners: Vec::new(),
        risk_signoff: risk_signoff.map(str::to_string),
    }
}

pub fn action(title: &str, owner: &str, due: Option<&str>, done: Option<&str>) -> Action {
    Action {
        title: title.to_string(),
        owner: Some(owner.to_string()),
        due: due.map(day),
        done: done.map(day),
    }
}

/// A process-defect review of the pattern (`control`, `origin`), decided by `dana` to fix
/// the process, with no `fix_owner` and no actions.
pub fn defect_review(id: &str, control: &str, origin: Origin, date: &str) -> ProcessReview {
    ProcessReview {
        id: id.to_string(),
        control: Some(control.to_string()),
        origin: Some(origin),
        date: day(date),
        decided_by: Some("dana".to_string()),
        decision: Some(crate::model::Decision::FixProcess),
        ..ProcessReview::default()
    }
}

/// `review` with actions done on these dates (`None`: still open).
pub fn with_done(mut review: ProcessReview, done: &[Option<&str>]) -> ProcessReview {
    review.actions = (done.iter())
        .map(|d| action("fix", "dana", None, *d))
        .collect();
    review
}

/// A model under construction: `Kit::default().control(..).incident(..).compute(AS_OF)`.
#[derive(Default)]
pub struct Kit {
    pub model: Model,
}

impl Kit {
    pub fn people(mut self, ids: &[&str]) -> Kit {
        for id in ids {
            self.model.people.insert(id.to_string(), person(id, true));
        }
        self
    }

    pub fn inactive(mut self, id: &str) -> Kit {
        self.model.people.insert(id.to_string(), person(id, false));
        self
    }

    /// A team of the people `members` (who must be in the kit already).
    pub fn team(mut self, id: &str, members: &[&str]) -> Kit {
        let team = crate::model::Team {
            id: id.to_string(),
            name: id.to_string(),
            lead: None,
            source: Default::default(),
            index: 0,
        };
        self.model.teams.insert(id.to_string(), team);
        for member in members {
            if let Some(person) = self.model.people.get_mut(*member) {
                person.team = Some(id.to_string());
            }
        }
        self
    }

    pub fn control(mut self, control: Control) -> Kit {
        self.model.controls.insert(control.id.clone(), control);
        self
    }

    pub fn process(mut self, process: Process) -> Kit {
        self.model.processes.insert(process.id.clone(), process);
        self
    }

    pub fn exception(mut self, exception: Exception) -> Kit {
        self.model
            .exceptions
            .insert(exception.id.clone(), exception);
        self
    }

    pub fn framework(mut self, framework: Framework) -> Kit {
        self.model
            .frameworks
            .insert(framework.id.clone(), framework);
        self
    }

    pub fn incident(mut self, incident: Incident) -> Kit {
        self.model
            .incidents
            .insert(incident.id.clone(), Box::new(incident));
        self
    }

    pub fn review(mut self, review: ProcessReview) -> Kit {
        self.model.reviews.insert(review.id.clone(), review);
        self
    }

    pub fn compute(&self, as_of: &str) -> Metrics {
        compute(&self.model, day(as_of))
    }
}

/// Every gap kind: CTL-A owned by someone who left and overdue for review, CTL-B a shared
/// platform without sign-off, process `ci` owned by the leaver, EXC-1 self-approved and
/// approved by two people off CTL-B's list, EXC-2 renewed by the leaver, EXC-3 closed,
/// INC-9 an approval bypass of CTL-B with no action (no process: its owner dana is chased).
pub fn kit_with_every_gap() -> Kit {
    let mut bypass = incident("INC-9", "CTL-B", "2026-10-15", &[Design]);
    bypass.surfaced_by = Some(crate::model::SurfacedBy::ApprovalBypass);
    let mut ctl_a = control("CTL-A", "gone");
    ctl_a.review = Some(review("2026-01-01", 180)); // due 2026-06-30
    let mut ctl_b = control("CTL-B", "dana");
    ctl_b.shared_platform = Some(shared(None));
    ctl_b.approvers = vec!["maria".to_string()];
    ctl_b.review = Some(review("2026-05-05", 180)); // due on the as-of date: not overdue
    let mut ctl_c = control("CTL-C", "dana");
    ctl_c.shared_platform = Some(shared(Some("maria")));
    let mut exc_1 = exception("EXC-1", "CTL-B", "ravi", "2026-09-01", Some("2026-10-01"));
    exc_1.requested_by = Some("ravi".to_string());
    exc_1.renewals = vec![
        renewal("lee", "2026-10-01", "2026-11-01"),
        renewal("lee", "2026-11-01", "2026-12-01"),
    ];
    let mut exc_2 = exception("EXC-2", "CTL-B", "maria", "2026-09-01", Some("2026-10-01"));
    exc_2.renewals = vec![renewal("gone", "2026-10-01", "2026-12-01")];
    let mut exc_3 = exception("EXC-3", "CTL-B", "ravi", "2026-09-01", Some("2026-10-01"));
    exc_3.requested_by = Some("ravi".to_string());
    exc_3.closed = Some(day("2026-10-01"));
    Kit::default()
        .people(&["dana", "maria", "lee", "ravi", "idle"])
        .inactive("gone")
        .control(ctl_a)
        .control(ctl_b)
        .control(ctl_c)
        .process(process("ci", "gone"))
        .exception(exc_1)
        .exception(exc_2)
        .exception(exc_3)
        .incident(bypass)
        // CTL-A has no approvers list, so nobody is unauthorized for it.
        .exception(exception(
            "EXC-4",
            "CTL-A",
            "anyone",
            "2026-10-01",
            Some("2026-12-01"),
        ))
}
