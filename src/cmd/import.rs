//! `govsite import`: scanner findings -> incident records under `incidents/imported/`.

use std::path::Path;
use std::process::ExitCode;

use super::Ui;
use crate::cli::ImportArgs;
use crate::diagnostics::{plural, Diagnostic};
use crate::import::mapping::{self, ImportMap};
use crate::import::{self, ImportContext, Plan};
use crate::load;
use crate::model::{Day, Model};
use crate::spans::Pos;

/// Exit code when some findings were not imported because the mapping does not name them.
const PARTIAL: u8 = 3;

pub fn run(args: &ImportArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let loaded = load::load(&args.content)?;
    let mapping_path = (args.mapping.clone()).unwrap_or_else(|| args.content.join("import.yaml"));
    let parsed = read_map(&mapping_path, &loaded.model).and_then(|map| {
        let text = import::read_text(&args.report).map_err(|problem| vec![problem])?;
        let findings = import::parse_report(args.format, &args.report, &text, &map)?;
        Ok((map, findings))
    });
    let (map, findings) = match parsed {
        Ok(parsed) => parsed,
        Err(problems) => {
            ui.diagnostics(&problems);
            return Ok(ExitCode::from(1));
        }
    };
    let existing = import::existing_incident_ids(&args.content);
    let context = ImportContext {
        rules: import::rules_for(args.format, &map),
        people: &map.people,
        existing: &existing,
        folder: args.content.join("incidents").join("imported"),
        detected: args.detected.unwrap_or_else(Day::today_utc),
    };
    let mut plan = import::plan(findings, &context);
    if args.dry_run {
        for new in &plan.new {
            ui.info(&format!("would write {}", new.path.display()));
        }
    } else {
        let written = import::write_new(&plan)?;
        for path in &written {
            ui.detail(&format!("wrote {}", path.display()));
        }
        // A file that appeared since the plan was made was left as it is.
        plan.already += plan.new.len() - written.len();
        plan.new.truncate(written.len());
    }
    print_summary(ui, args, &plan, &context, &mapping_path);
    Ok(if plan.is_partial() {
        ExitCode::from(PARTIAL)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads, parses and checks the mapping file against the content.
fn read_map(path: &Path, model: &Model) -> Result<ImportMap, Vec<Diagnostic>> {
    if !path.exists() {
        return Err(vec![Diagnostic::error(
            path,
            Pos::START,
            "no mapping file: write one that maps each rule to a control, process and origin (see the import.yaml section of docs/content-format.md), or pass --mapping FILE",
        )]);
    }
    let text = import::read_text(path).map_err(|problem| vec![problem])?;
    let (map, source) = mapping::parse_map(path, &text)?;
    let problems = mapping::validate_map(&map, &source, model);
    if problems.is_empty() {
        Ok(map)
    } else {
        Err(problems)
    }
}

/// "report.json: 2 new, 1 already imported", then every finding left out and why.
fn print_summary(
    ui: Ui,
    args: &ImportArgs,
    plan: &Plan,
    context: &ImportContext<'_>,
    mapping_path: &Path,
) {
    let mut summary = format!(
        "{}: {} new, {} already imported",
        args.report.display(),
        plan.new.len(),
        plan.already
    );
    if plan.repeated > 0 {
        summary.push_str(&format!(", {} repeated in the report", plan.repeated));
    }
    for (reason, count) in &plan.skipped {
        summary.push_str(&format!(", {count} skipped ({reason})"));
    }
    if args.dry_run {
        summary.push_str(" (dry run: nothing written)");
    }
    ui.info(&summary);
    let mapping = mapping_path.display();
    for (rule, count) in &plan.unmapped_rules {
        ui.warn(&format!(
            "unmapped rule `{rule}`: {} not imported; map it under `{}` in {mapping}",
            plural(*count, "finding"),
            context.rules.section
        ));
    }
    for (login, count) in &plan.unmapped_people {
        ui.warn(&format!(
            "unmapped user `{login}`: {} not imported; map the user to a person under `people` in {mapping}",
            plural(*count, "push-protection bypass")
        ));
    }
    for at in &plan.withheld {
        ui.warn(&format!(
            "{}:{at}: the finding's location contains its secret, so it is not imported: record it by hand",
            args.report.display()
        ));
    }
}
