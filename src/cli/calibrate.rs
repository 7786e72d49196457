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
    /// `nelder-mead`: the one best point (replicate means against the figures), written as
    /// calibrated.toml. `abc`: a posterior by approximate Bayesian computation (rejection,
    /// the file's `[abc]` draws and accept share, each `[[parameters]]` range and
    /// distribution as the prior), written as posterior.csv for `[scenario] posterior`,
    /// with identification.csv saying what the figures pin down.
    #[arg(long, value_enum, default_value_t = Method::NelderMead)]
    pub method: Method,
    /// With `--method abc`: read the draws from a finished sweep of this file instead of
    /// running them here. `reformsim sweep FILE` runs a calibration file's draws as a sweep
    /// (output/sweeps/<name>-draws), with `--resume`, `--shard`, `--merge` and `--slurm`;
    /// the posterior is the same, to the byte.
    #[arg(long, value_name = "DIR")]
    pub from_sweep: Option<PathBuf>,
    /// Language of the charts' text.
    #[arg(long, value_enum, default_value_t = crate::kpi_catalogue::Lang::En)]
    pub lang: crate::kpi_catalogue::Lang,
}

/// How `calibrate` fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    NelderMead,
    Abc,
}

pub fn calibrate(args: CalibrateArgs) -> Result<(), CliError> {
    let c = calibrate::load(&args.file)?;
    if args.from_sweep.is_some() && args.method != Method::Abc {
        return Err(anyhow::anyhow!(
            "--from-sweep reads ABC draws: add `--method abc` (Nelder–Mead chooses its points as it goes)"
        )
        .into());
    }
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join("calibration")
            .join(&c.header.name)
    });
    let folder = StagedFolder::begin(&out, args.force, "calibration")?;
    if args.method == Method::Abc {
        return calibrate_abc(&args, &c, &out, folder);
    }
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
            c.runs_end(),
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
            title: crate::chart::words::objective_trace_title(&c.header.name, args.lang),
            kind: crate::chart::Kind::Trace(crate::chart::Trace {
                lang: args.lang,
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

/// `--method abc`: the prior draws, the kept ones, and the files of `abc_files`.
fn calibrate_abc(
    args: &CalibrateArgs,
    c: &Calibration,
    out: &std::path::Path,
    folder: StagedFolder,
) -> Result<(), CliError> {
    let jobs = super::sweep::worker_jobs(args.jobs.map(|j| j as usize), c.abc.draws, args.quiet);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .context("cannot start the worker threads")?;
    let runs_end = c.runs_end();
    if let Some(dir) = &args.from_sweep {
        if !args.quiet {
            println!(
                "{}: ABC over {} parameter(s), the {} draws the sweep in {} ran, keeping the nearest {} against {} figure(s)",
                c.header.name,
                c.parameters.len(),
                c.abc.draws,
                dir.display(),
                c.abc.keep(),
                c.targets.len(),
            );
        }
    } else if !args.quiet {
        println!(
            "{}: ABC over {} parameter(s), {} prior draws (one run each, to {runs_end}), keeping the nearest {} against {} figure(s)",
            c.header.name,
            c.parameters.len(),
            c.abc.draws,
            c.abc.keep(),
            c.targets.len(),
        );
    }
    let started = Instant::now();
    let progress = std::sync::Mutex::new(crate::sweep::Progress::new(
        args.quiet,
        c.abc.draws,
        0,
        &c.header.name,
    ));
    let tick = |done: u64| {
        if let Ok(mut p) = progress.lock() {
            p.tick(done);
        }
    };
    let outcome = match &args.from_sweep {
        Some(dir) => calibrate::calibrate_abc_from_sweep(c, dir)?,
        None => {
            let outcome = pool.install(|| calibrate::calibrate_abc(c, &tick))?;
            if let Ok(p) = progress.lock() {
                p.finish();
            }
            outcome
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let dir = folder.path();
    write_atomic(
        &dir.join("posterior.csv"),
        &calibrate::posterior_csv(c, &outcome)?,
    )?;
    write_atomic(
        &dir.join("identification.csv"),
        &calibrate::identification_csv(c, &outcome)?,
    )?;
    write_atomic(
        &dir.join("predictive.csv"),
        &calibrate::predictive_csv(c, &outcome)?,
    )?;
    write_atomic(&dir.join("draws.csv"), &calibrate::draws_csv(c, &outcome)?)?;
    write_atomic(
        &dir.join("calibration.json"),
        &calibrate::abc_json(c, &outcome)?,
    )?;
    if !args.no_charts {
        crate::chart::write_charts(
            dir,
            &[prior_posterior_chart(c, &outcome, args.lang)],
            crate::chart::Format::Both,
        )?;
    }
    folder.commit()?;
    if !args.quiet {
        let how = if args.from_sweep.is_some() {
            "read from the sweep"
        } else {
            "run"
        };
        println!(
            "{} draws {how} in {seconds:.1} s; kept {} within {} tolerance units",
            c.abc.draws,
            outcome.posterior.kept.len(),
            fmt_value(outcome.posterior.epsilon)
        );
        let mut t = vec![vec![
            "parameter".to_owned(),
            "prior 90 %".to_owned(),
            "posterior 90 %".to_owned(),
            "width ratio".to_owned(),
            "identified".to_owned(),
        ]];
        for r in calibrate::identification_rows(c, &outcome) {
            t.push(vec![
                r.parameter,
                format!("{} – {}", fmt_value(r.prior_p05), fmt_value(r.prior_p95)),
                format!(
                    "{} – {}",
                    fmt_value(r.posterior_p05),
                    fmt_value(r.posterior_p95)
                ),
                format!("{:.2}", r.width_ratio),
                r.identified.to_owned(),
            ]);
        }
        println!("{}", table(&t));
        let mut p = vec![vec![
            "figure".to_owned(),
            "kpi".to_owned(),
            "observed".to_owned(),
            "posterior 90 %".to_owned(),
            "inside".to_owned(),
        ]];
        for r in calibrate::predictive_rows(c, &outcome) {
            p.push(vec![
                r.figure,
                format!("{}@{}", r.kpi, r.date),
                fmt_value(r.observed),
                format!(
                    "{} – {}",
                    fmt_value(r.posterior_p05),
                    fmt_value(r.posterior_p95)
                ),
                if r.observed_inside { "yes" } else { "no" }.to_owned(),
            ]);
        }
        println!("{}", table(&p));
        println!(
            "wrote {}/{{posterior.csv,identification.csv,predictive.csv,draws.csv,calibration.json{}}}",
            out.display(),
            if args.no_charts {
                ""
            } else {
                ",charts/prior_posterior.{png,svg}"
            }
        );
    }
    Ok(())
}

/// Per parameter, where the prior's and the posterior's medians and 90 % ranges lie, as a
/// share (%) of the prior's range from its low end.
fn prior_posterior_chart(
    c: &Calibration,
    o: &calibrate::AbcOutcome,
    lang: crate::kpi_catalogue::Lang,
) -> crate::chart::Chart {
    use crate::chart::{Bar, BarAxis, Bars, Chart, Kind};
    let groups = calibrate::identification_rows(c, o)
        .into_iter()
        .map(|r| {
            let at = |x: f64| 100.0 * (x - r.prior_low) / (r.prior_high - r.prior_low);
            let prior_median = at(o
                .priors
                .iter()
                .zip(&c.parameters)
                .find(|(_, p)| p.key == r.parameter)
                .map_or(f64::NAN, |(q, _)| q.quantile(0.5)));
            (
                r.parameter.clone(),
                vec![
                    Some(Bar {
                        mean: prior_median,
                        p05: at(r.prior_p05),
                        p95: at(r.prior_p95),
                    }),
                    Some(Bar {
                        mean: at(r.posterior_median),
                        p05: at(r.posterior_p05),
                        p95: at(r.posterior_p95),
                    }),
                ],
            )
        })
        .collect();
    Chart {
        name: "prior_posterior".into(),
        title: crate::chart::words::prior_posterior_title(&c.header.name, lang),
        kind: Kind::Bars(Bars {
            scenarios: crate::chart::words::prior_and_posterior(lang)
                .map(str::to_owned)
                .to_vec(),
            first_colour: 0,
            groups,
            axis: BarAxis::ShareOfRange,
            lang,
        }),
    }
}
