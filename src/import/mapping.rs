//! `import.yaml`: which control, process and origin each tool's rule (or secret type) belongs
//! to, which people the tools' user names are, and how a CSV report's columns are named.
//! Parsing is pure (`parse_map`); `validate_map` checks the ids against the content.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::content::parse_yaml;
use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::load::id_problem;
use crate::model::{one_or_many, Model, Nhi, Origin, Severity, Source};

/// The whole mapping file; every section is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportMap {
    /// A tool's user name (a GitHub login) -> a person id of `people.yaml`.
    #[serde(default)]
    pub people: BTreeMap<String, String>,
    #[serde(default)]
    pub gitleaks: Option<ToolMap>,
    #[serde(default)]
    pub trufflehog: Option<ToolMap>,
    #[serde(default)]
    pub github: Option<ToolMap>,
    #[serde(default)]
    pub csv: Option<CsvMap>,
}

/// The rules of one tool, by the tool's rule id (gitleaks `RuleID`, trufflehog
/// `DetectorName`, GitHub `secret_type`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolMap {
    #[serde(default)]
    pub rules: BTreeMap<String, RuleMap>,
}

/// A generic CSV report: the tool's name, its columns, its rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvMap {
    /// The tool's name in incident ids and `source.tool`: lowercase letters, digits, `-`.
    pub tool: String,
    pub columns: CsvColumns,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleMap>,
}

/// Which CSV column (by its header) gives each fact; columns not named are never read.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsvColumns {
    pub fingerprint: String,
    pub rule: String,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub resolved: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub repository: Option<String>,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub line: Option<String>,
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

impl CsvColumns {
    /// Every mapped column: (the mapping key, the CSV header).
    pub fn named(&self) -> Vec<(&'static str, &str)> {
        let optional = [
            ("date", &self.date),
            ("resolved", &self.resolved),
            ("title", &self.title),
            ("repository", &self.repository),
            ("file", &self.file),
            ("line", &self.line),
            ("commit", &self.commit),
            ("url", &self.url),
        ];
        let mut named = vec![("fingerprint", self.fingerprint.as_str())];
        named.push(("rule", self.rule.as_str()));
        named.extend(
            optional
                .into_iter()
                .filter_map(|(key, column)| column.as_deref().map(|c| (key, c))),
        );
        named
    }
}

/// Where the findings of one rule belong.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMap {
    pub control: String,
    #[serde(default)]
    pub process: Option<String>,
    /// The origin every finding of the rule gets (a push-protection bypass adds `approval`).
    #[serde(deserialize_with = "one_or_many")]
    pub origin: Vec<Origin>,
    /// Needed with an `approval` origin: the approver of record.
    #[serde(default)]
    pub approved_by: Option<String>,
    /// Default `secret`.
    #[serde(default)]
    pub nhi: Option<Nhi>,
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// The rules of one tool and the YAML path they are under (for messages).
pub struct Rules<'a> {
    pub rules: Option<&'a BTreeMap<String, RuleMap>>,
    /// `gitleaks.rules`.
    pub section: &'static str,
}

impl Rules<'_> {
    pub fn get(&self, rule: &str) -> Option<&RuleMap> {
        self.rules.and_then(|rules| rules.get(rule))
    }
}

/// Parses the text of a mapping file; problems come back with their position.
pub fn parse_map(path: &Path, text: &str) -> Result<(ImportMap, Source), Vec<Diagnostic>> {
    let parsed = parse_yaml::<Option<ImportMap>>(path, crate::content::strip_bom(text), 0);
    if !parsed.diagnostics.is_empty() {
        return Err(parsed.diagnostics);
    }
    let source = Source {
        path: path.to_path_buf(),
        spans: parsed.spans,
        removed: parsed.removed,
    };
    Ok((parsed.value.flatten().unwrap_or_default(), source))
}

/// Checks every id the mapping names against the content, so imported records pass `check`.
pub fn validate_map(map: &ImportMap, source: &Source, model: &Model) -> Vec<Diagnostic> {
    let mut check = MapCheck {
        source,
        model,
        diagnostics: Vec::new(),
    };
    for (login, person) in &map.people {
        check.person(&format!("people.{login}"), person);
    }
    let sections = [
        ("gitleaks.rules", map.gitleaks.as_ref().map(|t| &t.rules)),
        (
            "trufflehog.rules",
            map.trufflehog.as_ref().map(|t| &t.rules),
        ),
        ("github.rules", map.github.as_ref().map(|t| &t.rules)),
        ("csv.rules", map.csv.as_ref().map(|c| &c.rules)),
    ];
    for (section, rules) in sections {
        for (rule, mapping) in rules.into_iter().flatten() {
            check.rule(&format!("{section}.{rule}"), mapping);
        }
    }
    if let Some(csv) = &map.csv {
        check.tool_name(&csv.tool);
    }
    check.diagnostics
}

struct MapCheck<'a> {
    source: &'a Source,
    model: &'a Model,
    diagnostics: Vec<Diagnostic>,
}

impl MapCheck<'_> {
    fn error(&mut self, field: &str, message: String) {
        let pos = self.source.pos(field);
        self.diagnostics
            .push(Diagnostic::error(&self.source.path, pos, message));
    }

    fn rule(&mut self, field: &str, rule: &RuleMap) {
        let model = self.model;
        self.reference(
            &format!("{field}.control"),
            &rule.control,
            "control",
            &model.controls,
        );
        if let Some(process) = &rule.process {
            self.reference(
                &format!("{field}.process"),
                process,
                "process",
                &model.processes,
            );
        }
        if let Some(approver) = &rule.approved_by {
            self.person(&format!("{field}.approved_by"), approver);
        }
        if rule.origin.is_empty() {
            self.error(
                &format!("{field}.origin"),
                "the rule has no origin: give `origin:` design, operation and/or approval".into(),
            );
        }
        for (i, origin) in rule.origin.iter().enumerate() {
            if rule.origin[..i].contains(origin) {
                self.error(
                    &format!("{field}.origin[{i}]"),
                    format!("origin `{}` is listed twice", origin.as_str()),
                );
            }
        }
        if rule.origin.contains(&Origin::Approval) && rule.approved_by.is_none() {
            self.error(
                &format!("{field}.origin"),
                "`approval` origin with no approver: add `approved_by:` to the rule (a GitHub push-protection bypass adds `approval` with its approver by itself)".into(),
            );
        }
    }

    fn person(&mut self, field: &str, id: &str) {
        let model = self.model;
        self.reference(field, id, "person", &model.people);
    }

    fn reference<T>(&mut self, field: &str, id: &str, kind: &str, records: &BTreeMap<String, T>) {
        if records.contains_key(id) {
            return;
        }
        let hint = match did_you_mean(id, records.keys().map(String::as_str)) {
            Some(close) => format!("did you mean `{close}`?"),
            None => format!(
                "no {kind} has this id in the content: fix the id, or create the {kind} first"
            ),
        };
        self.error(field, format!("unknown {kind} `{id}`: {hint}"));
    }

    fn tool_name(&mut self, tool: &str) {
        let lowercase = tool
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if id_problem(tool).is_some() || !lowercase {
            self.error(
                "csv.tool",
                format!("`{tool}` cannot be part of an incident id: name the tool with lowercase letters, digits and `-`"),
            );
        }
    }
}
