//! Built-in page templates also written out in Rust, for the pages a large estate has tens
//! of thousands of.
//!
//! An incident page through Tera costs about 60 microseconds: its context is copied into
//! `serde_json` values, and each of its sixty-odd variable lookups allocates. At 50,000
//! incidents that was most of a build. Written here, the content block costs a few
//! microseconds, and Tera only draws the frame around it (`base.html`, once per section).
//!
//! The templates stay the definition of the page: while a page's templates are the built-in
//! ones, the writer here produces the same bytes they would, and when a site replaces one of
//! them with `--templates`, Tera renders the page as written. Tests hold the two to each
//! other on every page of the example site, of the fixture sites and of generated content
//! (`tests/site.rs`, `tests/fuzz.rs`). So a change to `templates/incident.html` or to a
//! macro it calls must be made here too, or those tests fail.

use super::html::Writer;
use super::records::IncidentView;
use super::Link;

/// A page's view whose built-in template Rust also writes.
pub(super) trait Written {
    /// The page template first, then every template it draws on besides `base.html`.
    const TEMPLATES: &'static [&'static str];

    /// The content block, as the built-in templates render it; `root` leads back to the
    /// site root.
    fn write(&self, root: &'static str) -> String;
}

/// `templates/incident.html`, with `macros.html`'s `evidence` and `actions_table`.
impl Written for IncidentView<'_> {
    const TEMPLATES: &'static [&'static str] = &["incident.html", "macros.html"];

    fn write(&self, root: &'static str) -> String {
        incident(self, root)
    }
}

fn incident(view: &IncidentView, root: &'static str) -> String {
    let incident = view.incident;
    let mut w = Writer::new(
        root,
        2048 + incident.body_html.len() + view.actions.html.len(),
    );
    w.raw("\n<div class=\"page-head\">\n  <p class=\"crumbs\"><a href=\"")
        .raw(root)
        .raw("incidents.html\">Incidents</a> / <span class=\"mono\">")
        .text(&incident.id)
        .raw("</span></p>\n  <h1>")
        .text(if incident.title.is_empty() {
            &incident.id
        } else {
            &incident.title
        })
        .raw("</h1>\n  <p>");
    for origin in &incident.origin {
        let origin = origin.as_str();
        w.raw("<span class=\"badge origin-")
            .raw(origin)
            .raw("\">")
            .raw(origin)
            .raw("</span> ");
    }
    match view.severity {
        Some(severity) => w
            .raw("<span class=\"badge sev-")
            .raw(severity.as_str())
            .raw("\">")
            .raw(severity.as_str())
            .raw("</span>"),
        None => w.raw("<span class=\"none\">—</span>"),
    };
    if view.row.as_ref().is_some_and(|row| row.repeat) {
        w.raw(" <span class=\"badge badge-alert\">repeat failure</span>");
    }
    w.raw(concat!(
        "</p>\n</div>\n<div class=\"grid-2\">\n",
        "<section class=\"card\" aria-labelledby=\"accountable\">",
        "<h2 id=\"accountable\">Accountable</h2>\n",
        "<p class=\"hint\">Accountability follows the origin: design → control owner on the ",
        "failure date; operation → process owner; approval → approving manager.</p>\n",
    ))
    .accountable(&view.accountable)
    .raw(concat!(
        "\n</section>\n<section class=\"card\" aria-labelledby=\"facts\">",
        "<h2 id=\"facts\">Facts</h2>\n<dl class=\"facts\">\n  <dt>Date</dt><dd>",
    ))
    .display(incident.date)
    .raw("</dd>\n  <dt>Detected</dt><dd>")
    .date(incident.detected, "—")
    .raw("</dd>\n  <dt>Resolved</dt><dd>")
    .date(
        incident.resolved,
        "<span class=\"badge badge-warn\">open</span>",
    )
    .raw("</dd>\n  <dt>Control</dt><dd>");
    if let Some(control) = view.row.as_ref().and_then(|row| row.control.as_ref()) {
        w.plain_link(control);
    }
    w.raw("</dd>\n  <dt>Process</dt><dd>");
    link_or_none(&mut w, view.process.as_ref());
    w.raw("</dd>\n  <dt>Exception</dt><dd>");
    link_or_none(&mut w, view.exception.as_ref());
    w.raw("</dd>");
    if let Some(approver) = &view.approved_by {
        w.raw("<dt>Approved by</dt><dd>")
            .person(Some(approver))
            .raw("</dd>");
    }
    w.raw("\n  <dt>NHI</dt><dd>");
    match view.nhi {
        Some(nhi) => w
            .raw("<span class=\"tag\">")
            .raw(nhi.as_str())
            .raw("</span>"),
        None => w.raw("—"),
    };
    w.raw("</dd>\n  <dt>Surfaced by</dt><dd>");
    match view.surfaced_by {
        Some(surfaced_by) => w.words(surfaced_by.as_str()),
        None => w.raw("—"),
    };
    w.raw(concat!(
        "</dd>\n</dl></section>\n</div>\n<section aria-labelledby=\"narrative\">",
        "<h2 id=\"narrative\">What happened</h2><div class=\"prose\">",
    ))
    .raw(&incident.body_html)
    .raw("</div></section>\n");
    if !view.evidence.is_empty() {
        w.evidence(&view.evidence);
    }
    w.raw("\n<section aria-labelledby=\"actions\"><h2 id=\"actions\">Remediation</h2>");
    if view.actions.count > 0 {
        w.actions_table(
            &view.actions.html,
            "Remediation actions: fix the process, not only the person",
        );
    } else {
        w.raw("<p class=\"none\">No remediation actions recorded.</p>");
    }
    w.raw("</section>\n");
    w.into_string()
}

/// A record's label linked to its page, or a dash.
fn link_or_none(w: &mut Writer, link: Option<&Link>) {
    match link {
        Some(link) => w.plain_link(link),
        None => w.raw("<span class=\"none\">—</span>"),
    };
}
