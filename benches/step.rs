//! Throughput of the daily step on the baseline city (cargo bench --bench step).
//!
//! Builds the world outside the timed region and times whole simulated days. A plain timing
//! harness for now; criterion benches per system and at 10k–1M firms are issue 6.

use std::time::Instant;

use reformsim::engine::Simulation;
use reformsim::scenario::load;

fn main() {
    let loaded =
        load(std::path::Path::new("scenarios/chengdu-baseline.toml")).expect("baseline validates");
    let s = &loaded.scenario;
    let firms = f64::from(s.population.firms);
    for round in 0..3 {
        let mut sim = Simulation::new(s, s.scenario.seed + round);
        let days = sim.days();
        let started = Instant::now();
        while sim.step() {}
        let secs = started.elapsed().as_secs_f64();
        let firm_days = firms * f64::from(days);
        println!(
            "round {round}: {days} days x {firms} firms in {secs:.3} s = {:.1} ns per firm-day ({:.2e} firm-days/s)",
            secs * 1e9 / firm_days,
            firm_days / secs
        );
    }
}
