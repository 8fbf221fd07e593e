//! The month-end trend charts: lines of `metrics.month_end`, one point per month end (the
//! last on the as-of date), with a different marker per line so they stay apart without
//! colour.

use anyhow::{Context, Result};
use plotters::prelude::*;

use super::{
    draw_over_categories, every_nth_from_last, month_label, month_span, peak, render, slot_centre,
    to_axis, Chart, Frame, PlotArea, Series, BLUE, ORANGE, SITE, SKY, VERMILLION,
};
use crate::metrics::{Metrics, MonthEnd};

/// The file of the exceptions chart, under `charts/`.
pub const EXCEPTIONS_FILE: &str = "exceptions-at-month-end.svg";
/// The file of the recurring-controls-and-actions chart, under `charts/`.
pub const ACTIONS_FILE: &str = "recurring-and-actions-at-month-end.svg";

/// One line chart of the month-end trend.
struct MonthEndChart {
    file: &'static str,
    title: &'static str,
    y_desc: &'static str,
    /// Shown in the plot, and as the text alternative, when every count is zero.
    empty_note: &'static str,
    lines: Vec<Series>,
}

/// One count of every month end.
fn column(metrics: &Metrics, count: fn(&MonthEnd) -> usize) -> Vec<usize> {
    metrics.month_end.iter().map(count).collect()
}

/// Open, expired and permanent exceptions at each month end.
pub(super) fn exceptions(metrics: &Metrics) -> Result<Chart> {
    draw_chart(
        metrics,
        MonthEndChart {
            file: EXCEPTIONS_FILE,
            title: "Exceptions at each month end",
            y_desc: "Exceptions",
            empty_note: "No open exceptions at any month end",
            lines: vec![
                Series::new("Open", BLUE, column(metrics, |m| m.open_exceptions)),
                Series::new(
                    "Expired",
                    VERMILLION,
                    column(metrics, |m| m.expired_exceptions),
                ),
                Series::new(
                    "Permanent",
                    SKY,
                    column(metrics, |m| m.permanent_exceptions),
                ),
            ],
        },
    )
}

/// Recurring controls, open and overdue actions at each month end.
pub(super) fn actions(metrics: &Metrics) -> Result<Chart> {
    draw_chart(
        metrics,
        MonthEndChart {
            file: ACTIONS_FILE,
            title: "Recurring controls and actions",
            y_desc: "Count at month end",
            empty_note: "No recurring control or open action",
            lines: vec![
                Series::new(
                    "Recurring controls",
                    VERMILLION,
                    column(metrics, |m| m.recurring_controls),
                ),
                Series::new("Open actions", BLUE, column(metrics, |m| m.open_actions)),
                Series::new(
                    "Overdue actions",
                    ORANGE,
                    column(metrics, |m| m.overdue_actions),
                ),
            ],
        },
    )
}

fn draw_chart(metrics: &Metrics, chart: MonthEndChart) -> Result<Chart> {
    let months: Vec<&str> = metrics.month_end.iter().map(|m| m.month.as_str()).collect();
    let last_day = metrics.month_end.last().map(|m| m.date.to_string());
    let description = describe(&chart, &months, last_day.as_deref());
    let frame = Frame {
        title: chart.title,
        categories: months.iter().map(|m| month_label(m)).collect(),
        labelled: every_nth_from_last(months.len(), SITE.month_step),
        series: chart.lines,
        x_desc: "Month end (the last point is the as-of date)",
        y_desc: chart.y_desc,
        empty_note: chart.empty_note,
    };
    let max = frame.series.iter().flat_map(|s| s.values.iter()).max();
    let max = max.copied().unwrap_or(0);
    let svg = render(SITE, |root| {
        draw_over_categories(root, &frame, max, |area| match max {
            0 => Ok(()),
            _ => draw_lines(area, &frame.series),
        })
    })?;
    Ok(Chart {
        file: chart.file.into(),
        title: chart.title.into(),
        description,
        svg,
    })
}

/// One line per series through the category centres, with its markers.
fn draw_lines(area: &PlotArea, series: &[Series]) -> Result<()> {
    for (index, line) in series.iter().enumerate() {
        let points: Vec<(i64, i64)> = (line.values.iter().enumerate())
            .map(|(i, &value)| (slot_centre(i), to_axis(value)))
            .collect();
        let stroke = line.color.stroke_width(2);
        area.draw(&PathElement::new(points.clone(), stroke))
            .context("drawing a line")?;
        for point in points {
            draw_marker(area, index, point, line.color.filled())?;
        }
    }
    Ok(())
}

/// A circle for the first line, a square for the second, a triangle for the others.
fn draw_marker(area: &PlotArea, line: usize, at: (i64, i64), style: ShapeStyle) -> Result<()> {
    let drawn = match line {
        0 => area.draw(&Circle::new(at, 3, style)),
        1 => area.draw(&(EmptyElement::at(at) + Rectangle::new([(-3, -3), (3, 3)], style))),
        _ => area.draw(&TriangleMarker::new(at, 4, style)),
    };
    drawn.context("drawing a marker")
}

/// The text alternative: each line's first and last point and its highest, or the note.
fn describe(chart: &MonthEndChart, months: &[&str], last_day: Option<&str>) -> String {
    let span = month_span(months);
    let first = months.first().map(|m| month_label(m)).unwrap_or_default();
    let last_day = last_day.unwrap_or("the as-of date");
    let lines: Vec<String> = (chart.lines.iter())
        .map(|line| {
            let label = line.label.to_lowercase();
            let Some((at, most)) = peak(&line.values) else {
                return format!("{label} 0 at every month end");
            };
            let start = line.values.first().copied().unwrap_or(0);
            let end = line.values.last().copied().unwrap_or(0);
            let busiest = month_label(months.get(at).copied().unwrap_or_default());
            format!(
                "{label} {start} at the end of {first}, {end} on {last_day}, at most {most} \
                 ({busiest})"
            )
        })
        .collect();
    if chart.lines.iter().all(|line| peak(&line.values).is_none()) {
        return format!("{} from {span}.", chart.empty_note);
    }
    format!(
        "{} from {span}, the last point on the as-of date: {}.",
        chart.title,
        lines.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use crate::charts::site_charts;
    use crate::charts::tests::{sample, with_month_end};

    #[test]
    fn month_end_charts_describe_each_line_from_first_to_last_point() {
        // Open: 2 for the first 12 month ends, then 5, but 7 at position 20 (Dec 2024 + 20
        // months = Aug 2026); expired only on the as-of date; permanent 1 throughout.
        // Recurring controls: position / 8, so 2 from position 16 (Apr 2026); open actions 3
        // throughout; overdue actions never.
        let metrics = with_month_end(sample(), |i| {
            let open = match i {
                20 => 7,
                0..12 => 2,
                _ => 5,
            };
            [open, usize::from(i == 23), 1, i / 8, 3, 0]
        });
        let charts = site_charts(&metrics).unwrap();
        assert_eq!(
            charts[3].description,
            "Exceptions at each month end from Dec 2024 to Nov 2026, the last point on the \
             as-of date: open 2 at the end of Dec 2024, 5 on 2026-11-01, at most 7 (Aug 2026); \
             expired 0 at the end of Dec 2024, 1 on 2026-11-01, at most 1 (Nov 2026); \
             permanent 1 at the end of Dec 2024, 1 on 2026-11-01, at most 1 (Dec 2024)."
        );
        assert_eq!(
            charts[4].description,
            "Recurring controls and actions from Dec 2024 to Nov 2026, the last point on the \
             as-of date: recurring controls 0 at the end of Dec 2024, 2 on 2026-11-01, at most \
             2 (Apr 2026); open actions 3 at the end of Dec 2024, 3 on 2026-11-01, at most 3 \
             (Dec 2024); overdue actions 0 at every month end."
        );
    }

    #[test]
    fn month_end_charts_draw_a_line_and_24_markers_per_series() {
        let metrics = with_month_end(sample(), |i| [i + 1, 1, 2, 1, 1, 1]);
        for chart in &site_charts(&metrics).unwrap()[3..] {
            let svg = roxmltree::Document::parse(&chart.svg).unwrap();
            let lines = (svg.descendants())
                .filter(|n| n.has_tag_name("polyline") && n.attribute("stroke-width") == Some("2"))
                .count();
            assert_eq!(lines, 3, "{}", chart.file);
            let circles = svg
                .descendants()
                .filter(|n| n.has_tag_name("circle"))
                .count();
            assert_eq!(circles, 24, "{}", chart.file);
        }
    }
}
