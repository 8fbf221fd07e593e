//! Hostile and broken input (issue #4): the real `govsite` binary against content built to
//! hurt it — symlinks, traversal ids, alias bombs, deep nesting, huge files, script in every
//! field — and against output folders it must not destroy.
//!
//! Content that git cannot hold faithfully (symlinks, FIFOs, multi-megabyte files, non-ASCII
//! file names) is written into a temporary folder by the test; the rest lives under
//! `tests/fixtures/hostile/`. Every run has a wall-clock guard that kills the process and fails
//! the test when it is exceeded: a hang detector, not a performance assertion.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

const AS_OF: &str = "2026-11-01";
/// A run still going after this long is treated as a hang (debug builds on a busy CI
/// machine included; everything here finishes in well under a second or two normally).
const HANG_GUARD: Duration = Duration::from_secs(20);
const FIXTURES: &str = "tests/fixtures/hostile";
const BUILD_REFUSED: &str =
    "build refused: fix the errors above; the previous site (if any) is untouched\n";
const TOO_DEEP: &str =
    "the YAML is nested too deeply (more than 100 levels): governance records need only a few";
const ALIAS_BOMB: &str = "YAML aliases expand too much (an alias bomb?): write the values out instead of repeating `*alias` references";
const NOT_FOLLOWED: &str =
    "symbolic link not followed: copy the file into the content directory instead";
const BAD_ID: &str =
    "ids start with a letter or digit and use only A-Z, a-z, 0-9, `.`, `_` and `-`";
const TOO_LARGE: &str =
    "error: the file is larger than 1024 KiB: split it, or move attachments out of the record";

// ---------------------------------------------------------------------------------------
// Running the binary

/// What one run of the binary produced; temporary-folder prefixes are stripped from the
/// output so paths read `content/controls/X.md`.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs `govsite` from the crate root with the hang guard. `root`, when given, is removed
/// from the front of every path in the output.
fn govsite(root: Option<&Path>, args: &[&str]) -> Run {
    govsite_with_env(root, args, &[])
}

/// `govsite` with extra environment variables.
fn govsite_with_env(root: Option<&Path>, args: &[&str], env: &[(&str, &Path)]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting govsite");
    let stdout = drain(child.stdout.take().unwrap());
    let stderr = drain(child.stderr.take().unwrap());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for govsite") {
            break status;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("govsite {args:?} was still running after {HANG_GUARD:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let strip = |text: String| match root {
        Some(root) => text.replace(&format!("{}/", root.display()), ""),
        None => text,
    };
    let (stdout, mut stderr) = (stdout.join().unwrap(), stderr.join().unwrap());
    // `check` prints its results on stdout and their counts on stderr (tests/ci.rs checks
    // the split); these tests read both, in that order, as a terminal shows them.
    if args.first() == Some(&"check") {
        stderr = format!("{stdout}{stderr}");
    }
    Run {
        code: status.code().expect("govsite was killed by a signal"),
        stdout: strip(stdout),
        stderr: strip(stderr),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        pipe.read_to_end(&mut bytes)
            .expect("reading govsite's output");
        String::from_utf8(bytes).expect("govsite printed UTF-8")
    })
}

/// A temporary folder holding `content/` (a person `dana` and a valid control `CTL-OK`),
/// with room beside it for output folders.
struct Scratch {
    dir: TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        let scratch = Scratch {
            dir: TempDir::new().unwrap(),
        };
        scratch.write("people.yaml", "- id: dana\n  name: Dana\n");
        scratch.write(
            "controls/CTL-OK.md",
            "---\ntitle: A valid control\nowner: dana\n---\nBody.\n",
        );
        scratch
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn content(&self) -> PathBuf {
        self.root().join("content")
    }

    /// `content/<relative>`, creating its folders.
    fn path(&self, relative: &str) -> PathBuf {
        let path = self.content().join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        path
    }

    fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) {
        std::fs::write(self.path(relative), bytes).unwrap();
    }

    /// A file outside `content/`, for links to point at.
    fn outside(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.root().join("outside").join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    fn check(&self) -> Run {
        let content = self.content();
        govsite(
            Some(self.root()),
            &["check", "--content", s(&content), "--as-of", AS_OF],
        )
    }

    fn build(&self, out: &Path, extra: &[&str]) -> Run {
        let content = self.content();
        let mut args = vec![
            "build",
            "--content",
            s(&content),
            "--as-of",
            AS_OF,
            "--out",
            s(out),
        ];
        args.extend_from_slice(extra);
        govsite(Some(self.root()), &args)
    }
}

fn s(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Every file and symlink under `root`, by `/`-separated relative path, with its bytes (a
/// link's target for symlinks), so two snapshots compare byte for byte.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).unwrap();
                found.insert(
                    format!("{relative} ->"),
                    target.as_os_str().as_encoded_bytes().to_vec(),
                );
            } else if meta.is_dir() {
                found.insert(format!("{relative}/"), Vec::new());
                stack.push(path);
            } else {
                found.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    found
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().collect()
}

// ---------------------------------------------------------------------------------------
// Symbolic links

#[test]
fn symlink_loops_and_links_out_of_content_are_reported_and_not_followed() {
    let site = Scratch::new();
    let controls = site.content().join("controls");
    // A link to itself, a folder link back up the tree, and links to a file and a folder
    // outside content/. Each outside target would be an error if it were read.
    symlink("loop.md", controls.join("loop.md"));
    std::fs::create_dir(controls.join("team")).unwrap();
    symlink("..", controls.join("team/up"));
    let secret = site.outside("secret.md", "---\nstolen: true\n---\n");
    symlink(&secret, controls.join("CTL-SECRET.md"));
    site.outside("folder/CTL-FAR.md", "---\nstolen: true\n---\n");
    symlink(site.root().join("outside/folder"), controls.join("far"));

    let run = site.check();
    assert_eq!(
        lines(&run.stderr),
        [
            format!("content/controls/CTL-SECRET.md:1:1: warning: {NOT_FOLLOWED}"),
            format!("content/controls/far:1:1: warning: {NOT_FOLLOWED}"),
            format!("content/controls/loop.md:1:1: warning: {NOT_FOLLOWED}"),
            format!("content/controls/team/up:1:1: warning: {NOT_FOLLOWED}"),
            "0 errors, 4 warnings".to_string(),
        ]
    );
    // The results are on stdout, the count alone on stderr.
    assert_eq!(run.stdout.lines().count(), 4);
    assert_eq!(run.code, 0);
}

#[test]
fn a_symlinked_record_folder_is_not_walked() {
    let site = Scratch::new();
    site.outside("procs/P.md", "---\nstolen: true\n---\n");
    symlink(
        site.root().join("outside/procs"),
        site.content().join("processes"),
    );
    let run = site.check();
    assert_eq!(
        run.stderr,
        format!("content/processes:1:1: warning: {NOT_FOLLOWED}\n0 errors, 1 warning\n")
    );
}

#[test]
fn a_symlinked_list_file_is_reported_and_not_read() {
    let site = Scratch::new();
    std::fs::remove_file(site.content().join("people.yaml")).unwrap();
    let outside = site.outside("people.yaml", "- id: dana\n  name: Dana\n  stolen: true\n");
    symlink(&outside, site.content().join("people.yaml"));
    let run = site.check();
    assert!(
        run.stderr
            .lines()
            .any(|line| line == format!("content/people.yaml:1:1: warning: {NOT_FOLLOWED}")),
        "the link is not reported:\n{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("stolen"),
        "the link was followed:\n{}",
        run.stderr
    );
}

#[test]
fn evidence_through_a_symlinked_folder_is_refused() {
    let site = Scratch::new();
    site.outside("private/secret.txt", "not for the auditors\n");
    std::fs::create_dir_all(site.content().join("evidence")).unwrap();
    symlink(
        site.root().join("outside/private"),
        site.content().join("evidence/link"),
    );
    site.write(
        "controls/CTL-EV.md",
        "---\ntitle: Evidence through a link\nowner: dana\nevidence: [link/secret.txt]\n---\n",
    );
    let out = site.root().join("public");
    let run = site.build(&out, &[]);
    assert!(
        run.stderr
            .starts_with("content/controls/CTL-EV.md:4:12: error: evidence `link/secret.txt`"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
    assert!(!out.exists(), "a file from outside content/ was published");
}

#[test]
fn evidence_a_browser_would_run_is_published_as_text() {
    let site = Scratch::new();
    let script = "<script>alert(document.domain)</script>";
    for name in [
        "scan.html",
        "logo.SVG",
        "feed.xml",
        "app.js",
        "page.xhtml",
        "README",
    ] {
        site.write(&format!("evidence/{name}"), script);
    }
    site.write("evidence/report.pdf", "%PDF-1.4");
    site.write(
        "controls/CTL-EV.md",
        "---\ntitle: Evidence\nowner: dana\nevidence: [scan.html, logo.SVG, feed.xml, app.js, page.xhtml, README, report.pdf]\n---\n",
    );
    let out = site.root().join("public");
    let run = site.build(&out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        names(&out.join("evidence")),
        [
            "README.txt",
            "app.js.txt",
            "feed.xml.txt",
            "logo.SVG.txt",
            "page.xhtml.txt",
            "report.pdf",
            "scan.html.txt"
        ]
    );
    // Byte for byte, and what the page links to.
    assert_eq!(read(&out, "evidence/scan.html.txt"), script);
    let page = read(&out, "controls/CTL-EV.html");
    assert!(
        page.contains("href=\"../evidence/scan.html.txt\""),
        "{page}"
    );
    assert!(!page.contains("href=\"../evidence/scan.html\""));
    let sums = read(&out, "SHA256SUMS");
    assert!(sums.contains("  evidence/scan.html.txt\n"), "{sums}");
}

#[test]
fn evidence_published_under_the_same_name_twice_is_an_error() {
    let site = Scratch::new();
    site.write("evidence/a.html", "one");
    site.write("evidence/a.html.txt", "two");
    site.write(
        "controls/CTL-EV.md",
        "---\ntitle: Evidence\nowner: dana\nevidence: [a.html.txt, a.html]\n---\n",
    );
    let run = site.check();
    assert_eq!(
        run.stderr,
        "content/controls/CTL-EV.md:4:24: error: evidence `a.html` would be published as `a.html.txt`, like `a.html.txt`: rename one of them\n1 error, 0 warnings\n"
    );
    assert_eq!(run.code, 1);
}

#[test]
fn evidence_that_is_a_fifo_is_refused_without_hanging() {
    let site = Scratch::new();
    std::fs::create_dir_all(site.content().join("evidence")).unwrap();
    let fifo = site.content().join("evidence/pipe.txt");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    site.write(
        "controls/CTL-EV.md",
        "---\ntitle: Evidence\nowner: dana\nevidence: [pipe.txt]\n---\n",
    );
    let run = site.check();
    assert!(
        run.stderr.starts_with(
            "content/controls/CTL-EV.md:4:12: error: evidence `pipe.txt` is not a regular file"
        ),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------
// package and init

fn package(site: &Scratch, output: &Path) -> Run {
    let content = site.content();
    govsite(
        Some(site.root()),
        &[
            "package",
            "--content",
            s(&content),
            "--as-of",
            AS_OF,
            "-o",
            s(output),
        ],
    )
}

fn zip_names(archive: &Path) -> Vec<String> {
    let file = std::fs::File::open(archive).unwrap();
    let zip = zip::ZipArchive::new(file).unwrap();
    zip.file_names()
        .map(|name| name.unwrap().into_owned())
        .collect()
}

#[test]
fn package_refuses_to_write_into_the_content() {
    let site = Scratch::new();
    let before = snapshot(site.root());
    for target in ["people.yaml", "controls/CTL-OK.md", "new.zip"] {
        let run = package(&site, &site.content().join(target));
        assert_eq!(
            run.stderr,
            format!("error: refusing to write the package to `content/{target}`: it is inside the content directory `content`, and would replace or add to the records; choose a path outside it with -o\n")
        );
        assert_eq!(run.code, 1);
    }
    assert_eq!(snapshot(site.root()), before);
}

#[test]
fn package_entries_never_leave_their_folder() {
    let site = Scratch::new();
    let archive = site.root().join("...zip");
    let run = package(&site, &archive);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The stem `..` is no folder name: the default name (from the title and date) is used.
    let names = zip_names(&archive);
    let folder = "nhi-governance-2026-11-01/";
    assert!(names.contains(&format!("{folder}index.html")), "{names:?}");
    assert!(
        names.iter().all(|name| name.starts_with(folder)),
        "{names:?}"
    );
}

#[test]
fn package_never_writes_through_a_planted_partial_file() {
    let site = Scratch::new();
    let victim = site.outside("victim.txt", "precious");
    let archive = site.root().join("audit.zip");
    symlink(&victim, site.root().join("audit.zip.partial"));
    let run = package(&site, &archive);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    assert!(zip_names(&archive).contains(&"audit/SHA256SUMS".to_string()));
    // Only the archive is new beside the planted link: no temporary file is left.
    assert_eq!(
        names(site.root()),
        ["audit.zip", "audit.zip.partial", "content", "outside"]
    );
}

#[test]
fn package_streams_large_evidence_and_keeps_its_hash() {
    let site = Scratch::new();
    // 12 MiB of varied bytes: larger than any buffer, as large files are for the copy. The
    // package holds it twice (as published and under source/), so it is zipped twice.
    let bytes: Vec<u8> = (0..12u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    site.write("evidence/big.log", &bytes);
    site.write(
        "controls/CTL-EV.md",
        "---\ntitle: Evidence\nowner: dana\nevidence: [big.log]\n---\n",
    );
    let archive = site.root().join("audit.zip");
    let run = package(&site, &archive);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&archive).unwrap()).unwrap();
    let mut copied = Vec::new();
    zip.by_name("audit/evidence/big.log")
        .unwrap()
        .read_to_end(&mut copied)
        .unwrap();
    assert!(copied == bytes, "the packaged evidence differs");
    let mut source = Vec::new();
    zip.by_name("audit/source/evidence/big.log")
        .unwrap()
        .read_to_end(&mut source)
        .unwrap();
    assert!(source == bytes, "the evidence under source/ differs");
}

/// Runs `govsite init DIR` with a file-size limit of `kib` KiB, as a full disk would stop it.
fn init_with_size_limit(cwd: &Path, dir: &str, kib: u32) -> std::process::Output {
    Command::new("sh")
        .current_dir(cwd)
        .arg("-c")
        // Ignore SIGXFSZ, so writes over the limit fail with EFBIG instead of killing.
        .arg(format!(
            "trap '' XFSZ; ulimit -f {kib}; exec \"$0\" init {dir}"
        ))
        .arg(env!("CARGO_BIN_EXE_govsite"))
        .output()
        .unwrap()
}

#[test]
fn init_that_runs_out_of_space_leaves_nothing_behind() {
    let dir = TempDir::new().unwrap();
    let failed = init_with_size_limit(dir.path(), "governance", 1);
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.starts_with("error: writing governance/"), "{stderr}");
    assert_eq!(
        names(dir.path()),
        Vec::<String>::new(),
        "a half-written folder was left"
    );
    // With room, the same command makes the whole folder.
    let done = init_with_size_limit(dir.path(), "governance", 100_000);
    assert_eq!(done.status.code(), Some(0), "{done:?}");
    assert!(dir.path().join("governance/controls").is_dir());
}

#[test]
fn init_never_writes_through_a_symlink() {
    let dir = TempDir::new().unwrap();
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    symlink(&elsewhere, dir.path().join("governance"));
    let run = govsite(
        Some(dir.path()),
        &["init", s(&dir.path().join("governance"))],
    );
    assert_eq!(
        run.stderr,
        "error: refusing to write into `governance`: it is a symbolic link; give a new folder's path\n"
    );
    assert_eq!(run.code, 1);
    assert_eq!(names(&elsewhere), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------
// Ids that are not file-name safe, and paths that try to leave --out

#[test]
fn ids_that_are_not_file_name_safe_are_rejected_with_their_position() {
    let content = format!("{FIXTURES}/bad_ids");
    let run = govsite(None, &["check", "--content", &content]);
    let mismatch = |file: &str, id: &str| {
        format!(
            "{content}/controls/{file}.md:2:5: error: `id: {id}` does not match the file name `{file}`: remove the `id:` line or rename the file"
        )
    };
    let invalid = |file: &str, line: usize, id: &str| {
        format!("{content}/{file}:{line}:7: error: invalid id `{id}`: {BAD_ID}")
    };
    assert_eq!(
        lines(&run.stderr),
        [
            mismatch("CTL-A", "../x"),
            mismatch("CTL-B", "a/b"),
            mismatch("CTL-C", "/etc/passwd"),
            invalid("frameworks.yaml", 1, "../../evil"),
            invalid("frameworks.yaml", 3, "fw/x"),
            invalid("people.yaml", 4, "../x"),
            invalid("people.yaml", 6, "a/b"),
            invalid("people.yaml", 8, ".dot"),
            invalid("people.yaml", 10, "-dash"),
            invalid("people.yaml", 12, "x y"),
            invalid("people.yaml", 14, "<b>"),
            invalid("teams.yaml", 1, "../../teams"),
            "12 errors, 0 warnings".to_string(),
        ]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn file_names_that_are_not_ids_are_rejected() {
    let site = Scratch::new();
    let record = "---\ntitle: T\nowner: dana\n---\n";
    for name in ["contrôle", "-lead", "x<y>", "a..b c"] {
        site.write(&format!("controls/{name}.md"), record);
    }
    let run = site.check();
    let invalid = |name: &str| {
        format!("content/controls/{name}.md:1:1: error: file name: invalid id `{name}`: {BAD_ID}")
    };
    assert_eq!(
        lines(&run.stderr),
        [
            invalid("-lead"),
            invalid("a..b c"),
            invalid("contrôle"),
            invalid("x<y>"),
            "4 errors, 0 warnings".to_string(),
        ]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn a_hidden_record_file_is_reported() {
    let site = Scratch::new();
    site.write(
        "controls/.CTL-HIDDEN.md",
        "---\ntitle: T\nowner: dana\n---\n",
    );
    let run = site.check();
    assert!(
        run.stderr
            .starts_with("content/controls/.CTL-HIDDEN.md:1:1: "),
        "the hidden record vanished silently:\n{}",
        run.stderr
    );
}

#[test]
fn list_ids_that_differ_only_in_case_are_duplicates() {
    let site = Scratch::new();
    site.write(
        "people.yaml",
        "- id: dana\n  name: Dana\n- id: DANA\n  name: Dana again\n",
    );
    let run = site.check();
    assert!(
        run.stderr
            .starts_with("content/people.yaml:3:7: error: duplicate id `DANA`"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
}

#[test]
fn traversal_in_every_path_field_is_refused_and_nothing_is_written() {
    let dir = TempDir::new().unwrap();
    let content = format!("{FIXTURES}/traversal");
    let out = dir.path().join("public");
    let run = govsite(
        Some(dir.path()),
        &["build", "--content", &content, "--out", s(&out)],
    );
    let at = |place: &str, message: &str| format!("{content}/{place}: error: {message}");
    let evidence = |path: &str| {
        format!("evidence path `{path}` is not allowed: give a path under evidence/ using only letters, digits, `.`, `_`, `-` and `/` (no `..`)")
    };
    let escaping = "../../../../tmp/govsite-escape";
    assert_eq!(
        lines(&run.stderr),
        [
            at("controls/CTL-A.md:2:5", &format!("`id: {escaping}-control` does not match the file name `CTL-A`: remove the `id:` line or rename the file")),
            at("controls/CTL-A.md:6:46", &format!("unknown reference `../x` in framework `{escaping}-framework`: add it to frameworks.yaml or fix the id")),
            at("controls/CTL-A.md:8:5", &evidence("../../../../etc/passwd")),
            at("controls/CTL-A.md:9:5", &evidence("/etc/passwd")),
            at("controls/CTL-A.md:10:5", &evidence("ok/../../people.yaml")),
            at("controls/CTL-A.md:11:5", &evidence("..")),
            at("exceptions/EXC-1.md:2:5", "`id: ../EXC-1` does not match the file name `EXC-1`: remove the `id:` line or rename the file"),
            at("exceptions/EXC-1.md:3:10", "unknown control `../controls/CTL-A`: no control has this id: create it, or fix the id"),
            at("exceptions/EXC-1.md:6:12", &evidence("../people.yaml")),
            at("frameworks.yaml:1:7", &format!("invalid id `{escaping}-framework`: {BAD_ID}")),
            at("people.yaml:4:7", &format!("invalid id `{escaping}-person`: {BAD_ID}")),
            "11 errors, 0 warnings".to_string(),
            BUILD_REFUSED.trim_end().to_string(),
        ]
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        names(dir.path()),
        Vec::<String>::new(),
        "the refused build wrote something"
    );
    for kind in ["person", "framework", "control"] {
        let escaped = Path::new("/tmp").join(format!("govsite-escape-{kind}"));
        assert!(!escaped.exists(), "{} was written", escaped.display());
    }
}

#[test]
fn odd_but_valid_ids_stay_inside_out() {
    // Legal ids that look like paths or pages: every output file must land under --out.
    let site = Scratch::new();
    for id in ["a..b", "x.html", "index", "CON", "9"] {
        site.write(
            &format!("controls/{id}.md"),
            "---\ntitle: T\nowner: dana\n---\n",
        );
    }
    let before = snapshot(site.root());
    let out = site.root().join("public");
    let run = site.build(&out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = snapshot(site.root());
    let added: Vec<&String> = after.keys().filter(|k| !before.contains_key(*k)).collect();
    assert!(
        added.iter().all(|path| path.starts_with("public")),
        "{added:?}"
    );
    for id in ["a..b", "x.html", "index", "CON", "9"] {
        assert!(out.join(format!("controls/{id}.html")).is_file(), "{id}");
    }
}

// ---------------------------------------------------------------------------------------
// Alias bombs, deep nesting, huge files, unreadable files

#[test]
fn yaml_alias_bombs_are_refused_quickly() {
    let content = format!("{FIXTURES}/alias_bomb");
    let started = Instant::now();
    let run = govsite(None, &["check", "--content", &content]);
    assert_eq!(
        lines(&run.stderr),
        [
            format!("{content}/controls/CTL-BOMB.md:2:1: error: {ALIAS_BOMB}"),
            // The bomb takes the whole of people.yaml with it, so `dana` is unknown.
            format!("{content}/controls/CTL-OK.md:3:8: error: unknown person `dana`: add them to people.yaml, or fix the id"),
            format!("{content}/people.yaml:1:1: error: {ALIAS_BOMB}"),
            "3 errors, 0 warnings".to_string(),
        ]
    );
    assert_eq!(run.code, 1);
    eprintln!("alias bombs refused in {:?}", started.elapsed());
}

/// Front matter whose `title` is `depth` nested flow sequences.
fn nested_flow(depth: usize) -> String {
    format!(
        "---\ntitle: {}{}\nowner: dana\n---\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

#[test]
fn deeply_nested_yaml_is_refused_without_overflowing_the_stack() {
    let site = Scratch::new();
    site.write("controls/CTL-FLOW.md", nested_flow(10_000));
    site.write(
        "controls/CTL-MAP.md",
        format!(
            "---\ntitle: T\nowner: dana\nreview: {}1{}\n---\n",
            "{a: ".repeat(10_000),
            "}".repeat(10_000)
        ),
    );
    // Block sequences nested on one line: `- - - ... x`.
    site.write("teams.yaml", format!("{}x\n", "- ".repeat(10_000)));
    let run = site.check();
    assert_eq!(
        lines(&run.stderr),
        [
            // `title: ` is 7 characters, so the 101st `[` is at column 8 + 100.
            format!("content/controls/CTL-FLOW.md:2:108: error: {TOO_DEEP}"),
            // `review: ` is 8 characters and each `{a: ` 4, so the 101st `{` is at 9 + 400.
            format!("content/controls/CTL-MAP.md:4:409: error: {TOO_DEEP}"),
            // Block nesting is caught by serde_yaml's depth limit at the 129th `- `.
            format!("content/teams.yaml:1:257: error: {TOO_DEEP}"),
            "3 errors, 0 warnings".to_string(),
        ]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn flow_nesting_near_the_size_limit_is_refused_quickly() {
    let site = Scratch::new();
    site.write("controls/CTL-FLOW.md", nested_flow(500_000));
    let run = site.check();
    assert!(
        run.stderr.starts_with("content/controls/CTL-FLOW.md:2:"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
}

#[test]
fn resource_limit_diagnostics_say_what_to_do() {
    let site = Scratch::new();
    site.write("controls/CTL-FLOW.md", nested_flow(1_000));
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(FIXTURES)
            .join("alias_bomb/controls/CTL-BOMB.md"),
        site.path("controls/CTL-BOMB.md"),
    )
    .unwrap();
    let run = site.check();
    let bomb = run.stderr.lines().find(|l| l.contains("CTL-BOMB")).unwrap();
    let flow = run.stderr.lines().find(|l| l.contains("CTL-FLOW")).unwrap();
    assert!(bomb.contains("alias"), "{bomb}");
    assert!(flow.contains("nest"), "{flow}");
}

#[test]
fn a_file_full_of_unknown_fields_is_reported_quickly() {
    let site = Scratch::new();
    let mut text = String::from("---\ntitle: T\nowner: dana\n");
    for i in 0..30_000 {
        text.push_str(&format!("k{i}: xxxxxxxxxxxxxxxxxxxx\n"));
    }
    text.push_str("---\n");
    assert!(text.len() < 1024 * 1024);
    site.write("controls/CTL-K.md", text);
    let run = site.check();
    let lines = lines(&run.stderr);
    assert_eq!(
        lines[..3],
        [
            "content/controls/CTL-K.md:2:1: error: more than 100 problems in this file; fix these and check again to see the rest",
            "content/controls/CTL-K.md:4:1: error: unknown field `k0`: expected one of: id, title, owner, approvers, owner_history, nhi, frameworks, shared_platform, evidence, review, status",
            "content/controls/CTL-K.md:5:1: error: unknown field `k1`: expected one of: id, title, owner, approvers, owner_history, nhi, frameworks, shared_platform, evidence, review, status",
        ],
    );
    assert_eq!(lines.len(), 102, "100 problems, the note and the count");
    assert_eq!(run.code, 1);
}

#[test]
fn files_over_the_size_limit_are_refused_naming_the_limit() {
    let site = Scratch::new();
    let body = "All work and no play makes Jack a dull boy.\n".repeat(5 * 1024 * 1024 / 44);
    site.write(
        "controls/CTL-BIG.md",
        format!("---\ntitle: Big\nowner: dana\n---\n{body}"),
    );
    site.write(
        "teams.yaml",
        "- id: t\n  name: T\n".repeat(2 * 1024 * 1024 / 20),
    );
    let run = site.check();
    assert_eq!(
        lines(&run.stderr),
        [
            format!("content/controls/CTL-BIG.md:1:1: {TOO_LARGE}"),
            format!("content/teams.yaml:1:1: {TOO_LARGE}"),
            "2 errors, 0 warnings".to_string(),
        ]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn a_file_of_exactly_the_size_limit_is_accepted() {
    let site = Scratch::new();
    let head = "---\ntitle: Just fits\nowner: dana\n---\n";
    let body = "x".repeat(1024 * 1024 - head.len());
    site.write("controls/CTL-FITS.md", format!("{head}{body}"));
    let run = site.check();
    assert_eq!(run.stderr, "content is valid\n");
    assert_eq!(run.code, 0);
}

#[test]
fn a_folder_where_a_file_should_be_is_an_error_naming_it() {
    let site = Scratch::new();
    std::fs::create_dir_all(site.content().join("teams.yaml")).unwrap();
    // A folder named like a record is walked as a folder, not read as a file.
    site.write(
        "controls/CTL-DIR.md/CTL-INNER.md",
        "---\ntitle: T\nowner: dana\n---\n",
    );
    let run = site.check();
    assert_eq!(
        run.stderr,
        "content/teams.yaml:1:1: error: not a regular file: replace it with a YAML file (or remove it)\n1 error, 0 warnings\n"
    );
    assert_eq!(run.code, 1);
}

/// Makes `path` unreadable; false when the test runs with privileges that read it anyway
/// (root ignores permission bits, and CI runs as root).
fn make_unreadable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(path).is_ok() || std::fs::read_dir(path).is_ok() {
        eprintln!(
            "skipped: {} is still readable (running as root?), so unreadable files cannot be tested here",
            path.display()
        );
        return false;
    }
    true
}

#[test]
fn unreadable_files_and_folders_are_errors_naming_them() {
    let site = Scratch::new();
    site.write(
        "controls/CTL-LOCKED.md",
        "---\ntitle: T\nowner: dana\n---\n",
    );
    site.write(
        "controls/locked/CTL-IN.md",
        "---\ntitle: T\nowner: dana\n---\n",
    );
    let file = site.content().join("controls/CTL-LOCKED.md");
    let folder = site.content().join("controls/locked");
    if !make_unreadable(&file) || !make_unreadable(&folder) {
        return;
    }
    let run = site.check();
    let restore = |path: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    restore(&file);
    restore(&folder);
    assert!(
        run.stderr.contains(
            "content/controls/CTL-LOCKED.md:1:1: error: cannot read the file: Permission denied (os error 13)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("content/controls/locked:1:1: error: cannot read: "),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
}

#[test]
fn a_fifo_instead_of_a_file_does_not_hang() {
    let site = Scratch::new();
    std::fs::remove_file(site.content().join("people.yaml")).unwrap();
    let made = Command::new("mkfifo")
        .arg(site.content().join("people.yaml"))
        .status()
        .expect("running mkfifo");
    assert!(made.success());
    let run = site.check();
    assert!(
        run.stderr.lines().any(|line| line
            == "content/people.yaml:1:1: error: not a regular file: replace it with a YAML file (or remove it)"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
}

#[test]
fn a_syntax_error_at_the_end_of_a_file_without_a_final_newline_points_inside_it() {
    let site = Scratch::new();
    site.write("site.yaml", "title: [x");
    let run = site.check();
    // Found by tests/fuzz.rs; today: `content/site.yaml:2:1: ...` in a one-line file.
    assert!(
        run.stderr
            .starts_with("content/site.yaml:1:10: error: YAML syntax error: "),
        "{}",
        run.stderr
    );
}

#[test]
fn a_line_separator_character_does_not_shift_positions() {
    let site = Scratch::new();
    // An unquoted U+2028 in the title: YAML 1.1 breaks the line there, editors do not.
    site.write(
        "controls/CTL-LS.md",
        "---\ntitle: a\u{2028}b\nowner: [dana\n---\n",
    );
    let run = site.check();
    // Found by tests/fuzz.rs; today: `CTL-LS.md:4:1`, the closing `---` line.
    assert!(
        run.stderr
            .starts_with("content/controls/CTL-LS.md:3:1: error: YAML syntax error: "),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------
// Nothing from content can run in a browser

/// The hostile fixture built into a temporary folder.
fn build_xss() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("site");
    let content = format!("{FIXTURES}/xss");
    let run = govsite(
        Some(dir.path()),
        &["build", "--content", &content, "--out", s(&out)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    (dir, out)
}

fn read(site: &Path, page: &str) -> String {
    std::fs::read_to_string(site.join(page)).unwrap_or_else(|e| panic!("reading {page}: {e}"))
}

/// Every `.html` page of a built site, by relative path.
fn pages(site: &Path) -> BTreeMap<String, String> {
    snapshot(site)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The rendered Markdown body of a record page.
fn prose(html: &str) -> &str {
    let start = html.find("<div class=\"prose\">").expect("a prose block");
    let end = html[start..].find("</div></section>").unwrap() + start;
    &html[start..end]
}

/// Every tag in `html` as (lower-case name, raw attribute text). Good enough for pages whose
/// text is escaped: a raw `<` only ever opens a tag.
fn tags(html: &str) -> Vec<(String, &str)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[..end];
        let name_end = tag
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(tag.len());
        let name = tag[..name_end].to_ascii_lowercase();
        if name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
            found.push((name, &tag[name_end..]));
        }
        rest = &rest[end..];
    }
    found
}

/// A tag's attributes as (lower-case name, value), values unquoted; entities are kept.
fn attributes(text: &str) -> Vec<(String, &str)> {
    let mut found = Vec::new();
    let mut rest = text.trim_end_matches('/');
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest.is_empty() {
            return found;
        }
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = "";
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (quote, body) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => (Some(q), &after[1..]),
                _ => (None, after),
            };
            let end = match quote {
                Some(q) => body.find(q).unwrap_or(body.len()),
                None => body.find(char::is_whitespace).unwrap_or(body.len()),
            };
            value = &body[..end];
            rest = &body[(end + usize::from(quote.is_some())).min(body.len())..];
        }
        found.push((name, value));
    }
}

/// The values of `attribute` in a tag's attribute text.
fn attribute_values<'a>(text: &'a str, attribute: &str) -> Vec<&'a str> {
    attributes(text)
        .into_iter()
        .filter(|(name, _)| name == attribute)
        .map(|(_, value)| value)
        .collect()
}

/// Everything on a page that could run script or restyle it, as readable findings.
fn dangers(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (name, text) in tags(html) {
        let tag = format!("<{name}{text}>");
        let own_script = name == "script"
            && (text.trim_end() == r#" src="../assets/site.js" defer"#
                || text.trim_end() == r#" src="assets/site.js" defer"#);
        let own_link = name == "link" && attribute_values(text, "rel") == ["stylesheet"];
        let forbidden = [
            "iframe", "frame", "object", "embed", "svg", "math", "style", "form", "base", "link",
        ];
        if (name == "script" && !own_script) || (forbidden.contains(&name.as_str()) && !own_link) {
            found.push(format!("forbidden element {tag}"));
        }
        for (attribute, value) in attributes(text) {
            if attribute.starts_with("on") || attribute == "style" {
                found.push(format!("`{attribute}` attribute in {tag}"));
            }
            if name == "meta" && value.to_ascii_lowercase().contains("refresh") {
                found.push(format!("refresh in {tag}"));
            }
            let url = [
                "href",
                "src",
                "action",
                "formaction",
                "xlink:href",
                "srcset",
            ];
            let value: String = value
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            let scheme = ["javascript:", "data:", "vbscript:", "&#"];
            if url.contains(&attribute.as_str()) && scheme.iter().any(|s| value.starts_with(s)) {
                found.push(format!("script URL in {tag}"));
            }
        }
    }
    found
}

#[test]
fn the_page_scanner_catches_each_kind_of_danger() {
    // The checks below are only as good as `dangers`: make sure it is not blind.
    let dangerous = [
        "<script>alert(1)</script>",
        "<script src=\"https://evil.example/x.js\"></script>",
        "<img src=x onerror=alert(1)>",
        "<a href=\" JaVaScript:alert(1)\">x</a>",
        "<a href='data:text/html,x'>x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<div style=\"color:red\">x</div>",
        "<iframe src=\"https://example.com\"></iframe>",
        "<svg onload=alert(1)>",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://example.com\">",
        "<link rel=\"import\" href=\"x.html\">",
    ];
    for html in dangerous {
        assert!(!dangers(html).is_empty(), "missed {html}");
    }
    let safe = concat!(
        r#"<script src="../assets/site.js" defer></script>"#,
        r#"<link rel="stylesheet" href="../assets/style.css">"#,
        r#"<a href="https://example.com" rel="noopener noreferrer" title="onerror=x">x</a>"#,
    );
    assert_eq!(dangers(safe), Vec::<String>::new());
}

#[test]
fn no_page_of_the_hostile_site_can_run_script() {
    let (_dir, site) = build_xss();
    let pages = pages(&site);
    assert!(pages.len() >= 15, "{:?}", pages.keys());
    for (path, html) in &pages {
        assert_eq!(dangers(html), Vec::<String>::new(), "{path}");
        for raw in [
            "<script>alert",
            "<img src=x onerror",
            "<svg onload",
            "<iframe src",
        ] {
            assert!(!html.contains(raw), "{path} contains raw `{raw}`");
        }
    }
}

#[test]
fn markdown_html_is_sanitised_exactly() {
    let (_dir, site) = build_xss();
    let control = read(&site, "controls/CTL-XSS.html");
    let expected = concat!(
        "<div class=\"prose\">\n",
        // <script> is gone with its text; the image keeps only its (relative) source.
        "<img src=\"x\">\n",
        // Every script, data and vbscript link loses its href, whatever the case or spacing.
        "<p><a rel=\"noopener noreferrer\">js</a> <a rel=\"noopener noreferrer\">JS</a> ",
        "<a rel=\"noopener noreferrer\">data</a> <a rel=\"noopener noreferrer\">vb</a></p>\n",
        "<p><a rel=\"noopener noreferrer\">mixed</a> <a rel=\"noopener noreferrer\">space</a> ",
        "<a rel=\"noopener noreferrer\">tab</a> <a rel=\"noopener noreferrer\">entity</a></p>\n",
        "<p><a rel=\"noopener noreferrer\">javascript:alert(1)</a> <a rel=\"noopener noreferrer\">ref</a></p>\n",
        // <iframe>, <svg>, <style> are removed; the div loses its style attribute.
        "\n<p></p>\n\n<div>styled</div>\n",
        // The form is gone; its input keeps no attributes, the button its text only.
        "<input>go\n",
        // object, embed, base and meta refresh are removed; details loses its handler.
        "<p></p>\n<details>x</details>\n",
        "<p><img alt=\"img\"> <img src=\"https://example.com/a.png\" alt=\"ok\"></p>\n",
        "<p><a href=\"https://example.com\" rel=\"noopener noreferrer\">ext</a> ",
        "<a href=\"https://example.com\" rel=\"noopener noreferrer\">blank</a></p>\n",
        // Template syntax is inert text.
        "<p>{{ 7*7 }} {% raw %} {% endraw %} {# comment #} {% include \"base.html\" %}</p>\n",
        "<p></p>\n",
    );
    assert_eq!(prose(&control), expected);

    assert_eq!(
        prose(&read(&site, "processes/p-xss.html")),
        "<div class=\"prose\">{{ 7*7 }}\n"
    );
    assert_eq!(
        prose(&read(&site, "exceptions/EXC-XSS.html")),
        // The script opens a raw HTML block to the end of its line: the link stays text.
        "<div class=\"prose\">[x](javascript:alert(1))\n"
    );
    assert_eq!(
        prose(&read(&site, "incidents/INC-XSS.html")),
        "<div class=\"prose\"><a rel=\"noopener noreferrer\">vb</a> {% raw %}{{ 7*7 }}{% endraw %}\n"
    );
}

#[test]
fn text_fields_are_escaped_and_template_syntax_stays_literal() {
    let (_dir, site) = build_xss();
    let control = read(&site, "controls/CTL-XSS.html");
    assert!(
        control.contains("<h1>&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;{{ 7*7 }}</h1>")
    );
    assert!(control.contains(
        "<title>&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;{{ 7*7 }} · CTL-XSS · &lt;script&gt;alert(&#x27;site&#x27;)&lt;/script&gt;</title>"
    ));
    let incident = read(&site, "incidents/INC-XSS.html");
    assert!(incident.contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(incident.contains("&lt;script&gt;alert(&#x27;action&#x27;)&lt;/script&gt;{{ 7*7 }}"));
    let person = read(&site, "people/dana.html");
    assert!(person.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt;Dana"));
    assert!(person.contains(
        "<p>{% raw %}{{ 7*7 }}{% endraw %} · <a href=\"../teams/t1.html\">&lt;iframe src=javascript:alert(1)&gt;&lt;/iframe&gt;</a> · &quot;&gt;&lt;svg onload=alert(1)&gt;@example.com</p>"
    ));
    let manager = read(&site, "people/mgr.html");
    assert!(manager.contains("<h1>&lt;a href=&quot;javascript:alert(1)&quot;&gt;Mgr&lt;/a&gt;"));
    let framework = read(&site, "frameworks/fw.html");
    assert!(framework.contains("<h1>&lt;style&gt;body{display:none}&lt;/style&gt;FW</h1>"));
    assert!(framework.contains(
        "<td class=\"mono nowrap\">&lt;img src=x onerror=alert(1)&gt;</td><td>{{ 7*7 }} &lt;b onmouseover=alert(1)&gt;t&lt;/b&gt;</td>"
    ));
    let index = read(&site, "index.html");
    assert!(index.contains("&lt;img src=x onerror=alert(1)&gt;{{ 7*7 }}"));
    // Nothing was evaluated as a template anywhere.
    for (path, html) in pages(&site) {
        assert!(!html.contains(">49<") && !html.contains(" 49 "), "{path}");
    }
}

#[test]
fn links_in_content_get_noopener() {
    let (_dir, site) = build_xss();
    let control = read(&site, "controls/CTL-XSS.html");
    let body = prose(&control);
    let anchors: Vec<&str> = tags(body)
        .into_iter()
        .filter(|(name, _)| name == "a")
        .map(|(_, attributes)| attributes)
        .collect();
    assert_eq!(anchors.len(), 12, "{body}");
    for attributes in anchors {
        assert!(
            attributes.contains("rel=\"noopener noreferrer\""),
            "{attributes}"
        );
    }
}

#[test]
fn framework_urls_cannot_be_script() {
    let content = format!("{FIXTURES}/framework_url");
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("site");
    let run = govsite(
        Some(dir.path()),
        &["build", "--content", &content, "--out", s(&out)],
    );
    // Either fix is fine: refuse the url with a diagnostic at each value, or neutralise it.
    if run.code == 0 {
        for (path, html) in pages(&out) {
            assert_eq!(dangers(&html), Vec::<String>::new(), "{path}");
        }
    } else {
        for line in [4, 7, 10] {
            let at = format!("{content}/frameworks.yaml:{line}:8: error: ");
            assert!(
                run.stderr
                    .lines()
                    .any(|l| l.starts_with(&at) && l.contains("url")),
                "no diagnostic at {at}:\n{}",
                run.stderr
            );
        }
        assert!(!out.exists());
    }
}

#[test]
fn site_scripts_never_turn_data_into_html() {
    // The search index is content (titles, names); the scripts must insert it as text.
    let (_dir, site) = build_xss();
    let scripts: Vec<(String, Vec<u8>)> = snapshot(&site.join("assets"))
        .into_iter()
        .filter(|(path, _)| path.ends_with(".js"))
        .collect();
    assert!(!scripts.is_empty());
    for (path, bytes) in scripts {
        let text = String::from_utf8(bytes).unwrap();
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "setTimeout(\"",
        ] {
            assert!(!text.contains(sink), "assets/{path} uses {sink}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Content-Security-Policy

#[test]
fn every_page_of_the_example_site_sets_a_strict_csp_its_own_assets_satisfy() {
    let dir = TempDir::new().unwrap();
    let out = dir.path().join("site");
    let run = govsite(
        Some(dir.path()),
        &[
            "build",
            "--content",
            "content",
            "--as-of",
            AS_OF,
            "--out",
            s(&out),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pages = pages(&out);
    assert!(pages.len() > 20);
    for (path, html) in &pages {
        let csp_tags: Vec<&str> = tags(html)
            .into_iter()
            .filter(|(name, attributes)| {
                name == "meta" && attributes.contains("http-equiv=\"Content-Security-Policy\"")
            })
            .map(|(_, attributes)| attributes)
            .collect();
        assert_eq!(csp_tags.len(), 1, "{path}: one CSP meta tag");
        let policy = attribute_values(csp_tags[0], "content")[0];
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
        ] {
            assert!(
                policy.split("; ").any(|d| d == directive),
                "{path}: {policy}"
            );
        }
        for loose in [
            "unsafe-inline",
            "unsafe-eval",
            "*",
            "http:",
            "https:",
            "data:",
        ] {
            assert!(!policy.contains(loose), "{path}: {loose} in {policy}");
        }
        // The policy must come before anything it governs.
        let csp_at = html.find("Content-Security-Policy").unwrap();
        for governed in ["<script", "<link", "<img", "<style"] {
            if let Some(at) = html.find(governed) {
                assert!(csp_at < at, "{path}: {governed} before the CSP");
            }
        }
        assert!(!html.contains("style=\""), "{path}: inline style attribute");
        assert_eq!(dangers(html), Vec::<String>::new(), "{path}");
        for (name, attributes) in tags(html) {
            if name == "script" {
                let sources = attribute_values(attributes, "src");
                assert!(
                    sources.len() == 1 && sources[0].ends_with("assets/site.js"),
                    "{path}: <script{attributes}>"
                );
                assert!(
                    html.contains(&format!("<script{attributes}></script>")),
                    "{path}: inline script"
                );
            }
            for attribute in ["src", "href"] {
                if name == "a" {
                    continue; // links to other sites are navigation, not assets
                }
                for value in attribute_values(attributes, attribute) {
                    assert!(
                        !value.contains("//") && !value.contains(':'),
                        "{path}: <{name}> loads {value} from elsewhere"
                    );
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The output folder

/// A scratch content folder with one previous good build in `public/`.
fn built_once() -> (Scratch, PathBuf, BTreeMap<String, Vec<u8>>) {
    let site = Scratch::new();
    let out = site.root().join("public");
    let run = site.build(&out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = snapshot(&out);
    assert!(before.contains_key(".govsite"));
    (site, out, before)
}

#[test]
fn a_build_that_fails_while_rendering_leaves_the_previous_site_byte_identical() {
    let (site, out, before) = built_once();
    let templates = site.root().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("control.html"), "{{ nope.missing }}").unwrap();
    site.write("controls/CTL-NEW.md", "---\ntitle: New\nowner: dana\n---\n");
    let run = site.build(&out, &["--templates", s(&templates)]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.ends_with(concat!(
            "error: rendering controls/CTL-NEW.html with template control.html\n",
            "  caused by: Failed to render 'control.html': Variable `nope.missing` not found in context while rendering 'control.html'\n",
        )) || run.stderr.ends_with(concat!(
            "error: rendering controls/CTL-OK.html with template control.html\n",
            "  caused by: Failed to render 'control.html': Variable `nope.missing` not found in context while rendering 'control.html'\n",
        )),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&out), before, "the previous site changed");
    assert_eq!(names(site.root()), ["content", "public", "templates"]);
}

#[test]
fn a_build_refused_for_content_errors_leaves_the_previous_site_byte_identical() {
    let (site, out, before) = built_once();
    site.write("controls/CTL-BAD.md", "---\ntitle: [unclosed\n---\n");
    let run = site.build(&out, &[]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.ends_with(BUILD_REFUSED), "{}", run.stderr);
    assert_eq!(snapshot(&out), before);
    assert_eq!(names(site.root()), ["content", "public"]);
}

#[test]
fn a_successful_rebuild_replaces_the_site_and_leaves_no_temporary_folders() {
    let (site, out, before) = built_once();
    site.write("controls/CTL-NEW.md", "---\ntitle: New\nowner: dana\n---\n");
    let run = site.build(&out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let after = snapshot(&out);
    assert!(after.contains_key("controls/CTL-NEW.html"));
    assert_ne!(after, before);
    assert_eq!(names(site.root()), ["content", "public"]);
}

#[test]
fn refuses_a_non_empty_out_that_govsite_did_not_make() {
    let site = Scratch::new();
    let out = site.root().join("docs");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "keep me").unwrap();
    // A marker that is a folder, not govsite's file, proves nothing either.
    std::fs::create_dir(out.join(".govsite")).unwrap();
    let before = snapshot(&out);
    let run = site.build(&out, &[]);
    assert_eq!(
        run.stderr,
        "error: refusing to replace `docs`: it is not empty and was not made by govsite (no .govsite file); choose another --out or empty it\n"
    );
    assert_eq!(run.code, 1);
    assert_eq!(snapshot(&out), before);
    assert_eq!(names(site.root()), ["content", "docs"]);
}

#[test]
fn refuses_an_out_that_is_or_contains_the_content_directory() {
    let site = Scratch::new();
    let before = snapshot(site.root());
    let link = site.root().join("link");
    symlink(site.content(), &link);
    let content = site.content();
    let refused = |out: &Path, shown: &str| {
        let run = site.build(out, &[]);
        assert_eq!(
            run.stderr,
            format!("error: refusing to write the site to `{shown}`: it contains the content directory `content`; choose another --out\n"),
            "--out {}",
            out.display()
        );
        assert_eq!(run.code, 1);
    };
    refused(&content, "content");
    refused(&content.join("."), "content/.");
    refused(&content.join("controls/.."), "content/controls/..");
    let run = site.build(&link, &[]);
    assert!(
        run.stderr.contains("`link`: it is a symbolic link"),
        "{}",
        run.stderr
    );
    std::fs::remove_file(&link).unwrap();
    // The parent of content/: shown as the temporary folder itself.
    let run = site.build(site.root(), &[]);
    assert!(
        run.stderr
            .starts_with("error: refusing to write the site to `")
            && run
                .stderr
                .contains("it contains the content directory `content`"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
    assert_eq!(snapshot(site.root()), before);
}

#[test]
fn refuses_an_out_that_reaches_the_content_parent_through_dot_dot() {
    let site = Scratch::new();
    let before = snapshot(site.root());
    let out = site.root().join("missing/..");
    let run = site.build(&out, &[]);
    assert!(
        run.stderr.contains("it contains the content directory"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1);
    assert_eq!(snapshot(site.root()), before);
}

/// A process id that is certainly not running: that of a child that has exited.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn copies_left_by_a_killed_build_are_removed_by_the_next_one() {
    let (site, out, _) = built_once();
    // What a build killed half-way leaves: its staging folder, marked, with pages in it.
    let pid = dead_pid();
    let killed = site
        .root()
        .join(format!(".public.govsite-new-{pid}-Xy12Ab"));
    std::fs::create_dir_all(killed.join("controls")).unwrap();
    std::fs::write(killed.join(".govsite"), "marker").unwrap();
    std::fs::write(killed.join("controls/CTL-OK.html"), "governance data").unwrap();
    let retired = site
        .root()
        .join(format!(".public.govsite-old-{pid}-Zz34Cd"));
    std::fs::create_dir(&retired).unwrap();
    std::fs::write(retired.join(".govsite"), "marker").unwrap();
    // A folder of the same shape without the marker is not ours to remove: it is kept,
    // and named in a warning.
    let foreign = site
        .root()
        .join(format!(".public.govsite-new-{pid}-NoMark"));
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "keep me").unwrap();

    let run = site.build(&out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        lines(&run.stderr)[0],
        format!("warning: .public.govsite-new-{pid}-NoMark looks like a copy left by an interrupted build but has no govsite marker: remove it by hand")
    );
    assert_eq!(
        names(site.root()),
        [
            format!(".public.govsite-new-{pid}-NoMark"),
            "content".into(),
            "public".into()
        ]
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn the_site_is_at_the_out_path_at_every_instant_of_a_rebuild() {
    let (site, out, _) = built_once();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let (stop, marker) = (stop.clone(), out.join(".govsite"));
        std::thread::spawn(move || {
            let mut missing = 0u64;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if std::fs::symlink_metadata(&marker).is_err() {
                    missing += 1;
                }
            }
            missing
        })
    };
    for n in 0..8 {
        site.write(
            &format!("controls/CTL-N{n}.md"),
            "---\ntitle: New\nowner: dana\n---\n",
        );
        let run = site.build(&out, &[]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(
        watcher.join().unwrap(),
        0,
        "times the site was missing during a rebuild"
    );
    assert!(out.join("controls/CTL-N7.html").is_file());
    assert_eq!(names(site.root()), ["content", "public"]);
}

#[test]
fn refuses_an_out_that_is_a_symlink_or_inside_the_content() {
    let site = Scratch::new();
    let elsewhere = site.root().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::write(elsewhere.join("keep.txt"), "keep me").unwrap();
    std::fs::write(elsewhere.join(".govsite"), "planted marker").unwrap();
    let link = site.root().join("public");
    symlink(&elsewhere, &link);
    let before = snapshot(site.root());
    let run = site.build(&link, &[]);
    assert_eq!(
        run.stderr,
        "error: refusing to write the site to `public`: it is a symbolic link, and the site would replace what it points to; give the real folder as --out\n"
    );
    assert_eq!(run.code, 1);
    let inside = site.content().join("site");
    let run = site.build(&inside, &[]);
    assert_eq!(
        run.stderr,
        "error: refusing to write the site to `content/site`: it is inside the content directory `content`, where a build would mix output with records; choose an --out outside it\n"
    );
    assert_eq!(run.code, 1);
    assert_eq!(snapshot(site.root()), before);
}

#[test]
fn a_strict_build_with_findings_leaves_the_previous_site_byte_identical() {
    let (site, out, before) = built_once();
    // An exception that expired before the as-of date is a policy finding.
    site.write(
        "exceptions/EXC-1.md",
        "---\ncontrol: CTL-OK\napproved_by: dana\ngranted: 2026-01-01\nexpires: 2026-02-01\n---\nWhy.\n",
    );
    let run = site.build(&out, &["--strict"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("build refused (--strict): ")
            && run
                .stderr
                .contains("the previous site (if any) is untouched"),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&out), before, "--strict replaced the site");
    assert_eq!(names(site.root()), ["content", "public"]);
    // Without --strict the same content builds.
    assert_eq!(site.build(&out, &[]).code, 0);
    assert!(out.join("exceptions/EXC-1.html").is_file());
}

// ---------------------------------------------------------------------------------------
// git: no command from the content's repository, and provenance that tells the truth

/// Runs git in `dir` (a test's own, trusted call), failing the test if it fails.
fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .stdout(Stdio::null())
        .status()
        .expect("running git");
    assert!(status.success(), "git {args:?}");
}

/// The scratch content committed as a git repository of its own.
fn committed() -> Scratch {
    let site = Scratch::new();
    let content = site.content();
    git(&content, &["init", "-q"]);
    git(&content, &["add", "-A"]);
    git(&content, &["commit", "-q", "-m", "records"]);
    site
}

/// A script that leaves `proof` behind when something runs it.
fn tripwire(dir: &Path, name: &str, proof: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join(name);
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch '{}'\nexit 0\n", proof.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

#[test]
fn a_repository_config_cannot_make_check_or_build_run_a_command() {
    let site = committed();
    let content = site.content();
    let proof = site.root().join("pwned");
    let script = tripwire(site.root(), "evil.sh", &proof);
    let hooks = site.root().join("hooks");
    std::fs::create_dir(&hooks).unwrap();
    for hook in [
        "post-index-change",
        "post-checkout",
        "pre-commit",
        "reference-transaction",
    ] {
        tripwire(&hooks, hook, &proof);
    }
    for (key, value) in [
        ("core.fsmonitor", s(&script)),
        ("core.hooksPath", s(&hooks)),
        ("core.pager", s(&script)),
        ("diff.external", s(&script)),
        ("core.sshCommand", s(&script)),
    ] {
        git(&content, &["config", key, value]);
    }
    // A file changed since the commit makes `git status` consult the monitor and refresh the index.
    site.write(
        "controls/CTL-OK.md",
        "---\ntitle: Changed\nowner: dana\n---\n",
    );
    assert_eq!(site.check().code, 0);
    let out = site.root().join("public");
    let run = site.build(&out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !proof.exists(),
        "a command from the content's .git/config ran"
    );
    assert!(read(&out, "index.html").contains("with uncommitted changes"));
}

#[test]
fn git_variables_in_the_environment_do_not_redirect_provenance() {
    let site = committed();
    // Another repository, with a file-system monitor that would run, named by GIT_DIR.
    let other = site.root().join("other");
    std::fs::create_dir(&other).unwrap();
    git(&other, &["init", "-q"]);
    let proof = site.root().join("pwned");
    let script = tripwire(site.root(), "evil.sh", &proof);
    std::fs::write(other.join("x"), "x").unwrap();
    git(&other, &["add", "x"]);
    git(&other, &["commit", "-q", "-m", "other"]);
    git(&other, &["config", "core.fsmonitor", s(&script)]);
    std::fs::write(other.join("x"), "changed").unwrap();
    let out = site.root().join("public");
    let content = site.content();
    let run = govsite_with_env(
        Some(site.root()),
        &[
            "build",
            "--content",
            s(&content),
            "--as-of",
            AS_OF,
            "--out",
            s(&out),
        ],
        &[("GIT_DIR", &other.join(".git")), ("GIT_WORK_TREE", &other)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!proof.exists(), "GIT_DIR's repository ran a command");
    let provenance = read(&out, "provenance.json");
    assert!(provenance.contains("\"dirty\": false"), "{provenance}");
}

/// Builds and returns `provenance.json` and the footer's provenance words.
fn provenance(site: &Scratch) -> (String, String) {
    let out = site.root().join("public");
    let run = site.build(&out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = read(&out, "index.html");
    let footer = page
        .split("content: ")
        .nth(1)
        .and_then(|rest| rest.split(" ·").next())
        .unwrap_or_default()
        .to_string();
    let json = read(&out, "provenance.json");
    let metrics = read(&out, "data/metrics.json");
    assert!(
        metrics.contains(&format!(
            "\"provenance\": {}",
            json.trim_end().replace('\n', "\n  ")
        )),
        "{metrics}"
    );
    (json, footer)
}

#[test]
fn provenance_is_clean_only_when_every_file_read_is_the_commits() {
    let site = committed();
    let (json, footer) = provenance(&site);
    assert!(
        json.contains("\"dirty\": false") && json.contains("\"differing\": []"),
        "{json}"
    );
    assert!(
        footer.starts_with("git commit ") && !footer.contains("uncommitted"),
        "{footer}"
    );
    assert!(json.contains(&format!(
        "\"govsite_version\": \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
}

/// A way to hide a change from `git status`, and the difference provenance must report.
type Trick<'a> = (&'a str, &'a dyn Fn(&Scratch), &'a str);

#[test]
fn provenance_sees_changes_that_git_status_is_told_to_hide() {
    let cases: [Trick; 5] = [
        (
            "assume-unchanged",
            &|site| {
                git(
                    &site.content(),
                    &["update-index", "--assume-unchanged", "controls/CTL-OK.md"],
                );
                site.write(
                    "controls/CTL-OK.md",
                    "---\ntitle: Other\nowner: dana\n---\n",
                );
            },
            "controls/CTL-OK.md: changed since the commit",
        ),
        (
            "skip-worktree",
            &|site| {
                git(
                    &site.content(),
                    &["update-index", "--skip-worktree", "people.yaml"],
                );
                site.write("people.yaml", "- id: dana\n  name: Dana Changed\n");
            },
            "people.yaml: changed since the commit",
        ),
        (
            "info/exclude",
            &|site| {
                std::fs::write(site.content().join(".git/info/exclude"), "CTL-NEW.md\n").unwrap();
                site.write("controls/CTL-NEW.md", "---\ntitle: New\nowner: dana\n---\n");
            },
            "controls/CTL-NEW.md: not in the commit",
        ),
        (
            ".gitignore",
            &|site| {
                site.write(".gitignore", "evidence/\n");
                site.write("evidence/log.txt", "uncommitted evidence");
                site.write(
                    "controls/CTL-OK.md",
                    "---\ntitle: A valid control\nowner: dana\nevidence: [log.txt]\n---\nBody.\n",
                );
                git(
                    &site.content(),
                    &["add", ".gitignore", "controls/CTL-OK.md"],
                );
                git(&site.content(), &["commit", "-q", "-m", "evidence ignored"]);
            },
            "evidence/log.txt: not in the commit",
        ),
        (
            "deleted",
            &|site| {
                git(
                    &site.content(),
                    &["update-index", "--assume-unchanged", "controls/CTL-OK.md"],
                );
                std::fs::remove_file(site.content().join("controls/CTL-OK.md")).unwrap();
            },
            "controls/CTL-OK.md: in the commit but not read (deleted?)",
        ),
    ];
    for (trick, apply, expected) in cases {
        let site = committed();
        apply(&site);
        let (json, footer) = provenance(&site);
        assert!(
            footer.ends_with(" with uncommitted changes"),
            "{trick}: {footer}"
        );
        assert!(json.contains("\"dirty\": true"), "{trick}: {json}");
        assert!(json.contains(&format!("\"{expected}\"")), "{trick}: {json}");
    }
}

// ---------------------------------------------------------------------------------------
// Bounded work per file, and text that cannot drive the terminal

#[test]
fn a_megabyte_of_nested_html_is_refused_with_its_position_not_sanitised_for_minutes() {
    let site = Scratch::new();
    let body = "<div>".repeat(200_000);
    site.write(
        "controls/CTL-DEEP.md",
        format!("---\ntitle: Deep\nowner: dana\n---\nIntro.\n\n{body}\n"),
    );
    // The hang guard fails this test if the sanitiser is reached (it took 200 s).
    let run = site.check();
    assert_eq!(
        run.stderr,
        "content/controls/CTL-DEEP.md:7:1: error: the body nests HTML more than 100 elements deep from here: flatten the HTML, or write it as Markdown\n1 error, 0 warnings\n"
    );
    assert_eq!(run.code, 1);
}

#[test]
fn validation_errors_are_capped_at_a_hundred_per_file() {
    let site = Scratch::new();
    let origins = vec!["design"; 10_000].join(", ");
    site.write("controls/CTL-X.md", "---\ntitle: X\nowner: dana\n---\n");
    site.write(
        "incidents/INC-1.md",
        format!("---\ncontrol: CTL-X\ndate: 2026-01-01\norigin: [{origins}]\n---\n"),
    );
    let run = site.check();
    let printed = lines(&run.stderr);
    let of_file = printed
        .iter()
        .filter(|l| l.starts_with("content/incidents/INC-1.md:"))
        .count();
    assert_eq!(
        of_file,
        101,
        "{}",
        &run.stderr[..run.stderr.len().min(2000)]
    );
    assert!(
        printed[100].contains(" more problems in this file not shown (at most 100 are): fix these and check again to see the rest"),
        "{}",
        printed[100]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn control_characters_in_content_are_printed_escaped() {
    let site = Scratch::new();
    // OSC 52 (write the clipboard), a carriage return that hides the line, a forged
    // diagnostic, BEL, a C1 CSI and a right-to-left override.
    site.write(
        "controls/CTL-X.md",
        "---\ntitle: X\nowner: \"dana\\e]52;c;ZXZpbA==\\a\\rcontent/ok.md:1:1: note: fine\\u009b2J\\u202e\"\n---\n",
    );
    let run = site.check();
    for raw in ['\u{1b}', '\u{7}', '\r', '\u{9b}', '\u{202e}'] {
        assert!(
            !run.stderr.contains(raw),
            "{raw:?} printed raw: {:?}",
            run.stderr
        );
    }
    assert!(
        run.stderr.starts_with("content/controls/CTL-X.md:3:8: error: unknown person `dana\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{d}content/ok.md:1:1: note: fine\\u{9b}2J\\u{202e}`"),
        "{}",
        run.stderr
    );
}

#[test]
fn private_use_characters_in_the_site_title_reach_every_page_title_intact() {
    let site = Scratch::new();
    // govsite marks the places of its tables with private-use characters; a title holding
    // them stays itself.
    let title = "Acme \u{E001}\u{E002} \u{E000}\u{E003} \u{E001}\u{E003} \u{E004}";
    site.write("site.yaml", format!("title: \"{title}\"\n"));
    let out = site.root().join("public");
    let run = site.build(&out, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shown = title.replace('\u{E000}', "&#xE000;");
    for (page, html) in pages(&out) {
        let Some(start) = html.find("<title>") else {
            continue;
        };
        let end = html[start..].find("</title>").unwrap() + start;
        let page_title = &html[start + 7..end];
        assert!(page_title.ends_with(&shown), "{page}: {page_title:?}");
        // Every page that draws the masthead names the site in it, whole.
        if let Some((_, rest)) = html.split_once(r#"class="brand""#) {
            let brand = rest
                .split_once("</span> ")
                .and_then(|(_, r)| r.split_once("</a>"));
            assert_eq!(
                brand.map(|(b, _)| b),
                Some(shown.as_str()),
                "{page}: the masthead"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------
// Everything at once

#[test]
fn a_hostile_mix_reports_every_problem_in_one_run() {
    let site = Scratch::new();
    let controls = site.content().join("controls");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(FIXTURES)
            .join("alias_bomb/controls/CTL-BOMB.md"),
        controls.join("CTL-BOMB.md"),
    )
    .unwrap();
    site.write("controls/CTL-DEEP.md", nested_flow(2_000));
    site.write(
        "controls/CTL-BIG.md",
        format!("---\ntitle: Big\nowner: dana\n---\n{}", "x".repeat(2 << 20)),
    );
    site.write(
        "controls/CTL-ID.md",
        "---\nid: ../x\ntitle: T\nowner: dana\n---\n",
    );
    site.write(
        "controls/ctl-ok.md",
        "---\ntitle: Same id as CTL-OK\nowner: dana\n---\n",
    );
    site.write(
        "controls/CTL-GHOST.md",
        "---\ntitle: T\nowner: ghost\nownr: x\n---\n",
    );
    site.write("controls/a b.md", "---\ntitle: T\nowner: dana\n---\n");
    symlink("loop.md", controls.join("loop.md"));
    symlink("/etc/passwd", controls.join("CTL-PASSWD.md"));
    site.write(
        "processes/p-latin1.md",
        b"---\ntitle: caf\xe9\nowner: dana\n---\n",
    );
    site.write(
        "exceptions/EXC-1.md",
        "---\ncontrol: CTL-OK\napproved_by: dana\ngranted: 2026-02-30\n---\n",
    );
    site.write("incidents/INC-1.md", "no front matter\n");
    site.write("incidents/INC-2.md", "");
    site.write("incidents/INC-3.md", "---\ntitle: never closed\n");
    std::fs::create_dir_all(site.content().join("teams.yaml")).unwrap();

    let run = site.check();
    assert_eq!(
        lines(&run.stderr),
        [
            "content/controls/CTL-BIG.md:1:1: error: the file is larger than 1024 KiB: split it, or move attachments out of the record",
            &format!("content/controls/CTL-BOMB.md:2:1: error: {ALIAS_BOMB}"),
            &format!("content/controls/CTL-DEEP.md:2:108: error: {TOO_DEEP}"),
            "content/controls/CTL-GHOST.md:3:8: error: unknown person `ghost`: add them to people.yaml, or fix the id",
            "content/controls/CTL-GHOST.md:4:1: error: unknown field `ownr`: did you mean `owner`?",
            "content/controls/CTL-ID.md:2:5: error: `id: ../x` does not match the file name `CTL-ID`: remove the `id:` line or rename the file",
            &format!("content/controls/CTL-PASSWD.md:1:1: warning: {NOT_FOLLOWED}"),
            &format!("content/controls/a b.md:1:1: error: file name: invalid id `a b`: {BAD_ID}"),
            "content/controls/ctl-ok.md:1:1: error: duplicate control id `ctl-ok`: content/controls/CTL-OK.md has the same id (ids are compared ignoring case, since they become file names); rename one file",
            &format!("content/controls/loop.md:1:1: warning: {NOT_FOLLOWED}"),
            "content/exceptions/EXC-1.md:4:10: error: `granted`: invalid date `2026-02-30`: there is no day 30 in 2026-02",
            "content/incidents/INC-1.md:1:1: error: no front matter: a record must start with a `---` line, then YAML fields, then `---`",
            "content/incidents/INC-2.md:1:1: error: the file is empty: a record starts with YAML front matter between `---` lines",
            "content/incidents/INC-3.md:1:1: error: front matter is not closed: add a `---` line after the YAML fields",
            "content/processes/p-latin1.md:2:11: error: the file is not valid UTF-8: save it with UTF-8 encoding",
            "content/teams.yaml:1:1: error: not a regular file: replace it with a YAML file (or remove it)",
            "14 errors, 2 warnings",
        ]
    );
    // The results are on stdout, the count alone on stderr.
    assert_eq!(run.stdout.lines().count(), 16);
    assert_eq!(run.code, 1);
}
