//! `govsite serve`: build, serve the site on 127.0.0.1, rebuild when content or templates
//! change, and reload the browser. Content errors show in the terminal and as a page in the
//! browser instead of stopping the server.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{anyhow, Context};
use notify::{RecursiveMode, Watcher};

use crate::cmd::Ui;
use crate::model::Day;
use crate::site::{self, RenderOptions};

/// What `serve` needs to know.
pub struct ServeOptions {
    pub content: PathBuf,
    pub as_of: Option<Day>,
    pub templates: Option<PathBuf>,
    pub port: u16,
    pub open: bool,
}

/// The state shared by the builder and the request threads.
struct Live {
    /// Increases on every rebuild, finished or failed; the browser reloads when it changes.
    generation: AtomicU64,
    /// The diagnostics page shown while the content has errors.
    problems: Mutex<Option<String>>,
    out: PathBuf,
}

const LIVE_SCRIPT: &str = include_str!("../static/live.js");

/// Serves until the process is stopped (Ctrl+C).
pub fn serve(options: &ServeOptions, ui: Ui) -> anyhow::Result<()> {
    let out = std::env::temp_dir().join(format!("govsite-serve-{}", options.port));
    let live = Arc::new(Live {
        generation: AtomicU64::new(0),
        problems: Mutex::new(None),
        out,
    });
    rebuild(options, &live, ui);
    let address = format!("127.0.0.1:{}", options.port);
    let listener = TcpListener::bind(&address).map_err(|error| {
        anyhow!(
            "cannot listen on {address}: {error} (is another server using the port? try --port)"
        )
    })?;
    let accepting = Arc::clone(&live);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            // One thread per connection, closed after its one response, so a browser's idle
            // keep-alive connections can never hold up another request.
            let live = Arc::clone(&accepting);
            std::thread::spawn(move || handle(&live, stream));
        }
    });
    let url = format!("http://{address}/");
    ui.info(&format!(
        "serving {} at {url} (Ctrl+C to stop); watching for changes",
        options.content.display()
    ));
    if options.open {
        open_browser(&url);
    }
    watch(options, &live, ui)
}

/// Rebuilds the site; on content errors, prints them and keeps the previous site.
fn rebuild(options: &ServeOptions, live: &Live, ui: Ui) {
    let result = site::check(&options.content, options.as_of).and_then(|checked| {
        ui.diagnostics(&checked.diagnostics);
        if checked.has_errors() {
            return Ok(Some(problems_page(&checked.diagnostics)));
        }
        let render = RenderOptions {
            templates: options.templates.clone(),
            compare: None,
        };
        let built = site::build(&checked, &render, &options.content, &live.out)?;
        ui.info(&format!(
            "rebuilt {} files as of {}",
            built.files, checked.as_of
        ));
        Ok(None)
    });
    let problems = match result {
        Ok(problems) => problems,
        Err(error) => {
            eprintln!("error: {error:#}");
            Some(error_page(&format!("{error:#}")))
        }
    };
    if let Ok(mut slot) = live.problems.lock() {
        *slot = problems;
    }
    live.generation.fetch_add(1, Ordering::SeqCst);
}

/// Rebuilds after changes in the content or template folders, a burst of events at a time.
fn watch(options: &ServeOptions, live: &Live, ui: Ui) -> anyhow::Result<()> {
    let (sender, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| !e.kind.is_access()) {
            let _ = sender.send(());
        }
    })
    .context("starting the file watcher")?;
    watcher
        .watch(&options.content, RecursiveMode::Recursive)
        .with_context(|| format!("watching {}", options.content.display()))?;
    if let Some(templates) = &options.templates {
        watcher
            .watch(templates, RecursiveMode::Recursive)
            .with_context(|| format!("watching {}", templates.display()))?;
    }
    while events.recv().is_ok() {
        // Editors write several events per save: wait for quiet, then build once.
        while events.recv_timeout(Duration::from_millis(150)).is_ok() {}
        ui.info("change detected, rebuilding");
        rebuild(options, live, ui);
    }
    Ok(())
}

/// Reads one request from a connection, answers it and closes the connection.
fn handle(live: &Live, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
        if head.len() > 64 * 1024 {
            return;
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut request_line = head.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (request_line.next().unwrap_or(""), request_line.next());
    let response = match (method, target) {
        ("GET" | "HEAD", Some(target)) => respond(live, target),
        _ => text("only GET and HEAD are served".into(), "text/plain").with_status_code(405),
    };
    let _ = response.write_to(&mut stream, method == "HEAD");
}

fn respond(live: &Live, target: &str) -> Response {
    let url = target.split(['?', '#']).next().unwrap_or("/");
    match url {
        "/__govsite/generation" => text(
            live.generation.load(Ordering::SeqCst).to_string(),
            "text/plain",
        ),
        "/__govsite/live.js" => text(LIVE_SCRIPT.to_string(), "text/javascript"),
        _ => serve_file(live, url),
    }
}

/// A response, sent with caching off so a reload always shows the latest build.
struct Response {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Response {
    fn with_status_code(mut self, status: u16) -> Response {
        self.status = status;
        self
    }

    fn write_to(&self, stream: &mut TcpStream, head_only: bool) -> std::io::Result<()> {
        let reason = match self.status {
            200 => "OK",
            404 => "Not Found",
            _ => "Method Not Allowed",
        };
        write!(
            stream,
            "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nConnection: close\r\n\r\n",
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

fn text(body: String, content_type: &'static str) -> Response {
    with_headers(body.into_bytes(), content_type)
}

fn with_headers(body: Vec<u8>, content_type: &'static str) -> Response {
    Response {
        status: 200,
        content_type,
        body,
    }
}

fn serve_file(live: &Live, url: &str) -> Response {
    let Some(relative) = site_path(url) else {
        return text("not found".into(), "text/plain").with_status_code(404);
    };
    let html = relative.extension().is_none_or(|ext| ext == "html");
    if html {
        if let Some(page) = live.problems.lock().ok().and_then(|p| p.clone()) {
            return text(with_live_script(&page), "text/html; charset=utf-8");
        }
    }
    match std::fs::read(live.out.join(&relative)) {
        Ok(bytes) if html => text(
            with_live_script(&String::from_utf8_lossy(&bytes)),
            "text/html; charset=utf-8",
        ),
        Ok(bytes) => with_headers(bytes, content_type(&relative)),
        Err(_) => {
            text(format!("{url} is not part of the site"), "text/plain").with_status_code(404)
        }
    }
}

/// The file a URL path names inside the site, or `None` if it would leave it.
fn site_path(url: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url.trim_start_matches('/'))?;
    let mut path = PathBuf::from(if decoded.is_empty() {
        "index.html"
    } else {
        decoded.as_str()
    });
    if decoded.ends_with('/') {
        path.push("index.html");
    }
    path.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then_some(path)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok()
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("png") => "image/png",
        Some("pdf") => "application/pdf",
        Some("txt" | "md") | None => "text/plain; charset=utf-8",
        Some(_) => "application/octet-stream",
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

fn problems_page(diagnostics: &[crate::diagnostics::Diagnostic]) -> String {
    let items: String = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("<li><code>{}</code></li>", escape(&d.to_string())))
        .collect();
    page(&format!(
        "<h1>The content has errors</h1><p>Fix them and save: this page reloads by itself. \
         The last good build is kept on disk.</p><ul>{items}</ul>"
    ))
}

fn error_page(message: &str) -> String {
    page(&format!(
        "<h1>The build failed</h1><pre>{}</pre>",
        escape(message)
    ))
}

fn page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>govsite: problems</title>\
         <link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\
         <body><main class=\"wrap problems\" role=\"alert\">{body}</main></body></html>"
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not start a browser; open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_urls_to_site_files_and_refuses_escapes() {
        assert_eq!(site_path("/"), Some(PathBuf::from("index.html")));
        assert_eq!(
            site_path("/controls/CTL-A.html"),
            Some(PathBuf::from("controls/CTL-A.html"))
        );
        assert_eq!(
            site_path("/evidence/a%20b.txt"),
            Some(PathBuf::from("evidence/a b.txt"))
        );
        assert_eq!(site_path("/../etc/passwd"), None);
        assert_eq!(site_path("/%2e%2e/secret"), None);
        assert_eq!(site_path("/%zz"), None);
    }

    #[test]
    fn injects_the_reload_script_into_the_head() {
        let html = with_live_script("<html><head><title>x</title></head><body></body></html>");
        assert!(html.contains("<script src=\"/__govsite/live.js\" defer></script></head>"));
    }

    #[test]
    fn problem_pages_escape_diagnostics() {
        let diagnostic = crate::diagnostics::Diagnostic::error(
            Path::new("controls/<x>.md"),
            crate::spans::Pos::START,
            "unknown person `<script>`",
        );
        let page = problems_page(&[diagnostic]);
        assert!(page.contains("&lt;script&gt;") && !page.contains("<script>"));
    }
}
