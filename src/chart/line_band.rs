//! One swept parameter: a KPI's mean over replicates at each value, with its 90 % band.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, axis_number, kpi_colour, padded};
use super::{fail, words};

#[derive(Clone, Debug)]
pub struct LineBand {
    pub parameter: String,
    pub kpi: String,
    pub unit: String,
    /// (parameter value, mean, p05, p95), sorted by value.
    pub points: Vec<(f64, f64, f64, f64)>,
    pub lang: crate::kpi_catalogue::Lang,
}

impl LineBand {
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
    ) -> Result<()> {
        let (x0, x1) = padded(self.points.iter().map(|p| p.0), false);
        let (y0, y1) = padded(self.points.iter().flat_map(|p| [p.1, p.2, p.3]), false);
        let colour = kpi_colour(&self.kpi);
        let mut chart = ChartBuilder::on(root)
            .caption(title, style::title())
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(fail)?;
        chart
            .configure_mesh()
            .x_label_formatter(&|v| axis_number(*v))
            .y_label_formatter(&|v| axis_number(*v))
            .x_desc(self.parameter.as_str())
            .y_desc(format!("{} ({})", self.kpi, self.unit))
            .axis_desc_style(style::axis())
            .label_style(style::label())
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(fail)?;
        let mut outline: Vec<(f64, f64)> = self.points.iter().map(|p| (p.0, p.3)).collect();
        outline.extend(self.points.iter().rev().map(|p| (p.0, p.2)));
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline,
                colour.mix(0.25).filled(),
            )))
            .map_err(fail)?
            .label(words::interval_over_replicates(self.lang))
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 7), (x + 24, y + 7)], colour.mix(0.25).filled())
            });
        chart
            .draw_series(
                LineSeries::new(
                    self.points.iter().map(|p| (p.0, p.1)),
                    colour.stroke_width(3),
                )
                .point_size(5),
            )
            .map_err(fail)?
            .label(words::mean_over_replicates(self.lang))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3))
            });
        chart
            .configure_series_labels()
            .label_font(style::label())
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperLeft)
            .draw()
            .map_err(fail)?;
        Ok(())
    }
}
