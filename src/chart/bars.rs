//! Grouped bars for a comparison: per target, one bar per scenario (mean as % of the target,
//! with its 90 % interval as a whisker) and the 100 % target line; or per KPI and date, one
//! bar per scenario for its paired difference to the reference, and the zero line.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, REFERENCE, scenario_colour};
use super::{fail, words};

/// One scenario's value for one target, as % of the target.
#[derive(Clone, Copy, Debug)]
pub struct Bar {
    pub mean: f64,
    pub p05: f64,
    pub p95: f64,
}

#[derive(Clone, Debug)]
pub struct Bars {
    pub scenarios: Vec<String>,
    /// Palette index of `scenarios[0]` (`style::scenario_colour`), so that a scenario keeps
    /// its colour in a chart that leaves the reference out.
    pub first_colour: usize,
    /// Group labels, and per group one bar per scenario (`None`: not simulated).
    pub groups: Vec<(String, Vec<Option<Bar>>)>,
    pub axis: BarAxis,
    pub lang: crate::kpi_catalogue::Lang,
}

/// What the bars measure.
#[derive(Clone, Debug)]
pub enum BarAxis {
    /// Targets: the mean as % of the target, against the 100 % line.
    PercentOfTarget,
    /// Paired differences to the reference scenario, in `unit`, against the zero line.
    Difference { unit: String },
    /// Medians and 90 % ranges as % of each parameter's prior range (calibrate's prior and
    /// posterior), against the middle of the range.
    ShareOfRange,
}

impl Bars {
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
    ) -> Result<()> {
        // Each group takes one slot per scenario plus a blank one; the axis labels only the
        // middle slot of each group, so the label sits beside its bars.
        let per = self.scenarios.len() as i32 + 1;
        let slots = (self.groups.len() as i32 * per).max(1);
        let values: Vec<f64> = self
            .groups
            .iter()
            .flat_map(|(_, bars)| bars.iter().flatten().flat_map(|b| [b.mean, b.p05, b.p95]))
            .filter(|v| v.is_finite())
            .collect();
        let (xmin, xmax, line, line_label, x_desc, y_desc, unit) = match &self.axis {
            BarAxis::PercentOfTarget => (
                0.0,
                values.iter().copied().fold(100.0_f64, f64::max) * 1.1,
                100.0,
                words::target_line(self.lang).to_owned(),
                words::percent_of_target_axis(self.lang).to_owned(),
                words::target(self.lang),
                "%".to_owned(),
            ),
            BarAxis::Difference { unit } => {
                let (lo, hi) = style::padded(values.iter().copied(), true);
                (
                    lo,
                    hi,
                    0.0,
                    words::no_difference(self.lang).to_owned(),
                    words::difference_axis(unit, self.lang),
                    words::kpi_and_date(self.lang),
                    unit.clone(),
                )
            }
            BarAxis::ShareOfRange => (
                0.0,
                100.0,
                50.0,
                words::middle_of_range(self.lang).to_owned(),
                words::share_of_range_axis(self.lang).to_owned(),
                words::parameter(self.lang),
                "%".to_owned(),
            ),
        };
        let groups = &self.groups;
        // Empty rows on top hold the legend: the scenarios and the reference line.
        let rows = slots + style::legend_rows(self.scenarios.len() + 1, slots);
        let mut chart = ChartBuilder::on(root)
            .caption(title, style::title())
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(420)
            .build_cartesian_2d(xmin..xmax, (0..rows - 1).into_segmented())
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(rows as usize)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(k) if k % per == (per - 1) / 2 => groups
                    .get((k / per) as usize)
                    .map_or_else(String::new, |g| g.0.clone()),
                _ => String::new(),
            })
            .x_label_formatter(&|v| format!("{} {unit}", style::axis_number(*v)))
            .x_desc(x_desc)
            .y_desc(y_desc)
            .axis_desc_style(style::axis())
            .label_style(style::small())
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(fail)?;
        for (j, name) in self.scenarios.iter().enumerate() {
            let colour = scenario_colour(self.first_colour + j);
            let slot = |g: usize| g as i32 * per + j as i32;
            let bars: Vec<(i32, Bar)> = groups
                .iter()
                .enumerate()
                .filter_map(|(g, (_, b))| Some((slot(g), b.get(j).copied().flatten()?)))
                .filter(|(_, b)| b.mean.is_finite())
                .collect();
            chart
                .draw_series(bars.iter().map(|(k, b)| {
                    let mut r = Rectangle::new(
                        [
                            (0.0_f64.max(xmin), SegmentValue::Exact(*k)),
                            (b.mean.max(xmin), SegmentValue::Exact(k + 1)),
                        ],
                        colour.filled(),
                    );
                    r.set_margin(2, 2, 0, 0);
                    r
                }))
                .map_err(fail)?
                .label(name.clone())
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 7), (x + 24, y + 7)], colour.filled())
                });
            chart
                .draw_series(bars.iter().map(|(k, b)| {
                    PathElement::new(
                        vec![
                            (b.p05, SegmentValue::CenterOf(*k)),
                            (b.p95, SegmentValue::CenterOf(*k)),
                        ],
                        REFERENCE.stroke_width(2),
                    )
                }))
                .map_err(fail)?;
        }
        style::reference_line(&mut chart, line, rows, line_label)?;
        style::legend_upper_right(&mut chart)?;
        Ok(())
    }
}
