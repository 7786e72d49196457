//! Sensitivity indices of one KPI as horizontal bars, one group per lever (largest first),
//! with the bootstrap interval as a whisker: μ* for a Morris screening, S1 and ST for Sobol
//! indices. Read from a sensitivity folder's `sensitivity.csv`, so `reformsim chart` can
//! redraw them.

use std::path::Path;

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, OKABE_ITO, REFERENCE};
use super::{Chart, Kind, fail, words};
use crate::kpi_catalogue::Lang;

/// The KPIs whose indices are drawn: the ones planners ask about first (A4, A12, B11a).
pub const INDEX_KPIS: [&str; 3] = [
    "resolution_rate",
    "value_added_growth_ytd",
    "smart_factories_new",
];

/// One index of one lever.
#[derive(Clone, Copy, Debug)]
pub struct Whisker {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

#[derive(Clone, Debug)]
pub struct Indices {
    /// Index names (`mu_star`, or `S1` and `ST`).
    pub indices: Vec<String>,
    /// Per lever, in drawing order (top first), one value per index.
    pub levers: Vec<(String, Vec<Option<Whisker>>)>,
    pub lang: Lang,
}

/// A lever's indices by name, as read from `sensitivity.csv`.
type LeverIndices = (String, Vec<(String, Whisker)>);

/// The charts of a sensitivity folder's index table, for the KPIs of `INDEX_KPIS` at every
/// date the table has them. Empty when the folder has no `sensitivity.csv`. Levers are named
/// by their labels among `parameters` (the sweep's), else by their keys.
pub fn sensitivity_charts(
    dir: &Path,
    parameters: &[crate::sweep::Parameter],
    lang: Lang,
) -> Result<Vec<Chart>> {
    let label = |key: &str| {
        parameters
            .iter()
            .find(|p| p.key == key)
            .and_then(|p| p.label.clone())
            .unwrap_or_else(|| key.to_owned())
    };
    let path = dir.join("sensitivity.csv");
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let mut reader =
        csv::Reader::from_path(&path).with_context(|| format!("cannot read {}", path.display()))?;
    // kpi column → lever → index → whisker, in first-seen order.
    let mut table: Vec<(String, Vec<LeverIndices>)> = Vec::new();
    for record in reader.records() {
        let r = record.with_context(|| format!("cannot read {}", path.display()))?;
        if r.len() < 6 || r[2] == *"sigma" {
            continue; // σ has no interval and is not a ranking index
        }
        let num = |i: usize| r[i].parse::<f64>().unwrap_or(f64::NAN);
        let (kpi, lever, index) = (r[0].to_owned(), label(&r[1]), r[2].to_owned());
        if !INDEX_KPIS.contains(&kpi.split('@').next().unwrap_or("")) {
            continue;
        }
        let w = Whisker {
            estimate: num(3),
            low: num(4),
            high: num(5),
        };
        let k = match table.iter().position(|(k, _)| *k == kpi) {
            Some(k) => k,
            None => {
                table.push((kpi, Vec::new()));
                table.len() - 1
            }
        };
        let levers = &mut table[k].1;
        let l = match levers.iter().position(|(l, _)| *l == lever) {
            Some(l) => l,
            None => {
                levers.push((lever, Vec::new()));
                levers.len() - 1
            }
        };
        levers[l].1.push((index, w));
    }
    Ok(table
        .into_iter()
        .map(|(kpi, levers)| {
            let mut indices: Vec<String> = Vec::new();
            for (_, xs) in &levers {
                for (i, _) in xs {
                    if !indices.contains(i) {
                        indices.push(i.clone());
                    }
                }
            }
            let mut rows: Vec<(String, Vec<Option<Whisker>>)> = levers
                .into_iter()
                .map(|(lever, xs)| {
                    let values = indices
                        .iter()
                        .map(|i| xs.iter().find(|(j, _)| j == i).map(|(_, w)| *w))
                        .collect();
                    (lever, values)
                })
                .collect();
            // Largest last-listed index first (ST for Sobol, μ* for Morris).
            let key = |v: &[Option<Whisker>]| {
                v.last()
                    .copied()
                    .flatten()
                    .map_or(f64::NEG_INFINITY, |w| w.estimate)
            };
            rows.sort_by(|a, b| key(&b.1).total_cmp(&key(&a.1)));
            let name = format!("indices_{}", kpi.replace(['@', '-'], "_"));
            Chart {
                name,
                title: words::indices_title(&kpi, lang),
                kind: Kind::Indices(Indices {
                    indices,
                    levers: rows,
                    lang,
                }),
            }
        })
        .collect())
}

impl Indices {
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        title: &str,
    ) -> Result<()> {
        // Each lever takes one slot per index plus a blank one.
        let per = self.indices.len() as i32 + 1;
        let slots = (self.levers.len() as i32 * per).max(1);
        let values: Vec<f64> = self
            .levers
            .iter()
            .flat_map(|(_, v)| v.iter().flatten().flat_map(|w| [w.estimate, w.low, w.high]))
            .filter(|v| v.is_finite())
            .collect();
        let hi = values.iter().copied().fold(0.0_f64, f64::max);
        let lo = values.iter().copied().fold(0.0_f64, f64::min);
        let span = if hi > lo { hi - lo } else { 1.0 };
        let (lo, hi) = (lo - 0.02 * span, hi + 0.1 * span);
        let levers = &self.levers;
        // Empty rows on top hold the legend, one line per index.
        let rows = slots + style::legend_rows(self.indices.len(), slots);
        let mut chart = ChartBuilder::on(root)
            .caption(title, style::title())
            .margin(24)
            .x_label_area_size(70)
            .y_label_area_size(430)
            .build_cartesian_2d(lo..hi, (0..rows - 1).into_segmented())
            .map_err(fail)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(rows as usize)
            .y_label_formatter(&|v| match v {
                // Slots count from the bottom; the first lever is drawn at the top, under
                // the legend's empty rows.
                SegmentValue::CenterOf(k) if *k < slots && k % per == (per - 1) / 2 => levers
                    .get(levers.len().saturating_sub(1 + (k / per) as usize))
                    .map_or_else(String::new, |l| l.0.clone()),
                _ => String::new(),
            })
            .x_label_formatter(&|v| style::axis_number(*v))
            .x_desc(words::index_axis(self.lang))
            .y_desc(words::lever(self.lang))
            .axis_desc_style(style::axis())
            .label_style(style::small())
            .light_line_style(RGBColor(238, 238, 238))
            .draw()
            .map_err(fail)?;
        let n = levers.len();
        for (j, index) in self.indices.iter().enumerate() {
            let colour = OKABE_ITO[j % OKABE_ITO.len()];
            // Within a group the first index sits on top.
            let slot = |g: usize| (n - 1 - g) as i32 * per + (per - 2 - j as i32);
            let bars: Vec<(i32, Whisker)> = levers
                .iter()
                .enumerate()
                .filter_map(|(g, (_, v))| Some((slot(g), v.get(j).copied().flatten()?)))
                .filter(|(_, w)| w.estimate.is_finite())
                .collect();
            chart
                .draw_series(bars.iter().map(|(k, w)| {
                    let mut r = Rectangle::new(
                        [
                            (0.0, SegmentValue::Exact(*k)),
                            (w.estimate, SegmentValue::Exact(k + 1)),
                        ],
                        colour.filled(),
                    );
                    r.set_margin(2, 2, 0, 0);
                    r
                }))
                .map_err(fail)?
                .label(words::index_label(index, self.lang))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 7), (x + 24, y + 7)], colour.filled())
                });
            chart
                .draw_series(
                    bars.iter()
                        .filter(|(_, w)| w.low.is_finite() && w.high.is_finite())
                        .map(|(k, w)| {
                            PathElement::new(
                                vec![
                                    (w.low, SegmentValue::CenterOf(*k)),
                                    (w.high, SegmentValue::CenterOf(*k)),
                                ],
                                REFERENCE.stroke_width(2),
                            )
                        }),
                )
                .map_err(fail)?;
        }
        style::legend_upper_right(&mut chart)?;
        Ok(())
    }
}
