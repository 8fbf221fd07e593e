//! Process-defect reviews: the review page (`reviews/ID.html`), the list page
//! (`reviews.html`) and the table of reviews the control and person pages show.

use serde::Serialize;

use super::paging::{self, Pager};

use super::index::{Index, Link};
use super::records::{evidence, kind_gaps, title, EvidenceView, GapOn};
use super::rows::{own_action_row, review_row};
use super::tables::{Table, Tables};
use super::{title_or_id, words, PageView};
use crate::model::ProcessReview;

/// What a review's page shows (`templates/review.html`).
#[derive(Serialize)]
pub struct ReviewView<'a> {
    id: &'a str,
    /// The title, or the id.
    heading: &'a str,
    /// The minutes.
    body_html: &'a str,
    control: Option<Link<'a>>,
    origin: Option<&'static str>,
    date: String,
    decided_by: Option<Link<'a>>,
    fix_owner: Option<Link<'a>>,
    /// The fix owner is the pattern's, the review naming none.
    fix_owner_from_pattern: bool,
    /// As words: `fix process`.
    decision: Option<String>,
    actions: Table,
    /// The `fix-did-not-hold` finding, when there is one.
    gaps: Table,
    evidence: Vec<EvidenceView<'a>>,
}

/// `reviews/ID.html`.
pub fn review_page<'a>(
    index: &'a Index<'a>,
    review: &'a ProcessReview,
) -> PageView<'a, ReviewView<'a>> {
    let id = review.id.as_str();
    let mut tables = Tables::new(super::RECORD_ROOT);
    let metrics = index.review_metrics.get(id).copied();
    let actions = index.actions_by_review.get(id).into_iter().flatten();
    let fix_owner = metrics.and_then(|m| m.fix_owner.as_deref());
    let view = ReviewView {
        id,
        heading: title_or_id(&review.title, id),
        body_html: &review.body_html,
        control: review.control.as_deref().map(|c| index.control(c)),
        origin: review.origin.map(|o| o.as_str()),
        date: review.date.to_string(),
        decided_by: review.decided_by.as_deref().map(|p| index.person(p)),
        fix_owner: fix_owner.map(|p| index.person(p)),
        fix_owner_from_pattern: review.fix_owner.is_none() && fix_owner.is_some(),
        decision: review.decision.map(|d| words(d.as_str())),
        actions: tables.now(
            "Actions decided by this review",
            actions.map(|a| own_action_row(index, a)),
        ),
        gaps: kind_gaps(
            index,
            &mut tables,
            id,
            "Findings on this review",
            GapOn::Review,
        ),
        evidence: evidence(index, &review.evidence),
    };
    let nav = ("reviews", title(&review.title, id));
    index.page(
        format!("reviews/{id}.html"),
        "review.html",
        nav,
        view,
        tables,
    )
}

#[derive(Serialize)]
pub struct ReviewsList {
    reviews: Table,
    pager: Pager,
    ignored_after_as_of: usize,
}

/// Page `number` of `reviews.html`, newest first.
pub fn reviews_page<'a>(index: &'a Index<'a>, number: usize) -> PageView<'a, ReviewsList> {
    let mut tables = Tables::new("");
    let total = index.reviews_newest.len();
    let pager = paging::pager("reviews", number, total);
    let shown = &index.reviews_newest[paging::page_rows(number, total)];
    let view = ReviewsList {
        ignored_after_as_of: index.model.reviews.len() - index.metrics.reviews.len(),
        reviews: tables.later(
            paging::caption("All process-defect reviews, newest first", &pager),
            shown.len(),
            move |rows| rows.all(shown.iter().map(|r| review_row(index, r))),
        ),
        pager,
    };
    let nav = ("reviews", "Reviews".to_string());
    let path = paging::page_path("reviews", number);
    index.page(path, "reviews.html", nav, view, tables)
}
