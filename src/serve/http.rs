//! The HTTP side of `govsite serve`: a few worker threads answer one request per connection,
//! only for a loopback `Host`, and only with regular files inside the site folder.

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context;

use super::Live;

/// How many requests are answered at once; further connections wait in a queue, then in the
/// kernel's backlog, instead of each costing a thread.
const WORKERS: usize = 8;
/// How long a client has, in all, to send its request head: an idle or trickling connection
/// cannot hold a worker longer.
const REQUEST_TIME: Duration = Duration::from_secs(5);
/// How long each write of the response may wait for a client that does not read.
const WRITE_TIME: Duration = Duration::from_secs(5);
const MAX_HEAD: usize = 64 * 1024;

const LIVE_SCRIPT: &str = include_str!("../../static/live.js");

/// Starts the worker threads and the thread that accepts connections for them. Fails only if
/// not one thread can be started.
pub(super) fn start(listener: TcpListener, live: Arc<Live>) -> anyhow::Result<()> {
    let (sender, queue) = mpsc::sync_channel::<TcpStream>(WORKERS * 4);
    let queue = Arc::new(Mutex::new(queue));
    for n in 0..WORKERS {
        let (queue, live) = (Arc::clone(&queue), Arc::clone(&live));
        let spawned = std::thread::Builder::new()
            .name(format!("serve-{n}"))
            .spawn(move || work(&queue, &live));
        if let Err(error) = spawned {
            // Fewer workers answer more slowly; none cannot answer at all.
            if n == 0 {
                return Err(error).context("starting a thread to answer requests");
            }
            eprintln!("warning: answering requests on {n} threads: {error}");
            break;
        }
    }
    std::thread::Builder::new()
        .name("serve-accept".into())
        .spawn(move || accept(&listener, &sender))
        .context("starting the thread that accepts connections")?;
    Ok(())
}

fn accept(listener: &TcpListener, workers: &mpsc::SyncSender<TcpStream>) {
    for stream in listener.incoming() {
        match stream {
            Ok(stream) => {
                if workers.send(stream).is_err() {
                    return;
                }
            }
            // A client gone before it was accepted, or no file descriptor left: drop that one
            // connection, and do not spin while the descriptors are short.
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn work(queue: &Mutex<mpsc::Receiver<TcpStream>>, live: &Live) {
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match next {
            Ok(stream) => handle(live, stream),
            Err(_) => return,
        }
    }
}

/// Reads one request from a connection, answers it and closes the connection.
fn handle(live: &Live, mut stream: TcpStream) {
    if stream.set_write_timeout(Some(WRITE_TIME)).is_err() {
        return;
    }
    let Some(head) = read_head(&mut stream) else {
        return;
    };
    let head = String::from_utf8_lossy(&head);
    let request = Request::parse(&head);
    let response = answer(live, &request);
    let _ = response.write_to(&mut stream, request.method == "HEAD");
}

/// The request head, or `None` if the client closes, sends too much, or takes longer than
/// `REQUEST_TIME` in all (a read timeout alone restarts with every byte received).
fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let deadline = Instant::now() + REQUEST_TIME;
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let left = deadline.checked_duration_since(Instant::now())?;
        if left.is_zero() {
            return None;
        }
        stream.set_read_timeout(Some(left)).ok()?;
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return None,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
        if head.len() > MAX_HEAD {
            return None;
        }
    }
    Some(head)
}

/// What `serve` reads of a request head.
#[derive(Debug, PartialEq)]
struct Request<'a> {
    method: &'a str,
    target: Option<&'a str>,
    version: &'a str,
    /// Every `Host` header's value.
    hosts: Vec<&'a str>,
}

impl<'a> Request<'a> {
    fn parse(head: &'a str) -> Request<'a> {
        let mut lines = head.lines();
        let mut request_line = lines.next().unwrap_or("").split_whitespace();
        let (method, target) = (request_line.next().unwrap_or(""), request_line.next());
        let version = request_line.next().unwrap_or("");
        let hosts = lines
            .take_while(|line| !line.is_empty())
            .filter_map(|line| line.split_once(':'))
            .filter(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
            .map(|(_, value)| value.trim())
            .collect();
        Request {
            method,
            target,
            version,
            hosts,
        }
    }
}

fn answer(live: &Live, request: &Request) -> Response {
    if let Err(refusal) = check_host(request) {
        return refusal;
    }
    match (request.method, request.target) {
        ("GET" | "HEAD", Some(target)) => route(live, target),
        _ => Response::text(405, "only GET and HEAD are served"),
    }
}

/// Refuses a request not addressed to this computer by name. Any web page can make the
/// browser send requests to 127.0.0.1, and with DNS rebinding (its own name made to resolve
/// to 127.0.0.1) read the answers; such a request always carries that page's name in `Host`,
/// so a `Host` other than localhost, 127.0.0.1 or [::1] (with any port) is refused.
///
/// HTTP/1.1 requires a `Host` (RFC 9112, 3.2) and a request without one is refused; HTTP/1.0
/// does not, and since browsers always send one, a 1.0 request without it comes from a local
/// program, which could read the files anyway: it is answered.
fn check_host(request: &Request) -> Result<(), Response> {
    match request.hosts.as_slice() {
        [] if request.version == "HTTP/1.0" => Ok(()),
        [host] if is_loopback_host(host) => Ok(()),
        [_] => Err(Response::text(
            421,
            "govsite serve answers only requests for localhost, 127.0.0.1 or [::1]",
        )),
        _ => Err(Response::text(400, "a request needs one Host header")),
    }
}

/// Whether a `Host` value names the loopback address, with or without a port.
fn is_loopback_host(host: &str) -> bool {
    let name = match host.rsplit_once(':') {
        // In `[::1]` the colons are inside the brackets: there is no port.
        Some((_, port)) if port.ends_with(']') => host,
        Some((name, port)) => {
            let digits = !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit());
            if !digits || port.parse::<u16>().is_err() {
                return false;
            }
            name
        }
        None => host,
    };
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "[::1]"
}

fn route(live: &Live, target: &str) -> Response {
    let url = target.split(['?', '#']).next().unwrap_or("/");
    match url {
        "/__govsite/generation" => {
            Response::text(200, live.generation.load(Ordering::SeqCst).to_string())
        }
        "/__govsite/live.js" => Response::new(200, "text/javascript; charset=utf-8", LIVE_SCRIPT),
        _ => serve_file(live, url),
    }
}

fn serve_file(live: &Live, url: &str) -> Response {
    let not_found = || Response::text(404, format!("{url} is not part of the site"));
    let Some(relative) = site_path(url) else {
        return not_found();
    };
    let html = relative.extension().is_none_or(|ext| ext == "html");
    if html {
        if let Some(page) = live.problems.lock().ok().and_then(|p| p.clone()) {
            return Response::new(200, HTML, with_live_script(&page));
        }
    }
    let mut bytes = Vec::new();
    let read = open_in_site(&live.out, &relative).and_then(|mut f| f.read_to_end(&mut bytes));
    match read {
        Ok(_) if html => Response::new(
            200,
            HTML,
            with_live_script(&String::from_utf8_lossy(&bytes)),
        ),
        Ok(_) => Response::new(200, content_type(&relative), bytes),
        Err(_) => not_found(),
    }
}

const HTML: &str = "text/html; charset=utf-8";

/// The file a URL path names inside the site, or `None` if it would leave it: the path is
/// percent-decoded, must be UTF-8 without NUL, and may hold only plain names.
fn site_path(url: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(url.trim_start_matches('/'))
        .decode_utf8()
        .ok()?;
    if decoded.contains('\0') {
        return None;
    }
    let mut path = PathBuf::from(if decoded.is_empty() {
        "index.html"
    } else {
        &decoded
    });
    if decoded.ends_with('/') {
        path.push("index.html");
    }
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(path)
}

/// Opens `relative` inside `root` as a regular file, refusing a symlink anywhere on the way:
/// a link in the site could name any file the user can read.
fn open_in_site(root: &Path, relative: &Path) -> io::Result<File> {
    let refused = || io::Error::new(io::ErrorKind::NotFound, "not a plain file of the site");
    let mut path = root.to_path_buf();
    for component in relative.components() {
        path.push(component);
        if std::fs::symlink_metadata(&path)?.file_type().is_symlink() {
            return Err(refused());
        }
    }
    // Should the last name become a link after the check, opening it still fails.
    let file = open_no_follow(&path)?;
    if !file.metadata()?.is_file() {
        return Err(refused());
    }
    Ok(file)
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused as not a file).
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// The `Content-Type` of a site file other than a page; text is UTF-8, as govsite writes it.
fn content_type(path: &Path) -> String {
    match mime_guess::from_path(path).first() {
        Some(mime) if mime.type_() == mime_guess::mime::TEXT => {
            format!("{}; charset=utf-8", mime.essence_str())
        }
        Some(mime) => mime.essence_str().to_string(),
        None => "application/octet-stream".to_string(),
    }
}

/// Adds the reload script to a page served by `serve` (never to built files).
fn with_live_script(html: &str) -> String {
    let tag = "<script src=\"/__govsite/live.js\" defer></script>";
    match html.find("</head>") {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
        None => format!("{html}{tag}"),
    }
}

/// A response, sent with caching off so a reload always shows the latest build.
struct Response {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16, content_type: impl Into<String>, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            content_type: content_type.into(),
            body: body.into(),
        }
    }

    fn text(status: u16, body: impl Into<String>) -> Response {
        Response::new(status, "text/plain; charset=utf-8", body.into())
    }

    fn write_to(&self, stream: &mut TcpStream, head_only: bool) -> io::Result<()> {
        let reason = match self.status {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            421 => "Misdirected Request",
            _ => "",
        };
        write!(
            stream,
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n\
             Connection: close\r\n\r\n",
            self.status,
            self.content_type,
            self.body.len()
        )?;
        if !head_only {
            stream.write_all(&self.body)?;
        }
        stream.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_urls_to_site_files() {
        assert_eq!(site_path("/"), Some(PathBuf::from("index.html")));
        assert_eq!(
            site_path("/controls/"),
            Some(PathBuf::from("controls/index.html"))
        );
        assert_eq!(
            site_path("/controls/CTL-A.html"),
            Some(PathBuf::from("controls/CTL-A.html"))
        );
        assert_eq!(
            site_path("/evidence/a%20b.txt"),
            Some(PathBuf::from("evidence/a b.txt"))
        );
        assert_eq!(
            site_path("/people/%C3%A9.html"),
            Some(PathBuf::from("people/é.html"))
        );
    }

    #[test]
    fn refuses_urls_that_leave_the_site_or_are_not_names() {
        for url in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/secret",
            "/%2E%2E/secret",
            "/a/%2e%2e/%2e%2e/secret",
            "/..%2fsecret",
            "/%2fetc/passwd",
            "/./index.html",
            "/index.html%00.txt",
            "/%00",
            "/%ff.html",
            "/%c3",
        ] {
            assert_eq!(site_path(url), None, "{url}");
        }
    }

    #[test]
    fn answers_only_loopback_hosts() {
        for host in [
            "localhost",
            "LocalHost",
            "localhost:8000",
            "127.0.0.1",
            "127.0.0.1:8000",
            "[::1]",
            "[::1]:8000",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "localhost:",
            "localhost:+80",
            "localhost:99999",
            "127.0.0.2",
            "::1",
            "[::1]x",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn requires_a_host_except_from_http_1_0() {
        let status = |head: &str| check_host(&Request::parse(head)).err().map(|r| r.status);
        assert_eq!(status("GET / HTTP/1.0\r\n\r\n"), None);
        assert_eq!(status("GET / HTTP/1.1\r\nhost: localhost:1\r\n\r\n"), None);
        assert_eq!(status("GET / HTTP/1.1\r\n\r\n"), Some(400));
        assert_eq!(
            status("GET / HTTP/1.0\r\nHost: evil.example\r\n\r\n"),
            Some(421)
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n"),
            Some(400)
        );
    }

    #[test]
    fn types_files_by_extension() {
        assert_eq!(content_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("a.svg")), "image/svg+xml");
        assert_eq!(content_type(Path::new("a.csv")), "text/csv; charset=utf-8");
        assert_eq!(content_type(Path::new("a.zzz")), "application/octet-stream");
    }

    #[test]
    fn injects_the_reload_script_into_the_head() {
        let html = with_live_script("<html><head><title>x</title></head><body></body></html>");
        assert!(html.contains("<script src=\"/__govsite/live.js\" defer></script></head>"));
    }
}
