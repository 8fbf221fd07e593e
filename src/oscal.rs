//! `data/oscal/poam.json`: the open exceptions and the incidents with open remediation
//! actions as an OSCAL 1.1.2 Plan of Action and Milestones (POA&M), for GRC tools that read
//! OSCAL. What maps to what is in docs/content-format.md ("OSCAL plan of action and
//! milestones").
//!
//! Everything comes from the computed metrics (states, flags, accountability, actions) and
//! the model (names, titles, dates), in one pass over each list. Every UUID is a version 5
//! UUID of a fixed namespace and the record's kind and id, and every timestamp is a day at
//! midnight UTC, so the file depends only on the content and the as-of date.

mod items;
pub mod schema;

use std::io::Write;

use anyhow::Context as _;
use rayon::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use crate::metrics::Metrics;
use crate::model::{Model, Person, Team};
use crate::output::Sink;
use schema::{
    ExternalId, Head, Metadata, Party, PartyType, PoamItem, Property, Role, SystemId, Timestamp,
};

/// Where the POA&M is in the site.
pub const POAM: &str = "data/oscal/poam.json";

/// The namespace of every UUID in the file: the version 5 UUID of the URL of govsite's
/// OSCAL namespace (`schema::NS`) in the URL namespace of RFC 9562.
const NAMESPACE: Uuid = Uuid::from_u128(0x052853f1_1f0e_5d9a_9867_f4568b6842bc);

/// The same thing (kind and id) always gets the same UUID, in every build.
/// Ids hold no `:`, so two different (kind, id) pairs never share a name.
pub fn uuid(kind: &str, id: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, format!("{kind}:{id}").as_bytes())
}

/// The party of a person in people.yaml.
pub fn person_uuid(id: &str) -> Uuid {
    uuid("party:person", id)
}

/// The party of a team in teams.yaml.
fn team_uuid(id: &str) -> Uuid {
    uuid("party:team", id)
}

/// The roles every party reference of the file names.
const ROLES: [Role; 4] = [
    Role {
        id: "control-owner",
        title: "Control owner",
        description: "Designs and maintains the safeguard; accountable for failures of origin design.",
    },
    Role {
        id: "process-owner",
        title: "Process owner",
        description: "Owns the workflow that uses the control; accountable for failures of origin operation.",
    },
    Role {
        id: "approving-manager",
        title: "Approving manager",
        description: "Accountable for exceptions and risk acceptance; accountable for failures of origin approval.",
    },
    Role {
        id: "action-owner",
        title: "Action owner",
        description: "Carries out a remediation action (a milestone).",
    },
];

/// Writes the POA&M into `sink`.
pub fn write_poam(model: &Model, metrics: &Metrics, sink: &dyn Sink) -> anyhow::Result<()> {
    let poam = Poam::new(model, metrics).context("writing the POA&M as JSON")?;
    sink.put_stream(POAM.to_string(), &mut |out| poam.write(out))
}

/// How many records' entries are made at once, on all cores, before they are written: a
/// few megabytes, where the whole file is tens (69 MB at 5,000 controls).
const BATCH: usize = 512;

/// The POA&M, written as compact JSON a list at a time (see `schema::Head`): each list's
/// entries are made and turned into JSON a batch of records at a time, on all cores, and
/// written in the records' order, so memory holds one batch and never the whole file.
pub struct Poam<'a> {
    model: &'a Model,
    metrics: &'a Metrics,
    /// The `plan-of-action-and-milestones` object up to its lists, without its closing `}`.
    head: String,
    sources: Vec<items::Source<'a>>,
}

impl<'a> Poam<'a> {
    /// The POA&M of the open exceptions and of the incidents with open actions on the
    /// as-of date.
    pub fn new(model: &'a Model, metrics: &'a Metrics) -> serde_json::Result<Poam<'a>> {
        let site = &model.site;
        let subject = format!("{}/{}", site.organisation, site.title);
        let mut head = serde_json::to_string(&Head {
            uuid: uuid("poam", &subject),
            metadata: metadata(model, metrics),
            system_id: SystemId {
                identifier_type: "https://ietf.org/rfc/rfc4122",
                id: uuid("system", &subject).to_string(),
            },
        })?;
        // The lists follow inside the same object.
        let closing = head.pop();
        debug_assert_eq!(closing, Some('}'));
        Ok(Poam {
            model,
            metrics,
            head,
            sources: items::sources(model, metrics),
        })
    }

    /// Writes the whole file.
    pub fn write(&self, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all(b"{\"plan-of-action-and-milestones\":")?;
        out.write_all(self.head.as_bytes())?;
        for list in items::List::ALL {
            // OSCAL allows no empty list: one left empty is left out, and `poam-items`
            // always has an item (`nothing_open`).
            let mut started = false;
            for batch in self.sources.chunks(BATCH) {
                let pieces = batch
                    .par_iter()
                    .map(|source| self.piece(source, list))
                    .collect::<serde_json::Result<Vec<String>>>()?;
                for piece in pieces.iter().filter(|piece| !piece.is_empty()) {
                    separate(out, list, &mut started)?;
                    out.write_all(piece.as_bytes())?;
                }
            }
            if !started && list == items::List::PoamItems {
                separate(out, list, &mut started)?;
                serde_json::to_writer(&mut *out, &nothing_open(self.metrics))?;
            }
            if started {
                out.write_all(b"]")?;
            }
        }
        out.write_all(b"}}\n")
    }

    /// One record's entries of `list` as JSON, separated by commas: empty when it has none.
    fn piece(&self, source: &items::Source, list: items::List) -> serde_json::Result<String> {
        let mut items = items::Items::default();
        source.add(self.model, self.metrics, list, &mut items);
        match list {
            items::List::Observations => joined(&items.observations),
            items::List::Risks => joined(&items.risks),
            items::List::PoamItems => joined(&items.poam_items),
        }
    }
}

/// Opens `list` before its first entry, else separates the next entry from the last.
fn separate(out: &mut dyn Write, list: items::List, started: &mut bool) -> std::io::Result<()> {
    if std::mem::replace(started, true) {
        out.write_all(b",")
    } else {
        write!(out, ",\"{}\":[", list.key())
    }
}

/// `items` as JSON, separated by commas: empty when there are none.
fn joined<T: Serialize>(items: &[T]) -> serde_json::Result<String> {
    let mut text = Vec::new();
    for (at, item) in items.iter().enumerate() {
        if at > 0 {
            text.push(b',');
        }
        serde_json::to_writer(&mut text, item)?;
    }
    // serde_json writes UTF-8 only: the fallback never runs.
    Ok(String::from_utf8(text)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// OSCAL requires at least one item: this one says that nothing is open.
fn nothing_open(metrics: &Metrics) -> PoamItem {
    PoamItem {
        uuid: uuid("poam-item:none", ""),
        title: "No open items".to_string(),
        description: format!(
            "On {} no exception is open and no incident has an open remediation action.",
            metrics.as_of
        ),
        props: Vec::new(),
        links: Vec::new(),
        related_observations: Vec::new(),
        related_risks: Vec::new(),
    }
}

fn metadata(model: &Model, metrics: &Metrics) -> Metadata {
    let site = &model.site;
    let title = one_line(&site.title).unwrap_or_else(|| "NHI Governance".to_string());
    let mut props = vec![Property::new("as-of", metrics.as_of)];
    props.extend(one_line(&site.organisation).map(|o| Property::new("organisation", o)));
    props.push(Property::new(
        "generator",
        format!("govsite {}", env!("CARGO_PKG_VERSION")),
    ));
    let people = model.people.values().map(|p| person_party(model, p));
    Metadata {
        title: format!("{title}: plan of action and milestones"),
        last_modified: Timestamp(metrics.as_of),
        version: metrics.as_of.to_string(),
        oscal_version: schema::OSCAL_VERSION,
        props,
        roles: ROLES.into_iter().collect(),
        parties: people.chain(model.teams.values().map(team_party)).collect(),
        remarks: Some(
            "One POA&M item per open exception (a deviation and its grant periods) and per \
             incident with open remediation actions (its milestones), on the as-of date."
                .to_string(),
        ),
    }
}

/// A person of people.yaml: name, id, job title, whether active, team, e-mail.
fn person_party(model: &Model, person: &Person) -> Party {
    let mut party = party(PartyType::Person, &person.id, &person.name);
    party.props.push(Property::new("active", person.active));
    party.props.extend(
        (person.title.as_deref())
            .and_then(one_line)
            .map(|title| Property::new("job-title", title)),
    );
    party.email_addresses = (person.email.iter())
        .filter(|e| plausible_email(e))
        .cloned()
        .collect();
    let team = person.team.as_deref();
    let team = team.filter(|t| model.teams.contains_key(*t));
    party.member_of_organizations = team.map(team_uuid).into_iter().collect();
    party
}

/// A team of teams.yaml, as an organization.
fn team_party(team: &Team) -> Party {
    let mut party = party(PartyType::Organization, &team.id, &team.name);
    party.props = (team.lead.iter())
        .map(|lead| Property::new("lead", lead))
        .collect();
    party
}

/// A party with its UUID, name and govsite id (`external-ids`), nothing else yet.
fn party(kind: PartyType, id: &str, name: &str) -> Party {
    let (uuid, scheme) = match kind {
        PartyType::Person => (person_uuid(id), "https://govsite.dev/ns/oscal/person-id"),
        PartyType::Organization => (team_uuid(id), "https://govsite.dev/ns/oscal/team-id"),
    };
    Party {
        uuid,
        kind,
        name: one_line(name),
        external_ids: vec![ExternalId {
            scheme,
            id: id.to_string(),
        }],
        props: Vec::new(),
        email_addresses: Vec::new(),
        member_of_organizations: Vec::new(),
    }
}

/// Free text as one line with single spaces (OSCAL names and values hold no line break and
/// no leading or trailing space); `None` when nothing is left.
fn one_line(text: &str) -> Option<String> {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.is_empty()).then_some(line)
}

/// Whether `email` is an address OSCAL validators accept (`user@host.tld`, ASCII, a public
/// top-level domain); people.yaml does not check addresses, and a POA&M that a validator
/// rejects is of no use, so other values are left out of the party.
fn plausible_email(email: &str) -> bool {
    const SPECIAL: [&str; 6] = ["arpa", "invalid", "local", "localhost", "onion", "test"];
    let Some((user, host)) = email.split_once('@') else {
        return false;
    };
    let user_ok = |c: char| c.is_ascii_alphanumeric() || "._%+-".contains(c);
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let tld = labels
        .last()
        .copied()
        .unwrap_or_default()
        .to_ascii_lowercase();
    !user.is_empty()
        && user.chars().all(user_ok)
        && !user.starts_with('.')
        && !user.ends_with('.')
        && !user.contains("..")
        && labels.len() >= 2
        && labels.iter().all(label_ok)
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && !SPECIAL.contains(&tld.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_namespace_is_the_v5_uuid_of_govsites_oscal_namespace_url() {
        let expected = Uuid::new_v5(&Uuid::NAMESPACE_URL, schema::NS.as_bytes());
        assert_eq!(NAMESPACE, expected);
    }

    #[test]
    fn uuids_are_version_5_and_depend_on_kind_and_id_only() {
        let a = person_uuid("dana-okafor");
        assert_eq!(a, person_uuid("dana-okafor"));
        assert_eq!(a.get_version_num(), 5);
        assert_ne!(a, person_uuid("dana-okafor2"));
        assert_ne!(a, team_uuid("dana-okafor"));
    }

    #[test]
    fn free_text_becomes_one_trimmed_line() {
        assert_eq!(
            one_line("  Dana\n  Okafor "),
            Some("Dana Okafor".to_string())
        );
        assert_eq!(one_line(" \n "), None);
    }

    #[test]
    fn only_addresses_validators_accept_are_kept() {
        for good in ["dana.okafor@example.com", "a+b@mail.acme.co.uk"] {
            assert!(plausible_email(good), "{good}");
        }
        let bad = [
            "dana",
            "@example.com",
            "a@b",
            "a@acme.test",
            "a@localhost",
            "a b@example.com",
            "a@exa mple.com",
            "a..b@example.com",
            "a@-x.com",
            "a@example.c0m",
            "dana@例え.jp",
        ];
        for bad in bad {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
