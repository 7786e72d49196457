//! `reformsim compare` as a planner reads it (issue 19): the effect rows of the KPIs asked
//! for with `--kpi`, and a clear refusal of a name that is not a KPI.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use crate::common;

fn reformsim() -> Command {
    let mut cmd = Command::cargo_bin("reformsim").expect("binary built");
    cmd.current_dir(common::root());
    cmd
}

/// Runs `scenario` into `out` with `replicates` replicates (same seed, so runs pair).
fn run(scenario: &Path, out: &Path, replicates: &str) {
    reformsim()
        .arg("run")
        .arg(scenario)
        .args([
            "--replicates",
            replicates,
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(out)
        .assert()
        .success();
}

fn comparison(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("comparison.json")).unwrap()).unwrap()
}

fn rows(c: &Value) -> &Vec<Value> {
    c["rows"].as_array().unwrap()
}

/// Issue 19's "done when": `compare base lease --kpi mean_days_to_obtain_land` gives effect
/// rows for that KPI, and only the KPIs asked for get effect rows.
#[test]
fn kpi_flag_gives_effect_rows_for_the_named_kpi() {
    let dir = tempfile::tempdir().unwrap();
    let lease = common::small_city_variant(
        dir.path(),
        "small-city-lease",
        &[(
            "[levers.campaign]\n",
            "[levers.land]\nsupply_mix = { transfer = 0.05, long_term_lease = 0.3, \
             lease_then_transfer = 0.35, flexible_term = 0.15, standard_factory = 0.15 }\n\
             devolved_approvals_factor = 2.0\n\n[levers.campaign]\n",
        )],
    );
    let (a, b, out) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("cmp"),
    );
    run(&common::root().join("tests/data/small-city.toml"), &a, "3");
    run(&lease, &b, "3");
    reformsim()
        .args(["compare", "--quiet", "--format", "svg"])
        .args([
            "--kpi",
            "mean_days_to_obtain_land",
            "--kpi",
            "land_occupancy",
        ])
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let c = comparison(&out);
    let effects: Vec<&Value> = rows(&c).iter().filter(|r| r["kind"] == "effect").collect();
    let kpis: std::collections::BTreeSet<&str> =
        effects.iter().map(|r| r["kpi"].as_str().unwrap()).collect();
    assert_eq!(
        kpis.into_iter().collect::<Vec<_>>(),
        ["land_occupancy", "mean_days_to_obtain_land"],
        "effect rows for exactly the KPIs asked for"
    );
    let land = effects
        .iter()
        .find(|r| {
            r["kpi"] == "mean_days_to_obtain_land"
                && r["scenario"] == "small-city-lease"
                && r["date"] == "2024-12-31"
        })
        .expect("an effect row for the lease-first city at the end of the run");
    assert_eq!(land["unit"], "days");
    assert!(land["diff_mean"].as_f64().unwrap().is_finite(), "{land}");
    assert!(land["diff_excludes_zero"].is_boolean(), "{land}");
    let csv = String::from_utf8(std::fs::read(out.join("comparison.csv")).unwrap()).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("effect,effect,mean_days_to_obtain_land,days,2024-12-31,")),
        "{csv}"
    );
}

/// A misspelt KPI stops the comparison before any folder is read, exit 1, with the name it
/// was probably meant to be; a name nothing resembles points to the list of KPIs.
#[test]
fn an_unknown_kpi_exits_1_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("nowhere-a"), dir.path().join("nowhere-b"));
    let out = reformsim()
        .args(["compare", "--kpi", "mean_days_to_obtain_lnd"])
        .arg(&a)
        .arg(&b)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`mean_days_to_obtain_lnd` is not a KPI")
            && stderr.contains("did you mean `mean_days_to_obtain_land`?"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("nowhere-a"),
        "the name is checked first: {stderr}"
    );
    reformsim()
        .args(["compare", "--kpi", "land", "--kpi", "open_problems"])
        .arg(&a)
        .arg(&b)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("`land` is not a KPI"))
        .stderr(predicates::str::contains("metrics.csv"));
    assert!(!dir.path().join("output").exists());
}
