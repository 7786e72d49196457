//! Each system alone on a tiny world: a handful of firms, one department, hand-made tickets.

use crate::common;

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
/// Replaces every firm's problems with `n` latent market problems, and books the change as
/// the run's starting problems so that the problem tally (`check_invariants`) still adds up.
fn give_problems(world: &mut World, n: u8) {
    let mut q = world.query::<&mut FirmState>();
    let mut total = 0u64;
    for mut s in q.iter_mut(world) {
        s.latent = [0; 7];
        s.ticketed = [0; 7];
        s.latent[Category::Market.index()] = n;
        total += u64::from(n);
    }
    world.resource_mut::<Counters>().problems.open_at_start = total;
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

// ---- parks and land ----

use reformsim::model::{
    EntryExitSettings, FirmId, FirmLand, FirmProfile, LandAccounts, LandBook, LandPolicy, Parks,
    SupplyMode, Survival,
};
use reformsim::systems::{
    advance_deferred_exit_clocks, build_standard_factories, evaluate_land_use, grant_land,
    request_land_and_run_exit_clocks, settle_land_contracts,
};

/// Eight firms, all holding land in one flagship park (no standard factories).
fn tiny_park() -> Scenario {
    let mut s = tiny();
    let all = reformsim::scenario::PerTier {
        leading: 1.0,
        key: 1.0,
        above_scale: 1.0,
        other: 1.0,
    };
    s.land.in_park_share = all;
    s.land.standard_factory_tenant_share = reformsim::scenario::PerTier {
        leading: 0.0,
        key: 0.0,
        above_scale: 0.0,
        other: 0.0,
    };
    s.land.parks = reformsim::scenario::PerParkKind {
        flagship: 1,
        city: 0,
        other: 0,
    };
    s.land.park_firm_share = reformsim::scenario::PerParkKind {
        flagship: 1.0,
        city: 0.0,
        other: 0.0,
    };
    s.land.devolved_approvals.flagship = false;
    assert!(reformsim::scenario::validate(&s).is_empty());
    s
}

/// Every request takes this mode from now on.
fn only_mode(world: &mut World, mode: SupplyMode) {
    let mut policy = world.resource_mut::<LandPolicy>();
    policy.supply_mix = [0.0; 5];
    policy.supply_mix[mode.index()] = 1.0;
}

/// Puts the firm with this id at its space capacity (it asks for space).
fn at_capacity(world: &mut World, firm: u32) {
    let mut q = world.query::<(&FirmId, &mut FirmState)>();
    for (id, mut s) in q.iter_mut(world) {
        if id.0 == firm {
            s.log_level = s.space_log_cap;
        }
    }
}

fn firm_land(world: &mut World, firm: u32) -> FirmLand {
    let mut q = world.query::<(&FirmId, &FirmLand)>();
    q.iter(world)
        .find(|(id, _)| id.0 == firm)
        .map(|(_, l)| l.clone())
        .unwrap()
}

/// The tiny park where every request is for a long-term lease, and that mode's lead time.
fn long_leases_only() -> (Simulation, u32) {
    let mut sim = Simulation::new(&tiny_park(), 1);
    let world = sim.world_mut();
    only_mode(world, SupplyMode::LongTermLease);
    let lead =
        world.resource::<LandPolicy>().terms[SupplyMode::LongTermLease.index()].lead_time_days;
    (sim, lead)
}

fn exit_clock(world: &mut World, firm: u32) -> f64 {
    let mut q = world.query::<(&FirmId, &Survival)>();
    q.iter(world)
        .find(|(id, _)| id.0 == firm)
        .map(|(_, c)| c.hazard_left)
        .unwrap()
}

/// The evening pass runs requests and exit clocks in one walk; a firm with a request waiting
/// has its clock run after the grants, so a firm granted space today is no longer short of
/// space in today's hazard (the same run as requests, grants, then clocks).
#[test]
fn a_firm_granted_space_today_is_not_short_of_space_in_todays_exit_hazard() {
    let (mut sim, lead) = long_leases_only();
    let world = sim.world_mut();
    at_capacity(world, 5);
    let evening = |world: &mut World| {
        world
            .run_system_once(request_land_and_run_exit_clocks)
            .unwrap();
        world.run_system_once(grant_land).unwrap();
        world.run_system_once(advance_deferred_exit_clocks).unwrap();
    };
    let start = exit_clock(world, 5);
    evening(world);
    assert!(firm_land(world, 5).pending, "asked for space, waits");
    let short_day = start - exit_clock(world, 5);
    set_day(world, lead);
    let before = exit_clock(world, 5);
    evening(world);
    assert!(!firm_land(world, 5).pending, "granted today");
    let granted_day = before - exit_clock(world, 5);
    let mut q = world.query::<(&FirmId, &FirmProfile)>();
    let tier = q.iter(world).find(|(id, _)| id.0 == 5).unwrap().1.tier;
    let short = world.resource::<EntryExitSettings>().short_of_space[tier.index()];
    assert!(short > 0.0);
    assert!(
        (short_day - granted_day - short).abs() < 1e-12,
        "{short_day} - {granted_day} is not {short}"
    );
}

#[test]
fn firms_start_in_their_park_at_the_initial_occupancy() {
    let mut sim = Simulation::new(&tiny_park(), 1);
    let park = sim.world().resource::<Parks>().list[0].clone();
    let occupancy = (park.land_total - park.land_available) as f64 / park.land_total as f64;
    assert!((occupancy - 0.85).abs() < 1e-3, "{occupancy}");
    let world = sim.world_mut();
    let mut q = world.query::<(&FirmState, &FirmLand)>();
    for (state, land) in q.iter(world) {
        assert_eq!(land.park, 0);
        // Initial use of capacity lies in [0.3, 0.7]: the cap is ln(1/0.7) to ln(1/0.3) away.
        let gap = state.space_log_cap - state.log_level;
        assert!(gap > 0.35 && gap < 1.21, "{gap}");
    }
    assert!(sim.check_invariants().is_ok());
}

#[test]
fn a_firm_at_capacity_queues_a_request_granted_after_the_lead_time() {
    let (mut sim, lead) = long_leases_only();
    let world = sim.world_mut();
    at_capacity(world, 5);
    at_capacity(world, 2);
    let before = firm_land(world, 5);
    world
        .run_system_once(request_land_and_run_exit_clocks)
        .unwrap();
    let queue = &world.resource::<Parks>().list[0].queue;
    let order: Vec<u32> = queue.iter().map(|r| r.firm_id.0).collect();
    assert_eq!(order, vec![2, 5], "same day: firm-id order");
    assert!(firm_land(world, 5).pending);
    // A waiting firm does not ask twice.
    world
        .run_system_once(request_land_and_run_exit_clocks)
        .unwrap();
    assert_eq!(world.resource::<Parks>().waiting(), 2);
    for day in 0..lead {
        set_day(world, day);
        world.run_system_once(grant_land).unwrap();
        assert_eq!(
            world.resource::<Parks>().waiting(),
            2,
            "day {day}: lead time"
        );
    }
    set_day(world, lead);
    world.run_system_once(grant_land).unwrap();
    assert_eq!(world.resource::<Parks>().waiting(), 0);
    let after = firm_land(world, 5);
    assert!(after.land_milli_mu > before.land_milli_mu && !after.pending);
    let book = world.resource::<LandBook>();
    assert_eq!(
        (book.requests_granted, book.days_to_obtain_sum),
        (2, 2 * u64::from(lead))
    );
    let accounts = *world.resource::<LandAccounts>();
    assert!(accounts.rent_revenue_yuan > 0 && accounts.concessions_yuan == 0);
    // Expanded to 70 % of capacity: the cap is now ln(1/0.7) above the level.
    let mut q = world.query::<(&FirmId, &FirmState)>();
    let (_, s) = q.iter(world).find(|(id, _)| id.0 == 5).unwrap();
    assert!((s.space_log_cap - s.log_level - (1.0f64 / 0.7).ln()).abs() < 1e-3);
    assert!(sim.check_invariants().is_ok());
}

#[test]
fn a_request_waits_while_the_park_has_no_land() {
    let mut sim = Simulation::new(&tiny_park(), 1);
    let world = sim.world_mut();
    only_mode(world, SupplyMode::Transfer);
    world.resource_mut::<LandPolicy>().terms[SupplyMode::Transfer.index()].lead_time_days = 0;
    // The park's free land is set aside (as if held by no one): total and available drop.
    {
        let mut parks = world.resource_mut::<Parks>();
        let park = &mut parks.list[0];
        park.land_total -= park.land_available;
        park.land_available = 0;
    }
    at_capacity(world, 3);
    world
        .run_system_once(request_land_and_run_exit_clocks)
        .unwrap();
    for day in 0..5 {
        set_day(world, day);
        world.run_system_once(grant_land).unwrap();
    }
    assert_eq!(world.resource::<Parks>().waiting(), 1, "no land, no grant");
    let amount = world.resource::<Parks>().list[0].queue[0].amount;
    {
        let mut parks = world.resource_mut::<Parks>();
        parks.list[0].land_total += amount;
        parks.list[0].land_available += amount;
    }
    world.run_system_once(grant_land).unwrap();
    assert_eq!(world.resource::<Parks>().waiting(), 0);
    assert!(
        world.resource::<LandAccounts>().concessions_yuan > 0,
        "transfer fee"
    );
    assert!(sim.check_invariants().is_ok());
}

#[test]
fn devolved_approvals_shorten_the_lead_time() {
    let mut s = tiny_park();
    s.land.devolved_approvals.flagship = true;
    s.levers.land.devolved_approvals_factor = 2.0;
    let mut sim = Simulation::new(&s, 1);
    let world = sim.world_mut();
    only_mode(world, SupplyMode::Transfer);
    at_capacity(world, 0);
    world
        .run_system_once(request_land_and_run_exit_clocks)
        .unwrap();
    let r = world.resource::<Parks>().list[0].queue[0];
    assert_eq!(r.ready_day, 120 / 2);
}

#[test]
fn the_mu_evaluation_reclaims_idle_land_of_low_scorers_on_evaluation_days_only() {
    let mut sim = Simulation::new(&tiny_park(), 1);
    let world = sim.world_mut();
    // Firm 4 falls to 10 % of its capacity: low scorer with idle land; the others score well.
    let mut q = world.query::<(&FirmId, &mut FirmState)>();
    for (id, mut s) in q.iter_mut(world) {
        s.log_level = if id.0 == 4 {
            s.space_log_cap + 0.1f64.ln()
        } else {
            s.space_log_cap + 0.9f64.ln()
        };
    }
    {
        let mut policy = world.resource_mut::<LandPolicy>();
        policy.evaluation_start_day = 10;
        policy.evaluation_interval_days = 30;
        policy.mu_threshold_yuan = 1_000_000.0;
        policy.reclaim_share = 0.25;
    }
    let before = firm_land(world, 4).land_milli_mu;
    for day in [0, 9, 11, 39] {
        set_day(world, day);
        world.run_system_once(evaluate_land_use).unwrap();
    }
    assert_eq!(world.resource::<LandBook>().reclaimed_milli_mu, 0);
    set_day(world, 40);
    world.run_system_once(evaluate_land_use).unwrap();
    let after = firm_land(world, 4).land_milli_mu;
    assert_eq!(before - after, before / 4, "a quarter of its land");
    assert_eq!(
        world.resource::<LandBook>().reclaimed_milli_mu,
        before - after
    );
    assert!(
        sim.check_invariants().is_ok(),
        "reclaimed land returns to the park"
    );
}

#[test]
fn lease_then_transfer_converts_for_a_good_firm_and_a_failing_lease_returns_its_land() {
    let mut sim = Simulation::new(&tiny_park(), 1);
    let world = sim.world_mut();
    only_mode(world, SupplyMode::LeaseThenTransfer);
    {
        let mut policy = world.resource_mut::<LandPolicy>();
        policy.terms[SupplyMode::LeaseThenTransfer.index()].lead_time_days = 0;
        policy.mu_threshold_yuan = 0.0;
    }
    // A small firm (tier other): the park's free land covers its request.
    at_capacity(world, 3);
    world
        .run_system_once(request_land_and_run_exit_clocks)
        .unwrap();
    world.run_system_once(grant_land).unwrap();
    assert_eq!(world.resource::<LandBook>().contracts.len(), 1);
    let concessions = world.resource::<LandAccounts>().concessions_yuan;
    assert_eq!(concessions, 0, "a lease first");
    // Three anniversaries: rent twice, then conversion at year 3 (the default).
    for year in 1..=3 {
        set_day(world, 365 * year);
        world.run_system_once(settle_land_contracts).unwrap();
    }
    let c = world.resource::<LandBook>().contracts[0].clone();
    assert_eq!(c.mode, SupplyMode::Transfer);
    assert!(world.resource::<LandAccounts>().concessions_yuan > 0);

    // A long-term lease whose firm fails the test at the end of its tenure is not renewed.
    only_mode(world, SupplyMode::LongTermLease);
    {
        let mut policy = world.resource_mut::<LandPolicy>();
        policy.terms[SupplyMode::LongTermLease.index()].lead_time_days = 0;
        policy.terms[SupplyMode::LongTermLease.index()].tenure_days = 365;
    }
    at_capacity(world, 6);
    world
        .run_system_once(request_land_and_run_exit_clocks)
        .unwrap();
    world.run_system_once(grant_land).unwrap();
    let held = firm_land(world, 6).land_milli_mu;
    let leased = world.resource::<LandBook>().contracts[1].amount;
    world.resource_mut::<LandPolicy>().mu_threshold_yuan = 1e12;
    set_day(world, 365 * 4);
    world.run_system_once(settle_land_contracts).unwrap();
    assert_eq!(firm_land(world, 6).land_milli_mu, held - leased);
    assert!(!world.resource::<LandBook>().contracts[1].active);
    assert_eq!(world.resource::<LandBook>().expired_milli_mu, leased);
    assert!(sim.check_invariants().is_ok());
}

#[test]
fn new_standard_factories_add_floor_space_daily() {
    let mut s = tiny();
    s.land.in_park_share.other = 1.0;
    s.levers.land.standard_factory_new_m2_per_year = 365_000.0;
    let mut sim = Simulation::new(&s, 1);
    let world = sim.world_mut();
    let floor = |w: &World| -> u64 {
        w.resource::<Parks>()
            .list
            .iter()
            .map(|p| p.floor_total)
            .sum()
    };
    let before = floor(world);
    for day in 0..10 {
        set_day(world, day);
        world.run_system_once(build_standard_factories).unwrap();
    }
    let added = floor(world) - before;
    assert!((9_990..=10_000).contains(&added), "{added} m² in 10 days");
    assert!(sim.check_invariants().is_ok());
}

#[test]
fn a_firm_outside_the_parks_is_never_short_of_space() {
    let mut s = tiny();
    s.land.in_park_share = reformsim::scenario::PerTier {
        leading: 0.0,
        key: 0.0,
        above_scale: 0.0,
        other: 0.0,
    };
    let mut sim = Simulation::new(&s, 1);
    let world = sim.world_mut();
    let mut q = world.query::<(&FirmProfile, &FirmState, &FirmLand)>();
    assert!(
        q.iter(world)
            .all(|(_, s, l)| s.space_log_cap == f64::INFINITY && l.land_milli_mu == 0)
    );
    world
        .run_system_once(request_land_and_run_exit_clocks)
        .unwrap();
    assert_eq!(world.resource::<Parks>().waiting(), 0);
}

// ---- funds and finance ----

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
