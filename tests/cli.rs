//! Runs the real `govsite` binary on the fixture content directories under
//! `tests/fixtures/` and checks what a user sees: exit codes, the exact diagnostics on
//! stderr, and the files a build writes.
//!
//! Every expected position was worked out by hand from the fixture file (lines counted from
//! the file's first line, the opening `---` included; columns 1-based).

use std::path::{Path, PathBuf};

use tempfile::TempDir;

const VALID: &str = "tests/fixtures/valid";
const AS_OF: &str = "2026-11-01";
const BUILD_REFUSED: &str =
    "build refused: fix the errors above; the previous site (if any) is untouched\n";

#[path = "common/run.rs"]
mod common;

use common::Run;

impl Run {
    /// What a terminal shows of `govsite check`: its results (stdout), then the counts
    /// (stderr).
    fn shown(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs `govsite` from the crate root, so fixture paths print as `tests/fixtures/...`.
fn run(args: &[&str]) -> Run {
    run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    common::govsite_in(dir, args, &[])
}

/// The content directory of an invalid case, as govsite prints it.
fn invalid(case: &str) -> String {
    format!("tests/fixtures/invalid/{case}")
}

/// The stderr of `govsite check`: each `relative/path:line:col: ...` line prefixed with the
/// content directory, then the summary.
fn expected_stderr(content: &str, lines: &[&str], summary: &str) -> String {
    let mut text = String::new();
    for line in lines {
        text.push_str(&format!("{content}/{line}\n"));
    }
    text.push_str(summary);
    text.push('\n');
    text
}

/// `govsite check` prints exactly these diagnostics on stdout and their count on stderr, and
/// exits 1; `govsite build` prints the same on stderr, refuses, and creates no output folder.
fn assert_rejected(case: &str, lines: &[&str], summary: &str) {
    let content = invalid(case);
    let expected = expected_stderr(&content, lines, summary);

    let check = run(&["check", "--content", &content]);
    assert_eq!(
        check.shown(),
        expected,
        "output of `govsite check` on {case}"
    );
    assert_eq!(
        check.stderr,
        format!("{summary}\n"),
        "stderr of `govsite check` on {case}"
    );
    assert_eq!(check.code, 1, "exit code of `govsite check` on {case}");

    let out = TempDir::new().unwrap();
    let site = out.path().join("site");
    let build = run(&[
        "build",
        "--content",
        &content,
        "--out",
        site.to_str().unwrap(),
    ]);
    assert_eq!(
        build.stderr,
        format!("{expected}{BUILD_REFUSED}"),
        "stderr of `govsite build` on {case}"
    );
    assert_eq!(build.code, 1, "exit code of `govsite build` on {case}");
    assert!(!site.exists(), "a refused build created {}", site.display());
}

/// Writes a content directory (`content/<path>` for each file, bytes exactly as given) into a
/// temporary folder, for fixtures whose bytes git could alter (BOM, CRLF, invalid UTF-8).
fn temp_content(files: &[(&str, &[u8])]) -> TempDir {
    let dir = TempDir::new().unwrap();
    for (path, bytes) in files {
        let path = dir.path().join("content").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

/// Runs `govsite check --content content --as-of AS_OF` inside a temporary folder.
fn check_temp(dir: &TempDir) -> Run {
    run_in(
        dir.path(),
        &["check", "--content", "content", "--as-of", AS_OF],
    )
}

const PEOPLE: &[u8] = b"- id: ana\n  name: Ana Ruiz\n";

// ---------------------------------------------------------------------------------------
// The valid fixture

/// Builds the valid fixture into a fresh temporary folder; returns the folder and the site.
fn build_valid() -> (TempDir, PathBuf) {
    let out = TempDir::new().unwrap();
    let site = out.path().join("site");
    let build = run(&["build", "--content", VALID, "--out", site.to_str().unwrap()]);
    assert_eq!(build.code, 0, "build failed:\n{}", build.stderr);
    (out, site)
}

fn read(site: &Path, page: &str) -> String {
    std::fs::read_to_string(site.join(page)).unwrap_or_else(|e| panic!("reading {page}: {e}"))
}

/// The HTML of the `<section>` holding the heading with `id`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no id=\"{id}\" in the page"));
    let end = html[start..].find("</section>").unwrap() + start;
    &html[start..end]
}

#[test]
fn checks_the_valid_fixture_without_problems() {
    // The inactive person appears only in owner_history and as nobody's current owner,
    // which is history, not a gap: no warning.
    let check = run(&["check", "--content", VALID]);
    assert_eq!(check.stderr, "content is valid\n");
    assert_eq!(check.stdout, "");
    assert_eq!(check.code, 0);
}

#[test]
fn builds_a_page_for_every_record_plus_data_and_charts() {
    let (_out, site) = build_valid();
    let mut expected = vec!["index.html".to_string(), "data/metrics.json".to_string()];
    for control in ["CTL-ROTATION", "CTL-TOKEN-TTL", "CTL-VAULT"] {
        expected.push(format!("controls/{control}.html"));
    }
    for incident in 1..=5 {
        expected.push(format!("incidents/INC-00{incident}.html"));
    }
    for person in ["ana-ruiz", "ben-okoro", "cara-mills", "dev-patel"] {
        expected.push(format!("people/{person}.html"));
    }
    for file in &expected {
        assert!(site.join(file).is_file(), "missing {file}");
    }
    let charts: Vec<_> = std::fs::read_dir(site.join("charts"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".svg"))
        .collect();
    assert!(!charts.is_empty(), "no charts/*.svg written");
}

#[test]
fn build_reports_what_it_wrote() {
    let out = TempDir::new().unwrap();
    let site = out.path().join("site");
    let site = site.to_str().unwrap();
    let build = run(&["build", "--content", VALID, "--out", site]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    let lines: Vec<&str> = build.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", build.stderr);
    assert!(lines[0].starts_with("built "), "{}", lines[0]);
    assert!(
        lines[0].ends_with(&format!(
            " as of {AS_OF} into {site}; open {site}/index.html"
        )),
        "{}",
        lines[0]
    );
}

#[test]
fn incident_page_names_the_control_owner_on_the_date_and_the_process_owner() {
    // INC-001 (2026-02-14) is [design, operation]: the control was Ben's until 2026-03-31,
    // the process is Cara's. Ana owns the control today and must not be named.
    let (_out, site) = build_valid();
    let page = read(&site, "incidents/INC-001.html");
    let accountable = section(&page, "accountable");
    assert!(accountable.contains("control owner"), "{accountable}");
    assert!(accountable.contains("people/ben-okoro.html\">Ben Okoro</a>"));
    assert!(accountable.contains("process owner"), "{accountable}");
    assert!(accountable.contains("people/cara-mills.html\">Cara Mills</a>"));
    assert!(!accountable.contains("Ana Ruiz"), "{accountable}");
}

#[test]
fn metrics_attribute_each_origin_of_an_incident() {
    let (_out, site) = build_valid();
    let metrics: serde_json::Value =
        serde_json::from_str(&read(&site, "data/metrics.json")).unwrap();
    assert_eq!(metrics["as_of"], AS_OF);
    let incident = metrics["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|incident| incident["id"] == "INC-001")
        .expect("INC-001 in metrics.json");
    assert_eq!(
        incident["accountable"],
        serde_json::json!([
            {"role": "control-owner", "person": "ben-okoro"},
            {"role": "process-owner", "person": "cara-mills"},
        ])
    );
}

#[test]
fn control_page_lists_the_earlier_owner() {
    let (_out, site) = build_valid();
    let page = read(&site, "controls/CTL-ROTATION.html");
    let ownership = section(&page, "ownership");
    assert!(ownership.contains("Owner history"), "{ownership}");
    assert!(ownership.contains("people/ben-okoro.html\">Ben Okoro</a>"));
    assert!(ownership.contains("2026-03-31"), "{ownership}");
    assert!(ownership.contains("people/ana-ruiz.html\">Ana Ruiz</a>"));
}

#[test]
fn person_page_lists_the_incidents_they_are_accountable_for() {
    let (_out, site) = build_valid();
    let ben = read(&site, "people/ben-okoro.html");
    let accountable = section(&ben, "accountable");
    assert!(
        accountable.contains("incidents/INC-001.html"),
        "{accountable}"
    );
    assert!(
        !accountable.contains("incidents/INC-002.html"),
        "{accountable}"
    );
    let cara = read(&site, "people/cara-mills.html");
    let accountable = section(&cara, "accountable");
    for incident in ["INC-001", "INC-004"] {
        assert!(accountable.contains(&format!("incidents/{incident}.html")));
    }
}

#[test]
fn strict_check_fails_on_policy_findings() {
    // EXC-002 has no expiry: permanent, and so beyond the maximum validity. CTL-ROTATION's
    // recurring pattern has no review. Each finding points at its record: EXC-002's
    // `granted` value (line 6, column 10: it has no `expires`), CTL-ROTATION as a whole (its
    // first field, line 2).
    let check = run(&["check", "--content", VALID, "--strict"]);
    assert_eq!(
        check.shown(),
        "tests/fixtures/valid/exceptions/EXC-002.md:6:10: policy: over-policy-exception: exception EXC-002 never expires, beyond the 90-day maximum validity (approved by ana-ruiz)\n\
         tests/fixtures/valid/exceptions/EXC-002.md:6:10: policy: permanent-exception: exception EXC-002 has no expiry and is still open: set one or close it (approved by ana-ruiz)\n\
         tests/fixtures/valid/controls/CTL-ROTATION.md:2:1: policy: unreviewed-pattern: control CTL-ROTATION fails again and again for the same origin (a recurring pattern) and no process-defect review of it is dated in the last 365 days: ana-ruiz must have it reviewed (reviews/)\n\
         3 policy findings\n"
    );
    assert_eq!(check.code, 1);
}

/// `govsite check --strict` on the folder `content` in `dir`, as of `AS_OF`.
fn strict_check(dir: &TempDir) -> Run {
    let args = [
        "check",
        "--content",
        "content",
        "--as-of",
        AS_OF,
        "--strict",
    ];
    run_in(dir.path(), &args)
}

#[test]
fn check_reports_a_review_with_an_unknown_person_and_a_bad_decision() {
    let dir = temp_content(&[
        ("people.yaml", b"- {id: dana-okafor, name: Dana Okafor}\n"),
        ("controls/CTL-A.md", b"---\nowner: dana-okafor\n---\n"),
        (
            "reviews/REV-1.md",
            b"---\ncontrol: CTL-A\norigin: design\ndate: 2026-10-01\ndecided_by: dana-okafr\n\
              decision: fix-it\n---\nMinutes.\n",
        ),
    ]);
    let check = check_temp(&dir);
    // The bad value is reported once: no "missing `decision`" on top of it.
    assert_eq!(
        check.shown(),
        "content/reviews/REV-1.md:5:13: error: unknown person `dana-okafr`: did you mean \
         `dana-okafor`?\n\
         content/reviews/REV-1.md:6:11: error: `decision`: unknown variant `fix-it`, expected \
         one of `fix-process`, `accept-risk`, `redesign-control`, `retire-control`\n\
         2 errors, 0 warnings\n"
    );
    assert_eq!(check.code, 1);
}

/// A content directory where CTL-A's design pattern recurs and was reviewed: REV-1 by ana,
/// its fix owner the pattern's (ana, the control owner), its one action done 2026-06-01, and
/// CTL-A failing for design again on 2026-07-01: the fix did not hold.
fn reviewed_content() -> TempDir {
    temp_content(&[
        (
            "people.yaml",
            b"- {id: ana, name: Ana Ruiz}\n- {id: bo, name: Bo Li}\n",
        ),
        (
            "controls/CTL-A.md",
            b"---\ntitle: A control\nowner: ana\n---\n",
        ),
        (
            "incidents/INC-1.md",
            b"---\ndate: 2026-03-01\ncontrol: CTL-A\norigin: design\n---\n",
        ),
        (
            "incidents/INC-2.md",
            b"---\ndate: 2026-07-01\ncontrol: CTL-A\norigin: design\n---\n",
        ),
        (
            "reviews/REV-1.md",
            b"---\ntitle: Rotation keeps failing\ncontrol: CTL-A\norigin: design\n\
              date: 2026-04-01\ndecided_by: bo\ndecision: redesign-control\nactions:\n\
              \x20 - title: Rotate on every deploy\n    owner: ana\n    done: 2026-06-01\n---\n\
              We met and decided.\n",
        ),
    ])
}

#[test]
fn strict_check_finds_a_reviewed_fix_that_did_not_hold() {
    let dir = reviewed_content();
    let check = run_in(
        dir.path(),
        &[
            "check",
            "--content",
            "content",
            "--as-of",
            AS_OF,
            "--strict",
        ],
    );
    // At REV-1's `actions` list: its first `-`, line 9, column 3.
    assert_eq!(
        check.shown(),
        "content/reviews/REV-1.md:9:3: policy: fix-did-not-hold: review REV-1 decided a fix and every action of it is done, \
         yet its control failed again for the same origin after the last one was done: the fix \
         did not hold; ana must review the pattern again\n\
         1 policy finding\n"
    );
    assert_eq!(check.code, 1);
}

#[test]
fn review_pages_link_the_pattern_the_people_and_the_finding() {
    let dir = reviewed_content();
    let build = run_in(
        dir.path(),
        &[
            "build",
            "--content",
            "content",
            "--out",
            "site",
            "--as-of",
            AS_OF,
        ],
    );
    assert_eq!(build.code, 0, "{}", build.stderr);
    let site = dir.path().join("site");
    let page = read(&site, "reviews/REV-1.html");
    let decision = section(&page, "decision");
    assert!(
        decision.contains("people/bo.html\">Bo Li</a>"),
        "{decision}"
    );
    assert!(
        decision.contains(
            "people/ana.html\">Ana Ruiz</a> <span class=\"sub\">(the pattern's fix owner)"
        ),
        "{decision}"
    );
    assert!(decision.contains("redesign control"), "{decision}");
    assert!(section(&page, "pattern").contains("controls/CTL-A.html"));
    assert!(section(&page, "minutes").contains("We met and decided."));
    assert!(section(&page, "actions").contains("Rotate on every deploy"));
    let gaps = section(&page, "gaps");
    assert!(
        gaps.contains("href=\"../reviews/REV-1.html\">REV-1</a>"),
        "{gaps}"
    );
    let control = read(&site, "controls/CTL-A.html");
    assert!(section(&control, "reviews").contains("../reviews/REV-1.html"));
    // The fix-did-not-hold gap names the review, not the control.
    assert!(!control.contains("fix did not hold"), "{control}");
    for person in ["ana", "bo"] {
        let page = read(&site, &format!("people/{person}.html"));
        assert!(
            section(&page, "reviews").contains("../reviews/REV-1.html"),
            "{person}"
        );
    }
    assert!(read(&site, "reviews.html").contains("reviews/REV-1.html"));
    assert!(read(&site, "index.html").contains("href=\"reviews.html\">Reviews</a>"));
    let search = read(&site, "assets/search-index.js");
    assert!(search.contains(",4,\"REV-1\","), "{search}");
    let metrics: serde_json::Value =
        serde_json::from_str(&read(&site, "data/metrics.json")).unwrap();
    assert_eq!(
        metrics["reviews"],
        serde_json::json!([{
            "id": "REV-1", "control": "CTL-A", "origin": "design", "date": "2026-04-01",
            "decided_by": "bo", "fix_owner": "ana", "decision": "redesign-control",
            "actions_open": 0, "actions_done": 1
        }])
    );
    assert!(read(&site, "data/gaps.csv").contains("fix-did-not-hold,REV-1,ana"));
}

#[test]
fn strict_check_fails_on_a_structural_failure_without_a_process_fix() {
    // An approval bypass whose only action is owned by someone who is neither the process
    // owner (there is no process) nor the control owner (ana): ana is chased.
    let dir = temp_content(&[
        ("people.yaml", b"- {id: ana, name: Ana Ruiz}\n- {id: bo, name: Bo Li}\n"),
        ("controls/CTL-A.md", b"---\ntitle: A control\nowner: ana\n---\n"),
        (
            "incidents/INC-1.md",
            b"---\ndate: 2026-10-01\ncontrol: CTL-A\norigin: design\nsurfaced_by: approval-bypass\n\
              actions:\n  - title: Remind the engineer\n    owner: bo\n---\n",
        ),
    ]);
    let check = strict_check(&dir);
    // At INC-1's `actions` list: its first `-`, line 7, column 3.
    assert_eq!(
        check.shown(),
        "content/incidents/INC-1.md:7:3: policy: no-process-fix: incident INC-1 is a structural failure of control CTL-A \
         (approval bypassed or self-approved) and no remediation action is owned by its process \
         owner or control owner: give ana an action that fixes the process\n\
         1 policy finding\n"
    );
    assert_eq!(check.code, 1);
    // An action owned by the control owner is a process fix: nothing left to find.
    let fixed = temp_content(&[
        ("people.yaml", b"- {id: ana, name: Ana Ruiz}\n"),
        ("controls/CTL-A.md", b"---\ntitle: A control\nowner: ana\n---\n"),
        (
            "incidents/INC-1.md",
            b"---\ndate: 2026-10-01\ncontrol: CTL-A\norigin: design\nsurfaced_by: approval-bypass\n\
              actions:\n  - title: Gate the override\n    owner: ana\n---\n",
        ),
    ]);
    let check = strict_check(&fixed);
    assert_eq!(check.stderr, "0 policy findings\ncontent is valid\n");
    assert_eq!(check.code, 0);
}

#[test]
fn strict_check_fails_on_an_agent_control_split_across_teams_without_a_decision_maker() {
    // CTL-A protects agents; the processes that use it are owned in two teams (ana in red,
    // bo in blue) and nobody signs off its residual risk: its owner ana is chased.
    let files =
        |control: &'static [u8]| {
            temp_content(&[
            (
                "people.yaml",
                b"- {id: ana, name: Ana Ruiz, team: red}\n- {id: bo, name: Bo Li, team: blue}\n",
            ),
            ("teams.yaml", b"- {id: red, name: Red}\n- {id: blue, name: Blue}\n"),
            ("controls/CTL-A.md", control),
            ("processes/p1.md", b"---\ntitle: One\nowner: ana\ncontrols: [CTL-A]\n---\n"),
            ("processes/p2.md", b"---\ntitle: Two\nowner: bo\ncontrols: [CTL-A]\n---\n"),
        ])
        };
    let split = files(b"---\ntitle: Agent scopes\nowner: ana\nnhi: [agent]\n---\n");
    let check = strict_check(&split);
    // CTL-A has no `shared_platform` to point at: the control as a whole (line 2).
    assert_eq!(
        check.shown(),
        "content/controls/CTL-A.md:2:1: policy: no-single-decision-maker: control CTL-A protects AI agents, is used by processes \
         owned in more than one team, and nobody signs off its residual risk: ana must name one \
         accountable decision-maker (shared_platform.risk_signoff)\n\
         1 policy finding\n"
    );
    assert_eq!(check.code, 1);
    // A residual-risk sign-off names the decision-maker: nothing left to find.
    let signed = files(
        b"---\ntitle: Agent scopes\nowner: ana\nnhi: [agent]\nshared_platform:\n  risk_signoff: bo\n---\n",
    );
    let check = strict_check(&signed);
    assert_eq!(check.stderr, "0 policy findings\ncontent is valid\n");
    assert_eq!(check.code, 0);
}

#[test]
fn check_without_strict_passes_despite_policy_findings() {
    let check = run(&["check", "--content", VALID]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

// ---------------------------------------------------------------------------------------
// Exit code 2: usage errors

#[test]
fn exits_2_on_an_unknown_flag() {
    let check = run(&["check", "--content", VALID, "--bogus"]);
    assert_eq!(check.code, 2);
    assert!(
        check
            .stderr
            .starts_with("error: unexpected argument '--bogus' found"),
        "{}",
        check.stderr
    );
    assert_eq!(check.stdout, "");
}

#[test]
fn exits_2_on_a_malformed_as_of_date() {
    let check = run(&["check", "--content", VALID, "--as-of", "2026-02-30"]);
    assert_eq!(check.code, 2, "{}", check.stderr);
    assert!(check.stderr.contains("2026-02-30"), "{}", check.stderr);
}

// ---------------------------------------------------------------------------------------
// Per-file problems

#[test]
fn errors_on_unknown_field_with_a_hint() {
    // With `owner` misspelt the control also has no owner: both are reported.
    assert_rejected(
        "unknown_field_hint",
        &[
            "controls/CTL-A.md:2:1: error: the control has no owner: add `owner:` with the one person accountable for it",
            "controls/CTL-A.md:3:1: error: unknown field `ownr`: did you mean `owner`?",
        ],
        "2 errors, 0 warnings",
    );
}

#[test]
fn reports_every_unknown_field_in_one_file() {
    assert_rejected(
        "two_unknown_fields",
        &[
            "controls/CTL-A.md:4:1: error: unknown field `reveiw`: did you mean `review`?",
            "controls/CTL-A.md:7:1: error: unknown field `statuz`: did you mean `status`?",
        ],
        "2 errors, 0 warnings",
    );
}

#[test]
fn errors_on_yaml_syntax_at_the_position_in_the_file() {
    assert_rejected(
        "yaml_syntax_error",
        &["controls/CTL-A.md:3:11: error: YAML syntax error: mapping values are not allowed in this context"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_front_matter_that_is_not_closed() {
    assert_rejected(
        "front_matter_not_closed",
        &["controls/CTL-A.md:1:1: error: front matter is not closed: add a `---` line after the YAML fields"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_a_record_without_front_matter() {
    assert_rejected(
        "no_front_matter",
        &["controls/CTL-A.md:1:1: error: no front matter: a record must start with a `---` line, then YAML fields, then `---`"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_an_empty_record_file() {
    assert_rejected(
        "empty_file",
        &["controls/CTL-A.md:1:1: error: the file is empty: a record starts with YAML front matter between `---` lines"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_a_value_of_the_wrong_type() {
    assert_rejected(
        "wrong_type",
        &["controls/CTL-A.md:6:15: error: `review.every_days`: invalid type: string \"often\", expected a whole number"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_a_date_that_does_not_exist() {
    assert_rejected(
        "bad_date",
        &["incidents/INC-1.md:3:7: error: `date`: invalid date `2026-02-30`: there is no day 30 in 2026-02"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_unknown_values_in_a_list_at_each_value() {
    assert_rejected(
        "unknown_values_in_a_list",
        &[
            "controls/CTL-A.md:4:7: error: `nhi[0]`: unknown variant `secrets`, expected one of `secret`, `service-account`, `token`, `api-key`, `certificate`, `agent`, `workload-identity`: did you mean `secret`?",
            "controls/CTL-A.md:4:23: error: `nhi[2]`: unknown variant `tokens`, expected one of `secret`, `service-account`, `token`, `api-key`, `certificate`, `agent`, `workload-identity`: did you mean `token`?",
        ],
        "2 errors, 0 warnings",
    );
}

#[test]
fn errors_on_a_duplicate_yaml_key_at_the_second_key() {
    assert_rejected(
        "duplicate_yaml_key",
        &["controls/CTL-A.md:4:1: error: `owner` is given twice: keep one (the second is here)"],
        "1 error, 0 warnings",
    );
}

// ---------------------------------------------------------------------------------------
// Ids

#[test]
fn errors_on_a_duplicate_id_across_subfolders() {
    let first = format!("{}/controls/payments/CTL-A.md", invalid("duplicate_id"));
    assert_rejected(
        "duplicate_id",
        &[&format!(
            "controls/platform/CTL-A.md:1:1: error: duplicate control id `CTL-A`: {first} has the same id (ids are compared ignoring case, since they become file names); rename one file"
        )],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_ids_that_differ_only_in_case() {
    let first = format!(
        "{}/controls/payments/ctl-a.md",
        invalid("duplicate_id_case")
    );
    assert_rejected(
        "duplicate_id_case",
        &[&format!(
            "controls/platform/CTL-A.md:1:1: error: duplicate control id `CTL-A`: {first} has the same id (ids are compared ignoring case, since they become file names); rename one file"
        )],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_a_duplicate_process_id_naming_the_kind() {
    let first = format!(
        "{}/processes/payments/deploy.md",
        invalid("duplicate_process_id")
    );
    assert_rejected(
        "duplicate_process_id",
        &[&format!(
            "processes/platform/deploy.md:1:1: error: duplicate process id `deploy`: {first} has the same id (ids are compared ignoring case, since they become file names); rename one file"
        )],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_an_id_that_does_not_match_the_file_name() {
    assert_rejected(
        "id_mismatch",
        &["controls/CTL-A.md:2:5: error: `id: CTL-B` does not match the file name `CTL-A`: remove the `id:` line or rename the file"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_a_file_name_that_is_not_a_valid_id() {
    assert_rejected(
        "bad_file_name",
        &["controls/bad id.md:1:1: error: file name: invalid id `bad id`: ids start with a letter or digit and use only A-Z, a-z, 0-9, `.`, `_` and `-`"],
        "1 error, 0 warnings",
    );
}

// ---------------------------------------------------------------------------------------
// References and governance rules

#[test]
fn errors_on_every_kind_of_dangling_reference() {
    let unknown_person =
        |id: &str| format!("unknown person `{id}`: add them to people.yaml, or fix the id");
    let lines = [
        format!("controls/CTL-A.md:3:8: error: {}", unknown_person("zoltan")),
        format!("controls/CTL-A.md:4:18: error: {}", unknown_person("yusuf")),
        format!("controls/CTL-A.md:6:12: error: {}", unknown_person("xavier")),
        "controls/CTL-A.md:9:26: error: unknown reference `PR.AA-02` in framework `nist-csf-2`: did you mean `PR.AA-01`?".to_string(),
        "controls/CTL-A.md:11:26: error: unknown team `payments`: add it to teams.yaml, or fix the id".to_string(),
        format!("controls/CTL-A.md:12:17: error: {}", unknown_person("pat")),
        "exceptions/EXC-1.md:2:10: error: unknown control `CTL-NOPE`: no control has this id: create it, or fix the id".to_string(),
        "incidents/INC-1.md:5:10: error: unknown process `deploi`: did you mean `deploy`?".to_string(),
        "incidents/INC-1.md:7:12: error: unknown exception `EXC-9`: did you mean `EXC-1`?".to_string(),
        format!("incidents/INC-1.md:10:12: error: {}", unknown_person("quentin")),
        "people.yaml:6:9: error: unknown team `secc`: did you mean `sec`?".to_string(),
        "processes/deploy.md:4:19: error: unknown control `CTL-Z`: did you mean `CTL-A`?".to_string(),
        format!("teams.yaml:3:9: error: {}", unknown_person("olga")),
    ];
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert_rejected("dangling_references", &lines, "13 errors, 0 warnings");
}

#[test]
fn errors_on_an_unknown_framework_at_its_id() {
    assert_rejected(
        "dangling_framework",
        &["controls/CTL-A.md:5:3: error: unknown framework `nist-csf-3`: did you mean `nist-csf-2`?"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_a_control_without_an_owner() {
    assert_rejected(
        "control_without_owner",
        &["controls/CTL-A.md:2:1: error: the control has no owner: add `owner:` with the one person accountable for it"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_an_approval_origin_without_an_approver() {
    assert_rejected(
        "approval_without_approver",
        &["incidents/INC-1.md:5:9: error: `approval` origin with no approver: link the `exception:` or add `approved_by:`"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_owner_history_out_of_date_order() {
    assert_rejected(
        "owner_history_out_of_order",
        &["controls/CTL-A.md:8:12: error: owner_history is out of date order: 2026-03-31 is not after the previous `until`; list earlier owners first"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_renewals_out_of_date_order() {
    assert_rejected(
        "renewals_out_of_order",
        &["exceptions/EXC-1.md:12:14: error: renewals are out of date order: granted 2026-04-01 is before the previous grant 2026-06-01; list renewals oldest first"],
        "1 error, 0 warnings",
    );
}

#[test]
fn errors_on_a_duplicated_origin() {
    assert_rejected(
        "duplicated_origin",
        &["incidents/INC-1.md:5:18: error: origin `design` is listed twice"],
        "1 error, 0 warnings",
    );
}

#[test]
fn warns_without_failing_on_governance_smells() {
    let content = invalid("warnings");
    let expected = expected_stderr(
        &content,
        &[
            "controls/CTL-A.md:3:8: warning: `ben` is inactive: hand this to an active person (shown as an ownership gap)",
            "exceptions/EXC-1.md:5:10: warning: granted 2026-10-01 after it expires 2026-09-01: check the dates",
            "incidents/INC-1.md:5:9: warning: `operation` origin without a `process`: add `process:` so the process owner is accountable",
        ],
        "0 errors, 3 warnings",
    );
    let check = run(&["check", "--content", &content]);
    assert_eq!(check.shown(), expected);
    assert_eq!(check.code, 0);

    let out = TempDir::new().unwrap();
    let site = out.path().join("site");
    let build = run(&[
        "build",
        "--content",
        &content,
        "--out",
        site.to_str().unwrap(),
    ]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(build.stderr.starts_with(&expected), "{}", build.stderr);
    assert!(site.join("index.html").is_file());
}

#[test]
fn reports_problems_in_every_file_sorted_by_path_then_line() {
    // CTL-A's unknown person (line 3) is found by validation, after its unknown field
    // (line 5) was found by the loader: the output is still in file order.
    assert_rejected(
        "multi_problem",
        &[
            "controls/CTL-A.md:3:8: error: unknown person `zoltan`: add them to people.yaml, or fix the id",
            "controls/CTL-A.md:5:1: error: unknown field `statuz`: did you mean `status`?",
            "exceptions/EXC-1.md:2:1: error: the exception has no approver: add `approved_by:` with the approving manager",
            "exceptions/EXC-1.md:4:10: warning: granted 2026-10-01 after it expires 2026-09-01: check the dates",
            "incidents/2026/INC-1.md:3:7: error: `date`: invalid date `2026-09-31`: there is no day 31 in 2026-09",
            "people.yaml:6:3: error: unknown field `[1].tem`: did you mean `team`?",
            "processes/deploy.md:2:1: error: the process has no owner: add `owner:` with the person who owns this workflow",
        ],
        "6 errors, 1 warning",
    );
}

#[test]
fn check_json_lists_every_diagnostic_with_its_position() {
    let content = invalid("two_unknown_fields");
    let check = run(&["check", "--content", &content, "--format", "json"]);
    assert_eq!(check.code, 1);
    assert_eq!(check.stderr, "2 errors, 0 warnings, 0 policy findings\n");
    let report: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(report["errors"], 2);
    assert_eq!(report["warnings"], 0);
    assert_eq!(report["as_of"], AS_OF);
    let path = format!("{content}/controls/CTL-A.md");
    assert_eq!(
        report["diagnostics"],
        serde_json::json!([
            {"path": path, "line": 4, "column": 1, "level": "error",
             "message": "unknown field `reveiw`: did you mean `review`?"},
            {"path": path, "line": 7, "column": 1, "level": "error",
             "message": "unknown field `statuz`: did you mean `status`?"},
        ])
    );
}

// ---------------------------------------------------------------------------------------
// Encodings: written from the test so git cannot normalise the bytes

#[test]
fn accepts_a_bom_and_crlf_line_endings() {
    let dir = temp_content(&[
        (
            "people.yaml",
            b"\xef\xbb\xbf- id: ana\r\n  name: Ana Ruiz\r\n",
        ),
        (
            "controls/CTL-A.md",
            b"\xef\xbb\xbf---\r\ntitle: A control\r\nowner: ana\r\n---\r\nBody.\r\n",
        ),
    ]);
    let check = check_temp(&dir);
    assert_eq!(check.stderr, "content is valid\n");
    assert_eq!(check.code, 0);
}

#[test]
fn reports_problems_in_bom_and_crlf_files_at_the_right_column() {
    // The BOM is not a column: `zed` in teams.yaml starts at column 35 of line 1.
    let dir = temp_content(&[
        (
            "people.yaml",
            b"\xef\xbb\xbf- id: ana\r\n  name: Ana Ruiz\r\n  activ: false\r\n",
        ),
        (
            "teams.yaml",
            b"\xef\xbb\xbf- {id: sec, name: Security, lead: zed}\r\n",
        ),
        (
            "controls/CTL-A.md",
            b"\xef\xbb\xbf---\r\ntitle: A control\r\nowner: ana\r\nreview:\r\n  last: 2026-01-01\r\n  every_days: often\r\n---\r\n",
        ),
    ]);
    let check = check_temp(&dir);
    assert_eq!(
        check.shown(),
        "content/controls/CTL-A.md:6:15: error: `review.every_days`: invalid type: string \"often\", expected a whole number\n\
         content/people.yaml:3:3: error: unknown field `[0].activ`: did you mean `active`?\n\
         content/teams.yaml:1:35: error: unknown person `zed`: add them to people.yaml, or fix the id\n\
         3 errors, 0 warnings\n"
    );
    assert_eq!(check.code, 1);
}

#[test]
fn errors_on_invalid_utf8_naming_the_file_and_position() {
    let dir = temp_content(&[
        ("people.yaml", PEOPLE),
        (
            "controls/CTL-A.md",
            b"---\ntitle: Caf\xe9 control\nowner: ana\n---\n",
        ),
    ]);
    let check = check_temp(&dir);
    assert_eq!(
        check.shown(),
        "content/controls/CTL-A.md:2:11: error: the file is not valid UTF-8: save it with UTF-8 encoding\n\
         1 error, 0 warnings\n"
    );
    assert_eq!(check.code, 1);

    let build = run_in(
        dir.path(),
        &[
            "build",
            "--content",
            "content",
            "--as-of",
            AS_OF,
            "--out",
            "site",
        ],
    );
    assert_eq!(build.code, 1);
    assert!(build.stderr.ends_with(BUILD_REFUSED), "{}", build.stderr);
    assert!(!dir.path().join("site").exists());
}

#[test]
fn errors_on_invalid_utf8_counting_columns_in_characters() {
    // `title: Zürich caf` is 17 characters but 18 bytes.
    let dir = temp_content(&[
        ("people.yaml", PEOPLE),
        (
            "controls/CTL-A.md",
            b"---\ntitle: Z\xc3\xbcrich caf\xe9\nowner: ana\n---\n",
        ),
    ]);
    let check = check_temp(&dir);
    assert_eq!(
        check.shown(),
        "content/controls/CTL-A.md:2:18: error: the file is not valid UTF-8: save it with UTF-8 encoding\n\
         1 error, 0 warnings\n"
    );
}

// ---------------------------------------------------------------------------------------
// Messages that mislead

#[test]
fn errors_on_a_month_that_does_not_exist_by_naming_the_month() {
    let dir = temp_content(&[
        ("people.yaml", PEOPLE),
        ("controls/CTL-A.md", b"---\nowner: ana\n---\n"),
        (
            "incidents/INC-1.md",
            b"---\ntitle: T\ndate: 2026-13-01\ncontrol: CTL-A\norigin: design\n---\n",
        ),
    ]);
    let check = check_temp(&dir);
    assert_eq!(
        check.shown(),
        "content/incidents/INC-1.md:3:7: error: `date`: invalid date `2026-13-01`: there is no month 13; months run from 01 to 12\n\
         1 error, 0 warnings\n"
    );
}

#[test]
fn errors_on_a_bad_origin_value_once_at_the_value() {
    let dir = temp_content(&[
        ("people.yaml", PEOPLE),
        ("controls/CTL-A.md", b"---\nowner: ana\n---\n"),
        (
            "incidents/INC-1.md",
            b"---\ntitle: T\ndate: 2026-10-01\ncontrol: CTL-A\norigin: [design, sideways]\n---\n",
        ),
    ]);
    let check = check_temp(&dir);
    assert_eq!(
        check.shown(),
        "content/incidents/INC-1.md:5:18: error: `origin[1]`: unknown variant `sideways`, expected one of `design`, `operation`, `approval`\n\
         1 error, 0 warnings\n"
    );
}
