//! Every calibration row says what it is for (fit, holdout, construction), and a target's
//! status comes from the share of replicates that meet it, not from the mean (issue 18,
//! items 4 and 5).

use crate::common;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn reformsim() -> Command {
    let mut c = Command::cargo_bin("reformsim").unwrap();
    c.current_dir(common::root());
    c
}

/// The baseline to the end of 2024 with 3 replicates: its summary.json and stdout.
fn baseline_summary() -> (Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = reformsim()
        .args([
            "run",
            "--days",
            "731",
            "--replicates",
            "3",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path().join("b"))
        .assert()
        .success()
        .get_output()
        .clone();
    let summary =
        serde_json::from_slice(&std::fs::read(dir.path().join("b/summary.json")).unwrap()).unwrap();
    (summary, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The row of figure `id` in a table of summary.json.
fn row<'a>(summary: &'a Value, table: &str, id: &str) -> &'a Value {
    summary[table]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row {id} in {table}"))
}

#[test]
fn calibration_rows_have_roles_and_targets_have_probabilities() {
    let (summary, stdout) = baseline_summary();
    let role = |id: &str| row(&summary, "calibration", id)["role"].clone();
    assert_eq!(role("A5b"), "holdout");
    assert_eq!(role("A10a"), "construction");
    assert_eq!(role("A11"), "construction");
    for id in ["A1", "A2", "A3", "A4", "A5", "A12", "A13"] {
        assert_eq!(role(id), "fit", "{id}");
    }
    // A holdout with 3 replicates is a predictive check: inside or outside the interval.
    let a5b = row(&summary, "calibration", "A5b");
    assert!(a5b["inside_interval"].is_boolean(), "{a5b}");
    assert!(stdout.contains("holdout: "), "{stdout}");

    for t in summary["targets"].as_array().unwrap() {
        let status = t["status"].as_str().unwrap();
        match t["p_met"].as_f64() {
            Some(p) => {
                let expected = if p >= 0.9 {
                    "likely met"
                } else if p <= 0.1 {
                    "likely missed"
                } else {
                    "uncertain"
                };
                assert_eq!(status, expected, "{t}");
                assert!(t["p05"].as_f64().unwrap() <= t["p95"].as_f64().unwrap());
            }
            None => assert!(
                ["not modelled yet", "beyond horizon"].contains(&status),
                "{t}"
            ),
        }
    }
    // The fund sizes are levers set to B5's figure; B12 is a forecast from the pace.
    let b5 = row(&summary, "targets", "B5");
    assert!(b5["construction"].is_string(), "{b5}");
    let b12 = row(&summary, "targets", "B12");
    assert!(b12["construction"].is_null(), "{b12}");
    assert!(stdout.contains("(by construction)"), "{stdout}");
}

#[test]
fn calibrate_refuses_holdout_and_construction_figures() {
    let dir = tempfile::tempdir().unwrap();
    let base = common::root().join("scenarios/chengdu-baseline.toml");
    for (id, needle) in [("A5b", "is a holdout"), ("A10a", "matched by construction")] {
        let file = dir.path().join(format!("{id}.toml"));
        std::fs::write(
            &file,
            format!(
                "[calibration]\nname = \"c\"\nscenario = {base:?}\nreplicates = 1\n\
                 [[parameters]]\nkey = \"levers.revisits.share\"\nmin = 0.2\nmax = 0.6\n\
                 [[figures]]\nid = \"{id}\"\nweight = 1\n"
            ),
        )
        .unwrap();
        reformsim()
            .arg("validate")
            .arg(&file)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(needle));
    }
}

#[test]
fn only_observed_figures_can_be_held_out() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("seeds.toml");
    std::fs::write(
        &file,
        "[source]\ntitle = \"t\"\ndocument = \"d\"\ndate = \"2024-11-14\"\n\
         [[figure]]\nid = \"B1\"\ndescription = \"x\"\nkpi = \"firms\"\ndate = \"2024-12-31\"\n\
         comparator = \">=\"\nvalue = 1\nunit = \"firms\"\nkind = \"target\"\nholdout = true\n",
    )
    .unwrap();
    reformsim()
        .arg("validate")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "only an observed figure can be held out",
        ));
}
