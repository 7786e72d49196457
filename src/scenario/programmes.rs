//! Scenario sections for innovation and transformation (FACTS B11–B13) and for the fiscal
//! cost of every programme. Defaults are the baseline; docs/MODEL.md gives their sources.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::PerTier;
use crate::date::Date;

/// `[innovation]`: how firms set up R&D institutions, go digital and go green, without
/// policy support. Applies to above-scale firms (智改数转 covers 规上 firms, B11).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Innovation {
    /// Recognitions (new workshops, smart factories, green units, R&D institutions) count
    /// towards the targets from this date: the start of the plan period.
    #[serde(default = "default_count_from")]
    pub count_from: Date,
    /// Share of above-scale firms with an R&D institution at the start, by tier.
    #[serde(default = "default_rd_initial")]
    pub rd_initial_share: PerTier<f64>,
    /// Chance per year that a firm without an R&D institution sets one up, unsupported.
    #[serde(default = "default_rd_rate")]
    pub rd_rate_per_year: f64,
    /// Share of above-scale firms already covered by 智改数转 (diagnosed, projects started)
    /// at the start; a share of those already run a digital workshop or a smart factory.
    #[serde(default = "default_transforming_initial")]
    pub transforming_initial_share: f64,
    #[serde(default = "default_workshop_initial")]
    pub workshop_initial_share: f64,
    #[serde(default = "default_smart_initial")]
    pub smart_factory_initial_share: f64,
    /// Chance per year that a covered firm completes a digital workshop, unsupported.
    #[serde(default = "default_workshop_rate")]
    pub workshop_rate_per_year: f64,
    /// Chance per year that a firm with a digital workshop becomes a smart factory, unsupported.
    #[serde(default = "default_smart_rate")]
    pub smart_factory_rate_per_year: f64,
    /// Chance per year that a firm with a digital workshop or smart factory is recognised as a
    /// green-manufacturing demonstration unit; firms that are not digital apply at a quarter of it.
    #[serde(default = "default_green_rate")]
    pub green_rate_per_year: f64,
    /// Share of above-scale firms already green units at the start.
    #[serde(default = "default_green_initial")]
    pub green_initial_share: f64,
    /// Project cost of a digital workshop, yuan.
    #[serde(default = "default_workshop_cost")]
    pub workshop_cost_yuan: f64,
    /// Project cost of a smart factory, yuan.
    #[serde(default = "default_smart_cost")]
    pub smart_factory_cost_yuan: f64,
    /// How strongly a subsidy raises adoption: the adoption chance is multiplied by
    /// (1 + response × subsidy rate).
    #[serde(default = "default_subsidy_response")]
    pub subsidy_response: f64,
    /// How strongly a grant raises R&D set-up: the chance is multiplied by
    /// (1 + response × grant in millions of yuan).
    #[serde(default = "default_grant_response")]
    pub grant_response_per_million: f64,
    /// Extra growth of a firm, log points per year: with an R&D institution, a digital
    /// workshop, a smart factory (the last two do not add up).
    #[serde(default = "default_rd_bonus")]
    pub rd_growth_bonus: f64,
    #[serde(default = "default_workshop_bonus")]
    pub workshop_growth_bonus: f64,
    #[serde(default = "default_smart_bonus")]
    pub smart_factory_growth_bonus: f64,
}

/// `[levers.innovation]`: policy support for innovation and transformation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InnovationLevers {
    /// Share of a digital workshop's project cost paid by the city.
    #[serde(default = "default_workshop_subsidy")]
    pub workshop_subsidy_rate: f64,
    /// Share of a smart factory's project cost paid by the city.
    #[serde(default = "default_smart_subsidy")]
    pub smart_factory_subsidy_rate: f64,
    /// One-off grant per new R&D institution, yuan.
    #[serde(default = "default_rd_grant")]
    pub rd_grant_yuan: f64,
    /// 智改数转 diagnosis: chance per year that an uncovered above-scale firm is diagnosed and
    /// covered, at the city's cost.
    #[serde(default = "default_diagnosis_rate")]
    pub diagnosis_rate_per_year: f64,
    /// Cost of one diagnosis, yuan.
    #[serde(default = "default_diagnosis_cost")]
    pub diagnosis_cost_yuan: f64,
    /// Award per new green-manufacturing demonstration unit, yuan (paid, not an incentive
    /// in the model: recognition rates do not respond to it).
    #[serde(default = "default_green_award")]
    pub green_award_yuan: f64,
}

/// `[costs]`: what the city's own staff cost, booked to the programme they work for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// Staff cost of one visit or re-visit (two officials for half a day), yuan.
    #[serde(default = "default_visit_cost")]
    pub visit_yuan: f64,
    /// Staff cost of one department slot (one ticket in work) per day, yuan.
    #[serde(default = "default_slot_cost")]
    pub department_slot_day_yuan: f64,
    /// Construction cost of new standard-factory floor space, paid by the city, yuan per m².
    #[serde(default = "default_standard_factory_cost")]
    pub standard_factory_build_yuan_per_m2: f64,
}

fn default_standard_factory_cost() -> f64 {
    2_500.0
}
fn default_count_from() -> Date {
    Date::from_ymd(2024, 1, 1).expect("valid date")
}
fn default_rd_initial() -> PerTier<f64> {
    PerTier {
        leading: crate::priors::shipped("innovation.rd_initial_share.leading"),
        key: crate::priors::shipped("innovation.rd_initial_share.key"),
        above_scale: crate::priors::shipped("innovation.rd_initial_share.above_scale"),
        // By definition: small firms are outside the innovation targets until they join the above-scale list.
        other: 0.0,
    }
}
fn default_rd_rate() -> f64 {
    crate::priors::shipped("innovation.rd_rate_per_year")
}
fn default_transforming_initial() -> f64 {
    crate::priors::shipped("innovation.transforming_initial_share")
}
fn default_workshop_initial() -> f64 {
    crate::priors::shipped("innovation.workshop_initial_share")
}
fn default_smart_initial() -> f64 {
    crate::priors::shipped("innovation.smart_factory_initial_share")
}
fn default_workshop_rate() -> f64 {
    crate::priors::shipped("innovation.workshop_rate_per_year")
}
fn default_smart_rate() -> f64 {
    crate::priors::shipped("innovation.smart_factory_rate_per_year")
}
fn default_green_rate() -> f64 {
    crate::priors::shipped("innovation.green_rate_per_year")
}
fn default_green_initial() -> f64 {
    crate::priors::shipped("innovation.green_initial_share")
}
fn default_workshop_cost() -> f64 {
    crate::priors::shipped("innovation.workshop_cost_yuan")
}
fn default_smart_cost() -> f64 {
    crate::priors::shipped("innovation.smart_factory_cost_yuan")
}
fn default_subsidy_response() -> f64 {
    crate::priors::shipped("innovation.subsidy_response")
}
fn default_grant_response() -> f64 {
    crate::priors::shipped("innovation.grant_response_per_million")
}
fn default_rd_bonus() -> f64 {
    crate::priors::shipped("innovation.rd_growth_bonus")
}
fn default_workshop_bonus() -> f64 {
    crate::priors::shipped("innovation.workshop_growth_bonus")
}
fn default_smart_bonus() -> f64 {
    crate::priors::shipped("innovation.smart_factory_growth_bonus")
}
fn default_workshop_subsidy() -> f64 {
    0.10
}
fn default_smart_subsidy() -> f64 {
    0.10
}
fn default_rd_grant() -> f64 {
    0.0
}
fn default_diagnosis_rate() -> f64 {
    0.20
}
fn default_diagnosis_cost() -> f64 {
    50_000.0
}
fn default_green_award() -> f64 {
    500_000.0
}
fn default_visit_cost() -> f64 {
    800.0
}
fn default_slot_cost() -> f64 {
    100.0
}

impl Default for Innovation {
    fn default() -> Self {
        Innovation {
            count_from: default_count_from(),
            rd_initial_share: default_rd_initial(),
            rd_rate_per_year: default_rd_rate(),
            transforming_initial_share: default_transforming_initial(),
            workshop_initial_share: default_workshop_initial(),
            smart_factory_initial_share: default_smart_initial(),
            workshop_rate_per_year: default_workshop_rate(),
            smart_factory_rate_per_year: default_smart_rate(),
            green_rate_per_year: default_green_rate(),
            green_initial_share: default_green_initial(),
            workshop_cost_yuan: default_workshop_cost(),
            smart_factory_cost_yuan: default_smart_cost(),
            subsidy_response: default_subsidy_response(),
            grant_response_per_million: default_grant_response(),
            rd_growth_bonus: default_rd_bonus(),
            workshop_growth_bonus: default_workshop_bonus(),
            smart_factory_growth_bonus: default_smart_bonus(),
        }
    }
}

impl Default for InnovationLevers {
    fn default() -> Self {
        InnovationLevers {
            workshop_subsidy_rate: default_workshop_subsidy(),
            smart_factory_subsidy_rate: default_smart_subsidy(),
            rd_grant_yuan: default_rd_grant(),
            diagnosis_rate_per_year: default_diagnosis_rate(),
            diagnosis_cost_yuan: default_diagnosis_cost(),
            green_award_yuan: default_green_award(),
        }
    }
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            visit_yuan: default_visit_cost(),
            department_slot_day_yuan: default_slot_cost(),
            standard_factory_build_yuan_per_m2: default_standard_factory_cost(),
        }
    }
}
