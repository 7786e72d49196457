//! Innovation and transformation (FACTS B11–B13): above-scale firms get diagnosed under
//! 智改数转, build digital workshops and then smart factories, set up R&D institutions and are
//! recognised as green units. Subsidies and grants raise the chances and are booked as
//! outlays; each step raises the firm's growth.

use bevy_ecs::prelude::*;

use super::chunks::{Stepping, collect_tables, for_tables};
use crate::model::{
    AboveScale, Capabilities, Clock, DigitalStage, Exited, FirmId, FirmState, InnovationCounts,
    InnovationSettings, Ledger, Programme, RunSeed,
};
use crate::rng::{Purpose, StreamRng, day_prefix, stream_prefix};

// Each above-scale firm (the `AboveScale` table: the loop never sees a small firm) may take
// one step on each track per day (digital stage, R&D
// institution, green recognition); steps are counted per chunk of firms (`super::chunks`)
// and booked once a day: the ledger books whole yuan, so k bookings of one amount are one
// booking of k times its rounded amount.
pub fn transform_firms(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<InnovationSettings>,
    stepping: Res<Stepping>,
    mut ledger: ResMut<Ledger>,
    mut counts: ResMut<InnovationCounts>,
    mut firms: Query<InnovatingFirm, (With<AboveScale>, Without<Exited>)>,
) {
    let prefix = day_prefix(stream_prefix(seed.0, Purpose::Innovation), clock.day);
    let settings = &*settings;
    let work = |(ids, caps, states): Slices<'_>| {
        let mut steps = Steps::default();
        for ((id, caps), state) in ids.iter().zip(caps).zip(states) {
            let rng = StreamRng::from_day_prefix(prefix, u64::from(id.0));
            step_innovation(caps, state, settings, rng, &mut steps);
        }
        steps
    };
    let mut tables = collect_tables(firms.contiguous_iter_mut());
    let slices = tables.iter_mut().map(|(ids, caps, states)| {
        (
            *ids,
            caps.bypass_change_detection(),
            states.bypass_change_detection(),
        )
    });
    let steps = for_tables(*stepping, slices, &work, &Steps::add);
    let new = u64::from(clock.day >= settings.count_from_day);
    counts.covered += steps.diagnoses;
    counts.new_workshops += new * steps.workshops;
    counts.new_smart_factories += new * steps.smart_factories;
    counts.with_rd_institution += steps.rd_institutions;
    counts.new_rd_institutions += new * steps.rd_institutions;
    counts.new_green_units += new * steps.green_units;
    let mut book = |programme, amount: f64, times: u64| {
        if times > 0 {
            ledger.book(programme, amount.round() * times as f64);
        }
    };
    book(
        Programme::Diagnosis,
        settings.diagnosis_cost,
        steps.diagnoses,
    );
    book(
        Programme::WorkshopSubsidy,
        settings.workshop_subsidy,
        steps.workshops,
    );
    book(
        Programme::SmartFactorySubsidy,
        settings.smart_factory_subsidy,
        steps.smart_factories,
    );
    book(
        Programme::RdGrants,
        settings.rd_grant,
        steps.rd_institutions,
    );
    book(
        Programme::GreenAwards,
        settings.green_award,
        steps.green_units,
    );
}

type InnovatingFirm = (
    &'static FirmId,
    &'static mut Capabilities,
    &'static mut FirmState,
);

type Slices<'a> = (&'a [FirmId], &'a mut [Capabilities], &'a mut [FirmState]);

/// Steps taken by a group of firms on one day.
#[derive(Default)]
struct Steps {
    diagnoses: u64,
    workshops: u64,
    smart_factories: u64,
    rd_institutions: u64,
    green_units: u64,
}

impl Steps {
    fn add(self, o: Steps) -> Steps {
        Steps {
            diagnoses: self.diagnoses + o.diagnoses,
            workshops: self.workshops + o.workshops,
            smart_factories: self.smart_factories + o.smart_factories,
            rd_institutions: self.rd_institutions + o.rd_institutions,
            green_units: self.green_units + o.green_units,
        }
    }
}

/// One above-scale firm's day: at most one step on each track. Draw 0 of the firm's stream
/// is for the digital stage, draw 1 for the R&D institution and draw 2 for green
/// recognition. All three are drawn and compared for every firm, without a branch on its
/// stage or tracks (those differ from firm to firm and were mispredicted); only the rare
/// step itself branches.
#[inline]
fn step_innovation(
    caps: &mut Capabilities,
    state: &mut FirmState,
    settings: &InnovationSettings,
    rng: StreamRng,
    steps: &mut Steps,
) {
    let before = (caps.stage, caps.rd_institution);
    let u = [rng.uniform_nth(0), rng.uniform_nth(1), rng.uniform_nth(2)];
    // A smart factory is the last stage: its chance is 0 and a uniform is never below it.
    let stage_chance = [
        settings.diagnosis_chance,
        settings.workshop_chance,
        settings.smart_factory_chance,
        0.0,
    ][caps.stage as usize];
    if u[0] < stage_chance {
        match caps.stage {
            DigitalStage::None => {
                caps.stage = DigitalStage::Transforming;
                steps.diagnoses += 1;
            }
            DigitalStage::Transforming => {
                caps.stage = DigitalStage::Workshop;
                steps.workshops += 1;
            }
            DigitalStage::Workshop => {
                caps.stage = DigitalStage::SmartFactory;
                steps.smart_factories += 1;
            }
            DigitalStage::SmartFactory => {}
        }
    }
    if !caps.rd_institution & (u[1] < settings.rd_chance) {
        caps.rd_institution = true;
        steps.rd_institutions += 1;
    }
    let digital = caps.stage >= DigitalStage::Workshop;
    let green_chance = if digital {
        settings.green_chance
    } else {
        settings.green_chance / 4.0
    };
    if !caps.green & (u[2] < green_chance) {
        caps.green = true;
        steps.green_units += 1;
    }
    if (caps.stage, caps.rd_institution) != before {
        state.growth_bonus_per_day = settings.growth_bonus(caps);
    }
}
