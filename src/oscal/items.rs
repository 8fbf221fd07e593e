//! The POA&M items: one per open exception (a deviation, its grant periods in the risk log)
//! and one per incident with open remediation actions (an observation, a risk, and the
//! actions as milestones of its remediation).

use super::schema::{
    Link, LoggedBy, Observation, PoamItem, Property, RelatedObservation, RelatedRisk, Response,
    ResponsibleRole, Risk, RiskLog, RiskLogEntry, Task, Timestamp, Timing,
};
use super::{one_line, person_uuid, uuid};
use crate::metrics::{
    Accountable, ActionRecord, ActionStatus, ExceptionMetrics, IncidentMetrics, Metrics, Role,
};
use crate::model::{Day, Exception, Incident, Model};

/// One of the POA&M's three lists, in the order the file has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Observations,
    Risks,
    PoamItems,
}

impl List {
    pub const ALL: [List; 3] = [List::Observations, List::Risks, List::PoamItems];

    /// The list's key in the `plan-of-action-and-milestones` object.
    pub fn key(self) -> &'static str {
        match self {
            List::Observations => "observations",
            List::Risks => "risks",
            List::PoamItems => "poam-items",
        }
    }
}

/// What the items add to the POA&M, in the order written.
#[derive(Default)]
pub struct Items {
    pub observations: Vec<Observation>,
    pub risks: Vec<Risk>,
    pub poam_items: Vec<PoamItem>,
}

/// A record that becomes a POA&M item: an exception open on the as-of date, or an incident
/// (up to as-of) with an action open on it, with its actions.
pub enum Source<'a> {
    Exception(&'a ExceptionMetrics, &'a Exception),
    Incident(&'a IncidentMetrics, &'a Incident, Vec<&'a ActionStatus>),
}

/// The records behind the items, in the order written: the open exceptions in id order,
/// then the incidents with an open action in id order.
pub fn sources<'a>(model: &'a Model, metrics: &'a Metrics) -> Vec<Source<'a>> {
    let mut sources = Vec::new();
    for m in metrics.exceptions.iter().filter(|m| m.state.is_open()) {
        if let Some(exception) = model.exceptions.get(&m.id) {
            sources.push(Source::Exception(m, exception));
        }
    }
    // `metrics.actions` lists incident actions first, grouped by incident in id order.
    let actions: Vec<&ActionStatus> = (metrics.actions.iter())
        .filter(|a| a.record_kind == ActionRecord::Incident)
        .collect();
    for group in actions.chunk_by(|a, b| a.record == b.record) {
        if !group.iter().any(|a| a.open) {
            continue;
        }
        let id = group[0].record.as_str();
        let found = metrics
            .incidents
            .binary_search_by(|i| i.id.as_str().cmp(id));
        let (Ok(at), Some(incident)) = (found, model.incidents.get(id)) else {
            continue;
        };
        sources.push(Source::Incident(
            &metrics.incidents[at],
            incident,
            group.to_vec(),
        ));
    }
    sources
}

impl Source<'_> {
    /// Adds the record's entries of `list` (its observation, risk or item) to `out`. The
    /// file is written a list at a time, so each list's entries are made on their own.
    pub fn add(&self, model: &Model, metrics: &Metrics, list: List, out: &mut Items) {
        match self {
            Source::Exception(m, exception) => {
                exception_item(model, metrics, m, exception, list, out)
            }
            Source::Incident(m, incident, actions) => {
                incident_item(model, m, incident, actions, list, out)
            }
        }
    }
}

fn exception_item(
    model: &Model,
    metrics: &Metrics,
    m: &ExceptionMetrics,
    exception: &Exception,
    list: List,
    out: &mut Items,
) {
    // A deviation is not an observation.
    if list == List::Observations {
        return;
    }
    let id = m.id.as_str();
    let title = titled("Exception", id, &exception.title);
    let risk_uuid = uuid("risk:exception", id);
    let description = deviation(model, metrics.as_of, m);
    let said = (risk_uuid, title, description);
    if list == List::Risks {
        out.risks.push(exception_risk(model, m, exception, said));
    } else {
        out.poam_items
            .push(exception_poam_item(metrics, m, exception, said));
    }
}

/// The UUID of an exception's risk, and the title and description of its risk and item.
type Said = (uuid::Uuid, String, String);

fn exception_risk(
    model: &Model,
    m: &ExceptionMetrics,
    exception: &Exception,
    (risk_uuid, title, description): Said,
) -> Risk {
    Risk {
        uuid: risk_uuid,
        title,
        description,
        statement: format!(
            "Risk accepted: {}. {} grant period(s), the latest approved by {}.",
            exception.risk.map_or("not rated", |r| r.as_str()),
            m.periods.len(),
            who(model, m.approved_by.as_deref()),
        ),
        props: Vec::new(),
        status: "deviation-approved",
        deadline: m.effective_expiry.map(Timestamp),
        remediations: Vec::new(),
        risk_log: Some(RiskLog {
            entries: grant_periods(model, m),
        }),
        related_observations: Vec::new(),
    }
}

fn exception_poam_item(
    metrics: &Metrics,
    m: &ExceptionMetrics,
    exception: &Exception,
    (risk_uuid, title, description): Said,
) -> PoamItem {
    let id = m.id.as_str();
    let mut props = vec![
        Property::new("kind", "exception"),
        Property::new("exception", id),
    ];
    props.extend(m.control.iter().map(|c| Property::new("control", c)));
    props.extend(
        exception
            .process
            .iter()
            .map(|p| Property::new("process", p)),
    );
    props.extend(exception.risk.map(|r| Property::new("risk", r.as_str())));
    props.push(Property::new("state", m.state.as_str()));
    props.extend(m.effective_expiry.map(|day| Property::new("expires", day)));
    let flags = [
        ("permanent", m.effective_expiry.is_none()),
        ("over-policy", m.over_policy),
        ("chronic", m.chronic),
        ("self-approved", m.self_approved),
    ];
    props.extend(flags.map(|(name, flag)| Property::new(name, flag)));
    props.push(Property::new("renewals", m.renewals));
    props.extend(
        m.requested_by
            .iter()
            .map(|p| Property::new("requested-by", p)),
    );
    props.extend(m.approved_by.iter().map(|p| Property::new("approver", p)));
    props.extend(
        (m.unauthorized_approvers.iter()).map(|p| Property::new("unauthorized-approver", p)),
    );
    props.extend(accountable(&[Accountable {
        role: Role::ApprovingManager,
        person: m.approved_by.clone(),
    }]));
    let failures = metrics
        .failures_during_exception
        .get(id)
        .into_iter()
        .flatten();
    props.extend(failures.map(|f| Property::new("failure", &f.incident)));
    PoamItem {
        uuid: uuid("poam-item:exception", id),
        title,
        description,
        props,
        links: vec![page("exceptions", id)],
        related_observations: Vec::new(),
        related_risks: vec![RelatedRisk { risk_uuid }],
    }
}

/// What the deviation is and where it stands on the as-of date.
fn deviation(model: &Model, as_of: Day, m: &ExceptionMetrics) -> String {
    let control = control_text(model, m.control.as_deref());
    let expiry = match (m.effective_expiry, m.days_to_expiry) {
        (Some(day), Some(days)) => format!("it expires on {day} ({days} days after {as_of})"),
        _ => "it has no expiry (permanent)".to_string(),
    };
    format!(
        "Deviation from {control}, requested by {}. State on {as_of}: {}; {expiry}.",
        who(model, m.requested_by.as_deref()),
        m.state.as_str(),
    )
}

/// One risk-log entry per grant period: the original grant, then each renewal.
fn grant_periods(model: &Model, m: &ExceptionMetrics) -> Vec<RiskLogEntry> {
    let periods = m.periods.iter().enumerate().map(|(n, period)| {
        let mut props: Vec<Property> = (period.approved_by.iter())
            .map(|p| Property::new("approver", p))
            .collect();
        props.extend(period.days.map(|days| Property::new("days", days)));
        props.push(Property::new("over-policy", period.over_policy));
        props.push(Property::new("self-approved", period.self_approved));
        RiskLogEntry {
            uuid: uuid("risk-log-entry:exception", &format!("{}/{n}", m.id)),
            title: match n {
                0 => "Original grant".to_string(),
                n => format!("Renewal {n}"),
            },
            start: Timestamp(period.granted),
            end: period.expires.map(Timestamp),
            props,
            logged_by: party(model, period.approved_by.as_deref())
                .map(|party_uuid| LoggedBy {
                    party_uuid,
                    role_id: Role::ApprovingManager.as_str(),
                })
                .into_iter()
                .collect(),
            status_change: "deviation-approved",
        }
    });
    periods.collect()
}

fn incident_item(
    model: &Model,
    m: &IncidentMetrics,
    incident: &Incident,
    actions: &[&ActionStatus],
    list: List,
    out: &mut Items,
) {
    let id = m.id.as_str();
    let title = titled("Incident", id, &incident.title);
    if list == List::Observations {
        out.observations
            .push(observation(model, m, incident, &title));
        return;
    }
    let (observation_uuid, risk_uuid) =
        (uuid("observation:incident", id), uuid("risk:incident", id));
    let open = actions.iter().filter(|a| a.open).count();
    let overdue = actions.iter().filter(|a| a.overdue).count();
    let origins: Vec<&str> = m.origins.iter().map(|o| o.as_str()).collect();
    if list == List::Risks {
        out.risks.push(Risk {
        uuid: risk_uuid,
        title: title.clone(),
        description: format!(
            "Failure of origin {} of {}.",
            or_none(&origins.join(", ")),
            control_of(model, m)
        ),
        statement: format!(
            "Accountable: {}. Remediation actions open on the as-of date: {open} ({overdue} overdue).",
            accountable_text(model, &m.accountable)
        ),
        props: Vec::new(),
        status: "remediating",
        deadline: (actions.iter())
            .filter(|a| a.open)
            .filter_map(|a| a.due)
            .max()
            .map(Timestamp),
        remediations: vec![Response {
            uuid: uuid("response:incident", id),
            lifecycle: "planned",
            title: format!("Remediation of incident {id}"),
            description: "The remediation actions of the incident, each a milestone.".to_string(),
            tasks: actions.iter().map(|a| milestone(model, m.date, a)).collect(),
        }],
        risk_log: None,
        related_observations: vec![RelatedObservation { observation_uuid }],
    });
        return;
    }
    let mut props = vec![
        Property::new("kind", "incident"),
        Property::new("incident", id),
    ];
    props.extend(m.control.iter().map(|c| Property::new("control", c)));
    props.extend(incident.process.iter().map(|p| Property::new("process", p)));
    props.extend(origins.iter().map(|o| Property::new("origin", o)));
    props.extend(accountable(&m.accountable));
    props.push(Property::new("open-actions", open));
    props.push(Property::new("overdue-actions", overdue));
    out.poam_items.push(PoamItem {
        uuid: uuid("poam-item:incident", id),
        title,
        description: format!("Open remediation of {}.", control_of(model, m)),
        props,
        links: vec![page("incidents", id)],
        related_observations: vec![RelatedObservation { observation_uuid }],
        related_risks: vec![RelatedRisk { risk_uuid }],
    });
}

/// The failure as observed: when it happened, was detected and resolved, how it surfaced.
fn observation(
    model: &Model,
    m: &IncidentMetrics,
    incident: &Incident,
    title: &str,
) -> Observation {
    let mut description = format!("Failure of {} on {}", control_of(model, m), m.date);
    if let Some(detected) = incident.detected {
        description.push_str(&format!(", detected on {detected}"));
    }
    match incident.resolved {
        Some(resolved) => description.push_str(&format!(", resolved on {resolved}.")),
        None => description.push_str(", not resolved."),
    }
    let mut props = Vec::new();
    props.extend(
        incident
            .severity
            .map(|s| Property::new("severity", s.as_str())),
    );
    props.extend(
        incident
            .surfaced_by
            .map(|s| Property::new("surfaced-by", s.as_str())),
    );
    props.extend(incident.nhi.map(|n| Property::new("nhi", n.as_str())));
    props.push(Property::new("repeat", m.repeat));
    Observation {
        uuid: uuid("observation:incident", &m.id),
        title: title.to_string(),
        description,
        props,
        links: vec![page("incidents", &m.id)],
        methods: vec!["EXAMINE"],
        types: vec!["finding"],
        collected: Timestamp(incident.detected.unwrap_or(m.date)),
    }
}

/// A remediation action as a milestone: between the failure and the due date (on the due
/// date when it falls before the failure), its owner responsible.
fn milestone(model: &Model, date: Day, action: &ActionStatus) -> Task {
    let number = action.index + 1;
    let state = match (action.open, action.overdue) {
        (false, _) => "done",
        (true, true) => "overdue",
        (true, false) => "open",
    };
    let mut props = vec![Property::new("state", state)];
    props.extend(action.due.map(|due| Property::new("due", due)));
    props.extend(
        action
            .done
            .filter(|_| !action.open)
            .map(|d| Property::new("done", d)),
    );
    props.extend(action.owner.iter().map(|o| Property::new("owner", o)));
    Task {
        uuid: uuid("task:incident", &format!("{}/{number}", action.record)),
        kind: "milestone",
        title: one_line(&action.title).unwrap_or_else(|| format!("Action {number}")),
        props,
        timing: timing(date, action.due),
        responsible_roles: party(model, action.owner.as_deref())
            .map(|owner| ResponsibleRole {
                role_id: "action-owner",
                party_uuids: vec![owner],
            })
            .into_iter()
            .collect(),
    }
}

/// From the failure to the due date; on the due date when it lies before the failure.
fn timing(date: Day, due: Option<Day>) -> Option<Timing> {
    let due = due?;
    Some(if date <= due {
        Timing::WithinDateRange {
            start: Timestamp(date),
            end: Timestamp(due),
        }
    } else {
        Timing::OnDate {
            date: Timestamp(due),
        }
    })
}

/// `accountable-role` per role, then `accountable-person` (its role as class) per person.
fn accountable(entries: &[Accountable]) -> Vec<Property> {
    let roles = entries
        .iter()
        .map(|a| Property::new("accountable-role", a.role.as_str()));
    let people = entries.iter().filter_map(|a| {
        let person = a.person.as_deref()?;
        Some(Property::new("accountable-person", person).with_class(a.role.as_str()))
    });
    roles.chain(people).collect()
}

/// "control owner Dana Okafor (dana-okafor); process owner nobody".
fn accountable_text(model: &Model, entries: &[Accountable]) -> String {
    let text: Vec<String> = (entries.iter())
        .map(|a| {
            format!(
                "{} {}",
                a.role.as_str().replace('-', " "),
                who(model, a.person.as_deref())
            )
        })
        .collect();
    or_none(&text.join("; ")).to_string()
}

fn or_none(text: &str) -> &str {
    if text.is_empty() {
        "none"
    } else {
        text
    }
}

fn control_of(model: &Model, m: &IncidentMetrics) -> String {
    control_text(model, m.control.as_deref())
}

/// "control CTL-A: Rotation of deploy secrets", or "no control".
fn control_text(model: &Model, control: Option<&str>) -> String {
    match control {
        Some(id) => titled(
            "control",
            id,
            model.controls.get(id).map_or("", |c| &c.title),
        ),
        None => "no control".to_string(),
    }
}

/// "Exception EXC-1: Legacy job" or "Exception EXC-1" without a title.
fn titled(kind: &str, id: &str, title: &str) -> String {
    match one_line(title) {
        Some(title) => format!("{kind} {id}: {title}"),
        None => format!("{kind} {id}"),
    }
}

/// "Dana Okafor (dana-okafor)", the id alone for someone not in people.yaml, "nobody".
fn who(model: &Model, id: Option<&str>) -> String {
    let Some(id) = id else {
        return "nobody".to_string();
    };
    match model.people.get(id).and_then(|p| one_line(&p.name)) {
        Some(name) => format!("{name} ({id})"),
        None => id.to_string(),
    }
}

/// The party of a person in people.yaml; `None` for anyone else.
fn party(model: &Model, id: Option<&str>) -> Option<uuid::Uuid> {
    id.filter(|id| model.people.contains_key(*id))
        .map(person_uuid)
}

/// The record's page in the site, from `data/oscal/`.
fn page(folder: &str, id: &str) -> Link {
    Link {
        href: format!("../../{folder}/{id}.html"),
        rel: "reference",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::*;

    fn build(kit: &Kit) -> Items {
        let metrics = kit.compute(AS_OF);
        let mut items = Items::default();
        for list in List::ALL {
            for source in sources(&kit.model, &metrics) {
                source.add(&kit.model, &metrics, list, &mut items);
            }
        }
        items
    }

    fn values<'a>(props: &'a [Property], name: &str) -> Vec<&'a str> {
        let named = props.iter().filter(|p| p.name == name);
        named.map(|p| p.value.as_str()).collect()
    }

    fn with_actions(mut incident: Incident, actions: Vec<crate::model::Action>) -> Incident {
        incident.actions = actions;
        incident
    }

    #[test]
    fn only_incidents_with_an_action_open_on_the_as_of_date_are_items() {
        let done = action("done", "dana", Some("2026-05-01"), Some("2026-05-02"));
        // Done after as-of: still open on the as-of date.
        let done_later = action("later", "dana", Some("2026-10-01"), Some("2026-11-05"));
        let kit = Kit::default()
            .people(&["dana"])
            .control(control("CTL-A", "dana"))
            .incident(with_actions(
                incident("INC-1", "CTL-A", "2026-04-01", &[Design]),
                vec![done.clone()],
            ))
            .incident(with_actions(
                incident("INC-2", "CTL-A", "2026-09-01", &[Design]),
                vec![done, done_later],
            ))
            .incident(with_actions(
                incident("INC-3", "CTL-A", "2026-12-01", &[Design]),
                vec![action("future", "dana", None, None)],
            ))
            .review(with_done(
                defect_review("REV-1", "CTL-A", Design, "2026-10-01"),
                &[None],
            ));
        let items = build(&kit);
        let ids: Vec<Vec<&str>> = (items.poam_items.iter())
            .map(|i| values(&i.props, "incident"))
            .collect();
        assert_eq!(ids, [["INC-2"]]);
        let tasks = &items.risks[0].remediations[0].tasks;
        let states: Vec<Vec<&str>> = tasks.iter().map(|t| values(&t.props, "state")).collect();
        assert_eq!(states, [["done"], ["overdue"]]);
        assert_eq!(values(&tasks[0].props, "done"), ["2026-05-02"]);
        assert!(values(&tasks[1].props, "done").is_empty());
    }

    #[test]
    fn renewals_are_logged_after_the_original_grant_with_their_approvers() {
        let mut renewed = exception("EXC-1", "CTL-A", "maria", "2026-06-01", Some("2026-08-01"));
        renewed.renewals = vec![renewal("lee", "2026-08-01", "2026-12-31")];
        let kit = Kit::default()
            .people(&["maria", "requester"])
            .control(control("CTL-A", "maria"))
            .exception(renewed);
        let items = build(&kit);
        let entries = &items.risks[0].risk_log.as_ref().unwrap().entries;
        let titles: Vec<&str> = entries.iter().map(|e| e.title.as_str()).collect();
        assert_eq!(titles, ["Original grant", "Renewal 1"]);
        assert_eq!(entries[1].start, Timestamp(day("2026-08-01")));
        assert_eq!(entries[1].end, Some(Timestamp(day("2026-12-31"))));
        assert_eq!(entries[0].logged_by[0].party_uuid, person_uuid("maria"));
        // `lee` is not in people.yaml: named, but no party to point at.
        assert_eq!(values(&entries[1].props, "approver"), ["lee"]);
        assert!(entries[1].logged_by.is_empty());
        let item = &items.poam_items[0];
        assert_eq!(values(&item.props, "approver"), ["lee"]);
        assert_eq!(values(&item.props, "chronic"), ["false"]);
        assert_eq!(values(&item.props, "renewals"), ["1"]);
    }

    #[test]
    fn a_milestone_runs_from_the_failure_to_the_due_date() {
        let (failure, due) = (day("2026-03-14"), day("2026-05-01"));
        assert_eq!(
            timing(failure, Some(due)),
            Some(Timing::WithinDateRange {
                start: Timestamp(failure),
                end: Timestamp(due)
            })
        );
        assert_eq!(
            timing(due, Some(failure)),
            Some(Timing::OnDate {
                date: Timestamp(failure)
            })
        );
        assert_eq!(timing(failure, None), None);
    }

    #[test]
    fn accountability_lists_roles_then_the_people_with_their_role() {
        let entries = [
            Accountable {
                role: Role::ControlOwner,
                person: Some("dana".to_string()),
            },
            Accountable {
                role: Role::ProcessOwner,
                person: None,
            },
        ];
        let props = accountable(&entries);
        let pairs: Vec<(&str, &str, Option<&str>)> = (props.iter())
            .map(|p| (p.name, p.value.as_str(), p.class))
            .collect();
        assert_eq!(
            pairs,
            [
                ("accountable-role", "control-owner", None),
                ("accountable-role", "process-owner", None),
                ("accountable-person", "dana", Some("control-owner")),
            ]
        );
    }
}
