//! A run stays within the memory it announces. Alone in its test binary: the peak it reads
//! (`getrusage(RUSAGE_CHILDREN)`) is the largest of every child this process has waited for.

use crate::common;

use assert_cmd::Command;

#[test]
fn a_run_stays_within_the_memory_it_announced() {
    let tmp = tempfile::tempdir().unwrap();
    let output = Command::cargo_bin("reformsim")
        .unwrap()
        .current_dir(common::root())
        .args(["run", "tests/data/small-city.toml", "--firms", "300000"])
        .args(["--days", "30", "--out"])
        .arg(tmp.path().join("run"))
        .output()
        .unwrap();
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let announced = stdout
        .split("memory estimate ")
        .nth(1)
        .and_then(|rest| rest.split(" MB)").next())
        .and_then(|mb| mb.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no estimate in MB in: {stdout}"));
    // SAFETY: getrusage only writes the struct it is given.
    let peak_kib = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        assert_eq!(libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage), 0);
        usage.ru_maxrss as f64
    };
    let peak_mb = peak_kib / 1024.0;
    assert!(
        peak_mb <= announced && peak_mb > 0.6 * announced,
        "announced {announced} MB, used {peak_mb:.1} MB"
    );
}
