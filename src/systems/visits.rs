//! The campaign's visits (FACTS A1, A5, A8, A9): each tier's team first makes the re-visits
//! that are due, then works down its visit list. A visit turns every open problem the firm
//! has into a ticket; a visit that finds nothing costs the firm part of a day (无事不扰).

use bevy_ecs::prelude::*;

use crate::model::{
    CATEGORIES, Campaign, Category, Channel, Clock, Counters, Exited, FirmId, FirmState, Ledger,
    Programme, RunSeed, ServiceLevers, StaffCosts, Ticket, TicketBook, Tier,
};
use crate::rng::{Purpose, StreamRng};

// Re-visits due, then first visits, up to each tier's daily capacity.
#[allow(clippy::too_many_arguments)]
pub fn visit_firms(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    levers: Res<ServiceLevers>,
    mut campaign: ResMut<Campaign>,
    mut book: ResMut<TicketBook>,
    mut counters: ResMut<Counters>,
    costs: Res<StaffCosts>,
    mut ledger: ResMut<Ledger>,
    mut firms: Query<&mut FirmState, Without<Exited>>,
) {
    if clock.day < campaign.start_day {
        return;
    }
    let campaign = &mut *campaign;
    let mut visit = Visit {
        day: clock.day,
        triage_delay: levers.triage_delay_days,
        book: &mut book,
        counters: &mut counters,
        ledger: &mut ledger,
        visit_cost: costs.visit,
    };
    for tier in Tier::ALL {
        let t = tier.index();
        let mut capacity = campaign.visits_per_day[t];
        while capacity > 0 {
            let Some(&(due, ticket)) = campaign.revisits_due[t].first() else {
                break;
            };
            if due > clock.day {
                break;
            }
            campaign.revisits_due[t].pop_first();
            let (entity, firm) = {
                let tk = &visit.book.tickets[ticket as usize];
                (tk.firm, tk.firm_id)
            };
            // A firm that has closed is not re-visited; the visit goes to the next one.
            let Ok(mut state) = firms.get_mut(entity) else {
                continue;
            };
            capacity -= 1;
            if satisfied(
                &visit.book.tickets[ticket as usize],
                &levers,
                seed.0,
                ticket,
            ) {
                visit.counters.revisits_satisfied += 1;
            }
            visit.counters.tickets_revisited += 1;
            visit.firm(&mut state, entity, firm, tier);
        }
        while capacity > 0 && campaign.next[t] < campaign.lists[t].len() {
            let (entity, firm) = campaign.lists[t][campaign.next[t]];
            campaign.next[t] += 1;
            // Firms that closed since the lists were drawn are skipped.
            let Ok(mut state) = firms.get_mut(entity) else {
                continue;
            };
            capacity -= 1;
            visit.firm(&mut state, entity, firm, tier);
        }
    }
}

struct Visit<'a> {
    day: u32,
    triage_delay: u32,
    book: &'a mut TicketBook,
    counters: &'a mut Counters,
    ledger: &'a mut Ledger,
    visit_cost: f64,
}

impl Visit<'_> {
    /// One visit: every latent problem becomes a ticket awaiting triage.
    fn firm(&mut self, state: &mut FirmState, entity: Entity, firm_id: FirmId, tier: Tier) {
        self.counters.visits += 1;
        self.ledger.book(Programme::Visits, self.visit_cost);
        if !state.visited {
            state.visited = true;
            self.counters.firms_visited += 1;
        }
        let mut found = 0;
        for c in 0..CATEGORIES {
            let n = state.latent[c];
            for _ in 0..n {
                let id = self.book.tickets.len() as u32;
                self.book.tickets.push(Ticket {
                    firm: entity,
                    firm_id,
                    tier,
                    category: Category::ALL[c],
                    collected_day: self.day,
                    resolved_day: None,
                    escalated: false,
                    withdrawn: false,
                    channel: Channel::Visit,
                    unsolved: false,
                });
                self.book
                    .awaiting_triage
                    .insert((self.day + self.triage_delay, id));
            }
            state.ticketed[c] = state.ticketed[c].saturating_add(n);
            state.latent[c] = 0;
            found += u64::from(n);
        }
        self.counters.tickets_collected += found;
        if found == 0 {
            self.counters.no_problem_visits += 1;
            state.disturbed_today = true;
        }
    }
}

/// Whether the firm says it is satisfied at the re-visit: surely so if its ticket took no
/// longer than its patience, with a chance halving every half-life of delay beyond it; and,
/// if the ticket left its problem unsolved, only with the chance `satisfied_if_unsolved`
/// besides.
fn satisfied(ticket: &Ticket, levers: &ServiceLevers, seed: u64, id: u32) -> bool {
    let Some(resolved) = ticket.resolved_day else {
        return false;
    };
    let days = f64::from(resolved - ticket.collected_day);
    let excess = (days - levers.patience_days).max(0.0);
    let mut chance = 0.5f64.powf(excess / levers.satisfaction_half_life_days);
    if ticket.unsolved {
        chance *= levers.satisfied_if_unsolved;
    }
    StreamRng::new(seed, Purpose::Revisit, u64::from(id), 1).uniform() < chance
}
