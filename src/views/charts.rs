//! The site-wide charts as pages show them: the image, its text alternative, and its
//! numbers as a table (read from the metrics, like the chart itself).

use serde::Serialize;

use super::index::{Index, Link};
use crate::charts::{self, Chart};
use crate::metrics::MonthEnd;

/// A chart with its text alternative and its numbers as a table.
#[derive(Serialize)]
pub(super) struct ChartView<'a> {
    pub(super) src: String,
    title: &'a str,
    pub(super) description: &'a str,
    pub(super) table: Numbers<'a>,
}

/// A chart's numbers.
#[derive(Serialize)]
pub(super) struct Numbers<'a> {
    pub(super) caption: String,
    pub(super) headers: Vec<&'static str>,
    pub(super) rows: Vec<Vec<Cell<'a>>>,
}

#[derive(Serialize)]
pub(super) struct Cell<'a> {
    pub(super) text: String,
    pub(super) link: Option<Link<'a>>,
}

fn text<'a>(value: impl ToString) -> Cell<'a> {
    Cell {
        text: value.to_string(),
        link: None,
    }
}

fn linked(link: Link<'_>) -> Cell<'_> {
    Cell {
        text: link.label.to_string(),
        link: Some(link),
    }
}

fn chart_view<'a>(chart: &'a Chart, table: Numbers<'a>) -> ChartView<'a> {
    ChartView {
        src: format!("charts/{}", chart.file),
        title: &chart.title,
        description: &chart.description,
        table,
    }
}

fn monthly_table<'a>(index: &Index<'a>) -> Numbers<'a> {
    let rows = index
        .metrics
        .monthly
        .iter()
        .map(|m| {
            let total = m.design + m.operation + m.approval;
            vec![
                text(&m.month),
                text(m.design),
                text(m.operation),
                text(m.approval),
                text(total),
            ]
        })
        .collect();
    Numbers {
        caption: "Failures per month by origin (an incident with two origins counts under both)"
            .into(),
        headers: vec!["Month", "Design", "Operation", "Approval", "Total"],
        rows,
    }
}

fn age_table<'a>(index: &Index<'a>) -> Numbers<'a> {
    let rows = index
        .metrics
        .age_buckets
        .iter()
        .map(|b| {
            let total = b.active + b.expiring_soon + b.expired + b.permanent;
            vec![
                text(format!("{} days", b.bucket)),
                text(b.active),
                text(b.expiring_soon),
                text(b.expired),
                text(b.permanent),
                text(total),
            ]
        })
        .collect();
    Numbers {
        caption: "Open exceptions by age and state".into(),
        headers: vec![
            "Age",
            "Active",
            "Expiring soon",
            "Expired",
            "Permanent",
            "Total",
        ],
        rows,
    }
}

fn top_controls_table<'a>(index: &Index<'a>) -> Numbers<'a> {
    let rows = index
        .metrics
        .top_controls
        .iter()
        .map(|c| {
            vec![
                linked(index.control(&c.id)),
                text(c.failures_in_window),
                text(if c.recurring { "recurring" } else { "" }),
            ]
        })
        .collect();
    Numbers {
        caption: format!(
            "Controls with the most failures in the last {} days",
            index.metrics.settings.window_days
        ),
        headers: vec!["Control", "Failures in window", "Status"],
        rows,
    }
}

/// A column of a month-end table: its header and its count.
type MonthEndColumn = (&'static str, fn(&MonthEnd) -> usize);

/// The month-end counts of one chart: a row per month end, the day and then `columns`.
fn month_end_table<'a>(
    index: &Index<'a>,
    caption: &str,
    columns: [MonthEndColumn; 3],
) -> Numbers<'a> {
    let rows = (index.metrics.month_end.iter())
        .map(|m| {
            let mut row = vec![text(m.date)];
            row.extend(columns.iter().map(|(_, count)| text(count(m))));
            row
        })
        .collect();
    let mut headers = vec!["Month end"];
    headers.extend(columns.iter().map(|(header, _)| *header));
    Numbers {
        caption: caption.into(),
        headers,
        rows,
    }
}

fn month_end_exceptions_table<'a>(index: &Index<'a>) -> Numbers<'a> {
    month_end_table(
        index,
        "Exceptions at each month end (the last row is the as-of date)",
        [
            ("Open", |m| m.open_exceptions),
            ("Expired", |m| m.expired_exceptions),
            ("Permanent", |m| m.permanent_exceptions),
        ],
    )
}

fn month_end_actions_table<'a>(index: &Index<'a>) -> Numbers<'a> {
    month_end_table(
        index,
        "Recurring controls and actions at each month end (the last row is the as-of date)",
        [
            ("Recurring controls", |m| m.recurring_controls),
            ("Open actions", |m| m.open_actions),
            ("Overdue actions", |m| m.overdue_actions),
        ],
    )
}

pub(super) fn chart_views<'a>(index: &Index<'a>, charts: &'a [Chart]) -> Vec<ChartView<'a>> {
    charts
        .iter()
        .map(|chart| {
            let table = match chart.file.as_str() {
                "exceptions-by-age.svg" => age_table(index),
                "top-recurring-controls.svg" => top_controls_table(index),
                charts::EXCEPTIONS_FILE => month_end_exceptions_table(index),
                charts::ACTIONS_FILE => month_end_actions_table(index),
                _ => monthly_table(index),
            };
            chart_view(chart, table)
        })
        .collect()
}

/// The chart drawn into `file`, with its numbers, when the site has it.
pub(super) fn chart_named<'a>(
    index: &Index<'a>,
    charts: &'a [Chart],
    file: &str,
) -> Option<ChartView<'a>> {
    chart_views(index, charts)
        .into_iter()
        .find(|chart| chart.src.ends_with(file))
}
