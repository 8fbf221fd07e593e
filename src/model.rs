//! Plain data types for the governance records. No I/O happens here.
//!
//! The record structs double as the front matter schema: every field a user may write is a
//! serde field, `deny_unknown_fields` turns typos into errors, and the fields filled in by the
//! loader (`id`, `source`, `body_html`) are `#[serde(skip)]`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use crate::day::Day;
use crate::spans::{Pos, Spans};

/// Everything loaded from one content directory, every collection keyed and sorted by id.
#[derive(Debug, Default)]
pub struct Model {
    pub site: SiteConfig,
    pub people: BTreeMap<String, Person>,
    pub teams: BTreeMap<String, Team>,
    pub frameworks: BTreeMap<String, Framework>,
    pub controls: BTreeMap<String, Control>,
    pub processes: BTreeMap<String, Process>,
    pub exceptions: BTreeMap<String, Exception>,
    /// Boxed: an estate has tens of thousands of incidents, parsed on all cores, and the map
    /// is built on one; boxed, it moves a pointer per incident instead of the whole record
    /// (at 50,000 incidents, 70 ms of one core and 20 MB of memory less).
    pub incidents: BTreeMap<String, Box<Incident>>,
    pub reviews: BTreeMap<String, ProcessReview>,
    /// Evidence files referenced by records, by their path under `content/evidence/`.
    pub evidence: BTreeMap<String, EvidenceFile>,
}

/// The kinds of record kept one per file, each in its own folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RecordKind {
    Control,
    Process,
    Exception,
    Incident,
    Review,
}

impl RecordKind {
    /// The kind in sentences: `control`, `process`, `exception`, `incident`, `review`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Control => "control",
            RecordKind::Process => "process",
            RecordKind::Exception => "exception",
            RecordKind::Incident => "incident",
            RecordKind::Review => "review",
        }
    }
}

impl Model {
    /// The file a record was read from, and the positions in it: a map lookup by id.
    pub fn source_of(&self, kind: RecordKind, id: &str) -> Option<&Source> {
        match kind {
            RecordKind::Control => self.controls.get(id).map(|r| &r.source),
            RecordKind::Process => self.processes.get(id).map(|r| &r.source),
            RecordKind::Exception => self.exceptions.get(id).map(|r| &r.source),
            RecordKind::Incident => self.incidents.get(id).map(|r| &r.source),
            RecordKind::Review => self.reviews.get(id).map(|r| &r.source),
        }
    }

    /// The file of every record (controls, processes, exceptions, incidents, reviews).
    pub fn record_sources(&self) -> impl Iterator<Item = PathBuf> + '_ {
        (self.controls.values().map(|r| r.source.path.clone()))
            .chain(self.processes.values().map(|r| r.source.path.clone()))
            .chain(self.exceptions.values().map(|r| r.source.path.clone()))
            .chain(self.incidents.values().map(|r| r.source.path.clone()))
            .chain(self.reviews.values().map(|r| r.source.path.clone()))
    }
}

/// An evidence attachment: copied into the site with its size and SHA-256.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFile {
    /// The path under `content/evidence/`, `/`-separated.
    pub path: String,
    /// Where the copy is in the site, under `evidence/`: `path`, or `path.txt` for a type a
    /// browser would run (see `evidence::published_path`).
    pub published: String,
    pub size: u64,
    pub sha256: String,
    /// The git blob id of the bytes (SHA-1 of `blob <size>\0` and the bytes), so provenance
    /// can tell whether the file is the one in the content's commit without reading it again.
    #[serde(skip)]
    pub git_blob: String,
    /// Where the file is on disk.
    #[serde(skip)]
    pub source: PathBuf,
}

/// Where a record came from, so later stages can point diagnostics into the file.
#[derive(Debug, Default, Clone)]
pub struct Source {
    /// The file path as the user would type it (content dir joined with the relative path).
    pub path: PathBuf,
    /// Positions of every key and value, by field path (`owner_history[0].until`).
    pub spans: Spans,
    /// Fields dropped while parsing because of a problem already reported.
    pub removed: Vec<String>,
}

impl Source {
    /// Position of the value at `field`, else of its nearest parent, else the file start.
    pub fn pos(&self, field: &str) -> Pos {
        self.spans.value_pos(&self.path, field)
    }

    /// Whether `field` was dropped for a problem already reported (so "missing" is no news).
    pub fn was_removed(&self, field: &str) -> bool {
        self.removed.iter().any(|gone| gone == field)
    }

    /// Position of the key naming `field` (for map keys such as a framework id).
    pub fn key_pos(&self, field: &str) -> Pos {
        self.spans.key_pos(&self.path, field)
    }
}

/// `site.yaml`: every setting optional.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SiteConfig {
    /// Site title shown in the header and page titles (default `NHI Governance`).
    pub title: String,
    /// Organisation name shown on the site.
    pub organisation: String,
    /// The date all metrics are computed for (YYYY-MM-DD); `--as-of` overrides it; default today (UTC).
    pub as_of: Option<Day>,
    /// When failures of a control count as recurring.
    pub recurrence: Recurrence,
    /// Exception policy: longest validity, expiring-soon notice, age buckets.
    pub exceptions: ExceptionPolicy,
    /// Extra days allowed after a control review falls due before it is reported overdue.
    pub review_overdue_grace_days: i64,
    /// Start every CSV export with a UTF-8 byte-order mark, so Excel reads it as UTF-8.
    pub excel_csv: bool,
    #[serde(skip)]
    pub source: Source,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "NHI Governance".to_string(),
            organisation: String::new(),
            as_of: None,
            recurrence: Recurrence::default(),
            exceptions: ExceptionPolicy::default(),
            review_overdue_grace_days: 0,
            excel_csv: false,
            source: Source::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Recurrence {
    /// Look-back window for recurring failures, in days.
    pub window_days: i64,
    /// Failures within the window that make a control recurring.
    pub threshold: usize,
}

impl Default for Recurrence {
    fn default() -> Self {
        Recurrence {
            window_days: 365,
            threshold: 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ExceptionPolicy {
    /// The longest period an exception (or a renewal) may be granted for, in days.
    pub max_validity_days: i64,
    /// Open exceptions expiring within this many days are expiring soon.
    pub expiring_soon_days: i64,
    /// Upper bounds (inclusive) of the exception age buckets, in days.
    pub aging_buckets: Vec<i64>,
}

impl Default for ExceptionPolicy {
    fn default() -> Self {
        ExceptionPolicy {
            max_validity_days: 90,
            expiring_soon_days: 30,
            aging_buckets: vec![30, 90, 180, 365],
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Person id, e.g. `dana-okafor`: letters, digits, `.`, `_`, `-`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Contact address.
    #[serde(default)]
    pub email: Option<String>,
    /// The person's team: a team id from teams.yaml.
    #[serde(default)]
    pub team: Option<String>,
    /// Job title.
    #[serde(default)]
    pub title: Option<String>,
    /// `false` when the person has left or the role has ended: anything they still own is an ownership gap.
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(skip)]
    pub source: Source,
    /// Index of this entry in `people.yaml`, for field paths like `[3].team`.
    #[serde(skip)]
    pub index: usize,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// Team id, e.g. `payments`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Team lead: a person id.
    #[serde(default)]
    pub lead: Option<String>,
    #[serde(skip)]
    pub source: Source,
    #[serde(skip)]
    pub index: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Framework id used in controls, e.g. `nist-csf-2`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Link to the framework.
    #[serde(default)]
    pub url: Option<String>,
    /// The framework's references (outcomes, risks, categories).
    #[serde(default)]
    pub references: Vec<FrameworkRef>,
    #[serde(skip)]
    pub source: Source,
    #[serde(skip)]
    pub index: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameworkRef {
    /// Reference id, free text: `PR.AA-01`, `NHI7:2025`, `GOVERN 2.1`.
    pub id: String,
    /// What the reference requires.
    #[serde(default)]
    pub title: String,
}

/// Kinds of non-human identity a control or incident concerns.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Nhi {
    Secret,
    ServiceAccount,
    Token,
    ApiKey,
    Certificate,
    Agent,
    WorkloadIdentity,
}

impl Nhi {
    /// Every kind, in the documented order (`docs/content-format.md`, "Value lists"); a
    /// kind's place here is its discriminant.
    pub const ALL: [Nhi; 7] = [
        Nhi::Secret,
        Nhi::ServiceAccount,
        Nhi::Token,
        Nhi::ApiKey,
        Nhi::Certificate,
        Nhi::Agent,
        Nhi::WorkloadIdentity,
    ];

    /// The name as written in content files and shown on pages.
    pub fn as_str(self) -> &'static str {
        match self {
            Nhi::Secret => "secret",
            Nhi::ServiceAccount => "service-account",
            Nhi::Token => "token",
            Nhi::ApiKey => "api-key",
            Nhi::Certificate => "certificate",
            Nhi::Agent => "agent",
            Nhi::WorkloadIdentity => "workload-identity",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ControlStatus {
    #[default]
    Active,
    Retired,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The name as written in content files and shown on pages.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// Where a failure came from; accountability follows it (DESIGN.md rule 3).
// The declaration order is the contract's order: design, operation, approval.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    Design,
    Operation,
    Approval,
}

impl Origin {
    pub const ALL: [Origin; 3] = [Origin::Design, Origin::Operation, Origin::Approval];

    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Design => "design",
            Origin::Operation => "operation",
            Origin::Approval => "approval",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SurfacedBy {
    LeakedCredential,
    OverbroadAccess,
    ApprovalBypass,
    Audit,
    Monitoring,
    Other,
}

impl SurfacedBy {
    /// The name as written in content files.
    pub fn as_str(self) -> &'static str {
        match self {
            SurfacedBy::LeakedCredential => "leaked-credential",
            SurfacedBy::OverbroadAccess => "overbroad-access",
            SurfacedBy::ApprovalBypass => "approval-bypass",
            SurfacedBy::Audit => "audit",
            SurfacedBy::Monitoring => "monitoring",
            SurfacedBy::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerPeriod {
    /// An earlier owner: a person id.
    pub owner: String,
    /// The owner held the control up to and including this date.
    pub until: Day,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedPlatform {
    /// Teams (team ids) that own adoption of the platform for their services.
    #[serde(default)]
    pub adoption_owners: Vec<String>,
    /// Who signs off the residual risk: a person id.
    #[serde(default)]
    pub risk_signoff: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    /// Date of the last review.
    pub last: Day,
    /// Review interval in days.
    pub every_days: i64,
}

/// A control (`controls/*.md`): a safeguard with its one named owner. The body says how it
/// works, where it is enforced and what evidence proves it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = Required(&["owner"]))]
pub struct Control {
    #[serde(skip_deserializing)]
    pub id: String,
    /// The record's id; optional, and when written it must equal the file stem.
    #[serde(default, rename = "id", skip_serializing)]
    pub declared_id: Option<String>,
    /// Control name.
    #[serde(default)]
    pub title: String,
    /// The one control owner: a person id (a person, never a team).
    #[schemars(with = "String")]
    #[serde(default)]
    pub owner: Option<String>,
    /// Who may approve exceptions to this control (person ids); empty = not restricted.
    #[serde(default)]
    pub approvers: Vec<String>,
    /// Earlier owners, oldest first.
    #[serde(default)]
    pub owner_history: Vec<OwnerPeriod>,
    /// Kinds of non-human identity the control protects.
    #[serde(default)]
    pub nhi: Vec<Nhi>,
    /// Framework id -> reference ids.
    #[serde(default)]
    pub frameworks: BTreeMap<String, Vec<String>>,
    /// For controls provided by a central platform and adopted by many teams.
    #[serde(default)]
    pub shared_platform: Option<SharedPlatform>,
    /// Evidence files, as paths under `content/evidence/`.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Periodic review of the control; without it the control is never overdue.
    #[serde(default)]
    pub review: Option<Review>,
    /// `retired` controls stay on the site with their history.
    #[serde(default)]
    pub status: ControlStatus,
    #[serde(skip_deserializing)]
    pub body_html: String,
    #[serde(skip)]
    pub source: Source,
}

impl Control {
    /// The control owner on `day`: the first `owner_history` entry still running on that day,
    /// else the current owner.
    pub fn owner_on(&self, day: Day) -> Option<&str> {
        self.owner_history
            .iter()
            .find(|period| period.until >= day)
            .map(|period| period.owner.as_str())
            .or(self.owner.as_deref())
    }
}

/// A process (`processes/*.md`): a workflow that uses controls, with its owner.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = Required(&["owner"]))]
pub struct Process {
    #[serde(skip_deserializing)]
    pub id: String,
    /// The record's id; optional, and when written it must equal the file stem.
    #[serde(default, rename = "id", skip_serializing)]
    pub declared_id: Option<String>,
    /// Process name.
    #[serde(default)]
    pub title: String,
    /// The process owner: a person id, accountable for `operation` failures.
    #[schemars(with = "String")]
    #[serde(default)]
    pub owner: Option<String>,
    /// Controls (control ids) this process relies on.
    #[serde(default)]
    pub controls: Vec<String>,
    #[serde(skip_deserializing)]
    pub body_html: String,
    #[serde(skip)]
    pub source: Source,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Renewal {
    /// Approver of this renewal: a person id.
    pub approved_by: String,
    /// Start of this renewal.
    pub granted: Day,
    /// End of this renewal; omit = the exception becomes permanent.
    #[serde(default)]
    pub expires: Option<Day>,
}

/// One grant period of an exception: the original grant or a renewal.
#[derive(Debug, Clone, Copy)]
pub struct GrantPeriod<'a> {
    pub approved_by: Option<&'a str>,
    pub granted: Day,
    pub expires: Option<Day>,
}

/// An exception (`exceptions/*.md`): a granted deviation from a control, who approved it and
/// how long it remains valid. The body is the justification.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = Required(&["control", "approved_by"]))]
pub struct Exception {
    #[serde(skip_deserializing)]
    pub id: String,
    /// The record's id; optional, and when written it must equal the file stem.
    #[serde(default, rename = "id", skip_serializing)]
    pub declared_id: Option<String>,
    /// Short description.
    #[serde(default)]
    pub title: String,
    // Required; `None` only so a missing value is reported by validation with a position.
    /// The control the exception is granted against: a control id.
    #[schemars(with = "String")]
    #[serde(default)]
    pub control: Option<String>,
    /// The process concerned: a process id.
    #[serde(default)]
    pub process: Option<String>,
    /// Who asked for it: a person id.
    #[serde(default)]
    pub requested_by: Option<String>,
    /// The approving manager of the original grant: a person id.
    #[schemars(with = "String")]
    #[serde(default)]
    pub approved_by: Option<String>,
    /// Start of the original grant.
    pub granted: Day,
    /// End of the original grant; omit = permanent (always flagged).
    #[serde(default)]
    pub expires: Option<Day>,
    /// When the exception ended; omit = still open.
    #[serde(default)]
    pub closed: Option<Day>,
    /// Risk rating of the deviation.
    #[serde(default)]
    pub risk: Option<Severity>,
    /// Extensions, oldest first; each one is a new grant period.
    #[serde(default)]
    pub renewals: Vec<Renewal>,
    /// Evidence files, as paths under `content/evidence/`.
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(skip_deserializing)]
    pub body_html: String,
    #[serde(skip)]
    pub source: Source,
}

impl Exception {
    /// The original grant followed by every renewal, oldest first.
    pub fn grant_periods(&self) -> impl Iterator<Item = GrantPeriod<'_>> {
        let original = GrantPeriod {
            approved_by: self.approved_by.as_deref(),
            granted: self.granted,
            expires: self.expires,
        };
        std::iter::once(original).chain(self.renewals.iter().map(|renewal| GrantPeriod {
            approved_by: Some(renewal.approved_by.as_str()),
            granted: renewal.granted,
            expires: renewal.expires,
        }))
    }

    /// The last renewal's expiry, else the original's; `None` means permanent.
    pub fn effective_expiry(&self) -> Option<Day> {
        match self.renewals.last() {
            Some(renewal) => renewal.expires,
            None => self.expires,
        }
    }

    /// The approver of the latest grant period (the last renewal's, else the original).
    pub fn latest_approver(&self) -> Option<&str> {
        match self.renewals.last() {
            Some(renewal) => Some(renewal.approved_by.as_str()),
            None => self.approved_by.as_deref(),
        }
    }

    /// The approver of the latest grant period granted on or before `day`
    /// (the original approver when none was).
    pub fn approver_on(&self, day: Day) -> Option<&str> {
        self.renewals
            .iter()
            .rev()
            .find(|renewal| renewal.granted <= day)
            .map(|renewal| renewal.approved_by.as_str())
            .or(self.approved_by.as_deref())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Action {
    /// What will be done.
    pub title: String,
    /// Who will do it: a person id.
    #[serde(default)]
    pub owner: Option<String>,
    /// Due date; an action without one is never overdue.
    #[serde(default)]
    pub due: Option<Day>,
    /// Completion date; omit = open.
    #[serde(default)]
    pub done: Option<Day>,
}

/// An incident (`incidents/*.md`): a control failure, where it came from and its remediation.
/// The body is the narrative or post-mortem.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = Required(&["control", "origin"]))]
pub struct Incident {
    #[serde(skip_deserializing)]
    pub id: String,
    /// The record's id; optional, and when written it must equal the file stem.
    #[serde(default, rename = "id", skip_serializing)]
    pub declared_id: Option<String>,
    /// Short description.
    #[serde(default)]
    pub title: String,
    /// When the failure happened; all metrics use this date.
    pub date: Day,
    /// When it was noticed.
    #[serde(default)]
    pub detected: Option<Day>,
    /// When it was resolved; omit = still open.
    #[serde(default)]
    pub resolved: Option<Day>,
    /// The control that failed: a control id.
    #[schemars(with = "String")]
    #[serde(default)]
    pub control: Option<String>,
    /// The process in which it failed: a process id (needed for an `operation` origin).
    #[serde(default)]
    pub process: Option<String>,
    /// One origin, or a list of them: `design`, `operation`, `approval`.
    // Kept in the order written (validation sorts nothing).
    #[schemars(schema_with = "one_or_many_origins")]
    #[serde(default, deserialize_with = "one_or_many")]
    pub origin: Vec<Origin>,
    /// The exception involved: an exception id.
    #[serde(default)]
    pub exception: Option<String>,
    /// The approver, when there is no exception record: a person id.
    #[serde(default)]
    pub approved_by: Option<String>,
    /// The kind of identity involved.
    #[serde(default)]
    pub nhi: Option<Nhi>,
    /// Impact rating.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// How the failure came to light.
    #[serde(default)]
    pub surfaced_by: Option<SurfacedBy>,
    /// Remediation actions: fix the process, not only the person.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Evidence files, as paths under `content/evidence/`.
    #[serde(default)]
    pub evidence: Vec<String>,
    /// The finding this incident was imported from (`govsite import`), if any.
    #[serde(default, rename = "source")]
    // Boxed: few incidents are imported, and every other one would carry the empty fields.
    pub found_by: Option<Box<FindingSource>>,
    #[serde(skip_deserializing)]
    pub body_html: String,
    #[serde(skip)]
    pub source: Source,
}

/// Where an imported incident came from: the tool's finding, never the secret itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingSource {
    /// `gitleaks`, `trufflehog`, `github` or the name a CSV mapping gives.
    pub tool: String,
    /// The tool's rule, detector or secret type.
    pub rule: String,
    /// The tool's fingerprint of the finding; the incident id is derived from it.
    pub fingerprint: String,
    /// The repository the finding is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The file, relative to the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The line in that file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The commit the finding was seen in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// A link to the finding (an alert page); must be `https://` or `http://`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Incident {
    /// The incident's origins without duplicates, in the contract's order.
    pub fn origins(&self) -> Vec<Origin> {
        Origin::ALL
            .into_iter()
            .filter(|origin| self.origin.contains(origin))
            .collect()
    }
}

/// What a process-defect review decided about its pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    FixProcess,
    AcceptRisk,
    RedesignControl,
    RetireControl,
}

impl Decision {
    /// The name as written in content files and shown on pages.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::FixProcess => "fix-process",
            Decision::AcceptRisk => "accept-risk",
            Decision::RedesignControl => "redesign-control",
            Decision::RetireControl => "retire-control",
        }
    }
}

/// A process-defect review (`reviews/*.md`): the decision taken about one pattern (a control
/// failing for one origin) and who carries it out. The body is the minutes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = Required(&["control", "origin", "decided_by", "decision"]))]
pub struct ProcessReview {
    #[serde(skip_deserializing)]
    pub id: String,
    /// The record's id; optional, and when written it must equal the file stem.
    #[serde(default, rename = "id", skip_serializing)]
    pub declared_id: Option<String>,
    /// Short description.
    #[serde(default)]
    pub title: String,
    // Required; `None` only so a missing value is reported by validation with a position.
    /// The control of the pattern reviewed: a control id.
    #[schemars(with = "String")]
    #[serde(default)]
    pub control: Option<String>,
    /// The origin of the pattern reviewed (one value).
    #[schemars(with = "Origin")]
    #[serde(default)]
    pub origin: Option<Origin>,
    /// When the review took place.
    pub date: Day,
    /// Who took the decision (a person id).
    #[schemars(with = "String")]
    #[serde(default)]
    pub decided_by: Option<String>,
    /// Who must carry the decision out: a person id; default the pattern's fix owner.
    #[serde(default)]
    pub fix_owner: Option<String>,
    /// What the review decided.
    #[schemars(with = "Decision")]
    #[serde(default)]
    pub decision: Option<Decision>,
    /// Remediation actions, written as an incident's.
    #[serde(default)]
    pub actions: Vec<Action>,
    /// Evidence files, as paths under `content/evidence/`.
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(skip_deserializing)]
    pub body_html: String,
    #[serde(skip)]
    pub source: Source,
}

/// In a schema, the fields that the loader reads as optional only so that `check` can report
/// a missing one at its place in the file: required, and without a default.
struct Required(&'static [&'static str]);

impl schemars::transform::Transform for Required {
    fn transform(&mut self, schema: &mut schemars::Schema) {
        if let Some(serde_json::Value::Object(properties)) = schema.get_mut("properties") {
            for field in self.0 {
                if let Some(serde_json::Value::Object(property)) = properties.get_mut(*field) {
                    property.remove("default");
                }
            }
        }
        let required = schema
            .ensure_object()
            .entry("required")
            .or_insert_with(|| serde_json::Value::Array(Vec::new()));
        if let serde_json::Value::Array(required) = required {
            required.extend(self.0.iter().map(|field| serde_json::Value::from(*field)));
        }
    }
}

/// The schema of what `one_or_many` reads: one origin, or a list of distinct origins (an
/// empty or repeated one is an error of `check`).
fn one_or_many_origins(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let one = generator.subschema_for::<Origin>();
    schemars::json_schema!({
        "anyOf": [one, {"type": "array", "items": one, "minItems": 1, "uniqueItems": true}]
    })
}

/// Accepts `origin: design` as well as `origin: [design, operation]`. The list is read
/// element by element so a bad value is reported at its own index.
pub(crate) fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct OneOrMany<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for OneOrMany<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("one value or a list of values")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Vec<T>, E> {
            use serde::de::IntoDeserializer;
            T::deserialize(text.into_deserializer()).map(|one| vec![one])
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut many = Vec::new();
            while let Some(one) = seq.next_element()? {
                many.push(one);
            }
            Ok(many)
        }
    }

    deserializer.deserialize_any(OneOrMany(std::marker::PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages write these names without serde: they must be the names content files use.
    #[test]
    fn names_shown_on_pages_are_the_names_in_content_files() {
        fn check<T: Serialize + serde::de::DeserializeOwned>(
            names: &[&str],
            as_str: fn(&T) -> &'static str,
        ) {
            for name in names {
                let value: T = serde_yaml::from_str(name).unwrap();
                assert_eq!(as_str(&value), *name);
                assert_eq!(serde_yaml::to_string(&value).unwrap().trim(), *name);
            }
        }
        check::<Nhi>(
            &[
                "secret",
                "service-account",
                "token",
                "api-key",
                "certificate",
                "agent",
                "workload-identity",
            ],
            |v| v.as_str(),
        );
        check::<Severity>(&["low", "medium", "high", "critical"], |v| v.as_str());
        check::<Origin>(&["design", "operation", "approval"], |v| v.as_str());
        check::<Decision>(
            &[
                "fix-process",
                "accept-risk",
                "redesign-control",
                "retire-control",
            ],
            |v| v.as_str(),
        );
        check::<SurfacedBy>(
            &[
                "leaked-credential",
                "overbroad-access",
                "approval-bypass",
                "audit",
                "monitoring",
                "other",
            ],
            |v| v.as_str(),
        );
    }
}
