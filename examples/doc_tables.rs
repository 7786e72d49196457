//! Rewrites the computed tables of docs/MODEL.md (`reformsim::doc_tables`) from a fresh run
//! of the shipped baseline: `cargo run --release --example doc_tables`. The calibration test
//! fails until the document matches.

use anyhow::{Context, Result, bail};
use reformsim::doc_tables::{CALIBRATION, REPLICATES, calibration_table, replace_block};

fn main() -> Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = reformsim::scenario::load(&root.join("scenarios/chengdu-baseline.toml"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let seeds = loaded
        .seeds
        .as_ref()
        .context("the baseline names no seeds file")?;
    let s = &loaded.scenario;
    let results = reformsim::engine::run_replicates(s, s.scenario.seed, REPLICATES);
    let table = calibration_table(seeds, &results);
    let path = root.join("docs/MODEL.md");
    let doc = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let Some(new) = replace_block(&doc, CALIBRATION, &table) else {
        bail!("{} has no `{CALIBRATION}` block", path.display());
    };
    reformsim::output::write_atomic(&path, new.as_bytes())?;
    print!("{table}");
    println!("wrote the {CALIBRATION} block of {}", path.display());
    Ok(())
}
