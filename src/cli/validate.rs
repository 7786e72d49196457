//! `reformsim validate FILE...`: checks scenario, sweep, calibration, seeds and priors files and reports every problem.

use std::path::PathBuf;

use super::CliError;
use crate::input::{InputErrors, Source};

pub fn validate(files: &[PathBuf]) -> Result<(), CliError> {
    let mut all = Vec::new();
    for path in files {
        let result =
            Source::read(path).and_then(|source| match crate::scenario::file_kind(&source.text) {
                "seeds" => crate::seeds::load(path).map(|_| "seeds"),
                "priors" => crate::priors::load(path).map(|_| "priors"),
                "calibration" => crate::calibrate::load(path).map(|_| "calibration"),
                "sweep" => crate::sweep::load(path).map(|_| "sweep"),
                _ => crate::scenario::load(path).map(|_| "scenario"),
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
