//! Tera templates: the built-in ones are embedded in the binary; a `--templates DIR` file of
//! the same name replaces one. Markdown rendering lives in `markdown.rs`.

use std::io::Write;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use rustc_hash::FxHashMap as HashMap;
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

/// Compiled templates, shared by every rendering thread, for the pages of one site (the
/// frames it keeps hold the site's title and as-of date). Every page is rendered from its
/// template: `base.html`, built-in or replaced, sees the same context on every page (the
/// built-in one is rendered once per kind of page, see `render_framed`). The only text that
/// does not pass through Tera is a table of records (see `later`).
pub struct Renderer {
    tera: Tera,
    /// The same templates with a `base.html` that is only the content block, when
    /// `base.html` is the built-in one: pages are rendered without their frame, and the
    /// frame, rendered once per kind of page by `tera`, is put around them (see `framed`).
    content_only: Option<Tera>,
    /// Templates that `--templates DIR` replaced: rendered whole, since they may not
    /// extend `base.html` at all.
    overridden: Vec<String>,
    /// The frames rendered so far, by the page's root and navigation item.
    frames: Mutex<HashMap<(&'static str, &'static str), Arc<Frame>>>,
}

/// What a page's frame (the built-in `base.html`) depends on besides the site, which is the
/// same on every page of a build.
#[derive(Debug, Clone, Copy)]
pub struct FrameKey<'a> {
    pub root: &'static str,
    pub nav: &'static str,
    pub title: &'a str,
}

/// A frame as the built-in `base.html` renders it, cut where the title and the content go.
#[derive(Debug)]
struct Frame {
    before_title: String,
    before_content: String,
    after_content: String,
}

/// The template that renders a frame: `base.html` around a placeholder.
const FRAME_TEMPLATE: &str = "__frame.html";
/// Placeholders of the title and the content while a frame is rendered. Escaping leaves
/// U+E00B alone; a frame in which either is not found exactly once (a site title holding
/// one) is not used.
const TITLE_HOLDER: &str = "\u{E00B}title\u{E00B}";
const CONTENT_HOLDER: &str = "\u{E00B}content\u{E00B}";

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
        let built_in_frame = !overrides.iter().any(|(name, _)| name == "base.html");
        let frameless = built_in_frame.then(|| {
            let mut frameless = templates.clone();
            frameless.retain(|(name, _)| name != "base.html");
            let content = "{% block content %}{% endblock content %}";
            frameless.push(("base.html".to_string(), content.to_string()));
            frameless
        });
        let frame = format!(
            "{{% extends \"base.html\" %}}{{% block content %}}{CONTENT_HOLDER}{{% endblock content %}}"
        );
        templates.push((FRAME_TEMPLATE.to_string(), frame));
        let (tera, content_only) =
            rayon::join(|| compile(templates), || frameless.map(compile).transpose());
        Ok(Renderer {
            tera: tera?,
            content_only: content_only?,
            overridden: overrides.iter().map(|(name, _)| name.clone()).collect(),
            frames: Mutex::default(),
        })
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
        let context = context(view, what)?;
        let text = render(&self.tera, template, &context, what)?;
        Ok(Rendered::whole(text))
    }

    /// Renders `template` with `view` as its context, as `render_page` does; `frame` is what
    /// `view` holds for the frame. With the built-in `base.html` only the content is
    /// rendered per page, and the frame once per root and navigation item: the frame is
    /// about a third of the work of rendering a small page, and tens of thousands of pages
    /// share a handful of frames.
    pub fn render_framed(
        &self,
        template: &str,
        view: &impl Serialize,
        frame: FrameKey,
        what: &str,
    ) -> anyhow::Result<Rendered> {
        let context = context(view, what)?;
        let content_only = self
            .content_only
            .as_ref()
            .filter(|_| !self.overridden.iter().any(|name| name == template));
        let Some(content_only) = content_only else {
            return Ok(Rendered::whole(render(
                &self.tera, template, &context, what,
            )?));
        };
        let Some(cut) = self.frame(frame, &context, what)? else {
            return Ok(Rendered::whole(render(
                &self.tera, template, &context, what,
            )?));
        };
        let content = render(content_only, template, &context, what)?;
        let mut title = String::with_capacity(frame.title.len());
        escape_into(&mut title, frame.title);
        // The frame's pieces and the content go out side by side (see `put`): the page is
        // never copied into one string.
        Ok(Rendered {
            frame: Some((cut, title)),
            text: content,
        })
    }

    /// The frame of pages like `frame`, rendered with `context` the first time.
    fn frame(
        &self,
        frame: FrameKey,
        context: &Context,
        what: &str,
    ) -> anyhow::Result<Option<Arc<Frame>>> {
        let key = (frame.root, frame.nav);
        if let Some(cut) = lock(&self.frames).get(&key) {
            return Ok(Some(Arc::clone(cut)));
        }
        let mut context = context.clone();
        context.insert("title", TITLE_HOLDER);
        let text = render(&self.tera, FRAME_TEMPLATE, &context, what)?;
        let Some(cut) = cut_frame(&text) else {
            return Ok(None);
        };
        let cut = Arc::new(cut);
        lock(&self.frames).insert(key, Arc::clone(&cut));
        Ok(Some(cut))
    }
}

/// `text`, a frame with the placeholders, cut at them; `None` unless each is there once.
fn cut_frame(text: &str) -> Option<Frame> {
    if text.matches(TITLE_HOLDER).count() != 1 || text.matches(CONTENT_HOLDER).count() != 1 {
        return None;
    }
    let (before_title, rest) = text.split_once(TITLE_HOLDER)?;
    let (before_content, after_content) = rest.split_once(CONTENT_HOLDER)?;
    Some(Frame {
        before_title: before_title.to_string(),
        before_content: before_content.to_string(),
        after_content: after_content.to_string(),
    })
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere cannot leave a half-inserted frame: the map is still whole.
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Compiles `templates` with govsite's escaping and without the clock and the environment.
fn compile(templates: Vec<(String, String)>) -> anyhow::Result<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    crate::views::register_filters(&mut tera);
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
    Ok(tera)
}

fn context(view: &impl Serialize, what: &str) -> anyhow::Result<Context> {
    let mut context = Context::new();
    view.serialize(ContextSerializer(&mut context))
        .map_err(|error| anyhow::anyhow!(chain(&error)))
        .with_context(|| format!("preparing {what}"))?;
    Ok(context)
}

/// Serialises a page's view straight into a Tera context, each top-level field converted
/// on its own: `Context::from_serialize` makes a JSON object of the whole view first and
/// then inserts each of its fields into the context again, which is a tenth of the work
/// of rendering a record page. Only a struct or a map can be a context.
struct ContextSerializer<'c>(&'c mut Context);

/// A context's top-level fields as serde hands them over; `key` waits for its value.
struct ContextFields<'c> {
    context: &'c mut Context,
    key: Option<String>,
}

fn not_a_map() -> serde_json::Error {
    serde::ser::Error::custom("a page's view must be a struct or a map of named fields")
}

/// Inserts `value` into `context` as `key`.
fn insert<T: Serialize + ?Sized>(
    context: &mut Context,
    key: impl Into<String>,
    value: &T,
) -> Result<(), serde_json::Error> {
    context
        .try_insert(key, value)
        .map_err(|error| serde::ser::Error::custom(chain(&error)))
}

/// Methods of `serde::Serializer` for values that cannot be a context: each fails.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*);)*) => {$(
        fn $method(self, $(_: $arg),*) -> Result<(), serde_json::Error> {
            Err(not_a_map())
        }
    )*};
}

impl<'c> serde::Serializer for ContextSerializer<'c> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = serde::ser::Impossible<(), serde_json::Error>;
    type SerializeTuple = serde::ser::Impossible<(), serde_json::Error>;
    type SerializeTupleStruct = serde::ser::Impossible<(), serde_json::Error>;
    type SerializeTupleVariant = serde::ser::Impossible<(), serde_json::Error>;
    type SerializeMap = ContextFields<'c>;
    type SerializeStruct = ContextFields<'c>;
    type SerializeStructVariant = serde::ser::Impossible<(), serde_json::Error>;

    fn serialize_map(self, _: Option<usize>) -> Result<ContextFields<'c>, serde_json::Error> {
        Ok(ContextFields {
            context: self.0,
            key: None,
        })
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<ContextFields<'c>, serde_json::Error> {
        self.serialize_map(None)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        value.serialize(self)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), serde_json::Error> {
        value.serialize(self)
    }

    // Nothing else is a map of named fields.
    refuse! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), serde_json::Error> {
        Err(not_a_map())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), serde_json::Error> {
        Err(not_a_map())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, serde_json::Error> {
        Err(not_a_map())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, serde_json::Error> {
        Err(not_a_map())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, serde_json::Error> {
        Err(not_a_map())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, serde_json::Error> {
        Err(not_a_map())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, serde_json::Error> {
        Err(not_a_map())
    }
}

impl serde::ser::SerializeMap for ContextFields<'_> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), serde_json::Error> {
        match serde_json::to_value(key)? {
            serde_json::Value::String(key) => {
                self.key = Some(key);
                Ok(())
            }
            _ => Err(not_a_map()),
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(
        &mut self,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let key = self.key.take().ok_or_else(not_a_map)?;
        insert(self.context, key, value)
    }

    fn end(self) -> Result<(), serde_json::Error> {
        Ok(())
    }
}

impl serde::ser::SerializeStruct for ContextFields<'_> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        insert(self.context, key, value)
    }

    fn end(self) -> Result<(), serde_json::Error> {
        Ok(())
    }
}

fn render(tera: &Tera, template: &str, context: &Context, what: &str) -> anyhow::Result<String> {
    tera.render(template, context)
        .map_err(|error| anyhow::anyhow!(chain(&error)))
        .with_context(|| format!("rendering {what} with template {template}"))
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
    /// The cached frame around `text` and the page's title escaped for it, when the page
    /// was rendered without its frame (`render_framed`); `None` when `text` is the page.
    frame: Option<(Arc<Frame>, String)>,
    text: String,
}

/// A piece of a page: text, or a table written later (with its marker's text).
#[derive(Debug, PartialEq)]
enum Part<'a> {
    Text(&'a str),
    Later(usize, &'a str),
}

impl Rendered {
    fn whole(text: String) -> Rendered {
        Rendered { frame: None, text }
    }

    /// The page's text, tables left as markers.
    pub fn to_text(&self) -> String {
        let mut parts = Vec::new();
        self.parts(&mut parts);
        parts
            .iter()
            .map(|part| match part {
                Part::Text(text) | Part::Later(_, text) => *text,
            })
            .collect()
    }

    /// The pieces of the page in order: the frame's, and the text's (see `splice`).
    fn parts<'a>(&'a self, parts: &mut Vec<Part<'a>>) {
        let frame = self.frame.as_ref();
        if let Some((frame, title)) = frame {
            parts.extend(
                [&frame.before_title, title, &frame.before_content].map(|piece| Part::Text(piece)),
            );
        }
        splice(&self.text, &mut |part| parts.push(part));
        if let Some((frame, _)) = frame {
            parts.push(Part::Text(&frame.after_content));
        }
    }

    /// Puts the page into `sink` as `path`, with the tables of `later` in their places. A
    /// page without tables goes out as it is; one with tables is written piece by piece,
    /// so a 40 MB table is never held as one string.
    pub fn put(&self, sink: &dyn Sink, path: String, later: &dyn Later) -> anyhow::Result<()> {
        let mut parts = Vec::new();
        self.parts(&mut parts);
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
    fn a_views_context_is_the_one_tera_would_make_of_it() {
        #[derive(Serialize)]
        struct Inner<'a> {
            label: &'a str,
            count: usize,
            link: Option<serde_json::Value>,
        }
        #[derive(Serialize)]
        struct View<'a> {
            root: &'a str,
            #[serde(flatten)]
            inner: Inner<'a>,
        }
        let view = View {
            root: "../",
            inner: Inner {
                label: "A <b>",
                count: 3,
                link: Some(serde_json::json!({"href": "x.html", "id": "x"})),
            },
        };
        let ours = context(&view, "a page").unwrap().into_json();
        let tera = Context::from_serialize(&view).unwrap().into_json();
        assert_eq!(ours, tera);
        for not_a_view in [serde_json::json!("text"), serde_json::json!([1, 2])] {
            let error = context(&not_a_view, "a page").unwrap_err();
            assert!(
                format!("{error:#}").contains("must be a struct or a map"),
                "{error:#}"
            );
        }
    }

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
            frame: None,
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

    /// A page context as `views::Page` gives it, for the frame tests.
    fn page(title: &str, site_title: &str) -> serde_json::Value {
        serde_json::json!({
            "root": "../",
            "nav": "incidents",
            "title": title,
            "site": {"title": site_title, "organisation": "Org", "as_of": "2026-11-01",
                     "version": "0.1.0", "provenance": "not under version control"},
            "id": "INC-1",
            "teams": [],
            "without_team": 2,
        })
    }

    fn framed(renderer: &Renderer, view: &serde_json::Value) -> String {
        let frame = FrameKey {
            root: "../",
            nav: "incidents",
            title: view["title"].as_str().unwrap(),
        };
        let rendered = renderer.render_framed("teams.html", view, frame, "test");
        rendered.unwrap().to_text()
    }

    #[test]
    fn a_page_put_in_its_cached_frame_is_the_page_rendered_whole() {
        for (title, site_title) in [
            ("A <b>title</b> & more", "Site \"one\""),
            ("Another page", "Site \"one\""),
            // A site title holding a placeholder: the frame is not cut, pages are whole.
            ("Third", TITLE_HOLDER),
            ("Fourth", CONTENT_HOLDER),
        ] {
            // A renderer renders one site's pages: its frames hold that site's title.
            let renderer = Renderer::new(&[]).unwrap();
            let view = page(title, site_title);
            let whole = renderer.render("teams.html", &view, "test").unwrap();
            assert!(
                whole.contains("<title>") && whole.contains("2 people"),
                "{whole}"
            );
            assert_eq!(framed(&renderer, &view), whole, "{title} / {site_title}");
            // The second page of the kind gets the frame made for the first.
            let second = page("Second <i>page</i>", site_title);
            let whole = renderer.render("teams.html", &second, "test").unwrap();
            assert_eq!(framed(&renderer, &second), whole, "{title} / {site_title}");
        }
    }

    #[test]
    fn a_replaced_frame_or_page_is_rendered_whole() {
        let custom = [(
            "base.html".into(),
            "[{{ id }}]{% block content %}{% endblock content %}".into(),
        )];
        let renderer = Renderer::new(&custom).unwrap();
        let view = page("T", "S");
        let whole = renderer.render("teams.html", &view, "test").unwrap();
        assert!(whole.starts_with("[INC-1]"), "{whole}");
        assert_eq!(framed(&renderer, &view), whole);
        // A replaced page that does not extend base.html gets no frame.
        let custom = [("teams.html".into(), "bare {{ id }}".into())];
        let renderer = Renderer::new(&custom).unwrap();
        assert_eq!(framed(&renderer, &view), "bare INC-1");
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
