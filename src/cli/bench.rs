//! `reformsim bench`: the full model on a synthetic city (a scenario, the baseline by default,
//! with N firms and D days), timed system by system, next to the reference loop
//! (benches/reference) run in the same process on the same firms. docs/PERFORMANCE.md says
//! how the figures are used.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use serde::Serialize;

use super::{CliError, DEFAULT_SCENARIO};
use crate::engine::{Simulation, TimedSystems};
use crate::model::Clock;
use crate::reference::{ReferenceCity, ReferenceSettings};
use crate::systems::Stepping;

/// Days the reference loop runs (it is timed per firm-day, so a part of the horizon will do).
const REFERENCE_DAYS: u32 = 30;

/// How many systems the text report lists.
const TOP_SYSTEMS: usize = 8;

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Scenario whose city is scaled to `--firms`.
    #[arg(default_value = DEFAULT_SCENARIO)]
    scenario: PathBuf,
    /// Firms in the synthetic city.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::scenario::MAX_FIRMS)))]
    firms: u32,
    /// Days simulated from the scenario's start.
    #[arg(long, default_value_t = 365, value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::scenario::MAX_DAYS)))]
    days: u32,
    /// Threads of the run's pool (default: one per core).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1024))]
    threads: Option<u32>,
    /// Seed (default: the scenario's `scenario.seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Also print one JSON object with the figures as the last line.
    #[arg(long)]
    json: bool,
}

/// The figures of one bench run (`--json`).
#[derive(Serialize, Debug)]
struct Figures {
    firms: u32,
    days: u32,
    threads: usize,
    /// Firms from which the firm loops run in parallel (`Stepping`).
    parallel_from_firms: usize,
    build_seconds: f64,
    run_seconds: f64,
    firm_days_per_second: f64,
    ns_per_firm_day: f64,
    /// Peak resident memory of the process (VmHWM) after the run, before the reference loop.
    peak_rss_bytes: u64,
    bytes_per_firm: f64,
    /// Time of the model's core firm update (`arise_problems` + `produce`) per firm-day.
    core_ns_per_firm_day: f64,
    /// The reference loop's time per firm-day, same firms, same threads.
    reference_ns_per_firm_day: f64,
    /// `core_ns_per_firm_day / reference_ns_per_firm_day`.
    reference_ratio: f64,
    /// The 1-, 5- and 15-minute load averages when the run ended (the machine may be shared).
    load_average: Option<[f64; 3]>,
    /// Every system's share of the run, largest first.
    systems: Vec<SystemTime>,
}

#[derive(Serialize, Debug)]
struct SystemTime {
    name: &'static str,
    seconds: f64,
    share: f64,
    ns_per_firm_day: f64,
}

pub fn bench(args: BenchArgs) -> Result<(), CliError> {
    let mut loaded = crate::scenario::load(&args.scenario)?;
    let s = &mut loaded.scenario;
    s.scenario.end = s.scenario.start.add_days(args.days as i32 - 1);
    s.population.firms = args.firms;
    let seed = args.seed.unwrap_or(s.scenario.seed);
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(t) = args.threads {
        pool = pool.num_threads(t as usize);
    }
    let pool = pool.build().context("cannot start the thread pool")?;
    let figures = pool.install(|| measure(&loaded.scenario, seed, &args));
    print_figures(&figures);
    if args.json {
        println!(
            "{}",
            serde_json::to_string(&figures).context("cannot serialise the figures")?
        );
    }
    Ok(())
}

fn measure(s: &crate::scenario::Scenario, seed: u64, args: &BenchArgs) -> Figures {
    let stepping = Stepping::default();
    let started = Instant::now();
    let mut sim = Simulation::new(s, seed);
    sim.set_stepping(stepping);
    let build_seconds = started.elapsed().as_secs_f64();

    let mut systems = TimedSystems::default();
    let started = Instant::now();
    while sim.step_timed(&mut systems) {}
    let run_seconds = started.elapsed().as_secs_f64();
    let peak_rss_bytes = crate::memory::peak_rss_bytes().unwrap_or(0);

    let firm_days = f64::from(args.firms) * f64::from(args.days);
    let per_firm_day = |seconds: f64| seconds * 1e9 / firm_days;
    let seconds_of = |name: &str| {
        systems
            .names
            .iter()
            .zip(&systems.seconds)
            .filter(|(n, _)| **n == name)
            .map(|(_, t)| t)
            .sum::<f64>()
    };
    let core_ns = per_firm_day(seconds_of("arise_problems") + seconds_of("produce"));
    let reference_ns = time_reference(&mut sim, stepping);

    let total: f64 = systems.seconds.iter().sum();
    let mut by_system: Vec<SystemTime> = systems
        .names
        .iter()
        .zip(&systems.seconds)
        .map(|(&name, &seconds)| SystemTime {
            name,
            seconds,
            share: seconds / total,
            ns_per_firm_day: per_firm_day(seconds),
        })
        .collect();
    by_system.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    Figures {
        firms: args.firms,
        days: args.days,
        threads: rayon::current_num_threads(),
        parallel_from_firms: stepping.parallel_from_firms,
        build_seconds,
        run_seconds,
        firm_days_per_second: firm_days / run_seconds,
        ns_per_firm_day: per_firm_day(run_seconds),
        peak_rss_bytes,
        bytes_per_firm: peak_rss_bytes as f64 / f64::from(args.firms),
        core_ns_per_firm_day: core_ns,
        reference_ns_per_firm_day: reference_ns,
        reference_ratio: core_ns / reference_ns,
        load_average: load_average(),
        systems: by_system,
    }
}

/// Runs the reference loop on the run's live firms for `REFERENCE_DAYS` days after its end;
/// nanoseconds per firm-day. It goes parallel in chunks exactly when the model's loops do.
fn time_reference(sim: &mut Simulation, stepping: Stepping) -> f64 {
    let settings = ReferenceSettings::from_world(sim.world());
    let last = *sim.world().resource::<Clock>();
    let mut city = ReferenceCity::from_world(sim.world_mut());
    let chunk = (city.len() >= stepping.parallel_from_firms.max(2 * stepping.chunk_firms))
        .then_some(stepping.chunk_firms);
    let mut open_problems = 0u64;
    let started = Instant::now();
    for d in 1..=REFERENCE_DAYS {
        let clock = Clock {
            day: last.day + d,
            date: last.date.add_days(d as i32),
        };
        open_problems += city.step(&settings, clock, chunk).open_problems;
    }
    let seconds = started.elapsed().as_secs_f64();
    std::hint::black_box(open_problems);
    seconds * 1e9 / (city.len().max(1) as f64 * f64::from(REFERENCE_DAYS))
}

fn print_figures(f: &Figures) {
    println!(
        "{} firms x {} days on {} thread(s) (parallel firm loops from {} firms)",
        f.firms, f.days, f.threads, f.parallel_from_firms
    );
    println!("  build        {:>9.2} s", f.build_seconds);
    println!(
        "  run          {:>9.2} s   {:.1} ns per firm-day, {:.2} M firm-days/s",
        f.run_seconds,
        f.ns_per_firm_day,
        f.firm_days_per_second / 1e6
    );
    println!(
        "  peak memory  {:>9.1} MiB   {:.0} bytes per firm (all-in: process peak / firms)",
        f.peak_rss_bytes as f64 / f64::from(1 << 20),
        f.bytes_per_firm
    );
    println!(
        "  core firm update {:.1} ns per firm-day; reference loop {:.1} ns; ratio {:.2}",
        f.core_ns_per_firm_day, f.reference_ns_per_firm_day, f.reference_ratio
    );
    if let Some([a, b, c]) = f.load_average {
        println!("  load average {a:.2} {b:.2} {c:.2} (the machine may be shared)");
    }
    println!("  time per system (top {TOP_SYSTEMS}):");
    for s in f.systems.iter().take(TOP_SYSTEMS) {
        println!(
            "    {:<26} {:>5.1} %  {:>8.3} s  {:>6.1} ns per firm-day",
            s.name,
            100.0 * s.share,
            s.seconds,
            s.ns_per_firm_day
        );
    }
}

fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut fields = text.split_whitespace().map(|x| x.parse::<f64>().ok());
    Some([fields.next()??, fields.next()??, fields.next()??])
}
