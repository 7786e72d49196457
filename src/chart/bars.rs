//! Grouped bars for a comparison: per target, one bar per scenario (mean as % of the target,
//! with its 90 % interval as a whisker), and the 100 % target line.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::fail;
use super::style::{self, REFERENCE, scenario_colour};

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
    /// Target labels, and per target one bar per scenario (`None`: not simulated).
    pub groups: Vec<(String, Vec<Option<Bar>>)>,
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
        let values = self
            .groups
            .iter()
            .flat_map(|(_, bars)| bars.iter().flatten().flat_map(|b| [b.mean, b.p95]));
        let xmax = values.filter(|v| v.is_finite()).fold(100.0_f64, f64::max) * 1.1;
        let groups = &self.groups;
        let mut chart = ChartBuilder::on(root)
            .caption(title, style::title())
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(420)
            .build_cartesian_2d(0.0..xmax, (0..slots - 1).into_segmented())
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(slots as usize)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(k) if k % per == (per - 1) / 2 => groups
                    .get((k / per) as usize)
                    .map_or_else(String::new, |g| g.0.clone()),
                _ => String::new(),
            })
            .x_label_formatter(&|v| format!("{v:.0} %"))
            .x_desc("mean over replicates as % of target (whisker: 90 % interval)")
            .y_desc("target")
            .axis_desc_style(style::axis())
            .label_style(style::small())
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(fail)?;
        for (j, name) in self.scenarios.iter().enumerate() {
            let colour = scenario_colour(j);
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
                            (0.0, SegmentValue::Exact(*k)),
                            (b.mean.max(0.0), SegmentValue::Exact(k + 1)),
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
        style::reference_line(&mut chart, 100.0, slots, "target (100 %)".into())?;
        style::legend_lower_right(&mut chart)?;
        Ok(())
    }
}
