//! The rows of record tables, written here rather than by a template.
//!
//! A table row repeats tens of thousands of times on the list pages and the printable report,
//! and each record's row appears on several pages. Through Tera macros a row cost tens of
//! microseconds (macro frames, a `serde_json` copy of every field, path lookups) and made up
//! most of a large build's time; written here it costs about one. Templates keep everything
//! else: the page, the table with its caption and headers (`macros.html`), and the message
//! shown when a table is empty. The markup and CSS classes are those the macros used.

use std::sync::Arc;

use serde::Serialize;

use super::lists::{AccountableView, ActionRow, ControlRow, ExceptionRow, GapRow, IncidentRow};
use super::{EvidenceView, Link};
use crate::model::{ControlStatus, Origin, Severity};
use crate::render::{defer, escape_into};

/// Table rows as finished, escaped HTML. Templates insert `html` with `| safe` and test
/// `count`. The text reaches the page through `render::defer`, not through Tera.
#[derive(Debug, Clone, Default)]
pub struct Html {
    pub count: usize,
    pub html: Arc<String>,
}

impl Serialize for Html {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut fields = serializer.serialize_struct("Html", 2)?;
        fields.serialize_field("count", &self.count)?;
        if self.html.is_empty() {
            fields.serialize_field("html", "")?;
        } else {
            fields.serialize_field("html", &defer(&self.html))?;
        }
        fields.end()
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
            self.raw(&rows.html);
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
            html: Arc::new(self.out),
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
pub fn incident_rows<'a>(
    rows: impl IntoIterator<Item = IncidentRow<'a>>,
    root: &'static str,
) -> Html {
    let rows = rows.into_iter();
    let mut w = Writer::new(root, rows.size_hint().0 * 700);
    let mut count = 0;
    for i in rows {
        count += 1;
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
    w.finish(count)
}

/// Rows of `exceptions_table`: exception, control, state, approver, granted, expires, age,
/// days to expiry, flags.
pub fn exception_rows<'a>(
    rows: impl IntoIterator<Item = ExceptionRow<'a>>,
    root: &'static str,
) -> Html {
    let rows = rows.into_iter();
    let mut w = Writer::new(root, rows.size_hint().0 * 800);
    let mut count = 0;
    for e in rows {
        count += 1;
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
    w.finish(count)
}

/// Rows of `controls_table`: control, owner, NHI types, failures in window and in total,
/// open exceptions, status flags.
pub fn control_rows<'a>(
    rows: impl IntoIterator<Item = ControlRow<'a>>,
    root: &'static str,
) -> Html {
    let rows = rows.into_iter();
    let mut w = Writer::new(root, rows.size_hint().0 * 700);
    let mut count = 0;
    for c in rows {
        count += 1;
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
    w.finish(count)
}

/// Rows of `gaps_table`: kind, record, what is wrong, person to chase.
pub fn gap_rows<'a>(rows: impl IntoIterator<Item = GapRow<'a>>, root: &'static str) -> Html {
    let rows = rows.into_iter();
    let mut w = Writer::new(root, rows.size_hint().0 * 400);
    let mut count = 0;
    for g in rows {
        count += 1;
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
    w.finish(count)
}

/// Rows of `actions_table`: action, incident, owner, due, status.
pub fn action_rows<'a>(rows: impl IntoIterator<Item = ActionRow<'a>>, root: &'static str) -> Html {
    let rows = rows.into_iter();
    let mut w = Writer::new(root, rows.size_hint().0 * 400);
    let mut count = 0;
    for a in rows {
        count += 1;
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
    w.finish(count)
}

/// Rows of a person's "Accountable for" table: date, incident, role, origin, control.
pub fn accountable_for_rows<'a>(
    rows: impl IntoIterator<Item = (&'static str, IncidentRow<'a>)>,
    root: &'static str,
) -> Html {
    let rows = rows.into_iter();
    let mut w = Writer::new(root, rows.size_hint().0 * 500);
    let mut count = 0;
    for (role, i) in rows {
        count += 1;
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
    w.finish(count)
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
        let html = gap_rows(rows, "../").html.to_string();
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
        for rows in [
            incident_rows([], ""),
            exception_rows([], ""),
            action_rows([], ""),
        ] {
            assert_eq!((rows.count, rows.html.as_str()), (0, ""));
        }
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
        let html = action_rows(
            [
                row(true, true, None),
                row(true, false, None),
                row(false, false, Some(day("2026-01-15"))),
            ],
            "",
        )
        .html
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
