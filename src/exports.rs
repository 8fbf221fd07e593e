//! Machine-readable exports: `data/metrics.json` (the contract in DESIGN.md) and CSV tables.
//! Every value comes from the same `Metrics` the pages show.

use std::borrow::Cow;

use std::io::Write;

use serde::Serialize;

use crate::metrics::Metrics;
use crate::model::{Day, Model};
use crate::output::Sink;
use crate::provenance::Provenance;

/// The file at the site's root that says what the site was built from.
pub const PROVENANCE: &str = "provenance.json";

/// Writes `data/metrics.json` and the CSV exports into `sink`, each streamed into its file
/// as it is made (`metrics.json` alone is tens of megabytes at estate scale).
pub fn write_exports(
    model: &Model,
    metrics: &Metrics,
    provenance: &Provenance,
    sink: &dyn Sink,
) -> anyhow::Result<()> {
    let put = |path: &str, export: &dyn Fn(&mut dyn Write) -> std::io::Result<()>| {
        sink.put_stream(path.to_string(), &mut |out| export(out))
    };
    /// The metrics with where their content came from, as the last key.
    #[derive(Serialize)]
    struct WithProvenance<'a> {
        #[serde(flatten)]
        metrics: &'a Metrics,
        provenance: &'a Provenance,
    }
    put("data/metrics.json", &|out| {
        let json = WithProvenance {
            metrics,
            provenance,
        };
        serde_json::to_writer_pretty(&mut *out, &json)?;
        out.write_all(b"\n")
    })?;
    // Beside SHA256SUMS (which covers it): what the site was built from, in one small file.
    put(PROVENANCE, &|out| {
        serde_json::to_writer_pretty(&mut *out, provenance)?;
        out.write_all(b"\n")
    })?;
    put("data/controls.csv", &|out| {
        controls_csv(model, metrics, out)
    })?;
    put("data/incidents.csv", &|out| {
        incidents_csv(model, metrics, out)
    })?;
    put("data/exceptions.csv", &|out| {
        exceptions_csv(model, metrics, out)
    })?;
    put("data/people.csv", &|out| people_csv(model, metrics, out))?;
    put("data/patterns.csv", &|out| patterns_csv(metrics, out))?;
    put("data/processes.csv", &|out| processes_csv(metrics, out))?;
    put("data/gaps.csv", &|out| {
        let gaps = metrics.gaps.iter().map(|g| GapCsv {
            kind: g.kind.as_str(),
            record: &g.record,
            person: g.person.as_deref(),
        });
        csv_into(out, gaps)
    })
}

/// Writes `rows` as CSV with a header row.
fn csv_into<T: Serialize>(
    out: &mut dyn Write,
    rows: impl Iterator<Item = T>,
) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    for row in rows {
        writer.serialize(row)?;
    }
    writer.flush()
}

/// Free text that a spreadsheet would run as a formula (`=HYPERLINK(...)`) gets a leading `'`,
/// so auditors can open the exports in Excel safely (OWASP "CSV injection").
fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Joins list values into one CSV cell.
fn joined<T: AsRef<str>>(values: impl IntoIterator<Item = T>) -> String {
    values
        .into_iter()
        .map(|v| v.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(";")
}

#[derive(Serialize)]
struct GapCsv<'a> {
    kind: &'static str,
    record: &'a str,
    person: Option<&'a str>,
}

fn controls_csv(model: &Model, metrics: &Metrics, out: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Row<'a> {
        id: &'a str,
        title: Cow<'a, str>,
        owner: Option<&'a str>,
        status: &'static str,
        failures_total: usize,
        failures_in_window: usize,
        recurring: bool,
        mean_days_between_failures: Option<f64>,
        open_exceptions: usize,
        review_overdue: bool,
        review_last: Option<Day>,
        frameworks: String,
    }
    csv_into(
        out,
        metrics.controls.iter().map(|m| {
            let control = model.controls.get(&m.id);
            Row {
                id: &m.id,
                title: spreadsheet_safe(control.map_or("", |c| c.title.as_str())),
                owner: m.owner.as_deref(),
                status: match control.map(|c| c.status) {
                    Some(crate::model::ControlStatus::Retired) => "retired",
                    _ => "active",
                },
                failures_total: m.failures_total,
                failures_in_window: m.failures_in_window,
                recurring: m.recurring,
                mean_days_between_failures: m.mean_days_between_failures,
                open_exceptions: m.open_exceptions,
                review_overdue: m.review_overdue,
                review_last: control.and_then(|c| c.review.as_ref()).map(|r| r.last),
                frameworks: control.map_or_else(String::new, |c| {
                    joined(
                        c.frameworks
                            .iter()
                            .flat_map(|(f, refs)| refs.iter().map(move |r| format!("{f}:{r}"))),
                    )
                }),
            }
        }),
    )
}

fn incidents_csv(model: &Model, metrics: &Metrics, out: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Row<'a> {
        id: &'a str,
        date: Day,
        title: Cow<'a, str>,
        control: Option<&'a str>,
        process: Option<&'a str>,
        origins: String,
        severity: String,
        in_window: bool,
        repeat: bool,
        control_owner: String,
        process_owner: String,
        approving_manager: String,
        resolved: Option<Day>,
        structural: bool,
    }
    csv_into(
        out,
        metrics.incidents.iter().map(|m| {
            let incident = model.incidents.get(&m.id);
            let person = |role: crate::metrics::Role| {
                joined(
                    m.accountable
                        .iter()
                        .filter(|a| a.role == role)
                        .filter_map(|a| a.person.as_deref()),
                )
            };
            Row {
                id: &m.id,
                date: m.date,
                title: spreadsheet_safe(incident.map_or("", |i| i.title.as_str())),
                control: m.control.as_deref(),
                process: incident.and_then(|i| i.process.as_deref()),
                origins: joined(m.origins.iter().map(|o| o.as_str())),
                severity: m
                    .severity
                    .map(|s| format!("{s:?}").to_lowercase())
                    .unwrap_or_default(),
                in_window: m.in_window,
                repeat: m.repeat,
                control_owner: person(crate::metrics::Role::ControlOwner),
                process_owner: person(crate::metrics::Role::ProcessOwner),
                approving_manager: person(crate::metrics::Role::ApprovingManager),
                resolved: incident.and_then(|i| i.resolved),
                structural: m.structural,
            }
        }),
    )
}

fn exceptions_csv(model: &Model, metrics: &Metrics, out: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Row<'a> {
        id: &'a str,
        control: Option<&'a str>,
        requested_by: Option<&'a str>,
        approved_by: Option<&'a str>,
        state: &'static str,
        granted: Option<Day>,
        effective_expiry: Option<Day>,
        closed: Option<Day>,
        age_days: Option<i64>,
        days_to_expiry: Option<i64>,
        age_bucket: Option<&'a str>,
        over_policy: bool,
        chronic: bool,
        renewals: usize,
        risk: Option<&'static str>,
        self_approved: bool,
        unauthorized_approvers: String,
    }
    csv_into(
        out,
        metrics.exceptions.iter().map(|m| {
            let exception = model.exceptions.get(&m.id);
            Row {
                id: &m.id,
                control: m.control.as_deref(),
                requested_by: exception.and_then(|e| e.requested_by.as_deref()),
                approved_by: m.approved_by.as_deref(),
                state: m.state.as_str(),
                granted: exception.map(|e| e.granted),
                effective_expiry: m.effective_expiry,
                closed: exception.and_then(|e| e.closed),
                age_days: m.age_days,
                days_to_expiry: m.days_to_expiry,
                age_bucket: m.age_bucket.as_deref(),
                over_policy: m.over_policy,
                chronic: m.chronic,
                renewals: m.renewals,
                risk: exception.and_then(|e| e.risk).map(|r| r.as_str()),
                self_approved: m.self_approved,
                unauthorized_approvers: joined(&m.unauthorized_approvers),
            }
        }),
    )
}

fn people_csv(model: &Model, metrics: &Metrics, out: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Row<'a> {
        id: &'a str,
        name: Cow<'a, str>,
        team: Option<&'a str>,
        active: bool,
        controls_owned: usize,
        processes_owned: usize,
        exceptions_approved: usize,
        failures_as_control_owner: usize,
        failures_as_process_owner: usize,
        failures_as_approving_manager: usize,
        open_actions: usize,
        overdue_actions: usize,
        gaps: usize,
    }
    csv_into(
        out,
        metrics.people.iter().map(|m| {
            let person = model.people.get(&m.id);
            Row {
                id: &m.id,
                name: spreadsheet_safe(person.map_or("", |p| p.name.as_str())),
                team: person.and_then(|p| p.team.as_deref()),
                active: person.is_none_or(|p| p.active),
                controls_owned: m.controls_owned,
                processes_owned: m.processes_owned,
                exceptions_approved: m.exceptions_approved,
                failures_as_control_owner: m.failures_as_control_owner,
                failures_as_process_owner: m.failures_as_process_owner,
                failures_as_approving_manager: m.failures_as_approving_manager,
                open_actions: m.open_actions,
                overdue_actions: m.overdue_actions,
                gaps: m.gaps,
            }
        }),
    )
}

/// `recurring_patterns[]` of metrics.json, one row per pattern.
fn patterns_csv(metrics: &Metrics, out: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Row<'a> {
        control: &'a str,
        origin: &'static str,
        failures_in_window: usize,
        fix_owner: Option<&'a str>,
        fix_owner_role: Option<&'static str>,
    }
    let rows = metrics.recurring_patterns.iter().map(|p| Row {
        control: &p.control,
        origin: p.origin.as_str(),
        failures_in_window: p.failures_in_window,
        fix_owner: p.fix_owner.as_deref(),
        fix_owner_role: p.fix_owner_role.map(|r| r.as_str()),
    });
    csv_into(out, rows)
}

/// `processes[]` of metrics.json, one row per process; `controls` joined with `;`.
fn processes_csv(metrics: &Metrics, out: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Row<'a> {
        id: &'a str,
        owner: Option<&'a str>,
        failures_in_window: usize,
        recurring: bool,
        controls: String,
    }
    let rows = metrics.processes.iter().map(|p| Row {
        id: &p.id,
        owner: p.owner.as_deref(),
        failures_in_window: p.failures_in_window,
        recurring: p.recurring,
        controls: joined(&p.controls),
    });
    csv_into(out, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_in_free_text_are_defused() {
        assert_eq!(
            spreadsheet_safe("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("Dana Okafor"), "Dana Okafor");
    }
}
