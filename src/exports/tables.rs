//! The CSV tables of `data/`: one row per record of `metrics.json`'s lists, in their order,
//! with the record's own facts (title, dates, who) taken from the model beside its figures.
//! Each column is documented in docs/content-format.md ("Exports").

use std::borrow::Cow;

use serde::Serialize;

use super::{joined, spreadsheet_safe, write_rows, CsvWriter};
use crate::metrics::{Metrics, Role};
use crate::model::{ControlStatus, Day, Model};

type Result = std::io::Result<()>;

/// `controls[]`, with each control's title, status, last review and framework references.
pub(super) fn controls(model: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    #[derive(Serialize, Default)]
    struct Row<'a> {
        id: &'a str,
        title: Cow<'a, str>,
        owner: Option<&'a str>,
        status: &'static str,
        failures_total: usize,
        failures_in_window: usize,
        recurring: bool,
        mean_days_between_failures: Option<f64>,
        open_exceptions: usize,
        review_overdue: bool,
        review_last: Option<Day>,
        frameworks: String,
    }
    let rows = metrics.controls.iter().map(|m| {
        let control = model.controls.get(&m.id);
        Row {
            id: &m.id,
            title: spreadsheet_safe(control.map_or("", |c| c.title.as_str())),
            owner: m.owner.as_deref(),
            status: match control.map(|c| c.status) {
                Some(ControlStatus::Retired) => "retired",
                _ => "active",
            },
            failures_total: m.failures_total,
            failures_in_window: m.failures_in_window,
            recurring: m.recurring,
            mean_days_between_failures: m.mean_days_between_failures,
            open_exceptions: m.open_exceptions,
            review_overdue: m.review_overdue,
            review_last: control.and_then(|c| c.review.as_ref()).map(|r| r.last),
            frameworks: control.map_or_else(String::new, |c| {
                joined(
                    c.frameworks
                        .iter()
                        .flat_map(|(f, refs)| refs.iter().map(move |r| format!("{f}:{r}"))),
                )
            }),
        }
    });
    write_rows(w, rows)
}

/// `incidents[]`, with the incident's own facts and the accountable people per role.
pub(super) fn incidents(model: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    #[derive(Serialize, Default)]
    struct Row<'a> {
        id: &'a str,
        date: Day,
        title: Cow<'a, str>,
        control: Option<&'a str>,
        process: Option<&'a str>,
        origins: String,
        severity: Option<&'static str>,
        in_window: bool,
        repeat: bool,
        control_owner: String,
        process_owner: String,
        approving_manager: String,
        resolved: Option<Day>,
        structural: bool,
        detected: Option<Day>,
        exception: Option<&'a str>,
        approved_by: Option<&'a str>,
        nhi: Option<&'static str>,
        surfaced_by: Option<&'static str>,
    }
    let rows = metrics.incidents.iter().map(|m| {
        let incident = model.incidents.get(&m.id);
        let person = |role: Role| {
            joined(
                m.accountable
                    .iter()
                    .filter(|a| a.role == role)
                    .filter_map(|a| a.person.as_deref()),
            )
        };
        Row {
            id: &m.id,
            date: m.date,
            title: spreadsheet_safe(incident.map_or("", |i| i.title.as_str())),
            control: m.control.as_deref(),
            process: incident.and_then(|i| i.process.as_deref()),
            origins: joined(m.origins.iter().map(|o| o.as_str())),
            severity: m.severity.map(|s| s.as_str()),
            in_window: m.in_window,
            repeat: m.repeat,
            control_owner: person(Role::ControlOwner),
            process_owner: person(Role::ProcessOwner),
            approving_manager: person(Role::ApprovingManager),
            resolved: incident.and_then(|i| i.resolved),
            structural: m.structural,
            detected: incident.and_then(|i| i.detected),
            exception: incident.and_then(|i| i.exception.as_deref()),
            approved_by: incident.and_then(|i| i.approved_by.as_deref()),
            nhi: incident.and_then(|i| i.nhi).map(|n| n.as_str()),
            surfaced_by: incident.and_then(|i| i.surfaced_by).map(|s| s.as_str()),
        }
    });
    write_rows(w, rows)
}

/// `exceptions[]`, with the exception's own dates and risk.
pub(super) fn exceptions(model: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    #[derive(Serialize, Default)]
    struct Row<'a> {
        id: &'a str,
        control: Option<&'a str>,
        requested_by: Option<&'a str>,
        approved_by: Option<&'a str>,
        state: &'static str,
        granted: Option<Day>,
        effective_expiry: Option<Day>,
        closed: Option<Day>,
        age_days: Option<i64>,
        days_to_expiry: Option<i64>,
        age_bucket: Option<&'a str>,
        over_policy: bool,
        chronic: bool,
        renewals: usize,
        risk: Option<&'static str>,
        self_approved: bool,
        unauthorized_approvers: String,
    }
    let rows = metrics.exceptions.iter().map(|m| {
        let exception = model.exceptions.get(&m.id);
        Row {
            id: &m.id,
            control: m.control.as_deref(),
            requested_by: m.requested_by.as_deref(),
            approved_by: m.approved_by.as_deref(),
            state: m.state.as_str(),
            granted: exception.map(|e| e.granted),
            effective_expiry: m.effective_expiry,
            closed: exception.and_then(|e| e.closed),
            age_days: m.age_days,
            days_to_expiry: m.days_to_expiry,
            age_bucket: m.age_bucket.as_deref(),
            over_policy: m.over_policy,
            chronic: m.chronic,
            renewals: m.renewals,
            risk: exception.and_then(|e| e.risk).map(|r| r.as_str()),
            self_approved: m.self_approved,
            unauthorized_approvers: joined(&m.unauthorized_approvers),
        }
    });
    write_rows(w, rows)
}

/// `exceptions[].periods[]`: every grant period of every exception, in every state.
pub(super) fn grant_periods(_: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    #[derive(Serialize, Default)]
    struct Row<'a> {
        exception: &'a str,
        period: usize,
        kind: &'static str,
        control: Option<&'a str>,
        state: &'static str,
        requested_by: Option<&'a str>,
        approved_by: Option<&'a str>,
        granted: Day,
        expires: Option<Day>,
        days: Option<i64>,
        over_policy: bool,
        self_approved: bool,
        unauthorized: bool,
    }
    let rows = metrics.exceptions.iter().flat_map(|e| {
        e.periods.iter().enumerate().map(move |(index, p)| Row {
            exception: &e.id,
            period: index + 1,
            kind: if index == 0 { "original" } else { "renewal" },
            control: e.control.as_deref(),
            state: e.state.as_str(),
            requested_by: e.requested_by.as_deref(),
            approved_by: p.approved_by.as_deref(),
            granted: p.granted,
            expires: p.expires,
            days: p.days,
            over_policy: p.over_policy,
            self_approved: p.self_approved,
            // `unauthorized_approvers` lists exactly the periods' approvers who are not on
            // the control's `approvers` list.
            unauthorized: p
                .approved_by
                .as_ref()
                .is_some_and(|a| e.unauthorized_approvers.contains(a)),
        })
    });
    write_rows(w, rows)
}

/// Every remediation action of incidents and reviews up to as-of.
pub(super) fn actions(_: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    #[derive(Serialize, Default)]
    struct Row<'a> {
        record_kind: &'static str,
        record: &'a str,
        action: usize,
        title: Cow<'a, str>,
        owner: Option<&'a str>,
        due: Option<Day>,
        done: Option<Day>,
        open: bool,
        overdue: bool,
    }
    let rows = metrics.actions.iter().map(|a| Row {
        record_kind: a.record_kind.as_str(),
        record: &a.record,
        action: a.index + 1,
        title: spreadsheet_safe(&a.title),
        owner: a.owner.as_deref(),
        due: a.due,
        done: a.done,
        open: a.open,
        overdue: a.overdue,
    });
    write_rows(w, rows)
}

/// `people[]`, with each person's name, team and whether they are active.
pub(super) fn people(model: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    #[derive(Serialize, Default)]
    struct Row<'a> {
        id: &'a str,
        name: Cow<'a, str>,
        team: Option<&'a str>,
        active: bool,
        controls_owned: usize,
        processes_owned: usize,
        exceptions_approved: usize,
        failures_as_control_owner: usize,
        failures_as_process_owner: usize,
        failures_as_approving_manager: usize,
        open_actions: usize,
        overdue_actions: usize,
        gaps: usize,
    }
    let rows = metrics.people.iter().map(|m| {
        let person = model.people.get(&m.id);
        Row {
            id: &m.id,
            name: spreadsheet_safe(person.map_or("", |p| p.name.as_str())),
            team: person.and_then(|p| p.team.as_deref()),
            active: person.is_none_or(|p| p.active),
            controls_owned: m.controls_owned,
            processes_owned: m.processes_owned,
            exceptions_approved: m.exceptions_approved,
            failures_as_control_owner: m.failures_as_control_owner,
            failures_as_process_owner: m.failures_as_process_owner,
            failures_as_approving_manager: m.failures_as_approving_manager,
            open_actions: m.open_actions,
            overdue_actions: m.overdue_actions,
            gaps: m.gaps,
        }
    });
    write_rows(w, rows)
}

/// `gaps[]`.
pub(super) fn gaps(_: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    #[derive(Serialize, Default)]
    struct Row<'a> {
        kind: &'static str,
        record: &'a str,
        person: Option<&'a str>,
    }
    let rows = metrics.gaps.iter().map(|g| Row {
        kind: g.kind.as_str(),
        record: &g.record,
        person: g.person.as_deref(),
    });
    write_rows(w, rows)
}

/// `recurring_patterns[]`.
pub(super) fn patterns(_: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    #[derive(Serialize, Default)]
    struct Row<'a> {
        control: &'a str,
        origin: &'static str,
        failures_in_window: usize,
        fix_owner: Option<&'a str>,
        fix_owner_role: Option<&'static str>,
    }
    let rows = metrics.recurring_patterns.iter().map(|p| Row {
        control: &p.control,
        origin: p.origin.as_str(),
        failures_in_window: p.failures_in_window,
        fix_owner: p.fix_owner.as_deref(),
        fix_owner_role: p.fix_owner_role.map(|r| r.as_str()),
    });
    write_rows(w, rows)
}

/// `processes[]`, with each process's title; `controls` joined with `;`.
pub(super) fn processes(model: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    #[derive(Serialize, Default)]
    struct Row<'a> {
        id: &'a str,
        title: Cow<'a, str>,
        owner: Option<&'a str>,
        failures_in_window: usize,
        recurring: bool,
        controls: String,
    }
    let rows = metrics.processes.iter().map(|p| Row {
        id: &p.id,
        title: spreadsheet_safe(model.processes.get(&p.id).map_or("", |p| p.title.as_str())),
        owner: p.owner.as_deref(),
        failures_in_window: p.failures_in_window,
        recurring: p.recurring,
        controls: joined(&p.controls),
    });
    write_rows(w, rows)
}

/// `monthly[]`: the trend's 24 months, oldest first.
pub(super) fn monthly(_: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    write_rows(w, metrics.monthly.iter().cloned())
}

/// `month_end[]`: the trend's 24 month ends, oldest first.
pub(super) fn month_end(_: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    write_rows(w, metrics.month_end.iter().cloned())
}

/// `reviews[]`.
pub(super) fn reviews(_: &Model, metrics: &Metrics, w: &mut CsvWriter) -> Result {
    #[derive(Serialize, Default)]
    struct Row<'a> {
        id: &'a str,
        control: Option<&'a str>,
        origin: Option<&'static str>,
        date: Day,
        decided_by: Option<&'a str>,
        fix_owner: Option<&'a str>,
        decision: Option<&'static str>,
        actions_open: usize,
        actions_done: usize,
    }
    let rows = metrics.reviews.iter().map(|r| Row {
        id: &r.id,
        control: r.control.as_deref(),
        origin: r.origin.map(|o| o.as_str()),
        date: r.date,
        decided_by: r.decided_by.as_deref(),
        fix_owner: r.fix_owner.as_deref(),
        decision: r.decision.map(|d| d.as_str()),
        actions_open: r.actions_open,
        actions_done: r.actions_done,
    });
    write_rows(w, rows)
}
