//! The month-end trend of a built site: `month_end[]` in `data/metrics.json` and
//! `data/month_end.csv` worked out by hand for `tests/fixtures/valid` from the definitions in
//! docs/content-format.md ("Month-end trend"), and the trend charts as the dashboard and a
//! control page show them: present, following dark mode, a control's failures by origin.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const AS_OF: &str = "2026-11-01";

/// Builds `content` (relative to the repository) at `AS_OF` into a temporary folder.
fn build(content: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "build",
            "--quiet",
            "--content",
            content,
            "--as-of",
            AS_OF,
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    (dir, out)
}

fn read(site: &Path, path: &str) -> String {
    std::fs::read_to_string(site.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn metrics(site: &Path) -> Value {
    serde_json::from_str(&read(site, "data/metrics.json")).unwrap()
}

/// 24 counts, zero but at the given positions. Position 0 is 2024-12-31, 13 is 2026-01-31,
/// 14 is 2026-02-28, 17 is 2026-05-31 ... 22 is 2026-10-31, 23 is the as-of date.
fn points(at: &[(usize, u64)]) -> Vec<u64> {
    let mut counts = vec![0; 24];
    for &(i, value) in at {
        counts[i] = value;
    }
    counts
}

#[test]
fn month_end_of_the_valid_fixture_follows_the_hand_count() {
    let (_dir, site) = build("tests/fixtures/valid");
    let metrics = metrics(&site);
    let rows = metrics["month_end"].as_array().unwrap();
    let column =
        |key: &str| -> Vec<u64> { rows.iter().map(|r| r[key].as_u64().unwrap()).collect() };
    // Exceptions (open: granted <= D, not closed on or before D):
    //   EXC-001 granted 2026-01-10, closed 2026-03-01: Jan 31 (13), Feb 28 (14); it expires
    //     2026-03-10, after both, so never expired.
    //   EXC-002 granted 2026-09-01 without expiry: open and permanent Sep 30 (21), Oct 31
    //     (22), as-of (23).
    //   EXC-003 granted 2026-10-01, expires 2026-12-01: open Oct 31 (22) and as-of (23).
    let open = points(&[(13, 1), (14, 1), (21, 1), (22, 2), (23, 2)]);
    assert_eq!(column("open_exceptions"), open);
    assert_eq!(column("expired_exceptions"), points(&[]));
    let permanent = points(&[(21, 1), (22, 1), (23, 1)]);
    assert_eq!(column("permanent_exceptions"), permanent);
    // Recurring (2 failures in the 365 days ending on D):
    //   CTL-ROTATION fails 2026-02-14 and 2026-05-20: from May 31 (17) on.
    //   CTL-TOKEN-TTL fails 2026-07-01 and 2026-10-05: from Oct 31 (22) on.
    //   CTL-VAULT fails once.
    let recurring = points(&[
        (17, 1),
        (18, 1),
        (19, 1),
        (20, 1),
        (21, 1),
        (22, 2),
        (23, 2),
    ]);
    assert_eq!(column("recurring_controls"), recurring);
    // Actions: INC-001's (recorded 2026-02-14) is done 2026-02-28, the month end itself, so
    // it is open at no month end; INC-005's (recorded 2026-10-05, due 2026-12-01, not done)
    // is open on Oct 31 (22) and as-of (23), and never overdue.
    assert_eq!(column("open_actions"), points(&[(22, 1), (23, 1)]));
    assert_eq!(column("overdue_actions"), points(&[]));
}

#[test]
fn month_end_has_24_points_ending_on_as_of_and_agrees_with_the_summary() {
    let (_dir, site) = build("content");
    let metrics = metrics(&site);
    let rows = metrics["month_end"].as_array().unwrap();
    assert_eq!(rows.len(), 24);
    let months: Vec<&Value> = metrics["monthly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["month"])
        .collect();
    let row_months: Vec<&Value> = rows.iter().map(|r| &r["month"]).collect();
    assert_eq!(row_months, months);
    assert_eq!(rows[0]["date"], "2024-12-31");
    assert_eq!(rows[14]["date"], "2026-02-28");
    assert_eq!(rows[22]["date"], "2026-10-31");
    assert_eq!(rows[23]["date"], AS_OF);
    let summary = &metrics["summary"];
    for key in [
        "open_exceptions",
        "expired_exceptions",
        "permanent_exceptions",
        "recurring_controls",
        "open_actions",
        "overdue_actions",
    ] {
        assert_eq!(rows[23][key], summary[key], "{key}");
    }
}

#[test]
fn month_end_csv_has_a_row_per_month_end_as_in_metrics_json() {
    let (_dir, site) = build("tests/fixtures/valid");
    let csv = read(&site, "data/month_end.csv");
    let lines: Vec<&str> = csv.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 25, "{csv}");
    assert_eq!(
        lines[0],
        "month,date,open_exceptions,expired_exceptions,permanent_exceptions,\
         recurring_controls,open_actions,overdue_actions"
    );
    assert_eq!(lines[1], "2024-12,2024-12-31,0,0,0,0,0,0");
    // The hand count above: Jan 31 2026 has EXC-001 open; as-of has two open, one permanent,
    // two recurring controls and one open action.
    assert_eq!(lines[14], "2026-01,2026-01-31,1,0,0,0,0,0");
    assert_eq!(lines[24], "2026-11,2026-11-01,2,0,1,2,1,0");
}

#[test]
fn the_dashboard_shows_the_month_end_charts_with_their_numbers() {
    let (_dir, site) = build("tests/fixtures/valid");
    let index = read(&site, "index.html");
    for file in [
        "exceptions-at-month-end.svg",
        "recurring-and-actions-at-month-end.svg",
    ] {
        assert!(index.contains(&format!("src=\"charts/{file}\"")), "{file}");
        let svg = read(&site, &format!("charts/{file}"));
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let style = doc.descendants().find(|n| n.has_tag_name("style"));
        let style = style.and_then(|n| n.text()).unwrap_or_default();
        assert!(
            style.contains("@media (prefers-color-scheme: dark)"),
            "{file}"
        );
    }
    assert!(index.contains("Exceptions at each month end (the last row is the as-of date)"));
    assert!(index.contains("<td>2026-11-01</td><td>2</td><td>0</td><td>1</td>"));
}

#[test]
fn a_control_chart_draws_each_origin_in_its_colour() {
    // CTL-ROTATION fails 2026-02-14 (design and operation) and 2026-05-20 (design): two
    // design bars (blue, #0072B2) and one operation bar (orange, #E69F00), no approval.
    let (_dir, site) = build("tests/fixtures/valid");
    let svg = read(&site, "charts/control-CTL-ROTATION.svg");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let bars = |color: &str| {
        let rects = doc.descendants().filter(|n| n.has_tag_name("rect"));
        let wide = |n: &roxmltree::Node| {
            n.attribute("width").and_then(|w| w.parse::<f64>().ok()) > Some(12.0)
        };
        rects
            .filter(|n| n.attribute("fill") == Some(color))
            .filter(wide)
            .count()
    };
    assert_eq!(
        (bars("#0072B2"), bars("#E69F00"), bars("#CC79A7")),
        (2, 1, 0)
    );
    let page = read(&site, "controls/CTL-ROTATION.html");
    // The numbers beside it: February has one failure, under design and under operation.
    assert!(page.contains("<tr><td>2026-02</td><td>1</td><td>1</td><td>1</td><td>0</td></tr>"));
}

#[test]
fn the_definitions_page_defines_the_month_end_figures() {
    let (_dir, site) = build("tests/fixtures/valid");
    let page = read(&site, "definitions.html");
    assert!(page.contains("Month-end trend"));
    assert!(page.contains("<code>month_end[]</code>"));
    assert!(page.contains("<code>data/month_end.csv</code>"));
}
