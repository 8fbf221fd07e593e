//! The shape of every table on every page: each body row has as many cells as the table
//! has header cells, `colspan` counted. A row type in `src/views/rows.rs` whose `cells()`
//! drifts from its `HEADERS`, or a template whose row drifts from its `<thead>`, shifts
//! every later cell under the wrong heading; this catches it on the built pages.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

const AS_OF: &str = "2026-11-01";

/// The content folders that build without errors: the example and the fixtures that do.
const SITES: &[&str] = &[
    "content",
    "tests/fixtures/valid",
    "tests/fixtures/hostile/xss",
    "tests/fixtures/invalid/warnings",
];

/// One tag of a page: its lowercase name, whether it is a closing tag, its attribute text
/// and the byte offsets just before and just after it.
struct Tag<'a> {
    name: String,
    closing: bool,
    attributes: &'a str,
    start: usize,
    end: usize,
}

/// Every tag of `html`, in order; comments, doctypes and text are skipped. Attribute values
/// may hold `>` inside quotes.
fn tags(html: &str) -> Vec<Tag<'_>> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(offset) = html[at..].find('<') {
        let start = at + offset;
        let rest = &html[start + 1..];
        if rest.starts_with("!--") {
            at = start + rest.find("-->").map_or(html.len() - start, |end| end + 4);
            continue;
        }
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        let name_len = rest[name_start..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len() - name_start);
        let mut quote = None;
        let mut end = rest.len();
        for (i, c) in rest.char_indices().skip(name_start + name_len) {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        if name_len > 0 {
            found.push(Tag {
                name: rest[name_start..name_start + name_len].to_ascii_lowercase(),
                closing,
                attributes: &rest[name_start + name_len..end],
                start,
                end: start + 1 + (end + 1).min(rest.len()),
            });
        }
        at = start + 1 + end;
    }
    found
}

/// How many columns a cell spans: its `colspan`, or 1.
fn span(attributes: &str) -> usize {
    let Some(at) = attributes.find("colspan=") else {
        return 1;
    };
    let value = attributes[at + "colspan=".len()..].trim_start_matches(['"', '\'']);
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or(1)
}

/// A table as the page has it: the cell count of each header row and of each body row.
#[derive(Debug, Default, PartialEq)]
struct Shape {
    caption: String,
    /// The `<thead>` as written, to tell kinds of table apart.
    head: String,
    header_rows: Vec<usize>,
    body_rows: Vec<usize>,
    /// Cells found outside any `<tr>`.
    stray_cells: usize,
    /// Cells that span more than one column.
    spanning_cells: usize,
}

/// A table being read: its shape so far, and where the reader is inside it.
#[derive(Default)]
struct Reading {
    shape: Shape,
    in_head: bool,
    row: Option<usize>,
    head_from: usize,
    caption_from: usize,
}

impl Reading {
    fn end_row(&mut self) {
        if let Some(cells) = self.row.take() {
            if self.in_head {
                self.shape.header_rows.push(cells);
            } else {
                self.shape.body_rows.push(cells);
            }
        }
    }
}

/// The shape of every table of `html`, inner tables included, in the order they close.
fn tables(html: &str) -> Vec<Shape> {
    let mut done = Vec::new();
    let mut open: Vec<Reading> = Vec::new();
    for tag in tags(html) {
        if tag.name == "table" && !tag.closing {
            open.push(Reading::default());
            continue;
        }
        let Some(table) = open.last_mut() else {
            continue;
        };
        match (tag.name.as_str(), tag.closing) {
            ("table", true) => {
                table.end_row();
                done.push(open.pop().unwrap().shape);
            }
            ("caption", false) => table.caption_from = tag.end,
            ("caption", true) => table.shape.caption = html[table.caption_from..tag.start].into(),
            ("thead", false) => {
                table.end_row();
                table.in_head = true;
                table.head_from = tag.start;
            }
            ("thead", true) => {
                table.end_row();
                table.in_head = false;
                table.shape.head = html[table.head_from..tag.end].into();
            }
            ("tbody" | "tfoot", false) => {
                table.end_row();
                table.in_head = false;
            }
            ("tr", false) => {
                table.end_row();
                table.row = Some(0);
            }
            ("tr", true) => table.end_row(),
            ("td" | "th", false) => {
                let span = span(tag.attributes);
                table.shape.spanning_cells += usize::from(span > 1);
                match &mut table.row {
                    Some(cells) => *cells += span,
                    None => table.shape.stray_cells += 1,
                }
            }
            _ => {}
        }
    }
    done
}

/// Builds `content` into `out` as of the test date; the build must succeed.
fn build(content: &str, out: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_govsite"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "--content", content, "--as-of", AS_OF, "--out"])
        .arg(out)
        .output()
        .expect("running govsite");
    assert!(
        output.status.success(),
        "building {content} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn every_body_row_of_every_table_has_as_many_cells_as_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    let (mut checked_tables, mut checked_rows, mut spanning_cells) = (0, 0, 0);
    let mut kinds = BTreeSet::new();
    for (n, content) in SITES.iter().enumerate() {
        let out = dir.path().join(n.to_string());
        build(content, &out);
        for entry in walkdir::WalkDir::new(&out) {
            let path = entry.unwrap().into_path();
            if path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let page = format!("{content}: {}", path.strip_prefix(&out).unwrap().display());
            let html = std::fs::read_to_string(&path).unwrap();
            for table in tables(&html) {
                let at = format!("{page}, table {:?}", table.caption);
                if table.header_rows.len() != 1 || table.stray_cells > 0 {
                    wrong.push(format!("{at}: {table:?}"));
                    continue;
                }
                let headers = table.header_rows[0];
                for (i, cells) in table.body_rows.iter().enumerate() {
                    if *cells != headers {
                        wrong.push(format!(
                            "{at}, row {}: {cells} cells under {headers} headers",
                            i + 1
                        ));
                    }
                }
                spanning_cells += table.spanning_cells;
                checked_rows += table.body_rows.len();
                checked_tables += 1;
                kinds.insert(table.head);
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} tables or rows out of shape:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // About 420 tables of 40 kinds with 1,600 rows, 50 of them an empty table's one cell.
    assert!(checked_tables >= 350, "only {checked_tables} tables");
    assert!(checked_rows >= 1200, "only {checked_rows} rows");
    assert!(kinds.len() >= 30, "only {} kinds of table", kinds.len());
    assert!(
        spanning_cells >= 20,
        "only {spanning_cells} cells with colspan"
    );
}

#[test]
fn the_table_reader_counts_cells_spans_and_inner_tables() {
    let html = r#"<!-- <table> --><table class="a>b"><caption>C</caption>
        <thead><tr><th>A</th><th scope="col">B</th><th>C</th></tr></thead>
        <tbody><tr><td>1</td><td colspan="2"><table><tr><td>x</td></tr></table></td></tr>
        <tr><td>1<td>2</tr><tr><TD colspan=3>none</TD></tr></tbody></table>"#;
    let found = tables(html);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0].body_rows, vec![1], "the inner table");
    assert_eq!(found[1].caption, "C");
    assert_eq!(found[1].header_rows, vec![3]);
    assert_eq!(found[1].body_rows, vec![3, 2, 3]);
    assert_eq!(found[1].spanning_cells, 2);
}
