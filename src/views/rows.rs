//! The rows of the tables of records: what each row holds, how it is made from the index,
//! and its cells (see `tables.rs`). A row type here is the only definition of its table.

use serde::Serialize;

use super::index::{Index, Link};
use super::markup::Writer;
use super::tables::{Cells, Header, Row, Table, Tables};
use crate::metrics::{
    ActionStatus, ExceptionMetrics, Gap, GapKind, IncidentMetrics, RecurringPattern, ReviewMetrics,
    Role,
};
use crate::model::{ControlStatus, Day, Nhi, Origin, Severity};

/// A person accountable for a failure, in the role the failure's origin gives them.
#[derive(Serialize)]
pub(super) struct AccountableView<'a> {
    /// The role as words: `control owner`, `process owner`, `approving manager`.
    pub(super) role: &'static str,
    pub(super) person: Option<Link<'a>>,
}

pub(super) fn accountable_views<'a>(
    index: &Index<'a>,
    incident: &'a IncidentMetrics,
) -> Vec<AccountableView<'a>> {
    incident
        .accountable
        .iter()
        .map(|a| AccountableView {
            role: role_words(a.role),
            person: a.person.as_deref().map(|p| index.person(p)),
        })
        .collect()
}

/// The role as the pages name it.
pub(super) fn role_words(role: Role) -> &'static str {
    match role {
        Role::ControlOwner => "control owner",
        Role::ProcessOwner => "process owner",
        Role::ApprovingManager => "approving manager",
    }
}

fn accountable(w: &mut Writer, people: &[AccountableView]) {
    w.raw("<ul class=\"plain\">");
    for a in people {
        w.raw("<li><span class=\"role\">")
            .raw(a.role)
            .raw("</span> ")
            .person(a.person.as_ref())
            .raw("</li>");
    }
    w.raw("</ul>");
}

/// A failure in a table of incidents.
pub(super) struct IncidentRow<'a> {
    pub(super) link: Link<'a>,
    pub(super) date: Day,
    pub(super) control: Option<Link<'a>>,
    pub(super) origins: &'a [Origin],
    pub(super) severity: Option<Severity>,
    pub(super) accountable: Vec<AccountableView<'a>>,
    pub(super) in_window: bool,
    pub(super) repeat: bool,
    pub(super) structural: bool,
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
        structural: incident.structural,
    }
}

impl Row for IncidentRow<'_> {
    const SIZE: usize = 700;
    const HEADERS: &'static [Header] = &[
        Header("Date", ""),
        Header("Incident", ""),
        Header("Control", ""),
        Header("Origin", ""),
        Header("Severity", ""),
        Header("Accountable", ""),
        Header("Pattern", ""),
    ];
    const EMPTY: &'static str = "No failures recorded.";

    fn cells(&self, cells: &mut Cells) {
        cells.cell("nowrap").display(self.date);
        cells.cell("").id_and_label(&self.link);
        let control = cells.cell("");
        if let Some(link) = &self.control {
            control.id_link(link);
        }
        cells.cell("").origins(self.origins);
        cells.cell("").severity(self.severity);
        accountable(cells.cell(""), &self.accountable);
        cells
            .cell("")
            .flag(self.structural, "structural", "badge-alert")
            .flag(self.repeat, "repeat", "badge-alert")
            .flag(!self.in_window, "outside window", "badge-muted");
    }
}

/// A failure on a person's page, with the role that makes them accountable for it.
pub(super) struct RoleRow<'a>(pub(super) &'static str, pub(super) IncidentRow<'a>);

impl Row for RoleRow<'_> {
    const SIZE: usize = 500;
    const HEADERS: &'static [Header] = &[
        Header("Date", ""),
        Header("Incident", ""),
        Header("Role", ""),
        Header("Origin", ""),
        Header("Control", ""),
    ];
    const EMPTY: &'static str = "No failures attributed.";

    fn cells(&self, cells: &mut Cells) {
        let RoleRow(role, i) = self;
        cells.cell("nowrap").display(i.date);
        cells.cell("").id_and_label(&i.link);
        cells.cell("").raw(role);
        cells.cell("").origins(i.origins);
        let control = cells.cell("");
        if let Some(link) = &i.control {
            control.id_link(link);
        }
    }
}

/// An exception in a table of exceptions.
pub(super) struct ExceptionRow<'a> {
    pub(super) link: Link<'a>,
    pub(super) title: &'a str,
    pub(super) control: Option<Link<'a>>,
    pub(super) risk: Option<Severity>,
    pub(super) requester: Option<Link<'a>>,
    pub(super) approver: Option<Link<'a>>,
    pub(super) state: &'static str,
    pub(super) granted: Day,
    pub(super) expiry: Option<Day>,
    pub(super) age_days: Option<i64>,
    pub(super) days_to_expiry: Option<i64>,
    pub(super) over_policy: bool,
    pub(super) chronic: bool,
    pub(super) renewals: usize,
    pub(super) self_approved: bool,
    pub(super) unauthorized_approver: bool,
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
        risk: exception.and_then(|e| e.risk),
        requester: metrics.requested_by.as_deref().map(|p| index.person(p)),
        approver: metrics.approved_by.as_deref().map(|p| index.person(p)),
        state: metrics.state.as_str(),
        granted: exception.map_or(Day::default(), |e| e.granted),
        expiry: metrics.effective_expiry,
        age_days: metrics.age_days,
        days_to_expiry: metrics.days_to_expiry,
        over_policy: metrics.over_policy,
        chronic: metrics.chronic,
        renewals: metrics.renewals,
        self_approved: metrics.self_approved,
        unauthorized_approver: !metrics.unauthorized_approvers.is_empty(),
    }
}

impl Row for ExceptionRow<'_> {
    const SIZE: usize = 950;
    const HEADERS: &'static [Header] = &[
        Header("Exception", ""),
        Header("Control", ""),
        Header("State", ""),
        Header("Risk", ""),
        Header("Requested by", ""),
        Header("Approved by", ""),
        Header("Granted", ""),
        Header("Expires", ""),
        Header("Age (days)", "num"),
        Header("Days to expiry", "num"),
        Header("Flags", ""),
    ];
    const EMPTY: &'static str = "No exceptions.";

    fn cells(&self, cells: &mut Cells) {
        let e = self;
        let id = cells.cell("").id_link(&e.link);
        if !e.title.is_empty() {
            id.raw("<br><span class=\"sub\">")
                .text(e.title)
                .raw("</span>");
        }
        let control = cells.cell("");
        if let Some(link) = &e.control {
            control.id_link(link);
        }
        cells
            .cell("")
            .badge(&["state-", e.state], &super::words(e.state));
        cells.cell("").severity(e.risk);
        cells.cell("").person(e.requester.as_ref());
        cells.cell("").person(e.approver.as_ref());
        cells.cell("nowrap").display(e.granted);
        cells.cell("nowrap").or(
            e.expiry,
            "<span class=\"badge state-permanent\">never</span>",
        );
        cells.cell("num").or(e.age_days, "—");
        cells.cell("num").or(e.days_to_expiry, "—");
        let flags = cells
            .cell("")
            .flag(e.over_policy, "over policy", "badge-alert")
            .flag(e.self_approved, "self-approved", "badge-alert")
            .flag(
                e.unauthorized_approver,
                "unauthorized approver",
                "badge-alert",
            )
            .flag(e.chronic, "chronic", "badge-warn");
        if e.renewals > 0 {
            let noun = if e.renewals == 1 {
                "renewal"
            } else {
                "renewals"
            };
            flags.flag(true, &format!("{} {noun}", e.renewals), "badge-muted");
        }
    }
}

/// A control in a table of controls.
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

impl Row for ControlRow<'_> {
    const SIZE: usize = 700;
    const HEADERS: &'static [Header] = &[
        Header("Control", ""),
        Header("Owner", ""),
        Header("NHI", ""),
        Header("Failures in window", "num"),
        Header("Failures total", "num"),
        Header("Open exceptions", "num"),
        Header("Status", ""),
    ];
    const EMPTY: &'static str = "No controls.";

    fn cells(&self, cells: &mut Cells) {
        let c = self;
        cells.cell("").id_and_label(&c.link);
        cells.cell("").person(c.owner.as_ref());
        let nhi = cells.cell("");
        for kind in c.nhi {
            nhi.raw("<span class=\"tag\">")
                .raw(kind.as_str())
                .raw("</span> ");
        }
        cells.cell("num").display(c.failures_in_window);
        cells.cell("num").display(c.failures_total);
        cells.cell("num").display(c.open_exceptions);
        cells
            .cell("")
            .flag(c.recurring, "recurring", "badge-alert")
            .flag(c.review_overdue, "review overdue", "badge-warn")
            .flag(c.shared_platform, "shared platform", "badge-info")
            .flag(c.status == ControlStatus::Retired, "retired", "badge-muted");
    }
}

/// A gap or finding, with the person to chase.
#[derive(Serialize)]
pub(super) struct GapRow<'a> {
    /// The kind as words: `inactive owner`.
    pub(super) kind: String,
    pub(super) record: Link<'a>,
    pub(super) person: Option<Link<'a>>,
    pub(super) what: &'static str,
}

pub(super) fn gap_row<'a>(index: &Index<'a>, gap: &'a Gap) -> GapRow<'a> {
    let id = gap.record.as_str();
    // A no-process-fix gap is an incident's, a fix-did-not-hold gap a review's; ids are
    // unique only within their kind.
    let record = if gap.kind == GapKind::NoProcessFix {
        index.incident(id)
    } else if gap.kind == GapKind::FixDidNotHold {
        index.review(id)
    } else if index.model.controls.contains_key(id) {
        index.control(id)
    } else if index.model.processes.contains_key(id) {
        index.process(id)
    } else {
        index.exception(id)
    };
    GapRow {
        kind: super::words(gap.kind.as_str()),
        record,
        person: gap.person.as_deref().map(|p| index.person(p)),
        what: describe(gap.kind),
    }
}

/// What a gap of `kind` means, in a sentence's words.
fn describe(kind: GapKind) -> &'static str {
    match kind {
        GapKind::InactiveOwner => "owned by a person who is no longer active",
        GapKind::InactiveApprover => "open exception whose latest approver is no longer active",
        GapKind::NoRiskSignoff => "shared platform control with nobody signing off residual risk",
        GapKind::ReviewOverdue => "control review is overdue",
        GapKind::SelfApproved => "approved by its own requester: separation of duties bypassed",
        GapKind::UnauthorizedApprover => "approved by someone not on the control's approvers list",
        GapKind::NoProcessFix => {
            "structural failure with no fix owned by its process owner or control owner"
        }
        GapKind::NoSingleDecisionMaker => {
            "agent control used across teams with nobody signing off its residual risk"
        }
        GapKind::UnreviewedPattern => {
            "recurring pattern with no process-defect review in the window"
        }
        GapKind::FixDidNotHold => "the reviewed fix was done, and the control failed again",
    }
}

impl Row for GapRow<'_> {
    const SIZE: usize = 400;
    const HEADERS: &'static [Header] = &[
        Header("Gap", ""),
        Header("Record", ""),
        Header("What is wrong", ""),
        Header("Person to chase", ""),
    ];
    const EMPTY: &'static str = "No gaps.";

    fn cells(&self, cells: &mut Cells) {
        cells.cell("").badge(&["gap"], &self.kind);
        cells.cell("").id_link(&self.record);
        cells.cell("").text(self.what);
        cells.cell("").person(self.person.as_ref());
    }
}

/// A remediation action.
pub(super) struct ActionRow<'a> {
    /// The incident or review the action belongs to.
    pub(super) record: Link<'a>,
    pub(super) title: &'a str,
    pub(super) owner: Option<Link<'a>>,
    pub(super) due: Option<Day>,
    pub(super) done: Option<Day>,
    pub(super) open: bool,
    pub(super) overdue: bool,
}

pub(super) fn action_row<'a>(index: &Index<'a>, action: &'a ActionStatus) -> ActionRow<'a> {
    ActionRow {
        record: index.action_record(action),
        title: &action.title,
        owner: action.owner.as_deref().map(|o| index.person(o)),
        due: action.due,
        done: action.done,
        open: action.open,
        overdue: action.overdue,
    }
}

impl Row for ActionRow<'_> {
    const SIZE: usize = 400;
    const HEADERS: &'static [Header] = &[
        Header("Action", ""),
        Header("Record", ""),
        Header("Owner", ""),
        Header("Due", ""),
        Header("Status", ""),
    ];
    const EMPTY: &'static str = "No actions.";

    fn cells(&self, cells: &mut Cells) {
        cells.cell("").text(self.title);
        cells.cell("").id_link(&self.record);
        self.owner_due_status(cells);
    }
}

impl ActionRow<'_> {
    fn owner_due_status(&self, cells: &mut Cells) {
        cells.cell("").person(self.owner.as_ref());
        cells.cell("nowrap").or(self.due, "—");
        let status = cells.cell("");
        if self.overdue {
            status.badge(&["badge-alert"], "overdue");
        } else if self.open {
            status.badge(&["badge-warn"], "open");
        } else {
            let done = self.done.map(|d| format!("done {d}"));
            status.badge(&["badge-ok"], done.as_deref().unwrap_or("done"));
        }
    }
}

/// An action on the page of the incident or review it belongs to: without the column
/// that would link each row to the page it is on.
pub(super) struct OwnActionRow<'a>(pub(super) ActionRow<'a>);

pub(super) fn own_action_row<'a>(index: &Index<'a>, action: &'a ActionStatus) -> OwnActionRow<'a> {
    OwnActionRow(action_row(index, action))
}

impl Row for OwnActionRow<'_> {
    const SIZE: usize = 300;
    const HEADERS: &'static [Header] = &[
        Header("Action", ""),
        Header("Owner", ""),
        Header("Due", ""),
        Header("Status", ""),
    ];
    const EMPTY: &'static str = ActionRow::EMPTY;

    fn cells(&self, cells: &mut Cells) {
        cells.cell("").text(self.0.title);
        self.0.owner_due_status(cells);
    }
}

/// A control's failures, newest first, as its page and the report list them.
pub(super) fn control_failures<'a>(
    index: &'a Index<'a>,
    control: &str,
) -> impl ExactSizeIterator<Item = IncidentRow<'a>> + 'a {
    let incidents = index
        .incidents_by_control
        .get(control)
        .map_or(&[][..], |i| i);
    incidents.iter().rev().map(|i| incident_row(index, i))
}

/// The exceptions to a control, as its page and the report list them.
pub(super) fn control_exceptions<'a>(
    index: &'a Index<'a>,
    control: &str,
) -> impl Iterator<Item = ExceptionRow<'a>> + Clone + 'a {
    let ids = index
        .exceptions_by_control
        .get(control)
        .map_or(&[][..], |i| i);
    ids.iter()
        .filter_map(|e| index.exception_metrics.get(e).copied())
        .map(|e| exception_row(index, e))
}

/// A process in the list of processes.
#[derive(Serialize)]
pub(super) struct ProcessRow<'a> {
    pub(super) link: Link<'a>,
    pub(super) owner: Option<Link<'a>>,
    pub(super) controls: usize,
    /// `processes[].failures_in_window` and `.recurring` of metrics.json.
    pub(super) failures_in_window: usize,
    pub(super) recurring: bool,
}

pub(super) fn process_row<'a>(index: &Index<'a>, id: &'a str) -> Option<ProcessRow<'a>> {
    let process = index.model.processes.get(id)?;
    let metrics = index.process_metrics.get(id);
    Some(ProcessRow {
        link: index.process(&process.id),
        owner: process.owner.as_deref().map(|o| index.person(o)),
        controls: process.controls.len(),
        failures_in_window: metrics.map_or(0, |m| m.failures_in_window),
        recurring: metrics.is_some_and(|m| m.recurring),
    })
}

/// A recurring pattern with who must fix it: beside its control on the dashboard and the
/// control's page, and as a row of the table of patterns a person must fix.
#[derive(Serialize)]
pub(super) struct PatternRow<'a> {
    pub(super) control: Link<'a>,
    pub(super) origin: Origin,
    pub(super) failures_in_window: usize,
    pub(super) fix_owner: Option<Link<'a>>,
    /// The role as words: `control owner`, `process owner`; none without a fix owner.
    pub(super) fix_owner_role: Option<&'static str>,
}

pub(super) fn pattern_row<'a>(index: &Index<'a>, pattern: &'a RecurringPattern) -> PatternRow<'a> {
    PatternRow {
        control: index.control(&pattern.control),
        origin: pattern.origin,
        failures_in_window: pattern.failures_in_window,
        fix_owner: pattern.fix_owner.as_deref().map(|p| index.person(p)),
        fix_owner_role: pattern.fix_owner_role.map(role_words),
    }
}

/// The recurring patterns of a control, in origin order.
pub(super) fn control_patterns<'a>(index: &Index<'a>, control: &str) -> Vec<PatternRow<'a>> {
    let patterns = index.patterns_by_control.get(control).into_iter().flatten();
    patterns.map(|p| pattern_row(index, p)).collect()
}

impl Row for PatternRow<'_> {
    const SIZE: usize = 400;
    const HEADERS: &'static [Header] = &[
        Header("Control", ""),
        Header("Origin", ""),
        Header("Failures in window", "num"),
        Header("Fix as", ""),
    ];
    const EMPTY: &'static str = "No recurring pattern to fix.";

    fn cells(&self, cells: &mut Cells) {
        cells.cell("").id_and_label(&self.control);
        cells.cell("").origins(std::slice::from_ref(&self.origin));
        cells.cell("num").display(self.failures_in_window);
        cells.cell("").raw(self.fix_owner_role.unwrap_or("—"));
    }
}

/// A review in a table of reviews.
pub(super) struct ReviewRow<'a> {
    link: Link<'a>,
    date: Day,
    control: Option<Link<'a>>,
    origin: Option<Origin>,
    decision: Option<&'static str>,
    decided_by: Option<Link<'a>>,
    fix_owner: Option<Link<'a>>,
    actions_open: usize,
    actions_done: usize,
}

pub(super) fn review_row<'a>(index: &Index<'a>, review: &'a ReviewMetrics) -> ReviewRow<'a> {
    ReviewRow {
        link: index.review(&review.id),
        date: review.date,
        control: review.control.as_deref().map(|c| index.control(c)),
        origin: review.origin,
        decision: review.decision.map(|d| d.as_str()),
        decided_by: review.decided_by.as_deref().map(|p| index.person(p)),
        fix_owner: review.fix_owner.as_deref().map(|p| index.person(p)),
        actions_open: review.actions_open,
        actions_done: review.actions_done,
    }
}

impl Row for ReviewRow<'_> {
    const SIZE: usize = 600;
    const HEADERS: &'static [Header] = &[
        Header("Review", ""),
        Header("Date", ""),
        Header("Control", ""),
        Header("Origin", ""),
        Header("Decision", ""),
        Header("Decided by", ""),
        Header("Fix owner", ""),
        Header("Actions open", "num"),
        Header("Actions done", "num"),
    ];
    const EMPTY: &'static str = "No reviews.";

    fn cells(&self, cells: &mut Cells) {
        let r = self;
        cells.cell("").id_and_label(&r.link);
        cells.cell("nowrap").display(r.date);
        match &r.control {
            Some(control) => cells.cell("").id_link(control),
            None => cells.cell("").raw("—"),
        };
        cells.cell("").origins(r.origin.as_slice());
        cells
            .cell("")
            .text(&super::words(r.decision.unwrap_or("—")));
        cells.cell("").person(r.decided_by.as_ref());
        cells.cell("").person(r.fix_owner.as_ref());
        cells.cell("num").display(r.actions_open);
        cells.cell("num").display(r.actions_done);
    }
}

/// A table of `reviews` (a control's, a person's), newest first.
pub(super) fn reviews_table<'a>(
    index: &Index<'a>,
    tables: &mut Tables<'a>,
    reviews: &[&'a ReviewMetrics],
    caption: &str,
) -> Table {
    let mut reviews = reviews.to_vec();
    reviews.sort_by(|a, b| (b.date, &b.id).cmp(&(a.date, &a.id)));
    tables.now(caption, reviews.into_iter().map(|r| review_row(index, r)))
}

/// A month of a control's failures, as its chart's numbers list them.
pub(super) struct MonthRow<'a> {
    pub(super) month: &'a str,
    /// Incidents in the month, each once.
    pub(super) failures: usize,
    /// The same incidents by origin (`design`, `operation`, `approval`), as the chart
    /// stacks them: an incident with two origins counts under both.
    pub(super) by_origin: [usize; 3],
}

impl Row for MonthRow<'_> {
    const SIZE: usize = 64;
    const HEADERS: &'static [Header] = &[
        Header("Month", ""),
        Header("Failures", ""),
        Header("Design", ""),
        Header("Operation", ""),
        Header("Approval", ""),
    ];
    const EMPTY: &'static str = "No months in the trend.";
    const CLASS: &'static str = "numbers";
    const SCROLL: bool = false;

    fn cells(&self, cells: &mut Cells) {
        cells.cell("").text(self.month);
        cells.cell("").display(self.failures);
        for count in self.by_origin {
            cells.cell("").display(count);
        }
    }
}

/// A grant period on an exception's page: the original grant, then each renewal.
pub(super) struct GrantPeriodRow<'a> {
    pub(super) kind: String,
    pub(super) approver: Option<Link<'a>>,
    pub(super) granted: Day,
    pub(super) expires: Option<Day>,
    pub(super) days: Option<i64>,
    pub(super) over_policy: bool,
    pub(super) self_approved: bool,
}

impl Row for GrantPeriodRow<'_> {
    const SIZE: usize = 320;
    const HEADERS: &'static [Header] = &[
        Header("Period", ""),
        Header("Approved by", ""),
        Header("Granted", ""),
        Header("Expires", ""),
        Header("Days", "num"),
        Header("Flags", ""),
    ];
    const EMPTY: &'static str = "No grant periods.";
    const CLASS: &'static str = "data compact";

    fn cells(&self, cells: &mut Cells) {
        cells.cell("").text(&self.kind);
        cells.cell("").person(self.approver.as_ref());
        cells.cell("nowrap").display(self.granted);
        cells.cell("nowrap").or(self.expires, "never");
        cells.cell("num").or(self.days, "∞");
        let flags = cells.cell("");
        if self.over_policy {
            flags.badge(&["badge-alert"], "over policy");
        }
        flags.raw(" ");
        if self.self_approved {
            flags.badge(&["badge-alert"], "self-approved");
        }
    }
}

/// A failure of an excepted control while the exception was open, with the approver of the
/// grant in force that day.
pub(super) struct FailureDuringRow<'a> {
    pub(super) date: Day,
    pub(super) incident: Link<'a>,
    pub(super) approver: Option<Link<'a>>,
}

impl Row for FailureDuringRow<'_> {
    const SIZE: usize = 300;
    const HEADERS: &'static [Header] = &[
        Header("Date", ""),
        Header("Incident", ""),
        Header("Approver then", ""),
    ];
    const EMPTY: &'static str = "No failures of the control while this exception was open.";
    const CLASS: &'static str = "data";

    fn cells(&self, cells: &mut Cells) {
        cells.cell("nowrap").display(self.date);
        cells
            .cell("")
            .id_link(&self.incident)
            .raw(" <span class=\"sub\">")
            .text(self.incident.label)
            .raw("</span>");
        cells.cell("").person(self.approver.as_ref());
    }
}
