//! `govsite init DIR`: a starter content directory to edit.

use std::process::ExitCode;

use super::Ui;
use crate::cli::InitArgs;
use crate::model::Day;
use crate::output::{self, OutputFile};

/// Embeds files from `src/starter/` under their relative paths.
macro_rules! starter {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../starter/", $name)))),*]
    };
}

/// The starter content: a few controls, people, an exception and an incident.
const STARTER: &[(&str, &str)] = starter![
    "README.md",
    "site.yaml",
    "people.yaml",
    "teams.yaml",
    "frameworks.yaml",
    "controls/CTL-SECRET-ROTATION.md",
    "controls/CTL-TOKEN-TTL.md",
    "controls/CTL-SA-LEAST-PRIVILEGE.md",
    "processes/ci-cd-deploy.md",
    "exceptions/EXC-0001.md",
    "incidents/INC-0001.md",
];

/// The day the starter's dates were written for; `init` moves them to today, so a new
/// directory never starts with expired exceptions or overdue reviews.
const STARTER_WRITTEN: &str = "2026-11-27";

pub fn run(args: &InitArgs, ui: Ui) -> anyhow::Result<ExitCode> {
    let written: Day = STARTER_WRITTEN.parse()?;
    let shift = written.days_until(Day::today_utc());
    let files: Vec<OutputFile> = STARTER
        .iter()
        .map(|(path, text)| OutputFile::new(*path, shift_dates(text, shift)))
        .collect();
    output::write_new_dir(&args.dir, &files)?;
    let dir = args.dir.display();
    // One line at a time: `info` shows a line break inside a message escaped.
    ui.info(&format!("created {dir} with {} files. Next:", files.len()));
    ui.info(&format!("  govsite check --content {dir}"));
    ui.info(&format!(
        "  govsite serve --content {dir}    # then edit the files and watch the site update"
    ));
    Ok(ExitCode::SUCCESS)
}

/// Moves every `YYYY-MM-DD` date in `text` by `days`.
fn shift_dates(text: &str, days: i64) -> String {
    let mut shifted = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(found) = find_date(rest) {
        shifted.push_str(&rest[..found]);
        let date = &rest[found..found + 10];
        match date.parse::<Day>() {
            Ok(day) => shifted.push_str(&day.add_days(days).to_string()),
            Err(_) => shifted.push_str(date),
        }
        rest = &rest[found + 10..];
    }
    shifted.push_str(rest);
    shifted
}

/// The byte offset of the next `dddd-dd-dd` in `text`.
fn find_date(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(9)).find(|&i| {
        bytes[i..i + 10].iter().enumerate().all(|(j, b)| {
            if j == 4 || j == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifts_every_date_and_nothing_else() {
        let text = "granted: 2026-10-01\nexpires: 2026-12-30 # 90 days\nid: INC-0001\n";
        assert_eq!(
            shift_dates(text, 31),
            "granted: 2026-11-01\nexpires: 2027-01-30 # 90 days\nid: INC-0001\n"
        );
        assert_eq!(shift_dates(text, 0), text);
    }
}
