//! Delivery of converted matchmaking orders (FACTS A10): each order's value added accrues to
//! its firm evenly over the delivery period, on top of the firm's own production. An order of
//! a firm that closes is lost.

use bevy_ecs::prelude::*;

use super::production::whole_yuan;
use crate::model::{Clock, DayTotals, Exited, FirmProfile, FirmState, OrderBook};

// Add today's value added from orders to the day's totals and to each firm's own value added
// this year (it counts towards the firm's size and, while the firm is above scale, towards
// above-scale value added); drop finished or orphaned orders.
pub fn deliver_orders(
    clock: Res<Clock>,
    mut book: ResMut<OrderBook>,
    mut totals: ResMut<DayTotals>,
    mut live: Query<(&FirmProfile, &mut FirmState), Without<Exited>>,
) {
    if book.deliveries.is_empty() {
        return;
    }
    let today = clock.day;
    let (mut above_scale, mut all) = (0i64, 0i64);
    book.deliveries.retain(|d| {
        let Ok((profile, mut state)) = live.get_mut(d.firm) else {
            return false;
        };
        let yuan = whole_yuan(d.value_added_per_day);
        all += yuan;
        state.value_added_ytd += yuan;
        if profile.tier.is_above_scale() {
            above_scale += yuan;
        }
        d.last_day > today
    });
    totals.value_added_above_scale += above_scale;
    book.value_added_yuan += all;
}
