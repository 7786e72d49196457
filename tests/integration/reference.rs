//! The reference loop (benches/reference) does what the model's core firm update does:
//! `arise_problems` then `produce`, on the same firms and seed, give the same totals and
//! leave every firm in the same state.

use crate::common;

use bevy_ecs::prelude::*;
use reformsim::engine::Simulation;
use reformsim::model::{Clock, Counters, DayTotals};
use reformsim::reference::{ReferenceCity, ReferenceSettings, ReferenceTotals};
use reformsim::systems::{arise_problems, produce};

/// Runs the two core systems alone on the world for day `day`.
fn core_update(sim: &mut Simulation, schedule: &mut Schedule, clock: Clock) -> ReferenceTotals {
    let world = sim.world_mut();
    *world.resource_mut::<Clock>() = clock;
    let disturbance_before = world.resource::<Counters>().disturbance_cost_yuan;
    let problems_before = world.resource::<Counters>().problems;
    schedule.run(world);
    let totals = *world.resource::<DayTotals>();
    let problems = world.resource::<Counters>().problems;
    ReferenceTotals {
        firms: totals.firms,
        open_problems: totals.open_problems,
        value_added_above_scale: totals.value_added_above_scale,
        investment: totals.investment,
        disturbance: world.resource::<Counters>().disturbance_cost_yuan - disturbance_before,
        problems_arisen: problems.arisen - problems_before.arisen,
        problems_solved_alone: problems.solved_alone - problems_before.solved_alone,
    }
}

#[test]
fn the_reference_loop_matches_the_model_core_update() {
    let s = common::small_city().scenario;
    let mut sim = Simulation::new(&s, 3);
    // Well into the campaign: tickets, disturbed firms, financing and exits exist by then.
    for _ in 0..150 {
        sim.step();
    }
    let mut sequential = ReferenceCity::from_world(sim.world_mut());
    let mut chunked = sequential.clone();
    let settings = ReferenceSettings::from_world(sim.world());
    let tickets: u32 = sequential
        .ticketed
        .iter()
        .flatten()
        .map(|&n| u32::from(n))
        .sum();
    assert!(tickets > 0, "the campaign has made tickets by day 150");
    let mut schedule = Schedule::default();
    schedule.add_systems((arise_problems, produce).chain());
    let start = sim.world().resource::<Clock>().date.add_days(-149);
    let mut sum = ReferenceTotals::default();
    for day in 150..180 {
        let clock = Clock {
            day,
            date: start.add_days(day as i32),
        };
        let model = core_update(&mut sim, &mut schedule, clock);
        assert_eq!(sequential.step(&settings, clock, None), model, "day {day}");
        assert_eq!(
            chunked.step(&settings, clock, Some(100)),
            model,
            "day {day}"
        );
        sum.investment += model.investment;
    }
    assert!(sum.investment > 0);
    let after = ReferenceCity::from_world(sim.world_mut());
    assert_eq!(after.latent, sequential.latent);
    assert_eq!(after.finance_to_invest, sequential.finance_to_invest);
    let bits = |c: &ReferenceCity| c.log_level.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&after), bits(&sequential));
    assert_eq!(bits(&after), bits(&chunked));
}
