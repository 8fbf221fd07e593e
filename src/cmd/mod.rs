//! One thin module per subcommand; the work happens in the pipeline (`site.rs`).

pub mod build;
pub mod check;
pub mod completions;
pub mod import;
pub mod init;
pub mod package;
pub mod schema;
pub mod serve;
pub mod verify;

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::diagnostics::{self, terminal_safe, Diagnostic};

/// How much to print, and whether stderr is a terminal that gets snippets and colour.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ui {
    pub quiet: bool,
    pub verbose: bool,
    /// Show the source line with a caret under each problem (on a terminal).
    pub snippets: bool,
    /// Colour the output (on a terminal, unless `NO_COLOR` is set).
    pub color: bool,
}

/// Says loudly that the compared build used other settings: its figures are not comparable.
fn warn_changed_settings(ui: Ui, changed: &[String]) {
    if !changed.is_empty() {
        ui.warn(&format!(
            "the build given to --compare used other settings, so its figures are not comparable \
             (the pages say so too): {}",
            changed.join(", ")
        ));
    }
}

impl Ui {
    pub fn new(quiet: bool, verbose: bool) -> Ui {
        let terminal = std::io::stderr().is_terminal();
        Ui {
            quiet,
            verbose,
            snippets: terminal,
            color: terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    /// A progress or success message; `--quiet` hides it.
    pub fn info(&self, message: &str) {
        if !self.quiet {
            eprintln!("{}", terminal_safe(message));
        }
    }

    /// A warning that is not about one content file; shown even with `--quiet`.
    pub fn warn(&self, message: &str) {
        eprintln!("warning: {}", terminal_safe(message));
    }

    /// Detail for `--verbose`, such as stage timings.
    pub fn detail(&self, message: &str) {
        if self.verbose {
            eprintln!("{}", terminal_safe(message));
        }
    }

    /// Prints diagnostics and their count to stderr, the way compilers do: one line each when
    /// piped (for tools and CI logs), with the source line and a caret on a terminal.
    /// `--quiet` leaves out warnings.
    pub fn diagnostics(&self, diagnostics: &[Diagnostic]) {
        let stderr = std::io::stderr();
        let mut out = stderr.lock();
        let shown = self.write_diagnostics(&mut out, diagnostics, *self);
        if shown > 0 {
            let _ = writeln!(out, "{}", diagnostics::summary(diagnostics));
        }
    }

    /// The same for `govsite check`: the diagnostics to stdout (snippets when stdout is a
    /// terminal), their count to stderr.
    pub fn diagnostics_to_stdout(&self, diagnostics: &[Diagnostic]) {
        let terminal = std::io::stdout().is_terminal();
        let style = Ui {
            snippets: terminal,
            color: terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            ..*self
        };
        let shown = self.write_diagnostics(&mut std::io::stdout().lock(), diagnostics, style);
        if shown > 0 {
            eprintln!("{}", diagnostics::summary(diagnostics));
        }
    }

    /// Writes the diagnostics `--quiet` leaves (errors only) to `out`, one line each or as
    /// snippets as `style` says; returns how many.
    fn write_diagnostics(
        &self,
        out: &mut dyn Write,
        diagnostics: &[Diagnostic],
        style: Ui,
    ) -> usize {
        let shown: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.is_error() || !self.quiet)
            .collect();
        let mut sources: HashMap<PathBuf, String> = HashMap::new();
        for diagnostic in &shown {
            if style.snippets {
                let source = sources.entry(diagnostic.path.clone()).or_insert_with(|| {
                    std::fs::read_to_string(&diagnostic.path).unwrap_or_default()
                });
                let _ = writeln!(
                    out,
                    "{}\n",
                    diagnostics::render_snippet(diagnostic, source, style.color)
                );
            } else {
                let _ = writeln!(out, "{diagnostic}");
            }
        }
        shown.len()
    }
}

/// A spinner on the terminal for work that takes more than a second; silent when stderr is
/// not a terminal or with `--quiet`. Stops when dropped.
pub struct Progress {
    done: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub fn start(ui: Ui, message: &str) -> Progress {
        use std::sync::atomic::{AtomicBool, Ordering};
        let done = std::sync::Arc::new(AtomicBool::new(false));
        let thread = (ui.snippets && !ui.quiet).then(|| {
            let (done, message) = (std::sync::Arc::clone(&done), message.to_string());
            std::thread::spawn(move || {
                let quiet_period = std::time::Instant::now() + std::time::Duration::from_secs(1);
                while std::time::Instant::now() < quiet_period {
                    if done.load(Ordering::SeqCst) {
                        return;
                    }
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                let spinner = indicatif::ProgressBar::new_spinner().with_message(message);
                spinner.enable_steady_tick(std::time::Duration::from_millis(100));
                while !done.load(Ordering::SeqCst) {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                spinner.finish_and_clear();
            })
        });
        Progress { done, thread }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
