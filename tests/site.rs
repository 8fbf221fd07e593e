//! Builds the example content in `content/` with the real binary and checks the site as a
//! whole: every link resolves, every page is reachable, output is byte-identical across builds.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
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

/// The built-in page templates are not always run as such: the frame around a page
/// (`base.html`) is drawn once per section, and the pages a large estate has tens of
/// thousands of are written by Rust (`src/views/pages.rs`). A page template replaced with
/// `--templates` is rendered whole by Tera. Both ways must give the same bytes, on the
/// example site and on the fixture sites, hostile text included.
#[test]
fn pages_written_or_framed_match_pages_rendered_whole_by_tera() {
    let dir = tempfile::tempdir().unwrap();
    let templates = common::replaced_page_templates(dir.path());
    let estate = dir.path().join("estate");
    let options = synth::Options {
        controls: 40,
        seed: 7,
        ..Default::default()
    };
    synth::generate(&options, &estate).unwrap();
    let estate = estate.to_str().unwrap();
    for content in [
        "content",
        "tests/fixtures/valid",
        "tests/fixtures/hostile/xss",
        estate,
    ] {
        let name = Path::new(content).file_name().unwrap().to_string_lossy();
        let (fast, whole) = (
            dir.path().join(format!("fast-{name}")),
            dir.path().join(format!("whole-{name}")),
        );
        build_content(content, &fast, None);
        build_content(content, &whole, Some(&templates));
        let (fast, whole) = (files(&fast), files(&whole));
        assert!(
            fast.keys().any(|path| path.starts_with("incidents/")),
            "{content} has no incident pages"
        );
        let same = common::same_files(
            content,
            whole
                .iter()
                .map(|(path, bytes)| (path.as_str(), bytes.as_slice())),
            fast.iter()
                .map(|(path, bytes)| (path.as_str(), bytes.as_slice())),
        );
        if let Err(difference) = same {
            panic!("{difference}");
        }
    }
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

    let page = std::fs::read_to_string(out.join("incidents.html")).unwrap();
    assert!(
        page.len() > 3 * 128 * 1024,
        "incidents.html is too small to come in chunks"
    );
    let newest_first: Vec<&str> = incidents.iter().map(|(_, id, _)| id.as_str()).collect();
    assert_eq!(incident_links(&page), newest_first);
    assert!(
        page.trim_end().ends_with("</html>"),
        "incidents.html does not end the page"
    );

    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
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
