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

/// A results folder being written (run, calibration, comparison, merged sweep). Files go into
/// a hidden sibling folder; `commit` then puts the whole folder in place at once, so a command
/// killed at any moment leaves either the previous folder or the complete new one, never a
/// mix. The rules of `results_folder` apply: an occupied folder is replaced only with
/// `force`, and only if it holds reformsim's results and nothing else; the folder's lock is
/// held from `begin` until the value is dropped.
pub struct StagedFolder {
    target: PathBuf,
    staging: PathBuf,
    committed: bool,
    // Declared last: released only after `drop` has removed an uncommitted staging folder.
    _lock: crate::results_folder::Lock,
}

impl StagedFolder {
    /// Checks that `target` may be written, takes its lock and creates the staging folder
    /// next to it, with the results marker for `kind` already in it. Staging folders left by
    /// killed writers of the same target are removed first: holding the lock proves that
    /// their owners are gone.
    pub fn begin(target: &Path, force: bool, kind: &str) -> Result<StagedFolder> {
        use crate::results_folder::{check_writable, lock, parent_and_leaf, write_marker};
        // Checked before the lock too, so that a refusal creates nothing at all.
        check_writable(target, force)?;
        let lock = lock(target, false)?;
        check_writable(target, force)?;
        let (parent, leaf) = parent_and_leaf(target)?;
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
        let folder = StagedFolder {
            target: target.to_path_buf(),
            staging,
            committed: false,
            _lock: lock,
        };
        write_marker(folder.path(), kind)?;
        Ok(folder)
    }

    /// Where to write the files.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// Puts the staged folder in place of the target (atomically on Linux when the target
    /// exists: the two folders are exchanged, then the old one is removed). Once the new
    /// results are in place the command has succeeded: previous results that cannot be
    /// deleted (another user's files) are left where the exchange put them, with a warning
    /// that names the folder.
    pub fn commit(mut self) -> Result<()> {
        let what = || format!("cannot move the results into {}", self.target.display());
        if self.target.exists() {
            exchange(&self.staging, &self.target).with_context(what)?;
            self.committed = true;
            // The staging path now holds the previous results.
            if let Err(e) = std::fs::remove_dir_all(&self.staging) {
                eprintln!(
                    "warning: the new results are in {}, but the previous ones could not all be \
                     deleted ({e}); what is left of them is in {}: delete it yourself",
                    self.target.display(),
                    self.staging.display()
                );
            }
        } else {
            std::fs::rename(&self.staging, &self.target).with_context(what)?;
            self.committed = true;
        }
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

/// `metrics.csv` as `[outputs]` asks: the columns of `outputs.columns()` and the rows
/// `outputs.keeps` (by the date column). `always` (sorted) holds the dates kept whatever the
/// step. Every field of metrics.csv is a number, a date or empty, so a line splits on commas.
pub fn thin_metrics_csv(
    full: &[u8],
    outputs: &crate::scenario::Outputs,
    last: crate::date::Date,
    always: &[crate::date::Date],
) -> Result<Vec<u8>> {
    if *outputs == crate::scenario::Outputs::default() {
        return Ok(full.to_vec());
    }
    let text = std::str::from_utf8(full).context("metrics.csv is not UTF-8")?;
    // replicate, seed, day, date, then the KPIs.
    let keep: Vec<usize> = (0..4)
        .chain(outputs.columns().into_iter().map(|i| i + 4))
        .collect();
    let mut out = Vec::with_capacity(full.len() / 4);
    for (n, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        if n > 0 {
            let date = fields
                .get(3)
                .and_then(|d| crate::date::Date::parse(d).ok())
                .with_context(|| format!("metrics.csv line {}: no date", n + 1))?;
            if !outputs.keeps(date, last, always) {
                continue;
            }
        }
        let picked: Vec<&str> = keep
            .iter()
            .map(|&i| fields.get(i).copied().unwrap_or(""))
            .collect();
        out.extend_from_slice(picked.join(",").as_bytes());
        out.push(b'\n');
    }
    Ok(out)
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

/// `calibration.csv`: the calibration table of summary.json, one row per observed figure,
/// with the tolerance as a number and its unit in a column of its own, and booleans as
/// true/false.
pub fn calibration_csv(rows: &[crate::report::CalibrationRow]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "id",
        "kpi",
        "date",
        "role",
        "observed",
        "simulated",
        "p05",
        "p95",
        "rel_error",
        "tolerance",
        "tolerance_unit",
        "within_tolerance",
        "inside_interval",
        "status",
        "construction",
    ])?;
    let num = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
    for r in rows {
        w.write_record([
            r.id.clone(),
            r.kpi.clone(),
            r.date.to_string(),
            r.role.to_owned(),
            r.observed.to_string(),
            num(r.simulated),
            num(r.p05),
            num(r.p95),
            num(r.rel_error),
            r.tolerance.to_string(),
            r.tolerance_unit.clone(),
            r.within_tolerance.to_string(),
            // Empty with one replicate: there is no interval to be inside.
            r.inside_interval
                .map_or_else(String::new, |b| b.to_string()),
            r.status.to_owned(),
            r.construction.clone().unwrap_or_default(),
        ])?;
    }
    w.into_inner()
        .map(with_bom)
        .map_err(|e| anyhow::anyhow!("cannot finish calibration.csv: {e}"))
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
        "p05",
        "p95",
        "construction",
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
            // true/false in every row, so that pandas and Excel read a boolean column: a
            // target without a simulated value (not modelled yet, beyond the horizon) is not
            // met, and `status` says why.
            r.met.unwrap_or(false).to_string(),
            num(r.p_met),
            r.status.clone(),
            num(r.p05),
            num(r.p95),
            r.construction.clone().unwrap_or_default(),
        ])?;
    }
    w.into_inner()
        .map(with_bom)
        .map_err(|e| anyhow::anyhow!("cannot finish targets.csv: {e}"))
}
