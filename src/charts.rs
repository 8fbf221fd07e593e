//! Metrics -> SVG strings (plotters `SVGBackend::with_string`); never touches disk.
//!
//! Every chart has the same layout: a left-aligned title, a one-row legend under it when there
//! are several series, then the plot with light horizontal gridlines and integer ticks. Bars are
//! plain `Rectangle`s: plotters' `Histogram` series orders its bars differently on each run.
//! Colours come from the Okabe-Ito palette, which stays distinguishable with colour-blindness.
//!
//! Pages show the charts as `<img>`, scaled to their box: every text is sized so that it is at
//! least 11 px on screen at the narrowest width a page shows the chart at (`SITE.min_shown`,
//! `CONTROL.min_shown`). Each SVG carries a `prefers-color-scheme: dark` style that repaints
//! its background, text and lines in the site's dark colours, so a chart follows dark mode
//! like the page around it (an SVG shown as an image sees the page's colour scheme).

mod month_end;

use std::ops::Range;
use std::sync::OnceLock;

use anyhow::{bail, Context, Result};
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::RangedCoordi64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::metrics::{AgeBucketCount, Metrics, Monthly, TopControl};

pub use month_end::{ACTIONS_FILE, EXCEPTIONS_FILE};

/// One chart: an SVG document plus the text a page needs around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// File name under `charts/`, e.g. `failures-by-month.svg`.
    pub file: String,
    pub title: String,
    /// A text alternative that states the numbers, for alt text or a figcaption.
    pub description: String,
    pub svg: String,
}

/// The embedded font: plotters measures every label with it (the SVG names `sans-serif`).
static FONT_BYTES: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
const FONT: &str = "sans-serif";

/// A chart's canvas in SVG pixels, and how wide pages show it at the least.
#[derive(Debug, Clone, Copy)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    /// The narrowest the chart is shown in a window 768 px wide or wider, in CSS pixels.
    pub min_shown: u32,
    /// Every how many months the month axis is labelled (the labels need the room).
    month_step: usize,
}

/// The dashboard's and the exceptions page's charts: two to a row in `.charts` (a 460 px
/// grid minimum less the card's 2 x 12 px padding and borders: 434 px).
pub const SITE: Canvas = Canvas {
    width: 570,
    height: 270,
    min_shown: 434,
    month_step: 6,
};

/// The top-controls chart: as `SITE`, taller, so its ten rows of labels stay apart.
pub const TOP: Canvas = Canvas {
    height: 380,
    ..SITE
};

/// A control page's chart, alone in a `.chart.wide` figure (at a 768 px window: 694 px).
pub const CONTROL: Canvas = Canvas {
    width: 760,
    height: 320,
    min_shown: 694,
    month_step: 3,
};

/// The size of tick labels, legends, axis titles and notes, and of titles, in SVG pixels:
/// 15 x 434 / 570 = 11.4 px on screen at the narrowest.
const LABEL_PX: f64 = 15.0;
const TITLE_PX: f64 = 17.0;
/// Left edge of the title and legend; the plot's label area starts here too.
const INSET: i32 = 16;
/// Width of one category on a category axis, in axis units (integer axes: plotters only
/// formats labels of a key-point axis for integer coordinates).
const SLOT: i64 = 100;
/// Half the width of a month bar, of an age-bucket bar and of a control's bar, in axis units.
const MONTH_HALF: i64 = 36;
const BUCKET_HALF: i64 = 28;
const ROW_HALF: i64 = 34;
/// How many rows the top-controls plot has at least.
const MIN_ROWS: usize = 6;
/// Longest control id shown in full on an axis; longer ids are shortened with an ellipsis.
const MAX_LABEL_CHARS: usize = 24;

// Okabe-Ito colours.
const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
const PINK: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
const GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
const SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
const NEUTRAL: RGBColor = RGBColor(0xA6, 0xA6, 0xA6);
// Ink.
const TITLE_INK: RGBColor = RGBColor(0x1A, 0x1A, 0x1A);
const TEXT_INK: RGBColor = RGBColor(0x44, 0x44, 0x44);
const NOTE_INK: RGBColor = RGBColor(0x77, 0x77, 0x77);
const AXIS_INK: RGBColor = RGBColor(0x8C, 0x8C, 0x8C);
const GRID_INK: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

/// Each light colour of the background, text and lines, and what it becomes in dark mode
/// (the site's dark `--surface`, `--text`, `--muted` and `--line`). The series colours stay:
/// the Okabe-Ito colours keep a 3:1 contrast on the dark surface too.
const DARK: [(RGBColor, &str); 6] = [
    (WHITE, "#171D24"),
    (TITLE_INK, "#E6EDF3"),
    (TEXT_INK, "#C9D1D9"),
    (NOTE_INK, "#9AA7B4"),
    (AXIS_INK, "#8B949E"),
    (GRID_INK, "#2F3B47"),
];

/// The drawing surface of one chart.
type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// One coloured series: its legend label and one value per category.
struct Series {
    label: &'static str,
    color: RGBColor,
    values: Vec<usize>,
}

impl Series {
    fn new(label: &'static str, color: RGBColor, values: Vec<usize>) -> Series {
        Series {
            label,
            color,
            values,
        }
    }
}

/// What a chart over labelled categories shows around its data: title, legend, axes.
struct Frame<'a> {
    title: &'a str,
    categories: Vec<String>,
    /// Which categories get an axis label (all of them when there is room).
    labelled: Vec<usize>,
    series: Vec<Series>,
    x_desc: &'a str,
    y_desc: &'a str,
    /// Shown in the plot when every value is zero.
    empty_note: &'a str,
}

/// A vertical bar chart with stacked series over labelled categories.
struct StackedBars<'a> {
    frame: Frame<'a>,
    /// Half a bar's width in axis units (a category is `SLOT` wide).
    bar_half: i64,
}

/// The origins' series of monthly counts `[design, operation, approval]`.
fn origin_series(counts: impl Iterator<Item = [usize; 3]> + Clone) -> Vec<Series> {
    let column = |i: usize| counts.clone().map(|c| c[i]).collect();
    vec![
        Series::new("Design", BLUE, column(0)),
        Series::new("Operation", ORANGE, column(1)),
        Series::new("Approval", PINK, column(2)),
    ]
}

/// Says on a chart that stacks origins that an incident is under each of its origins.
const TWO_ORIGINS: &str = "An incident with two origins counts under both";

/// The dashboard charts: failures by month and origin, exceptions by age, top failing
/// controls, and the month-end trends of exceptions and of recurring controls and actions.
pub fn site_charts(metrics: &Metrics) -> Result<Vec<Chart>> {
    Ok(vec![
        failures_by_month(metrics).context("drawing failures-by-month.svg")?,
        exceptions_by_age(metrics).context("drawing exceptions-by-age.svg")?,
        top_controls(metrics).context("drawing top-recurring-controls.svg")?,
        month_end::exceptions(metrics).with_context(|| format!("drawing {EXCEPTIONS_FILE}"))?,
        month_end::actions(metrics).with_context(|| format!("drawing {ACTIONS_FILE}"))?,
    ])
}

/// Monthly bars of one control's failures stacked by origin: `months` is the trend
/// (`metrics.monthly`), `failures` the control's `monthly_failures` (each incident once) and
/// `by_origin` its `monthly_by_origin`, one entry per month (missing entries are 0).
pub fn control_chart(
    control_id: &str,
    months: &[Monthly],
    failures: &[usize],
    by_origin: &[[usize; 3]],
) -> Result<Chart> {
    let title = format!("Failures by origin: {}", shorten(control_id));
    let counts = (0..months.len()).map(|i| by_origin.get(i).copied().unwrap_or_default());
    let incidents: Vec<usize> = (0..months.len())
        .map(|i| failures.get(i).copied().unwrap_or(0))
        .collect();
    let months: Vec<&str> = months.iter().map(|m| m.month.as_str()).collect();
    let series = origin_series(counts);
    let description = describe_control(control_id, &months, &incidents, &series);
    let svg = draw_origin_months(
        CONTROL,
        &title,
        &months,
        series,
        "No failures in these months",
    )
    .with_context(|| format!("drawing the failure chart of control {control_id}"))?;
    Ok(Chart {
        file: format!("control-{}.svg", file_safe(control_id)),
        description,
        title,
        svg,
    })
}

/// Monthly failure bars stacked by origin on `canvas`, with the note that an incident with
/// two origins counts under both.
fn draw_origin_months(
    canvas: Canvas,
    title: &str,
    months: &[&str],
    series: Vec<Series>,
    empty_note: &str,
) -> Result<String> {
    let spec = StackedBars {
        frame: Frame {
            title,
            categories: months.iter().map(|m| month_label(m)).collect(),
            labelled: every_nth_from_last(months.len(), canvas.month_step),
            series,
            x_desc: TWO_ORIGINS,
            y_desc: "Failures",
            empty_note,
        },
        bar_half: MONTH_HALF,
    };
    render(canvas, |root| draw_stacked_bars(root, &spec))
}

/// Failures per month for the 24 months, stacked by origin.
fn failures_by_month(metrics: &Metrics) -> Result<Chart> {
    let months: Vec<&str> = metrics.monthly.iter().map(|m| m.month.as_str()).collect();
    let counts = metrics
        .monthly
        .iter()
        .map(|m| [m.design, m.operation, m.approval]);
    let series = origin_series(counts);
    let title = "Control failures by origin, per month";
    let description = describe_monthly(&months, &series);
    let empty_note = "No failures in the last 24 months";
    let svg = draw_origin_months(SITE, title, &months, series, empty_note)?;
    Ok(Chart {
        file: "failures-by-month.svg".into(),
        title: title.into(),
        description,
        svg,
    })
}

/// Open exceptions per age bucket, stacked by state.
fn exceptions_by_age(metrics: &Metrics) -> Result<Chart> {
    let buckets = &metrics.age_buckets;
    let column = |f: fn(&AgeBucketCount) -> usize| buckets.iter().map(f).collect();
    let series = vec![
        Series::new("Active", GREEN, column(|b| b.active)),
        Series::new("Expiring soon", ORANGE, column(|b| b.expiring_soon)),
        Series::new("Expired", VERMILLION, column(|b| b.expired)),
        Series::new("Permanent", SKY, column(|b| b.permanent)),
    ];
    let names: Vec<&str> = buckets.iter().map(|b| b.bucket.as_str()).collect();
    let title = "Open exceptions by age and state";
    let description = describe_buckets(&names, &series);
    let spec = StackedBars {
        frame: Frame {
            title,
            categories: names.iter().map(|n| n.to_string()).collect(),
            labelled: (0..names.len()).collect(),
            series,
            x_desc: "Age since granted (days)",
            y_desc: "Open exceptions",
            empty_note: "No open exceptions",
        },
        bar_half: BUCKET_HALF,
    };
    let svg = render(SITE, |root| draw_stacked_bars(root, &spec))?;
    Ok(Chart {
        file: "exceptions-by-age.svg".into(),
        title: title.into(),
        description,
        svg,
    })
}

/// Horizontal bars of the controls with the most failures in the window, recurring ones
/// highlighted.
fn top_controls(metrics: &Metrics) -> Result<Chart> {
    let top = &metrics.top_controls;
    let window = metrics.settings.window_days;
    let threshold = metrics.settings.threshold;
    let title = format!("Most failures in the last {window} days");
    let description = describe_top(top, window, threshold);
    let svg = render(TOP, |root| draw_top_controls(root, &title, top, threshold))?;
    Ok(Chart {
        file: "top-recurring-controls.svg".into(),
        title,
        description,
        svg,
    })
}

// ---------------------------------------------------------------------------------------------
// Drawing

/// Registers the embedded font with plotters once per process.
fn register_font() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if !ok {
        bail!("the embedded DejaVu Sans font could not be loaded");
    }
    Ok(())
}

/// Runs `draw` on a white canvas and returns the finished SVG document, with its dark style.
fn render(canvas: Canvas, draw: impl FnOnce(&Area) -> Result<()>) -> Result<String> {
    register_font()?;
    let mut svg = String::new();
    {
        let size = (canvas.width, canvas.height);
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).context("filling the background")?;
        draw(&root)?;
        root.present().context("finishing the SVG document")?;
    }
    Ok(with_dark_style(svg))
}

/// `#RRGGBB`, as plotters writes colours into the SVG.
fn hex(color: RGBColor) -> String {
    let RGBColor(r, g, b) = color;
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// Puts a `<style>` first in the SVG that, in dark mode, repaints every fill and stroke of
/// the light colours in `DARK` (CSS wins over plotters' presentation attributes).
fn with_dark_style(svg: String) -> String {
    let rules: String = DARK
        .iter()
        .map(|(light, dark)| {
            let light = hex(*light);
            format!("[fill=\"{light}\"]{{fill:{dark}}}[stroke=\"{light}\"]{{stroke:{dark}}}")
        })
        .collect();
    let style = format!("\n<style>@media (prefers-color-scheme: dark){{{rules}}}</style>");
    match svg.find('>') {
        Some(end) => format!("{}{style}{}", &svg[..=end], &svg[end + 1..]),
        None => svg,
    }
}

/// A text style of `px` pixels as written in the SVG (plotters divides its sizes by 1.24).
fn text(px: f64, color: RGBColor) -> TextStyle<'static> {
    (FONT, px * 1.24).into_font().color(&color)
}

/// A bold text style, like [`text`].
fn bold(px: f64, color: RGBColor) -> TextStyle<'static> {
    (FONT, px * 1.24, FontStyle::Bold).into_font().color(&color)
}

/// Tick labels, legend labels and axis titles.
fn label_style() -> TextStyle<'static> {
    text(LABEL_PX, TEXT_INK)
}

/// Draws the title and, for several series, the legend; returns the header's height.
fn draw_header(root: &Area, title: &str, legend: &[(&str, RGBColor)]) -> Result<i32> {
    let style = bold(TITLE_PX, TITLE_INK).pos(Pos::new(HPos::Left, VPos::Top));
    root.draw(&Text::new(title.to_string(), (INSET, 12), style))
        .context("drawing the title")?;
    if legend.len() < 2 {
        return Ok(46);
    }
    draw_legend(root, legend, (INSET, 46))?;
    Ok(66)
}

/// Draws a one-row legend of colour swatches and labels starting at `origin`.
fn draw_legend(root: &Area, entries: &[(&str, RGBColor)], origin: (i32, i32)) -> Result<()> {
    let style = label_style().pos(Pos::new(HPos::Left, VPos::Center));
    let (mut x, y) = origin;
    for (label, color) in entries {
        let swatch = Rectangle::new([(x, y - 6), (x + 12, y + 6)], color.filled());
        root.draw(&swatch).context("drawing a legend swatch")?;
        root.draw(&Text::new(label.to_string(), (x + 18, y), style.clone()))
            .context("drawing a legend label")?;
        let (width, _) = root
            .estimate_text_size(label, &style)
            .context("measuring a legend label")?;
        x += 18 + i32::try_from(width).unwrap_or(0) + 22;
    }
    Ok(())
}

/// The width a left label area needs for these tick labels plus a rotated axis title.
fn left_label_area(root: &Area, labels: &[String]) -> Result<u32> {
    let style = label_style();
    let mut widest = 0;
    for label in labels {
        let (width, _) = root
            .estimate_text_size(label, &style)
            .context("measuring a label")?;
        widest = widest.max(width);
    }
    // axis title (about 16) + gap + labels + the distance plotters keeps from the axis
    Ok(20 + 10 + widest + 10)
}

/// Draws a stacked vertical bar chart.
fn draw_stacked_bars(root: &Area, spec: &StackedBars) -> Result<()> {
    let series = &spec.frame.series;
    let count = spec.frame.categories.len().max(1);
    let max = (0..count).map(|i| stack_total(series, i)).max();
    draw_over_categories(root, &spec.frame, max.unwrap_or(0), |area| {
        draw_stacks(area, series, count, spec.bar_half)
    })
}

/// The plotting area of a plot on integer axes.
type PlotArea<'b> = DrawingArea<
    SVGBackend<'b>,
    Cartesian2d<WithKeyPoints<RangedCoordi64>, WithKeyPoints<RangedCoordi64>>,
>;

/// Draws the frame (title, legend, a category axis, a count axis up to `max`), then the data
/// with `draw`, then the zero line and the category ticks; writes the empty note when `max`
/// is zero.
fn draw_over_categories(
    root: &Area,
    frame: &Frame,
    max: usize,
    draw: impl FnOnce(&PlotArea) -> Result<()>,
) -> Result<()> {
    let legend: Vec<(&str, RGBColor)> = frame.series.iter().map(|s| (s.label, s.color)).collect();
    let header = draw_header(root, frame.title, &legend)?;
    let (_, plot) = root.split_vertically(header);

    let count = frame.categories.len().max(1);
    let x = Axis {
        range: -SLOT / 2..slot_centre(count) - SLOT / 2,
        keys: frame.labelled.iter().map(|&i| slot_centre(i)).collect(),
        label: Box::new(|x| category_label(&frame.categories, *x)),
        title: frame.x_desc,
    };
    let y = value_axis(max, frame.y_desc);
    // Room right of the plot for half of the last category's label.
    let chart = build_plot(root, &plot, (&x, &y), false, 36)?;

    let area = chart.plotting_area();
    draw(area)?;
    draw_axis_line(area, [(x.range.start, 0), (x.range.end, 0)])?;
    for &index in &frame.labelled {
        let (px, py) = area.map_coordinate(&(slot_centre(index), 0));
        let tick = PathElement::new(vec![(px, py), (px, py + 5)], AXIS_INK.stroke_width(1));
        area.use_screen_coord()
            .draw(&tick)
            .context("drawing a tick mark")?;
    }
    if max == 0 {
        draw_note(area, frame.empty_note)?;
    }
    Ok(())
}

/// One axis of a plot: its range, where its labels go, their text, and the axis title.
struct Axis<'a> {
    range: Range<i64>,
    keys: Vec<i64>,
    label: Box<dyn Fn(&i64) -> String + 'a>,
    title: &'a str,
}

/// A count axis from zero with integer ticks covering `max`.
fn value_axis(max: usize, title: &str) -> Axis<'_> {
    let (end, ticks) = value_ticks(max);
    Axis {
        range: 0..to_axis(end),
        keys: ticks.into_iter().map(to_axis).collect(),
        label: Box::new(|value| value.to_string()),
        title,
    }
}

/// A plot on integer axes whose labels sit exactly at their key points.
type Plot<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<WithKeyPoints<RangedCoordi64>, WithKeyPoints<RangedCoordi64>>,
>;

/// Lays out a plot in `plot` and draws its gridlines (along the value axis: vertical lines
/// when `values_on_x`), tick labels and axis titles; `right` is the room kept right of it.
/// The axis lines are left to the caller: plotters' `disable_*_axis` also drops the tick
/// labels, so the mesh hides them instead.
fn build_plot<'a, 'b>(
    root: &Area,
    plot: &'a Area<'b>,
    (x, y): (&Axis, &Axis),
    values_on_x: bool,
    right: u32,
) -> Result<Plot<'a, 'b>> {
    let y_labels: Vec<String> = y.keys.iter().map(|k| (y.label)(k)).collect();
    let mut chart = ChartBuilder::on(plot)
        .margin_left(INSET.unsigned_abs())
        .margin_right(right)
        .margin_top(6)
        .margin_bottom(8)
        .x_label_area_size(54)
        .y_label_area_size(left_label_area(root, &y_labels)?)
        .build_cartesian_2d(
            x.range.clone().with_key_points(x.keys.clone()),
            y.range.clone().with_key_points(y.keys.clone()),
        )
        .context("laying out the plot")?;
    let mut mesh = chart.configure_mesh();
    if values_on_x {
        mesh.disable_y_mesh();
    } else {
        mesh.disable_x_mesh();
    }
    mesh.bold_line_style(GRID_INK.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(TRANSPARENT)
        .set_tick_mark_size(LabelAreaPosition::Bottom, 5)
        .set_tick_mark_size(LabelAreaPosition::Left, 5)
        .label_style(label_style())
        .axis_desc_style(label_style())
        .x_label_formatter(&x.label)
        .y_label_formatter(&y.label)
        .x_desc(x.title)
        .y_desc(y.title)
        .draw()
        .context("drawing the axes")?;
    Ok(chart)
}

/// The sum of every series at category `index`.
fn stack_total(series: &[Series], index: usize) -> usize {
    series
        .iter()
        .map(|s| s.values.get(index).copied().unwrap_or(0))
        .sum()
}

/// Draws one stacked bar per category, series bottom-up in their given order.
fn draw_stacks<CT>(
    area: &DrawingArea<SVGBackend, CT>,
    series: &[Series],
    count: usize,
    half: i64,
) -> Result<()>
where
    CT: CoordTranslate<From = (i64, i64)>,
{
    for index in 0..count {
        let centre = slot_centre(index);
        let mut base = 0usize;
        for s in series {
            let value = s.values.get(index).copied().unwrap_or(0);
            if value == 0 {
                continue;
            }
            let top = base.saturating_add(value);
            let corners = [
                (centre - half, to_axis(base)),
                (centre + half, to_axis(top)),
            ];
            area.draw(&Rectangle::new(corners, s.color.filled()))
                .context("drawing a bar")?;
            // A thin white edge keeps neighbouring segments apart in any colour vision.
            area.draw(&Rectangle::new(corners, WHITE.stroke_width(1)))
                .context("drawing a bar edge")?;
            base = top;
        }
    }
    Ok(())
}

/// Writes `note` in the middle of an empty plot.
fn draw_note<CT: CoordTranslate>(area: &DrawingArea<SVGBackend, CT>, note: &str) -> Result<()> {
    let (width, height) = area.dim_in_pixel();
    let centre = (
        i32::try_from(width / 2).unwrap_or(0),
        i32::try_from(height / 2).unwrap_or(0),
    );
    let style = text(LABEL_PX, NOTE_INK).pos(Pos::new(HPos::Center, VPos::Center));
    area.strip_coord_spec()
        .draw(&Text::new(note.to_string(), centre, style))
        .context("drawing the empty-chart note")
}

/// Draws horizontal bars for the top controls, recurring ones in vermillion.
fn draw_top_controls(root: &Area, title: &str, top: &[TopControl], threshold: usize) -> Result<()> {
    let recurring_label = format!("Recurring ({threshold}+ failures in the window)");
    let legend = if top.is_empty() {
        vec![]
    } else {
        vec![
            (recurring_label.as_str(), VERMILLION),
            ("Not recurring", NEUTRAL),
        ]
    };
    let header = draw_header(root, title, &legend)?;
    let (_, plot) = root.split_vertically(header);
    if top.is_empty() {
        return draw_empty_frame(&plot, "No failures in the window");
    }

    // Row 0 is at the top: the plot's y axis runs upwards, so row r sits at slots - 1 - r.
    // A few controls keep the bar thickness of many, leaving space below them.
    let slots = top.len().max(MIN_ROWS);
    let ids: Vec<String> = top.iter().map(|c| shorten(&c.id)).collect();
    let max = top.iter().map(|c| c.failures_in_window).max().unwrap_or(0);
    // Room for one more failure, so the count after the longest bar clears the last gridline.
    let x = value_axis(max.saturating_add(1), "Failures in the window");
    let y = Axis {
        range: -SLOT / 2..slot_centre(slots) - SLOT / 2,
        keys: (0..top.len())
            .map(|row| slot_centre(slots - 1 - row))
            .collect(),
        label: Box::new(|y| row_label(&ids, slots, *y)),
        title: "Control",
    };
    let (widest, _) = root
        .estimate_text_size(&x.range.end.to_string(), &label_style())
        .context("measuring a bar value")?;
    let chart = build_plot(root, &plot, (&x, &y), true, widest.max(12) + 16)?;
    let area = chart.plotting_area();
    draw_rows(area, top, slots)?;
    draw_axis_line(area, [(0, y.range.start), (0, y.range.end)])
}

/// Draws the zero line of the value axis between two points.
fn draw_axis_line<CT>(area: &DrawingArea<SVGBackend, CT>, ends: [(i64, i64); 2]) -> Result<()>
where
    CT: CoordTranslate<From = (i64, i64)>,
{
    let line = PathElement::new(ends.to_vec(), AXIS_INK.stroke_width(1));
    area.draw(&line).context("drawing the axis line")
}

/// One horizontal bar per control, with its count written after the bar.
fn draw_rows<CT>(area: &DrawingArea<SVGBackend, CT>, top: &[TopControl], slots: usize) -> Result<()>
where
    CT: CoordTranslate<From = (i64, i64)>,
{
    let value_style = label_style().pos(Pos::new(HPos::Left, VPos::Center));
    for (row, control) in top.iter().enumerate() {
        let centre = slot_centre(slots.saturating_sub(row + 1));
        let value = to_axis(control.failures_in_window);
        let color = if control.recurring {
            VERMILLION
        } else {
            NEUTRAL
        };
        let corners = [(0, centre - ROW_HALF), (value, centre + ROW_HALF)];
        area.draw(&Rectangle::new(corners, color.filled()))
            .context("drawing a bar")?;
        let count = control.failures_in_window.to_string();
        // `map_coordinate` gives absolute pixels, so the value is drawn in screen coordinates.
        let at = area.map_coordinate(&(value, centre));
        let label = Text::new(count, (at.0 + 6, at.1), value_style.clone());
        area.use_screen_coord()
            .draw(&label)
            .context("drawing a bar value")?;
    }
    Ok(())
}

/// A light frame with a centred note, for a chart with nothing to plot.
fn draw_empty_frame(plot: &Area, note: &str) -> Result<()> {
    let (width, height) = plot.dim_in_pixel();
    let (w, h) = (
        i32::try_from(width).unwrap_or(0),
        i32::try_from(height).unwrap_or(0),
    );
    let frame = Rectangle::new([(INSET, 6), (w - INSET, h - 16)], GRID_INK.stroke_width(1));
    plot.draw(&frame).context("drawing the empty-chart frame")?;
    let style = text(LABEL_PX, NOTE_INK).pos(Pos::new(HPos::Center, VPos::Center));
    plot.draw(&Text::new(note.to_string(), (w / 2, (h - 10) / 2), style))
        .context("drawing the empty-chart note")
}

// ---------------------------------------------------------------------------------------------
// Scales and labels

/// The axis end and integer tick values for data up to `max`: at most six ticks, steps of
/// 1, 2 or 5 times a power of ten, never an empty axis.
fn value_ticks(max: usize) -> (usize, Vec<usize>) {
    let step = nice_step(max);
    let end = max.div_ceil(step).max(1).saturating_mul(step);
    let ticks = (0..=end).step_by(step).collect();
    (end, ticks)
}

/// The smallest step of 1, 2 or 5 times a power of ten that covers `max` in five steps.
fn nice_step(max: usize) -> usize {
    let mut magnitude: usize = 1;
    loop {
        for factor in [1, 2, 5] {
            let step = magnitude.saturating_mul(factor);
            if step.saturating_mul(5) >= max || magnitude == usize::MAX {
                return step.max(1);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// The indices of every `n`th category counting back from the last, in order.
fn every_nth_from_last(count: usize, n: usize) -> Vec<usize> {
    let n = n.max(1);
    (0..count).filter(|i| (count - 1 - i) % n == 0).collect()
}

/// A count as an axis value (counts never come near `i64::MAX`; saturate rather than wrap).
fn to_axis(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// The axis position of the centre of category `index`.
fn slot_centre(index: usize) -> i64 {
    to_axis(index).saturating_mul(SLOT)
}

/// The category index at axis position `at`, when it is a category centre.
fn slot_index(at: i64) -> Option<usize> {
    match at % SLOT {
        0 => usize::try_from(at / SLOT).ok(),
        _ => None,
    }
}

/// The category label at axis position `x` (empty between categories).
fn category_label(categories: &[String], x: i64) -> String {
    slot_index(x)
        .and_then(|i| categories.get(i))
        .cloned()
        .unwrap_or_default()
}

/// The label of the row drawn at axis position `y` of `slots` (row 0 is the top one).
fn row_label(ids: &[String], slots: usize, y: i64) -> String {
    let row = slot_index(y).and_then(|position| slots.checked_sub(position + 1));
    row.and_then(|r| ids.get(r)).cloned().unwrap_or_default()
}

/// `2025-03` -> `Mar 2025`; anything else is shown as it is.
fn month_label(key: &str) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parsed = key.split_once('-').and_then(|(year, month)| {
        let month: usize = month.parse().ok()?;
        let name = NAMES.get(month.checked_sub(1)?)?;
        Some(format!("{name} {year}"))
    });
    parsed.unwrap_or_else(|| key.to_string())
}

/// An id short enough for an axis label.
fn shorten(id: &str) -> String {
    if id.chars().count() <= MAX_LABEL_CHARS {
        return id.to_string();
    }
    let kept: String = id.chars().take(MAX_LABEL_CHARS - 1).collect();
    format!("{kept}…")
}

/// A control id as a file name: ids are already `[A-Za-z0-9._-]`, anything else becomes `_`.
fn file_safe(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Text alternatives

/// "Mar 2025 to Feb 2027", or a single month, or nothing.
fn month_span(months: &[&str]) -> String {
    match (months.first(), months.last()) {
        (Some(first), Some(last)) if first != last => {
            format!("{} to {}", month_label(first), month_label(last))
        }
        (Some(only), _) => month_label(only),
        _ => "no months".to_string(),
    }
}

/// The index and value of the largest value, the earliest on ties; `None` when all are zero.
fn peak(values: &[usize]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for (index, &value) in values.iter().enumerate() {
        if value > best.map_or(0, |(_, v)| v) {
            best = Some((index, value));
        }
    }
    best
}

/// The text alternative of the failures-by-month chart.
fn describe_monthly(months: &[&str], series: &[Series]) -> String {
    let span = month_span(months);
    let totals: Vec<usize> = (0..months.len()).map(|i| stack_total(series, i)).collect();
    let Some((busiest, most)) = peak(&totals) else {
        return format!("No control failures from {span}.");
    };
    format!(
        "Control failures by origin, per month from {span}: {} (an incident with two \
         origins counts under both). Busiest month: {} with {most}.",
        origin_totals(series),
        month_label(months.get(busiest).copied().unwrap_or_default()),
    )
}

/// The text alternative of the exceptions-by-age chart: every bucket, with its states.
fn describe_buckets(names: &[&str], series: &[Series]) -> String {
    let total: usize = (0..names.len()).map(|i| stack_total(series, i)).sum();
    if total == 0 {
        return "No open exceptions.".to_string();
    }
    let buckets: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let states: Vec<String> = series
                .iter()
                .filter_map(|s| s.values.get(i).filter(|&&v| v > 0).map(|v| (s.label, v)))
                .map(|(label, v)| format!("{v} {}", label.to_lowercase()))
                .collect();
            if states.is_empty() {
                format!("{name} days: none")
            } else {
                format!("{name} days: {}", states.join(", "))
            }
        })
        .collect();
    let noun = if total == 1 {
        "exception"
    } else {
        "exceptions"
    };
    format!(
        "{total} open {noun} by age since granted. {}.",
        buckets.join("; ")
    )
}

/// The text alternative of the top-controls chart.
fn describe_top(top: &[TopControl], window: i64, threshold: usize) -> String {
    if top.is_empty() {
        return format!("No control failed in the last {window} days.");
    }
    let rows: Vec<String> = top
        .iter()
        .map(|c| {
            let flag = if c.recurring { " (recurring)" } else { "" };
            format!("{} {}{flag}", c.id, c.failures_in_window)
        })
        .collect();
    format!(
        "Controls with the most failures in the last {window} days: {}. A control with \
         {threshold} or more failures in the window is recurring.",
        rows.join(", ")
    )
}

/// The text alternative of one control's chart: `incidents` counts each failure once, the
/// series count it under each of its origins.
fn describe_control(
    control_id: &str,
    months: &[&str],
    incidents: &[usize],
    series: &[Series],
) -> String {
    let span = month_span(months);
    let Some((busiest, most)) = peak(incidents) else {
        return format!("No failures of {control_id} from {span}.");
    };
    let total: usize = incidents.iter().sum();
    format!(
        "Failures of {control_id} per month from {span}: {total} in total; by origin {} \
         (an incident with two origins counts under both); the most, {most}, in {}.",
        origin_totals(series),
        month_label(months.get(busiest).copied().unwrap_or_default())
    )
}

/// "3 design, 1 operation, 0 approval": each series' total.
fn origin_totals(series: &[Series]) -> String {
    let parts: Vec<String> = series
        .iter()
        .map(|s| {
            let total: usize = s.values.iter().sum();
            format!("{total} {}", s.label.to_lowercase())
        })
        .collect();
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::Day;
    use crate::metrics::{MonthEnd, Settings, Summary};

    fn top(id: &str, failures: usize, recurring: bool) -> TopControl {
        TopControl {
            id: id.into(),
            failures_in_window: failures,
            recurring,
        }
    }

    fn months(counts: impl Fn(usize) -> (usize, usize, usize)) -> Vec<Monthly> {
        (0..24)
            .map(|i| {
                let (design, operation, approval) = counts(i);
                // Dec 2024 .. Nov 2026
                let index = 2024 * 12 + 11 + i;
                let month = format!("{:04}-{:02}", index / 12, index % 12 + 1);
                Monthly {
                    month,
                    design,
                    operation,
                    approval,
                }
            })
            .collect()
    }

    fn bucket(bucket: &str, counts: [usize; 4]) -> AgeBucketCount {
        let [active, expiring_soon, expired, permanent] = counts;
        AgeBucketCount {
            bucket: bucket.into(),
            active,
            expiring_soon,
            expired,
            permanent,
        }
    }

    fn metrics(
        monthly: Vec<Monthly>,
        age_buckets: Vec<AgeBucketCount>,
        top_controls: Vec<TopControl>,
    ) -> Metrics {
        Metrics {
            as_of: Day::new(2026, 11, 1).unwrap(),
            settings: Settings {
                window_days: 365,
                threshold: 2,
                max_validity_days: 90,
                expiring_soon_days: 30,
                aging_buckets: vec![30, 90, 180, 365],
            },
            summary: Summary::default(),
            controls: vec![],
            recurring_patterns: vec![],
            exceptions: vec![],
            incidents: vec![],
            gaps: vec![],
            monthly,
            top_controls,
            accountability_by_origin: vec![],
            frameworks: vec![],
            age_buckets,
            open_exceptions_by_approver: Default::default(),
            open_exceptions_by_control: Default::default(),
            people: vec![],
            processes: vec![],
            by_nhi: vec![],
            reviews: Vec::new(),
            month_end: vec![],
            teams: vec![],
            findings: vec![],
            actions: vec![],
            failures_during_exception: Default::default(),
        }
    }

    /// `metrics` with 24 month ends whose counts are `counts(position)`: open, expired and
    /// permanent exceptions, recurring controls, open and overdue actions.
    pub(super) fn with_month_end(
        mut metrics: Metrics,
        counts: impl Fn(usize) -> [usize; 6],
    ) -> Metrics {
        metrics.month_end = (metrics.monthly.iter().enumerate())
            .map(|(i, m)| {
                let [open, expired, permanent, recurring, actions, overdue] = counts(i);
                MonthEnd {
                    month: m.month.clone(),
                    // The first of the month stands in for its last day; the last is as-of.
                    date: Day::new(2024 + (i as i16 + 11) / 12, (i as i8 + 11) % 12 + 1, 1)
                        .filter(|_| i < 23)
                        .unwrap_or(metrics.as_of),
                    open_exceptions: open,
                    expired_exceptions: expired,
                    permanent_exceptions: permanent,
                    recurring_controls: recurring,
                    open_actions: actions,
                    overdue_actions: overdue,
                }
            })
            .collect();
        metrics
    }

    pub(super) fn sample() -> Metrics {
        metrics(
            months(|i| (i % 3, usize::from(i % 5 == 1) * 2, usize::from(i % 7 == 4))),
            vec![
                bucket("0-30", [3, 1, 0, 0]),
                bucket("31-90", [2, 1, 1, 0]),
                bucket("91-180", [0, 0, 2, 1]),
                bucket("181-365", [0, 0, 1, 0]),
                bucket(">365", [0, 0, 0, 2]),
            ],
            // As `metrics::compute` lists them: most failures first, then by id.
            vec![
                top("CTL-SECRET-ROTATION", 5, true),
                top("CTL-CERT-RENEWAL", 3, true),
                top("CTL-TOKEN-TTL", 3, true),
                top("CTL-AGENT-APPROVAL-GATE", 1, false),
            ],
        )
    }

    fn empty() -> Metrics {
        let buckets = ["0-30", "31-90", "91-180", "181-365", ">365"];
        metrics(
            months(|_| (0, 0, 0)),
            buckets.map(|b| bucket(b, [0; 4])).to_vec(),
            vec![],
        )
    }

    fn assert_well_formed(svg: &str) {
        if let Err(e) = roxmltree::Document::parse(svg) {
            panic!("not well-formed XML: {e}\n{svg}");
        }
    }

    #[test]
    fn site_charts_are_byte_identical_across_runs() {
        let first = site_charts(&sample()).unwrap();
        let second = site_charts(&sample()).unwrap();
        assert_eq!(first, second);
        let months = sample().monthly;
        assert_eq!(
            control_chart("CTL-A", &months, &[2, 0], &[[2, 1, 0]]).unwrap(),
            control_chart("CTL-A", &months, &[2, 0], &[[2, 1, 0]]).unwrap()
        );
    }

    #[test]
    fn site_charts_have_their_files_titles_and_legends() {
        let charts = site_charts(&sample()).unwrap();
        let files: Vec<&str> = charts.iter().map(|c| c.file.as_str()).collect();
        assert_eq!(
            files,
            [
                "failures-by-month.svg",
                "exceptions-by-age.svg",
                "top-recurring-controls.svg",
                "exceptions-at-month-end.svg",
                "recurring-and-actions-at-month-end.svg",
            ]
        );
        let legends: [&[&str]; 5] = [
            &["Design", "Operation", "Approval"],
            &["Active", "Expiring soon", "Expired", "Permanent"],
            &["Recurring (2+ failures in the window)", "Not recurring"],
            &["Open", "Expired", "Permanent"],
            &["Recurring controls", "Open actions", "Overdue actions"],
        ];
        for (chart, labels) in charts.iter().zip(legends) {
            assert_well_formed(&chart.svg);
            assert!(chart.svg.contains(&chart.title), "{}", chart.file);
            for label in labels {
                assert!(
                    chart.svg.contains(&format!(">\n{label}\n<")),
                    "{label} in {}",
                    chart.file
                );
            }
        }
    }

    #[test]
    fn svg_scales_with_a_view_box() {
        for (chart, canvas) in every_chart() {
            let (w, h) = (canvas.width, canvas.height);
            let start = format!(r#"<svg width="{w}" height="{h}" viewBox="0 0 {w} {h}""#);
            assert!(chart.svg.starts_with(&start), "{}", chart.file);
        }
        assert_eq!(
            (SITE.width, SITE.height, CONTROL.width, TOP.height),
            (570, 270, 760, 380)
        );
    }

    #[test]
    fn month_axis_labels_every_sixth_month_on_the_dashboard_and_every_third_on_a_control() {
        let svg = &site_charts(&sample()).unwrap()[0].svg;
        // Nov 2026 back by 6 months: May 2026, Nov 2025, May 2025.
        assert!(svg.contains("Nov 2026") && svg.contains("May 2026") && svg.contains("May 2025"));
        assert!(!svg.contains("Aug 2026") && !svg.contains("Dec 2024"));
        let svg = control_chart("CTL-A", &sample().monthly, &[], &[])
            .unwrap()
            .svg;
        assert!(svg.contains("Nov 2026") && svg.contains("Aug 2026") && svg.contains("Feb 2025"));
        assert!(!svg.contains("Oct 2026") && !svg.contains("Dec 2024"));
    }

    #[test]
    fn top_controls_chart_draws_the_metrics_list_in_its_order() {
        let mut sample = sample();
        // The chart neither sorts nor filters: it draws `top_controls` as given.
        sample.top_controls.swap(0, 3);
        let description = &site_charts(&sample).unwrap()[2].description;
        assert!(
            description.contains(
                "CTL-AGENT-APPROVAL-GATE 1, CTL-CERT-RENEWAL 3 (recurring), \
                 CTL-TOKEN-TTL 3 (recurring), CTL-SECRET-ROTATION 5 (recurring)."
            ),
            "{description}"
        );
    }

    #[test]
    fn all_zero_data_renders_with_a_note() {
        let charts = site_charts(&empty()).unwrap();
        assert!(charts[0].svg.contains("No failures in the last 24 months"));
        assert!(charts[1].svg.contains("No open exceptions"));
        assert!(charts[2].svg.contains("No failures in the window"));
        assert!(charts[3]
            .svg
            .contains("No open exceptions at any month end"));
        assert!(charts[4]
            .svg
            .contains("No recurring control or open action"));
        assert_eq!(
            charts[0].description,
            "No control failures from Dec 2024 to Nov 2026."
        );
        for chart in &charts {
            assert_well_formed(&chart.svg);
        }
    }

    #[test]
    fn nothing_at_all_renders() {
        let charts = site_charts(&metrics(vec![], vec![], vec![])).unwrap();
        assert_eq!(charts.len(), 5);
        let chart = control_chart("CTL-A", &[], &[], &[]).unwrap();
        assert_well_formed(&chart.svg);
        assert_eq!(chart.description, "No failures of CTL-A from no months.");
    }

    #[test]
    fn markup_in_a_control_id_is_escaped() {
        let id = "CTL-<script>&\"x'";
        let mut metrics = sample();
        metrics.top_controls.insert(0, top(id, 9, true));
        let chart = &site_charts(&metrics).unwrap()[2];
        assert_well_formed(&chart.svg);
        assert!(chart.svg.contains("CTL-&lt;script&gt;&amp;&quot;x&apos;"));
        assert!(!chart.svg.contains("<script>"));

        let chart = control_chart(id, &sample().monthly, &[1], &[[1, 0, 0]]).unwrap();
        assert_well_formed(&chart.svg);
        assert_eq!(chart.file, "control-CTL-_script___x_.svg");
    }

    #[test]
    fn control_chart_describes_its_numbers() {
        // Dec 2024 + 5 months = May 2025; the counts stop before the last month. May 2025's
        // three failures: two design, one design and operation (it counts under both).
        let failures = [0, 0, 0, 0, 0, 3, 0, 0, 0, 1];
        let mut by_origin = [[0; 3]; 10];
        by_origin[5] = [3, 1, 0];
        by_origin[9] = [0, 0, 1];
        let chart = control_chart(
            "CTL-SECRET-ROTATION",
            &months(|_| (0, 0, 0)),
            &failures,
            &by_origin,
        )
        .unwrap();
        assert_eq!(chart.file, "control-CTL-SECRET-ROTATION.svg");
        assert_eq!(
            chart.description,
            "Failures of CTL-SECRET-ROTATION per month from Dec 2024 to Nov 2026: 4 in total; \
             by origin 3 design, 1 operation, 1 approval (an incident with two origins counts \
             under both); the most, 3, in May 2025."
        );
    }

    #[test]
    fn ticks_are_integers_with_nice_steps() {
        assert_eq!(value_ticks(0), (1, vec![0, 1]));
        assert_eq!(value_ticks(3), (3, vec![0, 1, 2, 3]));
        assert_eq!(value_ticks(6), (6, vec![0, 2, 4, 6]));
        assert_eq!(value_ticks(11), (15, vec![0, 5, 10, 15]));
        assert_eq!(value_ticks(48), (50, vec![0, 10, 20, 30, 40, 50]));
        assert!(nice_step(usize::MAX) >= 1);
        assert_eq!(value_ticks(usize::MAX).1.first(), Some(&0));
    }

    /// Every chart the site draws, from data in every series, with its canvas.
    fn every_chart() -> Vec<(Chart, Canvas)> {
        let mut metrics = with_month_end(sample(), |i| [i, 1, 2, i / 8, 3, 1]);
        // The most rows the top list has, with ids as long as an axis label gets.
        metrics.top_controls = (0..10)
            .map(|i| top(&format!("CTL-{i}-{}", "X".repeat(30)), 12 - i, i < 5))
            .collect();
        let site = site_charts(&metrics).unwrap().into_iter();
        let site = site.map(|c| match c.file.as_str() {
            "top-recurring-controls.svg" => (c, TOP),
            _ => (c, SITE),
        });
        let by_origin = [[1, 1, 1]; 24];
        let control = control_chart("CTL-A", &metrics.monthly, &[1; 24], &by_origin).unwrap();
        site.chain([(control, CONTROL)]).collect()
    }

    /// A number attribute of an SVG element.
    fn number(node: roxmltree::Node, name: &str) -> f64 {
        let value = node.attribute(name).unwrap_or_else(|| panic!("no {name}"));
        value.parse().unwrap()
    }

    #[test]
    fn every_text_is_at_least_11_px_at_the_narrowest_width_shown() {
        for (chart, canvas) in every_chart() {
            let svg = roxmltree::Document::parse(&chart.svg).unwrap();
            let view_box = svg.root_element().attribute("viewBox").unwrap();
            let width: f64 = view_box.split(' ').nth(2).unwrap().parse().unwrap();
            for text in svg.descendants().filter(|n| n.has_tag_name("text")) {
                let shown = number(text, "font-size") * f64::from(canvas.min_shown) / width;
                assert!(
                    shown >= 11.0,
                    "{}: {:?} is {shown:.1} px when shown {} px wide",
                    chart.file,
                    text.text(),
                    canvas.min_shown
                );
            }
        }
    }

    #[test]
    fn in_dark_mode_the_background_and_every_ink_are_repainted() {
        let series = [BLUE, ORANGE, PINK, GREEN, VERMILLION, SKY, NEUTRAL].map(hex);
        for (chart, _) in every_chart() {
            let svg = roxmltree::Document::parse(&chart.svg).unwrap();
            let style = svg.descendants().find(|n| n.has_tag_name("style"));
            let style = style.and_then(|n| n.text()).unwrap_or_default();
            assert!(
                style.starts_with("@media (prefers-color-scheme: dark){"),
                "{}",
                chart.file
            );
            let background = svg.descendants().find(|n| n.has_tag_name("rect")).unwrap();
            assert_eq!(
                background.attribute("width"),
                svg.root_element().attribute("width")
            );
            assert_eq!(background.attribute("fill"), Some("#FFFFFF"));
            assert!(style.contains(r##"[fill="#FFFFFF"]{fill:#171D24}"##));
            // Every colour is a series colour (readable on both backgrounds) or repainted.
            for node in svg.descendants().filter(|n| n.is_element()) {
                for name in ["fill", "stroke"] {
                    let Some(color) = node.attribute(name).filter(|c| *c != "none") else {
                        continue;
                    };
                    let rule = format!("[{name}=\"{color}\"]{{{name}:");
                    assert!(
                        series.iter().any(|s| s == color) || style.contains(&rule),
                        "{}: {name} {color} of <{}> stays light in dark mode",
                        chart.file,
                        node.tag_name().name()
                    );
                }
            }
        }
    }

    #[test]
    fn texts_stay_inside_the_canvas_and_axis_labels_do_not_overlap() {
        register_font().unwrap();
        for (chart, canvas) in every_chart() {
            let svg = roxmltree::Document::parse(&chart.svg).unwrap();
            let mut centred: Vec<(i64, f64, f64)> = Vec::new();
            let mut right_aligned: Vec<(i64, f64, f64)> = Vec::new();
            let texts = svg.descendants().filter(|n| n.has_tag_name("text"));
            for node in texts.filter(|n| n.attribute("transform").is_none()) {
                let label = node.text().unwrap_or_default().trim();
                let style = text(number(node, "font-size"), TEXT_INK);
                let (width, _) = style.font.box_size(label).unwrap();
                // Bold titles are measured with the regular face: allow them 12% more.
                let bold = node.attributes().any(|a| a.value() == "bold");
                let width = f64::from(width) * if bold { 1.12 } else { 1.0 };
                let x = number(node, "x");
                let (left, right) = match node.attribute("text-anchor") {
                    Some("middle") => (x - width / 2.0, x + width / 2.0),
                    Some("end") => (x - width, x),
                    _ => (x, x + width),
                };
                assert!(
                    left >= 0.0 && right <= f64::from(canvas.width),
                    "{}: {label:?} spans {left:.0}..{right:.0}",
                    chart.file
                );
                let (y, size) = (number(node, "y"), number(node, "font-size"));
                match node.attribute("text-anchor") {
                    Some("middle") => centred.push((y as i64, left, right)),
                    // Row labels of the top-controls chart: one above the other.
                    Some("end") => right_aligned.push((x as i64, y - size / 2.0, y + size / 2.0)),
                    _ => {}
                }
            }
            centred.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).unwrap());
            right_aligned.sort_by(|a, b| (a.0, a.1).partial_cmp(&(b.0, b.1)).unwrap());
            for pair in centred.windows(2).chain(right_aligned.windows(2)) {
                let (a, b) = (pair[0], pair[1]);
                assert!(
                    a.0 != b.0 || a.2 + 4.0 <= b.1,
                    "{}: labels at y {} overlap: {a:?} {b:?}",
                    chart.file,
                    a.0
                );
            }
        }
    }

    #[test]
    fn a_control_chart_stacks_its_failures_by_origin() {
        // One month with a design failure and one with a design + approval failure, which
        // counts under both: bars of blue (design) and pink (approval), no orange.
        let mut by_origin = [[0; 3]; 24];
        by_origin[20] = [1, 0, 0];
        by_origin[22] = [1, 0, 1];
        let mut failures = [0; 24];
        (failures[20], failures[22]) = (1, 1);
        let chart = control_chart("CTL-A", &sample().monthly, &failures, &by_origin).unwrap();
        let svg = roxmltree::Document::parse(&chart.svg).unwrap();
        let bars = |color: RGBColor| {
            let color = hex(color);
            let rects = svg.descendants().filter(|n| n.has_tag_name("rect"));
            // Legend swatches are 12 px wide; bars are wider.
            rects
                .filter(|n| n.attribute("fill") == Some(color.as_str()))
                .filter(|n| number(*n, "width") > 12.0)
                .count()
        };
        assert_eq!((bars(BLUE), bars(ORANGE), bars(PINK)), (2, 0, 1));
        for label in ["Design", "Operation", "Approval", TWO_ORIGINS] {
            assert!(chart.svg.contains(&format!(">\n{label}\n<")), "{label}");
        }
    }

    #[test]
    fn the_monthly_chart_says_failures_by_origin_and_counts_two_origins_under_both() {
        let chart = &site_charts(&sample()).unwrap()[0];
        assert_eq!(chart.title, "Control failures by origin, per month");
        assert!(chart.svg.contains(&format!(">\n{TWO_ORIGINS}\n<")));
        assert!(
            chart
                .description
                .contains("(an incident with two origins counts under both)"),
            "{}",
            chart.description
        );
    }

    #[test]
    fn month_labels_fall_back_to_the_key() {
        assert_eq!(month_label("2025-03"), "Mar 2025");
        assert_eq!(month_label("2025-13"), "2025-13");
        assert_eq!(month_label("soon"), "soon");
    }
}
