//! A calibration's objective trace: the best objective after each Nelder–Mead iteration, on
//! a log scale (it falls by orders of magnitude), against iterations.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, OKABE_ITO};
use super::{fail, words};

#[derive(Clone, Debug)]
pub struct Trace {
    /// (iteration, best objective), in iteration order.
    pub points: Vec<(u64, f64)>,
    pub lang: crate::kpi_catalogue::Lang,
}

/// The smallest objective drawn: a perfect fit (0) has no logarithm.
const FLOOR: f64 = 1e-12;

impl Trace {
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
    ) -> Result<()> {
        let points: Vec<(f64, f64)> = self
            .points
            .iter()
            .filter(|(_, y)| y.is_finite())
            .map(|(x, y)| (*x as f64, y.max(FLOOR)))
            .collect();
        let last = points.last().map_or(1.0, |p| p.0).max(1.0);
        let lo = points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let hi = points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = if lo.is_finite() && hi.is_finite() {
            (lo / 2.0, hi * 2.0)
        } else {
            (1e-6, 1.0)
        };
        let mut chart = ChartBuilder::on(root)
            .caption(title, style::title())
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(120)
            .build_cartesian_2d(0.0..last, (lo..hi).log_scale())
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_desc(words::trace_axes(self.lang)[0])
            .y_desc(words::trace_axes(self.lang)[1])
            .y_label_formatter(&|v| format!("{v:.1e}"))
            .x_label_formatter(&|v| format!("{v:.0}"))
            .axis_desc_style(style::axis())
            .label_style(style::small())
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(fail)?;
        let colour = OKABE_ITO[0];
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                colour.stroke_width(3),
            ))
            .map_err(fail)?;
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, 4, colour.filled())))
            .map_err(fail)?;
        Ok(())
    }
}
