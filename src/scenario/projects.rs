//! Scenario sections for the investment-project pipeline (`[investment.projects]`) and the
//! signing lever (`[levers.investment]`). Defaults are the baseline; docs/MODEL.md §3.8
//! gives each one's source, or "assumption" with its range.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[investment.projects]`: how a signed project becomes investment and capacity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectParams {
    /// Smallest project counted, yuan of fixed investment.
    #[serde(default = "default_min_size")]
    pub min_size_yuan: f64,
    /// Largest project, yuan.
    #[serde(default = "default_max_size")]
    pub max_size_yuan: f64,
    /// Tail exponent α of the (truncated Pareto) project sizes: P(size > x) ∝ x^−α.
    #[serde(default = "default_tail")]
    pub size_tail_exponent: f64,
    /// Days from signing to the approvals a project needs before it can take land
    /// (立项, planning and construction permits), in a park without devolved approvals.
    #[serde(default = "default_approval_days")]
    pub approval_days: f64,
    /// Mean days a project waits for its financing once it has its land.
    #[serde(default = "default_finance_days")]
    pub finance_days: f64,
    /// Construction days of a project of 100 million yuan.
    #[serde(default = "default_construction_days")]
    pub construction_days_at_100m: f64,
    /// Elasticity of construction days to project size.
    #[serde(default = "default_construction_elasticity")]
    pub construction_size_elasticity: f64,
    /// Longest construction, days.
    #[serde(default = "default_max_construction")]
    pub max_construction_days: f64,
    /// Projects up to this size may go into standard-factory floor space, yuan.
    #[serde(default = "default_sf_max")]
    pub standard_factory_max_yuan: f64,
    /// Share of the construction days a project in a standard factory still needs (fit-out
    /// and equipment: the building exists).
    #[serde(default = "default_sf_construction_share")]
    pub standard_factory_construction_share: f64,
    /// A project still waiting for approvals, land or money this many days after signing
    /// is abandoned.
    #[serde(default = "default_give_up_days")]
    pub give_up_days: f64,
    /// Value added a commissioned project adds per year, per yuan invested in it.
    #[serde(default = "default_va_per_yuan")]
    pub value_added_per_yuan_year: f64,
}

/// `[levers.investment]`: how much investment the city signs (招商引资 and expansions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InvestmentLevers {
    /// Fixed investment in projects signed per year, as a share of the city's above-scale
    /// value added in the run's first year. Keys are years; a year not listed uses the last
    /// listed year before it (the first listed one if none is before it). The years before
    /// the start fill the pipeline the run starts with.
    #[serde(default = "default_signed")]
    pub signed_per_year: BTreeMap<String, f64>,
}

impl Default for ProjectParams {
    fn default() -> Self {
        ProjectParams {
            min_size_yuan: default_min_size(),
            max_size_yuan: default_max_size(),
            size_tail_exponent: default_tail(),
            approval_days: default_approval_days(),
            finance_days: default_finance_days(),
            construction_days_at_100m: default_construction_days(),
            construction_size_elasticity: default_construction_elasticity(),
            max_construction_days: default_max_construction(),
            standard_factory_max_yuan: default_sf_max(),
            standard_factory_construction_share: default_sf_construction_share(),
            give_up_days: default_give_up_days(),
            value_added_per_yuan_year: default_va_per_yuan(),
        }
    }
}

impl Default for InvestmentLevers {
    fn default() -> Self {
        InvestmentLevers {
            signed_per_year: default_signed(),
        }
    }
}

fn default_min_size() -> f64 {
    crate::priors::shipped("investment.projects.min_size_yuan")
}
fn default_max_size() -> f64 {
    crate::priors::shipped("investment.projects.max_size_yuan")
}
fn default_tail() -> f64 {
    crate::priors::shipped("investment.projects.size_tail_exponent")
}
fn default_approval_days() -> f64 {
    crate::priors::shipped("investment.projects.approval_days")
}
fn default_finance_days() -> f64 {
    crate::priors::shipped("investment.projects.finance_days")
}
fn default_construction_days() -> f64 {
    crate::priors::shipped("investment.projects.construction_days_at_100m")
}
fn default_construction_elasticity() -> f64 {
    crate::priors::shipped("investment.projects.construction_size_elasticity")
}
fn default_max_construction() -> f64 {
    1825.0
}
fn default_sf_max() -> f64 {
    crate::priors::shipped("investment.projects.standard_factory_max_yuan")
}
fn default_sf_construction_share() -> f64 {
    crate::priors::shipped("investment.projects.standard_factory_construction_share")
}
fn default_give_up_days() -> f64 {
    crate::priors::shipped("investment.projects.give_up_days")
}
fn default_va_per_yuan() -> f64 {
    crate::priors::shipped("investment.projects.value_added_per_yuan_year")
}
fn default_signed() -> BTreeMap<String, f64> {
    [("2017", 0.13), ("2023", 0.34)]
        .into_iter()
        .map(|(y, v)| (y.to_owned(), v))
        .collect()
}

/// The value for `year` in a by-year table: the last listed year at or before it, else
/// the first listed. None for an empty table or keys that are not years (validation
/// refuses both).
pub fn by_year(table: &BTreeMap<String, f64>, year: i32) -> Option<f64> {
    let mut years: Vec<(i32, f64)> = table
        .iter()
        .filter_map(|(k, v)| Some((k.parse::<i32>().ok()?, *v)))
        .collect();
    years.sort_by_key(|(y, _)| *y);
    let first = years.first()?.1;
    Some(
        years
            .iter()
            .rev()
            .find(|(y, _)| *y <= year)
            .map_or(first, |(_, v)| *v),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_uses_the_last_listed_year_before_it() {
        let t: BTreeMap<String, f64> = [("2020", 1.0), ("2023", 2.0)]
            .into_iter()
            .map(|(y, v)| (y.to_owned(), v))
            .collect();
        assert_eq!(by_year(&t, 2019), Some(1.0));
        assert_eq!(by_year(&t, 2022), Some(1.0));
        assert_eq!(by_year(&t, 2023), Some(2.0));
        assert_eq!(by_year(&t, 2030), Some(2.0));
        assert_eq!(by_year(&BTreeMap::new(), 2023), None);
    }
}
