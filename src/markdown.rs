//! Markdown bodies to safe HTML: pulldown-cmark renders, ammonia removes anything that could
//! run script (raw `<script>`, event handlers, `javascript:` and `data:` links).

use std::sync::OnceLock;

use pulldown_cmark::{html, Options, Parser};

/// Renders a record body. The result is safe to insert into a page unescaped.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    sanitizer().clean(&unsafe_html).to_string()
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
            html.contains(r#"<input disabled="" type="checkbox" checked="">"#),
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
    fn template_syntax_stays_text() {
        let html = render("{{ config }} {% raw %}");
        assert!(html.contains("{{ config }} {% raw %}"), "{html}");
    }
}
