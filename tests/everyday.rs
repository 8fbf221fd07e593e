//! Everyday use: review deltas, completions, help, and `serve` rebuilding on change.

#[path = "common/local.rs"]
mod local;
use local::{free_port, wait_for};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

fn govsite(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (
        output.status.success(),
        text(&output.stdout),
        text(&output.stderr),
    )
}

fn example() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("content")
        .display()
        .to_string()
}

#[test]
fn compare_shows_each_headline_change_and_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let content = example();
    let (ok, _, stderr) = govsite(
        dir.path(),
        &[
            "build",
            "--content",
            &content,
            "--as-of",
            "2026-08-01",
            "--out",
            "q3",
        ],
    );
    assert!(ok, "{stderr}");
    let (ok, _, stderr) = govsite(
        dir.path(),
        &[
            "build",
            "--content",
            &content,
            "--as-of",
            "2026-11-01",
            "--out",
            "q4",
            "--compare",
            "q3/data/metrics.json",
        ],
    );
    assert!(ok, "{stderr}");
    let index = std::fs::read_to_string(dir.path().join("q4/index.html")).unwrap();
    let q3: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("q3/data/metrics.json")).unwrap())
            .unwrap();
    let q4: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("q4/data/metrics.json")).unwrap())
            .unwrap();
    let delta = q4["summary"]["recurring_controls"].as_i64().unwrap()
        - q3["summary"]["recurring_controls"].as_i64().unwrap();
    let expected = format!(
        "<a class=\"figure-value\" href=\"lists/recurring-controls.html\">{}<span class=\"visually-hidden\"> Recurring controls</span></a>",
        q4["summary"]["recurring_controls"]
    );
    assert!(index.contains(&expected), "recurring figure missing");
    let sign = if delta > 0 {
        format!("+{delta}")
    } else if delta == 0 {
        "±0".into()
    } else {
        delta.to_string()
    };
    assert!(
        index.contains(&format!("{sign} since 2026-08-01")),
        "delta {sign} missing"
    );
    assert!(index.contains("What changed since 2026-08-01"));
    // A control recurring at Q4 but not at Q3 is listed as newly recurring.
    let recurring = |metrics: &serde_json::Value| -> Vec<String> {
        metrics["controls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["recurring"] == true)
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    let newly: Vec<String> = recurring(&q4)
        .into_iter()
        .filter(|id| !recurring(&q3).contains(id))
        .collect();
    assert!(
        !newly.is_empty(),
        "the example should have a control that became recurring"
    );
    let section = |from: &str, to: &str| -> String {
        index[index.find(from).unwrap()..index.find(to).unwrap()].to_string()
    };
    let started = section("Started recurring", "Stopped recurring");
    assert!(
        started.contains("change-worse")
            || index.contains("<div class=\"change-worse\"><h3>Started recurring")
    );
    for id in &newly {
        assert!(
            started.contains(&format!("controls/{id}.html")),
            "{id} not listed as started recurring"
        );
    }
    // Every incident up to Q4 that Q3 did not list is a new failure, and only those.
    let ids = |metrics: &serde_json::Value, list: &str| -> Vec<String> {
        metrics[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    let new_failures = section("New failures", "Started recurring");
    let before = ids(&q3, "incidents");
    let mut count = 0;
    for id in ids(&q4, "incidents") {
        let listed = new_failures.contains(&format!("incidents/{id}.html"));
        assert_eq!(listed, !before.contains(&id), "{id}");
        count += usize::from(listed);
    }
    assert!(count > 0, "the example has failures after 2026-08-01");
    assert!(new_failures.contains(&format!("<span class=\"count\">{count}</span>")));
    // Figures that rose are marked worse, figures that fell better.
    assert!(
        index.contains("figure-delta delta-worse") || index.contains("figure-delta delta-better")
    );
}

#[test]
fn compare_refuses_a_build_dated_after_this_one() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = govsite(
        dir.path(),
        &[
            "build",
            "--content",
            &example(),
            "--as-of",
            "2026-11-01",
            "--out",
            "later",
        ],
    );
    assert!(ok, "{stderr}");
    let (ok, _, stderr) = govsite(
        dir.path(),
        &[
            "build",
            "--content",
            &example(),
            "--as-of",
            "2026-08-01",
            "--out",
            "earlier",
            "--compare",
            "later/data/metrics.json",
        ],
    );
    assert!(!ok);
    assert!(
        stderr.contains("the earlier build is as of 2026-11-01, after this build's 2026-08-01"),
        "{stderr}"
    );
    assert!(!dir.path().join("earlier").exists());
}

#[test]
fn compare_with_a_file_that_is_not_metrics_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.json"), "{\"hello\": 1}").unwrap();
    let (ok, _, stderr) = govsite(
        dir.path(),
        &["build", "--content", &example(), "--compare", "old.json"],
    );
    assert!(!ok);
    assert!(stderr.contains("not a govsite metrics.json"), "{stderr}");
    assert!(
        !dir.path().join("public").exists(),
        "a failed build must not write the site"
    );
}

#[test]
fn completions_are_printed_for_each_shell() {
    let dir = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef govsite"),
        ("fish", "complete -c govsite"),
    ] {
        let (ok, stdout, stderr) = govsite(dir.path(), &["completions", shell]);
        assert!(ok, "{stderr}");
        assert!(stdout.contains(marker), "{shell}: {stdout}");
        assert!(
            stdout.contains("package") && stdout.contains("serve"),
            "{shell} lacks subcommands"
        );
    }
}

#[test]
fn every_command_has_help_with_examples() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["build", "check", "package", "init", "serve", "completions"] {
        let (ok, stdout, _) = govsite(dir.path(), &[command, "--help"]);
        assert!(ok);
        assert!(
            stdout.contains("Examples:"),
            "{command} --help has no examples"
        );
    }
    let (ok, stdout, _) = govsite(dir.path(), &["--version"]);
    assert!(ok && stdout.starts_with("govsite "), "{stdout}");
}

#[test]
fn quiet_hides_warnings_and_verbose_prints_stage_timings() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = govsite(dir.path(), &["--quiet", "build", "--content", &example()]);
    assert!(ok);
    assert_eq!(stderr, "", "--quiet printed: {stderr}");
    let (ok, _, stderr) = govsite(
        dir.path(),
        &["--verbose", "build", "--content", &example(), "--out", "v"],
    );
    assert!(ok);
    for stage in ["load", "validate", "metrics", "charts", "render", "write"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.trim_start().starts_with(stage) && l.ends_with(" ms")),
            "no {stage} timing in {stderr}"
        );
    }
}

/// Kills the server when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A minimal HTTP/1.0 GET against the local server.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_string())?;
    Some((status, body))
}

#[test]
fn serve_rebuilds_on_change_and_shows_errors_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    std::fs::create_dir_all(content.join("controls")).unwrap();
    std::fs::write(
        content.join("people.yaml"),
        "- id: dana\n  name: Dana Okafor\n",
    )
    .unwrap();
    let control = content.join("controls/CTL-A.md");
    std::fs::write(
        &control,
        "---\ntitle: First title\nowner: dana\n---\nBody.\n",
    )
    .unwrap();
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(dir.path())
        // The server is killed at the end, which leaves its temporary folder: here.
        .env("TMPDIR", dir.path())
        .args([
            "serve",
            "--port",
            &port.to_string(),
            "--as-of",
            "2026-11-01",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Server(child);
    wait_for("the server", || {
        get(port, "/").is_some_and(|(status, _)| status == 200)
    });
    let (_, page) = get(port, "/controls/CTL-A.html").unwrap();
    assert!(page.contains("First title") && page.contains("/__govsite/live.js"));
    assert_eq!(
        get(port, "/%2e%2e/etc/passwd").map(|(status, _)| status),
        Some(404)
    );

    let generation = get(port, "/__govsite/generation").unwrap().1;
    std::fs::write(
        &control,
        "---\ntitle: Second title\nowner: dana\n---\nBody.\n",
    )
    .unwrap();
    wait_for("the rebuild", || {
        get(port, "/__govsite/generation").is_some_and(|(_, g)| g != generation)
    });
    wait_for("the new title", || {
        get(port, "/controls/CTL-A.html").is_some_and(|(_, page)| page.contains("Second title"))
    });

    std::fs::write(&control, "---\ntitle: Broken\nowner: nobody\n---\n").unwrap();
    wait_for("the error page", || {
        get(port, "/index.html").is_some_and(|(_, page)| {
            page.contains("The content has errors") && page.contains("unknown person `nobody`")
        })
    });
    std::fs::write(&control, "---\ntitle: Fixed\nowner: dana\n---\n").unwrap();
    wait_for("recovery", || {
        get(port, "/controls/CTL-A.html").is_some_and(|(_, page)| page.contains("Fixed"))
    });
}

#[test]
fn init_writes_a_starter_that_passes_strict_check_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, stderr) = govsite(dir.path(), &["init", "governance"]);
    assert!(ok, "{stderr}");
    for file in [
        "site.yaml",
        "people.yaml",
        "teams.yaml",
        "frameworks.yaml",
        "exceptions/EXC-0001.md",
        "incidents/INC-0001.md",
    ] {
        assert!(
            dir.path().join("governance").join(file).is_file(),
            "{file} missing"
        );
    }
    let frameworks =
        std::fs::read_to_string(dir.path().join("governance/frameworks.yaml")).unwrap();
    assert!(frameworks.contains("NHI10:2025") && frameworks.contains("PR.AA-05"));
    // Dates are moved to today, so a new directory starts with no findings at all.
    let (ok, _, stderr) = govsite(
        dir.path(),
        &["check", "--strict", "--content", "governance"],
    );
    assert!(ok, "{stderr}");
    assert_eq!(stderr, "0 policy findings\ncontent is valid\n");
    let (ok, _, stderr) = govsite(
        dir.path(),
        &["build", "--content", "governance", "--out", "site"],
    );
    assert!(ok, "{stderr}");
    assert!(dir
        .path()
        .join("site/controls/CTL-SECRET-ROTATION.html")
        .is_file());
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("mine")).unwrap();
    std::fs::write(dir.path().join("mine/notes.txt"), "keep").unwrap();
    let (ok, _, stderr) = govsite(dir.path(), &["init", "mine"]);
    assert!(!ok);
    assert!(
        stderr.contains("refusing to write into `mine`: it is not empty"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("mine/notes.txt")).unwrap(),
        "keep"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("mine")).unwrap().count(),
        1
    );
}
