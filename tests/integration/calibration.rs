//! The shipped baseline reproduces the briefing's observed figures (FACTS A1–A5, A10–A13)
//! within their tolerances, for the default seed and as the mean of 10 seeds.

use crate::common;

use std::sync::OnceLock;

use reformsim::doc_tables::{REPLICATES, block, blocks};
use reformsim::engine::{RunResult, run_replicates};
use reformsim::report::calibration;
use reformsim::scenario::LoadedScenario;

/// The baseline and its replicates (replicate 0 runs the default seed itself), run once
/// for every test here.
fn baseline_runs() -> &'static (LoadedScenario, Vec<RunResult>) {
    static RUNS: OnceLock<(LoadedScenario, Vec<RunResult>)> = OnceLock::new();
    RUNS.get_or_init(|| {
        let loaded = common::baseline();
        let s = &loaded.scenario;
        let results = run_replicates(s, s.scenario.seed, REPLICATES);
        (loaded, results)
    })
}

fn check(replicates: usize) {
    let (loaded, all) = baseline_runs();
    let seeds = loaded
        .seeds
        .as_ref()
        .expect("the baseline names its seeds file");
    let results = &all[..replicates];
    let rows = calibration(seeds, results);
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
        // Holdouts are predictive checks, reported (inside or outside the interval) but never
        // fitted, so they are not required to be within tolerance.
        .filter(|r| r.role != "holdout" && !r.within_tolerance)
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

/// docs/MODEL.md shows the tables fresh runs give (§5 calibration, §6.1 lever paths, §10
/// innovation, §12.9 funds), never stale ones.
#[test]
fn the_computed_tables_in_model_md_are_what_fresh_runs_give() {
    let (loaded, results) = baseline_runs();
    let doc = std::fs::read_to_string(common::root().join("docs/MODEL.md")).unwrap();
    let fresh = blocks(&common::root(), loaded, results).unwrap();
    assert_eq!(fresh.len(), 5);
    for (name, fresh) in fresh {
        let shown = block(&doc, name).unwrap_or_else(|| panic!("MODEL.md has no `{name}` block"));
        assert!(
            shown == fresh,
            "docs/MODEL.md's `{name}` table is stale; regenerate it with \
             `cargo run --release --example doc_tables`.\nshown:\n{shown}\nfresh:\n{fresh}"
        );
    }
}
