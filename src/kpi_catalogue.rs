//! The KPI catalogue: every column of `metrics.csv`, in column order, with its unit, its
//! labels in English and Chinese, the smallest difference a planner would act on, and the
//! levers that act on it. It is data (`data/kpis.toml`), compiled into the binary so that a
//! results folder can be charted and compared anywhere; this file only reads it.

use std::sync::LazyLock;

use serde::Deserialize;

/// The language of chart text and reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

/// A KPI's name, unit and meaning: the column names of `metrics.csv` and the `kpi` keys of
/// seeds files.
#[derive(Clone, Debug)]
pub struct Kpi {
    pub key: &'static str,
    pub unit: &'static str,
    pub label_en: &'static str,
    pub label_zh: &'static str,
    pub description: &'static str,
    /// The smallest difference a planner would act on, in `unit` (an assumption per KPI).
    pub min_difference: f64,
    /// Scenario key paths (prefixes) whose change acts on this KPI.
    pub levers: Vec<&'static str>,
}

impl Kpi {
    pub fn label(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.label_en,
            Lang::Zh => self.label_zh,
        }
    }

    /// Whether changing the scenario key path `key` acts on this KPI. A key set by a
    /// timeline entry (`timeline[0].set.levers.triage.delay_days`) counts as the lever it sets.
    pub fn driven_by(&self, key: &str) -> bool {
        let key = key
            .strip_prefix("timeline[")
            .and_then(|rest| rest.split_once("].set."))
            .map_or(key, |(_, lever)| lever);
        self.levers.iter().any(|prefix| {
            key.strip_prefix(prefix)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    key: String,
    unit: String,
    label_en: String,
    label_zh: String,
    description: String,
    min_difference: f64,
    levers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Catalogue {
    kpi: Vec<Entry>,
}

/// The catalogue's text, as compiled in.
pub const CATALOGUE_TOML: &str = include_str!("../data/kpis.toml");

fn parse(text: &str) -> Result<Vec<Kpi>, toml::de::Error> {
    let leak = |s: String| -> &'static str { s.leak() };
    let file: Catalogue = toml::from_str(text)?;
    Ok(file
        .kpi
        .into_iter()
        .map(|e| Kpi {
            key: leak(e.key),
            unit: leak(e.unit),
            label_en: leak(e.label_en),
            label_zh: leak(e.label_zh),
            description: leak(e.description),
            min_difference: e.min_difference,
            levers: e.levers.into_iter().map(leak).collect(),
        })
        .collect())
}

/// Every KPI, in column order. Read once; the tests below check the compiled-in file, so
/// the `expect` cannot fire in a tested build.
pub static KPIS: LazyLock<Vec<Kpi>> =
    LazyLock::new(|| parse(CATALOGUE_TOML).expect("data/kpis.toml is checked by the tests"));

/// The KPI with this key.
pub fn kpi(key: &str) -> Option<&'static Kpi> {
    KPIS.iter().find(|k| k.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_parses_and_every_entry_is_complete() {
        let kpis = parse(CATALOGUE_TOML).unwrap();
        assert!(!kpis.is_empty());
        let mut keys: Vec<&str> = kpis.iter().map(|k| k.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), kpis.len(), "a key is listed twice");
        for k in &kpis {
            assert!(!k.unit.is_empty() && !k.description.is_empty(), "{}", k.key);
            assert!(
                !k.label_en.is_empty() && !k.label_zh.is_empty(),
                "{}",
                k.key
            );
            assert!(
                k.label_zh.chars().any(|c| u32::from(c) > 0x2E80),
                "{}",
                k.key
            );
            assert!(k.min_difference > 0.0, "{}", k.key);
            assert!(!k.levers.is_empty(), "{}: no lever acts on it", k.key);
        }
    }

    #[test]
    fn a_lever_drives_the_kpis_that_list_it_or_a_prefix_of_it() {
        let days = kpi("mean_days_to_obtain_land").unwrap();
        assert!(days.driven_by("levers.land.supply_mix.lease"));
        assert!(days.driven_by("timeline[0].set.levers.land.modes.lease.lead_time_days"));
        assert!(!days.driven_by("levers.landfill"));
        assert!(!days.driven_by("levers.triage.delay_days"));
        let resolve = kpi("mean_days_to_resolve").unwrap();
        assert!(resolve.driven_by("timeline[2].set.departments[0].capacity"));
        assert!(resolve.driven_by("departments[1].capacity"));
    }
}
