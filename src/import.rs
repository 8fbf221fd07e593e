//! `govsite import`: scanner findings -> incident records, idempotently.
//!
//! Each source format has its own parser (`gitleaks`, `trufflehog`, `github`, `csv`) that
//! turns a report into `Finding`s, keeping only what locates a finding and never the secret
//! itself. `plan` maps findings through `import.yaml` (`mapping`) to new records (`record`),
//! leaving out those already imported; `write_new` is the only part that writes files.

pub mod csv;
pub mod github;
pub mod gitleaks;
pub mod mapping;
pub mod record;
pub mod trufflehog;

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde_json::value::RawValue;
use walkdir::WalkDir;

use crate::diagnostics::Diagnostic;
use crate::model::{Day, FindingSource};
use crate::spans::Pos;
use mapping::{ImportMap, Rules};

/// The report formats `govsite import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A gitleaks JSON report (`gitleaks git --report-format json --report-path FILE`).
    Gitleaks,
    /// trufflehog JSON lines (`trufflehog git URL --json > FILE`).
    Trufflehog,
    /// GitHub secret scanning alerts from the REST API (`gh api --paginate .../secret-scanning/alerts`).
    Github,
    /// A CSV file whose columns `import.yaml` names under `csv.columns`.
    Csv,
}

/// One finding of a report, with nothing of the secret but the values kept to check that
/// no written file contains them.
pub struct Finding {
    /// Tool, rule, fingerprint and location, as the record's `source` will hold them.
    pub source: FindingSource,
    /// The rule in words (gitleaks `Description`, GitHub `secret_type_display_name`).
    pub label: String,
    /// When the secret was committed or pushed, if the report says.
    pub date: Option<Day>,
    /// When the tool found it, if the report says (else the `--detected` date).
    pub detected: Option<Day>,
    pub resolved: Option<Day>,
    /// A GitHub push-protection bypass: an approval bypassed.
    pub bypass: Option<Bypass>,
    /// Sentences for the record's body ("TruffleHog verified the secret as live.").
    pub notes: Vec<String>,
    /// Why the finding is not imported at all (an alert closed as a false positive).
    pub skip: Option<&'static str>,
    /// Where the finding is in the report.
    pub at: Pos,
    pub withheld: Withheld,
}

/// Who pushed past push protection, and who approved the bypass request (if one was made).
#[derive(Debug, Clone, Default)]
pub struct Bypass {
    pub by: Option<String>,
    pub reviewer: Option<String>,
    pub on: Option<Day>,
}

/// The secret values of a finding (`Secret`, `Match`, `Raw` ...), held only to check that
/// no written file contains them; never printed.
#[derive(Default)]
pub struct Withheld(pub Vec<String>);

impl Withheld {
    /// Secrets shorter than this are not searched for: a two-letter "secret" is found in
    /// any text, and real ones are far longer.
    const MIN_LEN: usize = 6;

    pub fn leaks_into(&self, text: &str) -> bool {
        (self.0.iter())
            .filter(|secret| secret.trim().len() >= Self::MIN_LEN)
            .any(|secret| text.contains(secret.trim()))
    }
}

/// A report read into findings, or every problem found in it.
pub type Parsed = Result<Vec<Finding>, Vec<Diagnostic>>;

/// Parses a report's text in the given format.
pub fn parse_report(format: Format, path: &Path, text: &str, map: &ImportMap) -> Parsed {
    let text = crate::content::strip_bom(text);
    match format {
        Format::Gitleaks => gitleaks::parse(path, text),
        Format::Trufflehog => trufflehog::parse(path, text),
        Format::Github => github::parse(path, text),
        Format::Csv => match &map.csv {
            Some(csv) => csv::parse(path, text, csv),
            None => Err(vec![Diagnostic::error(
                path,
                Pos::START,
                "no `csv:` section in the mapping file: name the CSV columns under `csv.columns` (see docs/content-format.md)",
            )]),
        },
    }
}

/// The rules of `format` in the mapping.
pub fn rules_for(format: Format, map: &ImportMap) -> Rules<'_> {
    let (rules, section) = match format {
        Format::Gitleaks => (map.gitleaks.as_ref().map(|t| &t.rules), "gitleaks.rules"),
        Format::Trufflehog => (
            map.trufflehog.as_ref().map(|t| &t.rules),
            "trufflehog.rules",
        ),
        Format::Github => (map.github.as_ref().map(|t| &t.rules), "github.rules"),
        Format::Csv => (map.csv.as_ref().map(|c| &c.rules), "csv.rules"),
    };
    Rules { rules, section }
}

/// The largest report read: a report of a million findings is well under this.
const MAX_REPORT_BYTES: u64 = 512 * 1024 * 1024;

/// Reads a report (or mapping) file as UTF-8 text.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let problem = |message: String| Diagnostic::error(path, Pos::START, message);
    let file =
        std::fs::File::open(path).map_err(|e| problem(format!("cannot read the file: {e}")))?;
    let mut bytes = Vec::new();
    file.take(MAX_REPORT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| problem(format!("cannot read the file: {e}")))?;
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(problem(format!(
            "the file is larger than {} MiB: split the report",
            MAX_REPORT_BYTES >> 20
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        Diagnostic::error(
            path,
            Pos { line, col: 1 },
            "the file is not valid UTF-8: export the report as UTF-8",
        )
    })
}

/// The day of a date or timestamp as tools write them (`2026-05-01`,
/// `2026-05-01T10:20:30Z`, `2026-05-01 10:20:30 -0700 PDT`): its first ten characters,
/// the calendar day where it was written. Empty means no date.
pub fn day_of(text: &str) -> Result<Option<Day>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let day = text.get(..10).unwrap_or(text);
    let rest_is_time = text.len() == 10 || text[10..].starts_with(['T', 't', ' ']);
    match day.parse::<Day>() {
        Ok(day) if rest_is_time => Ok(Some(day)),
        _ => Err(format!(
            "`{text}` is not a date: write YYYY-MM-DD or an RFC 3339 time such as 2026-05-01T10:20:30Z"
        )),
    }
}

/// A JSON error as a diagnostic: where serde_json stopped in a text that starts at `base`
/// in the file, with `hint` saying what the file should be.
/// `field` is the path serde stopped at (`.` for none).
pub fn json_problem(
    path: &Path,
    inner: &serde_json::Error,
    field: &str,
    base: Pos,
    hint: &str,
) -> Diagnostic {
    let text = inner.to_string();
    let message = text
        .rfind(" at line ")
        .map_or(text.as_str(), |cut| &text[..cut]);
    let message = if inner.is_data() && field != "." {
        format!("`{field}`: {message}: {hint}")
    } else {
        format!("{message}: {hint}")
    };
    let (line, col) = (inner.line().max(1), inner.column().max(1));
    let pos = Pos {
        line: base.line + line - 1,
        col: if line == 1 { base.col + col - 1 } else { col },
    };
    Diagnostic::error(path, pos, message)
}

/// The items of the JSON array (or of several arrays one after another, as
/// `gh api --paginate` prints them) in `text`, each with its position and its own text.
pub fn json_array_items<'t>(
    path: &Path,
    text: &'t str,
    hint: &str,
) -> Result<Vec<(Pos, &'t str)>, Diagnostic> {
    let stream = serde_json::Deserializer::from_str(text).into_iter::<Vec<&RawValue>>();
    let mut items = Vec::new();
    for array in stream {
        let array = array.map_err(|error| json_problem(path, &error, ".", Pos::START, hint))?;
        items.extend(array.into_iter().map(|raw| {
            let item = raw.get();
            (pos_in(text, item), item)
        }));
    }
    Ok(items)
}

/// Deserializes one JSON item found at `at`; errors point into the file.
pub fn parse_item<'t, T: serde::Deserialize<'t>>(
    path: &Path,
    at: Pos,
    item: &'t str,
    hint: &str,
) -> Result<T, Diagnostic> {
    let mut deserializer = serde_json::Deserializer::from_str(item);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let field = error.path().to_string();
        let mut problem = json_problem(path, error.inner(), &field, at, hint);
        // serde_json finds a field missing at the object's end: point at its start.
        if problem.message.starts_with("missing field") {
            (problem.line, problem.column) = (at.line, at.col);
        }
        problem
    })
}

/// Where the key `"key"` is in `item` (a slice of `text`), else where `item` starts: the
/// position of a field whose value is wrong.
pub fn key_pos(text: &str, item: &str, key: &str) -> Pos {
    let at = item.find(&format!("\"{key}\"")).unwrap_or(0);
    pos_in(text, &item[at..])
}

/// Where `part` (a slice of `text`) starts in it, as a line and column.
fn pos_in(text: &str, part: &str) -> Pos {
    let offset = (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
    let before = text.get(..offset).unwrap_or_default();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos {
        line: before.matches('\n').count() + 1,
        col: before[line_start..].chars().count() + 1,
    }
}

/// Every item's result, or every problem.
pub fn all_or_problems(results: impl IntoIterator<Item = Result<Finding, Diagnostic>>) -> Parsed {
    let (mut findings, mut problems) = (Vec::new(), Vec::new());
    for result in results {
        match result {
            Ok(finding) => findings.push(finding),
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(findings)
    } else {
        Err(problems)
    }
}

/// The lowercased ids of every incident file under `incidents/` (any subfolder), so an id
/// in use is never written again, wherever the record was moved to.
pub fn existing_incident_ids(content_dir: &Path) -> HashSet<String> {
    WalkDir::new(content_dir.join("incidents"))
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "md"))
        .filter_map(|entry| {
            let stem = entry.path().file_stem()?.to_str()?;
            Some(stem.to_lowercase())
        })
        .collect()
}

/// What an import would do: the new records, and how many findings were left out and why.
#[derive(Debug, Default)]
pub struct Plan {
    pub new: Vec<record::NewRecord>,
    /// Findings whose record already exists.
    pub already: usize,
    /// Findings given twice in the same report.
    pub repeated: usize,
    /// Findings the tool itself closed as not real, by reason.
    pub skipped: BTreeMap<&'static str, usize>,
    /// Findings of rules the mapping does not name, by rule.
    pub unmapped_rules: BTreeMap<String, usize>,
    /// Push-protection bypasses by a user the mapping's `people` does not name, by user.
    pub unmapped_people: BTreeMap<String, usize>,
    /// Findings not written because their location would reveal the secret, by position.
    pub withheld: Vec<Pos>,
}

impl Plan {
    /// Whether some findings of the report were left out for the user to act on.
    pub fn is_partial(&self) -> bool {
        !self.unmapped_rules.is_empty()
            || !self.unmapped_people.is_empty()
            || !self.withheld.is_empty()
    }
}

/// What `plan` needs besides the findings.
pub struct ImportContext<'a> {
    pub rules: Rules<'a>,
    pub people: &'a BTreeMap<String, String>,
    /// Lowercased ids of the incidents already in the content.
    pub existing: &'a HashSet<String>,
    /// The folder new records go to.
    pub folder: PathBuf,
    /// The `detected` date of findings whose report gives none.
    pub detected: Day,
}

/// Maps each finding to a new record, or counts why it is left out.
pub fn plan(findings: Vec<Finding>, context: &ImportContext<'_>) -> Plan {
    let mut plan = Plan::default();
    let mut seen = HashSet::new();
    for finding in findings {
        if let Some(reason) = finding.skip {
            *plan.skipped.entry(reason).or_default() += 1;
            continue;
        }
        let Some(rule) = context.rules.get(&finding.source.rule) else {
            *plan
                .unmapped_rules
                .entry(finding.source.rule.clone())
                .or_default() += 1;
            continue;
        };
        let id = record::incident_id(&finding.source.tool, &finding.source.fingerprint);
        if context.existing.contains(&id.to_lowercase()) {
            plan.already += 1;
            continue;
        }
        if !seen.insert(id.clone()) {
            plan.repeated += 1;
            continue;
        }
        let approver = match &finding.bypass {
            Some(bypass) => match bypass_approver(bypass, context.people) {
                Ok(person) => Some(person),
                Err(login) => {
                    *plan.unmapped_people.entry(login).or_default() += 1;
                    continue;
                }
            },
            None => None,
        };
        let new = record::render(&finding, rule, approver, id, context);
        if finding.withheld.leaks_into(&new.text) {
            plan.withheld.push(finding.at);
            continue;
        }
        plan.new.push(new);
    }
    plan
}

/// The person accountable for a push-protection bypass: the reviewer who approved the
/// bypass request, else the user who bypassed (they approved their own push). `Err` is the
/// user name the mapping's `people` lacks.
fn bypass_approver<'a>(
    bypass: &Bypass,
    people: &'a BTreeMap<String, String>,
) -> Result<&'a str, String> {
    let login = bypass
        .reviewer
        .as_deref()
        .or(bypass.by.as_deref())
        .unwrap_or("(unknown user)");
    people
        .get(login)
        .map(String::as_str)
        .ok_or_else(|| login.to_string())
}

/// Writes the new records, each under a temporary name renamed into place only if no file
/// has its name (an edited record is never overwritten). Returns the files written.
pub fn write_new(plan: &Plan) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::with_capacity(plan.new.len());
    for new in &plan.new {
        let folder = new.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
        let mut temp = tempfile::Builder::new()
            .prefix(".govsite-import-")
            .tempfile_in(folder)
            .with_context(|| format!("writing into {}", folder.display()))?;
        std::io::Write::write_all(&mut temp, new.text.as_bytes())
            .with_context(|| format!("writing {}", new.path.display()))?;
        match temp.persist_noclobber(&new.path) {
            Ok(_) => written.push(new.path.clone()),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(e.error).with_context(|| format!("writing {}", new.path.display()))
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_from_dates_and_timestamps_as_written() {
        let day = |text: &str| day_of(text).map(|d| d.map(|d| d.to_string()));
        assert_eq!(day(""), Ok(None));
        assert_eq!(day("2026-05-01"), Ok(Some("2026-05-01".into())));
        assert_eq!(day("2026-05-01T23:59:59Z"), Ok(Some("2026-05-01".into())));
        // trufflehog's git timestamps: the day where the commit was made, not in UTC.
        assert_eq!(
            day("2026-06-30 22:47:01 -0700 PDT"),
            Ok(Some("2026-06-30".into()))
        );
        assert!(day("05/01/2026").is_err());
        assert!(day("2026-05-01x").is_err());
        assert!(day("2026-02-30").is_err());
    }

    #[test]
    fn a_secret_is_found_in_a_text_unless_it_is_too_short_to_mean_anything() {
        let withheld = Withheld(vec!["s3cr3t-value".into(), "ab".into(), String::new()]);
        assert!(withheld.leaks_into("path/s3cr3t-value/file"));
        assert!(!withheld.leaks_into("a text with ab in it"));
    }

    #[test]
    fn positions_in_json_count_lines_and_characters() {
        let text = "[\n  {\"a\": 1},\n  {\"é\": 2, \"b\": 3}\n]";
        let items = json_array_items(Path::new("r.json"), text, "hint").unwrap();
        let at: Vec<Pos> = items.iter().map(|(pos, _)| *pos).collect();
        assert_eq!(at, [Pos { line: 2, col: 3 }, Pos { line: 3, col: 3 }]);
        assert_eq!(key_pos(text, items[1].1, "b"), Pos { line: 3, col: 12 });
    }

    #[test]
    fn the_bypass_approver_is_the_request_reviewer_else_the_user_who_bypassed() {
        let people = BTreeMap::from([("rev".to_string(), "ana".to_string())]);
        let bypass = |by: Option<&str>, reviewer: Option<&str>| Bypass {
            by: by.map(String::from),
            reviewer: reviewer.map(String::from),
            on: None,
        };
        assert_eq!(
            bypass_approver(&bypass(Some("dev"), Some("rev")), &people),
            Ok("ana")
        );
        assert_eq!(
            bypass_approver(&bypass(Some("rev"), None), &people),
            Ok("ana")
        );
        assert_eq!(
            bypass_approver(&bypass(Some("dev"), None), &people),
            Err("dev".to_string())
        );
    }

    fn finding(rule: &str, fingerprint: &str, file: &str, secret: &str) -> Finding {
        Finding {
            source: FindingSource {
                tool: "gitleaks".into(),
                rule: rule.into(),
                fingerprint: fingerprint.into(),
                file: Some(file.into()),
                ..FindingSource::default()
            },
            label: String::new(),
            date: None,
            detected: None,
            resolved: None,
            bypass: None,
            notes: Vec::new(),
            skip: None,
            at: Pos { line: 7, col: 3 },
            withheld: Withheld(vec![secret.into()]),
        }
    }

    #[test]
    fn findings_are_planned_once_and_never_with_their_secret() {
        let rules = BTreeMap::from([(
            "r".to_string(),
            serde_yaml::from_str("{control: C, origin: design}").unwrap(),
        )]);
        let existing = HashSet::from([record::incident_id("gitleaks", "old").to_lowercase()]);
        let people = BTreeMap::new();
        let context = ImportContext {
            rules: Rules {
                rules: Some(&rules),
                section: "gitleaks.rules",
            },
            people: &people,
            existing: &existing,
            folder: PathBuf::from("content/incidents/imported"),
            detected: "2026-07-15".parse().unwrap(),
        };
        let findings = vec![
            finding("r", "new", "a.env", "secret-value-1"),
            finding("r", "new", "a.env", "secret-value-1"),
            finding("r", "old", "b.env", "secret-value-2"),
            finding("other", "x", "c.env", "secret-value-3"),
            finding("r", "leaky", "keys/secret-value-4.txt", "secret-value-4"),
        ];
        let plan = plan(findings, &context);
        let ids: Vec<&str> = plan.new.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, [record::incident_id("gitleaks", "new")]);
        assert_eq!((plan.repeated, plan.already), (1, 1));
        assert_eq!(
            plan.unmapped_rules,
            BTreeMap::from([("other".to_string(), 1)])
        );
        assert_eq!(plan.withheld, [Pos { line: 7, col: 3 }]);
        assert!(plan.is_partial());
    }
}
