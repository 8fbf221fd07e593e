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
        // `check` prints its results on stdout and counts on stderr; `build` all on stderr.
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
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

// ---------------------------------------------------------------------------------------
// The package an auditor can rebuild and verify: sources, signature, `govsite verify`.

/// Runs govsite in `dir`: success, stdout, stderr.
fn run(dir: &Path, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs a program other than govsite in `dir`, `stdin` piped in: success and all it printed.
fn tool(dir: &Path, program: &str, args: &[&str], stdin: &[u8]) -> (bool, String) {
    use std::io::Write;
    let mut child = Command::new(program)
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// An Ed25519 key without passphrase made by the real ssh-keygen: `dir/key`, `dir/key.pub`.
fn ssh_key(dir: &Path, name: &str, extra: &[&str]) {
    let mut args = vec!["-q", "-t", "ed25519", "-C", "auditor", "-f", name];
    if !extra.contains(&"-N") {
        args.extend(["-N", ""]);
    }
    args.extend(extra);
    let (ok, text) = tool(dir, "ssh-keygen", &args, b"");
    assert!(ok, "ssh-keygen: {text}");
}

/// Packages the example content as of 2026-11-01 into `dir/pkg.zip` with `extra` options.
fn package_example(dir: &Path, extra: &[&str]) {
    let content = example_content();
    let mut args = vec![
        "package",
        "--content",
        &content,
        "--as-of",
        "2026-11-01",
        "-o",
        "pkg.zip",
    ];
    args.extend(extra);
    let (ok, _, stderr) = run(dir, &args);
    assert!(ok, "{stderr}");
}

/// A zip entry: its name and bytes.
type Entry = (String, Vec<u8>);

/// Every entry of a zip, in archive order.
fn zip_entries(path: &Path) -> Vec<Entry> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

/// Writes `entries` as a zip at `path`.
fn write_zip(path: &Path, entries: &[Entry]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// `pkg.zip` unpacked into `dir/unpacked`; its folder.
fn unzip(dir: &Path) -> std::path::PathBuf {
    let (ok, text) = tool(dir, "unzip", &["-q", "pkg.zip", "-d", "unpacked"], b"");
    assert!(ok, "unzip: {text}");
    dir.join("unpacked/pkg")
}

#[test]
fn a_signed_package_passes_sha256sum_ssh_keygen_and_govsite_verify() {
    let dir = tempfile::tempdir().unwrap();
    ssh_key(dir.path(), "key", &[]);
    package_example(dir.path(), &["--sign", "key"]);
    let root = unzip(dir.path());
    sha256sum_check(&root);
    // The sources as read are in the package, listed in SHA256SUMS like every file.
    let manifest = std::fs::read_to_string(root.join("SHA256SUMS")).unwrap();
    for source in [
        "source/site.yaml",
        "source/people.yaml",
        "source/controls/CTL-SECRET-ROTATION.md",
        "source/evidence/2026/rotation-job-report-2026-10.csv",
    ] {
        assert!(manifest.contains(&format!("  {source}\n")), "{source}");
    }
    assert_eq!(
        std::fs::read(root.join("source/controls/CTL-SECRET-ROTATION.md")).unwrap(),
        std::fs::read(Path::new(&example_content()).join("controls/CTL-SECRET-ROTATION.md"))
            .unwrap()
    );
    assert!(
        !manifest.contains("SHA256SUMS.sig"),
        "the signature signs the manifest"
    );

    // ssh-keygen checks the signature with an allowed-signers file...
    let public = std::fs::read_to_string(dir.path().join("key.pub")).unwrap();
    let allowed = dir.path().join("allowed_signers");
    std::fs::write(&allowed, format!("auditor@example.com {public}")).unwrap();
    let allowed_arg = allowed.display().to_string();
    let ssh_verify = |message: &[u8]| {
        let args = [
            "-Y",
            "verify",
            "-f",
            &allowed_arg,
            "-I",
            "auditor@example.com",
            "-n",
            "govsite-package",
            "-s",
            "SHA256SUMS.sig",
        ];
        tool(&root, "ssh-keygen", &args, message)
    };
    let (ok, text) = ssh_verify(manifest.as_bytes());
    assert!(
        ok && text.contains("Good \"govsite-package\" signature"),
        "{text}"
    );
    // ... and refuses it for a manifest that was changed.
    let tampered = manifest.replacen("  index.html", "  index.htm", 1);
    assert!(
        !ssh_verify(tampered.as_bytes()).0,
        "a changed SHA256SUMS verified"
    );

    // govsite verify: hashes, signature, rebuild.
    let (ok, stdout, stderr) = run(dir.path(), &["verify", "pkg.zip"]);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("ok: every file matches SHA256SUMS"),
        "{stdout}"
    );
    assert!(
        stdout.contains("SHA256SUMS is signed by the ssh-ed25519 key SHA256:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("ok: the site rebuilt from source/ as of 2026-11-01 is byte-identical"),
        "{stdout}"
    );
    assert!(stdout.trim_end().ends_with("verified: pkg.zip"), "{stdout}");
    let (ok, stdout, _) = run(
        dir.path(),
        &["verify", "pkg.zip", "--allowed-signers", &allowed_arg],
    );
    assert!(ok, "{stdout}");
    assert!(
        stdout.contains("signed by auditor@example.com, ssh-ed25519 key"),
        "{stdout}"
    );
}

#[test]
fn verify_names_the_one_file_that_was_edited() {
    let dir = tempfile::tempdir().unwrap();
    ssh_key(dir.path(), "key", &[]);
    package_example(dir.path(), &["--sign", "key"]);
    let original = zip_entries(&dir.path().join("pkg.zip"));
    let page = "pkg/controls/CTL-SECRET-ROTATION.html";
    let edit = |bytes: &[u8]| {
        String::from_utf8_lossy(bytes)
            .replacen("Dana Okafor", "Someone Else", 1)
            .into_bytes()
    };

    // The page edited, the manifest left alone: its hash no longer matches.
    let mut entries = original.clone();
    let edited = entries.iter_mut().find(|(name, _)| name == page).unwrap();
    edited.1 = edit(&edited.1);
    let new_hash = govsite::evidence::sha256_hex(&edited.1);
    write_zip(&dir.path().join("edited.zip"), &entries);
    let (ok, stdout, _) = run(dir.path(), &["verify", "edited.zip"]);
    assert!(!ok, "{stdout}");
    assert!(
        stdout.contains(
            "FAILED: controls/CTL-SECRET-ROTATION.html: does not match its SHA-256 in SHA256SUMS"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAILED: controls/CTL-SECRET-ROTATION.html: differs from the rebuilt site"),
        "{stdout}"
    );
    assert!(
        stdout.trim_end().ends_with("NOT verified: edited.zip"),
        "{stdout}"
    );

    // The manifest updated to match: sha256sum would pass, the signature and the rebuild do not.
    let manifest = entries
        .iter_mut()
        .find(|(name, _)| name == "pkg/SHA256SUMS")
        .unwrap();
    let text = String::from_utf8(manifest.1.clone()).unwrap();
    let line = text
        .lines()
        .find(|line| line.ends_with("  controls/CTL-SECRET-ROTATION.html"))
        .unwrap();
    manifest.1 = text
        .replace(
            line,
            &format!("{new_hash}  controls/CTL-SECRET-ROTATION.html"),
        )
        .into_bytes();
    write_zip(&dir.path().join("resummed.zip"), &entries);
    let (ok, stdout, _) = run(dir.path(), &["verify", "resummed.zip"]);
    assert!(!ok, "{stdout}");
    assert!(
        stdout.contains("ok: every file matches SHA256SUMS"),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAILED: SHA256SUMS.sig: does not match SHA256SUMS"),
        "{stdout}"
    );
    let differing: Vec<&str> = stdout
        .lines()
        .filter(|line| line.ends_with("differs from the rebuilt site"))
        .collect();
    // SHA256SUMS itself differs too: it lists the edited page's hash.
    assert_eq!(
        differing,
        [
            "FAILED: SHA256SUMS: differs from the rebuilt site",
            "FAILED: controls/CTL-SECRET-ROTATION.html: differs from the rebuilt site"
        ],
        "{stdout}"
    );
}

#[test]
fn an_unsigned_package_verifies_unless_a_signature_is_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    // Packaged for another date than site.yaml's `as_of`: the rebuild takes the package's.
    let content = example_content();
    let args = [
        "package",
        "--content",
        &content,
        "--as-of",
        "2026-09-30",
        "-o",
        "pkg.zip",
    ];
    let (ok, _, stderr) = run(dir.path(), &args);
    assert!(ok, "{stderr}");
    let (ok, stdout, _) = run(dir.path(), &["verify", "pkg.zip"]);
    assert!(ok, "{stdout}");
    assert!(
        stdout.contains("as of 2026-09-30 is byte-identical"),
        "{stdout}"
    );
    assert!(
        stdout.contains("note: the package is not signed (no SHA256SUMS.sig)"),
        "{stdout}"
    );
    ssh_key(dir.path(), "key", &[]);
    let public = std::fs::read_to_string(dir.path().join("key.pub")).unwrap();
    std::fs::write(
        dir.path().join("allowed"),
        format!("a@example.com {public}"),
    )
    .unwrap();
    let (ok, stdout, _) = run(
        dir.path(),
        &["verify", "pkg.zip", "--allowed-signers", "allowed"],
    );
    assert!(!ok, "{stdout}");
    assert!(
        stdout.contains("FAILED: SHA256SUMS.sig: missing"),
        "{stdout}"
    );
}

#[test]
fn a_signature_by_a_key_not_allowed_fails() {
    let dir = tempfile::tempdir().unwrap();
    ssh_key(dir.path(), "key", &[]);
    ssh_key(dir.path(), "other", &[]);
    package_example(dir.path(), &["--sign", "key"]);
    let other = std::fs::read_to_string(dir.path().join("other.pub")).unwrap();
    let mine = std::fs::read_to_string(dir.path().join("key.pub")).unwrap();
    std::fs::write(dir.path().join("allowed"), format!("b@example.com {other}")).unwrap();
    let (ok, stdout, _) = run(
        dir.path(),
        &["verify", "pkg.zip", "--allowed-signers", "allowed"],
    );
    assert!(!ok, "{stdout}");
    assert!(
        stdout.contains("is not allowed by allowed for namespace govsite-package"),
        "{stdout}"
    );
    // Allowed, but only for another namespace (as ssh-keygen reads `namespaces=`).
    let line = format!("a@example.com namespaces=\"git\" {mine}");
    std::fs::write(dir.path().join("allowed"), line).unwrap();
    let (ok, stdout, _) = run(
        dir.path(),
        &["verify", "pkg.zip", "--allowed-signers", "allowed"],
    );
    assert!(!ok, "{stdout}");
}

#[test]
fn package_refuses_keys_it_cannot_sign_with() {
    let dir = tempfile::tempdir().unwrap();
    ssh_key(dir.path(), "locked", &["-N", "secret passphrase"]);
    let content = example_content();
    let package = |key: &str| {
        run(
            dir.path(),
            &[
                "package",
                "--content",
                &content,
                "-o",
                "pkg.zip",
                "--sign",
                key,
            ],
        )
    };
    let (ok, _, stderr) = package("locked");
    assert!(!ok);
    assert!(
        stderr.contains("locked is protected by a passphrase"),
        "{stderr}"
    );
    let (ok, _, stderr) = package("locked.pub");
    assert!(!ok);
    assert!(stderr.contains("locked.pub is a public key"), "{stderr}");
    let (ok, text) = tool(
        dir.path(),
        "ssh-keygen",
        &["-q", "-t", "ecdsa", "-N", "", "-f", "ecdsa"],
        b"",
    );
    assert!(ok, "{text}");
    let (ok, _, stderr) = package("ecdsa");
    assert!(!ok);
    assert!(
        stderr.contains("govsite signs with Ed25519 keys only"),
        "{stderr}"
    );
    let (ok, _, stderr) = package("missing");
    assert!(!ok);
    assert!(
        stderr.contains("reading the signing key missing"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("pkg.zip").exists(),
        "a package was written"
    );
}

#[test]
fn verify_rebuilds_with_the_templates_the_package_was_made_with() {
    let dir = tempfile::tempdir().unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/report.html");
    let text = std::fs::read_to_string(report).unwrap();
    let text = text.replace(
        "Non-human identity governance report",
        "Quarterly NHI report",
    );
    std::fs::write(templates.join("report.html"), text).unwrap();
    package_example(dir.path(), &["--templates", "templates"]);
    let entries = zip_entries(&dir.path().join("pkg.zip"));
    let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
    assert!(
        names.contains(&"pkg/source-templates/report.html"),
        "{names:?}"
    );
    let (ok, stdout, _) = run(dir.path(), &["verify", "pkg.zip"]);
    assert!(ok, "{stdout}");

    // Without them, the report would not come out the same: verify says which file.
    let stripped: Vec<Entry> = entries
        .into_iter()
        .filter(|(name, _)| !name.starts_with("pkg/source-templates/"))
        .collect();
    write_zip(&dir.path().join("stripped.zip"), &stripped);
    let (ok, stdout, _) = run(dir.path(), &["verify", "stripped.zip"]);
    assert!(!ok, "{stdout}");
    assert!(
        stdout.contains(
            "FAILED: source-templates/report.html: listed in SHA256SUMS but not in the package"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("FAILED: report.html: differs from the rebuilt site"),
        "{stdout}"
    );
}

#[test]
fn verify_refuses_hostile_archives_without_writing_outside() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<Entry>, &str); 4] = [
        (
            "loose.zip",
            vec![("index.html".into(), b"x".to_vec())],
            "is a file beside the package's folder",
        ),
        (
            "slip.zip",
            vec![("pkg/../../escaped.txt".into(), b"x".to_vec())],
            "is not a plain relative path",
        ),
        (
            "absolute.zip",
            vec![("/tmp/escaped.txt".into(), b"x".to_vec())],
            "is not a plain relative path",
        ),
        (
            "two.zip",
            vec![
                ("a/index.html".into(), b"x".to_vec()),
                ("b/index.html".into(), b"x".to_vec()),
            ],
            "holds both `a/` and `b/`",
        ),
    ];
    for (name, entries, expected) in cases {
        write_zip(&dir.path().join(name), &entries);
        let (ok, stdout, stderr) = run(dir.path(), &["verify", name]);
        assert!(!ok, "{name}: {stdout}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // Two entries of one name (the zip crate will not write that: rename one in the bytes).
    write_zip(
        &dir.path().join("twice.zip"),
        &[
            ("pkg/index.html".into(), b"x".to_vec()),
            ("pkg/index.htmX".into(), b"y".to_vec()),
        ],
    );
    let bytes = std::fs::read(dir.path().join("twice.zip")).unwrap();
    let renamed = String::from_utf8_lossy(&bytes).contains("index.htmX");
    assert!(renamed);
    let mut twice = bytes.clone();
    for i in 0..twice.len().saturating_sub(14) {
        if &twice[i..i + 14] == b"pkg/index.htmX" {
            twice[i + 13] = b'l';
        }
    }
    std::fs::write(dir.path().join("twice.zip"), twice).unwrap();
    let (ok, _, stderr) = run(dir.path(), &["verify", "twice.zip"]);
    assert!(!ok);
    assert!(stderr.contains("holds the same path twice"), "{stderr}");
    assert!(!dir.path().join("escaped.txt").exists());
    assert!(!Path::new("/tmp/escaped.txt").exists());

    // A link, and more bytes than allowed (a zip bomb in miniature).
    let path = dir.path().join("link.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    zip.add_symlink("pkg/passwd", "/etc/passwd", options)
        .unwrap();
    zip.finish().unwrap();
    let (ok, _, stderr) = run(dir.path(), &["verify", "link.zip"]);
    assert!(!ok);
    assert!(
        stderr.contains("is a symbolic link or a special file"),
        "{stderr}"
    );
    write_zip(
        &dir.path().join("bomb.zip"),
        &[("pkg/zeros".into(), vec![0; 3 * 1024 * 1024])],
    );
    assert!(
        std::fs::metadata(dir.path().join("bomb.zip"))
            .unwrap()
            .len()
            < 100 * 1024
    );
    let (ok, _, stderr) = run(dir.path(), &["verify", "bomb.zip", "--max-mib", "1"]);
    assert!(!ok);
    assert!(stderr.contains("unpacks to more than 1 MiB"), "{stderr}");
    std::fs::write(dir.path().join("text.zip"), "not a zip").unwrap();
    let (ok, _, stderr) = run(dir.path(), &["verify", "text.zip"]);
    assert!(!ok);
    assert!(
        stderr.contains("text.zip is not a readable zip archive"),
        "{stderr}"
    );
}

#[test]
fn metrics_json_and_the_report_cover_carry_the_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let content = example_content();
    let (ok, _, stderr) = run(
        dir.path(),
        &[
            "build",
            "--content",
            &content,
            "--as-of",
            "2026-10-15",
            "--out",
            "public",
        ],
    );
    assert!(ok, "{stderr}");
    let site = dir.path().join("public");
    let metrics: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(site.join("data/metrics.json")).unwrap())
            .unwrap();
    let provenance = &metrics["provenance"];
    assert_eq!(provenance["govsite_version"], env!("CARGO_PKG_VERSION"));
    // content/site.yaml writes out the defaults; --as-of wins over its `as_of`.
    assert_eq!(
        provenance["settings"],
        serde_json::json!({
            "as_of": "2026-10-15",
            "recurrence": {"window_days": 365, "threshold": 2},
            "exceptions": {
                "max_validity_days": 90,
                "expiring_soon_days": 30,
                "aging_buckets": [30, 90, 180, 365]
            },
            "review_overdue_grace_days": 0
        })
    );
    assert_eq!(provenance["templates"], serde_json::json!([]));
    // The build commit is this checkout's HEAD (when built from git, as here).
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string());
    if let Some(head) = head {
        assert_eq!(provenance["govsite_commit"], head.as_str());
    }
    let report = std::fs::read_to_string(site.join("report.html")).unwrap();
    let commit = provenance["commit"].as_str();
    let content_line = match commit {
        Some(commit) => {
            format!("<dt>Content</dt><dd>git commit <span class=\"mono\">{commit}</span>")
        }
        None => "<dt>Content</dt><dd>not under version control".to_string(),
    };
    assert!(report.contains(&content_line), "{report}");
    let version = env!("CARGO_PKG_VERSION");
    assert!(report.contains(&format!(
        "<dt>Generated by</dt><dd>govsite {version}, build "
    )));
    assert!(report.contains(
        "<dt>Settings</dt><dd>as of 2026-10-15; recurrence window 365 days, threshold 2; \
         exceptions valid at most 90 days, expiring soon within 30 days, age buckets 30, 90, \
         180, 365 days; review grace 0 days</dd>"
    ));
}

#[test]
fn verify_accepts_a_signature_made_by_ssh_keygen_in_the_govsite_namespace_only() {
    let dir = tempfile::tempdir().unwrap();
    ssh_key(dir.path(), "key", &[]);
    package_example(dir.path(), &[]);
    let entries = zip_entries(&dir.path().join("pkg.zip"));
    let manifest = &entries
        .iter()
        .find(|(name, _)| name == "pkg/SHA256SUMS")
        .unwrap()
        .1;
    std::fs::write(dir.path().join("SHA256SUMS"), manifest).unwrap();
    let public = std::fs::read_to_string(dir.path().join("key.pub")).unwrap();
    std::fs::write(
        dir.path().join("allowed"),
        format!("a@example.com {public}"),
    )
    .unwrap();
    for (namespace, verified) in [("govsite-package", true), ("file", false)] {
        let sig = dir.path().join("SHA256SUMS.sig");
        let _ = std::fs::remove_file(&sig);
        let args = ["-Y", "sign", "-f", "key", "-n", namespace, "SHA256SUMS"];
        let (ok, text) = tool(dir.path(), "ssh-keygen", &args, b"");
        assert!(ok, "{text}");
        let mut signed = entries.clone();
        signed.push(("pkg/SHA256SUMS.sig".into(), std::fs::read(&sig).unwrap()));
        write_zip(&dir.path().join("signed.zip"), &signed);
        let args = ["verify", "signed.zip", "--allowed-signers", "allowed"];
        let (ok, stdout, _) = run(dir.path(), &args);
        assert_eq!(ok, verified, "{namespace}: {stdout}");
        if !verified {
            assert!(
                stdout.contains(
                    "FAILED: SHA256SUMS.sig: made for namespace `file`, not `govsite-package`"
                ),
                "{stdout}"
            );
        }
    }
}

#[test]
fn a_package_made_with_compare_shows_what_changed_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let content = example_content();
    // The earlier build: the same content two quarters before.
    let (ok, _, stderr) = run(
        dir.path(),
        &[
            "build",
            "--content",
            &content,
            "--as-of",
            "2026-05-01",
            "--out",
            "q2",
        ],
    );
    assert!(ok, "{stderr}");
    package_example(dir.path(), &["--compare", "q2/data/metrics.json"]);
    let entries = zip_entries(&dir.path().join("pkg.zip"));
    let compared = entries
        .iter()
        .find(|(name, _)| name == "pkg/source-compared/metrics.json")
        .expect("the compared metrics.json is in the package");
    let q2 = std::fs::read(dir.path().join("q2/data/metrics.json")).unwrap();
    assert_eq!(compared.1, q2, "the compared file is kept as it was read");
    let sums = entries
        .iter()
        .find(|(name, _)| name == "pkg/SHA256SUMS")
        .unwrap();
    assert!(String::from_utf8_lossy(&sums.1).contains("  source-compared/metrics.json\n"));
    for page in ["pkg/index.html", "pkg/report.html"] {
        let html = &entries.iter().find(|(name, _)| name == page).unwrap().1;
        assert!(
            String::from_utf8_lossy(html).contains("What changed since 2026-05-01"),
            "{page} has no comparison"
        );
    }
    // verify rebuilds the comparison too, so every page comes out the same.
    let (ok, stdout, _) = run(dir.path(), &["verify", "pkg.zip"]);
    assert!(ok, "{stdout}");
    assert!(stdout.contains("rebuilt with the comparison"), "{stdout}");

    // Without the compared file, the dashboard and the report would differ: verify says so.
    let stripped: Vec<Entry> = entries
        .into_iter()
        .filter(|(name, _)| name != "pkg/source-compared/metrics.json")
        .collect();
    write_zip(&dir.path().join("stripped.zip"), &stripped);
    let (ok, stdout, _) = run(dir.path(), &["verify", "stripped.zip"]);
    assert!(!ok, "{stdout}");
    assert!(
        stdout.contains("FAILED: index.html: differs from the rebuilt site"),
        "{stdout}"
    );
}
