//! The target-gap chart: every modelled target as a bar of the simulated value as % of the
//! target, with the 100 % line, coloured by whether the target is met.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::fail;
use super::style::{self, MET, NOT_MET};
use super::words::GapWords;

#[derive(Clone, Debug)]
pub struct GapRow {
    /// Target id, date and description, as the axis shows it.
    pub label: String,
    /// Simulated value as % of the target.
    pub percent: f64,
    pub met: bool,
    /// Share of replicates meeting the target, shown beside the bar: the mean can meet a
    /// target that most replicates miss.
    pub p_met: Option<f64>,
}

#[derive(Clone, Debug)]
pub struct Gap {
    pub rows: Vec<GapRow>,
    pub words: GapWords,
}

impl Gap {
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
    ) -> Result<()> {
        let n = self.rows.len().max(1) as i32;
        let xmax = self
            .rows
            .iter()
            .map(|r| r.percent)
            .filter(|v| v.is_finite())
            .fold(100.0_f64, f64::max)
            * 1.25;
        let xmin = self.rows.iter().map(|r| r.percent).fold(0.0_f64, f64::min);
        let rows = &self.rows;
        let mut chart = ChartBuilder::on(root)
            .caption(title, style::title())
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(420)
            .build_cartesian_2d(xmin..xmax, (0..n - 1).into_segmented())
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n as usize)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => rows
                    .get(*i as usize)
                    .map_or_else(String::new, |r| r.label.clone()),
                _ => String::new(),
            })
            .x_label_formatter(&|v| format!("{v:.0} %"))
            .x_desc(self.words.x)
            .y_desc(self.words.y)
            .axis_desc_style(style::axis())
            .label_style(style::small())
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(fail)?;
        for met in [true, false] {
            let colour = if met { MET } else { NOT_MET };
            chart
                .draw_series(
                    rows.iter()
                        .enumerate()
                        .filter(|(_, r)| r.met == met && r.percent.is_finite())
                        .map(|(i, r)| {
                            let i = i as i32;
                            let mut bar = Rectangle::new(
                                [
                                    (0.0, SegmentValue::Exact(i)),
                                    (r.percent, SegmentValue::Exact(i + 1)),
                                ],
                                colour.filled(),
                            );
                            bar.set_margin(4, 4, 0, 0);
                            bar
                        }),
                )
                .map_err(fail)?
                .label(if met {
                    "mean meets it"
                } else {
                    "mean misses it"
                })
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 7), (x + 24, y + 7)], colour.filled())
                });
        }
        chart
            .draw_series(
                rows.iter()
                    .enumerate()
                    .filter(|(_, r)| r.percent.is_finite())
                    .map(|(i, r)| {
                        // Right of the bar or of the target line, whichever is further, so the
                        // line never crosses the words.
                        EmptyElement::at((r.percent.max(100.0), SegmentValue::CenterOf(i as i32)))
                            + Text::new(
                                match r.p_met {
                                    Some(p) => {
                                        format!("{:.0} %, {} {p:.2}", r.percent, self.words.p_met)
                                    }
                                    None => format!("{:.0} %", r.percent),
                                },
                                (8, -9),
                                style::small(),
                            )
                    }),
            )
            .map_err(fail)?;
        style::reference_line(&mut chart, 100.0, n, self.words.line.into())?;
        Ok(())
    }
}
