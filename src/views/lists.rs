//! The dashboard and the list pages (one per record kind, plus accountability).

use rayon::prelude::*;
use serde::Serialize;

use super::html::{Html, Later};
use super::{count_rows, decimal, percent, CountRow, Index, Link};

/// List pages sit at the site root.
const ROOT: &str = "";
use crate::charts::Chart;
use crate::metrics::{
    ActionStatus, ExceptionMetrics, ExceptionState, Gap, GapKind, IncidentMetrics, Role,
};
use crate::model::{ControlStatus, Day, Nhi, Origin, Severity};
use crate::output::Sink;
use crate::render::Renderer;

pub(super) fn render_list_pages(
    renderer: &Renderer,
    index: &Index,
    charts: &[Chart],
    sink: &dyn Sink,
) -> anyhow::Result<()> {
    type Job<'j> = &'j (dyn Fn() -> anyhow::Result<()> + Sync);
    // The longest first, so the last to start are short.
    let pages: [Job; 9] = [
        &|| {
            let later = Later::default();
            let report = super::report::report_page(index, charts, &later);
            super::write_page(renderer, sink, "report.html".into(), &report, Some(&later))
        },
        &|| {
            page(renderer, sink, "incidents.html", |l| {
                incidents_page(index, l)
            })
        },
        &|| {
            page(renderer, sink, "index.html", |l| {
                dashboard(index, charts, l)
            })
        },
        &|| {
            page(renderer, sink, "exceptions.html", |l| {
                exceptions_page(index, charts, l)
            })
        },
        &|| page(renderer, sink, "controls.html", |l| controls_page(index, l)),
        &|| {
            page(renderer, sink, "accountability.html", |l| {
                accountability_page(index, l)
            })
        },
        &|| page(renderer, sink, "people.html", |_| people_page(index)),
        &|| page(renderer, sink, "processes.html", |_| processes_page(index)),
        &|| {
            page(renderer, sink, "frameworks.html", |_| {
                frameworks_page(index)
            })
        },
    ];
    pages.par_iter().try_for_each(|page| page())
}

/// Renders a top-level page whose template has the same name as the file. Its large tables
/// are written as the page is written (`Later`).
fn page<'a, V: Serialize>(
    renderer: &Renderer,
    sink: &dyn Sink,
    name: &str,
    view: impl FnOnce(&Later<'a>) -> V,
) -> anyhow::Result<()> {
    let later = Later::default();
    let view = view(&later);
    let page = renderer.render_page(name, &view, name)?;
    page.put(sink, name.to_string(), &later)
}

/// A headline figure on the dashboard.
#[derive(Serialize)]
pub(super) struct Figure {
    pub(super) label: &'static str,
    pub(super) value: String,
    /// `alert` when it needs attention, `ok` when clean, `neutral` otherwise.
    pub(super) tone: &'static str,
    href: &'static str,
    pub(super) note: &'static str,
    /// The change since the build given to `--compare`, e.g. `+1 since 2026-08-01`.
    delta: Option<String>,
}

/// A chart with its text alternative and its numbers as a table.
#[derive(Serialize)]
pub(super) struct ChartView<'a> {
    pub(super) src: String,
    title: &'a str,
    pub(super) description: &'a str,
    pub(super) table: Table<'a>,
}

#[derive(Serialize)]
pub(super) struct Table<'a> {
    pub(super) caption: String,
    pub(super) headers: Vec<&'static str>,
    pub(super) rows: Vec<Vec<Cell<'a>>>,
}

#[derive(Serialize)]
pub(super) struct Cell<'a> {
    pub(super) text: String,
    pub(super) link: Option<Link<'a>>,
}

fn text<'a>(value: impl ToString) -> Cell<'a> {
    Cell {
        text: value.to_string(),
        link: None,
    }
}

fn linked(link: Link<'_>) -> Cell<'_> {
    Cell {
        text: link.label.to_string(),
        link: Some(link),
    }
}

pub(super) fn chart_view<'a>(chart: &'a Chart, table: Table<'a>) -> ChartView<'a> {
    ChartView {
        src: format!("charts/{}", chart.file),
        title: &chart.title,
        description: &chart.description,
        table,
    }
}

fn monthly_table<'a>(index: &Index<'a>) -> Table<'a> {
    let rows = index
        .metrics
        .monthly
        .iter()
        .map(|m| {
            let total = m.design + m.operation + m.approval;
            vec![
                text(&m.month),
                text(m.design),
                text(m.operation),
                text(m.approval),
                text(total),
            ]
        })
        .collect();
    Table {
        caption: "Failures per month by origin (an incident with two origins counts under both)"
            .into(),
        headers: vec!["Month", "Design", "Operation", "Approval", "Total"],
        rows,
    }
}

fn age_table<'a>(index: &Index<'a>) -> Table<'a> {
    let rows = index
        .metrics
        .age_buckets
        .iter()
        .map(|b| {
            let total = b.active + b.expiring_soon + b.expired + b.permanent;
            vec![
                text(format!("{} days", b.bucket)),
                text(b.active),
                text(b.expiring_soon),
                text(b.expired),
                text(b.permanent),
                text(total),
            ]
        })
        .collect();
    Table {
        caption: "Open exceptions by age and state".into(),
        headers: vec![
            "Age",
            "Active",
            "Expiring soon",
            "Expired",
            "Permanent",
            "Total",
        ],
        rows,
    }
}

fn top_controls_table<'a>(index: &Index<'a>) -> Table<'a> {
    let mut controls: Vec<_> = index
        .metrics
        .controls
        .iter()
        .filter(|c| c.failures_in_window > 0)
        .collect();
    controls.sort_by(|a, b| {
        b.failures_in_window
            .cmp(&a.failures_in_window)
            .then(a.id.cmp(&b.id))
    });
    let rows = controls
        .into_iter()
        .take(10)
        .map(|c| {
            vec![
                linked(index.control(&c.id)),
                text(c.failures_in_window),
                text(if c.recurring { "recurring" } else { "" }),
            ]
        })
        .collect();
    Table {
        caption: format!(
            "Controls with the most failures in the last {} days",
            index.metrics.settings.window_days
        ),
        headers: vec!["Control", "Failures in window", "Status"],
        rows,
    }
}

pub(super) fn chart_views<'a>(index: &Index<'a>, charts: &'a [Chart]) -> Vec<ChartView<'a>> {
    charts
        .iter()
        .map(|chart| {
            let table = match chart.file.as_str() {
                "exceptions-by-age.svg" => age_table(index),
                "top-recurring-controls.svg" => top_controls_table(index),
                _ => monthly_table(index),
            };
            chart_view(chart, table)
        })
        .collect()
}

#[derive(Serialize)]
struct Dashboard<'a> {
    figures: Vec<Figure>,
    charts: Vec<ChartView<'a>>,
    recurring: Vec<RecurringRow<'a>>,
    flagged_exceptions: Html,
    gaps: Html,
    overdue_actions: Html,
    window_days: i64,
    threshold: usize,
    changes: Option<Changes<'a>>,
}

/// What is new since the build given to `--compare`.
#[derive(Serialize)]
struct Changes<'a> {
    since: &'a str,
    newly_recurring: Vec<Link<'a>>,
    newly_expired: Vec<Link<'a>>,
    new_gaps: Vec<GapRow<'a>>,
}

fn changes<'a>(index: &Index<'a>) -> Option<Changes<'a>> {
    let comparison = index.comparison?;
    let is_new = |gap: &Gap| {
        comparison.new_gaps.iter().any(|(kind, record, person)| {
            kind == gap.kind.as_str() && record == &gap.record && person == &gap.person
        })
    };
    Some(Changes {
        since: &comparison.previous_as_of,
        newly_recurring: comparison
            .newly_recurring
            .iter()
            .map(|id| index.control(id))
            .collect(),
        newly_expired: comparison
            .newly_expired
            .iter()
            .map(|id| index.exception(id))
            .collect(),
        new_gaps: index
            .metrics
            .gaps
            .iter()
            .filter(|g| is_new(g))
            .map(|g| gap_row(index, g))
            .collect(),
    })
}

#[derive(Serialize)]
struct RecurringRow<'a> {
    control: Link<'a>,
    owner: Option<Link<'a>>,
    failures_in_window: usize,
    mean_days: String,
    origins: Vec<Origin>,
}

/// The dashboard's headline figures, in the order a governance review reads them.
pub(super) fn headline_figures(index: &Index) -> Vec<Figure> {
    let s = &index.metrics.summary;
    let alert = |count: usize| if count > 0 { "alert" } else { "ok" };
    let count = |n: usize| (n.to_string(), alert(n));
    let rows = [
        (
            "recurring_controls",
            "Recurring controls",
            count(s.recurring_controls),
            "controls.html",
            "failing repeatedly: review as process defects",
        ),
        (
            "repeat_rate",
            "Repeat rate",
            (percent(s.repeat_rate), alert(s.repeat_incidents_in_window)),
            "incidents.html",
            "of failures in the window repeat an earlier one",
        ),
        (
            "open_exceptions",
            "Open exceptions",
            (s.open_exceptions.to_string(), "neutral"),
            "exceptions.html",
            "accepted risks still in force",
        ),
        (
            "expired_exceptions",
            "Expired, still open",
            count(s.expired_exceptions),
            "exceptions.html",
            "lapsed without closure or renewal",
        ),
        (
            "permanent_exceptions",
            "Permanent exceptions",
            count(s.permanent_exceptions),
            "exceptions.html",
            "no expiry date",
        ),
        (
            "over_policy_exceptions",
            "Over policy",
            count(s.over_policy_exceptions),
            "exceptions.html",
            "granted for longer than policy allows",
        ),
        (
            "self_approved_exceptions",
            "Self-approved",
            count(s.self_approved_exceptions),
            "exceptions.html",
            "separation of duties bypassed",
        ),
        (
            "unauthorized_approvals",
            "Unauthorized approvals",
            count(s.unauthorized_approvals),
            "exceptions.html",
            "approver not on the control's list",
        ),
        (
            "ownership_gaps",
            "Ownership gaps",
            count(s.ownership_gaps),
            "#gaps",
            "inactive owners or approvers, missing risk sign-off",
        ),
        (
            "overdue_reviews",
            "Overdue reviews",
            count(s.overdue_reviews),
            "controls.html",
            "controls past their review date",
        ),
        (
            "overdue_actions",
            "Overdue actions",
            count(s.overdue_actions),
            "#actions",
            "remediation past its due date",
        ),
    ];
    rows.into_iter()
        .map(|(key, label, (value, tone), href, note)| Figure {
            label,
            value,
            tone,
            href,
            note,
            delta: index.delta(key),
        })
        .collect()
}

fn dashboard<'a>(
    index: &'a Index<'a>,
    charts: &'a [Chart],
    later: &Later<'a>,
) -> impl Serialize + 'a {
    let metrics = index.metrics;
    let figures = headline_figures(index);
    let patterns = |control: &str| -> Vec<Origin> {
        metrics
            .recurring_patterns
            .iter()
            .filter(|p| p.control == control)
            .map(|p| p.origin)
            .collect()
    };
    let mut recurring: Vec<RecurringRow> = metrics
        .controls
        .iter()
        .filter(|c| c.recurring)
        .map(|c| RecurringRow {
            control: index.control(&c.id),
            owner: c.owner.as_deref().map(|o| index.person(o)),
            failures_in_window: c.failures_in_window,
            mean_days: decimal(c.mean_days_between_failures),
            origins: patterns(&c.id),
        })
        .collect();
    recurring.sort_by(|a, b| {
        b.failures_in_window
            .cmp(&a.failures_in_window)
            .then(a.control.id.cmp(b.control.id))
    });
    let flagged_exceptions: Vec<&ExceptionMetrics> = metrics
        .exceptions
        .iter()
        .filter(|e| matches!(e.state, ExceptionState::Expired | ExceptionState::Permanent))
        .collect();
    let overdue_actions: Vec<&ActionStatus> =
        metrics.actions.iter().filter(|a| a.overdue).collect();
    let page = Dashboard {
        figures,
        charts: chart_views(index, charts),
        recurring,
        flagged_exceptions: later.rows(flagged_exceptions.len(), ROOT, move |rows| {
            rows.all(flagged_exceptions.iter().map(|e| exception_row(index, e)))
        }),
        gaps: all_gaps(index, later),
        overdue_actions: later.rows(overdue_actions.len(), ROOT, move |rows| {
            rows.all(overdue_actions.iter().map(|a| action_row(index, a)))
        }),
        window_days: metrics.settings.window_days,
        threshold: metrics.settings.threshold,
        changes: changes(index),
    };
    let title = index.site.title.to_string();
    index.page(0, title, "dashboard", page)
}

#[derive(Serialize)]
pub(super) struct ControlRow<'a> {
    pub(super) link: Link<'a>,
    pub(super) owner: Option<Link<'a>>,
    pub(super) status: ControlStatus,
    pub(super) nhi: &'a [Nhi],
    pub(super) failures_total: usize,
    pub(super) failures_in_window: usize,
    pub(super) recurring: bool,
    pub(super) open_exceptions: usize,
    pub(super) review_overdue: bool,
    pub(super) shared_platform: bool,
}

pub(super) fn control_row<'a>(index: &Index<'a>, id: &'a str) -> Option<ControlRow<'a>> {
    let control = index.controls.get(id)?;
    let metrics = index.control_metrics.get(id)?;
    Some(ControlRow {
        link: index.control(&control.id),
        owner: control.owner.as_deref().map(|o| index.person(o)),
        status: control.status,
        nhi: &control.nhi,
        failures_total: metrics.failures_total,
        failures_in_window: metrics.failures_in_window,
        recurring: metrics.recurring,
        open_exceptions: metrics.open_exceptions,
        review_overdue: metrics.review_overdue,
        shared_platform: control.shared_platform.is_some(),
    })
}

fn controls_page<'a>(index: &'a Index<'a>, later: &Later<'a>) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct View {
        controls: Html,
    }
    let rows: Vec<ControlRow> = index
        .model
        .controls
        .keys()
        .filter_map(|id| control_row(index, id))
        .collect();
    let controls = later.rows(rows.len(), ROOT, move |out| out.all(&rows));
    index.page(0, "Controls".into(), "controls", View { controls })
}

#[derive(Serialize)]
pub(super) struct ProcessRow<'a> {
    pub(super) link: Link<'a>,
    pub(super) owner: Option<Link<'a>>,
    controls: usize,
    incidents: usize,
}

pub(super) fn process_row<'a>(index: &Index<'a>, id: &'a str) -> Option<ProcessRow<'a>> {
    let process = index.model.processes.get(id)?;
    Some(ProcessRow {
        link: index.process(&process.id),
        owner: process.owner.as_deref().map(|o| index.person(o)),
        controls: process.controls.len(),
        incidents: index.incidents_by_process.get(id).map_or(0, Vec::len),
    })
}

fn processes_page<'a>(index: &'a Index<'a>) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct View<'a> {
        processes: Vec<ProcessRow<'a>>,
    }
    let processes = index
        .model
        .processes
        .keys()
        .filter_map(|id| process_row(index, id))
        .collect();
    index.page(0, "Processes".into(), "processes", View { processes })
}

#[derive(Serialize)]
pub(super) struct ExceptionRow<'a> {
    pub(super) link: Link<'a>,
    pub(super) title: &'a str,
    pub(super) control: Option<Link<'a>>,
    pub(super) approver: Option<Link<'a>>,
    pub(super) requester: Option<Link<'a>>,
    pub(super) state: &'static str,
    pub(super) granted: Day,
    pub(super) expiry: Option<Day>,
    pub(super) age_days: Option<i64>,
    pub(super) days_to_expiry: Option<i64>,
    pub(super) age_bucket: Option<&'a str>,
    pub(super) over_policy: bool,
    pub(super) chronic: bool,
    pub(super) renewals: usize,
    pub(super) risk: Option<Severity>,
}

pub(super) fn exception_row<'a>(
    index: &Index<'a>,
    metrics: &'a ExceptionMetrics,
) -> ExceptionRow<'a> {
    let exception = index.model.exceptions.get(&metrics.id);
    ExceptionRow {
        link: index.exception(&metrics.id),
        title: exception.map_or("", |e| e.title.as_str()),
        control: metrics.control.as_deref().map(|c| index.control(c)),
        approver: metrics.approved_by.as_deref().map(|p| index.person(p)),
        requester: exception
            .and_then(|e| e.requested_by.as_deref())
            .map(|p| index.person(p)),
        state: metrics.state.as_str(),
        granted: exception.map_or(Day::default(), |e| e.granted),
        expiry: metrics.effective_expiry,
        age_days: metrics.age_days,
        days_to_expiry: metrics.days_to_expiry,
        age_bucket: metrics.age_bucket.as_deref(),
        over_policy: metrics.over_policy,
        chronic: metrics.chronic,
        renewals: metrics.renewals,
        risk: exception.and_then(|e| e.risk),
    }
}

fn exceptions_page<'a>(
    index: &'a Index<'a>,
    charts: &'a [Chart],
    later: &Later<'a>,
) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct View<'a> {
        exceptions: Html,
        chart: Option<ChartView<'a>>,
        by_approver: Vec<CountRow<'a>>,
        by_control: Vec<CountRow<'a>>,
        median_age: String,
        max_validity_days: i64,
        expiring_soon_days: i64,
    }
    let metrics = index.metrics;
    let chart = charts
        .iter()
        .find(|c| c.file == "exceptions-by-age.svg")
        .map(|c| chart_view(c, age_table(index)));
    let view = View {
        exceptions: later.rows(metrics.exceptions.len(), ROOT, move |rows| {
            rows.all(metrics.exceptions.iter().map(|e| exception_row(index, e)))
        }),
        chart,
        by_approver: count_rows(&metrics.open_exceptions_by_approver, |id| index.person(id)),
        by_control: count_rows(&metrics.open_exceptions_by_control, |id| index.control(id)),
        median_age: decimal(metrics.summary.median_open_exception_age_days),
        max_validity_days: metrics.settings.max_validity_days,
        expiring_soon_days: metrics.settings.expiring_soon_days,
    };
    index.page(0, "Exceptions".into(), "exceptions", view)
}

#[derive(Serialize)]
pub(super) struct AccountableView<'a> {
    pub(super) role: &'static str,
    pub(super) person: Option<Link<'a>>,
}

#[derive(Serialize)]
pub(super) struct IncidentRow<'a> {
    pub(super) link: Link<'a>,
    pub(super) date: Day,
    pub(super) control: Option<Link<'a>>,
    pub(super) origins: &'a [Origin],
    pub(super) severity: Option<Severity>,
    pub(super) accountable: Vec<AccountableView<'a>>,
    pub(super) in_window: bool,
    pub(super) repeat: bool,
    pub(super) resolved: Option<Day>,
}

pub(super) fn accountable_views<'a>(
    index: &Index<'a>,
    incident: &'a IncidentMetrics,
) -> Vec<AccountableView<'a>> {
    incident
        .accountable
        .iter()
        .map(|a| AccountableView {
            role: a.role.as_str(),
            person: a.person.as_deref().map(|p| index.person(p)),
        })
        .collect()
}

pub(super) fn incident_row<'a>(
    index: &Index<'a>,
    incident: &'a IncidentMetrics,
) -> IncidentRow<'a> {
    IncidentRow {
        link: index.incident(&incident.id),
        date: incident.date,
        control: incident.control.as_deref().map(|c| index.control(c)),
        origins: &incident.origins,
        severity: incident.severity,
        accountable: accountable_views(index, incident),
        in_window: incident.in_window,
        repeat: incident.repeat,
        resolved: index
            .incidents
            .get(incident.id.as_str())
            .and_then(|i| i.resolved),
    }
}

fn incidents_page<'a>(index: &'a Index<'a>, later: &Later<'a>) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct View {
        incidents: Html,
        ignored_after_as_of: usize,
    }
    // Newest first.
    let mut incidents: Vec<&IncidentMetrics> = index.metrics.incidents.iter().collect();
    incidents.sort_by(|a, b| (b.date, &b.id).cmp(&(a.date, &a.id)));
    let view = View {
        ignored_after_as_of: index.model.incidents.len() - index.metrics.incidents.len(),
        incidents: later.rows(incidents.len(), ROOT, move |rows| {
            rows.all(incidents.iter().map(|i| incident_row(index, i)))
        }),
    };
    index.page(0, "Incidents".into(), "incidents", view)
}

#[derive(Serialize)]
struct PersonRow<'a> {
    link: Link<'a>,
    title: Option<&'a str>,
    team: Option<Link<'a>>,
    controls_owned: usize,
    processes_owned: usize,
    exceptions_approved: usize,
    failures_as_control_owner: usize,
    failures_as_process_owner: usize,
    failures_as_approving_manager: usize,
    overdue_actions: usize,
    gaps: usize,
}

fn person_row<'a>(index: &Index<'a>, id: &'a str) -> Option<PersonRow<'a>> {
    let person = index.model.people.get(id)?;
    let m = index.person_metrics.get(id)?;
    Some(PersonRow {
        link: index.person(&person.id),
        title: person.title.as_deref(),
        team: person.team.as_deref().map(|t| index.team(t)),
        controls_owned: m.controls_owned,
        processes_owned: m.processes_owned,
        exceptions_approved: m.exceptions_approved,
        failures_as_control_owner: m.failures_as_control_owner,
        failures_as_process_owner: m.failures_as_process_owner,
        failures_as_approving_manager: m.failures_as_approving_manager,
        overdue_actions: m.overdue_actions,
        gaps: m.gaps,
    })
}

fn people_page<'a>(index: &'a Index<'a>) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct TeamView<'a> {
        id: &'a str,
        name: &'a str,
        lead: Option<Link<'a>>,
        members: Vec<Link<'a>>,
    }
    #[derive(Serialize)]
    struct View<'a> {
        people: Vec<PersonRow<'a>>,
        teams: Vec<TeamView<'a>>,
    }
    let teams = index
        .model
        .teams
        .values()
        .map(|team| TeamView {
            id: &team.id,
            name: &team.name,
            lead: team.lead.as_deref().map(|l| index.person(l)),
            members: index.people_links(
                index
                    .people_by_team
                    .get(team.id.as_str())
                    .map_or(&[], Vec::as_slice),
            ),
        })
        .collect();
    let people = index
        .model
        .people
        .keys()
        .filter_map(|id| person_row(index, id))
        .collect();
    index.page(
        0,
        "People and teams".into(),
        "people",
        View { people, teams },
    )
}

fn frameworks_page<'a>(index: &'a Index<'a>) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct FrameworkRow<'a> {
        link: Link<'a>,
        url: Option<&'a str>,
        references: usize,
        covered: usize,
    }
    #[derive(Serialize)]
    struct View<'a> {
        frameworks: Vec<FrameworkRow<'a>>,
    }
    let frameworks = index
        .model
        .frameworks
        .values()
        .map(|f| FrameworkRow {
            link: super::record_link(&f.id, &f.name, "frameworks/"),
            url: f
                .url
                .as_deref()
                .filter(|url| crate::validate::is_web_url(url)),
            references: f.references.len(),
            covered: f
                .references
                .iter()
                .filter(|r| {
                    index
                        .controls_by_reference
                        .contains_key(&(f.id.as_str(), r.id.as_str()))
                })
                .count(),
        })
        .collect();
    index.page(0, "Frameworks".into(), "frameworks", View { frameworks })
}

#[derive(Serialize)]
pub(super) struct GapRow<'a> {
    pub(super) kind: &'static str,
    pub(super) record: Link<'a>,
    pub(super) person: Option<Link<'a>>,
    pub(super) what: &'static str,
}

pub(super) fn gap_row<'a>(index: &Index<'a>, gap: &'a Gap) -> GapRow<'a> {
    let id = gap.record.as_str();
    let record = if index.model.controls.contains_key(id) {
        index.control(id)
    } else if index.model.processes.contains_key(id) {
        index.process(id)
    } else {
        index.exception(id)
    };
    let what = match gap.kind {
        GapKind::InactiveOwner => "owned by a person who is no longer active",
        GapKind::InactiveApprover => "open exception whose latest approver is no longer active",
        GapKind::NoRiskSignoff => "shared platform control with nobody signing off residual risk",
        GapKind::ReviewOverdue => "control review is overdue",
        GapKind::SelfApproved => "approved by its own requester: separation of duties bypassed",
        GapKind::UnauthorizedApprover => "approved by someone not on the control's approvers list",
    };
    GapRow {
        kind: gap.kind.as_str(),
        record,
        person: gap.person.as_deref().map(|p| index.person(p)),
        what,
    }
}

#[derive(Serialize)]
pub(super) struct ActionRow<'a> {
    pub(super) incident: Link<'a>,
    pub(super) title: &'a str,
    pub(super) owner: Option<Link<'a>>,
    pub(super) due: Option<Day>,
    pub(super) done: Option<Day>,
    pub(super) open: bool,
    pub(super) overdue: bool,
}

/// The rows of every gap, as the dashboard and the report list them.
pub(super) fn all_gaps<'a>(index: &'a Index<'a>, later: &Later<'a>) -> Html {
    let gaps = &index.metrics.gaps;
    later.rows(gaps.len(), ROOT, move |rows| {
        rows.all(gaps.iter().map(|g| gap_row(index, g)))
    })
}

pub(super) fn action_row<'a>(index: &Index<'a>, action: &'a ActionStatus) -> ActionRow<'a> {
    ActionRow {
        incident: index.incident(&action.incident),
        title: &action.title,
        owner: action.owner.as_deref().map(|o| index.person(o)),
        due: action.due,
        done: action.done,
        open: action.open,
        overdue: action.overdue,
    }
}

fn accountability_page<'a>(index: &'a Index<'a>, later: &Later<'a>) -> impl Serialize + 'a {
    #[derive(Serialize)]
    struct OriginRow {
        origin: Origin,
        role: &'static str,
        failures_in_window: usize,
        failures_total: usize,
    }
    #[derive(Serialize)]
    struct View<'a> {
        origins: Vec<OriginRow>,
        people: Vec<PersonRow<'a>>,
        unattributed: Html,
    }
    let incidents = &index.metrics.incidents;
    let origins = Origin::ALL
        .into_iter()
        .map(|origin| OriginRow {
            origin,
            role: Role::for_origin(origin).as_str(),
            failures_in_window: incidents
                .iter()
                .filter(|i| i.in_window && i.origins.contains(&origin))
                .count(),
            failures_total: incidents
                .iter()
                .filter(|i| i.origins.contains(&origin))
                .count(),
        })
        .collect();
    let people = index
        .model
        .people
        .keys()
        .filter_map(|id| person_row(index, id))
        .filter(|row| {
            row.failures_as_control_owner
                + row.failures_as_process_owner
                + row.failures_as_approving_manager
                > 0
        })
        .collect();
    let unattributed: Vec<&IncidentMetrics> = incidents
        .iter()
        .filter(|i| i.accountable.iter().any(|a| a.person.is_none()))
        .collect();
    let unattributed = later.rows(unattributed.len(), ROOT, move |rows| {
        rows.all(unattributed.iter().map(|i| incident_row(index, i)))
    });
    index.page(
        0,
        "Accountability".into(),
        "accountability",
        View {
            origins,
            people,
            unattributed,
        },
    )
}
