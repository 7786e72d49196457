//! `reformsim validate FILE...`: checks scenario, sweep, calibration and seeds files and reports every problem.

use std::path::PathBuf;

use super::CliError;
use crate::input::{InputErrors, Source};

/// What kind of file a TOML file is, from its top-level keys.
fn has_key(source: &Source, key: &str) -> bool {
    toml::from_str::<toml::Table>(&source.text).is_ok_and(|t| t.contains_key(key))
}

pub fn validate(files: &[PathBuf]) -> Result<(), CliError> {
    let mut all = Vec::new();
    for path in files {
        let result = Source::read(path).and_then(|source| {
            if has_key(&source, "figure") {
                crate::seeds::load(path).map(|_| "seeds")
            } else if has_key(&source, "calibration") {
                crate::calibrate::load(path).map(|_| "calibration")
            } else if has_key(&source, "sweep") {
                crate::sweep::load(path).map(|_| "sweep")
            } else {
                crate::scenario::load(path).map(|_| "scenario")
            }
        });
        match result {
            Ok(kind) => println!("ok: {} ({kind})", path.display()),
            Err(InputErrors(errors)) => all.extend(errors),
        }
    }
    if all.is_empty() {
        Ok(())
    } else {
        Err(InputErrors(all).into())
    }
}
