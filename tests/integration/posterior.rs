//! Issue 18: `calibrate --method abc` recovers a known parameter from figures the model
//! produced and leaves an unidentified one at its prior, byte-identically on one or two
//! threads; a scenario that names the posterior runs an ensemble (each replicate its own
//! parameter set, recorded in summary.json); bad posterior files exit 1 naming file, line
//! and column; and the shipped ABC file's priors are seeds/priors.toml's.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

use crate::calibrate::{TRUE_ARRIVALS, recovery_setup};
use crate::common;

fn reformsim() -> Command {
    let mut c = Command::cargo_bin("reformsim").unwrap();
    c.current_dir(common::root());
    c
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{}/{name}: {e}", dir.display()))
}

/// The files `calibrate --method abc` writes (charts aside).
const ABC_FILES: [&str; 5] = [
    "posterior.csv",
    "identification.csv",
    "predictive.csv",
    "draws.csv",
    "calibration.json",
];

/// `calibrate FILE --method abc --from-sweep DIR` refused: exit 1, saying `why`.
fn from_sweep_is_refused(file: &Path, dir: &Path, out: &Path, why: &str) {
    reformsim()
        .arg("calibrate")
        .arg(file)
        .args(["--method", "abc", "--quiet", "--from-sweep"])
        .arg(dir)
        .arg("--out")
        .arg(out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(why));
}

/// An ABC file beside `recovery_setup`'s city: the arrival rate (which A2 pins down) and the
/// drag (which none of A1, A2, A5 sees before the growth figures).
fn abc_file(dir: &Path) -> std::path::PathBuf {
    recovery_setup(dir);
    let file = dir.join("abc.toml");
    std::fs::write(
        &file,
        r#"[calibration]
name = "abc-recovery"
scenario = "city.toml"

[abc]
draws = 160
accept = 0.25

[[parameters]]
key = "problems.arrivals_per_firm_year"
min = 0.4
max = 1.2

[[parameters]]
key = "production.drag_per_open_problem"
min = 0.005
max = 0.08
distribution = "log_uniform"

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

#[test]
fn abc_pins_down_what_the_figures_see_and_leaves_the_rest_at_its_prior() {
    let tmp = tempfile::tempdir().unwrap();
    let file = abc_file(tmp.path());
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for (out, jobs) in [(&a, "1"), (&b, "2")] {
        reformsim()
            .arg("calibrate")
            .arg(&file)
            .args([
                "--method",
                "abc",
                "--quiet",
                "--no-charts",
                "--jobs",
                jobs,
                "--out",
            ])
            .arg(out)
            .assert()
            .success()
            .stdout("");
    }
    for name in ABC_FILES {
        assert!(read(&a, name) == read(&b, name), "{name} differs");
    }
    let json: serde_json::Value = serde_json::from_slice(&read(&a, "calibration.json")).unwrap();
    assert_eq!(json["kept"], 40);
    let rows = json["identification"].as_array().unwrap();
    let arrivals = &rows[0];
    let (lo, hi) = (
        arrivals["posterior_p05"].as_f64().unwrap(),
        arrivals["posterior_p95"].as_f64().unwrap(),
    );
    assert!(
        lo <= TRUE_ARRIVALS && TRUE_ARRIVALS <= hi,
        "the 90 % range {lo} – {hi} misses the truth {TRUE_ARRIVALS}"
    );
    assert_eq!(arrivals["identified"], "pinned down", "{arrivals}");
    assert_eq!(rows[1]["identified"], "not identified", "{}", rows[1]);
    // posterior.csv: weight, then the keys; weights sum to 1.
    let text = String::from_utf8(read(&a, "posterior.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("weight,problems.arrivals_per_firm_year,production.drag_per_open_problem")
    );
    let total: f64 = lines
        .map(|l| l.split(',').next().unwrap().parse::<f64>().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 1e-9, "weights sum to {total}");
}

#[test]
fn abc_draws_run_as_a_sharded_sweep_give_the_same_posterior_to_the_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let file = abc_file(tmp.path());
    let here = tmp.path().join("here");
    reformsim()
        .arg("calibrate")
        .arg(&file)
        .args(["--method", "abc", "--quiet", "--no-charts", "--out"])
        .arg(&here)
        .assert()
        .success();
    // The same file through the sweep machinery: two shards, merged, then read back.
    let (shards, merged, read_back) = (
        tmp.path().join("shards"),
        tmp.path().join("merged"),
        tmp.path().join("from-sweep"),
    );
    for shard in ["1/2", "2/2"] {
        reformsim()
            .arg("sweep")
            .arg(&file)
            .args(["--shard", shard, "--quiet", "--no-charts", "--out"])
            .arg(&shards)
            .assert()
            .success();
    }
    // Reading a folder of shards, not a finished sweep, is refused with what to do.
    from_sweep_is_refused(&file, &shards, &tmp.path().join("refused"), "merge");
    reformsim()
        .arg("merge")
        .arg(&shards)
        .arg("--out")
        .arg(&merged)
        .assert()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&read(&merged, "manifest.json")).unwrap();
    assert_eq!(manifest["design"], "prior");
    assert_eq!(manifest["runs"], 160);
    reformsim()
        .arg("calibrate")
        .arg(&file)
        .args(["--method", "abc", "--quiet", "--no-charts", "--from-sweep"])
        .arg(&merged)
        .arg("--out")
        .arg(&read_back)
        .assert()
        .success();
    for name in ABC_FILES {
        assert!(
            read(&here, name) == read(&read_back, name),
            "{name} differs"
        );
    }
    // A sweep of another calibration (here: more draws) is not this one's.
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("draws = 160", "draws = 161")).unwrap();
    from_sweep_is_refused(
        &file,
        &merged,
        &tmp.path().join("other"),
        "did not run the draws",
    );
}

/// The small city naming `posterior` (an absolute path: the city is copied out).
fn city_with_posterior(
    dir: &Path,
    name: &str,
    posterior: &Path,
    extra: &str,
) -> std::path::PathBuf {
    common::small_city_variant(
        dir,
        name,
        &[(
            "seed = 7\n",
            &format!(
                "seed = 7\nposterior = {:?}\n{extra}",
                posterior.display().to_string()
            ),
        )],
    )
}

fn write_posterior(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("posterior.csv");
    std::fs::write(
        &path,
        "weight,production.drag_per_open_problem,problems.self_resolve_days\n\
         0.2,0.01,120\n0.2,0.02,150\n0.2,0.03,180\n0.2,0.05,240\n0.2,0.07,300\n",
    )
    .unwrap();
    path
}

#[test]
fn a_scenario_with_a_posterior_runs_an_ensemble_and_records_each_replicates_parameters() {
    let tmp = tempfile::tempdir().unwrap();
    let posterior = write_posterior(tmp.path());
    let city = city_with_posterior(tmp.path(), "ensemble", &posterior, "");
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("run{threads}"));
        reformsim()
            .env("RAYON_NUM_THREADS", threads)
            .args(["run"])
            .arg(&city)
            .args(["--replicates", "10", "--no-charts", "-q", "--out"])
            .arg(&out)
            .assert()
            .success();
        outs.push(out);
    }
    assert!(
        read(&outs[0], "metrics.csv") == read(&outs[1], "metrics.csv"),
        "an ensemble gives the same bytes on one or two threads"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&outs[0], "summary.json")).unwrap();
    let p = &summary["posterior"];
    assert_eq!(p["rows"], 5);
    assert_eq!(
        p["sha256"].as_str().unwrap(),
        reformsim::scenario::hex_sha256(&std::fs::read(&posterior).unwrap())
    );
    let reps = summary["replicate_parameters"].as_array().unwrap();
    assert_eq!(reps.len(), 10);
    let rows: std::collections::BTreeSet<u64> =
        reps.iter().map(|r| r["row"].as_u64().unwrap()).collect();
    assert!(rows.len() >= 3, "10 replicates drew only rows {rows:?}");
    // Each replicate's values are its row's.
    for r in reps {
        let drag = r["values"]["production.drag_per_open_problem"]
            .as_f64()
            .unwrap();
        let want = [0.01, 0.02, 0.03, 0.05, 0.07][r["row"].as_u64().unwrap() as usize];
        assert_eq!(drag, want, "{r}");
    }
    // The same seed draws the same row in another scenario naming the same posterior, so a
    // comparison pairs (parameter set, seed).
    let other = city_with_posterior(tmp.path(), "ensemble-other", &posterior, "");
    let out = tmp.path().join("other");
    reformsim()
        .args(["run"])
        .arg(&other)
        .args(["--replicates", "10", "--no-charts", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let s2: serde_json::Value = serde_json::from_slice(&read(&out, "summary.json")).unwrap();
    assert_eq!(s2["replicate_parameters"], summary["replicate_parameters"]);
    // The run report says which parameter sets ran and what the programmes cost.
    reformsim()
        .args(["chart", "--format", "svg", "-q"])
        .arg(&outs[0])
        .assert()
        .success();
    let html = String::from_utf8(read(&outs[0], "report.html")).unwrap();
    assert!(html.contains(">Parameter sets</h2>") && html.contains(">Policy cost</h2>"));
    assert!(
        html.contains(&format!(
            "{} distinct set(s) over 10 replicate(s)",
            rows.len()
        )),
        "the report counts the sets drawn"
    );
    assert!(html.contains("production.drag_per_open_problem"));
}

#[test]
fn a_key_the_scenario_sets_itself_is_not_overwritten_by_the_posterior() {
    let tmp = tempfile::tempdir().unwrap();
    let posterior = write_posterior(tmp.path());
    let city = city_with_posterior(
        tmp.path(),
        "explicit",
        &posterior,
        "\n[production]\ndrag_per_open_problem = 0.011\n",
    );
    let out = tmp.path().join("out");
    reformsim()
        .args(["run"])
        .arg(&city)
        .args(["--replicates", "3", "--no-charts", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value = serde_json::from_slice(&read(&out, "summary.json")).unwrap();
    assert_eq!(
        summary["posterior"]["set_by_scenario"],
        serde_json::json!(["production.drag_per_open_problem"])
    );
    for r in summary["replicate_parameters"].as_array().unwrap() {
        let values = r["values"].as_object().unwrap();
        assert!(
            !values.contains_key("production.drag_per_open_problem"),
            "{r}"
        );
        assert!(values.contains_key("problems.self_resolve_days"), "{r}");
    }
    let scenario: serde_json::Value = serde_json::from_slice(&read(&out, "scenario.json")).unwrap();
    assert_eq!(scenario["production"]["drag_per_open_problem"], 0.011);
}

#[test]
fn bad_posterior_files_exit_1_naming_file_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &str); 7] = [
        (
            "header",
            b"w,production.drag_per_open_problem\n1,0.01\n",
            ":1: the header must be `weight`",
        ),
        (
            "key",
            b"weight,production.drag_per_opn_problem\n1,0.01\n",
            ":1: `production.drag_per_opn_problem`: names no key",
        ),
        (
            "number",
            b"weight,production.drag_per_open_problem\n1,0.01\n1,abc\n",
            ":3: `production.drag_per_open_problem`: `abc` is not a number",
        ),
        (
            "negative",
            b"weight,production.drag_per_open_problem\n-1,0.01\n",
            ":2: `weight`: must be ≥ 0",
        ),
        (
            "empty",
            b"weight,production.drag_per_open_problem\n",
            "has a header but no rows",
        ),
        ("binary", b"\xff\xfe\x00\x01", "is not UTF-8"),
        (
            "invalid",
            b"weight,levers.triage.delay_days\n1,-3\n",
            ":2: row 0 of",
        ),
    ];
    for (name, bytes, message) in cases {
        let posterior = tmp.path().join(format!("{name}.csv"));
        std::fs::write(&posterior, bytes).unwrap();
        let city = city_with_posterior(tmp.path(), &format!("bad-{name}"), &posterior, "");
        let out = tmp.path().join(format!("out-{name}"));
        reformsim()
            .args(["run"])
            .arg(&city)
            .args(["--no-charts", "-q", "--out"])
            .arg(&out)
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!("{name}.csv")))
            .stderr(predicate::str::contains(message));
        assert!(!out.exists(), "{name}: nothing written");
    }
    // A missing file is named with the scenario key that names it.
    let city = city_with_posterior(tmp.path(), "missing", &tmp.path().join("nope.csv"), "");
    reformsim()
        .args(["run"])
        .arg(&city)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("scenario.posterior"))
        .stderr(predicate::str::contains("nope.csv"));
}

/// The shipped ABC file draws each parameter from its prior in seeds/priors.toml: same
/// range, same shape. A prior changed in one place and not the other fails here.
#[test]
fn the_shipped_abc_priors_are_the_priors_file() {
    let priors = reformsim::priors::load(&common::root().join("seeds/priors.toml")).unwrap();
    let c =
        reformsim::calibrate::load(&common::root().join("scenarios/calibration/posterior.toml"))
            .unwrap();
    for p in &c.parameters {
        let prior = priors
            .file
            .priors
            .iter()
            .find(|q| q.key == p.key)
            .unwrap_or_else(|| panic!("{} has no prior in seeds/priors.toml", p.key));
        assert_eq!((p.min, p.max), (prior.low, prior.high), "{}", p.key);
        assert_eq!(
            p.distribution
                .unwrap_or(reformsim::priors::Distribution::Uniform),
            prior.distribution,
            "{}",
            p.key
        );
    }
    // No holdout is fitted: loading refuses one, so every target here is a fit row.
    for t in &c.targets {
        assert!(!["A5b", "A12h", "A13h", "E1", "E2", "E3", "E4", "E5"].contains(&t.id.as_str()));
    }
}

/// `--seeds-per-set 2`: pairs of replicates share a parameter set, and `compare` splits each
/// effect's variance into its parameter and seed parts; without it, it does not.
#[test]
fn nested_replicates_let_compare_split_an_effects_variance() {
    let tmp = tempfile::tempdir().unwrap();
    let posterior = write_posterior(tmp.path());
    let base = city_with_posterior(tmp.path(), "nest-base", &posterior, "");
    let text = std::fs::read_to_string(&base)
        .unwrap()
        .replacen(common::NO_CAMPAIGN.0, common::NO_CAMPAIGN.1, 1)
        .replace("name = \"nest-base\"", "name = \"nest-off\"");
    let off = tmp.path().join("nest-off.toml");
    std::fs::write(&off, text).unwrap();
    let run = |file: &Path, out: &str, nested: bool| {
        let mut c = reformsim();
        c.args(["run"])
            .arg(file)
            .args(["--replicates", "6", "--no-charts", "-q", "--out"])
            .arg(tmp.path().join(out));
        if nested {
            c.args(["--seeds-per-set", "2"]);
        }
        c.assert().success();
        tmp.path().join(out)
    };
    let (b, o) = (run(&base, "b", true), run(&off, "o", true));
    let summary: serde_json::Value = serde_json::from_slice(&read(&b, "summary.json")).unwrap();
    assert_eq!(summary["seeds_per_set"], 2);
    let rows: Vec<u64> = summary["replicate_parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["row"].as_u64().unwrap())
        .collect();
    assert!(
        rows.chunks(2).all(|c| c[0] == c[1]),
        "sets share a row: {rows:?}"
    );
    let cmp = tmp.path().join("cmp");
    reformsim()
        .arg("compare")
        .args([&b, &o])
        .args(["--format", "svg", "-q", "--out"])
        .arg(&cmp)
        .assert()
        .success();
    let c: serde_json::Value = serde_json::from_slice(&read(&cmp, "comparison.json")).unwrap();
    let html = String::from_utf8(read(&cmp, "report.html")).unwrap();
    assert!(
        html.contains("from parameters"),
        "the report shows the variance split"
    );
    let row = common::effect_row(&c, "open_problems", "nest-off", "2024-12-31");
    let (p, s) = (
        row["variance_parameters"].as_f64().unwrap(),
        row["variance_seeds"].as_f64().unwrap(),
    );
    assert!(p >= 0.0 && s > 0.0, "{row}");
    // Without nesting there is nothing to split.
    let (b1, o1) = (run(&base, "b1", false), run(&off, "o1", false));
    let cmp1 = tmp.path().join("cmp1");
    reformsim()
        .arg("compare")
        .args([&b1, &o1])
        .args(["--format", "svg", "-q", "--out"])
        .arg(&cmp1)
        .assert()
        .success();
    let c1: serde_json::Value = serde_json::from_slice(&read(&cmp1, "comparison.json")).unwrap();
    let row = common::effect_row(&c1, "open_problems", "nest-off", "2024-12-31");
    assert!(row["variance_parameters"].is_null(), "{row}");
}
