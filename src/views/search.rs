//! The search index: one entry per page, written as a script (`assets/search-index.js`) so the
//! search box also works when the site is opened from `file://`, where fetching JSON is blocked.

use serde::Serialize;

use super::index::Index;
use super::title_or_id;

/// The kinds of record, in the order of `KINDS` in `static/site.js`: an entry names its kind
/// by position, and its page is `{folder}/{id}.html`.
const KINDS: [&str; 8] = [
    "control",
    "process",
    "exception",
    "incident",
    "review",
    "person",
    "framework",
    "team",
];

/// One searchable page, written as `[title, kind, id, text]`: an array rather than an
/// object, and the address left for the script to make from the kind and the id, keep the
/// index small enough to load fast at tens of thousands of records.
struct Entry<'a> {
    /// Title shown in the results.
    t: &'a str,
    /// Kind: the position of its name in `KINDS`.
    k: &'static str,
    /// The record's id: its page is `{folder}/{id}.html`.
    id: &'a str,
    /// Extra searchable text besides the title and the id: owner, state, origins.
    s: String,
}

impl Serialize for Entry<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let kind = KINDS.iter().position(|k| *k == self.k).unwrap_or_default();
        let mut entry = serializer.serialize_tuple(4)?;
        entry.serialize_element(self.t)?;
        entry.serialize_element(&kind)?;
        entry.serialize_element(self.id)?;
        entry.serialize_element(self.s.trim())?;
        entry.end()
    }
}

/// The scripts of the index and what each assigns, the smallest first: the search box loads
/// the first when it gets the focus, and the others after it, so the records most searched
/// for (controls, processes, people, teams) are found at once even at tens of thousands of
/// incidents. `static/site.js` reads them in this order.
pub const SHARDS: [(&str, &str); 3] = [
    ("assets/search-index.js", "window.GOVSITE_SEARCH = "),
    (
        "assets/search-exceptions.js",
        "(window.GOVSITE_SEARCH_MORE = window.GOVSITE_SEARCH_MORE || {}).exceptions = ",
    ),
    (
        "assets/search-incidents.js",
        "(window.GOVSITE_SEARCH_MORE = window.GOVSITE_SEARCH_MORE || {}).incidents = ",
    ),
];

/// The search index's entries, one list per script of `SHARDS`.
pub struct SearchIndex<'a> {
    shards: [Vec<Entry<'a>>; 3],
}

impl SearchIndex<'_> {
    /// The script `SHARDS[shard]`.
    pub fn write(&self, shard: usize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let (Some((_, assign)), Some(entries)) = (SHARDS.get(shard), self.shards.get(shard)) else {
            return Ok(());
        };
        out.write_all(assign.as_bytes())?;
        serde_json::to_writer(&mut *out, entries)?;
        out.write_all(b";\n")
    }
}

/// One entry per record page.
pub fn search_index<'a>(index: &Index<'a>) -> SearchIndex<'a> {
    let mut first = Vec::new();
    records(index, &mut first);
    people_and_frameworks(index, &mut first);
    reviews(index, &mut first);
    let mut exceptions = Vec::new();
    exception_entries(index, &mut exceptions);
    let mut incident_entries = Vec::new();
    incidents(index, &mut incident_entries);
    SearchIndex {
        shards: [first, exceptions, incident_entries],
    }
}

/// The name of the person `id`, or nothing.
fn name<'a>(index: &Index<'a>, id: &Option<String>) -> &'a str {
    id.as_deref()
        .and_then(|id| index.model.people.get(id))
        .map_or("", |p| p.name.as_str())
}

fn records<'a>(index: &Index<'a>, entries: &mut Vec<Entry<'a>>) {
    let model = index.model;
    for c in model.controls.values() {
        let s = format!(
            "{} {}",
            name(index, &c.owner),
            c.owner.as_deref().unwrap_or_default()
        );
        entries.push(Entry {
            t: title_or_id(&c.title, &c.id),
            k: "control",
            id: &c.id,
            s,
        });
    }
    for p in model.processes.values() {
        let s = name(index, &p.owner).to_string();
        entries.push(Entry {
            t: title_or_id(&p.title, &p.id),
            k: "process",
            id: &p.id,
            s,
        });
    }
}

fn exception_entries<'a>(index: &Index<'a>, entries: &mut Vec<Entry<'a>>) {
    let model = index.model;
    for e in model.exceptions.values() {
        let state = index
            .exception_metrics
            .get(e.id.as_str())
            .map_or("", |m| m.state.as_str());
        let s = format!(
            "{} {} {}",
            e.control.as_deref().unwrap_or_default(),
            name(index, &e.approved_by),
            state
        );
        entries.push(Entry {
            t: title_or_id(&e.title, &e.id),
            k: "exception",
            id: &e.id,
            s,
        });
    }
}

fn incidents<'a>(index: &Index<'a>, entries: &mut Vec<Entry<'a>>) {
    let model = index.model;
    for metrics in &index.metrics.incidents {
        let Some(i) = model.incidents.get(&metrics.id) else {
            continue;
        };
        let origins: Vec<&str> = metrics.origins.iter().map(|o| o.as_str()).collect();
        let s = format!(
            "{} {} {}",
            i.control.as_deref().unwrap_or_default(),
            i.date,
            origins.join(" ")
        );
        entries.push(Entry {
            t: title_or_id(&i.title, &i.id),
            k: "incident",
            id: &i.id,
            s,
        });
    }
}

/// Reviews up to as-of: id, control, origin, decision, date and who decided and fixes.
fn reviews<'a>(index: &Index<'a>, entries: &mut Vec<Entry<'a>>) {
    let model = index.model;
    for metrics in &index.metrics.reviews {
        let Some(r) = model.reviews.get(&metrics.id) else {
            continue;
        };
        let s = format!(
            "{} {} {} {} {} {}",
            r.control.as_deref().unwrap_or_default(),
            r.origin.map_or("", |o| o.as_str()),
            r.decision.map_or("", |d| d.as_str()),
            r.date,
            name(index, &r.decided_by),
            name(index, &metrics.fix_owner),
        );
        entries.push(Entry {
            t: title_or_id(&r.title, &r.id),
            k: "review",
            id: &r.id,
            s,
        });
    }
}

fn people_and_frameworks<'a>(index: &Index<'a>, entries: &mut Vec<Entry<'a>>) {
    let model = index.model;
    for p in model.people.values() {
        let s = format!(
            "{} {}",
            p.title.as_deref().unwrap_or_default(),
            p.team.as_deref().unwrap_or_default()
        );
        entries.push(Entry {
            t: &p.name,
            k: "person",
            id: &p.id,
            s,
        });
    }
    for t in model.teams.values() {
        let lead = name(index, &t.lead).to_string();
        entries.push(Entry {
            t: title_or_id(&t.name, &t.id),
            k: "team",
            id: &t.id,
            s: lead,
        });
    }
    for f in model.frameworks.values() {
        let refs: Vec<&str> = f.references.iter().map(|r| r.id.as_str()).collect();
        let s = refs.join(" ");
        entries.push(Entry {
            t: &f.name,
            k: "framework",
            id: &f.id,
            s,
        });
    }
}
