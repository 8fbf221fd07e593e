//! `govsite serve`: build, serve the site on 127.0.0.1, rebuild when content or templates
//! change, and reload the browser. Content errors show in the terminal and as a page in the
//! browser instead of stopping the server.
//!
//! The site is built into a private temporary folder (mode 0700, a fresh random name), which
//! is removed when `serve` ends, on Ctrl+C too. Only requests for localhost are answered.

mod http;

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use anyhow::{anyhow, Context};
use notify::{RecursiveMode, Watcher};
use tempfile::TempDir;

use crate::cmd::Ui;
use crate::model::Day;
use crate::render::escape_into;
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

/// The exit code after Ctrl+C (128 + SIGINT), as shells report it.
const INTERRUPTED: i32 = 130;

/// Serves until the process is stopped (Ctrl+C).
pub fn serve(options: &ServeOptions, ui: Ui) -> anyhow::Result<()> {
    // A content folder that is not there is the commonest mistake: said before anything else.
    crate::load::require_content_dir(&options.content)?;
    // The port next: a second `serve` on a busy port stops here, before it builds anything.
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, options.port));
    let listener = TcpListener::bind(address).map_err(|error| {
        anyhow!(
            "cannot listen on {address}: {error} (is another server using the port? try --port)"
        )
    })?;
    let address = listener.local_addr().unwrap_or(address);
    let folder = Arc::new(Folder::create()?);
    remove_on_signal(Arc::downgrade(&folder))?;
    let live = Arc::new(Live {
        generation: AtomicU64::new(0),
        problems: Mutex::new(None),
        out: folder.site.clone(),
    });
    // Watching before the first build: a save during it, or as soon as the first page is
    // served, is never missed.
    let (_watcher, batches) = start_watching(options)?;
    rebuild(options, &live, &folder, ui);
    http::start(listener, Arc::clone(&live))?;
    let url = format!("http://{address}/");
    ui.info(&format!(
        "serving {} at {url} (Ctrl+C to stop); site in {}; watching for changes",
        options.content.display(),
        folder.site.display()
    ));
    if options.open {
        open_browser(&url);
    }
    rebuild_on_change(&batches, options, &live, &folder, ui);
    Ok(())
}

/// The private temporary folder the site is built into (as `site`, with `site::build`'s
/// staging folder beside it, so inside it too). Removed when dropped.
struct Folder {
    /// Held while a build writes into the folder; `None` once it is removed.
    dir: Mutex<Option<TempDir>>,
    site: PathBuf,
}

impl Folder {
    fn create() -> anyhow::Result<Folder> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("govsite-serve-");
        // tempfile creates folders with the default mode (0777 less the umask).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder
            .tempdir()
            .context("creating a private temporary folder for the site")?;
        Ok(Folder {
            site: dir.path().join("site"),
            dir: Mutex::new(Some(dir)),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Option<TempDir>> {
        self.dir.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// On Ctrl+C (or SIGTERM, SIGHUP), removes the folder and exits. The folder's lock waits for
/// a build in progress to end, so no file is written after the folder is gone; the handler
/// holds only a `Weak`, so a `serve` that returns still drops (and removes) the folder.
fn remove_on_signal(folder: Weak<Folder>) -> anyhow::Result<()> {
    ctrlc::set_handler(move || {
        let folder = folder.upgrade();
        // The lock is held until the exit: no build may start after the removal.
        let _dir = folder.as_deref().map(|folder| {
            let mut dir = folder.lock();
            if let Some(dir) = dir.take() {
                let path = dir.path().to_path_buf();
                if let Err(error) = dir.close() {
                    eprintln!("error: removing {}: {error}", path.display());
                }
            }
            dir
        });
        std::process::exit(INTERRUPTED);
    })
    .context("setting up Ctrl+C to remove the site's temporary folder")
}

/// Rebuilds the site; on content errors, prints them and keeps the previous site.
fn rebuild(options: &ServeOptions, live: &Live, folder: &Folder, ui: Ui) {
    let dir = folder.lock();
    if dir.is_none() {
        return;
    }
    let result = site::check(&options.content, options.as_of).and_then(|checked| {
        ui.diagnostics(&checked.diagnostics);
        if checked.has_errors() {
            return Ok(Some(problems_page(&checked.diagnostics)));
        }
        let render = RenderOptions {
            templates: options.templates.clone(),
            ..RenderOptions::default()
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
    drop(dir);
}

/// The events of the content and template folders, a batch per burst (editors write several
/// events per save). The watcher stops when dropped.
type Watching = (
    notify_debouncer_mini::Debouncer<ChangesOnly>,
    mpsc::Receiver<notify_debouncer_mini::DebounceEventResult>,
);

fn start_watching(options: &ServeOptions) -> anyhow::Result<Watching> {
    let (sender, batches) = mpsc::channel();
    let config = notify_debouncer_mini::Config::default().with_timeout(Duration::from_millis(150));
    let mut debouncer = notify_debouncer_mini::new_debouncer_opt::<_, ChangesOnly>(config, sender)
        .context("starting the file watcher")?;
    for watched in std::iter::once(&options.content).chain(&options.templates) {
        debouncer
            .watcher()
            .watch(watched, RecursiveMode::Recursive)
            .with_context(|| format!("watching {}", watched.display()))?;
    }
    Ok((debouncer, batches))
}

/// Rebuilds after each batch of changes, until the watcher stops.
fn rebuild_on_change(
    batches: &mpsc::Receiver<notify_debouncer_mini::DebounceEventResult>,
    options: &ServeOptions,
    live: &Live,
    folder: &Folder,
    ui: Ui,
) {
    for batch in batches {
        match batch {
            Ok(_) => {
                ui.info("change detected, rebuilding");
                rebuild(options, live, folder, ui);
            }
            Err(error) => eprintln!("warning: watching for changes: {error}"),
        }
    }
}

/// The platform's watcher, passing on changes only: reading the content to build it must not
/// count as one (inotify reports every open), or each build would start the next.
struct ChangesOnly(notify::RecommendedWatcher);

impl Watcher for ChangesOnly {
    fn new<F: notify::EventHandler>(
        mut handler: F,
        config: notify::Config,
    ) -> notify::Result<ChangesOnly> {
        let changes = move |event: notify::Result<notify::Event>| {
            if !event.as_ref().is_ok_and(|e| e.kind.is_access()) {
                handler.handle_event(event);
            }
        };
        notify::RecommendedWatcher::new(changes, config).map(ChangesOnly)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn kind() -> notify::WatcherKind {
        notify::RecommendedWatcher::kind()
    }
}

fn problems_page(diagnostics: &[crate::diagnostics::Diagnostic]) -> String {
    let mut items = String::new();
    for diagnostic in diagnostics.iter().filter(|d| d.is_error()) {
        items.push_str("<li><code>");
        escape_into(&mut items, &diagnostic.to_string());
        items.push_str("</code></li>");
    }
    page(&format!(
        "<h1>The content has errors</h1><p>Fix them and save: this page reloads by itself. \
         The last good build is kept on disk.</p><ul>{items}</ul>"
    ))
}

fn error_page(message: &str) -> String {
    let mut body = String::from("<h1>The build failed</h1><pre>");
    escape_into(&mut body, message);
    body.push_str("</pre>");
    page(&body)
}

fn page(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>govsite: problems</title>\
         <link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\
         <body><main class=\"wrap problems\" role=\"alert\">{body}</main></body></html>"
    )
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
    fn problem_pages_escape_diagnostics() {
        let diagnostic = crate::diagnostics::Diagnostic::error(
            Path::new("controls/<x>.md"),
            crate::spans::Pos::START,
            "unknown person `<script>`",
        );
        let page = problems_page(&[diagnostic]);
        assert!(page.contains("&lt;script&gt;") && !page.contains("<script>"));
    }

    #[test]
    fn error_pages_escape_the_message() {
        let page = error_page("reading <b>&</b>");
        assert!(page.contains("<pre>reading &lt;b&gt;&amp;&lt;/b&gt;</pre>"));
    }

    #[cfg(unix)]
    #[test]
    fn the_site_folder_is_private_and_removed_when_dropped() {
        use std::os::unix::fs::PermissionsExt;
        let folder = Folder::create().unwrap();
        let dir = folder.site.parent().unwrap().to_path_buf();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        drop(folder);
        assert!(!dir.exists());
    }
}
