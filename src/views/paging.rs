//! Long lists in pages of `PAGE_ROWS` rows, so every page stays usable without JavaScript
//! and loads fast at tens of thousands of records: page 1 of the list at `incidents` is
//! `incidents.html`, page 2 `incidents-2.html`, each in the same folder, with links to the
//! others. Where JavaScript runs, the rows of the page shown can be sorted and filtered.

use std::ops::Range;

use serde::Serialize;

/// Rows per page of a long list.
pub const PAGE_ROWS: usize = 500;

/// How many pages a list of `total` rows has: at least one, which says the list is empty.
pub fn page_count(total: usize) -> usize {
    total.div_ceil(PAGE_ROWS).max(1)
}

/// The path of page `number` (from 1) of the list at `base` (`incidents`, `lists/gaps`).
pub fn page_path(base: &str, number: usize) -> String {
    if number <= 1 {
        format!("{base}.html")
    } else {
        format!("{base}-{number}.html")
    }
}

/// The rows of page `number` of a list of `total` rows.
pub fn page_rows(number: usize, total: usize) -> Range<usize> {
    let start = (number.max(1) - 1) * PAGE_ROWS;
    start.min(total)..(start + PAGE_ROWS).min(total)
}

/// Where page `number` of a list stands, and the links to its other pages.
#[derive(Debug, Serialize)]
pub struct Pager {
    pub number: usize,
    pub count: usize,
    /// The first and last row shown, from 1; 0 and 0 for an empty list.
    pub first_row: usize,
    pub last_row: usize,
    pub total: usize,
    /// The file names of the previous and next pages, in the same folder.
    pub previous: Option<String>,
    pub next: Option<String>,
    /// The first, the last, and the pages next to this one, in order.
    pub pages: Vec<PagerLink>,
}

/// A link to one page of a list; `gap_before` when pages are left out before it.
#[derive(Debug, Serialize)]
pub struct PagerLink {
    pub number: usize,
    /// The file name, or `None` for the page shown.
    pub href: Option<String>,
    pub gap_before: bool,
}

/// The pager of page `number` of the list at `base` with `total` rows.
pub fn pager(base: &str, number: usize, total: usize) -> Pager {
    let count = page_count(total);
    let rows = page_rows(number, total);
    let file = |n: usize| {
        let path = page_path(base, n);
        path.rsplit('/').next().unwrap_or_default().to_string()
    };
    let near = |n: usize| n == 1 || n == count || n.abs_diff(number) <= 2;
    let mut pages = Vec::new();
    let mut last_shown = 0;
    for n in (1..=count).filter(|&n| near(n)) {
        pages.push(PagerLink {
            number: n,
            href: (n != number).then(|| file(n)),
            gap_before: n > last_shown + 1,
        });
        last_shown = n;
    }
    Pager {
        number,
        count,
        first_row: if rows.is_empty() { 0 } else { rows.start + 1 },
        last_row: rows.end,
        total,
        previous: (number > 1).then(|| file(number - 1)),
        next: (number < count).then(|| file(number + 1)),
        pages,
    }
}

/// `All incidents, newest first`, with `(rows 501–1,000 of 12,345)` on lists of several pages.
pub fn caption(text: &str, pager: &Pager) -> String {
    if pager.count <= 1 {
        return text.to_string();
    }
    format!(
        "{text} (rows {}–{} of {})",
        grouped(pager.first_row),
        grouped(pager.last_row),
        grouped(pager.total)
    )
}

/// `12345` -> `12,345`.
pub fn grouped(value: usize) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_1201_rows_has_three_pages_the_last_with_201_rows() {
        assert_eq!(page_count(1201), 3);
        assert_eq!(page_rows(1, 1201), 0..500);
        assert_eq!(page_rows(3, 1201), 1000..1201);
        assert_eq!(page_count(500), 1);
        assert_eq!(page_count(0), 1, "an empty list still has its page");
        assert_eq!(page_rows(1, 0), 0..0);
    }

    #[test]
    fn pages_after_the_first_carry_their_number_in_the_same_folder() {
        assert_eq!(page_path("incidents", 1), "incidents.html");
        assert_eq!(page_path("incidents", 2), "incidents-2.html");
        let pager = pager("lists/gaps", 2, 1201);
        assert_eq!(pager.previous.as_deref(), Some("gaps.html"));
        assert_eq!(pager.next.as_deref(), Some("gaps-3.html"));
        assert_eq!((pager.first_row, pager.last_row), (501, 1000));
    }

    #[test]
    fn the_pager_shows_the_ends_and_the_neighbours_with_gaps_between() {
        let pager = pager("incidents", 10, 20 * PAGE_ROWS);
        let shown: Vec<(usize, bool, bool)> = pager
            .pages
            .iter()
            .map(|p| (p.number, p.href.is_none(), p.gap_before))
            .collect();
        assert_eq!(
            shown,
            [
                (1, false, false),
                (8, false, true),
                (9, false, false),
                (10, true, false),
                (11, false, false),
                (12, false, false),
                (20, false, true)
            ]
        );
    }

    #[test]
    fn captions_of_long_lists_say_which_rows_are_shown() {
        let one = pager("incidents", 1, 12);
        assert_eq!(caption("All incidents", &one), "All incidents");
        let third = pager("incidents", 3, 12_345);
        assert_eq!(
            caption("All incidents", &third),
            "All incidents (rows 1,001–1,500 of 12,345)"
        );
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000_000), "1,000,000");
    }
}
