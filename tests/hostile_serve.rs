//! `govsite serve` on a machine shared with other users and in a browser that visits hostile
//! pages: it builds in a private folder and removes it, never follows links, answers only
//! requests for localhost, keeps its port, and does not wait forever on a client.
#![cfg(unix)]

#[path = "common/local.rs"]
mod local;
use local::{free_port, wait_for, PATIENCE};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Writes a one-control content folder whose control page shows `title`.
fn content(dir: &Path, title: &str) -> PathBuf {
    let content = dir.join("content");
    std::fs::create_dir_all(content.join("controls")).unwrap();
    std::fs::write(
        content.join("people.yaml"),
        "- id: dana\n  name: Dana Okafor\n",
    )
    .unwrap();
    std::fs::write(
        content.join("controls/CTL-A.md"),
        format!("---\ntitle: {title}\nowner: dana\n---\nBody.\n"),
    )
    .unwrap();
    content
}

/// A running `govsite serve`, its stderr collected; stopped when the test ends.
struct Server {
    child: Child,
    port: u16,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `serve` on `content` with `tmp` as its temporary folder, and waits until it
    /// answers.
    fn start(content: &Path, tmp: &Path, port: u16) -> Server {
        let server = Server::spawn(content, tmp, port);
        wait_for("the server", || {
            get(port, "/").is_some_and(|(status, _, _)| status == 200)
        });
        server
    }

    fn spawn(content: &Path, tmp: &Path, port: u16) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_govsite"))
            .env("TMPDIR", tmp)
            .args([
                "serve",
                "--as-of",
                "2026-11-01",
                "--port",
                &port.to_string(),
            ])
            .arg("--content")
            .arg(content)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let (pipe, collected) = (child.stderr.take().unwrap(), Arc::clone(&stderr));
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut collected = collected.lock().unwrap();
                collected.push_str(&line);
                collected.push('\n');
            }
        });
        Server {
            child,
            port,
            stderr,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// The folder the site is served from, as `serve` reports it ("site in ...;").
    fn site(&self) -> PathBuf {
        let mut site = None;
        wait_for("the site folder in the output", || {
            site = self
                .stderr()
                .split_once("site in ")
                .and_then(|(_, rest)| rest.split_once("; "))
                .map(|(path, _)| PathBuf::from(path));
            site.is_some()
        });
        site.unwrap()
    }

    /// Sends `signal` (a name for kill(1)) and waits for the exit.
    fn stop(&mut self, signal: &str) -> ExitStatus {
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let mut status = None;
        wait_for("the server to exit", || {
            status = self.child.try_wait().unwrap();
            status.is_some()
        });
        status.unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `head` as it is and returns the status, the response head and the body.
fn request(port: u16, head: &str) -> Option<(u16, String, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    stream.write_all(head.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    Some((status, head.to_string(), body.to_string()))
}

/// A GET for `path` as a browser sends it to http://localhost:PORT/.
fn get(port: u16, path: &str) -> Option<(u16, String, String)> {
    request(
        port,
        &format!("GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n"),
    )
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn serve_builds_in_a_private_folder_and_removes_it_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let port = free_port();
    let mut server = Server::start(&content(dir.path(), "Private"), &tmp, port);
    let site = server.site();
    let folder = site.parent().unwrap().to_path_buf();
    assert!(folder.starts_with(&tmp), "{}", folder.display());
    assert_ne!(folder, tmp.join(format!("govsite-serve-{port}")));
    assert_eq!(mode(&folder), 0o700, "{}", folder.display());
    assert!(site.join("controls/CTL-A.html").is_file());

    let status = server.stop("INT");
    assert_eq!(status.code(), Some(130), "{}", server.stderr());
    assert!(!folder.exists(), "{} is left", folder.display());
    let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
    assert!(left.is_empty(), "left in the temporary folder: {left:?}");
}

#[test]
fn serve_removes_its_folder_on_sigterm_too() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let mut server = Server::start(&content(dir.path(), "Terminated"), &tmp, free_port());
    let folder = server.site().parent().unwrap().to_path_buf();
    assert!(folder.is_dir());
    assert_eq!(server.stop("TERM").code(), Some(130));
    assert!(!folder.exists(), "{} is left", folder.display());
}

#[test]
fn a_folder_planted_at_the_old_predictable_path_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path().join("tmp");
    let planted = dir.path().join("planted");
    std::fs::create_dir(&tmp).unwrap();
    std::fs::create_dir(&planted).unwrap();
    std::fs::write(planted.join("mine.txt"), "another user's file").unwrap();
    // The marker of a govsite build: the old `serve` took the folder for its own.
    std::fs::write(planted.join(".govsite"), "").unwrap();
    let port = free_port();
    let link = tmp.join(format!("govsite-serve-{port}"));
    std::os::unix::fs::symlink(&planted, &link).unwrap();

    let mut server = Server::start(&content(dir.path(), "Planted"), &tmp, port);
    let untouched = |when: &str| {
        assert!(
            std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()),
            "the planted link is gone {when}"
        );
        assert_eq!(std::fs::read_link(&link).unwrap(), planted);
        let mut names: Vec<_> = std::fs::read_dir(&planted)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [".govsite", "mine.txt"],
            "written into the planted folder {when}"
        );
    };
    untouched("while serving");
    let site = server.site();
    assert!(!site.starts_with(&link) && !site.starts_with(&planted));
    server.stop("INT");
    untouched("after the exit");
}

#[test]
fn symlinks_inside_the_site_are_not_served() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "top secret").unwrap();
    let outside = dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "top secret").unwrap();
    let server = Server::start(&content(dir.path(), "Links"), dir.path(), free_port());
    let site = server.site();
    // Root can write into the private folder: as if a link got into the built site.
    std::fs::write(site.join("plain.txt"), "plain").unwrap();
    std::os::unix::fs::symlink(&secret, site.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, site.join("leak.html")).unwrap();
    std::os::unix::fs::symlink(&outside, site.join("linked")).unwrap();

    let (status, _, body) = get(server.port, "/plain.txt").unwrap();
    assert_eq!((status, body.as_str()), (200, "plain"));
    for path in ["/leak.txt", "/leak.html", "/linked/secret.txt", "/linked/"] {
        let (status, _, body) = get(server.port, path).unwrap();
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("top secret"), "{path}: {body}");
    }
}

#[test]
fn only_requests_for_localhost_are_answered() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _server = Server::start(&content(dir.path(), "Rebinding"), dir.path(), port);
    let page = "/controls/CTL-A.html";
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
    ] {
        let (status, head, body) = request(
            port,
            &format!("GET {page} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        )
        .unwrap();
        assert!(status == 421 || status == 403, "{host}: {status}");
        assert!(head.contains("X-Content-Type-Options: nosniff"), "{head}");
        assert!(
            !body.contains("Rebinding") && body.contains("localhost"),
            "{body}"
        );
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
    ] {
        let (status, head, body) = request(
            port,
            &format!("GET {page} HTTP/1.1\r\nHost: {host}\r\n\r\n"),
        )
        .unwrap();
        assert_eq!(status, 200, "{host}");
        assert!(head.contains("X-Content-Type-Options: nosniff"), "{head}");
        assert!(
            head.contains("Content-Type: text/html; charset=utf-8"),
            "{head}"
        );
        assert!(body.contains("Rebinding"), "{host}");
    }
    let (status, _, _) = request(port, &format!("GET {page} HTTP/1.1\r\n\r\n")).unwrap();
    assert_eq!(status, 400, "HTTP/1.1 without Host");
}

#[test]
fn a_second_serve_on_a_busy_port_fails_and_leaves_the_first_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (first_dir, second_dir) = (dir.path().join("first"), dir.path().join("second"));
    let port = free_port();
    let first = Server::start(&content(&first_dir, "First server"), dir.path(), port);

    let mut second = Server::spawn(&content(&second_dir, "Second server"), dir.path(), port);
    let mut status = None;
    wait_for("the second server to exit", || {
        status = second.child.try_wait().unwrap();
        status.is_some()
    });
    let stderr = {
        // Its stderr is complete once the pipe closes.
        std::thread::sleep(Duration::from_millis(200));
        second.stderr()
    };
    assert!(!status.unwrap().success(), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on 127.0.0.1:{port}")) && stderr.contains("--port"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("rebuilt"),
        "it built before binding: {stderr}"
    );

    let (status, _, page) = get(port, "/controls/CTL-A.html").unwrap();
    assert_eq!(status, 200);
    assert!(page.contains("First server") && !page.contains("Second server"));
    assert!(first.site().join("controls/CTL-A.html").is_file());
}

/// Whether the server has closed `stream`: a read sees the end, or an error other than
/// "nothing yet".
fn closed(stream: &mut TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    let closed = match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(error) => error.kind() != std::io::ErrorKind::WouldBlock,
    };
    stream.set_nonblocking(false).unwrap();
    closed
}

#[test]
fn idle_and_trickling_connections_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let _server = Server::start(&content(dir.path(), "Slow"), dir.path(), port);

    // One connection sends nothing; one sends a header line every 200 ms and never ends its
    // request (a read timeout alone would restart with every line).
    let mut silent = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut trickling = TcpStream::connect(("127.0.0.1", port)).unwrap();
    trickling.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let deadline = Instant::now() + PATIENCE;
    let (mut silent_closed, mut trickling_closed) = (false, false);
    while !(silent_closed && trickling_closed) {
        assert!(
            Instant::now() < deadline,
            "still open: silent {}, trickling {}",
            !silent_closed,
            !trickling_closed
        );
        std::thread::sleep(Duration::from_millis(200));
        silent_closed = silent_closed || closed(&mut silent);
        trickling_closed = trickling_closed
            || trickling.write_all(b"X-Slow: yes\r\n").is_err()
            || closed(&mut trickling);
    }
    // The workers they held answer again.
    for _ in 0..20 {
        let (status, _, _) = get(port, "/").unwrap();
        assert_eq!(status, 200);
    }
}
