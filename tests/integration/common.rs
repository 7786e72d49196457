//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use reformsim::engine::Simulation;
use reformsim::metrics::MetricsRow;
use reformsim::scenario::{LoadedScenario, Scenario, load};

/// The fixed seed list of the lever-direction tests: both arms of a comparison run on the
/// same seeds (common random numbers).
pub const SEEDS: [u64; 5] = [1, 2, 3, 4, 5];

pub fn run(s: &Scenario, seed: u64) -> Vec<MetricsRow> {
    Simulation::new(s, seed).run()
}

/// The row of a date (`YYYY-MM-DD`), which must be in the horizon.
pub fn at<'a>(rows: &'a [MetricsRow], date: &str) -> &'a MetricsRow {
    rows.iter()
        .find(|r| r.date.to_string() == date)
        .expect("date in horizon")
}

/// Every ticket, of the campaign or the hotline, is resolved, open or withdrawn.
pub fn assert_tickets_conserved(r: &MetricsRow) {
    assert_eq!(
        r.tickets_collected + r.hotline_tickets,
        r.tickets_resolved + r.hotline_tickets_resolved + r.tickets_open + r.tickets_withdrawn,
        "{}: collected + reported = resolved + open + withdrawn",
        r.date
    );
}

/// Mean of a KPI on a date over the fixed seed list.
pub fn mean_kpi(s: &Scenario, kpi: &str, date: &str) -> f64 {
    SEEDS
        .iter()
        .map(|&seed| at(&run(s, seed), date).get(kpi).unwrap_or(f64::NAN))
        .sum::<f64>()
        / SEEDS.len() as f64
}

/// The small city run to the end of 2026: the date of the B11 targets, and long enough for
/// loans to mature, grants to reach their milestone window and firms to close and start up.
pub fn small_city_to_2026() -> Scenario {
    let mut s = small_city().scenario;
    s.scenario.end = reformsim::date::Date::from_ymd(2026, 12, 31).unwrap();
    s
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn small_city() -> LoadedScenario {
    load(&root().join("tests/data/small-city.toml")).expect("the small city validates")
}

pub fn baseline() -> LoadedScenario {
    load(&root().join("scenarios/chengdu-baseline.toml")).expect("the baseline validates")
}

/// A scenario with no file behind it: the defaults with a name.
pub fn defaults() -> Scenario {
    toml::from_str("[scenario]\nname = \"t\"").expect("a name is enough")
}

/// The folders of shipped TOML files: scenarios, sweeps, sensitivity and calibration
/// files, seeds, and the test cities.
pub const SHIPPED_TOML_DIRS: [&str; 6] = [
    "scenarios",
    "scenarios/sweeps",
    "scenarios/sensitivity",
    "scenarios/calibration",
    "seeds",
    "tests/data",
];

/// Every shipped TOML file (`SHIPPED_TOML_DIRS`), sorted within each folder.
pub fn shipped_toml_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in SHIPPED_TOML_DIRS {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        entries.sort();
        files.extend(entries);
    }
    files
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

/// The small city as `dir/<name>.toml` under the scenario name `name`, with its seeds path
/// made absolute (the file leaves the repository) and each `(find, replace)` edit applied;
/// every `find` must occur, so a test never runs an unchanged city by mistake.
pub fn small_city_variant(dir: &Path, name: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut text = std::fs::read_to_string(root().join("tests/data/small-city.toml")).unwrap();
    let seeds = root().join("seeds/chengdu-2024-11.toml");
    for (find, replace) in [
        (
            "../../seeds/chengdu-2024-11.toml",
            seeds.display().to_string(),
        ),
        ("name = \"small-city\"", format!("name = \"{name}\"")),
    ]
    .into_iter()
    .chain(edits.iter().map(|(f, r)| (*f, (*r).to_owned())))
    {
        assert!(text.contains(find), "the small city has {find:?}");
        text = text.replace(find, &replace);
    }
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// The edit of the small city (`small_city_variant`) that switches its campaign off: no firm
/// on a visit list.
pub const NO_CAMPAIGN: (&str, &str) = (
    "[levers.campaign]\n",
    "[levers.campaign]\ncoverage = { leading = 0.0, key = 0.0, above_scale = 0.0, other = 0.0 }\n",
);

/// The effect row of `kpi` for `scenario` on `date` in a comparison.json; panics (a test
/// failure) naming the row when there is none.
pub fn effect_row<'a>(
    comparison: &'a serde_json::Value,
    kpi: &str,
    scenario: &str,
    date: &str,
) -> &'a serde_json::Value {
    comparison["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["kind"] == "effect"
                && r["kpi"] == kpi
                && r["scenario"] == scenario
                && r["date"] == date
        })
        .unwrap_or_else(|| panic!("no effect row for {kpi} of {scenario} on {date}"))
}
