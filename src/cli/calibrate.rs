//! `reformsim calibrate CALIB.toml`: fit scenario parameters to the briefing's observed
//! figures (argmin's Nelder–Mead on the replicate-mean relative errors) and write the
//! calibrated scenario, the fit per figure, the objective's trace and its chart. Every file
//! is written in a staging folder that replaces the output folder at the end, so a failed or
//! killed calibration leaves nothing half-written.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::CliError;
use crate::calibrate::{self, Calibration, Outcome};
use crate::output::{StagedFolder, write_atomic};
use crate::report::{fmt_value, table};

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    /// Calibration file (see scenarios/calibration/baseline.toml).
    pub file: PathBuf,
    /// Output folder (default: output/calibration/<name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the results already in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Worker threads for the replicates of each evaluation (default: all cores). The
    /// results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub jobs: Option<u32>,
    /// Draw no chart of the objective's trace.
    #[arg(long)]
    pub no_charts: bool,
}

pub fn calibrate(args: CalibrateArgs) -> Result<(), CliError> {
    let c = calibrate::load(&args.file)?;
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join("calibration")
            .join(&c.header.name)
    });
    let folder = StagedFolder::begin(&out, args.force, "calibration")?;
    let jobs = super::sweep::worker_jobs(
        args.jobs.map(|j| j as usize),
        u64::from(c.header.replicates),
        args.quiet,
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .context("cannot start the worker threads")?;
    if !args.quiet {
        println!(
            "{}: fitting {} parameter(s) to {} figure(s), {} replicate(s) per evaluation, runs to {}, at most {} iterations",
            c.header.name,
            c.parameters.len(),
            c.targets.len(),
            c.header.replicates,
            c.targets
                .iter()
                .map(|t| t.date)
                .max()
                .map_or_else(String::new, |d| d.to_string()),
            c.optimiser.max_iterations
        );
    }
    let started = Instant::now();
    let outcome = pool.install(|| calibrate::calibrate(&c))?;
    let seconds = started.elapsed().as_secs_f64();

    let dir = folder.path();
    write_atomic(
        &dir.join("calibrated.toml"),
        calibrate::calibrated_toml(&c, &outcome.fitted_values, &out)?.as_bytes(),
    )?;
    write_atomic(&dir.join("fit.csv"), &calibrate::fit_csv(&c, &outcome)?)?;
    write_atomic(&dir.join("trace.csv"), &calibrate::trace_csv(&c, &outcome)?)?;
    write_atomic(
        &dir.join("calibration.json"),
        &calibrate::calibration_json(&c, &outcome)?,
    )?;
    if !args.no_charts {
        let chart = crate::chart::Chart {
            name: "objective_trace".into(),
            title: format!("Calibration {}: best objective by iteration", c.header.name),
            kind: crate::chart::Kind::Trace(crate::chart::Trace {
                points: outcome
                    .optimum
                    .trace
                    .iter()
                    .map(|r| (r.iteration, r.best_objective))
                    .collect(),
            }),
        };
        crate::chart::write_charts(dir, &[chart], crate::chart::Format::Both)?;
    }
    folder.commit()?;
    if !args.quiet {
        print_report(&c, &outcome, seconds);
        println!(
            "wrote {}/{{calibrated.toml,fit.csv,trace.csv,calibration.json{}}}",
            out.display(),
            if args.no_charts {
                ""
            } else {
                ",charts/objective_trace.{png,svg}"
            }
        );
    }
    Ok(())
}

fn print_report(c: &Calibration, o: &Outcome, seconds: f64) {
    println!(
        "{} after {} iterations, {} evaluations, {seconds:.1} s; objective {} → {}",
        o.optimum.stopped,
        o.optimum.iterations,
        o.optimum.evaluations,
        fmt_value(o.start.objective),
        fmt_value(o.fitted.objective)
    );
    let mut params = vec![vec![
        "parameter".to_owned(),
        "min".to_owned(),
        "max".to_owned(),
        "start".to_owned(),
        "fitted".to_owned(),
    ]];
    for ((p, s), f) in c
        .parameters
        .iter()
        .zip(&o.start_values)
        .zip(&o.fitted_values)
    {
        params.push(vec![
            p.key.clone(),
            fmt_value(p.min),
            fmt_value(p.max),
            fmt_value(*s),
            fmt_value(*f),
        ]);
    }
    println!("{}", table(&params));
    let mut fit = vec![vec![
        "figure".to_owned(),
        "kpi".to_owned(),
        "observed".to_owned(),
        "start".to_owned(),
        "fitted".to_owned(),
        "rel. error".to_owned(),
        "tolerance".to_owned(),
        "within".to_owned(),
    ]];
    let start = calibrate::fit_rows(c, &o.start);
    for (row, s) in calibrate::fit_rows(c, &o.fitted).iter().zip(&start) {
        let v = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), fmt_value);
        fit.push(vec![
            row.figure.clone(),
            format!("{}@{}", row.kpi, row.date),
            fmt_value(row.observed),
            v(s.simulated_mean),
            v(row.simulated_mean),
            format!("{:+.2} %", 100.0 * row.relative_error),
            crate::seeds::tolerance_text(row.tolerance, &row.tolerance_unit),
            if row.within_tolerance { "yes" } else { "no" }.to_owned(),
        ]);
    }
    println!("{}", table(&fit));
}
