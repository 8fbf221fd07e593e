//! The dashboard and the list pages (one per record kind, plus accountability). They sit
//! at the site root; their large tables are written as the page is written.

use serde::Serialize;

use super::changes::{changes, Changes};
use super::charts::{chart_named, chart_views, ChartView};
use super::figures::{headline_figures, Figure};
use super::findings::{findings_preview, FindingsPreview};
use super::index::{Index, Link};
use super::paging::{self, Pager};
use super::rows::{
    control_row, exception_row, gap_row, incident_row, process_row, role_words, ProcessRow,
};
use super::selections::{preview, Preview, Selection};
use super::tables::{Table, Tables};
use super::{decimal, web_url, PageView};
use crate::charts::Chart;
use crate::metrics::IncidentMetrics;

#[derive(Serialize)]
pub struct Dashboard<'a> {
    figures: Vec<Figure>,
    charts: Vec<ChartView<'a>>,
    recurring: Preview,
    recurring_processes: Preview,
    /// One row per kind of non-human identity (`by_nhi`), agents marked.
    identities: Vec<IdentityRow>,
    flagged_exceptions: Preview,
    over_policy_exceptions: Preview,
    findings: FindingsPreview<'a>,
    overdue_actions: Preview,
    window_days: i64,
    threshold: usize,
    changes: Option<Changes<'a>>,
    /// The calendar feed of every due date (`calendar.ics`), from the site root.
    calendar: &'static str,
}

/// A kind of non-human identity on the dashboard, with the figures of `by_nhi`.
#[derive(Serialize)]
struct IdentityRow {
    nhi: &'static str,
    /// AI agents, whose failures have the largest blast radius.
    agent: bool,
    controls: usize,
    incidents_in_window: usize,
    recurring_controls: usize,
    open_exceptions: usize,
}

fn identity_rows(index: &Index) -> Vec<IdentityRow> {
    let kinds = index.metrics.by_nhi.iter();
    kinds
        .map(|k| IdentityRow {
            nhi: k.nhi.as_str(),
            agent: k.nhi == crate::model::Nhi::Agent,
            controls: k.controls,
            incidents_in_window: k.incidents_in_window,
            recurring_controls: k.recurring_controls,
            open_exceptions: k.open_exceptions,
        })
        .collect()
}

/// `index.html`: one decision screen. The headline figures, then the first rows of each
/// list a review acts on, each with a link to all of them.
pub fn dashboard<'a>(index: &'a Index<'a>, charts: &'a [Chart]) -> PageView<'a, Dashboard<'a>> {
    let metrics = index.metrics;
    let mut tables = Tables::new("");
    let mut preview = |selection| preview(index, &mut tables, selection);
    let view = Dashboard {
        figures: headline_figures(index),
        charts: chart_views(index, charts),
        recurring: preview(Selection::RecurringControls),
        recurring_processes: preview(Selection::RecurringProcesses),
        identities: identity_rows(index),
        flagged_exceptions: preview(Selection::FlaggedExceptions),
        over_policy_exceptions: preview(Selection::OverPolicyExceptions),
        findings: findings_preview(index),
        overdue_actions: preview(Selection::OverdueActions),
        window_days: metrics.settings.window_days,
        threshold: metrics.settings.threshold,
        changes: changes(index),
        calendar: crate::calendar::SITE_FEED,
    };
    let title = index.site.title.to_string();
    index.page(
        "index.html".into(),
        "index.html",
        ("dashboard", title),
        view,
        tables,
    )
}

/// The table of every gap, as the dashboard and the report list them.
pub(super) fn all_gaps<'a>(index: &'a Index<'a>, tables: &mut Tables<'a>) -> Table {
    let gaps = &index.metrics.gaps;
    tables.later(
        "Ownership, approval, review and remediation gaps with the person to chase".into(),
        gaps.len(),
        move |rows| rows.all(gaps.iter().map(|g| gap_row(index, g))),
    )
}

#[derive(Serialize)]
pub struct ControlsList {
    controls: Table,
    pager: Pager,
}

/// Page `number` of `controls.html`, controls by id.
pub fn controls_page<'a>(index: &'a Index<'a>, number: usize) -> PageView<'a, ControlsList> {
    let mut tables = Tables::new("");
    let total = index.model.controls.len();
    let pager = paging::pager("controls", number, total);
    let rows = paging::page_rows(number, total);
    let ids = index
        .model
        .controls
        .keys()
        .skip(rows.start)
        .take(rows.len());
    let ids: Vec<&str> = ids.map(String::as_str).collect();
    let caption = paging::caption("All controls", &pager);
    let controls = tables.later(caption, ids.len(), move |rows| {
        rows.all(ids.iter().filter_map(|id| control_row(index, id)))
    });
    let view = ControlsList { controls, pager };
    let nav = ("controls", "Controls".to_string());
    let path = paging::page_path("controls", number);
    index.page(path, "controls.html", nav, view, tables)
}

#[derive(Serialize)]
pub struct ProcessesList<'a> {
    processes: Vec<ProcessRow<'a>>,
    window_days: i64,
    threshold: usize,
}

/// `processes.html`.
pub fn processes_page<'a>(index: &'a Index<'a>) -> PageView<'a, ProcessesList<'a>> {
    let processes = index
        .model
        .processes
        .keys()
        .filter_map(|id| process_row(index, id))
        .collect();
    let settings = &index.metrics.settings;
    let view = ProcessesList {
        processes,
        window_days: settings.window_days,
        threshold: settings.threshold,
    };
    let nav = ("processes", "Processes".to_string());
    index.page(
        "processes.html".into(),
        "processes.html",
        nav,
        view,
        Tables::new(""),
    )
}

#[derive(Serialize)]
pub struct ExceptionsList<'a> {
    exceptions: Table,
    pager: Pager,
    chart: Option<ChartView<'a>>,
    by_approver: Vec<CountRow<'a>>,
    by_control: Vec<CountRow<'a>>,
    median_age: String,
    max_validity_days: i64,
    expiring_soon_days: i64,
}

/// A count per person or control, for a small table.
#[derive(Serialize)]
struct CountRow<'a> {
    link: Link<'a>,
    count: usize,
}

fn count_rows<'a>(
    counts: &'a std::collections::BTreeMap<String, usize>,
    link: impl Fn(&'a str) -> Link<'a>,
) -> Vec<CountRow<'a>> {
    counts
        .iter()
        .map(|(id, &count)| CountRow {
            link: link(id),
            count,
        })
        .collect()
}

/// Page `number` of `exceptions.html`; the figures and the chart are on the first page.
pub fn exceptions_page<'a>(
    index: &'a Index<'a>,
    charts: &'a [Chart],
    number: usize,
) -> PageView<'a, ExceptionsList<'a>> {
    let metrics = index.metrics;
    let mut tables = Tables::new("");
    let total = metrics.exceptions.len();
    let pager = paging::pager("exceptions", number, total);
    let shown = &metrics.exceptions[paging::page_rows(number, total)];
    let exceptions = tables.later(
        paging::caption("All exceptions with their state on the as-of date", &pager),
        shown.len(),
        move |rows| rows.all(shown.iter().map(|e| exception_row(index, e))),
    );
    let view = ExceptionsList {
        exceptions,
        pager,
        chart: chart_named(index, charts, "exceptions-by-age.svg"),
        by_approver: count_rows(&metrics.open_exceptions_by_approver, |id| index.person(id)),
        by_control: count_rows(&metrics.open_exceptions_by_control, |id| index.control(id)),
        median_age: decimal(metrics.summary.median_open_exception_age_days),
        max_validity_days: metrics.settings.max_validity_days,
        expiring_soon_days: metrics.settings.expiring_soon_days,
    };
    let nav = ("exceptions", "Exceptions".to_string());
    let path = paging::page_path("exceptions", number);
    index.page(path, "exceptions.html", nav, view, tables)
}

#[derive(Serialize)]
pub struct IncidentsList {
    incidents: Table,
    pager: Pager,
    ignored_after_as_of: usize,
}

/// Page `number` of `incidents.html`, newest first.
pub fn incidents_page<'a>(index: &'a Index<'a>, number: usize) -> PageView<'a, IncidentsList> {
    let mut tables = Tables::new("");
    let total = index.incidents_newest.len();
    let pager = paging::pager("incidents", number, total);
    let shown = &index.incidents_newest[paging::page_rows(number, total)];
    let view = IncidentsList {
        ignored_after_as_of: index.model.incidents.len() - index.metrics.incidents.len(),
        incidents: tables.later(
            paging::caption("All incidents, newest first", &pager),
            shown.len(),
            move |rows| rows.all(shown.iter().map(|i| incident_row(index, i))),
        ),
        pager,
    };
    let nav = ("incidents", "Incidents".to_string());
    let path = paging::page_path("incidents", number);
    index.page(path, "incidents.html", nav, view, tables)
}

/// A person in the people and accountability tables.
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

#[derive(Serialize)]
struct TeamView<'a> {
    id: &'a str,
    name: &'a str,
    lead: Option<Link<'a>>,
    members: Vec<Link<'a>>,
    /// The team's calendar feed, from the site root.
    calendar: String,
}

#[derive(Serialize)]
pub struct PeopleList<'a> {
    people: Vec<PersonRow<'a>>,
    teams: Vec<TeamView<'a>>,
}

/// `people.html`: people, then teams.
pub fn people_page<'a>(index: &'a Index<'a>) -> PageView<'a, PeopleList<'a>> {
    let teams = index
        .model
        .teams
        .values()
        .map(|team| TeamView {
            id: &team.id,
            name: &team.name,
            lead: team.lead.as_deref().map(|l| index.person(l)),
            members: index
                .people_by_team
                .get(team.id.as_str())
                .map_or(&[][..], Vec::as_slice)
                .iter()
                .map(|id| index.person(id))
                .collect(),
            calendar: crate::calendar::team_feed(&team.id),
        })
        .collect();
    let people = index
        .model
        .people
        .keys()
        .filter_map(|id| person_row(index, id))
        .collect();
    let view = PeopleList { people, teams };
    let nav = ("people", "People and teams".to_string());
    index.page(
        "people.html".into(),
        "people.html",
        nav,
        view,
        Tables::new(""),
    )
}

#[derive(Serialize)]
struct FrameworkRow<'a> {
    link: Link<'a>,
    url: Option<&'a str>,
    references: usize,
    covered: usize,
}

#[derive(Serialize)]
pub struct FrameworksList<'a> {
    frameworks: Vec<FrameworkRow<'a>>,
}

/// `frameworks.html`.
pub fn frameworks_page<'a>(index: &'a Index<'a>) -> PageView<'a, FrameworksList<'a>> {
    let frameworks = index
        .model
        .frameworks
        .values()
        .map(|f| FrameworkRow {
            link: index.framework(&f.id),
            url: web_url(f),
            references: f.references.len(),
            covered: index
                .framework_metrics
                .get(f.id.as_str())
                .map_or(0, |c| c.covered),
        })
        .collect();
    let view = FrameworksList { frameworks };
    let nav = ("frameworks", "Frameworks".to_string());
    index.page(
        "frameworks.html".into(),
        "frameworks.html",
        nav,
        view,
        Tables::new(""),
    )
}

#[derive(Serialize)]
struct OriginRow {
    origin: &'static str,
    role: &'static str,
    failures_in_window: usize,
    failures_total: usize,
}

#[derive(Serialize)]
pub struct AccountabilityList<'a> {
    origins: Vec<OriginRow>,
    people: Vec<PersonRow<'a>>,
    unattributed: Table,
}

/// `accountability.html`.
pub fn accountability_page<'a>(index: &'a Index<'a>) -> PageView<'a, AccountabilityList<'a>> {
    let mut tables = Tables::new("");
    let incidents = &index.metrics.incidents;
    let origins = index
        .metrics
        .accountability_by_origin
        .iter()
        .map(|o| OriginRow {
            origin: o.origin.as_str(),
            role: role_words(o.role),
            failures_in_window: o.failures_in_window,
            failures_total: o.failures_total,
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
    let unattributed = tables.later(
        "Incidents with an unfilled accountable role".into(),
        unattributed.len(),
        move |rows| rows.all(unattributed.iter().map(|i| incident_row(index, i))),
    );
    let view = AccountabilityList {
        origins,
        people,
        unattributed,
    };
    let nav = ("accountability", "Accountability".to_string());
    index.page(
        "accountability.html".into(),
        "accountability.html",
        nav,
        view,
        tables,
    )
}
