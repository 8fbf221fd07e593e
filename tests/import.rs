//! `govsite import` on hand-written reports in each tool's documented format
//! (`tests/fixtures/import/`): which records it writes, what it says, and that it never
//! writes a secret. Expected ids are `INC-IMP-<tool>-` and the first 10 hex digits of the
//! SHA-256 of the fingerprint, computed with `printf %s FINGERPRINT | sha256sum`; dates and
//! positions were worked out by hand from the fixture files.

use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

const FIXTURES: &str = "tests/fixtures/import";

struct Run {
    code: i32,
    stderr: String,
}

fn govsite(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("running govsite");
    Run {
        code: output
            .status
            .code()
            .expect("govsite was killed by a signal"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A copy of the valid fixture estate with the fixture `import.yaml` in it.
fn content() -> (TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    for entry in walkdir::WalkDir::new(&source) {
        let entry = entry.unwrap();
        let target = content.join(entry.path().strip_prefix(&source).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(FIXTURES)
            .join("import.yaml"),
        content.join("import.yaml"),
    )
    .unwrap();
    (dir, content)
}

/// `govsite import FORMAT tests/fixtures/import/REPORT --content CONTENT --detected DATE`.
fn import(format: &str, report: &str, content: &Path, extra: &[&str]) -> Run {
    let report = format!("{FIXTURES}/{report}");
    let content = content.to_str().unwrap();
    let mut args = vec!["import", format, &report, "--content", content];
    if !extra.contains(&"--detected") {
        args.extend(["--detected", "2026-07-15"]);
    }
    args.extend(extra);
    govsite(&args)
}

/// The files under `incidents/imported/`, relative to it, sorted.
fn imported(content: &Path) -> Vec<String> {
    let root = content.join("incidents/imported");
    let mut files: Vec<String> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(&root).unwrap().display().to_string())
        .collect();
    files.sort();
    files
}

fn record(content: &Path, file: &str) -> String {
    std::fs::read_to_string(content.join("incidents/imported").join(file)).unwrap()
}

fn assert_check_passes(content: &Path) {
    let check = govsite(&["check", "--content", content.to_str().unwrap()]);
    assert_eq!(
        (check.code, check.stderr.as_str()),
        (0, "content is valid\n")
    );
}

const GITLEAKS_RECORD: &str = "\
---
title: AWS Access Token found in deploy/config.env
date: 2026-03-02
detected: 2026-07-15
control: CTL-VAULT
process: onboarding
origin:
- operation
nhi: api-key
severity: high
surfaced_by: leaked-credential
source:
  tool: gitleaks
  rule: aws-access-token
  fingerprint: 4f1c2a9e8b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a:deploy/config.env:aws-access-token:12
  file: deploy/config.env
  line: 12
  commit: 4f1c2a9e8b7d6c5a4f3e2d1c0b9a8f7e6d5c4b3a
---
Imported by `govsite import` from a gitleaks report (rule `aws-access-token`). The secret itself is not copied here; the `source` fields locate it.

Add what happened, the root cause and the remediation actions; edits are kept when the report is imported again.
";

#[test]
fn gitleaks_findings_become_incident_records_that_pass_check() {
    let (_dir, content) = content();
    let run = import("gitleaks", "gitleaks.json", &content, &[]);
    let mapping = content.join("import.yaml");
    assert_eq!(
        run.stderr,
        format!(
            "tests/fixtures/import/gitleaks.json: 2 new, 0 already imported\n\
             warning: unmapped rule `generic-api-key`: 1 finding not imported; map it under `gitleaks.rules` in {}\n",
            mapping.display()
        )
    );
    assert_eq!(run.code, 3, "a rule left unmapped is exit code 3");
    assert_eq!(
        imported(&content),
        [
            "gitleaks/INC-IMP-gitleaks-5cb37302fa.md",
            "gitleaks/INC-IMP-gitleaks-95a106b405.md"
        ]
    );
    assert_eq!(
        record(&content, "gitleaks/INC-IMP-gitleaks-95a106b405.md"),
        GITLEAKS_RECORD
    );
    assert_check_passes(&content);
}

#[test]
fn importing_the_same_report_twice_adds_nothing() {
    let (_dir, content) = content();
    import("gitleaks", "gitleaks.json", &content, &[]);
    let first = record(&content, "gitleaks/INC-IMP-gitleaks-95a106b405.md");
    let again = import(
        "gitleaks",
        "gitleaks.json",
        &content,
        &["--detected", "2026-08-01"],
    );
    assert!(
        again
            .stderr
            .starts_with("tests/fixtures/import/gitleaks.json: 0 new, 2 already imported\n"),
        "{}",
        again.stderr
    );
    assert_eq!(imported(&content).len(), 2);
    assert_eq!(
        record(&content, "gitleaks/INC-IMP-gitleaks-95a106b405.md"),
        first
    );
}

#[test]
fn an_edited_or_moved_record_is_never_overwritten() {
    let (_dir, content) = content();
    import("gitleaks", "gitleaks.json", &content, &[]);
    let folder = content.join("incidents/imported/gitleaks");
    let edited = folder.join("INC-IMP-gitleaks-95a106b405.md");
    let text = std::fs::read_to_string(&edited).unwrap() + "\nRotated the key on 2026-03-03.\n";
    std::fs::write(&edited, &text).unwrap();
    let moved = content.join("incidents/2026/INC-IMP-gitleaks-5cb37302fa.md");
    std::fs::rename(folder.join("INC-IMP-gitleaks-5cb37302fa.md"), &moved).unwrap();

    let again = import("gitleaks", "gitleaks.json", &content, &[]);
    assert!(
        again.stderr.contains(": 0 new, 2 already imported\n"),
        "{}",
        again.stderr
    );
    assert_eq!(
        imported(&content),
        ["gitleaks/INC-IMP-gitleaks-95a106b405.md"]
    );
    assert_eq!(std::fs::read_to_string(&edited).unwrap(), text);
    assert!(moved.is_file());
    assert_check_passes(&content);
}

#[test]
fn trufflehog_lines_are_imported_by_detector_and_location() {
    let (_dir, content) = content();
    let run = import("trufflehog", "trufflehog.jsonl", &content, &[]);
    // Line 1 is a log line; line 5 repeats line 2's detector and place; line 6 is Mailgun.
    assert!(
        run.stderr.starts_with(
            "tests/fixtures/import/trufflehog.jsonl: 3 new, 0 already imported, 1 repeated in the report\n\
             warning: unmapped rule `Mailgun`: 1 finding not imported; map it under `trufflehog.rules` in "
        ),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 3);
    assert_eq!(
        imported(&content),
        [
            "trufflehog/INC-IMP-trufflehog-6886c3a9c0.md",
            "trufflehog/INC-IMP-trufflehog-b78987ed41.md",
            "trufflehog/INC-IMP-trufflehog-c4e5579c91.md",
        ]
    );
    let git = record(&content, "trufflehog/INC-IMP-trufflehog-b78987ed41.md");
    assert!(
        git.contains("\ndate: 2026-02-11\ndetected: 2026-07-15\n"),
        "{git}"
    );
    assert!(git.contains("\n  fingerprint: AWS:Git:https://github.com/fixture-corp/platform:1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e:infra/terraform.tfvars:7\n"));
    assert!(git.contains("\ntrufflehog verified the secret as live when it scanned.\n"));
    // A filesystem finding has no commit date: the failure is dated when it was detected.
    let file = record(&content, "trufflehog/INC-IMP-trufflehog-6886c3a9c0.md");
    assert!(file.contains("\ndate: 2026-07-15\n"), "{file}");
    assert!(file.contains("\ncontrol: CTL-ROTATION\norigin:\n- design\nnhi: token\n"));
    // `2026-06-30 22:47:01 -0700` is the 30th where it was committed.
    let github = record(&content, "trufflehog/INC-IMP-trufflehog-c4e5579c91.md");
    assert!(github.contains("\ndate: 2026-06-30\n"), "{github}");
    assert!(github.contains(
        "\n  url: https://github.com/fixture-corp/platform/blob/0a1b2c3d/ci/deploy.yml#L19\n"
    ));
    assert_check_passes(&content);
}

#[test]
fn a_push_protection_bypass_is_an_approval_bypass_with_its_approver() {
    let (_dir, content) = content();
    let run = import("github", "github-alerts.json", &content, &[]);
    let mapping = content.join("import.yaml");
    assert_eq!(
        run.stderr,
        format!(
            "tests/fixtures/import/github-alerts.json: 2 new, 0 already imported, 1 skipped (resolved as false positive)\n\
             warning: unmapped rule `slack_api_token`: 1 finding not imported; map it under `github.rules` in {0}\n\
             warning: unmapped user `mallory-gh`: 1 push-protection bypass not imported; map the user to a person under `people` in {0}\n",
            mapping.display()
        )
    );
    assert_eq!(run.code, 3);
    assert_eq!(
        imported(&content),
        [
            "github/INC-IMP-github-18dfb7af21.md",
            "github/INC-IMP-github-ea1faf7f35.md"
        ]
    );
    // Alert 9: bypassed by dev-gh, the request approved by cara-gh (Cara Mills); revoked.
    let bypass = record(&content, "github/INC-IMP-github-18dfb7af21.md");
    let front = "---\ntitle: GitHub Personal Access Token pushed past push protection in ci/hotfix.yml\n\
                 date: 2026-06-10\ndetected: 2026-06-10\nresolved: 2026-06-12\ncontrol: CTL-TOKEN-TTL\n\
                 process: ci-deploy\norigin:\n- design\n- operation\n- approval\napproved_by: cara-mills\n\
                 nhi: token\nseverity: critical\nsurfaced_by: approval-bypass\n";
    assert!(bypass.starts_with(front), "{bypass}");
    assert!(bypass.contains("\n  repository: fixture-corp/platform\n"));
    assert!(bypass.contains(
        "\n  url: https://github.com/fixture-corp/platform/security/secret-scanning/9\n"
    ));
    // Alert 7: open, no bypass.
    let open = record(&content, "github/INC-IMP-github-ea1faf7f35.md");
    assert!(
        open.contains("\ndate: 2026-05-04\ndetected: 2026-05-04\ncontrol: CTL-TOKEN-TTL\n"),
        "{open}"
    );
    assert!(open.contains("\nsurfaced_by: leaked-credential\n"));
    assert_check_passes(&content);
}

#[test]
fn csv_columns_come_from_the_mapping() {
    let (_dir, content) = content();
    let run = import("csv", "findings.csv", &content, &[]);
    assert!(
        run.stderr.starts_with(
            "tests/fixtures/import/findings.csv: 2 new, 0 already imported\n\
             warning: unmapped rule `unknown-check`: 1 finding not imported; map it under `csv.rules` in "
        ),
        "{}",
        run.stderr
    );
    assert_eq!(
        imported(&content),
        [
            "vault-audit/INC-IMP-vault-audit-6902bf5fad.md",
            "vault-audit/INC-IMP-vault-audit-af8c2a3ea3.md"
        ]
    );
    let row = record(&content, "vault-audit/INC-IMP-vault-audit-6902bf5fad.md");
    let front = "---\ntitle: Database password never rotated found in vault/kv/db/orders\n\
                 date: 2026-04-01\ndetected: 2026-07-15\ncontrol: CTL-ROTATION\nprocess: ci-deploy\n\
                 origin:\n- operation\nnhi: secret\nsurfaced_by: leaked-credential\nsource:\n  tool: vault-audit\n\
                 rule: stale-credential\n  fingerprint: VA-1003\n  file: vault/kv/db/orders\n  line: 3\n---\n";
    assert!(
        row.starts_with(&front.replace("\nrule:", "\n  rule:")),
        "{row}"
    );
    assert_check_passes(&content);
}

/// Every secret value of the fixture reports: `Secret`/`Match` (gitleaks), `Raw`/`RawV2`/
/// `Redacted` (trufflehog), `secret` (GitHub) and the CSV's `Secret Value` column.
const SECRETS: &[&str] = &[
    "FAKEAKIAGITLEAKS0001",
    "FAKEAKIAGITLEAKS0002",
    "fake-generic-key-gitleaks-0003",
    "FAKEAKIATRUFFLEHOG01",
    "fake-aws-secret-trufflehog-01",
    "xoxb-fake-slack-token-trufflehog-02",
    "xoxb-fake-sl****",
    "FAKEAKIATRUFFLEHOG03",
    "fake-mailgun-key-trufflehog-05",
    "ghp_FAKEfixtureTokenGithub0007",
    "ghp_FAKEfixtureTokenGithub0009",
    "ghp_FAKEfixtureTokenGithub0011",
    "xoxb-FAKE-fixture-slack-github-0012",
    "ghp_FAKEfixtureTokenGithub0013",
    "fake-vault-secret-csv-1001",
    "fake-vault-secret-csv-1002",
    "fake-vault-secret-csv-1003",
];

#[test]
fn no_secret_from_any_report_is_written_to_the_records_or_the_site() {
    let (dir, content) = content();
    for (format, report) in [
        ("gitleaks", "gitleaks.json"),
        ("trufflehog", "trufflehog.jsonl"),
        ("github", "github-alerts.json"),
        ("csv", "findings.csv"),
    ] {
        let run = import(format, report, &content, &[]);
        for secret in SECRETS {
            assert!(
                !run.stderr.contains(secret),
                "{secret} printed: {}",
                run.stderr
            );
        }
    }
    assert_eq!(imported(&content).len(), 9);
    let site = dir.path().join("site");
    let build = govsite(&[
        "build",
        "--content",
        content.to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
    ]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    for root in [&content, &site] {
        for entry in walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
        {
            if !entry.file_type().is_file() {
                continue;
            }
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            for secret in SECRETS {
                assert!(
                    !text.contains(secret),
                    "{secret} is in {}",
                    entry.path().display()
                );
            }
        }
    }
    let page =
        std::fs::read_to_string(site.join("incidents/INC-IMP-github-18dfb7af21.html")).unwrap();
    assert!(page.contains("<h2 id=\"source\">Imported from</h2>"));
    assert!(page.contains(
        "<a href=\"https://github.com/fixture-corp/platform/security/secret-scanning/9\""
    ));
}

#[test]
fn a_dry_run_says_what_it_would_write_and_writes_nothing() {
    let (_dir, content) = content();
    let run = import("gitleaks", "gitleaks.json", &content, &["--dry-run"]);
    let folder = content.join("incidents/imported/gitleaks");
    assert!(
        run.stderr.starts_with(&format!(
            "would write {}\nwould write {}\ntests/fixtures/import/gitleaks.json: 2 new, 0 already imported (dry run: nothing written)\n",
            // In the report's order.
            folder.join("INC-IMP-gitleaks-95a106b405.md").display(),
            folder.join("INC-IMP-gitleaks-5cb37302fa.md").display(),
        )),
        "{}",
        run.stderr
    );
    assert!(!content.join("incidents/imported").exists());
}

#[test]
fn a_fully_mapped_report_exits_zero() {
    let (_dir, content) = content();
    let mapping = content.join("import.yaml");
    let mut text = std::fs::read_to_string(&mapping).unwrap();
    text = text.replace(
        "trufflehog:\n",
        "    generic-api-key: { control: CTL-VAULT, origin: design }\ntrufflehog:\n",
    );
    std::fs::write(&mapping, text).unwrap();
    let run = import("gitleaks", "gitleaks.json", &content, &[]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (
            0,
            "tests/fixtures/import/gitleaks.json: 3 new, 0 already imported\n"
        )
    );
    assert_check_passes(&content);
}

#[test]
fn bad_reports_and_mappings_are_reported_with_file_line_and_column() {
    let gitleaks_hint = "expected a gitleaks JSON report (`gitleaks git --report-format json`): an array of findings with `RuleID` and `Fingerprint`";
    let cases: &[(&str, &str, Option<&str>, String)] = &[
        ("gitleaks", "bad/gitleaks-no-fingerprint.json", None,
         format!("tests/fixtures/import/bad/gitleaks-no-fingerprint.json:2:3: error: missing field `Fingerprint`: {gitleaks_hint}\n")),
        ("gitleaks", "bad/gitleaks-syntax.json", None,
         format!("tests/fixtures/import/bad/gitleaks-syntax.json:8:5: error: expected `,` or `}}`: {gitleaks_hint}\n")),
        ("trufflehog", "bad/trufflehog-bad-line.jsonl", None,
         // Column 105 is the closing quote of `"yes"` (columns 101-105).
         "tests/fixtures/import/bad/trufflehog-bad-line.jsonl:2:105: error: `Verified`: invalid type: string \"yes\", expected a boolean: expected trufflehog JSON lines (`trufflehog git URL --json`): one object per line with `DetectorName` and `SourceMetadata`\n".into()),
        ("csv", "bad/findings-bad-date.csv", None,
         // `VA-1004,stale-credential,` is 25 characters.
         "tests/fixtures/import/bad/findings-bad-date.csv:3:26: error: the `Found` column: `03/09/2026` is not a date: write YYYY-MM-DD or an RFC 3339 time such as 2026-05-01T10:20:30Z\n".into()),
        ("csv", "bad/findings-missing-column.csv", None,
         "tests/fixtures/import/bad/findings-missing-column.csv:1:1: error: no column `Finding ID` (named by `csv.columns.fingerprint` in the mapping): the header has `ID`, `Check`, `Found`\n".into()),
        ("gitleaks", "gitleaks.json", Some("bad/import-typo.yaml"),
         "tests/fixtures/import/bad/import-typo.yaml:5:7: error: unknown field `gitleaks.rules.aws-access-token.proces`: did you mean `process`?\n".into()),
        ("gitleaks", "gitleaks.json", Some("bad/import-unknown-ids.yaml"),
         "tests/fixtures/import/bad/import-unknown-ids.yaml:2:12: error: unknown person `cara-mils`: did you mean `cara-mills`?\n\
          tests/fixtures/import/bad/import-unknown-ids.yaml:6:16: error: unknown control `CTL-VAUT`: did you mean `CTL-VAULT`?\n\
          tests/fixtures/import/bad/import-unknown-ids.yaml:8:15: error: `approval` origin with no approver: add `approved_by:` to the rule (a GitHub push-protection bypass adds `approval` with its approver by itself)\n".into()),
    ];
    for (format, report, mapping, expected) in cases {
        let (_dir, content) = content();
        let mapping_arg = mapping.map(|m| format!("{FIXTURES}/{m}"));
        let extra: Vec<&str> = match &mapping_arg {
            Some(m) => vec!["--mapping", m],
            None => vec![],
        };
        let run = import(format, report, &content, &extra);
        assert_eq!(run.code, 1, "{report}");
        let (problems, _count) = run.stderr.rsplit_once("error").unwrap();
        assert!(
            run.stderr.starts_with(expected.as_str()),
            "{report}:\n{}",
            run.stderr
        );
        assert!(!problems.is_empty());
        assert!(
            !content.join("incidents/imported").exists(),
            "{report}: nothing is written"
        );
    }
}
