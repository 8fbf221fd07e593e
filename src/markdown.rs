//! Markdown bodies to safe HTML: pulldown-cmark renders, ammonia removes anything that could
//! run script (raw `<script>`, event handlers, `javascript:` and `data:` links).

use std::cell::RefCell;
use std::sync::OnceLock;

use pulldown_cmark::{html, Event, Options, Parser, Tag};

/// Renders a record body. The result is safe to insert into a page unescaped.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    SCRATCH.with_borrow_mut(|html_text| {
        let mut risky = false;
        let events = Parser::new_ext(markdown, options).inspect(|e| risky |= needs_sanitising(e));
        html_text.clear();
        html::push_html(html_text, events);
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
        if html_text.contains('\u{E000}') {
            html_text.replace('\u{E000}', "&#xE000;")
        } else {
            html_text
        }
    })
}

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
    use super::*;

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
    fn template_syntax_stays_text() {
        let html = render("{{ config }} {% raw %}");
        assert!(html.contains("{{ config }} {% raw %}"), "{html}");
    }
}
