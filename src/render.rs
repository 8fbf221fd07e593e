//! Tera templates: the built-in ones are embedded in the binary; a `--templates DIR` file of
//! the same name replaces one. Markdown rendering lives in `markdown.rs`.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

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
    "people.html",
    "person.html",
    "frameworks.html",
    "framework.html",
    "accountability.html",
    "report.html",
];

/// The built-in static files (CSS, JS), by path under the site root.
pub const STATIC_FILES: &[(&str, &str)] = &[
    ("assets/style.css", include_str!("../static/style.css")),
    ("assets/site.js", include_str!("../static/site.js")),
];

/// Compiled templates, shared by every rendering thread.
///
/// Pages that extend `base.html` differ in their content block and title; the frame around
/// them (head, masthead, navigation, footer) is the same for every page of a section. So
/// for the built-in page templates the frame is rendered once per section and depth, with
/// markers where the title and the content go, and each page renders only its content
/// block (a copy of its template that extends an empty parent instead of `base.html`).
/// `base.html`, built-in or replaced, therefore sees only `root`, `title`, `nav` and
/// `site`. A page template replaced with `--templates` is rendered whole, as written.
pub struct Renderer {
    tera: Tera,
    /// Page templates that have a content-only copy, by name.
    content_only: HashSet<String>,
    /// Templates replaced with `--templates` by a different text, by name.
    replaced: HashSet<String>,
    /// Frames by `(root, nav)`; `None` when `base.html` could not be split.
    frames: Mutex<HashMap<FrameKey, Option<Arc<Frame>>>>,
}

/// A page's `root` and `nav`: all a frame depends on besides the site.
type FrameKey = (String, String);

/// `base.html` rendered around a page: text, with the places of the title and the content.
#[derive(Debug)]
struct Frame {
    pieces: Vec<Piece>,
}

#[derive(Debug)]
enum Piece {
    Text(String),
    Title,
    Content,
}

/// Marks the title and the content in a frame: private-use characters, which no filter
/// changes and escaping keeps. A frame is never drawn from a context that holds one, so
/// text from content (a site title) cannot pose as a marker; such pages render whole.
const TITLE_MARK: &str = "\u{E001}\u{E002}";
const CONTENT_MARK: &str = "\u{E001}\u{E003}";
const FRAME_MARK_START: char = '\u{E001}';
/// Starts the marker of a deferred fragment; escaping encodes it (see `defer`).
const MARK_START: char = '\u{E000}';
/// The empty parent that content-only copies extend, and the page that draws a frame.
const BARE: &str = "govsite-bare.html";
const FRAME: &str = "govsite-frame.html";
const EXTENDS_BASE: &str = r#"{% extends "base.html" %}"#;

impl Renderer {
    /// Compiles the built-in templates, replaced by name with any `*.html` in `overrides`.
    pub fn new(overrides: Option<&Path>) -> anyhow::Result<Renderer> {
        let mut templates: Vec<(String, String)> = TEMPLATES
            .iter()
            .map(|(name, text)| (name.to_string(), text.to_string()))
            .collect();
        if let Some(dir) = overrides {
            for (name, text) in read_overrides(dir)? {
                templates.retain(|(existing, _)| *existing != name);
                templates.push((name, text));
            }
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
        // Built-in page templates extend `base.html` with only a content block: give each a
        // content-only copy. Replaced ones are rendered whole.
        let mut content_only = HashSet::new();
        let mut replaced = HashSet::new();
        let mut copies = Vec::new();
        for (name, text) in &templates {
            let built_in = TEMPLATES.iter().any(|(n, t)| n == name && t == text);
            if !built_in {
                replaced.insert(name.clone());
            }
            if built_in && text.starts_with(EXTENDS_BASE) {
                let bare = format!(r#"{{% extends "{BARE}" %}}"#);
                copies.push((content_name(name), text.replacen(EXTENDS_BASE, &bare, 1)));
                content_only.insert(name.clone());
            }
        }
        templates.extend(copies);
        templates.push((
            BARE.into(),
            "{% block content %}{% endblock content %}".into(),
        ));
        templates.push((
            FRAME.into(),
            format!("{EXTENDS_BASE}{{% block content %}}{CONTENT_MARK}{{% endblock content %}}"),
        ));
        tera.add_raw_templates(templates)
            .map_err(|error| anyhow::anyhow!(chain(&error)))
            .context("compiling the templates")?;
        Ok(Renderer {
            tera,
            content_only,
            replaced,
            frames: Mutex::default(),
        })
    }

    /// Whether all of `templates` are the built-in ones: then a page that Rust writes the
    /// way those templates would (see `views::pages`) may be written instead of rendered.
    pub fn built_in(&self, templates: &[&str]) -> bool {
        templates.iter().all(|name| !self.replaced.contains(*name))
    }

    /// A page of the built-in page template `template` whose content block was written
    /// without Tera, put into the frame that `base.html` draws around it. `page` is the
    /// context the frame is drawn from (`root`, `nav` and `site`; serialised only for the
    /// first page of a section). `marked`: the content holds markers of tables written
    /// later. `None` when the page must be rendered by Tera: the template was replaced, or
    /// `base.html` could not be split into a frame.
    pub fn frame_written(
        &self,
        template: &str,
        page: &impl Serialize,
        (root, nav, title): (&str, &str, &str),
        (content, marked): (String, bool),
    ) -> Option<Rendered> {
        let frame = self.frame(template, root, nav, || Context::from_serialize(page).ok())?;
        Some(Rendered {
            frame: Some(frame),
            title: escape_html(title),
            content,
            fragments: Vec::new(),
            marked,
        })
    }

    /// Renders `template` with `view` as its context.
    pub fn render(
        &self,
        template: &str,
        view: &impl Serialize,
        what: &str,
    ) -> anyhow::Result<String> {
        Ok(self.render_page(template, view, what)?.parts().concat())
    }

    /// Renders `template` with `view` as its context, as the pieces the page is made of.
    pub fn render_page(
        &self,
        template: &str,
        view: &impl Serialize,
        what: &str,
    ) -> anyhow::Result<Rendered> {
        let deferred = Deferred::start();
        let context = Context::from_serialize(view)
            .map_err(|error| anyhow::anyhow!(chain(&error)))
            .with_context(|| format!("preparing {what}"))?;
        let framed = self.frame_for(template, &context);
        let name = match framed {
            Some(_) => content_name(template),
            None => template.to_string(),
        };
        let content = self.render_context(&name, &context, template, what)?;
        let (frame, title) = match framed {
            Some((frame, title)) => {
                let mut escaped = String::with_capacity(title.len() + 16);
                escape_into(&mut escaped, title);
                (Some(frame), escaped)
            }
            None => (None, String::new()),
        };
        Ok(Rendered {
            frame,
            title,
            content,
            fragments: deferred.finish(),
            marked: true,
        })
    }

    fn render_context(
        &self,
        name: &str,
        context: &Context,
        template: &str,
        what: &str,
    ) -> anyhow::Result<String> {
        self.tera
            .render(name, context)
            .map_err(|error| anyhow::anyhow!(chain(&error)))
            .with_context(|| format!("rendering {what} with template {template}"))
    }

    /// The frame around a page of `template`, and the page's title, when the page can be
    /// rendered content-only.
    fn frame_for<'c>(&self, template: &str, context: &'c Context) -> Option<(Arc<Frame>, &'c str)> {
        let root = context.get("root")?.as_str()?;
        let nav = context.get("nav")?.as_str()?;
        let title = context.get("title")?.as_str()?;
        let frame = self.frame(template, root, nav, || Some(context.clone()))?;
        Some((frame, title))
    }

    /// The frame for pages of `template` in the section `(root, nav)`, drawn from the
    /// context `page` gives the first time it is needed.
    fn frame(
        &self,
        template: &str,
        root: &str,
        nav: &str,
        page: impl FnOnce() -> Option<Context>,
    ) -> Option<Arc<Frame>> {
        if !self.content_only.contains(template) {
            return None;
        }
        let key = (root.to_string(), nav.to_string());
        let mut frames = self.frames.lock().unwrap_or_else(|e| e.into_inner());
        frames
            .entry(key)
            .or_insert_with(|| page().and_then(|page| self.draw_frame(&page)).map(Arc::new))
            .clone()
    }

    /// Renders `base.html` once with markers for the title and the content.
    fn draw_frame(&self, page: &Context) -> Option<Frame> {
        let mut context = Context::new();
        for key in ["root", "nav", "site"] {
            let value = page.get(key)?;
            // Such pages are rendered whole instead.
            if value.to_string().contains(FRAME_MARK_START) {
                return None;
            }
            context.insert(key, value);
        }
        context.insert("title", TITLE_MARK);
        let text = self.tera.render(FRAME, &context).ok()?;
        let mut pieces = Vec::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find(FRAME_MARK_START) {
            pieces.push(Piece::Text(rest[..at].to_string()));
            let mark = &rest[at..];
            if let Some(after) = mark.strip_prefix(TITLE_MARK) {
                pieces.push(Piece::Title);
                rest = after;
            } else if let Some(after) = mark.strip_prefix(CONTENT_MARK) {
                pieces.push(Piece::Content);
                rest = after;
            } else {
                // A filter in base.html changed a marker: render such pages whole.
                return None;
            }
        }
        pieces.push(Piece::Text(rest.to_string()));
        let contents = pieces
            .iter()
            .filter(|p| matches!(p, Piece::Content))
            .count();
        (contents == 1).then_some(Frame { pieces })
    }
}

thread_local! {
    /// Fragments handed to `defer` while the current page's context is built.
    static DEFERRED: RefCell<Vec<Arc<String>>> = const { RefCell::new(Vec::new()) };
}

const DEFER_START: &str = "\u{E000}\u{E003}";
const DEFER_END: char = '\u{E004}';

/// Finished HTML (the rows of a large table) passes through Tera as a short marker and is
/// put in place after the template ran: a 30 MB table is neither copied into Tera's context
/// nor through its output. Call from `Serialize` while `Renderer::render` builds the
/// context (one page renders on one thread, so the fragments are kept per thread).
/// Content cannot forge a marker: `escape_into` and the Markdown renderer encode U+E000.
pub fn defer(html: &Arc<String>) -> String {
    DEFERRED.with(|deferred| {
        let mut deferred = deferred.borrow_mut();
        deferred.push(Arc::clone(html));
        format!("{DEFER_START}{}{DEFER_END}", deferred.len() - 1)
    })
}

/// The fragments deferred while one page renders; cleared when it starts and ends.
struct Deferred;

impl Deferred {
    fn start() -> Deferred {
        DEFERRED.with(|deferred| deferred.borrow_mut().clear());
        Deferred
    }

    fn finish(self) -> Vec<Arc<String>> {
        DEFERRED.with(|deferred| std::mem::take(&mut *deferred.borrow_mut()))
    }
}

impl Drop for Deferred {
    fn drop(&mut self) {
        DEFERRED.with(|deferred| deferred.borrow_mut().clear());
    }
}

/// Tables that a page's view leaves to be written when the page is written, a chunk at a
/// time, rather than held in memory as one string (see `later`): the tables of the large
/// list pages and the report.
pub trait Later {
    /// Writes table number `table`.
    fn write(&self, table: usize, out: &mut dyn Write) -> std::io::Result<()>;
}

/// The marker of table number `table` of the page's `Later`, for its view's `Serialize`:
/// the table is written in its place when the page is written. Content cannot forge it
/// (`escape_into` and the Markdown renderer encode U+E000).
pub fn later(table: usize) -> String {
    format!("{LATER_START}{table}{DEFER_END}")
}

const LATER_START: &str = "\u{E000}\u{E005}";

/// A rendered page as the pieces it is made of: the frame's text, the escaped title, the
/// content with its deferred fragments. Written out piece by piece, a large page is never
/// copied into one string.
pub struct Rendered {
    frame: Option<Arc<Frame>>,
    title: String,
    content: String,
    fragments: Vec<Arc<String>>,
    /// Whether the content came from a template, and may hold markers.
    marked: bool,
}

/// A piece of a page: text, or a table written later (with its marker's text).
#[derive(Debug, PartialEq)]
enum Part<'a> {
    Text(&'a str),
    Later(usize, &'a str),
}

impl Rendered {
    /// The page's text, in order. Only `put` writes tables written later: here their
    /// markers stay as they are.
    pub fn parts(&self) -> Vec<&str> {
        let mut parts = Vec::new();
        self.each_part(|part| match part {
            Part::Text(text) | Part::Later(_, text) => parts.push(text),
        });
        parts
    }

    /// Puts the page into `sink` as `path`, with the tables of `later` in their places.
    pub fn put(&self, sink: &dyn Sink, path: String, later: &dyn Later) -> anyhow::Result<()> {
        let mut parts = Vec::new();
        self.each_part(|part| parts.push(part));
        if !parts.iter().any(|part| matches!(part, Part::Later(..))) {
            let texts: Vec<&str> = parts
                .iter()
                .map(|part| match part {
                    Part::Text(text) | Part::Later(_, text) => *text,
                })
                .collect();
            return sink.put_parts(path, &texts);
        }
        sink.put_stream(path, &mut |out| {
            parts.iter().try_for_each(|part| match part {
                Part::Text(text) => out.write_all(text.as_bytes()),
                Part::Later(table, _) => later.write(*table, out),
            })
        })
    }

    fn each_part<'a>(&'a self, mut each: impl FnMut(Part<'a>)) {
        let content = |each: &mut dyn FnMut(Part<'a>)| {
            if self.marked {
                splice(&self.content, &self.fragments, each);
            } else {
                each(Part::Text(&self.content));
            }
        };
        match &self.frame {
            Some(frame) => {
                for piece in &frame.pieces {
                    match piece {
                        Piece::Text(text) => each(Part::Text(text)),
                        Piece::Title => each(Part::Text(&self.title)),
                        Piece::Content => content(&mut each),
                    }
                }
            }
            None => content(&mut each),
        }
    }
}

/// The pieces of `text`, with every marker replaced by its fragment or its table.
fn splice<'a>(text: &'a str, fragments: &'a [Arc<String>], each: &mut dyn FnMut(Part<'a>)) {
    let mut rest = text;
    while let Some(at) = rest.find(MARK_START) {
        each(Part::Text(&rest[..at]));
        let marker = &rest[at..];
        let number = |start: &str| {
            let (number, after) = marker.strip_prefix(start)?.split_once(DEFER_END)?;
            Some((number.parse::<usize>().ok()?, after))
        };
        if let Some((fragment, after)) =
            number(DEFER_START).and_then(|(n, after)| Some((fragments.get(n)?, after)))
        {
            each(Part::Text(fragment));
            rest = after;
        } else if let Some((table, after)) = number(LATER_START) {
            each(Part::Later(table, &marker[..marker.len() - after.len()]));
            rest = after;
        } else {
            // Not a marker of this page: text as it is.
            let end = MARK_START.len_utf8();
            each(Part::Text(&marker[..end]));
            rest = &marker[end..];
        }
    }
    each(Part::Text(rest));
}

/// The name of a page template's content-only copy.
fn content_name(template: &str) -> String {
    format!("govsite-content/{template}")
}

fn read_overrides(dir: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("reading templates from {}", dir.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("reading {}", dir.display()))?
            .path();
        if path.extension().is_some_and(|ext| ext == "html") {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            found.push((name, text));
        }
    }
    found.sort();
    Ok(found)
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

    #[test]
    fn deferred_fragments_are_put_in_place_and_content_cannot_forge_a_marker() {
        let rows = Arc::new("<tr><td>1</td></tr>".to_string());
        let _deferred = Deferred::start();
        let marker = defer(&rows);
        let mut forged = String::new();
        escape_into(&mut forged, &marker);
        assert!(!forged.contains(MARK_START), "{forged}");
        let fragments = Deferred.finish();
        let text = format!("<tbody>{marker}</tbody>{forged}");
        assert_eq!(
            texts(&text, &fragments),
            format!("<tbody><tr><td>1</td></tr></tbody>&#xE000;{}", &marker[3..])
        );
        // A marker with no fragment behind it stays as it is.
        let unknown = "\u{E000}\u{E003}7\u{E004}";
        assert_eq!(texts(unknown, &fragments), unknown);
    }

    /// The text of `text` spliced, tables written later left out.
    fn texts(text: &str, fragments: &[Arc<String>]) -> String {
        let mut out = String::new();
        splice(text, fragments, &mut |part| {
            if let Part::Text(text) = part {
                out.push_str(text)
            }
        });
        out
    }

    /// Two tables, each written in chunks as the page is written.
    struct Tables;

    impl Later for Tables {
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
            frame: None,
            title: String::new(),
            content: format!("<h1>x</h1>{}<p>{forged}</p>{}\u{E000}", later(1), later(0)),
            fragments: Vec::new(),
            marked: true,
        };
        // Only `put` writes the tables; the page's plain parts keep the markers as they are.
        assert_eq!(page.parts().concat(), page.content);
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
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("frameworks.html"), "custom {{ title }}").unwrap();
        let renderer = Renderer::new(Some(dir.path())).unwrap();
        let view = serde_json::json!({"title": "<b>"});
        let html = renderer.render("frameworks.html", &view, "test").unwrap();
        assert_eq!(html, "custom &lt;b&gt;");
    }

    #[test]
    fn clock_and_environment_functions_are_disabled() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("frameworks.html"),
            "{{ get_env(name='HOME') }}",
        )
        .unwrap();
        let renderer = Renderer::new(Some(dir.path())).unwrap();
        let error = renderer
            .render("frameworks.html", &serde_json::json!({}), "test")
            .unwrap_err();
        assert!(format!("{error:#}").contains("disabled"), "{error:#}");
    }
}
