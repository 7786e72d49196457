//! Supply–demand matchmaking events (成都造 100-day campaign, FACTS A10): events are held at
//! the scheduled rate; each brings together a set number of firms, who sign intended orders;
//! a share of those orders converts to sales, whose value added is delivered over the
//! following months (`orders.rs`).

use bevy_ecs::prelude::*;

use crate::model::{
    Clock, Delivery, Demography, Exited, FirmIndex, Ledger, MarketSettings, MarketStatus,
    MatchmakingState, OrderBook, Programme, RunSeed,
};
use crate::rng::{Purpose, StreamRng};

/// An event is held once a whole one is due. Daily rates such as 88/100 are not exact in
/// binary, so their sum over the window falls a hair short of 88; the tolerance keeps the
/// last event from slipping out of the window.
const WHOLE: f64 = 1.0 - 1e-9;

// Hold the events due today. Attendees are drawn by firm id from the event's own stream,
// so who attends does not depend on the order in which entities are stored.
#[allow(clippy::too_many_arguments)]
pub fn hold_matchmaking_events(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<MarketSettings>,
    demography: Res<Demography>,
    index: Res<FirmIndex>,
    mut state: ResMut<MatchmakingState>,
    (mut orders, mut ledger): (ResMut<OrderBook>, ResMut<Ledger>),
    mut firms: Query<&mut MarketStatus, Without<Exited>>,
) {
    let state = &mut *state;
    state.due += settings.events_rate(clock.day);
    if state.due < WHOLE {
        return;
    }
    let ids = index.0.len();
    let want = u64::from(settings.firms_per_event).min(demography.live());
    // Lognormal with the given mean: exp(σz − σ²/2) has mean 1.
    let (sigma, shift) = (
        settings.orders_sigma,
        settings.orders_sigma * settings.orders_sigma / 2.0,
    );
    let value_added_share = settings.conversion_rate * settings.value_added_share_of_sales;
    let days = settings.delivery_days;
    while state.due >= WHOLE {
        state.due -= 1.0;
        let event = state.events;
        state.events += 1;
        ledger.book(Programme::Matchmaking, settings.cost_per_event);
        // Event ids are tagged on the firm as id + 1 (0: none) to refuse a second seat.
        let tag = event + 1;
        let mut rng = StreamRng::new(seed.0, Purpose::Matchmaking, event, clock.day);
        let (mut seated, mut tries) = (0u64, 0u64);
        // Closed firms are drawn and refused; the bound only matters in tiny populations.
        let max_tries = 20 * want + 100;
        while seated < want && tries < max_tries {
            tries += 1;
            let id = ((rng.uniform() * ids as f64) as usize).min(ids - 1);
            let entity = index.0[id];
            let Ok(mut status) = firms.get_mut(entity) else {
                continue;
            };
            if status.last_event == tag {
                continue;
            }
            status.last_event = tag;
            seated += 1;
            state.attendances += 1;
            if !status.matched {
                status.matched = true;
                state.firms_matched += 1;
            }
            let intended = settings.orders_mean * (sigma * rng.normal() - shift).exp();
            let intended = intended.round() as i64;
            state.intended_orders_yuan += intended;
            let value_added = intended as f64 * value_added_share;
            if value_added > 0.0 {
                orders.deliveries.push(Delivery {
                    firm: entity,
                    value_added_per_day: value_added / f64::from(days),
                    last_day: clock.day + days - 1,
                });
            }
        }
    }
}
