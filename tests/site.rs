//! Builds the example content in `content/` with the real binary and checks the site as a
//! whole: every link resolves, every page is reachable, output is byte-identical across builds.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The synthetic estate generator of the benchmark, used here for content with the variety
/// of a real estate (owner changes, renewals, approvals, evidence, hostile-free but rich).
#[allow(dead_code)]
#[path = "../examples/synth.rs"]
mod synth;

const AS_OF: &str = "2026-11-01";

fn build_example(out: &Path) {
    build_content("content", out, None);
}

/// Every file under `root`, by `/`-separated relative path.
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                found.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// The values of every `href="..."` and `src="..."` in a page.
fn links(html: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(start) = rest.find(attribute) {
            rest = &rest[start + attribute.len()..];
            let end = rest.find('"').unwrap();
            found.push(&rest[..end]);
            rest = &rest[end..];
        }
    }
    found
}

/// Resolves a relative link from `page` to a site path; `None` for external or in-page links.
fn resolve(page: &str, link: &str) -> Option<String> {
    let external = ["http://", "https://", "mailto:"];
    if link.starts_with('#') || external.iter().any(|scheme| link.starts_with(scheme)) {
        return None;
    }
    let link = link.split('#').next().unwrap();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for segment in link.split('/') {
        match segment {
            ".." => {
                assert!(parts.pop().is_some(), "{page}: link {link} leaves the site");
            }
            "." | "" => {}
            other => parts.push(other),
        }
    }
    Some(parts.join("/"))
}

#[test]
fn every_link_in_the_example_site_resolves_and_every_page_is_reachable() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    let site = files(&out);
    let mut broken = Vec::new();
    let mut reachable = BTreeSet::from(["index.html".to_string()]);
    let mut queue = VecDeque::from(["index.html".to_string()]);
    while let Some(page) = queue.pop_front() {
        let html = String::from_utf8(site[&page].clone()).unwrap();
        for link in links(&html) {
            assert!(
                !link.starts_with('/'),
                "{page}: absolute link {link} breaks file:// and path prefixes"
            );
            let Some(target) = resolve(&page, link) else {
                continue;
            };
            if !site.contains_key(&target) {
                broken.push(format!("{page} -> {link}"));
            } else if target.ends_with(".html") && reachable.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
    let unreachable: Vec<&String> = site
        .keys()
        .filter(|path| path.ends_with(".html") && !reachable.contains(*path))
        .collect();
    assert!(
        unreachable.is_empty(),
        "pages not reachable from index.html: {unreachable:?}"
    );
    for kind in [
        "controls",
        "processes",
        "exceptions",
        "incidents",
        "people",
        "frameworks",
    ] {
        let source_dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("content")
            .join(kind);
        if source_dir.is_dir() {
            assert!(
                site.keys().any(|p| p.starts_with(&format!("{kind}/"))),
                "no {kind} pages"
            );
        }
    }
}

#[test]
fn two_builds_of_the_same_content_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let (first, second): (PathBuf, PathBuf) = (dir.path().join("a"), dir.path().join("b"));
    build_example(&first);
    build_example(&second);
    let (a, b) = (files(&first), files(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between two builds");
    }
}

#[test]
fn every_page_prints_the_as_of_date_and_loads_no_remote_resources() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build_example(&out);
    for (path, bytes) in files(&out).iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        assert!(
            html.contains(&format!("<time datetime=\"{AS_OF}\">")),
            "{path} lacks the as-of date"
        );
        assert!(
            html.contains("Content-Security-Policy"),
            "{path} lacks a CSP"
        );
        for link in links(&html) {
            let remote = link.starts_with("http") || link.starts_with("//");
            assert!(
                !remote || html.contains(&format!("href=\"{link}\"")),
                "{path} loads {link}"
            );
        }
        assert_eq!(
            html.matches("<script").count(),
            1,
            "{path}: unexpected script tags"
        );
    }
}

/// Builds `content` into `out` (as of the test date), with `templates` if given.
fn build_content(content: &str, out: &Path, templates: Option<&Path>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_govsite"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--content", content, "--as-of", AS_OF, "--out"])
        .arg(out);
    if let Some(templates) = templates {
        command.arg("--templates").arg(templates);
    }
    let output = command.output().expect("running govsite");
    assert!(
        output.status.success(),
        "building {content} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A `base.html` of the user's own, alone in `--templates`: it uses filters and tests on
/// `title`, `root` and `nav`, and places every page's content block inside `<main>`.
const USER_BASE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><title>{{ title | upper }}</title></head>
<body data-root="{{ root | replace(from="../", to="UP/") }}" data-nav="{{ nav | upper }}">
{% if title == "Controls" %}<p id="t">controls page</p>{% endif %}
{% if nav is starting_with("inc") %}<p id="inc">incidents section</p>{% endif %}
<main>
{% block content %}{% endblock content %}
</main>
</body>
</html>
"#;

/// The text between `open` and the next `</main>` of a page.
fn main_of<'a>(page: &str, html: &'a str, open: &str) -> &'a str {
    let start = html
        .find(open)
        .unwrap_or_else(|| panic!("{page}: no {open}"))
        + open.len();
    let end = html[start..].find("</main>").unwrap();
    &html[start..start + end]
}

/// A user's `base.html` is given, on every page, what the built-in one is given: the
/// page's title, the way back to the root and the active section, as values Tera's
/// filters and tests work on, and the page's own content block, unchanged.
#[test]
fn a_users_base_html_gets_the_title_root_nav_and_content_of_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("base.html"), USER_BASE).unwrap();
    let (builtin, user) = (dir.path().join("builtin"), dir.path().join("user"));
    build_example(&builtin);
    build_content("content", &user, Some(&templates));
    let (builtin, user) = (files(&builtin), files(&user));

    // Titles worked out by hand from content/: a record's title and id, or a name.
    let expected = [
        ("index.html", "ACME NHI GOVERNANCE"),
        ("controls.html", "CONTROLS"),
        ("processes.html", "PROCESSES"),
        ("exceptions.html", "EXCEPTIONS"),
        ("incidents.html", "INCIDENTS"),
        ("people.html", "PEOPLE AND TEAMS"),
        ("frameworks.html", "FRAMEWORKS"),
        ("accountability.html", "ACCOUNTABILITY"),
        ("report.html", "GOVERNANCE REPORT AS OF 2026-11-01"),
        (
            "controls/CTL-SECRET-ROTATION.html",
            "ROTATION OF CI/CD DEPLOY SECRETS · CTL-SECRET-ROTATION",
        ),
        (
            "processes/access-review.html",
            "QUARTERLY NHI ACCESS REVIEW",
        ),
        (
            "exceptions/EXC-2026-003.html",
            "24-HOUR CI TOKENS FOR THE MOBILE RELEASE PIPELINE · EXC-2026-003",
        ),
        (
            "incidents/INC-2026-003.html",
            "VAULT PERFORMANCE REPLICA SERVED STALE SECRETS FOR SIX HOURS · INC-2026-003",
        ),
        ("people/dana-okafor.html", "DANA OKAFOR"),
        (
            "frameworks/nist-csf-2.html",
            "NIST CYBERSECURITY FRAMEWORK 2.0",
        ),
    ];
    for (page, title) in expected {
        let html = String::from_utf8(user[page].clone()).unwrap();
        assert!(
            html.contains(&format!("<title>{title}</title>")),
            "{page}: title {title} expected in\n{html:.300}"
        );
    }

    let mut pages = 0;
    for (page, bytes) in user.iter().filter(|(path, _)| path.ends_with(".html")) {
        let html = String::from_utf8(bytes.clone()).unwrap();
        // The section is the folder of a record page, or the list page's own name.
        let (root, nav) = match page.split_once('/') {
            Some((folder, _)) => ("UP/", folder),
            None => ("", page.strip_suffix(".html").unwrap()),
        };
        let nav = if nav == "index" { "dashboard" } else { nav };
        let body = format!(
            "<body data-root=\"{root}\" data-nav=\"{}\">",
            nav.to_uppercase()
        );
        assert!(html.contains(&body), "{page}: {body} expected");
        assert_eq!(
            html.contains(r#"<p id="t">controls page</p>"#),
            page == "controls.html",
            "{page}: the `title == \"Controls\"` branch"
        );
        assert_eq!(
            html.contains(r#"<p id="inc">incidents section</p>"#),
            nav == "incidents",
            "{page}: the `nav is starting_with(\"inc\")` branch"
        );
        let builtin = String::from_utf8(builtin[page].clone()).unwrap();
        // The report's cover says which templates were replaced: the one difference.
        let replaced =
            "\n    <dt>Templates</dt><dd>replaced: <span class=\"mono\">base.html</span></dd>";
        assert_eq!(html.contains(replaced), page == "report.html", "{page}");
        let html = html.replace(replaced, "");
        assert_eq!(
            main_of(page, &html, "<main>"),
            main_of(page, &builtin, "<main id=\"main\" class=\"wrap\">"),
            "{page}: the content block differs from the built-in frame's"
        );
        pages += 1;
    }
    assert!(pages >= 90, "only {pages} pages checked");
    let incident = String::from_utf8(user["incidents/INC-2026-003.html"].clone()).unwrap();
    assert!(
        incident.contains("<h1>Vault performance replica served stale secrets for six hours</h1>"),
        "the incident's own content is missing"
    );
}

/// Each control page's "Show the numbers" table of failures per month agrees with the
/// incidents export (counted here from `data/incidents.csv`, a separate code path).
#[test]
fn control_monthly_tables_agree_with_the_incidents_export() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("site");
    build_example(&out);
    let mut reader = csv::Reader::from_path(out.join("data/incidents.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (date, control) = (column("date"), column("control"));
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        let key = (record[control].to_string(), record[date][..7].to_string());
        *expected.entry(key).or_default() += 1;
    }
    let mut nonzero = 0;
    for (path, bytes) in files(&out) {
        let Some(id) = path
            .strip_prefix("controls/")
            .and_then(|p| p.strip_suffix(".html"))
        else {
            continue;
        };
        let html = String::from_utf8(bytes).unwrap();
        let table = &html[html.find(&format!("Failures of {id} per month")).unwrap()..];
        let table = &table[..table.find("</table>").unwrap()];
        let mut months = 0;
        for row in table.split("<tr><td>").skip(1) {
            let (month, rest) = row.split_once("</td><td>").unwrap();
            let count: usize = rest.split_once("</td>").unwrap().0.parse().unwrap();
            let want = expected
                .get(&(id.to_string(), month.to_string()))
                .copied()
                .unwrap_or(0);
            assert_eq!(count, want, "{id} {month}");
            nonzero += usize::from(count > 0);
            months += 1;
        }
        assert_eq!(months, 24, "{id}: 24 months expected");
    }
    assert!(nonzero > 10, "only {nonzero} non-zero months checked");
}

/// The incident ids linked from `html`, in order, each link counted once per row.
fn incident_links(html: &str) -> Vec<&str> {
    html.split("<tr><td")
        .skip(1)
        .filter_map(|row| {
            let at = row.find("href=\"incidents/")? + "href=\"incidents/".len();
            row[at..].split_once(".html\"").map(|(id, _)| id)
        })
        .collect()
}

/// The large tables of the list pages and the report are written into their files in
/// chunks as the page is written. Every row must still arrive once, in order and in its
/// place: every incident on `incidents.html`, newest first, and each control's failures
/// in that control's section of `report.html` (checked against `data/incidents.csv`).
#[test]
fn list_pages_and_the_report_list_every_incident_once_in_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let estate = dir.path().join("estate");
    let options = synth::Options {
        controls: 80,
        seed: 3,
        ..Default::default()
    };
    synth::generate(&options, &estate).unwrap();
    let out = dir.path().join("site");
    build_content(estate.to_str().unwrap(), &out, None);

    let mut reader = csv::Reader::from_path(out.join("data/incidents.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, date, control) = (column("id"), column("date"), column("control"));
    let mut incidents: Vec<(String, String, String)> = reader
        .records()
        .map(|record| {
            let record = record.unwrap();
            let field = |i: usize| record[i].to_string();
            (field(date), field(id), field(control))
        })
        .collect();
    assert!(incidents.len() > 500, "{} incidents", incidents.len());
    incidents.sort_by(|a, b| (&b.0, &b.1).cmp(&(&a.0, &a.1)));

    // incidents.html, incidents-2.html, ...: 500 rows a page, each page a whole page.
    let mut listed = Vec::new();
    let mut pages = 0;
    loop {
        let name = match pages {
            0 => "incidents.html".to_string(),
            n => format!("incidents-{}.html", n + 1),
        };
        let Ok(page) = std::fs::read_to_string(out.join(&name)) else {
            break;
        };
        assert!(
            page.trim_end().ends_with("</html>"),
            "{name} does not end the page"
        );
        listed.extend(incident_links(&page).into_iter().map(str::to_string));
        pages += 1;
    }
    assert_eq!(pages, incidents.len().div_ceil(500));
    let newest_first: Vec<&str> = incidents.iter().map(|(_, id, _)| id.as_str()).collect();
    assert_eq!(listed, newest_first);

    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.len() > 3 * 128 * 1024,
        "report.html is too small to come in chunks"
    );
    let mut by_control: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (_, id, control) in &incidents {
        by_control.entry(control).or_default().push(id);
    }
    let sections: Vec<&str> = report
        .split("<section class=\"report-control\" aria-labelledby=\"rc-")
        .skip(1)
        .collect();
    assert_eq!(sections.len(), 80, "a section per control");
    for section in sections {
        let (control, body) = section.split_once('"').unwrap();
        let body = body.split("<section").next().unwrap();
        let want = by_control.get(control).cloned().unwrap_or_default();
        assert_eq!(
            incident_links(body),
            want,
            "failures of {control} in report.html"
        );
    }
    assert!(
        report.trim_end().ends_with("</html>"),
        "report.html does not end the page"
    );
}
