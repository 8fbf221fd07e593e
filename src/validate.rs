//! Cross-record checks (DESIGN.md "Validation"): references, governance rules, date order.
//! Everything per-file (syntax, fields, types, ids) was already reported by the loader.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::{
    Action, Control, Exception, Incident, Model, Origin, Process, ProcessReview, Source,
};

/// Checks the whole model and returns every problem found.
pub fn validate(model: &Model) -> Vec<Diagnostic> {
    let mut validator = Validator {
        model,
        diagnostics: Vec::new(),
    };
    validator.validate_settings();
    validator.validate_people_and_teams();
    validator.validate_frameworks();
    let mut diagnostics = validator.diagnostics;
    // Records are checked on all cores; their problems keep the order of the records.
    diagnostics.extend(each(model, &model.controls, Validator::validate_control));
    diagnostics.extend(each(model, &model.processes, Validator::validate_process));
    diagnostics.extend(each(
        model,
        &model.exceptions,
        Validator::validate_exception,
    ));
    diagnostics.extend(each(model, &model.incidents, Validator::validate_incident));
    diagnostics.extend(each(model, &model.reviews, Validator::validate_review));
    diagnostics
}

/// The problems of every record in `records` (boxed or not), in the records' order.
fn each<'a, T: Sync + 'a, R: std::borrow::Borrow<T>>(
    model: &'a Model,
    records: &'a BTreeMap<String, R>,
    check: fn(&mut Validator<'a>, &'a T),
) -> Vec<Diagnostic> {
    let records: Vec<&T> = records.values().map(R::borrow).collect();
    records
        .par_iter()
        .flat_map_iter(|record| {
            let mut validator = Validator {
                model,
                diagnostics: Vec::new(),
            };
            check(&mut validator, record);
            validator.diagnostics
        })
        .collect()
}

struct Validator<'a> {
    model: &'a Model,
    diagnostics: Vec<Diagnostic>,
}

/// Whether a reference to a person should warn when that person is inactive.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Duty {
    /// Owning or approving: an inactive person here is a governance problem.
    Accountable,
    /// Historical or informational: inactive people are expected.
    Record,
}

impl<'a> Validator<'a> {
    fn error(&mut self, source: &Source, field: &str, message: String) {
        self.diagnostics
            .push(Diagnostic::error(&source.path, source.pos(field), message));
    }

    /// Reports a missing required field, unless it was dropped for a problem already reported.
    fn missing(&mut self, source: &Source, field: &str, message: &str) {
        if !source.was_removed(field) {
            self.error(source, "", message.to_string());
        }
    }

    fn warning(&mut self, source: &Source, field: &str, message: String) {
        self.diagnostics.push(Diagnostic::warning(
            &source.path,
            source.pos(field),
            message,
        ));
    }

    /// Reports a reference to a record that does not exist, with the closest existing id.
    fn check_ref<T>(
        &mut self,
        source: &Source,
        field: &str,
        id: &str,
        kind: &str,
        records: &BTreeMap<String, T>,
    ) -> bool {
        if records.contains_key(id) {
            return true;
        }
        let team = (kind == "person")
            .then(|| self.model.teams.get(id))
            .flatten();
        let hint = match (did_you_mean(id, records.keys().map(String::as_str)), kind) {
            _ if team.is_some() => team_given_as_person(id, team.and_then(|t| t.lead.as_deref())),
            (Some(close), _) => format!("did you mean `{close}`?"),
            (None, "person") => "add them to people.yaml, or fix the id".to_string(),
            (None, "team" | "framework") => format!("add it to {kind}s.yaml, or fix the id"),
            (None, _) => format!("no {kind} has this id: create it, or fix the id"),
        };
        // Framework ids are map keys (`frameworks: {nist-csf-2: [...]}`): point at the key.
        let pos = if kind == "framework" {
            source.key_pos(field)
        } else {
            source.pos(field)
        };
        self.diagnostics.push(Diagnostic::error(
            &source.path,
            pos,
            format!("unknown {kind} `{id}`: {hint}"),
        ));
        false
    }

    fn check_person(&mut self, source: &Source, field: &str, id: &str, duty: Duty) {
        if !self.check_ref(source, field, id, "person", &self.model.people) {
            return;
        }
        let inactive = self
            .model
            .people
            .get(id)
            .is_some_and(|person| !person.active);
        if inactive && duty == Duty::Accountable {
            self.warning(
                source,
                field,
                format!(
                    "`{id}` is inactive: hand this to an active person (shown as an ownership gap)"
                ),
            );
        }
    }

    fn validate_settings(&mut self) {
        let site = &self.model.site;
        let mut problems = Vec::new();
        if site.recurrence.window_days < 1 {
            problems.push(("recurrence.window_days", "must be at least 1"));
        }
        if site.recurrence.threshold < 1 {
            problems.push(("recurrence.threshold", "must be at least 1"));
        }
        let buckets = &site.exceptions.aging_buckets;
        if buckets.first().is_some_and(|&first| first < 0)
            || buckets.windows(2).any(|w| w[0] >= w[1])
        {
            problems.push((
                "exceptions.aging_buckets",
                "must be increasing day counts, e.g. [30, 90, 180, 365]",
            ));
        }
        for (field, problem) in problems {
            self.error(&site.source, field, format!("`{field}` {problem}"));
        }
    }

    fn validate_people_and_teams(&mut self) {
        let model = self.model;
        for person in model.people.values() {
            if let Some(team) = &person.team {
                let field = format!("[{}].team", person.index);
                self.check_ref(&person.source, &field, team, "team", &model.teams);
            }
        }
        for team in model.teams.values() {
            if let Some(lead) = &team.lead {
                let field = format!("[{}].lead", team.index);
                self.check_person(&team.source, &field, lead, Duty::Record);
            }
        }
    }

    fn validate_frameworks(&mut self) {
        for framework in self.model.frameworks.values() {
            if let Some(url) = &framework.url {
                if !is_web_url(url) {
                    let field = format!("[{}].url", framework.index);
                    self.error(
                        &framework.source,
                        &field,
                        format!("`url` must start with https:// or http://, not `{url}`"),
                    );
                }
            }
            let mut seen = HashSet::new();
            for (i, reference) in framework.references.iter().enumerate() {
                if !seen.insert(reference.id.as_str()) {
                    let field = format!("[{}].references[{i}].id", framework.index);
                    self.error(
                        &framework.source,
                        &field,
                        format!(
                            "duplicate reference `{}` in framework `{}`",
                            reference.id, framework.id
                        ),
                    );
                }
            }
        }
    }

    fn validate_control(&mut self, control: &Control) {
        let source = &control.source;
        match &control.owner {
            Some(owner) => self.check_person(source, "owner", owner, Duty::Accountable),
            None => self.missing(
                source,
                "owner",
                "the control has no owner: add `owner:` with the one person accountable for it",
            ),
        }
        for (i, approver) in control.approvers.iter().enumerate() {
            self.check_person(
                source,
                &format!("approvers[{i}]"),
                approver,
                Duty::Accountable,
            );
        }
        let mut previous = None;
        for (i, period) in control.owner_history.iter().enumerate() {
            self.check_person(
                source,
                &format!("owner_history[{i}].owner"),
                &period.owner,
                Duty::Record,
            );
            if previous.is_some_and(|earlier| period.until <= earlier) {
                self.error(
                    source,
                    &format!("owner_history[{i}].until"),
                    format!("owner_history is out of date order: {} is not after the previous `until`; list earlier owners first", period.until),
                );
            }
            previous = Some(period.until);
        }
        self.validate_control_frameworks(control);
        if let Some(shared) = &control.shared_platform {
            for (i, team) in shared.adoption_owners.iter().enumerate() {
                let field = format!("shared_platform.adoption_owners[{i}]");
                self.check_ref(source, &field, team, "team", &self.model.teams);
            }
            if let Some(signoff) = &shared.risk_signoff {
                self.check_person(
                    source,
                    "shared_platform.risk_signoff",
                    signoff,
                    Duty::Accountable,
                );
            }
        }
        if let Some(review) = &control.review {
            if review.every_days < 1 {
                self.error(
                    source,
                    "review.every_days",
                    "review.every_days must be at least 1".into(),
                );
            }
        }
    }

    fn validate_control_frameworks(&mut self, control: &Control) {
        let source = &control.source;
        for (framework_id, references) in &control.frameworks {
            let Some(framework) = self.model.frameworks.get(framework_id) else {
                self.check_ref(
                    source,
                    &format!("frameworks.{framework_id}"),
                    framework_id,
                    "framework",
                    &self.model.frameworks,
                );
                continue;
            };
            for (i, reference) in references.iter().enumerate() {
                if framework
                    .references
                    .iter()
                    .all(|known| &known.id != reference)
                {
                    let known = framework.references.iter().map(|r| r.id.as_str());
                    let hint = did_you_mean(reference, known)
                        .map(|close| format!("did you mean `{close}`?"))
                        .unwrap_or_else(|| "add it to frameworks.yaml or fix the id".to_string());
                    self.error(
                        source,
                        &format!("frameworks.{framework_id}[{i}]"),
                        format!(
                            "unknown reference `{reference}` in framework `{framework_id}`: {hint}"
                        ),
                    );
                }
            }
        }
    }

    fn validate_process(&mut self, process: &Process) {
        let source = &process.source;
        match &process.owner {
            Some(owner) => self.check_person(source, "owner", owner, Duty::Accountable),
            None => self.missing(
                source,
                "owner",
                "the process has no owner: add `owner:` with the person who owns this workflow",
            ),
        }
        for (i, control) in process.controls.iter().enumerate() {
            self.check_ref(
                source,
                &format!("controls[{i}]"),
                control,
                "control",
                &self.model.controls,
            );
        }
    }

    fn validate_exception(&mut self, exception: &Exception) {
        let source = &exception.source;
        match &exception.control {
            Some(control) => {
                self.check_ref(source, "control", control, "control", &self.model.controls);
            }
            None => self.missing(
                source,
                "control",
                "the exception names no control: add `control:`",
            ),
        }
        if let Some(process) = &exception.process {
            self.check_ref(source, "process", process, "process", &self.model.processes);
        }
        if let Some(requester) = &exception.requested_by {
            self.check_person(source, "requested_by", requester, Duty::Record);
        }
        match &exception.approved_by {
            Some(approver) => self.check_person(source, "approved_by", approver, Duty::Accountable),
            None => self.missing(
                source,
                "approved_by",
                "the exception has no approver: add `approved_by:` with the approving manager",
            ),
        }
        self.validate_grant_periods(exception);
    }

    fn validate_grant_periods(&mut self, exception: &Exception) {
        let source = &exception.source;
        if let Some(closed) = exception.closed {
            if closed < exception.granted {
                self.warning(
                    source,
                    "closed",
                    format!(
                        "closed {closed} before it was granted {}",
                        exception.granted
                    ),
                );
            }
        }
        let mut previous = exception.granted;
        for (i, period) in exception.grant_periods().enumerate() {
            let prefix = if i == 0 {
                String::new()
            } else {
                format!("renewals[{}].", i - 1)
            };
            if i > 0 {
                if let Some(approver) = period.approved_by {
                    self.check_person(
                        source,
                        &format!("{prefix}approved_by"),
                        approver,
                        Duty::Accountable,
                    );
                }
                if period.granted < previous {
                    self.error(
                        source,
                        &format!("{prefix}granted"),
                        format!("renewals are out of date order: granted {} is before the previous grant {previous}; list renewals oldest first", period.granted),
                    );
                }
            }
            if let Some(expires) = period.expires.filter(|&expires| expires < period.granted) {
                self.warning(
                    source,
                    &format!("{prefix}expires"),
                    format!(
                        "granted {} after it expires {expires}: check the dates",
                        period.granted
                    ),
                );
            }
            previous = period.granted;
        }
    }

    fn validate_incident(&mut self, incident: &Incident) {
        let source = &incident.source;
        let model = self.model;
        match &incident.control {
            Some(control) => {
                self.check_ref(source, "control", control, "control", &model.controls);
            }
            None => self.missing(
                source,
                "control",
                "the incident names no control: add `control:` with the control that failed",
            ),
        }
        if let Some(process) = &incident.process {
            self.check_ref(source, "process", process, "process", &model.processes);
        }
        if let Some(approver) = &incident.approved_by {
            self.check_person(source, "approved_by", approver, Duty::Record);
        }
        if let Some(exception_id) = &incident.exception {
            if self.check_ref(
                source,
                "exception",
                exception_id,
                "exception",
                &model.exceptions,
            ) {
                let exception_control = model
                    .exceptions
                    .get(exception_id)
                    .and_then(|e| e.control.as_ref());
                if exception_control.is_some() && exception_control != incident.control.as_ref() {
                    self.warning(
                        source,
                        "exception",
                        format!("exception `{exception_id}` is for control `{}`, not this incident's control", exception_control.map(String::as_str).unwrap_or_default()),
                    );
                }
            }
        }
        self.validate_origins(incident);
        self.validate_actions(source, &incident.actions);
        self.validate_finding_source(incident);
    }

    /// An imported incident's `source.url` becomes a link on its page: web links only.
    fn validate_finding_source(&mut self, incident: &Incident) {
        let url = incident.found_by.as_deref().and_then(|s| s.url.as_deref());
        if let Some(url) = url.filter(|url| !is_web_link(url)) {
            self.error(
                &incident.source,
                "source.url",
                format!("`source.url` `{url}` is not a web link: write an `https://` (or `http://`) address, or leave it out"),
            );
        }
    }

    fn validate_actions(&mut self, source: &Source, actions: &[Action]) {
        for (i, action) in actions.iter().enumerate() {
            if let Some(owner) = &action.owner {
                self.check_person(source, &format!("actions[{i}].owner"), owner, Duty::Record);
            }
        }
    }

    fn validate_review(&mut self, review: &ProcessReview) {
        let source = &review.source;
        match &review.control {
            Some(control) => {
                self.check_ref(source, "control", control, "control", &self.model.controls);
            }
            None => self.missing(
                source,
                "control",
                "the review names no control: add `control:` with the control of the pattern reviewed",
            ),
        }
        if review.origin.is_none() {
            self.missing(
                source,
                "origin",
                "the review has no origin: add `origin:` with design, operation or approval",
            );
        }
        match &review.decided_by {
            Some(person) => self.check_person(source, "decided_by", person, Duty::Record),
            None => self.missing(
                source,
                "decided_by",
                "the review names nobody who decided: add `decided_by:`",
            ),
        }
        if let Some(person) = &review.fix_owner {
            self.check_person(source, "fix_owner", person, Duty::Accountable);
        }
        if review.decision.is_none() {
            self.missing(
                source,
                "decision",
                "the review has no decision: add `decision:` with fix-process, accept-risk, redesign-control or retire-control",
            );
        }
        self.validate_actions(source, &review.actions);
    }

    fn validate_origins(&mut self, incident: &Incident) {
        let source = &incident.source;
        if incident.origin.is_empty() {
            self.missing(
                source,
                "origin",
                "the incident has no origin: add `origin:` with design, operation and/or approval",
            );
        }
        let mut seen = HashSet::new();
        for (i, origin) in incident.origin.iter().enumerate() {
            if !seen.insert(origin) {
                let field = if incident.origin.len() > 1 {
                    format!("origin[{i}]")
                } else {
                    "origin".into()
                };
                self.error(
                    source,
                    &field,
                    format!("origin `{}` is listed twice", origin.as_str()),
                );
            }
        }
        if seen.contains(&Origin::Operation) && incident.process.is_none() {
            self.warning(
                source,
                "origin",
                "`operation` origin without a `process`: add `process:` so the process owner is accountable".into(),
            );
        }
        if seen.contains(&Origin::Approval)
            && incident.exception.is_none()
            && incident.approved_by.is_none()
        {
            self.error(
                source,
                "origin",
                "`approval` origin with no approver: link the `exception:` or add `approved_by:`"
                    .into(),
            );
        }
    }
}

/// Whether `url` is a web address a page may link to (never `javascript:` or `data:`).
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Whether `url` is an `https://` or `http://` address (so a page may link it).
fn is_web_link(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The hint for a team id where a person goes: accountability needs one named person.
fn team_given_as_person(id: &str, lead: Option<&str>) -> String {
    let example = match lead {
        Some(lead) => format!(" (its lead is `{lead}`)"),
        None => String::new(),
    };
    format!(
        "`{id}` is a team in teams.yaml, and this needs a person: name the one person \
         accountable{example}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load;

    const PEOPLE: &str = "- id: ana\n  name: Ana\n- id: bo\n  name: Bo\n  active: false\n";

    /// Loads a content directory made of `files` and returns every diagnostic as text,
    /// with paths relative to the content directory.
    fn diagnostics(files: &[(&str, &str)]) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("people.yaml"), PEOPLE).unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let loaded = load(dir.path()).unwrap();
        let mut all = loaded.diagnostics;
        all.extend(validate(&loaded.model));
        crate::diagnostics::sort(&mut all);
        let prefix = format!("{}/", dir.path().display());
        all.iter()
            .map(|d| d.to_string().replace(&prefix, ""))
            .collect()
    }

    const CONTROL: (&str, &str) = ("controls/C.md", "---\nowner: ana\napprovers: [ana]\n---\n");

    /// A rule, the files that break it, and the one diagnostic expected.
    type Case = (
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static str,
    );

    #[test]
    fn governance_rules_are_checked_one_by_one() {
        let cases: &[Case] = &[
            (
                "a control needs an owner",
                &[("controls/C.md", "---\ntitle: T\n---\n")],
                "controls/C.md:2:1: error: the control has no owner: add `owner:` with the one person accountable for it",
            ),
            (
                "owner history runs oldest first",
                &[("controls/C.md", "---\nowner: ana\nowner_history:\n  - owner: bo\n    until: 2026-03-01\n  - owner: ana\n    until: 2026-01-01\n---\n")],
                "controls/C.md:7:12: error: owner_history is out of date order: 2026-01-01 is not after the previous `until`; list earlier owners first",
            ),
            (
                "an inactive owner is a warning",
                &[("controls/C.md", "---\nowner: bo\n---\n")],
                "controls/C.md:2:8: warning: `bo` is inactive: hand this to an active person (shown as an ownership gap)",
            ),
            (
                "renewals run oldest first",
                &[CONTROL, ("exceptions/E.md", "---\ncontrol: C\napproved_by: ana\ngranted: 2026-05-01\nexpires: 2026-06-01\nrenewals:\n  - approved_by: ana\n    granted: 2026-04-01\n    expires: 2026-07-01\n---\n")],
                "exceptions/E.md:8:14: error: renewals are out of date order: granted 2026-04-01 is before the previous grant 2026-05-01; list renewals oldest first",
            ),
            (
                "an exception granted after it expires is a warning",
                &[CONTROL, ("exceptions/E.md", "---\ncontrol: C\napproved_by: ana\ngranted: 2026-05-01\nexpires: 2026-04-01\n---\n")],
                "exceptions/E.md:5:10: warning: granted 2026-05-01 after it expires 2026-04-01: check the dates",
            ),
            (
                "an approval origin needs an approver",
                &[CONTROL, ("incidents/I.md", "---\ndate: 2026-05-01\ncontrol: C\norigin: approval\n---\n")],
                "incidents/I.md:4:9: error: `approval` origin with no approver: link the `exception:` or add `approved_by:`",
            ),
            (
                "an origin may be listed once",
                &[CONTROL, ("incidents/I.md", "---\ndate: 2026-05-01\ncontrol: C\norigin: [design, design]\n---\n")],
                "incidents/I.md:4:18: error: origin `design` is listed twice",
            ),
            (
                "an operation origin without a process is a warning",
                &[CONTROL, ("incidents/I.md", "---\ndate: 2026-05-01\ncontrol: C\norigin: operation\n---\n")],
                "incidents/I.md:4:9: warning: `operation` origin without a `process`: add `process:` so the process owner is accountable",
            ),
            (
                "an imported incident's source link must be a web link",
                &[CONTROL, ("incidents/I.md", "---\ndate: 2026-05-01\ncontrol: C\norigin: design\nsource:\n  tool: gitleaks\n  rule: r\n  fingerprint: f\n  url: javascript:alert(1)\n---\n")],
                "incidents/I.md:9:8: error: `source.url` `javascript:alert(1)` is not a web link: write an `https://` (or `http://`) address, or leave it out",
            ),
            (
                "a review needs a decision",
                &[CONTROL, ("reviews/R.md", "---\ncontrol: C\norigin: design\ndate: 2026-05-01\ndecided_by: ana\n---\n")],
                "reviews/R.md:2:1: error: the review has no decision: add `decision:` with fix-process, accept-risk, redesign-control or retire-control",
            ),
            (
                "a review's fix owner must exist",
                &[CONTROL, ("reviews/R.md", "---\ncontrol: C\norigin: design\ndate: 2026-05-01\ndecided_by: ana\nfix_owner: anna\ndecision: fix-process\n---\n")],
                "reviews/R.md:6:12: error: unknown person `anna`: did you mean `ana`?",
            ),
            (
                "references suggest the closest id",
                &[CONTROL, ("processes/P.md", "---\nowner: ana\ncontrols: [c]\n---\n")],
                "processes/P.md:3:12: error: unknown control `c`: did you mean `C`?",
            ),
        ];
        for (rule, files, expected) in cases {
            let found = diagnostics(files);
            assert_eq!(found, [expected.to_string()], "{rule}");
        }
    }

    #[test]
    fn a_clean_estate_has_no_diagnostics() {
        let files = [
            CONTROL,
            ("processes/P.md", "---\nowner: ana\ncontrols: [C]\n---\n"),
            ("exceptions/E.md", "---\ncontrol: C\napproved_by: ana\ngranted: 2026-05-01\nexpires: 2026-06-01\n---\n"),
            ("incidents/I.md", "---\ndate: 2026-05-02\ncontrol: C\nprocess: P\norigin: [design, operation, approval]\nexception: E\n---\n"),
            ("reviews/R.md", "---\ncontrol: C\norigin: operation\ndate: 2026-05-03\ndecided_by: ana\ndecision: fix-process\nactions:\n  - title: T\n    owner: ana\n---\nMinutes.\n"),
        ];
        assert_eq!(diagnostics(&files), Vec::<String>::new());
    }
}
