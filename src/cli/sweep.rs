//! `reformsim sweep SWEEP` and `reformsim merge DIR... --out DIR`.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;

use super::CliError;
use crate::sweep::{self, Options};

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// The sweep file.
    pub sweep: PathBuf,
    /// Worker threads (default: every core).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Run only shard I of N (1-based), e.g. `--shard 2/4`. Without it, Slurm job arrays
    /// (SLURM_ARRAY_TASK_ID, _MIN, _STEP, _COUNT) or Kubernetes Indexed Jobs
    /// (JOB_COMPLETION_INDEX with --shards N) choose the shard.
    #[arg(long, value_name = "I/N", conflicts_with = "shards", value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Number of shards, with the index from JOB_COMPLETION_INDEX (0-based).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub shards: Option<u64>,
    /// Skip the runs already written; finish an interrupted sweep.
    #[arg(long)]
    pub resume: bool,
    /// Replace earlier results in the output folder.
    #[arg(long, conflicts_with = "resume")]
    pub force: bool,
    /// Print the number of runs and a time estimate, and run nothing.
    #[arg(long)]
    pub plan: bool,
    /// Output folder (default `output/sweeps/<name>`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress bar or log lines.
    #[arg(long, short)]
    pub quiet: bool,
    /// Write no charts and no report.html (a shard never writes them; run `reformsim
    /// chart` on the merged folder).
    #[arg(long)]
    pub no_charts: bool,
    /// Language of chart text: `en`, or `zh` for KPI names and units in Chinese (from the KPI
    /// catalogue). Reports and console messages stay in English.
    #[arg(long, value_enum, default_value_t = crate::kpi_catalogue::Lang::En)]
    pub lang: crate::kpi_catalogue::Lang,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Folders holding shard outputs.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the merged sweep.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an earlier merged sweep in the output folder.
    #[arg(long)]
    pub force: bool,
}

/// `--shard I/N`: a usage error (exit 2) unless 1 ≤ I ≤ N.
fn parse_shard(spec: &str) -> Result<(u64, u64), String> {
    let expected = || format!("expected I/N with 1 ≤ I ≤ N, e.g. 2/4; got `{spec}`");
    let (i, n) = spec.split_once('/').ok_or_else(expected)?;
    let (i, n): (u64, u64) = match (i.trim().parse(), n.trim().parse()) {
        (Ok(i), Ok(n)) => (i, n),
        _ => return Err(expected()),
    };
    if i == 0 || i > n {
        return Err(expected());
    }
    Ok((i, n))
}

/// Worker threads for `runs` runs: `--jobs`, or every core, but never more than the cores
/// (more threads than cores only add memory and switching) nor than the runs. Says so when
/// it cuts a `--jobs` the user gave.
pub(crate) fn worker_jobs(asked: Option<usize>, runs: u64, quiet: bool) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let wanted = asked.unwrap_or(cores);
    let jobs = wanted
        .min(cores)
        .min(usize::try_from(runs).unwrap_or(usize::MAX))
        .max(1);
    if asked.is_some() && jobs < wanted && !quiet {
        eprintln!("note: --jobs {wanted} cut to {jobs} ({cores} core(s), {runs} run(s) to do)");
    }
    jobs
}

/// The shard to run: `--shard I/N`, else `--shards N` with JOB_COMPLETION_INDEX, else a
/// Slurm array task; `None` runs everything.
fn shard(args: &SweepArgs) -> anyhow::Result<Option<(u64, u64)>> {
    let env = |k: &str| std::env::var(k).ok();
    let num = |k: &str, v: String| -> anyhow::Result<u64> {
        v.trim()
            .parse()
            .with_context(|| format!("{k} = `{v}` is not a whole number"))
    };
    let (i, n) = if let Some(shard) = args.shard {
        return Ok(Some(shard));
    } else if let Some(n) = args.shards {
        let index = env("JOB_COMPLETION_INDEX").context(
            "--shards N takes the shard index from JOB_COMPLETION_INDEX, which is not set",
        )?;
        (num("JOB_COMPLETION_INDEX", index)? + 1, n)
    } else if let Some(id) = env("SLURM_ARRAY_TASK_ID") {
        let id = num("SLURM_ARRAY_TASK_ID", id)?;
        let min = env("SLURM_ARRAY_TASK_MIN").map_or(Ok(0), |v| num("SLURM_ARRAY_TASK_MIN", v))?;
        let step =
            env("SLURM_ARRAY_TASK_STEP").map_or(Ok(1), |v| num("SLURM_ARRAY_TASK_STEP", v))?;
        let count = env("SLURM_ARRAY_TASK_COUNT")
            .context("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not")?;
        let count = num("SLURM_ARRAY_TASK_COUNT", count)?;
        if step == 0 || id < min || (id - min) % step != 0 {
            bail!("SLURM_ARRAY_TASK_ID {id} is not MIN + k × STEP ({min}, {step})");
        }
        ((id - min) / step + 1, count)
    } else {
        return Ok(None);
    };
    if n == 0 || i == 0 || i > n {
        bail!("shard {i}/{n}: need 1 ≤ I ≤ N");
    }
    Ok(Some((i, n)))
}

pub fn sweep(args: &SweepArgs) -> Result<(), CliError> {
    let sweep = sweep::load(&args.sweep)?;
    let shard = shard(args)?;
    let runs = match shard {
        None => sweep.runs(),
        Some((i, n)) => {
            let s = sweep::Shard::new(i, n, sweep.points(), sweep.header.replicates);
            s.end_run - s.first_run
        }
    };
    let jobs = worker_jobs(args.jobs.map(usize::from), runs, args.quiet);
    if args.plan {
        print_plan(&sweep, shard, runs, jobs);
        return Ok(());
    }
    // Each worker holds one world; finished runs stream to disk. The base scenario's size
    // stands for every point (a sweep over `population.firms` may need more).
    let base = &sweep.base.scenario;
    let days = crate::engine::horizon_days(base);
    crate::memory::check_fits(
        &format!(
            "{jobs} job(s) of {} firms over {days} days",
            base.population.firms
        ),
        crate::memory::estimate_run_bytes(base.population.firms, days, jobs as u32, jobs),
        "use fewer jobs (--jobs) or a smaller base scenario",
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let out = out_dir(args, &sweep);
    let started = Instant::now();
    let outcome = sweep::execute(
        &sweep,
        &Options {
            out: out.clone(),
            jobs,
            shard,
            resume: args.resume,
            force: args.force,
            quiet: args.quiet,
        },
    )?;
    // Charts and the workbook need the whole points table, so only an unsharded sweep
    // writes them (`sweep merge` writes the workbook of a sharded one).
    if shard.is_none() {
        crate::workbook::write_workbook(&out, SWEEP_SHEETS)?;
    }
    let drawn = if args.no_charts || shard.is_some() {
        None
    } else {
        Some(super::chart::draw_folder(
            &out,
            crate::chart::Format::Both,
            args.lang,
        )?)
    };
    if !args.quiet {
        let names: Vec<String> = outcome
            .files
            .iter()
            .map(|f| {
                f.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        if outcome.already_complete {
            println!(
                "{}: already complete in {}",
                sweep.header.name,
                out.display()
            );
        } else {
            println!(
                "{}: {} of {} runs done now ({} already written), {jobs} jobs, {:.1} s",
                sweep.header.name,
                outcome.runs_done_now,
                outcome.runs_total,
                outcome.runs_total - outcome.runs_done_now,
                started.elapsed().as_secs_f64()
            );
        }
        println!("wrote {}/{{{}}}", out.display(), names.join(","));
        if let Some(d) = &drawn {
            super::chart::print_drawn(&out, d);
        }
    }
    Ok(())
}

/// The sweep's output folder: `--out`, or `output/sweeps/<name>`.
pub(crate) fn out_dir(args: &SweepArgs, sweep: &sweep::Sweep) -> PathBuf {
    args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join("sweeps")
            .join(&sweep.header.name)
    })
}

fn print_plan(sweep: &sweep::Sweep, shard: Option<(u64, u64)>, runs: u64, jobs: usize) {
    let h = &sweep.header;
    println!(
        "sweep {}: design {:?}, {} parameter(s), {} point(s) × {} replicate(s) = {} runs",
        h.name,
        h.design,
        sweep.parameters.len(),
        sweep.points(),
        h.replicates,
        sweep.runs()
    );
    if let Some((i, n)) = shard {
        println!("this shard ({i}/{n}) runs {runs} of them");
    }
    // Time a short run of the base scenario and scale it to the horizon and the runs.
    let s = &sweep.base.scenario;
    let days = crate::engine::horizon_days(s);
    let mut probe = s.clone();
    let probe_days = days.min(60);
    probe.scenario.end = probe.scenario.start.add_days(probe_days as i32 - 1);
    probe.timeline.retain(|e| e.date <= probe.scenario.end);
    let t = Instant::now();
    let _ = crate::engine::Simulation::new(&probe, sweep.master_seed).run();
    let per_run = t.elapsed().as_secs_f64() / f64::from(probe_days.max(1)) * f64::from(days);
    let total = per_run * runs as f64 / jobs as f64;
    println!(
        "estimate: ≈ {per_run:.2} s per run ({} firms, {days} days; timed on {probe_days} days), ≈ {} on {jobs} job(s)",
        s.population.firms,
        human(total)
    );
}

fn human(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else if seconds < 7200.0 {
        format!("{:.0} min", seconds / 60.0)
    } else {
        format!("{:.1} h", seconds / 3600.0)
    }
}

/// The sheets of a sweep folder's workbook: the per-point means first, then every run.
pub const SWEEP_SHEETS: &[(&str, &str)] = &[("points", "points.csv"), ("runs", "runs.csv")];

pub fn merge(args: MergeArgs) -> Result<(), CliError> {
    let n = sweep::merge(&args.dirs, &args.out, args.force)?;
    crate::workbook::write_workbook(&args.out, SWEEP_SHEETS)?;
    println!(
        "merged {n} shard(s) into {}/{{runs.csv,points.csv,manifest.json,workbook.xlsx}}",
        args.out.display()
    );
    Ok(())
}
