//! Problems arise at random and firms solve some of the unreported ones on their own.

use bevy_ecs::prelude::*;

use super::chunks::{Stepping, collect_tables, for_tables};
use crate::model::{
    CATEGORIES, Clock, Counters, Exited, FirmId, FirmProfile, FirmState, ProblemSettings, RunSeed,
};
use crate::rng::{Purpose, StreamRng, day_prefix, stream_prefix};

// Each firm: maybe one new latent problem (category by share), then maybe one latent problem
// solved by the firm itself (each open latent problem has the same daily chance). Iterates
// table slices without change ticks, in chunks on rayon's pool for large cities
// (`super::chunks`); each firm's draws come from its own stream, so chunks are independent,
// and the day's arrivals and self-solved problems are integer sums.
pub fn arise_problems(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<ProblemSettings>,
    stepping: Res<Stepping>,
    mut counters: ResMut<Counters>,
    mut firms: Query<(&FirmId, &FirmProfile, &mut FirmState), Without<Exited>>,
) {
    let prefix = day_prefix(stream_prefix(seed.0, Purpose::Problems), clock.day);
    let settings = &*settings;
    let work = |(ids, profiles, states): (&[FirmId], &[FirmProfile], &mut [FirmState])| {
        let (mut arisen, mut solved) = (0u64, 0u64);
        for ((id, profile), state) in ids.iter().zip(profiles).zip(states) {
            let rng = StreamRng::from_day_prefix(prefix, u64::from(id.0));
            let chance = settings.chance_by_tier[profile.tier.index()];
            let step = step_problems(state, chance, settings, &rng);
            arisen += u64::from(step.arisen);
            solved += u64::from(step.solved);
        }
        (arisen, solved)
    };
    let add = |a: (u64, u64), b: (u64, u64)| (a.0 + b.0, a.1 + b.1);
    let mut tables = collect_tables(firms.contiguous_iter_mut());
    let slices = tables
        .iter_mut()
        .map(|(ids, profiles, states)| (*ids, *profiles, states.bypass_change_detection()));
    let (arisen, solved) = for_tables(*stepping, slices, &work, &add);
    counters.problems.arisen += arisen;
    counters.problems.solved_alone += solved;
}

/// What happened to one firm's problems in one day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProblemStep {
    /// A new latent problem arose.
    pub arisen: bool,
    /// The firm solved one of its latent problems on its own.
    pub solved: bool,
}

/// One firm's problem update for one day, from a fresh stream: draw 0 decides whether a
/// problem arises, draw 1 its category and draw 2 whether a latent problem is solved. Draw 1
/// is made only when a problem arises (`StreamRng::uniform_nth`), for about one firm in a
/// hundred.
#[inline]
pub fn step_problems(
    state: &mut FirmState,
    chance: f64,
    settings: &ProblemSettings,
    rng: &StreamRng,
) -> ProblemStep {
    let mut step = ProblemStep::default();
    if rng.uniform_nth(0) < chance {
        let category = rng.uniform_nth(1);
        let c = settings
            .category_cumulative
            .iter()
            .position(|&cum| category < cum)
            .unwrap_or(CATEGORIES - 1);
        // A firm with 255 open problems of one category takes no more (it never happens
        // at calibrated rates; counting only what is added keeps the tally exact).
        if let Some(n) = state.latent[c].checked_add(1) {
            state.latent[c] = n;
            step.arisen = true;
        }
    }
    // Draw 2 is made for every firm: whether a firm has latent problems differs from firm
    // to firm, and a branch on it was mispredicted. With none, `solve < 0` is never true.
    let latent = state.latent_problems();
    let p = settings.self_resolve_chance;
    let solve = rng.uniform_nth(2);
    if solve < p * f64::from(latent) {
        // `solve / p` is uniform over [0, latent): it picks which problem is solved.
        let mut pick = (solve / p) as u32;
        for slot in state.latent.iter_mut() {
            let n = u32::from(*slot);
            if pick < n {
                *slot -= 1;
                step.solved = true;
                break;
            }
            pick -= n;
        }
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ProblemSettings {
        ProblemSettings {
            category_cumulative: [0.3, 0.55, 0.7, 0.82, 0.9, 0.94, f64::INFINITY],
            self_resolve_chance: 1.0 / 180.0,
            chance_by_tier: [0.01; 4],
        }
    }

    #[test]
    fn latent_problems_reach_their_steady_state() {
        // Arrivals at 0.01/day, each solved in 180 days on average: about 1.8 open.
        let s = settings();
        let mut total = 0u64;
        let firms = 2_000;
        for firm in 0..firms {
            let mut state = FirmState::default();
            for day in 0..2_000 {
                let rng = StreamRng::new(1, Purpose::Problems, firm, day);
                step_problems(&mut state, 0.01, &s, &rng);
            }
            total += u64::from(state.open_problems());
        }
        let mean = total as f64 / firms as f64;
        assert!((mean - 1.8).abs() < 0.1, "mean open problems {mean}");
    }

    #[test]
    fn no_arrivals_means_problems_only_go_away() {
        let s = settings();
        let mut state = FirmState {
            latent: [3, 0, 0, 0, 0, 0, 1],
            ..Default::default()
        };
        let mut last = state.open_problems();
        for day in 0..3_000 {
            let rng = StreamRng::new(9, Purpose::Problems, 0, day);
            step_problems(&mut state, 0.0, &s, &rng);
            assert!(state.open_problems() <= last);
            last = state.open_problems();
        }
        assert_eq!(last, 0);
    }
}
