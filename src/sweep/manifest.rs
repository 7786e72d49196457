//! `manifest.json`: what a sweep (or one shard of it) ran, written last so that its presence
//! means the outputs beside it are complete. Keys are sorted, so a merged manifest is
//! byte-identical to an unsharded one.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::spec::{Design, Parameter, Sweep};
use super::table::Columns;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub sweep: String,
    /// File names only: the hashes identify the inputs wherever the sweep ran.
    pub sweep_file: String,
    pub sweep_sha256: String,
    pub scenario_file: String,
    pub scenario_sha256: String,
    /// The base scenario's seeds file (its figures decide the KPI columns), if it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds_sha256: Option<String>,
    pub version: String,
    pub design: Design,
    pub parameters: Vec<Parameter>,
    pub samples: Option<u64>,
    pub replicates: u32,
    pub master_seed: u64,
    pub points: u64,
    pub runs: u64,
    pub columns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<Shard>,
}

/// One shard's share: points [first_point, end_point), runs [first_run, end_run).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based.
    pub index: u64,
    pub count: u64,
    pub first_point: u64,
    pub end_point: u64,
    pub first_run: u64,
    pub end_run: u64,
}

impl Shard {
    /// Shard `index` (1-based) of `count`: a contiguous block of design points, so that every
    /// point's replicates stay together.
    pub fn new(index: u64, count: u64, points: u64, replicates: u32) -> Shard {
        let cut = |i: u64| (u128::from(i) * u128::from(points) / u128::from(count)) as u64;
        let (first_point, end_point) = (cut(index - 1), cut(index));
        let r = u64::from(replicates);
        Shard {
            index,
            count,
            first_point,
            end_point,
            first_run: first_point * r,
            end_run: end_point * r,
        }
    }

    /// File name of this shard's version of `stem.ext`.
    pub fn file(&self, stem: &str, ext: &str) -> String {
        format!("{stem}.shard-{}-of-{}.{ext}", self.index, self.count)
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

impl Manifest {
    pub fn new(sweep: &Sweep, columns: &Columns, shard: Option<Shard>) -> Manifest {
        Manifest {
            sweep: sweep.header.name.clone(),
            sweep_file: file_name(&sweep.path),
            sweep_sha256: sweep.sha256.clone(),
            scenario_file: file_name(&sweep.base.path),
            scenario_sha256: sweep.base.sha256.clone(),
            seeds_file: sweep.base.seeds.as_ref().map(|x| file_name(&x.path)),
            seeds_sha256: sweep.base.seeds.as_ref().map(|x| x.sha256.clone()),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            design: sweep.header.design,
            parameters: sweep.parameters.clone(),
            samples: sweep.header.samples,
            replicates: sweep.header.replicates,
            master_seed: sweep.master_seed,
            points: sweep.points(),
            runs: sweep.runs(),
            columns: columns.runs_header(),
            shard,
        }
    }

    /// How `other` (what wrote earlier files) differs from `self` (what runs now), in a
    /// user's words, naming the input file that changed; `None` when they are the same
    /// sweep (the shard section aside).
    pub fn difference(&self, other: &Manifest) -> Option<String> {
        let changed = |what: &str, file: &str| {
            Some(format!(
                "the {what} {file} has changed since those files were written (its SHA-256 differs)"
            ))
        };
        if self.sweep_sha256 != other.sweep_sha256 {
            return changed("sweep file", &self.sweep_file);
        }
        if self.scenario_sha256 != other.scenario_sha256 {
            return changed("base scenario", &self.scenario_file);
        }
        if self.seeds_sha256 != other.seeds_sha256 {
            let file = self.seeds_file.as_deref().or(other.seeds_file.as_deref());
            return changed("seeds file", file.unwrap_or("(none)"));
        }
        if self.version != other.version {
            return Some(format!(
                "they were written by reformsim {}, and this is {}",
                other.version, self.version
            ));
        }
        let (mut a, mut b) = (self.clone(), other.clone());
        a.shard = None;
        b.shard = None;
        (a != b).then(|| "they belong to another sweep (design, seed or columns differ)".into())
    }

    /// Pretty JSON with sorted keys and a final newline.
    pub fn to_bytes(&self) -> Vec<u8> {
        // Through `Value`, whose maps are sorted, so field order never matters.
        let value = serde_json::to_value(self).expect("a manifest serialises");
        let mut bytes = serde_json::to_vec_pretty(&value).expect("a manifest serialises");
        bytes.push(b'\n');
        bytes
    }

    /// The names of this sweep's (or shard's) three output files: runs, points, manifest.
    pub fn files(shard: Option<&Shard>) -> [String; 3] {
        match shard {
            None => ["runs.csv", "points.csv", "manifest.json"].map(String::from),
            Some(s) => [
                s.file("runs", "csv"),
                s.file("points", "csv"),
                s.file("manifest", "json"),
            ],
        }
    }

    pub fn paths(dir: &Path, shard: Option<&Shard>) -> [PathBuf; 3] {
        Manifest::files(shard).map(|f| dir.join(f))
    }
}
