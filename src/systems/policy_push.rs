//! The policy-push platform 蓉易享 (FACTS A11) and benefits without application (免申即享 /
//! 易申快享, B20): each day the platform reaches its share of the year's firms, each at most
//! once a year; a reached firm takes the benefit up with a chance that is higher when no
//! application is needed; a benefit taken up is paid by the city and may settle one of the
//! firm's unreported cost (or finance) problems.

use bevy_ecs::prelude::*;

use crate::model::{
    Category, Clock, Counters, Demography, Exited, FirmIndex, FirmState, Ledger, MarketSettings,
    MarketStatus, PolicyPushState, Programme, RunSeed,
};
use crate::rng::{Purpose, StreamRng};

// Reach today's firms, drawn by firm id from the day's stream; firms already reached this
// year (and closed firms) are drawn again.
#[allow(clippy::too_many_arguments)]
pub fn push_policies(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<MarketSettings>,
    demography: Res<Demography>,
    index: Res<FirmIndex>,
    mut push: ResMut<PolicyPushState>,
    mut ledger: ResMut<Ledger>,
    mut counters: ResMut<Counters>,
    mut firms: Query<(&mut MarketStatus, &mut FirmState), Without<Exited>>,
) {
    let push = &mut *push;
    let year = clock.date.year();
    if push.year != year {
        // The platform's count is per calendar year (A11 compares 2024 with 2023).
        push.year = year;
        push.due = 0.0;
        push.reached = 0;
        push.taken_up = 0;
    }
    let days_in_year = if crate::date::days_in_month(year, 2) == 29 {
        366.0
    } else {
        365.0
    };
    push.due += settings.reach_in(year) / days_in_year;
    // No firm is reached twice a year, so no more are due than remain unreached.
    let unreached = demography.live().saturating_sub(push.reached);
    push.due = push.due.min(unreached as f64);
    // A hair of tolerance: yearly rates divided by days are not exact in binary.
    let want = (push.due + 1e-9) as u64;
    if want == 0 {
        return;
    }
    let tag = year.clamp(1, i32::from(u16::MAX)) as u16;
    let ids = index.0.len();
    let mut rng = StreamRng::new(seed.0, Purpose::PolicyPush, 0, clock.day);
    let (mut reached, mut tries) = (0u64, 0u64);
    let max_tries = 50 * want + 1_000;
    while reached < want && tries < max_tries {
        tries += 1;
        let id = ((rng.uniform() * ids as f64) as usize).min(ids - 1);
        let Ok((mut status, mut state)) = firms.get_mut(index.0[id]) else {
            continue;
        };
        if status.pushed_year == tag {
            continue;
        }
        status.pushed_year = tag;
        reached += 1;
        let mut own = StreamRng::new(seed.0, Purpose::PolicyTakeup, id as u64, clock.day);
        let (take, settle) = (own.uniform(), own.uniform());
        if take < settings.takeup {
            push.taken_up += 1;
            push.taken_up_total += 1;
            ledger.book(Programme::PolicyBenefits, settings.benefit);
            if settle < settings.settle_chance && settle_one(&mut state) {
                counters.problems.settled_by_benefits += 1;
            }
        }
    }
    push.due = (push.due - reached as f64).max(0.0);
    push.reached += reached;
    push.reached_total += reached;
}

/// The benefit eases one cost problem the firm has not reported, or else a finance problem.
/// Ticketed problems are left to their department, so the ticket pipeline stays whole.
/// Returns whether it settled one.
fn settle_one(state: &mut FirmState) -> bool {
    for c in [Category::Cost, Category::Finance] {
        let slot = &mut state.latent[c.index()];
        if *slot > 0 {
            *slot -= 1;
            return true;
        }
    }
    false
}
