//! The part of the OSCAL 1.1.2 `plan-of-action-and-milestones` model that govsite writes, as
//! serde types whose JSON is the OSCAL JSON format (kebab-case keys).
//!
//! OSCAL allows no empty list: every list it has holds at least one item or is absent, so
//! every `Vec` here is left out when empty. Timestamps are days at midnight UTC.

use serde::{Serialize, Serializer};
use uuid::Uuid;

use crate::model::Day;

/// The OSCAL version the document conforms to.
pub const OSCAL_VERSION: &str = "1.1.2";

/// The namespace of every property govsite defines (`props[].ns`).
pub const NS: &str = "https://govsite.dev/ns/oscal";

/// The fields of the `plan-of-action-and-milestones` object that come before its lists.
/// The whole file is `{"plan-of-action-and-milestones": {` these fields, then
/// `observations` (left out when empty), `risks` (the same) and `poam-items` `}}`: the
/// lists' items are made and written as JSON on all cores, record by record
/// (`oscal::Poam`), in this order.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Head {
    pub uuid: Uuid,
    pub metadata: Metadata,
    /// OSCAL allows `system-id` instead of `import-ssp`: govsite has no SSP to point at.
    pub system_id: SystemId,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Metadata {
    pub title: String,
    pub last_modified: Timestamp,
    pub version: String,
    pub oscal_version: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Property>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<Party>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remarks: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Role {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
}

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PartyType {
    Person,
    Organization,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Party {
    pub uuid: Uuid,
    #[serde(rename = "type")]
    pub kind: PartyType,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_ids: Vec<ExternalId>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Property>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub email_addresses: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub member_of_organizations: Vec<Uuid>,
}

#[derive(Debug, Serialize)]
pub struct ExternalId {
    pub scheme: &'static str,
    pub id: String,
}

/// A name-value pair in govsite's namespace; `class` qualifies it (the role of a person).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Property {
    pub name: &'static str,
    pub ns: &'static str,
    pub value: String,
    #[serde(rename = "class", skip_serializing_if = "Option::is_none")]
    pub class: Option<&'static str>,
}

impl Property {
    pub fn new(name: &'static str, value: impl ToString) -> Property {
        Property {
            name,
            ns: NS,
            value: value.to_string(),
            class: None,
        }
    }

    pub fn with_class(mut self, class: &'static str) -> Property {
        self.class = Some(class);
        self
    }
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub href: String,
    pub rel: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SystemId {
    pub identifier_type: &'static str,
    pub id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Observation {
    pub uuid: Uuid,
    pub title: String,
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Property>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    pub methods: Vec<&'static str>,
    pub types: Vec<&'static str>,
    pub collected: Timestamp,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Risk {
    pub uuid: Uuid,
    pub title: String,
    pub description: String,
    pub statement: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Property>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Timestamp>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub remediations: Vec<Response>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_log: Option<RiskLog>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_observations: Vec<RelatedObservation>,
}

#[derive(Debug, Serialize)]
pub struct RiskLog {
    pub entries: Vec<RiskLogEntry>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RiskLogEntry {
    pub uuid: Uuid,
    pub title: String,
    pub start: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<Timestamp>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Property>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logged_by: Vec<LoggedBy>,
    pub status_change: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct LoggedBy {
    pub party_uuid: Uuid,
    pub role_id: &'static str,
}

/// A remediation (`risks[].remediations[]`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Response {
    pub uuid: Uuid,
    pub lifecycle: &'static str,
    pub title: String,
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tasks: Vec<Task>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Task {
    pub uuid: Uuid,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Property>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub responsible_roles: Vec<ResponsibleRole>,
}

/// When a task happens: on one day, or between two.
#[derive(Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Timing {
    OnDate { date: Timestamp },
    WithinDateRange { start: Timestamp, end: Timestamp },
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct ResponsibleRole {
    pub role_id: &'static str,
    pub party_uuids: Vec<Uuid>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct PoamItem {
    pub uuid: Uuid,
    pub title: String,
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub props: Vec<Property>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_observations: Vec<RelatedObservation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_risks: Vec<RelatedRisk>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RelatedObservation {
    pub observation_uuid: Uuid,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct RelatedRisk {
    pub risk_uuid: Uuid,
}

/// A day as an OSCAL date-time: midnight UTC (`2026-11-01T00:00:00Z`), so the file depends
/// on the day only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp(pub Day);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&format_args!("{}T00:00:00Z", self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        text.parse().unwrap()
    }

    #[test]
    fn timestamps_are_midnight_utc_of_the_day() {
        let json = serde_json::to_string(&Timestamp(day("2026-03-05"))).unwrap();
        assert_eq!(json, "\"2026-03-05T00:00:00Z\"");
    }

    #[test]
    fn timing_is_written_as_oscal_names_its_conditions() {
        let on = Timing::OnDate {
            date: Timestamp(day("2026-05-01")),
        };
        let range = Timing::WithinDateRange {
            start: Timestamp(day("2026-03-14")),
            end: Timestamp(day("2026-05-01")),
        };
        assert_eq!(
            serde_json::to_value(on).unwrap(),
            serde_json::json!({"on-date": {"date": "2026-05-01T00:00:00Z"}})
        );
        assert_eq!(
            serde_json::to_value(range).unwrap(),
            serde_json::json!({"within-date-range": {
                "start": "2026-03-14T00:00:00Z", "end": "2026-05-01T00:00:00Z"}})
        );
    }

    #[test]
    fn empty_lists_and_absent_values_are_left_out() {
        let item = PoamItem {
            uuid: Uuid::nil(),
            title: "t".into(),
            description: "d".into(),
            props: Vec::new(),
            links: Vec::new(),
            related_observations: Vec::new(),
            related_risks: Vec::new(),
        };
        let json = serde_json::to_value(item).unwrap();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["description", "title", "uuid"]);
    }

    #[test]
    fn properties_carry_govsites_namespace_and_their_class() {
        let prop = Property::new("accountable-person", "dana-okafor").with_class("control-owner");
        assert_eq!(
            serde_json::to_value(prop).unwrap(),
            serde_json::json!({"name": "accountable-person", "ns": NS,
                "value": "dana-okafor", "class": "control-owner"})
        );
    }
}
