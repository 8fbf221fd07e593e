//! The rows of record tables, written here rather than by a template.
//!
//! A table row repeats tens of thousands of times on the list pages and the printable report,
//! and each record's row appears on several pages. Through Tera macros a row cost tens of
//! microseconds (macro frames, a `serde_json` copy of every field, path lookups) and made up
//! most of a large build's time; written here it costs about one. Templates keep everything
//! else: the page, the table with its caption and headers (`macros.html`), and the message
//! shown when a table is empty. The markup and CSS classes are those the macros used.

use std::cell::RefCell;
use std::sync::Arc;

use serde::Serialize;

use super::lists::{AccountableView, ActionRow, ControlRow, ExceptionRow, GapRow, IncidentRow};
use super::{EvidenceView, Link};
use crate::model::{ControlStatus, Origin, Severity};
use crate::render::{defer, escape_into, later};

/// Table rows as escaped HTML. Templates insert `html` with `| safe` and test `count`. The
/// text reaches the page through `render::defer`, or is written when the page is written
/// (`Later`), never through Tera.
#[derive(Debug, Clone, Default)]
pub struct Html {
    pub count: usize,
    body: Body,
}

#[derive(Debug, Clone)]
enum Body {
    Ready(Arc<String>),
    /// Table number n of the page's `Later`.
    Later(usize),
}

impl Default for Body {
    fn default() -> Body {
        Body::Ready(Arc::default())
    }
}

impl Html {
    /// The rows' text: empty for rows written later, which only list pages have.
    pub fn ready(&self) -> &str {
        match &self.body {
            Body::Ready(html) => html,
            Body::Later(_) => "",
        }
    }

    /// The rows' text, or the marker of rows written later (for a page written in Rust).
    fn markup(&self) -> std::borrow::Cow<'_, str> {
        match &self.body {
            Body::Ready(html) => std::borrow::Cow::Borrowed(html.as_str()),
            Body::Later(table) => std::borrow::Cow::Owned(later(*table)),
        }
    }
}

impl Serialize for Html {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = serializer.serialize_struct("Html", 2)?;
        fields.serialize_field("count", &self.count)?;
        match &self.body {
            Body::Ready(html) if html.is_empty() => fields.serialize_field("html", "")?,
            Body::Ready(html) => fields.serialize_field("html", &defer(html))?,
            Body::Later(table) => fields.serialize_field("html", &later(*table))?,
        }
        fields.end()
    }
}

/// The tables of one page that are written when the page is written, in chunks, instead of
/// held as one string while it renders: on the list pages and the report they reach tens
/// of megabytes at estate scale.
#[derive(Default)]
pub(super) struct Later<'a> {
    tables: RefCell<Vec<LaterTable<'a>>>,
}

/// A table's row count, its root, and what writes its rows.
type LaterTable<'a> = (usize, &'static str, Box<WriteRows<'a>>);
type WriteRows<'a> = dyn Fn(&mut Rows) -> std::io::Result<()> + 'a;

impl<'a> Later<'a> {
    /// A table of `count` rows that `write` writes when the page is written.
    pub(super) fn rows(
        &self,
        count: usize,
        root: &'static str,
        write: impl Fn(&mut Rows) -> std::io::Result<()> + 'a,
    ) -> Html {
        if count == 0 {
            return Html::default();
        }
        let mut tables = self.tables.borrow_mut();
        tables.push((count, root, Box::new(write)));
        Html {
            count,
            body: Body::Later(tables.len() - 1),
        }
    }
}

impl crate::render::Later for Later<'_> {
    fn write(&self, table: usize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let tables = self.tables.borrow();
        let Some((count, root, write)) = tables.get(table) else {
            return Ok(());
        };
        let mut rows = Rows {
            w: Writer::new(root, CHUNK + 4 * 1024),
            out,
            count: 0,
        };
        write(&mut rows)?;
        rows.flush()?;
        debug_assert_eq!(
            rows.count, *count,
            "a table written later has another number of rows than it was counted with"
        );
        Ok(())
    }
}

/// Rows are written to the page's file in chunks of about this size.
const CHUNK: usize = 128 * 1024;

/// The rows of a table written later, on their way into the page's file in chunks.
pub(super) struct Rows<'w> {
    w: Writer,
    out: &'w mut dyn std::io::Write,
    count: usize,
}

impl Rows<'_> {
    pub(super) fn row(&mut self, row: impl Row) -> std::io::Result<()> {
        row.write(&mut self.w);
        self.count += 1;
        if self.w.out.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    pub(super) fn all<R: Row>(&mut self, rows: impl IntoIterator<Item = R>) -> std::io::Result<()> {
        rows.into_iter().try_for_each(|row| self.row(row))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.write_all(self.w.out.as_bytes())?;
        self.w.out.clear();
        Ok(())
    }
}

/// `rows` as one string.
pub(super) fn rows<R: Row>(rows: impl IntoIterator<Item = R>, root: &'static str) -> Html {
    let rows = rows.into_iter();
    let mut w = Writer::new(root, rows.size_hint().0 * R::SIZE);
    let mut count = 0;
    for row in rows {
        row.write(&mut w);
        count += 1;
    }
    w.finish(count)
}

/// A row of one of `macros.html`'s tables.
pub(super) trait Row {
    /// About how long a row is, to size the text up front.
    const SIZE: usize;
    fn write(&self, w: &mut Writer);
}

impl<R: Row> Row for &R {
    const SIZE: usize = R::SIZE;
    fn write(&self, w: &mut Writer) {
        (*self).write(w)
    }
}

/// Writes one fragment; `root` leads every link back to the site root (`""` or `"../"`).
pub(super) struct Writer {
    out: String,
    root: &'static str,
}

impl Writer {
    pub(super) fn new(root: &'static str, capacity: usize) -> Writer {
        Writer {
            out: String::with_capacity(capacity),
            root,
        }
    }

    /// What leads every link back to the site root.
    pub(super) fn root(&self) -> &'static str {
        self.root
    }

    pub(super) fn raw(&mut self, markup: &str) -> &mut Self {
        self.out.push_str(markup);
        self
    }

    pub(super) fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.out, text);
        self
    }

    pub(super) fn display(&mut self, value: impl std::fmt::Display) -> &mut Self {
        use std::fmt::Write as _;
        // Dates and numbers: nothing to escape. Writing to a String cannot fail.
        let _ = write!(self.out, "{value}");
        self
    }

    pub(super) fn href(&mut self, link: &Link) -> &mut Self {
        self.raw(self.root)
            .raw(link.before)
            .text(link.id)
            .raw(link.after)
    }

    /// People's names linked to their pages, separated by commas.
    pub(super) fn people(&mut self, links: &[Link]) -> &mut Self {
        for (i, link) in links.iter().enumerate() {
            if i > 0 {
                self.raw(", ");
            }
            self.person(Some(link));
        }
        self
    }

    /// A person's name linked to their page, or `unassigned`.
    pub(super) fn person(&mut self, link: Option<&Link>) -> &mut Self {
        match link {
            Some(link) => self
                .raw("<a class=\"person\" href=\"")
                .href(link)
                .raw("\">")
                .text(link.label)
                .raw("</a>")
                .inactive(link),
            None => self.raw("<span class=\"none\">unassigned</span>"),
        }
    }

    pub(super) fn inactive(&mut self, link: &Link) -> &mut Self {
        if link.inactive {
            self.raw(
                " <span class=\"badge badge-muted\" title=\"No longer active\">inactive</span>",
            );
        }
        self
    }

    /// A record's label linked to its page.
    pub(super) fn plain_link(&mut self, link: &Link) -> &mut Self {
        self.raw("<a href=\"")
            .href(link)
            .raw("\">")
            .text(link.label)
            .raw("</a>")
    }

    /// `macros.html`'s `evidence`: the table of a record's evidence files.
    pub(super) fn evidence(&mut self, files: &[EvidenceView]) -> &mut Self {
        self.raw(concat!(
            "\n<section aria-labelledby=\"evidence\"><h2 id=\"evidence\">Evidence</h2>\n",
            "<div class=\"table-scroll\"><table class=\"data compact\"><caption>Attached ",
            "evidence, copied into this site; verify with the SHA-256</caption>\n<thead><tr>",
            "<th scope=\"col\">File</th><th scope=\"col\" class=\"num\">Size</th>",
            "<th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>",
        ));
        let root = self.root;
        for file in files {
            self.raw("<tr><td><a href=\"")
                .raw(root)
                .text(&file.href)
                .raw("\">")
                .text(file.path)
                .raw("</a></td><td class=\"num nowrap\">")
                .text(&file.size)
                .raw("</td><td class=\"mono hash\">")
                .text(file.sha256)
                .raw("</td></tr>");
        }
        self.raw("</tbody></table></div>\n</section>")
    }

    /// One of `macros.html`'s tables of records around its rows.
    pub(super) fn table(&mut self, table: &Table, caption: &str, rows: &Html) -> &mut Self {
        self.raw("<div class=\"table-scroll\">\n<table class=\"data sortable\">\n  <caption>")
            .text(caption)
            .raw("</caption>\n  <thead><tr>")
            .raw(table.headers)
            .raw("</tr></thead>\n  <tbody>\n  ");
        if rows.count > 0 {
            self.raw(&rows.markup());
        } else {
            self.raw(table.empty);
        }
        self.raw("\n  </tbody>\n</table>\n</div>")
    }

    /// A record's id in monospace, linked to its page.
    pub(super) fn id_link(&mut self, link: &Link) -> &mut Self {
        self.raw("<a class=\"mono\" href=\"")
            .href(link)
            .raw("\">")
            .text(link.id)
            .raw("</a>")
    }

    /// The id link with the record's label under it.
    pub(super) fn id_and_label(&mut self, link: &Link) -> &mut Self {
        self.id_link(link)
            .raw("<br><span class=\"sub\">")
            .text(link.label)
            .raw("</span>")
    }

    pub(super) fn origins(&mut self, origins: &[Origin]) -> &mut Self {
        for (i, origin) in origins.iter().enumerate() {
            if i > 0 {
                self.raw(" ");
            }
            let origin = origin.as_str();
            self.raw("<span class=\"badge origin-")
                .raw(origin)
                .raw("\">")
                .raw(origin)
                .raw("</span>");
        }
        self
    }

    pub(super) fn severity(&mut self, severity: Option<Severity>) -> &mut Self {
        match severity.map(Severity::as_str) {
            Some(name) => self
                .raw("<span class=\"badge sev-")
                .raw(name)
                .raw("\">")
                .raw(name)
                .raw("</span>"),
            None => self.raw("<span class=\"none\">—</span>"),
        }
    }

    pub(super) fn flag(&mut self, on: bool, label: &str, class: &str) -> &mut Self {
        if on {
            self.raw("<span class=\"badge ")
                .raw(class)
                .raw("\">")
                .raw(label)
                .raw("</span>");
        }
        self
    }

    /// A kebab-case name as words: `control-owner` -> `control owner`.
    pub(super) fn words(&mut self, name: &str) -> &mut Self {
        for (i, word) in name.split('-').enumerate() {
            if i > 0 {
                self.raw(" ");
            }
            self.text(word);
        }
        self
    }

    pub(super) fn accountable(&mut self, people: &[AccountableView]) -> &mut Self {
        self.raw("<ul class=\"plain\">");
        for a in people {
            self.raw("<li><span class=\"role\">")
                .words(a.role)
                .raw("</span> ")
                .person(a.person.as_ref())
                .raw("</li>");
        }
        self.raw("</ul>")
    }

    pub(super) fn date(&mut self, day: Option<impl std::fmt::Display>, none: &str) -> &mut Self {
        match day {
            Some(day) => self.display(day),
            None => self.raw(none),
        }
    }

    pub(super) fn into_string(self) -> String {
        self.out
    }

    pub(super) fn finish(self, count: usize) -> Html {
        Html {
            count,
            body: Body::Ready(Arc::new(self.out)),
        }
    }
}

/// A table of records as `macros.html` draws it: the header cells, and the row shown when
/// there are no rows.
pub(super) struct Table {
    headers: &'static str,
    empty: &'static str,
}

/// `macros.html`'s `incidents_table`.
pub(super) const INCIDENTS_TABLE: Table = Table {
    headers: concat!(
        "<th scope=\"col\">Date</th><th scope=\"col\">Incident</th><th scope=\"col\">Control</th>",
        "<th scope=\"col\">Origin</th><th scope=\"col\">Severity</th>",
        "<th scope=\"col\">Accountable</th><th scope=\"col\">Pattern</th>",
    ),
    empty: "<tr><td colspan=\"7\">No failures recorded.</td></tr>",
};

/// `macros.html`'s `exceptions_table`.
pub(super) const EXCEPTIONS_TABLE: Table = Table {
    headers: concat!(
        "<th scope=\"col\">Exception</th><th scope=\"col\">Control</th>",
        "<th scope=\"col\">State</th><th scope=\"col\">Approved by</th>",
        "<th scope=\"col\">Granted</th><th scope=\"col\">Expires</th>",
        "<th scope=\"col\" class=\"num\">Age (days)</th>",
        "<th scope=\"col\" class=\"num\">Days to expiry</th><th scope=\"col\">Flags</th>",
    ),
    empty: "<tr><td colspan=\"9\">No exceptions.</td></tr>",
};

/// `macros.html`'s `gaps_table`.
pub(super) const GAPS_TABLE: Table = Table {
    headers: concat!(
        "<th scope=\"col\">Gap</th><th scope=\"col\">Record</th>",
        "<th scope=\"col\">What is wrong</th><th scope=\"col\">Person to chase</th>",
    ),
    empty: "<tr><td colspan=\"4\">No gaps.</td></tr>",
};

/// `macros.html`'s `actions_table`.
pub(super) const ACTIONS_TABLE: Table = Table {
    headers: concat!(
        "<th scope=\"col\">Action</th><th scope=\"col\">Incident</th>",
        "<th scope=\"col\">Owner</th><th scope=\"col\">Due</th><th scope=\"col\">Status</th>",
    ),
    empty: "<tr><td colspan=\"5\">No actions.</td></tr>",
};

/// Rows of `macros.html`'s `incidents_table`: date, incident, control, origin, severity,
/// accountable people, pattern.
impl Row for IncidentRow<'_> {
    const SIZE: usize = 700;

    fn write(&self, w: &mut Writer) {
        let i = self;
        w.raw("<tr><td class=\"nowrap\">")
            .display(i.date)
            .raw("</td><td>")
            .id_and_label(&i.link)
            .raw("</td><td>");
        if let Some(control) = &i.control {
            w.id_link(control);
        }
        w.raw("</td><td>")
            .origins(i.origins)
            .raw("</td><td>")
            .severity(i.severity)
            .raw("</td><td>")
            .accountable(&i.accountable)
            .raw("</td><td>")
            .flag(i.repeat, "repeat", "badge-alert");
        if !i.in_window {
            w.raw(" <span class=\"badge badge-muted\">outside window</span>");
        }
        w.raw("</td></tr>\n");
    }
}

/// Rows of `exceptions_table`: exception, control, state, approver, granted, expires, age,
/// days to expiry, flags.
impl Row for ExceptionRow<'_> {
    const SIZE: usize = 800;

    fn write(&self, w: &mut Writer) {
        let e = self;
        w.raw("<tr><td>").id_link(&e.link);
        if !e.title.is_empty() {
            w.raw("<br><span class=\"sub\">")
                .text(e.title)
                .raw("</span>");
        }
        w.raw("</td><td>");
        if let Some(control) = &e.control {
            w.id_link(control);
        }
        w.raw("</td><td><span class=\"badge state-")
            .raw(e.state)
            .raw("\">")
            .words(e.state)
            .raw("</span></td><td>")
            .person(e.approver.as_ref())
            .raw("</td><td class=\"nowrap\">")
            .display(e.granted)
            .raw("</td><td class=\"nowrap\">")
            .date(
                e.expiry,
                "<span class=\"badge state-permanent\">never</span>",
            )
            .raw("</td><td class=\"num\">")
            .date(e.age_days, "—")
            .raw("</td><td class=\"num\">")
            .date(e.days_to_expiry, "—")
            .raw("</td><td>")
            .flag(e.over_policy, "over policy", "badge-alert")
            .raw(" ")
            .flag(e.chronic, "chronic", "badge-warn");
        if e.renewals > 0 {
            w.raw(" <span class=\"badge badge-muted\">")
                .display(e.renewals)
                .raw(if e.renewals == 1 {
                    " renewal"
                } else {
                    " renewals"
                })
                .raw("</span>");
        }
        w.raw("</td></tr>\n");
    }
}

/// Rows of `controls_table`: control, owner, NHI types, failures in window and in total,
/// open exceptions, status flags.
impl Row for ControlRow<'_> {
    const SIZE: usize = 700;

    fn write(&self, w: &mut Writer) {
        let c = self;
        w.raw("<tr><td>")
            .id_and_label(&c.link)
            .raw("</td><td>")
            .person(c.owner.as_ref())
            .raw("</td><td>");
        for nhi in c.nhi {
            w.raw("<span class=\"tag\">")
                .raw(nhi.as_str())
                .raw("</span> ");
        }
        w.raw("</td><td class=\"num\">")
            .display(c.failures_in_window)
            .raw("</td><td class=\"num\">")
            .display(c.failures_total)
            .raw("</td><td class=\"num\">")
            .display(c.open_exceptions)
            .raw("</td><td>")
            .flag(c.recurring, "recurring", "badge-alert")
            .raw(" ")
            .flag(c.review_overdue, "review overdue", "badge-warn")
            .raw(" ")
            .flag(c.shared_platform, "shared platform", "badge-info");
        if c.status == ControlStatus::Retired {
            w.raw(" <span class=\"badge badge-muted\">retired</span>");
        }
        w.raw("</td></tr>\n");
    }
}

/// Rows of `gaps_table`: kind, record, what is wrong, person to chase.
impl Row for GapRow<'_> {
    const SIZE: usize = 400;

    fn write(&self, w: &mut Writer) {
        let g = self;
        w.raw("<tr><td><span class=\"badge gap\">")
            .words(g.kind)
            .raw("</span></td><td>")
            .id_link(&g.record)
            .raw("</td><td>")
            .text(g.what)
            .raw("</td><td>")
            .person(g.person.as_ref())
            .raw("</td></tr>\n");
    }
}

/// Rows of `actions_table`: action, incident, owner, due, status.
impl Row for ActionRow<'_> {
    const SIZE: usize = 400;

    fn write(&self, w: &mut Writer) {
        let a = self;
        w.raw("<tr><td>")
            .text(a.title)
            .raw("</td><td>")
            .id_link(&a.incident)
            .raw("</td><td>")
            .person(a.owner.as_ref())
            .raw("</td><td class=\"nowrap\">")
            .date(a.due, "—")
            .raw("</td><td>");
        if a.overdue {
            w.raw("<span class=\"badge badge-alert\">overdue</span>");
        } else if a.open {
            w.raw("<span class=\"badge badge-warn\">open</span>");
        } else {
            w.raw("<span class=\"badge badge-ok\">done ")
                .date(a.done, "")
                .raw("</span>");
        }
        w.raw("</td></tr>\n");
    }
}

/// An incident on a person's page, with the role that makes them accountable for it.
pub(super) struct RoleRow<'a>(pub(super) &'static str, pub(super) IncidentRow<'a>);

/// Rows of a person's "Accountable for" table: date, incident, role, origin, control.
impl Row for RoleRow<'_> {
    const SIZE: usize = 500;

    fn write(&self, w: &mut Writer) {
        let RoleRow(role, i) = self;
        w.raw("<tr><td class=\"nowrap\">")
            .display(i.date)
            .raw("</td><td>")
            .id_link(&i.link)
            .raw(" <span class=\"sub\">")
            .text(i.link.label)
            .raw("</span></td><td>")
            .words(role)
            .raw("</td><td>")
            .origins(i.origins)
            .raw("</td><td>");
        if let Some(control) = &i.control {
            w.id_link(control);
        }
        w.raw("</td></tr>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Day;

    fn link<'a>(id: &'a str, label: &'a str, before: &'static str) -> Link<'a> {
        Link {
            id,
            label,
            before,
            after: ".html",
            inactive: false,
        }
    }

    #[test]
    fn escapes_every_text_from_content() {
        let rows = [GapRow {
            kind: "inactive-owner",
            record: link("CTL-1", "x", "controls/"),
            person: Some(Link {
                inactive: true,
                ..link("p", "<script>alert(1)</script>", "people/")
            }),
            what: "owned by \"someone\" & gone",
        }];
        let html = super::rows(rows, "../").ready().to_string();
        assert_eq!(
            html,
            "<tr><td><span class=\"badge gap\">inactive owner</span></td>\
             <td><a class=\"mono\" href=\"../controls/CTL-1.html\">CTL-1</a></td>\
             <td>owned by &quot;someone&quot; &amp; gone</td>\
             <td><a class=\"person\" href=\"../people/p.html\">&lt;script&gt;alert(1)&lt;/script&gt;</a> \
             <span class=\"badge badge-muted\" title=\"No longer active\">inactive</span></td></tr>\n"
        );
    }

    #[test]
    fn empty_tables_give_empty_html() {
        let later = Later::default();
        for rows in [
            super::rows(Vec::<IncidentRow>::new(), ""),
            super::rows(Vec::<ExceptionRow>::new(), ""),
            super::rows(Vec::<ActionRow>::new(), ""),
            later.rows(0, "", |rows| rows.all(Vec::<ActionRow>::new())),
        ] {
            assert_eq!((rows.count, rows.ready()), (0, ""));
            // No marker: a template sees an empty table.
            let json = serde_json::to_value(&rows).unwrap();
            assert_eq!(json, serde_json::json!({"count": 0, "html": ""}));
        }
    }

    fn gap<'a>(id: &'a str, person: &'a str) -> GapRow<'a> {
        GapRow {
            kind: "inactive-owner",
            record: link(id, "x", "controls/"),
            person: Some(link("p", person, "people/")),
            what: "owner inactive",
        }
    }

    #[test]
    fn rows_written_later_are_the_rows_written_at_once_in_chunks() {
        use crate::render::Later as _;
        // Enough rows for several chunks, with a long text so some rows straddle a boundary.
        let ids: Vec<String> = (0..3000).map(|n| format!("CTL-{n}")).collect();
        let long = "x & y ".repeat(40);
        let rows = || ids.iter().map(|id| gap(id, &long));
        let at_once = super::rows(rows(), "../");
        let later = Later::default();
        let html = later.rows(ids.len(), "../", |out| out.all(rows()));
        assert_eq!(html.count, at_once.count);
        let marker = serde_json::to_value(&html).unwrap()["html"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(marker, crate::render::later(0));

        /// Counts the writes that reach the file.
        struct Chunks(Vec<u8>, usize);
        impl std::io::Write for Chunks {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.extend_from_slice(bytes);
                self.1 += 1;
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut out = Chunks(Vec::new(), 0);
        later.write(0, &mut out).unwrap();
        assert_eq!(String::from_utf8(out.0).unwrap(), at_once.ready());
        let chunks = at_once.ready().len().div_ceil(CHUNK);
        assert!(
            chunks > 2 && out.1 >= chunks,
            "{} writes of {} bytes",
            out.1,
            at_once.ready().len()
        );
        // A table that is not there writes nothing.
        let mut none = Vec::new();
        later.write(1, &mut none).unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn action_status_reads_overdue_open_or_done() {
        let day = |s: &str| s.parse::<Day>().unwrap();
        let row = |open, overdue, done| ActionRow {
            incident: link("INC-1", "t", "incidents/"),
            title: "Rotate",
            owner: None,
            due: Some(day("2026-01-31")),
            done,
            open,
            overdue,
        };
        let html = super::rows(
            [
                row(true, true, None),
                row(true, false, None),
                row(false, false, Some(day("2026-01-15"))),
            ],
            "",
        )
        .ready()
        .to_string();
        let statuses: Vec<&str> = html
            .lines()
            .map(|line| line.rsplit("<span class=\"badge ").next().unwrap())
            .collect();
        assert_eq!(
            statuses,
            [
                "badge-alert\">overdue</span></td></tr>",
                "badge-warn\">open</span></td></tr>",
                "badge-ok\">done 2026-01-15</span></td></tr>"
            ]
        );
        assert!(html.contains("<span class=\"none\">unassigned</span>"));
    }
}
