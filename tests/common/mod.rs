//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use reformsim::scenario::{LoadedScenario, Scenario, load};

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

pub fn exists(p: &Path) -> bool {
    p.exists()
}
