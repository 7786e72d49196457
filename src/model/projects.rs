//! The investment-project pipeline (docs/MODEL.md §3.8): projects signed by firms, the
//! stages they pass through, and the settings the pipeline reads. Projects are few next to
//! firms (hundreds a year against tens of thousands of firms), so they live in a table of
//! their own and no firm's hot row carries them.

use std::collections::BTreeMap;

use bevy_ecs::prelude::*;

use super::{FirmId, SupplyMode};
use crate::scenario::Scenario;

/// Where a project is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectStage {
    /// Waiting for its approvals (立项, planning and construction permits).
    Approval,
    /// Its request for land or standard-factory space waits in its park's queue.
    Land,
    /// Has its space; waiting for its financing.
    Finance,
    /// Being built: its outlays are investment.
    Construction,
    /// Built: its capacity adds to its firm's value added.
    Commissioned,
    /// Abandoned: waited too long, or its firm closed.
    Failed,
}

impl ProjectStage {
    pub fn is_active(self) -> bool {
        !matches!(self, ProjectStage::Commissioned | ProjectStage::Failed)
    }
}

/// One project of fixed investment.
#[derive(Clone, Debug)]
pub struct Project {
    pub firm: Entity,
    pub firm_id: FirmId,
    pub park: u16,
    /// Fixed investment, yuan.
    pub size_yuan: i64,
    pub stage: ProjectStage,
    /// Day signed; negative for projects signed before the run (the pipeline it starts with).
    pub signed_day: i64,
    /// First day the current waiting stage (approval, finance) may end.
    pub ready_day: i64,
    /// Days its financing takes once it has its space (drawn at signing).
    pub finance_wait_days: u32,
    /// Construction days in a building of its own (drawn at signing from its size).
    pub build_days: u32,
    /// The supply mode of its space, once it has asked for it.
    pub mode: Option<SupplyMode>,
    /// Outlay per day of construction, yuan.
    pub outlay_per_day: i64,
    /// Investment still to be spent, yuan.
    pub remaining_yuan: i64,
    /// Its place among the projects signed on its day: the key of its draws.
    pub nth_signed_that_day: u32,
}

/// A firm that may sign a project: above designated size, in a park.
#[derive(Clone, Copy, Debug)]
pub struct Signer {
    pub firm: Entity,
    pub firm_id: FirmId,
    pub park: u16,
    /// Running total of the weights (value added at the start) up to and including this firm.
    pub cumulative_weight: f64,
}

/// Every project of the run and the pipeline's tallies.
#[derive(Resource, Clone, Debug, Default)]
pub struct ProjectBook {
    pub projects: Vec<Project>,
    /// Ids (positions in `projects`) of projects neither commissioned nor failed, in id order.
    pub active: Vec<u32>,
    /// Firms that may sign, weighted by their value added at the start.
    pub signers: Vec<Signer>,
    /// Above-scale value added per year at the start, yuan: the scale of the signing lever.
    pub value_added_year: f64,
    pub started: bool,
    /// Projects in the pipeline on the first day (signed before the run, not yet built).
    pub at_start: u64,
    /// Projects signed during the run.
    pub signed: u64,
    pub commissioned: u64,
    pub failed: u64,
    /// Outlays of projects under construction today, yuan.
    pub outlays_today: i64,
}

impl ProjectBook {
    /// Its park granted project `id` its space today: it waits for its financing next.
    pub fn space_granted(&mut self, id: u32, today: u32) {
        let p = &mut self.projects[id as usize];
        debug_assert_eq!(p.stage, ProjectStage::Land);
        let today = i64::from(today);
        p.stage = ProjectStage::Finance;
        p.ready_day = today + i64::from(p.finance_wait_days);
    }

    /// Projects neither commissioned nor failed, by stage: approval, land, finance,
    /// construction.
    pub fn in_stages(&self) -> [u64; 4] {
        let mut n = [0u64; 4];
        for &id in &self.active {
            let i = match self.projects[id as usize].stage {
                ProjectStage::Approval => 0,
                ProjectStage::Land => 1,
                ProjectStage::Finance => 2,
                ProjectStage::Construction => 3,
                ProjectStage::Commissioned | ProjectStage::Failed => continue,
            };
            n[i] += 1;
        }
        n
    }
}

/// Structural settings of the pipeline (`[investment.projects]`).
#[derive(Resource, Clone, Debug)]
pub struct ProjectSettings {
    pub min_size_yuan: f64,
    pub max_size_yuan: f64,
    pub tail: f64,
    pub approval_days: f64,
    pub finance_days: f64,
    pub construction_days_at_100m: f64,
    pub construction_elasticity: f64,
    pub max_construction_days: f64,
    pub standard_factory_max_yuan: f64,
    pub standard_factory_construction_share: f64,
    pub give_up_days: i64,
    /// Value added a commissioned project adds per day, per yuan invested.
    pub value_added_per_yuan_day: f64,
    /// The scenario's start: day indices (negative before it) turn into calendar years.
    pub start: crate::date::Date,
}

impl ProjectSettings {
    pub fn from_scenario(s: &Scenario) -> ProjectSettings {
        let p = &s.investment.projects;
        ProjectSettings {
            min_size_yuan: p.min_size_yuan,
            max_size_yuan: p.max_size_yuan.max(p.min_size_yuan),
            tail: p.size_tail_exponent,
            approval_days: p.approval_days,
            finance_days: p.finance_days,
            construction_days_at_100m: p.construction_days_at_100m,
            construction_elasticity: p.construction_size_elasticity,
            max_construction_days: p.max_construction_days,
            standard_factory_max_yuan: p.standard_factory_max_yuan,
            standard_factory_construction_share: p.standard_factory_construction_share,
            give_up_days: p.give_up_days.round() as i64,
            value_added_per_yuan_day: p.value_added_per_yuan_year / 365.0,
            start: s.scenario.start,
        }
    }

    /// A project size from one uniform draw: the truncated Pareto's inverse distribution.
    pub fn size(&self, u: f64) -> f64 {
        let (m, big, a) = (self.min_size_yuan, self.max_size_yuan, self.tail);
        let cut = 1.0 - (m / big).powf(a);
        m * (1.0 - u * cut).powf(-1.0 / a)
    }

    /// Mean project size, yuan (the truncated Pareto's mean).
    pub fn mean_size(&self) -> f64 {
        let (m, big, a) = (self.min_size_yuan, self.max_size_yuan, self.tail);
        if big <= m {
            return m;
        }
        let r = m / big;
        let norm = 1.0 - r.powf(a);
        if (a - 1.0).abs() < 1e-9 {
            m * (big / m).ln() / norm
        } else {
            a * m / (a - 1.0) * (1.0 - r.powf(a - 1.0)) / norm
        }
    }

    /// Construction days in a building of its own, from its size.
    pub fn build_days(&self, size_yuan: f64) -> u32 {
        let days =
            self.construction_days_at_100m * (size_yuan / 1.0e8).powf(self.construction_elasticity);
        days.clamp(1.0, self.max_construction_days.max(1.0)).round() as u32
    }

    /// Construction days in the given supply mode.
    pub fn construction_days(&self, build_days: u32, mode: SupplyMode) -> u32 {
        if mode.is_floor_space() {
            ((f64::from(build_days) * self.standard_factory_construction_share).round() as u32)
                .max(1)
        } else {
            build_days.max(1)
        }
    }

    /// Days of approvals, shortened in a park with devolved approvals (B2).
    pub fn approval_wait(&self, devolved: bool, factor: f64) -> i64 {
        let days = if devolved {
            self.approval_days / factor.max(1.0)
        } else {
            self.approval_days
        };
        days.ceil() as i64
    }
}

/// The signing lever (`[levers.investment]`), replaced when a timeline changes it.
#[derive(Resource, Clone, Debug)]
pub struct ProjectPolicy {
    /// Investment signed per year as a share of the start's above-scale value added, by year.
    pub signed_per_year: BTreeMap<String, f64>,
}

impl ProjectPolicy {
    pub fn from_scenario(s: &Scenario) -> ProjectPolicy {
        ProjectPolicy {
            signed_per_year: s.levers.investment.signed_per_year.clone(),
        }
    }

    /// The share signed in `year` (0 for an empty table, which validation refuses).
    pub fn signed_share(&self, year: i32) -> f64 {
        crate::scenario::by_year(&self.signed_per_year, year).unwrap_or(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ProjectSettings {
        let s: Scenario = toml::from_str("[scenario]\nname = \"t\"").unwrap();
        ProjectSettings::from_scenario(&s)
    }

    #[test]
    fn sizes_stay_between_the_bounds_and_average_to_the_mean() {
        let s = settings();
        assert!((s.size(0.0) - s.min_size_yuan).abs() < 1.0);
        assert!((s.size(1.0) - s.max_size_yuan).abs() / s.max_size_yuan < 1e-9);
        let n = 200_000;
        let mean = (0..n)
            .map(|i| s.size((f64::from(i) + 0.5) / f64::from(n)))
            .sum::<f64>()
            / f64::from(n);
        assert!(
            (mean / s.mean_size() - 1.0).abs() < 0.01,
            "{mean} vs {}",
            s.mean_size()
        );
    }

    #[test]
    fn larger_projects_take_longer_to_build_and_standard_factories_less() {
        let s = settings();
        assert!(s.build_days(1e9) > s.build_days(1e8));
        assert_eq!(s.build_days(1e8), 365);
        assert!(s.build_days(1e12) as f64 <= s.max_construction_days);
        assert!(
            s.construction_days(365, SupplyMode::StandardFactory)
                < s.construction_days(365, SupplyMode::Transfer)
        );
    }
}
