//! Each system alone on a tiny world: a handful of firms, one department, hand-made tickets.

mod common;

use bevy_ecs::prelude::*;
use bevy_ecs::system::RunSystemOnce;
use reformsim::engine::Simulation;
use reformsim::model::{
    Campaign, Category, Clock, Counters, Departments, FinanceCounts, FirmState, FundBook,
    FundSettings, Ledger, LoanBook, Programme, TicketBook, Tier,
};
use reformsim::scenario::Scenario;
use reformsim::systems::{
    escalate_tickets, invest_funds, lend_on_points, serve_tickets, triage_tickets, visit_firms,
};

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

/// Runs a finance system on each day in `days`.
fn run_on_days<M>(
    world: &mut World,
    days: std::ops::Range<u32>,
    system: impl IntoSystem<(), (), M> + Copy,
) {
    for day in days {
        set_day(world, day);
        world.run_system_once(system).unwrap();
    }
}

#[test]
fn a_fund_invests_only_the_money_it_has() {
    let mut sim = Simulation::new(&tiny(), 1);
    let world = sim.world_mut();
    let round = world.resource::<FundSettings>().start_day;
    world.resource_mut::<FundSettings>().s_fund_deal = [3_000_000; 4];
    {
        let mut book = world.resource_mut::<FundBook>();
        for fund in &mut book.funds {
            fund.size = 10_000_000;
        }
        book.funds.last_mut().unwrap().accrued = 10_000_000;
    }
    set_day(world, round);
    world.run_system_once(invest_funds).unwrap();
    let book = world.resource::<FundBook>();
    let s_fund = book.s_fund();
    assert_eq!((s_fund.deals, s_fund.deployed), (3, 9_000_000));
    assert!(
        book.funds[..book.funds.len() - 1]
            .iter()
            .all(|f| f.deployed == 0),
        "nothing accrued on the first round, so the chain funds wait"
    );
    assert_eq!(world.resource::<FinanceCounts>().firms_financed, 3);
    assert!(sim.check_invariants().is_ok());
}

/// Every firm borrows on the first round (the next is far off); loans of 60 days pay
/// interest every 30.
fn lend_to_everyone(world: &mut World, default_rate: f64) -> u32 {
    let mut s = world.resource_mut::<FundSettings>();
    s.cadence = 1_000;
    s.loan_min_points = 0;
    s.loan_chance_per_round = 1.0;
    s.loan = [1_000_000; 4];
    s.loan_term_days = 60;
    s.loan_payment_days = 30;
    s.default_rate = default_rate;
    s.start_day
}

#[test]
fn loans_pay_interest_and_are_repaid_at_maturity() {
    let mut sim = Simulation::new(&tiny(), 1);
    let world = sim.world_mut();
    let start = lend_to_everyone(world, 0.0);
    run_on_days(world, start..start + 61, lend_on_points);
    let book = world.resource::<LoanBook>();
    assert_eq!(book.issued_yuan, 8_000_000, "one loan per firm");
    assert_eq!(book.repaid_yuan, 8_000_000);
    assert_eq!((book.outstanding_yuan, book.defaults), (0, 0));
    // 4 % a year on 1 million for 30 days, 30 % of it subsidised: 986 yuan per payment.
    let ledger = world.resource::<Ledger>();
    assert_eq!(ledger.spent(Programme::InterestSubsidy), 8 * 2 * 986);
    assert_eq!(ledger.spent(Programme::LoanLosses), 0);
    assert!(sim.check_invariants().is_ok());
}

#[test]
fn a_default_books_the_guaranteed_share_of_the_loss() {
    let mut sim = Simulation::new(&tiny(), 1);
    let world = sim.world_mut();
    let start = lend_to_everyone(world, 1.0e6);
    run_on_days(world, start..start + 31, lend_on_points);
    let book = world.resource::<LoanBook>();
    assert_eq!((book.defaults, book.defaulted_yuan), (8, 8_000_000));
    // Loss 70 % of the principal (30 % recovered), half of it guaranteed by the city.
    let ledger = world.resource::<Ledger>();
    assert_eq!(ledger.spent(Programme::LoanLosses), 8 * 350_000);
    assert_eq!(ledger.spent(Programme::InterestSubsidy), 0);
    assert!(sim.check_invariants().is_ok());
}
