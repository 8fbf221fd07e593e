//! Calendar feeds (RFC 5545, written by the `icalendar` crate): the dates by which something
//! must be done, for a calendar app to subscribe to.
//!
//! Three kinds of date, all from the computed metrics: the effective expiry of every open
//! exception, the day each control's next review falls due, and the due date of every open
//! remediation action (of incidents and of process-defect reviews). `calendar.ics` holds all
//! of them; `calendar/people/<id>.ics` those naming the person; `calendar/teams/<id>.ics`
//! those naming a member of the team. Every event is an all-day event, its UID made from its
//! record's id and its kind, and its DTSTAMP is the as-of date, so the files depend only on the
//! content and the as-of date.

use icalendar::{Calendar, Component, Event, EventLike};
use rayon::prelude::*;
use rustc_hash::FxHashMap as HashMap;

use crate::metrics::{ActionRecord, ActionStatus, ExceptionMetrics, Metrics};
use crate::model::{Day, Model};
use crate::output::Sink;

/// The feed of every date, at the site root.
pub const SITE_FEED: &str = "calendar.ics";

/// The feed of one person, from the site root.
pub fn person_feed(id: &str) -> String {
    format!("calendar/people/{id}.ics")
}

/// The feed of one team, from the site root.
pub fn team_feed(id: &str) -> String {
    format!("calendar/teams/{id}.ics")
}

/// What falls due on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DueKind {
    ExceptionExpiry,
    ControlReview,
    IncidentAction,
    ReviewAction,
}

impl DueKind {
    /// The name in UIDs and in the event's CATEGORIES.
    pub fn as_str(self) -> &'static str {
        match self {
            DueKind::ExceptionExpiry => "exception-expiry",
            DueKind::ControlReview => "control-review",
            DueKind::IncidentAction => "incident-action",
            DueKind::ReviewAction => "review-action",
        }
    }
}

/// One dated event of the feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due<'a> {
    pub day: Day,
    pub kind: DueKind,
    /// The exception, control, incident or review the date belongs to.
    pub record: &'a str,
    /// For an action, its number in its record's `actions` list, from 1.
    pub action: Option<usize>,
    pub summary: String,
    pub description: String,
    /// The people the date concerns, each once, in id order.
    pub people: Vec<&'a str>,
}

impl Due<'_> {
    /// Stable across builds: the record's id and the kind (and the action's number).
    /// Ids never hold `@`, and kinds never hold `.`, so no two events share one.
    pub fn uid(&self) -> String {
        match self.action {
            Some(number) => format!("{}.{}-{number}@govsite", self.record, self.kind.as_str()),
            None => format!("{}.{}@govsite", self.record, self.kind.as_str()),
        }
    }
}

/// Every dated event, ordered by (day, UID).
pub fn due_dates<'a>(model: &'a Model, metrics: &'a Metrics) -> Vec<Due<'a>> {
    let mut due: Vec<Due> = (metrics.exceptions.iter())
        .filter_map(|e| exception_expiry(model, metrics.as_of, e))
        .collect();
    due.extend(control_reviews(model, metrics));
    due.extend(metrics.actions.iter().filter_map(|a| action_due(model, a)));
    let mut keyed: Vec<(String, Due)> = due.into_iter().map(|d| (d.uid(), d)).collect();
    keyed.sort_by(|a, b| (a.1.day, &a.0).cmp(&(b.1.day, &b.0)));
    keyed.into_iter().map(|(_, due)| due).collect()
}

/// An open exception's effective expiry: its requester and latest approver must renew or
/// close it by then. Permanent, closed and future exceptions have none.
fn exception_expiry<'a>(
    model: &'a Model,
    as_of: Day,
    metrics: &'a ExceptionMetrics,
) -> Option<Due<'a>> {
    let day = metrics
        .effective_expiry
        .filter(|_| metrics.state.is_open())?;
    let exception = model.exceptions.get(&metrics.id)?;
    let control = metrics.control.as_deref().unwrap_or("no control");
    let mut description = vec![
        about("Exception", &metrics.id, &exception.title),
        format!("Control: {control}"),
        format!("State on {as_of}: {}", metrics.state.as_str()),
    ];
    description.extend(named(
        model,
        "Requested by",
        metrics.requested_by.as_deref(),
    ));
    description.extend(named(model, "Approved by", metrics.approved_by.as_deref()));
    description.push(page("exceptions", &metrics.id));
    Some(Due {
        day,
        kind: DueKind::ExceptionExpiry,
        record: &metrics.id,
        action: None,
        summary: format!("Exception {} expires ({control})", metrics.id),
        description: description.join("\n"),
        people: people([&metrics.requested_by, &metrics.approved_by]),
    })
}

/// The day each control's next review falls due, for its current owner.
fn control_reviews<'a>(model: &'a Model, metrics: &'a Metrics) -> impl Iterator<Item = Due<'a>> {
    metrics.controls.iter().filter_map(move |m| {
        let control = model.controls.get(&m.id)?;
        let (day, review) = (m.review_due?, control.review.as_ref()?);
        let mut description = vec![about("Control", &m.id, &control.title)];
        description.extend(named(model, "Owner", m.owner.as_deref()));
        description.push(format!(
            "Last review: {}, every {} days",
            review.last, review.every_days
        ));
        if let Some(after) = m.review_overdue_after {
            description.push(format!("Overdue after: {after}"));
        }
        description.push(page("controls", &m.id));
        Some(Due {
            day,
            kind: DueKind::ControlReview,
            record: &m.id,
            action: None,
            summary: match control.title.as_str() {
                "" => format!("Review due: {}", m.id),
                title => format!("Review due: {title} ({})", m.id),
            },
            description: description.join("\n"),
            people: people([&m.owner]),
        })
    })
}

/// An open remediation action's due date, for its owner.
fn action_due<'a>(model: &'a Model, action: &'a ActionStatus) -> Option<Due<'a>> {
    let day = action.due.filter(|_| action.open)?;
    let (kind, folder, label, record_title) = match action.record_kind {
        ActionRecord::Incident => {
            let incident = model.incidents.get(&action.record)?;
            let kind = DueKind::IncidentAction;
            (kind, "incidents", "Incident", &incident.title)
        }
        ActionRecord::Review => {
            let review = model.reviews.get(&action.record)?;
            (DueKind::ReviewAction, "reviews", "Review", &review.title)
        }
    };
    let number = action.index + 1;
    let kind_name = action.record_kind.as_str();
    let mut description = vec![
        format!(
            "Remediation action {number} of {kind_name} {}",
            action.record
        ),
        about(label, &action.record, record_title),
    ];
    description.extend(named(model, "Owner", action.owner.as_deref()));
    if action.overdue {
        description.push("Overdue: not done by its due date".to_string());
    }
    description.push(page(folder, &action.record));
    Some(Due {
        day,
        kind,
        record: &action.record,
        action: Some(number),
        summary: format!("Action due: {} ({})", action.title, action.record),
        description: description.join("\n"),
        people: people([&action.owner]),
    })
}

/// `Kind ID: title` (without the title when there is none).
fn about(kind: &str, id: &str, title: &str) -> String {
    format!("{kind} {}", titled(id, title))
}

fn titled(id: &str, title: &str) -> String {
    if title.is_empty() {
        id.to_string()
    } else {
        format!("{id}: {title}")
    }
}

/// `Role: Name (id)`, or nothing without a person.
fn named(model: &Model, role: &str, id: Option<&str>) -> Option<String> {
    let id = id?;
    Some(match model.people.get(id) {
        Some(person) => format!("{role}: {} ({id})", person.name),
        None => format!("{role}: {id}"),
    })
}

/// Where the record's page is, from the site root: feeds are fetched from anywhere, so a
/// relative link could not be followed, and the site's address is not known.
fn page(folder: &str, id: &str) -> String {
    format!("Page in the governance site: {folder}/{id}.html")
}

/// The people named, each once, in id order.
fn people<const N: usize>(ids: [&Option<String>; N]) -> Vec<&str> {
    let mut people: Vec<&str> = ids.into_iter().filter_map(|id| id.as_deref()).collect();
    people.sort_unstable();
    people.dedup();
    people
}

/// Writes `calendar.ics`, one feed per person and one per team into `sink`.
pub fn write_feeds(model: &Model, metrics: &Metrics, sink: &dyn Sink) -> anyhow::Result<()> {
    let due = due_dates(model, metrics);
    let stamp = stamp(metrics.as_of);
    // Each event is formatted once; a feed is its frame around the texts of its events.
    let events: Vec<String> = due
        .par_iter()
        .map(|d| event(d, &stamp).try_into_string())
        .collect::<Result<_, _>>()
        .map_err(|_| anyhow::anyhow!("formatting the calendar events"))?;
    let (by_person, by_team) = feeds_index(model, &due);
    let title = &model.site.title;
    let mut feeds: Vec<(String, String, &[usize])> = Vec::new();
    let all: Vec<usize> = (0..events.len()).collect();
    feeds.push((SITE_FEED.to_string(), title.clone(), &all));
    for person in model.people.values() {
        let events = by_person
            .get(person.id.as_str())
            .map_or(&[][..], Vec::as_slice);
        let name = format!("{title}: {}", person.name);
        feeds.push((person_feed(&person.id), name, events));
    }
    for team in model.teams.values() {
        let events = by_team.get(team.id.as_str()).map_or(&[][..], Vec::as_slice);
        let name = format!("{title}: {}", team.name);
        feeds.push((team_feed(&team.id), name, events));
    }
    feeds.par_iter().try_for_each(|(path, name, chosen)| {
        let (head, tail) = frame(name)?;
        let mut parts = Vec::with_capacity(chosen.len() + 2);
        parts.push(head.as_str());
        parts.extend(chosen.iter().map(|&i| events[i].as_str()));
        parts.push(tail);
        sink.put_parts(path.clone(), &parts)
    })
}

/// Positions in the list of due dates, by person or team id.
type Positions<'a> = HashMap<&'a str, Vec<usize>>;

/// The events of each person and of each team (a member's), as positions in `due`, in order
/// and each once.
fn feeds_index<'a>(model: &'a Model, due: &[Due<'a>]) -> (Positions<'a>, Positions<'a>) {
    let mut by_person = Positions::default();
    let mut by_team = Positions::default();
    for (i, d) in due.iter().enumerate() {
        for &id in &d.people {
            by_person.entry(id).or_default().push(i);
            let team = model.people.get(id).and_then(|p| p.team.as_deref());
            if let Some(team) = team {
                let events = by_team.entry(team).or_default();
                // Two members named by one event: it is in the team's feed once.
                if events.last() != Some(&i) {
                    events.push(i);
                }
            }
        }
    }
    (by_person, by_team)
}

/// The as-of date at midnight UTC: the DTSTAMP of every event.
fn stamp(as_of: Day) -> chrono::DateTime<chrono::Utc> {
    let midnight = date(as_of).and_hms_opt(0, 0, 0).unwrap_or_default();
    midnight.and_utc()
}

fn date(day: Day) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(day.year().into(), day.month() as u32, day.day() as u32)
        .unwrap_or_default()
}

/// One all-day event: DTSTART on its day, DTEND the next (DTEND is exclusive).
fn event(due: &Due, stamp: &chrono::DateTime<chrono::Utc>) -> Event {
    let start = date(due.day);
    let end = start.succ_opt().unwrap_or(start);
    Event::new()
        .uid(&due.uid())
        .timestamp(*stamp)
        .starts(start)
        .ends(end)
        .summary(&plain_text(&due.summary))
        .description(&plain_text(&due.description))
        .categories([due.kind.as_str()])
        .done()
}

/// The closing line of every calendar.
const END: &str = "END:VCALENDAR\r\n";

/// A feed's frame: the calendar's own properties, before its events, and its closing line.
fn frame(name: &str) -> anyhow::Result<(String, &'static str)> {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", "-//govsite//NHI governance//EN"))
        .append_property(("CALSCALE", "GREGORIAN"))
        .append_property(("METHOD", "PUBLISH"))
        // X-WR-CALNAME, not NAME: the crate escapes X- properties as text, and not NAME.
        .append_property(("X-WR-CALNAME", plain_text(name).as_str()));
    let mut head = calendar.to_string();
    match head.strip_suffix(END) {
        Some(rest) => head.truncate(rest.len()),
        None => anyhow::bail!("the calendar frame does not end with {END:?}"),
    }
    Ok((head, END))
}

/// Text as RFC 5545 TEXT can hold it: line breaks as `\n` (the crate escapes `\n`, `,`, `;`
/// and `\`, but not a carriage return), and no other control characters, which TEXT forbids.
fn plain_text(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    text.chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::metrics::testkit::*;
    use crate::output::Memory;

    /// As of 2026-11-01: two open exceptions with an expiry (one renewed), a closed, a
    /// permanent and a future one; one control with a review, one without; an incident with
    /// an open, a done, an undated and an overdue action; an incident after as-of; a review
    /// with one open action. dana and lee are in `sec`, ravi in `apps`.
    fn estate(hostile: &str) -> Kit {
        let mut ctl_a = control("CTL-A", "dana");
        ctl_a.title = "Rotation".to_string();
        ctl_a.review = Some(review("2026-06-30", 180));
        let ravi = |mut e: crate::model::Exception| {
            e.requested_by = Some("ravi".to_string());
            e
        };
        let mut exc_2 = exception("EXC-2", "CTL-A", "dana", "2026-09-01", Some("2026-12-01"));
        exc_2.closed = Some(day("2026-10-01"));
        let mut exc_5 = ravi(exception(
            "EXC-5",
            "CTL-A",
            "dana",
            "2026-08-01",
            Some("2026-09-01"),
        ));
        exc_5.renewals = vec![renewal("lee", "2026-09-01", "2026-11-30")];
        let mut inc_1 = incident("INC-1", "CTL-A", "2026-10-01", &[Design]);
        inc_1.actions = vec![
            action(hostile, "lee", Some("2026-11-15"), None),
            action("done", "lee", Some("2026-10-20"), Some("2026-10-19")),
            action("undated", "lee", None, None),
            action("late", "dana", Some("2026-10-20"), None),
        ];
        let mut inc_2 = incident("INC-2", "CTL-A", "2026-12-01", &[Design]);
        inc_2.actions = vec![action("later", "lee", Some("2026-12-10"), None)];
        let mut rev_1 = defect_review("REV-1", "CTL-A", Design, "2026-10-10");
        rev_1.actions = vec![action("fix", "ravi", Some("2026-11-20"), None)];
        let mut kit = Kit::default()
            .people(&["dana", "lee", "ravi"])
            .control(ctl_a)
            .control(control("CTL-B", "lee"))
            .exception(ravi(exception(
                "EXC-1",
                "CTL-A",
                "dana",
                "2026-09-01",
                Some("2026-10-15"),
            )))
            .exception(exc_2)
            .exception(exception("EXC-3", "CTL-A", "dana", "2026-09-01", None))
            .exception(exception(
                "EXC-4",
                "CTL-A",
                "dana",
                "2026-12-01",
                Some("2027-01-01"),
            ))
            .exception(exc_5)
            .incident(inc_1)
            .incident(inc_2)
            .review(rev_1);
        for (id, team) in [("dana", "sec"), ("lee", "sec"), ("ravi", "apps")] {
            kit.model.people.get_mut(id).unwrap().team = Some(team.to_string());
        }
        for team in ["sec", "apps", "empty"] {
            let yaml = format!("{{id: {team}, name: Team {team}}}");
            kit.model
                .teams
                .insert(team.into(), serde_yaml::from_str(&yaml).unwrap());
        }
        kit
    }

    fn feeds(kit: &Kit) -> BTreeMap<String, String> {
        let metrics = kit.compute(AS_OF);
        let memory = Memory::default();
        write_feeds(&kit.model, &metrics, &memory).unwrap();
        let files = memory.into_sealed().into_iter();
        let files = files.filter(|f| f.path.ends_with(".ics"));
        files
            .map(|f| (f.path, String::from_utf8(f.bytes).unwrap()))
            .collect()
    }

    /// The UIDs of a feed's events, in order, read back with the crate's parser.
    fn uids(text: &str) -> Vec<String> {
        let calendar: Calendar = text.parse().unwrap();
        let events = calendar.events();
        events.map(|e| e.get_uid().unwrap().to_string()).collect()
    }

    #[test]
    fn lists_open_expiries_review_due_dates_and_open_actions_by_day() {
        let kit = estate("first");
        let metrics = kit.compute(AS_OF);
        let due = due_dates(&kit.model, &metrics);
        let listed: Vec<(String, String, Vec<&str>)> = due
            .iter()
            .map(|d| (d.day.to_string(), d.uid(), d.people.clone()))
            .collect();
        let expected = [
            (
                "2026-10-15",
                "EXC-1.exception-expiry@govsite",
                vec!["dana", "ravi"],
            ),
            (
                "2026-10-20",
                "INC-1.incident-action-4@govsite",
                vec!["dana"],
            ),
            ("2026-11-15", "INC-1.incident-action-1@govsite", vec!["lee"]),
            ("2026-11-20", "REV-1.review-action-1@govsite", vec!["ravi"]),
            // The renewal's expiry; lee approved the renewal.
            (
                "2026-11-30",
                "EXC-5.exception-expiry@govsite",
                vec!["lee", "ravi"],
            ),
            // 2026-06-30 + 180 days.
            ("2026-12-27", "CTL-A.control-review@govsite", vec!["dana"]),
        ];
        let expected: Vec<(String, String, Vec<&str>)> = expected
            .into_iter()
            .map(|(day, uid, people)| (day.to_string(), uid.to_string(), people))
            .collect();
        assert_eq!(listed, expected);
    }

    #[test]
    fn writes_one_feed_for_the_site_each_person_and_each_team() {
        let feeds = feeds(&estate("first"));
        let paths: Vec<&str> = feeds.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "calendar.ics",
                "calendar/people/dana.ics",
                "calendar/people/lee.ics",
                "calendar/people/ravi.ics",
                "calendar/teams/apps.ics",
                "calendar/teams/empty.ics",
                "calendar/teams/sec.ics",
            ]
        );
        let count = |path: &str| uids(&feeds[path]).len();
        assert_eq!(count("calendar.ics"), 6);
        assert_eq!(count("calendar/people/dana.ics"), 3);
        assert_eq!(count("calendar/people/lee.ics"), 2);
        assert_eq!(count("calendar/people/ravi.ics"), 3);
        // EXC-5 names dana's teammate lee and ravi: once in each team.
        assert_eq!(count("calendar/teams/sec.ics"), 5);
        assert_eq!(count("calendar/teams/apps.ics"), 3);
        assert_eq!(count("calendar/teams/empty.ics"), 0);
        assert_eq!(
            uids(&feeds["calendar/people/lee.ics"]),
            [
                "INC-1.incident-action-1@govsite",
                "EXC-5.exception-expiry@govsite"
            ]
        );
    }

    #[test]
    fn events_are_all_day_stamped_with_the_as_of_date() {
        let feeds = feeds(&estate("first"));
        let lee = &feeds["calendar/people/lee.ics"];
        for line in [
            "DTSTART;VALUE=DATE:20261115\r\n",
            "DTEND;VALUE=DATE:20261116\r\n",
            "DTSTAMP:20261101T000000Z\r\n",
            "SUMMARY:Action due: first (INC-1)\r\n",
            "CATEGORIES:incident-action\r\n",
            "X-WR-CALNAME:NHI Governance: lee\r\n",
        ] {
            assert!(lee.contains(line), "{line:?} missing from\n{lee}");
        }
        assert_eq!(lee.matches("DTSTAMP:20261101T000000Z").count(), 2);
        assert_eq!(
            feeds,
            self::feeds(&estate("first")),
            "same input, same bytes"
        );
    }

    #[test]
    fn hostile_text_is_escaped_folded_and_read_back_whole() {
        let tail = "é".repeat(60);
        let hostile = format!("a,b;c\\d\nnext\r\nthird\rfourth\u{7}{tail}");
        let mut kit = estate(&hostile);
        kit.model.people.get_mut("lee").unwrap().name = "Lee\r\nX-INJECTED:1".to_string();
        let feeds = feeds(&kit);
        let text = &feeds["calendar/people/lee.ics"];
        assert!(text.contains("\r\nX-WR-CALNAME:NHI Governance: Lee\\nX-INJECTED:1\r\n"));
        let unfolded = text.replace("\r\n ", "");
        assert!(
            unfolded.contains("SUMMARY:Action due: a\\,b\\;c\\\\d\\nnext\\nthird\\nfourthéé"),
            "{unfolded}"
        );
        for line in text.split_inclusive('\n') {
            assert!(line.ends_with("\r\n"), "{line:?} does not end in CRLF");
            let content = &line[..line.len() - 2];
            assert!(!content.contains(['\r', '\n']), "{line:?}");
            assert!(content.len() <= 75, "{} octets: {line:?}", content.len());
        }
        let calendar: Calendar = text.parse().unwrap();
        let event = calendar.events().next().unwrap();
        let summary = format!("Action due: a,b;c\\d\nnext\nthird\nfourth{tail} (INC-1)");
        assert_eq!(event.get_summary(), Some(summary.as_str()));
    }
}
