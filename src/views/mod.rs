//! What templates see: plain serializable views built from the model and the metrics.
//! Templates never compute; every figure comes from `Metrics`, every lookup from the
//! indexes built once in `Index::new`.

mod html;
mod lists;
mod pages;
mod records;
mod report;
mod search;

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;

use anyhow::Context;
use rayon::prelude::*;
use serde::Serialize;

use crate::charts::Chart;
use crate::compare::{describe_delta, Comparison};
use crate::exports;
use crate::metrics::{
    ActionStatus, ControlMetrics, ExceptionMetrics, Gap, IncidentMetrics, Metrics, PersonMetrics,
    Role,
};
use crate::model::{Control, Day, Incident, Model, Person};
use crate::output::{OutputFile, Sink};
use crate::provenance::Provenance;
use crate::render::{Renderer, STATIC_FILES};

/// Lookups computed once per build, so no page scans all records.
pub struct Index<'a> {
    pub model: &'a Model,
    pub metrics: &'a Metrics,
    pub site: SiteMeta<'a>,
    pub provenance: &'a Provenance,
    pub(super) comparison: Option<&'a Comparison>,
    /// The model's records by id, hashed: page data looks up hundreds of thousands of
    /// links, and the model's sorted maps compare many ids per lookup.
    controls: HashMap<&'a str, &'a Control>,
    incidents: HashMap<&'a str, &'a Incident>,
    persons: HashMap<&'a str, &'a Person>,
    control_metrics: HashMap<&'a str, &'a ControlMetrics>,
    exception_metrics: HashMap<&'a str, &'a ExceptionMetrics>,
    incident_metrics: HashMap<&'a str, &'a IncidentMetrics>,
    person_metrics: HashMap<&'a str, &'a PersonMetrics>,
    incidents_by_control: HashMap<&'a str, Vec<&'a IncidentMetrics>>,
    exceptions_by_control: HashMap<&'a str, Vec<&'a str>>,
    processes_by_control: HashMap<&'a str, Vec<&'a str>>,
    incidents_by_process: HashMap<&'a str, Vec<&'a str>>,
    exceptions_by_process: HashMap<&'a str, Vec<&'a str>>,
    people_by_team: HashMap<&'a str, Vec<&'a str>>,
    controls_by_reference: HashMap<(&'a str, &'a str), Vec<&'a str>>,
    gaps_by_record: HashMap<&'a str, Vec<&'a Gap>>,
    actions_by_incident: HashMap<&'a str, Vec<&'a ActionStatus>>,
    people: HashMap<&'a str, PersonIndex<'a>>,
}

/// Everything one person owns, approved or is accountable for.
#[derive(Default)]
pub struct PersonIndex<'a> {
    controls_owned: Vec<&'a str>,
    controls_owned_before: Vec<(&'a str, Day)>,
    processes_owned: Vec<&'a str>,
    exceptions_approved: Vec<&'a str>,
    accountable: Vec<(&'a IncidentMetrics, Role)>,
    actions: Vec<&'a ActionStatus>,
    gaps: Vec<&'a Gap>,
}

/// Site-wide facts printed on every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteMeta<'a> {
    pub title: &'a str,
    pub organisation: &'a str,
    pub as_of: Day,
    pub version: &'static str,
    /// `git commit 1a2b3c4d5e6f` or `not under version control`.
    pub provenance: String,
}

/// The frame every page shares: where the site root is, the title, which nav item is active.
#[derive(Serialize)]
struct Page<'a, T: Serialize> {
    root: &'static str,
    title: String,
    nav: &'static str,
    site: &'a SiteMeta<'a>,
    #[serde(flatten)]
    view: T,
}

/// A link to a record, relative to the site root. Templates see `id`, `label`, `href` and
/// `inactive`; the address is `before` + id + `after` (`controls/` + id + `.html`), put
/// together only when written, since most links go into table rows.
#[derive(Debug, Clone)]
pub struct Link<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub before: &'static str,
    pub after: &'static str,
    /// For people: no longer active (shown with a badge).
    pub inactive: bool,
}

impl Link<'_> {
    pub fn href(&self) -> String {
        [self.before, self.id, self.after].concat()
    }
}

impl Serialize for Link<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = serializer.serialize_struct("Link", 4)?;
        fields.serialize_field("id", self.id)?;
        fields.serialize_field("label", self.label)?;
        fields.serialize_field("href", &self.href())?;
        fields.serialize_field("inactive", &self.inactive)?;
        fields.end()
    }
}

impl<'a> Index<'a> {
    pub fn new(
        model: &'a Model,
        metrics: &'a Metrics,
        provenance: &'a Provenance,
        comparison: Option<&'a Comparison>,
    ) -> Index<'a> {
        let mut index = Index {
            model,
            metrics,
            comparison,
            provenance,
            site: SiteMeta {
                title: &model.site.title,
                organisation: &model.site.organisation,
                as_of: metrics.as_of,
                version: env!("CARGO_PKG_VERSION"),
                provenance: provenance.describe(),
            },
            controls: by_id(&model.controls),
            incidents: by_id(&model.incidents),
            persons: by_id(&model.people),
            control_metrics: metrics
                .controls
                .iter()
                .map(|c| (c.id.as_str(), c))
                .collect(),
            exception_metrics: metrics
                .exceptions
                .iter()
                .map(|e| (e.id.as_str(), e))
                .collect(),
            incident_metrics: metrics
                .incidents
                .iter()
                .map(|i| (i.id.as_str(), i))
                .collect(),
            person_metrics: metrics.people.iter().map(|p| (p.id.as_str(), p)).collect(),
            incidents_by_control: HashMap::default(),
            exceptions_by_control: HashMap::default(),
            processes_by_control: HashMap::default(),
            incidents_by_process: HashMap::default(),
            exceptions_by_process: HashMap::default(),
            people_by_team: HashMap::default(),
            controls_by_reference: HashMap::default(),
            gaps_by_record: HashMap::default(),
            actions_by_incident: HashMap::default(),
            people: HashMap::default(),
        };
        index.index_records();
        index.index_people();
        index
    }

    fn index_records(&mut self) {
        let (model, metrics) = (self.model, self.metrics);
        let mut by_date: Vec<&IncidentMetrics> = metrics.incidents.iter().collect();
        by_date.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        for incident in by_date {
            if let Some(control) = &incident.control {
                self.incidents_by_control
                    .entry(control)
                    .or_default()
                    .push(incident);
            }
            let process = model
                .incidents
                .get(&incident.id)
                .and_then(|i| i.process.as_deref());
            if let Some(process) = process {
                self.incidents_by_process
                    .entry(process)
                    .or_default()
                    .push(&incident.id);
            }
        }
        for exception in model.exceptions.values() {
            if let Some(control) = &exception.control {
                self.exceptions_by_control
                    .entry(control)
                    .or_default()
                    .push(&exception.id);
            }
            if let Some(process) = &exception.process {
                self.exceptions_by_process
                    .entry(process)
                    .or_default()
                    .push(&exception.id);
            }
        }
        for process in model.processes.values() {
            for control in &process.controls {
                self.processes_by_control
                    .entry(control)
                    .or_default()
                    .push(&process.id);
            }
        }
        for control in model.controls.values() {
            for (framework, references) in &control.frameworks {
                for reference in references {
                    self.controls_by_reference
                        .entry((framework, reference))
                        .or_default()
                        .push(&control.id);
                }
            }
        }
        for gap in &metrics.gaps {
            self.gaps_by_record
                .entry(&gap.record)
                .or_default()
                .push(gap);
        }
        for action in &metrics.actions {
            self.actions_by_incident
                .entry(&action.incident)
                .or_default()
                .push(action);
        }
    }

    fn index_people(&mut self) {
        let (model, metrics) = (self.model, self.metrics);
        let mut people: HashMap<&'a str, PersonIndex<'a>> = HashMap::default();
        for person in model.people.values() {
            people.insert(&person.id, PersonIndex::default());
            if let Some(team) = &person.team {
                self.people_by_team
                    .entry(team)
                    .or_default()
                    .push(&person.id);
            }
        }
        for control in model.controls.values() {
            if let Some(owner) = &control.owner {
                slot(&mut people, owner).controls_owned.push(&control.id);
            }
            for period in &control.owner_history {
                slot(&mut people, &period.owner)
                    .controls_owned_before
                    .push((&control.id, period.until));
            }
        }
        for process in model.processes.values() {
            if let Some(owner) = &process.owner {
                slot(&mut people, owner).processes_owned.push(&process.id);
            }
        }
        for exception in model.exceptions.values() {
            let mut approvers: Vec<&str> = exception
                .grant_periods()
                .filter_map(|p| p.approved_by)
                .collect();
            approvers.sort_unstable();
            approvers.dedup();
            for approver in approvers {
                slot(&mut people, approver)
                    .exceptions_approved
                    .push(&exception.id);
            }
        }
        for incident in &metrics.incidents {
            for accountable in &incident.accountable {
                if let Some(person) = &accountable.person {
                    slot(&mut people, person)
                        .accountable
                        .push((incident, accountable.role));
                }
            }
        }
        for action in &metrics.actions {
            if let Some(owner) = &action.owner {
                slot(&mut people, owner).actions.push(action);
            }
        }
        for gap in &metrics.gaps {
            if let Some(person) = &gap.person {
                slot(&mut people, person).gaps.push(gap);
            }
        }
        self.people = people;
    }

    /// `+1 since 2026-08-01` for a summary figure, when a comparison was asked for.
    pub fn delta(&self, key: &str) -> Option<String> {
        let comparison = self.comparison?;
        let delta = comparison.deltas.get(key)?;
        Some(format!(
            "{} since {}",
            describe_delta(key, *delta),
            comparison.previous_as_of
        ))
    }

    pub fn person(&self, id: &'a str) -> Link<'a> {
        let person = self.persons.get(id);
        Link {
            id,
            label: person.map_or(id, |p| p.name.as_str()),
            before: "people/",
            after: ".html",
            inactive: person.is_some_and(|p| !p.active),
        }
    }

    pub fn people_links(&self, ids: &[&'a str]) -> Vec<Link<'a>> {
        ids.iter().map(|id| self.person(id)).collect()
    }

    pub fn control(&self, id: &'a str) -> Link<'a> {
        let label = self.controls.get(id).map_or(id, |c| c.title.as_str());
        record_link(id, label, "controls/")
    }

    pub fn process(&self, id: &'a str) -> Link<'a> {
        let label = self
            .model
            .processes
            .get(id)
            .map_or(id, |p| p.title.as_str());
        record_link(id, label, "processes/")
    }

    pub fn exception(&self, id: &'a str) -> Link<'a> {
        record_link(id, id, "exceptions/")
    }

    pub fn incident(&self, id: &'a str) -> Link<'a> {
        let label = self.incidents.get(id).map_or(id, |i| i.title.as_str());
        record_link(id, label, "incidents/")
    }

    pub fn team(&self, id: &'a str) -> Link<'a> {
        let label = self.model.teams.get(id).map_or(id, |t| t.name.as_str());
        Link {
            id,
            label,
            before: "people.html#team-",
            after: "",
            inactive: false,
        }
    }
}

fn by_id<T>(records: &std::collections::BTreeMap<String, T>) -> HashMap<&str, &T> {
    records.iter().map(|(id, r)| (id.as_str(), r)).collect()
}

fn slot<'m, 'a>(
    people: &'m mut HashMap<&'a str, PersonIndex<'a>>,
    id: &'a str,
) -> &'m mut PersonIndex<'a> {
    people.entry(id).or_default()
}

/// A link to `{folder}{id}.html`, where `folder` is a record folder with its slash.
fn record_link<'a>(id: &'a str, label: &'a str, folder: &'static str) -> Link<'a> {
    Link {
        id,
        label: if label.is_empty() { id } else { label },
        before: folder,
        after: ".html",
        inactive: false,
    }
}

/// `0.4285` -> `42.9%`; `None` -> `n/a`.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// `12.0` -> `12`, `12.25` -> `12.3`; `None` -> `n/a`.
pub fn decimal(value: Option<f64>) -> String {
    match value {
        None => "n/a".to_string(),
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

impl<'a> Index<'a> {
    fn page<T: Serialize>(
        &'a self,
        depth: usize,
        title: String,
        nav: &'static str,
        view: T,
    ) -> Page<'a, T> {
        Page {
            root: if depth == 0 { "" } else { "../" },
            title,
            nav,
            site: &self.site,
            view,
        }
    }
}

/// Renders every page, chart and export of the site into `sink`. All of it runs on rayon's
/// threads at once, the largest list pages first, and each file leaves as soon as it is
/// rendered, so memory holds only the pages being worked on.
pub fn render_site(
    renderer: &Renderer,
    index: &Index,
    charts: &[Chart],
    sink: &dyn Sink,
) -> anyhow::Result<()> {
    type Job<'j> = &'j (dyn Fn() -> anyhow::Result<()> + Sync);
    let jobs: [Job; 7] = [
        &|| lists::render_list_pages(renderer, index, charts, sink),
        &|| records::render_record_pages(renderer, index, sink),
        &|| control_charts(index, sink),
        &|| {
            charts.iter().try_for_each(|chart| {
                sink.put(OutputFile::new(
                    format!("charts/{}", chart.file),
                    chart.svg.clone(),
                ))
            })
        },
        &|| exports::write_exports(index.model, index.metrics, index.provenance, sink),
        &|| evidence_files(index.model, sink),
        &|| {
            search::write_search_index(index, sink)?;
            STATIC_FILES
                .iter()
                .try_for_each(|(path, text)| sink.put(OutputFile::new(*path, *text)))
        },
    ];
    jobs.par_iter().try_for_each(|job| job())
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

/// An evidence attachment as a record page lists it.
#[derive(Serialize)]
pub struct EvidenceView<'a> {
    pub path: &'a str,
    pub href: String,
    pub size: String,
    pub sha256: &'a str,
}

impl<'a> Index<'a> {
    /// The listed evidence files that exist (missing ones failed validation).
    pub fn evidence(&self, paths: &'a [String]) -> Vec<EvidenceView<'a>> {
        paths
            .iter()
            .filter_map(|path| self.model.evidence.get(path))
            .map(|file| EvidenceView {
                path: &file.path,
                href: format!("{}/{}", crate::evidence::FOLDER, file.published),
                size: crate::evidence::human_size(file.size),
                sha256: &file.sha256,
            })
            .collect()
    }
}

/// One chart per control: its failures per month over the trend's 24 months.
fn control_charts(index: &Index, sink: &dyn Sink) -> anyhow::Result<()> {
    let (controls, months) = (&index.metrics.controls, &index.metrics.monthly);
    controls.par_iter().try_for_each(|c| {
        let chart = crate::charts::control_chart(&c.id, months, &c.monthly_failures)?;
        sink.put(OutputFile::new(format!("charts/{}", chart.file), chart.svg))
    })
}

/// Renders one page per item in parallel into `sink`.
fn render_each<T, V, F>(
    renderer: &Renderer,
    template: &str,
    items: &[T],
    sink: &dyn Sink,
    view: F,
) -> anyhow::Result<()>
where
    T: Sync,
    V: Serialize,
    F: Fn(&T) -> anyhow::Result<(String, V)> + Sync,
{
    items.par_iter().try_for_each(|item| {
        let (path, view) = view(item)?;
        let page = renderer.render_page(template, &view, &path)?;
        sink.put_parts(path, &page.parts())
    })
}

/// `render_each` for a page that `pages.rs` also writes in Rust. While its templates are
/// the built-in ones, Rust writes each page's content block and Tera only draws the frame,
/// once per section; a page of a replaced template is rendered by Tera as written.
fn write_each<'a, T, V, F>(
    renderer: &Renderer,
    items: &[T],
    sink: &dyn Sink,
    view: F,
) -> anyhow::Result<()>
where
    T: Sync,
    V: Serialize + pages::Written,
    F: Fn(&T) -> anyhow::Result<(String, Page<'a, V>)> + Sync,
{
    let template = V::TEMPLATES[0];
    if !renderer.built_in(V::TEMPLATES) {
        return render_each(renderer, template, items, sink, view);
    }
    items.par_iter().try_for_each(|item| {
        let (path, page) = view(item)?;
        write_page(renderer, sink, path, &page, None)
    })
}

/// Puts one page of a view that `pages.rs` also writes, with its large tables from `later`
/// if it has any: written by Rust while its templates are the built-in ones, rendered by
/// Tera otherwise.
fn write_page<V: Serialize + pages::Written>(
    renderer: &Renderer,
    sink: &dyn Sink,
    path: String,
    page: &Page<V>,
    later: Option<&dyn crate::render::Later>,
) -> anyhow::Result<()> {
    let template = V::TEMPLATES[0];
    let written = renderer.built_in(V::TEMPLATES).then(|| {
        let content = (page.view.write(page.root, page.site), later.is_some());
        let frame = (page.root, page.nav, page.title.as_str());
        renderer.frame_written(template, page, frame, content)
    });
    let rendered = match written.flatten() {
        Some(rendered) => rendered,
        None => renderer.render_page(template, page, &path)?,
    };
    match later {
        Some(later) => rendered.put(sink, path, later),
        None => sink.put_parts(path, &rendered.parts()),
    }
}

/// Counts per key, sorted by key, as rows for a small table.
#[derive(Serialize)]
struct CountRow<'a> {
    link: Link<'a>,
    count: usize,
}

fn count_rows<'a>(
    counts: &'a BTreeMap<String, usize>,
    link: impl Fn(&'a str) -> Link<'a>,
) -> Vec<CountRow<'a>> {
    counts
        .iter()
        .map(|(id, &count)| CountRow {
            link: link(id),
            count,
        })
        .collect()
}
