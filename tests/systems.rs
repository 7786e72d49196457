//! Each system alone on a tiny world: a handful of firms, one department, hand-made tickets.

mod common;

use bevy_ecs::prelude::*;
use bevy_ecs::system::RunSystemOnce;
use reformsim::engine::Simulation;
use reformsim::model::{
    Campaign, Category, Clock, Counters, Departments, FirmState, TicketBook, Tier,
};
use reformsim::scenario::Scenario;
use reformsim::systems::{escalate_tickets, serve_tickets, triage_tickets, visit_firms};

/// Eight firms, all on the visit list, one department with room for one ticket at a time.
fn tiny() -> Scenario {
    let mut s = common::defaults();
    s.population.firms = 8;
    s.levers.campaign.coverage = reformsim::scenario::PerTier {
        leading: 1.0,
        key: 1.0,
        above_scale: 1.0,
        other: 1.0,
    };
    s.levers.campaign.start = s.scenario.start;
    s.departments.truncate(1);
    s.departments[0].categories = vec![
        reformsim::scenario::CategoryName::Market,
        reformsim::scenario::CategoryName::Cost,
        reformsim::scenario::CategoryName::Scenario,
        reformsim::scenario::CategoryName::Platform,
        reformsim::scenario::CategoryName::Finance,
        reformsim::scenario::CategoryName::Land,
        reformsim::scenario::CategoryName::Approvals,
    ];
    s.departments[0].capacity = 1;
    assert!(reformsim::scenario::validate(&s).is_empty());
    s
}

fn set_day(world: &mut World, day: u32) {
    let start = world
        .resource::<Clock>()
        .date
        .add_days(-(world.resource::<Clock>().day as i32));
    *world.resource_mut::<Clock>() = Clock {
        day,
        date: start.add_days(day as i32),
    };
}

/// Gives every firm exactly `n` latent market problems.
fn give_problems(world: &mut World, n: u8) {
    let mut q = world.query::<&mut FirmState>();
    for mut s in q.iter_mut(world) {
        s.latent = [0; 7];
        s.latent[Category::Market.index()] = n;
    }
}

#[test]
fn a_visit_turns_latent_problems_into_tickets_and_an_empty_visit_disturbs() {
    let mut sim = Simulation::new(&tiny(), 1);
    let world = sim.world_mut();
    give_problems(world, 2);
    // Only the first other-tier firm gets a visit today.
    world.resource_mut::<Campaign>().visits_per_day = [0, 0, 0, 1];
    world.run_system_once(visit_firms).unwrap();
    let c = world.resource::<Counters>().clone();
    assert_eq!((c.visits, c.firms_visited, c.tickets_collected), (1, 1, 2));
    assert_eq!(world.resource::<TicketBook>().tickets.len(), 2);
    assert_eq!(world.resource::<TicketBook>().awaiting_triage.len(), 2);

    give_problems(world, 0);
    world.run_system_once(visit_firms).unwrap();
    let c = world.resource::<Counters>().clone();
    assert_eq!(
        (c.visits, c.no_problem_visits, c.tickets_collected),
        (2, 1, 2)
    );
    let disturbed = world
        .query::<&FirmState>()
        .iter(world)
        .filter(|s| s.disturbed_today)
        .count();
    assert_eq!(disturbed, 1);
}

#[test]
fn visits_respect_tier_capacity_and_never_repeat_a_first_visit() {
    let mut sim = Simulation::new(&tiny(), 1);
    let world = sim.world_mut();
    let listed: usize = world
        .resource::<Campaign>()
        .lists
        .iter()
        .map(Vec::len)
        .sum();
    assert_eq!(listed, 8, "full coverage lists every firm");
    world.resource_mut::<Campaign>().visits_per_day = [1, 1, 1, 1];
    for day in 0..10 {
        set_day(world, day);
        world.run_system_once(visit_firms).unwrap();
    }
    let c = world.resource::<Counters>().clone();
    assert_eq!(c.firms_visited, 8);
    assert_eq!(
        c.visits, 8,
        "no re-visits are due, so no firm is visited twice"
    );
}

#[test]
fn triage_hands_tickets_over_after_the_delay() {
    let mut sim = Simulation::new(&tiny(), 1);
    let world = sim.world_mut();
    give_problems(world, 1);
    world
        .resource_mut::<reformsim::model::ServiceLevers>()
        .triage_delay_days = 2;
    world.resource_mut::<Campaign>().visits_per_day = [0, 0, 0, 1];
    world.run_system_once(visit_firms).unwrap();
    for day in 0..2 {
        set_day(world, day);
        world.run_system_once(triage_tickets).unwrap();
        assert_eq!(
            world.resource::<Departments>().list[0].queue.len(),
            0,
            "day {day}: still in triage"
        );
    }
    set_day(world, 2);
    world.run_system_once(triage_tickets).unwrap();
    assert_eq!(world.resource::<Departments>().list[0].queue.len(), 1);
}

#[test]
fn a_department_works_within_its_capacity_and_resolves_everything() {
    let mut sim = Simulation::new(&tiny(), 1);
    let world = sim.world_mut();
    give_problems(world, 1);
    world.resource_mut::<Campaign>().visits_per_day = [0, 0, 0, 3];
    world.run_system_once(visit_firms).unwrap();
    world.run_system_once(triage_tickets).unwrap();
    for day in 0..200 {
        set_day(world, day);
        world.run_system_once(serve_tickets).unwrap();
        assert!(
            world.resource::<Departments>().list[0].in_service.len() <= 1,
            "capacity 1"
        );
    }
    assert_eq!(world.resource::<Counters>().tickets_resolved, 3);
    let open: u32 = world
        .query::<&FirmState>()
        .iter(world)
        .map(|s| s.ticketed.iter().map(|&n| u32::from(n)).sum::<u32>())
        .sum();
    assert_eq!(open, 0, "resolution closes the firms' problems");
    assert!(sim.check_invariants().is_ok());
}

#[test]
fn overdue_tickets_are_escalated_and_jump_the_queue() {
    let mut sim = Simulation::new(&tiny(), 1);
    let world = sim.world_mut();
    give_problems(world, 1);
    world.resource_mut::<Campaign>().visits_per_day = [0, 0, 0, 2];
    world.run_system_once(visit_firms).unwrap();
    world.run_system_once(triage_tickets).unwrap();
    let after = world
        .resource::<reformsim::model::ServiceLevers>()
        .escalate_after_days;
    set_day(world, after - 1);
    world.run_system_once(escalate_tickets).unwrap();
    assert_eq!(world.resource::<Counters>().tickets_escalated, 0);
    set_day(world, after);
    world.run_system_once(escalate_tickets).unwrap();
    assert_eq!(world.resource::<Counters>().tickets_escalated, 2);
    let dept = &world.resource::<Departments>().list[0];
    assert_eq!((dept.urgent.len(), dept.queue.len()), (2, 0));
    assert!(
        world
            .resource::<TicketBook>()
            .tickets
            .iter()
            .all(|t| t.escalated && t.tier == Tier::Other)
    );
}
