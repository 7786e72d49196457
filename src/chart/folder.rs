//! Which charts each kind of folder gets, built from the folder's files.

use std::collections::BTreeMap;

use super::bars::{Bar, BarAxis, Bars};
use super::gap::{Gap, GapRow};
use super::heatmap::Heatmap;
use super::line_band::LineBand;
use super::series::{Mark, Series};
use super::style::drawable;
use super::tornado::{Effect, Tornado};
use super::words;
use super::{Chart, Kind};
use crate::compare::Comparison;
use crate::date::Date;
use crate::folders::{RunFolder, SweepFolder};
use crate::kpi_catalogue::Lang;
use crate::metrics::KPIS;
use crate::sweep::Design;

fn unit(kpi: &str) -> &'static str {
    KPIS.iter().find(|k| k.key == kpi).map_or("", |k| k.unit)
}

/// A calibration row's tolerance as a half-width in the KPI's unit: `%` is relative to the
/// observed value, `pp` and anything else are absolute.
fn tolerance_half_width(row: &serde_json::Value, observed: f64) -> Option<f64> {
    let t = row["tolerance"].as_f64()?;
    match row["tolerance_unit"].as_str()? {
        "%" => Some(observed.abs() * t / 100.0),
        _ => Some(t),
    }
}

/// A run: one time series per KPI with a figure, then the target-gap chart.
pub fn run_charts(run: &RunFolder, lang: Lang) -> Vec<Chart> {
    let Some(&start) = run.dates.first() else {
        return Vec::new();
    };
    let mut marks: BTreeMap<String, Vec<Mark>> = BTreeMap::new();
    for (list, key, target) in [
        ("calibration", "observed", false),
        ("targets", "target", true),
    ] {
        for f in run.summary[list].as_array().into_iter().flatten() {
            let (Some(kpi), Some(date), Some(value)) =
                (f["kpi"].as_str(), f["date"].as_str(), f[key].as_f64())
            else {
                continue;
            };
            let Ok(date) = Date::parse(date) else {
                continue;
            };
            let id = f["id"].as_str().unwrap_or("?");
            let comparator = f["comparator"].as_str().filter(|c| *c != "=").unwrap_or("");
            marks.entry(kpi.to_owned()).or_default().push(Mark {
                label: format!("{id}: {comparator}{}", crate::report::fmt_value(value))
                    .replace(": >", ": >")
                    .trim()
                    .to_owned(),
                date,
                value,
                target,
                tolerance: (!target).then(|| tolerance_half_width(f, value)).flatten(),
            });
        }
    }
    let several = run.replicates() > 1;
    let mut charts: Vec<Chart> = KPIS
        .iter()
        .filter_map(|k| {
            let marks = marks.remove(k.key)?;
            let spread = run.daily_spread(k.key)?;
            Some(Chart {
                name: format!("series-{}", k.key),
                title: words::series_title(k.key, k.unit, lang),
                kind: Kind::Series(Series {
                    kpi: k.key.to_owned(),
                    unit: k.unit.to_owned(),
                    start,
                    mean: spread.iter().map(|s| s.mean).collect(),
                    band: several.then(|| {
                        (
                            spread.iter().map(|s| s.p05).collect(),
                            spread.iter().map(|s| s.p95).collect(),
                        )
                    }),
                    marks,
                    lang,
                }),
            })
        })
        .collect();
    let rows: Vec<GapRow> = run.summary["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            let (sim, target) = (t["simulated"].as_f64()?, t["target"].as_f64()?);
            if target == 0.0 {
                return None;
            }
            let label = format!(
                "{} {}: {}",
                t["id"].as_str()?,
                t["date"].as_str().unwrap_or(""),
                drawable(match (lang, t["description_zh"].as_str()) {
                    (Lang::Zh, Some(zh)) => zh,
                    _ => t["description"].as_str().unwrap_or(""),
                })
            );
            Some(GapRow {
                label: shorten(&label, 44),
                percent: sim / target * 100.0,
                met: t["met"].as_bool().unwrap_or(false),
                p_met: t["p_met"].as_f64(),
            })
        })
        .collect();
    if !rows.is_empty() {
        charts.push(Chart {
            name: "target-gap".into(),
            title: words::target_gap_title(lang).into(),
            kind: Kind::Gap(Gap {
                rows,
                words: words::gap_axes(lang),
            }),
        });
    }
    charts
}

pub(crate) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// The distinct values of a parameter column, in numeric order where numeric.
fn distinct(values: &[String]) -> Vec<String> {
    let mut d: Vec<String> = values.to_vec();
    d.sort_by(|a, b| match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    });
    d.dedup();
    d
}

/// A sweep: heatmaps (two parameters on a grid), line and band (one parameter), tornado
/// (two or more).
pub fn sweep_charts(sweep: &SweepFolder, lang: Lang) -> Vec<Chart> {
    // Morris and Saltelli points exist for their indices (`sensitivity_charts`, with
    // intervals); a straight-line tornado through them would contradict μ* and S1.
    if matches!(sweep.manifest.design, Design::Morris | Design::Saltelli) {
        return Vec::new();
    }
    let params: Vec<String> = sweep
        .manifest
        .parameters
        .iter()
        .map(|p| p.key.clone())
        .collect();
    // What the charts call each parameter: its label (a sweep by an older version has none).
    let names: Vec<String> = sweep
        .manifest
        .parameters
        .iter()
        .map(|p| p.label.clone().unwrap_or_else(|| p.key.clone()))
        .collect();
    let param_values: Vec<Vec<String>> = params
        .iter()
        .map(|p| {
            sweep.column(p).map_or_else(Vec::new, |c| {
                sweep.rows.iter().map(|r| r[c].clone()).collect()
            })
        })
        .collect();
    let mut charts = Vec::new();
    // (points column, chart title label, KPI or "" for a probability, unit).
    let mut outputs: Vec<(String, String, String, String)> = sweep
        .kpi_columns()
        .into_iter()
        .map(|label| {
            let kpi = label.split('@').next().unwrap_or("").to_owned();
            (
                format!("{label}_mean"),
                words::column_label(&label, lang),
                kpi.clone(),
                words::unit(unit(&kpi), lang),
            )
        })
        .collect();
    outputs.extend(sweep.targets().into_iter().map(|id| {
        (
            format!("p_met_{id}"),
            words::p_met(&id, lang),
            String::new(),
            words::unit("share of replicates", lang),
        )
    }));
    // File stems from the points column: `kpi@date_mean` → `kpi-date`, `p_met_B12` as is.
    let slug = |column: &str| {
        column
            .trim_end_matches("_mean")
            .replace(['@', '/', ' '], "-")
    };
    let flat = flat_columns(sweep);
    for (column, label, kpi, unit) in &outputs {
        let Some(values) = sweep.numbers(column) else {
            continue;
        };
        if flat.contains(column) {
            continue; // the sweep report names it in one line
        }
        let colour_range = if kpi.is_empty() {
            (0.0, 1.0) // a probability
        } else {
            at_least_span(&values, min_difference(kpi))
        };
        if params.len() == 2 && sweep.manifest.design == Design::Grid {
            let (xs, ys) = (distinct(&param_values[0]), distinct(&param_values[1]));
            let cells = values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| {
                    let x = xs.iter().position(|x| *x == param_values[0][i])?;
                    let y = ys.iter().position(|y| *y == param_values[1][i])?;
                    Some((x, y, *v))
                })
                .collect();
            charts.push(Chart {
                name: format!("heatmap-{}", slug(column)),
                title: words::heatmap_title(label, unit, lang),
                kind: Kind::Heatmap(Heatmap {
                    x_parameter: names[0].clone(),
                    y_parameter: names[1].clone(),
                    x_values: xs,
                    y_values: ys,
                    cells,
                    colour_range,
                    value_label: if kpi.is_empty() {
                        words::probability(lang).to_owned()
                    } else {
                        format!(
                            "{} ({})",
                            words::kpi_label(kpi, lang),
                            words::unit(unit, lang)
                        )
                    },
                }),
            });
        }
        if params.len() == 1 && !kpi.is_empty() {
            let (Some(p05), Some(p95)) = (
                sweep.numbers(&column.replace("_mean", "_p05")),
                sweep.numbers(&column.replace("_mean", "_p95")),
            ) else {
                continue;
            };
            let mut points: Vec<(f64, f64, f64, f64)> = (0..values.len())
                .filter_map(|i| Some((param_values[0][i].parse().ok()?, values[i], p05[i], p95[i])))
                .filter(|p| p.1.is_finite())
                .collect();
            points.sort_by(|a, b| a.0.total_cmp(&b.0));
            charts.push(Chart {
                name: format!("line-{}", slug(column)),
                title: words::line_title(label, &names[0], unit, lang),
                kind: Kind::LineBand(LineBand {
                    parameter: names[0].clone(),
                    kpi: kpi.clone(),
                    unit: unit.clone(),
                    points,
                    lang,
                }),
            });
        }
        if params.len() >= 2
            && !kpi.is_empty()
            && let Some(t) = tornado(
                sweep.manifest.design,
                &param_values,
                &names,
                &values,
                kpi,
                unit,
                lang,
            )
        {
            charts.push(Chart {
                name: format!("tornado-{}", slug(column)),
                title: words::tornado_title(label, unit, lang),
                kind: Kind::Tornado(t),
            });
        }
    }
    charts
}

/// The smallest difference in `kpi` a planner would act on (the KPI catalogue); 0 for a
/// column outside it.
fn min_difference(kpi: &str) -> f64 {
    crate::metrics::kpi(kpi).map_or(0.0, |k| k.min_difference)
}

/// The range of `values`, widened about its centre to at least `span`, so that differences
/// smaller than what matters do not fill the whole colour scale.
fn at_least_span(values: &[f64], span: f64) -> (f64, f64) {
    let finite = || values.iter().copied().filter(|v| v.is_finite());
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo >= span {
        return (lo, hi);
    }
    let mid = (lo + hi) / 2.0;
    (mid - span / 2.0, mid + span / 2.0)
}

/// The sweep's KPI columns (`kpi@date_mean`) whose mean moves across the points by less than
/// the KPI's smallest meaningful difference, and its targets' columns (`p_met_ID`) whose
/// probability does not move at all, and columns with no value at any point (growth in a
/// city whose horizon starts that year): charting them would draw noise, or nothing, as an
/// effect (a full-range heatmap of a count that moves by under one firm). The sweep report
/// lists them in one line instead.
pub fn flat_columns(sweep: &SweepFolder) -> Vec<String> {
    let kpis = sweep.kpi_columns().into_iter().map(|label| {
        let least = min_difference(label.split('@').next().unwrap_or(""));
        (format!("{label}_mean"), least)
    });
    let targets = sweep
        .targets()
        .into_iter()
        .map(|id| (format!("p_met_{id}"), f64::MIN_POSITIVE));
    kpis.chain(targets)
        .filter_map(|(column, least)| {
            let values = sweep.numbers(&column)?;
            let (lo, hi) = values
                .iter()
                .filter(|v| v.is_finite())
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                    (a.min(v), b.max(v))
                });
            (!lo.is_finite() || hi - lo < least).then_some(column)
        })
        .collect()
}

/// One-at-a-time effects: on a grid, each parameter moved to its lowest and highest value
/// with the others at their middle grid value; for sampling designs, from a least-squares
/// linear fit with the others at their mean.
fn tornado(
    design: Design,
    param_values: &[Vec<String>],
    params: &[String],
    values: &[f64],
    kpi: &str,
    unit: &str,
    lang: Lang,
) -> Option<Tornado> {
    let mut effects = Vec::new();
    let base;
    let method;
    if design == Design::Grid {
        let levels: Vec<Vec<String>> = param_values.iter().map(|v| distinct(v)).collect();
        let middle: Vec<&String> = levels.iter().map(|l| &l[(l.len() - 1) / 2]).collect();
        let find = |p: usize, level: &String| -> Option<f64> {
            (0..values.len())
                .find(|&i| {
                    (0..params.len()).all(|q| {
                        param_values[q][i] == if q == p { level } else { middle[q] }.as_str()
                    })
                })
                .map(|i| values[i])
        };
        base = find(0, middle[0])?;
        for (p, l) in levels.iter().enumerate() {
            let (lo, hi) = (l.first()?, l.last()?);
            effects.push(Effect {
                parameter: params[p].clone(),
                at_low: find(p, lo)?,
                at_high: find(p, hi)?,
                low: lo.clone(),
                high: hi.clone(),
            });
        }
        method = words::tornado_method(false, lang).to_owned();
    } else {
        let x: Vec<Vec<f64>> = param_values
            .iter()
            .map(|v| v.iter().map(|s| s.parse().unwrap_or(f64::NAN)).collect())
            .collect();
        let coef = least_squares(&x, values)?;
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let centre: Vec<f64> = x.iter().map(|v| mean(v)).collect();
        base = coef[0]
            + centre
                .iter()
                .zip(&coef[1..])
                .map(|(c, b)| c * b)
                .sum::<f64>();
        for (p, v) in x.iter().enumerate() {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            effects.push(Effect {
                parameter: params[p].clone(),
                at_low: base + coef[p + 1] * (lo - centre[p]),
                at_high: base + coef[p + 1] * (hi - centre[p]),
                low: super::style::axis_number(lo),
                high: super::style::axis_number(hi),
            });
        }
        method = words::tornado_method(true, lang).to_owned();
    }
    // A KPI undefined at the base point or at an end draws an empty chart with a NaN base.
    let defined = |e: &Effect| e.at_low.is_finite() && e.at_high.is_finite();
    if !base.is_finite() || !effects.iter().all(defined) {
        return None;
    }
    effects.sort_by(|a, b| {
        (b.at_high - b.at_low)
            .abs()
            .total_cmp(&(a.at_high - a.at_low).abs())
    });
    Some(Tornado {
        kpi: kpi.to_owned(),
        unit: unit.to_owned(),
        base,
        effects,
        method,
        min_span: 2.0 * min_difference(kpi),
        lang,
    })
}

/// Ordinary least squares y ≈ b0 + Σ bi xi by the normal equations (few parameters).
fn least_squares(x: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    let k = x.len() + 1;
    let rows: Vec<usize> = (0..y.len())
        .filter(|&i| y[i].is_finite() && x.iter().all(|c| c[i].is_finite()))
        .collect();
    if rows.len() <= k {
        return None;
    }
    let feature = |j: usize, i: usize| if j == 0 { 1.0 } else { x[j - 1][i] };
    // Augmented matrix [XᵀX | Xᵀy], solved by Gaussian elimination with partial pivoting.
    let a: Vec<Vec<f64>> = (0..k)
        .map(|r| {
            let mut row: Vec<f64> = (0..k)
                .map(|c| rows.iter().map(|&i| feature(r, i) * feature(c, i)).sum())
                .collect();
            row.push(rows.iter().map(|&i| feature(r, i) * y[i]).sum());
            row
        })
        .collect();
    crate::math::solve_augmented(a, 1e-12)
}

/// A comparison: grouped bars per target, one bar per scenario.
pub fn comparison_charts(c: &Comparison, lang: Lang) -> Vec<Chart> {
    let scenarios: Vec<String> = c.scenarios.iter().map(|s| s.name.clone()).collect();
    let mut groups: Vec<(String, Vec<Option<Bar>>)> = Vec::new();
    let mut index: BTreeMap<(String, Date), usize> = BTreeMap::new();
    for r in c.rows.iter().filter(|r| r.kind == "target") {
        let Some(target) = r.figure_value.filter(|v| *v != 0.0) else {
            continue;
        };
        let g = *index.entry((r.figure.clone(), r.date)).or_insert_with(|| {
            groups.push((
                shorten(
                    &format!(
                        "{} {} {} {}",
                        r.figure,
                        r.date,
                        words::kpi_label(&r.kpi, lang),
                        r.comparator.as_deref().unwrap_or("")
                    ),
                    44,
                ),
                vec![None; scenarios.len()],
            ));
            groups.len() - 1
        });
        if let Some(j) = scenarios.iter().position(|s| *s == r.scenario) {
            let pct = |v: f64| v / target * 100.0;
            groups[g].1[j] = Some(Bar {
                mean: pct(r.mean),
                p05: pct(r.p05),
                p95: pct(r.p95),
            });
        }
    }
    let mut charts = Vec::new();
    if !groups.is_empty() {
        charts.push(Chart {
            name: "compare-targets".into(),
            title: words::compare_targets_title(lang).into(),
            kind: Kind::Bars(Bars {
                scenarios: scenarios.clone(),
                first_colour: 0,
                groups,
                axis: BarAxis::PercentOfTarget,
                lang,
            }),
        });
    }
    charts.extend(effect_chart(c, &scenarios, lang));
    charts
}

/// The paired effects in percentage points (problems resolved, growth) of every scenario
/// against the reference, per KPI and effect date, leaving out dates where nothing differs.
fn effect_chart(c: &Comparison, scenarios: &[String], lang: Lang) -> Option<Chart> {
    let others = scenarios.get(1..)?.to_vec();
    let mut groups: Vec<(String, Vec<Option<Bar>>)> = Vec::new();
    let mut index: BTreeMap<(String, Date), usize> = BTreeMap::new();
    let rows = c
        .rows
        .iter()
        .filter(|r| r.kind == "effect" && r.unit == "%");
    for r in rows {
        let (Some(mean), Some(p05), Some(p95)) = (r.diff_mean, r.diff_p05, r.diff_p95) else {
            continue;
        };
        if mean == 0.0 && p05 == 0.0 && p95 == 0.0 {
            continue; // before the scenarios part ways
        }
        let g = *index.entry((r.kpi.clone(), r.date)).or_insert_with(|| {
            groups.push((
                shorten(
                    &format!("{} {}", words::kpi_label(&r.kpi, lang), r.date),
                    44,
                ),
                vec![None; others.len()],
            ));
            groups.len() - 1
        });
        if let Some(j) = others.iter().position(|s| *s == r.scenario) {
            groups[g].1[j] = Some(Bar { mean, p05, p95 });
        }
    }
    (!groups.is_empty()).then(|| Chart {
        name: "compare-effects".into(),
        title: words::compare_effects_title(lang).into(),
        kind: Kind::Bars(Bars {
            scenarios: others,
            first_colour: 1,
            groups,
            axis: BarAxis::Difference { unit: "pp".into() },
            lang,
        }),
    })
}
