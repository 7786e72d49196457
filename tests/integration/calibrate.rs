//! `reformsim calibrate`: the optimiser finds known minima in the unit cube, a calibration
//! recovers parameters from figures the model itself produced, the same file gives the same
//! bytes on one or two threads, and bad files exit 1 naming file, line and key with nothing
//! written.

use crate::common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use reformsim::calibrate::{Settings, minimise};
use reformsim::engine::Simulation;

fn reformsim() -> Command {
    let mut c = Command::cargo_bin("reformsim").unwrap();
    c.current_dir(common::root());
    c
}

/// The figures the recovery test fits, with the KPI each maps to.
const FIGURES: [(&str, &str); 3] = [
    ("A1", "firms_visited"),
    ("A2", "tickets_collected"),
    ("A5", "tickets_revisited"),
];
const DATE: &str = "2024-11-13";
/// The "true" parameters the observed figures are generated at.
pub(crate) const TRUE_ARRIVALS: f64 = 0.755;
const TRUE_COVERAGE: f64 = 0.74;
const TRUE_REVISITS: f64 = 0.385;

/// A small city with a seeds file of figures the model produced at the true parameters
/// (seed 7, the small city's, which is replicate 0's), and a calibration file that starts
/// 20–30 % away from them. Returns the calibration file.
pub(crate) fn recovery_setup(dir: &Path) -> PathBuf {
    let mut s = common::small_city().scenario;
    s.problems.arrivals_per_firm_year = TRUE_ARRIVALS;
    s.levers.campaign.coverage.other = TRUE_COVERAGE;
    s.levers.revisits.share = TRUE_REVISITS;
    s.scenario.end = reformsim::date::Date::parse(DATE).unwrap();
    let rows = Simulation::new(&s, s.scenario.seed).run();
    let row = common::at(&rows, DATE);
    let mut seeds = String::from(
        "[source]\ntitle = \"generated\"\ndocument = \"the model\"\ndate = \"2024-11-14\"\n",
    );
    for (id, kpi) in FIGURES {
        let v = row.get(kpi).unwrap();
        seeds.push_str(&format!(
            "\n[[figure]]\nid = \"{id}\"\ndescription = \"{kpi}\"\nkpi = \"{kpi}\"\ndate = \"{DATE}\"\n\
             value = {v}\nunit = \"n\"\nkind = \"observed\"\ntolerance = {{ relative = 0.05 }}\n"
        ));
    }
    std::fs::write(dir.join("seeds.toml"), seeds).unwrap();
    let city = std::fs::read_to_string(common::root().join("tests/data/small-city.toml"))
        .unwrap()
        .replace("\"../../seeds/chengdu-2024-11.toml\"", "\"seeds.toml\"");
    assert!(city.contains("\"seeds.toml\""));
    std::fs::write(dir.join("city.toml"), city).unwrap();
    let file = dir.join("calib.toml");
    std::fs::write(
        &file,
        r#"[calibration]
name = "recovery"
scenario = "city.toml"
replicates = 1

[optimiser]
max_iterations = 60
tolerance = 1e-7
initial_step = 0.15

[[parameters]]
key = "problems.arrivals_per_firm_year"
min = 0.4
max = 1.2
start = 0.95

[[parameters]]
key = "levers.campaign.coverage.other"
min = 0.4
max = 0.95
start = 0.55

[[parameters]]
key = "levers.revisits.share"
min = 0.1
max = 0.7
start = 0.29

[[figures]]
id = "A1"

[[figures]]
id = "A2"

[[figures]]
id = "A5"
"#,
    )
    .unwrap();
    file
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
}

#[test]
fn nelder_mead_in_the_unit_cube_finds_a_shifted_quadratic_minimum() {
    let centre = [0.2, 0.65, 0.8, 0.45];
    let f = |x: &[f64]| -> f64 {
        x.iter()
            .zip(&centre)
            .map(|(a, c)| (a - c) * (a - c))
            .sum::<f64>()
            + 0.5 * (x[0] - centre[0]) * (x[1] - centre[1])
    };
    let settings = Settings {
        max_iterations: 1000,
        tolerance: 1e-14,
        initial_step: 0.1,
    };
    let got = minimise(&f, &[0.9, 0.1, 0.1, 0.9], settings).unwrap();
    for (a, c) in got.best.iter().zip(&centre) {
        assert!((a - c).abs() < 1e-3, "{:?}", got.best);
    }
    // Same input, same search: the optimiser draws nothing at random.
    let again = minimise(&f, &[0.9, 0.1, 0.1, 0.9], settings).unwrap();
    assert_eq!(got.best, again.best);
    assert_eq!(got.trace, again.trace);
}

#[test]
fn a_calibration_recovers_known_parameters_and_is_byte_identical_on_one_or_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let file = recovery_setup(tmp.path());
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for (out, jobs) in [(&a, "1"), (&b, "2")] {
        reformsim()
            .arg("calibrate")
            .arg(&file)
            .args(["--quiet", "--jobs", jobs, "--out"])
            .arg(out)
            .assert()
            .success()
            .stdout("");
    }
    for name in [
        "calibrated.toml",
        "fit.csv",
        "trace.csv",
        "calibration.json",
        "charts/objective_trace.svg",
        "charts/objective_trace.png",
    ] {
        assert!(read(&a, name) == read(&b, name), "{name} differs");
    }
    let json: serde_json::Value = serde_json::from_slice(&read(&a, "calibration.json")).unwrap();
    // Every figure is back within 1 % (the tolerance is 5 %; the data are the model's own,
    // so an exact fit exists).
    for row in json["fit"].as_array().unwrap() {
        assert_eq!(row["within_tolerance"], true, "{row}");
        assert!(
            row["relative_error"].as_f64().unwrap().abs() < 0.01,
            "{row}"
        );
    }
    // fit.csv keeps numbers numeric (issue 19): the tolerance as a number plus its unit
    // (`relative = 0.05` is 5 %), and within_tolerance as true/false.
    let fit = String::from_utf8(read(&a, "fit.csv")).unwrap();
    let mut lines = fit.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (tol, unit, within) = (
        col("tolerance"),
        col("tolerance_unit"),
        col("within_tolerance"),
    );
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f[tol].parse::<f64>().ok(), Some(5.0), "{line}");
        assert_eq!((f[unit], f[within]), ("%", "true"), "{line}");
    }
    // The parameters come back within 2 % of the truth from 20–30 % away.
    let fitted: Vec<f64> = json["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["fitted"].as_f64().unwrap())
        .collect();
    let truth = [TRUE_ARRIVALS, TRUE_COVERAGE, TRUE_REVISITS];
    for (f, t) in fitted.iter().zip(truth) {
        assert!(
            (f - t).abs() / t < 0.02,
            "fitted {fitted:?}, truth {truth:?}"
        );
    }
    assert!(json["fitted_objective"].as_f64() < json["start_objective"].as_f64());
    // The trace's best objective never rises, and the chart was drawn.
    let trace = String::from_utf8(read(&a, "trace.csv")).unwrap();
    let best: Vec<f64> = trace
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().parse().unwrap())
        .collect();
    assert!(
        best.len() > 5 && best.windows(2).all(|w| w[1] <= w[0]),
        "{trace}"
    );
    // calibrated.toml is a scenario that validates and runs, with the fitted values in it.
    let calibrated = a.join("calibrated.toml");
    reformsim()
        .arg("validate")
        .arg(&calibrated)
        .assert()
        .success()
        .stdout(predicate::str::contains("(scenario)"));
    let loaded = reformsim::scenario::load(&calibrated).unwrap();
    assert_eq!(loaded.scenario.problems.arrivals_per_firm_year, fitted[0]);
    assert_eq!(loaded.scenario.levers.campaign.coverage.other, fitted[1]);
    assert_eq!(loaded.scenario.levers.revisits.share, fitted[2]);
    assert!(loaded.seeds.is_some(), "the seeds path was rewritten");
    reformsim()
        .args(["run", "--quiet", "--no-charts", "--days", "30", "--out"])
        .arg(tmp.path().join("run"))
        .arg(&calibrated)
        .assert()
        .success();
}

#[test]
fn bad_calibration_files_exit_1_naming_file_line_and_key_and_write_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(recovery_setup(tmp.path())).unwrap();
    let cases: [(&str, String, &str); 7] = [
        (
            "unknown key",
            good.replace("tolerance = 1e-7", "tolerence = 1e-7"),
            "optimiser.tolerence",
        ),
        (
            "min above max",
            good.replace("min = 0.4\nmax = 1.2", "min = 1.2\nmax = 0.4"),
            "parameters[0].min",
        ),
        (
            "unknown figure",
            good.replace("id = \"A5\"", "id = \"Z9\""),
            "figures[2].id",
        ),
        (
            "figure with no KPI",
            good.replace("id = \"A5\"", "id = \"A6\""),
            "figures[2].id",
        ),
        (
            "zero weight",
            good.replace("id = \"A5\"", "id = \"A5\"\nweight = 0"),
            "figures[2].weight",
        ),
        (
            "key not in the scenario",
            good.replace("levers.revisits.share", "levers.revisits.shares"),
            "parameters[2].key",
        ),
        (
            "start outside the bounds",
            good.replace("start = 0.29", "start = 0.9"),
            "parameters[2].start",
        ),
    ];
    for (what, text, key) in cases {
        assert_ne!(text, good, "{what}: the edit did not apply");
        let file = tmp.path().join("bad.toml");
        std::fs::write(&file, &text).unwrap();
        let out = tmp.path().join("out");
        reformsim()
            .arg("calibrate")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!("{}:", file.display())))
            .stderr(predicate::str::is_match(r"bad\.toml:\d+: `").unwrap())
            .stderr(predicate::str::contains(format!("`{key}`")))
            .stderr(predicate::str::contains("panicked").not());
        assert!(!out.exists(), "{what}: something was written");
        // `validate` reports the same problem.
        reformsim()
            .arg("validate")
            .arg(&file)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!("`{key}`")));
    }
}
