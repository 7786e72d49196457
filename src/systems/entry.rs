//! Firm entry: new small firms (tier `other`) start up at a rate proportional to the live
//! population, so that in the baseline entry roughly balances exit. Entrants take the next
//! firm ids in order and are drawn exactly like established firms of their tier (their own
//! streams), at `entrant_size` of the tier's median value added. An entrant drawn into a
//! park takes its space from the park's free land or floor space; if the park has too little,
//! it settles outside the parks instead (and is then never short of space).

use bevy_ecs::prelude::*;

use crate::model::{
    Capabilities, Counters, Demography, EntryExitSettings, Finance, FirmId, FirmIndex, FirmLand,
    FirmTemplate, LandSettings, MarketStatus, NO_PARK, Parks, RunSeed, Survival, Tier,
    place_in_park,
};
use crate::scenario::MAX_FIRMS;

// Create today's entrants, once a day, alone (exclusive).
pub fn enter_firms(world: &mut World) {
    let (per_day, size) = {
        let s = world.resource::<EntryExitSettings>();
        (s.entry_per_day, s.entrant_size)
    };
    let count = {
        let mut d = world.resource_mut::<Demography>();
        let live = d.live();
        d.entry_due += live as f64 * per_day;
        // The population may not outgrow what a run supports.
        let room = u64::from(MAX_FIRMS).saturating_sub(live) as f64;
        let count = d.entry_due.min(room).floor();
        d.entry_due -= count;
        d.entered += count as u64;
        count as u64
    };
    if count == 0 {
        return;
    }
    let seed = world.resource::<RunSeed>().0;
    let land_settings = world.resource::<LandSettings>().clone();
    world.resource_scope(|world, template: Mut<FirmTemplate>| {
        let mut index = std::mem::take(&mut world.resource_mut::<FirmIndex>().0);
        let mut without_space = 0u64;
        for _ in 0..count {
            let id = index.len() as u32;
            let (profile, mut state) = template.draw(seed, id, Tier::Other, size);
            let mut parks = world.resource_mut::<Parks>();
            let mut land = place_in_park(
                &template.land,
                &parks,
                seed,
                id,
                Tier::Other,
                profile.base_value_added,
            );
            if land.park != NO_PARK {
                let park = &mut parks.list[usize::from(land.park)];
                let fits = land.land_milli_mu <= park.land_available
                    && park.floor_occupied + land.floor_m2 <= park.floor_total;
                if fits {
                    park.land_available -= land.land_milli_mu;
                    park.floor_occupied += land.floor_m2;
                    state.space_log_cap = land_settings.log_cap(
                        land.land_milli_mu,
                        land.floor_m2,
                        profile.base_value_added,
                    );
                } else {
                    land = FirmLand::outside();
                    without_space += 1;
                }
            }
            // The problems an entrant starts with arise with it.
            world.resource_mut::<Counters>().problems.arisen += u64::from(state.open_problems());
            let entity = world
                .spawn((
                    FirmId(id),
                    profile,
                    state,
                    Capabilities::default(),
                    land,
                    Finance::default(),
                    Survival::new(seed, id),
                    MarketStatus::default(),
                ))
                .id();
            index.push(entity);
        }
        world.resource_mut::<FirmIndex>().0 = index;
        world.resource_mut::<Demography>().entered_outside_parks += without_space;
    });
}
