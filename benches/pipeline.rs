//! Criterion benchmarks of each build stage on a synthetic estate.
//!
//! ```text
//! cargo bench --bench pipeline                  # 200 controls (~2,700 pages)
//! GOVSITE_BENCH_CONTROLS=50 cargo bench --bench pipeline -- render
//! ```
//!
//! The estate comes from `examples/synth.rs` (same generator, same seed), written to a
//! temporary folder in the setup. Each stage is measured on its own, with its inputs built
//! once outside the timed loop: load, validate, metrics, charts (site-wide), control_chart
//! (one control), index, render (every page, chart and export, into memory), seal (manifest), write
//! (`output::write_site`: the same files into a staging folder, hashed, swapped in).
//! Whole builds at realistic sizes are timed by `scripts/bench`, not here.

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

use govsite::model::{Day, Model};
use govsite::provenance::Provenance;
use govsite::render::Renderer;
use govsite::{charts, load, metrics, output, validate, views};

/// The allocator the `govsite` binary uses, so the figures match a real build.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(dead_code)]
#[path = "../examples/synth.rs"]
mod synth;

fn controls() -> usize {
    std::env::var("GOVSITE_BENCH_CONTROLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200)
}

/// Writes the synthetic estate into `content` and loads it, checking it has no errors.
fn load_estate(options: &synth::Options, content: &Path) -> Model {
    synth::generate(options, content).expect("generating the estate");
    let loaded = load::load(content).expect("loading the estate");
    assert!(
        !loaded.diagnostics.iter().any(|d| d.is_error()),
        "the synthetic estate has errors"
    );
    loaded.model
}

fn stages(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let content = dir.path().join("content");
    let options = synth::Options {
        controls: controls(),
        seed: 1,
        ..synth::Options::default()
    };
    let model = load_estate(&options, &content);
    let as_of = model.site.as_of.unwrap_or_else(Day::today_utc);
    let provenance = Provenance::default();
    let computed = metrics::compute(&model, as_of);
    let renderer = Renderer::new(&[]).expect("compiling the templates");
    let site_charts = charts::site_charts(&computed).expect("drawing the charts");
    let index = views::Index::new(&model, &computed, &provenance, None);
    let rendered = output::Memory::default();
    govsite::pages::render_site(&renderer, &index, &site_charts, &rendered).expect("rendering");
    let files = rendered.into_sealed();
    let failures: Vec<usize> = (0..computed.monthly.len()).map(|i| i % 4).collect();
    let by_origin: Vec<[usize; 3]> = failures.iter().map(|&n| [n, n / 2, n / 3]).collect();

    let mut group = c.benchmark_group(format!("{}-controls", options.controls));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("load", |b| b.iter(|| load::load(&content).unwrap()));
    group.bench_function("validate", |b| b.iter(|| validate::validate(&model)));
    group.bench_function("metrics", |b| b.iter(|| metrics::compute(&model, as_of)));
    group.bench_function("templates", |b| b.iter(|| Renderer::new(&[]).unwrap()));
    group.bench_function("charts", |b| {
        b.iter(|| charts::site_charts(&computed).unwrap())
    });
    group.bench_function("control_chart", |b| {
        let months = &computed.monthly;
        b.iter(|| charts::control_chart("CTL-SECRET-00001", months, &failures, &by_origin).unwrap())
    });
    group.bench_function("index", |b| {
        b.iter(|| views::Index::new(&model, &computed, &provenance, None))
    });
    group.bench_function("render", |b| {
        b.iter(|| {
            let memory = output::Memory::default();
            govsite::pages::render_site(&renderer, &index, &site_charts, &memory).unwrap();
            memory
        })
    });
    group.bench_function("seal", |b| {
        b.iter_batched(
            || files.clone(),
            |mut files| output::seal(&mut files),
            BatchSize::LargeInput,
        )
    });
    let out = dir.path().join("public");
    group.bench_function("write", |b| {
        b.iter(|| output::write_site(&out, &content, &files).unwrap())
    });
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
