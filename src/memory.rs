//! Refusing work too large for the machine's memory, up front and with an estimate, rather
//! than being killed by the OOM killer hours later.
//!
//! The figures are resident memory measured with `/usr/bin/time -v` on the baseline scenario
//! scaled with `--firms` (2026-11-27, 2 cores): 8.5 MB for the process itself; 424–428
//! bytes per firm for a 30-day run (100,000 and 1,000,000 firms); 610 bytes per firm over
//! the baseline's 1,461 days (tickets, land contracts and loans accumulate). The small test
//! city takes more, 488 bytes per firm over 30 days (300,000 firms: more of its firms hold
//! park space). The estimate rounds each up so that a run stays within what it announced;
//! `tests/integration/memory_estimate.rs` checks that on a real run.

use std::path::Path;

/// The process without any world: binary, thread stacks, allocator.
const BASE_BYTES: u64 = 12 << 20;
/// A world's bytes per firm, whatever the horizon.
const BYTES_PER_FIRM: u64 = 520;
/// What accumulates per firm per simulated day (tickets, contracts, loans), in bytes × 1000.
const MILLIBYTES_PER_FIRM_DAY: u64 = 140;
/// One day's KPI row, kept for every replicate until the files are written.
const BYTES_PER_ROW: u64 = 1_024;
/// Drawing the charts and the report after the runs: rasterising with the embedded CJK
/// font, encoding the PNGs, holding every SVG and the report (with the font as base64).
/// Measured 2026-12-07: a run's peak is 35–40 MB with charts and 15 MB without, at 100 and
/// 2,000 firms; rounded up.
pub const DRAWING_BYTES: u64 = 28 << 20;

/// Peak resident bytes of `replicates` runs of `firms` firms over `days` days, `concurrent`
/// of them in memory at once (the rest keep only their KPI rows).
pub fn estimate_run_bytes(firms: u32, days: u32, replicates: u32, concurrent: usize) -> u64 {
    let (firms, days) = (u64::from(firms), u64::from(days));
    let world = firms * BYTES_PER_FIRM + firms * days * MILLIBYTES_PER_FIRM_DAY / 1000;
    let worlds = (concurrent as u64).clamp(1, u64::from(replicates.max(1)));
    BASE_BYTES + worlds * world + u64::from(replicates) * days * BYTES_PER_ROW
}

/// Memory this process may use: the least of what the kernel says can be used without
/// swapping (`MemAvailable`), the room left in its cgroup (a container's or a Slurm job's
/// limit, `memory.max − memory.current`) and `REFORMSIM_MEMORY_LIMIT` (bytes), where known.
pub fn available_bytes() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(Path::new(p)).ok();
    let system = read("/proc/meminfo").and_then(|t| parse_mem_available(&t));
    let cgroup = match (
        read("/sys/fs/cgroup/memory.max"),
        read("/sys/fs/cgroup/memory.current"),
    ) {
        (Some(max), Some(current)) => {
            match (max.trim().parse::<u64>(), current.trim().parse::<u64>()) {
                (Ok(max), Ok(current)) => Some(max.saturating_sub(current)),
                _ => None, // "max": no limit
            }
        }
        _ => None,
    };
    let user = user_limit().ok().flatten();
    [system, cgroup, user].into_iter().flatten().min()
}

/// `REFORMSIM_MEMORY_LIMIT`, in bytes, if set; an error if it is set to anything but a
/// whole number of bytes (a limit the user believes in must never be silently ignored).
pub fn user_limit() -> Result<Option<u64>, String> {
    match std::env::var("REFORMSIM_MEMORY_LIMIT") {
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err("REFORMSIM_MEMORY_LIMIT is not text; set it to a number of bytes".into())
        }
        Ok(v) => v.trim().parse::<u64>().map(Some).map_err(|_| {
            format!(
                "REFORMSIM_MEMORY_LIMIT = `{}` is not a whole number of bytes (e.g. 8000000000)",
                crate::input::clip(&v, 40)
            )
        }),
    }
}

fn parse_mem_available(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// An error naming the estimate and what is available when the work would not fit, and
/// what the command at hand can do about it (`remedy`, e.g. "use fewer firms or replicates").
pub fn check_fits(what: &str, estimate: u64, remedy: &str) -> Result<(), String> {
    user_limit()?;
    match available_bytes() {
        Some(available) if estimate > available => Err(format!(
            "{what} needs about {} of memory but only {} is available; {remedy}",
            human(estimate),
            human(available)
        )),
        _ => Ok(()),
    }
}

/// Bytes in MB or GB, for messages.
pub fn human(bytes: u64) -> String {
    if bytes >= 1 << 30 {
        format!("{:.1} GB", bytes as f64 / f64::from(1u32 << 30))
    } else {
        format!("{:.0} MB", bytes as f64 / f64::from(1u32 << 20))
    }
}

/// The process's own peak resident set (VmHWM, from /proc/self/status; Linux), or None
/// elsewhere. Not `getrusage`: a process started by `posix_spawn` (vfork) carries its
/// parent's peak into its own `ru_maxrss` across `exec`, so a run started by a large parent
/// would report the parent's size. VmHWM belongs to the address space `exec` created.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_cover_the_measured_runs() {
        // Measured peak RSS: 50.9 MB (100k firms, 30 days), 437 MB (1M, 30 days), 71 MB
        // (100k, 1,461 days), 18.5 MB (the baseline, 14,500 firms, 1,461 days).
        for (firms, days, measured_mb) in [
            (100_000, 30, 50.9),
            (1_000_000, 30, 437.1),
            (100_000, 1461, 71.1),
            (14_500, 1461, 18.5),
        ] {
            let estimate = estimate_run_bytes(firms, days, 1, 1) as f64 / f64::from(1u32 << 20);
            assert!(
                estimate >= measured_mb && estimate < 1.25 * measured_mb + 4.0,
                "{firms} firms, {days} days: estimated {estimate:.1} MB, measured {measured_mb} MB"
            );
        }
    }

    #[test]
    fn replicates_in_flight_and_rows_add_up() {
        let one = estimate_run_bytes(10_000, 365, 1, 2);
        let two = estimate_run_bytes(10_000, 365, 2, 2);
        let many = estimate_run_bytes(10_000, 365, 100, 2);
        assert!(two > one && many > two);
        assert_eq!(many - two, 98 * 365 * BYTES_PER_ROW);
    }

    #[test]
    fn reads_mem_available() {
        let text = "MemTotal:       32000000 kB\nMemAvailable:   24077748 kB\n";
        assert_eq!(parse_mem_available(text), Some(24_077_748 * 1024));
        assert_eq!(parse_mem_available("garbage"), None);
    }
}
