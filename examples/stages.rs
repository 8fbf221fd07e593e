//! Times each stage of a build on a content directory, with the lib API `govsite build` uses.
//!
//! ```text
//! cargo run --release --example stages -- CONTENT OUT
//! ```
//!
//! Prints one line per stage (wall time, and the process's peak RSS after it, from
//! `/proc/self/status`), then a `STAGES key=value ...` line that `scripts/bench` parses.
//! The stages are those of `site::check` and `site::build`:
//!
//! | stage      | call                                                             |
//! |------------|------------------------------------------------------------------|
//! | load       | `load::load` (walk, read, parse front matter, Markdown -> HTML)  |
//! | validate   | `validate::validate` + diagnostics sort                          |
//! | provenance | `Provenance::of_content` (runs git)                              |
//! | metrics    | `metrics::compute`                                               |
//! | templates  | `Renderer::new(&[])` (compiles the Tera templates)              |
//! | charts     | `charts::site_charts` (the site-wide SVG charts)                 |
//! | index      | `views::Index::new`                                              |
//! | render_write | `govsite::pages::render_site` into an `output::SiteWriter`: every page,  |
//! |            | per-control chart and export, each written and hashed as it is   |
//! |            | rendered, into a staging folder beside OUT                       |
//! | finish     | `SiteWriter::finish`: marker, `SHA256SUMS`, swap into OUT        |
//!
//! `render` includes the per-control charts; with `--control-charts` they are also timed on
//! their own first (`control_charts`, not part of the total), to show their share. Likewise
//! `--oscal` times the OSCAL POA&M (`oscal::write_poam` into memory, `oscal`).
//! `--heap` also prints, after each stage, the bytes allocated and not yet freed and the most
//! there were during the stage (counting costs a little time; the timings are then rougher).

use std::alloc::{GlobalAlloc, Layout};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::Instant;

use govsite::metrics::Metrics;
use govsite::output;
use govsite::provenance::Provenance;
use govsite::render::Renderer;
use govsite::{charts, diagnostics, load, metrics, validate, views};

/// The allocator the `govsite` binary uses, so the figures match a real build; with
/// `--heap` it also counts the bytes allocated and not yet freed.
#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// mimalloc, counting live bytes (and their peak since the last stage) when `COUNT` is set.
struct Counting;

static COUNT: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

impl Counting {
    fn add(bytes: isize) {
        if COUNT.load(Ordering::Relaxed) {
            let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
    }
}

// SAFETY: every call is passed to mimalloc unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        Counting::add(layout.size() as isize);
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        Counting::add(layout.size() as isize);
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        Counting::add(-(layout.size() as isize));
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        Counting::add(new_size as isize - layout.size() as isize);
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let control_charts = take_flag(&mut args, "--control-charts");
    let oscal = take_flag(&mut args, "--oscal");
    COUNT.store(take_flag(&mut args, "--heap"), Ordering::Relaxed);
    let [content, out] = args.as_slice() else {
        eprintln!("usage: stages [--control-charts] [--oscal] [--heap] CONTENT OUT");
        std::process::exit(2);
    };
    let (content, out) = (PathBuf::from(content), PathBuf::from(out));
    let mut timer = Timer::new();

    let model = load_valid(&content, &mut timer)?;
    let as_of = model
        .site
        .as_of
        .unwrap_or_else(govsite::model::Day::today_utc);
    let settings = govsite::provenance::BuildSettings::of(&model, as_of);
    let provenance = Provenance::of_content(&content, &model, settings);
    timer.lap("provenance");
    let metrics = metrics::compute(&model, as_of);
    timer.lap("metrics");
    let renderer = Renderer::new(&[])?;
    timer.lap("templates");
    let site_charts = charts::site_charts(&metrics)?;
    timer.lap("charts");
    if control_charts {
        let started = Instant::now();
        let count = draw_control_charts(&metrics)?;
        let seconds = started.elapsed().as_secs_f64();
        timer.extra(
            "control_charts",
            seconds,
            &format!("{count} charts, single thread, not in the total"),
        );
    }
    if oscal {
        let started = Instant::now();
        let memory = output::Memory::default();
        govsite::oscal::write_poam(&model, &metrics, &memory)?;
        let seconds = started.elapsed().as_secs_f64();
        let files = memory.into_sealed();
        let poam = files.iter().find(|f| f.path == govsite::oscal::POAM);
        let bytes = poam.map_or(0, |f| f.bytes.len());
        timer.extra(
            "oscal",
            seconds,
            &format!("{bytes} bytes, one thread, not in the total"),
        );
    }
    let index = views::Index::new(&model, &metrics, &provenance, None);
    timer.lap("index");
    let writer = output::SiteWriter::create(&out, &content)?;
    govsite::pages::render_site(&renderer, &index, &site_charts, &writer)?;
    timer.lap("render_write");
    writer.finish()?;
    timer.lap("finish");
    report(&out, &timer)
}

/// Loads and validates `content` (the `load` and `validate` stages); fails on any error.
fn load_valid(content: &Path, timer: &mut Timer) -> anyhow::Result<govsite::model::Model> {
    let loaded = load::load(content)?;
    timer.lap("load");
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(validate::validate(&loaded.model));
    diagnostics::sort(&mut diagnostics);
    timer.lap("validate");
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    if errors > 0 {
        anyhow::bail!(
            "{errors} errors in {}: run `govsite check`",
            content.display()
        );
    }
    Ok(loaded.model)
}

/// Prints the total, the output's size, the largest files and the `STAGES` line.
fn report(out: &Path, timer: &Timer) -> anyhow::Result<()> {
    let files = written_files(out)?;
    let pages = files.iter().filter(|f| f.0.ends_with(".html")).count();
    let bytes: usize = files.iter().map(|f| f.1).sum();
    let total = timer.total();
    println!(
        "{:<15} {:>9.3} s   peak RSS {:>7.1} MB",
        "total",
        total,
        peak_rss_mb()
    );
    println!(
        "{} pages, {} files, {:.1} MB; {:.0} pages/s",
        pages,
        files.len(),
        bytes as f64 / 1e6,
        pages as f64 / total
    );
    largest_files(&files);
    let mut line = format!("STAGES pages={pages} files={} bytes={bytes}", files.len());
    for (name, seconds) in &timer.laps {
        line.push_str(&format!(" {name}={seconds:.4}"));
    }
    line.push_str(&format!(
        " total={total:.4} peak_rss_mb={:.1}",
        peak_rss_mb()
    ));
    println!("{line}");
    Ok(())
}

fn take_flag(args: &mut Vec<String>, flag: &str) -> bool {
    let before = args.len();
    args.retain(|arg| arg != flag);
    args.len() != before
}

/// The per-control charts as `render_site` draws them: failures per month and origin over
/// the trend.
fn draw_control_charts(metrics: &Metrics) -> anyhow::Result<usize> {
    for control in &metrics.controls {
        charts::control_chart(
            &control.id,
            &metrics.monthly,
            &control.monthly_failures,
            &control.monthly_by_origin,
        )?;
    }
    Ok(metrics.controls.len())
}

/// Every file of the written site: its path under `out` and its size.
fn written_files(out: &Path) -> anyhow::Result<Vec<(String, usize)>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(out) {
        let entry = entry?;
        if entry.file_type().is_file() {
            let path = entry
                .path()
                .strip_prefix(out)?
                .to_string_lossy()
                .into_owned();
            files.push((path, entry.metadata()?.len() as usize));
        }
    }
    Ok(files)
}

/// Sizes by top-level folder, to see where the bytes go.
fn largest_files(files: &[(String, usize)]) {
    let mut by_folder: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (path, size) in files {
        let folder = path.split_once('/').map_or("(root)", |(f, _)| f);
        let entry = by_folder.entry(folder).or_default();
        entry.0 += 1;
        entry.1 += size;
    }
    for (folder, (count, bytes)) in by_folder {
        println!(
            "  {folder:<12} {count:>8} files {:>9.1} MB  {:>7.1} KB/file",
            bytes as f64 / 1e6,
            bytes as f64 / 1e3 / count as f64
        );
    }
}

struct Timer {
    last: Instant,
    laps: Vec<(&'static str, f64)>,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, name: &'static str) {
        let seconds = self.last.elapsed().as_secs_f64();
        let heap = if COUNT.load(Ordering::Relaxed) {
            let live = LIVE.load(Ordering::Relaxed);
            let peak = PEAK.swap(live, Ordering::Relaxed);
            format!(
                "   heap: {:>7.1} MB live after, {:>7.1} MB at most during",
                live as f64 / 1e6,
                peak as f64 / 1e6
            )
        } else {
            String::new()
        };
        println!(
            "{name:<15} {seconds:>9.3} s   peak RSS {:>7.1} MB{heap}",
            peak_rss_mb()
        );
        self.laps.push((name, seconds));
        self.last = Instant::now();
    }

    /// A measurement outside the pipeline: printed, not added to the total.
    fn extra(&mut self, name: &'static str, seconds: f64, note: &str) {
        println!("{name:<15} {seconds:>9.3} s   ({note})");
        self.last = Instant::now();
    }

    fn total(&self) -> f64 {
        self.laps.iter().map(|(_, s)| s).sum()
    }
}

/// The process's peak resident set size so far (VmHWM), in MB; 0 where /proc is missing.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
