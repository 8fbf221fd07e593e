//! Every governance figure, computed once for an as-of date (DESIGN.md "Metrics").
//!
//! Pure: `compute(&Model, as_of) -> Metrics`. The serialized fields are exactly the
//! `data/metrics.json` contract; fields marked `#[serde(skip)]` are derived views of the same
//! numbers that the site needs (per person, per exception, age buckets by state).

mod accountability;
mod coverage;
mod duties;
mod exceptions;
mod findings;
mod fix_owner;
mod nhi;
mod ownership;
mod processes;
mod recurrence;
mod reviews;
mod teams;
#[cfg(test)]
pub(crate) mod testkit;
mod timeline;
mod trends;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{Day, Decision, Model, Origin, RecordKind, Severity};

use exceptions::AgeBuckets;
pub use findings::findings;
pub use nhi::NhiFigures;
pub use teams::TeamMetrics;
use timeline::Timeline;

#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub as_of: Day,
    pub settings: Settings,
    pub summary: Summary,
    pub controls: Vec<ControlMetrics>,
    pub recurring_patterns: Vec<RecurringPattern>,
    pub exceptions: Vec<ExceptionMetrics>,
    pub incidents: Vec<IncidentMetrics>,
    pub gaps: Vec<Gap>,
    pub monthly: Vec<Monthly>,
    /// The dashboard's top list: up to ten controls with failures in the window.
    pub top_controls: Vec<TopControl>,
    /// Failures per origin and the role accountable for it, in `Origin::ALL` order.
    pub accountability_by_origin: Vec<OriginAccountability>,
    /// Reference coverage per framework, sorted by id.
    pub frameworks: Vec<FrameworkCoverage>,
    /// Per person figures, one entry for every person in the model, sorted by id.
    pub people: Vec<PersonMetrics>,
    /// Per process figures, one entry for every process in the model, sorted by id.
    pub processes: Vec<ProcessMetrics>,
    /// Figures per kind of non-human identity, in `Nhi::ALL` order.
    pub by_nhi: Vec<NhiFigures>,
    /// Process-defect reviews dated on or before as_of, sorted by id.
    pub reviews: Vec<ReviewMetrics>,
    /// Exceptions, recurring controls and actions at each month end of the trend, oldest
    /// first; the last entry is dated on as_of.
    pub month_end: Vec<MonthEnd>,
    /// The dashboard's figures over each team's records, sorted by id.
    pub teams: Vec<TeamMetrics>,
    /// The policy findings `check --strict` reports, in its order (`findings`).
    #[serde(skip)]
    pub findings: Vec<Finding>,
    /// Open exceptions per age bucket and state, buckets in `aging_buckets` order.
    #[serde(skip)]
    pub age_buckets: Vec<AgeBucketCount>,
    /// Open exceptions per latest approver (person id -> count), sorted by id.
    #[serde(skip)]
    pub open_exceptions_by_approver: BTreeMap<String, usize>,
    /// Open exceptions per control (control id -> count); controls without any are absent.
    #[serde(skip)]
    pub open_exceptions_by_control: BTreeMap<String, usize>,
    /// Every remediation action of every incident, then of every review, up to as_of,
    /// ordered by (record kind, record, index).
    #[serde(skip)]
    pub actions: Vec<ActionStatus>,
    /// Exception id -> the failures of its control dated while it was open
    /// (granted <= date and not closed before it, and date <= as_of), ordered by (date, id).
    #[serde(skip)]
    pub failures_during_exception: BTreeMap<String, Vec<FailureDuringException>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    pub window_days: i64,
    pub threshold: usize,
    pub max_validity_days: i64,
    pub expiring_soon_days: i64,
    pub aging_buckets: Vec<i64>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub controls: usize,
    pub incidents_in_window: usize,
    pub repeat_incidents_in_window: usize,
    pub repeat_rate: Option<f64>,
    pub recurring_controls: usize,
    pub recurring_patterns: usize,
    pub open_exceptions: usize,
    pub expired_exceptions: usize,
    pub permanent_exceptions: usize,
    pub expiring_soon_exceptions: usize,
    pub over_policy_exceptions: usize,
    pub chronic_exceptions: usize,
    pub median_open_exception_age_days: Option<f64>,
    pub ownership_gaps: usize,
    pub self_approved_exceptions: usize,
    pub unauthorized_approvals: usize,
    pub overdue_reviews: usize,
    pub open_actions: usize,
    pub overdue_actions: usize,
    /// Structural incidents (approval bypassed, or under a self-approved exception) in the
    /// window.
    pub structural_incidents_in_window: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ControlMetrics {
    pub id: String,
    /// The current owner (`None` only for content that failed validation).
    pub owner: Option<String>,
    pub failures_total: usize,
    pub failures_in_window: usize,
    pub recurring: bool,
    pub mean_days_between_failures: Option<f64>,
    pub open_exceptions: usize,
    pub review_overdue: bool,
    /// `review.last + every_days`; `None` without a review.
    pub review_due: Option<Day>,
    /// `review_due + review_overdue_grace_days`: the last day on which the review is not yet
    /// overdue (`review_overdue` = as_of is after it); `None` without a review.
    pub review_overdue_after: Option<Day>,
    /// Failures of this control in each month of `monthly`, aligned with `monthly[].month`.
    pub monthly_failures: Vec<usize>,
    /// The same months' failures per origin (`[design, operation, approval]`); an incident
    /// with two origins counts under both. Recomputable from `incidents[]`.
    #[serde(skip)]
    pub monthly_by_origin: Vec<[usize; 3]>,
}

/// A control on the dashboard's top list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopControl {
    pub id: String,
    pub failures_in_window: usize,
    pub recurring: bool,
}

/// Failures of one origin and the role accountable for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OriginAccountability {
    pub origin: Origin,
    pub role: Role,
    /// Incidents in the window whose origins include `origin`.
    pub failures_in_window: usize,
    /// Incidents up to as_of whose origins include `origin`.
    pub failures_total: usize,
}

/// How many of a framework's references some control maps to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkCoverage {
    pub id: String,
    pub references: usize,
    pub covered: usize,
    /// Ids of the references no control maps to, in the framework's order.
    pub uncovered: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecurringPattern {
    pub control: String,
    pub origin: Origin,
    pub failures_in_window: usize,
    /// Who must fix the pattern: the control's current owner (`design`, `approval`), or the
    /// owner of the process with the most of its incidents (`operation`); `None` when unknown.
    pub fix_owner: Option<String>,
    /// `control-owner` or `process-owner`; `None` exactly when `fix_owner` is.
    pub fix_owner_role: Option<Role>,
}

/// Failures of one process in the window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProcessMetrics {
    pub id: String,
    pub owner: Option<String>,
    /// Incidents in the window whose `process` is this process, whatever their origins.
    pub failures_in_window: usize,
    /// `failures_in_window >= threshold`.
    pub recurring: bool,
    /// Ids of the controls of those incidents, sorted, each once.
    pub controls: Vec<String>,
}

/// Exception state on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExceptionState {
    Active,
    ExpiringSoon,
    Expired,
    Permanent,
    Closed,
    Future,
}

impl ExceptionState {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionState::Active => "active",
            ExceptionState::ExpiringSoon => "expiring-soon",
            ExceptionState::Expired => "expired",
            ExceptionState::Permanent => "permanent",
            ExceptionState::Closed => "closed",
            ExceptionState::Future => "future",
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, ExceptionState::Closed | ExceptionState::Future)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ExceptionMetrics {
    pub id: String,
    pub control: Option<String>,
    /// The latest approver: the last renewal's, else the original.
    pub approved_by: Option<String>,
    pub state: ExceptionState,
    pub age_days: Option<i64>,
    pub days_to_expiry: Option<i64>,
    pub age_bucket: Option<String>,
    pub over_policy: bool,
    pub chronic: bool,
    pub renewals: usize,
    pub requested_by: Option<String>,
    /// Every grant period: the original grant, then the renewals in order.
    pub periods: Vec<GrantPeriodMetrics>,
    /// Some grant period was approved by `requested_by` (any state).
    pub self_approved: bool,
    /// Approvers of the grant periods not on the control's `approvers` list, sorted, each
    /// once; empty when the control lists none (any state).
    pub unauthorized_approvers: Vec<String>,
    /// The effective expiry (last renewal's `expires`, else the original's); `None` = permanent.
    #[serde(skip)]
    pub effective_expiry: Option<Day>,
}

/// One grant period of an exception.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GrantPeriodMetrics {
    pub granted: Day,
    pub expires: Option<Day>,
    pub approved_by: Option<String>,
    /// `expires - granted`; `None` without an expiry.
    pub days: Option<i64>,
    /// No expiry, or `days > max_validity_days`.
    pub over_policy: bool,
    /// Approved by the exception's own `requested_by`.
    pub self_approved: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct IncidentMetrics {
    pub id: String,
    pub control: Option<String>,
    pub date: Day,
    pub origins: Vec<Origin>,
    pub in_window: bool,
    pub repeat: bool,
    pub accountable: Vec<Accountable>,
    /// Surfaced by an approval bypass, or its exception is self-approved.
    pub structural: bool,
    #[serde(skip)]
    pub severity: Option<Severity>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    ControlOwner,
    ProcessOwner,
    ApprovingManager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ControlOwner => "control-owner",
            Role::ProcessOwner => "process-owner",
            Role::ApprovingManager => "approving-manager",
        }
    }

    pub fn for_origin(origin: Origin) -> Role {
        match origin {
            Origin::Design => Role::ControlOwner,
            Origin::Operation => Role::ProcessOwner,
            Origin::Approval => Role::ApprovingManager,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Accountable {
    pub role: Role,
    pub person: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GapKind {
    InactiveOwner,
    InactiveApprover,
    NoRiskSignoff,
    ReviewOverdue,
    SelfApproved,
    UnauthorizedApprover,
    NoProcessFix,
    NoSingleDecisionMaker,
    UnreviewedPattern,
    FixDidNotHold,
}

impl GapKind {
    /// The kind of record a gap of this kind is about; an `inactive-owner` gap may also be
    /// about a process (its `Gap` says so).
    pub fn record_kind(self) -> RecordKind {
        match self {
            GapKind::InactiveOwner
            | GapKind::NoRiskSignoff
            | GapKind::ReviewOverdue
            | GapKind::NoSingleDecisionMaker
            | GapKind::UnreviewedPattern => RecordKind::Control,
            GapKind::InactiveApprover | GapKind::SelfApproved | GapKind::UnauthorizedApprover => {
                RecordKind::Exception
            }
            GapKind::NoProcessFix => RecordKind::Incident,
            GapKind::FixDidNotHold => RecordKind::Review,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            GapKind::InactiveOwner => "inactive-owner",
            GapKind::InactiveApprover => "inactive-approver",
            GapKind::NoRiskSignoff => "no-risk-signoff",
            GapKind::ReviewOverdue => "review-overdue",
            GapKind::SelfApproved => "self-approved",
            GapKind::UnauthorizedApprover => "unauthorized-approver",
            GapKind::NoProcessFix => "no-process-fix",
            GapKind::NoSingleDecisionMaker => "no-single-decision-maker",
            GapKind::UnreviewedPattern => "unreviewed-pattern",
            GapKind::FixDidNotHold => "fix-did-not-hold",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    pub kind: GapKind,
    /// The record's id (a control, process, exception, incident or review id).
    pub record: String,
    /// Which kind of record `record` is (not in `metrics.json`, whose keys are fixed).
    #[serde(skip)]
    pub record_kind: RecordKind,
    /// The person to chase, when there is one.
    pub person: Option<String>,
}

impl Gap {
    /// A gap about a record of the kind `kind` is usually about (`GapKind::record_kind`).
    pub fn new(kind: GapKind, record: &str, person: Option<&str>) -> Gap {
        Gap {
            kind,
            record: record.to_string(),
            record_kind: kind.record_kind(),
            person: person.map(str::to_string),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Monthly {
    /// `YYYY-MM`
    pub month: String,
    pub design: usize,
    pub operation: usize,
    pub approval: usize,
}

/// The headline counts as they stood on one day of the month-end trend.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthEnd {
    /// `YYYY-MM`, as `monthly[].month`.
    pub month: String,
    /// The month's last day, or as_of for as_of's month.
    pub date: Day,
    pub open_exceptions: usize,
    pub expired_exceptions: usize,
    pub permanent_exceptions: usize,
    pub recurring_controls: usize,
    pub open_actions: usize,
    pub overdue_actions: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgeBucketCount {
    /// `0-30`, `31-90`, ..., `>365`
    pub bucket: String,
    pub active: usize,
    pub expiring_soon: usize,
    pub expired: usize,
    pub permanent: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PersonMetrics {
    pub id: String,
    pub controls_owned: usize,
    pub processes_owned: usize,
    /// Exceptions where this person approved at least one grant period (all states).
    pub exceptions_approved: usize,
    /// Failures attributed to this person, per role, counting incidents up to as_of.
    pub failures_as_control_owner: usize,
    pub failures_as_process_owner: usize,
    pub failures_as_approving_manager: usize,
    pub open_actions: usize,
    pub overdue_actions: usize,
    /// Gaps naming this person.
    pub gaps: usize,
    /// `owner_history` entries naming this person, over every control (one per period).
    pub controls_owned_before: usize,
    /// Remediation actions this person owns (open or done), of incidents up to as_of.
    pub actions: usize,
    /// Incidents in the window naming this person in any accountable role, each once.
    pub accountable_in_window: usize,
}

/// One process-defect review, as `reviews[]` of `metrics.json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewMetrics {
    pub id: String,
    pub control: Option<String>,
    pub origin: Option<Origin>,
    pub date: Day,
    pub decided_by: Option<String>,
    /// Its `fix_owner`, else its recurring pattern's fix owner; `None` when neither.
    pub fix_owner: Option<String>,
    pub decision: Option<Decision>,
    /// Actions not done on or before as_of.
    pub actions_open: usize,
    /// Actions done on or before as_of.
    pub actions_done: usize,
}

/// The kind of record a remediation action belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ActionRecord {
    Incident,
    Review,
}

impl ActionRecord {
    /// The record kind an action's record is.
    pub fn record_kind(self) -> RecordKind {
        match self {
            ActionRecord::Incident => RecordKind::Incident,
            ActionRecord::Review => RecordKind::Review,
        }
    }

    /// The kind in sentences: `incident`, `review`.
    pub fn as_str(self) -> &'static str {
        match self {
            ActionRecord::Incident => "incident",
            ActionRecord::Review => "review",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionStatus {
    /// The id of the incident or review the action belongs to (`record_kind` says which).
    pub record: String,
    pub record_kind: ActionRecord,
    /// Position in the record's `actions` list.
    pub index: usize,
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<Day>,
    pub done: Option<Day>,
    pub open: bool,
    pub overdue: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureDuringException {
    pub incident: String,
    pub date: Day,
    /// Who had approved the grant period in force on that date.
    pub approver: Option<String>,
}

/// A policy finding that `--strict` turns into a failing exit code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `expired-exception`, `permanent-exception`, `over-policy-exception`, a gap kind,
    /// `overdue-action`.
    pub kind: String,
    pub record: String,
    /// Which kind of record `record` is, to find its file.
    pub record_kind: RecordKind,
    /// The field of the record the finding is about (`expires`, `actions[1].due`), to point
    /// at its line; empty for the record as a whole.
    #[serde(skip)]
    pub field: String,
    pub person: Option<String>,
    pub message: String,
}

/// Computes every metric for `as_of` with the thresholds in `model.site`.
///
/// Incidents dated after `as_of` are left out everywhere (with their actions); exceptions
/// granted after it are listed as `future` and left out of every count.
pub fn compute(model: &Model, as_of: Day) -> Metrics {
    let buckets = AgeBuckets::new(&model.site.exceptions.aging_buckets);
    // The parts are independent of each other: computed on all cores at once, each as soon
    // as what it reads is ready. The exceptions and actions do not need the timeline.
    let (timeline, (exceptions, actions)) = rayon::join(
        || Timeline::new(model, as_of),
        || {
            rayon::join(
                || exceptions::compute_exceptions(model, as_of, &buckets),
                || ownership::compute_actions(model, as_of),
            )
        },
    );
    let open_exceptions_by_control = exceptions::count_open_by(&exceptions, |e| &e.control);
    let (
        ((failures_during_exception, incidents), (mut gaps, recurrence)),
        (monthly, (month_end, frameworks)),
    ) = rayon::join(
        || {
            rayon::join(
                || {
                    rayon::join(
                        || exceptions::compute_failures_during(model, &timeline),
                        || accountability::compute_incidents(model, &timeline),
                    )
                },
                || {
                    rayon::join(
                        || ownership::compute_gaps(model, &timeline),
                        || compute_recurrence(model, &timeline, &open_exceptions_by_control),
                    )
                },
            )
        },
        || {
            rayon::join(
                || recurrence::compute_monthly(&timeline),
                || {
                    rayon::join(
                        || trends::compute_month_end(model, &timeline),
                        || coverage::compute_frameworks(model),
                    )
                },
            )
        },
    );
    let (controls, (recurring_patterns, processes)) = recurrence;
    let reviews = compute_reviews(model, &timeline, &recurring_patterns, &mut gaps);
    let mut metrics = Metrics {
        as_of,
        settings: compute_settings(model),
        summary: Summary::default(),
        top_controls: recurrence::compute_top_controls(&controls),
        controls,
        recurring_patterns,
        accountability_by_origin: accountability::compute_by_origin(&incidents),
        incidents,
        monthly,
        month_end,
        teams: Vec::new(),
        findings: Vec::new(),
        frameworks,
        age_buckets: exceptions::compute_age_buckets(&exceptions, &buckets),
        open_exceptions_by_approver: exceptions::count_open_by(&exceptions, |e| &e.approved_by),
        open_exceptions_by_control,
        people: Vec::new(),
        processes,
        by_nhi: Vec::new(),
        reviews,
        failures_during_exception,
        exceptions,
        gaps,
        actions,
    };
    // What is left reads the lists above and not each other (teams only the findings).
    let ((people, by_nhi), (summary, (findings, teams))) = rayon::join(
        || {
            rayon::join(
                || ownership::compute_people(model, &metrics),
                || {
                    nhi::by_nhi(
                        model,
                        &metrics.controls,
                        &metrics.exceptions,
                        &metrics.incidents,
                    )
                },
            )
        },
        || {
            rayon::join(
                || compute_summary(&metrics),
                || {
                    let findings = findings(&metrics);
                    let teams = teams::compute_teams(model, &metrics, &findings);
                    (findings, teams)
                },
            )
        },
    );
    metrics.people = people;
    metrics.by_nhi = by_nhi;
    metrics.summary = summary;
    metrics.findings = findings;
    metrics.teams = teams;
    metrics
}

/// `reviews[]`; the review gaps are added to `gaps`, which are sorted again.
fn compute_reviews(
    model: &Model,
    timeline: &Timeline,
    patterns: &[RecurringPattern],
    gaps: &mut Vec<Gap>,
) -> Vec<ReviewMetrics> {
    gaps.extend(reviews::compute_review_gaps(model, timeline, patterns));
    ownership::sort_gaps(gaps);
    // Two unreviewed patterns of one control with one fix owner are one thing to chase.
    gaps.dedup();
    reviews::compute_reviews(model, timeline.as_of, patterns)
}

/// The controls' figures, the recurring patterns with their fix owners, and the processes'
/// figures, at once.
fn compute_recurrence(
    model: &Model,
    timeline: &Timeline,
    open_exceptions_by_control: &BTreeMap<String, usize>,
) -> (
    Vec<ControlMetrics>,
    (Vec<RecurringPattern>, Vec<ProcessMetrics>),
) {
    rayon::join(
        || recurrence::compute_controls(model, timeline, open_exceptions_by_control),
        || {
            rayon::join(
                || {
                    let mut patterns = recurrence::compute_patterns(model, timeline);
                    fix_owner::assign_fix_owners(model, timeline, &mut patterns);
                    patterns
                },
                || processes::compute_processes(model, timeline),
            )
        },
    )
}

/// The settings the figures were computed with, echoed into `metrics.json`.
fn compute_settings(model: &Model) -> Settings {
    let site = &model.site;
    Settings {
        window_days: site.recurrence.window_days,
        threshold: site.recurrence.threshold,
        max_validity_days: site.exceptions.max_validity_days,
        expiring_soon_days: site.exceptions.expiring_soon_days,
        aging_buckets: site.exceptions.aging_buckets.clone(),
    }
}

/// The headline figures, counted from the detailed lists so the two can never disagree.
/// The records a summary counts: all of the estate's, or one team's.
struct Counted<'m> {
    controls: Vec<&'m ControlMetrics>,
    recurring_patterns: usize,
    exceptions: Vec<&'m ExceptionMetrics>,
    incidents: Vec<&'m IncidentMetrics>,
    gaps: Vec<&'m Gap>,
    actions: Vec<&'m ActionStatus>,
}

fn compute_summary(metrics: &Metrics) -> Summary {
    summarize(&Counted {
        controls: metrics.controls.iter().collect(),
        recurring_patterns: metrics.recurring_patterns.len(),
        exceptions: metrics.exceptions.iter().collect(),
        incidents: metrics.incidents.iter().collect(),
        gaps: metrics.gaps.iter().collect(),
        actions: metrics.actions.iter().collect(),
    })
}

/// The summary figures of `counted`, as `summary` of metrics.json defines them.
fn summarize(counted: &Counted) -> Summary {
    let in_window = counted.incidents.iter().filter(|i| i.in_window);
    let incidents_in_window = in_window.clone().count();
    let repeat_incidents_in_window = in_window.clone().filter(|i| i.repeat).count();
    let in_window_structural = in_window.filter(|i| i.structural).count();
    let count_gaps = |kinds: &[GapKind]| {
        let named = |gap: &&&Gap| kinds.contains(&gap.kind);
        counted.gaps.iter().filter(named).count()
    };
    let count_actions = |wanted: fn(&ActionStatus) -> bool| {
        (counted.actions.iter())
            .filter(|action| wanted(action))
            .count()
    };
    Summary {
        controls: counted.controls.len(),
        incidents_in_window,
        repeat_incidents_in_window,
        repeat_rate: (incidents_in_window > 0)
            .then(|| repeat_incidents_in_window as f64 / incidents_in_window as f64),
        recurring_controls: counted.controls.iter().filter(|c| c.recurring).count(),
        recurring_patterns: counted.recurring_patterns,
        ownership_gaps: count_gaps(&[
            GapKind::InactiveOwner,
            GapKind::InactiveApprover,
            GapKind::NoRiskSignoff,
        ]),
        self_approved_exceptions: count_gaps(&[GapKind::SelfApproved]),
        unauthorized_approvals: count_gaps(&[GapKind::UnauthorizedApprover]),
        overdue_reviews: count_gaps(&[GapKind::ReviewOverdue]),
        open_actions: count_actions(|action| action.open),
        overdue_actions: count_actions(|action| action.overdue),
        structural_incidents_in_window: in_window_structural,
        ..exceptions::summarize_exceptions(&counted.exceptions)
    }
}

#[cfg(test)]
mod tests {
    use std::fmt;

    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    use serde::Serialize;

    use super::findings;
    use super::testkit::*;
    use crate::model::Origin;

    /// The keys of a serialized JSON object, in the order they were written.
    fn keys_of(value: &impl Serialize) -> Vec<String> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = Vec<String>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(keys)
            }
        }
        let json = serde_json::to_string(value).unwrap();
        let mut deserializer = serde_json::Deserializer::from_str(&json);
        deserializer.deserialize_map(Keys).unwrap()
    }

    /// One of everything, so every array of the contract has an element to inspect.
    fn small_kit() -> Kit {
        let mut ctl = maps(control("CTL-A", "gone"), "fw", &["R-1"]);
        ctl.shared_platform = Some(shared(None));
        Kit::default()
            .inactive("gone")
            .framework(framework("fw", &["R-1", "R-2"]))
            .control(ctl)
            .process(process("ci", "gone"))
            .exception(exception("EXC-1", "CTL-A", "maria", "2026-10-01", None))
            .incident(incident("INC-1", "CTL-A", "2026-09-01", &[Design]))
            .incident(incident("INC-2", "CTL-A", "2026-10-01", &[Design]))
            .review(defect_review("REV-1", "CTL-A", Design, "2026-10-15"))
            .team("ops", &["gone"])
    }

    #[test]
    #[rustfmt::skip]
    fn metrics_json_keys_follow_the_contract_order() {
        let metrics = small_kit().compute(AS_OF);
        let incident = &metrics.incidents[0];
        // (object, its keys as written, the keys DESIGN.md lists in order)
        let cases = [
            ("top level", keys_of(&metrics),
             "as_of settings summary controls recurring_patterns exceptions incidents gaps monthly \
              top_controls accountability_by_origin frameworks people processes by_nhi reviews \
              month_end teams"),
            ("settings", keys_of(&metrics.settings),
             "window_days threshold max_validity_days expiring_soon_days aging_buckets"),
            ("summary", keys_of(&metrics.summary),
             "controls incidents_in_window repeat_incidents_in_window repeat_rate \
              recurring_controls recurring_patterns open_exceptions expired_exceptions \
              permanent_exceptions expiring_soon_exceptions over_policy_exceptions \
              chronic_exceptions median_open_exception_age_days ownership_gaps \
              self_approved_exceptions unauthorized_approvals overdue_reviews open_actions \
              overdue_actions structural_incidents_in_window"),
            ("controls[]", keys_of(&metrics.controls[0]),
             "id owner failures_total failures_in_window recurring mean_days_between_failures \
              open_exceptions review_overdue review_due review_overdue_after monthly_failures"),
            ("recurring_patterns[]", keys_of(&metrics.recurring_patterns[0]),
             "control origin failures_in_window fix_owner fix_owner_role"),
            ("exceptions[]", keys_of(&metrics.exceptions[0]),
             "id control approved_by state age_days days_to_expiry age_bucket over_policy \
              chronic renewals requested_by periods self_approved unauthorized_approvers"),
            ("exceptions[].periods[]", keys_of(&metrics.exceptions[0].periods[0]),
             "granted expires approved_by days over_policy self_approved"),
            ("incidents[]", keys_of(incident),
             "id control date origins in_window repeat accountable structural"),
            ("accountable[]", keys_of(&incident.accountable[0]), "role person"),
            ("gaps[]", keys_of(&metrics.gaps[0]), "kind record person"),
            ("monthly[]", keys_of(&metrics.monthly[0]), "month design operation approval"),
            ("month_end[]", keys_of(&metrics.month_end[0]),
             "month date open_exceptions expired_exceptions permanent_exceptions \
              recurring_controls open_actions overdue_actions"),
            ("top_controls[]", keys_of(&metrics.top_controls[0]),
             "id failures_in_window recurring"),
            ("accountability_by_origin[]", keys_of(&metrics.accountability_by_origin[0]),
             "origin role failures_in_window failures_total"),
            ("frameworks[]", keys_of(&metrics.frameworks[0]), "id references covered uncovered"),
            ("processes[]", keys_of(&metrics.processes[0]),
             "id owner failures_in_window recurring controls"),
            ("reviews[]", keys_of(&metrics.reviews[0]),
             "id control origin date decided_by fix_owner decision actions_open actions_done"),
            ("teams[]", keys_of(&metrics.teams[0]),
             "id members processes exceptions failures actions findings summary"),
            ("people[]", keys_of(&metrics.people[0]),
             "id controls_owned processes_owned exceptions_approved failures_as_control_owner \
              failures_as_process_owner failures_as_approving_manager open_actions \
              overdue_actions gaps controls_owned_before actions accountable_in_window"),
        ];
        for (object, keys, expected) in cases {
            let expected: Vec<&str> = expected.split_whitespace().collect();
            assert_eq!(keys, expected, "keys of {object}");
        }
    }

    #[test]
    fn metrics_json_writes_dates_states_and_roles_as_the_contract_spells_them() {
        let metrics = small_kit().compute(AS_OF);
        let json = serde_json::to_value(&metrics).unwrap();
        assert_eq!(json["as_of"], "2026-11-01");
        assert_eq!(json["exceptions"][0]["state"], "permanent");
        assert_eq!(
            json["exceptions"][0]["days_to_expiry"],
            serde_json::Value::Null
        );
        assert_eq!(json["incidents"][1]["date"], "2026-10-01");
        assert_eq!(json["incidents"][1]["origins"][0], "design");
        assert_eq!(
            json["incidents"][1]["accountable"][0]["role"],
            "control-owner"
        );
        assert_eq!(json["gaps"][0]["kind"], "inactive-owner");
        assert_eq!(json["recurring_patterns"][0]["origin"], "design");
        assert_eq!(json["recurring_patterns"][0]["fix_owner"], "gone");
        assert_eq!(
            json["recurring_patterns"][0]["fix_owner_role"],
            "control-owner"
        );
        assert_eq!(json["processes"][0]["id"], "ci");
        assert_eq!(json["processes"][0]["controls"], serde_json::json!([]));
        assert_eq!(json["summary"]["repeat_rate"], 0.5);
        assert_eq!(json["controls"][0]["review_due"], serde_json::Value::Null);
        assert_eq!(json["exceptions"][0]["periods"][0]["granted"], "2026-10-01");
        assert_eq!(
            json["exceptions"][0]["periods"][0]["expires"],
            serde_json::Value::Null
        );
        assert_eq!(
            json["exceptions"][0]["periods"][0]["days"],
            serde_json::Value::Null
        );
        let by_origin = &json["accountability_by_origin"];
        assert_eq!(by_origin[0]["origin"], "design");
        assert_eq!(by_origin[0]["role"], "control-owner");
        assert_eq!(by_origin[2]["role"], "approving-manager");
        assert_eq!(json["frameworks"][0]["uncovered"][0], "R-2");
        assert_eq!(json["people"][0]["id"], "gone");
        assert_eq!(json["reviews"][0]["origin"], "design");
        assert_eq!(json["reviews"][0]["decision"], "fix-process");
        assert_eq!(json["reviews"][0]["fix_owner"], "gone");
    }

    #[test]
    fn same_model_and_as_of_give_identical_json() {
        let kit = kit_with_every_gap();
        let first = serde_json::to_string(&kit.compute(AS_OF)).unwrap();
        let second = serde_json::to_string(&kit.compute(AS_OF)).unwrap();
        assert_eq!(first, second);
    }

    #[test]
    fn broken_references_and_odd_settings_never_panic() {
        let mut orphan = incident("INC-1", "CTL-MISSING", "2026-06-01", &Origin::ALL);
        orphan.process = Some("no-such-process".to_string());
        orphan.exception = Some("EXC-MISSING".to_string());
        let mut bare = incident("INC-2", "CTL-A", "2026-06-01", &[]);
        bare.control = None;
        let mut floating = exception("EXC-1", "CTL-MISSING", "nobody", "2026-01-01", None);
        floating.approved_by = None;
        floating.requested_by = None;
        let mut no_control = exception("EXC-2", "CTL-A", "maria", "2026-01-01", None);
        no_control.control = None;
        let mut kit = Kit::default()
            .incident(orphan)
            .incident(bare)
            .exception(floating)
            .exception(no_control);
        let settings = [
            (0, 0, vec![]),
            (-5, 1, vec![90, 30, 30]),
            (i64::MAX, 3, vec![i64::MAX]),
        ];
        for (window_days, threshold, buckets) in settings {
            kit.model.site.recurrence.window_days = window_days;
            kit.model.site.recurrence.threshold = threshold;
            kit.model.site.exceptions.aging_buckets = buckets;
            for as_of in ["2026-11-01", "0001-01-01", "9999-12-31"] {
                let metrics = kit.compute(as_of);
                assert_eq!(metrics.monthly.len(), 24);
                assert_eq!(metrics.month_end.len(), 24);
                let _ = findings(&metrics);
            }
        }
    }
}
