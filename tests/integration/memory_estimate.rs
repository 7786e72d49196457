//! A run stays within the memory it announces. The peak is the one the run prints, its own
//! VmHWM (`memory::peak_rss_bytes`). Not the child's `ru_maxrss` from `wait4`: Rust starts
//! children with `posix_spawn` (vfork), and Linux carries the parent's peak into the child's
//! `ru_maxrss` across `exec`, so in a full test run the figure was this test binary's own
//! size (180–205 MB against a run's 135 MB).

use crate::common;

use assert_cmd::Command;

/// The number of MB after `label` in `line` (`... memory estimate 162 MB, peak 135 MB)`).
fn megabytes(line: &str, label: &str) -> f64 {
    line.split(label)
        .nth(1)
        .and_then(|rest| rest.split(" MB").next())
        .and_then(|mb| mb.trim().parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no `{label}` in MB in: {line}"))
}

#[test]
fn a_run_stays_within_the_memory_it_announced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("reformsim")
        .unwrap()
        .current_dir(common::root())
        .args(["run", "tests/data/small-city.toml", "--firms", "300000"])
        .args(["--days", "30", "--out"])
        .arg(tmp.path().join("run"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let first = stdout.lines().next().unwrap_or_default();
    let announced = megabytes(first, "memory estimate ");
    let peak = megabytes(first, "peak ");
    assert!(
        peak <= announced && peak > 0.6 * announced,
        "announced {announced} MB, used {peak} MB"
    );
}
