//! Triage (FACTS A7): a collected ticket is assessed and handed to the department that owns
//! its category, the same day under 不过夜 or after the triage delay.

use bevy_ecs::prelude::*;

use crate::model::{Clock, Departments, TicketBook};

// Hand every ticket whose triage is done by today to its department's queue, in ticket order.
pub fn triage_tickets(
    clock: Res<Clock>,
    mut book: ResMut<TicketBook>,
    mut departments: ResMut<Departments>,
) {
    let book = &mut *book;
    while let Some(&(ready, id)) = book.awaiting_triage.first() {
        if ready > clock.day {
            break;
        }
        book.awaiting_triage.pop_first();
        let ticket = &book.tickets[id as usize];
        let dept = departments.owner[ticket.category.index()];
        departments.list[dept].queue.push_back(id);
    }
}
