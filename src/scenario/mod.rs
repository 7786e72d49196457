//! Scenario files: their types, loading and validation.

mod funds;
mod market;
mod outputs;
mod programmes;
mod projects;
mod schema_bounds;
mod timeline;
mod types;
mod validate;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use funds::{FundLevers, Funds, PerStage, Points, Tilt};
pub use market::{EntryExit, FeeCampaigns, Market, MarketLevers, Matchmaking, PolicyPush};
pub use outputs::{Outputs, Step, problems as output_problems};
pub use programmes::{Costs, Innovation, InnovationLevers};
pub use projects::{InvestmentLevers, ProjectParams, by_year};
pub use schema_bounds::NAME_PATTERN;
pub use timeline::{TIMELINE_LEVERS, lever_changes};
pub use types::*;
pub use validate::{MAX_DAYS, MAX_FIRMS, MAX_NAME_CHARS, name_problem, validate};

use crate::input::{InputErrors, Source};
use crate::seeds::Seeds;

/// A scenario read from a file, with what a run needs to report on it.
#[derive(Clone, Debug)]
pub struct LoadedScenario {
    pub scenario: Scenario,
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, in hex: the run's provenance.
    pub sha256: String,
    /// The seeds file it is charted against, if it names one.
    pub seeds: Option<Seeds>,
}

/// Reads, parses and validates a scenario file and the seeds file it names.
pub fn load(path: &Path) -> Result<LoadedScenario, InputErrors> {
    let source = Source::read(path)?;
    if let Some(problem) = other_kind_of_file(&source) {
        return Err(source.place(vec![problem]));
    }
    let scenario: Scenario = source.parse_all(validate)?;
    let seeds = match &scenario.scenario.seeds {
        None => None,
        Some(rel) => {
            let seeds_path = path.parent().unwrap_or(Path::new(".")).join(rel);
            if let Some(why) = crate::input::not_a_file(&seeds_path) {
                return Err(source.place(vec![crate::input::Problem::new(
                    "scenario.seeds",
                    format!("the seeds file {} {why} (paths are relative to the scenario file's folder)", seeds_path.display()),
                )]));
            }
            match crate::seeds::load(&seeds_path) {
                Ok(seeds) => Some(seeds),
                Err(inner) => {
                    return Err(referenced(&source, "scenario.seeds", &seeds_path, inner));
                }
            }
        }
    };
    let mut scenario = scenario;
    if let Some(rel) = scenario.scenario.posterior.clone() {
        let posterior_path = path.parent().unwrap_or(Path::new(".")).join(&rel);
        if let Some(why) = crate::input::not_a_file(&posterior_path) {
            return Err(source.place(vec![crate::input::Problem::new(
                "scenario.posterior",
                format!(
                    "the posterior file {} {why} (paths are relative to the scenario file's folder)",
                    posterior_path.display()
                ),
            )]));
        }
        let posterior = crate::posterior::load(&posterior_path, &scenario, &source.text)
            .map_err(|inner| referenced(&source, "scenario.posterior", &posterior_path, inner))?;
        scenario.ensemble = Some(std::sync::Arc::new(posterior));
    }
    Ok(LoadedScenario {
        sha256: hex_sha256(source.text.as_bytes()),
        scenario,
        path: path.to_owned(),
        seeds,
    })
}

/// What kind of reformsim file a TOML text is, from its top-level tables: `sweep`,
/// `calibration`, `seeds` (a `[source]` or `[[figure]]`) or `scenario` (anything else).
pub fn file_kind(text: &str) -> &'static str {
    let Ok(table) = toml::from_str::<toml::Table>(text) else {
        return "scenario";
    };
    if table.contains_key("scenario") {
        "scenario"
    } else if table.contains_key("calibration") {
        "calibration"
    } else if table.contains_key("sweep") {
        "sweep"
    } else if table.contains_key("figure") || table.contains_key("source") {
        "seeds"
    } else if table.contains_key("prior") {
        "priors"
    } else {
        "scenario"
    }
}

/// A problem when a scenario is wanted and `source` is another kind of reformsim file, so
/// that the user is told which command takes it instead of "unknown key `parameters`".
fn other_kind_of_file(source: &Source) -> Option<crate::input::Problem> {
    let (key, message) = match file_kind(&source.text) {
        "sweep" => (
            "sweep",
            "this is a sweep file, not a scenario: run it with `reformsim sweep FILE` (or \
             `reformsim sensitivity FILE`)",
        ),
        "calibration" => (
            "calibration",
            "this is a calibration file, not a scenario: run it with `reformsim calibrate FILE`",
        ),
        "seeds" => (
            "source",
            "this is a seeds file, not a scenario: a scenario names it with \
             `scenario.seeds = \"…\"`, and `reformsim validate` checks it",
        ),
        _ => return None,
    };
    Some(crate::input::Problem::new(key, message))
}

/// The errors of a file that `source` names at `key`, led by one that points at the
/// reference, so that a planner sees which of their files brought the bad one in.
pub(crate) fn referenced(
    source: &Source,
    key: &str,
    path: &Path,
    inner: InputErrors,
) -> InputErrors {
    let mut errors = source
        .place(vec![crate::input::Problem::new(
            key,
            format!(
                "the file {} named here is not valid (see below)",
                path.display()
            ),
        )])
        .0;
    errors.extend(inner.0);
    InputErrors(errors)
}

/// The base scenario a sweep or calibration file names at `key` (`"sweep.scenario"`,
/// `"calibration.scenario"`), as a path relative to the folder of `file`; a problem is added
/// if there is no such file, so that it is reported with the file's other problems.
pub(crate) fn base_scenario_path(
    file: &Path,
    named: &Path,
    key: &str,
    problems: &mut Vec<crate::input::Problem>,
) -> std::path::PathBuf {
    let path = file.parent().unwrap_or(Path::new(".")).join(named);
    if let Some(why) = crate::input::not_a_file(&path) {
        let kind = key.split('.').next().unwrap_or("referring");
        problems.push(crate::input::Problem::new(
            key,
            format!(
                "the scenario {} {why} (paths are relative to the {kind} file's folder)",
                path.display()
            ),
        ));
    }
    path
}

/// Hex SHA-256 of some bytes.
pub fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The JSON Schema of scenario files, pretty-printed, for editors.
pub fn json_schema() -> String {
    let mut text =
        serde_json::to_string_pretty(&json_schema_value()).expect("a schema always serialises");
    text.push('\n');
    text
}

/// The scenario's JSON Schema as a value: the types' schema with the bounds `validate` checks
/// on the shipped baseline's keys and the output-folder name pattern (`schema_bounds`).
fn json_schema_value() -> serde_json::Value {
    let mut schema =
        serde_json::to_value(schemars::schema_for!(Scenario)).expect("a schema is JSON");
    let baseline: Scenario = toml::from_str(include_str!("../../scenarios/chengdu-baseline.toml"))
        .expect("the shipped baseline parses (tested)");
    schema_bounds::apply(&mut schema, &validate::bounds(&baseline));
    schema_bounds::set_pattern(&mut schema, "scenario.name", NAME_PATTERN);
    schema
}
