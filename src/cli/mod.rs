//! The command line: arguments are parsed into typed options, each command runs as a library
//! call, and every failure maps to an exit code (0 ok, 1 invalid input or failed output,
//! 2 usage error). Nothing here panics on user input.

mod bench;
mod calibrate;
mod chart;
mod compare;
mod init;
mod run;
mod sensitivity;
mod sweep;
mod validate;

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::input::InputErrors;

/// The default scenario, relative to the working directory.
pub const DEFAULT_SCENARIO: &str = "scenarios/chengdu-baseline.toml";

#[derive(Parser, Debug)]
#[command(
    name = "reformsim",
    version,
    about = "Simulate city reform scenarios: firms, parks and departments, day by day."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The kinds of file `reformsim schema` describes.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum SchemaKind {
    Scenario,
    Priors,
    Sweep,
    Calibration,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a scenario and write metrics.csv, targets.csv, summary.json, scenario.json,
    /// charts/ and report.html.
    Run(run::RunArgs),
    /// Check scenario and seeds files; print every problem found; exit 1 if any.
    Validate {
        /// Files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of scenario, priors, sweep or calibration files (for editors).
    Schema {
        /// Which files the schema is for.
        #[arg(long, value_enum, default_value = "scenario")]
        kind: SchemaKind,
    },
    /// Run a batch of scenario variants with replicates; resumable and shardable.
    Sweep(sweep::SweepArgs),
    /// Join the shard outputs of one sweep into the files an unsharded sweep writes.
    Merge(sweep::MergeArgs),
    /// Sobol (saltelli design) or Morris (morris design) sensitivity of every KPI to the
    /// swept levers: runs the sweep (resumable, shardable), then writes sensitivity.csv.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Time the full model on a synthetic city of N firms: throughput, time per system,
    /// peak memory, and the ratio to the reference loop (docs/PERFORMANCE.md).
    Bench(bench::BenchArgs),
    /// Draw the charts and report.html of a run, sweep or comparison folder.
    Chart(chart::ChartArgs),
    /// Compare run folders against the first: paired effects, targets, cost per unit.
    Compare(compare::CompareArgs),
    /// Fit scenario parameters to the briefing's observed figures (Nelder–Mead over
    /// replicates sharing seeds); writes the calibrated scenario, fit.csv and trace.csv.
    Calibrate(calibrate::CalibrateArgs),
    /// Write the baseline, a lever scenario, a sweep, the seeds file and the posterior into
    /// a folder of your own, to edit and run outside the repository.
    Init(init::InitArgs),
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Problems in input files: exit 1.
    #[error("{0}")]
    Input(#[from] InputErrors),
    /// Anything else that stopped the work (e.g. an unwritable output folder): exit 1.
    #[error("error: {0:#}")]
    Failed(#[from] anyhow::Error),
}

/// Runs the command line and returns the process exit code.
pub fn main(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help and version to stdout (exit 0) and usage errors to stderr (2).
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Validate { files } => validate::validate(&files),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Sensitivity(args) => sensitivity::sensitivity(args),
        Command::Merge(args) => sweep::merge(args),
        Command::Bench(args) => bench::bench(args),
        Command::Chart(args) => chart::chart(args),
        Command::Compare(args) => compare::compare(args),
        Command::Calibrate(args) => calibrate::calibrate(args),
        Command::Init(args) => init::init(&args),
        Command::Schema { kind } => {
            match kind {
                SchemaKind::Scenario => print!("{}", crate::scenario::json_schema()),
                SchemaKind::Priors => print!("{}", crate::priors::json_schema()),
                SchemaKind::Sweep => print!("{}", crate::sweep::spec::json_schema()),
                SchemaKind::Calibration => print!("{}", crate::calibrate::spec::json_schema()),
            }
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
