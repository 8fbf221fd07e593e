//! A writer of HTML fragments: escaped text, links back to the site root, and the small
//! badges every table uses. It knows nothing of records; `rows.rs` writes rows with it.

use std::fmt::Write as _;

use super::index::Link;
use crate::model::{Origin, Severity};
use crate::render::escape_into;

/// Writes one fragment; `root` leads every link back to the site root (`""` or `"../"`).
pub(super) struct Writer {
    pub(super) out: String,
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

    /// Dates and numbers: nothing to escape.
    pub(super) fn display(&mut self, value: impl std::fmt::Display) -> &mut Self {
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{value}");
        self
    }

    /// `value`, or the markup `none` when there is none.
    pub(super) fn or(&mut self, value: Option<impl std::fmt::Display>, none: &str) -> &mut Self {
        match value {
            Some(value) => self.display(value),
            None => self.raw(none),
        }
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
                .same_name(link)
                .inactive(link),
            None => self.raw("<span class=\"none\">unassigned</span>"),
        }
    }

    /// ` (maria-gomez)` after a name another person also has.
    fn same_name(&mut self, link: &Link) -> &mut Self {
        if link.same_name {
            self.raw(" <span class=\"sub mono\">(")
                .text(link.id)
                .raw(")</span>");
        }
        self
    }

    fn inactive(&mut self, link: &Link) -> &mut Self {
        if link.inactive {
            self.raw(
                " <span class=\"badge badge-muted\" title=\"No longer active\">inactive</span>",
            );
        }
        self
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
            self.badge(&["origin-", origin.as_str()], origin.as_str());
        }
        self
    }

    pub(super) fn severity(&mut self, severity: Option<Severity>) -> &mut Self {
        match severity.map(Severity::as_str) {
            Some(name) => self.badge(&["sev-", name], name),
            None => self.raw("<span class=\"none\">—</span>"),
        }
    }

    /// `<span class="badge {class}">{label}</span>`; `class` is given in pieces.
    pub(super) fn badge(&mut self, class: &[&str], label: &str) -> &mut Self {
        self.raw("<span class=\"badge ");
        for piece in class {
            self.raw(piece);
        }
        self.raw("\">").text(label).raw("</span>")
    }

    /// A badge when `on`; a space before it when `spaced`.
    pub(super) fn flag(&mut self, on: bool, label: &str, class: &str) -> &mut Self {
        if on {
            self.raw(" ").badge(&[class], label);
        }
        self
    }
}
