//! `report.html`: one printable document for an audit — cover, headline figures, charts, every
//! control with its owner, failures, exceptions and accountable people, the open exceptions
//! register and the gaps.

use serde::Serialize;

use super::html::{Html, Later};
use super::lists::{
    all_gaps, chart_views, control_row, exception_row, headline_figures, ChartView, ControlRow,
    Figure,
};
use super::records::{control_exceptions, control_failures};
use super::{Index, Link, Page};
use crate::charts::Chart;

/// The report sits at the site root.
const ROOT: &str = "";

#[derive(Serialize)]
pub(super) struct Scope {
    pub(super) controls: usize,
    pub(super) processes: usize,
    pub(super) exceptions: usize,
    pub(super) incidents: usize,
    pub(super) people: usize,
    pub(super) teams: usize,
    pub(super) window_days: i64,
    pub(super) threshold: usize,
    pub(super) max_validity_days: i64,
}

#[derive(Serialize)]
pub(super) struct ControlSection<'a> {
    pub(super) row: ControlRow<'a>,
    pub(super) approvers: Vec<Link<'a>>,
    pub(super) failures: Html,
    pub(super) exceptions: Html,
}

#[derive(Serialize)]
pub(super) struct Report<'a> {
    pub(super) scope: Scope,
    pub(super) figures: Vec<Figure>,
    pub(super) charts: Vec<ChartView<'a>>,
    pub(super) controls: Vec<ControlSection<'a>>,
    pub(super) open_exceptions: Html,
    pub(super) gaps: Html,
}

pub(super) fn report_page<'a>(
    index: &'a Index<'a>,
    charts: &'a [Chart],
    later: &Later<'a>,
) -> Page<'a, Report<'a>> {
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
            Some(ControlSection {
                row: control_row(index, id)?,
                approvers: control.approvers.iter().map(|p| index.person(p)).collect(),
                failures: later.rows(control_failures(index, id).len(), ROOT, move |rows| {
                    rows.all(control_failures(index, id))
                }),
                exceptions: {
                    let exceptions = control_exceptions(index, id);
                    later.rows(exceptions.clone().count(), ROOT, move |rows| {
                        rows.all(exceptions.clone().map(|e| exception_row(index, e)))
                    })
                },
            })
        })
        .collect();
    let report = Report {
        scope,
        figures: headline_figures(index),
        charts: chart_views(index, charts),
        controls,
        open_exceptions: {
            let open = metrics.exceptions.iter().filter(|e| e.state.is_open());
            later.rows(open.clone().count(), ROOT, move |rows| {
                rows.all(open.clone().map(|e| exception_row(index, e)))
            })
        },
        gaps: all_gaps(index, later),
    };
    let title = format!("Governance report as of {}", index.site.as_of);
    index.page(0, title, "report", report)
}
