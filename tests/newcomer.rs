//! The mistakes a newcomer makes first, on the starter `govsite init` writes: each message
//! names the file, line and column and says what to do.
//!
//! Positions were counted by hand in `src/starter/` (line 1 is a file's first line, the
//! opening `---` of a record included; columns 1-based).

use std::net::TcpListener;
use std::path::Path;

use tempfile::TempDir;

#[path = "common/run.rs"]
mod common;

use common::Run;

fn govsite(dir: &Path, args: &[&str]) -> Run {
    common::govsite_in(dir, args, &[])
}

/// A fresh starter in `starter/`, with `edit` applied to the text of one of its files.
fn starter_with(file: &str, from: &str, to: &str) -> TempDir {
    let dir = TempDir::new().unwrap();
    let init = govsite(dir.path(), &["init", "starter"]);
    assert_eq!(init.code, 0, "{}", init.stderr);
    let path = dir.path().join("starter").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    dir
}

/// `govsite check` on the starter: exit 1 and exactly this one error line on stdout.
fn assert_one_error(dir: &TempDir, expected: &str) {
    let check = govsite(dir.path(), &["check", "--content", "starter"]);
    assert_eq!(check.stdout, format!("{expected}\n"));
    assert_eq!(check.stderr, "1 error, 0 warnings\n");
    assert_eq!(check.code, 1);
}

#[test]
fn a_list_of_owners_says_a_control_has_exactly_one_owner() {
    // controls/CTL-TOKEN-TTL.md line 3 is `owner: priya-shah`; the value starts at column 8.
    let dir = starter_with(
        "controls/CTL-TOKEN-TTL.md",
        "owner: priya-shah",
        "owner: [priya-shah, alex-morgan]",
    );
    assert_one_error(
        &dir,
        "starter/controls/CTL-TOKEN-TTL.md:3:8: error: `owner`: a list where one person goes: \
         a control has exactly one owner. Write one person id (`owner: dana-okafor`); list the \
         others as `approvers`, or earlier owners in `owner_history`",
    );
}

#[test]
fn a_team_given_as_a_person_says_to_name_one_person() {
    // teams.yaml: `security` is led by alex-morgan.
    let dir = starter_with(
        "controls/CTL-TOKEN-TTL.md",
        "owner: priya-shah",
        "owner: security",
    );
    assert_one_error(
        &dir,
        "starter/controls/CTL-TOKEN-TTL.md:3:8: error: unknown person `security`: `security` is \
         a team in teams.yaml, and this needs a person: name the one person accountable (its \
         lead is `alex-morgan`)",
    );
}

#[test]
fn a_capitalised_origin_suggests_the_value() {
    // incidents/INC-0001.md line 10 is `origin: [design, operation]`, value at column 9.
    let dir = starter_with(
        "incidents/INC-0001.md",
        "origin: [design, operation]",
        "origin: Operation",
    );
    assert_one_error(
        &dir,
        "starter/incidents/INC-0001.md:10:9: error: `origin`: unknown variant `Operation`, \
         expected one of `design`, `operation`, `approval`: did you mean `operation`?",
    );
}

#[test]
fn every_value_list_suggests_the_closest_value() {
    // incidents/INC-0001.md line 12 is `severity: high`, value at column 11.
    let dir = starter_with("incidents/INC-0001.md", "severity: high", "severity: hihg");
    assert_one_error(
        &dir,
        "starter/incidents/INC-0001.md:12:11: error: `severity`: unknown variant `hihg`, \
         expected one of `low`, `medium`, `high`, `critical`: did you mean `high`?",
    );
    // controls/CTL-TOKEN-TTL.md line 5 is `nhi: [token, agent]`: `agnet` at column 14.
    let dir = starter_with(
        "controls/CTL-TOKEN-TTL.md",
        "[token, agent]",
        "[token, agnet]",
    );
    let check = govsite(dir.path(), &["check", "--content", "starter"]);
    assert!(
        check.stdout.starts_with(
            "starter/controls/CTL-TOKEN-TTL.md:5:14: error: `nhi[1]`: unknown variant `agnet`"
        ),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("did you mean `agent`?"),
        "{}",
        check.stdout
    );
}

#[test]
fn active_yes_says_to_write_true_or_false() {
    // people.yaml line 36 is `  active: true ...` (the fourth person); the value at column 11.
    let dir = starter_with("people.yaml", "  active: true ", "  active: yes  ");
    assert_one_error(
        &dir,
        "starter/people.yaml:36:11: error: `[3].active`: expected `true` or `false`, not `yes` \
         (YAML reads `yes`, `no`, `on` and `off` as text): write `active: true` or \
         `active: false`",
    );
}

#[test]
fn content_pointing_at_a_file_says_it_must_be_the_directory() {
    let dir = starter_with("site.yaml", "title:", "title:");
    let check = govsite(dir.path(), &["check", "--content", "starter/site.yaml"]);
    assert_eq!(
        check.stderr,
        "error: --content `starter/site.yaml` is a file, but it must be the content directory \
         (the folder that holds site.yaml, people.yaml, controls/ ...): pass --content starter, \
         or run `govsite init DIR` to start one\n"
    );
    assert_eq!(check.code, 1);
}

#[test]
fn serve_with_missing_content_fails_before_taking_the_port() {
    // The port is taken: a serve that bound first would complain about the port instead.
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = busy.local_addr().unwrap().port().to_string();
    let dir = TempDir::new().unwrap();
    let serve = govsite(
        dir.path(),
        &["serve", "--content", "missing", "--port", &port],
    );
    assert_eq!(
        serve.stderr,
        "error: content directory `missing` not found: pass --content DIR, or run `govsite init \
         DIR` to start one\n"
    );
    assert_eq!(serve.code, 1);
}

#[test]
fn the_starter_pins_its_as_of_date_and_says_what_to_run_next() {
    let dir = TempDir::new().unwrap();
    let init = govsite(dir.path(), &["init", "starter"]);
    assert_eq!(
        init.stderr,
        "created starter with 11 files. Next:\n  govsite check --content starter\n  govsite \
         serve --content starter    # then edit the files and watch the site update\n"
    );
    let site = std::fs::read_to_string(dir.path().join("starter/site.yaml")).unwrap();
    let as_of = site
        .lines()
        .find_map(|line| line.strip_prefix("as_of: "))
        .expect("an as_of line");
    let date = &as_of[..10];
    let digits = |range: std::ops::Range<usize>| date[range].bytes().all(|b| b.is_ascii_digit());
    assert!(digits(0..4) && digits(5..7) && digits(8..10), "{as_of}");
    assert_eq!((&date[4..5], &date[7..8]), ("-", "-"), "{as_of}");
    // The pinned date is the report's: `check --format json` says so.
    let check = govsite(
        dir.path(),
        &["check", "--content", "starter", "--format", "json"],
    );
    let report: serde_json::Value = serde_json::from_str(&check.stdout).unwrap();
    assert_eq!(report["as_of"], date);
}

/// How many `.md` records are under `content/<folder>` of the example, subfolders included.
fn records(folder: &Path) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            count += records(&path);
        } else if path.extension().is_some_and(|ext| ext == "md") {
            count += 1;
        }
    }
    count
}

#[test]
fn the_readme_counts_match_the_example() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let content = root.join("content");
    let entries = |file: &str| {
        let text = std::fs::read_to_string(content.join(file)).unwrap();
        text.lines()
            .filter(|line| line.starts_with("- id:"))
            .count()
    };
    // The README wraps lines; compare with every run of white space as one space.
    let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let expected = [
        format!("{} controls", records(&content.join("controls"))),
        format!("({} frameworks)", entries("frameworks.yaml")),
        format!(
            "{} people in {} teams",
            entries("people.yaml"),
            entries("teams.yaml")
        ),
        format!("{} processes", records(&content.join("processes"))),
        format!("{} exceptions", records(&content.join("exceptions"))),
        format!("{} incidents", records(&content.join("incidents"))),
        format!(
            "{} process-defect reviews",
            records(&content.join("reviews"))
        ),
    ];
    for phrase in expected {
        assert!(readme.contains(&phrase), "README does not say `{phrase}`");
    }
}

#[test]
fn the_example_warns_only_about_the_person_who_left_as_the_readme_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let check = govsite(root, &["check", "--content", "content"]);
    assert_eq!(check.code, 0);
    let warnings: Vec<&str> = check.stdout.lines().collect();
    assert_eq!(warnings.len(), 2, "{}", check.stdout);
    for warning in warnings {
        assert!(
            warning.contains(": warning: `jonas-weber` is inactive"),
            "{warning}"
        );
    }
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.contains("**2 warnings, on purpose**"));
}
