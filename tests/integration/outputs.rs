//! `[outputs]` in a scenario: metrics.csv holds the KPIs and the step asked for, plus the
//! rows of every figure's and target's date and the last day, and `compare` still pairs
//! two such runs at those dates.

use crate::common;

use assert_cmd::Command;

const OUTPUTS: &str = "\n[outputs]\nkpis = [\"open_problems\", \"tickets_collected\", \"mean_days_to_resolve\"]\nstep = \"monthly\"\ndates = [\"2024-10-01\"]\n";

fn reformsim() -> Command {
    let mut cmd = Command::cargo_bin("reformsim").expect("binary built");
    cmd.current_dir(common::root());
    cmd
}

#[test]
fn monthly_outputs_keep_period_ends_and_figure_dates_and_compare_pairs_them() {
    let tmp = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for (name, edits) in [
        ("city", vec![]),
        ("city-no-campaign", vec![common::NO_CAMPAIGN]),
    ] {
        let file = common::small_city_variant(tmp.path(), name, &edits);
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("{text}{OUTPUTS}")).unwrap();
        let out = tmp.path().join(format!("run-{name}"));
        reformsim()
            .arg("run")
            .arg(&file)
            .args(["--replicates", "3", "--no-charts", "--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        runs.push(out);
    }
    let metrics = std::fs::read_to_string(runs[0].join("metrics.csv")).unwrap();
    let mut lines = metrics.lines();
    // The KPIs asked for, in the catalogue's order.
    assert_eq!(
        lines.next().unwrap(),
        "replicate,seed,day,date,tickets_collected,mean_days_to_resolve,open_problems"
    );
    let mut dates: Vec<&str> = lines
        .filter(|l| l.starts_with("0,"))
        .map(|l| l.split(',').nth(3).unwrap())
        .collect();
    dates.dedup();
    // Month ends from June to December 2024, the named date, and the seeds file's dates in
    // the horizon (the briefing's 2024-09-30 and 2024-06-30 are month ends already).
    assert_eq!(
        dates,
        [
            "2024-06-30",
            "2024-07-31",
            "2024-08-31",
            "2024-09-30",
            "2024-10-01",
            "2024-10-31",
            "2024-11-13",
            "2024-11-30",
            "2024-12-31"
        ]
    );
    // The summary is computed from every day, whatever the file holds.
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(runs[0].join("summary.json")).unwrap()).unwrap();
    assert!(
        summary["calibration"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );

    let cmp = tmp.path().join("cmp");
    reformsim()
        .args([
            "compare",
            "--quiet",
            "--format",
            "svg",
            "--kpi",
            "open_problems",
        ])
        .args(&runs)
        .arg("--out")
        .arg(&cmp)
        .assert()
        .success();
    let comparison: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cmp.join("comparison.json")).unwrap()).unwrap();
    let row = common::effect_row(
        &comparison,
        "open_problems",
        "city-no-campaign",
        "2024-12-31",
    );
    // Without the campaign, more problems stay open at the year's end.
    assert!(row["diff_mean"].as_f64().unwrap() > 0.0, "{row}");
}

#[test]
fn a_misspelt_output_kpi_gets_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let file = common::small_city_variant(tmp.path(), "city", &[]);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        format!("{text}\n[outputs]\nkpis = [\"open_problem\"]\n"),
    )
    .unwrap();
    reformsim()
        .arg("validate")
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "`outputs.kpis[0]`: \"open_problem\" is not a KPI; did you mean `open_problems`?",
        ));
}
