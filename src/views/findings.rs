//! The policy findings (`govsite check --strict`'s) grouped for a review: by kind, and by the
//! person to chase, on the dashboard (the first rows) and on `findings.html` (all of them,
//! with every finding in pages).

use rustc_hash::FxHashMap as HashMap;
use serde::Serialize;

use super::index::{Index, Link};
use super::paging::{self, Pager};
use super::selections::Selection;
use super::tables::{Table, Tables};
use super::teams::finding_row;
use super::PageView;

/// The list that holds the records of findings of `kind`.
fn list_of(kind: &str) -> Selection {
    match kind {
        "expired-exception" => Selection::ExpiredExceptions,
        "permanent-exception" => Selection::PermanentExceptions,
        "over-policy-exception" => Selection::OverPolicyExceptions,
        "overdue-action" => Selection::OverdueActions,
        "self-approved" => Selection::SelfApproved,
        "unauthorized-approver" => Selection::UnauthorizedApprovals,
        "review-overdue" => Selection::OverdueReviews,
        "inactive-owner" | "inactive-approver" | "no-risk-signoff" => Selection::OwnershipGaps,
        _ => Selection::Gaps,
    }
}

/// A kind of finding and how many there are.
#[derive(Serialize)]
pub(super) struct KindCount<'a> {
    kind: &'a str,
    count: usize,
    /// The list of its records, from the site root.
    href: String,
}

/// A person to chase and how many findings name them.
#[derive(Serialize)]
pub(super) struct PersonCount<'a> {
    /// `None` for findings that name nobody.
    person: Option<Link<'a>>,
    count: usize,
    /// `2 expired-exception, 1 overdue-action`.
    kinds: String,
}

/// The findings grouped by kind (most first) and by person (most first, nobody last).
pub(super) struct Grouped<'a> {
    pub(super) by_kind: Vec<KindCount<'a>>,
    pub(super) by_person: Vec<PersonCount<'a>>,
}

pub(super) fn grouped<'a>(index: &'a Index<'a>) -> Grouped<'a> {
    let mut kinds: HashMap<&str, usize> = HashMap::default();
    let mut people: HashMap<Option<&str>, Vec<&str>> = HashMap::default();
    for finding in index.findings {
        *kinds.entry(finding.kind.as_str()).or_default() += 1;
        let person = finding.person.as_deref();
        people.entry(person).or_default().push(&finding.kind);
    }
    let mut by_kind: Vec<KindCount> = kinds
        .into_iter()
        .map(|(kind, count)| KindCount {
            kind,
            count,
            href: list_of(kind).href(),
        })
        .collect();
    by_kind.sort_by(|a, b| b.count.cmp(&a.count).then(a.kind.cmp(b.kind)));
    let mut by_person: Vec<(Option<&str>, Vec<&str>)> = people.into_iter().collect();
    by_person.sort_by(|(a, a_kinds), (b, b_kinds)| {
        (a.is_none().cmp(&b.is_none()))
            .then(b_kinds.len().cmp(&a_kinds.len()))
            .then(a.cmp(b))
    });
    let by_person = by_person
        .into_iter()
        .map(|(person, kinds)| PersonCount {
            person: person
                .and_then(|p| index.model.people.get_key_value(p))
                .map(|(id, _)| index.person(id)),
            count: kinds.len(),
            kinds: describe_kinds(kinds),
        })
        .collect();
    Grouped { by_kind, by_person }
}

/// `["overdue-action", "expired-exception", "overdue-action"]` ->
/// `2 overdue-action, 1 expired-exception`: most first, then by name.
fn describe_kinds(kinds: Vec<&str>) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    let mut sorted = kinds;
    sorted.sort_unstable();
    for kind in sorted {
        match counts.last_mut() {
            Some((last, count)) if *last == kind => *count += 1,
            _ => counts.push((kind, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    parts.join(", ")
}

/// People the dashboard lists as the ones to chase.
pub(super) const DASHBOARD_PEOPLE: usize = 10;

/// The dashboard's findings section.
#[derive(Serialize)]
pub(super) struct FindingsPreview<'a> {
    total: usize,
    by_kind: Vec<KindCount<'a>>,
    by_person: Vec<PersonCount<'a>>,
    people: usize,
}

pub(super) fn findings_preview<'a>(index: &'a Index<'a>) -> FindingsPreview<'a> {
    let Grouped {
        by_kind,
        mut by_person,
    } = grouped(index);
    let people = by_person.len();
    by_person.truncate(DASHBOARD_PEOPLE);
    FindingsPreview {
        total: index.findings.len(),
        by_kind,
        by_person,
        people,
    }
}

#[derive(Serialize)]
pub struct FindingsList<'a> {
    total: usize,
    by_kind: Vec<KindCount<'a>>,
    by_person: Vec<PersonCount<'a>>,
    table: Table,
    pager: Pager,
}

/// How many pages `findings.html` has.
pub fn findings_pages(index: &Index) -> usize {
    paging::page_count(index.findings.len())
}

/// Page `number` of `findings.html`: the groups, then the findings in pages.
pub fn findings_page<'a>(index: &'a Index<'a>, number: usize) -> PageView<'a, FindingsList<'a>> {
    // The groups are on the first page only: tens of pages need not count them again.
    let Grouped { by_kind, by_person } = if number <= 1 {
        grouped(index)
    } else {
        Grouped {
            by_kind: Vec::new(),
            by_person: Vec::new(),
        }
    };
    let total = index.findings.len();
    let pager = paging::pager("findings", number, total);
    let rows = paging::page_rows(number, total);
    let mut tables = Tables::new("");
    let findings = &index.findings[rows];
    let table = tables.later(
        paging::caption("Every finding, by kind then record", &pager),
        findings.len(),
        move |out| out.all(findings.iter().map(|f| finding_row(index, f))),
    );
    let view = FindingsList {
        total,
        by_kind,
        by_person,
        table,
        pager,
    };
    let path = paging::page_path("findings", number);
    let nav = ("findings", "Findings to chase".to_string());
    index.page(path, "findings.html", nav, view, tables)
}

#[cfg(test)]
mod tests {
    #[test]
    fn kinds_are_counted_most_first_then_by_name() {
        let kinds = vec!["overdue-action", "expired-exception", "overdue-action", "a"];
        assert_eq!(
            super::describe_kinds(kinds),
            "2 overdue-action, 1 a, 1 expired-exception"
        );
    }
}
