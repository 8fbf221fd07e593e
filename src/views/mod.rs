//! What templates see: plain serializable views built from the model and the metrics, one
//! view function per page. Views compute no figure (every figure comes from `Metrics`) and
//! write nothing: `pages.rs` renders each view with its template and hands it to a sink.
//!
//! To add a field to a page, add it to the page's view struct here and use it in the page's
//! template. To add a page, add a template to `templates/` (and to `render::TEMPLATES`), a
//! view function that returns a `PageView`, and a line in `pages::render_site`.
//!
//! The view structs are flat on purpose: links carry their `href` (relative to `root`),
//! dates are strings, names of kinds are words, so a template does few lookups.

mod changes;
mod charts;
mod definitions;
mod figures;
mod findings;
mod index;
mod lists;
mod markup;
mod paging;
mod records;
mod report;
mod reviews;
mod rows;
mod search;
mod selections;
mod tables;
mod teams;

use serde::Serialize;

pub use definitions::definitions_page;
pub use findings::{findings_page, findings_pages};
pub use index::{Index, Link, SiteMeta};
pub use lists::{
    accountability_page, controls_page, dashboard, exceptions_page, frameworks_page,
    incidents_page, people_page, processes_page,
};
pub use markup::register_filters;
pub use paging::page_count;
pub use records::{
    control_page, exception_page, framework_page, incident_page, person_page, process_page,
};
pub use report::report_page;
pub use reviews::{review_page, reviews_page};
pub use search::{search_index, SearchIndex, SHARDS as SEARCH_SHARDS};
pub use selections::{selection_page, selection_pages, Selection};
pub use tables::{Table, Tables};
pub use teams::{team_pages, teams_page, TeamPages};

/// A page ready to be rendered: its path in the site, the template that draws it, what the
/// template sees, and the tables of records it places.
pub struct PageView<'a, V> {
    pub path: String,
    pub template: &'static str,
    pub page: Page<'a, V>,
    pub tables: Tables<'a>,
}

/// What every template sees: where the site root is (`""`, `"../"` or `"../../"`), the page's title,
/// which navigation item is active, the site, and the page's own view.
#[derive(Serialize)]
pub struct Page<'a, V> {
    pub root: &'static str,
    pub title: String,
    pub nav: &'static str,
    pub site: &'a SiteMeta<'a>,
    #[serde(flatten)]
    pub view: V,
}

impl<'a> Index<'a> {
    /// The page at `path` drawn by `template`, with `view` and the `tables` it refers to.
    fn page<V: Serialize>(
        &'a self,
        path: String,
        template: &'static str,
        (nav, title): (&'static str, String),
        view: V,
        tables: Tables<'a>,
    ) -> PageView<'a, V> {
        PageView {
            page: Page {
                root: root_of(&path),
                title,
                nav,
                site: &self.site,
                view,
            },
            path,
            template,
            tables,
        }
    }
}

/// What leads from a record page (one folder down) back to the site root.
const RECORD_ROOT: &str = "../";

/// What leads from a team's own lists (`teams/ID/failures.html`) back to the site root.
const TEAM_LIST_ROOT: &str = "../../";

/// What leads from the page at `path` back to the site root.
fn root_of(path: &str) -> &'static str {
    match path.matches('/').count() {
        0 => "",
        1 => RECORD_ROOT,
        _ => TEAM_LIST_ROOT,
    }
}

/// `0.4285` -> `42.9%`; `None` -> `n/a`.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_string(), |v| format!("{:.1}%", v * 100.0))
}

/// `12.0` -> `12`, `12.25` -> `12.3`; `None` -> `n/a`.
pub fn decimal(value: Option<f64>) -> String {
    match value {
        None => "n/a".to_string(),
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

/// A kebab-case name as words: `expiring-soon` -> `expiring soon`.
fn words(name: &str) -> String {
    name.replace('-', " ")
}

/// A record's title, or its id when it has none.
fn title_or_id<'a>(title: &'a str, id: &'a str) -> &'a str {
    if title.is_empty() {
        id
    } else {
        title
    }
}

/// A date as the pages show it, or `none` without one.
fn day_or(day: Option<crate::model::Day>, none: &str) -> String {
    day.map_or_else(|| none.to_string(), |d| d.to_string())
}

/// A framework's `url`, only when it is a web address.
fn web_url(framework: &crate::model::Framework) -> Option<&str> {
    framework
        .url
        .as_deref()
        .filter(|url| crate::validate::is_web_url(url))
}
