//! `data/oscal/poam.json` of the fixture estate `tests/fixtures/valid` (as of 2026-11-01),
//! every expected value worked out by hand from the fixture's files and the mapping in
//! docs/content-format.md ("OSCAL plan of action and milestones").
//!
//! By hand, as of 2026-11-01: EXC-001 closed on 2026-03-01 (not open); EXC-002 open and
//! permanent (CTL-VAULT, granted 2026-09-01 by ana-ruiz; INC-003 on 2026-09-15 fell while it
//! was open); EXC-003 open, expires 2026-12-01, 30 days after as-of: expiring soon, 61 days
//! long (within the 90-day policy; INC-005 on 2026-10-05 fell while it was open). INC-001's
//! one action was done on 2026-02-28; INC-002, INC-003 and INC-004 have no actions; INC-005
//! (approval, approved by dev-patel, no exception) has one action, owner dev-patel, due
//! 2026-12-01, not done. So: 2 exception items, 1 incident item with 1 milestone.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use sha2::{Digest, Sha256};

const FIXTURE: &str = "tests/fixtures/valid";

/// Builds the fixture (with extra arguments) into a new folder; returns it and the site.
fn build(args: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join(FIXTURE);
    let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .arg("build")
        .arg("--content")
        .arg(&fixture)
        .arg("--out")
        .arg(&site)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (dir, site)
}

/// The POA&M object of a built site.
fn poam(site: &Path) -> Value {
    let text = std::fs::read_to_string(site.join("data/oscal/poam.json")).unwrap();
    let mut json: Value = serde_json::from_str(&text).unwrap();
    json["plan-of-action-and-milestones"].take()
}

/// The values of the properties named `name`, in order.
fn props<'a>(node: &'a Value, name: &str) -> Vec<&'a str> {
    let all = node["props"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    all.iter()
        .filter(|p| p["name"] == name)
        .map(|p| p["value"].as_str().unwrap())
        .collect()
}

/// The one value of the property `name`.
fn prop<'a>(node: &'a Value, name: &str) -> &'a str {
    match props(node, name).as_slice() {
        [one] => one,
        other => panic!("{name}: {other:?} in {node}"),
    }
}

/// `(value, class)` of every `accountable-person` property.
fn accountable_people(node: &Value) -> Vec<(&str, &str)> {
    let all = node["props"].as_array().unwrap();
    all.iter()
        .filter(|p| p["name"] == "accountable-person")
        .map(|p| (p["value"].as_str().unwrap(), p["class"].as_str().unwrap()))
        .collect()
}

/// The item whose property `kind` has the record `id` (`exception`, `incident`).
fn item<'a>(poam: &'a Value, kind: &str, id: &str) -> &'a Value {
    let items = poam["poam-items"].as_array().unwrap();
    let found: Vec<&Value> = items.iter().filter(|i| props(i, kind) == [id]).collect();
    assert_eq!(found.len(), 1, "items for {kind} {id}");
    found[0]
}

/// The entry of `list` (`risks`, `observations`, `metadata.parties` ...) with this uuid.
fn by_uuid<'a>(list: &'a Value, uuid: &Value) -> &'a Value {
    let all = list.as_array().unwrap();
    let found: Vec<&Value> = all.iter().filter(|x| &x["uuid"] == uuid).collect();
    assert_eq!(found.len(), 1, "entries with uuid {uuid}");
    found[0]
}

/// The risk an item relates to.
fn risk_of<'a>(poam: &'a Value, item: &Value) -> &'a Value {
    by_uuid(&poam["risks"], &item["related-risks"][0]["risk-uuid"])
}

/// The uuid of the party of a person (`person-id`) or team (`team-id`).
fn party_uuid<'a>(poam: &'a Value, scheme: &str, id: &str) -> &'a Value {
    let parties = poam["metadata"]["parties"].as_array().unwrap();
    let scheme = format!("https://govsite.dev/ns/oscal/{scheme}");
    let found: Vec<&Value> = parties
        .iter()
        .filter(|p| p["external-ids"][0]["scheme"] == scheme.as_str())
        .filter(|p| p["external-ids"][0]["id"] == id)
        .collect();
    assert_eq!(found.len(), 1, "parties for {id}");
    &found[0]["uuid"]
}

/// Every `uuid` value anywhere in the document, with repeats.
fn all_uuids(node: &Value, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "uuid" {
                    out.push(value.as_str().unwrap().to_string());
                }
                all_uuids(value, out);
            }
        }
        Value::Array(list) => list.iter().for_each(|v| all_uuids(v, out)),
        _ => {}
    }
}

#[test]
fn one_item_per_open_exception_then_per_incident_with_open_actions() {
    let (_dir, site) = build(&[]);
    let poam = poam(&site);
    let items = poam["poam-items"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = items
        .iter()
        .map(|i| {
            let kind = prop(i, "kind");
            (kind, prop(i, kind))
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("exception", "EXC-002"),
            ("exception", "EXC-003"),
            ("incident", "INC-005")
        ]
    );
    assert_eq!(poam["risks"].as_array().unwrap().len(), 3);
    assert_eq!(poam["observations"].as_array().unwrap().len(), 1);
}

#[test]
fn a_permanent_exception_is_flagged_and_logs_its_one_grant_period() {
    let (_dir, site) = build(&[]);
    let poam = poam(&site);
    let item = item(&poam, "exception", "EXC-002");
    assert_eq!(prop(item, "control"), "CTL-VAULT");
    assert_eq!(prop(item, "state"), "permanent");
    assert_eq!(prop(item, "permanent"), "true");
    assert_eq!(prop(item, "over-policy"), "true");
    assert_eq!(prop(item, "self-approved"), "false");
    assert_eq!(prop(item, "approver"), "ana-ruiz");
    assert_eq!(prop(item, "requested-by"), "dev-patel");
    assert_eq!(prop(item, "accountable-role"), "approving-manager");
    assert_eq!(
        accountable_people(item),
        [("ana-ruiz", "approving-manager")]
    );
    assert_eq!(props(item, "failure"), ["INC-003"]);
    assert!(props(item, "expires").is_empty());
    let risk = risk_of(&poam, item);
    assert_eq!(risk["status"], "deviation-approved");
    assert!(risk.get("deadline").is_none());
    let entries = risk["risk-log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["start"], "2026-09-01T00:00:00Z");
    assert!(entries[0].get("end").is_none());
    let logged_by = &entries[0]["logged-by"][0];
    assert_eq!(
        &logged_by["party-uuid"],
        party_uuid(&poam, "person-id", "ana-ruiz")
    );
    assert_eq!(logged_by["role-id"], "approving-manager");
}

#[test]
fn an_exception_expiring_soon_has_its_expiry_as_deadline() {
    let (_dir, site) = build(&[]);
    let poam = poam(&site);
    let item = item(&poam, "exception", "EXC-003");
    assert_eq!(prop(item, "state"), "expiring-soon");
    assert_eq!(prop(item, "expires"), "2026-12-01");
    assert_eq!(prop(item, "permanent"), "false");
    assert_eq!(prop(item, "over-policy"), "false");
    assert_eq!(prop(item, "renewals"), "0");
    assert_eq!(props(item, "failure"), ["INC-005"]);
    let risk = risk_of(&poam, item);
    assert_eq!(risk["deadline"], "2026-12-01T00:00:00Z");
    let entry = &risk["risk-log"]["entries"][0];
    assert_eq!(entry["end"], "2026-12-01T00:00:00Z");
    assert_eq!(props(entry, "days"), ["61"]);
}

#[test]
fn an_incidents_open_actions_are_milestones_with_owner_and_due_date() {
    let (_dir, site) = build(&[]);
    let poam = poam(&site);
    let item = item(&poam, "incident", "INC-005");
    assert_eq!(props(item, "origin"), ["approval"]);
    assert_eq!(props(item, "accountable-role"), ["approving-manager"]);
    assert_eq!(
        accountable_people(item),
        [("dev-patel", "approving-manager")]
    );
    assert_eq!(prop(item, "open-actions"), "1");
    assert_eq!(prop(item, "overdue-actions"), "0");
    let observation = by_uuid(
        &poam["observations"],
        &item["related-observations"][0]["observation-uuid"],
    );
    assert_eq!(observation["collected"], "2026-10-05T00:00:00Z");
    let risk = risk_of(&poam, item);
    assert_eq!(risk["status"], "remediating");
    assert_eq!(risk["deadline"], "2026-12-01T00:00:00Z");
    let tasks = risk["remediations"][0]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1);
    let task = &tasks[0];
    assert_eq!(task["type"], "milestone");
    assert_eq!(
        task["title"],
        "Route token TTL overrides through the exception process"
    );
    assert_eq!(
        task["timing"]["within-date-range"],
        serde_json::json!({"start": "2026-10-05T00:00:00Z", "end": "2026-12-01T00:00:00Z"})
    );
    assert_eq!(prop(task, "state"), "open");
    let responsible = &task["responsible-roles"][0];
    assert_eq!(responsible["role-id"], "action-owner");
    assert_eq!(
        &responsible["party-uuids"][0],
        party_uuid(&poam, "person-id", "dev-patel")
    );
}

#[test]
fn parties_are_every_person_then_every_team() {
    let (_dir, site) = build(&[]);
    let poam = poam(&site);
    let parties = poam["metadata"]["parties"].as_array().unwrap();
    let listed: Vec<(&str, &str)> = parties
        .iter()
        .map(|p| {
            let kind = p["type"].as_str().unwrap();
            (kind, p["external-ids"][0]["id"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("person", "ana-ruiz"),
            ("person", "ben-okoro"),
            ("person", "cara-mills"),
            ("person", "dev-patel"),
            ("organization", "apps"),
            ("organization", "security")
        ]
    );
    let ben = &parties[1];
    assert_eq!(ben["name"], "Ben Okoro");
    assert_eq!(prop(ben, "active"), "false");
    assert_eq!(
        &ben["member-of-organizations"][0],
        party_uuid(&poam, "team-id", "security")
    );
    assert_eq!(prop(&parties[5], "lead"), "ana-ruiz");
    let roles: Vec<&str> = (poam["metadata"]["roles"].as_array().unwrap().iter())
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "control-owner",
            "process-owner",
            "approving-manager",
            "action-owner"
        ]
    );
}

#[test]
fn metadata_is_dated_by_the_as_of_date_and_names_oscal_1_1_2() {
    let (_dir, site) = build(&[]);
    let poam = poam(&site);
    let metadata = &poam["metadata"];
    assert_eq!(metadata["last-modified"], "2026-11-01T00:00:00Z");
    assert_eq!(metadata["version"], "2026-11-01");
    assert_eq!(metadata["oscal-version"], "1.1.2");
    assert_eq!(
        metadata["title"],
        "Fixture NHI Governance: plan of action and milestones"
    );
    assert!(poam["system-id"]["id"].is_string());
    assert!(poam.get("import-ssp").is_none());
}

#[test]
fn uuids_are_unique_version_5_and_stable_across_builds_and_as_of_dates() {
    let (_one, first) = build(&[]);
    let (_two, second) = build(&[]);
    let text = |site: &Path| std::fs::read(site.join("data/oscal/poam.json")).unwrap();
    assert_eq!(text(&first), text(&second));
    let poam_now = poam(&first);
    let mut uuids = Vec::new();
    all_uuids(&poam_now, &mut uuids);
    let unique: BTreeSet<&String> = uuids.iter().collect();
    assert_eq!(unique.len(), uuids.len());
    for uuid in &uuids {
        // xxxxxxxx-xxxx-5xxx-[89ab]xxx-xxxxxxxxxxxx
        assert_eq!(uuid.len(), 36, "{uuid}");
        assert_eq!(&uuid[14..15], "5", "{uuid}");
        assert!("89ab".contains(&uuid[19..20]), "{uuid}");
    }
    // A day later EXC-002 is the same deviation: same item, same risk.
    let (_later, later) = build(&["--as-of", "2026-11-02"]);
    let poam_later = poam(&later);
    let (now, next) = (
        item(&poam_now, "exception", "EXC-002"),
        item(&poam_later, "exception", "EXC-002"),
    );
    assert_eq!(now["uuid"], next["uuid"]);
    assert_eq!(now["related-risks"], next["related-risks"]);
    assert_eq!(poam_now["uuid"], poam_later["uuid"]);
    assert_ne!(text(&first), text(&later));
}

#[test]
fn with_nothing_open_the_poam_has_the_one_item_oscal_requires() {
    // On 2026-01-01 EXC-001 is not granted yet and no incident has happened.
    let (_dir, site) = build(&["--as-of", "2026-01-01"]);
    let poam = poam(&site);
    let items = poam["poam-items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["title"], "No open items");
    assert!(poam.get("risks").is_none());
    assert!(poam.get("observations").is_none());
}

#[test]
fn the_poam_is_in_the_sha256sums_manifest_with_its_hash() {
    let (_dir, site) = build(&[]);
    let bytes = std::fs::read(site.join("data/oscal/poam.json")).unwrap();
    let hash: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = std::fs::read_to_string(site.join("SHA256SUMS")).unwrap();
    assert!(
        manifest
            .lines()
            .any(|line| line == format!("{hash}  data/oscal/poam.json")),
        "{manifest}"
    );
}
