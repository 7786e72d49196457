//! `reformsim merge DIR... --out DIR`: joins the shards of one sweep into the files an
//! unsharded sweep writes, byte for byte, after checking that every shard is there, once,
//! complete, and from the same sweep, scenario and version.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::manifest::Manifest;

/// Merges the shard outputs found in `dirs` into `out`; returns the number of shards.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<u64> {
    let mut shards: Vec<(Manifest, PathBuf)> = Vec::new();
    for dir in dirs {
        let entries =
            std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
        for entry in entries {
            let path = entry?.path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if name.starts_with("manifest.shard-") && name.ends_with(".json") {
                let m: Manifest = serde_json::from_slice(&std::fs::read(&path)?)
                    .with_context(|| format!("{} is not a shard manifest", path.display()))?;
                if m.shard.is_none() {
                    bail!("{} has no shard section", path.display());
                }
                shards.push((m, dir.clone()));
            }
        }
    }
    let Some((first, _)) = shards.first() else {
        bail!("no shard manifests (manifest.shard-I-of-N.json) in the folders given");
    };
    let mut reference = first.clone();
    reference.shard = None;
    let count = first.shard.expect("checked").count;
    for (m, dir) in &shards {
        let mut same = m.clone();
        same.shard = None;
        if same != reference {
            bail!(
                "the shard in {} is from another sweep, scenario or version than the others",
                dir.display()
            );
        }
        if m.shard.expect("checked").count != count {
            bail!("shards disagree on the number of shards");
        }
    }
    shards.sort_by_key(|(m, _)| m.shard.expect("checked").index);
    for w in shards.windows(2) {
        if w[0].0.shard == w[1].0.shard {
            let s = w[0].0.shard.expect("checked");
            bail!(
                "shard {} of {} is present twice ({} and {})",
                s.index,
                s.count,
                w[0].1.display(),
                w[1].1.display()
            );
        }
    }
    let present: Vec<u64> = shards
        .iter()
        .map(|(m, _)| m.shard.expect("checked").index)
        .collect();
    let missing: Vec<String> = (1..=count)
        .filter(|i| !present.contains(i))
        .map(|i| i.to_string())
        .collect();
    if !missing.is_empty() {
        bail!(
            "missing shard(s) {} of {count}: run them (or --resume them) before merging",
            missing.join(", ")
        );
    }

    std::fs::create_dir_all(out)
        .with_context(|| format!("cannot create the output folder {}", out.display()))?;
    let [runs, points, manifest] = Manifest::paths(out, None);
    if manifest.exists() {
        bail!("{} already holds a merged sweep", out.display());
    }
    let parts = |which: usize| -> Vec<PathBuf> {
        shards
            .iter()
            .map(|(m, dir)| dir.join(&Manifest::files(m.shard.as_ref())[which]))
            .collect()
    };
    concatenate(&parts(0), &runs, Some(reference.runs))?;
    concatenate(&parts(1), &points, None)?;
    crate::output::write_atomic(&manifest, &reference.to_bytes())?;
    Ok(count)
}

/// Writes the parts one after another, keeping the first header only; with `runs`, checks
/// that the run ids go 0, 1, … runs − 1 exactly once.
fn concatenate(parts: &[PathBuf], to: &Path, runs: Option<u64>) -> Result<()> {
    let name = to.file_name().unwrap_or_default().to_string_lossy();
    let tmp = to.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let mut w = BufWriter::new(File::create(&tmp)?);
        let mut header: Option<Vec<u8>> = None;
        let mut next = 0u64;
        for part in parts {
            let mut r = BufReader::new(
                File::open(part).with_context(|| format!("cannot open {}", part.display()))?,
            );
            let mut line = Vec::new();
            r.read_until(b'\n', &mut line)?;
            match &header {
                None => {
                    w.write_all(&line)?;
                    header = Some(line.clone());
                }
                Some(h) if *h != line => bail!("{} has another header", part.display()),
                Some(_) => {}
            }
            loop {
                line.clear();
                if r.read_until(b'\n', &mut line)? == 0 {
                    break;
                }
                if runs.is_some() {
                    let id = line
                        .split(|&b| b == b',')
                        .next()
                        .and_then(|s| std::str::from_utf8(s).ok())
                        .and_then(|s| s.parse::<u64>().ok());
                    if id != Some(next) || line.last() != Some(&b'\n') {
                        bail!("{}: expected run {next} next", part.display());
                    }
                    next += 1;
                }
                w.write_all(&line)?;
            }
        }
        if let Some(total) = runs
            && next != total
        {
            bail!("the shards hold {next} runs; the sweep has {total}");
        }
        w.into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", tmp.display()))?
            .sync_all()?;
        std::fs::rename(&tmp, to)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
