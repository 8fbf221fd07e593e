//! The CSV exports of a small estate, byte for byte, with every expected cell worked out by
//! hand from the definitions in docs/content-format.md ("How the figures are computed",
//! "Exports"); and the definitions page, which must explain every figure and every export.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The worked example of docs/content-format.md, with a self-approved renewal by someone off
/// the control's approvers list, a second failure, and a formula in a title.
const CONTENT: &[(&str, &str)] = &[
    (
        "site.yaml",
        "title: Exports\nas_of: 2026-07-01\n",
    ),
    (
        "people.yaml",
        "- {id: sam-lee, name: Sam Lee}\n- {id: dana-okafor, name: Dana Okafor}\n\
         - {id: lee-chen, name: Lee Chen}\n- {id: maria-gomez, name: Maria Gomez}\n\
         - {id: ravi-patel, name: Ravi Patel}\n",
    ),
    (
        "controls/CTL-SECRET-ROTATION.md",
        "---\ntitle: Rotation of CI/CD deploy secrets\nowner: dana-okafor\n\
         approvers: [maria-gomez]\nowner_history:\n  - owner: sam-lee\n    until: 2026-03-31\n---\n",
    ),
    (
        "processes/ci-cd-deploy.md",
        "---\ntitle: CI/CD deployment\nowner: lee-chen\ncontrols: [CTL-SECRET-ROTATION]\n---\n",
    ),
    (
        "exceptions/EXC-2026-002.md",
        "---\ncontrol: CTL-SECRET-ROTATION\nrequested_by: ravi-patel\napproved_by: maria-gomez\n\
         granted: 2026-02-01\nexpires: 2026-06-01\nrisk: high\nrenewals:\n\
         \x20 - approved_by: ravi-patel\n    granted: 2026-06-01\n    expires: 2026-07-15\n---\n",
    ),
    (
        "incidents/INC-2026-007.md",
        "---\ntitle: '=HYPERLINK(\"http://evil\",\"x\")'\ndate: 2026-03-14\ndetected: 2026-03-20\n\
         resolved: 2026-04-02\ncontrol: CTL-SECRET-ROTATION\nprocess: ci-cd-deploy\n\
         origin: [design, approval]\nexception: EXC-2026-002\nnhi: secret\nseverity: high\n\
         surfaced_by: leaked-credential\nactions:\n\
         \x20 - title: Rotation job verifies every secret it rotates\n    owner: dana-okafor\n\
         \x20   due: 2026-05-01\n\
         \x20 - title: '@ops: revoke the leaked key'\n    owner: lee-chen\n    due: 2026-03-20\n\
         \x20   done: 2026-03-19\n---\n",
    ),
    (
        "incidents/INC-2026-010.md",
        "---\ntitle: Deploy ran with a stale secret\ndate: 2026-06-20\n\
         control: CTL-SECRET-ROTATION\nprocess: ci-cd-deploy\norigin: operation\n---\n",
    ),
];

/// Writes `CONTENT` (with `site_extra` appended to `site.yaml`) and builds it; returns the
/// temporary folder (kept alive by the caller) and the site.
fn build(site_extra: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in CONTENT {
        let file = dir.path().join("content").join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let text = if *path == "site.yaml" {
            format!("{text}{site_extra}")
        } else {
            text.to_string()
        };
        std::fs::write(file, text).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(dir.path())
        .args(["build", "--content", "content", "--out", "public"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let site = dir.path().join("public");
    (dir, site)
}

fn read(site: &Path, path: &str) -> String {
    std::fs::read_to_string(site.join(path)).unwrap()
}

/// Lines written with `\n` in the test, as the CRLF lines of RFC 4180.
fn crlf(lines: &[&str]) -> String {
    lines.iter().map(|line| format!("{line}\r\n")).collect()
}

#[test]
fn grant_periods_list_every_period_with_its_approver_length_and_findings() {
    let (_dir, site) = build("");
    // Original: 2026-02-01..06-01 = 28+31+30+31 = 120 days > 90: over policy; maria-gomez is
    // on the approvers list. Renewal: 06-01..07-15 = 30+14 = 44 days, approved by the
    // requester (self-approved), who is not on the list (unauthorized). Expiry 07-15 is 14
    // days after as-of: expiring soon.
    let expected = crlf(&[
        "exception,period,kind,control,state,requested_by,approved_by,granted,expires,days,over_policy,self_approved,unauthorized",
        "EXC-2026-002,1,original,CTL-SECRET-ROTATION,expiring-soon,ravi-patel,maria-gomez,2026-02-01,2026-06-01,120,true,false,false",
        "EXC-2026-002,2,renewal,CTL-SECRET-ROTATION,expiring-soon,ravi-patel,ravi-patel,2026-06-01,2026-07-15,44,false,true,true",
    ]);
    assert_eq!(read(&site, "data/grant_periods.csv"), expected);
}

#[test]
fn actions_say_which_are_open_and_overdue_and_formulas_are_defused() {
    let (_dir, site) = build("");
    // As of 2026-07-01: the first is not done and was due 2026-05-01 (open, overdue); the
    // second was done 2026-03-19, before as-of (neither). Its title starts with `@`.
    let expected = crlf(&[
        "record_kind,record,action,title,owner,due,done,open,overdue",
        "incident,INC-2026-007,1,Rotation job verifies every secret it rotates,dana-okafor,2026-05-01,,true,true",
        "incident,INC-2026-007,2,'@ops: revoke the leaked key,lee-chen,2026-03-20,2026-03-19,false,false",
    ]);
    assert_eq!(read(&site, "data/actions.csv"), expected);
}

#[test]
fn incidents_carry_the_facts_behind_their_findings() {
    let (_dir, site) = build("");
    // INC-2026-007: design -> sam-lee (owner until 2026-03-31), approval -> maria-gomez (the
    // original approver: the renewal was granted after the failure). Structural: its
    // exception has a self-approved period. INC-2026-010 repeats it (96 days later, within
    // 365) and names only a process: the process owner is accountable.
    let expected = crlf(&[
        "id,date,title,control,process,origins,severity,in_window,repeat,control_owner,process_owner,approving_manager,resolved,structural,detected,exception,approved_by,nhi,surfaced_by",
        "INC-2026-007,2026-03-14,\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",CTL-SECRET-ROTATION,ci-cd-deploy,design;approval,high,true,false,sam-lee,,maria-gomez,2026-04-02,true,2026-03-20,EXC-2026-002,,secret,leaked-credential",
        "INC-2026-010,2026-06-20,Deploy ran with a stale secret,CTL-SECRET-ROTATION,ci-cd-deploy,operation,,true,true,,lee-chen,,,false,,,,,",
    ]);
    assert_eq!(read(&site, "data/incidents.csv"), expected);
}

#[test]
fn exceptions_processes_and_empty_tables() {
    let (_dir, site) = build("");
    // Age 2026-02-01..07-01 = 28+31+30+31+30 = 150 days: bucket 91-180.
    let exceptions = crlf(&[
        "id,control,requested_by,approved_by,state,granted,effective_expiry,closed,age_days,days_to_expiry,age_bucket,over_policy,chronic,renewals,risk,self_approved,unauthorized_approvers",
        "EXC-2026-002,CTL-SECRET-ROTATION,ravi-patel,ravi-patel,expiring-soon,2026-02-01,2026-07-15,,150,14,91-180,true,false,1,high,true,ravi-patel",
    ]);
    assert_eq!(read(&site, "data/exceptions.csv"), exceptions);
    // Both incidents name the process: 2 >= threshold 2.
    let processes = crlf(&[
        "id,title,owner,failures_in_window,recurring,controls",
        "ci-cd-deploy,CI/CD deployment,lee-chen,2,true,CTL-SECRET-ROTATION",
    ]);
    assert_eq!(read(&site, "data/processes.csv"), processes);
    // Each origin has one incident in the window: no pattern reaches the threshold. No review.
    let patterns = "control,origin,failures_in_window,fix_owner,fix_owner_role\r\n";
    assert_eq!(read(&site, "data/patterns.csv"), patterns);
    let reviews =
        "id,control,origin,date,decided_by,fix_owner,decision,actions_open,actions_done\r\n";
    assert_eq!(read(&site, "data/reviews.csv"), reviews);
}

#[test]
fn monthly_lists_the_24_months_ending_with_the_as_of_month() {
    let (_dir, site) = build("");
    let text = read(&site, "data/monthly.csv");
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 25, "{text}");
    assert_eq!(lines[0], "month,design,operation,approval");
    assert_eq!(lines[1], "2024-08,0,0,0");
    // INC-2026-007 counts under both of its origins; INC-2026-010 under operation.
    assert!(lines.contains(&"2026-03,1,0,1"), "{text}");
    assert!(lines.contains(&"2026-06,0,1,0"), "{text}");
    assert_eq!(lines[24], "2026-07,0,0,0");
    let busy = lines[1..].iter().filter(|l| !l.ends_with(",0,0,0")).count();
    assert_eq!(busy, 2, "{text}");
}

/// Every file under `data/` of a site, subfolders included, by its path under `data/`.
fn data_files(site: &Path) -> BTreeSet<String> {
    let data = site.join("data");
    walkdir::WalkDir::new(&data)
        .into_iter()
        .map(|entry| entry.unwrap())
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let path = entry.path().strip_prefix(&data).unwrap();
            path.to_string_lossy().replace('\\', "/")
        })
        .collect()
}

#[test]
fn every_csv_ends_its_lines_with_crlf_and_excel_csv_adds_only_a_byte_order_mark() {
    let (_plain_dir, plain) = build("");
    let (_excel_dir, excel) = build("excel_csv: true\n");
    let csvs: Vec<String> = data_files(&plain)
        .into_iter()
        .filter(|name| name.ends_with(".csv"))
        .collect();
    assert_eq!(csvs.len(), 12, "{csvs:?}");
    for name in &csvs {
        let path = format!("data/{name}");
        let text = read(&plain, &path);
        assert!(text.ends_with("\r\n"), "{name}");
        assert_eq!(
            text.matches('\n').count(),
            text.matches("\r\n").count(),
            "{name}"
        );
        assert_eq!(read(&excel, &path), format!("\u{feff}{text}"), "{name}");
    }
    // metrics.json is JSON, not a spreadsheet: no byte-order mark.
    assert_eq!(
        read(&plain, "data/metrics.json"),
        read(&excel, "data/metrics.json")
    );
}

#[test]
fn the_definitions_page_describes_every_export_the_site_writes() {
    let (_dir, site) = build("");
    let page = read(&site, "definitions.html");
    for name in data_files(&site) {
        assert!(
            page.contains(&format!("<code>data/{name}</code>")),
            "definitions.html does not describe data/{name}"
        );
    }
    assert!(page.contains("<code>provenance.json</code>"));
}

/// The `id="..."` values of a page.
fn ids(html: &str) -> BTreeSet<&str> {
    html.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

/// Every `.html` file of a site, by path relative to it.
fn pages(site: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![site.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let relative = path.strip_prefix(site).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found
}

#[test]
fn every_link_to_a_definition_lands_on_one_and_anchors_are_unique() {
    let (_dir, site) = build("");
    let definitions = read(&site, "definitions.html");
    let anchors = ids(&definitions);
    assert_eq!(
        anchors.len(),
        definitions.matches(" id=\"").count(),
        "an id is repeated"
    );
    let mut figure_labels = 0;
    for page in pages(&site) {
        let html = read(&site, &page);
        figure_labels += html.matches("class=\"figure-label\" href=").count();
        for link in html.split("href=\"").skip(1) {
            let target = link.split('"').next().unwrap();
            let target = target.trim_start_matches("../");
            let fragment = match target.strip_prefix("definitions.html#") {
                Some(fragment) => fragment,
                None if page == "definitions.html" => match target.strip_prefix('#') {
                    Some(fragment) => fragment,
                    None => continue,
                },
                None => continue,
            };
            assert!(anchors.contains(fragment), "{page}: {target} has no anchor");
        }
    }
    // Twelve headline figures on the dashboard and in the report, three on each of the
    // five people's pages: every figure label is a link.
    assert_eq!(figure_labels, 12 + 12 + 3 * 5);
    let report = read(&site, "report.html");
    assert!(report.contains("<a href=\"definitions.html\">definitions.html</a>"));
}
