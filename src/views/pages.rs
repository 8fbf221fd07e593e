//! Built-in page templates also written out in Rust, for the pages a large estate has tens
//! of thousands of, and for the report, which has a section per control.
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

use super::html::{Writer, ACTIONS_TABLE, EXCEPTIONS_TABLE, GAPS_TABLE, INCIDENTS_TABLE};
use super::lists::ChartView;
use super::records::{ControlView, ExceptionView, IncidentView};
use super::report::Report;
use super::{Link, SiteMeta};
use crate::model::ControlStatus;

/// A page's view whose built-in template Rust also writes.
pub(super) trait Written {
    /// The page template first, then every template it draws on besides `base.html`.
    const TEMPLATES: &'static [&'static str];

    /// The content block, as the built-in templates render it; `root` leads back to the
    /// site root.
    fn write(&self, root: &'static str, site: &SiteMeta) -> String;
}

/// `templates/incident.html`, with `macros.html`'s `evidence` and `actions_table`.
impl Written for IncidentView<'_> {
    const TEMPLATES: &'static [&'static str] = &["incident.html", "macros.html"];

    fn write(&self, root: &'static str, _: &SiteMeta) -> String {
        incident(self, root)
    }
}

/// `templates/exception.html`, with `macros.html`'s `evidence` and `gaps_table`.
impl Written for ExceptionView<'_> {
    const TEMPLATES: &'static [&'static str] = &["exception.html", "macros.html"];

    fn write(&self, root: &'static str, _: &SiteMeta) -> String {
        exception(self, root)
    }
}

/// `templates/control.html`, with the macros of `macros.html` it calls.
impl Written for ControlView<'_> {
    const TEMPLATES: &'static [&'static str] = &["control.html", "macros.html"];

    fn write(&self, root: &'static str, site: &SiteMeta) -> String {
        control(self, root, site)
    }
}

/// `templates/report.html`, with the macros of `macros.html` it calls. Its large tables are
/// markers, written as the page is written (`html::Later`).
impl Written for Report<'_> {
    const TEMPLATES: &'static [&'static str] = &["report.html", "macros.html"];

    fn write(&self, root: &'static str, site: &SiteMeta) -> String {
        report(self, root, site)
    }
}

fn incident(view: &IncidentView, root: &'static str) -> String {
    let incident = view.incident;
    let mut w = Writer::new(
        root,
        2048 + incident.body_html.len() + view.actions.ready().len(),
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
    w.severity(view.severity);
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
        w.table(
            &ACTIONS_TABLE,
            "Remediation actions: fix the process, not only the person",
            &view.actions,
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

fn exception(view: &ExceptionView, root: &'static str) -> String {
    let exception = view.exception;
    let mut w = Writer::new(
        root,
        4096 + exception.body_html.len() + view.gaps.ready().len(),
    );
    w.raw("\n<div class=\"page-head\">\n  <p class=\"crumbs\"><a href=\"")
        .raw(root)
        .raw("exceptions.html\">Exceptions</a> / <span class=\"mono\">")
        .text(&exception.id)
        .raw("</span></p>\n  <h1>");
    if exception.title.is_empty() {
        w.raw("Exception ").text(&exception.id);
    } else {
        w.text(&exception.title);
    }
    w.raw("</h1>");
    if let Some(row) = &view.row {
        w.raw("<p><span class=\"badge state-")
            .text(row.state)
            .raw("\">")
            .words(row.state)
            .raw("</span> ")
            .flag(row.over_policy, "over policy", "badge-alert")
            .raw(" ")
            .flag(row.chronic, "chronic", "badge-warn")
            .raw("</p>");
    }
    w.raw(concat!(
        "\n</div>\n<div class=\"grid-2\">\n<section class=\"card\" aria-labelledby=\"facts\">",
        "<h2 id=\"facts\">Facts</h2>\n<dl class=\"facts\">",
    ));
    if let Some(row) = &view.row {
        w.raw("\n  <dt>Control</dt><dd>");
        if let Some(control) = &row.control {
            w.plain_link(control);
        }
        w.raw("</dd>\n  <dt>Requested by</dt><dd>")
            .person(row.requester.as_ref())
            .raw("</dd>\n  <dt>Latest approver</dt><dd>")
            .person(row.approver.as_ref())
            .raw("</dd>\n  <dt>Effective expiry</dt><dd>")
            .date(
                row.expiry,
                "<span class=\"badge state-permanent\">none: permanent</span>",
            )
            .raw("</dd>\n  <dt>Age</dt><dd>");
        match row.age_days {
            Some(days) => {
                w.display(days)
                    .raw(" days (")
                    .text(row.age_bucket.unwrap_or_default())
                    .raw(")");
            }
            None => {
                w.raw("—");
            }
        }
        w.raw("</dd>\n  <dt>Days to expiry</dt><dd>")
            .date(row.days_to_expiry, "—")
            .raw("</dd>\n  <dt>Risk</dt><dd>")
            .severity(row.risk)
            .raw("</dd>");
    }
    w.raw("\n  <dt>Process</dt><dd>");
    link_or_none(&mut w, view.process.as_ref());
    w.raw("</dd>\n  <dt>Closed</dt><dd>")
        .date(exception.closed, "still open")
        .raw(concat!(
            "</dd>\n</dl></section>\n<section class=\"card\" aria-labelledby=\"periods\">",
            "<h2 id=\"periods\">Grant periods</h2>\n<table class=\"data compact\"><caption>",
            "The original grant and each renewal (policy: at most ",
        ))
        .display(view.max_validity_days)
        .raw(concat!(
            " days)</caption>\n<thead><tr><th scope=\"col\">Period</th>",
            "<th scope=\"col\">Approved by</th><th scope=\"col\">Granted</th>",
            "<th scope=\"col\">Expires</th><th scope=\"col\" class=\"num\">Days</th>",
            "<th scope=\"col\">Flags</th></tr></thead>\n<tbody>",
        ));
    for period in &view.periods {
        w.raw("<tr><td>")
            .text(&period.kind)
            .raw("</td><td>")
            .person(period.approver.as_ref())
            .raw("</td><td class=\"nowrap\">")
            .display(period.granted)
            .raw("</td><td class=\"nowrap\">")
            .date(period.expires, "never")
            .raw("</td><td class=\"num\">")
            .date(period.days, "∞")
            .raw("</td>\n<td>")
            .flag(period.over_policy, "over policy", "badge-alert")
            .raw(" ")
            .flag(period.self_approved, "self-approved", "badge-alert")
            .raw("</td></tr>");
    }
    w.raw("</tbody></table>\n</section>\n</div>");
    if view.gaps.count > 0 {
        w.raw("\n<section aria-labelledby=\"gaps\"><h2 id=\"gaps\">Findings</h2>")
            .table(
                &GAPS_TABLE,
                "Approval findings on this exception",
                &view.gaps,
            )
            .raw("</section>");
    }
    w.raw(concat!(
        "\n<section aria-labelledby=\"why\"><h2 id=\"why\">Justification</h2>",
        "<div class=\"prose\">",
    ))
    .raw(&exception.body_html)
    .raw("</div></section>\n");
    if !view.evidence.is_empty() {
        w.evidence(&view.evidence);
    }
    w.raw(concat!(
        "\n<section aria-labelledby=\"during\"><h2 id=\"during\">Failures of the control ",
        "while this exception was open</h2>\n<div class=\"table-scroll\"><table class=\"data\">",
        "<caption>Failures of the excepted control during the exception, with the approver ",
        "of the grant in force that day</caption>\n<thead><tr><th scope=\"col\">Date</th>",
        "<th scope=\"col\">Incident</th><th scope=\"col\">Approver then</th></tr></thead>\n",
        "<tbody>",
    ));
    for failure in &view.failures {
        w.raw("<tr><td class=\"nowrap\">")
            .display(failure.date)
            .raw("</td><td>")
            .id_link(&failure.incident)
            .raw(" <span class=\"sub\">")
            .text(failure.incident.label)
            .raw("</span></td><td>")
            .person(failure.approver.as_ref())
            .raw("</td></tr>");
    }
    if view.failures.is_empty() {
        w.raw(concat!(
            "<tr><td colspan=\"3\">No failures of the control while this exception was ",
            "open.</td></tr>",
        ));
    }
    w.raw("</tbody></table></div>\n</section>\n");
    w.into_string()
}

fn control(view: &ControlView, root: &'static str, site: &SiteMeta) -> String {
    let control = view.control;
    let mut w = Writer::new(
        root,
        8192 + control.body_html.len()
            + view.failures.ready().len()
            + view.exceptions.ready().len()
            + view.gaps.ready().len(),
    );
    w.raw("\n<div class=\"page-head\">\n  <p class=\"crumbs\"><a href=\"")
        .raw(root)
        .raw("controls.html\">Controls</a> / <span class=\"mono\">")
        .text(&control.id)
        .raw("</span></p>\n  <h1>")
        .text(&control.title)
        .raw("</h1>\n  <p>");
    if let Some(row) = &view.row {
        w.flag(
            row.recurring,
            "recurring: review as a process defect",
            "badge-alert",
        )
        .raw(" ")
        .flag(row.review_overdue, "review overdue", "badge-warn");
    }
    if control.status == ControlStatus::Retired {
        w.raw(" <span class=\"badge badge-muted\">retired</span>");
    }
    if control.shared_platform.is_some() {
        w.raw(" <span class=\"badge badge-info\">shared platform</span>");
    }
    w.raw(concat!(
        "</p>\n</div>\n\n<div class=\"grid-2\">\n",
        "<section class=\"card\" aria-labelledby=\"ownership\">\n",
        "  <h2 id=\"ownership\">Ownership</h2>\n  <dl class=\"facts\">\n",
        "    <dt>Control owner</dt><dd>",
    ));
    match view.owners.first() {
        Some(period) => w.person(Some(&period.owner)),
        None => w.raw("<span class=\"none\">none</span>"),
    };
    w.raw("</dd>\n    <dt>May approve exceptions</dt><dd>");
    w.people(&view.approvers);
    if view.approvers.is_empty() {
        w.raw("<span class=\"none\">not restricted</span>");
    }
    w.raw("</dd>");
    if control.shared_platform.is_some() {
        w.raw("\n    <dt>Adoption owned by</dt><dd>");
        for (i, team) in view.adoption_owners.iter().enumerate() {
            if i > 0 {
                w.raw(", ");
            }
            w.plain_link(team);
        }
        if view.adoption_owners.is_empty() {
            w.raw("<span class=\"none\">none</span>");
        }
        w.raw("</dd>\n    <dt>Residual risk sign-off</dt><dd>");
        match &view.risk_signoff {
            Some(person) => w.person(Some(person)),
            None => w.raw("<span class=\"badge badge-alert\">nobody signs off</span>"),
        };
        w.raw("</dd>");
    }
    w.raw("\n    <dt>NHI types</dt><dd>");
    for nhi in &control.nhi {
        w.raw("<span class=\"tag\">")
            .raw(nhi.as_str())
            .raw("</span> ");
    }
    if control.nhi.is_empty() {
        w.raw("<span class=\"none\">—</span>");
    }
    w.raw("</dd>\n    <dt>Review</dt><dd>");
    match &control.review {
        Some(review) => {
            w.raw("last ")
                .display(review.last)
                .raw(", every ")
                .display(review.every_days)
                .raw(" days; next due ")
                .date(view.review_due, "");
        }
        None => {
            w.raw("<span class=\"none\">no review cycle recorded</span>");
        }
    }
    w.raw("</dd>\n  </dl>");
    if view.owners.len() > 1 {
        w.raw(concat!(
            "\n  <table class=\"data compact\">\n    <caption>Owner history (accountability ",
            "for design failures follows the owner on the failure date)</caption>\n",
            "    <thead><tr><th scope=\"col\">Owner</th><th scope=\"col\">From</th>",
            "<th scope=\"col\">Until</th></tr></thead>\n    <tbody>",
        ));
        for period in &view.owners {
            w.raw("<tr><td>")
                .person(Some(&period.owner))
                .raw("</td><td>")
                .date(period.from, "—")
                .raw("</td><td>")
                .date(period.until, "now")
                .raw("</td></tr>");
        }
        w.raw("</tbody>\n  </table>");
    }
    w.raw(concat!(
        "\n</section>\n\n<section class=\"card\" aria-labelledby=\"figures\">\n",
        "  <h2 id=\"figures\">Figures</h2>",
    ));
    if let Some(row) = &view.row {
        w.raw("\n  <dl class=\"facts\">\n    <dt>Failures in window</dt><dd>")
            .display(row.failures_in_window)
            .raw("</dd>\n    <dt>Failures up to ")
            .display(site.as_of)
            .raw("</dt><dd>")
            .display(row.failures_total)
            .raw("</dd>\n    <dt>Mean days between failures</dt><dd>")
            .text(&view.mean_days)
            .raw("</dd>\n    <dt>Open exceptions</dt><dd>")
            .display(row.open_exceptions)
            .raw("</dd>\n  </dl>");
    }
    w.raw("\n</section>\n</div>");
    if view.gaps.count > 0 {
        w.raw("\n<section aria-labelledby=\"gaps\"><h2 id=\"gaps\">Gaps</h2>")
            .table(&GAPS_TABLE, "Gaps on this control", &view.gaps)
            .raw("</section>");
    }
    w.raw(concat!(
        "\n\n<section aria-labelledby=\"about\"><h2 id=\"about\">How the control works</h2>\n",
        "<div class=\"prose\">",
    ))
    .raw(&control.body_html)
    .raw("</div></section>\n\n");
    if !view.evidence.is_empty() {
        w.evidence(&view.evidence);
    }
    w.raw(concat!(
        "\n<section aria-labelledby=\"failures\"><h2 id=\"failures\">Failures</h2>\n",
        "  <figure class=\"chart wide\">\n    <img src=\"",
    ))
    .raw(root)
    .text(&view.chart)
    .raw("\" alt=\"Failures of ")
    .text(&control.id)
    .raw(" per month over the 24 months to ")
    .display(site.as_of)
    .raw(concat!(
        "\" width=\"760\" height=\"320\">\n    <details><summary>Show the numbers</summary>\n",
        "    <table class=\"numbers\"><caption>Failures of ",
    ))
    .text(&control.id)
    .raw(concat!(
        " per month</caption><thead><tr><th scope=\"col\">Month</th>",
        "<th scope=\"col\">Failures</th></tr></thead>\n    <tbody>",
    ));
    for month in &view.monthly {
        w.raw("<tr><td>")
            .text(&month.month)
            .raw("</td><td>")
            .display(month.failures)
            .raw("</td></tr>");
    }
    w.raw("</tbody></table>\n    </details>\n  </figure>\n")
        .table(
            &INCIDENTS_TABLE,
            "Failures of this control, newest first",
            &view.failures,
        )
        .raw(concat!(
            "</section>\n\n<section aria-labelledby=\"exceptions\">",
            "<h2 id=\"exceptions\">Exceptions</h2>\n",
        ))
        .table(
            &EXCEPTIONS_TABLE,
            "Exceptions to this control",
            &view.exceptions,
        )
        .raw(concat!(
            "</section>\n\n<div class=\"grid-2\">\n<section aria-labelledby=\"processes\">",
            "<h2 id=\"processes\">Processes using it</h2>\n<ul class=\"plain\">",
        ));
    for process in &view.processes {
        w.raw("<li>")
            .plain_link(&process.link)
            .inactive(&process.link)
            .raw(" — owner ")
            .person(process.owner.as_ref())
            .raw("</li>");
    }
    if view.processes.is_empty() {
        w.raw("<li class=\"none\">No process lists this control.</li>");
    }
    w.raw(concat!(
        "</ul></section>\n<section aria-labelledby=\"frameworks\">",
        "<h2 id=\"frameworks\">Framework references</h2>\n<ul class=\"plain\">",
    ));
    for reference in &view.references {
        w.raw("<li>")
            .plain_link(&reference.framework)
            .raw(" <span class=\"mono\">")
            .text(reference.id)
            .raw("</span>");
        if !reference.title.is_empty() {
            w.raw(" — ").text(reference.title);
        }
        w.raw("</li>");
    }
    if view.references.is_empty() {
        w.raw("<li class=\"none\">Not mapped to any framework.</li>");
    }
    w.raw("</ul></section>\n</div>\n");
    w.into_string()
}

fn report(view: &Report, root: &'static str, site: &SiteMeta) -> String {
    let scope = &view.scope;
    let mut w = Writer::new(root, 16 * 1024 + view.controls.len() * 1024);
    w.raw(concat!(
        "\n<div class=\"report\">\n<header class=\"report-cover\">\n",
        "  <p class=\"report-kicker\">Non-human identity governance report</p>\n",
        "  <h1 id=\"cover-title\">",
    ))
    .text(site.title)
    .raw("</h1>");
    if !site.organisation.is_empty() {
        w.raw("<p class=\"report-org\">")
            .text(site.organisation)
            .raw("</p>");
    }
    w.raw(concat!(
        "\n  <dl class=\"facts report-facts\">\n",
        "    <dt>As of</dt><dd><strong>",
    ))
    .display(site.as_of)
    .raw("</strong></dd>\n    <dt>Scope</dt><dd>")
    .display(scope.controls)
    .raw(" controls, ")
    .display(scope.processes)
    .raw(" processes, ")
    .display(scope.exceptions)
    .raw(" exceptions, ")
    .display(scope.incidents)
    .raw(" recorded failures, ")
    .display(scope.people)
    .raw(" people in ")
    .display(scope.teams)
    .raw(" teams</dd>\n    <dt>Recurrence</dt><dd>a control failing ")
    .display(scope.threshold)
    .raw(" or more times in ")
    .display(scope.window_days)
    .raw(" days is recurring</dd>\n    <dt>Exception policy</dt><dd>no grant longer than ")
    .display(scope.max_validity_days)
    .raw(" days</dd>\n    <dt>Content</dt><dd>")
    .text(&site.provenance)
    .raw("</dd>\n    <dt>Generated by</dt><dd>govsite ")
    .text(site.version)
    .raw(concat!(
        "; every file of this site is listed with its SHA-256 in ",
        "<span class=\"mono\">SHA256SUMS</span></dd>\n  </dl>\n",
        "  <p class=\"no-print\"><a href=\"",
    ))
    .raw(root)
    .raw(concat!(
        "index.html\">Back to the dashboard</a> · print this page (Ctrl+P) to save it as ",
        "PDF.</p>\n</header>\n\n",
        "<section class=\"report-section\" aria-labelledby=\"r-figures\">\n",
        "  <h2 id=\"r-figures\">1. Headline figures</h2>\n  <ul class=\"figures\">",
    ));
    for figure in &view.figures {
        w.raw("\n    <li class=\"figure tone-")
            .text(figure.tone)
            .raw("\"><span class=\"figure-value\">")
            .text(&figure.value)
            .raw("</span><span class=\"figure-label\">")
            .text(figure.label)
            .raw("</span><span class=\"figure-note\">")
            .text(figure.note)
            .raw("</span></li>");
    }
    w.raw("\n  </ul>\n  <div class=\"charts\">");
    for chart in &view.charts {
        w.raw("\n    ");
        chart_with_numbers(&mut w, chart);
    }
    w.raw(concat!(
        "\n  </div>\n</section>\n\n",
        "<section class=\"report-section\" aria-labelledby=\"r-register\">\n",
        "  <h2 id=\"r-register\">2. Open exceptions register</h2>\n  ",
    ))
    .table(
        &EXCEPTIONS_TABLE,
        "Exceptions open on the as-of date, with their approvers",
        &view.open_exceptions,
    )
    .raw(concat!(
        "\n</section>\n\n",
        "<section class=\"report-section\" aria-labelledby=\"r-gaps\">\n",
        "  <h2 id=\"r-gaps\">3. Gaps and findings</h2>\n  ",
    ))
    .table(
        &GAPS_TABLE,
        "Ownership, approval and review gaps with the person to chase",
        &view.gaps,
    )
    .raw(concat!(
        "\n</section>\n\n",
        "<section class=\"report-section\" aria-labelledby=\"r-controls\">\n",
        "  <h2 id=\"r-controls\">4. Controls</h2>",
    ));
    for section in &view.controls {
        let row = &section.row;
        w.raw("\n  <section class=\"report-control\" aria-labelledby=\"rc-")
            .text(row.link.id)
            .raw("\">\n    <h3 id=\"rc-")
            .text(row.link.id)
            .raw("\"><span class=\"mono\">")
            .text(row.link.id)
            .raw("</span> — ")
            .text(row.link.label)
            .raw("</h3>\n    <p>Owner: ")
            .person(row.owner.as_ref());
        if !section.approvers.is_empty() {
            w.raw(" · may approve exceptions: ")
                .people(&section.approvers);
        }
        w.raw("\n    · failures in window: <strong>")
            .display(row.failures_in_window)
            .raw("</strong> (total ")
            .display(row.failures_total)
            .raw(")\n    ")
            .flag(row.recurring, "recurring: process defect", "badge-alert")
            .raw(" ")
            .flag(row.review_overdue, "review overdue", "badge-warn")
            .raw("</p>");
        if section.failures.count > 0 {
            w.table(
                &INCIDENTS_TABLE,
                "Failures and the people accountable for them",
                &section.failures,
            );
        }
        if section.exceptions.count > 0 {
            w.table(
                &EXCEPTIONS_TABLE,
                "Exceptions to this control",
                &section.exceptions,
            );
        }
        w.raw("\n  </section>");
    }
    w.raw("\n</section>\n</div>\n");
    w.into_string()
}

/// `macros.html`'s `chart`: the image, its text alternative and its numbers as a table.
fn chart_with_numbers(w: &mut Writer, chart: &ChartView) {
    let root = w.root();
    w.raw("<div class=\"chart\">\n  <figure>\n  <img src=\"")
        .raw(root)
        .text(&chart.src)
        .raw("\" alt=\"")
        .text(chart.description)
        .raw("\" width=\"760\" height=\"320\">\n  <figcaption>")
        .text(chart.description)
        .raw(concat!(
            "</figcaption>\n  </figure>\n  <details>\n",
            "    <summary>Show the numbers</summary>\n",
            "    <div class=\"table-scroll\">\n    <table class=\"numbers\">\n      <caption>",
        ))
        .text(&chart.table.caption)
        .raw("</caption>\n      <thead><tr>");
    for header in &chart.table.headers {
        w.raw("<th scope=\"col\">").text(header).raw("</th>");
    }
    w.raw("</tr></thead>\n      <tbody>");
    for row in &chart.table.rows {
        w.raw("\n      <tr>");
        for cell in row {
            w.raw("<td>");
            match &cell.link {
                Some(link) => {
                    w.raw("<a href=\"")
                        .href(link)
                        .raw("\">")
                        .text(&cell.text)
                        .raw("</a>");
                }
                None => {
                    w.text(&cell.text);
                }
            }
            w.raw("</td>");
        }
        w.raw("</tr>");
    }
    if chart.table.rows.is_empty() {
        // Tera keeps the white space before `{%- endfor %}` after a `{% else %}` branch.
        w.raw("\n      <tr><td colspan=\"")
            .display(chart.table.headers.len())
            .raw("\">No data.</td></tr>\n      ");
    }
    w.raw("\n      </tbody>\n    </table>\n    </div>\n  </details>\n</div>");
}
