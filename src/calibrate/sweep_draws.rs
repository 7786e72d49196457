//! The ABC draws of a calibration file read back from a sweep that ran them
//! (`reformsim sweep CALIBRATION.toml`, `sweep::spec::from_calibration`): the parameter
//! values and each figure's simulated value of every draw, from the sweep's `runs.csv`.
//! Running the draws as a sweep gives them the sweep's resume, shards and Slurm; the draws,
//! seeds and figures are the ones `calibrate --method abc` runs in one process, so the
//! posterior is the same to the byte.

use std::path::Path;

use anyhow::{Context, Result, bail};

use super::Calibration;
use super::abc::Draw;
use crate::sweep::{Columns, Manifest};

/// Every draw of `c`'s ABC, in draw order, from the finished sweep in `dir`.
pub fn read(c: &Calibration, dir: &Path) -> Result<Vec<Draw>> {
    let manifest_path = dir.join("manifest.json");
    if !manifest_path.is_file() {
        bail!(
            "{} holds no finished sweep (no manifest.json): run `reformsim sweep {}` first \
             (if it ran in shards, `reformsim merge` them into one folder)",
            dir.display(),
            c.path.display()
        );
    }
    let text = std::fs::read_to_string(&manifest_path)
        .with_context(|| format!("cannot read {}", manifest_path.display()))?;
    let found: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a sweep manifest", manifest_path.display()))?;
    if found.shard.is_some() {
        bail!(
            "{} is one shard's manifest; merge the shards first (`reformsim merge DIR --out MERGED`)",
            manifest_path.display()
        );
    }
    // The manifest this calibration file's sweep would write: same file, scenario, seeds,
    // version, draws and columns, or the draws are not this calibration's.
    let sweep =
        crate::sweep::spec::from_calibration(&c.path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let expected = Manifest::new(&sweep, &Columns::of(&sweep), None);
    if let Some(why) = expected.difference(&found) {
        bail!(
            "the sweep in {} did not run the draws of {}: {why}",
            dir.display(),
            c.path.display()
        );
    }
    let runs_path = dir.join("runs.csv");
    let mut reader = csv::Reader::from_path(&runs_path)
        .with_context(|| format!("cannot read {}", runs_path.display()))?;
    let header = reader.headers()?.clone();
    let column = |name: &str| -> Result<usize> {
        header
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{} has no column `{name}`", runs_path.display()))
    };
    let point = column("point_id")?;
    let parameters: Vec<usize> = c
        .parameters
        .iter()
        .map(|p| column(&p.key))
        .collect::<Result<_>>()?;
    let figures: Vec<usize> = c
        .targets
        .iter()
        .map(|t| column(&format!("{}@{}", t.kpi, t.date)))
        .collect::<Result<_>>()?;
    let number = |record: &csv::StringRecord, i: usize, line: u64| -> Result<Option<f64>> {
        let cell = record.get(i).unwrap_or("");
        if cell.is_empty() {
            return Ok(None);
        }
        cell.parse::<f64>().map(Some).with_context(|| {
            format!(
                "{} line {line}: `{cell}` in column `{}` is not a number",
                runs_path.display(),
                &header[i]
            )
        })
    };
    let mut draws: Vec<Option<Draw>> = vec![None; c.abc.draws as usize];
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = record.with_context(|| format!("{} line {line}", runs_path.display()))?;
        let k: usize = record
            .get(point)
            .and_then(|p| p.parse().ok())
            .filter(|&k: &usize| k < draws.len())
            .with_context(|| format!("{} line {line}: no draw's point id", runs_path.display()))?;
        let mut values = Vec::with_capacity(parameters.len());
        for &j in &parameters {
            values.push(number(&record, j, line)?.with_context(|| {
                format!(
                    "{} line {line}: `{}` is empty",
                    runs_path.display(),
                    &header[j]
                )
            })?);
        }
        let simulated = figures
            .iter()
            .map(|&j| number(&record, j, line))
            .collect::<Result<Vec<_>>>()?;
        if draws[k].is_some() {
            bail!(
                "{} line {line}: draw {k} appears twice",
                runs_path.display()
            );
        }
        draws[k] = Some(Draw::new(values, simulated, &c.targets));
    }
    let missing = draws.iter().filter(|d| d.is_none()).count();
    if missing > 0 {
        bail!(
            "{} lacks {missing} of the {} draws: finish the sweep (`--resume`)",
            runs_path.display(),
            draws.len()
        );
    }
    Ok(draws.into_iter().flatten().collect())
}
