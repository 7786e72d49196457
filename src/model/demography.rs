//! Firm entry and exit: who is alive, each firm's exit clock, and the settings of both flows.
//!
//! A firm that closes is never despawned: it gets the `Exited` marker, which every firm query
//! excludes, so entity handles held by tickets, visit lists and order books stay valid and
//! nothing depends on despawn order.

use bevy_ecs::prelude::*;

use super::Tier;
use crate::rng::{Purpose, StreamRng};
use crate::scenario::Scenario;

/// A firm that has closed. Table storage: it is inserted once per exit (a rare archetype
/// move), and queries filter it out by archetype, so the daily loops pay nothing for it.
#[derive(Component, Clone, Copy, Debug)]
pub struct Exited;

/// A firm's exit clock: the cumulative exit hazard it can still bear. It starts at an
/// Exp(1) draw and each day loses that day's hazard; the firm closes when it runs out. This
/// is the same law as a daily Bernoulli draw, without a random draw per firm per day.
#[derive(Component, Clone, Copy, Debug)]
pub struct Survival {
    pub hazard_left: f64,
}

impl Survival {
    /// The clock of firm `id`, from its own stream.
    pub fn new(seed: u64, id: u32) -> Survival {
        let u = StreamRng::new(seed, Purpose::Exit, u64::from(id), 0).uniform();
        Survival {
            hazard_left: -(1.0 - u).ln(),
        }
    }
}

/// Every firm's entity, indexed by its `FirmId` (exited firms included): firm ids run
/// 0, 1, 2, … in creation order, so a random id picks a random firm without a scan.
#[derive(Resource, Clone, Debug, Default)]
pub struct FirmIndex(pub Vec<Entity>);

/// Counts of entry and exit, and the firms closing today.
#[derive(Resource, Clone, Debug, Default)]
pub struct Demography {
    /// Firms at the start of the run.
    pub initial: u64,
    pub entered: u64,
    pub exited: u64,
    /// Entrants drawn into a park that had no room for them, who settled outside the parks.
    pub entered_outside_parks: u64,
    /// Entrants due but not yet created (the fractional part carries to the next day).
    pub entry_due: f64,
    /// Firms whose exit clock ran out today, as (firm id, entity); reused, never shrunk.
    pub exiting: Vec<(u32, Entity)>,
    /// Firms whose clock the evening pass left for after the day's grants (they have a
    /// request for space waiting); emptied by `advance_deferred_exit_clocks`.
    pub deferred_clocks: Vec<Entity>,
}

impl Demography {
    /// Live firms: initial + entered − exited.
    pub fn live(&self) -> u64 {
        self.initial + self.entered - self.exited
    }
}

/// The above-scale list (规模以上企业名录) and its yearly revision (小升规, `systems::tier_list`).
#[derive(Resource, Clone, Debug, Default)]
pub struct AboveScaleList {
    /// Firms moved onto the list by the revisions so far (tier `other` → `above_scale`).
    pub promoted: u64,
    /// Firms moved off it (tier `above_scale` → `other`; leading and key firms stay).
    pub demoted: u64,
    /// The latest revision: its year and the value added the firms on the revised list
    /// produced in the year before (whole yuan, live firms only). `value_added_growth_ytd`
    /// compares this year's list with the same firms a year earlier, as the official figure
    /// does (可比口径), not with last year's list.
    pub revised: Option<(i32, i64)>,
}

/// Daily exit hazards per tier and the entry rate, from `[entry_exit]`.
#[derive(Resource, Clone, Debug)]
pub struct EntryExitSettings {
    /// Per day, by tier: the base hazard, the hazard per open problem, per open finance
    /// problem, while declining and while short of space.
    pub base: [f64; 4],
    pub per_problem: [f64; 4],
    pub per_finance_problem: [f64; 4],
    pub declining: [f64; 4],
    /// Per day, by tier: the extra hazard while short of space.
    pub short_of_space: [f64; 4],
    /// A firm whose log output level is below this is declining.
    pub decline_level: f64,
    /// Entrants per live firm per day.
    pub entry_per_day: f64,
    /// Entrants' median value added as a share of the `other` tier's.
    pub entrant_size: f64,
}

impl EntryExitSettings {
    pub fn from_scenario(s: &Scenario) -> EntryExitSettings {
        let e = &s.entry_exit;
        let per_day = |rate: f64| Tier::ALL.map(|t| e.exit_tier_multiplier.get(t) * rate / 365.0);
        EntryExitSettings {
            base: per_day(e.exit_rate_per_year),
            per_problem: per_day(e.exit_per_open_problem),
            per_finance_problem: per_day(e.exit_per_finance_problem),
            declining: per_day(e.exit_if_declining),
            short_of_space: per_day(e.exit_if_short_of_space),
            decline_level: -e.decline_threshold,
            entry_per_day: e.entry_rate_per_year / 365.0,
            entrant_size: e.entrant_size,
        }
    }
}
