//! `definitions.html`: how every figure and every export is computed, so that an auditor
//! reading the site offline has the definitions beside the numbers. The text is the
//! metric sections of docs/content-format.md, built into the binary, so the page and the
//! reference cannot drift apart; every definition has an anchor that figure labels link to.

use std::sync::OnceLock;

use serde::Serialize;

use super::index::Index;
use super::tables::Tables;
use super::PageView;
use crate::markdown::{self, Anchored, Heading};

/// The content format reference, whose metric sections the page shows.
const REFERENCE: &str = include_str!("../../docs/content-format.md");

/// The level-2 sections of the reference that the page shows, in the reference's order.
const SECTIONS: [&str; 4] = [
    "Accountability follows origin",
    "Provenance",
    "How the figures are computed",
    "Exports",
];

/// The page, from its file name.
pub const PAGE: &str = "definitions.html";

/// A setting of `site.yaml` and the value the build used.
#[derive(Serialize)]
struct Setting {
    name: &'static str,
    value: String,
}

#[derive(Serialize)]
pub struct DefinitionsView<'a> {
    /// The thresholds this build used, as `site.yaml` names them.
    settings: Vec<Setting>,
    /// The page's table of contents: its level-2 and level-3 headings.
    contents: Vec<&'a Heading>,
    /// The sections, rendered (safe).
    body_html: &'a str,
}

/// `definitions.html`.
pub fn definitions_page<'a>(index: &'a Index<'a>) -> PageView<'a, DefinitionsView<'a>> {
    let document = document();
    let s = &index.metrics.settings;
    let site = &index.model.site;
    let buckets: Vec<String> = s.aging_buckets.iter().map(i64::to_string).collect();
    let settings = [
        ("recurrence.window_days", s.window_days.to_string()),
        ("recurrence.threshold", s.threshold.to_string()),
        (
            "exceptions.max_validity_days",
            s.max_validity_days.to_string(),
        ),
        (
            "exceptions.expiring_soon_days",
            s.expiring_soon_days.to_string(),
        ),
        (
            "exceptions.aging_buckets",
            format!("[{}]", buckets.join(", ")),
        ),
        (
            "review_overdue_grace_days",
            site.review_overdue_grace_days.to_string(),
        ),
    ];
    let view = DefinitionsView {
        settings: settings
            .into_iter()
            .map(|(name, value)| Setting { name, value })
            .collect(),
        contents: document.headings.iter().filter(|h| h.level <= 3).collect(),
        body_html: &document.html,
    };
    let nav = ("definitions", "Definitions".to_string());
    index.page(PAGE.into(), PAGE, nav, view, Tables::new(""))
}

/// The anchors of the page's definitions, for the tests of the links to them.
#[cfg(test)]
pub(super) fn anchors() -> &'static [String] {
    &document().anchors
}

/// The sections, rendered once: the text is the same in every build.
fn document() -> &'static Anchored {
    static DOCUMENT: OnceLock<Anchored> = OnceLock::new();
    DOCUMENT.get_or_init(|| markdown::render_anchored(&sections(REFERENCE)))
}

/// The `SECTIONS` of `reference`, each from its `## ` heading to the next one.
fn sections(reference: &str) -> String {
    let mut text = String::new();
    let mut keep = false;
    for line in reference.lines() {
        if let Some(title) = line.strip_prefix("## ") {
            keep = SECTIONS.contains(&title.trim());
        }
        if keep {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_is_in_the_reference() {
        let text = sections(REFERENCE);
        for title in SECTIONS {
            assert!(
                text.contains(&format!("\n## {title}\n"))
                    || text.starts_with(&format!("## {title}\n")),
                "docs/content-format.md has no section `## {title}`"
            );
        }
        assert!(!text.contains("## Worked example"));
    }

    #[test]
    fn the_page_defines_the_figures_and_exports_by_name() {
        let anchors = anchors();
        for anchor in [
            "how-the-figures-are-computed",
            "recurring-failures-recurring-control",
            "recurring-failures-repeat-rate",
            "who-fixes-a-recurring-pattern",
            "exports",
            "data-grant_periods-csv",
        ] {
            assert!(anchors.iter().any(|a| a == anchor), "no anchor {anchor}");
        }
    }
}
