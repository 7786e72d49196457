//! Outputs are safe: an occupied run folder is never overwritten without --force, a run
//! killed at any moment leaves the previous results or the complete new ones, work too large
//! for the memory is refused up front, and `--check-invariants` checks every day without
//! changing a byte. (Sweeps: tests/integration/sweep.rs; hostile input: tests/integration/cli.rs, tests/integration/fuzz_inputs.rs.)

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Stdio;

use assert_cmd::Command;
use predicates::prelude::*;
use reformsim::engine::{Simulation, run_replicates};
use reformsim::rng::replicate_seed;

fn reformsim() -> Command {
    let mut c = Command::cargo_bin("reformsim").unwrap();
    c.current_dir(common::root());
    c
}

fn small_city() -> String {
    common::root()
        .join("tests/data/small-city.toml")
        .display()
        .to_string()
}

/// The files of a folder with their bytes, sorted by name; hidden entries too.
fn contents(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A run folder is complete: its files (charts and report.html may come too, without
/// temporary files), `metrics.csv` with a row per day and replicate, and `summary.json`
/// that parses.
fn assert_complete(dir: &Path, rows: usize) {
    let names: Vec<String> = contents(dir).into_iter().map(|(n, _)| n).collect();
    for file in [
        "metrics.csv",
        "summary.json",
        "targets.csv",
        "scenario.json",
    ] {
        assert!(names.iter().any(|n| n == file), "{file} missing: {names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("tmp")), "{names:?}");
    let metrics = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    assert_eq!(metrics.lines().count(), rows + 1);
    assert!(metrics.ends_with('\n'));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    assert!(summary["replicate_seeds"].is_array());
}

#[test]
fn an_occupied_run_folder_is_replaced_only_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let run = |extra: &[&str]| {
        let mut c = reformsim();
        c.args(["run", &small_city(), "--days", "60", "--quiet", "--out"])
            .arg(&out)
            .args(extra);
        c
    };
    run(&[]).assert().success();
    let first = contents(&out);
    run(&[])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(contents(&out), first, "a refused run touched nothing");
    run(&["--force", "--seed", "9"]).assert().success();
    assert_ne!(contents(&out), first, "--force replaced the results");
    // Nothing but the run folder is left next to it.
    let siblings: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(siblings.len(), 1);

    // A file where the folder should be, or a folder that cannot be created: a clear error.
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    reformsim()
        .args(["run", &small_city(), "--days", "5", "--out"])
        .arg(&file)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("not a folder"));
    reformsim()
        .args([
            "run",
            &small_city(),
            "--days",
            "5",
            "--out",
            "/proc/reformsim/run",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot create"));
}

#[test]
fn a_run_killed_at_any_moment_leaves_the_previous_or_the_complete_results() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let bin = assert_cmd::cargo::cargo_bin("reformsim");
    let args = |force: bool| {
        let mut a: Vec<String> = [
            "run",
            &small_city(),
            "--days",
            "365",
            "--replicates",
            "4",
            "--firms",
            "20000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        a.extend(["--quiet".into(), "--out".into(), out.display().to_string()]);
        if force {
            a.push("--force".into());
        }
        a
    };
    // A first, complete run gives the previous results and the time a run takes; the kill
    // points are spread over that time, from start-up, through the simulation, to the
    // writing and the swap of the folders at the very end.
    let started = std::time::Instant::now();
    let ok = std::process::Command::new(&bin)
        .args(args(false))
        .current_dir(common::root())
        .status()
        .unwrap();
    assert!(ok.success());
    let whole = started.elapsed();
    assert_complete(&out, 4 * 365);
    let previous = contents(&out);
    let mut killed = 0;
    for fraction in [
        0.02, 0.1, 0.25, 0.4, 0.55, 0.7, 0.8, 0.88, 0.94, 0.97, 0.99, 1.0,
    ] {
        let mut child = std::process::Command::new(&bin)
            .args(args(true))
            .current_dir(common::root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole.mul_f64(fraction));
        let _ = child.kill(); // SIGKILL
        killed += usize::from(!child.wait().unwrap().success());
        // Either untouched or complete: the runs are deterministic, so complete new
        // results differ from the previous ones only in summary.json's wall time.
        assert_complete(&out, 4 * 365);
        let now = contents(&out);
        let file = |files: &[(String, Vec<u8>)], name: &str| {
            files.iter().find(|f| f.0 == name).map(|f| f.1.clone())
        };
        for name in ["metrics.csv", "targets.csv", "scenario.json"] {
            assert_eq!(file(&now, name), file(&previous, name), "{name}");
        }
    }
    assert!(
        killed >= 4,
        "only {killed} of 12 runs were killed before they finished"
    );
    // The next run completes and clears whatever the killed ones left behind.
    std::process::Command::new(&bin)
        .args(args(true))
        .current_dir(common::root())
        .status()
        .unwrap();
    assert_complete(&out, 4 * 365);
    let left: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(
        left,
        std::slice::from_ref(&out),
        "stale staging folders were cleared"
    );
}

#[test]
fn work_too_large_for_the_memory_is_refused_up_front_with_an_estimate() {
    let tmp = tempfile::tempdir().unwrap();
    reformsim()
        .env("REFORMSIM_MEMORY_LIMIT", "100000000")
        .args(["run", &small_city(), "--firms", "4000000", "--out"])
        .arg(tmp.path().join("big"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("needs about").and(predicate::str::contains("memory")));
    assert!(!tmp.path().join("big").exists());
    // The same limit lets a small run through.
    reformsim()
        .env("REFORMSIM_MEMORY_LIMIT", "100000000")
        .args(["run", &small_city(), "--days", "10", "--quiet", "--out"])
        .arg(tmp.path().join("small"))
        .assert()
        .success();
}

#[test]
fn check_invariants_checks_every_day_and_changes_no_byte() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, extra) in [("plain", None), ("checked", Some("--check-invariants"))] {
        let mut c = reformsim();
        c.args([
            "run",
            &small_city(),
            "--replicates",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(tmp.path().join(name));
        if let Some(flag) = extra {
            c.arg(flag);
        }
        c.assert().success();
    }
    for file in ["metrics.csv", "targets.csv"] {
        assert_eq!(
            std::fs::read(tmp.path().join("plain").join(file)).unwrap(),
            std::fs::read(tmp.path().join("checked").join(file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn replicates_give_the_same_rows_whatever_order_they_run_in() {
    let s = common::small_city().scenario;
    let together = run_replicates(&s, 42, 4);
    // One by one, last first, on this thread.
    for k in (0..4u32).rev() {
        let alone = Simulation::new(&s, replicate_seed(42, k)).run();
        assert_eq!(alone, together[k as usize].rows, "replicate {k}");
    }
}
