//! A heatmap over two swept parameters: one cell per grid point, coloured by a KPI's mean (or
//! a target's probability of being met), with the value printed in the cell and a colour bar.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, axis_number, centred, viridis};
use super::{WIDTH, fail};

#[derive(Clone, Debug)]
pub struct Heatmap {
    pub x_parameter: String,
    pub y_parameter: String,
    pub x_values: Vec<String>,
    pub y_values: Vec<String>,
    /// (x index, y index, value).
    pub cells: Vec<(usize, usize, f64)>,
    /// The values at the ends of the colour scale: 0–1 for a probability; for a KPI, the
    /// cells' range widened to at least its smallest meaningful difference.
    pub colour_range: (f64, f64),
    /// The colour bar's label, with the unit.
    pub value_label: String,
}

impl Heatmap {
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
    ) -> Result<()> {
        let (main, bar) = root.split_horizontally(WIDTH as i32 - 190);
        let (lo, hi) = self.colour_range;
        let span = if hi > lo { hi - lo } else { 1.0 };
        let t = |v: f64| ((v - lo) / span).clamp(0.0, 1.0);
        let (nx, ny) = (self.x_values.len() as i32, self.y_values.len() as i32);
        let (xs, ys) = (&self.x_values, &self.y_values);
        let label = |values: &Vec<String>, v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => values.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let mut chart = ChartBuilder::on(&main)
            .caption(title, style::title())
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d(
                (0..nx.max(1) - 1).into_segmented(),
                (0..ny.max(1) - 1).into_segmented(),
            )
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_labels(nx.max(1) as usize)
            .y_labels(ny.max(1) as usize)
            .x_label_formatter(&|v| label(xs, v))
            .y_label_formatter(&|v| label(ys, v))
            .x_desc(self.x_parameter.as_str())
            .y_desc(self.y_parameter.as_str())
            .axis_desc_style(style::axis())
            .label_style(style::label())
            .draw()
            .map_err(fail)?;
        chart
            .draw_series(self.cells.iter().map(|&(x, y, v)| {
                let (x, y) = (x as i32, y as i32);
                let colour = if v.is_finite() {
                    viridis(t(v))
                } else {
                    RGBColor(200, 200, 200)
                };
                Rectangle::new(
                    [
                        (SegmentValue::Exact(x), SegmentValue::Exact(y)),
                        (SegmentValue::Exact(x + 1), SegmentValue::Exact(y + 1)),
                    ],
                    colour.filled(),
                )
            }))
            .map_err(fail)?;
        chart
            .draw_series(self.cells.iter().map(|&(x, y, v)| {
                // Dark text on the light end of the scale, white on the dark end.
                let ink: &'static RGBColor = if t(v) > 0.6 { &BLACK } else { &WHITE };
                let text = if v.is_finite() {
                    axis_number(v)
                } else {
                    "–".into()
                };
                Text::new(
                    text,
                    (
                        SegmentValue::CenterOf(x as i32),
                        SegmentValue::CenterOf(y as i32),
                    ),
                    centred(style::label()).color(ink),
                )
            }))
            .map_err(fail)?;

        let mut scale = ChartBuilder::on(&bar)
            .margin_top(90)
            .margin_bottom(100)
            .margin_right(10)
            .right_y_label_area_size(110)
            .build_cartesian_2d(0.0..1.0, lo..lo + span)
            .map_err(fail)?;
        scale
            .configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_labels(6)
            .y_label_formatter(&|v| axis_number(*v))
            .y_desc(self.value_label.as_str())
            .axis_desc_style(style::label())
            .label_style(style::label())
            .draw()
            .map_err(fail)?;
        const STEPS: usize = 64;
        scale
            .draw_series((0..STEPS).map(|i| {
                let (a, b) = (i as f64 / STEPS as f64, (i + 1) as f64 / STEPS as f64);
                Rectangle::new(
                    [(0.0, lo + a * span), (1.0, lo + b * span)],
                    viridis((a + b) / 2.0).filled(),
                )
            }))
            .map_err(fail)?;
        Ok(())
    }
}
