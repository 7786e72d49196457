//! A run stays within the memory it announces. The peak is the child's own, from `wait4`:
//! the test binary runs many children at once, so `getrusage(RUSAGE_CHILDREN)` (the largest
//! of all of them) would measure whichever was biggest.

use crate::common;

use std::io::Read;
use std::process::{Command, Stdio};

// The child is reaped by `wait4`, which clippy does not see (std's `wait` would reap it
// first and lose its resource usage).
#[allow(clippy::zombie_processes)]
#[test]
fn a_run_stays_within_the_memory_it_announced() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("reformsim"))
        .current_dir(common::root())
        .args(["run", "tests/data/small-city.toml", "--firms", "300000"])
        .args(["--days", "30", "--out"])
        .arg(tmp.path().join("run"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    // SAFETY: wait4 only writes the status and the struct it is given, for our own child.
    let (status, peak_kib) = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let mut status = 0;
        let pid = libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage);
        assert_eq!(pid, child.id() as libc::pid_t);
        (status, usage.ru_maxrss as f64)
    };
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{stdout}"
    );
    let announced = stdout
        .split("memory estimate ")
        .nth(1)
        .and_then(|rest| rest.split(" MB)").next())
        .and_then(|mb| mb.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("no estimate in MB in: {stdout}"));
    let peak_mb = peak_kib / 1024.0;
    assert!(
        peak_mb <= announced && peak_mb > 0.6 * announced,
        "announced {announced} MB, used {peak_mb:.1} MB"
    );
}
