//! `reformsim run`: one scenario, one or more replicates; writes metrics.csv, targets.csv,
//! summary.json, scenario.json, charts/ and report.html, and prints the calibration and
//! target tables.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use super::{CliError, DEFAULT_SCENARIO};
use crate::date::Date;
use crate::engine::{RunResult, run_replicates_with};
use crate::metrics::KPIS;
use crate::output::{StagedFolder, metrics_csv, targets_csv, write_atomic};
use crate::report::{self, CalibrationRow, Spread, TargetRow};

#[derive(Args, Debug)]
pub struct RunArgs {
    /// Scenario file.
    #[arg(default_value = DEFAULT_SCENARIO)]
    scenario: PathBuf,
    /// Master seed (default: the scenario's `scenario.seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Simulate this many days from the scenario's start instead of its whole horizon.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::scenario::MAX_DAYS)))]
    days: Option<u32>,
    /// Number of replicates (seeds spawned from the master seed), run in parallel.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    replicates: u32,
    /// Number of firms instead of the scenario's `population.firms`.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::scenario::MAX_FIRMS)))]
    firms: Option<u32>,
    /// Output folder (default: output/<scenario name>/seed<seed>-x<replicates>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace the results already in the output folder.
    #[arg(long)]
    force: bool,
    /// Check the conservation invariants (firms, tickets, land, money) after every simulated
    /// day, and stop with an error at the first that fails.
    #[arg(long)]
    check_invariants: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Write no charts and no report.html.
    #[arg(long)]
    no_charts: bool,
    /// Language of chart text: `en`, or `zh` for KPI names and units in Chinese (from the KPI
    /// catalogue). Reports and console messages stay in English.
    #[arg(long, value_enum, default_value_t = crate::kpi_catalogue::Lang::En)]
    lang: crate::kpi_catalogue::Lang,
    /// With a posterior (`scenario.posterior`): run the replicates in sets of this many
    /// seeds that share one parameter set, so that `compare` can split each effect's
    /// spread into the part the parameters cause and the part the seeds cause. 1 (the
    /// default) gives every replicate its own parameter set.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=1000))]
    seeds_per_set: u32,
}

/// `summary.json`.
#[derive(Serialize)]
struct Summary<'a> {
    scenario: &'a str,
    scenario_file: String,
    scenario_sha256: &'a str,
    seeds_file: Option<String>,
    seed: u64,
    replicates: u32,
    replicate_seeds: Vec<u64>,
    /// The posterior the replicates drew their parameters from (`scenario.posterior`).
    #[serde(skip_serializing_if = "Option::is_none")]
    posterior: Option<crate::posterior::PosteriorRecord>,
    /// Per replicate, the posterior row it ran with and that row's values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    replicate_parameters: Vec<crate::posterior::ReplicateParameters>,
    /// Replicates per parameter set (`--seeds-per-set`), with a posterior.
    #[serde(skip_serializing_if = "Option::is_none")]
    seeds_per_set: Option<u32>,
    version: &'static str,
    start: Date,
    end: Date,
    days: u32,
    firms: u32,
    wall_seconds: f64,
    calibration: &'a [CalibrationRow],
    targets: &'a [TargetRow],
    /// Every KPI on the last day: mean and 90 % interval over replicates.
    end_values: BTreeMap<&'static str, Spread>,
    /// Outlays per programme and per unit of each figure's KPI change.
    policy_cost: crate::costs::PolicyCost,
}

pub fn run(args: RunArgs) -> Result<(), CliError> {
    if args.scenario == std::path::Path::new(DEFAULT_SCENARIO) && !args.scenario.exists() {
        let here = std::env::current_dir().unwrap_or_default();
        return Err(anyhow::anyhow!(
            "no scenario file given, and the default {DEFAULT_SCENARIO} is not in {}: run from \
             the repository, name a scenario file, or write the baseline into a folder of your \
             own with `reformsim init DIR` and run from there",
            here.display()
        )
        .into());
    }
    let mut loaded = crate::scenario::load(&args.scenario)?;
    let s = &mut loaded.scenario;
    // clap has range-checked both overrides, so the scenario stays valid. A campaign that
    // starts after a shortened horizon simply does not happen in it.
    if let Some(days) = args.days {
        let end = s.scenario.start.add_days(days as i32 - 1);
        if end > s.scenario.end && !args.quiet {
            eprintln!(
                "note: --days {days} runs past the scenario's end {} to {end}; the levers in \
                 force on its last day stay in force",
                s.scenario.end
            );
        }
        s.scenario.end = end;
    }
    let city_firms = s.population.firms;
    if let Some(firms) = args.firms {
        s.population.firms = firms;
    }
    let seed = args.seed.unwrap_or(s.scenario.seed);
    let name = s.scenario.name.clone();
    let out = args.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join(&name)
            .join(run_id(&args, seed))
    });
    // Refuse work that cannot fit in memory, or an occupied folder, before simulating.
    let days = crate::engine::horizon_days(s);
    let memory = crate::memory::estimate_run_bytes(
        s.population.firms,
        days,
        args.replicates,
        rayon::current_num_threads(),
    ) + if args.no_charts {
        0
    } else {
        crate::memory::DRAWING_BYTES
    };
    crate::memory::check_fits(
        &format!(
            "{} replicate(s) of {} firms over {days} days",
            args.replicates, s.population.firms
        ),
        memory,
        "use fewer firms (--firms), fewer days (--days) or fewer replicates (--replicates)",
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let folder = StagedFolder::begin(&out, args.force, "run")?;

    let started = Instant::now();
    let results = run_replicates_with(
        &loaded.scenario,
        seed,
        args.replicates,
        args.check_invariants,
        args.seeds_per_set,
    )
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let wall_seconds = started.elapsed().as_secs_f64();

    let (calibration, targets) = match &loaded.seeds {
        Some(seeds) => (
            report::calibration(seeds, &results),
            report::targets(seeds, &results),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let s = &loaded.scenario;
    let summary = Summary {
        scenario: &name,
        scenario_file: loaded.path.display().to_string(),
        scenario_sha256: &loaded.sha256,
        seeds_file: loaded.seeds.as_ref().map(|x| x.path.display().to_string()),
        seed,
        replicates: args.replicates,
        replicate_seeds: results.iter().map(|r| r.seed).collect(),
        posterior: s.ensemble.as_ref().map(|p| p.record()),
        seeds_per_set: s.ensemble.as_ref().map(|_| args.seeds_per_set),
        replicate_parameters: match &s.ensemble {
            None => Vec::new(),
            Some(p) => results
                .iter()
                .filter_map(|r| {
                    r.posterior_row
                        .map(|row| crate::posterior::ReplicateParameters {
                            replicate: r.replicate,
                            seed: r.seed,
                            row,
                            values: p.values_of(row),
                        })
                })
                .collect(),
        },
        version: env!("CARGO_PKG_VERSION"),
        start: s.scenario.start,
        end: s.scenario.end,
        days: crate::engine::horizon_days(s),
        firms: s.population.firms,
        wall_seconds,
        calibration: &calibration,
        targets: &targets,
        end_values: end_values(&results),
        policy_cost: crate::costs::policy_cost(
            loaded.seeds.as_ref(),
            &results,
            s.innovation.count_from,
        ),
    };

    let dir = folder.path();
    // `[outputs]` thins metrics.csv; the rows of every figure's and target's date stay, so
    // compare and the charts find them.
    let mut always: Vec<crate::date::Date> = s.outputs.dates.clone();
    if let Some(seeds) = &loaded.seeds {
        always.extend(
            seeds
                .observed()
                .chain(seeds.targets())
                .filter_map(|f| f.date),
        );
    }
    always.sort();
    always.dedup();
    let last_day = results
        .first()
        .and_then(|r| r.rows.last())
        .map_or(s.scenario.end, |row| row.date);
    write_atomic(
        &dir.join("metrics.csv"),
        &crate::output::thin_metrics_csv(&metrics_csv(&results)?, &s.outputs, last_day, &always)?,
    )?;
    write_atomic(&dir.join("targets.csv"), &targets_csv(&targets)?)?;
    if loaded.seeds.is_some() {
        write_atomic(
            &dir.join("calibration.csv"),
            &crate::output::calibration_csv(&calibration)?,
        )?;
    }
    let mut json = serde_json::to_vec_pretty(&summary).context("cannot serialise summary.json")?;
    json.push(b'\n');
    write_atomic(&dir.join("summary.json"), &json)?;
    // The scenario as run (overrides applied), so `compare` can diff levers from the folder.
    let mut resolved =
        serde_json::to_vec_pretty(&loaded.scenario).context("cannot serialise scenario.json")?;
    resolved.push(b'\n');
    write_atomic(&dir.join("scenario.json"), &resolved)?;
    crate::workbook::write_workbook(
        dir,
        &[
            ("metrics", "metrics.csv"),
            ("targets", "targets.csv"),
            ("calibration", "calibration.csv"),
        ],
    )?;
    // Charts and report.html are drawn in the staging folder too: the run folder appears
    // with all of them or not at all.
    let drawn = if args.no_charts {
        None
    } else {
        Some(super::chart::draw_folder(
            dir,
            crate::chart::Format::Both,
            args.lang,
        )?)
    };
    folder.commit()?;

    if !args.quiet {
        // The peak so far covers the simulation, the files, the charts and the report.
        let peak = crate::memory::peak_rss_bytes().map_or_else(String::new, |b| {
            format!(", peak {}", crate::memory::human(b))
        });
        println!(
            "{name}: {} firms, {} days, {} replicate(s), seed {seed}, {wall_seconds:.2} s (memory estimate {}{peak})",
            s.population.firms,
            summary.days,
            args.replicates,
            crate::memory::human(memory)
        );
        let calibration_file = if loaded.seeds.is_some() {
            "calibration.csv,"
        } else {
            ""
        };
        println!(
            "wrote {}/{{metrics.csv,targets.csv,{calibration_file}summary.json,scenario.json,workbook.xlsx}}",
            out.display()
        );
        if let Some(d) = &drawn {
            super::chart::print_drawn(&out, d);
        }
        println!();
        if loaded.seeds.is_some() {
            println!("Calibration against observed figures:");
            println!("{}", report::calibration_text(&calibration));
            if s.population.firms != city_firms {
                println!(
                    "note: --firms {} instead of the scenario's {city_firms}: counts (firms, \
                     visits, tickets, money) are of a city of another size and are not scaled, \
                     so their rows cannot match the observed figures; rates and growth can\n",
                    s.population.firms
                );
            }
            println!("Targets:");
            println!("{}", report::targets_text(&targets));
            println!(
                "Policy cost (mean over replicates; per unit = outlay of the programmes serving the KPI / its change):"
            );
            println!("{}", crate::costs::policy_cost_text(&summary.policy_cost));
        } else {
            println!(
                "(the scenario names no seeds file, so there is no calibration or target table)"
            );
        }
    }
    Ok(())
}

/// The default run folder's name: the seed and replicates, plus any override, so that runs
/// that differ never share a folder.
fn run_id(args: &RunArgs, seed: u64) -> String {
    let mut id = format!("seed{seed}-x{}", args.replicates);
    if let Some(days) = args.days {
        id.push_str(&format!("-d{days}"));
    }
    if let Some(firms) = args.firms {
        id.push_str(&format!("-f{firms}"));
    }
    id
}

/// Every KPI on each replicate's last day, as a spread over replicates.
fn end_values(results: &[RunResult]) -> BTreeMap<&'static str, Spread> {
    KPIS.iter()
        .filter_map(|k| {
            let values: Vec<f64> = results
                .iter()
                .filter_map(|r| r.rows.last()?.get(k.key))
                .collect();
            Some((k.key, report::spread(&values)?))
        })
        .collect()
}
