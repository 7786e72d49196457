//! Market programmes (FACTS A10, A11, B19, B20) and firm entry and exit: the direction in
//! which each lever moves its KPIs over a fixed list of seeds, and conservation of firms,
//! tickets and park land when firms close and start up.

use crate::common;

use crate::common::{at, mean_kpi, run, small_city_to_2026};

use reformsim::engine::Simulation;
use reformsim::metrics::MetricsRow;
use reformsim::model::{Exited, FirmId, FirmIndex, FirmLand, FirmProfile, LandBook, NO_PARK, Tier};
use reformsim::scenario::Scenario;

#[test]
fn more_matchmaking_events_bring_more_orders_and_more_value_added() {
    let base = common::small_city().scenario;
    let mut more = base.clone();
    more.levers.market.matchmaking.campaign_events *= 2.0;
    let date = "2024-12-31";
    assert!(
        mean_kpi(&more, "matchmaking_events", date) > mean_kpi(&base, "matchmaking_events", date)
    );
    assert!(
        mean_kpi(&more, "intended_orders_yuan", date)
            > mean_kpi(&base, "intended_orders_yuan", date)
    );
    assert!(
        mean_kpi(&more, "orders_value_added_yuan", date)
            > mean_kpi(&base, "orders_value_added_yuan", date)
    );
    assert!(mean_kpi(&more, "value_added_yuan", date) > mean_kpi(&base, "value_added_yuan", date));
    assert!(
        mean_kpi(&more, "cost_matchmaking_yuan", date)
            > mean_kpi(&base, "cost_matchmaking_yuan", date)
    );
}

#[test]
fn a_higher_conversion_rate_raises_value_added_not_intended_orders() {
    let base = common::small_city().scenario;
    let mut keen = base.clone();
    keen.levers.market.matchmaking.conversion_rate = 0.9;
    let date = "2024-12-31";
    assert_eq!(
        mean_kpi(&keen, "intended_orders_yuan", date),
        mean_kpi(&base, "intended_orders_yuan", date)
    );
    assert!(mean_kpi(&keen, "value_added_yuan", date) > mean_kpi(&base, "value_added_yuan", date));
}

#[test]
fn matchmaking_costs_exactly_its_events() {
    let s = common::small_city().scenario;
    let end = run(&s, 2).last().unwrap().clone();
    assert!(end.matchmaking_events > 0);
    assert_eq!(
        end.get("cost_matchmaking_yuan").unwrap(),
        end.matchmaking_events as f64 * s.levers.market.matchmaking.cost_per_event_yuan
    );
    assert!(end.firms_matched as f64 <= end.firms as f64 + end.firms_exited as f64);
}

#[test]
fn benefits_without_application_raise_take_up() {
    let base = common::small_city().scenario;
    let (mut apply, mut auto) = (base.clone(), base.clone());
    apply.levers.market.push.no_application_share = 0.0;
    auto.levers.market.push.no_application_share = 1.0;
    let date = "2024-11-13";
    let (a, b) = (
        mean_kpi(&apply, "policy_benefit_takeup", date),
        mean_kpi(&auto, "policy_benefit_takeup", date),
    );
    assert!(
        b > a + 30.0,
        "take-up {a} % when firms apply, {b} % without"
    );
    assert!(
        mean_kpi(&auto, "cost_policy_benefits_yuan", date)
            > mean_kpi(&apply, "cost_policy_benefits_yuan", date)
    );
}

#[test]
fn push_coverage_sets_the_firms_reached_each_year() {
    let mut s = small_city_to_2026();
    s.levers.market.push.firms_per_year = [("2024", 732.0), ("2025", 730.0), ("2026", 365.0)]
        .into_iter()
        .map(|(y, n)| (y.to_owned(), n))
        .collect();
    let rows = run(&s, 1);
    // Two a day in 2024 (a leap year) and 2025, one a day in 2026; the count restarts each
    // January.
    assert_eq!(at(&rows, "2024-06-30").firms_reached_by_push, 2 * 30);
    assert_eq!(at(&rows, "2024-12-31").firms_reached_by_push, 2 * 214);
    assert_eq!(at(&rows, "2025-01-01").firms_reached_by_push, 2);
    assert_eq!(at(&rows, "2025-12-31").firms_reached_by_push, 730);
    assert_eq!(at(&rows, "2026-12-31").firms_reached_by_push, 365);
}

#[test]
fn more_unresolved_problems_mean_more_exits() {
    let base = small_city_to_2026();
    let mut troubled = base.clone();
    troubled.problems.arrivals_per_firm_year *= 3.0;
    let date = "2026-12-31";
    assert!(
        mean_kpi(&troubled, "firms_exited", date) > mean_kpi(&base, "firms_exited", date),
        "more problems, more exits"
    );
}

#[test]
fn without_fee_campaigns_more_firms_close() {
    let mut base = small_city_to_2026();
    // Make finance strain matter enough to see in a small city.
    base.entry_exit.exit_per_finance_problem = 3.0;
    let mut none = base.clone();
    none.levers.market.fee_campaigns.intensity = 0.0;
    let date = "2026-12-31";
    assert!(mean_kpi(&none, "firms_exited", date) > mean_kpi(&base, "firms_exited", date));
    assert!(mean_kpi(&none, "value_added_yuan", date) < mean_kpi(&base, "value_added_yuan", date));
    assert_eq!(mean_kpi(&none, "cost_fee_campaigns_yuan", date), 0.0);
}

#[test]
fn firms_short_of_space_close_more_often() {
    // Parks full from the start and firms already near what their space supports: they hit
    // the cap within months and no land is free to grant.
    let mut crowded = small_city_to_2026();
    crowded.land.initial_land_occupancy = 1.0;
    crowded.land.initial_floor_occupancy = 1.0;
    crowded.land.initial_utilisation_min = 0.95;
    crowded.land.initial_utilisation_max = 1.0;
    crowded.levers.land.standard_factory_new_m2_per_year = 0.0;
    crowded.entry_exit.exit_if_short_of_space = 0.5;
    let mut indifferent = crowded.clone();
    indifferent.entry_exit.exit_if_short_of_space = 0.0;
    let date = "2026-12-31";
    assert!(
        mean_kpi(&crowded, "firms_exited", date) > mean_kpi(&indifferent, "firms_exited", date)
    );
}

#[test]
fn firms_and_tickets_are_conserved_under_heavy_turnover() {
    let mut s = small_city_to_2026();
    s.entry_exit.exit_rate_per_year = 0.6;
    s.entry_exit.exit_tier_multiplier.above_scale = 1.0;
    s.entry_exit.entry_rate_per_year = 0.6;
    for seed in [1, 2] {
        let mut sim = Simulation::new(&s, seed);
        let initial = u64::from(s.population.firms);
        while sim.step() {
            sim.check_invariants()
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let r = sim.rows().last().unwrap();
            assert_eq!(r.firms + r.firms_exited, initial + r.firms_entered);
            common::assert_tickets_conserved(r);
        }
        let end = sim.rows().last().unwrap().clone();
        assert!(end.firms_exited > 1_000 && end.firms_entered > 1_000);
        assert!(
            end.tickets_withdrawn > 0,
            "some closing firms had open tickets"
        );

        // Entrants take the next ids in order, start as small firms (the yearly revision may
        // since have put some on the above-scale list, never in a leading or key tier), and
        // closed firms are marked.
        let world = sim.world_mut();
        let index = world.resource::<FirmIndex>().0.clone();
        assert_eq!(index.len() as u64, initial + end.firms_entered);
        for (i, &entity) in index.iter().enumerate() {
            assert_eq!(world.get::<FirmId>(entity).unwrap().0, i as u32);
            if i as u64 >= initial {
                let tier = world.get::<FirmProfile>(entity).unwrap().tier;
                assert!(matches!(tier, Tier::Other | Tier::AboveScale), "{tier:?}");
            }
        }
        let closed = world
            .query_filtered::<(), bevy_ecs::query::With<Exited>>()
            .iter(world)
            .count();
        assert_eq!(closed as u64, end.firms_exited);
        // Closing firms gave their park land back; some entrants found room in a park.
        assert!(world.resource::<LandBook>().vacated_milli_mu > 0);
        let in_parks = index[initial as usize..]
            .iter()
            .filter(|&&e| world.get::<FirmLand>(e).unwrap().park != NO_PARK)
            .count();
        assert!(in_parks > 0, "entrants settle in parks when there is room");
    }
}

#[test]
fn in_the_baseline_entry_roughly_balances_exit() {
    let s = common::baseline().scenario;
    let rows = run(&s, s.scenario.seed);
    let (first, last) = (rows.first().unwrap(), rows.last().unwrap());
    let drift = (last.firms as f64 - first.firms as f64) / first.firms as f64;
    assert!(
        drift.abs() < 0.02,
        "firm count drifted {:.2} %",
        drift * 100.0
    );
    assert!(last.firms_exited > 1_000, "firms do close");
}

#[test]
fn a_timeline_can_start_a_second_matchmaking_campaign() {
    let base = small_city_to_2026();
    let mut again = base.clone();
    again.timeline = toml::from_str::<Scenario>(
        "[scenario]\nname = \"t\"\n[[timeline]]\ndate = \"2025-09-01\"\n\
         set = { \"levers.market.matchmaking.campaign_start\" = \"2025-09-01\" }\n",
    )
    .unwrap()
    .timeline;
    assert!(reformsim::scenario::validate(&again).is_empty());
    let (a, b) = (run(&base, 3), run(&again, 3));
    assert_eq!(at(&a, "2025-08-31"), at(&b, "2025-08-31"));
    let events = |rows: &[MetricsRow]| at(rows, "2025-12-31").matchmaking_events;
    assert_eq!(events(&b), 2 * events(&a));
}
