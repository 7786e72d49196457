//! Problems arise at random and firms solve some of the unreported ones on their own.

use bevy_ecs::prelude::*;

use super::chunks::{Stepping, collect_tables, for_tables};
use crate::model::{
    CATEGORIES, Category, Channel, Clock, Counters, Exited, FirmId, FirmIndex, FirmProfile,
    FirmState, ProblemSettings, RunSeed, ServiceLevers, Ticket, TicketBook, Tier,
};
use crate::rng::{Purpose, StreamRng, day_prefix, stream_prefix};

// Each firm: maybe one new problem (category by share), which the firm may report through
// the hotline at once, then maybe one latent problem solved by the firm itself (each open
// latent problem has the same daily chance). Iterates table slices without change ticks, in
// chunks on rayon's pool for large cities (`super::chunks`); each firm's draws come from its
// own stream, so chunks are independent, and the day's arrivals and self-solved problems
// are integer sums. The few reports (a handful a day per 10,000 firms) are gathered per
// chunk and become tickets afterwards, in firm-id order.
#[allow(clippy::too_many_arguments)]
pub fn arise_problems(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<ProblemSettings>,
    levers: Res<ServiceLevers>,
    stepping: Res<Stepping>,
    index: Res<FirmIndex>,
    mut counters: ResMut<Counters>,
    mut book: ResMut<TicketBook>,
    mut firms: Query<(&FirmId, &FirmProfile, &mut FirmState), Without<Exited>>,
) {
    let prefix = day_prefix(stream_prefix(seed.0, Purpose::Problems), clock.day);
    let settings = &*settings;
    let work = |(ids, profiles, states): (&[FirmId], &[FirmProfile], &mut [FirmState])| {
        let mut day = DayProblems::default();
        for ((id, profile), state) in ids.iter().zip(profiles).zip(states) {
            let rng = StreamRng::from_day_prefix(prefix, u64::from(id.0));
            let chance = settings.chance_by_tier[profile.tier.index()];
            let step = step_problems(state, chance, settings, &rng);
            day.arisen += u64::from(step.arisen);
            day.solved += u64::from(step.solved);
            if let Some(category) = step.reported {
                day.reported.push((*id, profile.tier, category));
            }
        }
        day
    };
    let merge = |mut a: DayProblems, mut b: DayProblems| {
        a.arisen += b.arisen;
        a.solved += b.solved;
        a.reported.append(&mut b.reported);
        a
    };
    let mut tables = collect_tables(firms.contiguous_iter_mut());
    let slices = tables
        .iter_mut()
        .map(|(ids, profiles, states)| (*ids, *profiles, states.bypass_change_detection()));
    let mut day = for_tables(*stepping, slices, &work, &merge);
    counters.problems.arisen += day.arisen;
    counters.problems.solved_alone += day.solved;
    // The table order is an implementation detail of the ECS: firm-id order is not.
    day.reported
        .sort_unstable_by_key(|&(id, _, c)| (id, c.index()));
    for (firm_id, tier, category) in day.reported {
        let id = book.tickets.len() as u32;
        book.tickets.push(Ticket {
            firm: index.0[firm_id.0 as usize],
            firm_id,
            tier,
            category,
            collected_day: clock.day,
            resolved_day: None,
            escalated: false,
            withdrawn: false,
            channel: Channel::Hotline,
            unsolved: false,
        });
        book.awaiting_triage
            .insert((clock.day + levers.triage_delay_days, id));
        counters.hotline.reported += 1;
    }
}

/// The day's problems, summed over a chunk of firms.
#[derive(Default)]
struct DayProblems {
    arisen: u64,
    solved: u64,
    /// Problems reported through the hotline today: firm, tier and category.
    reported: Vec<(FirmId, Tier, Category)>,
}

/// What happened to one firm's problems in one day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProblemStep {
    /// A new latent problem arose.
    pub arisen: bool,
    /// The firm solved one of its latent problems on its own.
    pub solved: bool,
    /// The new problem's category, if the firm reported it through the hotline at once
    /// (it is then held as a ticket, not a latent problem).
    pub reported: Option<Category>,
}

/// One firm's problem update for one day, from a fresh stream: draw 0 decides whether a
/// problem arises, draw 1 its category, draw 3 whether the firm reports it through the
/// hotline, and draw 2 whether a latent problem is solved. Draws 1 and 3 are made only when
/// a problem arises (`StreamRng::uniform_nth`), for about one firm in a hundred.
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
        if rng.uniform_nth(3) < settings.report_share {
            if let Some(n) = state.ticketed[c].checked_add(1) {
                state.ticketed[c] = n;
                step.arisen = true;
                step.reported = Some(Category::ALL[c]);
            }
        } else if let Some(n) = state.latent[c].checked_add(1) {
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
            report_share: 0.0,
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
    fn reported_problems_become_tickets_and_the_rest_stay_latent() {
        // With every problem reported, none is latent and the firm holds them as tickets; with
        // none reported, the reverse. About 5 % reported at a share of 0.05.
        for (share, reported_low, reported_high) in
            [(1.0, 1.0, 1.0), (0.0, 0.0, 0.0), (0.05, 0.03, 0.07)]
        {
            let s = ProblemSettings {
                report_share: share,
                self_resolve_chance: 0.0,
                ..settings()
            };
            let (mut arisen, mut reported) = (0u32, 0u32);
            for firm in 0..400 {
                let mut state = FirmState::default();
                for day in 0..200 {
                    let rng = StreamRng::new(3, Purpose::Problems, firm, day);
                    let step = step_problems(&mut state, 0.05, &s, &rng);
                    arisen += u32::from(step.arisen);
                    reported += u32::from(step.reported.is_some());
                }
                let held: u32 = state.ticketed.iter().map(|&n| u32::from(n)).sum();
                let latent: u32 = state.latent.iter().map(|&n| u32::from(n)).sum();
                assert_eq!(held + latent, state.open_problems());
                if share == 1.0 {
                    assert_eq!(latent, 0);
                }
                if share == 0.0 {
                    assert_eq!(held, 0);
                }
            }
            let got = f64::from(reported) / f64::from(arisen);
            assert!(
                (reported_low..=reported_high).contains(&got),
                "share {share}: {got} of {arisen} reported"
            );
        }
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
