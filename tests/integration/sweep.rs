//! Sweeps end to end: the same bytes on 1 or 2 jobs, sharded and merged, and resumed after
//! a SIGKILL; common random numbers; sampling designs; bad sweep files exit 1 with the file,
//! line and key.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

const SWEEP: &str = "tests/data/small-sweep.toml";
const FILES: [&str; 3] = ["runs.csv", "points.csv", "manifest.json"];

fn reformsim() -> Command {
    let mut cmd = Command::cargo_bin("reformsim").expect("binary built");
    cmd.current_dir(common::root());
    // Shards come from the command line here, never from the test machine's environment.
    for k in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_STEP",
        "SLURM_ARRAY_TASK_COUNT",
        "JOB_COMPLETION_INDEX",
    ] {
        cmd.env_remove(k);
    }
    cmd
}

fn sweep(out: &Path, extra: &[&str]) {
    reformsim()
        .args(["sweep", SWEEP, "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn read(dir: &Path, file: &str) -> Vec<u8> {
    std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{}/{file}: {e}", dir.display()))
}

fn assert_same(a: &Path, b: &Path) {
    for f in FILES {
        assert!(read(a, f) == read(b, f), "{f} differs");
    }
}

/// The reference: an unsharded sweep on 2 jobs, run once per test binary.
fn reference() -> PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        sweep(d.path(), &["--jobs", "2"]);
        d
    })
    .path()
    .to_owned()
}

#[test]
fn one_and_two_jobs_write_the_same_bytes() {
    let one = tempfile::tempdir().unwrap();
    // Without charts, so that the folder holds exactly the sweep's three files and its
    // workbook.
    sweep(one.path(), &["--jobs", "1", "--no-charts"]);
    assert_same(one.path(), &reference());
    assert!(
        read(one.path(), "workbook.xlsx") == read(&reference(), "workbook.xlsx"),
        "workbook.xlsx differs between 1 and 2 jobs"
    );
    let runs = String::from_utf8(read(one.path(), "runs.csv")).unwrap();
    // 2 × 3 points × 3 replicates, sorted by run id.
    let ids: Vec<u64> = runs
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ids, (0..18).collect::<Vec<_>>());
    // No temporary or partial file is left behind.
    let names: Vec<String> = std::fs::read_dir(one.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // The three files, the workbook and the marker that says the folder holds reformsim's
    // results.
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(
        names.iter().any(|n| n == ".reformsim-results.json"),
        "{names:?}"
    );
}

/// Booleans are `true`/`false` in every CSV (issue 19): each `met_<id>` cell of runs.csv is
/// one of them (or empty where the KPI is undefined in that run), and a point's `p_met_<id>`
/// is the share of its replicates' cells that are `true`.
#[test]
fn met_cells_are_true_or_false_and_p_met_is_their_share() {
    let parse = |file: &str| -> (Vec<String>, Vec<Vec<String>>) {
        let mut r = csv::Reader::from_reader(std::io::Cursor::new(read(&reference(), file)));
        let header = r.headers().unwrap().iter().map(str::to_owned).collect();
        let rows = r
            .records()
            .map(|l| l.unwrap().iter().map(str::to_owned).collect())
            .collect();
        (header, rows)
    };
    let (runs_header, runs) = parse("runs.csv");
    let (points_header, points) = parse("points.csv");
    let targets: Vec<&str> = runs_header
        .iter()
        .filter_map(|h| h.strip_prefix("met_"))
        .collect();
    assert!(!targets.is_empty(), "{runs_header:?}");
    let mut defined = 0;
    for t in targets {
        let m = runs_header
            .iter()
            .position(|h| *h == format!("met_{t}"))
            .unwrap();
        let p = points_header
            .iter()
            .position(|h| *h == format!("p_met_{t}"))
            .unwrap();
        for point in &points {
            let cells: Vec<&str> = runs
                .iter()
                .filter(|r| r[1] == point[0])
                .map(|r| r[m].as_str())
                .collect();
            assert!(
                cells.iter().all(|c| ["true", "false", ""].contains(c)),
                "met_{t}: {cells:?}"
            );
            let known: Vec<&&str> = cells.iter().filter(|c| !c.is_empty()).collect();
            defined += known.len();
            if known.is_empty() {
                continue;
            }
            let share = known.iter().filter(|c| **c == &"true").count() as f64 / known.len() as f64;
            let p_met: f64 = point[p].parse().unwrap();
            assert!(
                (p_met - share).abs() < 1e-12,
                "p_met_{t} {p_met} vs {share}"
            );
        }
    }
    assert!(defined > 0, "some met cell is defined");
}

#[test]
fn replicate_k_has_the_same_seed_at_every_point() {
    let text = String::from_utf8(read(&reference(), "runs.csv")).unwrap();
    let mut seeds: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        seeds.entry(f[2].into()).or_default().insert(f[3].into());
    }
    assert_eq!(seeds.len(), 3);
    assert!(seeds.values().all(|s| s.len() == 1), "{seeds:?}");
    let distinct: std::collections::BTreeSet<_> = seeds.values().flatten().collect();
    assert_eq!(distinct.len(), 3, "replicates differ from each other");
}

#[test]
fn three_shards_merge_into_the_same_bytes() {
    let shards = tempfile::tempdir().unwrap();
    for i in 1..=3 {
        sweep(
            shards.path(),
            &["--shard", &format!("{i}/3"), "--jobs", "1"],
        );
    }
    assert_merges_to_reference(shards.path());
}

/// Merges the shards in `dir` and compares the result with the unsharded reference.
fn assert_merges_to_reference(dir: &Path) {
    let merged = tempfile::tempdir().unwrap();
    reformsim()
        .arg("merge")
        .arg(dir)
        .arg("--out")
        .arg(merged.path())
        .assert()
        .success();
    assert_same(merged.path(), &reference());
    assert!(
        merged.path().join("workbook.xlsx").is_file(),
        "merged workbook"
    );
}

#[test]
fn slurm_and_kubernetes_indices_pick_the_same_shards() {
    let slurm = tempfile::tempdir().unwrap();
    // An array 10-14:2 has tasks 10, 12, 14: task 12 is shard 2 of 3.
    for id in ["10", "12", "14"] {
        reformsim()
            .args(["sweep", SWEEP, "--quiet", "--out"])
            .arg(slurm.path())
            .env("SLURM_ARRAY_TASK_ID", id)
            .env("SLURM_ARRAY_TASK_MIN", "10")
            .env("SLURM_ARRAY_TASK_STEP", "2")
            .env("SLURM_ARRAY_TASK_COUNT", "3")
            .assert()
            .success();
    }
    let k8s = tempfile::tempdir().unwrap();
    for index in ["0", "1", "2"] {
        reformsim()
            .args(["sweep", SWEEP, "--quiet", "--shards", "3", "--out"])
            .arg(k8s.path())
            .env("JOB_COMPLETION_INDEX", index)
            .assert()
            .success();
    }
    assert_merges_to_reference(slurm.path());
    assert_merges_to_reference(k8s.path());
}

#[test]
fn merge_refuses_missing_or_duplicate_shards() {
    let shards = tempfile::tempdir().unwrap();
    for i in [1, 3] {
        sweep(shards.path(), &["--shard", &format!("{i}/3")]);
    }
    let out = tempfile::tempdir().unwrap();
    reformsim()
        .arg("merge")
        .arg(shards.path())
        .arg("--out")
        .arg(out.path().join("m"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("missing shard(s) 2 of 3"));
    reformsim()
        .arg("merge")
        .arg(shards.path())
        .arg(shards.path())
        .arg("--out")
        .arg(out.path().join("m"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("present twice"));
}

#[test]
fn a_sweep_killed_at_any_moment_resumes_to_the_same_bytes() {
    let bin = assert_cmd::cargo::cargo_bin("reformsim");
    for delay_ms in [50, 250, 500] {
        let out = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new(&bin)
            .current_dir(common::root())
            .args(["sweep", SWEEP, "--quiet", "--jobs", "2", "--out"])
            .arg(out.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        // Whatever is there is either a complete file or the partial runs table.
        for f in FILES {
            let p = out.path().join(f);
            if p.exists() && f == "manifest.json" {
                assert_same(out.path(), &reference());
            }
        }
        // Without --resume an unfinished sweep is refused, not overwritten.
        if out.path().join("runs.csv.partial").exists() {
            reformsim()
                .args(["sweep", SWEEP, "--quiet", "--out"])
                .arg(out.path())
                .assert()
                .code(1)
                .stderr(predicate::str::contains("--resume"));
        }
        sweep(out.path(), &["--resume", "--jobs", "1"]);
        assert_same(out.path(), &reference());
    }
}

/// Killed while writing its manifest, the last step: the runs table is in place, the
/// manifest is not, and a temporary file is left. `--resume` finishes it, to the same bytes,
/// and clears the temporary file (this once failed as "already holds files").
#[test]
fn a_sweep_killed_while_writing_its_manifest_resumes() {
    let out = tempfile::tempdir().unwrap();
    let reference = reference();
    for f in ["runs.csv", "points.csv"] {
        std::fs::write(out.path().join(f), read(&reference, f)).unwrap();
    }
    // The record of the inputs written at the start has the final manifest's bytes.
    std::fs::write(
        out.path().join("manifest.json.partial"),
        read(&reference, "manifest.json"),
    )
    .unwrap();
    std::fs::write(out.path().join(".manifest.json.tmp-99999"), b"{\"torn\"").unwrap();
    sweep(out.path(), &["--resume", "--jobs", "1"]);
    assert_same(out.path(), &reference);
    assert!(!out.path().join(".manifest.json.tmp-99999").exists());
    assert!(!out.path().join("manifest.json.partial").exists());
}

#[test]
fn a_torn_last_line_is_dropped_on_resume() {
    let out = tempfile::tempdir().unwrap();
    let runs = read(&reference(), "runs.csv");
    // Keep the header, five whole runs and half of the sixth.
    let cut: Vec<usize> = runs
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let torn = &runs[..cut[5] + 1 + (cut[6] - cut[5]) / 2];
    std::fs::write(out.path().join("runs.csv.partial"), torn).unwrap();
    // The record of the inputs a sweep writes when it starts: the manifest it will finish
    // with. Without it --resume refuses (tests/integration/data_safety.rs).
    std::fs::write(
        out.path().join("manifest.json.partial"),
        read(&reference(), "manifest.json"),
    )
    .unwrap();
    sweep(out.path(), &["--resume"]);
    assert_same(out.path(), &reference());
    // A finished sweep resumes to nothing and is not overwritten without --force.
    sweep(out.path(), &["--resume"]);
    reformsim()
        .args(["sweep", SWEEP, "--quiet", "--out"])
        .arg(out.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
}

#[test]
fn sampling_designs_stay_in_range_and_the_hypercube_is_stratified() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("lhs.toml");
    let city = common::root().join("tests/data/small-city.toml");
    for design in ["random", "latin-hypercube", "sobol"] {
        std::fs::write(
            &file,
            format!(
                "[sweep]\nname = \"d\"\nscenario = {city:?}\ndesign = \"{design}\"\nsamples = 8\n\
                 [[parameters]]\nkey = \"levers.escalation.speedup\"\nmin = 1.0\nmax = 5.0\n\
                 [[parameters]]\nkey = \"levers.triage.delay_days\"\nmin = 0\nmax = 7\ninteger = true\n"
            ),
        )
        .unwrap();
        let out = dir.path().join(design);
        reformsim()
            .args(["sweep", "--quiet", "--out"])
            .arg(&out)
            .arg(&file)
            .assert()
            .success();
        let text = String::from_utf8(read(&out, "points.csv")).unwrap();
        let mut strata = [0; 8];
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let speedup: f64 = f[2].parse().unwrap();
            let delay: i64 = f[3].parse().expect("integer parameter is whole");
            assert!((1.0..=5.0).contains(&speedup) && (0..=7).contains(&delay));
            strata[((speedup - 1.0) / 0.5) as usize] += 1;
        }
        if design != "random" {
            assert_eq!(
                strata, [1; 8],
                "{design}: one point per eighth of the range"
            );
        }
    }
}

#[test]
fn bad_sweep_files_exit_1_naming_file_line_and_key() {
    let dir = common::root().join("tests/hostile/sweeps");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        // Each file's first line says what the error must contain: `# expect: ...`.
        let expect = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{} has no `# expect:` line", path.display()));
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        reformsim()
            .args(["validate"])
            .arg(&path)
            .assert()
            .code(1)
            .stderr(
                predicate::str::is_match(format!(r"{}:\d+: `", name.replace('.', r"\."))).unwrap(),
            )
            .stderr(predicate::str::contains(expect))
            .stderr(predicate::str::contains("panicked").not());
        n += 1;
    }
    assert!(n >= 6);
}

#[test]
fn a_timeline_entry_can_be_swept() {
    let dir = tempfile::tempdir().unwrap();
    let city = std::fs::read_to_string(common::root().join("tests/data/small-city.toml")).unwrap();
    let seeds = common::root().join("seeds/chengdu-2024-11.toml");
    let city = city.replace(
        "seeds = \"../../seeds/chengdu-2024-11.toml\"",
        &format!("seeds = {seeds:?}"),
    );
    std::fs::write(
        dir.path().join("city.toml"),
        format!(
            "{city}\n[[timeline]]\ndate = \"2024-10-01\"\nset = {{ \"levers.triage.delay_days\" = 1 }}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("sweep.toml"),
        "[sweep]\nname = \"t\"\nscenario = \"city.toml\"\ndesign = \"grid\"\n\
         [[parameters]]\nkey = 'timeline[0].set.\"levers.triage.delay_days\"'\nvalues = [0, 10]\n\
         [[parameters]]\nkey = \"timeline[0].date\"\nvalues = [\"2024-09-15\"]\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    reformsim()
        .args(["sweep", "--quiet", "--out"])
        .arg(&out)
        .arg(dir.path().join("sweep.toml"))
        .assert()
        .success();
    let text = String::from_utf8(read(&out, "runs.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "resolution_rate@2024-11-13")
        .expect("A4's column");
    let rates: Vec<f64> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(col).unwrap().parse().unwrap())
        .collect();
    // A 10-day triage delay from mid-September resolves less by 13 November than none.
    assert!(rates[1] < rates[0], "{rates:?}");
}

#[test]
fn outputs_record_the_planners_kpis_and_the_triage_delay_slows_resolution() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join(SWEEP))
        .unwrap()
        .replace(
            "\"small-city.toml\"",
            &format!("{:?}", common::root().join("tests/data/small-city.toml")),
        );
    let file = dir.path().join("sweep.toml");
    std::fs::write(
        &file,
        format!("{text}\n[outputs]\nkpis = [\"mean_days_to_resolve\"]\ndates = [\"2024-09-30\", \"2024-12-31\"]\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    reformsim()
        .args(["sweep", "--quiet", "--out"])
        .arg(&out)
        .arg(&file)
        .assert()
        .success();
    let mut points = csv::Reader::from_path(out.join("points.csv")).unwrap();
    let header: Vec<String> = points
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{name} not in {header:?}"))
    };
    let (delay, days) = (
        col("levers.triage.delay_days"),
        col("mean_days_to_resolve@2024-12-31_mean"),
    );
    col("mean_days_to_resolve@2024-09-30_mean");
    let rows: Vec<Vec<f64>> = points
        .records()
        .map(|r| {
            r.unwrap()
                .iter()
                .map(|c| c.parse().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    // At every capacity, a 3-day triage delay makes tickets take longer than none.
    for slow in rows.iter().filter(|r| r[delay] == 3.0) {
        let fast = rows
            .iter()
            .find(|r| {
                r[delay] == 0.0
                    && r[col("departments[0].capacity")] == slow[col("departments[0].capacity")]
            })
            .unwrap();
        assert!(slow[days] > fast[days] + 1.0, "{slow:?} vs {fast:?}");
    }
}
