//! Every file of the site and how it is made: each page's view (`views`) rendered with its
//! template (`render`) and handed to the sink (`output`), with the charts, the exports, the
//! OSCAL POA&M, the search index, the calendar feeds, the assets and the evidence. To add a
//! page, add its line here.
//!
//! All of it runs on rayon's threads at once, the largest pages first, and each file leaves
//! as soon as it is made, so memory holds only the pages being worked on.

use anyhow::Context as _;
use rayon::prelude::*;
use serde::Serialize;

use crate::calendar;
use crate::charts::{self, Chart};
use crate::exports;
use crate::metrics::Metrics;
use crate::model::Model;
use crate::oscal;
use crate::output::{OutputFile, Sink};
use crate::provenance::Provenance;
use crate::render::{FrameKey, Renderer, STATIC_FILES};
use crate::views::{self, Index, PageView, Selection};

/// One piece of work that puts files into the sink.
type Job<'j> = &'j (dyn Fn() -> anyhow::Result<()> + Sync);

/// Runs `jobs` on every core, in their order as far as threads allow.
fn run_all(jobs: &[Job]) -> anyhow::Result<()> {
    jobs.par_iter().try_for_each(|job| job())
}

/// Renders every page, chart and export of the site into `sink`.
pub fn render_site(
    renderer: &Renderer,
    index: &Index,
    charts: &[Chart],
    sink: &dyn Sink,
) -> anyhow::Result<()> {
    let (pages, data) = rayon::join(
        || render_pages(renderer, index, charts, sink),
        || render_data(index.model, index.metrics, index.provenance, charts, sink),
    );
    pages.and(data)
}

/// The pages and the search index: everything made from the `Index`.
pub fn render_pages(
    renderer: &Renderer,
    index: &Index,
    charts: &[Chart],
    sink: &dyn Sink,
) -> anyhow::Result<()> {
    let jobs: [Job; 3] = [
        &|| list_pages(renderer, index, charts, sink),
        &|| record_pages(renderer, index, sink),
        &|| {
            let search = views::search_index(index);
            for (shard, (path, _)) in views::SEARCH_SHARDS.iter().enumerate() {
                sink.put_stream(path.to_string(), &mut |out| search.write(shard, out))?;
            }
            Ok(())
        },
    ];
    run_all(&jobs)
}

/// The files made from the records and metrics alone (charts, exports, the POA&M,
/// evidence, calendar feeds, assets): a build starts them while the `Index` is still
/// being built (see `site::render`), so neither core waits for it.
pub fn render_data(
    model: &Model,
    metrics: &Metrics,
    provenance: &Provenance,
    charts: &[Chart],
    sink: &dyn Sink,
) -> anyhow::Result<()> {
    let jobs: [Job; 7] = [
        &|| oscal::write_poam(model, metrics, sink),
        &|| control_charts(metrics, sink),
        &|| exports::write_exports(model, metrics, provenance, sink),
        &|| calendar::write_feeds(model, metrics, sink),
        &|| {
            charts.iter().try_for_each(|chart| {
                let path = format!("charts/{}", chart.file);
                sink.put(OutputFile::new(path, chart.svg.clone()))
            })
        },
        &|| evidence_files(model, sink),
        &|| {
            STATIC_FILES
                .iter()
                .try_for_each(|(path, text)| sink.put(OutputFile::new(*path, *text)))
        },
    ];
    run_all(&jobs)
}

/// Renders one page and puts it into `sink`, its tables in their places.
fn put<V: Serialize>(
    renderer: &Renderer,
    sink: &dyn Sink,
    view: PageView<V>,
) -> anyhow::Result<()> {
    let PageView {
        path,
        template,
        page,
        tables,
    } = view;
    let frame = FrameKey {
        root: page.root,
        nav: page.nav,
        title: &page.title,
    };
    let rendered = renderer.render_framed(template, &page, frame, &path)?;
    rendered.put(sink, path, &tables)
}

/// The dashboard, the report and the list pages, the longest first; long lists in pages.
fn list_pages(
    renderer: &Renderer,
    index: &Index,
    charts: &[Chart],
    sink: &dyn Sink,
) -> anyhow::Result<()> {
    let model = index.model;
    let metrics = index.metrics;
    let pages: [Job; 14] = [
        &|| put(renderer, sink, views::report_page(index, charts)),
        &|| {
            paged(metrics.incidents.len(), |n| {
                put(renderer, sink, views::incidents_page(index, n))
            })
        },
        &|| put(renderer, sink, views::dashboard(index, charts)),
        &|| {
            paged(metrics.exceptions.len(), |n| {
                put(renderer, sink, views::exceptions_page(index, charts, n))
            })
        },
        &|| {
            paged(model.controls.len(), |n| {
                put(renderer, sink, views::controls_page(index, n))
            })
        },
        &|| {
            let selections = Selection::ALL.into_par_iter();
            selections.try_for_each(|selection| {
                let pages = views::selection_pages(index, selection);
                (1..=pages).into_par_iter().try_for_each(|n| {
                    put(renderer, sink, views::selection_page(index, selection, n))
                })
            })
        },
        &|| {
            let pages = views::findings_pages(index);
            (1..=pages)
                .into_par_iter()
                .try_for_each(|n| put(renderer, sink, views::findings_page(index, n)))
        },
        &|| put(renderer, sink, views::accountability_page(index)),
        &|| put(renderer, sink, views::people_page(index)),
        &|| put(renderer, sink, views::teams_page(index)),
        &|| put(renderer, sink, views::processes_page(index)),
        &|| put(renderer, sink, views::frameworks_page(index)),
        &|| {
            paged(metrics.reviews.len(), |n| {
                put(renderer, sink, views::reviews_page(index, n))
            })
        },
        &|| put(renderer, sink, views::definitions_page(index)),
    ];
    run_all(&pages)
}

/// Renders every page of a list of `rows` rows with `put_page(number)`, on every core.
fn paged(
    rows: usize,
    put_page: impl Fn(usize) -> anyhow::Result<()> + Sync + Send,
) -> anyhow::Result<()> {
    (1..=views::page_count(rows))
        .into_par_iter()
        .try_for_each(put_page)
}

/// One page per record.
fn record_pages(renderer: &Renderer, index: &Index, sink: &dyn Sink) -> anyhow::Result<()> {
    let model = index.model;
    each(model.controls.values(), |c| {
        put(renderer, sink, views::control_page(index, c))
    })?;
    each(model.processes.values(), |p| {
        put(renderer, sink, views::process_page(index, p))
    })?;
    each(model.exceptions.values(), |e| {
        put(renderer, sink, views::exception_page(index, e))
    })?;
    // Incidents dated after as-of have no page.
    let incidents = index.metrics.incidents.iter();
    let incidents = incidents.filter_map(|m| model.incidents.get(&m.id));
    each(incidents, |i| {
        put(renderer, sink, views::incident_page(index, i))
    })?;
    // Reviews dated after as-of have no page either.
    let reviews = index.metrics.reviews.iter();
    let reviews = reviews.filter_map(|m| model.reviews.get(&m.id));
    each(reviews, |r| {
        put(renderer, sink, views::review_page(index, r))
    })?;
    each(model.people.values(), |p| {
        put(renderer, sink, views::person_page(index, p))
    })?;
    each(model.teams.values(), |t| {
        let views::TeamPages { page, lists } = views::team_pages(index, t);
        put(renderer, sink, page)?;
        lists
            .into_iter()
            .try_for_each(|list| put(renderer, sink, list))
    })?;
    each(model.frameworks.values(), |f| {
        put(renderer, sink, views::framework_page(index, f))
    })
}

/// Calls `put` for every item, on every core.
fn each<'a, T: Sync + 'a>(
    items: impl Iterator<Item = &'a T>,
    put: impl Fn(&T) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<()> {
    let items: Vec<&T> = items.collect();
    items.par_iter().try_for_each(|item| put(item))
}

/// One chart per control: its failures per month and origin over the trend's months.
fn control_charts(metrics: &Metrics, sink: &dyn Sink) -> anyhow::Result<()> {
    metrics.controls.par_iter().try_for_each(|control| {
        let chart = charts::control_chart(
            &control.id,
            &metrics.monthly,
            &control.monthly_failures,
            &control.monthly_by_origin,
        )?;
        sink.put(OutputFile::new(format!("charts/{}", chart.file), chart.svg))
    })
}

/// Copies of every evidence file under `evidence/`.
fn evidence_files(model: &Model, sink: &dyn Sink) -> anyhow::Result<()> {
    let files: Vec<&crate::model::EvidenceFile> = model.evidence.values().collect();
    files.par_iter().try_for_each(|file| {
        let path = format!("{}/{}", crate::evidence::FOLDER, file.published);
        sink.put_stream(path, &mut |out| crate::evidence::copy_verified(file, out))
            .with_context(|| format!("copying evidence {}", file.source.display()))
    })
}
