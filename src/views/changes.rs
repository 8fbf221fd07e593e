//! "What changed since": the comparison with the build given to `--compare`, as the dashboard
//! and the report show it. Each list says whether it is for the better or the worse.

use serde::Serialize;

use super::index::{Index, Link};
use super::rows::{gap_row, GapRow};
use crate::compare::{Comparison, Direction, GapKey};

#[derive(Serialize)]
pub(super) struct Changes<'a> {
    since: &'a str,
    /// `name: earlier -> now` for each setting computed differently: figures not comparable.
    changed_settings: &'a [String],
    groups: Vec<Group<'a>>,
    new_gaps: Vec<GapRow<'a>>,
    resolved_gaps: Vec<ResolvedGap<'a>>,
}

/// One list of records that changed, e.g. "Closed exceptions".
#[derive(Serialize)]
struct Group<'a> {
    title: &'static str,
    direction: Direction,
    items: Vec<Item<'a>>,
}

/// A record of a change: a link while it is in the content, else its id only.
#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    link: Option<Link<'a>>,
}

/// A gap of the earlier build that is gone.
#[derive(Serialize)]
struct ResolvedGap<'a> {
    kind: String,
    record: Item<'a>,
    person: Option<Item<'a>>,
}

/// The changes since the compared build, when one was given.
pub(super) fn changes<'a>(index: &Index<'a>) -> Option<Changes<'a>> {
    let comparison: &'a Comparison = index.comparison?;
    let model = index.model;
    let exception = |id: &'a String| {
        item(id, model.exceptions.contains_key(id.as_str()), |id| {
            index.exception(id)
        })
    };
    let control = |id: &'a String| {
        item(id, model.controls.contains_key(id.as_str()), |id| {
            index.control(id)
        })
    };
    let incident = |id: &'a String| item(id, true, |id| index.incident(id));
    let group = |title, direction, ids: &'a [String], to: &dyn Fn(&'a String) -> Item<'a>| Group {
        title,
        direction,
        items: ids.iter().map(to).collect(),
    };
    let new_gaps: std::collections::HashSet<_> = comparison.new_gaps.iter().collect();
    Some(Changes {
        since: &comparison.previous_as_of,
        changed_settings: &comparison.changed_settings,
        groups: vec![
            group(
                "New failures",
                Direction::Worse,
                &comparison.new_failures,
                &incident,
            ),
            group(
                "Started recurring",
                Direction::Worse,
                &comparison.started_recurring,
                &control,
            ),
            group(
                "Stopped recurring",
                Direction::Better,
                &comparison.stopped_recurring,
                &control,
            ),
            group(
                "Opened exceptions",
                Direction::Worse,
                &comparison.opened_exceptions,
                &exception,
            ),
            group(
                "Newly expired exceptions",
                Direction::Worse,
                &comparison.newly_expired,
                &exception,
            ),
            group(
                "Closed exceptions",
                Direction::Better,
                &comparison.closed_exceptions,
                &exception,
            ),
        ],
        new_gaps: index
            .metrics
            .gaps
            .iter()
            .filter(|g| {
                new_gaps.contains(&(
                    g.kind.as_str().to_string(),
                    g.record.clone(),
                    g.person.clone(),
                ))
            })
            .map(|g| gap_row(index, g))
            .collect(),
        resolved_gaps: comparison
            .resolved_gaps
            .iter()
            .map(|gap| resolved(index, gap))
            .collect(),
    })
}

fn item<'a>(id: &'a str, known: bool, link: impl Fn(&'a str) -> Link<'a>) -> Item<'a> {
    Item {
        id,
        link: known.then(|| link(id)),
    }
}

/// An earlier gap, linked to its record and person where they are still in the content.
fn resolved<'a>(index: &Index<'a>, (kind, record, person): &'a GapKey) -> ResolvedGap<'a> {
    let model = index.model;
    let id = record.as_str();
    // As in the gap lists: a no-process-fix gap is an incident's, a fix-did-not-hold gap a
    // review's, the others a control's, a process's or an exception's.
    let record = match kind.as_str() {
        "no-process-fix" => item(id, model.incidents.contains_key(id), |id| {
            index.incident(id)
        }),
        "fix-did-not-hold" => item(id, model.reviews.contains_key(id), |id| index.review(id)),
        _ if model.controls.contains_key(id) => item(id, true, |id| index.control(id)),
        _ if model.processes.contains_key(id) => item(id, true, |id| index.process(id)),
        _ => item(id, model.exceptions.contains_key(id), |id| {
            index.exception(id)
        }),
    };
    ResolvedGap {
        kind: super::words(kind),
        record,
        person: person
            .as_deref()
            .map(|p| item(p, model.people.contains_key(p), |p| index.person(p))),
    }
}
