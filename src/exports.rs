//! Machine-readable exports: `data/metrics.json` (the contract in DESIGN.md) and CSV tables.
//! Every value comes from the same `Metrics` the pages show; the CSV tables are in `tables`.
//!
//! The CSV files follow RFC 4180: a header row, CRLF line ends, fields quoted when they
//! hold a comma, a quote or a line break. With `excel_csv: true` in `site.yaml` each one
//! starts with a UTF-8 byte-order mark, which is how Excel recognises UTF-8.

mod tables;

use std::borrow::Cow;
use std::io::Write;

use serde::Serialize;

use crate::metrics::Metrics;
use crate::model::Model;
use crate::output::Sink;
use crate::provenance::Provenance;

/// The file at the site's root that says what the site was built from.
pub const PROVENANCE: &str = "provenance.json";

/// The file every figure is in.
pub const METRICS: &str = "data/metrics.json";

/// Writes one CSV table: its rows, from the model and the metrics, into the writer.
type Table = fn(&Model, &Metrics, &mut CsvWriter) -> std::io::Result<()>;

/// A CSV writer over the file being written.
type CsvWriter<'w> = csv::Writer<&'w mut dyn Write>;

/// Every CSV export by its path in the site, each described column by column in
/// docs/content-format.md ("Exports"), which the definitions page shows.
pub const CSV_TABLES: [(&str, Table); 12] = [
    ("data/controls.csv", tables::controls),
    ("data/incidents.csv", tables::incidents),
    ("data/exceptions.csv", tables::exceptions),
    ("data/grant_periods.csv", tables::grant_periods),
    ("data/actions.csv", tables::actions),
    ("data/people.csv", tables::people),
    ("data/gaps.csv", tables::gaps),
    ("data/patterns.csv", tables::patterns),
    ("data/processes.csv", tables::processes),
    ("data/monthly.csv", tables::monthly),
    ("data/month_end.csv", tables::month_end),
    ("data/reviews.csv", tables::reviews),
];

/// The UTF-8 byte-order mark that `excel_csv: true` puts before every CSV file.
const BOM: &[u8] = "\u{feff}".as_bytes();

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
    put(METRICS, &|out| {
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
    let excel = model.site.excel_csv;
    CSV_TABLES.iter().try_for_each(|(path, table)| {
        put(path, &|out| {
            write_csv(out, excel, |writer| table(model, metrics, writer))
        })
    })
}

/// Writes one CSV file: the byte-order mark when `excel`, then what `fill` writes, with
/// CRLF line ends.
fn write_csv(
    out: &mut dyn Write,
    excel: bool,
    fill: impl FnOnce(&mut CsvWriter) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if excel {
        out.write_all(BOM)?;
    }
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    fill(&mut writer)?;
    writer.flush()
}

/// Writes `rows` with a header row of `T`'s field names, also when there are no rows.
fn write_rows<T: Serialize + Default>(
    writer: &mut CsvWriter,
    rows: impl Iterator<Item = T>,
) -> std::io::Result<()> {
    let mut rows = rows.peekable();
    if rows.peek().is_none() {
        return write_header::<T>(writer);
    }
    for row in rows {
        writer.serialize(row)?;
    }
    Ok(())
}

/// The header row alone: `csv` writes headers with the first row, so an empty table takes
/// its header from a default row, which is then left out.
fn write_header<T: Serialize + Default>(writer: &mut CsvWriter) -> std::io::Result<()> {
    let mut scratch = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    scratch.serialize(T::default())?;
    let bytes = scratch.into_inner().map_err(|e| e.into_error())?;
    let header = csv::Reader::from_reader(bytes.as_slice())
        .headers()?
        .clone();
    writer.write_record(&header)?;
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_in_free_text_are_defused() {
        assert_eq!(
            spreadsheet_safe("=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        for risky in ["+1", "-1+2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(spreadsheet_safe(risky), format!("'{risky}"));
        }
        assert_eq!(spreadsheet_safe("Dana Okafor"), "Dana Okafor");
        assert_eq!(spreadsheet_safe("a=b"), "a=b");
    }

    #[derive(Serialize, Default)]
    struct Row {
        id: &'static str,
        note: &'static str,
    }

    fn csv_text(excel: bool, rows: Vec<Row>) -> Vec<u8> {
        let mut out = Vec::new();
        write_csv(&mut out, excel, |w| write_rows(w, rows.into_iter())).unwrap();
        out
    }

    #[test]
    fn csv_lines_end_with_crlf_and_fields_with_line_breaks_are_quoted() {
        let rows = vec![Row {
            id: "A",
            note: "two\nlines, \"quoted\"",
        }];
        assert_eq!(
            csv_text(false, rows),
            b"id,note\r\nA,\"two\nlines, \"\"quoted\"\"\"\r\n"
        );
    }

    #[test]
    fn an_empty_table_still_has_its_header() {
        assert_eq!(csv_text(false, Vec::new()), b"id,note\r\n");
    }

    #[test]
    fn the_excel_option_starts_the_file_with_a_byte_order_mark() {
        let text = csv_text(
            true,
            vec![Row {
                id: "A", note: "é"
            }],
        );
        assert_eq!(text, "\u{feff}id,note\r\nA,é\r\n".as_bytes());
        assert_eq!(&text[..3], [0xEF, 0xBB, 0xBF]);
    }
}
