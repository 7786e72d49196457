//! Turning a run's results into files: exporters return bytes, and `write_atomic` puts bytes
//! on disk whole or not at all (a temporary name in the same folder, then a rename).

use std::io::Write;
use std::path::Path;

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
