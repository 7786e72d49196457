//! Ensembles over a posterior (`[scenario] posterior = "FILE.csv"`, docs/MODEL.md §17).
//!
//! A posterior file is what `reformsim calibrate --method abc` writes: a `weight` column,
//! then one column per scenario key path, one row per parameter set. A scenario that names
//! one runs every replicate with one row: replicate k draws its row, by weight, from a
//! stream of its own seed, so the same seed draws the same row in every scenario that names
//! the same file. `compare` then pairs (parameter set, seed) with (parameter set, seed), and
//! its intervals carry both the parameters' uncertainty and the seeds'.
//!
//! A key the scenario file sets itself (a planner's explicit choice) is not overwritten by
//! the rows: the scenario wins, and `summary.json` lists such keys.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::input::{InputError, InputErrors};
use crate::rng::{Purpose, StreamRng};
use crate::scenario::Scenario;
use crate::sweep::keypath::{self, Segment};

/// Largest posterior file read, bytes (a few thousand rows of a dozen columns is ~1 MB).
const MAX_BYTES: u64 = 64 << 20;

/// A loaded, checked posterior.
#[derive(Clone, Debug, PartialEq)]
pub struct Posterior {
    pub path: PathBuf,
    pub sha256: String,
    /// Column keys after `weight`.
    pub keys: Vec<String>,
    segments: Vec<Vec<Segment>>,
    /// Per key: whether the rows set it (false: the scenario file sets it itself).
    applied: Vec<bool>,
    /// Rows: weight and one value per key.
    pub rows: Vec<(f64, Vec<f64>)>,
    /// Cumulative weights, for drawing a row.
    cumulative: Vec<f64>,
}

/// What a run's `summary.json` records of its posterior.
#[derive(Clone, Debug, Serialize)]
pub struct PosteriorRecord {
    pub file: String,
    pub sha256: String,
    pub rows: usize,
    pub keys: Vec<String>,
    /// Keys the scenario file sets itself, which the rows leave alone.
    pub set_by_scenario: Vec<String>,
}

/// One replicate's parameter set.
#[derive(Clone, Debug, Serialize)]
pub struct ReplicateParameters {
    pub replicate: u32,
    pub seed: u64,
    /// 0-based row of the posterior file (after its header).
    pub row: usize,
    /// The row's values, by key (only the keys the rows set).
    pub values: std::collections::BTreeMap<String, f64>,
}

impl Posterior {
    /// The row replicate seed `seed` runs with: a weighted draw from the seed's own stream.
    pub fn row_for(&self, seed: u64) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let u = StreamRng::new(seed, Purpose::Posterior, 0, 0).uniform_nth(0) * total;
        self.cumulative
            .partition_point(|&c| c <= u)
            .min(self.rows.len().saturating_sub(1))
    }

    /// `base` with row `row`'s values set, except the keys the scenario file sets itself.
    /// The result carries no posterior of its own: it is one member of the ensemble.
    pub fn scenario_for(&self, base: &Scenario, row: usize) -> Result<Scenario, String> {
        let mut tree = serde_json::to_value(base).map_err(|e| e.to_string())?;
        let (_, values) = &self.rows[row];
        for ((segments, applied), v) in self.segments.iter().zip(&self.applied).zip(values) {
            if !applied {
                continue;
            }
            let slot = keypath::slot(&mut tree, segments).ok_or("a key vanished")?;
            *slot = number_like(slot, *v);
        }
        let s: Scenario = serde_json::from_value(tree).map_err(|e| {
            format!(
                "row {row} of {} gives a value of the wrong type: {e}",
                self.path.display()
            )
        })?;
        if let Some(p) = crate::scenario::validate(&s).first() {
            return Err(format!(
                "row {row} of {} makes the scenario invalid: `{}` {}",
                self.path.display(),
                p.key,
                p.message
            ));
        }
        Ok(s)
    }

    /// The values row `row` sets, by key.
    pub fn values_of(&self, row: usize) -> std::collections::BTreeMap<String, f64> {
        self.keys
            .iter()
            .zip(&self.applied)
            .zip(&self.rows[row].1)
            .filter(|((_, a), _)| **a)
            .map(|((k, _), v)| (k.clone(), *v))
            .collect()
    }

    /// The same posterior with `keys` left to whoever sets them (a sweep's parameters).
    pub fn leaving(&self, keys: &[&str]) -> Posterior {
        let mut p = self.clone();
        for (k, a) in p.keys.iter().zip(p.applied.iter_mut()) {
            if keys.contains(&k.as_str()) {
                *a = false;
            }
        }
        p
    }

    pub fn record(&self) -> PosteriorRecord {
        PosteriorRecord {
            file: self.path.display().to_string(),
            sha256: self.sha256.clone(),
            rows: self.rows.len(),
            keys: self.keys.clone(),
            set_by_scenario: self
                .keys
                .iter()
                .zip(&self.applied)
                .filter(|(_, a)| !**a)
                .map(|(k, _)| k.clone())
                .collect(),
        }
    }
}

/// A JSON number of the same kind as the one it replaces (an integer key stays an integer).
fn number_like(old: &Value, v: f64) -> Value {
    if (old.is_u64() || old.is_i64()) && v.fract() == 0.0 {
        Value::from(v as i64)
    } else {
        Value::from(v)
    }
}

/// Reads and checks a posterior file for `scenario`, whose own file's text is
/// `scenario_text` (the keys it sets itself are left alone). Every problem names the file,
/// the line and the column.
pub fn load(
    path: &Path,
    scenario: &Scenario,
    scenario_text: &str,
) -> Result<Posterior, InputErrors> {
    let fail = |line: Option<usize>, key: Option<&str>, message: String| {
        InputErrors(vec![InputError {
            file: path.to_owned(),
            line,
            key: key.map(str::to_owned),
            message,
        }])
    };
    let bytes =
        crate::input::read_regular_file(path, MAX_BYTES).map_err(|m| fail(None, None, m))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        fail(
            None,
            None,
            "is not UTF-8 text (a posterior is a CSV file)".into(),
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| fail(Some(1), None, format!("cannot read the header: {e}")))?
        .iter()
        .map(str::to_owned)
        .collect();
    if header.first().map(String::as_str) != Some("weight") || header.len() < 2 {
        return Err(fail(
            Some(1),
            None,
            "the header must be `weight` then one scenario key path per column (what \
             `reformsim calibrate --method abc` writes as posterior.csv)"
                .into(),
        ));
    }
    let keys: Vec<String> = header[1..].to_vec();
    let tree = serde_json::to_value(scenario).map_err(|e| fail(None, None, e.to_string()))?;
    let explicit = explicit_tree(scenario_text);
    let mut segments = Vec::new();
    let mut applied = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        let s = keypath::parse(key).map_err(|m| fail(Some(1), Some(key), m))?;
        let mut probe = tree.clone();
        match keypath::slot(&mut probe, &s) {
            Some(v) if v.is_number() => {}
            Some(v) => {
                return Err(fail(
                    Some(1),
                    Some(key),
                    format!("is not a number in the scenario ({v})"),
                ));
            }
            None => {
                return Err(fail(
                    Some(1),
                    Some(key),
                    "names no key of the scenario".into(),
                ));
            }
        }
        if keys[..i].contains(key) {
            return Err(fail(Some(1), Some(key), "is a column twice".into()));
        }
        let mut probe = explicit.clone();
        applied.push(keypath::slot(&mut probe, &s).is_none());
        segments.push(s);
    }
    let mut rows = Vec::new();
    for (r, record) in reader.records().enumerate() {
        let line = r + 2;
        let record = record.map_err(|e| fail(Some(line), None, e.to_string()))?;
        if record.len() != header.len() {
            return Err(fail(
                Some(line),
                None,
                format!("has {} fields, the header {}", record.len(), header.len()),
            ));
        }
        let mut values = Vec::with_capacity(keys.len());
        for (field, column) in record.iter().zip(&header) {
            let v: f64 = field.trim().parse().map_err(|_| {
                fail(
                    Some(line),
                    Some(column),
                    format!("`{}` is not a number", crate::input::clip(field, 40)),
                )
            })?;
            if !v.is_finite() {
                return Err(fail(Some(line), Some(column), format!("{v} is not finite")));
            }
            values.push(v);
        }
        let weight = values.remove(0);
        if weight < 0.0 {
            return Err(fail(
                Some(line),
                Some("weight"),
                format!("must be ≥ 0, got {weight}"),
            ));
        }
        rows.push((weight, values));
    }
    if rows.is_empty() {
        return Err(fail(None, None, "has a header but no rows".into()));
    }
    let mut total = 0.0;
    let cumulative: Vec<f64> = rows
        .iter()
        .map(|(w, _)| {
            total += w;
            total
        })
        .collect();
    if total <= 0.0 {
        return Err(fail(None, Some("weight"), "the weights sum to 0".into()));
    }
    let posterior = Posterior {
        path: path.to_owned(),
        sha256: crate::scenario::hex_sha256(&bytes),
        keys,
        segments,
        applied,
        rows,
        cumulative,
    };
    // Every row must give a valid scenario, so that no replicate fails after hours of runs.
    for row in 0..posterior.rows.len() {
        posterior
            .scenario_for(scenario, row)
            .map_err(|m| fail(Some(row + 2), None, m))?;
    }
    Ok(posterior)
}

/// The scenario file's own keys, as a JSON tree (empty if it does not parse: it did).
fn explicit_tree(text: &str) -> Value {
    toml::from_str::<toml::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(Value::Null)
}
