//! Departments work on tickets: up to `capacity` at once, escalated ones first, each taking a
//! lognormal service time. A resolved ticket (办结) closes the firm's problem, except for a
//! share `levers.resolution.unsolved_share` that leave it open; a share of the campaign's
//! resolved tickets are booked for a re-visit (回访, FACTS A5).

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_distr::LogNormal;

use crate::model::{
    Campaign, Channel, Clock, Counters, Departments, Exited, FirmState, Ledger, Programme, RunSeed,
    ServiceLevers, StaffCosts, TicketBook,
};
use crate::rng::{Purpose, StreamRng};

// Fill free capacity from the queues, then resolve every ticket whose work ends today.
#[allow(clippy::too_many_arguments)]
pub fn serve_tickets(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    levers: Res<ServiceLevers>,
    mut book: ResMut<TicketBook>,
    mut departments: ResMut<Departments>,
    mut campaign: ResMut<Campaign>,
    mut counters: ResMut<Counters>,
    (costs, mut ledger): (Res<StaffCosts>, ResMut<Ledger>),
    mut firms: Query<&mut FirmState, Without<Exited>>,
) {
    let today = clock.day;
    let now = f64::from(today);
    if today >= campaign.start_day {
        // Campaign staffing: every slot costs a day's work whether or not it is busy, so
        // extra capacity is paid for even when it idles.
        let slots: u32 = departments.list.iter().map(|d| d.capacity).sum();
        ledger.book(
            Programme::Departments,
            f64::from(slots) * costs.department_slot_day,
        );
    }
    for dept in &mut departments.list {
        let service = LogNormal::new(dept.service_mu, dept.service_sigma)
            .expect("validated: finite parameters");
        while dept.in_service.len() < dept.capacity as usize {
            let Some(id) = dept.urgent.pop_front().or_else(|| dept.queue.pop_front()) else {
                break;
            };
            let mut days: f64 =
                StreamRng::new(seed.0, Purpose::Service, u64::from(id), 0).sample(service);
            if book.tickets[id as usize].escalated {
                days /= levers.escalation_speedup;
            }
            dept.in_service.push((now + days, id));
        }
        // Work that ends before the end of today resolves today.
        let end_of_day = now + 1.0;
        let mut i = 0;
        while i < dept.in_service.len() {
            if dept.in_service[i].0 > end_of_day {
                i += 1;
                continue;
            }
            let (_, id) = dept.in_service.swap_remove(i);
            let ticket = &mut book.tickets[id as usize];
            ticket.resolved_day = Some(today);
            let days = u64::from(today - ticket.collected_day);
            match ticket.channel {
                Channel::Visit => {
                    counters.tickets_resolved += 1;
                    counters.days_to_resolve_sum += days;
                }
                Channel::Hotline => {
                    counters.hotline.resolved += 1;
                    counters.hotline.days_to_resolve_sum += days;
                }
            }
            if let Ok(mut state) = firms.get_mut(ticket.firm) {
                let c = ticket.category.index();
                state.ticketed[c] = state.ticketed[c].saturating_sub(1);
                // 办结 is not always 解决: a share of closed tickets leave the problem where
                // it was, open and unreported again (a latent problem at 255 is full; the
                // problem then counts as solved, which keeps the tally exact).
                let unsolved = StreamRng::new(seed.0, Purpose::Resolution, u64::from(id), 0)
                    .uniform()
                    < levers.unsolved_share;
                if unsolved && let Some(n) = state.latent[c].checked_add(1) {
                    state.latent[c] = n;
                    ticket.unsolved = true;
                    counters.tickets_unsolved += 1;
                }
            }
            // Only the campaign's tickets are re-visited by its teams (A5).
            if ticket.channel == Channel::Visit
                && StreamRng::new(seed.0, Purpose::Revisit, u64::from(id), 0).uniform()
                    < levers.revisit_share
            {
                campaign.revisits_due[ticket.tier.index()]
                    .insert((today + levers.revisit_delay_days, id));
            }
        }
    }
}
