//! Markdown bodies to safe HTML: pulldown-cmark renders, ammonia removes anything that could
//! run script (raw `<script>`, event handlers, `javascript:` and `data:` links).

use std::cell::RefCell;
use std::sync::OnceLock;

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// How deeply raw HTML in a body may nest. The sanitiser's HTML parser takes time that
/// grows with the square of the nesting (a 1 MB body of nested `<div>` took minutes), and
/// no governance record needs more than a few levels.
pub const MAX_HTML_NESTING: usize = 100;

/// A body whose raw HTML nests deeper than `MAX_HTML_NESTING`: the byte offset in the
/// Markdown where it first does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub offset: usize,
}

/// The Markdown extensions every body and document may use.
const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_FOOTNOTES)
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS);

/// Renders a record body. The result is safe to insert into a page unescaped.
pub fn render(markdown: &str) -> Result<String, TooDeep> {
    let options = OPTIONS;
    SCRATCH.with_borrow_mut(|html_text| {
        let mut risky = false;
        let mut nesting = Nesting::default();
        let mut too_deep = None;
        let events = Parser::new_ext(markdown, options)
            .into_offset_iter()
            .inspect(|(event, range)| {
                risky |= needs_sanitising(event);
                if let Event::Html(raw) | Event::InlineHtml(raw) = event {
                    if nesting.add(raw) > MAX_HTML_NESTING && too_deep.is_none() {
                        too_deep = Some(TooDeep {
                            offset: range.start,
                        });
                    }
                }
            })
            .map(|(event, _)| event);
        html_text.clear();
        html::push_html(html_text, events);
        if let Some(too_deep) = too_deep {
            return Err(too_deep);
        }
        // pulldown-cmark escapes all text; only raw HTML and link targets can carry script,
        // so the (much slower) sanitiser runs only on bodies that have them.
        let html_text = if risky {
            sanitizer().clean(html_text).to_string()
        } else {
            // An exact copy: every record keeps its body for the whole run, and a buffer
            // grown while writing would keep its spare capacity too.
            html_text.as_str().to_owned()
        };
        // U+E000 starts govsite's internal markers (render.rs): as a reference it cannot
        // pose as one, and shows the same.
        Ok(if html_text.contains('\u{E000}') {
            html_text.replace('\u{E000}', "&#xE000;")
        } else {
            html_text
        })
    })
}

/// A document rendered with an anchor on every heading and every table row.
#[derive(Debug, Default)]
pub struct Anchored {
    /// The HTML, sanitised like a record body.
    pub html: String,
    /// The headings in order, each with its anchor.
    pub headings: Vec<Heading>,
    /// Every anchor (headings and table rows), in order.
    pub anchors: Vec<String>,
}

/// A heading of an `Anchored` document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// Renders a document so that each of its definitions can be linked to: every heading gets
/// an `id` made from its text, and every table body row one made from the heading above it
/// and its first cell (`| recurring control | ... |` under `### Recurring failures` ->
/// `<tr id="recurring-failures-recurring-control">`), so a row's anchor changes only when its
/// own section does. Anchors are lower-case letters, digits, `_` and `-`; a repeated one gets
/// `-2`, `-3` ... in document order. Headings get the ids GitHub gives them whenever the
/// text is plain words, so links within the document work in both places.
pub fn render_anchored(markdown: &str) -> Anchored {
    let events: Vec<Event> = Parser::new_ext(markdown, OPTIONS).collect();
    let mut anchored = Anchored::default();
    let mut out = Vec::with_capacity(events.len());
    let mut section = String::new();
    for (at, event) in events.iter().enumerate() {
        let rest = &events[at + 1..];
        match event {
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let text = text_until(rest, TagEnd::Heading(*level));
                let id = anchored.add_anchor(&text);
                section.clone_from(&id);
                anchored.headings.push(Heading {
                    level: *level as u8,
                    id: id.clone(),
                    text,
                });
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(id)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            // The writer's own `<tr>` cannot carry an id. It would also reset the count of
            // cells used to look up column alignments: they are not used here, and the
            // sanitiser removes the `style` they would set anyway.
            Event::Start(Tag::TableRow) => {
                let cell = text_until(rest, TagEnd::TableCell);
                let id = anchored.add_anchor(&format!("{section} {cell}"));
                out.push(Event::Html(CowStr::from(format!("<tr id=\"{id}\">"))));
            }
            other => out.push(other.clone()),
        }
    }
    let mut html_text = String::new();
    html::push_html(&mut html_text, out.into_iter());
    anchored.html = sanitizer().clean(&html_text).to_string();
    anchored
}

impl Anchored {
    /// A new anchor for `text`, unique in the document.
    fn add_anchor(&mut self, text: &str) -> String {
        let base = slug(text);
        let mut id = base.clone();
        let mut n = 1;
        while self.anchors.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.anchors.push(id.clone());
        id
    }
}

/// The text (plain and code) of `events` up to the first `end`.
fn text_until(events: &[Event], end: TagEnd) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::End(found) if *found == end => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
    }
    text
}

/// `Who fixes a recurring pattern` -> `who-fixes-a-recurring-pattern`,
/// `summary.open_actions` -> `summary-open_actions`; `definition` when nothing is left.
fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() || c == '_' {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "definition".to_string()
    } else {
        slug.to_string()
    }
}

/// How deeply the raw HTML of a body nests, counted as its pieces arrive: each start tag
/// of an element that has content opens a level, each end tag closes one. Misnested or
/// unclosed tags count as open, as the sanitiser's parser would keep them.
#[derive(Default)]
struct Nesting {
    depth: usize,
    deepest: usize,
}

impl Nesting {
    /// Counts the tags in `raw`; returns the deepest nesting so far.
    fn add(&mut self, raw: &str) -> usize {
        let bytes = raw.as_bytes();
        let mut at = 0;
        while let Some(found) = bytes[at..].iter().position(|&b| b == b'<') {
            at += found + 1;
            match bytes.get(at) {
                Some(b'/') => self.depth = self.depth.saturating_sub(1),
                Some(b) if b.is_ascii_alphabetic() => {
                    let name_end = bytes[at..]
                        .iter()
                        .position(|b| !b.is_ascii_alphanumeric())
                        .map_or(bytes.len(), |n| at + n);
                    let name = raw[at..name_end].to_ascii_lowercase();
                    let tag_end = bytes[name_end..]
                        .iter()
                        .position(|&b| b == b'>')
                        .map_or(bytes.len(), |n| name_end + n);
                    let self_closing = tag_end > 0 && bytes.get(tag_end - 1) == Some(&b'/');
                    if !self_closing && !VOID.contains(&name.as_str()) {
                        self.depth += 1;
                        self.deepest = self.deepest.max(self.depth);
                    }
                }
                _ => {}
            }
        }
        self.deepest
    }
}

/// Elements that never have content, so never nest.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

thread_local! {
    /// The buffer each thread renders into, reused from body to body.
    static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
}

fn needs_sanitising(event: &Event) -> bool {
    matches!(
        event,
        Event::Html(_)
            | Event::InlineHtml(_)
            | Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::HtmlBlock)
    )
}

fn sanitizer() -> &'static ammonia::Builder<'static> {
    static SANITIZER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    SANITIZER.get_or_init(|| {
        let mut builder = ammonia::Builder::default();
        // Task lists render as disabled checkboxes; footnotes link by id.
        builder
            .add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attribute_values("input", "type", ["checkbox"])
            .add_generic_attributes(["id"])
            .link_rel(Some("noopener noreferrer"));
        builder
    })
}

#[cfg(test)]
mod tests {
    fn render(markdown: &str) -> String {
        super::render(markdown).unwrap()
    }

    #[test]
    fn html_nested_too_deeply_is_refused_where_it_gets_too_deep() {
        let ok = format!("Intro.\n\n{}x{}", "<div>".repeat(100), "</div>".repeat(100));
        assert!(super::render(&ok).is_ok());
        let text = format!(
            "Intro.\n\n<section>\n{}",
            "<div><br><img src=x/>".repeat(200)
        );
        let deep = super::render(&text).unwrap_err();
        // The line where the nesting passes the limit.
        assert_eq!(deep.offset, "Intro.\n\n<section>\n".len());
        // Closed elements do not add up.
        let flat = "<p>a</p>\n".repeat(500);
        assert!(super::render(&flat).is_ok());
    }

    #[test]
    fn renders_tables_strikethrough_and_task_lists() {
        let html = render("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~\n\n- [x] done\n");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("<del>old</del>"), "{html}");
        assert!(
            html.contains(r#"<input disabled="" type="checkbox" checked=""/>"#),
            "{html}"
        );
    }

    #[test]
    fn strips_script_handlers_and_script_urls() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](data:text/html,hi)",
        );
        for bad in ["<script", "onerror", "javascript:", "data:"] {
            assert!(!html.contains(bad), "{bad} survived in {html}");
        }
    }

    #[test]
    fn links_get_noopener() {
        let html = render("[site](https://example.com)");
        assert!(html.contains(r#"rel="noopener noreferrer""#), "{html}");
    }

    #[test]
    fn plain_bodies_skip_the_sanitiser_but_stay_escaped() {
        let html =
            render("a < b & `<script>alert(1)</script>`\n\n| x |\n|---|\n| `<img onerror=x>` |");
        assert!(
            !html.contains("<script>") && !html.contains("<img"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;") && html.contains("a &lt; b &amp;"),
            "{html}"
        );
    }

    #[test]
    fn autolinks_are_sanitised_too() {
        let html = render("<javascript:alert(1)> and <https://example.com>");
        assert!(!html.contains("href=\"javascript:"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.com" rel="noopener noreferrer">"#),
            "{html}"
        );
    }

    #[test]
    fn headings_and_table_rows_get_stable_unique_anchors() {
        let doc = "## Who fixes it?\n\n| Key | Meaning |\n|---|---|\n\
                   | `summary.open_actions` | open |\n| repeat rate | a |\n| repeat rate | b |\n";
        let anchored = super::render_anchored(doc);
        assert_eq!(
            anchored.anchors,
            [
                "who-fixes-it",
                "who-fixes-it-summary-open_actions",
                "who-fixes-it-repeat-rate",
                "who-fixes-it-repeat-rate-2"
            ]
        );
        assert_eq!(anchored.headings[0].level, 2);
        assert_eq!(anchored.headings[0].text, "Who fixes it?");
        let html = &anchored.html;
        assert!(
            html.contains(r#"<h2 id="who-fixes-it">Who fixes it?</h2>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<tr id="who-fixes-it-summary-open_actions"><td><code>summary.open_actions</code></td>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<tr id="who-fixes-it-repeat-rate-2">"#),
            "{html}"
        );
    }

    #[test]
    fn anchored_documents_are_sanitised_too() {
        let html = super::render_anchored("## <script>x</script>\n\n[a](javascript:alert(1))").html;
        assert!(
            !html.contains("<script") && !html.contains("javascript:"),
            "{html}"
        );
    }

    #[test]
    fn template_syntax_stays_text() {
        let html = render("{{ config }} {% raw %}");
        assert!(html.contains("{{ config }} {% raw %}"), "{html}");
    }
}
