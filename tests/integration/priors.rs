//! `seeds/priors.toml`: the priors of the assumed magnitudes are valid data, agree with the
//! values the model runs with, and bad priors files are reported in full.

use crate::common;

use assert_cmd::Command;
use predicates::prelude::*;
use reformsim::priors::{self, number_at};

fn reformsim() -> Command {
    let mut c = Command::cargo_bin("reformsim").unwrap();
    c.current_dir(common::root());
    c
}

#[test]
fn every_prior_holds_the_value_the_baseline_runs_with() {
    let loaded = priors::load(&common::root().join("seeds/priors.toml")).unwrap();
    let baseline = serde_json::to_value(&common::baseline().scenario).unwrap();
    assert!(loaded.file.priors.len() >= 20);
    for p in &loaded.file.priors {
        let used = number_at(&baseline, &p.key).unwrap();
        assert!(
            (used - p.value).abs() <= 1e-12 * used.abs().max(1.0),
            "{}: seeds/priors.toml says {} but the baseline runs with {used}",
            p.key,
            p.value
        );
        assert!(p.low <= used && used <= p.high, "{}", p.key);
    }
}

#[test]
fn committed_priors_schema_is_current() {
    let committed =
        std::fs::read_to_string(common::root().join("seeds/priors.schema.json")).unwrap();
    assert_eq!(
        committed,
        priors::json_schema(),
        "seeds/priors.schema.json is stale: run `cargo run --release -- schema --kind priors > seeds/priors.schema.json`"
    );
}

#[test]
fn validate_reports_every_bad_prior_with_its_line() {
    reformsim()
        .args(["validate", "seeds/priors.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("(priors)"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("priors.toml");
    std::fs::write(
        &bad,
        "[[prior]]\nkey = \"production.dragg\"\nvalue = 0.03\ndistribution = \"uniform\"\n\
         low = 0.01\nhigh = 0.06\nsource = \"x\"\n\n\
         [[prior]]\nkey = \"production.volatility\"\nvalue = 0.9\ndistribution = \"uniform\"\n\
         low = 0.05\nhigh = 0.2\nsource = \"y\"\n",
    )
    .unwrap();
    reformsim()
        .arg("validate")
        .arg(&bad)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("priors.toml:2: `prior[0].key`")
                .and(predicate::str::contains("production.dragg"))
                .and(predicate::str::contains("priors.toml:11: `prior[1].value`")),
        );
}
