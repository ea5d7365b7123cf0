//! Charts of meeting hours per week: stacked bars per client against the
//! cap, written as SVG or PNG with `plotters` and an embedded DejaVu font
//! (no system fonts needed).

use crate::{Context as _, Error, Result};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

/// One bar: its label and its stacked parts (series name, minutes).
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub parts: Vec<(String, u32)>,
}

/// The texts around the bars, in the user's language.
#[derive(Debug, Clone)]
pub struct Labels {
    pub title: String,
    pub y_axis: String,
    pub cap: String,
    /// The series drawn last, on top (internal meetings).
    pub last: String,
    /// Numbers with a decimal comma (bokmål).
    pub decimal_comma: bool,
}

fn fonts() {
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        // The font is compiled in: registering it cannot fail in practice.
        let _ = plotters::style::register_font(
            "sans-serif",
            FontStyle::Normal,
            dejavu::sans::regular(),
        );
    });
}

/// Draws `bars` stacked by series with the cap as a line, into `path`
/// (`.svg` or `.png`).
pub fn stacked(path: &Path, bars: &[Bar], cap_minutes: u32, labels: &Labels) -> Result<()> {
    fonts();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let size = (960, 540);
    match ext.as_deref() {
        Some("svg") => draw(
            SVGBackend::new(path, size).into_drawing_area(),
            bars,
            cap_minutes,
            labels,
        ),
        Some("png") => draw(
            BitMapBackend::new(path, size).into_drawing_area(),
            bars,
            cap_minutes,
            labels,
        ),
        _ => Err(crate::BadInput(format!("{}: a chart is .svg or .png", path.display())).into()),
    }
    .with_context(|| format!("cannot draw the chart {}", path.display()))
}

/// The same chart as SVG text, for a web page.
pub fn stacked_svg(bars: &[Bar], cap_minutes: u32, labels: &Labels) -> Result<String> {
    fonts();
    let mut svg = String::new();
    draw(
        SVGBackend::with_string(&mut svg, (960, 540)).into_drawing_area(),
        bars,
        cap_minutes,
        labels,
    )
    .context("cannot draw the chart")?;
    Ok(svg)
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    bars: &[Bar],
    cap: u32,
    labels: &Labels,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let err =
        |e: DrawingAreaErrorKind<DB::ErrorType>| Error::Ours(format!("cannot draw the chart: {e}"));
    root.fill(&WHITE).map_err(err)?;
    let hours = |m: u32| f64::from(m) / 60.0;
    let top = bars
        .iter()
        .map(|b| b.parts.iter().map(|p| p.1).sum::<u32>())
        .chain([cap])
        .max()
        .unwrap_or(60)
        .max(60);
    let n = bars.len().max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(&labels.title, ("sans-serif", 26))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(56)
        // Room above the bars for the legend.
        .build_cartesian_2d((0..n - 1).into_segmented(), 0.0..hours(top) * 1.6)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .y_labels(8)
        .y_desc(&labels.y_axis)
        .y_label_formatter(&|v| {
            let text = format!("{v:.1}");
            if labels.decimal_comma {
                text.replace('.', ",")
            } else {
                text
            }
        })
        .label_style(("sans-serif", 14))
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => bars.get(*i).map_or(String::new(), |b| b.label.clone()),
            _ => String::new(),
        })
        .draw()
        .map_err(err)?;

    // One colour per series, alphabetically with the last one on top: the
    // same client keeps its colour and its place from chart to chart.
    let mut names: Vec<&str> = Vec::new();
    for b in bars {
        for (name, _) in &b.parts {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
    }
    names.sort_by_key(|n| (*n == labels.last, n.to_lowercase()));
    for (k, name) in names.iter().enumerate() {
        let color = Palette99::pick(k).mix(0.9);
        let rects: Vec<Rectangle<(SegmentValue<usize>, f64)>> = bars
            .iter()
            .enumerate()
            .filter_map(|(i, b)| {
                let below: u32 = b
                    .parts
                    .iter()
                    .take_while(|p| p.0 != *name)
                    .map(|p| p.1)
                    .sum();
                let own = b.parts.iter().find(|p| p.0 == *name)?.1;
                Some(Rectangle::new(
                    [
                        (SegmentValue::Exact(i), hours(below)),
                        (SegmentValue::Exact(i + 1), hours(below + own)),
                    ],
                    color.filled(),
                ))
            })
            .collect();
        chart
            .draw_series(rects)
            .map_err(err)?
            .label(*name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 12, y + 6)], color.filled()));
    }
    chart
        .draw_series(LineSeries::new(
            [
                (SegmentValue::Exact(0), hours(cap)),
                (SegmentValue::Last, hours(cap)),
            ],
            RED.stroke_width(2),
        ))
        .map_err(err)?
        .label(&labels.cap)
        .legend(|(x, y)| PathElement::new([(x, y), (x + 12, y)], RED.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}
