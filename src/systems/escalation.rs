//! Escalation (吹哨报到, FACTS A15): a ticket still open a set number of days after it was
//! collected is escalated; the lead department calls in supporting departments, so it jumps
//! the queue and is served faster.

use bevy_ecs::prelude::*;

use crate::model::{Clock, Counters, Departments, ServiceLevers, TicketBook};

// Mark overdue tickets escalated; queued ones move to the urgent queue, ones in service
// have their remaining time divided by the speed-up.
pub fn escalate_tickets(
    clock: Res<Clock>,
    levers: Res<ServiceLevers>,
    mut book: ResMut<TicketBook>,
    mut departments: ResMut<Departments>,
    mut counters: ResMut<Counters>,
) {
    let today = clock.day;
    let overdue = |collected: u32| today.saturating_sub(collected) >= levers.escalate_after_days;
    for dept in &mut departments.list {
        // Scan the whole queue: with a changed triage delay it need not be in collection order.
        let mut i = 0;
        while i < dept.queue.len() {
            let id = dept.queue[i];
            let ticket = &mut book.tickets[id as usize];
            if overdue(ticket.collected_day) {
                ticket.escalated = true;
                counters.tickets_escalated += 1;
                dept.queue.remove(i);
                dept.urgent.push_back(id);
            } else {
                i += 1;
            }
        }
        for (finish, id) in &mut dept.in_service {
            let ticket = &mut book.tickets[*id as usize];
            if !ticket.escalated && overdue(ticket.collected_day) {
                ticket.escalated = true;
                counters.tickets_escalated += 1;
                let now = f64::from(today);
                *finish = now + (*finish - now).max(0.0) / levers.escalation_speedup;
            }
        }
    }
}
