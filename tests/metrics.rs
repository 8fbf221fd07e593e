//! The example estate's `data/metrics.json` at 2026-11-01, checked against figures worked out
//! by hand from the records in `content/` and DESIGN.md's definitions (the planted situations
//! are listed in docs/content-format.md's companion notes and in each record's body).

use std::process::Command;

use serde_json::Value;

fn example_metrics() -> Value {
    serde_json::from_str(&example_metrics_text()).unwrap()
}

/// `data/metrics.json` as written, for checks on the order of its keys.
fn example_metrics_text() -> String {
    metrics_text("content", "2026-11-01")
}

/// `data/metrics.json` of a build of `content` (relative to the repository) at `as_of`.
fn metrics_text(content: &str, as_of: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--content", content, "--as-of", as_of, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read_to_string(out.join("data/metrics.json")).unwrap()
}

fn find<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|item| item["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

#[test]
fn example_summary_matches_the_hand_count() {
    let metrics = example_metrics();
    let summary = &metrics["summary"];
    let expected = [
        ("controls", 13.0),
        // 26 incidents dated 2025-11-02..=2026-11-01; all but the first failures of two
        // controls in the window repeat an earlier failure within 365 days.
        ("incidents_in_window", 26.0),
        ("repeat_incidents_in_window", 24.0),
        ("recurring_controls", 8.0),
        ("recurring_patterns", 8.0),
        ("open_exceptions", 9.0),
        ("expired_exceptions", 1.0),
        ("permanent_exceptions", 1.0),
        ("expiring_soon_exceptions", 2.0),
        ("over_policy_exceptions", 2.0),
        ("chronic_exceptions", 1.0),
        // open ages 27, 45, 48, 59, 73, 153, 214, 230, 601 -> the middle one.
        ("median_open_exception_age_days", 73.0),
        ("ownership_gaps", 3.0),
        ("self_approved_exceptions", 1.0),
        ("unauthorized_approvals", 1.0),
        ("overdue_reviews", 2.0),
        ("open_actions", 19.0),
        ("overdue_actions", 8.0),
        // INC-2026-008, -018 and -024: surfaced by approval bypass, all in the window.
        ("structural_incidents_in_window", 3.0),
    ];
    for (key, value) in expected {
        assert_eq!(summary[key].as_f64(), Some(value), "summary.{key}");
    }
    let rate = summary["repeat_rate"].as_f64().unwrap();
    assert!((rate - 24.0 / 26.0).abs() < 1e-12, "repeat_rate {rate}");
}

#[test]
fn example_recurring_controls_and_patterns_match_the_hand_count() {
    let metrics = example_metrics();
    let recurring: Vec<(&str, u64)> = metrics["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["recurring"] == true)
        .map(|c| {
            (
                c["id"].as_str().unwrap(),
                c["failures_in_window"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        recurring,
        [
            ("CTL-AGENT-SCOPE", 4),
            ("CTL-CERT-LIFECYCLE", 3),
            ("CTL-NHI-OFFBOARDING", 2),
            ("CTL-SECRET-ROTATION", 5),
            ("CTL-SECRET-SCANNING", 2),
            ("CTL-SECRETS-MANAGER", 2),
            ("CTL-TOKEN-TTL", 3),
            ("CTL-WORKLOAD-IDENTITY", 2),
        ]
    );
    let patterns: Vec<String> = metrics["recurring_patterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {} {}",
                p["control"].as_str().unwrap(),
                p["origin"].as_str().unwrap(),
                p["failures_in_window"]
            )
        })
        .collect();
    assert_eq!(
        patterns,
        [
            "CTL-AGENT-SCOPE operation 2",
            "CTL-AGENT-SCOPE approval 3",
            "CTL-NHI-OFFBOARDING operation 2",
            "CTL-SECRET-ROTATION design 3",
            "CTL-SECRET-ROTATION approval 2",
            "CTL-SECRET-SCANNING operation 2",
            "CTL-TOKEN-TTL operation 2",
            "CTL-TOKEN-TTL approval 2",
        ]
    );
}

#[test]
fn example_fix_owners_follow_origin_and_the_busiest_process() {
    // Window 2025-11-02..=2026-11-01. design and approval: the control's current owner.
    // operation: the pattern's in-window operation incidents, per process -
    //   CTL-AGENT-SCOPE: INC-2026-008, -018 both agent-approval-gate -> jonas-weber (inactive);
    //   CTL-NHI-OFFBOARDING: INC-2026-005, -019 nhi-offboarding -> sam-lee (INC-2025-014 is
    //     before the window);
    //   CTL-SECRET-SCANNING: INC-2026-004, -012 ci-cd-deploy -> lee-chen;
    //   CTL-TOKEN-TTL: INC-2025-016, INC-2026-021 ci-cd-deploy -> lee-chen.
    let metrics = example_metrics();
    let fixes: Vec<String> = metrics["recurring_patterns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {}",
                p["control"].as_str().unwrap(),
                p["origin"].as_str().unwrap(),
                p["fix_owner"].as_str().unwrap_or("null"),
                p["fix_owner_role"].as_str().unwrap_or("null"),
            )
        })
        .collect();
    assert_eq!(
        fixes,
        [
            "CTL-AGENT-SCOPE operation jonas-weber process-owner",
            "CTL-AGENT-SCOPE approval priya-nair control-owner",
            "CTL-NHI-OFFBOARDING operation sam-lee process-owner",
            "CTL-SECRET-ROTATION design dana-okafor control-owner",
            "CTL-SECRET-ROTATION approval dana-okafor control-owner",
            "CTL-SECRET-SCANNING operation lee-chen process-owner",
            "CTL-TOKEN-TTL operation lee-chen process-owner",
            "CTL-TOKEN-TTL approval aisha-khan control-owner",
        ]
    );
}

#[test]
fn example_processes_match_the_hand_count() {
    // In-window incidents per `process` (any origin):
    //   access-review: INC-2026-016 (CTL-SA-LEAST-PRIV);
    //   agent-approval-gate: INC-2026-008, -018, -024 (CTL-AGENT-SCOPE);
    //   certificate-issuance: INC-2026-013, -023 (INC-2025-004 is before the window);
    //   ci-cd-deploy: INC-2025-016, INC-2026-001, -004, -006, -007, -009, -010, -012, -014,
    //     -015, -020, -021 (INC-2026-025 is after as-of);
    //   nhi-offboarding: INC-2026-005, -017, -019;
    //   service-onboarding: INC-2024-001, INC-2025-006, -010, all before the window.
    let metrics = example_metrics();
    let processes: Vec<String> = metrics["processes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let controls: Vec<&str> = p["controls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap())
                .collect();
            format!(
                "{} {} {} {} [{}]",
                p["id"].as_str().unwrap(),
                p["owner"].as_str().unwrap(),
                p["failures_in_window"],
                p["recurring"],
                controls.join(" ")
            )
        })
        .collect();
    assert_eq!(
        processes,
        [
            "access-review aisha-khan 1 false [CTL-SA-LEAST-PRIV]",
            "agent-approval-gate jonas-weber 3 true [CTL-AGENT-SCOPE]",
            "certificate-issuance mei-tanaka 2 true [CTL-CERT-LIFECYCLE]",
            "ci-cd-deploy lee-chen 12 true [CTL-ENV-ISOLATION CTL-SECRET-ROTATION \
             CTL-SECRET-SCANNING CTL-TOKEN-TTL CTL-WORKLOAD-IDENTITY]",
            "nhi-offboarding sam-lee 3 true [CTL-API-KEY-INVENTORY CTL-NHI-OFFBOARDING]",
            "service-onboarding tomas-berg 0 false []",
        ]
    );
}

#[test]
fn example_exception_states_match_the_planted_situations() {
    let metrics = example_metrics();
    let exceptions = &metrics["exceptions"];
    let cases = [
        ("EXC-2025-001", "permanent", Value::Null),
        ("EXC-2026-003", "expired", Value::from(-124)),
        ("EXC-2026-005", "expiring-soon", Value::from(16)),
        ("EXC-2026-006", "expiring-soon", Value::from(30)),
        (
            "EXC-2026-007",
            "active",
            exceptions_days(exceptions, "EXC-2026-007"),
        ),
        ("EXC-2026-010", "future", Value::Null),
        ("EXC-2025-002", "closed", Value::Null),
    ];
    for (id, state, days_to_expiry) in cases {
        let exception = find(exceptions, id);
        assert_eq!(exception["state"], state, "{id}");
        assert_eq!(exception["days_to_expiry"], days_to_expiry, "{id}");
    }
    let permanent = find(exceptions, "EXC-2025-001");
    assert_eq!(permanent["age_days"], 601);
    assert_eq!(permanent["age_bucket"], ">365");
    assert_eq!(permanent["over_policy"], true);
    let chronic = find(exceptions, "EXC-2026-002");
    assert_eq!(
        (chronic["chronic"].clone(), chronic["renewals"].clone()),
        (Value::from(true), Value::from(2))
    );
    assert_eq!(
        chronic["approved_by"], "tomas-berg",
        "latest approver is the last renewal's"
    );
    assert_eq!(
        find(exceptions, "EXC-2026-004")["over_policy"],
        true,
        "213-day grant"
    );
}

fn exceptions_days(exceptions: &Value, id: &str) -> Value {
    // EXC-2026-007 closed after the as-of date: still open, so it has a days_to_expiry.
    let value = find(exceptions, id)["days_to_expiry"].clone();
    assert!(
        value.is_number(),
        "{id} should be open with a days_to_expiry"
    );
    value
}

#[test]
fn example_accountability_follows_owner_history_and_renewals() {
    let metrics = example_metrics();
    let incidents = &metrics["incidents"];
    let person = |id: &str, role: &str| -> Value {
        find(incidents, id)["accountable"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["role"] == role)
            .map(|a| a["person"].clone())
            .unwrap_or_else(|| panic!("{id} has no {role}"))
    };
    // CTL-SECRET-ROTATION: sam-lee until 2026-03-31 (inclusive), then dana-okafor.
    assert_eq!(person("INC-2026-006", "control-owner"), "sam-lee");
    assert_eq!(person("INC-2026-010", "control-owner"), "dana-okafor");
    // EXC-2026-002: original grant by maria-gomez, renewal granted 2026-09-08 by tomas-berg.
    assert_eq!(person("INC-2026-009", "approving-manager"), "maria-gomez");
    assert_eq!(person("INC-2026-020", "approving-manager"), "tomas-berg");
    // No exception record: the incident's own approver.
    assert_eq!(person("INC-2026-002", "approving-manager"), "priya-nair");
    // A boundary failure is shared: both roles, in origin order.
    let roles: Vec<&str> = find(incidents, "INC-2026-001")["accountable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["control-owner", "process-owner"]);
    // Ignored: dated after as-of.
    assert!(incidents
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["id"] != "INC-2026-025"));
}

#[test]
fn example_repeat_boundaries_follow_the_window_definition() {
    let metrics = example_metrics();
    let incidents = &metrics["incidents"];
    // INC-2025-015 (2025-11-01) is outside the window but makes INC-2026-016 a repeat.
    assert_eq!(find(incidents, "INC-2025-015")["in_window"], false);
    assert_eq!(find(incidents, "INC-2026-016")["repeat"], true);
    // Exactly 365 days after the previous failure: not a repeat.
    assert_eq!(find(incidents, "INC-2026-017")["repeat"], false);
    assert_eq!(find(incidents, "INC-2026-014")["repeat"], false);
    let monthly = metrics["monthly"].as_array().unwrap();
    assert_eq!(monthly.len(), 24);
    assert_eq!(monthly[0]["month"], "2024-12");
    assert_eq!(monthly[23]["month"], "2026-11");
    assert_eq!(monthly[23]["design"], 0);
}

#[test]
fn example_gaps_name_the_person_to_chase() {
    let metrics = example_metrics();
    let gaps: Vec<String> = metrics["gaps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            format!(
                "{} {} {}",
                g["kind"].as_str().unwrap(),
                g["record"].as_str().unwrap(),
                g["person"]
            )
        })
        .collect();
    for expected in [
        "inactive-owner agent-approval-gate \"jonas-weber\"",
        "inactive-approver EXC-2026-005 \"jonas-weber\"",
        "no-risk-signoff CTL-WORKLOAD-IDENTITY null",
        "review-overdue CTL-TOKEN-TTL \"aisha-khan\"",
        "self-approved EXC-2026-009 \"priya-nair\"",
        "unauthorized-approver EXC-2026-008 \"tomas-berg\"",
        // INC-2026-024's only action is dana-okafor's: neither the process owner
        // (agent-approval-gate: jonas-weber) nor the control owner (CTL-AGENT-SCOPE: priya-nair).
        "no-process-fix INC-2026-024 \"jonas-weber\"",
        // Agent controls used by processes owned in two teams, with no risk sign-off:
        // CTL-AGENT-SCOPE by access-review (aisha-khan, platform-security) and
        // agent-approval-gate (jonas-weber, data-platform); CTL-NHI-OWNERSHIP by access-review
        // and nhi-offboarding (platform-security) and service-onboarding (tomas-berg,
        // platform-engineering); CTL-TOKEN-TTL by agent-approval-gate and ci-cd-deploy
        // (lee-chen, platform-engineering). CTL-NHI-OFFBOARDING protects agents too, but
        // only nhi-offboarding uses it: one team.
        "no-single-decision-maker CTL-AGENT-SCOPE \"priya-nair\"",
        "no-single-decision-maker CTL-NHI-OWNERSHIP \"dana-okafor\"",
        "no-single-decision-maker CTL-TOKEN-TTL \"aisha-khan\"",
    ] {
        assert!(
            gaps.contains(&expected.to_string()),
            "missing gap {expected} in {gaps:?}"
        );
    }
    // The example has no reviews yet: each of the 8 recurring patterns (see
    // example_fix_owners_follow_origin_and_the_busiest_process) is an unreviewed-pattern gap
    // on its control, chasing its fix owner. CTL-SECRET-ROTATION's design and approval
    // patterns are both dana-okafor's: two equal entries.
    let unreviewed: Vec<&str> = gaps
        .iter()
        .filter(|g| g.starts_with("unreviewed-pattern "))
        .map(String::as_str)
        .collect();
    assert_eq!(
        unreviewed,
        [
            "unreviewed-pattern CTL-AGENT-SCOPE \"jonas-weber\"",
            "unreviewed-pattern CTL-AGENT-SCOPE \"priya-nair\"",
            "unreviewed-pattern CTL-NHI-OFFBOARDING \"sam-lee\"",
            // Its design and approval patterns are both dana-okafor's to fix: one gap.
            "unreviewed-pattern CTL-SECRET-ROTATION \"dana-okafor\"",
            // Its approval pattern was reviewed (REV-2026-001, 2026-08-05); operation was not.
            "unreviewed-pattern CTL-TOKEN-TTL \"lee-chen\"",
            // CTL-SECRET-SCANNING operation was reviewed (REV-2026-002, 2026-07-10).
        ]
    );
    // REV-2026-001's two actions were done by 2026-09-01, and INC-2026-021 (2026-10-03,
    // origins operation and approval) failed CTL-TOKEN-TTL again: the review's fix owner
    // (none given: the pattern's, aisha-khan) is chased. REV-2026-002's fix was done on
    // 2026-08-01; CTL-SECRET-SCANNING's next operation failure, INC-2026-025, is dated
    // 2026-11-15, after the as-of date: the fix held.
    assert!(gaps.contains(&"fix-did-not-hold REV-2026-001 \"aisha-khan\"".to_string()));
    assert_eq!(gaps.len(), 11 + 5 + 1, "{gaps:?}");
    let reviews: Vec<String> = metrics["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let text = |key: &str| r[key].as_str().unwrap().to_string();
            format!(
                "{} {} {} {} {} {} {} open {} done {}",
                text("id"),
                text("control"),
                text("origin"),
                text("date"),
                text("decided_by"),
                text("fix_owner"),
                text("decision"),
                r["actions_open"],
                r["actions_done"]
            )
        })
        .collect();
    assert_eq!(
        reviews,
        [
            "REV-2026-001 CTL-TOKEN-TTL approval 2026-08-05 dana-okafor aisha-khan fix-process \
             open 0 done 2",
            "REV-2026-002 CTL-SECRET-SCANNING operation 2026-07-10 dana-okafor lee-chen \
             fix-process open 0 done 1",
        ]
    );
}

#[test]
fn example_separation_of_duties_facts_match_the_records() {
    let metrics = example_metrics();
    let list = |key: &str| metrics[key].as_array().unwrap().clone();
    let ids_where = |key: &str, test: &dyn Fn(&Value) -> bool| -> Vec<String> {
        let items = list(key);
        let chosen = items.iter().filter(|item| test(item));
        chosen
            .map(|item| item["id"].as_str().unwrap().to_string())
            .collect()
    };
    // Requested and approved by the same person: tomas-berg (closed, still flagged) and
    // priya-nair (open).
    let self_approved = ids_where("exceptions", &|e| e["self_approved"] == true);
    assert_eq!(self_approved, ["EXC-2025-002", "EXC-2026-009"]);
    // CTL-SA-LEAST-PRIV allows dana-okafor and maria-gomez; EXC-2026-008 was approved by
    // tomas-berg. priya-nair is on CTL-AGENT-SCOPE's list, so EXC-2026-009 has none.
    let unauthorized = ids_where("exceptions", &|e| {
        e["unauthorized_approvers"] != Value::Array(vec![])
    });
    assert_eq!(unauthorized, ["EXC-2026-008"]);
    let exceptions = list("exceptions");
    assert_eq!(
        find(&Value::Array(exceptions), "EXC-2026-008")["unauthorized_approvers"],
        serde_json::json!(["tomas-berg"])
    );
    // Surfaced by approval bypass; INC-2026-024 is also under the self-approved EXC-2026-009.
    let structural = ids_where("incidents", &|i| i["structural"] == true);
    assert_eq!(structural, ["INC-2026-008", "INC-2026-018", "INC-2026-024"]);
}

/// The new keys recomputed from the lists of the same file, as an auditor would check them
/// (docs/content-format.md, "How the figures are computed").
#[test]
fn example_page_figures_agree_with_the_lists_they_summarise() {
    let metrics = example_metrics();
    let list = |key: &str| metrics[key].as_array().unwrap().clone();
    let (incidents, controls, months) = (list("incidents"), list("controls"), list("monthly"));
    for (row, origin) in
        list("accountability_by_origin")
            .iter()
            .zip(["design", "operation", "approval"])
    {
        let with: Vec<&Value> = incidents
            .iter()
            .filter(|i| i["origins"].as_array().unwrap().iter().any(|o| o == origin))
            .collect();
        let in_window = with.iter().filter(|i| i["in_window"] == true).count();
        assert_eq!(row["origin"], origin);
        assert_eq!(row["failures_total"].as_u64(), Some(with.len() as u64));
        assert_eq!(row["failures_in_window"].as_u64(), Some(in_window as u64));
    }
    for control in &controls {
        let counts: Vec<u64> = months
            .iter()
            .map(|m| {
                let month = m["month"].as_str().unwrap();
                let of_month = |i: &&Value| {
                    i["control"] == control["id"] && i["date"].as_str().unwrap().starts_with(month)
                };
                incidents.iter().filter(of_month).count() as u64
            })
            .collect();
        let got: Vec<u64> = control["monthly_failures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .collect();
        assert_eq!(got, counts, "{}", control["id"]);
        let overdue = control["review_overdue_after"]
            .as_str()
            .is_some_and(|after| metrics["as_of"].as_str().unwrap() > after);
        assert_eq!(control["review_overdue"], overdue, "{}", control["id"]);
    }
    let mut failing: Vec<(u64, &str, bool)> = controls
        .iter()
        .map(|c| {
            let failures = c["failures_in_window"].as_u64().unwrap();
            (failures, c["id"].as_str().unwrap(), c["recurring"] == true)
        })
        .filter(|(failures, ..)| *failures > 0)
        .collect();
    failing.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    failing.truncate(10);
    let top: Vec<(u64, &str, bool)> = metrics["top_controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let failures = t["failures_in_window"].as_u64().unwrap();
            (failures, t["id"].as_str().unwrap(), t["recurring"] == true)
        })
        .collect();
    assert_eq!(top, failing);
    for exception in list("exceptions") {
        let periods = exception["periods"].as_array().unwrap();
        assert_eq!(
            periods.len() as u64,
            exception["renewals"].as_u64().unwrap() + 1
        );
        let over = periods.iter().any(|p| p["over_policy"] == true);
        assert_eq!(exception["over_policy"], over, "{}", exception["id"]);
    }
    for framework in list("frameworks") {
        let uncovered = framework["uncovered"].as_array().unwrap().len() as u64;
        let covered = framework["covered"].as_u64().unwrap();
        assert_eq!(framework["references"].as_u64(), Some(covered + uncovered));
    }
    for person in list("people") {
        let named = incidents
            .iter()
            .filter(|i| i["in_window"] == true)
            .filter(|i| {
                let entries = i["accountable"].as_array().unwrap();
                entries.iter().any(|a| a["person"] == person["id"])
            })
            .count();
        assert_eq!(person["accountable_in_window"].as_u64(), Some(named as u64));
    }
}

#[test]
fn example_metrics_json_appends_the_new_keys_before_provenance() {
    let text = example_metrics_text();
    // Pretty-printed: the top-level keys are the lines indented by exactly two spaces.
    let keys: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("  \""))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let expected = "as_of settings summary controls recurring_patterns exceptions incidents gaps \
                    monthly top_controls accountability_by_origin frameworks people processes by_nhi \
                    reviews month_end teams provenance";
    assert_eq!(keys, expected.split_whitespace().collect::<Vec<_>>());
}

#[test]
fn example_metrics_json_provenance_names_govsite_the_content_and_the_settings() {
    let text = example_metrics_text();
    // The provenance object's keys: the lines indented by exactly four spaces after it.
    let after = text.split("\n  \"provenance\": {\n").nth(1).unwrap();
    let keys: Vec<&str> = after
        .lines()
        .filter_map(|line| line.strip_prefix("    \""))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let expected = "govsite_version govsite_commit govsite_dirty commit dirty differing_files \
                    differing templates settings";
    assert_eq!(keys, expected.split_whitespace().collect::<Vec<_>>());
    let metrics = example_metrics();
    let settings = &metrics["provenance"]["settings"];
    assert_eq!(settings["as_of"], "2026-11-01");
    assert_eq!(settings["recurrence"]["threshold"], 2);
    assert_eq!(settings["review_overdue_grace_days"], 0);
}

#[test]
fn example_by_nhi_lists_every_kind_and_the_agent_controls() {
    let metrics = example_metrics();
    let kinds: Vec<&str> = metrics["by_nhi"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["nhi"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "secret",
            "service-account",
            "token",
            "api-key",
            "certificate",
            "agent",
            "workload-identity"
        ]
    );
    // content/controls/ lists `agent` in CTL-AGENT-SCOPE, CTL-NHI-OFFBOARDING,
    // CTL-NHI-OWNERSHIP and CTL-TOKEN-TTL.
    assert_eq!(metrics["by_nhi"][5]["controls"], 4);
    // Of those, CTL-AGENT-SCOPE, CTL-NHI-OFFBOARDING and CTL-TOKEN-TTL are recurring (the
    // dashboard's list) and CTL-NHI-OWNERSHIP is not.
    let recurring: Vec<&str> = metrics["controls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["recurring"] == true)
        .map(|c| c["id"].as_str().unwrap())
        .filter(|id| {
            [
                "CTL-AGENT-SCOPE",
                "CTL-NHI-OFFBOARDING",
                "CTL-NHI-OWNERSHIP",
                "CTL-TOKEN-TTL",
            ]
            .contains(id)
        })
        .collect();
    assert_eq!(
        recurring,
        ["CTL-AGENT-SCOPE", "CTL-NHI-OFFBOARDING", "CTL-TOKEN-TTL"]
    );
    assert_eq!(metrics["by_nhi"][5]["recurring_controls"], 3);
}

/// `tests/fixtures/loop`: the edges of the accountability loop, worked out by hand from
/// docs/content-format.md. CTL-A fails in `operation` once in `beta-proc` (dev) and once in
/// `alpha-proc` (cara); REV-A reviewed it on 2025-11-01. CTL-B fails by design on 2026-05-01,
/// 2026-09-01 and 2026-10-15; REV-B (2026-09-10) has two actions, done 2026-10-01 and, late
/// (due 2026-10-15), on 2026-11-01.
#[test]
fn loop_fixture_edges_at_the_window_start_and_the_as_of_date() {
    let at = |as_of: &str| -> Value {
        serde_json::from_str(&metrics_text("tests/fixtures/loop", as_of)).unwrap()
    };
    let gaps = |m: &Value| -> Vec<(String, String, String)> {
        m["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                let text = |key: &str| g[key].as_str().unwrap_or("-").to_string();
                (text("kind"), text("record"), text("person"))
            })
            .collect()
    };

    // As of 2026-11-01 the window is 2025-11-02..=2026-11-01.
    let m = at("2026-11-01");
    // A tie (one failure in each process) goes to the smallest process id: alpha-proc, cara.
    let a = &m["recurring_patterns"][0];
    assert_eq!(
        (&a["control"], &a["fix_owner"]),
        (&Value::from("CTL-A"), &Value::from("cara"))
    );
    assert_eq!(a["fix_owner_role"], "process-owner");
    // REV-A is dated exactly at the window start: outside, so CTL-A is unreviewed. REV-B's
    // last action is done on the as-of date: done, so nothing is open or overdue, and no
    // failure of CTL-B is dated after 2026-11-01, so its fix held.
    let want = vec![("unreviewed-pattern".into(), "CTL-A".into(), "cara".into())];
    assert_eq!(gaps(&m), want);
    assert_eq!(m["summary"]["open_actions"], 0);
    assert_eq!(m["summary"]["overdue_actions"], 0);
    assert_eq!(find(&m["reviews"], "REV-B")["actions_done"], 2);
    // Five failures, three repeat one within 365 days (A2, B2, B3).
    assert_eq!(m["summary"]["repeat_incidents_in_window"], 3);
    let alpha = find(&m["processes"], "alpha-proc");
    assert_eq!(alpha["failures_in_window"], 4);
    assert_eq!(alpha["controls"], serde_json::json!(["CTL-A", "CTL-B"]));
    assert_eq!(find(&m["processes"], "beta-proc")["recurring"], false);

    // A day earlier both edges flip: the window 2025-11-01..=2026-10-31 holds REV-A, and
    // REV-B's second action (done 2026-11-01, after as-of) is open and overdue, so REV-B's
    // actions are not all done and no fix-did-not-hold is looked for.
    let m = at("2026-10-31");
    assert_eq!(gaps(&m), Vec::<(String, String, String)>::new());
    assert_eq!(m["summary"]["open_actions"], 1);
    assert_eq!(m["summary"]["overdue_actions"], 1);
    assert_eq!(find(&m["reviews"], "REV-B")["actions_open"], 1);
}
