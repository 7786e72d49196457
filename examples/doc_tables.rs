//! Rewrites the computed tables of docs/MODEL.md (`reformsim::doc_tables`) from fresh runs
//! of the shipped scenarios: `cargo run --release --example doc_tables`. The calibration
//! test fails until the document matches.

use anyhow::{Context, Result, bail};
use reformsim::doc_tables::{REPLICATES, blocks, replace_block};

fn main() -> Result<()> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let loaded = reformsim::scenario::load(&root.join("scenarios/chengdu-baseline.toml"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let s = &loaded.scenario;
    let results = reformsim::engine::run_replicates(s, s.scenario.seed, REPLICATES);
    let path = root.join("docs/MODEL.md");
    let mut doc = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    for (name, text) in blocks(root, &loaded, &results)? {
        let Some(new) = replace_block(&doc, name, &text) else {
            bail!("{} has no `{name}` block", path.display());
        };
        doc = new;
        println!("{name}:\n{text}");
    }
    reformsim::output::write_atomic(&path, doc.as_bytes())?;
    println!("wrote {}", path.display());
    Ok(())
}
