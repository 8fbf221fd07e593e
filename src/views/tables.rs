//! The tables of records, written by govsite rather than by a template: a row repeats tens
//! of thousands of times on the list pages and in the report, where a Tera macro per row
//! cost tens of microseconds and a row written here about one.
//!
//! Each row type (`rows.rs`) is the only definition of its table: its header cells, its
//! cells and the message for an empty table. A page's view gets a `Table` (the row count and
//! a marker); the template places it with `{{ t.html | safe }}` and may test `t.count`. The
//! marker is replaced by the table when the page is written (`render::Rendered::put`), so
//! a large table is made in chunks as it goes into its file, and never passes through Tera.

use std::io::Write;

use serde::Serialize;

use super::markup::Writer;

/// A row of a table of records.
pub(super) trait Row {
    /// About how long a row is, to size the text up front.
    const SIZE: usize;
    /// The header cells: label and class.
    const HEADERS: &'static [Header];
    /// The single row of an empty table.
    const EMPTY: &'static str;
    /// The table's class: a list of records is sortable in the browser.
    const CLASS: &'static str = "data sortable";
    /// Whether the table scrolls in a box of its own on a narrow screen (a chart's numbers
    /// sit in the chart's box already).
    const SCROLL: bool = true;
    /// Writes the row's cells, one `Cells::cell` each, in the order of `HEADERS`.
    fn cells(&self, cells: &mut Cells);
}

impl<R: Row> Row for &R {
    const SIZE: usize = R::SIZE;
    const HEADERS: &'static [Header] = R::HEADERS;
    const EMPTY: &'static str = R::EMPTY;
    const CLASS: &'static str = R::CLASS;
    const SCROLL: bool = R::SCROLL;
    fn cells(&self, cells: &mut Cells) {
        (*self).cells(cells)
    }
}

/// A header cell: its label, and its class (`num` for figures, else empty).
pub(super) struct Header(pub(super) &'static str, pub(super) &'static str);

/// The cells of one row as they are written.
pub(super) struct Cells<'w, 'r> {
    w: &'w mut Writer<'r>,
    count: usize,
}

impl<'r> Cells<'_, 'r> {
    /// Starts the next cell, with `class` (or none when empty), and returns the writer for
    /// its content.
    pub(super) fn cell(&mut self, class: &str) -> &mut Writer<'r> {
        if self.count > 0 {
            self.w.raw("</td>");
        }
        self.count += 1;
        if class.is_empty() {
            self.w.raw("<td>")
        } else {
            self.w.raw("<td class=\"").raw(class).raw("\">")
        }
    }
}

/// Writes one row.
fn write_row<R: Row>(w: &mut Writer, row: &R) {
    w.raw("<tr>");
    let mut cells = Cells { w, count: 0 };
    row.cells(&mut cells);
    let count = cells.count;
    debug_assert_eq!(
        count,
        R::HEADERS.len(),
        "a row has as many cells as headers"
    );
    w.raw("</td></tr>\n");
}

fn write_head<R: Row>(w: &mut Writer, caption: &str) {
    if R::SCROLL {
        w.raw("<div class=\"table-scroll\">\n");
    }
    w.raw("<table class=\"")
        .raw(R::CLASS)
        .raw("\">\n  <caption>")
        .text(caption)
        .raw("</caption>\n  <thead><tr>");
    for Header(label, class) in R::HEADERS {
        if class.is_empty() {
            w.raw("<th scope=\"col\">");
        } else {
            w.raw("<th scope=\"col\" class=\"").raw(class).raw("\">");
        }
        w.raw(label).raw("</th>");
    }
    w.raw("</tr></thead>\n  <tbody>\n");
}

fn write_empty<R: Row>(w: &mut Writer) {
    w.raw("  <tr><td colspan=\"")
        .display(R::HEADERS.len())
        .raw("\">")
        .raw(R::EMPTY)
        .raw("</td></tr>\n");
}

fn write_tail<R: Row>(w: &mut Writer) {
    w.raw("  </tbody>\n</table>");
    if R::SCROLL {
        w.raw("\n</div>");
    }
}

/// Writes a whole table of `rows` under `caption`, calling `after_row` after each row (to
/// pass full chunks on); returns the number of rows.
fn write_table<R: Row>(
    w: &mut Writer,
    caption: &str,
    rows: impl IntoIterator<Item = R>,
    after_row: &mut dyn FnMut(&mut Writer) -> std::io::Result<()>,
) -> std::io::Result<usize> {
    write_head::<R>(w, caption);
    let mut count = 0;
    for row in rows {
        write_row(w, &row);
        count += 1;
        after_row(w)?;
    }
    if count == 0 {
        write_empty::<R>(w);
    }
    write_tail::<R>(w);
    Ok(count)
}

/// A table as its page's view sees it: how many rows it has, and the marker that becomes
/// the table (`| safe`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Table {
    pub count: usize,
    pub html: String,
}

/// The tables of one page, written when the page is written.
pub struct Tables<'a> {
    root: &'static str,
    tables: Vec<Body<'a>>,
}

enum Body<'a> {
    /// A small table, written when the view was made.
    Ready(String),
    /// A large table, written in chunks as the page is written.
    Later {
        caption: String,
        write: Box<WriteRows<'a>>,
    },
}

type WriteRows<'a> = dyn Fn(&mut Rows) -> std::io::Result<()> + 'a;

impl<'a> Tables<'a> {
    /// The tables of a page at `root` (`""` at the site root, `"../"` one folder down).
    pub(super) fn new(root: &'static str) -> Tables<'a> {
        Tables {
            root,
            tables: Vec::new(),
        }
    }

    /// A table of `rows` under `caption`, written now: for record pages.
    pub(super) fn now<R: Row>(
        &mut self,
        caption: &str,
        rows: impl IntoIterator<Item = R>,
    ) -> Table {
        let rows = rows.into_iter();
        let mut w = Writer::new(self.root, 512 + rows.size_hint().0 * R::SIZE);
        // Into a string, nothing to flush: writing cannot fail.
        let count = write_table(&mut w, caption, rows, &mut |_| Ok(())).unwrap_or_default();
        self.add(count, Body::Ready(w.out))
    }

    /// A table of `count` rows under `caption` that `write` gives to `Rows::all` when the
    /// page is written: for the list pages and the report, whose tables reach tens of
    /// megabytes.
    pub(super) fn later(
        &mut self,
        caption: String,
        count: usize,
        write: impl Fn(&mut Rows) -> std::io::Result<()> + 'a,
    ) -> Table {
        self.add(
            count,
            Body::Later {
                caption,
                write: Box::new(write),
            },
        )
    }

    fn add(&mut self, count: usize, body: Body<'a>) -> Table {
        self.tables.push(body);
        Table {
            count,
            html: crate::render::later(self.tables.len() - 1),
        }
    }
}

impl crate::render::Later for Tables<'_> {
    fn ready(&self, table: usize) -> Option<&str> {
        match self.tables.get(table)? {
            Body::Ready(html) => Some(html),
            Body::Later { .. } => None,
        }
    }

    fn write(&self, table: usize, out: &mut dyn Write) -> std::io::Result<()> {
        match self.tables.get(table) {
            Some(Body::Ready(html)) => out.write_all(html.as_bytes()),
            Some(Body::Later { caption, write }) => write(&mut Rows {
                w: Writer::new(self.root, CHUNK + 4 * 1024),
                out,
                caption,
            }),
            None => Ok(()),
        }
    }
}

/// Tables written later go to the page's file in chunks of about this size.
const CHUNK: usize = 128 * 1024;

/// A table on its way into the page's file.
pub(super) struct Rows<'w> {
    w: Writer<'static>,
    out: &'w mut dyn Write,
    caption: &'w str,
}

impl Rows<'_> {
    /// Writes the table with `rows`.
    pub(super) fn all<R: Row>(&mut self, rows: impl IntoIterator<Item = R>) -> std::io::Result<()> {
        let out = &mut *self.out;
        let mut flush = |w: &mut Writer| {
            if w.out.len() >= CHUNK {
                out.write_all(w.out.as_bytes())?;
                w.out.clear();
            }
            Ok(())
        };
        write_table(&mut self.w, self.caption, rows, &mut flush)?;
        self.flush()
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.write_all(self.w.out.as_bytes())?;
        self.w.out.clear();
        Ok(())
    }
}
