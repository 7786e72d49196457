//! Firm entry: new small firms (tier `other`) start up at a rate proportional to the live
//! population, so that in the baseline entry roughly balances exit. Entrants take the next
//! firm ids in order and are drawn exactly like established firms of their tier (their own
//! streams), at `entrant_size` of the tier's median value added.

use bevy_ecs::prelude::*;

use crate::model::{
    Capabilities, Demography, EntryExitSettings, FirmId, FirmIndex, FirmTemplate, MarketStatus,
    RunSeed, Survival, Tier,
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
    world.resource_scope(|world, template: Mut<FirmTemplate>| {
        let mut index = std::mem::take(&mut world.resource_mut::<FirmIndex>().0);
        for _ in 0..count {
            let id = index.len() as u32;
            let (profile, state) = template.draw(seed, id, Tier::Other, size);
            let entity = world
                .spawn((
                    FirmId(id),
                    profile,
                    state,
                    Capabilities::default(),
                    Survival::new(seed, id),
                    MarketStatus::default(),
                ))
                .id();
            index.push(entity);
        }
        world.resource_mut::<FirmIndex>().0 = index;
    });
}
