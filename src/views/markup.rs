//! A writer of HTML fragments: escaped text, links back to the site root, and the small
//! badges every table uses. It knows nothing of records; `rows.rs` writes rows with it.

use std::collections::HashMap;
use std::fmt::Write as _;

use tera::Value;

use super::index::Link;
use crate::model::{Origin, Severity};
use crate::render::escape_into;

/// Writes one fragment; `root` leads every link back to the site root (`""` or `"../"`).
pub(super) struct Writer<'r> {
    pub(super) out: String,
    root: &'r str,
}

/// A link as markup needs it: from a `Link` (the address in pieces, put together only as
/// it is written), or from a template's value of one (see `filters`).
pub(super) struct LinkText<'a> {
    href: [&'a str; 3],
    id: &'a str,
    label: &'a str,
    inactive: bool,
    same_name: bool,
}

impl<'a> From<&Link<'a>> for LinkText<'a> {
    fn from(link: &Link<'a>) -> LinkText<'a> {
        LinkText {
            href: [link.before, link.id, link.after],
            id: link.id,
            label: link.label,
            inactive: link.inactive,
            same_name: link.same_name,
        }
    }
}

impl<'r> Writer<'r> {
    pub(super) fn new(root: &'r str, capacity: usize) -> Writer<'r> {
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

    fn href(&mut self, link: &LinkText) -> &mut Self {
        let [before, id, after] = link.href;
        self.raw(self.root).raw(before).text(id).raw(after)
    }

    /// A person's name linked to their page, or `unassigned`.
    pub(super) fn person(&mut self, link: Option<&Link>) -> &mut Self {
        self.person_text(link.map(LinkText::from).as_ref())
    }

    fn person_text(&mut self, link: Option<&LinkText>) -> &mut Self {
        match link {
            Some(link) => self.anchor(" class=\"person\"", link),
            None => self.raw("<span class=\"none\">unassigned</span>"),
        }
    }

    /// A record's label linked to its page, or `—`; a person's as `person` writes it.
    fn link_text(&mut self, link: Option<&LinkText>) -> &mut Self {
        match link {
            Some(link) => self.anchor("", link),
            None => self.raw("<span class=\"none\">—</span>"),
        }
    }

    /// The label linked, then what tells people apart: the id beside a name another
    /// person also has, and a badge for someone no longer active.
    fn anchor(&mut self, attributes: &str, link: &LinkText) -> &mut Self {
        self.raw("<a")
            .raw(attributes)
            .raw(" href=\"")
            .href(link)
            .raw("\">")
            .text(link.label)
            .raw("</a>");
        if link.same_name {
            self.raw(" <span class=\"sub mono\">(")
                .text(link.id)
                .raw(")</span>");
        }
        if link.inactive {
            self.raw(
                " <span class=\"badge badge-muted\" title=\"No longer active\">inactive</span>",
            );
        }
        self
    }

    /// A record's id in monospace, linked to its page.
    pub(super) fn id_link(&mut self, link: &Link) -> &mut Self {
        self.id_link_text(&LinkText::from(link))
    }

    fn id_link_text(&mut self, link: &LinkText) -> &mut Self {
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

/// How a template writes a link: `{{ owner | person(root=root) }}`. Each filter writes the
/// markup the tables' rows use, so a link reads the same everywhere; it is also much
/// cheaper than spelling the markup out in the template, which looks up every field.
#[derive(Debug, Clone, Copy)]
enum LinkFilter {
    /// A person's name, or `unassigned` (`null`).
    Person,
    /// A record's label, or `—` (`null`); a person's is written as `Person` writes it.
    Link,
    /// A record's id in monospace, or `—` (`null`).
    IdLink,
}

/// Registers the link filters (`person`, `link`, `id_link`) with `tera`.
pub fn register_filters(tera: &mut tera::Tera) {
    tera.register_filter("person", LinkFilter::Person);
    tera.register_filter("link", LinkFilter::Link);
    tera.register_filter("id_link", LinkFilter::IdLink);
}

impl tera::Filter for LinkFilter {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let root = match args.get("root") {
            Some(Value::String(root)) => root.as_str(),
            _ => return Err(self.misused("needs the page's root: `root=root`")),
        };
        let link = match value {
            Value::Null => None,
            Value::Object(fields) => {
                let text = |key: &str| fields.get(key).and_then(Value::as_str);
                let flag = |key: &str| fields.get(key).and_then(Value::as_bool) == Some(true);
                let Some(href) = text("href") else {
                    return Err(self.misused("is given a value without an `href`"));
                };
                Some(LinkText {
                    href: [href, "", ""],
                    id: text("id").unwrap_or_default(),
                    label: text("label").unwrap_or_default(),
                    inactive: flag("inactive"),
                    same_name: flag("same_name"),
                })
            }
            _ => return Err(self.misused("is given something that is not a link")),
        };
        let mut w = Writer::new(root, 160);
        match (self, link.as_ref()) {
            (LinkFilter::Person, link) => w.person_text(link),
            (LinkFilter::Link, link) => w.link_text(link),
            (LinkFilter::IdLink, Some(link)) => w.id_link_text(link),
            (LinkFilter::IdLink, None) => w.link_text(None),
        };
        Ok(Value::String(w.out))
    }

    fn is_safe(&self) -> bool {
        // Every text in the markup is escaped as it is written.
        true
    }
}

impl LinkFilter {
    fn misused(self, problem: &str) -> tera::Error {
        let name = match self {
            LinkFilter::Person => "person",
            LinkFilter::Link => "link",
            LinkFilter::IdLink => "id_link",
        };
        tera::Error::msg(format!(
            "the `{name}` filter {problem} (write `{{{{ owner | {name}(root=root) }}}}`, with a link from the page's view)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, context: serde_json::Value) -> Result<String, String> {
        let mut tera = tera::Tera::default();
        register_filters(&mut tera);
        tera.autoescape_on(vec![".html"]);
        tera.add_raw_template("t.html", template)
            .map_err(|e| e.to_string())?;
        let context = tera::Context::from_value(context).map_err(|e| e.to_string())?;
        tera.render("t.html", &context).map_err(|error| {
            let mut message = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(inner) = source {
                message = format!("{message}: {inner}");
                source = inner.source();
            }
            message
        })
    }

    #[test]
    fn link_filters_write_the_rows_markup_escaped_with_the_pages_root() {
        let person = serde_json::json!({
            "id": "ana-ruiz-2", "label": "Ana <b>Ruiz</b>", "href": "people/ana-ruiz-2.html",
            "inactive": true, "same_name": true,
        });
        let context = serde_json::json!({"root": "../", "p": person, "none": null});
        let page = render(
            "{{ p | person(root=root) }}|{{ none | person(root=root) }}|{{ p | id_link(root=root) }}|{{ none | link(root=root) }}",
            context,
        )
        .unwrap();
        assert_eq!(
            page,
            "<a class=\"person\" href=\"../people/ana-ruiz-2.html\">Ana &lt;b&gt;Ruiz&lt;/b&gt;</a> \
             <span class=\"sub mono\">(ana-ruiz-2)</span> \
             <span class=\"badge badge-muted\" title=\"No longer active\">inactive</span>\
             |<span class=\"none\">unassigned</span>\
             |<a class=\"mono\" href=\"../people/ana-ruiz-2.html\">ana-ruiz-2</a>\
             |<span class=\"none\">—</span>"
        );
    }

    #[test]
    fn a_link_filter_used_wrongly_says_how_to_use_it() {
        let context = serde_json::json!({"root": "", "p": {"id": "x"}, "n": 3});
        for (template, problem) in [
            ("{{ p | person }}", "needs the page's root"),
            ("{{ p | link(root=root) }}", "without an `href`"),
            ("{{ n | id_link(root=root) }}", "not a link"),
        ] {
            let error = render(template, context.clone()).unwrap_err();
            assert!(error.contains(problem), "{template}: {error}");
            assert!(error.contains("(root=root) }}"), "{template}: {error}");
        }
    }
}
