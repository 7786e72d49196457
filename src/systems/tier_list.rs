//! The yearly revision of the above-scale list (小升规): on 1 January each firm's value added
//! over the year before decides whether it is above scale this year. A small firm that
//! reached the threshold joins the list (tier `above_scale`, with the `AboveScale` marker:
//! from then on it innovates, its exit hazard and problem rate are those of its new tier,
//! and its value added counts in above-scale value added); an `above_scale` firm that fell
//! below it leaves. Leading and key firms, tens of times the threshold, stay.
//!
//! The revision also sets the base of year-to-date growth: the value added of this year's
//! list in the year before, so that growth is measured on comparable firms (可比口径), as
//! the statistics bureau does, and firms joining, leaving or closing do not move it.
//!
//! Once a year and exclusive: moving a marker is an archetype move, too rare to matter.

use bevy_ecs::prelude::*;

use crate::model::{
    AboveScale, AboveScaleList, Capabilities, Clock, DigitalStage, Exited, FirmId, FirmProfile,
    FirmState, FirmTemplate, InnovationCounts, Tier,
};

// On 1 January (not on a run's first day): revise the list by last year's value added.
pub fn revise_above_scale_list(world: &mut World) {
    let clock = *world.resource::<Clock>();
    let new_year = clock.date.start_of_year();
    if clock.date != new_year || clock.day == 0 {
        return;
    }
    // Days of last year that were simulated (all of them, unless the run began during it):
    // a firm's size is its value added over those days, per year.
    let year_days = new_year.days_since(new_year.one_year_earlier()) as u32;
    let days = clock.day.min(year_days);
    let threshold_per_year = world.resource::<FirmTemplate>().above_scale_value_added * 365.0;
    let mut moves: Vec<(FirmId, Entity, Tier)> = Vec::new();
    let mut set_value_added = 0i64;
    let mut q =
        world.query_filtered::<(Entity, &FirmId, &FirmProfile, &mut FirmState), Without<Exited>>();
    for (entity, &id, profile, mut state) in q.iter_mut(world) {
        let per_year = state.value_added_ytd as f64 * 365.0 / f64::from(days);
        let tier = revised_tier(profile.tier, per_year, threshold_per_year);
        if tier != profile.tier {
            moves.push((id, entity, tier));
        }
        if tier.is_above_scale() {
            set_value_added += state.value_added_ytd;
        }
        state.value_added_ytd = 0;
    }
    // Firm-id order, so the counts and the archetype moves never depend on query order.
    moves.sort_unstable_by_key(|&(id, _, _)| id);
    let (mut promoted, mut demoted) = (0u64, 0u64);
    for &(_, entity, tier) in &moves {
        let caps = world
            .get::<Capabilities>(entity)
            .cloned()
            .unwrap_or_default();
        let sign_up = tier.is_above_scale();
        {
            let mut counts = world.resource_mut::<InnovationCounts>();
            let rd = u64::from(caps.rd_institution);
            let covered = u64::from(caps.stage >= DigitalStage::Transforming);
            if sign_up {
                counts.above_scale_firms += 1;
                counts.with_rd_institution += rd;
                counts.covered += covered;
            } else {
                counts.above_scale_firms -= 1;
                counts.with_rd_institution -= rd;
                counts.covered -= covered;
            }
        }
        let mut e = world.entity_mut(entity);
        e.get_mut::<FirmProfile>().expect("a firm").tier = tier;
        if sign_up {
            e.insert(AboveScale);
            promoted += 1;
        } else {
            e.remove::<AboveScale>();
            demoted += 1;
        }
    }
    let mut list = world.resource_mut::<AboveScaleList>();
    list.promoted += promoted;
    list.demoted += demoted;
    list.revised = Some((new_year.year(), set_value_added));
}

/// A firm's tier after the revision, given its value added per year: only the boundary
/// between `other` and `above_scale` moves.
pub fn revised_tier(tier: Tier, value_added_per_year: f64, threshold_per_year: f64) -> Tier {
    match tier {
        Tier::Other if value_added_per_year >= threshold_per_year => Tier::AboveScale,
        Tier::AboveScale if value_added_per_year < threshold_per_year => Tier::Other,
        t => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_boundary_between_small_and_above_scale_moves() {
        let t = 5.0e6;
        assert_eq!(revised_tier(Tier::Other, 5.0e6, t), Tier::AboveScale);
        assert_eq!(revised_tier(Tier::Other, 4.9e6, t), Tier::Other);
        assert_eq!(revised_tier(Tier::AboveScale, 4.9e6, t), Tier::Other);
        assert_eq!(revised_tier(Tier::AboveScale, 6.0e6, t), Tier::AboveScale);
        // Leading and key firms are never moved, whatever their year.
        assert_eq!(revised_tier(Tier::Leading, 1.0, t), Tier::Leading);
        assert_eq!(revised_tier(Tier::Key, 1.0, t), Tier::Key);
    }
}
