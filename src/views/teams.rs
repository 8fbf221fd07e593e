//! Team pages (`teams/ID.html`) and the list of teams (`teams.html`): what a team lead must
//! answer for. A team's records are its members' (people whose `team` is the team): the
//! controls and processes they own, the exceptions on those or approved by a member, the
//! failures a member is accountable for, and the findings and actions that name a member.
//! The headline figures are the dashboard's, counted over those records only.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::Serialize;

use super::figures::{figures, Figure};
use super::index::{Index, Link};
use super::paging::{self, Pager};
use super::rows::{action_row, control_row, exception_row, incident_row, process_row};
use super::selections::Selection;
use super::tables::{Cells, Header, Row, Table, Tables};
use super::{root_of, PageView, RECORD_ROOT};
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

/// How many rows of each list a team page shows. A longer list also has pages of its own,
/// `teams/ID/SECTION.html`, `PAGE_ROWS` rows each, so a large team's page stays a page.
pub const TEAM_ROWS: usize = 25;

/// The lists of a team page, in the page's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamSection {
    Findings,
    Failures,
    Exceptions,
    Controls,
    Processes,
    Actions,
}

impl TeamSection {
    pub const ALL: [TeamSection; 6] = [
        TeamSection::Findings,
        TeamSection::Failures,
        TeamSection::Exceptions,
        TeamSection::Controls,
        TeamSection::Processes,
        TeamSection::Actions,
    ];

    /// The section's anchor on the team page, and the name of its own list's file.
    pub fn slug(self) -> &'static str {
        self.describe().0
    }

    /// Slug, the heading of its own list, and the caption of its table.
    fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            TeamSection::Findings => (
                "findings",
                "Findings to chase",
                "Policy findings naming a member",
            ),
            TeamSection::Failures => (
                "failures",
                "Failures in the window",
                "Failures in the window a member is accountable for, newest first",
            ),
            TeamSection::Exceptions => (
                "exceptions",
                "Open exceptions",
                "Open exceptions on the team's controls and processes, or approved by a member",
            ),
            TeamSection::Controls => (
                "controls",
                "Controls",
                "Controls owned by the team's members",
            ),
            TeamSection::Processes => (
                "processes",
                "Processes",
                "Processes owned by the team's members",
            ),
            TeamSection::Actions => (
                "actions",
                "Open remediation actions",
                "Open remediation actions owned by a member",
            ),
        }
    }
}

/// What a team's page and lists show: the records its figures count (failures in the
/// window, open exceptions, open actions) and how many others there are. The history
/// (earlier failures, closed exceptions, done actions) is on the pages of the controls and
/// of the members, and would make a large team's lists megabytes.
struct TeamLists<'a> {
    members: Vec<&'a str>,
    controls: Vec<&'a str>,
    processes: Vec<&'a str>,
    exceptions: Vec<&'a ExceptionMetrics>,
    failures: Vec<&'a IncidentMetrics>,
    actions: Vec<&'a ActionStatus>,
    findings: Vec<&'a Finding>,
    earlier_failures: usize,
    closed_exceptions: usize,
    done_actions: usize,
}

impl<'a> TeamLists<'a> {
    fn new(index: &'a Index<'a>, team: &str) -> TeamLists<'a> {
        let TeamRecords {
            members,
            controls,
            processes,
            exceptions,
            failures,
            actions,
            findings,
        } = team_records(index, team);
        let (failures, earlier): (Vec<_>, Vec<_>) = failures.into_iter().partition(|i| i.in_window);
        let (exceptions, closed): (Vec<_>, Vec<_>) =
            exceptions.into_iter().partition(|e| e.state.is_open());
        let (actions, done): (Vec<_>, Vec<_>) = actions.into_iter().partition(|a| a.open);
        TeamLists {
            members,
            controls,
            processes,
            exceptions,
            failures,
            actions,
            findings,
            earlier_failures: earlier.len(),
            closed_exceptions: closed.len(),
            done_actions: done.len(),
        }
    }

    fn len(&self, section: TeamSection) -> usize {
        match section {
            TeamSection::Findings => self.findings.len(),
            TeamSection::Failures => self.failures.len(),
            TeamSection::Exceptions => self.exceptions.len(),
            TeamSection::Controls => self.controls.len(),
            TeamSection::Processes => self.processes.len(),
            TeamSection::Actions => self.actions.len(),
        }
    }

    /// The table of rows `rows` of `section`, under `caption`.
    fn table(
        &self,
        index: &'a Index<'a>,
        tables: &mut Tables<'a>,
        section: TeamSection,
        rows: Range<usize>,
        caption: &str,
    ) -> Table {
        /// `items` as rows written by `row` (which skips what it cannot find).
        fn table<'i, T, R: Row>(
            tables: &mut Tables<'_>,
            caption: &str,
            items: &'i [T],
            row: impl Fn(&'i T) -> Option<R>,
        ) -> Table {
            tables.now(caption, items.iter().filter_map(row))
        }
        let t = tables;
        match section {
            TeamSection::Findings => table(t, caption, &self.findings[rows], |f| {
                Some(finding_row(index, f))
            }),
            TeamSection::Failures => table(t, caption, &self.failures[rows], |i| {
                Some(incident_row(index, i))
            }),
            TeamSection::Exceptions => table(t, caption, &self.exceptions[rows], |e| {
                Some(exception_row(index, e))
            }),
            TeamSection::Controls => {
                table(t, caption, &self.controls[rows], |c| control_row(index, c))
            }
            TeamSection::Processes => {
                table(t, caption, &self.processes[rows], |p| process_row(index, p))
            }
            TeamSection::Actions => table(t, caption, &self.actions[rows], |a| {
                Some(action_row(index, a))
            }),
        }
    }
}

/// `teams/ID/SECTION`: the base of the paths of a team's own list.
fn list_base(team: &str, section: TeamSection) -> String {
    format!("teams/{team}/{}", section.slug())
}

/// A list on a team page: its first `TEAM_ROWS` rows, how many there are, and, when there
/// are more, its own pages (from the site root).
#[derive(Serialize)]
struct TeamPart {
    table: Table,
    total: usize,
    all: Option<String>,
}

#[derive(Serialize)]
pub struct TeamView<'a> {
    id: &'a str,
    name: &'a str,
    lead: Option<Link<'a>>,
    members: Vec<Link<'a>>,
    figures: Vec<Figure>,
    controls: TeamPart,
    processes: TeamPart,
    exceptions: TeamPart,
    failures: TeamPart,
    actions: TeamPart,
    findings: TeamPart,
    /// Failures before the window, closed exceptions and done actions: counted, not listed.
    earlier_failures: usize,
    closed_exceptions: usize,
    done_actions: usize,
    /// The team's calendar feed, from the site root.
    calendar: String,
}

/// A team's page and the pages of its lists too long for it.
pub struct TeamPages<'a> {
    pub page: PageView<'a, TeamView<'a>>,
    pub lists: Vec<PageView<'a, TeamListView<'a>>>,
}

/// `teams/ID.html` and its lists' own pages, from the team's records gathered once.
pub fn team_pages<'a>(index: &'a Index<'a>, team: &'a Team) -> TeamPages<'a> {
    let lists = TeamLists::new(index, &team.id);
    TeamPages {
        page: team_page(index, team, &lists),
        lists: list_pages(index, team, &lists),
    }
}

/// `teams/ID.html`.
fn team_page<'a>(
    index: &'a Index<'a>,
    team: &'a Team,
    lists: &TeamLists<'a>,
) -> PageView<'a, TeamView<'a>> {
    let summary = index.team_metrics.get(team.id.as_str()).map(|t| &t.summary);
    let page = format!("teams/{}.html", team.id);
    let figures = figures(
        summary.unwrap_or(&Summary::default()),
        |selection| format!("{page}#{}", section_of(selection)),
        |_| None,
    );
    let mut tables = Tables::new(RECORD_ROOT);
    let mut part = |section: TeamSection| {
        let total = lists.len(section);
        let shown = total.min(TEAM_ROWS);
        let caption = section.describe().2;
        let (caption, all) = if shown < total {
            let caption = format!("{caption}: the first {shown} of {}", paging::grouped(total));
            let all = paging::page_path(&list_base(&team.id, section), 1);
            (caption, Some(all))
        } else {
            (caption.to_string(), None)
        };
        TeamPart {
            table: lists.table(index, &mut tables, section, 0..shown, &caption),
            total,
            all,
        }
    };
    let findings = part(TeamSection::Findings);
    let failures = part(TeamSection::Failures);
    let exceptions = part(TeamSection::Exceptions);
    let controls = part(TeamSection::Controls);
    let processes = part(TeamSection::Processes);
    let actions = part(TeamSection::Actions);
    let view = TeamView {
        id: &team.id,
        name: &team.name,
        lead: team.lead.as_deref().map(|l| index.person(l)),
        members: lists.members.iter().map(|m| index.person(m)).collect(),
        figures,
        controls,
        processes,
        exceptions,
        failures,
        actions,
        findings,
        earlier_failures: lists.earlier_failures,
        closed_exceptions: lists.closed_exceptions,
        done_actions: lists.done_actions,
        calendar: crate::calendar::team_feed(&team.id),
    };
    let title = format!("Team {}", team.name);
    index.page(page, "team.html", ("teams", title), view, tables)
}

/// A page of a team's own list.
#[derive(Serialize)]
pub struct TeamListView<'a> {
    team: Link<'a>,
    heading: String,
    lede: &'static str,
    definition: &'static str,
    table: Table,
    pager: Pager,
}

/// The pages of the lists too long for the team page (`teams/ID/SECTION.html`,
/// `-2.html`, ...).
fn list_pages<'a>(
    index: &'a Index<'a>,
    team: &'a Team,
    lists: &TeamLists<'a>,
) -> Vec<PageView<'a, TeamListView<'a>>> {
    let mut pages = Vec::new();
    for section in TeamSection::ALL {
        let total = lists.len(section);
        if total <= TEAM_ROWS {
            continue;
        }
        let base = list_base(&team.id, section);
        let (_, heading, caption) = section.describe();
        for number in 1..=paging::page_count(total) {
            let path = paging::page_path(&base, number);
            let mut tables = Tables::new(root_of(&path));
            let pager = paging::pager(&base, number, total);
            let rows = paging::page_rows(number, total);
            let caption = paging::caption(caption, &pager);
            let table = lists.table(index, &mut tables, section, rows, &caption);
            let heading = format!("{heading}: team {}", team.name);
            let view = TeamListView {
                team: index.team(&team.id),
                heading: heading.clone(),
                lede:
                    "The whole list behind the team's figures; the team page shows its first rows.",
                definition: "teams",
                table,
                pager,
            };
            pages.push(index.page(path, "list.html", ("teams", heading), view, tables));
        }
    }
    pages
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
