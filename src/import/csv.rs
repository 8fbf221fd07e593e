//! A generic CSV report: one finding per row, with a header row. `import.yaml` says which
//! column (by header) gives the fingerprint, the rule, the date and the location
//! (`csv.columns`); no other column is read, so a column holding the secret is never copied.

use std::collections::HashMap;
use std::path::Path;

use super::mapping::CsvMap;
use super::{all_or_problems, day_of, Finding, Parsed, Withheld};
use crate::diagnostics::Diagnostic;
use crate::model::{Day, FindingSource};
use crate::spans::Pos;

pub fn parse(path: &Path, text: &str, map: &CsvMap) -> Parsed {
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| vec![csv_problem(path, &e)])?
        .clone();
    let columns = column_indexes(path, &header, map)?;
    let rows = reader.records().map(|row| {
        let row = row.map_err(|e| csv_problem(path, &e))?;
        let line = row.position().map_or(1, |p| p.line() as usize);
        finding(&row, line, &columns, map).map_err(|(column, message)| {
            let col = column_of(text, line, column);
            Diagnostic::error(path, Pos { line, col }, message)
        })
    });
    all_or_problems(rows)
}

/// The index of each mapped column; a name the header lacks is an error.
fn column_indexes<'m>(
    path: &Path,
    header: &::csv::StringRecord,
    map: &'m CsvMap,
) -> Result<HashMap<&'static str, (usize, &'m str)>, Vec<Diagnostic>> {
    let mut indexes = HashMap::new();
    let mut problems = Vec::new();
    for (key, name) in map.columns.named() {
        match header.iter().position(|h| h.trim() == name) {
            Some(index) => {
                indexes.insert(key, (index, name));
            }
            None => problems.push(Diagnostic::error(
                path,
                Pos::START,
                format!(
                    "no column `{name}` (named by `csv.columns.{key}` in the mapping): the header has {}",
                    header.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }
    if problems.is_empty() {
        Ok(indexes)
    } else {
        Err(problems)
    }
}

type Columns<'m> = HashMap<&'static str, (usize, &'m str)>;

/// One row and the mapped columns, read by mapping key.
struct Row<'r> {
    row: &'r ::csv::StringRecord,
    columns: &'r Columns<'r>,
}

/// A problem in a row: the field's index and the message.
type RowProblem = (usize, String);

impl Row<'_> {
    /// The trimmed value of the column mapped to `key`; `None` when unmapped or empty.
    fn cell(&self, key: &str) -> Option<String> {
        let (index, _) = self.columns.get(key)?;
        let value = self.row.get(*index)?.trim();
        (!value.is_empty()).then(|| value.to_string())
    }

    /// A problem with the column mapped to `key`, located at its field.
    fn problem(&self, key: &str, message: impl std::fmt::Display) -> RowProblem {
        let (index, name) = self.columns.get(key).copied().unwrap_or((0, key));
        (index, format!("the `{name}` column: {message}"))
    }

    fn required(&self, key: &str) -> Result<String, RowProblem> {
        self.cell(key)
            .ok_or_else(|| self.problem(key, format!("the {key} is empty")))
    }

    fn day(&self, key: &str) -> Result<Option<Day>, RowProblem> {
        day_of(&self.cell(key).unwrap_or_default()).map_err(|e| self.problem(key, e))
    }

    fn number(&self, key: &str) -> Result<Option<u64>, RowProblem> {
        self.cell(key)
            .map(|text| {
                (text.parse::<u64>())
                    .map_err(|_| self.problem(key, format!("`{text}` is not a line number")))
            })
            .transpose()
    }
}

fn finding(
    row: &::csv::StringRecord,
    line: usize,
    columns: &Columns<'_>,
    map: &CsvMap,
) -> Result<Finding, RowProblem> {
    let row = Row { row, columns };
    let web = |u: &String| u.starts_with("https://") || u.starts_with("http://");
    Ok(Finding {
        source: FindingSource {
            tool: map.tool.clone(),
            rule: row.required("rule")?,
            fingerprint: row.required("fingerprint")?,
            repository: row.cell("repository"),
            file: row.cell("file"),
            line: row.number("line")?,
            commit: row.cell("commit"),
            url: row.cell("url").filter(web),
        },
        label: row.cell("title").unwrap_or_default(),
        date: row.day("date")?,
        detected: None,
        resolved: row.day("resolved")?,
        bypass: None,
        notes: Vec::new(),
        skip: None,
        at: Pos { line, col: 1 },
        withheld: Withheld::default(),
    })
}

/// A CSV reading error (bad quoting, a row with the wrong number of fields) at its line.
fn csv_problem(path: &Path, error: &::csv::Error) -> Diagnostic {
    let line = error.position().map_or(1, |p| p.line() as usize);
    let message = match error.kind() {
        ::csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
            "the row has {len} fields but the header has {expected_len}: quote fields that contain commas"
        ),
        _ => format!("not a readable CSV file: {error}"),
    };
    Diagnostic::error(path, Pos { line, col: 1 }, message)
}

/// The column (1-based, in characters) where field `index` starts on line `line` of
/// `text`: commas inside double quotes do not separate fields.
fn column_of(text: &str, line: usize, index: usize) -> usize {
    let Some(raw) = text.lines().nth(line.saturating_sub(1)) else {
        return 1;
    };
    let (mut field, mut quoted) = (0, false);
    for (col, c) in raw.chars().enumerate() {
        if field == index {
            return col + 1;
        }
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            _ => {}
        }
    }
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_skip_commas_inside_quotes() {
        let text = "a,b,c\n\"x, y\",é,z\n";
        assert_eq!(column_of(text, 2, 0), 1);
        assert_eq!(column_of(text, 2, 1), 8);
        assert_eq!(column_of(text, 2, 2), 10);
    }
}
