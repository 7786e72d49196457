//! Reading output folders back: a run (`metrics.csv`, `summary.json`), a sweep
//! (`points.csv`, `manifest.json`) or a comparison (`comparison.json`). Charts, reports and
//! comparisons work from these files alone, so they can be redrawn from any finished folder.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use crate::date::Date;
use crate::report::{Spread, spread};
use crate::sweep::Manifest;

/// What an output folder holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FolderKind {
    Run,
    Sweep,
    Comparison,
}

/// Which kind of folder `dir` is, by the file each kind writes last.
pub fn detect(dir: &Path) -> Result<FolderKind> {
    if dir.join("comparison.json").is_file() {
        Ok(FolderKind::Comparison)
    } else if dir.join("manifest.json").is_file() && dir.join("points.csv").is_file() {
        Ok(FolderKind::Sweep)
    } else if dir.join("summary.json").is_file() && dir.join("metrics.csv").is_file() {
        Ok(FolderKind::Run)
    } else {
        bail!(
            "{} is not a run, sweep or comparison folder (no summary.json and metrics.csv, \
             manifest.json and points.csv, or comparison.json)",
            dir.display()
        )
    }
}

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))
}

/// A finished run: every replicate's daily KPIs and its summary.
pub struct RunFolder {
    pub dir: PathBuf,
    pub summary: Value,
    /// KPI column names, in `metrics.csv` order.
    pub kpis: Vec<String>,
    /// The date of each day (the same in every replicate).
    pub dates: Vec<Date>,
    /// `values[replicate][day][kpi]`.
    pub values: Vec<Vec<Vec<f64>>>,
}

impl RunFolder {
    pub fn load(dir: &Path) -> Result<RunFolder> {
        let summary = read_json(&dir.join("summary.json"))?;
        let path = dir.join("metrics.csv");
        let mut reader = csv::Reader::from_path(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let header = reader.headers()?.clone();
        if header.len() < 4 || &header[0] != "replicate" || &header[3] != "date" {
            bail!(
                "{}: expected the columns replicate, seed, day, date, KPIs…",
                path.display()
            );
        }
        let kpis: Vec<String> = header.iter().skip(4).map(str::to_owned).collect();
        let mut dates = Vec::new();
        let mut values: Vec<Vec<Vec<f64>>> = Vec::new();
        for (line, record) in reader.records().enumerate() {
            let record =
                record.with_context(|| format!("{}: line {}", path.display(), line + 2))?;
            let bad = |what: &str| format!("{}: line {}: bad {what}", path.display(), line + 2);
            let replicate: usize = record[0].parse().with_context(|| bad("replicate"))?;
            if replicate == values.len() {
                values.push(Vec::new());
            } else if replicate + 1 != values.len() {
                bail!(bad("replicate order"));
            }
            if replicate == 0 {
                dates.push(
                    Date::parse(&record[3]).map_err(|e| anyhow::anyhow!("{}: {e}", bad("date")))?,
                );
            }
            let row: Vec<f64> = record
                .iter()
                .skip(4)
                .map(|c| c.parse::<f64>().unwrap_or(f64::NAN))
                .collect();
            values[replicate].push(row);
        }
        if values.is_empty() || values.iter().any(|r| r.len() != dates.len()) {
            bail!(
                "{}: no rows, or replicates of different lengths",
                path.display()
            );
        }
        Ok(RunFolder {
            dir: dir.to_owned(),
            summary,
            kpis,
            dates,
            values,
        })
    }

    pub fn column(&self, kpi: &str) -> Option<usize> {
        self.kpis.iter().position(|k| k == kpi)
    }

    /// The KPI on `date` in each replicate, in replicate order (empty outside the horizon,
    /// or on a day a run's `[outputs]` step left out of metrics.csv).
    pub fn at(&self, kpi: &str, date: Date) -> Vec<f64> {
        let (Some(c), Ok(row)) = (self.column(kpi), self.dates.binary_search(&date)) else {
            return Vec::new();
        };
        self.values
            .iter()
            .filter_map(|r| r.get(row).map(|values| values[c]))
            .collect()
    }

    /// Mean and 90 % interval of a KPI on every day.
    pub fn daily_spread(&self, kpi: &str) -> Option<Vec<Spread>> {
        let c = self.column(kpi)?;
        (0..self.dates.len())
            .map(|d| {
                let v: Vec<f64> = self
                    .values
                    .iter()
                    .map(|r| r[d][c])
                    .filter(|v| v.is_finite())
                    .collect();
                Some(spread(&v).unwrap_or(Spread {
                    mean: f64::NAN,
                    p05: f64::NAN,
                    p95: f64::NAN,
                }))
            })
            .collect()
    }

    pub fn replicates(&self) -> usize {
        self.values.len()
    }

    pub fn name(&self) -> String {
        self.summary["scenario"].as_str().unwrap_or("?").to_owned()
    }
}

/// A finished sweep: its manifest and the per-point table.
pub struct SweepFolder {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl SweepFolder {
    pub fn load(dir: &Path) -> Result<SweepFolder> {
        let path = dir.join("manifest.json");
        let manifest: Manifest = serde_json::from_value(read_json(&path)?)
            .with_context(|| format!("{} is not a sweep manifest", path.display()))?;
        let path = dir.join("points.csv");
        let mut reader = csv::Reader::from_path(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let header = reader.headers()?.iter().map(str::to_owned).collect();
        let rows = reader
            .records()
            .map(|r| Ok(r?.iter().map(str::to_owned).collect()))
            .collect::<Result<Vec<Vec<String>>>>()
            .with_context(|| format!("cannot read {}", path.display()))?;
        Ok(SweepFolder {
            dir: dir.to_owned(),
            manifest,
            header,
            rows,
        })
    }

    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// A numeric column, NaN where empty.
    pub fn numbers(&self, name: &str) -> Option<Vec<f64>> {
        let c = self.column(name)?;
        Some(
            self.rows
                .iter()
                .map(|r| r[c].parse().unwrap_or(f64::NAN))
                .collect(),
        )
    }

    /// The KPI columns (`kpi@date`) of the points table, in order.
    pub fn kpi_columns(&self) -> Vec<String> {
        self.header
            .iter()
            .filter_map(|h| h.strip_suffix("_mean").map(str::to_owned))
            .collect()
    }

    /// The target ids with a `p_met_` column.
    pub fn targets(&self) -> Vec<String> {
        self.header
            .iter()
            .filter_map(|h| h.strip_prefix("p_met_").map(str::to_owned))
            .collect()
    }
}
