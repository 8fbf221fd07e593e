//! The lists behind the dashboard's figures and sections (`lists/*.html`): each holds exactly
//! the records one headline figure counts, so a card's number and the rows it leads to can
//! never disagree. The dashboard shows the first few rows of each and links to "all N".

use serde::Serialize;

use super::index::Index;
use super::paging::{self, Pager};
use super::rows::{
    action_row, control_patterns, exception_row, gap_row, incident_row, process_row, PatternRow,
    ProcessRow,
};
use super::tables::{Cells, Header, Row, Table, Tables};
use super::{decimal, root_of, PageView};
use crate::metrics::{
    ActionStatus, ExceptionMetrics, ExceptionState, Gap, GapKind, IncidentMetrics, Metrics,
};

/// A list of the records one figure or dashboard section counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Selection {
    RecurringControls,
    RecurringProcesses,
    RepeatFailures,
    StructuralFailures,
    OpenExceptions,
    ExpiredExceptions,
    PermanentExceptions,
    FlaggedExceptions,
    OverPolicyExceptions,
    SelfApproved,
    UnauthorizedApprovals,
    OwnershipGaps,
    OverdueReviews,
    OverdueActions,
    Gaps,
}

impl Selection {
    pub const ALL: [Selection; 15] = [
        Selection::RecurringControls,
        Selection::RecurringProcesses,
        Selection::RepeatFailures,
        Selection::StructuralFailures,
        Selection::OpenExceptions,
        Selection::ExpiredExceptions,
        Selection::PermanentExceptions,
        Selection::FlaggedExceptions,
        Selection::OverPolicyExceptions,
        Selection::SelfApproved,
        Selection::UnauthorizedApprovals,
        Selection::OwnershipGaps,
        Selection::OverdueReviews,
        Selection::OverdueActions,
        Selection::Gaps,
    ];

    /// The file name without `.html` under `lists/`.
    pub fn slug(self) -> &'static str {
        self.describe().0
    }

    /// `lists/recurring-controls`: the base of its pages' paths.
    pub fn base(self) -> String {
        format!("lists/{}", self.slug())
    }

    /// `lists/recurring-controls.html`, from the site root.
    pub fn href(self) -> String {
        paging::page_path(&self.base(), 1)
    }

    /// Slug, heading, what the list holds, and the anchor of its definition on
    /// `definitions.html`.
    fn describe(self) -> (&'static str, &'static str, &'static str, &'static str) {
        match self {
            Selection::RecurringControls => (
                "recurring-controls",
                "Recurring controls",
                "Controls that failed the threshold number of times or more in the window, most failures first, with who fixes each recurring origin. Failures that recur are process defects, not user errors.",
                "recurring-failures-recurring-control",
            ),
            Selection::RecurringProcesses => (
                "recurring-processes",
                "Processes with recurring failures",
                "Processes with the threshold number of incidents or more in the window, whatever their origin, most failures first. The process owner owns the workflow to fix.",
                "recurring-failures",
            ),
            Selection::RepeatFailures => (
                "repeat-failures",
                "Repeat failures in the window",
                "Failures in the window that repeat an earlier failure of the same control within the window, newest first: the repeat rate is their share of all failures in the window.",
                "recurring-failures-repeat-rate",
            ),
            Selection::StructuralFailures => (
                "structural-failures",
                "Structural failures in the window",
                "Failures in the window where approval was bypassed or self-approved, newest first: fix the process, not only the person.",
                "ownership-gaps-and-findings-summary-structural_incidents_in_window",
            ),
            Selection::OpenExceptions => (
                "open-exceptions",
                "Open exceptions",
                "Accepted risks still in force on the as-of date.",
                "exception-aging-open",
            ),
            Selection::ExpiredExceptions => (
                "expired-exceptions",
                "Expired exceptions, still open",
                "Exceptions whose expiry passed while they stayed open, neither closed nor renewed. The approver is accountable.",
                "exception-aging-state",
            ),
            Selection::PermanentExceptions => (
                "permanent-exceptions",
                "Permanent exceptions",
                "Open exceptions with no expiry date: risk accepted without an end. The approver is accountable.",
                "exception-aging-state",
            ),
            Selection::FlaggedExceptions => (
                "flagged-exceptions",
                "Expired and permanent exceptions",
                "Risk accepted without an end date, or whose end date passed while the exception stayed open. The approver is accountable.",
                "exception-aging-state",
            ),
            Selection::OverPolicyExceptions => (
                "over-policy-exceptions",
                "Exceptions over policy",
                "Open exceptions granted for longer than the policy's maximum validity.",
                "exception-aging-over-policy",
            ),
            Selection::SelfApproved => (
                "self-approved",
                "Self-approved exceptions",
                "Exception grants approved by the person who asked for them: separation of duties bypassed.",
                "ownership-gaps-and-findings-self-approved",
            ),
            Selection::UnauthorizedApprovals => (
                "unauthorized-approvals",
                "Unauthorized approvals",
                "Exception grants approved by someone not on the control's list of approvers.",
                "ownership-gaps-and-findings-unauthorized-approver",
            ),
            Selection::OwnershipGaps => (
                "ownership-gaps",
                "Ownership gaps",
                "Records owned or approved by a person no longer active, and shared platform controls without a risk sign-off.",
                "ownership-gaps-and-findings",
            ),
            Selection::OverdueReviews => (
                "overdue-reviews",
                "Overdue control reviews",
                "Controls past their periodic review date.",
                "ownership-gaps-and-findings-review-overdue",
            ),
            Selection::OverdueActions => (
                "overdue-actions",
                "Overdue remediation",
                "Remediation actions of incidents and reviews past their due date and not done.",
                "remediation-actions",
            ),
            Selection::Gaps => (
                "gaps",
                "Gaps to chase",
                "Every ownership, approval, review and remediation gap, with the person to chase.",
                "ownership-gaps-and-findings",
            ),
        }
    }

    pub fn heading(self) -> &'static str {
        self.describe().1
    }
}

/// The records of one selection, in the order its list shows them.
pub(super) enum Items<'a> {
    Recurring(Vec<&'a str>),
    Processes(Vec<&'a str>),
    Incidents(Vec<&'a IncidentMetrics>),
    Exceptions(Vec<&'a ExceptionMetrics>),
    Gaps(Vec<&'a Gap>),
    Actions(Vec<&'a ActionStatus>),
}

impl Items<'_> {
    pub(super) fn len(&self) -> usize {
        match self {
            Items::Recurring(items) | Items::Processes(items) => items.len(),
            Items::Incidents(items) => items.len(),
            Items::Exceptions(items) => items.len(),
            Items::Gaps(items) => items.len(),
            Items::Actions(items) => items.len(),
        }
    }
}

/// Every selection's records, chosen once per build.
pub(super) fn select_all(metrics: &Metrics) -> Vec<(Selection, Items<'_>)> {
    Selection::ALL
        .into_iter()
        .map(|selection| (selection, select(metrics, selection)))
        .collect()
}

/// The records `selection` holds; each rule is the one its summary figure counts with.
fn select(metrics: &Metrics, selection: Selection) -> Items<'_> {
    let incidents = |wanted: fn(&IncidentMetrics) -> bool| {
        let mut chosen: Vec<&IncidentMetrics> =
            metrics.incidents.iter().filter(|i| wanted(i)).collect();
        chosen.sort_by(|a, b| (b.date, &b.id).cmp(&(a.date, &a.id)));
        Items::Incidents(chosen)
    };
    let exceptions = |wanted: fn(&ExceptionMetrics) -> bool| {
        let open = metrics.exceptions.iter().filter(|e| e.state.is_open());
        Items::Exceptions(open.filter(|e| wanted(e)).collect())
    };
    let gaps = |kinds: &[GapKind]| {
        let chosen = metrics.gaps.iter().filter(|g| kinds.contains(&g.kind));
        Items::Gaps(chosen.collect())
    };
    match selection {
        Selection::RecurringControls => {
            let mut chosen: Vec<_> = metrics.controls.iter().filter(|c| c.recurring).collect();
            chosen.sort_by(|a, b| {
                (b.failures_in_window.cmp(&a.failures_in_window)).then(a.id.cmp(&b.id))
            });
            Items::Recurring(chosen.into_iter().map(|c| c.id.as_str()).collect())
        }
        Selection::RecurringProcesses => {
            let mut chosen: Vec<_> = metrics.processes.iter().filter(|p| p.recurring).collect();
            chosen.sort_by(|a, b| {
                (b.failures_in_window.cmp(&a.failures_in_window)).then(a.id.cmp(&b.id))
            });
            Items::Processes(chosen.into_iter().map(|p| p.id.as_str()).collect())
        }
        Selection::RepeatFailures => incidents(|i| i.in_window && i.repeat),
        Selection::StructuralFailures => incidents(|i| i.in_window && i.structural),
        Selection::OpenExceptions => exceptions(|_| true),
        Selection::ExpiredExceptions => exceptions(|e| e.state == ExceptionState::Expired),
        Selection::PermanentExceptions => exceptions(|e| e.state == ExceptionState::Permanent),
        Selection::FlaggedExceptions => {
            exceptions(|e| matches!(e.state, ExceptionState::Expired | ExceptionState::Permanent))
        }
        Selection::OverPolicyExceptions => exceptions(|e| e.over_policy),
        Selection::SelfApproved => gaps(&[GapKind::SelfApproved]),
        Selection::UnauthorizedApprovals => gaps(&[GapKind::UnauthorizedApprover]),
        Selection::OwnershipGaps => gaps(&[
            GapKind::InactiveOwner,
            GapKind::InactiveApprover,
            GapKind::NoRiskSignoff,
        ]),
        Selection::OverdueReviews => gaps(&[GapKind::ReviewOverdue]),
        Selection::OverdueActions => {
            Items::Actions(metrics.actions.iter().filter(|a| a.overdue).collect())
        }
        Selection::Gaps => Items::Gaps(metrics.gaps.iter().collect()),
    }
}

/// A recurring control with who fixes each of its recurring origins.
pub(super) struct RecurringRow<'a> {
    control: super::Link<'a>,
    owner: Option<super::Link<'a>>,
    failures_in_window: usize,
    mean_days: String,
    fixes: Vec<PatternRow<'a>>,
}

pub(super) fn recurring_row<'a>(index: &Index<'a>, id: &'a str) -> Option<RecurringRow<'a>> {
    let metrics = index.control_metrics.get(id)?;
    Some(RecurringRow {
        control: index.control(id),
        owner: metrics.owner.as_deref().map(|o| index.person(o)),
        failures_in_window: metrics.failures_in_window,
        mean_days: decimal(metrics.mean_days_between_failures),
        fixes: control_patterns(index, id),
    })
}

impl Row for RecurringRow<'_> {
    const SIZE: usize = 900;
    const HEADERS: &'static [Header] = &[
        Header("Control", ""),
        Header("Control owner", ""),
        Header("Failures in window", "num"),
        Header("Mean days between failures", "num"),
        Header("Recurring origins and who fixes them", ""),
    ];
    const EMPTY: &'static str = "No control is recurring.";

    fn cells(&self, cells: &mut Cells) {
        cells.cell("").id_and_label(&self.control);
        cells.cell("").person(self.owner.as_ref());
        cells.cell("num").display(self.failures_in_window);
        cells.cell("num").raw(&self.mean_days);
        let w = cells.cell("");
        w.raw("<ul class=\"plain\">");
        for fix in &self.fixes {
            w.raw("<li>")
                .origins(std::slice::from_ref(&fix.origin))
                .raw(" fix owner ")
                .person(fix.fix_owner.as_ref());
            if let Some(role) = fix.fix_owner_role {
                w.raw(" <span class=\"role\">").raw(role).raw("</span>");
            }
            w.raw("</li>");
        }
        if self.fixes.is_empty() {
            w.raw("<li class=\"none\">no single origin recurs</li>");
        }
        w.raw("</ul> <span class=\"badge badge-alert\">process defect</span>");
    }
}

impl Row for ProcessRow<'_> {
    const SIZE: usize = 400;
    const HEADERS: &'static [Header] = &[
        Header("Process", ""),
        Header("Process owner", ""),
        Header("Controls", "num"),
        Header("Failures in window", "num"),
    ];
    const EMPTY: &'static str = "No process.";

    fn cells(&self, cells: &mut Cells) {
        cells.cell("").id_and_label(&self.link);
        cells.cell("").person(self.owner.as_ref());
        cells.cell("num").display(self.controls);
        cells.cell("num").display(self.failures_in_window).flag(
            self.recurring,
            "recurring",
            "badge-alert",
        );
    }
}

/// Adds the table of `items[rows]` to `tables`; the first `limit` rows when given.
pub(super) fn items_table<'a>(
    index: &'a Index<'a>,
    tables: &mut Tables<'a>,
    caption: String,
    items: &'a Items<'a>,
    rows: std::ops::Range<usize>,
) -> Table {
    let count = rows.len();
    tables.later(caption, count, move |out| {
        let rows = rows.clone();
        match items {
            Items::Recurring(ids) => {
                out.all(ids[rows].iter().filter_map(|id| recurring_row(index, id)))
            }
            Items::Processes(ids) => {
                out.all(ids[rows].iter().filter_map(|id| process_row(index, id)))
            }
            Items::Incidents(list) => out.all(list[rows].iter().map(|i| incident_row(index, i))),
            Items::Exceptions(list) => out.all(list[rows].iter().map(|e| exception_row(index, e))),
            Items::Gaps(list) => out.all(list[rows].iter().map(|g| gap_row(index, g))),
            Items::Actions(list) => out.all(list[rows].iter().map(|a| action_row(index, a))),
        }
    })
}

/// How many rows of each list the dashboard shows.
pub(super) const DASHBOARD_ROWS: usize = 5;

/// A dashboard section: the first rows of a selection and the link to all of them.
#[derive(Serialize)]
pub(super) struct Preview {
    pub(super) table: Table,
    pub(super) total: usize,
    /// `lists/gaps.html`, from the site root; the template says "all N".
    pub(super) all: String,
}

/// The first `DASHBOARD_ROWS` rows of `selection`, for the dashboard.
pub(super) fn preview<'a>(
    index: &'a Index<'a>,
    tables: &mut Tables<'a>,
    selection: Selection,
) -> Preview {
    let items = index.selection(selection);
    let total = items.len();
    let shown = total.min(DASHBOARD_ROWS);
    let caption = if shown < total {
        format!(
            "{}: the first {shown} of {}",
            selection.heading(),
            paging::grouped(total)
        )
    } else {
        selection.heading().to_string()
    };
    Preview {
        table: items_table(index, tables, caption, items, 0..shown),
        total,
        all: selection.href(),
    }
}

#[derive(Serialize)]
pub struct SelectionList {
    heading: &'static str,
    lede: &'static str,
    definition: &'static str,
    table: Table,
    pager: Pager,
}

/// How many pages the list of `selection` has.
pub fn selection_pages(index: &Index, selection: Selection) -> usize {
    paging::page_count(index.selection(selection).len())
}

/// Page `number` of `lists/<selection>.html`.
pub fn selection_page<'a>(
    index: &'a Index<'a>,
    selection: Selection,
    number: usize,
) -> PageView<'a, SelectionList> {
    let (_, heading, lede, definition) = selection.describe();
    let base = selection.base();
    let path = paging::page_path(&base, number);
    let mut tables = Tables::new(root_of(&path));
    let items = index.selection(selection);
    let pager = paging::pager(&base, number, items.len());
    let rows = paging::page_rows(number, items.len());
    let table = items_table(
        index,
        &mut tables,
        paging::caption(heading, &pager),
        items,
        rows,
    );
    let view = SelectionList {
        heading,
        lede,
        definition,
        table,
        pager,
    };
    index.page(
        path,
        "list.html",
        ("lists", heading.to_string()),
        view,
        tables,
    )
}

#[cfg(test)]
mod tests {
    use super::Selection;

    #[test]
    fn every_list_links_to_a_definition_on_the_definitions_page() {
        let anchors = super::super::definitions::anchors();
        for selection in Selection::ALL {
            let definition = selection.describe().3;
            assert!(
                anchors.iter().any(|a| a == definition),
                "{selection:?}: definitions.html has no anchor `{definition}`"
            );
        }
        for anchor in ["teams", "lists-behind-the-figures"] {
            assert!(anchors.iter().any(|a| a == anchor), "no anchor `{anchor}`");
        }
    }

    #[test]
    fn selections_are_in_the_order_of_their_positions() {
        for (position, selection) in Selection::ALL.into_iter().enumerate() {
            assert_eq!(selection as usize, position, "{selection:?}");
        }
    }
}
