//! `reformsim sensitivity SWEEP`: which levers move which KPI. The sweep file's design is
//! `saltelli` (Sobol first-order and total indices) or `morris` (μ*, σ); the runs go through
//! the sweep machinery, so they resume and shard like any sweep. Once every run is in, the
//! per-point means of each KPI column of `points.csv` are analysed (replicates averaged) and
//! `sensitivity.csv` and `sensitivity.json` are written next to the sweep's files.

use std::path::Path;

use anyhow::{Context, bail};
use clap::Args;
use serde::Serialize;

use super::CliError;
use super::sweep::{SweepArgs, out_dir};
use crate::output::write_atomic;
use crate::sensitivity::{Interval, feasibility, morris, saltelli};
use crate::sweep::{self, Design};

#[derive(Args, Debug)]
pub struct SensitivityArgs {
    #[command(flatten)]
    pub sweep: SweepArgs,
    /// Bootstrap resamples for the confidence intervals.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(10..=100_000))]
    pub resamples: u32,
}

/// Confidence level of the intervals.
const LEVEL: f64 = 0.9;

/// One index of one lever for one KPI column.
#[derive(Serialize)]
struct Row {
    kpi: String,
    parameter: String,
    index: &'static str,
    estimate: f64,
    low: f64,
    high: f64,
}

pub fn sensitivity(args: SensitivityArgs) -> Result<(), CliError> {
    let spec = sweep::load(&args.sweep.sweep)?;
    let design = spec.header.design;
    if !matches!(design, Design::Saltelli | Design::Morris) {
        return Err(crate::input::InputErrors(vec![crate::input::InputError {
            file: spec.path.clone(),
            line: None,
            key: Some("sweep.design".into()),
            message: format!(
                "sensitivity needs design = \"saltelli\" or \"morris\", got {design:?}"
            ),
        }])
        .into());
    }
    super::sweep::sweep(&args.sweep)?;
    if args.sweep.plan {
        return Ok(());
    }
    let out = out_dir(&args.sweep, &spec);
    let points = out.join("points.csv");
    if !points.is_file() {
        // A shard: the indices need every run. Merge the shards, then run this again.
        if !args.sweep.quiet {
            println!(
                "sensitivity: this shard is done; merge the shards (`reformsim merge`) and run \
                 `reformsim sensitivity` on the merged folder to compute the indices"
            );
        }
        return Ok(());
    }
    let (names, columns) = read_means(&points)?;
    let k = spec.parameters.len();
    let samples = spec.header.samples.unwrap_or(0) as usize;
    let seed = spec.master_seed;
    let mut rows = Vec::new();
    for (kpi, y) in &columns {
        if y.iter().any(|v| !v.is_finite()) {
            continue; // undefined at some point (e.g. a rate before any ticket)
        }
        let mut push = |p: usize, index: &'static str, i: Interval| {
            rows.push(Row {
                kpi: kpi.clone(),
                parameter: names[p].clone(),
                index,
                estimate: i.estimate,
                low: i.low,
                high: i.high,
            })
        };
        match design {
            Design::Saltelli => {
                let d = saltelli::Design::new(k, samples);
                let got = saltelli::analyse(&d, y, args.resamples as usize, LEVEL, seed);
                for p in 0..k {
                    push(p, "S1", got.first[p]);
                    push(p, "ST", got.total[p]);
                }
            }
            _ => {
                let d = morris::Design::new(k, samples, sweep::MORRIS_LEVELS, seed);
                let effects = morris::analyse(&d, y);
                let stars = morris::mu_star_intervals(&d, y, args.resamples as usize, LEVEL, seed);
                for p in 0..k {
                    push(p, "mu_star", stars[p]);
                    let sigma = effects[p].sigma;
                    push(
                        p,
                        "sigma",
                        Interval {
                            estimate: sigma,
                            low: f64::NAN,
                            high: f64::NAN,
                        },
                    );
                }
            }
        }
    }
    write_atomic(&out.join("sensitivity.csv"), &to_csv(&rows)?)?;
    let mut json = serde_json::to_vec_pretty(&rows).context("cannot serialise sensitivity.json")?;
    json.push(b'\n');
    write_atomic(&out.join("sensitivity.json"), &json)?;
    // Target feasibility over the explored points (`sensitivity::feasibility`).
    let folder = crate::folders::SweepFolder::load(&out)?;
    let feasible = feasibility::feasibility(&folder);
    write_atomic(
        &out.join("feasibility.csv"),
        &feasibility::feasibility_csv(&feasible)?,
    )?;
    crate::workbook::write_workbook(
        &out,
        &[
            ("sensitivity", "sensitivity.csv"),
            ("feasibility", "feasibility.csv"),
            ("points", "points.csv"),
            ("runs", "runs.csv"),
        ],
    )?;
    // Redraw the folder's charts now that sensitivity.csv is there: the index bar charts
    // join the sweep's, and report.html shows them.
    let drawn = if args.sweep.no_charts {
        None
    } else {
        Some(super::chart::draw_folder(
            &out,
            crate::chart::Format::Both,
            args.sweep.lang,
        )?)
    };
    if !args.sweep.quiet {
        print_rankings(&rows, design);
        if !feasible.is_empty() {
            println!(
                "\nTarget feasibility: P(met) over the explored points, and each lever's range over the points meeting the target in ≥ {:.0} % of replicates:",
                feasibility::RELIABLE * 100.0
            );
            println!("{}", feasibility::feasibility_text(&feasible));
        }
        println!(
            "wrote {}/{{sensitivity.csv,sensitivity.json,feasibility.csv}}",
            out.display()
        );
        if let Some(d) = &drawn {
            super::chart::print_drawn(&out, d);
        }
    }
    Ok(())
}

/// The swept parameters' names and, per KPI column, its per-point means in point order.
type Means = (Vec<String>, Vec<(String, Vec<f64>)>);

fn read_means(points: &Path) -> anyhow::Result<Means> {
    let mut r = csv::Reader::from_path(points)
        .with_context(|| format!("cannot read {}", points.display()))?;
    let header: Vec<String> = r.headers()?.iter().map(str::to_owned).collect();
    let first_kpi = header
        .iter()
        .position(|h| h.ends_with("_mean"))
        .with_context(|| format!("{} has no KPI columns", points.display()))?;
    let names = header[2..first_kpi].to_vec();
    let kpis: Vec<(usize, String)> = header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.strip_suffix("_mean").map(|k| (i, k.to_owned())))
        .collect();
    let mut columns: Vec<(String, Vec<f64>)> =
        kpis.iter().map(|(_, k)| (k.clone(), Vec::new())).collect();
    for (n, record) in r.records().enumerate() {
        let record = record?;
        if record.get(0) != Some(n.to_string().as_str()) {
            bail!("{}: rows out of point order at row {n}", points.display());
        }
        for ((i, _), (_, y)) in kpis.iter().zip(columns.iter_mut()) {
            y.push(
                record
                    .get(*i)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(f64::NAN),
            );
        }
    }
    Ok((names, columns))
}

fn to_csv(rows: &[Row]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.serialize(row)?;
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish sensitivity.csv: {e}"))
}

/// Ranks the levers for the KPIs planners ask about first, by total index or μ*.
fn print_rankings(rows: &[Row], design: Design) {
    let index = if design == Design::Saltelli {
        "ST"
    } else {
        "mu_star"
    };
    for kpi in [
        "resolution_rate",
        "value_added_growth_ytd",
        "smart_factories_new",
    ] {
        let mut of: Vec<&Row> = rows
            .iter()
            .filter(|r| r.index == index && r.kpi.split('@').next() == Some(kpi))
            .collect();
        if of.is_empty() {
            continue;
        }
        of.sort_by(|a, b| b.estimate.total_cmp(&a.estimate));
        println!("\n{} — levers by {index} (90 % interval):", of[0].kpi);
        let mut table = vec![vec![
            "rank".to_owned(),
            "lever".to_owned(),
            index.to_owned(),
            "interval".to_owned(),
        ]];
        for (n, r) in of.iter().enumerate() {
            table.push(vec![
                (n + 1).to_string(),
                r.parameter.clone(),
                crate::report::fmt_value(r.estimate),
                format!(
                    "{} – {}",
                    crate::report::fmt_value(r.low),
                    crate::report::fmt_value(r.high)
                ),
            ]);
        }
        println!("{}", crate::report::table(&table));
    }
}
