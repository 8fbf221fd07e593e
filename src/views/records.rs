//! One page per record: controls, processes, exceptions, incidents, people, frameworks.
//! Every record page sits one folder below the site root.

use serde::Serialize;

use super::index::{Index, Link, PersonIndex};
use super::rows::{
    accountable_views, action_row, control_exceptions, control_failures, control_patterns,
    control_row, exception_row, gap_row, incident_row, own_action_row, pattern_row, process_row,
    reviews_table, role_words, AccountableView, FailureDuringRow, GrantPeriodRow, MonthRow,
    PatternRow, ProcessRow, RoleRow,
};
use super::tables::{Table, Tables};
use super::{day_or, decimal, title_or_id, web_url, words, PageView, RECORD_ROOT};
use crate::metrics::{ControlMetrics, ExceptionMetrics, GapKind};
use crate::model::{
    Control, ControlStatus, Exception, FindingSource, Framework, Incident, Person, Process,
};

/// An evidence attachment as a record page lists it.
#[derive(Serialize)]
pub(super) struct EvidenceView<'a> {
    pub(super) path: &'a str,
    /// From the site root.
    pub(super) href: String,
    pub(super) size: String,
    pub(super) sha256: &'a str,
}

/// The listed evidence files that exist (missing ones failed validation).
pub(super) fn evidence<'a>(index: &Index<'a>, paths: &'a [String]) -> Vec<EvidenceView<'a>> {
    paths
        .iter()
        .filter_map(|path| index.model.evidence.get(path))
        .map(|file| EvidenceView {
            path: &file.path,
            href: format!("{}/{}", crate::evidence::FOLDER, file.published),
            size: crate::evidence::human_size(file.size),
            sha256: &file.sha256,
        })
        .collect()
}

/// The table of the gaps found on one control, process or exception.
fn record_gaps<'a>(index: &Index<'a>, tables: &mut Tables<'a>, id: &str, caption: &str) -> Table {
    kind_gaps(index, tables, id, caption, GapOn::Other)
}

/// The kind of record a gap names: ids are unique only within their kind, only
/// `no-process-fix` names an incident and only `fix-did-not-hold` a review.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum GapOn {
    Incident,
    Review,
    Other,
}

fn gap_on(kind: GapKind) -> GapOn {
    match kind {
        GapKind::NoProcessFix => GapOn::Incident,
        GapKind::FixDidNotHold => GapOn::Review,
        _ => GapOn::Other,
    }
}

/// The gaps under `id` that belong to a record of the kind `on`.
pub(super) fn kind_gaps<'a>(
    index: &Index<'a>,
    tables: &mut Tables<'a>,
    id: &str,
    caption: &str,
    on: GapOn,
) -> Table {
    let gaps = index.gaps_by_record.get(id).into_iter().flatten();
    let gaps = gaps.filter(|g| gap_on(g.kind) == on);
    tables.now(caption, gaps.map(|g| gap_row(index, g)))
}

/// The title of a record page: its title and id, or the id alone.
pub(super) fn title(title: &str, id: &str) -> String {
    if title.is_empty() {
        id.to_string()
    } else {
        format!("{title} · {id}")
    }
}

/// What a control's page shows (`templates/control.html`).
#[derive(Serialize)]
pub struct ControlView<'a> {
    id: &'a str,
    /// The control's title (the page's `title` adds the id).
    label: &'a str,
    body_html: &'a str,
    retired: bool,
    shared_platform: bool,
    recurring: bool,
    review_overdue: bool,
    nhi: Vec<&'static str>,
    /// The current owner first, then earlier ones.
    owners: Vec<OwnerPeriodView<'a>>,
    approvers: Vec<Link<'a>>,
    adoption_owners: Vec<Link<'a>>,
    risk_signoff: Option<Link<'a>>,
    /// `last 2026-01-10, every 90 days; next due 2026-04-10`, or none without a cycle.
    review: Option<String>,
    failures_in_window: usize,
    failures_total: usize,
    open_exceptions: usize,
    mean_days: String,
    chart: String,
    /// The numbers of `chart`: failures per month and by origin (a table).
    monthly: Table,
    processes: Vec<ProcessRow<'a>>,
    /// Its recurring patterns, each with who must fix it.
    fixes: Vec<PatternRow<'a>>,
    references: Vec<ReferenceView<'a>>,
    failures: Table,
    exceptions: Table,
    gaps: Table,
    /// Its process-defect reviews, newest first.
    reviews: Table,
    evidence: Vec<EvidenceView<'a>>,
}

#[derive(Serialize)]
struct OwnerPeriodView<'a> {
    owner: Link<'a>,
    from: String,
    until: String,
}

#[derive(Serialize)]
struct ReferenceView<'a> {
    framework: Link<'a>,
    id: &'a str,
    title: &'a str,
}

/// `controls/ID.html`.
pub fn control_page<'a>(
    index: &'a Index<'a>,
    control: &'a Control,
) -> PageView<'a, ControlView<'a>> {
    let id = control.id.as_str();
    let mut tables = Tables::new(RECORD_ROOT);
    let row = control_row(index, id);
    let metrics = index.control_metrics.get(id);
    let shared = control.shared_platform.as_ref();
    let view = ControlView {
        id,
        label: &control.title,
        body_html: &control.body_html,
        retired: control.status == ControlStatus::Retired,
        shared_platform: shared.is_some(),
        recurring: row.as_ref().is_some_and(|r| r.recurring),
        review_overdue: row.as_ref().is_some_and(|r| r.review_overdue),
        nhi: control.nhi.iter().map(|n| n.as_str()).collect(),
        owners: owner_periods(index, control),
        approvers: control.approvers.iter().map(|p| index.person(p)).collect(),
        adoption_owners: shared
            .into_iter()
            .flat_map(|s| s.adoption_owners.iter().map(|t| index.team(t)))
            .collect(),
        risk_signoff: shared
            .and_then(|s| s.risk_signoff.as_deref())
            .map(|p| index.person(p)),
        review: control.review.as_ref().map(|r| {
            let due = day_or(metrics.and_then(|m| m.review_due), "—");
            format!(
                "last {}, every {} days; next due {due}",
                r.last, r.every_days
            )
        }),
        failures_in_window: metrics.map_or(0, |m| m.failures_in_window),
        failures_total: metrics.map_or(0, |m| m.failures_total),
        open_exceptions: metrics.map_or(0, |m| m.open_exceptions),
        mean_days: decimal(metrics.and_then(|m| m.mean_days_between_failures)),
        chart: format!("charts/control-{id}.svg"),
        monthly: tables.now(
            &format!(
                "Failures of {id} per month, and by origin (an incident with two origins counts under both)"
            ),
            control_months(index, metrics.copied()),
        ),
        processes: control_processes(index, id),
        fixes: control_patterns(index, id),
        references: references(index, control),
        failures: tables.now(
            "Failures of this control, newest first",
            control_failures(index, id),
        ),
        exceptions: tables.now("Exceptions to this control", control_exceptions(index, id)),
        gaps: record_gaps(index, &mut tables, id, "Gaps on this control"),
        reviews: control_reviews(index, &mut tables, id),
        evidence: evidence(index, &control.evidence),
    };
    let path = format!("controls/{id}.html");
    let nav = ("controls", title(&control.title, id));
    index.page(path, "control.html", nav, view, tables)
}

/// The control's process-defect reviews, newest first.
fn control_reviews<'a>(index: &Index<'a>, tables: &mut Tables<'a>, id: &str) -> Table {
    let reviews = index.reviews_by_control.get(id).map_or(&[][..], |r| r);
    reviews_table(
        index,
        tables,
        reviews,
        "Reviews of this control's patterns, newest first",
    )
}

fn control_processes<'a>(index: &Index<'a>, id: &str) -> Vec<ProcessRow<'a>> {
    let processes = index.processes_by_control.get(id).into_iter().flatten();
    processes.filter_map(|p| process_row(index, p)).collect()
}

/// The control's failures per month over the trend's months.
fn control_months<'a>(
    index: &Index<'a>,
    metrics: Option<&'a ControlMetrics>,
) -> impl Iterator<Item = MonthRow<'a>> {
    let failures = metrics.map_or(&[][..], |m| &m.monthly_failures);
    let by_origin = metrics.map_or(&[][..], |m| &m.monthly_by_origin);
    let months = index.metrics.monthly.iter().enumerate();
    months.map(|(i, m)| MonthRow {
        month: &m.month,
        failures: failures.get(i).copied().unwrap_or(0),
        by_origin: by_origin.get(i).copied().unwrap_or_default(),
    })
}

fn owner_periods<'a>(index: &Index<'a>, control: &'a Control) -> Vec<OwnerPeriodView<'a>> {
    let mut periods = Vec::new();
    let mut from = None;
    for period in &control.owner_history {
        periods.push(OwnerPeriodView {
            owner: index.person(&period.owner),
            from: day_or(from, "—"),
            until: period.until.to_string(),
        });
        from = Some(period.until.add_days(1));
    }
    if let Some(owner) = &control.owner {
        periods.push(OwnerPeriodView {
            owner: index.person(owner),
            from: day_or(from, "—"),
            until: "now".into(),
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
            views.push(ReferenceView {
                framework: index.framework(framework_id),
                id: reference,
                title,
            });
        }
    }
    views
}

/// What a process's page shows (`templates/process.html`).
#[derive(Serialize)]
pub struct ProcessView<'a> {
    id: &'a str,
    /// The title, or the id.
    label: &'a str,
    body_html: &'a str,
    owner: Option<Link<'a>>,
    controls: Table,
    incidents: Table,
    exceptions: Table,
    gaps: Table,
}

/// `processes/ID.html`.
pub fn process_page<'a>(
    index: &'a Index<'a>,
    process: &'a Process,
) -> PageView<'a, ProcessView<'a>> {
    let id = process.id.as_str();
    let mut tables = Tables::new(RECORD_ROOT);
    let incidents = index.incidents_by_process.get(id).into_iter().flatten();
    let exceptions = index.exceptions_by_process.get(id).into_iter().flatten();
    let view = ProcessView {
        id,
        label: title_or_id(&process.title, id),
        body_html: &process.body_html,
        owner: process.owner.as_deref().map(|o| index.person(o)),
        controls: tables.now(
            "Controls used by this process",
            process
                .controls
                .iter()
                .filter_map(|c| control_row(index, c)),
        ),
        incidents: tables.now(
            "Incidents recorded against this process, newest first",
            incidents
                .rev()
                .filter_map(|i| index.incident_metrics.get(i))
                .map(|i| incident_row(index, i)),
        ),
        exceptions: tables.now(
            "Exceptions granted for this process",
            exceptions
                .filter_map(|e| index.exception_metrics.get(e))
                .map(|e| exception_row(index, e)),
        ),
        gaps: record_gaps(index, &mut tables, id, "Gaps on this process"),
    };
    let nav = ("processes", view.label.to_string());
    index.page(
        format!("processes/{id}.html"),
        "process.html",
        nav,
        view,
        tables,
    )
}

/// What an exception's page shows (`templates/exception.html`).
#[derive(Serialize)]
pub struct ExceptionView<'a> {
    id: &'a str,
    /// The title, or `Exception ID`.
    heading: String,
    body_html: &'a str,
    /// The state as words, and as the class of its badge.
    state: String,
    state_class: &'static str,
    over_policy: bool,
    chronic: bool,
    control: Option<Link<'a>>,
    requester: Option<Link<'a>>,
    approver: Option<Link<'a>>,
    expiry: Option<String>,
    /// `12 days (0-30)`, or none when not open.
    age: Option<String>,
    days_to_expiry: Option<i64>,
    risk: Option<&'static str>,
    process: Option<Link<'a>>,
    closed: Option<String>,
    max_validity_days: i64,
    /// The original grant and each renewal (a table).
    periods: Table,
    /// The failures of the control while the exception was open (a table).
    failures: Table,
    gaps: Table,
    evidence: Vec<EvidenceView<'a>>,
}

/// `exceptions/ID.html`.
pub fn exception_page<'a>(
    index: &'a Index<'a>,
    exception: &'a Exception,
) -> PageView<'a, ExceptionView<'a>> {
    let id = exception.id.as_str();
    let mut tables = Tables::new(RECORD_ROOT);
    let metrics = index.exception_metrics.get(id);
    let state = metrics.map_or("", |m| m.state.as_str());
    let view = ExceptionView {
        id,
        heading: if exception.title.is_empty() {
            format!("Exception {id}")
        } else {
            exception.title.clone()
        },
        body_html: &exception.body_html,
        state: words(state),
        state_class: state,
        over_policy: metrics.is_some_and(|m| m.over_policy),
        chronic: metrics.is_some_and(|m| m.chronic),
        control: exception.control.as_deref().map(|c| index.control(c)),
        requester: exception.requested_by.as_deref().map(|p| index.person(p)),
        approver: metrics
            .and_then(|m| m.approved_by.as_deref())
            .map(|p| index.person(p)),
        expiry: metrics
            .and_then(|m| m.effective_expiry)
            .map(|d| d.to_string()),
        age: metrics.and_then(|m| {
            let bucket = m.age_bucket.as_deref().unwrap_or_default();
            m.age_days.map(|days| format!("{days} days ({bucket})"))
        }),
        days_to_expiry: metrics.and_then(|m| m.days_to_expiry),
        risk: exception.risk.map(|r| r.as_str()),
        process: exception.process.as_deref().map(|p| index.process(p)),
        closed: exception.closed.map(|d| d.to_string()),
        max_validity_days: index.metrics.settings.max_validity_days,
        periods: tables.now(
            &format!(
                "The original grant and each renewal (policy: at most {} days)",
                index.metrics.settings.max_validity_days
            ),
            metrics.into_iter().flat_map(|m| periods(index, m)),
        ),
        failures: tables.now(
            "Failures of the excepted control during the exception, with the approver of the grant in force that day",
            failures_during(index, id),
        ),
        gaps: record_gaps(
            index,
            &mut tables,
            id,
            "Approval findings on this exception",
        ),
        evidence: evidence(index, &exception.evidence),
    };
    let nav = match exception.title.as_str() {
        "" => ("exceptions", format!("Exception {id}")),
        named => ("exceptions", title(named, id)),
    };
    index.page(
        format!("exceptions/{id}.html"),
        "exception.html",
        nav,
        view,
        tables,
    )
}

fn periods<'a>(
    index: &'a Index<'a>,
    exception: &'a ExceptionMetrics,
) -> impl Iterator<Item = GrantPeriodRow<'a>> + 'a {
    let periods = exception.periods.iter().enumerate();
    periods.map(|(i, p)| GrantPeriodRow {
        kind: if i == 0 {
            "Original grant".to_string()
        } else {
            format!("Renewal {i}")
        },
        approver: p.approved_by.as_deref().map(|a| index.person(a)),
        granted: p.granted,
        expires: p.expires,
        days: p.days,
        over_policy: p.over_policy,
        self_approved: p.self_approved,
    })
}

fn failures_during<'a>(
    index: &'a Index<'a>,
    id: &str,
) -> impl Iterator<Item = FailureDuringRow<'a>> + 'a {
    let failures = index.metrics.failures_during_exception.get(id);
    let failures = failures.into_iter().flatten();
    failures.map(|f| FailureDuringRow {
        incident: index.incident(&f.incident),
        date: f.date,
        approver: f.approver.as_deref().map(|a| index.person(a)),
    })
}

/// What an incident's page shows (`templates/incident.html`).
#[derive(Serialize)]
pub struct IncidentView<'a> {
    id: &'a str,
    /// The title, or the id.
    heading: &'a str,
    body_html: &'a str,
    origins: Vec<&'static str>,
    severity: Option<&'static str>,
    repeat: bool,
    /// Surfaced by an approval bypass, or under a self-approved exception.
    structural: bool,
    accountable: Vec<AccountableView<'a>>,
    date: String,
    detected: Option<String>,
    resolved: Option<String>,
    control: Option<Link<'a>>,
    process: Option<Link<'a>>,
    exception: Option<Link<'a>>,
    approved_by: Option<Link<'a>>,
    nhi: Option<&'static str>,
    /// As words: `access review`.
    surfaced_by: Option<String>,
    actions: Table,
    /// The `no-process-fix` finding, when there is one.
    gaps: Table,
    evidence: Vec<EvidenceView<'a>>,
    /// The scanner finding an imported incident came from.
    source: Option<&'a FindingSource>,
}

/// `incidents/ID.html`.
pub fn incident_page<'a>(
    index: &'a Index<'a>,
    incident: &'a Incident,
) -> PageView<'a, IncidentView<'a>> {
    let id = incident.id.as_str();
    let mut tables = Tables::new(RECORD_ROOT);
    let metrics = index.incident_metrics.get(id).copied();
    let actions = index.actions_by_incident.get(id).into_iter().flatten();
    let view = IncidentView {
        id,
        heading: title_or_id(&incident.title, id),
        body_html: &incident.body_html,
        origins: incident.origin.iter().map(|o| o.as_str()).collect(),
        severity: incident.severity.map(|s| s.as_str()),
        repeat: metrics.is_some_and(|m| m.repeat),
        structural: metrics.is_some_and(|m| m.structural),
        accountable: metrics
            .map(|m| accountable_views(index, m))
            .unwrap_or_default(),
        date: incident.date.to_string(),
        detected: incident.detected.map(|d| d.to_string()),
        resolved: incident.resolved.map(|d| d.to_string()),
        control: incident.control.as_deref().map(|c| index.control(c)),
        process: incident.process.as_deref().map(|p| index.process(p)),
        exception: incident.exception.as_deref().map(|e| index.exception(e)),
        approved_by: incident.approved_by.as_deref().map(|p| index.person(p)),
        nhi: incident.nhi.map(|n| n.as_str()),
        surfaced_by: incident.surfaced_by.map(|s| words(s.as_str())),
        actions: tables.now(
            "Remediation actions: fix the process, not only the person",
            actions.map(|a| own_action_row(index, a)),
        ),
        gaps: kind_gaps(
            index,
            &mut tables,
            id,
            "Findings on this failure",
            GapOn::Incident,
        ),
        evidence: evidence(index, &incident.evidence),
        source: incident.found_by.as_deref(),
    };
    let nav = ("incidents", title(&incident.title, id));
    index.page(
        format!("incidents/{id}.html"),
        "incident.html",
        nav,
        view,
        tables,
    )
}

/// What a person's page shows (`templates/person.html`).
#[derive(Serialize)]
pub struct PersonView<'a> {
    id: &'a str,
    name: &'a str,
    job_title: Option<&'a str>,
    email: Option<&'a str>,
    active: bool,
    team: Option<Link<'a>>,
    failures_as_control_owner: usize,
    failures_as_process_owner: usize,
    failures_as_approving_manager: usize,
    controls: Table,
    earlier_controls: Vec<EarlierControl<'a>>,
    processes: Vec<ProcessRow<'a>>,
    /// The recurring patterns whose fix owner is this person.
    fixes: Table,
    accountable: Table,
    exceptions: Table,
    actions: Table,
    gaps: Table,
    /// The reviews the person decided or must carry out, newest first.
    reviews: Table,
    /// The person's calendar feed, from the site root.
    calendar: String,
}

#[derive(Serialize)]
struct EarlierControl<'a> {
    control: Link<'a>,
    until: String,
}

/// `people/ID.html`.
pub fn person_page<'a>(index: &'a Index<'a>, person: &'a Person) -> PageView<'a, PersonView<'a>> {
    let id = person.id.as_str();
    let mut tables = Tables::new(RECORD_ROOT);
    let own = index.people.get(id);
    let metrics = index.person_metrics.get(id);
    let of = |m: fn(&crate::metrics::PersonMetrics) -> usize| metrics.map_or(0, |p| m(p));
    let (exceptions, actions, gaps, reviews) = person_tables(index, &mut tables, own);
    let view = PersonView {
        id,
        name: &person.name,
        job_title: person.title.as_deref(),
        email: person.email.as_deref(),
        active: person.active,
        team: person.team.as_deref().map(|t| index.team(t)),
        failures_as_control_owner: of(|m| m.failures_as_control_owner),
        failures_as_process_owner: of(|m| m.failures_as_process_owner),
        failures_as_approving_manager: of(|m| m.failures_as_approving_manager),
        controls: tables.now(
            "Controls this person owns now",
            own.into_iter()
                .flat_map(|o| &o.controls_owned)
                .filter_map(|c| control_row(index, c)),
        ),
        earlier_controls: own
            .into_iter()
            .flat_map(|o| &o.controls_owned_before)
            .map(|(c, until)| EarlierControl {
                control: index.control(c),
                until: until.to_string(),
            })
            .collect(),
        processes: own
            .into_iter()
            .flat_map(|o| &o.processes_owned)
            .filter_map(|p| process_row(index, p))
            .collect(),
        fixes: tables.now(
            "Recurring patterns this person must fix",
            own.into_iter()
                .flat_map(|o| &o.patterns_to_fix)
                .map(|p| pattern_row(index, p)),
        ),
        accountable: accountable_table(index, &mut tables, id),
        exceptions,
        actions,
        gaps,
        reviews,
        calendar: crate::calendar::person_feed(id),
    };
    let nav = ("people", person.name.clone());
    index.page(
        format!("people/{id}.html"),
        "person.html",
        nav,
        view,
        tables,
    )
}

/// The exceptions a person approved, the actions they own, the gaps naming them and the
/// reviews they decided or must carry out.
fn person_tables<'a>(
    index: &Index<'a>,
    tables: &mut Tables<'a>,
    own: Option<&PersonIndex<'a>>,
) -> (Table, Table, Table, Table) {
    let exceptions = own
        .into_iter()
        .flat_map(|o| &o.exceptions_approved)
        .filter_map(|e| index.exception_metrics.get(e))
        .map(|e| exception_row(index, e));
    let actions = own.into_iter().flat_map(|o| &o.actions);
    let gaps = own.into_iter().flat_map(|o| &o.gaps);
    (
        tables.now(
            "Exceptions where this person approved a grant period",
            exceptions,
        ),
        tables.now(
            "Actions owned by this person",
            actions.map(|a| action_row(index, a)),
        ),
        tables.now(
            "Gaps where this person is the one to chase",
            gaps.map(|g| gap_row(index, g)),
        ),
        reviews_table(
            index,
            tables,
            own.map_or(&[][..], |o| &o.reviews),
            "Reviews this person decided or must carry out, newest first",
        ),
    )
}

/// The failures a person is accountable for, newest first, with their role in each.
fn accountable_table<'a>(index: &Index<'a>, tables: &mut Tables<'a>, id: &str) -> Table {
    let own = index.people.get(id);
    let mut rows: Vec<RoleRow> = own
        .into_iter()
        .flat_map(|o| o.accountable.iter())
        .map(|(incident, role)| RoleRow(role_words(*role), incident_row(index, incident)))
        .collect();
    rows.sort_by(|RoleRow(_, a), RoleRow(_, b)| (b.date, b.link.id).cmp(&(a.date, a.link.id)));
    tables.now("Failures attributed to this person, newest first", rows)
}

/// What a framework's page shows (`templates/framework.html`).
#[derive(Serialize)]
pub struct FrameworkView<'a> {
    id: &'a str,
    name: &'a str,
    /// The framework's link, only when it is a web address.
    url: Option<&'a str>,
    references: Vec<ReferenceRow<'a>>,
    uncovered: usize,
}

#[derive(Serialize)]
struct ReferenceRow<'a> {
    id: &'a str,
    title: &'a str,
    controls: Vec<Link<'a>>,
}

/// `frameworks/ID.html`.
pub fn framework_page<'a>(
    index: &'a Index<'a>,
    framework: &'a Framework,
) -> PageView<'a, FrameworkView<'a>> {
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
    let coverage = index.framework_metrics.get(framework.id.as_str());
    let view = FrameworkView {
        id: &framework.id,
        name: &framework.name,
        url: web_url(framework),
        uncovered: coverage.map_or(0, |c| c.uncovered.len()),
        references,
    };
    let path = format!("frameworks/{}.html", framework.id);
    let nav = ("frameworks", framework.name.clone());
    index.page(path, "framework.html", nav, view, Tables::new(RECORD_ROOT))
}
