//! The JSON Schemas of `govsite schema`: every example content file validates against the
//! schema of its kind, and the schemas accept and reject what the loader does.

use std::path::{Path, PathBuf};
use std::process::Command;

use govsite::content::{parse_yaml, split_front_matter};
use govsite::model::{Exception, Incident, SiteConfig};
use govsite::schema::{Kind, KINDS};
use serde_json::Value;

fn validator(kind: &Kind) -> jsonschema::Validator {
    let schema = serde_json::to_value(kind.schema()).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

fn kind_named(file: &str) -> &'static Kind {
    KINDS.iter().find(|kind| kind.file == file).unwrap()
}

/// The kind of a content file, by its path relative to the content directory.
fn kind_of(relative: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|kind| {
        if kind.yaml {
            relative == kind.describes
        } else {
            let folder = kind.describes.split('/').next().unwrap();
            relative.starts_with(&format!("{folder}/")) && relative.ends_with(".md")
        }
    })
}

/// YAML as JSON, the way an editor's YAML support hands it to a schema validator.
fn json_of(yaml: &str) -> Value {
    serde_yaml::from_str(yaml).unwrap()
}

/// The YAML of a content file: the whole file, or a record's front matter.
fn yaml_of(path: &Path, kind: &Kind) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    if kind.yaml {
        text
    } else {
        split_front_matter(&text).unwrap().yaml.to_string()
    }
}

fn content_files(root: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(root).unwrap();
        let relative = relative.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_file() {
            files.push((relative, entry.path().to_path_buf()));
        }
    }
    files
}

#[test]
fn every_example_content_file_validates_against_the_schema_of_its_kind() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut checked = 0;
    for root in ["content", "tests/fixtures/valid", "src/starter"] {
        for (relative, path) in content_files(&manifest.join(root)) {
            let Some(kind) = kind_of(&relative) else {
                continue;
            };
            let instance = json_of(&yaml_of(&path, kind));
            let validator = validator(kind);
            let errors: Vec<String> = validator
                .iter_errors(&instance)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{root}/{relative}: {errors:#?}");
            checked += 1;
        }
    }
    // content/ alone has 4 YAML files and 13 + 6 + 14 + 44 + 2 records; the others add more.
    assert!(checked > 83, "only {checked} files checked");
}

/// Front matter the loader reads without a problem, or rejects while parsing; the incident
/// schema must say the same of each.
#[test]
fn the_incident_schema_accepts_and_rejects_what_the_loader_does() {
    let base = "date: 2026-03-14\ncontrol: CTL-A\n";
    let cases = [
        ("origin: design", true),
        ("origin: [design, operation]", true),
        // YAML reads a bare number or boolean as text into a text field.
        ("origin: design\ntitle: 1984", true),
        ("origin: design\ntitle: true", true),
        // An empty optional field takes its default.
        ("origin: design\ntitle:\nseverity:\nactions:", true),
        ("origin: design\nseverity: urgent", false),
        ("origin: [design, sabotage]", false),
        ("origin: design\nexpiry: 2026-05-01", false),
        ("origin: design\nresolved: 2026-4-2", false),
        (
            "origin: design\nactions: [{title: Fix it, due: 01/05/2026}]",
            false,
        ),
        (
            "origin: design\nactions: [{title: Fix it, owner: dana, whom: x}]",
            false,
        ),
    ];
    let validator = validator(kind_named("incident.schema.json"));
    for (extra, accepted) in cases {
        let yaml = format!("{base}{extra}\n");
        let parsed = parse_yaml::<Incident>(Path::new("i.md"), &yaml, 1);
        let loader_accepts = parsed.diagnostics.is_empty();
        assert_eq!(loader_accepts, accepted, "the loader on {yaml:?}");
        assert_eq!(
            validator.is_valid(&json_of(&yaml)),
            accepted,
            "the schema on {yaml:?}"
        );
    }
}

/// Fields the loader reads as optional so that `check` can point at a missing one, and that
/// `check` then requires, are required by the schemas.
#[test]
fn fields_check_requires_are_required() {
    let exception = validator(kind_named("exception.schema.json"));
    let whole = "control: CTL-A\napproved_by: maria\ngranted: 2026-01-01\n";
    assert!(exception.is_valid(&json_of(whole)));
    for missing in ["control", "approved_by", "granted"] {
        let yaml: String = (whole.lines())
            .filter(|line| !line.starts_with(missing))
            .map(|line| format!("{line}\n"))
            .collect();
        // `granted` is required by the loader itself; the others are read and left to `check`.
        let read = parse_yaml::<Exception>(Path::new("e.md"), &yaml, 1)
            .value
            .is_some();
        assert_eq!(read, missing != "granted", "the loader without {missing}");
        assert!(!exception.is_valid(&json_of(&yaml)), "without {missing}");
    }
    let incident = validator(kind_named("incident.schema.json"));
    assert!(
        !incident.is_valid(&json_of("date: 2026-03-14\ncontrol: CTL-A\n")),
        "no origin"
    );
    assert!(!incident.is_valid(&json_of("date: 2026-03-14\ncontrol: CTL-A\norigin: []\n")));
    let control = validator(kind_named("control.schema.json"));
    assert!(!control.is_valid(&json_of("title: No owner\n")));
}

#[test]
fn yaml_files_may_be_empty_and_site_settings_are_checked() {
    let site = validator(kind_named("site.schema.json"));
    assert!(site.is_valid(&json_of("")));
    assert!(site.is_valid(&json_of("recurrence: {window_days: 180, threshold: 3}")));
    for bad in [
        "recurrence: {window: 180}",
        "as_of: next week",
        "review_overdue_grace_days: soon",
    ] {
        let parsed = parse_yaml::<SiteConfig>(Path::new("site.yaml"), bad, 0);
        assert!(!parsed.diagnostics.is_empty(), "the loader accepts {bad:?}");
        assert!(!site.is_valid(&json_of(bad)), "the schema accepts {bad:?}");
    }
    let people = validator(kind_named("people.schema.json"));
    assert!(people.is_valid(&json_of("")));
    assert!(!people.is_valid(&json_of("- {id: dana, name: Dana, active: maybe}")));
    assert!(
        !people.is_valid(&json_of("- {name: Dana}")),
        "a person needs an id"
    );
}

#[test]
fn enums_list_the_documented_values() {
    let schema = serde_json::to_value(kind_named("incident.schema.json").schema()).unwrap();
    let values = |name: &str| schema["definitions"][name]["enum"].clone();
    assert_eq!(
        values("Severity"),
        serde_json::json!(["low", "medium", "high", "critical"])
    );
    assert_eq!(
        values("Origin"),
        serde_json::json!(["design", "operation", "approval"])
    );
    let review = serde_json::to_value(kind_named("review.schema.json").schema()).unwrap();
    assert_eq!(
        review["definitions"]["Decision"]["enum"],
        serde_json::json!([
            "fix-process",
            "accept-risk",
            "redesign-control",
            "retire-control"
        ])
    );
}

#[test]
fn the_schema_command_writes_one_file_per_kind_the_same_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("schemas");
    let run = || {
        let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
            .args(["schema", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        files.sort();
        files
    };
    let first = run();
    let names: Vec<&str> = first.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "control.schema.json",
            "exception.schema.json",
            "frameworks.schema.json",
            "incident.schema.json",
            "people.schema.json",
            "process.schema.json",
            "review.schema.json",
            "site.schema.json",
            "teams.schema.json",
        ]
    );
    std::fs::write(out.join("control.schema.json"), "stale").unwrap();
    assert_eq!(
        run(),
        first,
        "a second run replaces the files with the same bytes"
    );
}
