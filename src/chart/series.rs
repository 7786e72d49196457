//! A KPI over time: the mean over replicates, its 90 % band (a fan chart) when there are
//! several replicates, and the briefing's observed figures and targets at their dates.

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::fail;
use super::style::{self, REFERENCE, axis_number, kpi_colour, padded};
use super::words;
use crate::date::Date;
use crate::kpi_catalogue::Lang;

/// A briefing figure drawn on the series: observed (a dot) or target (a triangle).
#[derive(Clone, Debug)]
pub struct Mark {
    pub label: String,
    pub date: Date,
    pub value: f64,
    pub target: bool,
    /// An observed figure's tolerance as a half-width in the KPI's unit (drawn as a bar
    /// through the dot); `None` for targets.
    pub tolerance: Option<f64>,
}

#[derive(Clone, Debug)]
pub struct Series {
    pub kpi: String,
    pub unit: String,
    /// The date of the first value.
    pub start: Date,
    pub mean: Vec<f64>,
    /// 5th and 95th percentiles per day, with more than one replicate.
    pub band: Option<(Vec<f64>, Vec<f64>)>,
    pub marks: Vec<Mark>,
    /// The language of the axis and legend text.
    pub lang: Lang,
}

impl Series {
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
    ) -> Result<()> {
        let days = self.mean.len().max(2) as i32;
        let in_range = |d: Date| (0..days).contains(&d.days_since(self.start));
        let marks: Vec<&Mark> = self.marks.iter().filter(|m| in_range(m.date)).collect();
        let band_values = self.band.iter().flat_map(|(lo, hi)| lo.iter().chain(hi));
        let (lo, hi) = padded(
            self.mean
                .iter()
                .chain(band_values)
                .copied()
                .chain(marks.iter().flat_map(|m| {
                    let t = m.tolerance.unwrap_or(0.0);
                    [m.value - t, m.value + t]
                })),
            false,
        );
        let colour = kpi_colour(&self.kpi);
        let start = self.start;
        let mut chart = ChartBuilder::on(root)
            .caption(title, style::title())
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d(
                (0..days - 1).with_key_points(calendar_ticks(start, days)),
                lo..hi,
            )
            .map_err(fail)?;
        chart
            .configure_mesh()
            .y_labels(8)
            .x_label_formatter(&|d| tick_label(start.add_days(*d)))
            .y_label_formatter(&|v| axis_number(*v))
            .x_desc(words::date(self.lang))
            .y_desc(format!(
                "{} ({})",
                words::kpi_label(&self.kpi, self.lang),
                words::unit(&self.unit, self.lang)
            ))
            .axis_desc_style(style::axis())
            .label_style(style::label())
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(fail)?;

        if let Some((p05, p95)) = &self.band {
            let finite = |i: usize, v: &f64| v.is_finite().then_some((i as i32, *v));
            let mut outline: Vec<(i32, f64)> = p95
                .iter()
                .enumerate()
                .filter_map(|(i, v)| finite(i, v))
                .collect();
            outline.extend(
                p05.iter()
                    .enumerate()
                    .rev()
                    .filter_map(|(i, v)| finite(i, v)),
            );
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
        }
        let mean_label = if self.band.is_some() {
            words::mean_over_replicates(self.lang)
        } else {
            words::simulated(self.lang)
        };
        chart
            .draw_series(LineSeries::new(
                self.mean
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| v.is_finite())
                    .map(|(i, v)| (i as i32, *v)),
                colour.stroke_width(3),
            ))
            .map_err(fail)?
            .label(mean_label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3))
            });

        let at = |m: &Mark| (m.date.days_since(start), m.value);
        let label = |m: &Mark| Text::new(m.label.clone(), (12, -26), style::small());
        let observed: Vec<&Mark> = marks.iter().copied().filter(|m| !m.target).collect();
        // Each observed figure's tolerance, as a bar with caps through its dot: the
        // simulated line is within tolerance where it crosses the bar.
        let cap = (days / 150).max(1);
        let bars: Vec<&Mark> = observed
            .iter()
            .copied()
            .filter(|m| m.tolerance.is_some_and(|t| t > 0.0 && t.is_finite()))
            .collect();
        if !bars.is_empty() {
            let bar = REFERENCE.stroke_width(2);
            chart
                .draw_series(bars.iter().flat_map(|m| {
                    let (x, v) = at(m);
                    let t = m.tolerance.unwrap_or(0.0);
                    [
                        PathElement::new(vec![(x, v - t), (x, v + t)], bar),
                        PathElement::new(vec![(x - cap, v - t), (x + cap, v - t)], bar),
                        PathElement::new(vec![(x - cap, v + t), (x + cap, v + t)], bar),
                    ]
                }))
                .map_err(fail)?
                .label(words::tolerance(self.lang))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x + 12, y - 8), (x + 12, y + 8)], bar)
                });
        }
        if !observed.is_empty() {
            chart
                .draw_series(observed.iter().map(|m| {
                    EmptyElement::at(at(m)) + Circle::new((0, 0), 8, REFERENCE.filled()) + label(m)
                }))
                .map_err(fail)?
                .label(words::observed(self.lang))
                .legend(|(x, y)| Circle::new((x + 12, y), 7, REFERENCE.filled()));
        }
        let targets: Vec<&Mark> = marks.iter().copied().filter(|m| m.target).collect();
        if !targets.is_empty() {
            chart
                .draw_series(targets.iter().map(|m| {
                    EmptyElement::at(at(m))
                        + TriangleMarker::new((0, 0), 11, REFERENCE.filled())
                        + label(m)
                }))
                .map_err(fail)?
                .label(words::target(self.lang))
                .legend(|(x, y)| TriangleMarker::new((x + 12, y), 10, REFERENCE.filled()));
        }
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

/// Ticks on calendar boundaries, not at odd dates: every 1 January within the horizon, or
/// every quarter's first day when it spans under three years (day indices from `start`).
fn calendar_ticks(start: Date, days: i32) -> Vec<i32> {
    let (first_year, _, _) = start.ymd();
    let months: &[u32] = if days < 3 * 365 { &[1, 4, 7, 10] } else { &[1] };
    let mut ticks = Vec::new();
    for year in first_year..=first_year + days / 365 + 1 {
        for &month in months {
            let Some(date) = Date::from_ymd(year, month, 1) else {
                continue;
            };
            let day = date.days_since(start);
            if (0..days).contains(&day) {
                ticks.push(day);
            }
        }
    }
    ticks
}

/// A year start as "2024", another month start as "2024-04".
fn tick_label(date: Date) -> String {
    match date.ymd() {
        (year, 1, 1) => year.to_string(),
        (year, month, _) => format!("{year}-{month:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_fall_on_year_or_quarter_starts() {
        let start = Date::from_ymd(2023, 1, 1).unwrap();
        let four_years = calendar_ticks(start, 1461);
        let labels: Vec<String> = four_years
            .iter()
            .map(|d| tick_label(start.add_days(*d)))
            .collect();
        assert_eq!(labels, ["2023", "2024", "2025", "2026"]);
        let mid = Date::from_ymd(2024, 9, 1).unwrap();
        let labels: Vec<String> = calendar_ticks(mid, 200)
            .iter()
            .map(|d| tick_label(mid.add_days(*d)))
            .collect();
        assert_eq!(labels, ["2024-10", "2025"]); // 200 days end on 2025-03-19
    }
}
