//! `calibrated.toml`: the base scenario file with the fitted values set, a scenario that
//! `reformsim validate` accepts and `reformsim run` runs. The base file's tables are kept
//! (its comments are not: the file is re-serialised), keys the base file leaves at their
//! defaults are added where a fitted key lies below them, and the seeds path is rewritten
//! relative to the folder the file is written to.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::spec::Calibration;
use crate::sweep::keypath::{self, Segment};
use crate::sweep::number;

/// The calibrated scenario's TOML text, for a file in `out_dir`.
pub fn calibrated_toml(c: &Calibration, values: &[f64], out_dir: &Path) -> Result<String> {
    let mut table: toml::Table = toml::from_str(&c.base_text)
        .with_context(|| format!("cannot re-read {}", c.base.path.display()))?;
    // The fitted values in the base scenario's full tree (its own end date, not the
    // calibration runs' shorter one), from which missing keys are copied.
    let mut fitted = serde_json::to_value(&c.base.scenario).context("cannot serialise")?;
    for ((path, p), x) in c.paths.iter().zip(&c.parameters).zip(values) {
        if let Some(slot) = keypath::slot(&mut fitted, path) {
            *slot = number(*x, p.integer);
        }
    }
    for (path, p) in c.paths.iter().zip(&c.parameters) {
        set(&mut table, path, &fitted).with_context(|| format!("cannot set `{}`", p.key))?;
    }
    if let Some(rel) = &c.base.scenario.scenario.seeds {
        let seeds = c.base.path.parent().unwrap_or(Path::new(".")).join(rel);
        let seeds = std::fs::canonicalize(&seeds)
            .with_context(|| format!("cannot find {}", seeds.display()))?;
        let here = absolute_folder(out_dir)?;
        let relative = relative_path(&here, &seeds);
        if let Some(toml::Value::Table(s)) = table.get_mut("scenario") {
            s.insert(
                "seeds".into(),
                toml::Value::String(relative.to_string_lossy().replace('\\', "/")),
            );
        }
    }
    let body = toml::to_string(&table).context("cannot write calibrated.toml")?;
    let mut text = format!(
        "# Calibrated by `reformsim calibrate {}` from the base scenario {}.\n",
        c.path.display(),
        c.base.path.display()
    );
    text.push_str("# Fitted values:\n");
    for (p, x) in c.parameters.iter().zip(values) {
        text.push_str(&format!("#   {} = {}\n", p.key, number(*x, p.integer)));
    }
    text.push('\n');
    text.push_str(&body);
    Ok(text)
}

/// Sets the value at `path` in a TOML table to the fitted tree's, adding the first missing
/// key with the fitted tree's whole subtree under it.
fn set(table: &mut toml::Table, path: &[Segment], fitted: &Value) -> Result<()> {
    let Some((Segment::Key(first), rest)) = path.split_first() else {
        bail!("a key path starts with a key");
    };
    let subtree = |n: usize| -> Result<toml::Value> {
        let mut tree = fitted.clone();
        let v = keypath::slot(&mut tree, &path[..n])
            .context("the fitted scenario lacks the key")?
            .clone();
        toml::Value::try_from(v).context("the value has no TOML form")
    };
    if !table.contains_key(first) {
        table.insert(first.clone(), subtree(1)?);
        return Ok(());
    }
    let mut node = table.get_mut(first).expect("checked above");
    for (i, seg) in rest.iter().enumerate() {
        let depth = i + 2;
        node = match (seg, node) {
            (Segment::Key(k), toml::Value::Table(t)) => {
                if !t.contains_key(k) {
                    t.insert(k.clone(), subtree(depth)?);
                    return Ok(());
                }
                t.get_mut(k).expect("checked above")
            }
            (Segment::Index(j), node @ toml::Value::Array(_)) => {
                let len = node.as_array().map_or(0, Vec::len);
                if *j >= len {
                    *node = subtree(depth - 1)?;
                    return Ok(());
                }
                node.as_array_mut()
                    .and_then(|a| a.get_mut(*j))
                    .expect("checked above")
            }
            (_, node) => {
                // The file writes something else here (e.g. an inline value); take the
                // fitted tree's form of it.
                *node = subtree(depth - 1)?;
                return Ok(());
            }
        };
    }
    *node = subtree(path.len())?;
    Ok(())
}

/// The absolute path of a folder that may not exist yet (its parent does).
fn absolute_folder(dir: &Path) -> Result<PathBuf> {
    if let Ok(d) = std::fs::canonicalize(dir) {
        return Ok(d);
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let parent = std::fs::canonicalize(parent)
        .with_context(|| format!("cannot find {}", parent.display()))?;
    Ok(parent.join(dir.file_name().unwrap_or_default()))
}

/// The path of `target` as seen from the folder `from` (both absolute).
fn relative_path(from: &Path, target: &Path) -> PathBuf {
    let a: Vec<Component> = from.components().collect();
    let b: Vec<Component> = target.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..a.len() {
        out.push("..");
    }
    for c in &b[common..] {
        out.push(c.as_os_str());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_to_the_common_folder() {
        assert_eq!(
            relative_path(Path::new("/a/out/cal/x"), Path::new("/a/seeds/s.toml")),
            PathBuf::from("../../../seeds/s.toml")
        );
        assert_eq!(
            relative_path(Path::new("/a"), Path::new("/a/s.toml")),
            PathBuf::from("s.toml")
        );
    }
}
