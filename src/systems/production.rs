//! Production: each firm's value added follows its trend (none while its output is at what
//! its space supports), less a drag for every open problem, plus a daily shock; routine
//! investment follows value added, and waits while a land or finance problem is open. A
//! financed firm also invests the money it received from the city's funds, grants and loans.
//! Investment projects are not here: they are few, and `super::projects` adds their outlays.

use bevy_ecs::prelude::*;

use super::chunks::{Stepping, collect_tables, for_tables};
use crate::math;
use crate::model::{
    Category, Clock, Counters, DayTotals, Exited, FeeRelief, FirmId, FirmProfile, FirmState,
    ProductionSettings, RunSeed,
};
use crate::rng::{Purpose, StreamRng, day_prefix, stream_prefix};

// Advance every firm's output by one day and add it to the day's integer totals (integer
// sums do not depend on how chunks group the firms, `super::chunks`).
#[allow(clippy::too_many_arguments)]
pub fn produce(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<ProductionSettings>,
    relief: Res<FeeRelief>,
    stepping: Res<Stepping>,
    mut totals: ResMut<DayTotals>,
    mut counters: ResMut<Counters>,
    mut firms: Query<(&FirmId, &FirmProfile, &mut FirmState), Without<Exited>>,
) {
    let prefix = day_prefix(stream_prefix(seed.0, Purpose::Production), clock.day);
    let (settings, relief) = (&*settings, &*relief);
    let work = |(ids, profiles, states): (&[FirmId], &[FirmProfile], &mut [FirmState])| {
        let mut day = Production::default();
        let blocks = ids
            .chunks(BLOCK)
            .zip(profiles.chunks(BLOCK))
            .zip(states.chunks_mut(BLOCK));
        for ((ids, profiles), states) in blocks {
            // Phase by phase over the block: each phase's firms are independent, so their
            // long chains (stream hash → normal draw; exp) overlap in the CPU.
            let mut shocks = [0.0; BLOCK];
            for (z, id) in shocks.iter_mut().zip(ids) {
                *z = StreamRng::from_day_prefix(prefix, u64::from(id.0)).normal();
            }
            let mut open = [0u32; BLOCK];
            for (((open, state), profile), &z) in open
                .iter_mut()
                .zip(states.iter_mut())
                .zip(profiles)
                .zip(&shocks)
            {
                *open = advance_log_level(state, profile, settings, relief, z);
            }
            let mut growth = [0.0; BLOCK];
            for (growth, state) in growth.iter_mut().zip(states.iter()) {
                *growth = math::exp(state.log_level);
            }
            for (((profile, state), &open), &growth) in
                profiles.iter().zip(states).zip(&open).zip(&growth)
            {
                let out = day_output(state, profile, settings, open, growth);
                state.value_added_ytd += out.value_added;
                day.totals.firms += 1;
                day.totals.open_problems += u64::from(out.open_problems);
                if profile.tier.is_above_scale() {
                    day.totals.value_added_above_scale += out.value_added;
                }
                day.totals.investment += out.investment;
                day.disturbance += out.disturbance;
            }
        }
        day
    };
    let mut tables = collect_tables(firms.contiguous_iter_mut());
    let slices = tables
        .iter_mut()
        .map(|(ids, profiles, states)| (*ids, *profiles, states.bypass_change_detection()));
    let day = for_tables(*stepping, slices, &work, &Production::add);
    *totals = day.totals;
    counters.disturbance_cost_yuan += day.disturbance;
}

/// A group of firms' output for one day.
#[derive(Default)]
struct Production {
    totals: DayTotals,
    disturbance: i64,
}

impl Production {
    fn add(self, other: Production) -> Production {
        let (a, b) = (self.totals, other.totals);
        Production {
            totals: DayTotals {
                value_added_above_scale: a.value_added_above_scale + b.value_added_above_scale,
                investment: a.investment + b.investment,
                open_problems: a.open_problems + b.open_problems,
                firms: a.firms + b.firms,
            },
            disturbance: self.disturbance + other.disturbance,
        }
    }
}

/// One firm's output for one day, in whole yuan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DayOutput {
    pub value_added: i64,
    pub investment: i64,
    /// Output lost to a visit with nothing to report.
    pub disturbance: i64,
    pub open_problems: u32,
}

/// Firms per block in `produce`'s loop. Stepped one after another, firms left the CPU
/// waiting on each one's hash → normal draw → exp chain; in blocks of eight each phase has
/// eight independent chains to overlap.
const BLOCK: usize = 8;

/// Advances one firm by one day given its standard-normal shock `z`. Open finance and cost
/// problems drag less by the shares the fee and arrears campaigns relieve (FACTS B19).
/// `produce` runs its two halves block by block; the tests step one firm with it.
#[cfg(test)]
fn step_production(
    state: &mut FirmState,
    profile: &FirmProfile,
    settings: &ProductionSettings,
    relief: &FeeRelief,
    z: f64,
) -> DayOutput {
    let open = advance_log_level(state, profile, settings, relief, z);
    let growth = math::exp(state.log_level);
    day_output(state, profile, settings, open, growth)
}

/// The first half of `step_production`: the firm's log output moves by its trend, the drag
/// of its open problems and the shock. Returns its open problems.
#[inline]
fn advance_log_level(
    state: &mut FirmState,
    profile: &FirmProfile,
    settings: &ProductionSettings,
    relief: &FeeRelief,
    z: f64,
) -> u32 {
    let open = state.open_problems();
    let (f, c) = (Category::Finance.index(), Category::Cost.index());
    let count = |i: usize| f64::from(u16::from(state.latent[i]) + u16::from(state.ticketed[i]));
    let relieved = relief.finance * count(f) + relief.cost * count(c);
    let sd = f64::from(profile.shock_sd_per_day);
    // A firm whose output has reached what its land and floor space support cannot expand
    // (FACTS B3, B4): it loses the trend, keeps the drag and the shock, until it gets space.
    // −sd²/2 keeps the mean level, not just the median, growing at the trend.
    let trend = if state.log_level < state.space_log_cap {
        settings.drift_per_day + state.growth_bonus_per_day - 0.5 * sd * sd
    } else {
        0.0
    };
    state.log_level +=
        trend - settings.drag_per_problem_day * (f64::from(open) - relieved) + sd * z;
    open
}

/// The second half of `step_production`: value added, the cost of a visit with nothing to
/// report, and investment, given `growth` = exp(log level) (computed by the caller so that
/// `produce` can batch it).
#[inline]
fn day_output(
    state: &mut FirmState,
    profile: &FirmProfile,
    settings: &ProductionSettings,
    open: u32,
    growth: f64,
) -> DayOutput {
    let potential = profile.base_value_added * growth;
    let lost = if state.disturbed_today {
        state.disturbed_today = false;
        potential * settings.no_problem_visit_cost
    } else {
        0.0
    };
    let value_added = potential - lost;
    let held_back = if state.investment_blocked() {
        settings.investment_blocked_share
    } else {
        0.0
    };
    let investment = value_added * settings.investment_share * (1.0 - held_back);
    DayOutput {
        value_added: whole_yuan(value_added),
        investment: whole_yuan(investment) + spend_financing(state, settings.finance_spend_days),
        disturbance: whole_yuan(lost),
        open_problems: open,
    }
}

/// Invests a share 1/`spend_days` of the firm's unspent financing (rounded up, so the last
/// yuan is spent too): on average, money is invested `spend_days` after it arrives.
#[inline]
fn spend_financing(state: &mut FirmState, spend_days: i64) -> i64 {
    if state.finance_to_invest == 0 {
        return 0;
    }
    let spend = (state.finance_to_invest + spend_days - 1) / spend_days;
    state.finance_to_invest -= spend;
    spend
}

/// Rounds a non-negative amount to whole yuan. `f64::round` is a libm call on baseline
/// x86-64 and cost a tenth of the whole run; adding ½ and truncating is one instruction.
#[inline]
pub(crate) fn whole_yuan(yuan: f64) -> i64 {
    (yuan + 0.5) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Tier;

    fn settings() -> ProductionSettings {
        ProductionSettings {
            drift_per_day: 0.05 / 365.0,
            drag_per_problem_day: 0.03 / 365.0,
            investment_share: 0.3,
            investment_blocked_share: 0.5,
            no_problem_visit_cost: 0.25,
            finance_spend_days: 100,
        }
    }

    fn profile() -> FirmProfile {
        FirmProfile {
            tier: Tier::Key,
            chain: 0,
            ownership: 0,
            district: 0,
            base_value_added: 1_000_000.0,
            shock_sd_per_day: 0.0,
        }
    }

    #[test]
    fn open_problems_slow_growth() {
        let (s, p, none) = (settings(), profile(), FeeRelief::default());
        let mut clean = FirmState::default();
        let mut troubled = FirmState {
            latent: [2, 0, 0, 0, 0, 0, 0],
            ..Default::default()
        };
        for _ in 0..365 {
            step_production(&mut clean, &p, &s, &none, 0.0);
            step_production(&mut troubled, &p, &s, &none, 0.0);
        }
        assert!((clean.log_level - 0.05).abs() < 1e-9);
        assert!((troubled.log_level - (0.05 - 2.0 * 0.03)).abs() < 1e-9);
    }

    #[test]
    fn a_visit_with_nothing_to_report_costs_output_once() {
        let (s, p, none) = (settings(), profile(), FeeRelief::default());
        let mut state = FirmState {
            disturbed_today: true,
            ..Default::default()
        };
        let first = step_production(&mut state, &p, &s, &none, 0.0);
        let second = step_production(&mut state, &p, &s, &none, 0.0);
        assert!(first.disturbance > 200_000 && first.disturbance < 260_000);
        assert_eq!(second.disturbance, 0);
        assert!(first.value_added < second.value_added);
    }

    #[test]
    fn financing_is_invested_over_time_and_in_full() {
        let (s, p, none) = (settings(), profile(), FeeRelief::default());
        let mut plain = FirmState::default();
        let mut financed = FirmState {
            finance_to_invest: 1_000_000,
            ..Default::default()
        };
        let (mut extra, mut first) = (0, 0);
        for day in 0..5_000 {
            let a = step_production(&mut plain, &p, &s, &none, 0.0);
            let b = step_production(&mut financed, &p, &s, &none, 0.0);
            if day == 0 {
                first = b.investment - a.investment;
            }
            extra += b.investment - a.investment;
        }
        assert_eq!(first, 10_000, "1/100 of the money on the first day");
        assert_eq!(extra, 1_000_000, "every yuan is invested");
        assert_eq!(financed.finance_to_invest, 0);
    }

    #[test]
    fn land_and_finance_problems_hold_investment_back() {
        let (s, p, none) = (settings(), profile(), FeeRelief::default());
        let mut free = FirmState::default();
        let mut blocked = FirmState {
            ticketed: [0, 0, 0, 0, 0, 1, 0],
            ..Default::default()
        };
        blocked.log_level = 0.0;
        let a = step_production(&mut free, &p, &s, &none, 0.0);
        let mut s2 = s.clone();
        s2.drag_per_problem_day = 0.0;
        let b = step_production(&mut blocked, &p, &s2, &none, 0.0);
        assert_eq!(b.investment * 2, a.investment.max(b.investment * 2));
        assert!(b.investment < a.investment);
    }

    #[test]
    fn a_firm_at_its_space_capacity_loses_the_trend_only() {
        let (s, p, none) = (settings(), profile(), FeeRelief::default());
        let mut free = FirmState::default();
        let mut capped = FirmState {
            // Output already well above what its space supports.
            space_log_cap: -1.0,
            latent: [1, 0, 0, 0, 0, 0, 0],
            ..Default::default()
        };
        for _ in 0..365 {
            step_production(&mut free, &p, &s, &none, 0.0);
            step_production(&mut capped, &p, &s, &none, 0.0);
        }
        assert!((free.log_level - 0.05).abs() < 1e-9);
        // Above the cap all year: no trend, but the drag of its open problem still applies.
        assert!(
            (capped.log_level + 0.03).abs() < 1e-9,
            "{}",
            capped.log_level
        );
    }
}
