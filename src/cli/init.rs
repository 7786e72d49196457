//! `reformsim init DIR`: the shipped baseline, a lever scenario, a sweep, the seeds file and
//! the posterior, written into a folder a planner owns, with the repository's layout so the
//! relative paths between them (`../seeds/...`) hold. The files are compiled in, so `init`
//! works wherever the binary is, without the repository.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::CliError;
use crate::output::write_atomic;

/// Every file `init` writes: its path inside DIR, and its text.
const FILES: &[(&str, &str)] = &[
    (
        "scenarios/chengdu-baseline.toml",
        include_str!("../../scenarios/chengdu-baseline.toml"),
    ),
    (
        "scenarios/lease-first-land.toml",
        include_str!("../../scenarios/lease-first-land.toml"),
    ),
    (
        "scenarios/sweeps/triage-capacity.toml",
        include_str!("../../scenarios/sweeps/triage-capacity.toml"),
    ),
    (
        "scenarios/scenario.schema.json",
        include_str!("../../scenarios/scenario.schema.json"),
    ),
    (
        "scenarios/sweeps/sweep.schema.json",
        include_str!("../../scenarios/sweeps/sweep.schema.json"),
    ),
    (
        "seeds/chengdu-2024-11.toml",
        include_str!("../../seeds/chengdu-2024-11.toml"),
    ),
    (
        "seeds/posterior.csv",
        include_str!("../../seeds/posterior.csv"),
    ),
];

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// Folder to write into; made if missing. Files already there are never overwritten.
    pub dir: PathBuf,
}

pub fn init(args: &InitArgs) -> Result<(), CliError> {
    let existing: Vec<String> = FILES
        .iter()
        .map(|(rel, _)| args.dir.join(rel))
        .filter(|p| p.exists())
        .map(|p| p.display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(anyhow::anyhow!(
            "{} already holds {}; init never overwrites a planner's files: choose another folder",
            args.dir.display(),
            existing.join(", ")
        )
        .into());
    }
    for (rel, text) in FILES {
        write_file(&args.dir.join(rel), text)?;
    }
    println!("wrote {}:", args.dir.display());
    for (rel, _) in FILES {
        println!("  {rel}");
    }
    println!(
        "then, in {}:\n  reformsim run {}\n  reformsim sweep scenarios/sweeps/triage-capacity.toml --plan",
        args.dir.display(),
        super::DEFAULT_SCENARIO
    );
    Ok(())
}

/// Writes one file whole (a temporary name, then a rename), making its folder.
fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot make the folder {}", parent.display()))?;
    }
    write_atomic(path, text.as_bytes())
}
