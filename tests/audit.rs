//! The auditor handoff: the manifest verifies with `sha256sum -c`, the package is identical
//! across runs and opens offline, evidence is copied with its hash, provenance is printed.

use std::io::Read;
use std::path::Path;
use std::process::Command;

fn govsite(dir: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn example_content() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("content")
        .display()
        .to_string()
}

fn sha256sum_check(dir: &Path) {
    let output = Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "sha256sum -c failed:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[test]
fn the_built_site_verifies_with_sha256sum() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, stderr) = govsite(
        dir.path(),
        &["build", "--content", &example_content(), "--out", "public"],
    );
    assert!(ok, "{stderr}");
    let site = dir.path().join("public");
    sha256sum_check(&site);
    let manifest = std::fs::read_to_string(site.join("SHA256SUMS")).unwrap();
    assert!(manifest.contains("  index.html\n") && manifest.contains("  data/metrics.json\n"));
    assert!(
        !manifest.contains("  SHA256SUMS\n"),
        "the manifest cannot list itself"
    );
}

#[test]
fn packages_are_identical_and_unzip_to_a_verifiable_offline_site() {
    let dir = tempfile::tempdir().unwrap();
    let content = example_content();
    // The archive's top folder is named after the file, so compare same-named archives.
    for run in ["first", "second"] {
        let (ok, stderr) = govsite(
            dir.path(),
            &[
                "package",
                "--content",
                &content,
                "--as-of",
                "2026-11-01",
                "-o",
                &format!("{run}/a.zip"),
            ],
        );
        assert!(ok, "{stderr}");
    }
    let read = |run: &str| std::fs::read(dir.path().join(run).join("a.zip")).unwrap();
    assert!(
        read("first") == read("second"),
        "two packages of the same input differ"
    );
    let unpacked = dir.path().join("unpacked");
    let mut archive =
        zip::ZipArchive::new(std::fs::File::open(dir.path().join("first/a.zip")).unwrap()).unwrap();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let path = unpacked.join(entry.enclosed_name().unwrap());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let root = unpacked.join("a");
    assert!(root.join("index.html").is_file() && root.join("report.html").is_file());
    assert!(root
        .join("evidence/2026/rotation-job-report-2026-10.csv")
        .is_file());
    sha256sum_check(&root);
    let index = std::fs::read_to_string(root.join("index.html")).unwrap();
    assert!(
        !index.contains("src=\"http") && !index.contains("href=\"/"),
        "the site must open offline"
    );
}

#[test]
fn the_default_package_name_carries_organisation_and_as_of() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, stderr) = govsite(
        dir.path(),
        &[
            "package",
            "--content",
            &example_content(),
            "--as-of",
            "2026-10-01",
        ],
    );
    assert!(ok, "{stderr}");
    assert!(
        dir.path()
            .join("acme-corp-nhi-governance-2026-10-01.zip")
            .is_file(),
        "{stderr}"
    );
}

/// A minimal valid content directory with one control listing `evidence`.
fn write_content(root: &Path, evidence: &str) {
    std::fs::create_dir_all(root.join("controls")).unwrap();
    std::fs::write(
        root.join("people.yaml"),
        "- id: dana\n  name: Dana Okafor\n",
    )
    .unwrap();
    std::fs::write(
        root.join("controls/CTL-A.md"),
        format!("---\ntitle: A control\nowner: dana\nevidence:\n  - {evidence}\n---\nBody.\n"),
    )
    .unwrap();
}

#[test]
fn evidence_is_copied_and_listed_with_its_size_and_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    write_content(&content, "q3/review.txt");
    std::fs::create_dir_all(content.join("evidence/q3")).unwrap();
    std::fs::write(content.join("evidence/q3/review.txt"), "abc").unwrap();
    let (ok, stderr) = govsite(dir.path(), &["build", "--as-of", "2026-11-01"]);
    assert!(ok, "{stderr}");
    let site = dir.path().join("public");
    assert_eq!(
        std::fs::read_to_string(site.join("evidence/q3/review.txt")).unwrap(),
        "abc"
    );
    let page = std::fs::read_to_string(site.join("controls/CTL-A.html")).unwrap();
    assert!(
        page.contains(r#"<a href="../evidence/q3/review.txt">q3/review.txt</a>"#),
        "{page}"
    );
    assert!(page.contains("3 bytes"));
    // `printf abc | sha256sum`
    assert!(page.contains("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
}

#[test]
fn missing_or_escaping_evidence_is_an_error_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    write_content(&content, "../people.yaml");
    let (ok, stderr) = govsite(dir.path(), &["check"]);
    assert!(!ok);
    assert!(
        stderr.contains(
            "content/controls/CTL-A.md:5:5: error: evidence path `../people.yaml` is not allowed"
        ),
        "{stderr}"
    );
    write_content(&content, "missing.pdf");
    let (ok, stderr) = govsite(dir.path(), &["check"]);
    assert!(!ok);
    assert!(
        stderr.contains(
            "content/controls/CTL-A.md:5:5: error: evidence file `missing.pdf` not found"
        ),
        "{stderr}"
    );
}

#[test]
fn pages_show_the_content_commit_or_say_it_is_unversioned() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    write_content(&content, "e.txt");
    std::fs::create_dir_all(content.join("evidence")).unwrap();
    std::fs::write(content.join("evidence/e.txt"), "e").unwrap();
    let (ok, stderr) = govsite(dir.path(), &["build", "--as-of", "2026-11-01"]);
    assert!(ok, "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert!(page.contains("content: not under version control"));

    let git = |args: &[&str]| {
        let status = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        assert!(
            status.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        String::from_utf8_lossy(&status.stdout).trim().to_string()
    };
    git(&["init", "-q"]);
    git(&["add", "content"]);
    git(&["commit", "-qm", "records"]);
    let commit = git(&["rev-parse", "HEAD"]);
    let (ok, stderr) = govsite(dir.path(), &["build", "--as-of", "2026-11-01"]);
    assert!(ok, "{stderr}");
    let page = std::fs::read_to_string(dir.path().join("public/index.html")).unwrap();
    assert!(
        page.contains(&format!("content: git commit {}", &commit[..12])),
        "{commit}"
    );
    assert!(page.contains("govsite 0."), "version missing");
}
