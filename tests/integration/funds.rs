//! Funds and finance (FACTS B5–B8): money is conserved every day, no fund invests beyond its
//! size, and each lever moves its KPIs the way docs/MODEL.md says, over a fixed seed list.

use crate::common;

use crate::common::{SEEDS, run, small_city_to_2026};

use reformsim::engine::Simulation;
use reformsim::metrics::MetricsRow;
use reformsim::scenario::Scenario;

/// Mean over the seed list of a KPI on the last day.
fn mean_end(s: &Scenario, kpi: &str) -> f64 {
    SEEDS
        .iter()
        .map(|&seed| run(s, seed).last().unwrap().get(kpi).unwrap_or(f64::NAN))
        .sum::<f64>()
        / SEEDS.len() as f64
}

/// Mean over the seed list of investment summed over every day of the run, yuan.
fn mean_total_investment(s: &Scenario) -> f64 {
    SEEDS
        .iter()
        .map(|&seed| {
            run(s, seed)
                .iter()
                .map(|r| r.investment_yuan as f64)
                .sum::<f64>()
        })
        .sum::<f64>()
        / SEEDS.len() as f64
}

#[test]
fn money_is_conserved_and_no_fund_outgrows_its_size_on_any_day() {
    let mut s = small_city_to_2026();
    // Stress every flow: funds that could exhaust themselves in months, many loans that
    // often default, grants that rarely convert.
    s.funds.chain_funds_total_yuan = 20.0e9;
    s.funds.s_fund_yuan = 2.0e9;
    s.funds.investment_period_years = 0.5;
    s.funds.default_rate_per_year = 1.0;
    s.funds.milestone_growth = 0.5;
    s.levers.funds.loan_min_points = 0;
    s.levers.funds.grant_budget_yuan_per_year = 1.0e9;
    assert!(reformsim::scenario::validate(&s).is_empty());
    for seed in [1, 2] {
        let mut sim = Simulation::new(&s, seed);
        while sim.step() {
            sim.check_invariants()
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let r = sim.rows().last().unwrap();
            assert!(r.fund_deployed_yuan <= r.fund_size_yuan, "{}", r.date);
            assert!(
                r.loans_outstanding_yuan <= r.loans_issued_yuan,
                "{}",
                r.date
            );
            assert!(r.grants_converted_yuan <= r.grants_paid_yuan, "{}", r.date);
        }
        let end = sim.rows().last().unwrap().clone();
        // A fast pace invests nearly the whole size; what is left is less than a deal.
        assert!(
            end.fund_deployed_yuan as f64 > 0.9 * end.fund_size_yuan as f64,
            "{} of {}",
            end.fund_deployed_yuan,
            end.fund_size_yuan
        );
        assert!(end.loan_defaults > 0);
        assert!(end.get("cost_loan_losses_yuan").unwrap() > 0.0);
        assert!(end.get("cost_fund_grants_yuan").unwrap() > 0.0);
    }
}

#[test]
fn deals_larger_than_a_fund_are_never_made() {
    let mut s = common::small_city().scenario;
    s.funds.chain_funds_total_yuan = 1.0e6;
    s.funds.s_fund_yuan = 1.0e6;
    s.funds.investment_period_years = 0.01;
    let end = run(&s, 1).last().unwrap().clone();
    assert_eq!(end.fund_size_yuan, 2_000_000);
    assert_eq!(
        end.fund_deployed_yuan, 0,
        "every deal is bigger than its fund"
    );
}

#[test]
fn bigger_funds_finance_more_firms_and_raise_investment() {
    let base = common::small_city().scenario;
    let mut big = base.clone();
    big.funds.chain_funds_total_yuan *= 2.0;
    big.funds.s_fund_yuan *= 2.0;
    assert!(mean_end(&big, "fund_deployed_yuan") > mean_end(&base, "fund_deployed_yuan"));
    assert!(mean_end(&big, "firms_financed") > mean_end(&base, "firms_financed"));
    assert!(mean_total_investment(&big) > mean_total_investment(&base));
}

#[test]
fn a_lower_points_threshold_lends_to_more_firms() {
    let base = common::small_city().scenario;
    let mut easy = base.clone();
    easy.levers.funds.loan_min_points = 10;
    assert!(mean_end(&easy, "loans_issued_yuan") > mean_end(&base, "loans_issued_yuan"));
    assert!(mean_end(&easy, "firms_financed") > mean_end(&base, "firms_financed"));
    assert!(mean_total_investment(&easy) > mean_total_investment(&base));
}

#[test]
fn a_higher_default_hazard_books_more_loan_losses() {
    let base = small_city_to_2026();
    let mut risky = base.clone();
    risky.funds.default_rate_per_year = 0.3;
    assert!(mean_end(&risky, "loan_defaults") > mean_end(&base, "loan_defaults"));
    assert!(mean_end(&risky, "cost_loan_losses_yuan") > mean_end(&base, "cost_loan_losses_yuan"));
    // Without a guarantee, the losses stay with the banks.
    let mut unguaranteed = risky.clone();
    unguaranteed.levers.funds.loan_guarantee_share = 0.0;
    assert!(mean_end(&unguaranteed, "loan_defaults") > 0.0);
    assert_eq!(mean_end(&unguaranteed, "cost_loan_losses_yuan"), 0.0);
}

#[test]
fn the_interest_subsidy_costs_money_and_raises_uptake() {
    let base = common::small_city().scenario;
    let mut none = base.clone();
    none.levers.funds.interest_subsidy_share = 0.0;
    let mut full = base.clone();
    full.levers.funds.interest_subsidy_share = 1.0;
    assert_eq!(mean_end(&none, "cost_interest_subsidy_yuan"), 0.0);
    assert!(
        mean_end(&full, "cost_interest_subsidy_yuan")
            > mean_end(&base, "cost_interest_subsidy_yuan")
    );
    assert!(mean_end(&full, "loans_issued_yuan") > mean_end(&none, "loans_issued_yuan"));
}

#[test]
fn the_s_fund_tilt_moves_its_money_to_hard_tech_and_small_firms() {
    let base = common::small_city().scenario;
    let mut flat = base.clone();
    flat.levers.funds.s_fund_tilt = reformsim::scenario::Tilt {
        early: 0.0,
        small: 0.0,
        hard_tech: 0.0,
    };
    let mut hard = base.clone();
    hard.levers.funds.s_fund_tilt.hard_tech = 20.0;
    let mut small = base.clone();
    small.levers.funds.s_fund_tilt.small = 20.0;
    let hard_share = |s: &Scenario| mean_end(s, "s_fund_hard_tech_share");
    let small_share = |s: &Scenario| mean_end(s, "s_fund_small_share");
    assert!(hard_share(&hard) > hard_share(&flat));
    assert!(small_share(&small) > small_share(&flat));
    // Small firms take small deals, so the same money finances more firms.
    assert!(mean_end(&small, "firms_financed") > mean_end(&flat, "firms_financed"));
}

#[test]
fn a_larger_grant_budget_pays_more_grants_and_unconverted_ones_are_outlays() {
    let base = small_city_to_2026();
    let mut rich = base.clone();
    rich.levers.funds.grant_budget_yuan_per_year *= 3.0;
    assert!(mean_end(&rich, "grants_paid_yuan") > mean_end(&base, "grants_paid_yuan"));
    assert!(mean_end(&rich, "cost_fund_grants_yuan") > mean_end(&base, "cost_fund_grants_yuan"));
    let mut none = base.clone();
    none.levers.funds.grant_budget_yuan_per_year = 0.0;
    assert_eq!(mean_end(&none, "grants_paid_yuan"), 0.0);
    assert_eq!(mean_end(&none, "cost_fund_grants_yuan"), 0.0);
}

#[test]
fn a_fund_lever_on_a_timeline_changes_nothing_before_its_date() {
    let base = common::small_city().scenario;
    let mut later = base.clone();
    later.timeline = toml::from_str::<Scenario>(
        "[scenario]\nname = \"t\"\n[[timeline]]\ndate = \"2024-10-01\"\n\
         set = { \"levers.funds.loan_min_points\" = 0, \"levers.funds.cadence_days\" = 7 }\n",
    )
    .unwrap()
    .timeline;
    assert!(reformsim::scenario::validate(&later).is_empty());
    for seed in [1, 2] {
        let (a, b) = (run(&base, seed), run(&later, seed));
        let on = |rows: &[MetricsRow], d: &str| {
            rows.iter()
                .find(|r| r.date.to_string() == d)
                .unwrap()
                .clone()
        };
        assert_eq!(on(&a, "2024-09-30"), on(&b, "2024-09-30"), "seed {seed}");
        assert!(
            on(&b, "2024-12-31").loans_issued_yuan > on(&a, "2024-12-31").loans_issued_yuan,
            "seed {seed}"
        );
    }
}

#[test]
fn the_baseline_funds_meet_the_b5_size_target() {
    let loaded = common::baseline();
    let s = &loaded.scenario;
    let sim = Simulation::new(s, s.scenario.seed);
    let book = sim.world().resource::<reformsim::model::FundBook>();
    assert!(book.size() as f64 > 300.0e9, "B5: > 300 bn yuan in total");
    assert_eq!(
        book.funds.len(),
        s.population.chains.len() + 1,
        "有链有基金: one fund per chain, plus the S fund"
    );
}

#[test]
fn firms_that_close_default_on_their_loans_and_their_grants_lapse() {
    // Heavy turnover with every finance flow open: a closing borrower defaults on its next
    // payment day and a closing grantee's grant lapses, and money stays conserved every day.
    let mut s = small_city_to_2026();
    s.entry_exit.exit_rate_per_year = 0.8;
    s.entry_exit.exit_tier_multiplier.above_scale = 1.0;
    s.entry_exit.entry_rate_per_year = 0.8;
    s.funds.default_rate_per_year = 0.0;
    s.funds.default_per_open_problem = 0.0;
    s.levers.funds.loan_min_points = 0;
    s.levers.funds.grant_budget_yuan_per_year = 1.0e9;
    s.funds.milestone_growth = 5.0;
    assert!(reformsim::scenario::validate(&s).is_empty());
    let calm = {
        let mut calm = s.clone();
        calm.entry_exit.exit_rate_per_year = 0.0;
        calm.entry_exit.exit_tier_multiplier.above_scale = 0.0;
        calm
    };
    for seed in [1, 2] {
        let mut sim = Simulation::new(&s, seed);
        while sim.step() {
            sim.check_invariants()
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        }
        let end = sim.rows().last().unwrap().clone();
        assert!(end.firms_exited > 1_000);
        // With no default hazard, only closed borrowers can default.
        assert!(end.loan_defaults > 0, "closed borrowers default");
        let calm_end = run(&calm, seed).last().unwrap().clone();
        assert!(calm_end.firms_exited < end.firms_exited);
        assert!(
            calm_end.loan_defaults < end.loan_defaults,
            "more closures, more defaults: {} vs {}",
            calm_end.loan_defaults,
            end.loan_defaults
        );
    }
}
