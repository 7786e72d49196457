//! Data safety under misuse (issue 16): `--force` replaces only what reformsim wrote, a
//! resumed sweep or a merge refuses changed inputs, no command writes outside its folder or
//! over results without `--force`, concurrent writers are refused as busy, and hostile
//! flags, files and sizes get a clear answer instead of a hang. Each test names the item of
//! the issue it covers.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;

fn reformsim() -> Command {
    let mut c = Command::cargo_bin("reformsim").unwrap();
    c.current_dir(common::root());
    for k in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_STEP",
        "SLURM_ARRAY_TASK_COUNT",
        "JOB_COMPLETION_INDEX",
    ] {
        c.env_remove(k);
    }
    c.timeout(Duration::from_secs(300));
    c
}

/// A planner's project folder `p`: the small city as `p/sc/tiny.toml`, its seeds file as
/// `p/seeds/seeds.toml`, and a sweep over it as `p/sc/sweep.toml`. Returns `p`.
fn project(root: &Path) -> PathBuf {
    let p = root.join("p");
    std::fs::create_dir_all(p.join("sc")).unwrap();
    std::fs::create_dir_all(p.join("seeds")).unwrap();
    std::fs::copy(
        common::root().join("seeds/chengdu-2024-11.toml"),
        p.join("seeds/seeds.toml"),
    )
    .unwrap();
    let city = std::fs::read_to_string(common::root().join("tests/data/small-city.toml"))
        .unwrap()
        .replace(
            "\"../../seeds/chengdu-2024-11.toml\"",
            "\"../seeds/seeds.toml\"",
        )
        .replace("name = \"small-city\"", "name = \"tiny\"");
    assert!(city.contains("../seeds/seeds.toml"));
    std::fs::write(p.join("sc/tiny.toml"), city).unwrap();
    write_sweep(&p, "[0, 3]");
    p
}

/// `p/sc/sweep.toml`: 2 × 2 points × 2 replicates over the small city, with the given
/// values of the triage delay.
fn write_sweep(p: &Path, delays: &str) {
    std::fs::write(
        p.join("sc/sweep.toml"),
        format!(
            "[sweep]\nname = \"tiny-sweep\"\nscenario = \"tiny.toml\"\ndesign = \"grid\"\n\
             replicates = 2\n\n[[parameters]]\nkey = \"levers.triage.delay_days\"\n\
             values = {delays}\n\n[[parameters]]\nkey = \"departments[0].capacity\"\n\
             values = [5, 40]\n"
        ),
    )
    .unwrap();
}

/// Every file under `dir` with its bytes, sorted by path (hidden files too).
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_owned(), bytes));
            }
        }
    }
    out.sort();
    out
}

fn run_tiny(p: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    reformsim()
        .arg("run")
        .arg(p.join("sc/tiny.toml"))
        .args(["--days", "20", "--no-charts", "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
}

fn sweep_tiny(p: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    reformsim()
        .arg("sweep")
        .arg(p.join("sc/sweep.toml"))
        .args(["--quiet", "--no-charts", "--jobs", "1", "--out"])
        .arg(out)
        .args(extra)
        .assert()
}

// ---- 1. `run --force` and `calibrate --force` delete only what reformsim wrote ----------

#[test]
fn item1_run_force_never_deletes_a_folder_reformsim_did_not_write() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    let before = tree(&p);
    run_tiny(&p, &p, &["--force"])
        .code(1)
        .stderr(predicate::str::contains("was not written by reformsim"))
        .stderr(predicate::str::contains("nothing was touched"));
    assert_eq!(tree(&p), before, "the project folder is untouched");
    // Nor a folder that once held results, once a planner put a file of theirs in it.
    let out = root.path().join("out");
    run_tiny(&p, &out, &[]).success();
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    let before = tree(&out);
    run_tiny(&p, &out, &["--force"])
        .code(1)
        .stderr(predicate::str::contains("`notes.txt`"));
    assert_eq!(tree(&out), before);
    // Results alone are replaced with --force, and only with it.
    std::fs::remove_file(out.join("notes.txt")).unwrap();
    run_tiny(&p, &out, &[])
        .code(1)
        .stderr(predicate::str::contains("--force"));
    run_tiny(&p, &out, &["--force"]).success();
    assert!(out.join(".reformsim-results.json").is_file());
}

#[test]
fn item1_calibrate_force_never_deletes_a_folder_reformsim_did_not_write() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    std::fs::write(
        p.join("sc/calib.toml"),
        "[calibration]\nname = \"c\"\nscenario = \"tiny.toml\"\nreplicates = 1\n\
         [optimiser]\nmax_iterations = 1\n\
         [[parameters]]\nkey = \"levers.revisits.share\"\nmin = 0.2\nmax = 0.6\n\
         [[figures]]\nid = \"A1\"\nweight = 1\n",
    )
    .unwrap();
    let before = tree(&p);
    reformsim()
        .arg("calibrate")
        .arg(p.join("sc/calib.toml"))
        .args(["--quiet", "--no-charts", "--force", "--out"])
        .arg(&p)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("was not written by reformsim"));
    assert_eq!(tree(&p), before);
}

// ---- 2. `sweep --resume` and `merge` refuse changed inputs -------------------------------

/// Turns a finished sweep folder into the state a sweep killed halfway leaves: the runs
/// table cut after `keep` runs as `runs.csv.partial`, the record of its inputs, no points
/// table and no manifest.
fn as_killed(out: &Path, keep: usize) {
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let cut: String = runs
        .lines()
        .take(keep + 1)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(out.join("runs.csv.partial"), cut).unwrap();
    std::fs::rename(out.join("manifest.json"), out.join("manifest.json.partial")).unwrap();
    std::fs::remove_file(out.join("runs.csv")).unwrap();
    std::fs::remove_file(out.join("points.csv")).unwrap();
}

/// A change to an input file, or its undoing.
type Edit<'a> = Box<dyn Fn() + 'a>;

#[test]
fn item2_resume_refuses_a_changed_sweep_scenario_or_seeds_file_and_resumes_an_unchanged_one() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    let reference = root.path().join("reference");
    sweep_tiny(&p, &reference, &[]).success();
    let out = root.path().join("out");

    // Unchanged inputs: the resumed sweep has the bytes of the uninterrupted one.
    sweep_tiny(&p, &out, &[]).success();
    as_killed(&out, 3);
    sweep_tiny(&p, &out, &["--resume"]).success();
    for f in ["runs.csv", "points.csv", "manifest.json"] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(reference.join(f)).unwrap(),
            "{f}"
        );
    }
    assert!(!out.join("manifest.json.partial").exists());

    // A changed parameter value, base scenario or seeds file: refused, nothing changed.
    let city = p.join("sc/tiny.toml");
    let seeds = p.join("seeds/seeds.toml");
    let original_city = std::fs::read_to_string(&city).unwrap();
    let original_seeds = std::fs::read_to_string(&seeds).unwrap();
    let cases: [(&str, Edit, Edit); 3] = [
        (
            "the sweep file sweep.toml has changed",
            Box::new(|| write_sweep(&p, "[0, 4]")),
            Box::new(|| write_sweep(&p, "[0, 3]")),
        ),
        (
            "the base scenario tiny.toml has changed",
            Box::new(|| {
                let changed = original_city.replace("firms = 2000", "firms = 2100");
                assert_ne!(changed, original_city);
                std::fs::write(&city, changed).unwrap();
            }),
            Box::new(|| std::fs::write(&city, &original_city).unwrap()),
        ),
        (
            "the seeds file seeds.toml has changed",
            Box::new(|| {
                std::fs::write(&seeds, format!("{original_seeds}\n# edited\n")).unwrap();
            }),
            Box::new(|| std::fs::write(&seeds, &original_seeds).unwrap()),
        ),
    ];
    for (message, change, restore) in &cases {
        as_killed(&out, 3);
        let before = tree(&out);
        change();
        sweep_tiny(&p, &out, &["--resume"])
            .code(1)
            .stderr(predicate::str::contains(*message))
            .stderr(predicate::str::contains("--force"));
        assert_eq!(tree(&out), before, "{message}: the folder is untouched");
        restore();
        sweep_tiny(&p, &out, &["--resume"]).success();
    }
}

#[test]
fn item2_merge_refuses_shards_of_different_inputs_and_blames_the_right_shard() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    let parts = root.path().join("parts");
    sweep_tiny(&p, &parts, &["--shard", "1/2"]).success();
    let seeds = p.join("seeds/seeds.toml");
    let original = std::fs::read_to_string(&seeds).unwrap();
    std::fs::write(&seeds, format!("{original}\n# edited\n")).unwrap();
    sweep_tiny(&p, &parts, &["--shard", "2/2"]).success();
    let merged = root.path().join("merged");
    let merge = || {
        reformsim()
            .arg("merge")
            .arg(&parts)
            .arg("--out")
            .arg(&merged)
            .assert()
    };
    merge().code(1).stderr(predicate::str::contains(
        "seeds file seeds.toml has changed",
    ));
    assert!(!merged.exists());

    // Shard 2 run again from the same files; then a row cut from the end of shard 1 is
    // blamed on shard 1, not on shard 2.
    std::fs::write(&seeds, &original).unwrap();
    sweep_tiny(&p, &parts, &["--shard", "2/2", "--force"]).success();
    let first = parts.join("runs.shard-1-of-2.csv");
    let text = std::fs::read_to_string(&first).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let cut: String = lines[..lines.len() - 1]
        .iter()
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&first, cut).unwrap();
    merge()
        .code(1)
        .stderr(predicate::str::contains(
            "runs.shard-1-of-2.csv: holds runs 0–2",
        ))
        .stderr(predicate::str::contains("incomplete"));
    // A CRLF shard is named as such.
    std::fs::write(&first, text.replace('\n', "\r\n")).unwrap();
    merge()
        .code(1)
        .stderr(predicate::str::contains("Windows line endings"));
    std::fs::write(&first, &text).unwrap();
    merge().success();
}

// ---- 3. `compare` never builds a path from file contents ---------------------------------

#[test]
fn item3_compare_default_folder_stays_under_output_compare() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    let work = root.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    run_tiny(&p, &a, &[]).success();
    run_tiny(&p, &b, &[]).success();
    for dir in [&a, &b] {
        let path = dir.join("summary.json");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replacen("\"scenario\": \"tiny\"", "\"scenario\": \"../../../x\"", 1),
        )
        .unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("../../../x")
        );
    }
    let mut c = Command::cargo_bin("reformsim").unwrap();
    c.current_dir(&work)
        .args(["compare", "--quiet", "--format", "svg"])
        .arg(&a)
        .arg(&b)
        .assert()
        .success();
    let made: Vec<_> = std::fs::read_dir(work.join("output/compare"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    assert!(
        made[0]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
        "{made:?}"
    );
    // Nothing appeared beside the work folder or above it.
    let mut names: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(names, ["a", "b", "p", "work"]);
}

// ---- 4, 5. Concurrent writers of one folder --------------------------------------------

#[test]
fn item4_a_second_run_into_a_busy_folder_is_refused_and_leaves_the_staging_folder() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    let out = root.path().join("out");
    // A live first writer: it holds the lock and has its staging folder beside `out`.
    let lock = reformsim::results_folder::lock(&out, false).unwrap();
    let staging = root.path().join(".out.partial-4242424");
    std::fs::create_dir(&staging).unwrap();
    std::fs::write(staging.join("metrics.csv"), "being written").unwrap();
    for args in [vec![], vec!["--force"]] {
        run_tiny(&p, &out, &args)
            .code(1)
            .stderr(predicate::str::contains("is busy"));
    }
    assert!(
        staging.join("metrics.csv").is_file(),
        "a live staging folder stays"
    );
    assert!(!out.exists());
    // Once its owner is gone, the next run clears it and writes.
    drop(lock);
    run_tiny(&p, &out, &[]).success();
    assert!(
        !staging.exists(),
        "a dead writer's staging folder is cleared"
    );
    assert!(out.join("metrics.csv").is_file());
}

#[test]
fn item5_concurrent_sweeps_into_one_folder_are_refused_as_busy() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    let out = root.path().join("out");
    sweep_tiny(&p, &out, &[]).success();
    let before = tree(&out);
    {
        let _unsharded = reformsim::results_folder::lock(&out, false).unwrap();
        sweep_tiny(&p, &out, &["--force"])
            .code(1)
            .stderr(predicate::str::contains("is busy"));
        sweep_tiny(&p, &out, &["--shard", "1/2"])
            .code(1)
            .stderr(predicate::str::contains("is busy"));
    }
    assert_eq!(tree(&out), before);
    // Two runs of one shard: the second is refused while the first holds the shard.
    let parts = root.path().join("parts");
    let shard_lock = root.path().join(".parts.shard-1-of-2.lock");
    {
        let _one = reformsim::results_folder::lock_file(&shard_lock, &parts, false).unwrap();
        sweep_tiny(&p, &parts, &["--shard", "1/2"])
            .code(1)
            .stderr(predicate::str::contains("is busy"));
        // Another shard of the same sweep shares the folder.
        sweep_tiny(&p, &parts, &["--shard", "2/2"]).success();
    }
    sweep_tiny(&p, &parts, &["--shard", "1/2"]).success();
}

// ---- 6, 7. No command writes over results without --force -------------------------------

#[test]
fn item6_compare_into_an_existing_run_folder_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    run_tiny(&p, &a, &[]).success();
    run_tiny(&p, &b, &[]).success();
    let before = tree(&a);
    reformsim()
        .args(["compare", "--quiet", "--format", "svg"])
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(&a)
        .assert()
        .code(1);
    assert_eq!(tree(&a), before);
    // Not even with --force: the folder is one of the inputs.
    reformsim()
        .args(["compare", "--quiet", "--format", "svg", "--force"])
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(&a)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "one of the run folders being compared",
        ));
    assert_eq!(tree(&a), before);
    // A comparison folder is replaced with --force, and only with it.
    let c = root.path().join("c");
    let compare = |extra: &[&str]| {
        reformsim()
            .args(["compare", "--quiet", "--format", "svg"])
            .arg(&a)
            .arg(&b)
            .arg("--out")
            .arg(&c)
            .args(extra)
            .assert()
    };
    compare(&[]).success();
    compare(&[])
        .code(1)
        .stderr(predicate::str::contains("--force"));
    compare(&["--force"]).success();
}

#[test]
fn item7_sweep_merge_and_sensitivity_never_write_into_an_occupied_folder() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    // A run folder is not a sweep's to write into, with or without --force... without:
    let run = root.path().join("run");
    run_tiny(&p, &run, &[]).success();
    let before = tree(&run);
    sweep_tiny(&p, &run, &[])
        .code(1)
        .stderr(predicate::str::contains("already holds files"));
    sweep_tiny(&p, &run, &["--resume"])
        .code(1)
        .stderr(predicate::str::contains("already holds files"));
    assert_eq!(tree(&run), before);
    // ... and a folder of a planner's own files is refused even with --force.
    let mine = root.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("points.csv"), "my own table").unwrap();
    let before = tree(&mine);
    sweep_tiny(&p, &mine, &[]).code(1);
    sweep_tiny(&p, &mine, &["--force"])
        .code(1)
        .stderr(predicate::str::contains("was not written by reformsim"));
    assert_eq!(tree(&mine), before);

    // merge: never over results without --force.
    let parts = root.path().join("parts");
    sweep_tiny(&p, &parts, &["--shard", "1/1"]).success();
    let merge = |out: &Path, extra: &[&str]| {
        reformsim()
            .arg("merge")
            .arg(&parts)
            .arg("--out")
            .arg(out)
            .args(extra)
            .assert()
    };
    merge(&mine, &[]).code(1);
    assert_eq!(tree(&mine), before);
    let merged = root.path().join("merged");
    merge(&merged, &[]).success();
    merge(&merged, &[])
        .code(1)
        .stderr(predicate::str::contains("--force"));
    merge(&merged, &["--force"]).success();
    merge(&parts, &["--force"])
        .code(1)
        .stderr(predicate::str::contains("the shards are read from"));

    // sensitivity runs its sweep under the same rule.
    reformsim()
        .args([
            "sensitivity",
            "tests/data/small-sensitivity.toml",
            "--quiet",
            "--no-charts",
        ])
        .args(["--resamples", "10", "--out"])
        .arg(&mine)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("already holds files"));
    assert_eq!(tree(&mine), before);
}

// ---- 8. Previous results that cannot be deleted ------------------------------------------

/// As root, the first run writes root-owned results; `nobody` then replaces them with
/// `--force`. The exchange succeeds but the old folder cannot be deleted: the command exits
/// 0 and names the folder it left.
#[cfg(unix)]
#[test]
fn item8_undeletable_previous_results_give_a_warning_not_a_failure() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: needs root to write results as another user (CI runs as root)");
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let open = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    open(root.path(), 0o755);
    let p = project(root.path());
    for d in [&p, &p.join("sc"), &p.join("seeds")] {
        open(d, 0o755);
    }
    // The binary where `nobody` can run it.
    let bin = root.path().join("reformsim");
    std::fs::copy(assert_cmd::cargo::cargo_bin("reformsim"), &bin).unwrap();
    open(&bin, 0o755);
    let results = root.path().join("results");
    std::fs::create_dir(&results).unwrap();
    open(&results, 0o777);
    let out = results.join("out");
    let run = |as_nobody: bool| {
        let mut c = std::process::Command::new(&bin);
        c.arg("run")
            .arg(p.join("sc/tiny.toml"))
            .args(["--days", "20", "--quiet", "--force", "--out"])
            .arg(&out)
            .current_dir(root.path());
        if as_nobody {
            c.uid(65534).gid(65534);
        }
        c.output().unwrap()
    };
    let first = run(false);
    assert!(first.status.success(), "{first:?}");
    let second = run(true);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("could not all be deleted"), "{stderr}");
    let stranded: Vec<_> = std::fs::read_dir(&results)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.partial-"))
        .collect();
    assert_eq!(stranded.len(), 1, "{stranded:?}");
    assert!(stderr.contains(&stranded[0]), "{stderr}");
    use std::os::unix::fs::MetadataExt;
    let owner = std::fs::metadata(out.join("summary.json")).unwrap().uid();
    assert_eq!(owner, 65534, "the new results are in place");
}

// ---- 9, 10. Keys that cannot vary, figures a horizon cannot give -------------------------

#[test]
fn item9_a_sweep_over_the_seed_is_refused_naming_replicates() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    for (key, values) in [
        ("scenario.seed", "[1, 2]"),
        ("scenario.description", "[\"a\", \"b\"]"),
        ("scenario.seeds", "[\"../seeds/seeds.toml\"]"),
    ] {
        std::fs::write(
            p.join("sc/bad.toml"),
            format!(
                "[sweep]\nname = \"s\"\nscenario = \"tiny.toml\"\ndesign = \"grid\"\n\
                 [[parameters]]\nkey = \"{key}\"\nvalues = {values}\n"
            ),
        )
        .unwrap();
        reformsim()
            .arg("sweep")
            .arg(p.join("sc/bad.toml"))
            .args(["--quiet", "--out"])
            .arg(root.path().join("never"))
            .assert()
            .code(1)
            .stderr(predicate::str::contains(format!(
                "`{key}` cannot be varied"
            )));
    }
    reformsim()
        .arg("validate")
        .arg("tests/hostile/sweeps/sweep-seed.toml")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("replicates"));
    assert!(!root.path().join("never").exists());
}

#[test]
fn item10_calibrating_growth_on_a_horizon_without_the_prior_year_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    // The small city starts 2024-06-01: A12 (Jan–Sep 2024 y/y) needs all of 2023.
    std::fs::write(
        p.join("sc/calib.toml"),
        "[calibration]\nname = \"c\"\nscenario = \"tiny.toml\"\nreplicates = 1\n\
         [[parameters]]\nkey = \"levers.revisits.share\"\nmin = 0.2\nmax = 0.6\n\
         [[figures]]\nid = \"A12\"\nweight = 1\n",
    )
    .unwrap();
    for cmd in ["validate", "calibrate"] {
        reformsim()
            .arg(cmd)
            .arg(p.join("sc/calib.toml"))
            .args(if cmd == "calibrate" {
                vec!["--quiet", "--out"]
            } else {
                vec![]
            })
            .args(if cmd == "calibrate" {
                vec![root.path().join("never")]
            } else {
                vec![]
            })
            .assert()
            .code(1)
            .stderr(predicate::str::contains("figure A12"))
            .stderr(predicate::str::contains("must start by 2023-01-01"))
            .stderr(predicate::str::contains("2024-06-01"));
    }
    assert!(!root.path().join("never").exists());
}

// ---- 11. Bad option values are usage errors ----------------------------------------------

#[test]
fn item11_bad_shard_values_exit_2() {
    for bad in ["0/3", "a/b", "1", "4/3", "1/0", ""] {
        reformsim()
            .args([
                "sweep",
                "tests/data/small-sweep.toml",
                "--plan",
                "--shard",
                bad,
            ])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("expected I/N"));
    }
}

// ---- 12. Timeline checking is not quadratic ----------------------------------------------

#[test]
fn item12_twenty_thousand_timeline_entries_validate_in_seconds() {
    let dir = tempfile::tempdir().unwrap();
    let mut text =
        String::from("[scenario]\nname = \"long\"\nstart = \"2024-01-01\"\nend = \"2024-12-31\"\n");
    for i in 0..20_000u32 {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        text.push_str(&format!(
            "[[timeline]]\ndate = \"2024-{month:02}-{day:02}\"\nset = {{ \"levers.triage.delay_days\" = {} }}\n",
            i % 5
        ));
    }
    let file = dir.path().join("long.toml");
    std::fs::write(&file, text).unwrap();
    let started = Instant::now();
    reformsim().arg("validate").arg(&file).assert().success();
    // Quadratic checking took 21 s for 4,000 entries and timed out at 20,000; linear takes
    // well under a second here. The bound leaves room for a slow machine.
    let took = started.elapsed();
    assert!(took < Duration::from_secs(30), "{took:?}");
}

// ---- 13. Only regular files of bounded size are read -------------------------------------

#[cfg(unix)]
#[test]
fn item13_a_fifo_or_a_device_as_input_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for cmd in ["validate", "run", "sweep"] {
        for (file, what) in [
            (fifo.as_path(), "named pipe"),
            (Path::new("/dev/zero"), "device"),
        ] {
            reformsim()
                .arg(cmd)
                .arg(file)
                .timeout(Duration::from_secs(30))
                .assert()
                .code(1)
                .stderr(predicate::str::contains(what))
                .stderr(predicate::str::contains("not a regular file"));
        }
    }
    // A scenario whose seeds path is a folder says so, not "does not exist".
    let p = project(dir.path());
    std::fs::remove_file(p.join("seeds/seeds.toml")).unwrap();
    std::fs::create_dir(p.join("seeds/seeds.toml")).unwrap();
    reformsim()
        .arg("validate")
        .arg(p.join("sc/tiny.toml"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("is a folder, not a regular file"));
}

// ---- 14. Jobs are capped at the cores and the runs ---------------------------------------

#[test]
fn item14_jobs_are_capped_at_cores_and_runs_and_the_estimate_uses_them() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let out = reformsim()
        .args([
            "sweep",
            "tests/data/small-sweep.toml",
            "--plan",
            "--jobs",
            "65535",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let jobs = cores.min(18);
    assert!(stdout.contains(&format!("on {jobs} job(s)")), "{stdout}");
    assert!(stderr.contains("--jobs 65535 cut to"), "{stderr}");
    // And a real sweep with absurd --jobs is not refused on a memory estimate.
    let dir = tempfile::tempdir().unwrap();
    reformsim()
        .args([
            "sweep",
            "tests/data/small-sweep.toml",
            "--quiet",
            "--no-charts",
        ])
        .args(["--jobs", "65535", "--out"])
        .arg(dir.path().join("s"))
        .assert()
        .success();
}

// ---- Messages: say what is wrong and what to do ------------------------------------------

/// Runs `validate` on a scenario text and returns its stderr (exit 1 expected).
fn validate_text(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    let out = reformsim()
        .arg("validate")
        .arg(&file)
        .assert()
        .code(1)
        .get_output()
        .clone();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn messages_name_the_key_and_the_fix() {
    let e = validate_text("[scenario]\nname = \"a\"\nname = \"b\"\n");
    assert!(e.contains("s.toml:3: duplicate key `name`"), "{e}");
    let e = validate_text(
        "[scenario]\nname = \"a\"\n[[timeline]]\ndate = \"2024-10-01\"\n\
         set = { \"levers.escalation.speedup\" = nan }\n",
    );
    assert!(e.contains("must be a finite number, got NaN"), "{e}");
    assert!(!e.contains("invalid type: null"), "{e}");
    let e = validate_text(
        "[scenario]\nname = \"a\"\n[[timeline]]\ndate = 2024-10-01\n\
         set = { \"levers.triage.delay_days\" = 1 }\n",
    );
    assert!(e.contains("`timeline[0].date`"), "{e}");
    assert!(e.contains("a date must be written in quotes"), "{e}");
    let e = validate_text("[scenario]\nname = \"a\"\n[population]\nfirms = \"many\"\n");
    assert!(e.contains("expected a whole number ≥ 0"), "{e}");
    assert!(!e.contains("u32"), "{e}");
    // One name rule for validate and run: 300 characters are refused by both.
    let e = validate_text(&format!("[scenario]\nname = \"{}\"\n", "a".repeat(300)));
    assert!(e.contains("1 to 100 letters"), "{e}");
    // A megabyte of input is not echoed back.
    let e = validate_text(&format!(
        "[scenario]\nname = \"{}\"\n",
        "x y".repeat(400_000)
    ));
    assert!(e.len() < 2_000, "{} bytes", e.len());
}

#[test]
fn another_kind_of_file_is_named_with_its_command() {
    reformsim()
        .args(["run", "tests/data/small-sweep.toml", "--quiet"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("this is a sweep file"))
        .stderr(predicate::str::contains("reformsim sweep"));
    let dir = tempfile::tempdir().unwrap();
    let seeds = dir.path().join("seeds.toml");
    std::fs::write(
        &seeds,
        "[source]\ntitle = \"t\"\ndocument = \"d\"\ndate = \"2024-11-14\"\n",
    )
    .unwrap();
    reformsim()
        .arg("run")
        .arg(&seeds)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("this is a seeds file"));
    // validate checks it as a seeds file, not as a scenario.
    reformsim()
        .arg("validate")
        .arg(&seeds)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("`figure`"))
        .stderr(predicate::str::contains("unknown key `source`").not());
}

#[test]
fn a_memory_limit_that_is_not_a_number_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for bad in ["lots", "-5", "8GB"] {
        reformsim()
            .args(["run", "tests/data/small-city.toml", "--days", "5", "--out"])
            .arg(dir.path().join(bad))
            .env("REFORMSIM_MEMORY_LIMIT", bad)
            .assert()
            .code(1)
            .stderr(predicate::str::contains("REFORMSIM_MEMORY_LIMIT"))
            .stderr(predicate::str::contains("not a whole number of bytes"));
    }
    // The run's remedy names the run's own options, not --jobs.
    reformsim()
        .args(["run", "tests/data/small-city.toml", "--days", "5", "--out"])
        .arg(dir.path().join("small"))
        .env("REFORMSIM_MEMORY_LIMIT", "1000")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--replicates"))
        .stderr(predicate::str::contains("jobs").not());
}

#[test]
fn days_past_the_end_and_rows_beyond_the_horizon_are_said_as_such() {
    let dir = tempfile::tempdir().unwrap();
    // The small city runs 2024-06-01 to 2024-12-31 (214 days).
    reformsim()
        .args([
            "run",
            "tests/data/small-city.toml",
            "--days",
            "220",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path().join("long"))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "runs past the scenario's end 2024-12-31",
        ));
    let out = reformsim()
        .args([
            "run",
            "tests/data/small-city.toml",
            "--days",
            "30",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path().join("short"))
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let a1 = stdout
        .lines()
        .find(|l| l.starts_with("A1 "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(a1.contains(" beyond horizon "), "{a1}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("short/summary.json")).unwrap())
            .unwrap();
    let row = summary["calibration"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "A1")
        .unwrap();
    assert_eq!(row["status"], "beyond horizon");
    // A smaller city's counts carry a note.
    reformsim()
        .args([
            "run",
            "tests/data/small-city.toml",
            "--firms",
            "500",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path().join("small"))
        .assert()
        .success()
        .stdout(predicate::str::contains("are not scaled"));
}

#[test]
fn compare_says_when_pairs_are_too_few_or_dates_outside_the_horizon() {
    let root = tempfile::tempdir().unwrap();
    let p = project(root.path());
    let (a, b) = (root.path().join("a"), root.path().join("b"));
    run_tiny(&p, &a, &[]).success();
    run_tiny(&p, &b, &["--replicates", "2"]).success();
    let out = reformsim()
        .args(["compare", "--format", "svg", "--at", "2030-01-01", "--out"])
        .arg(root.path().join("c"))
        .arg(&a)
        .arg(&b)
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("only the first 1 of each are paired"),
        "{stderr}"
    );
    assert!(stderr.contains("not testable"), "{stderr}");
    assert!(
        stderr.contains("--at 2030-01-01 is outside the horizon"),
        "{stderr}"
    );
    assert!(
        !stdout.contains("(90 %"),
        "no interval from one pair: {stdout}"
    );
    let c: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root.path().join("c/comparison.json")).unwrap())
            .unwrap();
    for row in c["rows"].as_array().unwrap() {
        assert!(row["yuan_per_unit"].is_null(), "{row}");
        assert!(row["diff_excludes_zero"].is_null(), "{row}");
    }
}
