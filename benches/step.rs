//! criterion benches of the daily step (`cargo bench --bench step`; a filter such as
//! `cargo bench --bench step -- system/` runs one group):
//! - `step/<firms>`: one simulated day of the full model on the baseline city scaled to 10k,
//!   100k and 1M firms;
//! - `system/<name>`: each hot firm system alone, on 100k firms;
//! - `core/<firms>`: the core firm update (`arise_problems` + `produce`) next to the reference
//!   loop (benches/reference) on the same firms;
//! - `sweep/64-runs`: 64 small runs (1,000 firms, 180 days) as `run_replicates` runs them.
//!
//! Worlds are built and warmed up outside the timed part; only steps are timed.

use std::time::{Duration, Instant};

use bevy_ecs::prelude::*;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use reformsim::engine::{Simulation, run_replicates};
use reformsim::model::{Clock, Demography};
use reformsim::reference::{ReferenceCity, ReferenceSettings};
use reformsim::scenario::{Scenario, load};
use reformsim::systems::{
    Stepping, arise_problems, produce, request_land_and_run_exit_clocks, transform_firms,
};

fn baseline(firms: u32, days: u32) -> Scenario {
    let mut s = load(std::path::Path::new("scenarios/chengdu-baseline.toml"))
        .expect("the baseline validates")
        .scenario;
    s.population.firms = firms;
    s.scenario.end = s.scenario.start.add_days(days as i32 - 1);
    s
}

/// A simulation of `firms` firms that has run `warm` days (so that queues, tickets and
/// financing exist).
fn warmed(firms: u32, warm: u32) -> Simulation {
    let mut sim = Simulation::new(&baseline(firms, 1_461), 20_241_113);
    for _ in 0..warm {
        sim.step();
    }
    sim
}

fn step(c: &mut Criterion) {
    let mut group = c.benchmark_group("step");
    group.sample_size(10);
    for firms in [10_000u32, 100_000, 1_000_000] {
        group.throughput(Throughput::Elements(u64::from(firms)));
        let mut sim = warmed(firms, 30);
        group.bench_function(BenchmarkId::from_parameter(firms), |b| {
            b.iter_custom(|iters| {
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    let more = sim.step();
                    timed += started.elapsed();
                    if !more {
                        sim = warmed(firms, 30);
                    }
                }
                timed
            })
        });
    }
    group.finish();
}

/// Runs one system alone on a warmed world, on the same day over and over.
fn system(c: &mut Criterion) {
    let firms = 100_000u32;
    let mut group = c.benchmark_group("system");
    group.throughput(Throughput::Elements(u64::from(firms)));
    let mut one = |name: &str, mut schedule: Schedule| {
        let mut sim = warmed(firms, 30);
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let world = sim.world_mut();
                let mut timed = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    schedule.run(world);
                    timed += started.elapsed();
                    // The exit clocks would otherwise list ever more firms as closing.
                    let mut demography = world.resource_mut::<Demography>();
                    demography.exiting.clear();
                    demography.deferred_clocks.clear();
                }
                timed
            })
        });
    };
    let alone = |add: fn(&mut Schedule)| {
        let mut schedule = Schedule::default();
        add(&mut schedule);
        schedule
    };
    one(
        "arise_problems",
        alone(|s| {
            s.add_systems(arise_problems);
        }),
    );
    one(
        "produce",
        alone(|s| {
            s.add_systems(produce);
        }),
    );
    one(
        "transform_firms",
        alone(|s| {
            s.add_systems(transform_firms);
        }),
    );
    one(
        "request_land_and_run_exit_clocks",
        alone(|s| {
            s.add_systems(request_land_and_run_exit_clocks);
        }),
    );
    group.finish();
}

/// The model's core firm update and the reference loop, one day each, same firms.
fn core(c: &mut Criterion) {
    let mut group = c.benchmark_group("core");
    group.sample_size(10);
    for firms in [100_000u32, 1_000_000] {
        group.throughput(Throughput::Elements(u64::from(firms)));
        let mut sim = warmed(firms, 30);
        let clock = *sim.world().resource::<Clock>();
        let settings = ReferenceSettings::from_world(sim.world());
        let mut city = ReferenceCity::from_world(sim.world_mut());
        let mut schedule = Schedule::default();
        schedule.add_systems((arise_problems, produce).chain());
        group.bench_function(BenchmarkId::new("model", firms), |b| {
            b.iter(|| schedule.run(sim.world_mut()))
        });
        let stepping = Stepping::default();
        let chunk = (city.len() >= stepping.parallel_from_firms.max(2 * stepping.chunk_firms))
            .then_some(stepping.chunk_firms);
        group.bench_function(BenchmarkId::new("reference", firms), |b| {
            b.iter(|| city.step(&settings, clock, chunk))
        });
    }
    group.finish();
}

fn sweep(c: &mut Criterion) {
    let s = baseline(1_000, 180);
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    group.throughput(Throughput::Elements(64));
    group.bench_function("64-runs", |b| b.iter(|| run_replicates(&s, 7, 64)));
    group.finish();
}

criterion_group!(benches, step, system, core, sweep);
criterion_main!(benches);
