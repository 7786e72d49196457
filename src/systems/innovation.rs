//! Innovation and transformation (FACTS B11–B13): above-scale firms get diagnosed under
//! 智改数转, build digital workshops and then smart factories, set up R&D institutions and are
//! recognised as green units. Subsidies and grants raise the chances and are booked as
//! outlays; each step raises the firm's growth.

use bevy_ecs::prelude::*;

use crate::model::{
    Capabilities, Clock, DigitalStage, Exited, FirmId, FirmProfile, FirmState, InnovationCounts,
    InnovationSettings, Ledger, Programme, RunSeed,
};
use crate::rng::{Purpose, StreamRng, stream_prefix};

// Each above-scale firm may take one step on each track per day (digital stage, R&D
// institution, green recognition); steps are booked and counted.
pub fn transform_firms(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<InnovationSettings>,
    mut ledger: ResMut<Ledger>,
    mut counts: ResMut<InnovationCounts>,
    mut firms: Query<(&FirmId, &FirmProfile, &mut Capabilities, &mut FirmState), Without<Exited>>,
) {
    let counting = clock.day >= settings.count_from_day;
    let new = u64::from(counting);
    let prefix = stream_prefix(seed.0, Purpose::Innovation);
    for (id, profile, mut caps, mut state) in &mut firms {
        if !profile.tier.is_above_scale() {
            continue;
        }
        let mut rng = StreamRng::from_prefix(prefix, u64::from(id.0), clock.day);
        let (u_stage, u_rd, u_green) = (rng.uniform(), rng.uniform(), rng.uniform());
        let before = (caps.stage, caps.rd_institution);
        match caps.stage {
            DigitalStage::None if u_stage < settings.diagnosis_chance => {
                caps.stage = DigitalStage::Transforming;
                counts.covered += 1;
                ledger.book(Programme::Diagnosis, settings.diagnosis_cost);
            }
            DigitalStage::Transforming if u_stage < settings.workshop_chance => {
                caps.stage = DigitalStage::Workshop;
                counts.new_workshops += new;
                ledger.book(Programme::WorkshopSubsidy, settings.workshop_subsidy);
            }
            DigitalStage::Workshop if u_stage < settings.smart_factory_chance => {
                caps.stage = DigitalStage::SmartFactory;
                counts.new_smart_factories += new;
                ledger.book(
                    Programme::SmartFactorySubsidy,
                    settings.smart_factory_subsidy,
                );
            }
            _ => {}
        }
        if !caps.rd_institution && u_rd < settings.rd_chance {
            caps.rd_institution = true;
            counts.with_rd_institution += 1;
            counts.new_rd_institutions += new;
            ledger.book(Programme::RdGrants, settings.rd_grant);
        }
        let digital = caps.stage >= DigitalStage::Workshop;
        let green_chance = if digital {
            settings.green_chance
        } else {
            settings.green_chance / 4.0
        };
        if !caps.green && u_green < green_chance {
            caps.green = true;
            counts.new_green_units += new;
            ledger.book(Programme::GreenAwards, settings.green_award);
        }
        if (caps.stage, caps.rd_institution) != before {
            state.growth_bonus_per_day = settings.growth_bonus(&caps);
        }
    }
}
