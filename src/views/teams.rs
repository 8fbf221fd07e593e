//! Team pages (`teams/ID.html`) and the list of teams (`teams.html`): what a team lead must
//! answer for. A team's records are its members' (people whose `team` is the team): the
//! controls and processes they own, the exceptions on those or approved by a member, the
//! failures a member is accountable for, and the findings and actions that name a member.
//! The headline figures are the dashboard's, counted over those records only.

use std::collections::BTreeSet;

use serde::Serialize;

use super::figures::{figures, Figure};
use super::index::{Index, Link};
use super::rows::{action_row, control_row, exception_row, incident_row, process_row};
use super::selections::Selection;
use super::tables::{Cells, Header, Row, Table, Tables};
use super::{PageView, RECORD_ROOT};
use crate::metrics::{ActionStatus, ExceptionMetrics, Finding, IncidentMetrics, Summary};
use crate::model::Team;

/// A team's records, gathered from its members' indexes.
pub(super) struct TeamRecords<'a> {
    pub(super) members: Vec<&'a str>,
    pub(super) controls: Vec<&'a str>,
    pub(super) processes: Vec<&'a str>,
    pub(super) exceptions: Vec<&'a ExceptionMetrics>,
    /// Failures a member is accountable for, newest first, each once.
    pub(super) failures: Vec<&'a IncidentMetrics>,
    pub(super) actions: Vec<&'a ActionStatus>,
    pub(super) findings: Vec<&'a Finding>,
}

/// The records of `team`: looked up through the members' indexes, never by scanning.
pub(super) fn team_records<'a>(index: &'a Index<'a>, team: &str) -> TeamRecords<'a> {
    let members: Vec<&str> = index
        .people_by_team
        .get(team)
        .map_or(&[][..], Vec::as_slice)
        .to_vec();
    let mut controls = BTreeSet::new();
    let mut processes = BTreeSet::new();
    let mut exceptions = BTreeSet::new();
    let mut failures = BTreeSet::new();
    let mut actions = Vec::new();
    for member in &members {
        let Some(own) = index.people.get(member) else {
            continue;
        };
        controls.extend(own.controls_owned.iter().copied());
        processes.extend(own.processes_owned.iter().copied());
        exceptions.extend(own.exceptions_approved.iter().copied());
        failures.extend(own.accountable.iter().map(|(i, _)| (i.date, i.id.as_str())));
        actions.extend(own.actions.iter().copied());
    }
    for control in &controls {
        let on_control = index.exceptions_by_control.get(control).into_iter();
        exceptions.extend(on_control.flatten().copied());
    }
    for process in &processes {
        let on_process = index.exceptions_by_process.get(process).into_iter();
        exceptions.extend(on_process.flatten().copied());
    }
    let exceptions = exceptions
        .into_iter()
        .filter_map(|id| index.exception_metrics.get(id).copied())
        .collect();
    let failures = failures
        .into_iter()
        .rev()
        .filter_map(|(_, id)| index.incident_metrics.get(id).copied())
        .collect();
    actions.sort_by(|a, b| {
        (a.record_kind, &a.record, a.index).cmp(&(b.record_kind, &b.record, b.index))
    });
    let findings = members
        .iter()
        .flat_map(|m| index.findings_by_person.get(m).into_iter().flatten())
        .map(|&position| &index.findings[position])
        .collect();
    TeamRecords {
        members,
        controls: controls.into_iter().collect(),
        processes: processes.into_iter().collect(),
        exceptions,
        failures,
        actions,
        findings,
    }
}

/// Where on a team's page the records behind a figure are.
fn section_of(selection: Selection) -> &'static str {
    match selection {
        Selection::RecurringControls => "controls",
        Selection::RepeatFailures | Selection::StructuralFailures => "failures",
        Selection::OpenExceptions
        | Selection::ExpiredExceptions
        | Selection::PermanentExceptions
        | Selection::FlaggedExceptions
        | Selection::OverPolicyExceptions => "exceptions",
        Selection::OverdueActions => "actions",
        _ => "findings",
    }
}

/// A policy finding with the person to chase.
pub(super) struct FindingRow<'a> {
    pub(super) kind: &'a str,
    pub(super) person: Option<Link<'a>>,
    pub(super) message: &'a str,
}

pub(super) fn finding_row<'a>(index: &Index<'a>, finding: &'a Finding) -> FindingRow<'a> {
    FindingRow {
        kind: &finding.kind,
        person: finding.person.as_deref().map(|p| index.person(p)),
        message: &finding.message,
    }
}

impl Row for FindingRow<'_> {
    const SIZE: usize = 300;
    const HEADERS: &'static [Header] = &[
        Header("Finding", ""),
        Header("Person to chase", ""),
        Header("What is wrong", ""),
    ];
    const EMPTY: &'static str = "No findings.";

    fn cells(&self, cells: &mut Cells) {
        cells
            .cell("")
            .raw("<span class=\"tag\">")
            .text(self.kind)
            .raw("</span>");
        cells.cell("").person(self.person.as_ref());
        cells.cell("").text(self.message);
    }
}

#[derive(Serialize)]
pub struct TeamView<'a> {
    id: &'a str,
    name: &'a str,
    lead: Option<Link<'a>>,
    members: Vec<Link<'a>>,
    figures: Vec<Figure>,
    controls: Table,
    processes: Table,
    exceptions: Table,
    failures: Table,
    actions: Table,
    findings: Table,
    /// Failures before the window, closed exceptions and done actions: counted, not listed.
    earlier_failures: usize,
    closed_exceptions: usize,
    done_actions: usize,
    /// The team's calendar feed, from the site root.
    calendar: String,
}

/// `teams/ID.html`.
pub fn team_page<'a>(index: &'a Index<'a>, team: &'a Team) -> PageView<'a, TeamView<'a>> {
    let records = team_records(index, &team.id);
    let summary = index.team_metrics.get(team.id.as_str()).map(|t| &t.summary);
    let page = format!("teams/{}.html", team.id);
    let figures = figures(
        summary.unwrap_or(&Summary::default()),
        |selection| format!("{page}#{}", section_of(selection)),
        |_| None,
    );
    let mut tables = Tables::new(RECORD_ROOT);
    let TeamRecords {
        members,
        controls,
        processes,
        exceptions,
        failures,
        actions,
        findings,
    } = records;
    // The page lists what the figures count: failures in the window, open exceptions and
    // open actions. The history (earlier failures, closed exceptions, done actions) is on the
    // pages of the controls and of the members, and would make a large team's page megabytes.
    let earlier_failures = failures.iter().filter(|i| !i.in_window).count();
    let failures: Vec<_> = failures.into_iter().filter(|i| i.in_window).collect();
    let closed_exceptions = exceptions.iter().filter(|e| !e.state.is_open()).count();
    let exceptions: Vec<_> = exceptions
        .into_iter()
        .filter(|e| e.state.is_open())
        .collect();
    let done_actions = actions.iter().filter(|a| !a.open).count();
    let actions: Vec<_> = actions.into_iter().filter(|a| a.open).collect();
    let view = TeamView {
        id: &team.id,
        name: &team.name,
        lead: team.lead.as_deref().map(|l| index.person(l)),
        members: members.iter().map(|m| index.person(m)).collect(),
        figures,
        controls: tables.now(
            "Controls owned by the team's members",
            controls.iter().filter_map(|c| control_row(index, c)),
        ),
        processes: tables.now(
            "Processes owned by the team's members",
            processes.iter().filter_map(|p| process_row(index, p)),
        ),
        // The two lists that grow with the estate are written as the page is written.
        exceptions: tables.later(
            "Open exceptions on the team's controls and processes, or approved by a member".into(),
            exceptions.len(),
            move |rows| rows.all(exceptions.iter().map(|e| exception_row(index, e))),
        ),
        failures: tables.later(
            "Failures in the window a member is accountable for, newest first".into(),
            failures.len(),
            move |rows| rows.all(failures.iter().map(|i| incident_row(index, i))),
        ),
        actions: tables.now(
            "Open remediation actions owned by a member",
            actions.iter().map(|a| action_row(index, a)),
        ),
        findings: tables.now(
            "Policy findings naming a member",
            findings.iter().map(|f| finding_row(index, f)),
        ),
        earlier_failures,
        closed_exceptions,
        done_actions,
        calendar: crate::calendar::team_feed(&team.id),
    };
    let title = format!("Team {}", team.name);
    index.page(page, "team.html", ("teams", title), view, tables)
}

/// A team in the list of teams and in the report.
#[derive(Serialize)]
pub(super) struct TeamRow<'a> {
    link: Link<'a>,
    lead: Option<Link<'a>>,
    members: usize,
    controls: usize,
    recurring_controls: usize,
    failures_in_window: usize,
    open_exceptions: usize,
    flagged_exceptions: usize,
    findings: usize,
    overdue_actions: usize,
}

#[derive(Serialize)]
pub struct TeamsList<'a> {
    teams: Vec<TeamRow<'a>>,
    /// People with no team: their records belong to no team page.
    without_team: usize,
}

/// Every team with its headline figures, by id.
pub(super) fn team_rows<'a>(index: &'a Index<'a>) -> Vec<TeamRow<'a>> {
    index
        .model
        .teams
        .values()
        .map(|team| {
            let figures = index.team_metrics.get(team.id.as_str());
            let summary = figures.map(|t| &t.summary);
            let count = |figure: fn(&Summary) -> usize| summary.map_or(0, figure);
            TeamRow {
                link: index.team(&team.id),
                lead: team.lead.as_deref().map(|l| index.person(l)),
                members: figures.map_or(0, |t| t.members),
                controls: count(|s| s.controls),
                recurring_controls: count(|s| s.recurring_controls),
                failures_in_window: count(|s| s.incidents_in_window),
                open_exceptions: count(|s| s.open_exceptions),
                flagged_exceptions: count(|s| s.expired_exceptions + s.permanent_exceptions),
                findings: figures.map_or(0, |t| t.findings),
                overdue_actions: count(|s| s.overdue_actions),
            }
        })
        .collect()
}

/// `teams.html`.
pub fn teams_page<'a>(index: &'a Index<'a>) -> PageView<'a, TeamsList<'a>> {
    let teams = team_rows(index);
    let without_team = index
        .model
        .people
        .values()
        .filter(|p| p.team.is_none())
        .count();
    let view = TeamsList {
        teams,
        without_team,
    };
    let nav = ("teams", "Teams".to_string());
    index.page(
        "teams.html".into(),
        "teams.html",
        nav,
        view,
        Tables::new(""),
    )
}
