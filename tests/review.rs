//! The leadership review: the dashboard as one decision screen whose figures lead to exactly
//! what they count, team pages, long lists in pages that work without JavaScript, and people
//! with the same name told apart. Expected values are worked out by hand from
//! `tests/fixtures/valid` (see the comments) and `docs/content-format.md`.

use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../examples/synth.rs"]
mod synth;

const AS_OF: &str = "2026-11-01";

/// The runner shared with tests/ci.rs and tests/newcomer.rs; this file reads no stdout.
#[allow(dead_code)]
#[path = "common/run.rs"]
mod common;

/// Builds `content` into `out` as of `AS_OF` with the real binary; the build must succeed.
fn build(content: &Path, out: &Path) {
    let (content, out) = (content.to_string_lossy(), out.to_string_lossy());
    let run = common::govsite_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "build",
            "--as-of",
            AS_OF,
            "--content",
            &content,
            "--out",
            &out,
        ],
        &[],
    );
    assert_eq!(run.code, 0, "build failed:\n{}", run.stderr);
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

fn read(site: &Path, page: &str) -> String {
    std::fs::read_to_string(site.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"))
}

fn metrics_json(site: &Path) -> serde_json::Value {
    serde_json::from_str(&read(site, "data/metrics.json")).unwrap()
}

/// Generates the synthetic estate of `options` under `dir` and builds it into `dir/name`.
fn synthetic_site(dir: &Path, options: synth::Options, name: &str) -> PathBuf {
    let estate = dir.join("estate");
    synth::generate(&options, &estate).unwrap();
    let site = dir.join(name);
    build(&estate, &site);
    site
}

/// The `<tbody>` of the table whose caption starts with `caption`.
fn table<'p>(page: &'p str, caption: &str) -> &'p str {
    let marker = format!("<caption>{caption}");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no table captioned {caption:?}"));
    let rest = &page[start..];
    let body = rest.find("<tbody>").unwrap();
    let end = rest.find("</tbody>").unwrap();
    &rest[body..end]
}

/// The ids of the records of `folder` (`controls/`) linked from `html`, in order, each once.
fn ids(html: &str, folder: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for piece in html.split(&format!("{folder}/")).skip(1) {
        if let Some(end) = piece.find(".html\"") {
            let id = &piece[..end];
            if !id.contains(['"', '<', ' ']) && found.last().map(String::as_str) != Some(id) {
                found.push(id.to_string());
            }
        }
    }
    found
}

/// The headline figure labelled `label` on a page: its value and where it leads.
fn figure(page: &str, label: &str) -> (String, String) {
    let marker = format!("<span class=\"visually-hidden\"> {label}</span>");
    let end = page
        .find(&marker)
        .unwrap_or_else(|| panic!("no figure {label:?}"));
    let before = &page[..end];
    let start = before.rfind("<a class=\"figure-value\" href=\"").unwrap();
    let link = &before[start + "<a class=\"figure-value\" href=\"".len()..];
    let (href, value) = link.split_once("\">").unwrap();
    (value.to_string(), href.to_string())
}

fn rows(html: &str) -> usize {
    html.matches("<tr>").count()
}

#[test]
fn a_team_page_counts_only_the_records_of_the_teams_members() {
    let dir = tempfile::tempdir().unwrap();
    build(&fixture(), dir.path());
    let site = dir.path();

    // security = ana-ruiz, ben-okoro (people.yaml). ana owns CTL-ROTATION and CTL-VAULT;
    // its exceptions: EXC-001 (on CTL-ROTATION), EXC-002 (on CTL-VAULT, approved by ana),
    // EXC-003 (approved by ana). Failures: INC-001 (design: ben owned CTL-ROTATION until
    // 2026-03-31), INC-002 (design: ana), INC-003 (approval: EXC-002's approver ana).
    let security = read(site, "teams/security.html");
    let controls = table(&security, "Controls owned by the team");
    assert_eq!(ids(controls, "controls"), ["CTL-ROTATION", "CTL-VAULT"]);
    // The page lists the open ones; EXC-001 was closed on 2026-03-01 and is counted below.
    let exceptions = table(&security, "Open exceptions on the team");
    assert_eq!(ids(exceptions, "exceptions"), ["EXC-002", "EXC-003"]);
    assert!(
        security.contains("1 closed exception is on the pages"),
        "{security}"
    );
    // ana's one action (INC-001) was done on 2026-02-28: no open action is listed.
    assert!(security.contains("1 done action is on the pages"));
    // Every failure is of 2026: all in the 365-day window.
    let failures = table(
        &security,
        "Failures in the window a member is accountable for",
    );
    assert_eq!(
        ids(failures, "incidents"),
        ["INC-003", "INC-002", "INC-001"]
    );
    // Open on 2026-11-01: EXC-002 (no expiry: permanent) and EXC-003 (expires 2026-12-01);
    // EXC-001 was closed on 2026-03-01.
    assert_eq!(figure(&security, "Open exceptions").0, "2");
    assert_eq!(figure(&security, "Permanent exceptions").0, "1");
    assert_eq!(
        figure(&security, "Open exceptions").1,
        "../teams/security.html#exceptions"
    );

    // apps = cara-mills, dev-patel. dev owns CTL-TOKEN-TTL; cara and dev own ci-deploy and
    // onboarding. Exceptions: EXC-003 (on CTL-TOKEN-TTL and ci-deploy), EXC-001 (on
    // ci-deploy, approved by cara). Failures, newest first: INC-005 (approval: dev approved
    // it), INC-003 (operation: onboarding's owner dev), INC-004 (operation: ci-deploy's owner
    // cara), INC-001 (operation: cara). INC-005 was surfaced by approval-bypass: structural.
    let apps = read(site, "teams/apps.html");
    assert_eq!(
        ids(table(&apps, "Controls owned by the team"), "controls"),
        ["CTL-TOKEN-TTL"]
    );
    assert_eq!(
        ids(table(&apps, "Processes owned by the team"), "processes"),
        ["ci-deploy", "onboarding"]
    );
    assert_eq!(
        ids(
            table(&apps, "Failures in the window a member is accountable for"),
            "incidents"
        ),
        ["INC-005", "INC-003", "INC-004", "INC-001"]
    );
    assert_eq!(figure(&apps, "Open exceptions").0, "1");
    assert_eq!(figure(&apps, "Permanent exceptions").0, "0");
    assert_eq!(figure(&apps, "Structural failures").0, "1");
    assert_eq!(figure(&security, "Structural failures").0, "0");

    assert_eq!(
        ids(table(&apps, "Open exceptions on the team"), "exceptions"),
        ["EXC-003"]
    );

    // The same figures in metrics.json, with the counts of the records behind them. Repeats:
    // INC-002 follows INC-001 on CTL-ROTATION, INC-005 follows INC-004 on CTL-TOKEN-TTL (each
    // within 365 days); CTL-ROTATION and CTL-TOKEN-TTL have 2 failures in the window each
    // (threshold 2): recurring. apps' exceptions are EXC-001 (on its process ci-deploy,
    // approved by cara) and EXC-003; its one action (INC-005, dev, due 2026-12-01) is open.
    let metrics = metrics_json(site);
    let teams = metrics["teams"].as_array().unwrap();
    let team_ids: Vec<&str> = teams.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(team_ids, ["apps", "security"]);
    let expected = [
        // members processes exceptions failures actions | controls in_window repeats
        // recurring open permanent structural open_actions
        (&teams[0], [2, 2, 2, 4, 1], [1, 4, 1, 1, 1, 0, 1, 1], 0.25),
        (
            &teams[1],
            [2, 0, 3, 3, 1],
            [2, 3, 1, 1, 2, 1, 0, 0],
            1.0 / 3.0,
        ),
    ];
    for (team, counts, figures, repeat_rate) in expected {
        let got: Vec<u64> = ["members", "processes", "exceptions", "failures", "actions"]
            .iter()
            .map(|key| team[key].as_u64().unwrap())
            .collect();
        assert_eq!(got, counts, "{}", team["id"]);
        let summary = &team["summary"];
        let got: Vec<u64> = [
            "controls",
            "incidents_in_window",
            "repeat_incidents_in_window",
            "recurring_controls",
            "open_exceptions",
            "permanent_exceptions",
            "structural_incidents_in_window",
            "open_actions",
        ]
        .iter()
        .map(|key| summary[key].as_u64().unwrap())
        .collect();
        assert_eq!(got, figures, "{}", team["id"]);
        let rate = summary["repeat_rate"].as_f64().unwrap();
        assert!((rate - repeat_rate).abs() < 1e-9, "{}", team["id"]);
    }

    // The list of teams, and every link to a team, lead to the team's page.
    let teams = read(site, "teams.html");
    assert!(teams.contains("href=\"teams/security.html\""), "{teams}");
    assert!(teams.contains("href=\"teams/apps.html\""));
    let ana = read(site, "people/ana-ruiz.html");
    assert!(ana.contains("href=\"../teams/security.html\""));
    assert!(!ana.contains("people.html#team-"));
}

#[test]
fn every_headline_figure_leads_to_a_list_of_exactly_what_it_counts() {
    let dir = tempfile::tempdir().unwrap();
    build(&fixture(), dir.path());
    let site = dir.path();
    let dashboard = read(site, "index.html");

    // Permanent: EXC-002 alone (no expiry, open). Open: EXC-002 and EXC-003.
    let (value, href) = figure(&dashboard, "Permanent exceptions");
    assert_eq!(
        (value.as_str(), href.as_str()),
        ("1", "lists/permanent-exceptions.html")
    );
    let list = read(site, &href);
    assert_eq!(
        ids(table(&list, "Permanent exceptions"), "exceptions"),
        ["EXC-002"]
    );
    let (value, href) = figure(&dashboard, "Open exceptions");
    assert_eq!(value, "2");
    let list = read(site, &href);
    assert_eq!(
        ids(table(&list, "Open exceptions"), "exceptions"),
        ["EXC-002", "EXC-003"]
    );
    // Structural in the window: INC-005 (surfaced by approval-bypass).
    let (value, href) = figure(&dashboard, "Structural failures");
    assert_eq!(value, "1");
    let list = read(site, &href);
    assert_eq!(
        ids(table(&list, "Structural failures"), "incidents"),
        ["INC-005"]
    );

    // On the example, every count card and its list agree (a list's rows are its records).
    let example = tempfile::tempdir().unwrap();
    build(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
        example.path(),
    );
    let dashboard = read(example.path(), "index.html");
    for label in [
        "Recurring controls",
        "Structural failures",
        "Open exceptions",
        "Expired, still open",
        "Permanent exceptions",
        "Over policy",
        "Self-approved",
        "Unauthorized approvals",
        "Ownership gaps",
        "Overdue reviews",
        "Overdue actions",
    ] {
        let (value, href) = figure(&dashboard, label);
        assert!(href.starts_with("lists/"), "{label} leads to {href}");
        let list = read(example.path(), &href);
        let body = &list[list.find("<tbody>").unwrap()..list.find("</tbody>").unwrap()];
        let count = if body.contains("colspan=") {
            0
        } else {
            rows(body)
        };
        assert_eq!(value, count.to_string(), "{label}: {href}");
    }
}

#[test]
fn the_dashboard_shows_the_first_rows_of_each_list_and_groups_findings() {
    let dir = tempfile::tempdir().unwrap();
    let options = synth::Options {
        controls: 60,
        seed: 5,
        ..Default::default()
    };
    let site = synthetic_site(dir.path(), options, "site");
    let dashboard = read(&site, "index.html");
    let gaps_list = read(&site, "lists/flagged-exceptions.html");
    let flagged = rows(table(&gaps_list, "Expired and permanent exceptions"));
    assert!(flagged > 5, "the estate has {flagged} flagged exceptions");
    // The dashboard holds the first five, in the list's order, and links to all of them.
    let preview = table(&dashboard, "Expired and permanent exceptions");
    assert_eq!(rows(preview), 5);
    let all = ids(
        table(&gaps_list, "Expired and permanent exceptions"),
        "exceptions",
    );
    assert_eq!(ids(preview, "exceptions"), all[..5]);
    assert!(dashboard.contains(&format!(
        "<a href=\"lists/flagged-exceptions.html\">All {flagged} →</a>"
    )));
    // Findings come grouped by kind and by person, not as one flat list.
    assert!(dashboard.contains("<caption>Findings by kind</caption>"));
    let people = table(&dashboard, "People to chase");
    assert!(rows(people) <= 10, "at most ten people on the dashboard");
    assert!(dashboard.contains("href=\"findings.html\""));
    assert!(
        dashboard.len() < 400 * 1024,
        "the dashboard is {} bytes",
        dashboard.len()
    );
}

/// The record rows of the table whose caption starts with `caption` (an empty table has one
/// row, spanning the columns, that says so).
fn body_rows(page: &str, caption: &str) -> usize {
    let body = table(page, caption);
    rows(body) - body.matches("<tr><td colspan=").count()
}

/// The `<tr>` rows of a table body, each as written (without the space after it).
fn row_html(body: &str) -> Vec<&str> {
    body.split("<tr>").skip(1).map(str::trim_end).collect()
}

#[test]
fn every_team_page_lists_exactly_the_records_its_figures_in_metrics_json_count() {
    // Two definitions meet here: metrics.json's teams[] (one pass over each kind of record)
    // and the team page's lists (gathered from the members' indexes). Each list shows its
    // first 25 rows on the team page; a longer one has pages of its own, 500 rows each
    // (docs/content-format.md, "Teams"). 250 controls make four teams, some with lists of
    // more than 500 rows.
    let dir = tempfile::tempdir().unwrap();
    let options = synth::Options {
        controls: 250,
        seed: 5,
        ..Default::default()
    };
    let site = synthetic_site(dir.path(), options, "site");
    let metrics = metrics_json(&site);
    let teams = metrics["teams"].as_array().unwrap();
    assert!(teams.len() >= 3, "{} teams", teams.len());
    let (mut split, mut paged) = (0, 0);
    for team in teams {
        let id = team["id"].as_str().unwrap();
        let page = read(&site, &format!("teams/{id}.html"));
        let summary = &team["summary"];
        let count = |key: &str| summary[key].as_u64().unwrap() as usize;
        let cases = [
            ("Controls owned by", "controls", count("controls")),
            (
                "Processes owned by",
                "processes",
                team["processes"].as_u64().unwrap() as usize,
            ),
            (
                "Open exceptions on the team",
                "exceptions",
                count("open_exceptions"),
            ),
            (
                "Failures in the window a member",
                "failures",
                count("incidents_in_window"),
            ),
            ("Open remediation actions", "actions", count("open_actions")),
            (
                "Policy findings naming",
                "findings",
                team["findings"].as_u64().unwrap() as usize,
            ),
        ];
        for (caption, list, counted) in cases {
            let what = format!("{id}: {caption}");
            assert_eq!(body_rows(&page, caption), counted.min(25), "{what}");
            let own = format!("teams/{id}/{list}.html");
            if counted <= 25 {
                assert!(!site.join(&own).exists(), "{what}: {own} should not exist");
                continue;
            }
            split += 1;
            let link = format!("<a href=\"../{own}\">All {counted} →</a>");
            assert!(page.contains(&link), "{what}: no {link}");
            // The list's pages hold every row once, in the team page's order.
            let pages = counted.div_ceil(500);
            let mut listed = Vec::new();
            for n in 1..=pages {
                let name = match n {
                    1 => own.clone(),
                    n => format!("teams/{id}/{list}-{n}.html"),
                };
                let html = read(&site, &name).replace("\"../../", "\"../");
                let shown = body_rows(&html, caption);
                assert_eq!(
                    shown,
                    if n < pages {
                        500
                    } else {
                        counted - 500 * (n - 1)
                    }
                );
                listed.extend(
                    row_html(table(&html, caption))
                        .iter()
                        .map(|r| r.to_string()),
                );
            }
            let next = format!("teams/{id}/{list}-{}.html", pages + 1);
            assert!(!site.join(&next).exists(), "{what}: {next}");
            paged += usize::from(pages > 1);
            assert_eq!(listed.len(), counted, "{what}");
            let first = row_html(table(&page, caption));
            assert!(
                listed[..25] == first[..],
                "{what}: the team page shows the first rows"
            );
        }
        let shown = figure(&page, "Open exceptions").0;
        assert_eq!(shown, count("open_exceptions").to_string(), "{id}");
    }
    assert!(split > 0 && paged > 0, "{split} lists split, {paged} paged");
}

#[test]
fn long_lists_come_in_pages_of_500_rows_that_link_to_each_other_without_javascript() {
    let dir = tempfile::tempdir().unwrap();
    let options = synth::Options {
        controls: 130,
        seed: 3,
        ..Default::default()
    };
    let site = synthetic_site(dir.path(), options, "site");

    let metrics = metrics_json(&site);
    let incidents = metrics["incidents"].as_array().unwrap().len();
    assert!(incidents > 1000, "{incidents} incidents");
    let pages = incidents.div_ceil(500);
    let mut seen = Vec::new();
    for number in 1..=pages {
        let name = if number == 1 {
            "incidents.html".to_string()
        } else {
            format!("incidents-{number}.html")
        };
        let page = read(&site, &name);
        let body = table(&page, "All incidents, newest first");
        let expected = if number < pages {
            500
        } else {
            incidents - 500 * (pages - 1)
        };
        assert_eq!(rows(body), expected, "{name}");
        seen.extend(ids(body, "incidents"));
        // Plain links to the neighbours: nothing needs a script.
        if number < pages {
            let next = format!("<a rel=\"next\" href=\"incidents-{}.html\">", number + 1);
            assert!(page.contains(&next), "{name} has no link to the next page");
        }
        if number > 1 {
            assert!(page.contains(&format!("Page {number} of {pages}")));
        }
        let caption = format!(
            "(rows {}–{} of {})",
            grouped(500 * (number - 1) + 1),
            grouped(500 * (number - 1) + expected),
            grouped(incidents)
        );
        assert!(page.contains(&caption), "{name}: no {caption}");
    }
    assert!(!site.join(format!("incidents-{}.html", pages + 1)).exists());
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), incidents, "every incident on exactly one page");
}

fn grouped(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[test]
fn people_with_the_same_name_are_told_apart_by_their_id() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&fixture(), &content);
    let people = content.join("people.yaml");
    let mut text = std::fs::read_to_string(&people).unwrap();
    text = text.replacen(
        "- id: cara-mills\n",
        "- id: ana-ruiz-2\n  name: Ana Ruiz\n  team: apps\n- id: cara-mills\n",
        1,
    );
    std::fs::write(&people, text).unwrap();
    let site = dir.path().join("site");
    build(&content, &site);
    let control = read(&site, "controls/CTL-ROTATION.html");
    assert!(
        control.contains("Ana Ruiz</a> <span class=\"sub mono\">(ana-ruiz)</span>"),
        "the owner's id is not shown beside a shared name"
    );
    let apps = read(&site, "teams/apps.html");
    assert!(apps.contains("Ana Ruiz</a> <span class=\"sub mono\">(ana-ruiz-2)</span>"));
    // Outside the tables too: the facts of a control, an exception and an incident.
    let ana = "<a class=\"person\" href=\"../people/ana-ruiz.html\">Ana Ruiz</a> \
               <span class=\"sub mono\">(ana-ruiz)</span>";
    assert!(
        control.contains(&format!("<dt>Control owner</dt><dd>{ana}</dd>")),
        "the control's owner is not told apart"
    );
    let exception = read(&site, "exceptions/EXC-002.html");
    assert!(
        exception.contains(&format!("<dt>Latest approver</dt><dd>{ana}</dd>")),
        "the exception's approver is not told apart"
    );
    // Design origin, after ben-okoro handed the control over: Ana Ruiz is accountable.
    let incident = read(&site, "incidents/INC-002.html");
    assert!(
        incident.contains(&format!(
            "<span class=\"role\">control owner</span> {ana}</li>"
        )),
        "the accountable person is not told apart"
    );
    // A name that is a person's own is shown alone.
    assert!(!control.contains("(cara-mills)"));
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_report_has_contents_team_summaries_and_is_condensed_above_250_controls() {
    let dir = tempfile::tempdir().unwrap();
    build(&fixture(), &dir.path().join("small"));
    let report = read(&dir.path().join("small"), "report.html");
    assert!(report.contains("<h2 id=\"r-contents\">Contents</h2>"));
    for anchor in [
        "#r-figures",
        "#r-register",
        "#r-gaps",
        "#r-teams",
        "#r-controls",
    ] {
        assert!(
            report.contains(&format!("<a href=\"{anchor}\">")),
            "{anchor}"
        );
    }
    // The fixture's three controls each have their section; both teams their row.
    assert_eq!(
        report.matches("<section class=\"report-control\"").count(),
        3
    );
    let teams = table(&report, "Each team");
    assert_eq!(rows(teams), 2);
    assert!(teams.contains("href=\"teams/security.html\""));
    assert!(report.contains("over policy</strong> granted for longer than"));

    let options = synth::Options {
        controls: 260,
        seed: 2,
        incidents_per_control: 2.0,
        ..Default::default()
    };
    let site = synthetic_site(dir.path(), options, "large");
    let report = read(&site, "report.html");
    assert!(report.contains("so the report is condensed"));
    assert_eq!(rows(table(&report, "Every control")), 260);
    let sections = report.matches("<section class=\"report-control\"").count();
    assert!((1..=25).contains(&sections), "{sections} control sections");
    // Condensed: the findings grouped, not listed one by one.
    assert!(!report.contains("<caption>Ownership, approval, review and remediation gaps"));
    assert!(report.contains("<caption>Findings by kind</caption>"));
}

#[test]
fn the_search_index_loads_records_first_and_incidents_last() {
    let dir = tempfile::tempdir().unwrap();
    build(&fixture(), dir.path());
    let first = read(dir.path(), "assets/search-index.js");
    let exceptions = read(dir.path(), "assets/search-exceptions.js");
    let incidents = read(dir.path(), "assets/search-incidents.js");
    // [title, kind, id, text]; kinds: 0 control, 2 exception, 3 incident, 7 team.
    assert!(first.starts_with("window.GOVSITE_SEARCH = ["));
    assert!(first.contains("[\"Rotation of deploy secrets\",0,\"CTL-ROTATION\","));
    assert!(first.contains("[\"Security\",7,\"security\",\"Ana Ruiz\"]"));
    assert!(!first.contains("INC-001") && !first.contains(",2,\"EXC-"));
    assert!(exceptions.contains(",2,\"EXC-002\","));
    assert!(incidents.contains(",3,\"INC-001\","));
    assert!(!incidents.contains(",2,\"EXC-"));
}
