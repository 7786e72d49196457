//! The one rule for every command that writes a folder: never write over results without
//! `--force`, and never over anything reformsim did not write, even with it.
//!
//! - **The marker.** Every folder reformsim writes holds a small file, [`MARKER`], written with
//!   the results. It is how a later `--force` knows the folder is reformsim's to replace.
//! - **Known names.** `--force` replaces a folder only if it holds the marker and nothing but
//!   files reformsim writes ([`is_result_name`]). A folder holding anything else, a scenario
//!   file, a notes file, another program's output, is refused and left untouched.
//! - **The lock.** A writer holds an advisory lock (`flock`) on a file beside the folder,
//!   `.<name>.lock`, for as long as it writes. A second writer is refused at once as busy
//!   instead of deleting the first one's staging folder or mixing rows into its files. Shards
//!   of one sweep share a folder, so they take the folder's lock shared and their own shard's
//!   lock exclusively. The kernel drops a lock when its process ends, however it ends, so a
//!   killed writer never leaves a folder locked.

use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The marker file a results folder holds: `{"reformsim": version, "kind": ...}`.
pub const MARKER: &str = ".reformsim-results.json";

/// Result files every command may leave in its folder, by exact name.
const RESULT_FILES: &[&str] = &[
    MARKER,
    // every command's tables for Excel
    crate::workbook::WORKBOOK,
    // run
    "metrics.csv",
    "targets.csv",
    "calibration.csv",
    "summary.json",
    "scenario.json",
    "report.html",
    // sweep, sensitivity, merge
    "runs.csv",
    "points.csv",
    "manifest.json",
    "sensitivity.csv",
    "sensitivity.json",
    "feasibility.csv",
    // compare
    "comparison.csv",
    "comparison.json",
    // calibrate
    "calibrated.toml",
    "fit.csv",
    "trace.csv",
    "calibration.json",
];

/// Whether `name` (an entry of a results folder) is one reformsim writes there: a result
/// file, a shard's file (`runs.shard-2-of-4.csv`), an unfinished runs table or its inputs
/// record (`*.partial`), or a temporary file of an interrupted write (`.x.tmp-PID`).
pub fn is_result_name(name: &str) -> bool {
    if RESULT_FILES.contains(&name) {
        return true;
    }
    let base = name.strip_suffix(".partial").unwrap_or(name);
    if RESULT_FILES.contains(&base) {
        return true;
    }
    let shard_file = ["runs.shard-", "points.shard-", "manifest.shard-"]
        .iter()
        .any(|p| base.starts_with(p))
        && (base.ends_with(".csv") || base.ends_with(".json"));
    shard_file || is_temporary(name)
}

/// `.name.tmp-PID`, the temporary name `output::write_atomic` writes before its rename.
fn is_temporary(name: &str) -> bool {
    name.starts_with('.')
        && name
            .rsplit_once(".tmp-")
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// Writes the marker into `dir` (a staging folder, or a sweep folder as it starts).
pub fn write_marker(dir: &Path, kind: &str) -> Result<()> {
    let body = format!(
        "{{\"reformsim\": \"{}\", \"kind\": \"{kind}\"}}\n",
        env!("CARGO_PKG_VERSION")
    );
    crate::output::write_atomic(&dir.join(MARKER), body.as_bytes())
}

/// What is in a folder that may be written.
#[derive(Debug, PartialEq, Eq)]
pub enum Occupancy {
    /// Absent, or an empty folder.
    Empty,
    /// reformsim's results only: the marker and result files.
    Results,
}

/// Checks that `target` may be written: absent or empty, or (with `force`) a folder of
/// reformsim's results and nothing else. Touches nothing.
pub fn check_writable(target: &Path, force: bool) -> Result<Occupancy> {
    if !target.exists() {
        return Ok(Occupancy::Empty);
    }
    if !target.is_dir() {
        bail!(
            "{} exists and is not a folder; choose another --out",
            target.display()
        );
    }
    let entries = entries(target)?;
    if entries.is_empty() {
        return Ok(Occupancy::Empty);
    }
    if !force {
        bail!(
            "{} already holds files; pass --force to replace reformsim's results there, or \
             choose another --out",
            target.display()
        );
    }
    check_only_results(target, &entries)?;
    Ok(Occupancy::Results)
}

/// The names in a folder, sorted (so messages name the same entry every time).
pub fn entries(dir: &Path) -> Result<Vec<String>> {
    let mut names = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the output folder {}", dir.display()))?
        .map(|e| Ok(e?.file_name().to_string_lossy().into_owned()))
        .collect::<std::io::Result<Vec<String>>>()
        .with_context(|| format!("cannot read the output folder {}", dir.display()))?;
    names.sort();
    Ok(names)
}

/// Refuses unless `dir` holds the marker and nothing but result files (and a `charts/`
/// folder of charts).
pub fn check_only_results(dir: &Path, names: &[String]) -> Result<()> {
    let refuse = |what: String| -> Result<()> {
        bail!(
            "{} {what}; --force replaces only a folder of reformsim's results, so nothing \
             was touched. Choose another --out, or move that away yourself",
            dir.display()
        )
    };
    if !names.iter().any(|n| n == MARKER) {
        return refuse(format!(
            "was not written by reformsim (it has no {MARKER} marker)"
        ));
    }
    for name in names {
        let path = dir.join(name);
        let ok = if name == "charts" {
            path.is_dir() && charts_only(&path)?
        } else {
            is_result_name(name) && path.is_file()
        };
        if !ok {
            return refuse(format!(
                "holds `{}`, which reformsim did not write",
                clip(name)
            ));
        }
    }
    Ok(())
}

/// Whether a `charts/` folder holds only chart images (and temporary files of their writes).
fn charts_only(dir: &Path) -> Result<bool> {
    for name in entries(dir)? {
        let image = name.ends_with(".png") || name.ends_with(".svg");
        if !(image || is_temporary(&name)) || !dir.join(&name).is_file() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A name cut to about 200 characters for a message.
fn clip(name: &str) -> String {
    crate::input::clip(name, 200)
}

/// Whether two paths name the same existing folder (a command never writes its output
/// over one of the folders it reads).
pub fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The parent folder of `target` (`.` for a bare name) and the target's own name.
pub fn parent_and_leaf(target: &Path) -> Result<(PathBuf, String)> {
    let leaf = target
        .file_name()
        .with_context(|| format!("the output folder {} has no name", target.display()))?
        .to_string_lossy()
        .into_owned();
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, leaf))
}

/// An advisory lock, held until dropped (or until the process ends). The lock file is
/// removed on release when no one else holds it, so no `.lock` files pile up beside results.
#[derive(Debug)]
pub struct Lock {
    file: File,
    path: PathBuf,
    shared: bool,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Unlinked only while held exclusively: a shared holder first tries to become the
        // only holder. Whoever opens the old file meanwhile sees, once locked, that the path
        // no longer leads to it and starts again (`lock_file`).
        if !self.shared || try_flock(&self.file, false).unwrap_or(false) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Takes the lock of `target` (the file `.<name>.lock` beside it) at once, or refuses as
/// busy. `shared` lets shards of one sweep write one folder together.
pub fn lock(target: &Path, shared: bool) -> Result<Lock> {
    let (parent, leaf) = parent_and_leaf(target)?;
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create the output folder {}", parent.display()))?;
    lock_file(&parent.join(format!(".{leaf}.lock")), target, shared)
}

/// Takes the lock file `path`, which guards `what`.
pub fn lock_file(path: &Path, what: &Path, shared: bool) -> Result<Lock> {
    loop {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            // Another user's lock file can still be locked through a read-only descriptor.
            .or_else(|_| File::open(path))
            .with_context(|| format!("cannot create the lock file {}", path.display()))?;
        if !try_flock(&file, shared)? {
            bail!(
                "{} is busy: another reformsim process is writing it (it holds {}). Wait for \
                 it to finish, or choose another --out",
                what.display(),
                path.display()
            );
        }
        // The holder we waited on may have removed the file before we locked it; then the
        // lock is on a file no one else will see, and we take the path's new file instead.
        if same_file(&file, path) {
            return Ok(Lock {
                file,
                path: path.to_owned(),
                shared,
            });
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, _path: &Path) -> bool {
    true
}

#[cfg(unix)]
fn try_flock(file: &File, shared: bool) -> Result<bool> {
    use std::os::unix::io::AsRawFd;
    let mode = if shared { libc::LOCK_SH } else { libc::LOCK_EX };
    loop {
        // SAFETY: the descriptor is open for the duration of the call.
        let rc = unsafe { libc::flock(file.as_raw_fd(), mode | libc::LOCK_NB) };
        if rc == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EWOULDBLOCK) => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => return Err(e).context("cannot lock the output folder"),
        }
    }
}

/// Elsewhere there is no advisory lock; concurrent writers are not detected.
#[cfg(not(unix))]
fn try_flock(_file: &File, _shared: bool) -> Result<bool> {
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_names_are_recognised_and_others_are_not() {
        for ok in [
            "metrics.csv",
            ".reformsim-results.json",
            "runs.csv.partial",
            "manifest.json.partial",
            "runs.shard-2-of-4.csv",
            "runs.shard-2-of-4.csv.partial",
            "manifest.shard-1-of-3.json",
            ".summary.json.tmp-1234",
        ] {
            assert!(is_result_name(ok), "{ok}");
        }
        for bad in [
            "tiny.toml",
            "seeds",
            "notes.txt",
            "metrics.csv.bak",
            ".x.tmp-",
            ".x.tmp-12a",
            "runs.shard-1-of-2.txt",
        ] {
            assert!(!is_result_name(bad), "{bad}");
        }
    }

    #[test]
    fn a_second_exclusive_lock_is_refused_and_shared_locks_coexist() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let first = lock(&target, false).unwrap();
        let err = lock(&target, false).unwrap_err().to_string();
        assert!(err.contains("busy"), "{err}");
        assert!(lock(&target, true).is_err());
        drop(first);
        let a = lock(&target, true).unwrap();
        let _b = lock(&target, true).unwrap();
        assert!(lock(&target, false).is_err());
        drop(a);
    }

    #[test]
    fn force_refuses_folders_reformsim_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p");
        std::fs::create_dir_all(p.join("sc")).unwrap();
        std::fs::write(p.join("metrics.csv"), "x").unwrap();
        // Without the marker: not reformsim's.
        let err = check_writable(&p, true).unwrap_err().to_string();
        assert!(err.contains("not written by reformsim"), "{err}");
        // With the marker, a foreign entry still refuses.
        write_marker(&p, "run").unwrap();
        let err = check_writable(&p, true).unwrap_err().to_string();
        assert!(err.contains("`sc`"), "{err}");
        std::fs::remove_dir(p.join("sc")).unwrap();
        assert_eq!(check_writable(&p, true).unwrap(), Occupancy::Results);
        // Without --force, results are never replaced.
        assert!(check_writable(&p, false).is_err());
        // A charts folder with a stray file is not reformsim's either.
        std::fs::create_dir(p.join("charts")).unwrap();
        std::fs::write(p.join("charts/a.png"), "x").unwrap();
        assert_eq!(check_writable(&p, true).unwrap(), Occupancy::Results);
        std::fs::write(p.join("charts/notes.txt"), "x").unwrap();
        assert!(check_writable(&p, true).is_err());
    }
}
