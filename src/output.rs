//! Turning a run's results into files: exporters return bytes, and `write_atomic` puts bytes
//! on disk whole or not at all (a temporary name in the same folder, then a rename).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::engine::RunResult;
use crate::report::TargetRow;
use anyhow::{Context, Result};

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename, so that a
/// reader (or a crash) never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .context("output path has no file name")?
        .to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.sync_all()
            .with_context(|| format!("cannot flush {}", tmp.display()))?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot move {} into place", path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A run folder being written. Files go into a hidden sibling folder; `commit` then puts the
/// whole folder in place at once, so a run killed at any moment leaves either the previous
/// folder or the complete new one, never a mix. An existing folder that holds anything is
/// replaced only when `force` is set.
pub struct StagedFolder {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
}

impl StagedFolder {
    /// Checks that `target` may be written and creates the staging folder next to it.
    /// Staging folders left by killed runs with the same target are removed first.
    pub fn begin(target: &Path, force: bool) -> Result<StagedFolder> {
        if target.exists() {
            if !target.is_dir() {
                anyhow::bail!("{} exists and is not a folder", target.display());
            }
            let occupied = std::fs::read_dir(target)
                .with_context(|| format!("cannot read the output folder {}", target.display()))?
                .next()
                .is_some();
            if occupied && !force {
                anyhow::bail!(
                    "{} already holds results; pass --force to replace them, or choose another --out",
                    target.display()
                );
            }
        }
        let leaf = target
            .file_name()
            .context("the output folder has no name")?
            .to_string_lossy()
            .into_owned();
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create the output folder {}", parent.display()))?;
        let stale = format!(".{leaf}.partial-");
        if let Ok(entries) = std::fs::read_dir(&parent) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(&stale) {
                    let _ = std::fs::remove_dir_all(e.path());
                }
            }
        }
        let staging = parent.join(format!("{stale}{}", std::process::id()));
        std::fs::create_dir(&staging)
            .with_context(|| format!("cannot create {}", staging.display()))?;
        Ok(StagedFolder {
            target: target.to_path_buf(),
            staging,
            committed: false,
        })
    }

    /// Where to write the files.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Puts the staged folder in place of the target (atomically on Linux when the target
    /// exists: the two folders are exchanged, then the old one is removed).
    pub fn commit(mut self) -> Result<()> {
        let what = || format!("cannot move the results into {}", self.target.display());
        if self.target.exists() {
            exchange(&self.staging, &self.target).with_context(what)?;
            // The staging path now holds the previous results.
            std::fs::remove_dir_all(&self.staging).with_context(what)?;
        } else {
            std::fs::rename(&self.staging, &self.target).with_context(what)?;
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for StagedFolder {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Swaps two folders in one step (`renameat2` with `RENAME_EXCHANGE`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both are valid NUL-terminated paths that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Elsewhere: move the old folder aside, then the new one in (a kill between the two leaves
/// the old results in the hidden `.partial-` folder).
#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    let aside = a.with_extension("old");
    std::fs::rename(b, &aside)?;
    std::fs::rename(a, b)?;
    std::fs::rename(&aside, a)
}

/// `metrics.csv`: one row per day and replicate, replicates in order.
pub fn metrics_csv(results: &[RunResult]) -> Result<Vec<u8>> {
    // The csv crate cannot name the columns of a nested row, so the header is written here
    // and each record is serialised as the tuple (replicate, seed, row).
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    let mut header = vec!["replicate", "seed", "day", "date"];
    header.extend(crate::metrics::KPIS.iter().map(|k| k.key));
    w.write_record(&header)?;
    for r in results {
        for row in &r.rows {
            w.serialize((r.replicate, r.seed, row))?;
        }
    }
    w.into_inner()
        .map_err(|e| anyhow::anyhow!("cannot finish metrics.csv: {e}"))
}

/// The UTF-8 byte-order mark: with it, Excel reads a CSV file as UTF-8 (without it, as the
/// system's legacy code page, which garbles the briefing's Chinese terms).
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// CSV bytes that Excel opens unchanged: the UTF-8 byte-order mark, then the bytes.
pub fn with_bom(csv: Vec<u8>) -> Vec<u8> {
    let mut out = BOM.to_vec();
    out.extend(csv);
    out
}

/// `targets.csv`: the target-gap table, with a BOM for Excel (descriptions hold Chinese).
pub fn targets_csv(rows: &[TargetRow]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "description",
        "kpi",
        "date",
        "comparator",
        "target",
        "unit",
        "simulated",
        "gap",
        "met",
        "p_met",
        "status",
    ])?;
    let num = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
    for r in rows {
        w.write_record([
            r.id.clone(),
            r.description.clone(),
            r.kpi.clone().unwrap_or_default(),
            r.date.map_or_else(String::new, |d| d.to_string()),
            r.comparator.clone(),
            num(r.target),
            r.unit.clone(),
            num(r.simulated),
            num(r.gap),
            r.met.map_or_else(String::new, |m| m.to_string()),
            num(r.p_met),
            r.status.clone(),
        ])?;
    }
    w.into_inner()
        .map(with_bom)
        .map_err(|e| anyhow::anyhow!("cannot finish targets.csv: {e}"))
}
