//! Firm exit. Every firm carries an exit clock (`Survival`); each day it loses the firm's
//! exit hazard, which rises with its open problems, more so with open finance problems
//! (eased by the fee and arrears campaigns, FACTS B19), while its output is declining, and
//! while it is short of space (its output at what its land and floor space support, FACTS
//! B3). A firm whose clock runs out closes at the end of the day: it is marked `Exited`, its
//! open tickets are withdrawn and its land and floor space return to its park. The briefing gives no exit rates; docs/MODEL.md says why the
//! defaults are what they are.

use bevy_ecs::prelude::*;

use crate::model::{
    Capabilities, Category, Channel, Counters, Demography, DigitalStage, EntryExitSettings, Exited,
    FeeRelief, FirmId, FirmLand, FirmProfile, FirmState, InnovationCounts, LandBook, NO_PARK,
    Parks, Survival, TicketBook,
};

/// Today's exit hazard, firm by firm, and the clocks it runs down. The evening pass
/// (`super::evening_pass`) runs the clock of every firm whose space is final for the day;
/// `advance_deferred_exit_clocks` runs the others after the day's grants.
pub(super) struct ExitClocks<'a> {
    settings: &'a EntryExitSettings,
    /// Weight of an open finance problem's extra hazard: the fee and arrears campaigns
    /// relieve a share of it (FACTS B19).
    finance_weight: f64,
}

impl<'a> ExitClocks<'a> {
    pub fn new(settings: &'a EntryExitSettings, relief: &FeeRelief) -> ExitClocks<'a> {
        ExitClocks {
            settings,
            finance_weight: 1.0 - relief.finance,
        }
    }

    /// Runs the firm's clock down by today's hazard; true if it ran out (the firm closes
    /// tonight).
    #[inline]
    pub fn run(&self, profile: &FirmProfile, state: &FirmState, clock: &mut Survival) -> bool {
        let settings = self.settings;
        let t = profile.tier.index();
        let f = Category::Finance.index();
        let finance = u32::from(state.latent[f]) + u32::from(state.ticketed[f]);
        let mut hazard = settings.base[t]
            + settings.per_problem[t] * f64::from(state.open_problems())
            + settings.per_finance_problem[t] * self.finance_weight * f64::from(finance);
        if state.log_level < settings.decline_level {
            hazard += settings.declining[t];
        }
        if state.log_level >= state.space_log_cap {
            hazard += settings.short_of_space[t];
        }
        clock.hazard_left -= hazard;
        clock.hazard_left <= 0.0
    }
}

// Run down the exit clocks the evening pass left for after the grants (firms with a request
// for space waiting, whose space a grant may have changed), in any order: each clock is the
// firm's own and `close_exited_firms` sorts the closing firms by id.
pub fn advance_deferred_exit_clocks(
    settings: Res<EntryExitSettings>,
    relief: Res<FeeRelief>,
    mut demography: ResMut<Demography>,
    mut firms: Query<(&FirmId, &FirmProfile, &FirmState, &mut Survival), Without<Exited>>,
) {
    let clocks = ExitClocks::new(&settings, &relief);
    let Demography {
        exiting,
        deferred_clocks,
        ..
    } = demography.bypass_change_detection();
    for entity in deferred_clocks.drain(..) {
        let Ok((id, profile, state, mut clock)) = firms.get_mut(entity) else {
            continue;
        };
        if clocks.run(profile, state, clock.bypass_change_detection()) {
            exiting.push((id.0, entity));
        }
    }
}

/// Joins two chunks' lists (a list allocates only when a firm in its chunk closes).
pub(super) fn append<T>(mut a: Vec<T>, mut b: Vec<T>) -> Vec<T> {
    a.append(&mut b);
    a
}

// Close today's exiting firms, in firm-id order: withdraw their open tickets, return their
// space to their parks, take them out of the innovation counts and mark them `Exited`. Runs
// alone (exclusive), once a day.
pub fn close_exited_firms(world: &mut World) {
    let mut exiting = std::mem::take(&mut world.resource_mut::<Demography>().exiting);
    if exiting.is_empty() {
        world.resource_mut::<Demography>().exiting = exiting;
        return;
    }
    exiting.sort_unstable_by_key(|&(id, _)| id);
    let closing = |firm: FirmId| exiting.binary_search_by_key(&firm.0, |&(id, _)| id).is_ok();

    // Withdraw every open ticket of a closing firm, wherever it waits: collected = resolved +
    // open + withdrawn stays true.
    let withdrawn = world.resource_scope(|world, mut book: Mut<TicketBook>| {
        let TicketBook {
            tickets,
            awaiting_triage,
        } = &mut *book;
        // Withdrawn tickets of the campaign and of the hotline.
        let mut withdrawn = (0u64, 0u64);
        let mut withdraw = |id: u32| {
            let t = &mut tickets[id as usize];
            if closing(t.firm_id) {
                t.withdrawn = true;
                match t.channel {
                    Channel::Visit => withdrawn.0 += 1,
                    Channel::Hotline => withdrawn.1 += 1,
                }
                false
            } else {
                true
            }
        };
        awaiting_triage.retain(|&(_, id)| withdraw(id));
        let mut departments = world.resource_mut::<crate::model::Departments>();
        for d in &mut departments.list {
            d.urgent.retain(|&id| withdraw(id));
            d.queue.retain(|&id| withdraw(id));
            d.in_service.retain(|&(_, id)| withdraw(id));
        }
        withdrawn
    });
    let mut counters = world.resource_mut::<Counters>();
    counters.tickets_withdrawn += withdrawn.0;
    counters.hotline.withdrawn += withdrawn.1;

    // Land and floor space come back to the parks (available + held = total stays true), a
    // waiting request leaves its queue, and the firm's contracts end.
    world.resource_scope(|world, mut parks: Mut<Parks>| {
        for &(_, entity) in &exiting {
            let Some(mut land) = world.get_mut::<FirmLand>(entity) else {
                continue;
            };
            if land.park == NO_PARK {
                continue;
            }
            let (park, held, floor, pending) =
                (land.park, land.land_milli_mu, land.floor_m2, land.pending);
            *land = FirmLand::outside();
            let p = &mut parks.list[usize::from(park)];
            p.land_available += held;
            p.floor_occupied -= floor;
            if pending {
                p.queue.retain(|r| r.firm != entity);
            }
            let mut book = world.resource_mut::<LandBook>();
            book.vacated_milli_mu += held;
            for c in book.contracts.iter_mut().filter(|c| c.firm == entity) {
                c.active = false;
            }
        }
    });

    for &(_, entity) in &exiting {
        let (tier, caps) = {
            let e = world.entity(entity);
            let caps = e.get::<Capabilities>().cloned().unwrap_or_default();
            (e.get::<FirmProfile>().expect("a firm").tier, caps)
        };
        if tier.is_above_scale() {
            let mut counts = world.resource_mut::<InnovationCounts>();
            counts.above_scale_firms -= 1;
            counts.with_rd_institution -= u64::from(caps.rd_institution);
            counts.covered -= u64::from(caps.stage >= DigitalStage::Transforming);
        }
        let mut e = world.entity_mut(entity);
        let mut closed = 0;
        if let Some(mut state) = e.get_mut::<FirmState>() {
            // Its problems close with it; its tickets were withdrawn above.
            closed = state.open_problems();
            state.latent = Default::default();
            state.ticketed = Default::default();
        }
        e.insert(Exited);
        world.resource_mut::<Counters>().problems.closed_with_firms += u64::from(closed);
    }
    let mut demography = world.resource_mut::<Demography>();
    demography.exited += exiting.len() as u64;
    exiting.clear();
    demography.exiting = exiting;
}
