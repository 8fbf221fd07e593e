//! The pipeline behind every command: load -> validate -> metrics -> views -> render -> write
//! (rendering threads write each file as soon as it is ready).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;

use crate::charts;
use crate::compare;
use crate::diagnostics::{self, Diagnostic};
use crate::load;
use crate::metrics::{self, Metrics};
use crate::model::{Day, Model};
use crate::output::{self, Fill, OutputFile, Sink, SiteWriter};
use crate::provenance::{BuildSettings, Provenance};
use crate::render::{Overrides, Renderer};
use crate::validate;
use crate::views;

/// Content that was read and checked, with every diagnostic in print order.
pub struct Checked {
    pub model: Model,
    /// How long each stage took (`load`, `validate`), for `--verbose` and the benchmark.
    pub timings: Vec<(&'static str, Duration)>,
    pub as_of: Day,
    /// The content directory that was read.
    pub content_dir: PathBuf,
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
    diagnostics::cap_per_file(&mut diagnostics);
    let as_of = as_of
        .or(loaded.model.site.as_of)
        .unwrap_or_else(Day::today_utc);
    Ok(Checked {
        timings,
        model: loaded.model,
        as_of,
        content_dir: content_dir.to_path_buf(),
        diagnostics,
    })
}

/// What a build produced (its files went to a `Sink`).
pub struct Built {
    pub metrics: Metrics,
    /// Files in the site, the marker and the manifest included.
    pub files: usize,
    /// HTML pages among them.
    pub pages: usize,
    /// How long each stage took (`metrics`, `charts`, `render`, `write`, `finish`). Files
    /// are written as they are rendered: `write` is the rendering threads' time spent
    /// writing and hashing, added up, and is part of `render`.
    pub timings: Vec<(&'static str, Duration)>,
    /// Settings that differ from the build given to `--compare` (`name: earlier -> now`).
    pub changed_settings: Vec<String>,
}

/// Choices that change what a build renders.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// A folder of templates overriding the built-in ones by name.
    pub templates: Option<PathBuf>,
    /// An earlier build's `data/metrics.json`, to show what changed since.
    pub compare: Option<PathBuf>,
    /// `govsite package`: copy the files read into `source/` and the replaced templates into
    /// `source-templates/`, so the site can be rebuilt from the package.
    pub sources: bool,
    /// `govsite verify`: the provenance a package recorded, used instead of asking git (the
    /// unpacked `source/` is no repository). The settings are always those of this build.
    pub recorded: Option<Provenance>,
}

/// Computes the metrics and renders every page, chart and export of a valid model into
/// `sink`, file by file as each is ready.
pub fn render(
    checked: &Checked,
    options: &RenderOptions,
    sink: &dyn Sink,
) -> anyhow::Result<Built> {
    let mut clock = Stopwatch::start();
    let (overrides, previous) = read_options(options)?;
    // Compiling the templates needs nothing from the model: do it meanwhile.
    let (metrics, (renderer, provenance)) = rayon::join(
        || metrics::compute(&checked.model, checked.as_of),
        || {
            rayon::join(
                || Renderer::new(&overrides),
                || provenance(checked, options, &overrides),
            )
        },
    );
    let renderer = renderer?;
    clock.lap("metrics");
    let previous_text = previous;
    let comparison = match (&options.compare, &previous_text) {
        (Some(path), Some(text)) => Some(
            compare::compare(&metrics, text)
                .with_context(|| format!("comparing with {}", path.display()))?,
        ),
        _ => None,
    };
    let charts = charts::site_charts(&metrics).context("drawing the charts")?;
    clock.lap("charts");
    let counted = Counted {
        sink,
        files: AtomicUsize::new(0),
        pages: AtomicUsize::new(0),
    };
    // The index takes one core tens of milliseconds: the files that need none start on the
    // other meanwhile.
    let model = &checked.model;
    let (pages, data) = rayon::join(
        || {
            let index = views::Index::new(model, &metrics, &provenance, comparison.as_ref());
            crate::pages::render_pages(&renderer, &index, &charts, &counted)
        },
        || crate::pages::render_data(model, &metrics, &provenance, &charts, &counted),
    );
    pages.and(data)?;
    if options.sources {
        let model = &checked.model;
        crate::sources::put_sources(&checked.content_dir, model, &overrides, &counted)?;
        if let Some(previous) = &previous_text {
            let path = crate::sources::COMPARED;
            counted.put(OutputFile::new(path, previous.clone().into_bytes()))?;
        }
    }
    clock.lap("render");
    Ok(Built {
        metrics,
        files: counted.files.into_inner() + output::SEAL_FILES,
        pages: counted.pages.into_inner(),
        timings: clock.laps,
        changed_settings: comparison.map(|c| c.changed_settings).unwrap_or_default(),
    })
}

/// Where the content came from (asked of git, or as a package recorded it), the templates
/// that replaced built-in ones, and the settings of this build.
fn provenance(checked: &Checked, options: &RenderOptions, overrides: &Overrides) -> Provenance {
    let settings = BuildSettings::of(&checked.model, checked.as_of);
    let mut provenance = match &options.recorded {
        Some(recorded) => Provenance {
            settings,
            ..recorded.clone()
        },
        None => Provenance::of_content(&checked.content_dir, &checked.model, settings),
    };
    provenance.templates = overrides.iter().map(|(name, _)| name.clone()).collect();
    provenance
}

/// Renders the whole site in memory, sealed: for `govsite package` and tests.
pub fn render_in_memory(
    checked: &Checked,
    options: &RenderOptions,
) -> anyhow::Result<(Built, Vec<OutputFile>)> {
    let memory = output::Memory::default();
    let built = render(checked, options, &memory)?;
    Ok((built, memory.into_sealed()))
}

/// Builds the site into `out`: pages are written to a staging folder as they are rendered,
/// which replaces `out` only when everything succeeded.
pub fn build(
    checked: &Checked,
    options: &RenderOptions,
    content_dir: &Path,
    out: &Path,
) -> anyhow::Result<Built> {
    stage(checked, options, content_dir, out)?.publish()
}

/// Renders the site into a staging folder beside `out`, leaving `out` as it is until
/// `Staged::publish`; dropped instead, the staging folder goes and `out` never changes.
pub fn stage(
    checked: &Checked,
    options: &RenderOptions,
    content_dir: &Path,
    out: &Path,
) -> anyhow::Result<Staged> {
    let writer = SiteWriter::create(out, content_dir)?;
    let mut built = render(checked, options, &writer)?;
    built.timings.push(("write", writer.busy()));
    Ok(Staged { built, writer })
}

/// A complete site waiting in its staging folder.
pub struct Staged {
    pub built: Built,
    writer: SiteWriter,
}

impl Staged {
    /// Folders of interrupted builds found beside `out` and left there, with the reason.
    pub fn leftovers(&self) -> &[String] {
        self.writer.leftovers()
    }

    /// Writes the manifest and swaps the new site in at `out`.
    pub fn publish(self) -> anyhow::Result<Built> {
        let Staged { mut built, writer } = self;
        let start = Instant::now();
        writer.finish()?;
        built.timings.push(("finish", start.elapsed()));
        Ok(built)
    }
}

/// Counts what passes through to a sink.
struct Counted<'a> {
    sink: &'a dyn Sink,
    files: AtomicUsize,
    pages: AtomicUsize,
}

impl Sink for Counted<'_> {
    fn put(&self, file: OutputFile) -> anyhow::Result<()> {
        self.count(&file.path);
        self.sink.put(file)
    }

    fn put_parts(&self, path: String, parts: &[&str]) -> anyhow::Result<()> {
        self.count(&path);
        self.sink.put_parts(path, parts)
    }

    fn put_stream(&self, path: String, fill: Fill) -> anyhow::Result<()> {
        self.count(&path);
        self.sink.put_stream(path, fill)
    }
}

impl Counted<'_> {
    fn count(&self, path: &str) {
        self.files.fetch_add(1, Ordering::Relaxed);
        if path.ends_with(".html") {
            self.pages.fetch_add(1, Ordering::Relaxed);
        }
    }
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

/// What the render options name: the replaced templates, and the text of the earlier
/// `metrics.json` to compare with. All the reading a build does besides the content.
fn read_options(options: &RenderOptions) -> anyhow::Result<(Overrides, Option<String>)> {
    let overrides = match &options.templates {
        Some(dir) => read_templates(dir)?,
        None => Vec::new(),
    };
    let previous = match &options.compare {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading {} (given to --compare)", path.display()))?,
        ),
        None => None,
    };
    Ok((overrides, previous))
}

/// The `*.html` files of a `--templates` folder, by file name, in name order.
pub fn read_templates(dir: &Path) -> anyhow::Result<Overrides> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("reading templates from {}", dir.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "html") {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            found.push((name, text));
        }
    }
    found.sort();
    Ok(found)
}
