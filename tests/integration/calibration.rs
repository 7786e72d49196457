//! The shipped baseline reproduces the briefing's observed figures (FACTS A1–A5, A10–A13)
//! within their tolerances, for the default seed and as the mean of 10 seeds.

use crate::common;

use reformsim::engine::run_replicates;
use reformsim::report::calibration;

fn check(replicates: u32) {
    let loaded = common::baseline();
    let seeds = loaded
        .seeds
        .as_ref()
        .expect("the baseline names its seeds file");
    let results = run_replicates(&loaded.scenario, loaded.scenario.scenario.seed, replicates);
    let rows = calibration(seeds, &results);
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    for id in [
        "A1", "A2", "A3", "A4", "A5", "A10a", "A10b", "A10c", "A11", "A12", "A13",
    ] {
        assert!(
            ids.contains(&id),
            "calibration has no row for {id}: {ids:?}"
        );
    }
    let off: Vec<String> = rows
        .iter()
        .filter(|r| !r.within_tolerance)
        .map(|r| {
            format!(
                "{} {}: observed {} simulated {:?} (tolerance {})",
                r.id, r.kpi, r.observed, r.simulated, r.tolerance
            )
        })
        .collect();
    assert!(
        off.is_empty(),
        "outside tolerance with {replicates} replicate(s):\n{}",
        off.join("\n")
    );
}

#[test]
fn default_seed_reproduces_the_observed_figures() {
    check(1);
}

#[test]
fn mean_of_ten_seeds_reproduces_the_observed_figures() {
    check(10);
}
