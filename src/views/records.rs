//! One page per record: controls, processes, exceptions, incidents, people, frameworks.

use serde::Serialize;

use super::html::{self, Html, RoleRow};
use super::lists::{
    accountable_views, action_row, control_row, exception_row, gap_row, incident_row, process_row,
    AccountableView, ControlRow, ExceptionRow, IncidentRow, ProcessRow,
};
use super::{decimal, render_each, write_each, EvidenceView, Index, Link, Page};

/// Every record page sits one folder below the site root.
const ROOT: &str = "../";
use crate::metrics::ExceptionMetrics;
use crate::model::{
    Control, Day, Exception, Framework, Incident, Nhi, Person, Process, Severity, SurfacedBy,
};
use crate::output::Sink;
use crate::render::Renderer;

pub(super) fn render_record_pages(
    renderer: &Renderer,
    index: &Index,
    sink: &dyn Sink,
) -> anyhow::Result<()> {
    let model = index.model;
    let controls: Vec<&Control> = model.controls.values().collect();
    let processes: Vec<&Process> = model.processes.values().collect();
    let exceptions: Vec<&Exception> = model.exceptions.values().collect();
    let incidents: Vec<&Incident> = model
        .incidents
        .values()
        .filter(|i| index.incident_metrics.contains_key(i.id.as_str()))
        .collect();
    let people: Vec<&Person> = model.people.values().collect();
    let frameworks: Vec<&Framework> = model.frameworks.values().collect();
    write_each(renderer, &controls, sink, |c| control_page(index, c))?;
    render_each(renderer, "process.html", &processes, sink, |p| {
        process_page(index, p)
    })?;
    write_each(renderer, &exceptions, sink, |e| exception_page(index, e))?;
    write_each(renderer, &incidents, sink, |i| incident_page(index, i))?;
    render_each(renderer, "person.html", &people, sink, |p| {
        person_page(index, p)
    })?;
    render_each(renderer, "framework.html", &frameworks, sink, |f| {
        framework_page(index, f)
    })?;
    Ok(())
}

#[derive(Serialize)]
pub(super) struct OwnerPeriodView<'a> {
    pub(super) owner: Link<'a>,
    pub(super) from: Option<Day>,
    pub(super) until: Option<Day>,
}

#[derive(Serialize)]
pub(super) struct ReferenceView<'a> {
    pub(super) framework: Link<'a>,
    pub(super) id: &'a str,
    pub(super) title: &'a str,
}

#[derive(Serialize)]
pub(super) struct MonthCount {
    pub month: String,
    pub failures: usize,
}

/// What a control's page shows; `templates/control.html` renders it, and `pages.rs`
/// writes the same page in Rust.
#[derive(Serialize)]
pub(super) struct ControlView<'a> {
    pub(super) control: &'a Control,
    pub(super) row: Option<ControlRow<'a>>,
    pub(super) owners: Vec<OwnerPeriodView<'a>>,
    pub(super) approvers: Vec<Link<'a>>,
    pub(super) references: Vec<ReferenceView<'a>>,
    pub(super) adoption_owners: Vec<Link<'a>>,
    pub(super) risk_signoff: Option<Link<'a>>,
    pub(super) review_due: Option<Day>,
    pub(super) processes: Vec<ProcessRow<'a>>,
    pub(super) failures: Html,
    pub(super) exceptions: Html,
    pub(super) gaps: Html,
    pub(super) mean_days: String,
    pub(super) chart: String,
    pub(super) monthly: Vec<MonthCount>,
    pub(super) evidence: Vec<EvidenceView<'a>>,
}

fn control_page<'a>(
    index: &'a Index<'a>,
    control: &'a Control,
) -> anyhow::Result<(String, Page<'a, ControlView<'a>>)> {
    let id = control.id.as_str();
    let view = ControlView {
        control,
        row: control_row(index, id),
        owners: owner_periods(index, control),
        approvers: control.approvers.iter().map(|p| index.person(p)).collect(),
        references: references(index, control),
        adoption_owners: control
            .shared_platform
            .iter()
            .flat_map(|s| s.adoption_owners.iter().map(|t| index.team(t)))
            .collect(),
        risk_signoff: control
            .shared_platform
            .as_ref()
            .and_then(|s| s.risk_signoff.as_deref())
            .map(|p| index.person(p)),
        review_due: control
            .review
            .as_ref()
            .map(|r| r.last.add_days(r.every_days)),
        processes: ids(&index.processes_by_control, id)
            .iter()
            .filter_map(|p| process_row(index, p))
            .collect(),
        failures: html::rows(control_failures(index, id), ROOT),
        exceptions: html::rows(
            control_exceptions(index, id).map(|e| exception_row(index, e)),
            ROOT,
        ),
        gaps: record_gaps(index, id),
        mean_days: decimal(
            index
                .control_metrics
                .get(id)
                .and_then(|m| m.mean_days_between_failures),
        ),
        chart: format!("charts/control-{id}.svg"),
        monthly: control_months(index, id),
        evidence: index.evidence(&control.evidence),
    };
    let title = format!("{} · {}", control.title, control.id);
    Ok((
        format!("controls/{id}.html"),
        index.page(1, title, "controls", view),
    ))
}

/// The control's failures per month over the trend's 24 months.
pub(super) fn control_months(index: &Index, control: &str) -> Vec<MonthCount> {
    let incidents = index
        .incidents_by_control
        .get(control)
        .map_or(&[][..], Vec::as_slice);
    let mut months: Vec<MonthCount> = index
        .metrics
        .monthly
        .iter()
        .map(|m| MonthCount {
            month: m.month.clone(),
            failures: 0,
        })
        .collect();
    // The incidents are in date order: walk both lists once.
    let mut slot = 0;
    for incident in incidents {
        let key = incident.date.month_key();
        while slot < months.len() && months[slot].month < key {
            slot += 1;
        }
        match months.get_mut(slot) {
            Some(month) if month.month == key => month.failures += 1,
            _ => {}
        }
    }
    months
}

/// The rows of the gaps found on one record.
fn record_gaps(index: &Index, id: &str) -> Html {
    let gaps = index.gaps_by_record.get(id).into_iter().flatten();
    html::rows(gaps.map(|g| gap_row(index, g)), ROOT)
}

/// Exception rows for the given exception ids, in order.
fn exception_rows<'a>(index: &Index<'a>, ids: &[&'a str], root: &'static str) -> Html {
    let exceptions = ids.iter().filter_map(|e| index.exception_metrics.get(e));
    html::rows(exceptions.map(|e| exception_row(index, e)), root)
}

/// A control's failures, newest first, as its page and the report list them.
pub(super) fn control_failures<'a>(
    index: &'a Index<'a>,
    control: &str,
) -> impl ExactSizeIterator<Item = IncidentRow<'a>> + 'a {
    let incidents = index
        .incidents_by_control
        .get(control)
        .map_or(&[][..], |i| i);
    incidents.iter().rev().map(|i| incident_row(index, i))
}

/// The exceptions to a control, as its page and the report list them.
pub(super) fn control_exceptions<'a>(
    index: &'a Index<'a>,
    control: &str,
) -> impl Iterator<Item = &'a ExceptionMetrics> + Clone + 'a {
    let ids = index
        .exceptions_by_control
        .get(control)
        .map_or(&[][..], |i| i);
    ids.iter()
        .filter_map(|e| index.exception_metrics.get(e).copied())
}

fn ids<'a>(map: &rustc_hash::FxHashMap<&'a str, Vec<&'a str>>, key: &str) -> Vec<&'a str> {
    map.get(key).cloned().unwrap_or_default()
}

fn owner_periods<'a>(index: &Index<'a>, control: &'a Control) -> Vec<OwnerPeriodView<'a>> {
    let mut periods = Vec::new();
    let mut from = None;
    for period in &control.owner_history {
        periods.push(OwnerPeriodView {
            owner: index.person(&period.owner),
            from,
            until: Some(period.until),
        });
        from = Some(period.until.add_days(1));
    }
    if let Some(owner) = &control.owner {
        periods.push(OwnerPeriodView {
            owner: index.person(owner),
            from,
            until: None,
        });
    }
    periods.reverse();
    periods
}

fn references<'a>(index: &Index<'a>, control: &'a Control) -> Vec<ReferenceView<'a>> {
    let mut views = Vec::new();
    for (framework_id, reference_ids) in &control.frameworks {
        let framework = index.model.frameworks.get(framework_id);
        for reference in reference_ids {
            let title = framework
                .and_then(|f| f.references.iter().find(|r| &r.id == reference))
                .map_or("", |r| r.title.as_str());
            let name = framework.map_or(framework_id.as_str(), |f| f.name.as_str());
            views.push(ReferenceView {
                framework: super::record_link(framework_id, name, "frameworks/"),
                id: reference,
                title,
            });
        }
    }
    views
}

fn process_page<'a>(
    index: &'a Index<'a>,
    process: &'a Process,
) -> anyhow::Result<(String, impl Serialize + 'a)> {
    #[derive(Serialize)]
    struct View<'a> {
        process: &'a Process,
        owner: Option<Link<'a>>,
        controls: Html,
        incidents: Html,
        exceptions: Html,
        gaps: Html,
    }
    let id = process.id.as_str();
    let view = View {
        process,
        owner: process.owner.as_deref().map(|o| index.person(o)),
        controls: html::rows(
            process
                .controls
                .iter()
                .filter_map(|c| control_row(index, c)),
            ROOT,
        ),
        incidents: html::rows(
            ids(&index.incidents_by_process, id)
                .iter()
                .rev()
                .filter_map(|i| index.incident_metrics.get(i))
                .map(|i| incident_row(index, i)),
            ROOT,
        ),
        exceptions: exception_rows(index, &ids(&index.exceptions_by_process, id), ROOT),
        gaps: record_gaps(index, id),
    };
    let title = if process.title.is_empty() {
        process.id.clone()
    } else {
        process.title.clone()
    };
    Ok((
        format!("processes/{id}.html"),
        index.page(1, title, "processes", view),
    ))
}

/// A grant period on an exception's page.
#[derive(Serialize)]
pub(super) struct PeriodView<'a> {
    pub(super) kind: String,
    pub(super) approver: Option<Link<'a>>,
    pub(super) granted: Day,
    pub(super) expires: Option<Day>,
    pub(super) days: Option<i64>,
    pub(super) over_policy: bool,
    pub(super) self_approved: bool,
}

/// A failure of the excepted control while the exception was open.
#[derive(Serialize)]
pub(super) struct FailureView<'a> {
    pub(super) incident: Link<'a>,
    pub(super) date: Day,
    pub(super) approver: Option<Link<'a>>,
}

/// What an exception's page shows; `templates/exception.html` renders it, and `pages.rs`
/// writes the same page in Rust.
#[derive(Serialize)]
pub(super) struct ExceptionView<'a> {
    pub(super) exception: &'a Exception,
    pub(super) row: Option<ExceptionRow<'a>>,
    pub(super) process: Option<Link<'a>>,
    pub(super) periods: Vec<PeriodView<'a>>,
    pub(super) failures: Vec<FailureView<'a>>,
    pub(super) gaps: Html,
    pub(super) max_validity_days: i64,
    pub(super) evidence: Vec<EvidenceView<'a>>,
}

fn exception_page<'a>(
    index: &'a Index<'a>,
    exception: &'a Exception,
) -> anyhow::Result<(String, Page<'a, ExceptionView<'a>>)> {
    let id = exception.id.as_str();
    let max = index.metrics.settings.max_validity_days;
    let periods = exception
        .grant_periods()
        .enumerate()
        .map(|(i, p)| {
            let days = p.expires.map(|e| p.granted.days_until(e));
            PeriodView {
                kind: if i == 0 {
                    "Original grant".to_string()
                } else {
                    format!("Renewal {i}")
                },
                approver: p.approved_by.map(|a| index.person(a)),
                granted: p.granted,
                expires: p.expires,
                days,
                over_policy: days.is_none_or(|d| d > max),
                self_approved: p.approved_by.is_some()
                    && p.approved_by == exception.requested_by.as_deref(),
            }
        })
        .collect();
    let failures = index
        .metrics
        .failures_during_exception
        .get(id)
        .into_iter()
        .flatten()
        .map(|f| FailureView {
            incident: index.incident(&f.incident),
            date: f.date,
            approver: f.approver.as_deref().map(|a| index.person(a)),
        })
        .collect();
    let view = ExceptionView {
        exception,
        row: index
            .exception_metrics
            .get(id)
            .map(|m| exception_row(index, m)),
        process: exception.process.as_deref().map(|p| index.process(p)),
        periods,
        failures,
        gaps: record_gaps(index, id),
        max_validity_days: max,
        evidence: index.evidence(&exception.evidence),
    };
    let title = if exception.title.is_empty() {
        format!("Exception {id}")
    } else {
        format!("{} · {id}", exception.title)
    };
    Ok((
        format!("exceptions/{id}.html"),
        index.page(1, title, "exceptions", view),
    ))
}

/// What an incident's page shows; `templates/incident.html` renders it, and
/// `pages::incident` writes the same page in Rust.
#[derive(Serialize)]
pub(super) struct IncidentView<'a> {
    pub(super) incident: &'a Incident,
    pub(super) row: Option<IncidentRow<'a>>,
    pub(super) accountable: Vec<AccountableView<'a>>,
    pub(super) process: Option<Link<'a>>,
    pub(super) exception: Option<Link<'a>>,
    pub(super) approved_by: Option<Link<'a>>,
    pub(super) nhi: Option<Nhi>,
    pub(super) severity: Option<Severity>,
    pub(super) surfaced_by: Option<SurfacedBy>,
    pub(super) actions: Html,
    pub(super) evidence: Vec<EvidenceView<'a>>,
}

fn incident_page<'a>(
    index: &'a Index<'a>,
    incident: &'a Incident,
) -> anyhow::Result<(String, Page<'a, IncidentView<'a>>)> {
    let id = incident.id.as_str();
    let metrics = index.incident_metrics.get(id).copied();
    let view = IncidentView {
        incident,
        row: metrics.map(|m| incident_row(index, m)),
        accountable: metrics
            .map(|m| accountable_views(index, m))
            .unwrap_or_default(),
        process: incident.process.as_deref().map(|p| index.process(p)),
        exception: incident.exception.as_deref().map(|e| index.exception(e)),
        approved_by: incident.approved_by.as_deref().map(|p| index.person(p)),
        nhi: incident.nhi,
        severity: incident.severity,
        surfaced_by: incident.surfaced_by,
        evidence: index.evidence(&incident.evidence),
        actions: html::rows(
            index
                .actions_by_incident
                .get(id)
                .into_iter()
                .flatten()
                .map(|a| action_row(index, a)),
            ROOT,
        ),
    };
    let title = if incident.title.is_empty() {
        id.to_string()
    } else {
        format!("{} · {id}", incident.title)
    };
    Ok((
        format!("incidents/{id}.html"),
        index.page(1, title, "incidents", view),
    ))
}

fn person_page<'a>(
    index: &'a Index<'a>,
    person: &'a Person,
) -> anyhow::Result<(String, impl Serialize + 'a)> {
    #[derive(Serialize)]
    struct EarlierControl<'a> {
        control: Link<'a>,
        until: Day,
    }
    #[derive(Serialize)]
    struct View<'a> {
        person: &'a Person,
        team: Option<Link<'a>>,
        controls: Html,
        earlier_controls: Vec<EarlierControl<'a>>,
        processes: Vec<ProcessRow<'a>>,
        exceptions: Html,
        accountable: Html,
        actions: Html,
        gaps: Html,
        failures_as_control_owner: usize,
        failures_as_process_owner: usize,
        failures_as_approving_manager: usize,
    }
    let id = person.id.as_str();
    let own = index.people.get(id);
    let metrics = index.person_metrics.get(id);
    let mut accountable: Vec<RoleRow> = own
        .into_iter()
        .flat_map(|o| o.accountable.iter())
        .map(|(incident, role)| RoleRow(role.as_str(), incident_row(index, incident)))
        .collect();
    accountable
        .sort_by(|RoleRow(_, a), RoleRow(_, b)| (b.date, b.link.id).cmp(&(a.date, a.link.id)));
    let view = View {
        person,
        team: person.team.as_deref().map(|t| index.team(t)),
        controls: html::rows(
            own.into_iter()
                .flat_map(|o| &o.controls_owned)
                .filter_map(|c| control_row(index, c)),
            ROOT,
        ),
        earlier_controls: own
            .into_iter()
            .flat_map(|o| &o.controls_owned_before)
            .map(|(c, until)| EarlierControl {
                control: index.control(c),
                until: *until,
            })
            .collect(),
        processes: own
            .into_iter()
            .flat_map(|o| &o.processes_owned)
            .filter_map(|p| process_row(index, p))
            .collect(),
        exceptions: exception_rows(
            index,
            &own.into_iter()
                .flat_map(|o| o.exceptions_approved.iter().copied())
                .collect::<Vec<_>>(),
            ROOT,
        ),
        accountable: html::rows(accountable, ROOT),
        actions: html::rows(
            own.into_iter()
                .flat_map(|o| &o.actions)
                .map(|a| action_row(index, a)),
            ROOT,
        ),
        gaps: html::rows(
            own.into_iter()
                .flat_map(|o| &o.gaps)
                .map(|g| gap_row(index, g)),
            ROOT,
        ),
        failures_as_control_owner: metrics.map_or(0, |m| m.failures_as_control_owner),
        failures_as_process_owner: metrics.map_or(0, |m| m.failures_as_process_owner),
        failures_as_approving_manager: metrics.map_or(0, |m| m.failures_as_approving_manager),
    };
    Ok((
        format!("people/{id}.html"),
        index.page(1, person.name.clone(), "people", view),
    ))
}

fn framework_page<'a>(
    index: &'a Index<'a>,
    framework: &'a Framework,
) -> anyhow::Result<(String, impl Serialize + 'a)> {
    #[derive(Serialize)]
    struct ReferenceRow<'a> {
        id: &'a str,
        title: &'a str,
        controls: Vec<Link<'a>>,
    }
    #[derive(Serialize)]
    struct View<'a> {
        framework: &'a Framework,
        /// The framework's link, only when it is a web address.
        url: Option<&'a str>,
        references: Vec<ReferenceRow<'a>>,
        uncovered: usize,
    }
    let references: Vec<ReferenceRow> = framework
        .references
        .iter()
        .map(|r| ReferenceRow {
            id: &r.id,
            title: &r.title,
            controls: index
                .controls_by_reference
                .get(&(framework.id.as_str(), r.id.as_str()))
                .into_iter()
                .flatten()
                .map(|c| index.control(c))
                .collect(),
        })
        .collect();
    let uncovered = references.iter().filter(|r| r.controls.is_empty()).count();
    let view = View {
        framework,
        url: framework
            .url
            .as_deref()
            .filter(|url| crate::validate::is_web_url(url)),
        references,
        uncovered,
    };
    Ok((
        format!("frameworks/{}.html", framework.id),
        index.page(1, framework.name.clone(), "frameworks", view),
    ))
}
