//! Lookups computed once per build, so no page scans all records: the model's records and
//! their metrics by id, and what belongs to each record and each person.

use rustc_hash::{FxHashMap as HashMap, FxHashSet};
use serde::Serialize;

use super::figures::Delta;
use super::selections::{select_all, Items, Selection};
use crate::compare::{describe_delta, Comparison, Direction};
use crate::metrics::{
    ActionRecord, ActionStatus, ControlMetrics, ExceptionMetrics, Finding, FrameworkCoverage, Gap,
    IncidentMetrics, Metrics, PersonMetrics, ProcessMetrics, RecurringPattern, ReviewMetrics, Role,
    TeamMetrics,
};
use crate::model::{Control, Day, Incident, Model, Person, ProcessReview};
use crate::provenance::Provenance;

/// Lookups computed once per build, so no page scans all records.
pub struct Index<'a> {
    pub model: &'a Model,
    pub metrics: &'a Metrics,
    pub site: SiteMeta<'a>,
    pub provenance: &'a Provenance,
    pub comparison: Option<&'a Comparison>,
    /// The model's records by id, hashed: page data looks up hundreds of thousands of
    /// links, and the model's sorted maps compare many ids per lookup.
    pub(super) controls: HashMap<&'a str, &'a Control>,
    pub(super) incidents: HashMap<&'a str, &'a Incident>,
    pub(super) reviews: HashMap<&'a str, &'a ProcessReview>,
    pub(super) persons: HashMap<&'a str, &'a Person>,
    pub(super) control_metrics: HashMap<&'a str, &'a ControlMetrics>,
    pub(super) exception_metrics: HashMap<&'a str, &'a ExceptionMetrics>,
    pub(super) incident_metrics: HashMap<&'a str, &'a IncidentMetrics>,
    pub(super) person_metrics: HashMap<&'a str, &'a PersonMetrics>,
    pub(super) framework_metrics: HashMap<&'a str, &'a FrameworkCoverage>,
    pub(super) process_metrics: HashMap<&'a str, &'a ProcessMetrics>,
    pub(super) review_metrics: HashMap<&'a str, &'a ReviewMetrics>,
    pub(super) team_metrics: HashMap<&'a str, &'a TeamMetrics>,
    /// A control's reviews (up to as-of), in id order.
    pub(super) reviews_by_control: HashMap<&'a str, Vec<&'a ReviewMetrics>>,
    /// A control's recurring patterns, in origin order.
    pub(super) patterns_by_control: HashMap<&'a str, Vec<&'a RecurringPattern>>,
    pub(super) incidents_by_control: HashMap<&'a str, Vec<&'a IncidentMetrics>>,
    pub(super) exceptions_by_control: HashMap<&'a str, Vec<&'a str>>,
    pub(super) processes_by_control: HashMap<&'a str, Vec<&'a str>>,
    pub(super) incidents_by_process: HashMap<&'a str, Vec<&'a str>>,
    pub(super) exceptions_by_process: HashMap<&'a str, Vec<&'a str>>,
    pub(super) people_by_team: HashMap<&'a str, Vec<&'a str>>,
    pub(super) controls_by_reference: HashMap<(&'a str, &'a str), Vec<&'a str>>,
    pub(super) gaps_by_record: HashMap<&'a str, Vec<&'a Gap>>,
    pub(super) actions_by_incident: HashMap<&'a str, Vec<&'a ActionStatus>>,
    pub(super) actions_by_review: HashMap<&'a str, Vec<&'a ActionStatus>>,
    pub(super) people: HashMap<&'a str, PersonIndex<'a>>,
    /// Incidents and reviews up to as-of, newest first: the order of their lists.
    pub(super) incidents_newest: Vec<&'a IncidentMetrics>,
    pub(super) reviews_newest: Vec<&'a ReviewMetrics>,
    /// The records behind each headline figure and dashboard section, in `Selection` order.
    pub(super) selections: Vec<(Selection, Items<'a>)>,
    /// The policy findings `check --strict` reports, in its order.
    pub(super) findings: &'a [Finding],
    /// Person id -> the positions in `findings` of the findings naming them.
    pub(super) findings_by_person: HashMap<&'a str, Vec<usize>>,
    /// People whose name another person also has: their links show the id too.
    pub(super) same_names: FxHashSet<&'a str>,
}

/// Everything one person owns, approved or is accountable for.
#[derive(Default)]
pub struct PersonIndex<'a> {
    pub(super) controls_owned: Vec<&'a str>,
    pub(super) controls_owned_before: Vec<(&'a str, Day)>,
    pub(super) processes_owned: Vec<&'a str>,
    pub(super) exceptions_approved: Vec<&'a str>,
    pub(super) accountable: Vec<(&'a IncidentMetrics, Role)>,
    pub(super) actions: Vec<&'a ActionStatus>,
    pub(super) gaps: Vec<&'a Gap>,
    /// Recurring patterns whose fix owner is the person, by (control, origin).
    pub(super) patterns_to_fix: Vec<&'a RecurringPattern>,
    /// Reviews (up to as-of) the person decided or must carry out, each once, in id order.
    pub(super) reviews: Vec<&'a ReviewMetrics>,
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

/// A link to a record, relative to the site root. Templates see `id`, `label`, `href`, and
/// `inactive` and `same_name` when they are true; the address is `before` + id + `after`
/// (`controls/` + id + `.html`), put together only when written, since most links go into
/// table rows.
#[derive(Debug, Clone)]
pub struct Link<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub before: &'static str,
    pub after: &'static str,
    /// For people: no longer active (shown with a badge).
    pub inactive: bool,
    /// For people: another person has the same name, so the id is shown beside it.
    pub same_name: bool,
}

impl Link<'_> {
    pub fn href(&self) -> String {
        [self.before, self.id, self.after].concat()
    }
}

impl Serialize for Link<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // The flags only when set: a link is serialised for every page it is on, and
        // almost every one is of an active person with a name of their own (or is not a
        // person's); in a template, a missing flag is false (`{% if l.inactive %}`).
        let flags = usize::from(self.inactive) + usize::from(self.same_name);
        let mut fields = serializer.serialize_struct("Link", 3 + flags)?;
        fields.serialize_field("id", self.id)?;
        fields.serialize_field("label", self.label)?;
        fields.serialize_field("href", &self.href())?;
        if self.inactive {
            fields.serialize_field("inactive", &true)?;
        }
        if self.same_name {
            fields.serialize_field("same_name", &true)?;
        }
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
            reviews: by_id(&model.reviews),
            persons: by_id(&model.people),
            control_metrics: keyed(&metrics.controls, |r| &r.id),
            exception_metrics: keyed(&metrics.exceptions, |r| &r.id),
            incident_metrics: keyed(&metrics.incidents, |r| &r.id),
            person_metrics: keyed(&metrics.people, |p| &p.id),
            framework_metrics: keyed(&metrics.frameworks, |r| &r.id),
            process_metrics: HashMap::default(),
            review_metrics: keyed(&metrics.reviews, |r| &r.id),
            team_metrics: keyed(&metrics.teams, |t| &t.id),
            reviews_by_control: HashMap::default(),
            patterns_by_control: HashMap::default(),
            incidents_by_control: HashMap::default(),
            exceptions_by_control: HashMap::default(),
            processes_by_control: HashMap::default(),
            incidents_by_process: HashMap::default(),
            exceptions_by_process: HashMap::default(),
            people_by_team: HashMap::default(),
            controls_by_reference: HashMap::default(),
            gaps_by_record: HashMap::default(),
            actions_by_incident: HashMap::default(),
            actions_by_review: HashMap::default(),
            people: HashMap::default(),
            incidents_newest: newest_first(&metrics.incidents, |i| (i.date, &i.id)),
            reviews_newest: newest_first(&metrics.reviews, |r| (r.date, &r.id)),
            selections: select_all(metrics),
            findings: &metrics.findings,
            findings_by_person: HashMap::default(),
            same_names: same_names(model),
        };
        index.index_records();
        index.index_people();
        index.index_findings();
        index
    }

    fn index_records(&mut self) {
        let (model, metrics) = (self.model, self.metrics);
        let mut by_date: Vec<&IncidentMetrics> = metrics.incidents.iter().collect();
        by_date.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
        for incident in by_date {
            if let Some(control) = &incident.control {
                push(&mut self.incidents_by_control, control, incident);
            }
            let record = model.incidents.get(&incident.id);
            if let Some(process) = record.and_then(|i| i.process.as_deref()) {
                push(&mut self.incidents_by_process, process, &incident.id);
            }
        }
        for exception in model.exceptions.values() {
            if let Some(control) = &exception.control {
                push(&mut self.exceptions_by_control, control, &exception.id);
            }
            if let Some(process) = &exception.process {
                push(&mut self.exceptions_by_process, process, &exception.id);
            }
        }
        for process in model.processes.values() {
            for control in &process.controls {
                push(&mut self.processes_by_control, control, &process.id);
            }
        }
        for control in model.controls.values() {
            for (framework, references) in &control.frameworks {
                for reference in references {
                    let key = (framework.as_str(), reference.as_str());
                    push(&mut self.controls_by_reference, key, &control.id);
                }
            }
        }
        for gap in &metrics.gaps {
            push(&mut self.gaps_by_record, &gap.record, gap);
        }
        for pattern in &metrics.recurring_patterns {
            push(&mut self.patterns_by_control, &pattern.control, pattern);
        }
        for process in &metrics.processes {
            self.process_metrics.insert(&process.id, process);
        }
        for review in &metrics.reviews {
            if let Some(control) = &review.control {
                push(&mut self.reviews_by_control, control, review);
            }
        }
        for action in &metrics.actions {
            let by_record = match action.record_kind {
                ActionRecord::Incident => &mut self.actions_by_incident,
                ActionRecord::Review => &mut self.actions_by_review,
            };
            push(by_record, &action.record, action);
        }
    }

    fn index_findings(&mut self) {
        for (position, finding) in self.findings.iter().enumerate() {
            let person = finding.person.as_deref();
            let known = person.and_then(|p| self.model.people.get_key_value(p));
            if let Some((id, _)) = known {
                push(&mut self.findings_by_person, id.as_str(), position);
            }
        }
    }

    /// What each person owns and approved.
    fn index_people(&mut self) {
        let model = self.model;
        let mut people: HashMap<&'a str, PersonIndex<'a>> = HashMap::default();
        for person in model.people.values() {
            people.insert(&person.id, PersonIndex::default());
            if let Some(team) = &person.team {
                push(&mut self.people_by_team, team, &person.id);
            }
        }
        for control in model.controls.values() {
            if let Some(owner) = &control.owner {
                slot(&mut people, owner).controls_owned.push(&control.id);
            }
            for period in &control.owner_history {
                let before = (control.id.as_str(), period.until);
                slot(&mut people, &period.owner)
                    .controls_owned_before
                    .push(before);
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
                let approved = &mut slot(&mut people, approver).exceptions_approved;
                approved.push(&exception.id);
            }
        }
        self.index_accountability(&mut people);
        self.people = people;
    }

    /// What each person is accountable for and must chase.
    fn index_accountability(&self, people: &mut HashMap<&'a str, PersonIndex<'a>>) {
        let metrics = self.metrics;
        for incident in &metrics.incidents {
            for accountable in &incident.accountable {
                if let Some(person) = &accountable.person {
                    let role = (incident, accountable.role);
                    slot(people, person).accountable.push(role);
                }
            }
        }
        for action in &metrics.actions {
            if let Some(owner) = &action.owner {
                slot(people, owner).actions.push(action);
            }
        }
        for gap in &metrics.gaps {
            if let Some(person) = &gap.person {
                slot(people, person).gaps.push(gap);
            }
        }
        for pattern in &metrics.recurring_patterns {
            if let Some(person) = &pattern.fix_owner {
                slot(people, person).patterns_to_fix.push(pattern);
            }
        }
        for review in &metrics.reviews {
            let decided = review.decided_by.as_deref();
            let fixer = review.fix_owner.as_deref().filter(|f| Some(*f) != decided);
            for person in decided.into_iter().chain(fixer) {
                slot(people, person).reviews.push(review);
            }
        }
    }

    /// `+1 since 2026-08-01` for a summary figure, and whether that is for the better, when
    /// a comparison was asked for.
    pub(super) fn delta(&self, key: &str) -> Option<Delta> {
        let comparison = self.comparison?;
        let delta = *comparison.deltas.get(key)?;
        Some(Delta {
            text: format!(
                "{} since {}",
                describe_delta(key, delta),
                comparison.previous_as_of
            ),
            direction: Direction::of(delta),
        })
    }

    /// The records behind `selection`.
    pub(super) fn selection(&self, selection: Selection) -> &Items<'a> {
        &self.selections[selection as usize].1
    }

    pub fn person(&self, id: &'a str) -> Link<'a> {
        let person = self.persons.get(id);
        Link {
            id,
            label: person.map_or(id, |p| p.name.as_str()),
            before: "people/",
            after: ".html",
            inactive: person.is_some_and(|p| !p.active),
            same_name: self.same_names.contains(id),
        }
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

    pub fn review(&self, id: &'a str) -> Link<'a> {
        let label = self.reviews.get(id).map_or(id, |r| r.title.as_str());
        record_link(id, label, "reviews/")
    }

    /// The incident or review an action belongs to.
    pub fn action_record(&self, action: &'a ActionStatus) -> Link<'a> {
        match action.record_kind {
            ActionRecord::Incident => self.incident(&action.record),
            ActionRecord::Review => self.review(&action.record),
        }
    }

    pub fn framework(&self, id: &'a str) -> Link<'a> {
        let label = self
            .model
            .frameworks
            .get(id)
            .map_or(id, |f| f.name.as_str());
        record_link(id, label, "frameworks/")
    }

    pub fn team(&self, id: &'a str) -> Link<'a> {
        let label = self.model.teams.get(id).map_or(id, |t| t.name.as_str());
        Link {
            id,
            label,
            before: "teams/",
            after: ".html",
            inactive: false,
            same_name: false,
        }
    }
}

/// `items` in the descending order of `key`.
fn newest_first<'a, T, K: Ord>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<&'a T> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by_cached_key(|item| std::cmp::Reverse(key(item)));
    sorted
}

/// The ids of the people whose name is not theirs alone.
fn same_names(model: &Model) -> FxHashSet<&str> {
    let mut by_name: HashMap<&str, Vec<&str>> = HashMap::default();
    for person in model.people.values() {
        push(&mut by_name, person.name.as_str(), person.id.as_str());
    }
    by_name
        .into_values()
        .filter(|ids| ids.len() > 1)
        .flatten()
        .collect()
}

/// `items` by the id `id` gives.
fn keyed<'a, T>(items: &'a [T], id: impl Fn(&'a T) -> &'a String) -> HashMap<&'a str, &'a T> {
    items.iter().map(|item| (id(item).as_str(), item)).collect()
}

/// The records of a model's map by id (boxed ones, as incidents are, by their record).
fn by_id<T, R: std::borrow::Borrow<T>>(
    records: &std::collections::BTreeMap<String, R>,
) -> HashMap<&str, &T> {
    records
        .iter()
        .map(|(id, r)| (id.as_str(), r.borrow()))
        .collect()
}

/// Adds `value` to the list under `key`.
fn push<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, Vec<V>>, key: K, value: V) {
    map.entry(key).or_default().push(value);
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
        same_name: false,
    }
}
