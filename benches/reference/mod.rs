//! The reference loop: the core firm update of one day (`arise_problems` then `produce`: the
//! same arithmetic and the same random draws) written as a plain struct-of-arrays loop, with
//! no ECS in the way. Its speed is the "physical limit" the model's core update is held
//! against (`reformsim bench` prints the ratio, docs/PERFORMANCE.md reports it), and
//! `tests/integration/reference.rs` checks that it gives the same aggregates as the ECS systems.
//!
//! Compiled into the library as `reformsim::reference` (see `src/lib.rs`), so that the bench
//! command, the criterion benches and the test share one copy.

use bevy_ecs::prelude::*;
use rayon::prelude::*;

use crate::model::{
    CATEGORIES, Category, Clock, Exited, FeeRelief, FirmId, FirmProfile, FirmState,
    ProblemSettings, ProductionSettings, RunSeed, problem_count,
};
use crate::rng::{Purpose, StreamRng, day_prefix, stream_prefix};

/// The live firms' fields that the core update reads or writes, one array per field, in
/// firm-id order.
#[derive(Clone, Debug, Default)]
pub struct ReferenceCity {
    pub id: Vec<u32>,
    pub problem_chance: Vec<f64>,
    pub base_value_added: Vec<f64>,
    pub shock_sd: Vec<f64>,
    pub above_scale: Vec<bool>,
    pub log_level: Vec<f64>,
    pub growth_bonus_per_day: Vec<f64>,
    pub space_log_cap: Vec<f64>,
    pub finance_to_invest: Vec<i64>,
    pub latent: Vec<[u8; CATEGORIES]>,
    pub ticketed: Vec<[u8; CATEGORIES]>,
    pub disturbed_today: Vec<bool>,
}

/// The settings the core update reads, copied out of a world.
#[derive(Clone, Debug)]
pub struct ReferenceSettings {
    pub seed: u64,
    pub problems: ProblemSettings,
    pub production: ProductionSettings,
    pub relief: FeeRelief,
}

/// What one day of the core update adds up to (the same integer sums as `produce`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReferenceTotals {
    pub firms: u64,
    pub open_problems: u64,
    pub value_added_above_scale: i64,
    pub investment: i64,
    pub disturbance: i64,
    /// Problems that arose, and latent problems the firms solved alone (`Counters::problems`).
    pub problems_arisen: u64,
    pub problems_solved_alone: u64,
}

impl ReferenceTotals {
    fn add(self, o: ReferenceTotals) -> ReferenceTotals {
        ReferenceTotals {
            firms: self.firms + o.firms,
            open_problems: self.open_problems + o.open_problems,
            value_added_above_scale: self.value_added_above_scale + o.value_added_above_scale,
            investment: self.investment + o.investment,
            disturbance: self.disturbance + o.disturbance,
            problems_arisen: self.problems_arisen + o.problems_arisen,
            problems_solved_alone: self.problems_solved_alone + o.problems_solved_alone,
        }
    }
}

impl ReferenceSettings {
    pub fn from_world(world: &World) -> ReferenceSettings {
        ReferenceSettings {
            seed: world.resource::<RunSeed>().0,
            problems: world.resource::<ProblemSettings>().clone(),
            production: world.resource::<ProductionSettings>().clone(),
            relief: *world.resource::<FeeRelief>(),
        }
    }
}

/// One chunk of the arrays.
struct Chunk<'a> {
    id: &'a [u32],
    problem_chance: &'a [f64],
    base_value_added: &'a [f64],
    shock_sd: &'a [f64],
    above_scale: &'a [bool],
    log_level: &'a mut [f64],
    growth_bonus_per_day: &'a [f64],
    space_log_cap: &'a [f64],
    finance_to_invest: &'a mut [i64],
    latent: &'a mut [[u8; CATEGORIES]],
    ticketed: &'a mut [[u8; CATEGORIES]],
    disturbed_today: &'a mut [bool],
}

impl ReferenceCity {
    /// The live firms of a world, in firm-id order.
    pub fn from_world(world: &mut World) -> ReferenceCity {
        let mut firms: Vec<(FirmId, FirmProfile, FirmState)> = world
            .query_filtered::<(&FirmId, &FirmProfile, &FirmState), Without<Exited>>()
            .iter(world)
            .map(|(id, profile, state)| (*id, profile.clone(), state.clone()))
            .collect();
        firms.sort_unstable_by_key(|(id, _, _)| *id);
        let chances = world.resource::<ProblemSettings>().chance_by_tier;
        let mut city = ReferenceCity::default();
        for (id, profile, state) in firms {
            city.id.push(id.0);
            city.problem_chance.push(chances[profile.tier.index()]);
            city.base_value_added.push(profile.base_value_added);
            city.shock_sd.push(f64::from(profile.shock_sd_per_day));
            city.above_scale.push(profile.tier.is_above_scale());
            city.log_level.push(state.log_level);
            city.growth_bonus_per_day.push(state.growth_bonus_per_day);
            city.space_log_cap.push(state.space_log_cap);
            city.finance_to_invest.push(state.finance_to_invest);
            city.latent.push(state.latent);
            city.ticketed.push(state.ticketed);
            city.disturbed_today.push(state.disturbed_today);
        }
        city
    }

    pub fn len(&self) -> usize {
        self.id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }

    /// One day of the core update. With `chunk` set, chunks of that many firms run on rayon's
    /// pool (integer sums, so the totals are the same either way).
    pub fn step(
        &mut self,
        settings: &ReferenceSettings,
        clock: Clock,
        chunk: Option<usize>,
    ) -> ReferenceTotals {
        let day = Day {
            problems_prefix: day_prefix(stream_prefix(settings.seed, Purpose::Problems), clock.day),
            production_prefix: day_prefix(
                stream_prefix(settings.seed, Purpose::Production),
                clock.day,
            ),
            settings,
        };
        let Some(c) = chunk else {
            return day.run(Chunk {
                id: &self.id,
                problem_chance: &self.problem_chance,
                base_value_added: &self.base_value_added,
                shock_sd: &self.shock_sd,
                above_scale: &self.above_scale,
                log_level: &mut self.log_level,
                growth_bonus_per_day: &self.growth_bonus_per_day,
                space_log_cap: &self.space_log_cap,
                finance_to_invest: &mut self.finance_to_invest,
                latent: &mut self.latent,
                ticketed: &mut self.ticketed,
                disturbed_today: &mut self.disturbed_today,
            });
        };
        (
            self.id.par_chunks(c),
            self.problem_chance.par_chunks(c),
            self.base_value_added.par_chunks(c),
            self.shock_sd.par_chunks(c),
            self.above_scale.par_chunks(c),
            self.log_level.par_chunks_mut(c),
            self.growth_bonus_per_day.par_chunks(c),
            self.space_log_cap.par_chunks(c),
            self.finance_to_invest.par_chunks_mut(c),
            self.latent.par_chunks_mut(c),
            self.ticketed.par_chunks_mut(c),
            self.disturbed_today.par_chunks_mut(c),
        )
            .into_par_iter()
            .map(
                |(id, pc, bva, sd, above, ll, gb, cap, fin, lat, tick, dist)| {
                    day.run(Chunk {
                        id,
                        problem_chance: pc,
                        base_value_added: bva,
                        shock_sd: sd,
                        above_scale: above,
                        log_level: ll,
                        growth_bonus_per_day: gb,
                        space_log_cap: cap,
                        finance_to_invest: fin,
                        latent: lat,
                        ticketed: tick,
                        disturbed_today: dist,
                    })
                },
            )
            .reduce(ReferenceTotals::default, ReferenceTotals::add)
    }
}

/// What one day's loop needs besides the arrays.
struct Day<'a> {
    problems_prefix: u64,
    production_prefix: u64,
    settings: &'a ReferenceSettings,
}

impl Day<'_> {
    fn run(&self, c: Chunk<'_>) -> ReferenceTotals {
        let ps = &self.settings.problems;
        let s = &self.settings.production;
        let relief = &self.settings.relief;
        let (fi, ci) = (Category::Finance.index(), Category::Cost.index());
        let li = Category::Land.index();
        let mut t = ReferenceTotals::default();
        for i in 0..c.id.len() {
            let id = u64::from(c.id[i]);
            let latent = &mut c.latent[i];
            let ticketed = &mut c.ticketed[i];

            // Problems arise, and the firm may solve one latent problem itself.
            let rng = StreamRng::from_day_prefix(self.problems_prefix, id);
            if rng.uniform_nth(0) < c.problem_chance[i] {
                let category = rng.uniform_nth(1);
                let k = ps
                    .category_cumulative
                    .iter()
                    .position(|&cum| category < cum)
                    .unwrap_or(CATEGORIES - 1);
                // Reported through the hotline at once (a ticket), or latent.
                let slot = if rng.uniform_nth(3) < ps.report_share {
                    &mut ticketed[k]
                } else {
                    &mut latent[k]
                };
                if let Some(n) = slot.checked_add(1) {
                    *slot = n;
                    t.problems_arisen += 1;
                }
            }
            let open_latent = problem_count(latent, &[0; CATEGORIES]);
            let solve = rng.uniform_nth(2);
            if solve < ps.self_resolve_chance * f64::from(open_latent) {
                let mut pick = (solve / ps.self_resolve_chance) as u32;
                for slot in latent.iter_mut() {
                    if pick < u32::from(*slot) {
                        *slot -= 1;
                        t.problems_solved_alone += 1;
                        break;
                    }
                    pick -= u32::from(*slot);
                }
            }

            // Production: trend (unless at the space cap), drag, shock; then investment.
            let z = StreamRng::from_day_prefix(self.production_prefix, id).normal();
            let open = problem_count(latent, ticketed);
            let count = |k: usize| f64::from(u16::from(latent[k]) + u16::from(ticketed[k]));
            let relieved = relief.finance * count(fi) + relief.cost * count(ci);
            let sd = c.shock_sd[i];
            let trend = if c.log_level[i] < c.space_log_cap[i] {
                s.drift_per_day + c.growth_bonus_per_day[i] - 0.5 * sd * sd
            } else {
                0.0
            };
            c.log_level[i] +=
                trend - s.drag_per_problem_day * (f64::from(open) - relieved) + sd * z;
            let potential = c.base_value_added[i] * crate::math::exp(c.log_level[i]);
            let lost = if c.disturbed_today[i] {
                c.disturbed_today[i] = false;
                potential * s.no_problem_visit_cost
            } else {
                0.0
            };
            let value_added = potential - lost;
            let blocked = (latent[fi] | ticketed[fi] | latent[li] | ticketed[li]) != 0;
            let held_back = if blocked {
                s.investment_blocked_share
            } else {
                0.0
            };
            let investment = value_added * s.investment_share * (1.0 - held_back);
            let mut spent = 0;
            if c.finance_to_invest[i] != 0 {
                spent = (c.finance_to_invest[i] + s.finance_spend_days - 1) / s.finance_spend_days;
                c.finance_to_invest[i] -= spent;
            }
            t.firms += 1;
            t.open_problems += u64::from(open);
            if c.above_scale[i] {
                t.value_added_above_scale += (value_added + 0.5) as i64;
            }
            t.investment += (investment + 0.5) as i64 + spent;
            t.disturbance += (lost + 0.5) as i64;
        }
        t
    }
}
