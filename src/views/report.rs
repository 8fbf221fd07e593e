//! `report.html`: one printable document for an audit — cover, headline figures, charts, every
//! control with its owner, failures, exceptions and accountable people, the open exceptions
//! register and the gaps. It sits at the site root.

use serde::Serialize;

use super::changes::{changes, Changes};
use super::charts::{chart_views, ChartView};
use super::figures::{headline_figures, Figure};
use super::index::{Index, Link};
use super::lists::all_gaps;
use super::rows::{control_exceptions, control_failures, control_row, exception_row};
use super::tables::{Table, Tables};
use super::PageView;
use crate::charts::Chart;

#[derive(Serialize)]
struct Scope {
    controls: usize,
    processes: usize,
    exceptions: usize,
    incidents: usize,
    people: usize,
    teams: usize,
    window_days: i64,
    threshold: usize,
    max_validity_days: i64,
}

/// A control's section of the report.
#[derive(Serialize)]
struct ControlSection<'a> {
    id: &'a str,
    label: &'a str,
    owner: Option<Link<'a>>,
    approvers: Vec<Link<'a>>,
    failures_in_window: usize,
    failures_total: usize,
    recurring: bool,
    review_overdue: bool,
    failures: Table,
    exceptions: Table,
}

/// What the report was built from, on its cover: the same facts as `provenance` in
/// `data/metrics.json`.
#[derive(Serialize)]
struct Provenance<'a> {
    govsite_version: &'a str,
    /// The full commit id govsite was compiled from, if known.
    govsite_commit: Option<&'a str>,
    /// Whether govsite's sources differed from that commit.
    govsite_dirty: bool,
    /// The full commit id of the content, if any.
    content_commit: Option<&'a str>,
    /// Whether files read differ from that commit, and how many.
    content_dirty: bool,
    differing_files: usize,
    /// Templates that replaced built-in ones, by file name.
    templates: &'a [String],
    as_of: crate::model::Day,
    window_days: i64,
    threshold: usize,
    max_validity_days: i64,
    expiring_soon_days: i64,
    /// `30, 90, 180, 365`.
    aging_buckets: String,
    review_overdue_grace_days: i64,
}

#[derive(Serialize)]
pub struct Report<'a> {
    scope: Scope,
    provenance: Provenance<'a>,
    figures: Vec<Figure>,
    charts: Vec<ChartView<'a>>,
    controls: Vec<ControlSection<'a>>,
    open_exceptions: Table,
    gaps: Table,
    /// What changed since the build given to `--compare`.
    changes: Option<Changes<'a>>,
}

/// `report.html`.
pub fn report_page<'a>(index: &'a Index<'a>, charts: &'a [Chart]) -> PageView<'a, Report<'a>> {
    let metrics = index.metrics;
    let mut tables = Tables::new("");
    let open: Vec<_> = metrics
        .exceptions
        .iter()
        .filter(|e| e.state.is_open())
        .collect();
    let report = Report {
        scope: scope(index),
        provenance: provenance(index),
        figures: headline_figures(index),
        charts: chart_views(index, charts),
        controls: control_sections(index, &mut tables),
        open_exceptions: tables.later(
            "Exceptions open on the as-of date, with their approvers".into(),
            open.len(),
            move |rows| rows.all(open.iter().map(|e| exception_row(index, e))),
        ),
        gaps: all_gaps(index, &mut tables),
        changes: changes(index),
    };
    let title = format!("Governance report as of {}", index.site.as_of);
    index.page(
        "report.html".into(),
        "report.html",
        ("report", title),
        report,
        tables,
    )
}

fn scope(index: &Index) -> Scope {
    let (model, metrics) = (index.model, index.metrics);
    Scope {
        controls: model.controls.len(),
        processes: model.processes.len(),
        exceptions: model.exceptions.len(),
        incidents: metrics.incidents.len(),
        people: model.people.len(),
        teams: model.teams.len(),
        window_days: metrics.settings.window_days,
        threshold: metrics.settings.threshold,
        max_validity_days: metrics.settings.max_validity_days,
    }
}

fn provenance<'a>(index: &'a Index<'a>) -> Provenance<'a> {
    let recorded = index.provenance;
    let settings = &recorded.settings;
    let buckets: Vec<String> = settings
        .exceptions
        .aging_buckets
        .iter()
        .map(i64::to_string)
        .collect();
    Provenance {
        govsite_version: &recorded.govsite_version,
        govsite_commit: recorded.govsite_commit.as_deref(),
        govsite_dirty: recorded.govsite_dirty,
        content_commit: recorded.commit.as_deref(),
        content_dirty: recorded.dirty,
        differing_files: recorded.differing_files,
        templates: &recorded.templates,
        as_of: settings.as_of,
        window_days: settings.recurrence.window_days,
        threshold: settings.recurrence.threshold,
        max_validity_days: settings.exceptions.max_validity_days,
        expiring_soon_days: settings.exceptions.expiring_soon_days,
        aging_buckets: buckets.join(", "),
        review_overdue_grace_days: settings.review_overdue_grace_days,
    }
}

fn control_sections<'a>(index: &'a Index<'a>, tables: &mut Tables<'a>) -> Vec<ControlSection<'a>> {
    let sections = index.model.controls.values().filter_map(|control| {
        let id = control.id.as_str();
        let row = control_row(index, id)?;
        let exceptions = control_exceptions(index, id);
        Some(ControlSection {
            id,
            label: row.link.label,
            owner: row.owner,
            approvers: control.approvers.iter().map(|p| index.person(p)).collect(),
            failures_in_window: row.failures_in_window,
            failures_total: row.failures_total,
            recurring: row.recurring,
            review_overdue: row.review_overdue,
            failures: tables.later(
                "Failures and the people accountable for them".into(),
                control_failures(index, id).len(),
                move |rows| rows.all(control_failures(index, id)),
            ),
            exceptions: tables.later(
                "Exceptions to this control".into(),
                exceptions.clone().count(),
                move |rows| rows.all(exceptions.clone()),
            ),
        })
    });
    sections.collect()
}
