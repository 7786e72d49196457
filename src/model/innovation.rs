//! Settings and running counts of innovation and transformation (FACTS B11–B13).

use bevy_ecs::prelude::*;

use super::{Capabilities, DigitalStage};
use crate::scenario::Scenario;

/// Daily chances, costs and growth bonuses, derived from `[innovation]` and
/// `[levers.innovation]`.
#[derive(Resource, Clone, Debug)]
pub struct InnovationSettings {
    /// Day index from which new recognitions count towards the targets.
    pub count_from_day: u32,
    pub diagnosis_chance: f64,
    pub diagnosis_cost: f64,
    pub workshop_chance: f64,
    pub workshop_subsidy: f64,
    pub smart_factory_chance: f64,
    pub smart_factory_subsidy: f64,
    pub rd_chance: f64,
    pub rd_grant: f64,
    /// Green recognition chance for a digital firm; others get a quarter of it.
    pub green_chance: f64,
    pub green_award: f64,
    /// Growth bonuses, log points per day.
    pub rd_bonus: f64,
    pub workshop_bonus: f64,
    pub smart_factory_bonus: f64,
}

impl InnovationSettings {
    pub fn from_scenario(s: &Scenario) -> InnovationSettings {
        let (i, l) = (&s.innovation, &s.levers.innovation);
        let per_day = |per_year: f64| per_year / 365.0;
        InnovationSettings {
            count_from_day: i.count_from.days_since(s.scenario.start).max(0) as u32,
            diagnosis_chance: per_day(l.diagnosis_rate_per_year),
            diagnosis_cost: l.diagnosis_cost_yuan,
            workshop_chance: per_day(
                i.workshop_rate_per_year * (1.0 + i.subsidy_response * l.workshop_subsidy_rate),
            ),
            workshop_subsidy: l.workshop_subsidy_rate * i.workshop_cost_yuan,
            smart_factory_chance: per_day(
                i.smart_factory_rate_per_year
                    * (1.0 + i.subsidy_response * l.smart_factory_subsidy_rate),
            ),
            smart_factory_subsidy: l.smart_factory_subsidy_rate * i.smart_factory_cost_yuan,
            rd_chance: per_day(
                i.rd_rate_per_year * (1.0 + i.grant_response_per_million * l.rd_grant_yuan / 1e6),
            ),
            rd_grant: l.rd_grant_yuan,
            green_chance: per_day(i.green_rate_per_year),
            green_award: l.green_award_yuan,
            rd_bonus: per_day(i.rd_growth_bonus),
            workshop_bonus: per_day(i.workshop_growth_bonus),
            smart_factory_bonus: per_day(i.smart_factory_growth_bonus),
        }
    }

    /// A firm's extra growth per day from what it has built up.
    pub fn growth_bonus(&self, c: &Capabilities) -> f64 {
        let rd = if c.rd_institution { self.rd_bonus } else { 0.0 };
        let digital = match c.stage {
            DigitalStage::SmartFactory => self.smart_factory_bonus,
            DigitalStage::Workshop => self.workshop_bonus,
            _ => 0.0,
        };
        rd + digital
    }
}

/// Running counts for the innovation KPIs.
#[derive(Resource, Clone, Debug, Default)]
pub struct InnovationCounts {
    /// Above-scale firms (the denominator of the shares).
    pub above_scale_firms: u64,
    pub with_rd_institution: u64,
    /// Above-scale firms covered by 智改数转 (any stage from Transforming on).
    pub covered: u64,
    /// Recognitions since `count_from`.
    pub new_workshops: u64,
    pub new_smart_factories: u64,
    pub new_green_units: u64,
    pub new_rd_institutions: u64,
}
