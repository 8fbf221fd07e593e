//! `govsite check --format sarif`: SARIF 2.1.0, as GitHub code scanning accepts it.
//!
//! Every rule is listed (so `ruleIndex` is stable), every result has a rule id, a level, a
//! message and one location: a URI relative to the repository root (`%SRCROOT%`),
//! forward slashes, percent-encoded, with the line and column.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_sarif::sarif::{
    ArtifactLocation, Location as SarifLocation, Message, MultiformatMessageString,
    PhysicalLocation, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult,
    ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use super::rules::{self, Rule, RULES};
use super::{Item, Report};
use crate::diagnostics::Level;

/// The schema URI SARIF files name (the OASIS 2.1.0 schema, errata 01).
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The base every result URI is relative to: GitHub resolves it to the repository checkout.
pub const SRCROOT: &str = "%SRCROOT%";

/// Characters kept as they are in a URI path: RFC 3986 unreserved characters and `/`.
const PATH_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// The report as a SARIF log, pretty-printed.
pub fn to_string(report: &Report) -> serde_json::Result<String> {
    serde_json::to_string_pretty(&log(report))
}

fn log(report: &Report) -> Sarif {
    let run = Run::builder()
        .tool(Tool::builder().driver(driver()).build())
        .results(report.results.iter().map(result).collect::<Vec<_>>())
        .build();
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build()
}

fn driver() -> ToolComponent {
    let rules: Vec<ReportingDescriptor> = RULES.iter().map(descriptor).collect();
    let driver = ToolComponent::builder()
        .name("govsite")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules);
    // Cargo.toml names no homepage yet; SARIF wants an absolute URI here or nothing.
    match information_uri() {
        Some(uri) => driver.information_uri(uri).build(),
        None => driver.build(),
    }
}

fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    ReportingDescriptor::builder()
        .id(rule.id)
        .name(rule.id.trim_start_matches("policy/"))
        .short_description(MultiformatMessageString::builder().text(rule.short).build())
        .help(
            MultiformatMessageString::builder()
                .text(rule.help)
                .markdown(rule.help)
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(serde_json::json!(level_name(rule.level)))
                .build(),
        )
        .build()
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

fn result(item: &Item) -> SarifResult {
    let location = &item.location;
    let artifact = ArtifactLocation::builder()
        .uri(uri(&location.relative))
        .uri_base_id(SRCROOT)
        .build();
    let region = Region::builder()
        .start_line(location.line as i64)
        .start_column(location.column as i64)
        .build();
    let physical = PhysicalLocation::builder()
        .artifact_location(artifact)
        .region(region)
        .build();
    SarifResult::builder()
        .rule_id(item.rule.id)
        .rule_index(rules::index_of(item.rule) as i64)
        .level(match item.level {
            Level::Error => ResultLevel::Error,
            Level::Warning => ResultLevel::Warning,
        })
        .message(Message::builder().text(item.message.as_str()).build())
        .locations(vec![SarifLocation::builder()
            .physical_location(physical)
            .build()])
        .build()
}

/// A `/`-separated relative path as a URI reference: every byte but unreserved ones and
/// `/` percent-encoded (`a b/ü.md` -> `a%20b/%C3%BC.md`).
pub fn uri(relative: &str) -> String {
    utf8_percent_encode(relative, PATH_KEEP).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_but_keep_their_slashes() {
        assert_eq!(
            uri("content/controls/CTL-A.md"),
            "content/controls/CTL-A.md"
        );
        assert_eq!(uri("a b/ü%#?.md"), "a%20b/%C3%BC%25%23%3F.md");
    }
}
