//! The pipeline behind every command: load -> validate -> metrics -> views -> render -> write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::charts;
use crate::compare;
use crate::diagnostics::{self, Diagnostic};
use crate::load;
use crate::metrics::{self, Metrics};
use crate::model::{Day, Model};
use crate::output::{self, OutputFile};
use crate::provenance::Provenance;
use crate::render::Renderer;
use crate::validate;
use crate::views;

/// Content that was read and checked, with every diagnostic in print order.
pub struct Checked {
    pub model: Model,
    /// How long each stage took (`load`, `validate`), for `--verbose` and the benchmark.
    pub timings: Vec<(&'static str, Duration)>,
    pub as_of: Day,
    pub provenance: Provenance,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Loads and validates a content directory. `as_of` from the command line wins over
/// `site.yaml`, which wins over today (UTC).
pub fn check(content_dir: &Path, as_of: Option<Day>) -> anyhow::Result<Checked> {
    let start = Instant::now();
    let loaded = load::load(content_dir)?;
    let loaded_at = Instant::now();
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(validate::validate(&loaded.model));
    let timings = vec![
        ("load", loaded_at - start),
        ("validate", loaded_at.elapsed()),
    ];
    diagnostics::sort(&mut diagnostics);
    let as_of = as_of
        .or(loaded.model.site.as_of)
        .unwrap_or_else(Day::today_utc);
    Ok(Checked {
        timings,
        model: loaded.model,
        as_of,
        provenance: Provenance::of_content(content_dir),
        diagnostics,
    })
}

/// Everything a build produces, in memory, before anything touches the disk.
pub struct Built {
    pub metrics: Metrics,
    pub files: Vec<OutputFile>,
    /// How long each stage took (`metrics`, `charts`, `render`, `write`).
    pub timings: Vec<(&'static str, Duration)>,
}

/// Choices that change what a build renders.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// A folder of templates overriding the built-in ones by name.
    pub templates: Option<PathBuf>,
    /// An earlier build's `data/metrics.json`, to show what changed since.
    pub compare: Option<PathBuf>,
}

/// Computes the metrics and renders every page, chart and export of a valid model.
pub fn render(checked: &Checked, options: &RenderOptions) -> anyhow::Result<Built> {
    let mut clock = Stopwatch::start();
    let metrics = metrics::compute(&checked.model, checked.as_of);
    clock.lap("metrics");
    let comparison = match &options.compare {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {} (given to --compare)", path.display()))?;
            let comparison = compare::compare(&metrics, &text)
                .with_context(|| format!("comparing with {}", path.display()))?;
            Some(comparison)
        }
        None => None,
    };
    let renderer = Renderer::new(options.templates.as_deref())?;
    let charts = charts::site_charts(&metrics).context("drawing the charts")?;
    clock.lap("charts");
    let index = views::Index::new(
        &checked.model,
        &metrics,
        &checked.provenance,
        comparison.as_ref(),
    );
    let mut files = views::render_site(&renderer, &index, &charts)?;
    clock.lap("render");
    output::seal(&mut files);
    clock.lap("manifest");
    Ok(Built {
        metrics,
        files,
        timings: clock.laps,
    })
}

/// Builds the site into `out`, swapping it in only when everything succeeded.
pub fn build(
    checked: &Checked,
    options: &RenderOptions,
    content_dir: &Path,
    out: &Path,
) -> anyhow::Result<Built> {
    let mut built = render(checked, options)?;
    let start = Instant::now();
    output::write_site(out, content_dir, &built.files)?;
    built.timings.push(("write", start.elapsed()));
    Ok(built)
}

/// Times consecutive stages.
struct Stopwatch {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    fn start() -> Stopwatch {
        Stopwatch {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}
