//! `reformsim merge DIR... --out DIR`: joins the shards of one sweep into the files an
//! unsharded sweep writes, byte for byte, after checking that every shard is there, once,
//! complete, and from the same sweep, scenario and version.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::manifest::Manifest;

/// Merges the shard outputs found in `dirs` into `out` (written whole, replacing earlier
/// results only with `force`); returns the number of shards.
pub fn merge(dirs: &[PathBuf], out: &Path, force: bool) -> Result<u64> {
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
        if let Some(why) = reference.difference(m) {
            bail!(
                "the shard in {} cannot be merged with the one in {}: {why}. Run every shard \
                 from the same files",
                dir.display(),
                shards[0].1.display()
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

    if let Some((_, dir)) = shards
        .iter()
        .find(|(_, d)| crate::results_folder::same_folder(d, out))
    {
        bail!(
            "--out {} is a folder the shards are read from ({}); choose another --out",
            out.display(),
            dir.display()
        );
    }
    let folder = crate::output::StagedFolder::begin(out, force, "sweep")?;
    let [runs, points, manifest] = Manifest::paths(folder.path(), None);
    let parts = |which: usize| -> Vec<Part> {
        shards
            .iter()
            .map(|(m, dir)| {
                let s = m.shard.expect("checked");
                Part {
                    path: dir.join(&Manifest::files(Some(&s))[which]),
                    runs: (s.first_run, s.end_run),
                }
            })
            .collect()
    };
    concatenate(&parts(0), &runs, true)?;
    concatenate(&parts(1), &points, false)?;
    crate::output::write_atomic(&manifest, &reference.to_bytes())?;
    folder.commit()?;
    Ok(count)
}

/// One shard's file, and the run ids [first, end) its shard covers.
struct Part {
    path: PathBuf,
    runs: (u64, u64),
}

/// Writes the parts one after another, keeping the first header only; with `check_runs`,
/// checks that each part holds exactly the run ids of its shard, in order, so that a missing
/// or extra row is blamed on the shard it belongs to.
fn concatenate(parts: &[Part], to: &Path, check_runs: bool) -> Result<()> {
    let name = to.file_name().unwrap_or_default().to_string_lossy();
    let tmp = to.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| -> Result<()> {
        let mut w = BufWriter::new(File::create(&tmp)?);
        let mut header: Option<Vec<u8>> = None;
        for part in parts {
            let path = &part.path;
            let mut r = BufReader::new(
                File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
            );
            let mut line = Vec::new();
            r.read_until(b'\n', &mut line)?;
            if line.ends_with(b"\r\n") {
                bail!(
                    "{} has Windows line endings (CRLF), so it was edited or converted after \
                     the sweep wrote it; restore the original or run that shard again",
                    path.display()
                );
            }
            match &header {
                None => {
                    w.write_all(&line)?;
                    header = Some(line.clone());
                }
                Some(h) if *h != line => bail!(
                    "{} has other columns than the first shard's; run every shard with the \
                     same reformsim and files",
                    path.display()
                ),
                Some(_) => {}
            }
            let (first, end) = part.runs;
            let mut next = first;
            loop {
                line.clear();
                if r.read_until(b'\n', &mut line)? == 0 {
                    break;
                }
                if check_runs {
                    let id = line
                        .split(|&b| b == b',')
                        .next()
                        .and_then(|s| std::str::from_utf8(s).ok())
                        .and_then(|s| s.parse::<u64>().ok());
                    if next >= end {
                        bail!(
                            "{}: holds more rows than its shard's runs {first}–{}",
                            path.display(),
                            end - 1
                        );
                    }
                    if id != Some(next) || line.last() != Some(&b'\n') {
                        bail!(
                            "{}: expected run {next} next (this shard has runs {first}–{}); \
                             the file was changed or cut after the sweep wrote it: run the \
                             shard again with --force",
                            path.display(),
                            end - 1
                        );
                    }
                    next += 1;
                }
                w.write_all(&line)?;
            }
            if check_runs && next != end {
                bail!(
                    "{}: holds runs {first}–{} but its shard has runs {first}–{}: the shard is \
                     incomplete; run it again with --resume",
                    path.display(),
                    next.saturating_sub(1),
                    end - 1
                );
            }
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
