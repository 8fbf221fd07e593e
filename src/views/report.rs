//! `report.html`: one printable document for an audit — cover, headline figures, charts, every
//! control with its owner, failures, exceptions and accountable people, the open exceptions
//! register and the gaps. It sits at the site root.

use serde::Serialize;

use super::changes::{changes, Changes};
use super::charts::{chart_views, ChartView};
use super::figures::{headline_figures, Figure};
use super::findings::{findings_preview, FindingsPreview};
use super::index::{Index, Link};
use super::lists::all_gaps;
use super::rows::{control_exceptions, control_failures, control_row, exception_row};
use super::selections::{Items, Selection};
use super::tables::{Table, Tables};
use super::teams::{team_rows, TeamRow};
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

/// Estates with more controls than this get a condensed report: one table row per control,
/// a full section only for the `DETAILED_CONTROLS` recurring controls with the most failures
/// in the window, and the findings grouped rather than listed (every one stays on
/// `findings.html` and in `data/gaps.csv`), so that a report of 1,000 controls prints to a
/// length a review can read.
pub const FULL_REPORT_CONTROLS: usize = 250;

/// Recurring controls with a full section in a condensed report.
pub const DETAILED_CONTROLS: usize = 25;

#[derive(Serialize)]
pub struct Report<'a> {
    scope: Scope,
    provenance: Provenance<'a>,
    figures: Vec<Figure>,
    charts: Vec<ChartView<'a>>,
    /// Whether the controls come as one table (with sections for the recurring ones only).
    condensed: bool,
    full_report_controls: usize,
    detailed_controls: usize,
    /// Every control, one row each: condensed reports only.
    control_table: Option<Table>,
    controls: Vec<ControlSection<'a>>,
    open_exceptions: Table,
    gaps: Option<Table>,
    findings: FindingsPreview<'a>,
    teams: Vec<TeamRow<'a>>,
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
    let condensed = index.model.controls.len() > FULL_REPORT_CONTROLS;
    let control_table = condensed.then(|| {
        let ids: Vec<&str> = index.model.controls.keys().map(String::as_str).collect();
        tables.later("Every control".into(), ids.len(), move |rows| {
            rows.all(ids.iter().filter_map(|id| control_row(index, id)))
        })
    });
    let report = Report {
        scope: scope(index),
        provenance: provenance(index),
        figures: headline_figures(index),
        charts: chart_views(index, charts),
        condensed,
        full_report_controls: FULL_REPORT_CONTROLS,
        detailed_controls: DETAILED_CONTROLS,
        control_table,
        controls: control_sections(index, &mut tables, condensed),
        open_exceptions: tables.later(
            "Exceptions open on the as-of date, with their approvers and flags".into(),
            open.len(),
            move |rows| rows.all(open.iter().map(|e| exception_row(index, e))),
        ),
        gaps: (!condensed).then(|| all_gaps(index, &mut tables)),
        findings: findings_preview(index),
        teams: team_rows(index),
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

/// A section per control, by id; in a condensed report, one per recurring control with the
/// most failures in the window (the order of `lists/recurring-controls.html`), the first
/// `DETAILED_CONTROLS` of them.
fn control_sections<'a>(
    index: &'a Index<'a>,
    tables: &mut Tables<'a>,
    condensed: bool,
) -> Vec<ControlSection<'a>> {
    let ids: Vec<&'a str> = if condensed {
        match index.selection(Selection::RecurringControls) {
            Items::Recurring(ids) => ids.iter().take(DETAILED_CONTROLS).copied().collect(),
            _ => Vec::new(),
        }
    } else {
        index.model.controls.keys().map(String::as_str).collect()
    };
    ids.into_iter()
        .filter_map(|id| control_section(index, tables, id))
        .collect()
}

fn control_section<'a>(
    index: &'a Index<'a>,
    tables: &mut Tables<'a>,
    id: &'a str,
) -> Option<ControlSection<'a>> {
    let control = index.controls.get(id)?;
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
}
