//! Hostile input, generated: arbitrary bytes and random mutations of every shipped scenario,
//! seeds and sweep file are loaded, and loading must never panic. Every rejection names the
//! file and either a line or a key. The hand-written corpus lives in tests/hostile/ (checked
//! by tests/integration/cli.rs and below); failures proptest finds are kept in
//! tests/integration/fuzz_inputs.proptest-regressions and replayed first on every run.
//!
//! Cases per property: `PROPTEST_CASES` (default 2,048). CI runs the default.

use crate::common;

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use reformsim::engine::Simulation;
use reformsim::input::InputErrors;
use reformsim::scenario::Scenario;

/// Every shipped TOML file, with relative paths to other files made absolute so that a
/// mutated copy in a temporary folder still finds them.
fn shipped() -> Vec<(PathBuf, String)> {
    common::shipped_toml_files()
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let text = absolutise(&text, path.parent().unwrap());
            (path, text)
        })
        .collect()
}

/// Rewrites `key = "../x.toml"` (and posterior `.csv`) paths relative to `dir` into
/// absolute ones.
fn absolutise(text: &str, dir: &Path) -> String {
    text.lines()
        .map(|line| {
            let t = line.trim_start();
            for key in ["seeds", "scenario", "posterior"] {
                if let Some(rest) = t.strip_prefix(key)
                    && let Some(value) = rest.trim_start().strip_prefix('=')
                {
                    // The quoted path, without a comment after it.
                    let v = value.trim().split('"').nth(1).unwrap_or_default();
                    if (v.ends_with(".toml") || v.ends_with(".csv")) && !v.starts_with('/') {
                        return format!("{key} = {:?}", dir.join(v).display().to_string());
                    }
                }
            }
            line.to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Loads `bytes` as the kind of file `original` is, from a temporary file; an accepted
/// scenario is returned so that it can be run.
fn load_as(original: &Path, bytes: &[u8]) -> Result<Option<Scenario>, (PathBuf, InputErrors)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.toml");
    std::fs::write(&path, bytes).unwrap();
    let in_dir = |d: &str| {
        original
            .parent()
            .is_some_and(|p| p.ends_with(d) || p.ends_with("sensitivity") && d == "sweeps")
    };
    let is_sweep = in_dir("sweeps")
        || std::fs::read_to_string(original).is_ok_and(|t| t.contains("\n[sweep]\n"));
    let is_calibration = original
        .parent()
        .is_some_and(|p| p.ends_with("calibration"))
        || std::fs::read_to_string(original).is_ok_and(|t| t.contains("\n[calibration]\n"));
    let result = if is_calibration {
        reformsim::calibrate::load(&path).map(|_| None)
    } else if is_sweep {
        reformsim::sweep::load(&path).map(|_| None)
    } else if in_dir("seeds")
        && std::fs::read_to_string(original)
            .is_ok_and(|t| reformsim::scenario::file_kind(&t) == "priors")
    {
        reformsim::priors::load(&path).map(|_| None)
    } else if in_dir("seeds") {
        reformsim::seeds::load(&path).map(|_| None)
    } else {
        reformsim::scenario::load(&path).map(|l| Some(l.scenario))
    };
    result.map_err(|e| (path, e))
}

/// The promise made for every rejection: the first error names the file given, and every
/// error names a file (the given one, or one it refers to, such as its seeds file) and a line
/// or a key.
fn check_errors(path: &Path, errors: &InputErrors) -> Result<(), TestCaseError> {
    prop_assert!(!errors.0.is_empty(), "a rejection with no error");
    prop_assert_eq!(&errors.0[0].file, path);
    for e in &errors.0 {
        prop_assert!(!e.message.is_empty());
        prop_assert!(
            e.line.is_some() || e.key.is_some(),
            "an error with neither line nor key: {}",
            e
        );
        prop_assert!(e.to_string().contains(&e.file.display().to_string()));
    }
    Ok(())
}

/// One edit to a file's text.
#[derive(Clone, Debug)]
enum Mutation {
    /// Replace the value of the n-th `key = value` line with one of the awkward values.
    Value(usize, &'static str),
    /// Delete the n-th line.
    DeleteLine(usize),
    /// Duplicate the n-th line (duplicate keys, repeated sections).
    DuplicateLine(usize),
    /// Misspell the key of the n-th line by dropping one character.
    Misspell(usize, usize),
    /// Overwrite the byte at a position.
    Byte(usize, u8),
    /// Cut the file at a position.
    Truncate(usize),
}

const AWKWARD: &[&str] = &[
    "-1",
    "0",
    "nan",
    "inf",
    "-inf",
    "1e400",
    "1e300",
    "9999999999999999999999",
    "\"\"",
    "\"../../../etc/passwd\"",
    "\"2024-02-30\"",
    "\"1900-01-01\"",
    "\"2999-12-31\"",
    "true",
    "[]",
    "{}",
    "[1, -2, nan]",
    "{ leading = -1 }",
    "0.5",
    "4294967296",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), proptest::sample::select(AWKWARD))
            .prop_map(|(n, v)| Mutation::Value(n, v)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(n, k)| Mutation::Misspell(n, k)),
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Byte(p, b)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, m: &Mutation) -> Vec<u8> {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    if lines.is_empty() {
        return Vec::new();
    }
    let assignments: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains('=') && !lines[i].trim_start().starts_with('#'))
        .collect();
    match *m {
        Mutation::Value(n, v) if !assignments.is_empty() => {
            let i = assignments[n % assignments.len()];
            let key = lines[i].split('=').next().unwrap().to_owned();
            lines[i] = format!("{key}= {v}");
        }
        Mutation::DeleteLine(n) => {
            lines.remove(n % lines.len());
        }
        Mutation::DuplicateLine(n) => {
            let i = n % lines.len();
            lines.insert(i, lines[i].clone());
        }
        Mutation::Misspell(n, k) if !assignments.is_empty() => {
            let i = assignments[n % assignments.len()];
            let key_len = lines[i].find('=').unwrap();
            let chars: Vec<char> = lines[i][..key_len].chars().collect();
            let letters: Vec<usize> = (0..chars.len())
                .filter(|&j| chars[j].is_ascii_alphabetic())
                .collect();
            if !letters.is_empty() {
                let drop = letters[k % letters.len()];
                let key: String = chars
                    .iter()
                    .enumerate()
                    .filter(|&(j, _)| j != drop)
                    .map(|(_, c)| *c)
                    .collect();
                lines[i] = format!("{key}{}", &lines[i][key_len..]);
            }
        }
        Mutation::Byte(p, b) => {
            let mut bytes = lines.join("\n").into_bytes();
            let at = p % bytes.len().max(1);
            if let Some(x) = bytes.get_mut(at) {
                *x = b;
            }
            return bytes;
        }
        Mutation::Truncate(p) => {
            let mut bytes = lines.join("\n").into_bytes();
            bytes.truncate(p % (bytes.len() + 1));
            return bytes;
        }
        _ => {}
    }
    lines.join("\n").into_bytes()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2048),
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_name_the_file(
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
        kind in 0usize..4,
    ) {
        let original = [
            "scenarios/x.toml",
            "seeds/x.toml",
            "scenarios/sweeps/x.toml",
            "scenarios/calibration/x.toml",
        ][kind];
        if let Err((path, errors)) = load_as(Path::new(original), &bytes) {
            check_errors(&path, &errors)?;
        }
    }

    #[test]
    fn mutated_shipped_files_never_panic_and_errors_name_file_and_place(
        file in 0usize..64,
        mutations in proptest::collection::vec(mutation(), 1..4),
    ) {
        let files = shipped();
        let (original, text) = &files[file % files.len()];
        let mut bytes = text.clone().into_bytes();
        for m in &mutations {
            bytes = apply(&String::from_utf8_lossy(&bytes), m);
        }
        match load_as(original, &bytes) {
            Err((path, errors)) => check_errors(&path, &errors)?,
            // What validation accepts must also run: a few weeks of a smaller city (the
            // campaign and the timeline may then fall outside the shortened horizon, which
            // the engine must take in its stride).
            Ok(Some(mut scenario)) => {
                scenario.population.firms = scenario.population.firms.min(1_500);
                scenario.scenario.end = scenario.scenario.start.add_days(40);
                let mut sim = Simulation::new(&scenario, 7);
                while sim.step() {
                    sim.check_invariants().map_err(TestCaseError::fail)?;
                }
            }
            Ok(None) => {}
        }
    }
}

#[test]
fn every_shipped_file_loads_after_its_paths_are_made_absolute() {
    // The mutations start from valid files; otherwise the fuzzing above would test nothing
    // but the first error.
    for (original, text) in shipped() {
        if let Err((_, e)) = load_as(&original, text.as_bytes()) {
            panic!("{}: {e}", original.display());
        }
    }
}

#[test]
fn every_hand_written_hostile_file_is_rejected_naming_file_and_place() {
    let root = common::root();
    let mut n = 0;
    for dir in ["tests/hostile", "tests/hostile/sweeps"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|x| x != "toml") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let as_kind = if dir.ends_with("sweeps") {
                Path::new("scenarios/sweeps/x.toml")
            } else {
                Path::new("scenarios/x.toml")
            };
            let text = absolutise(&String::from_utf8_lossy(&bytes), path.parent().unwrap());
            let bytes = if String::from_utf8(bytes.clone()).is_ok() {
                text.into_bytes()
            } else {
                bytes
            };
            match load_as(as_kind, &bytes) {
                Ok(_) => panic!("{} was accepted", path.display()),
                Err((tmp, errors)) => check_errors(&tmp, &errors)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            }
            n += 1;
        }
    }
    assert!(n >= 40, "the corpus shrank to {n} files");
}
