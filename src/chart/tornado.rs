//! A tornado chart: how far a KPI moves when each swept parameter alone goes to its lowest
//! and its highest value, the others held at the base point; widest effect on top.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, OKABE_ITO, axis_number, padded};
use super::{fail, words};

#[derive(Clone, Debug)]
pub struct Effect {
    pub parameter: String,
    /// The KPI with the parameter at its lowest and at its highest value.
    pub at_low: f64,
    pub at_high: f64,
    pub low: String,
    pub high: String,
}

#[derive(Clone, Debug)]
pub struct Tornado {
    pub kpi: String,
    pub unit: String,
    /// The KPI at the base point.
    pub base: f64,
    /// Sorted widest first.
    pub effects: Vec<Effect>,
    /// How the base point and effects were found, for the axis.
    pub method: String,
    /// The axis spans at least this much about the base (twice the KPI's smallest
    /// meaningful difference), so bars of noise stay short.
    pub min_span: f64,
    pub lang: crate::kpi_catalogue::Lang,
}

impl Tornado {
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
    ) -> Result<()> {
        let n = self.effects.len().max(1) as i32;
        let (lo, hi) = padded(
            self.effects
                .iter()
                .flat_map(|e| [e.at_low, e.at_high])
                .chain([self.base]),
            false,
        );
        let (lo, hi) = (
            lo.min(self.base - self.min_span / 2.0),
            hi.max(self.base + self.min_span / 2.0),
        );
        let effects = &self.effects;
        // Empty rows on top hold the legend: lowest, highest, the base point.
        let rows = n + style::legend_rows(3, n);
        let mut chart = ChartBuilder::on(root)
            .caption(title, style::title())
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(380)
            .build_cartesian_2d(lo..hi, (0..rows - 1).into_segmented())
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(rows as usize)
            .y_label_formatter(&|v| match v {
                // Widest on top: row 0 is drawn at the top of the axis.
                SegmentValue::CenterOf(i) => usize::try_from(n - 1 - *i)
                    .ok()
                    .and_then(|row| effects.get(row))
                    .map_or_else(String::new, |e| e.parameter.clone()),
                _ => String::new(),
            })
            .x_label_formatter(&|v| axis_number(*v))
            .x_desc(format!(
                "{} ({}); {}",
                words::kpi_label(&self.kpi, self.lang),
                words::unit(&self.unit, self.lang),
                self.method
            ))
            .y_desc(words::parameter(self.lang))
            .axis_desc_style(style::axis())
            .label_style(style::small())
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(fail)?;
        let base = self.base;
        for (high, colour) in [(false, OKABE_ITO[4]), (true, OKABE_ITO[1])] {
            chart
                .draw_series(effects.iter().enumerate().map(|(i, e)| {
                    let row = n - 1 - i as i32;
                    let v = if high { e.at_high } else { e.at_low };
                    let mut r = Rectangle::new(
                        [
                            (base.min(v), SegmentValue::Exact(row)),
                            (base.max(v), SegmentValue::Exact(row + 1)),
                        ],
                        colour.filled(),
                    );
                    r.set_margin(6, 6, 0, 0);
                    r
                }))
                .map_err(fail)?
                .label(words::parameter_at(high, self.lang))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 7), (x + 24, y + 7)], colour.filled())
                });
            chart
                .draw_series(effects.iter().enumerate().map(|(i, e)| {
                    let row = n - 1 - i as i32;
                    let (v, text) = if high {
                        (e.at_high, &e.high)
                    } else {
                        (e.at_low, &e.low)
                    };
                    let dx = if v >= base {
                        6
                    } else {
                        -6 - 9 * text.chars().count() as i32
                    };
                    EmptyElement::at((v, SegmentValue::CenterOf(row)))
                        + Text::new(text.clone(), (dx, -9), style::small())
                }))
                .map_err(fail)?;
        }
        style::reference_line(
            &mut chart,
            base,
            rows,
            words::base_point(&axis_number(base), self.lang),
        )?;
        style::legend_upper_right(&mut chart)?;
        Ok(())
    }
}
