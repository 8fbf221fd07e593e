//! Synthetic governance estates for benchmarks and load tests.
//!
//! ```text
//! cargo run --release --example synth -- --controls 5000 --seed 1 OUT
//! cargo run --release --example synth -- --controls 5000 --seed 1 --hugo OUT-HUGO
//! ```
//!
//! Writes OUT as a complete content directory in the documented format (site.yaml,
//! people.yaml, teams.yaml, frameworks.yaml, controls/, processes/, exceptions/,
//! incidents/YYYY/) with, per control, about 10 failures and 2 exceptions (both
//! adjustable). The same seed always gives byte-identical files. The estate has the variety
//! of a real one: owner changes, inactive owners and approvers, shared platform controls
//! with and without risk sign-off, overdue reviews, permanent, expired-but-open, renewed
//! (chronic), closed, future, self-approved and unauthorized exceptions, failures with one
//! origin and at a boundary (two origins), approvals through an exception or given
//! directly, remediation actions done, open and overdue, and ~150-word Markdown bodies with
//! a table.
//!
//! With `--hugo` it writes the same records as a Hugo site instead (same front matter, same
//! bodies, one page per record, person and framework, list pages per section), so
//! `scripts/bench` can time a general-purpose generator on the same page count.
//!
//! The generator is a plain function (`generate`) so the criterion benches can build an
//! estate in their setup. It uses its own small PRNG (SplitMix64): no dependency, and the
//! output never changes with a crate upgrade.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// The date metrics are computed for; every generated date is relative to it.
pub const AS_OF: (i64, i64, i64) = (2026, 11, 1);

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub controls: usize,
    pub seed: u64,
    pub incidents_per_control: f64,
    pub exceptions_per_control: f64,
    pub format: Format,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            controls: 100,
            seed: 1,
            incidents_per_control: 10.0,
            exceptions_per_control: 2.0,
            format: Format::Govsite,
        }
    }
}

/// Which kind of directory to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A govsite content directory.
    Govsite,
    /// A Hugo site with the same records (for the side-by-side benchmark).
    Hugo,
}

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub people: usize,
    pub teams: usize,
    pub frameworks: usize,
    pub controls: usize,
    pub processes: usize,
    pub exceptions: usize,
    pub incidents: usize,
    pub files: usize,
    pub bytes: u64,
}

/// Generates an estate into `out`, which must be missing or empty.
pub fn generate(options: &Options, out: &Path) -> io::Result<Summary> {
    if out.exists() {
        let empty = std::fs::read_dir(out)?.next().is_none();
        if !empty {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "refusing to write into `{}`: it is not empty",
                    out.display()
                ),
            ));
        }
    }
    let estate = Estate::new(options);
    let mut writer = Writer {
        root: out.to_path_buf(),
        files: 0,
        bytes: 0,
    };
    match options.format {
        Format::Govsite => estate.write_content(&mut writer)?,
        Format::Hugo => estate.write_hugo(&mut writer)?,
    }
    Ok(Summary {
        people: estate.people.len(),
        teams: estate.teams.len(),
        frameworks: FRAMEWORKS.len(),
        controls: estate.controls.len(),
        processes: estate.processes.len(),
        exceptions: estate.exceptions.len(),
        incidents: estate.incidents.len(),
        files: writer.files,
        bytes: writer.bytes,
    })
}

#[allow(dead_code)] // unused when the benches include this file as a module
fn main() {
    match parse_args(std::env::args().skip(1)) {
        Ok((options, out)) => {
            let started = std::time::Instant::now();
            match generate(&options, &out) {
                Ok(summary) => {
                    eprintln!(
                        "synth: {} controls, {} processes, {} exceptions, {} incidents, {} people, {} teams: {} files, {:.1} MB in {:.2} s -> {}",
                        summary.controls,
                        summary.processes,
                        summary.exceptions,
                        summary.incidents,
                        summary.people,
                        summary.teams,
                        summary.files,
                        summary.bytes as f64 / 1e6,
                        started.elapsed().as_secs_f64(),
                        out.display()
                    );
                }
                Err(error) => {
                    eprintln!("synth: {error}");
                    std::process::exit(1);
                }
            }
        }
        Err(message) => {
            eprintln!("synth: {message}\n\n{USAGE}");
            std::process::exit(2);
        }
    }
}

const USAGE: &str = "usage: synth [--controls N] [--seed S] [--incidents-per-control F] \
[--exceptions-per-control F] [--hugo] OUT

  --controls N                 controls in the estate (default 100)
  --seed S                     PRNG seed; the same seed gives the same files (default 1)
  --incidents-per-control F    failures per control on average (default 10)
  --exceptions-per-control F   exceptions per control on average (default 2)
  --hugo                       write the same records as a Hugo site instead
  OUT                          a missing or empty folder";

#[allow(dead_code)]
fn parse_args(args: impl Iterator<Item = String>) -> Result<(Options, PathBuf), String> {
    let mut options = Options::default();
    let mut out = None;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{what} needs a value"))
        };
        match name.as_str() {
            "--controls" => {
                options.controls = number(&value("--controls")?, "--controls")?;
                if options.controls == 0 {
                    return Err("--controls must be at least 1".into());
                }
            }
            "--seed" => options.seed = number(&value("--seed")?, "--seed")?,
            "--incidents-per-control" => {
                options.incidents_per_control = number(
                    &value("--incidents-per-control")?,
                    "--incidents-per-control",
                )?
            }
            "--exceptions-per-control" => {
                options.exceptions_per_control = number(
                    &value("--exceptions-per-control")?,
                    "--exceptions-per-control",
                )?
            }
            "--hugo" => options.format = Format::Hugo,
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            _ if out.is_none() => out = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    let out = out.ok_or("missing the output folder OUT")?;
    Ok((options, out))
}

#[allow(dead_code)]
fn number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{what}: `{text}` is not a valid number"))
}

// ---------------------------------------------------------------------------------------
// Randomness and dates

/// SplitMix64: tiny, fast and good enough for synthetic data.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next_u64();
        rng
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `k` distinct indexes below `n` (k <= n), in ascending order.
    fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        while chosen.len() < k.min(n) {
            let i = self.below(n);
            if !chosen.contains(&i) {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        chosen
    }
}

/// Days since 1970-01-01 (proleptic Gregorian), after Howard Hinnant's `days_from_civil`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// A day number, printed as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Date(i64);

impl Date {
    fn as_of() -> Date {
        Date(days_from_civil(AS_OF.0, AS_OF.1, AS_OF.2))
    }
    fn plus(self, days: i64) -> Date {
        Date(self.0 + days)
    }
    fn year(self) -> i64 {
        civil_from_days(self.0).0
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (y, m, d) = civil_from_days(self.0);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

// ---------------------------------------------------------------------------------------
// Vocabulary

const FIRST_NAMES: &[&str] = &[
    "dana", "aisha", "sam", "tomas", "lee", "maria", "ravi", "jonas", "priya", "kenji", "fatima",
    "olga", "noah", "amara", "lucas", "mei", "omar", "ines", "tariq", "sofia", "yusuf", "hana",
    "diego", "leila", "arjun", "elena", "kwame", "nora", "pavel", "zara", "felix", "chloe",
    "ibrahim", "greta", "mateo", "anya", "hugo", "lina", "rafael", "saanvi",
];

const LAST_NAMES: &[&str] = &[
    "okafor",
    "khan",
    "lee",
    "berg",
    "chen",
    "gomez",
    "patel",
    "weber",
    "sharma",
    "tanaka",
    "haddad",
    "ivanova",
    "smith",
    "mensah",
    "silva",
    "wang",
    "farouk",
    "moreau",
    "aziz",
    "rossi",
    "demir",
    "sato",
    "alvarez",
    "nasser",
    "iyer",
    "popescu",
    "boateng",
    "lindqvist",
    "novak",
    "hussain",
    "schmidt",
    "dubois",
    "adeyemi",
    "jansen",
    "romero",
    "kuznetsova",
    "meyer",
    "nakamura",
    "costa",
    "reddy",
];

const JOB_TITLES: &[&str] = &[
    "Security Engineer",
    "Senior Security Engineer",
    "Staff Identity Engineer",
    "Platform Engineer",
    "Site Reliability Engineer",
    "Engineering Manager",
    "Head of Platform Security",
    "Data Engineer",
    "ML Platform Engineer",
    "Risk Manager",
    "Director of Engineering",
    "IAM Analyst",
];

const TEAM_NAMES: &[&str] = &[
    "platform-security",
    "platform-engineering",
    "payments",
    "data-platform",
    "ml-platform",
    "identity",
    "developer-experience",
    "core-banking",
    "customer-api",
    "risk-office",
    "sre",
    "partner-integrations",
];

/// (id abbreviation, object) pairs for control titles and ids.
const CONTROL_OBJECTS: &[(&str, &str)] = &[
    ("SECRET", "CI/CD deploy secrets"),
    ("SA", "service accounts"),
    ("APIKEY", "third-party API keys"),
    ("CERT", "TLS certificates"),
    ("AGENT", "AI agent permissions"),
    ("WID", "workload identities"),
    ("DB", "database credentials"),
    ("SSH", "SSH deploy keys"),
    ("CLOUD", "cloud access tokens"),
    ("HOOK", "webhook signing keys"),
];

const CONTROL_ACTIONS: &[&str] = &[
    "Rotation of",
    "Inventory of",
    "Least privilege for",
    "Time-to-live limits for",
    "Offboarding of",
    "Ownership attestation of",
    "Scope review of",
    "Environment isolation of",
    "Issuance approval for",
    "Leak detection for",
];

const SCOPES: &[&str] = &[
    "payments",
    "the data platform",
    "production clusters",
    "the build farm",
    "customer-facing APIs",
    "internal tooling",
    "the ML platform",
    "partner integrations",
];

const PROCESS_NAMES: &[(&str, &str)] = &[
    ("ci-cd-deploy", "CI/CD deployment"),
    ("service-onboarding", "Service onboarding"),
    ("access-review", "Quarterly NHI access review"),
    ("certificate-issuance", "Certificate issuance"),
    ("agent-approval-gate", "AI agent approval gate"),
    ("nhi-offboarding", "NHI offboarding"),
    ("key-rotation", "Key rotation runbook"),
    ("incident-response", "Credential incident response"),
    ("vendor-onboarding", "Third-party vendor onboarding"),
    ("release-train", "Release train"),
];

const NHI_KINDS: &[&str] = &[
    "secret",
    "service-account",
    "token",
    "api-key",
    "certificate",
    "agent",
    "workload-identity",
];

const SEVERITIES: &[&str] = &["low", "medium", "high", "critical"];

const SURFACED_BY: &[&str] = &[
    "leaked-credential",
    "overbroad-access",
    "approval-bypass",
    "audit",
    "monitoring",
    "other",
];

const INCIDENT_PROBLEMS: &[&str] = &[
    "not rotated for 400 days",
    "leaked in a build log",
    "granted cluster-admin",
    "kept after its owner left",
    "minted with a 12-hour lifetime",
    "used from an unexpected network",
    "approved without a ticket",
    "shared between staging and production",
    "committed to a public repository",
    "expired and broke checkout",
];

/// Framework ids and their references, as in the example estate's frameworks.yaml.
/// (id, name, url, [(reference id, title)])
type FrameworkDef = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const FRAMEWORKS: &[FrameworkDef] = &[
    (
        "nist-csf-2",
        "NIST Cybersecurity Framework 2.0",
        "https://www.nist.gov/cyberframework",
        &[
            ("GV.OV-01", "Cybersecurity risk management strategy outcomes are reviewed to inform and adjust strategy and direction"),
            ("GV.OV-02", "The cybersecurity risk management strategy is reviewed and adjusted to ensure coverage of requirements and risks"),
            ("GV.OV-03", "Cybersecurity risk management performance is evaluated and reviewed for adjustments needed"),
            ("GV.RR-01", "Leadership is responsible and accountable for cybersecurity risk"),
            ("GV.RR-02", "Roles, responsibilities and authorities related to cybersecurity risk management are established, communicated, understood and enforced"),
            ("PR.AA-01", "Identities and credentials for authorized users, services and hardware are managed"),
            ("PR.AA-05", "Access permissions are defined, managed, enforced and reviewed, incorporating least privilege and separation of duties"),
            ("ID.IM-03", "Improvements are identified from execution of operational processes"),
        ],
    ),
    (
        "owasp-nhi-top10",
        "OWASP Non-Human Identities Top 10 (2025)",
        "https://owasp.org/www-project-non-human-identities-top-10/",
        &[
            ("NHI1:2025", "Improper Offboarding"),
            ("NHI2:2025", "Secret Leakage"),
            ("NHI3:2025", "Vulnerable Third-Party NHI"),
            ("NHI4:2025", "Insecure Authentication"),
            ("NHI5:2025", "Overprivileged NHI"),
            ("NHI6:2025", "Insecure Cloud Deployment Configurations"),
            ("NHI7:2025", "Long-Lived Secrets"),
            ("NHI8:2025", "Environment Isolation"),
            ("NHI9:2025", "NHI Reuse"),
            ("NHI10:2025", "Human Use of NHI"),
        ],
    ),
    (
        "nist-ai-rmf",
        "NIST AI Risk Management Framework 1.0",
        "https://www.nist.gov/itl/ai-risk-management-framework",
        &[
            ("GOVERN 1", "Policies, processes, procedures and practices for mapping, measuring and managing AI risks are in place, transparent and implemented effectively"),
            ("GOVERN 2", "Accountability structures are in place so that the appropriate teams and individuals are empowered, responsible and trained"),
            ("GOVERN 2.1", "Roles, responsibilities and lines of communication related to AI risks are documented and clear"),
            ("GOVERN 2.3", "Executive leadership takes responsibility for decisions about risks associated with AI systems"),
            ("GOVERN 6", "Policies and procedures are in place to address AI risks arising from third-party software, data and supply chain"),
        ],
    ),
];

const SUBJECTS: &[&str] = &[
    "The nightly rotation job",
    "The deploy pipeline",
    "Every service account",
    "The token broker",
    "The central secrets manager",
    "Each registered AI agent",
    "The quarterly access review",
    "The internal certificate authority",
    "The onboarding workflow",
    "Every third-party API key",
    "Workload identity federation",
    "The admission policy",
    "The secret scanner",
    "The on-call engineer",
];

const VERBS: &[&str] = &[
    "re-issues",
    "checks",
    "denies",
    "logs",
    "scopes down",
    "revokes",
    "reports",
    "validates",
    "records",
    "rotates",
    "flags",
    "blocks",
];

const OBJECTS: &[&str] = &[
    "every credential older than 30 days",
    "tokens requested outside the allow-list",
    "permissions unused for 90 days",
    "secrets without rotation metadata",
    "keys that have no named owner",
    "certificates that expire within two weeks",
    "agent tool grants wider than the approved scope",
    "identities whose owner has left the company",
    "credentials copied into CI variables",
    "pull-request builds that request deploy secrets",
];

const QUALIFIERS: &[&str] = &[
    "before each production deploy",
    "every night at 02:00 UTC",
    "within 15 minutes of an alert",
    "for production namespaces only",
    "and writes the result to the audit log",
    "unless an approved exception covers the service",
    "and opens a ticket for the owning team",
    "across all three cloud accounts",
    "as part of the weekly compliance export",
    "with evidence kept for 400 days",
];

const EVIDENCE: &[&str] = &[
    "Rotation job run log",
    "Secret age report",
    "Gate failures",
    "Access review pack",
    "Broker issuance log",
    "Scanner findings",
    "Certificate inventory",
    "Agent scope registry",
];

const WHERE: &[&str] = &[
    "`rotation-jobs` dashboard",
    "GRC share",
    "CI audit log",
    "SIEM",
    "ticketing system",
    "platform wiki",
    "object storage, WORM bucket",
];

// ---------------------------------------------------------------------------------------
// The estate in memory

struct PersonRec {
    id: String,
    name: String,
    team: usize,
    title: &'static str,
    active: bool,
}

struct TeamRec {
    id: String,
    name: String,
    lead: Option<usize>,
}

struct ControlRec {
    id: String,
    title: String,
    owner: usize,
    approvers: Vec<usize>,
    /// Earlier owners, oldest first, with the last day they owned the control.
    history: Vec<(usize, Date)>,
    nhi: Vec<usize>,
    /// (framework index, reference indexes)
    frameworks: Vec<(usize, Vec<usize>)>,
    /// (adoption teams, risk sign-off)
    shared: Option<(Vec<usize>, Option<usize>)>,
    review: Option<(Date, i64)>,
    retired: bool,
    processes: Vec<usize>,
    exceptions: Vec<usize>,
}

struct ProcessRec {
    id: String,
    title: String,
    owner: usize,
    controls: Vec<usize>,
}

struct ExceptionRec {
    id: String,
    title: String,
    control: usize,
    process: Option<usize>,
    requested_by: usize,
    approved_by: usize,
    granted: Date,
    expires: Option<Date>,
    closed: Option<Date>,
    risk: &'static str,
    /// (approver, granted, expires)
    renewals: Vec<(usize, Date, Option<Date>)>,
}

struct ActionRec {
    title: String,
    owner: usize,
    due: Date,
    done: Option<Date>,
}

struct IncidentRec {
    id: String,
    title: String,
    date: Date,
    detected: Option<Date>,
    resolved: Option<Date>,
    control: usize,
    process: Option<usize>,
    origins: Vec<&'static str>,
    exception: Option<usize>,
    approved_by: Option<usize>,
    nhi: &'static str,
    severity: &'static str,
    surfaced_by: &'static str,
    actions: Vec<ActionRec>,
}

struct Estate {
    seed: u64,
    people: Vec<PersonRec>,
    teams: Vec<TeamRec>,
    /// People who approve exceptions (managers).
    managers: Vec<usize>,
    controls: Vec<ControlRec>,
    processes: Vec<ProcessRec>,
    exceptions: Vec<ExceptionRec>,
    incidents: Vec<IncidentRec>,
}

/// Random streams, one per purpose, so changing one part leaves the others as they were.
const STREAM_PEOPLE: u64 = 1;
const STREAM_CONTROLS: u64 = 2;
const STREAM_PROCESSES: u64 = 3;
const STREAM_EXCEPTIONS: u64 = 4;
const STREAM_INCIDENTS: u64 = 5;
const STREAM_BODIES: u64 = 1 << 32;

impl Estate {
    fn new(options: &Options) -> Estate {
        let n = options.controls.max(1);
        let mut estate = Estate {
            seed: options.seed,
            people: Vec::new(),
            teams: Vec::new(),
            managers: Vec::new(),
            controls: Vec::new(),
            processes: Vec::new(),
            exceptions: Vec::new(),
            incidents: Vec::new(),
        };
        estate.make_people(n);
        estate.make_controls(n);
        estate.make_processes(n);
        let exceptions = (n as f64 * options.exceptions_per_control).round() as usize;
        estate.make_exceptions(exceptions);
        let incidents = (n as f64 * options.incidents_per_control).round() as usize;
        estate.make_incidents(incidents);
        estate
    }

    fn make_people(&mut self, controls: usize) {
        let mut rng = Rng::new(self.seed, STREAM_PEOPLE);
        let count = (controls / 5).max(12);
        let teams = (count / 12).clamp(3, 400);
        for t in 0..teams {
            let base = TEAM_NAMES[t % TEAM_NAMES.len()];
            let id = if t < TEAM_NAMES.len() {
                base.to_string()
            } else {
                format!("{base}-{}", t / TEAM_NAMES.len() + 1)
            };
            let name = id.split('-').map(capitalise).collect::<Vec<_>>().join(" ");
            self.teams.push(TeamRec {
                id,
                name,
                lead: None,
            });
        }
        let mut used: HashMap<String, usize> = HashMap::new();
        for i in 0..count {
            let first = rng.pick(FIRST_NAMES);
            let last = rng.pick(LAST_NAMES);
            let base = format!("{first}-{last}");
            let seen = used.entry(base.clone()).or_insert(0);
            *seen += 1;
            let id = if *seen == 1 {
                base
            } else {
                format!("{base}-{seen}")
            };
            let team = if i < teams { i } else { rng.below(teams) };
            let manager = i % 8 == 0;
            self.people.push(PersonRec {
                id,
                name: format!("{} {}", capitalise(first), capitalise(last)),
                team,
                title: if manager {
                    "Engineering Manager"
                } else {
                    rng.pick(JOB_TITLES)
                },
                // About 6% have left; a few managers too, so inactive approvers appear.
                active: !rng.chance(if manager { 0.03 } else { 0.06 }),
            });
            if manager {
                self.managers.push(i);
            }
        }
        for t in 0..teams {
            // Most teams name a lead: the first member found, else none.
            if rng.chance(0.9) {
                self.teams[t].lead = self.people.iter().position(|p| p.team == t);
            }
        }
    }

    fn active_person(&self, rng: &mut Rng) -> usize {
        loop {
            let p = rng.below(self.people.len());
            if self.people[p].active {
                return p;
            }
        }
    }

    fn manager(&self, rng: &mut Rng) -> usize {
        rng.pick(&self.managers)
    }

    fn make_controls(&mut self, n: usize) {
        let mut rng = Rng::new(self.seed, STREAM_CONTROLS);
        let as_of = Date::as_of();
        for i in 0..n {
            let object = rng.below(CONTROL_OBJECTS.len());
            let (abbr, object_text) = CONTROL_OBJECTS[object];
            let title = format!(
                "{} {} in {}",
                rng.pick(CONTROL_ACTIONS),
                object_text,
                rng.pick(SCOPES)
            );
            // 3% of controls are still owned by someone who left (an ownership gap).
            let owner = if rng.chance(0.03) {
                rng.below(self.people.len())
            } else {
                self.active_person(&mut rng)
            };
            let approvers = self.control_approvers(&mut rng);
            let history = self.owner_history(&mut rng, owner, as_of);
            let nhi = control_nhi(&mut rng, object);
            let frameworks = control_frameworks(&mut rng);
            let shared = rng.chance(0.05).then(|| {
                let k = rng.range(1, 4) as usize;
                let teams = rng.sample(self.teams.len(), k);
                let signoff = rng.chance(0.8).then(|| self.manager(&mut rng));
                (teams, signoff)
            });
            let review = rng.chance(0.7).then(|| {
                let every = rng.pick(&[90, 180, 365]);
                (as_of.plus(-rng.range(0, every + 120)), every)
            });
            self.controls.push(ControlRec {
                id: format!("CTL-{abbr}-{:05}", i + 1),
                title,
                owner,
                approvers,
                history,
                nhi,
                frameworks,
                shared,
                review,
                retired: rng.chance(0.04),
                processes: Vec::new(),
                exceptions: Vec::new(),
            });
        }
    }

    /// 40% of controls name who may approve their exceptions.
    fn control_approvers(&self, rng: &mut Rng) -> Vec<usize> {
        if !rng.chance(0.4) {
            return Vec::new();
        }
        let k = rng.range(1, 3) as usize;
        let mut list: Vec<usize> = (0..k).map(|_| self.manager(rng)).collect();
        list.sort_unstable();
        list.dedup();
        list
    }

    /// A quarter of the controls changed hands once or twice in the last two years.
    fn owner_history(&self, rng: &mut Rng, owner: usize, as_of: Date) -> Vec<(usize, Date)> {
        let mut history = Vec::new();
        if rng.chance(0.25) {
            let changes = rng.range(1, 2);
            let mut until = as_of.plus(-rng.range(400, 700));
            for _ in 0..changes {
                // An earlier owner differs from the next one (and from the current owner).
                let next = history.last().map_or(owner, |&(p, _)| p);
                let mut earlier = rng.below(self.people.len());
                while earlier == next || earlier == owner {
                    earlier = rng.below(self.people.len());
                }
                history.push((earlier, until));
                until = until.plus(rng.range(60, 300));
            }
        }
        history
    }

    /// The exception a failure of `control` happened under, or the manager who approved it:
    /// most approval failures name one of them.
    fn approval(
        &self,
        rng: &mut Rng,
        control: usize,
        origins: &[&str],
    ) -> (Option<usize>, Option<usize>) {
        let exceptions = &self.controls[control].exceptions;
        if origins.contains(&"approval") {
            if !exceptions.is_empty() && rng.chance(0.65) {
                (Some(rng.pick(exceptions)), None)
            } else {
                (None, Some(rng.pick(&self.managers)))
            }
        } else if !exceptions.is_empty() && rng.chance(0.1) {
            (Some(rng.pick(exceptions)), None)
        } else {
            (None, None)
        }
    }

    /// Up to three remediation actions of a failure on `date`, most of them done.
    fn actions(&self, rng: &mut Rng, date: Date, as_of: Date) -> Vec<ActionRec> {
        let mut actions = Vec::new();
        for _ in 0..rng.range(0, 3) {
            let due = date.plus(rng.range(14, 120));
            let done = rng
                .chance(0.85)
                .then(|| due.plus(rng.range(-20, 30)))
                .filter(|d| *d <= as_of && *d > date);
            actions.push(ActionRec {
                title: format!(
                    "{} {} {}",
                    rng.pick(SUBJECTS),
                    rng.pick(VERBS),
                    rng.pick(OBJECTS)
                ),
                owner: self.active_person(rng),
                due,
                done,
            });
        }
        actions
    }

    fn make_processes(&mut self, n: usize) {
        let mut rng = Rng::new(self.seed, STREAM_PROCESSES);
        let count = (n / 10).max(3);
        for p in 0..count {
            let (slug, name) = PROCESS_NAMES[p % PROCESS_NAMES.len()];
            let owner = if rng.chance(0.03) {
                rng.below(self.people.len())
            } else {
                self.active_person(&mut rng)
            };
            self.processes.push(ProcessRec {
                id: format!("{slug}-{:04}", p + 1),
                title: format!("{name} ({})", rng.pick(SCOPES)),
                owner,
                controls: Vec::new(),
            });
        }
        // Every control is used by one process, a third by a second one as well.
        for c in 0..n {
            let mut uses = vec![c % count];
            if rng.chance(0.33) {
                let other = rng.below(count);
                if other != uses[0] {
                    uses.push(other);
                }
            }
            for p in uses {
                self.processes[p].controls.push(c);
                self.controls[c].processes.push(p);
            }
        }
    }

    /// One exception to a random control.
    fn exception(&self, rng: &mut Rng, as_of: Date) -> ExceptionRec {
        let control = rng.below(self.controls.len());
        let approvers = &self.controls[control].approvers;
        // Exceptions to controls that name approvers are mostly approved by one of them;
        // 8% are not (unauthorized approvals).
        let approver = |rng: &mut Rng| {
            if !approvers.is_empty() && !rng.chance(0.08) {
                rng.pick(approvers)
            } else {
                rng.pick(&self.managers)
            }
        };
        let approved_by = approver(rng);
        // 4% are approved by their own requester (separation of duties bypassed).
        let requested_by = if rng.chance(0.04) {
            approved_by
        } else {
            rng.below(self.people.len())
        };
        let (granted, expires) = grant(rng, as_of);
        let renewals = match expires {
            Some(first_expiry) => renewals(rng, first_expiry, &approver),
            None => Vec::new(),
        };
        let effective = match renewals.last() {
            Some(&(_, _, end)) => end,
            None => expires,
        };
        let closed = closed(rng, granted, effective, as_of);
        let process = {
            let uses = &self.controls[control].processes;
            (rng.chance(0.5) && !uses.is_empty()).then(|| rng.pick(uses))
        };
        let title = format!(
            "{} stay outside {} for {}",
            capitalise(rng.pick(OBJECTS)),
            self.controls[control].id,
            rng.pick(SCOPES)
        );
        ExceptionRec {
            id: String::new(),
            title,
            control,
            process,
            requested_by,
            approved_by,
            granted,
            expires,
            closed,
            risk: rng.pick(SEVERITIES),
            renewals,
        }
    }

    fn make_exceptions(&mut self, count: usize) {
        let mut rng = Rng::new(self.seed, STREAM_EXCEPTIONS);
        let as_of = Date::as_of();
        let mut list: Vec<ExceptionRec> = (0..count)
            .map(|_| self.exception(&mut rng, as_of))
            .collect();
        list.sort_by_key(|e| e.granted);
        number_by_year(&mut list, "EXC", |e| e.granted, |e, id| e.id = id);
        for (i, exception) in list.iter().enumerate() {
            self.controls[exception.control].exceptions.push(i);
        }
        self.exceptions = list;
    }

    fn make_incidents(&mut self, count: usize) {
        let mut rng = Rng::new(self.seed, STREAM_INCIDENTS);
        let as_of = Date::as_of();
        let n = self.controls.len();
        // A tenth of the controls fail far more often: they become recurring.
        let hot: Vec<usize> = rng.sample(n, (n / 10).max(1));
        let mut list = Vec::with_capacity(count);
        for _ in 0..count {
            let control = if rng.chance(0.4) {
                rng.pick(&hot)
            } else {
                rng.below(n)
            };
            // 24 months of history; 0.5% are dated after as-of (ignored by the metrics).
            let date = if rng.chance(0.005) {
                as_of.plus(rng.range(1, 60))
            } else {
                as_of.plus(-rng.range(0, 729))
            };
            let origins = origins(&mut rng);
            let uses = &self.controls[control].processes;
            let process =
                (origins.contains(&"operation") || rng.chance(0.3)).then(|| rng.pick(uses));
            let (exception, approved_by) = self.approval(&mut rng, control, &origins);
            let detected = rng.chance(0.9).then(|| date.plus(rng.range(0, 14)));
            let resolved = detected
                .filter(|_| rng.chance(0.85))
                .map(|d| d.plus(rng.range(1, 45)))
                .filter(|d| *d <= as_of);
            let actions = self.actions(&mut rng, date, as_of);
            let object = CONTROL_OBJECTS[rng.below(CONTROL_OBJECTS.len())].1;
            list.push(IncidentRec {
                id: String::new(),
                title: format!("{} {}", capitalise(object), rng.pick(INCIDENT_PROBLEMS)),
                date,
                detected,
                resolved,
                control,
                process,
                origins,
                exception,
                approved_by,
                nhi: rng.pick(NHI_KINDS),
                severity: rng.pick(SEVERITIES),
                surfaced_by: rng.pick(SURFACED_BY),
                actions,
            });
        }
        list.sort_by_key(|i| i.date);
        number_by_year(&mut list, "INC", |i| i.date, |i, id| i.id = id);
        self.incidents = list;
    }
}

/// When an exception was granted, over the last 30 months (1% after as-of: `future`), and
/// when its first grant expires: 8% never, otherwise in 30-90 days, or in more than policy
/// allows.
fn grant(rng: &mut Rng, as_of: Date) -> (Date, Option<Date>) {
    let granted = if rng.chance(0.01) {
        as_of.plus(rng.range(1, 30))
    } else {
        as_of.plus(-rng.range(0, 900))
    };
    let expires = if rng.chance(0.08) {
        None
    } else if rng.chance(0.75) {
        Some(granted.plus(rng.range(30, 90)))
    } else {
        Some(granted.plus(rng.range(91, 365)))
    };
    (granted, expires)
}

/// The renewals of an exception whose first grant expires on `first_expiry`: 7% are renewed
/// two or three times (chronic), 20% of the rest once; a last renewal may have no end.
fn renewals(
    rng: &mut Rng,
    first_expiry: Date,
    approver: &dyn Fn(&mut Rng) -> usize,
) -> Vec<(usize, Date, Option<Date>)> {
    let mut renewals = Vec::new();
    let count = if rng.chance(0.07) {
        rng.range(2, 3)
    } else if rng.chance(0.2) {
        1
    } else {
        0
    };
    let mut previous = first_expiry;
    for r in 0..count {
        let start = previous.plus(-rng.range(0, 5));
        let end = if r == count - 1 && rng.chance(0.04) {
            None
        } else {
            Some(start.plus(rng.range(30, 120)))
        };
        renewals.push((approver(rng), start, end));
        match end {
            Some(end) => previous = end,
            None => break,
        }
    }
    renewals
}

/// Most exceptions that lapsed long ago were closed (early, or some days after lapsing); the
/// rest stay open: expired-but-open, the finding leadership must chase.
fn closed(rng: &mut Rng, granted: Date, effective: Option<Date>, as_of: Date) -> Option<Date> {
    let lapsed = effective.is_some_and(|end| end < as_of.plus(-30));
    if !rng.chance(if lapsed { 0.8 } else { 0.3 }) {
        return None;
    }
    let span = effective.map_or(365, |end| (end.0 - granted.0).max(1) + 30);
    let day = granted.plus(rng.range(1, span));
    (day <= as_of).then_some(day)
}

/// A failure's origins: 35% design, 30% operation, 10% approval, 25% two of them.
fn origins(rng: &mut Rng) -> Vec<&'static str> {
    match rng.below(100) {
        0..=34 => vec!["design"],
        35..=64 => vec!["operation"],
        65..=74 => vec!["approval"],
        75..=89 => vec!["design", "operation"],
        90..=94 => vec!["operation", "approval"],
        _ => vec!["design", "approval"],
    }
}

/// One to three NHI kinds, including the one the control's object suggests.
fn control_nhi(rng: &mut Rng, object: usize) -> Vec<usize> {
    let k = rng.range(1, 3) as usize;
    let mut nhi = rng.sample(NHI_KINDS.len(), k);
    if !nhi.contains(&(object % NHI_KINDS.len())) && nhi.len() < 3 {
        nhi.push(object % NHI_KINDS.len());
        nhi.sort_unstable();
    }
    nhi
}

/// One to three frameworks, with one to three references each.
fn control_frameworks(rng: &mut Rng) -> Vec<(usize, Vec<usize>)> {
    let mut frameworks = Vec::new();
    let k = rng.range(1, 3) as usize;
    for f in rng.sample(FRAMEWORKS.len(), k) {
        let refs = FRAMEWORKS[f].3.len();
        let k = rng.range(1, 3) as usize;
        frameworks.push((f, rng.sample(refs, k)));
    }
    frameworks
}

/// Ids `PREFIX-YYYY-NNNNNN`, numbered within each year in date order.
fn number_by_year<T>(
    list: &mut [T],
    prefix: &str,
    date: impl Fn(&T) -> Date,
    set: impl Fn(&mut T, String),
) {
    let mut year = i64::MIN;
    let mut seq = 0;
    for item in list.iter_mut() {
        let y = date(item).year();
        if y != year {
            year = y;
            seq = 0;
        }
        seq += 1;
        set(item, format!("{prefix}-{y}-{seq:06}"));
    }
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------
// Writing

struct Writer {
    root: PathBuf,
    files: usize,
    bytes: u64,
}

impl Writer {
    fn write(&mut self, relative: &str, text: &str) -> io::Result<()> {
        let path = self.root.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut file = io::BufWriter::new(std::fs::File::create(&path)?);
        file.write_all(text.as_bytes())?;
        file.flush()?;
        self.files += 1;
        self.bytes += text.len() as u64;
        Ok(())
    }
}

/// A double-quoted YAML scalar (the generated text never holds `"` or `\`).
fn q(text: &str) -> String {
    format!("\"{text}\"")
}

impl Estate {
    fn person(&self, p: usize) -> &str {
        &self.people[p].id
    }

    fn people_list(&self, list: &[usize]) -> String {
        let ids: Vec<&str> = list.iter().map(|&p| self.person(p)).collect();
        format!("[{}]", ids.join(", "))
    }

    fn site_yaml(&self) -> String {
        let as_of = Date::as_of();
        format!(
            "# Synthetic estate generated by `cargo run --release --example synth` (seed {}).\n\
             title: Synthetic NHI Governance\n\
             organisation: Example Holdings ({} controls)\n\
             as_of: {as_of}\n\
             recurrence:\n  window_days: 365\n  threshold: 2\n\
             exceptions:\n  max_validity_days: 90\n  expiring_soon_days: 30\n  aging_buckets: [30, 90, 180, 365]\n\
             review_overdue_grace_days: 0\n",
            self.seed,
            self.controls.len()
        )
    }

    fn people_yaml(&self) -> String {
        let mut text = String::from("# People: owners, approvers and action owners.\n");
        for person in &self.people {
            let _ = write!(
                text,
                "- id: {}\n  name: {}\n  email: {}@example.com\n  team: {}\n  title: {}\n",
                person.id,
                person.name,
                person.id.replace('-', "."),
                self.teams[person.team].id,
                person.title
            );
            if !person.active {
                text.push_str("  active: false\n");
            }
        }
        text
    }

    fn teams_yaml(&self) -> String {
        let mut text = String::from("# Teams.\n");
        for team in &self.teams {
            let _ = write!(text, "- id: {}\n  name: {}\n", team.id, team.name);
            if let Some(lead) = team.lead {
                let _ = writeln!(text, "  lead: {}", self.person(lead));
            }
        }
        text
    }

    fn frameworks_yaml(&self) -> String {
        let mut text = String::from("# Frameworks and their references.\n");
        for (id, name, url, refs) in FRAMEWORKS {
            let _ = write!(
                text,
                "- id: {id}\n  name: {name}\n  url: {url}\n  references:\n"
            );
            for (rid, title) in refs.iter() {
                let _ = write!(text, "    - id: {}\n      title: {title}\n", q(rid));
            }
        }
        text
    }

    fn control_front(&self, c: &ControlRec) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "title: {}", q(&c.title));
        let _ = writeln!(t, "owner: {}", self.person(c.owner));
        if !c.approvers.is_empty() {
            let _ = writeln!(t, "approvers: {}", self.people_list(&c.approvers));
        }
        if !c.history.is_empty() {
            t.push_str("owner_history:\n");
            for (owner, until) in &c.history {
                let _ = write!(
                    t,
                    "  - owner: {}\n    until: {until}\n",
                    self.person(*owner)
                );
            }
        }
        let kinds: Vec<&str> = c.nhi.iter().map(|&k| NHI_KINDS[k]).collect();
        let _ = writeln!(t, "nhi: [{}]", kinds.join(", "));
        t.push_str("frameworks:\n");
        for (f, refs) in &c.frameworks {
            let (id, _, _, all) = FRAMEWORKS[*f];
            let refs: Vec<String> = refs.iter().map(|&r| q(all[r].0)).collect();
            let _ = writeln!(t, "  {id}: [{}]", refs.join(", "));
        }
        if let Some((teams, signoff)) = &c.shared {
            t.push_str("shared_platform:\n");
            let teams: Vec<&str> = teams.iter().map(|&x| self.teams[x].id.as_str()).collect();
            let _ = writeln!(t, "  adoption_owners: [{}]", teams.join(", "));
            if let Some(signoff) = signoff {
                let _ = writeln!(t, "  risk_signoff: {}", self.person(*signoff));
            }
        }
        if let Some((last, every)) = c.review {
            let _ = write!(t, "review:\n  last: {last}\n  every_days: {every}\n");
        }
        if c.retired {
            t.push_str("status: retired\n");
        }
        t
    }

    fn process_front(&self, p: &ProcessRec) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "title: {}", q(&p.title));
        let _ = writeln!(t, "owner: {}", self.person(p.owner));
        t.push_str("controls:\n");
        for &c in &p.controls {
            let _ = writeln!(t, "  - {}", self.controls[c].id);
        }
        t
    }

    fn exception_front(&self, e: &ExceptionRec) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "title: {}", q(&e.title));
        let _ = writeln!(t, "control: {}", self.controls[e.control].id);
        if let Some(p) = e.process {
            let _ = writeln!(t, "process: {}", self.processes[p].id);
        }
        let _ = writeln!(t, "requested_by: {}", self.person(e.requested_by));
        let _ = writeln!(t, "approved_by: {}", self.person(e.approved_by));
        let _ = writeln!(t, "granted: {}", e.granted);
        if let Some(expires) = e.expires {
            let _ = writeln!(t, "expires: {expires}");
        }
        if let Some(closed) = e.closed {
            let _ = writeln!(t, "closed: {closed}");
        }
        let _ = writeln!(t, "risk: {}", e.risk);
        if !e.renewals.is_empty() {
            t.push_str("renewals:\n");
            for (approver, granted, expires) in &e.renewals {
                let _ = write!(
                    t,
                    "  - approved_by: {}\n    granted: {granted}\n",
                    self.person(*approver)
                );
                if let Some(expires) = expires {
                    let _ = writeln!(t, "    expires: {expires}");
                }
            }
        }
        t
    }

    fn incident_front(&self, i: &IncidentRec) -> String {
        let mut t = String::new();
        let _ = writeln!(t, "title: {}", q(&i.title));
        let _ = writeln!(t, "date: {}", i.date);
        if let Some(detected) = i.detected {
            let _ = writeln!(t, "detected: {detected}");
        }
        if let Some(resolved) = i.resolved {
            let _ = writeln!(t, "resolved: {resolved}");
        }
        let _ = writeln!(t, "control: {}", self.controls[i.control].id);
        if let Some(p) = i.process {
            let _ = writeln!(t, "process: {}", self.processes[p].id);
        }
        if i.origins.len() == 1 {
            let _ = writeln!(t, "origin: {}", i.origins[0]);
        } else {
            let _ = writeln!(t, "origin: [{}]", i.origins.join(", "));
        }
        if let Some(e) = i.exception {
            let _ = writeln!(t, "exception: {}", self.exceptions[e].id);
        }
        if let Some(a) = i.approved_by {
            let _ = writeln!(t, "approved_by: {}", self.person(a));
        }
        let _ = writeln!(t, "nhi: {}", i.nhi);
        let _ = writeln!(t, "severity: {}", i.severity);
        let _ = writeln!(t, "surfaced_by: {}", i.surfaced_by);
        if !i.actions.is_empty() {
            t.push_str("actions:\n");
            for action in &i.actions {
                let _ = write!(
                    t,
                    "  - title: {}\n    owner: {}\n    due: {}\n",
                    q(&action.title),
                    self.person(action.owner),
                    action.due
                );
                if let Some(done) = action.done {
                    let _ = writeln!(t, "    done: {done}");
                }
            }
        }
        t
    }

    /// A per-record generator for bodies, independent of the order records are written in.
    fn body_rng(&self, kind: u64, index: usize) -> Rng {
        Rng::new(self.seed, STREAM_BODIES + kind * (1 << 28) + index as u64)
    }

    fn control_body(&self, index: usize) -> String {
        let mut rng = self.body_rng(1, index);
        let mut t = String::from("## Objective\n\n");
        paragraph(&mut rng, &mut t, 3);
        t.push_str("\n## How it works\n\n");
        for step in 1..=3 {
            let _ = writeln!(t, "{step}. {}", sentence(&mut rng));
        }
        t.push_str("\n| Evidence | Where | Retention |\n|---|---|---|\n");
        for _ in 0..3 {
            let _ = writeln!(
                t,
                "| {} | {} | {} days |",
                rng.pick(EVIDENCE),
                rng.pick(WHERE),
                rng.pick(&[90, 180, 400, 1095])
            );
        }
        t.push_str("\n## Known weaknesses\n\n");
        for _ in 0..2 {
            let _ = writeln!(t, "- {}", sentence(&mut rng));
        }
        t
    }

    fn process_body(&self, index: usize) -> String {
        let mut rng = self.body_rng(2, index);
        let mut t = String::from("## Scope\n\n");
        paragraph(&mut rng, &mut t, 2);
        t.push_str("\n## Workflow\n\n");
        for step in 1..=3 {
            let _ = writeln!(t, "{step}. {}", sentence(&mut rng));
        }
        t.push_str("\n| Quarter | Runs | On time | Findings |\n|---|---|---|---|\n");
        for q in 1..=4 {
            let runs = rng.range(4, 40);
            let _ = writeln!(
                t,
                "| 2026-Q{q} | {runs} | {} | {} |",
                rng.range(runs / 2, runs),
                rng.range(0, 200)
            );
        }
        t.push_str("\n## Process owner duties\n\n");
        paragraph(&mut rng, &mut t, 2);
        t
    }

    fn exception_body(&self, index: usize) -> String {
        let mut rng = self.body_rng(3, index);
        let e = &self.exceptions[index];
        let mut t = String::from("## Request\n\n");
        paragraph(&mut rng, &mut t, 2);
        t.push_str("\n## Compensating controls\n\n");
        for _ in 0..3 {
            let _ = writeln!(t, "- {}", sentence(&mut rng));
        }
        t.push_str("\n| Grant | Approved by | From | Until |\n|---|---|---|---|\n");
        let until = |d: Option<Date>| d.map_or("no expiry".to_string(), |d| d.to_string());
        let _ = writeln!(
            t,
            "| Original | {} | {} | {} |",
            self.people[e.approved_by].name,
            e.granted,
            until(e.expires)
        );
        for (n, (approver, granted, expires)) in e.renewals.iter().enumerate() {
            let _ = writeln!(
                t,
                "| Renewal {} | {} | {granted} | {} |",
                n + 1,
                self.people[*approver].name,
                until(*expires)
            );
        }
        t.push_str("\n## Plan to end it\n\n");
        paragraph(&mut rng, &mut t, 2);
        t
    }

    fn incident_body(&self, index: usize) -> String {
        let mut rng = self.body_rng(4, index);
        let i = &self.incidents[index];
        let mut t = String::from("## Summary\n\n");
        paragraph(&mut rng, &mut t, 3);
        t.push_str("\n## Timeline\n\n| When | What |\n|---|---|\n");
        let mut day = i.date;
        for _ in 0..3 {
            let _ = writeln!(
                t,
                "| {day} {:02}:{:02} | {} |",
                rng.range(0, 23),
                rng.range(0, 59),
                sentence(&mut rng).trim_end_matches('.')
            );
            day = day.plus(rng.range(0, 3));
        }
        t.push_str("\n## Root cause\n\n");
        paragraph(&mut rng, &mut t, 2);
        t.push_str("\n## Lessons\n\n");
        for _ in 0..2 {
            let _ = writeln!(t, "- {}", sentence(&mut rng));
        }
        t
    }

    fn write_content(&self, w: &mut Writer) -> io::Result<()> {
        w.write("site.yaml", &self.site_yaml())?;
        w.write("people.yaml", &self.people_yaml())?;
        w.write("teams.yaml", &self.teams_yaml())?;
        w.write("frameworks.yaml", &self.frameworks_yaml())?;
        for (n, c) in self.controls.iter().enumerate() {
            let text = record(&self.control_front(c), &self.control_body(n));
            w.write(&format!("controls/{}.md", c.id), &text)?;
        }
        for (n, p) in self.processes.iter().enumerate() {
            let text = record(&self.process_front(p), &self.process_body(n));
            w.write(&format!("processes/{}.md", p.id), &text)?;
        }
        for (n, e) in self.exceptions.iter().enumerate() {
            let text = record(&self.exception_front(e), &self.exception_body(n));
            w.write(&format!("exceptions/{}.md", e.id), &text)?;
        }
        for (n, i) in self.incidents.iter().enumerate() {
            let text = record(&self.incident_front(i), &self.incident_body(n));
            w.write(&format!("incidents/{}/{}.md", i.date.year(), i.id), &text)?;
        }
        Ok(())
    }

    /// The same records as a Hugo site: every record page with the same front matter and
    /// body, a page per person and framework, and a list page per section listing every
    /// page in it (as govsite's list pages do).
    fn write_hugo(&self, w: &mut Writer) -> io::Result<()> {
        w.write("config.toml", HUGO_CONFIG)?;
        w.write("layouts/_default/baseof.html", HUGO_BASEOF)?;
        w.write("layouts/_default/single.html", HUGO_SINGLE)?;
        w.write("layouts/_default/list.html", HUGO_LIST)?;
        w.write("layouts/index.html", HUGO_HOME)?;
        for (section, title) in [
            ("controls", "Controls"),
            ("processes", "Processes"),
            ("exceptions", "Exceptions"),
            ("incidents", "Incidents"),
            ("people", "People"),
            ("frameworks", "Frameworks"),
        ] {
            w.write(
                &format!("content/{section}/_index.md"),
                &format!("---\ntitle: {title}\n---\n"),
            )?;
        }
        for (n, c) in self.controls.iter().enumerate() {
            let text = record(&self.control_front(c), &self.control_body(n));
            w.write(&format!("content/controls/{}.md", c.id), &text)?;
        }
        for (n, p) in self.processes.iter().enumerate() {
            let text = record(&self.process_front(p), &self.process_body(n));
            w.write(&format!("content/processes/{}.md", p.id), &text)?;
        }
        for (n, e) in self.exceptions.iter().enumerate() {
            let text = record(&self.exception_front(e), &self.exception_body(n));
            w.write(&format!("content/exceptions/{}.md", e.id), &text)?;
        }
        for (n, i) in self.incidents.iter().enumerate() {
            let text = record(&self.incident_front(i), &self.incident_body(n));
            w.write(
                &format!("content/incidents/{}/{}.md", i.date.year(), i.id),
                &text,
            )?;
        }
        self.write_hugo_people_and_frameworks(w)
    }

    fn write_hugo_people_and_frameworks(&self, w: &mut Writer) -> io::Result<()> {
        for person in &self.people {
            let front = format!(
                "title: {}\nemail: {}@example.com\nteam: {}\njob: {}\nactive: {}\n",
                q(&person.name),
                person.id.replace('-', "."),
                self.teams[person.team].id,
                person.title,
                person.active
            );
            w.write(
                &format!("content/people/{}.md", person.id),
                &record(&front, ""),
            )?;
        }
        for (id, name, url, refs) in FRAMEWORKS {
            let mut body = String::from("| Reference | Title |\n|---|---|\n");
            for (rid, title) in refs.iter() {
                let _ = writeln!(body, "| {rid} | {title} |");
            }
            let front = format!("title: {}\nlink: {url}\n", q(name));
            w.write(
                &format!("content/frameworks/{id}.md"),
                &record(&front, &body),
            )?;
        }
        Ok(())
    }
}

fn record(front: &str, body: &str) -> String {
    format!("---\n{front}---\n{body}")
}

fn sentence(rng: &mut Rng) -> String {
    let mut s = format!(
        "{} {} {} {}.",
        rng.pick(SUBJECTS),
        rng.pick(VERBS),
        rng.pick(OBJECTS),
        rng.pick(QUALIFIERS)
    );
    // Some inline Markdown, as real records have.
    match rng.below(8) {
        0 => s = s.replacen("every", "**every**", 1),
        1 => s = s.replacen("30 days", "`30d`", 1),
        _ => {}
    }
    s
}

fn paragraph(rng: &mut Rng, text: &mut String, sentences: usize) {
    let parts: Vec<String> = (0..sentences).map(|_| sentence(rng)).collect();
    text.push_str(&parts.join(" "));
    text.push('\n');
}

const HUGO_CONFIG: &str = r#"baseURL = "/"
title = "Synthetic NHI Governance"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
buildFuture = true
buildExpired = true
enableGitInfo = false
[markup.goldmark.renderer]
unsafe = false
"#;

const HUGO_BASEOF: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}"></head>
<body>
<nav><a href="{{ "" | relURL }}">Home</a>
{{ range .Site.Sections }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ .Site.Title }}</footer>
</body>
</html>
"#;

const HUGO_SINGLE: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<table class="facts">
{{ range $key, $value := .Params }}<tr><th>{{ $key }}</th><td>{{ $value }}</td></tr>
{{ end }}</table>
<article>{{ .Content }}</article>
<p><a href="{{ .Parent.RelPermalink }}">All {{ .Section }}</a></p>
{{ end }}
"#;

const HUGO_LIST: &str = r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<table class="list">
<tr><th>Page</th><th>Date</th><th>Owner</th><th>Control</th><th>Origin</th></tr>
{{ range .RegularPagesRecursive }}<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ .Params.date }}</td><td>{{ .Params.owner }}</td><td>{{ .Params.control }}</td><td>{{ .Params.origin }}</td></tr>
{{ end }}</table>
{{ end }}
"#;

const HUGO_HOME: &str = r#"{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
<ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>: {{ len .RegularPagesRecursive }} pages</li>{{ end }}</ul>
{{ end }}
"#;
