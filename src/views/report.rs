//! `report.html`: one printable document for an audit — cover, headline figures, charts, every
//! control with its owner, failures, exceptions and accountable people, the open exceptions
//! register and the gaps.

use serde::Serialize;

use super::lists::{
    chart_views, control_row, exception_row, gap_row, headline_figures, incident_row, ChartView,
    ControlRow, ExceptionRow, Figure, GapRow, IncidentRow,
};
use super::{Index, Link};
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

#[derive(Serialize)]
struct ControlSection<'a> {
    row: ControlRow<'a>,
    approvers: Vec<Link<'a>>,
    failures: Vec<IncidentRow<'a>>,
    exceptions: Vec<ExceptionRow<'a>>,
}

#[derive(Serialize)]
struct Report<'a> {
    scope: Scope,
    figures: Vec<Figure>,
    charts: Vec<ChartView<'a>>,
    controls: Vec<ControlSection<'a>>,
    open_exceptions: Vec<ExceptionRow<'a>>,
    gaps: Vec<GapRow<'a>>,
}

pub(super) fn report_page<'a>(index: &'a Index<'a>, charts: &'a [Chart]) -> impl Serialize + 'a {
    let (model, metrics) = (index.model, index.metrics);
    let scope = Scope {
        controls: model.controls.len(),
        processes: model.processes.len(),
        exceptions: model.exceptions.len(),
        incidents: metrics.incidents.len(),
        people: model.people.len(),
        teams: model.teams.len(),
        window_days: metrics.settings.window_days,
        threshold: metrics.settings.threshold,
        max_validity_days: metrics.settings.max_validity_days,
    };
    let controls = model
        .controls
        .values()
        .filter_map(|control| {
            let id = control.id.as_str();
            let incidents = index
                .incidents_by_control
                .get(id)
                .map_or(&[][..], Vec::as_slice);
            Some(ControlSection {
                row: control_row(index, id)?,
                approvers: control.approvers.iter().map(|p| index.person(p)).collect(),
                failures: incidents
                    .iter()
                    .rev()
                    .map(|i| incident_row(index, i))
                    .collect(),
                exceptions: index
                    .exceptions_by_control
                    .get(id)
                    .into_iter()
                    .flatten()
                    .filter_map(|e| index.exception_metrics.get(e))
                    .map(|e| exception_row(index, e))
                    .collect(),
            })
        })
        .collect();
    let report = Report {
        scope,
        figures: headline_figures(index),
        charts: chart_views(index, charts),
        controls,
        open_exceptions: metrics
            .exceptions
            .iter()
            .filter(|e| e.state.is_open())
            .map(|e| exception_row(index, e))
            .collect(),
        gaps: metrics.gaps.iter().map(|g| gap_row(index, g)).collect(),
    };
    let title = format!("Governance report as of {}", index.site.as_of);
    index.page(0, title, "report", report)
}
