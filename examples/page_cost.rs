//! How long one page of each kind takes to render, on one thread, without writing:
//!
//!     cargo run --release --example page_cost -- CONTENT [TEMPLATES]
//!
//! Prints microseconds per page (the fastest of three rounds) for the view alone, and for
//! the view and its rendering.

use std::path::PathBuf;
use std::time::Instant;

use govsite::{metrics, provenance::Provenance, render::Renderer, site, views};

/// The allocator govsite runs with (`src/main.rs`), so the figures are the build's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let content = PathBuf::from(args.next().unwrap_or_else(|| "content".into()));
    let templates = args.next().map(PathBuf::from);
    let checked = site::check(&content, None)?;
    let model = &checked.model;
    let metrics = metrics::compute(model, checked.as_of);
    let provenance = Provenance::default();
    let index = views::Index::new(model, &metrics, &provenance, None);
    let overrides = match &templates {
        Some(dir) => site::read_templates(dir)?,
        None => Vec::new(),
    };
    let renderer = Renderer::new(&overrides)?;
    let incidents: Vec<_> = model.incidents.values().collect();
    time("incident-view", incidents.len(), &mut |n| {
        Ok(views::incident_page(&index, incidents[n]).path.len())
    })?;
    time("incident-ctx", incidents.len(), &mut |n| {
        let view = views::incident_page(&index, incidents[n]);
        Ok(tera::Context::from_serialize(&view.page)?
            .into_json()
            .as_object()
            .map_or(0, |o| o.len()))
    })?;
    time("incident", incidents.len(), &mut |n| {
        let view = views::incident_page(&index, incidents[n]);
        Ok(renderer.render(view.template, &view.page, "x")?.len())
    })?;
    time("incident-framed", incidents.len(), &mut |n| {
        let view = views::incident_page(&index, incidents[n]);
        let frame = govsite::render::FrameKey {
            root: view.page.root,
            nav: view.page.nav,
            title: &view.page.title,
        };
        let page = renderer.render_framed(view.template, &view.page, frame, "x")?;
        Ok(page.to_text().len())
    })?;
    let exceptions: Vec<_> = model.exceptions.values().collect();
    time("exception", exceptions.len(), &mut |n| {
        let view = views::exception_page(&index, exceptions[n]);
        Ok(renderer.render(view.template, &view.page, "x")?.len())
    })?;
    let controls: Vec<_> = model.controls.values().collect();
    time("control", controls.len(), &mut |n| {
        let view = views::control_page(&index, controls[n]);
        Ok(renderer.render(view.template, &view.page, "x")?.len())
    })?;
    let people: Vec<_> = model.people.values().collect();
    time("person", people.len(), &mut |n| {
        let view = views::person_page(&index, people[n]);
        Ok(renderer.render(view.template, &view.page, "x")?.len())
    })?;
    let charts = govsite::charts::site_charts(&metrics)?;
    time("report", 1, &mut |_| {
        let view = views::report_page(&index, &charts);
        let page = renderer.render_page(view.template, &view.page, "x")?;
        let sink = govsite::output::Memory::default();
        page.put(&sink, "report.html".into(), &view.tables)?;
        Ok(sink.into_sealed().iter().map(|f| f.bytes.len()).sum())
    })?;
    time("report-tera", 1, &mut |_| {
        let view = views::report_page(&index, &charts);
        Ok(renderer.render(view.template, &view.page, "x")?.len())
    })?;
    Ok(())
}

/// Prints the time `each` takes for pages `0..count`: the fastest of three rounds, since
/// other work on the machine only ever adds time.
fn time(
    kind: &str,
    count: usize,
    each: &mut dyn FnMut(usize) -> anyhow::Result<usize>,
) -> anyhow::Result<()> {
    let mut best = f64::MAX;
    let mut bytes = 0;
    for _ in 0..3 {
        let start = Instant::now();
        bytes = 0;
        for n in 0..count {
            bytes += each(n)?;
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let micros = best * 1e6 / count.max(1) as f64;
    let size = bytes / count.max(1);
    println!("{kind:<13} {count:>6} pages {micros:>8.1} us/page {size:>8} bytes/page");
    Ok(())
}
