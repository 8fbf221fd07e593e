//! Per-team figures (`teams[]` of `metrics.json`): the dashboard's summary counted over each
//! team's records, as docs/content-format.md ("Teams") defines them. One sweep over each
//! kind of record puts it into the buckets of the teams it belongs to.

use std::collections::BTreeSet;

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::{summarize, Counted, Finding, Metrics, Summary};
use crate::model::Model;

/// One team's figures.
#[derive(Debug, Clone, Serialize)]
pub struct TeamMetrics {
    pub id: String,
    /// People whose `team` is this team.
    pub members: usize,
    /// Processes a member owns.
    pub processes: usize,
    /// Exceptions on the team's controls or processes, or approved by a member (all states).
    pub exceptions: usize,
    /// Incidents up to as-of naming a member as accountable (any role, in or out of window).
    pub failures: usize,
    /// Remediation actions a member owns (open or done).
    pub actions: usize,
    /// Policy findings whose person to chase is a member.
    pub findings: usize,
    /// The dashboard's summary over the team's records.
    pub summary: Summary,
}

/// The positions of one team's records in `Metrics`, each once.
#[derive(Default)]
struct Bucket {
    members: usize,
    controls: BTreeSet<usize>,
    processes: usize,
    patterns: usize,
    exceptions: BTreeSet<usize>,
    incidents: BTreeSet<usize>,
    actions: Vec<usize>,
    gaps: Vec<usize>,
    findings: usize,
}

/// The figures of every team in the model, sorted by id.
pub(super) fn compute_teams(
    model: &Model,
    metrics: &Metrics,
    findings: &[Finding],
) -> Vec<TeamMetrics> {
    let mut buckets: HashMap<&str, Bucket> = model
        .teams
        .keys()
        .map(|id| (id.as_str(), Bucket::default()))
        .collect();
    let team_of: HashMap<&str, &str> = model
        .people
        .values()
        .filter_map(|p| Some((p.id.as_str(), p.team.as_deref()?)))
        .filter(|(_, team)| buckets.contains_key(team))
        .collect();
    let team = |person: Option<&str>| person.and_then(|p| team_of.get(p).copied());
    for person in team_of.values() {
        bucket(&mut buckets, person).members += 1;
    }
    let mut control_team: HashMap<&str, &str> = HashMap::default();
    for (at, control) in metrics.controls.iter().enumerate() {
        if let Some(owner) = team(control.owner.as_deref()) {
            bucket(&mut buckets, owner).controls.insert(at);
            control_team.insert(&control.id, owner);
        }
    }
    for pattern in &metrics.recurring_patterns {
        if let Some(&owner) = control_team.get(pattern.control.as_str()) {
            bucket(&mut buckets, owner).patterns += 1;
        }
    }
    let mut process_team: HashMap<&str, &str> = HashMap::default();
    for process in model.processes.values() {
        if let Some(owner) = team(process.owner.as_deref()) {
            bucket(&mut buckets, owner).processes += 1;
            process_team.insert(&process.id, owner);
        }
    }
    for (at, exception) in metrics.exceptions.iter().enumerate() {
        let record = model.exceptions.get(&exception.id);
        let on_control = exception.control.as_deref();
        let on_process = record.and_then(|e| e.process.as_deref());
        let approvers = exception
            .periods
            .iter()
            .map(|p| team(p.approved_by.as_deref()));
        let teams = [
            on_control.and_then(|c| control_team.get(c).copied()),
            on_process.and_then(|p| process_team.get(p).copied()),
        ];
        for owner in teams.into_iter().chain(approvers).flatten() {
            bucket(&mut buckets, owner).exceptions.insert(at);
        }
    }
    for (at, incident) in metrics.incidents.iter().enumerate() {
        let accountable = incident.accountable.iter();
        for owner in accountable.filter_map(|a| team(a.person.as_deref())) {
            bucket(&mut buckets, owner).incidents.insert(at);
        }
    }
    for (at, action) in metrics.actions.iter().enumerate() {
        if let Some(owner) = team(action.owner.as_deref()) {
            bucket(&mut buckets, owner).actions.push(at);
        }
    }
    for (at, gap) in metrics.gaps.iter().enumerate() {
        if let Some(owner) = team(gap.person.as_deref()) {
            bucket(&mut buckets, owner).gaps.push(at);
        }
    }
    for finding in findings {
        if let Some(owner) = team(finding.person.as_deref()) {
            bucket(&mut buckets, owner).findings += 1;
        }
    }
    let mut teams: Vec<TeamMetrics> = buckets
        .into_iter()
        .map(|(id, b)| team_metrics(metrics, id, &b))
        .collect();
    teams.sort_by(|a, b| a.id.cmp(&b.id));
    teams
}

fn bucket<'m, 'b>(buckets: &'b mut HashMap<&'m str, Bucket>, team: &'m str) -> &'b mut Bucket {
    buckets.entry(team).or_default()
}

fn team_metrics(metrics: &Metrics, id: &str, bucket: &Bucket) -> TeamMetrics {
    let counted = Counted {
        controls: bucket
            .controls
            .iter()
            .map(|&at| &metrics.controls[at])
            .collect(),
        recurring_patterns: bucket.patterns,
        exceptions: (bucket.exceptions.iter())
            .map(|&at| &metrics.exceptions[at])
            .collect(),
        incidents: (bucket.incidents.iter())
            .map(|&at| &metrics.incidents[at])
            .collect(),
        gaps: bucket.gaps.iter().map(|&at| &metrics.gaps[at]).collect(),
        actions: bucket
            .actions
            .iter()
            .map(|&at| &metrics.actions[at])
            .collect(),
    };
    TeamMetrics {
        id: id.to_string(),
        members: bucket.members,
        processes: bucket.processes,
        exceptions: counted.exceptions.len(),
        failures: counted.incidents.len(),
        actions: counted.actions.len(),
        findings: bucket.findings,
        summary: summarize(&counted),
    }
}
