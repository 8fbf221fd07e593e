//! Tera templates: the built-in ones are embedded in the binary; a `--templates DIR` file of
//! the same name replaces one. Markdown rendering lives in `markdown.rs`.

use std::path::Path;

use anyhow::Context as _;
use serde::Serialize;
use tera::{Context, Tera};

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

/// Compiled templates, shared read-only by every rendering thread.
pub struct Renderer {
    tera: Tera,
}

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
        tera.add_raw_templates(templates)
            .map_err(|error| anyhow::anyhow!(chain(&error)))
            .context("compiling the templates")?;
        Ok(Renderer { tera })
    }

    /// Renders `template` with `view` as its context.
    pub fn render(
        &self,
        template: &str,
        view: &impl Serialize,
        what: &str,
    ) -> anyhow::Result<String> {
        let context = Context::from_serialize(view)
            .map_err(|error| anyhow::anyhow!(chain(&error)))
            .with_context(|| format!("preparing {what}"))?;
        self.tera
            .render(template, &context)
            .map_err(|error| anyhow::anyhow!(chain(&error)))
            .with_context(|| format!("rendering {what} with template {template}"))
    }
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
    for c in input.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#x27;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

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
