//! The evening pass: one walk over the firm table in which every firm in a park may ask for
//! more space (`super::land::SpaceRequests`) and every firm's exit clock runs down by
//! today's hazard (`super::exits::ExitClocks`).
//!
//! Why one walk for two behaviours: at a million firms the table no longer fits in the
//! cache, and each walk streams every firm's profile and state from memory again. The
//! two were separate walks with only `grant_land` between them; walking once saves one of
//! the day's full walks (docs/PERFORMANCE.md has the figures).
//!
//! Why the run is the same as requests, then grants, then clocks: `grant_land` changes the
//! space of the firms it grants and nothing else the clocks read, and it grants only firms
//! with a request waiting (`FirmLand::pending`, set here for today's requests too). So the
//! clocks of those firms are left for `advance_deferred_exit_clocks`, after the grants;
//! every other firm's space is final for the day when its clock runs here.

use bevy_ecs::prelude::*;

use super::chunks::{Stepping, collect_tables, for_tables};
use super::exits::{ExitClocks, append};
use super::land::{Requests, SpaceRequests, queue_requests};
use crate::model::{
    Clock, Demography, EntryExitSettings, Exited, FeeRelief, FirmId, FirmLand, FirmProfile,
    FirmState, LandBook, LandPolicy, LandSettings, Parks, RunSeed, Survival,
};

#[allow(clippy::too_many_arguments)]
pub fn request_land_and_run_exit_clocks(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    (land_settings, policy): (Res<LandSettings>, Res<LandPolicy>),
    (exit_settings, relief): (Res<EntryExitSettings>, Res<FeeRelief>),
    stepping: Res<Stepping>,
    mut parks: ResMut<Parks>,
    mut book: ResMut<LandBook>,
    mut demography: ResMut<Demography>,
    mut firms: Query<EveningFirm, Without<Exited>>,
) {
    let buffer = std::mem::take(&mut parks.incoming);
    let requests = SpaceRequests {
        today: clock.day,
        seed: seed.0,
        parks: &parks.list,
        settings: &land_settings,
        policy: &policy,
    };
    let clocks = ExitClocks::new(&exit_settings, &relief);
    let work = |(entities, ids, profiles, states, lands, survival): EveningSlices<'_>| {
        let mut evening = Evening::default();
        let firms = entities
            .iter()
            .zip(ids)
            .zip(profiles)
            .zip(states)
            .zip(lands)
            .zip(survival);
        // Entities and ids are read only by the few firms that ask for space or close: kept
        // as references so that the walk does not stream their columns for every firm.
        for (((((entity, id), profile), state), land), clock) in firms {
            requests.visit(entity, id, profile, state, land, &mut evening.requests);
            if land.pending {
                evening.deferred_clocks.push(*entity);
            } else if clocks.run(profile, state, clock) {
                evening.exiting.push((id.0, *entity));
            }
        }
        evening
    };
    let mut tables = collect_tables(firms.contiguous_iter_mut());
    let slices = tables
        .iter_mut()
        .map(|(entities, ids, profiles, states, lands, survival)| {
            (
                *entities,
                *ids,
                *profiles,
                *states,
                lands.bypass_change_detection(),
                survival.bypass_change_detection(),
            )
        });
    let found = for_tables(*stepping, slices, &work, &Evening::add);
    let day = Evening {
        requests: Requests::reusing(buffer),
        ..Evening::default()
    }
    .add(found);
    let Evening {
        requests,
        mut exiting,
        mut deferred_clocks,
    } = day;
    queue_requests(&mut parks, &mut book, requests);
    let demography = demography.bypass_change_detection();
    demography.exiting.append(&mut exiting);
    demography.deferred_clocks.append(&mut deferred_clocks);
}

type EveningFirm = (
    Entity,
    &'static FirmId,
    &'static FirmProfile,
    &'static FirmState,
    &'static mut FirmLand,
    &'static mut Survival,
);

type EveningSlices<'a> = (
    &'a [Entity],
    &'a [FirmId],
    &'a [FirmProfile],
    &'a [FirmState],
    &'a mut [FirmLand],
    &'a mut [Survival],
);

/// What a group of firms did this evening: requests for space, firms whose clock ran out,
/// and firms whose clock waits for the grants. Lists are merged in any order: requests are
/// sorted by firm id when queued, closing firms when they close, and each deferred clock is
/// the firm's own.
#[derive(Default)]
struct Evening {
    requests: Requests,
    exiting: Vec<(u32, Entity)>,
    deferred_clocks: Vec<Entity>,
}

impl Evening {
    fn add(self, o: Evening) -> Evening {
        Evening {
            requests: self.requests.add(o.requests),
            exiting: append(self.exiting, o.exiting),
            deferred_clocks: append(self.deferred_clocks, o.deferred_clocks),
        }
    }
}
