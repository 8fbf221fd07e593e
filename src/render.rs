//! Tera templates: the built-in ones are embedded in the binary; a `--templates DIR` file of
//! the same name replaces one. Markdown rendering lives in `markdown.rs`.

use std::io::Write;

use anyhow::Context as _;
use serde::Serialize;
use tera::{Context, Tera};

use crate::output::Sink;

/// Embeds files from `templates/` under their file names.
macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

/// The built-in templates, by file name.
const TEMPLATES: &[(&str, &str)] = embedded![
    "base.html",
    "macros.html",
    "index.html",
    "controls.html",
    "control.html",
    "processes.html",
    "process.html",
    "exceptions.html",
    "exception.html",
    "incidents.html",
    "incident.html",
    "reviews.html",
    "review.html",
    "people.html",
    "person.html",
    "frameworks.html",
    "framework.html",
    "accountability.html",
    "report.html",
    "definitions.html",
    "list.html",
    "team.html",
    "teams.html",
    "findings.html",
];

/// The built-in static files (CSS, JS), by path under the site root.
pub const STATIC_FILES: &[(&str, &str)] = &[
    ("assets/style.css", include_str!("../static/style.css")),
    ("assets/site.js", include_str!("../static/site.js")),
];

/// Templates by file name with their text, as `--templates DIR` gives them.
pub type Overrides = Vec<(String, String)>;

/// Compiled templates, shared by every rendering thread. Every page is rendered whole
/// from its template: `base.html`, built-in or replaced, sees the same context on every
/// page. The only text that does not pass through Tera is a table of records (see `later`).
pub struct Renderer {
    tera: Tera,
}

impl Renderer {
    /// Compiles the built-in templates, replaced by name with `overrides` (file name and
    /// text, as `site::read_templates` reads them from `--templates DIR`).
    pub fn new(overrides: &[(String, String)]) -> anyhow::Result<Renderer> {
        let mut templates: Vec<(String, String)> = TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        for (name, text) in overrides {
            templates.retain(|(existing, _)| existing != name);
            templates.push((name.clone(), text.clone()));
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(escape_html);
        // Output must depend only on the content: no clock, no environment.
        tera.register_function("now", |_: &_| {
            Err("`now()` is disabled: pages must be reproducible".into())
        });
        tera.register_function("get_env", |_: &_| {
            Err("`get_env()` is disabled: pages must be reproducible".into())
        });
        tera.add_raw_templates(templates)
            .map_err(|error| anyhow::anyhow!(chain(&error)))
            .context("compiling the templates")?;
        Ok(Renderer { tera })
    }

    /// Renders `template` with `view` as its context, tables written later left as markers.
    pub fn render(
        &self,
        template: &str,
        view: &impl Serialize,
        what: &str,
    ) -> anyhow::Result<String> {
        Ok(self.render_page(template, view, what)?.text)
    }

    /// Renders `template` with `view` as its context.
    pub fn render_page(
        &self,
        template: &str,
        view: &impl Serialize,
        what: &str,
    ) -> anyhow::Result<Rendered> {
        let context = Context::from_serialize(view)
            .map_err(|error| anyhow::anyhow!(chain(&error)))
            .with_context(|| format!("preparing {what}"))?;
        let text = self
            .tera
            .render(template, &context)
            .map_err(|error| anyhow::anyhow!(chain(&error)))
            .with_context(|| format!("rendering {what} with template {template}"))?;
        Ok(Rendered { text })
    }
}

const DEFER_END: char = '\u{E004}';
/// Starts every marker; escaping encodes it (see `escape_into`).
const MARK_START: char = '\u{E000}';

/// Tables that a page's view leaves to be written when the page is written, a chunk at a
/// time, rather than held in memory as one string (see `later`): the tables of the large
/// list pages and the report.
pub trait Later {
    /// Writes table number `table`.
    fn write(&self, table: usize, out: &mut dyn Write) -> std::io::Result<()>;

    /// Table number `table` when it is already written out as text.
    fn ready(&self, table: usize) -> Option<&str>;
}

/// The marker of table number `table` of the page's `Later`, a plain string in the view:
/// the table is written in its place when the page is written. Content cannot forge it
/// (`escape_into` and the Markdown renderer encode U+E000).
pub fn later(table: usize) -> String {
    format!("{LATER_START}{table}{DEFER_END}")
}

const LATER_START: &str = "\u{E000}\u{E005}";

/// A page as Tera rendered it, with the markers of the tables written later.
pub struct Rendered {
    text: String,
}

/// A piece of a page: text, or a table written later (with its marker's text).
#[derive(Debug, PartialEq)]
enum Part<'a> {
    Text(&'a str),
    Later(usize, &'a str),
}

impl Rendered {
    /// Puts the page into `sink` as `path`, with the tables of `later` in their places. A
    /// page without tables goes out as it is; one with tables is written piece by piece,
    /// so a 40 MB table is never held as one string.
    pub fn put(&self, sink: &dyn Sink, path: String, later: &dyn Later) -> anyhow::Result<()> {
        let mut parts = Vec::new();
        splice(&self.text, &mut |part| parts.push(part));
        // Tables that are ready (those of record pages) go out with the text in one write.
        let texts: Option<Vec<&str>> = parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => Some(*text),
                Part::Later(table, _) => later.ready(*table),
            })
            .collect();
        if let Some(texts) = texts {
            return sink.put_parts(path, &texts);
        }
        sink.put_stream(path, &mut |out| {
            parts.iter().try_for_each(|part| match part {
                Part::Text(text) => out.write_all(text.as_bytes()),
                Part::Later(table, _) => later.write(*table, out),
            })
        })
    }
}

/// The pieces of `text`, with every marker replaced by its fragment or its table.
fn splice<'a>(text: &'a str, each: &mut dyn FnMut(Part<'a>)) {
    let mut rest = text;
    while let Some(at) = rest.find(MARK_START) {
        each(Part::Text(&rest[..at]));
        let marker = &rest[at..];
        let table = marker.strip_prefix(LATER_START).and_then(|tail| {
            let (number, after) = tail.split_once(DEFER_END)?;
            Some((number.parse::<usize>().ok()?, after))
        });
        if let Some((table, after)) = table {
            each(Part::Later(table, &marker[..marker.len() - after.len()]));
            rest = after;
        } else {
            // Not a marker: text as it is.
            let end = MARK_START.len_utf8();
            each(Part::Text(&marker[..end]));
            rest = &marker[end..];
        }
    }
    each(Part::Text(rest));
}

/// Escapes text for HTML content and quoted attributes. Unlike Tera's default it leaves `/`
/// alone, so relative links stay readable in the page source.
fn escape_html(input: &str) -> String {
    let mut escaped = String::with_capacity(input.len() + input.len() / 8);
    escape_into(&mut escaped, input);
    escaped
}

/// Appends `input` to `out`, escaped as `escape_html` does.
pub fn escape_into(out: &mut String, input: &str) {
    // Byte by byte: every character that needs escaping starts with a byte no other
    // character's UTF-8 contains (ASCII, or 0xEE for U+E000), so the text between them is
    // skipped with one table lookup a byte and copied as it is.
    let bytes = input.as_bytes();
    let mut copied = 0;
    let mut at = 0;
    loop {
        while at < bytes.len() && !ESCAPE_STARTS[usize::from(bytes[at])] {
            at += 1;
        }
        let Some(&byte) = bytes.get(at) else { break };
        let (escaped, len) = match byte {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#x27;", 1),
            // The private-use character that starts govsite's markers: as a reference, so
            // no text from content can pose as one.
            _ if input[at..].starts_with(MARK_START) => ("&#xE000;", MARK_START.len_utf8()),
            // Another character starting with 0xEE.
            _ => {
                at += 1;
                continue;
            }
        };
        out.push_str(&input[copied..at]);
        out.push_str(escaped);
        at += len;
        copied = at;
    }
    out.push_str(&input[copied..]);
}

/// The bytes that may start a character `escape_into` replaces.
static ESCAPE_STARTS: [bool; 256] = {
    let mut starts = [false; 256];
    let mut at = 0;
    let special = [b'&', b'<', b'>', b'"', b'\'', 0xEE];
    while at < special.len() {
        starts[special[at] as usize] = true;
        at += 1;
    }
    starts
};

/// Tera nests the useful message in its error sources: join them into one line.
fn chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_but_not_slashes() {
        assert_eq!(
            escape_html(r#"<a href="x">'&'</a> controls/X.html"#),
            "&lt;a href=&quot;x&quot;&gt;&#x27;&amp;&#x27;&lt;/a&gt; controls/X.html"
        );
        // Other characters, however long their UTF-8, pass through; of the private-use
        // ones only the marker's first character is encoded.
        assert_eq!(
            escape_html("é<ü\u{E000}\u{E001}\u{EFFF}😀>"),
            "é&lt;ü&#xE000;\u{E001}\u{EFFF}😀&gt;"
        );
    }

    /// Two tables, each written in chunks as the page is written.
    struct Tables;

    impl Later for Tables {
        fn ready(&self, _: usize) -> Option<&str> {
            None
        }

        fn write(&self, table: usize, out: &mut dyn Write) -> std::io::Result<()> {
            for row in 0..3 {
                write!(out, "<tr><td>{table}.{row}</td></tr>")?;
            }
            Ok(())
        }
    }

    #[test]
    fn tables_written_later_go_in_their_places_and_content_cannot_forge_them() {
        let mut forged = String::new();
        escape_into(&mut forged, &later(0));
        assert!(!forged.contains(MARK_START), "{forged}");
        let page = Rendered {
            text: format!("<h1>x</h1>{}<p>{forged}</p>{}\u{E000}", later(1), later(0)),
        };
        let sink = crate::output::Memory::default();
        page.put(&sink, "page.html".into(), &Tables).unwrap();
        let files = sink.into_sealed();
        let file = files.iter().find(|f| f.path == "page.html").unwrap();
        assert_eq!(
            String::from_utf8_lossy(&file.bytes),
            format!(
                "<h1>x</h1><tr><td>1.0</td></tr><tr><td>1.1</td></tr><tr><td>1.2</td></tr>\
                 <p>{forged}</p><tr><td>0.0</td></tr><tr><td>0.1</td></tr><tr><td>0.2</td></tr>\u{E000}"
            )
        );
    }

    #[test]
    fn template_overrides_replace_built_ins_by_name() {
        let overrides = [("frameworks.html".into(), "custom {{ title }}".into())];
        let renderer = Renderer::new(&overrides).unwrap();
        let view = serde_json::json!({"title": "<b>"});
        let html = renderer.render("frameworks.html", &view, "test").unwrap();
        assert_eq!(html, "custom &lt;b&gt;");
    }

    #[test]
    fn clock_and_environment_functions_are_disabled() {
        let overrides = [(
            "frameworks.html".into(),
            "{{ get_env(name='HOME') }}".into(),
        )];
        let renderer = Renderer::new(&overrides).unwrap();
        let error = renderer
            .render("frameworks.html", &serde_json::json!({}), "test")
            .unwrap_err();
        assert!(format!("{error:#}").contains("disabled"), "{error:#}");
    }
}
