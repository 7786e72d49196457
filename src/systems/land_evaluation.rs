//! 亩均论英雄 (FACTS B4): on evaluation days every firm holding land is scored by value added
//! per mu; a firm below the threshold loses a share of its land, at most its idle land (what
//! its value added does not need at full use). Reclaimed land returns to its park.

use bevy_ecs::prelude::*;

use super::land::value_added_per_mu;
use crate::math;
use crate::model::{
    Clock, Exited, FirmLand, FirmProfile, FirmState, LandBook, LandPolicy, LandSettings, NO_PARK,
    Parks,
};

// On an evaluation day, reclaim part of the idle land of firms below the 亩均 threshold.
pub fn evaluate_land_use(
    clock: Res<Clock>,
    settings: Res<LandSettings>,
    policy: Res<LandPolicy>,
    mut parks: ResMut<Parks>,
    mut book: ResMut<LandBook>,
    mut firms: Query<(&FirmProfile, &mut FirmState, &mut FirmLand), Without<Exited>>,
) {
    if !policy.evaluates_on(clock.day) {
        return;
    }
    // Each firm's outcome depends only on itself, and the park and book totals are integer
    // sums, so the result does not depend on query order.
    for (profile, mut state, mut land) in &mut firms {
        if land.park == NO_PARK {
            continue;
        }
        let Some(per_mu) = value_added_per_mu(profile, &state, &land) else {
            continue;
        };
        if per_mu >= policy.mu_threshold_yuan {
            continue;
        }
        let va_day = profile.base_value_added * math::exp(state.log_level);
        let on_land = (va_day - settings.capacity_day(0, land.floor_m2)).max(0.0);
        let needed = (on_land / settings.capacity_per_milli_mu_day).ceil() as u64;
        let idle = land.land_milli_mu.saturating_sub(needed);
        let share = (policy.reclaim_share * land.land_milli_mu as f64).floor() as u64;
        let reclaim = share.min(idle);
        if reclaim == 0 {
            continue;
        }
        land.land_milli_mu -= reclaim;
        parks.list[usize::from(land.park)].land_available += reclaim;
        book.reclaimed_milli_mu += reclaim;
        state.space_log_cap =
            settings.log_cap(land.land_milli_mu, land.floor_m2, profile.base_value_added);
    }
}
