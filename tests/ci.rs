//! `govsite check` in CI: the SARIF and GitHub formats, findings located at their record's
//! file and line in every format, results on stdout and counts on stderr.
//!
//! Expected positions were counted by hand in the fixture files (line 1 is the opening
//! `---`; columns 1-based). The valid fixture, as of its `as_of` 2026-11-01, has three
//! findings: EXC-002 is permanent (no `expires`; `granted:` on line 6, value at column 10)
//! and so over policy, and CTL-ROTATION's recurring pattern has no review (the control as a
//! whole: its first field, line 2 column 1).

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

const VALID: &str = "tests/fixtures/valid";
const EXC_002: &str = "tests/fixtures/valid/exceptions/EXC-002.md";
const CTL_ROTATION: &str = "tests/fixtures/valid/controls/CTL-ROTATION.md";
const PERMANENT: &str =
    "exception EXC-002 has no expiry and is still open: set one or close it (approved by ana-ruiz)";
const OVER_POLICY: &str =
    "exception EXC-002 never expires, beyond the 90-day maximum validity (approved by ana-ruiz)";
const UNREVIEWED: &str = "control CTL-ROTATION fails again and again for the same origin (a recurring pattern) and no process-defect review of it is dated in the last 365 days: ana-ruiz must have it reviewed (reviews/)";

#[path = "common/run.rs"]
mod common;

use common::{govsite_in as run_in, Run};

/// Runs from the crate root (a git checkout), so paths print as `tests/fixtures/...`.
fn run(args: &[&str]) -> Run {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The valid fixture copied to `content/` in a temporary folder (no git repository above it).
fn temp_valid() -> TempDir {
    let dir = TempDir::new().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(VALID);
    copy_dir(&fixture, &dir.path().join("content"));
    dir
}

/// An incident whose action is overdue, in a folder whose name holds `,`, `:` and `%`, with
/// a title that tries to end the workflow command and start a forged one. Its `due` value
/// is on line 9 at column 10 (`    due: ` is nine characters).
const HOSTILE_FOLDER: &str = "content/incidents/a,b:c%d";
const HOSTILE: &str = "---
title: Hostile
date: 2026-10-10
control: CTL-VAULT
origin: design
actions:
  - title: \"Fix it\\r\\n::error file=x::forged 100%\"
    owner: dev-patel
    due: 2026-10-20
---
";

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sarif/sarif-schema-2.1.0.json");
    let mut schema = parse(&std::fs::read_to_string(schema_path).unwrap());
    // The official `language` patterns have an unescaped `]` (a literal in ECMA-262),
    // which jsonschema's check of the schema itself rejects: the same pattern, escaped.
    let fixed = escape_stray_bracket(&mut schema);
    assert_eq!(fixed, 2, "the language patterns of run and toolComponent");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let cases: [&[&str]; 3] = [
        &["check", "--content", VALID, "--format", "sarif"],
        &["check", "--content", VALID, "--format", "sarif", "--strict"],
        &[
            "check",
            "--content",
            "tests/fixtures/invalid/unknown_field_hint",
            "--format",
            "sarif",
        ],
    ];
    for args in cases {
        let check = run(args);
        let log = parse(&check.stdout);
        let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}");
        assert_github_requirements(&log);
    }
}

/// Rewrites every `language` pattern `...[a-zA-Z]{2}]?$` as `...[a-zA-Z]{2}\]?$`; returns how
/// many it rewrote.
fn escape_stray_bracket(node: &mut Value) -> usize {
    const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    const ESCAPED: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$";
    match node {
        Value::Object(map) => {
            let mut count = 0;
            for (key, value) in map.iter_mut() {
                if key == "pattern" && value == STRAY {
                    *value = Value::from(ESCAPED);
                    count += 1;
                } else {
                    count += escape_stray_bracket(value);
                }
            }
            count
        }
        Value::Array(items) => items.iter_mut().map(escape_stray_bracket).sum(),
        _ => 0,
    }
}

/// What GitHub code scanning needs beyond the schema: a tool name, rules with ids, and on
/// every result a rule id (and an index that points at that rule), a message text and a
/// location with a relative URI and a start line.
fn assert_github_requirements(log: &Value) {
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "govsite");
    let rules = driver["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for result in results {
        let rule_id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], rule_id);
        assert!(rules[index]["shortDescription"]["text"].is_string());
        assert!(rules[index]["help"]["text"].is_string());
        assert!(result["message"]["text"].is_string());
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1);
        let physical = &locations[0]["physicalLocation"];
        let uri = physical["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(
            !uri.starts_with('/') && !uri.contains(':') && !uri.contains('\\'),
            "{uri}"
        );
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(physical["region"]["startLine"].as_u64().expect("startLine") >= 1);
    }
}

/// `(ruleId, level, uri, line, column, message)` of every SARIF result.
fn sarif_results(stdout: &str) -> Vec<(String, String, String, u64, u64, String)> {
    let log = parse(stdout);
    let results = log["runs"][0]["results"].as_array().unwrap().clone();
    results
        .iter()
        .map(|r| {
            let physical = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["level"].as_str().unwrap().to_string(),
                physical["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                physical["region"]["startLine"].as_u64().unwrap(),
                physical["region"]["startColumn"].as_u64().unwrap(),
                r["message"]["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn sarif_findings_point_at_their_record_from_the_repository_root() {
    let expected = |level: &str| {
        vec![
            (
                "policy/over-policy-exception",
                level,
                EXC_002,
                6,
                10,
                OVER_POLICY,
            ),
            (
                "policy/permanent-exception",
                level,
                EXC_002,
                6,
                10,
                PERMANENT,
            ),
            (
                "policy/unreviewed-pattern",
                level,
                CTL_ROTATION,
                2,
                1,
                UNREVIEWED,
            ),
        ]
        .into_iter()
        .map(|(r, l, u, line, col, m)| {
            (
                r.to_string(),
                l.to_string(),
                u.to_string(),
                line,
                col,
                m.to_string(),
            )
        })
        .collect::<Vec<_>>()
    };
    let plain = run(&["check", "--content", VALID, "--format", "sarif"]);
    assert_eq!(plain.code, 0, "without --strict findings do not fail");
    assert_eq!(sarif_results(&plain.stdout), expected("warning"));
    let strict = run(&["check", "--content", VALID, "--format", "sarif", "--strict"]);
    assert_eq!(strict.code, 1);
    assert_eq!(sarif_results(&strict.stdout), expected("error"));
    assert_eq!(strict.stderr, "0 errors, 0 warnings, 3 policy findings\n");
}

#[test]
fn sarif_content_errors_are_located_and_uris_percent_encoded() {
    let dir = temp_valid();
    let folder = dir.path().join("content/controls/team a");
    std::fs::create_dir_all(&folder).unwrap();
    // `ownr` on line 4, column 1.
    let text = "---\ntitle: New\nowner: ana-ruiz\nownr: ana-ruiz\n---\n";
    std::fs::write(folder.join("CTL-NEW.md"), text).unwrap();
    let check = run_in(
        dir.path(),
        &["check", "--content", "content", "--format", "sarif"],
        &[],
    );
    assert_eq!(check.code, 1);
    let results = sarif_results(&check.stdout);
    let (rule, level, uri, line, column, message) = &results[0];
    assert_eq!(
        (rule.as_str(), level.as_str(), uri.as_str(), *line, *column),
        (
            "content-error",
            "error",
            "content/controls/team%20a/CTL-NEW.md",
            4,
            1
        )
    );
    assert!(message.starts_with("unknown field `ownr`"), "{message}");
}

#[test]
fn paths_are_relative_to_the_git_repository_holding_the_content() {
    let repo = TempDir::new().unwrap();
    std::fs::create_dir(repo.path().join(".git")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(VALID);
    copy_dir(&fixture, &repo.path().join("governance/content"));
    let inside = repo.path().join("governance");
    let check = run_in(
        &inside,
        &["check", "--content", "content", "--format", "github"],
        &[],
    );
    let first = check.stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("::warning file=governance/content/exceptions/EXC-002.md,line=6,col=10,"),
        "{}",
        check.stdout
    );
}

#[test]
fn text_prints_findings_with_file_line_and_column_on_stdout() {
    let check = run(&["check", "--content", VALID, "--strict"]);
    let expected = format!(
        "{EXC_002}:6:10: policy: over-policy-exception: {OVER_POLICY}\n\
         {EXC_002}:6:10: policy: permanent-exception: {PERMANENT}\n\
         {CTL_ROTATION}:2:1: policy: unreviewed-pattern: {UNREVIEWED}\n"
    );
    assert_eq!(check.stdout, expected);
    assert_eq!(check.stderr, "3 policy findings\n");
    assert_eq!(check.code, 1);
}

#[test]
fn text_keeps_diagnostics_on_stdout_and_counts_on_stderr() {
    let content = "tests/fixtures/invalid/unknown_field_hint";
    let check = run(&["check", "--content", content]);
    assert_eq!(check.code, 1);
    assert!(!check.stdout.is_empty());
    for line in check.stdout.lines() {
        assert!(line.starts_with(&format!("{content}/")), "{line}");
        assert!(line.contains(": error: "), "{line}");
    }
    let count = check.stdout.lines().count();
    let errors = if count == 1 {
        "1 error".to_string()
    } else {
        format!("{count} errors")
    };
    assert_eq!(check.stderr, format!("{errors}, 0 warnings\n"));
}

#[test]
fn json_findings_carry_file_line_and_column() {
    let check = run(&["check", "--content", VALID, "--format", "json"]);
    let report = parse(&check.stdout);
    let findings = report["findings"].as_array().unwrap();
    let permanent = &findings[1];
    assert_eq!(permanent["kind"], "permanent-exception");
    assert_eq!(permanent["record"], "EXC-002");
    assert_eq!(permanent["record_kind"], "exception");
    assert_eq!(permanent["person"], "ana-ruiz");
    assert_eq!(permanent["message"], PERMANENT);
    assert_eq!(permanent["file"], EXC_002);
    assert_eq!(
        (permanent["line"].as_u64(), permanent["column"].as_u64()),
        (Some(6), Some(10))
    );
    assert_eq!(findings[2]["file"], CTL_ROTATION);
    assert_eq!(check.stderr, "0 errors, 0 warnings, 3 policy findings\n");
}

#[test]
fn github_commands_locate_every_result() {
    let check = run(&[
        "check",
        "--content",
        VALID,
        "--format",
        "github",
        "--strict",
    ]);
    let expected = format!(
        "::error file={EXC_002},line=6,col=10,title=policy/over-policy-exception::{OVER_POLICY}\n\
         ::error file={EXC_002},line=6,col=10,title=policy/permanent-exception::{PERMANENT}\n\
         ::error file={CTL_ROTATION},line=2,col=1,title=policy/unreviewed-pattern::{UNREVIEWED}\n"
    );
    assert_eq!(check.stdout, expected);
    assert_eq!(check.code, 1);
}

#[test]
fn github_commands_escape_hostile_paths_and_messages() {
    let dir = temp_valid();
    let folder = dir.path().join(HOSTILE_FOLDER);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("INC-HOSTILE.md"), HOSTILE).unwrap();
    let check = run_in(
        dir.path(),
        &["check", "--content", "content", "--format", "github"],
        &[],
    );
    let expected = "::warning file=content/incidents/a%2Cb%3Ac%25d/INC-HOSTILE.md,line=9,col=10,\
                    title=policy/overdue-action::action \"Fix it%0D%0A::error file=x::forged 100%25\" \
                    of incident INC-HOSTILE was due 2026-10-20 (12 days ago) and is still open \
                    (owner dev-patel)";
    let lines: Vec<&str> = check.stdout.lines().collect();
    assert!(lines.contains(&expected), "{}", check.stdout);
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::warning file=content/")),
        "{}",
        check.stdout
    );
}

#[test]
fn github_appends_a_summary_to_the_step_summary_file() {
    let dir = TempDir::new().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "# earlier step\n").unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let args = ["check", "--content", VALID, "--format", "github"];
    let check = run_in(root, &args, &[("GITHUB_STEP_SUMMARY", &summary)]);
    assert_eq!(check.code, 0);
    let text = std::fs::read_to_string(&summary).unwrap();
    let expected = format!(
        "# earlier step\n\
         ## govsite check\n\n\
         **0 errors, 0 warnings, 3 policy findings** (as of 2026-11-01)\n\n\
         | level | rule | where | message |\n|---|---|---|---|\n\
         | warning | `policy/over-policy-exception` | `{EXC_002}:6:10` | {OVER_POLICY} |\n\
         | warning | `policy/permanent-exception` | `{EXC_002}:6:10` | {PERMANENT} |\n\
         | warning | `policy/unreviewed-pattern` | `{CTL_ROTATION}:2:1` | {UNREVIEWED} |\n\n"
    );
    assert_eq!(text, expected);
    // Without the variable nothing is written anywhere but stdout and stderr.
    let plain = run(&args);
    assert_eq!(plain.stdout, check.stdout);
}
