//! The binary end to end: runs write their files, every shipped file validates, the schema
//! is current, and bad input exits 1 naming the file, line and key without a panic.

use crate::common;

use assert_cmd::Command;
use predicates::prelude::*;

fn reformsim() -> Command {
    let mut cmd = Command::cargo_bin("reformsim").expect("binary built");
    cmd.current_dir(common::root());
    cmd
}

/// A file of an xlsx archive, as text.
fn xlsx_part(archive: &mut zip::ZipArchive<std::fs::File>, name: &str) -> String {
    use std::io::Read;
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// A run folder holds calibration.csv and workbook.xlsx, whose cells are typed: dates as
/// dates, booleans as booleans, and KPI headers with their units (issue 19).
#[test]
fn a_run_folder_holds_calibration_csv_and_a_typed_workbook() {
    let out = tempfile::tempdir().unwrap();
    reformsim()
        .args(["run", "tests/data/small-city.toml", "--no-charts", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("workbook.xlsx"));
    let calibration = std::fs::read(out.path().join("calibration.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(&calibration[3..]);
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (within, tolerance) = (col("within_tolerance"), col("tolerance"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    for r in &rows {
        assert!(["true", "false"].contains(&&r[within]), "{r:?}");
        assert!(r[tolerance].parse::<f64>().is_ok(), "{r:?}");
    }

    let file = std::fs::File::open(out.path().join("workbook.xlsx")).unwrap();
    let mut xlsx = zip::ZipArchive::new(file).unwrap();
    let book = xlsx_part(&mut xlsx, "xl/workbook.xml");
    let book = roxmltree::Document::parse(&book).unwrap();
    let sheets: Vec<&str> = book
        .descendants()
        .filter(|n| n.has_tag_name("sheet"))
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert_eq!(sheets, ["metrics", "targets", "calibration"]);
    let strings = xlsx_part(&mut xlsx, "xl/sharedStrings.xml");
    assert!(
        strings.contains("value_added_yuan (yuan/day)"),
        "units in the header row"
    );
    // metrics: D2 is the small city's first day, 2024-06-01, a date cell (Excel's serial
    // day 45444 with a date format), not the text "2024-06-01".
    let csv_text = std::fs::read_to_string(out.path().join("metrics.csv")).unwrap();
    assert_eq!(
        csv_text.lines().nth(1).unwrap().split(',').nth(3),
        Some("2024-06-01")
    );
    let metrics = xlsx_part(&mut xlsx, "xl/worksheets/sheet1.xml");
    let metrics = roxmltree::Document::parse(&metrics).unwrap();
    let d2 = metrics
        .descendants()
        .find(|n| n.attribute("r") == Some("D2"))
        .expect("a D2 cell");
    assert!(
        d2.attribute("s").is_some() && d2.attribute("t").is_none(),
        "{d2:?}"
    );
    assert_eq!(
        d2.children()
            .find(|n| n.has_tag_name("v"))
            .and_then(|v| v.text()),
        Some("45444")
    );
    // targets and calibration: `met` and `within_tolerance` are boolean cells.
    for sheet in ["xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"] {
        let xml = xlsx_part(&mut xlsx, sheet);
        assert!(xml.contains("t=\"b\""), "{sheet} has boolean cells");
    }
}

#[test]
fn run_writes_three_files_and_prints_both_tables() {
    let out = tempfile::tempdir().unwrap();
    reformsim()
        .args([
            "run",
            "tests/data/small-city.toml",
            "--replicates",
            "2",
            "--out",
        ])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Calibration against observed figures",
        ))
        .stdout(predicate::str::contains("Targets:"))
        .stdout(predicate::str::contains("Policy cost"));
    for f in ["metrics.csv", "targets.csv", "summary.json"] {
        assert!(out.path().join(f).is_file(), "{f} written");
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("summary.json")).unwrap()).unwrap();
    for key in [
        "scenario",
        "scenario_sha256",
        "seed",
        "replicates",
        "version",
        "wall_seconds",
        "calibration",
        "targets",
    ] {
        assert!(summary.get(key).is_some(), "summary.json has {key}");
    }
    let row = &summary["calibration"][0];
    for key in [
        "id",
        "kpi",
        "date",
        "observed",
        "simulated",
        "rel_error",
        "within_tolerance",
    ] {
        assert!(row.get(key).is_some(), "calibration rows have {key}");
    }
    // The tolerance is a number with its unit, not text such as "±5%" (issue 19).
    assert!(row["tolerance"].is_f64(), "{row}");
    assert!(
        ["%", "pp"].contains(&row["tolerance_unit"].as_str().unwrap()),
        "{row}"
    );
    // targets.csv's `met` has no gaps, so that pandas reads a boolean column: true or false
    // on every row, false for a target with no simulated value (its status says why).
    let targets = std::fs::read(out.path().join("targets.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(&targets[3..]);
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (met, status) = (col("met"), col("status"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|r| ["true", "false"].contains(&&r[met])));
    let unmodelled = rows
        .iter()
        .filter(|r| ["not modelled yet", "beyond horizon"].contains(&&r[status]))
        .inspect(|r| assert_eq!(&r[met], "false", "{r:?}"))
        .count();
    assert!(
        unmodelled > 0,
        "the small city has targets it cannot report"
    );
    let target = &summary["targets"][0];
    for key in [
        "id",
        "kpi",
        "date",
        "comparator",
        "target",
        "simulated",
        "gap",
        "met",
    ] {
        assert!(target.get(key).is_some(), "target rows have {key}");
    }
    assert_eq!(summary["replicates"], 2);
    // Policy cost: programme outlays add up to the total, and a cost per unit is the outlay
    // of the programmes serving the KPI divided by its change.
    let cost = &summary["policy_cost"];
    let by: f64 = cost["by_programme"]
        .as_object()
        .unwrap()
        .values()
        .map(|s| s["mean"].as_f64().unwrap())
        .sum();
    let total = cost["total_yuan"]["mean"].as_f64().unwrap();
    assert!(total > 0.0 && (by - total).abs() < 1e-6 * total);
    let a1 = cost["per_unit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "A1")
        .expect("A1 has a cost per unit");
    assert_eq!(a1["programmes"], serde_json::json!(["visits"]));
    let (change, outlay) = (
        a1["change"].as_f64().unwrap(),
        a1["cost_yuan"].as_f64().unwrap(),
    );
    assert!(change > 0.0 && outlay > 0.0);
    let per_unit = a1["yuan_per_unit"].as_f64().unwrap();
    assert!((per_unit - outlay / change).abs() < 1e-9 * per_unit);
    let csv = std::fs::read_to_string(out.path().join("metrics.csv")).unwrap();
    // 214 days x 2 replicates + header; no temporary file left behind.
    assert_eq!(csv.lines().count(), 214 * 2 + 1);
    let names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
}

/// The README's first command: one replicate of the baseline, which is one draw of its
/// posterior (docs/MODEL.md §17). Its calibration rows carry their roles; whether they are
/// met is checked on the ensemble's mean (tests/integration/calibration.rs, and CI).
#[test]
fn the_baseline_run_records_its_posterior_draw_and_the_roles_of_its_figures() {
    let out = tempfile::tempdir().unwrap();
    reformsim()
        .args(["run", "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout("");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.path().join("summary.json")).unwrap()).unwrap();
    let rows = summary["calibration"].as_array().unwrap();
    assert!(rows.len() >= 7);
    let roles: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["role"].as_str().unwrap()).collect();
    assert_eq!(
        roles,
        ["construction", "fit", "holdout"].into_iter().collect()
    );
    assert!(
        summary["posterior"]["file"]
            .as_str()
            .unwrap()
            .ends_with("posterior.csv")
    );
    assert_eq!(summary["replicate_parameters"].as_array().unwrap().len(), 1);
}

#[test]
fn every_shipped_toml_file_validates() {
    let files = common::shipped_toml_files();
    assert!(files.len() >= 3);
    reformsim().arg("validate").args(&files).assert().success();
}

#[test]
fn committed_schemas_are_current() {
    for (file, kind, schema) in [
        (
            "scenarios/scenario.schema.json",
            "scenario",
            reformsim::scenario::json_schema(),
        ),
        (
            "scenarios/sweeps/sweep.schema.json",
            "sweep",
            reformsim::sweep::spec::json_schema(),
        ),
        (
            "scenarios/calibration/calibration.schema.json",
            "calibration",
            reformsim::calibrate::spec::json_schema(),
        ),
    ] {
        let committed = std::fs::read_to_string(common::root().join(file)).unwrap();
        assert_eq!(
            committed, schema,
            "{file} is stale: run `cargo run --release -- schema --kind {kind} > {file}`"
        );
        reformsim()
            .args(["schema", "--kind", kind])
            .assert()
            .success()
            .stdout(committed);
    }
}

/// Each hostile file, the line and the key its error must name.
const HOSTILE: &[(&str, usize, &str)] = &[
    ("wrong-type.toml", 5, "population.firms"),
    ("unknown-key.toml", 5, "levers.campaign.visits_per_dya"),
    ("negative-capacity.toml", 7, "departments[0].capacity"),
    ("zero-capacity.toml", 7, "departments[0].capacity"),
    ("shares-not-summing.toml", 5, "population.tier_shares"),
    ("campaign-outside-horizon.toml", 7, "levers.campaign.start"),
    ("nan.toml", 5, "production.trend_growth"),
    ("missing-category.toml", 4, "departments"),
    ("bad-timeline.toml", 5, "timeline[0].date"),
    (
        "funds-shares-not-summing.toml",
        5,
        "funds.chain_fund_shares",
    ),
    ("funds-zero-cadence.toml", 5, "levers.funds.cadence_days"),
    ("funds-negative.toml", 5, "funds.s_fund_yuan"),
    ("funds-nan.toml", 5, "funds.loan_rate"),
    ("funds-unknown-chain.toml", 5, "funds.hard_tech_chains[1]"),
    ("funds-unknown-key.toml", 5, "levers.funds.cadense_days"),
    ("funds-bad-timeline.toml", 6, "timeline[0].set"),
    (
        "funds-too-much-money.toml",
        5,
        "levers.funds.grant_budget_yuan_per_year",
    ),
    ("market-negative.toml", 5, "market.orders_sigma"),
    (
        "market-zero-window.toml",
        6,
        "levers.market.matchmaking.campaign_days",
    ),
    (
        "market-nan.toml",
        6,
        "levers.market.push.benefit_per_firm_yuan",
    ),
    ("market-zero-relief.toml", 5, "market.problem_relief_yuan"),
    (
        "market-bad-year.toml",
        5,
        "levers.market.push.firms_per_year.next",
    ),
    (
        "market-unknown-key.toml",
        5,
        "levers.market.fee_campaigns.intensty",
    ),
    (
        "entry-exit-negative.toml",
        6,
        "entry_exit.entry_rate_per_year",
    ),
    ("entry-exit-unknown-key.toml", 5, "entry_exit.exit_rate"),
    ("land-mix-not-summing.toml", 5, "levers.land.supply_mix"),
    (
        "land-expand-above-request.toml",
        5,
        "land.expand_to_utilisation",
    ),
    ("infinite.toml", 5, "production.trend_growth"),
    ("near-miss-section.toml", 4, "levers.campain"),
    ("huge-number.toml", 5, "population.firms"),
    ("path-traversal-name.toml", 2, "scenario.name"),
    ("binary.toml", 3, ""),
    ("not-utf8.toml", 2, ""),
    ("malformed.toml", 1, ""),
    ("empty.toml", 1, ""),
    ("missing-scenario-section.toml", 1, ""),
];

#[test]
fn bad_input_exits_1_naming_file_line_and_key() {
    for (file, line, key) in HOSTILE {
        let path = format!("tests/hostile/{file}");
        let assert = reformsim().args(["validate", &path]).assert().code(1);
        let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
        assert!(
            stderr.contains(&format!("{path}:{line}:")),
            "{file}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("`{key}`")) || key.is_empty(),
            "{file}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{file}: {stderr}");
        // `run` refuses the same file the same way, and writes nothing.
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("run");
        reformsim()
            .args(["run", &path, "--out"])
            .arg(&target)
            .assert()
            .code(1);
        assert!(!target.exists(), "{file}: nothing written");
    }
}

#[test]
fn unknown_key_gets_a_suggestion() {
    reformsim()
        .args(["validate", "tests/hostile/unknown-key.toml"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("did you mean `visits_per_day`"));
}

/// One `validate` reports every problem it can find: unknown keys in three sections, a
/// wrong type, a value out of range and a cross-field rule, each on its own line, top to
/// bottom (issue 19).
#[test]
fn validate_reports_every_problem_in_one_pass() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.toml");
    std::fs::write(
        &file,
        "[scenario]\nname = \"many\"\nsed = 5\nstart = \"2024-01-01\"\nend = \"2023-06-30\"\n\n\
         [levers.campaign]\nvisits_per_dy = 3\n\n\
         [levers.triage]\ndelay_days = \"two\"\n\n\
         [levers.revisits]\nshare = 1.4\nshre = 0.5\n",
    )
    .unwrap();
    let out = reformsim().arg("validate").arg(&file).assert().code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    let expect = [
        ("many.toml:3: `scenario.sed`", "did you mean `seed`?"),
        ("many.toml:5: `scenario.end`", "before scenario.start"),
        (
            "many.toml:8: `levers.campaign.visits_per_dy`",
            "did you mean `visits_per_day`?",
        ),
        (
            "many.toml:11: `levers.triage.delay_days`",
            "expected a whole number",
        ),
        ("many.toml:14: `levers.revisits.share`", "between 0 and 1"),
        ("many.toml:15: `levers.revisits.shre`", "unknown key"),
    ];
    for (place, words) in expect {
        assert!(
            lines.iter().any(|l| l.contains(place) && l.contains(words)),
            "no `{place}` … `{words}` in:\n{stderr}"
        );
    }
    // Top to bottom, as the planner reads the file.
    let at = |place: &str| lines.iter().position(|l| l.contains(place)).unwrap();
    assert!(at("many.toml:3:") < at("many.toml:8:") && at("many.toml:8:") < at("many.toml:15:"));
    assert!(
        !stderr.contains("u32") && !stderr.contains("f64"),
        "{stderr}"
    );
}

/// A misspelt sweep key gets a suggestion, and the header's problems come with it.
#[test]
fn a_misspelt_sweep_key_gets_a_suggestion_with_the_other_problems() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sweep.toml");
    let base = common::root().join("tests/data/small-city.toml");
    std::fs::write(
        &file,
        format!(
            "[sweep]\nname = \"typo\"\nscenario = {base:?}\ndesign = \"grid\"\nreplicates = 0\n\n\
             [[parameters]]\nkey = \"levers.triage.dealy_days\"\nvalues = [0, 1]\n"
        ),
    )
    .unwrap();
    reformsim()
        .args(["sweep", "--plan"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "`sweep.replicates`: must be at least 1",
        ))
        .stderr(predicate::str::contains(
            "did you mean `levers.triage.delay_days`?",
        ));
}

/// `init` writes files a planner can run outside the repository (their relative paths
/// hold), never overwrites them, and `run` with no file outside the repository says how to
/// get a scenario instead of naming a missing path.
#[test]
fn init_writes_a_runnable_folder_and_never_overwrites_it() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan");
    reformsim().arg("init").arg(&plan).assert().success();
    let baseline = plan.join("scenarios/chengdu-baseline.toml");
    reformsim()
        .arg("validate")
        .arg(&baseline)
        .arg(plan.join("scenarios/lease-first-land.toml"))
        .arg(plan.join("seeds/chengdu-2024-11.toml"))
        .assert()
        .success();
    reformsim()
        .args(["sweep", "--plan"])
        .arg(plan.join("scenarios/sweeps/triage-capacity.toml"))
        .assert()
        .success();
    // A planner's edit survives a second init, which exits 1 naming the file.
    std::fs::write(&baseline, "# mine\n").unwrap();
    reformsim()
        .arg("init")
        .arg(&plan)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("never overwrites"));
    assert_eq!(std::fs::read_to_string(&baseline).unwrap(), "# mine\n");
    // Outside the repository, `run` alone points to init.
    let mut elsewhere = Command::cargo_bin("reformsim").unwrap();
    elsewhere
        .current_dir(dir.path())
        .args(["run", "--quiet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("reformsim init DIR"));
}

#[test]
fn binary_non_utf8_and_missing_files_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let binary = dir.path().join("binary.toml");
    std::fs::write(&binary, [0x7f, b'E', b'L', b'F', 0, 1, 2]).unwrap();
    let latin1 = dir.path().join("latin1.toml");
    std::fs::write(&latin1, b"[scenario]\nname = \"caf\xe9\"\n").unwrap();
    for (path, needle) in [(&binary, "binary"), (&latin1, "not UTF-8")] {
        reformsim()
            .arg("validate")
            .arg(path)
            .assert()
            .code(1)
            .stderr(
                predicate::str::contains(path.display().to_string())
                    .and(predicate::str::contains(needle)),
            );
    }
    reformsim()
        .args(["run", "no/such/scenario.toml"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no/such/scenario.toml")
                .and(predicate::str::contains("does not exist")),
        );
}

#[test]
fn usage_errors_exit_2() {
    reformsim()
        .args(["run", "--replicates", "0"])
        .assert()
        .code(2);
    reformsim().args(["frobnicate"]).assert().code(2);
    reformsim().arg("validate").assert().code(2);
}

#[test]
fn a_short_scenario_file_runs_on_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("short.toml");
    std::fs::write(&file, "[scenario]\nname = \"short\"\n").unwrap();
    reformsim()
        .arg("run")
        .arg(&file)
        .args(["--days", "30", "--firms", "300", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains("no seeds file"));
    let csv = std::fs::read_to_string(dir.path().join("out/metrics.csv")).unwrap();
    assert_eq!(csv.lines().count(), 31);
}

/// The README's metrics table names every KPI that metrics.csv has (issue 19: it missed
/// `problems_resolved_share`), directly or, for the programme outlays, in the
/// `cost_<programme>_yuan` row; a KPI added to `KPIS` without a README row fails here.
#[test]
fn readme_metrics_table_names_every_kpi() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let section = readme
        .split("### `metrics.csv`")
        .nth(1)
        .and_then(|s| s.split("\n### ").next())
        .expect("README has a metrics.csv section");
    // The first cell of each table row: the column names it documents.
    let names: Vec<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" | ").next())
        .collect();
    let costs = names
        .iter()
        .position(|n| n.contains("`cost_<programme>_yuan`"))
        .map(|i| {
            section
                .lines()
                .filter(|l| l.starts_with("| "))
                .nth(i)
                .unwrap()
        })
        .expect("a cost_<programme>_yuan row");
    let missing: Vec<&str> = reformsim::metrics::KPIS
        .iter()
        .map(|k| k.key)
        .filter(|key| {
            let direct = names.iter().any(|n| n.contains(&format!("`{key}`")));
            let programme = key
                .strip_prefix("cost_")
                .and_then(|k| k.strip_suffix("_yuan"))
                .is_some_and(|p| costs.contains(&format!("`{p}`")));
            !direct && !programme
        })
        .collect();
    assert!(
        missing.is_empty(),
        "not in the README's metrics table: {missing:?}"
    );
}
