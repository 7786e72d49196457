//! Checks a parsed scenario for values that parse but make no sense: negative rates, shares
//! that do not sum to 1, dates outside the horizon, zero capacities, categories no
//! department owns. Each problem names its key path; `input.rs` places it on its line.

use std::collections::BTreeMap;

use super::types::{CategoryName, PerCategory, PerTier, Scenario};
use crate::input::Problem;

/// Largest population accepted; beyond it a run would not fit in this machine's memory
/// (about 200 bytes per firm in the world plus its share of the ticket book).
pub const MAX_FIRMS: u32 = 50_000_000;
/// Longest horizon accepted, in days (50 years).
pub const MAX_DAYS: i32 = 50 * 366;
/// Most matchmaking events in one day.
pub const MAX_EVENTS_PER_DAY: f64 = 100.0;

/// Longest name of a scenario, sweep or calibration: the name becomes a folder, and file
/// systems allow 255 bytes per name (a run folder's name adds the seed and counts).
pub const MAX_NAME_CHARS: usize = 100;

/// What is wrong with a name that becomes an output folder (a scenario's, a sweep's, a
/// calibration's, or a comparison's default), if anything. One rule for every command, so
/// that `validate` never accepts a name that `run` cannot use: 1 to [`MAX_NAME_CHARS`]
/// ASCII letters, digits, `-` and `_`, which also rules out `/`, `..` and hidden names.
pub fn name_problem(name: &str) -> Option<String> {
    let plain = !name.is_empty()
        && name.len() <= MAX_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    (!plain).then(|| {
        format!(
            "must be a plain folder name: 1 to {MAX_NAME_CHARS} letters, digits, `-` or `_` \
             (it names the output folder), got {:?}",
            crate::input::clip(name, 40)
        )
    })
}

/// Every problem in the scenario, its timeline included; empty when it is valid.
pub fn validate(s: &Scenario) -> Vec<Problem> {
    let mut problems = validate_values(s);
    if problems.is_empty() {
        problems.extend(super::timeline::check(s));
    }
    problems
}

/// Every problem in the scenario's values as they stand (its timeline not applied).
pub(super) fn validate_values(s: &Scenario) -> Vec<Problem> {
    check_values(s).problems
}

/// The numeric bounds the checks of [`validate_values`] apply to the keys of `s`: the JSON
/// Schema carries them (`schema_bounds`), so an editor flags `share = 1.4` or
/// `capacity = 0` with the same limits `validate` uses.
pub(super) fn bounds(s: &Scenario) -> Vec<Bound> {
    check_values(s).bounds
}

/// A numeric bound on one key path, as a check applies it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Bound {
    pub key: String,
    pub minimum: Option<f64>,
    pub exclusive_minimum: Option<f64>,
    pub maximum: Option<f64>,
}

fn check_values(s: &Scenario) -> Checker {
    let mut p = Checker::default();
    let meta = &s.scenario;
    if let Some(m) = name_problem(&meta.name) {
        p.push("scenario.name", m);
    }
    p.problems.extend(s.outputs.problems(meta.start, meta.end));
    let days = meta.end.days_since(meta.start);
    if days < 0 {
        p.push(
            "scenario.end",
            format!("{} is before scenario.start {}", meta.end, meta.start),
        );
    } else if days >= MAX_DAYS {
        p.push(
            "scenario.end",
            format!(
                "the horizon is {} days; at most {MAX_DAYS} are supported",
                days + 1
            ),
        );
    }

    let pop = &s.population;
    p.bound(
        "population.firms",
        Some(1.0),
        None,
        Some(f64::from(MAX_FIRMS)),
    );
    p.bound("population.districts", Some(1.0), None, Some(255.0));
    if pop.firms == 0 {
        p.push("population.firms", "must be at least 1");
    } else if pop.firms > MAX_FIRMS {
        p.push(
            "population.firms",
            format!(
                "{} firms would need about {} GB of memory; at most {MAX_FIRMS} are supported",
                pop.firms,
                u64::from(pop.firms) * 200 / 1_000_000_000 + 1
            ),
        );
    }
    p.shares_per_tier("population.tier_shares", &pop.tier_shares);
    p.positive_per_tier(
        "population.value_added_median_yuan",
        &pop.value_added_median_yuan,
    );
    p.non_negative("population.value_added_sigma", pop.value_added_sigma);
    p.positive(
        "population.above_scale_value_added_yuan",
        pop.above_scale_value_added_yuan,
    );
    p.shares_map("population.chains", &pop.chains);
    p.shares_map("population.ownership", &pop.ownership);
    if pop.chains.len() > 255 {
        p.push("population.chains", "at most 255 chains are supported");
    }
    if pop.ownership.len() > 255 {
        p.push(
            "population.ownership",
            "at most 255 ownership types are supported",
        );
    }
    if !(1..=255).contains(&pop.districts) {
        p.push(
            "population.districts",
            format!("must be between 1 and 255, got {}", pop.districts),
        );
    }

    let pr = &s.problems;
    p.non_negative("problems.arrivals_per_firm_year", pr.arrivals_per_firm_year);
    for (tier, v) in tier_names().iter().zip(pr.tier_multiplier.as_array()) {
        p.non_negative(&format!("problems.tier_multiplier.{tier}"), v);
    }
    p.shares_per_category("problems.category_shares", &pr.category_shares);
    p.positive("problems.self_resolve_days", pr.self_resolve_days);

    let prod = &s.production;
    p.finite("production.trend_growth", prod.trend_growth);
    p.non_negative(
        "production.drag_per_open_problem",
        prod.drag_per_open_problem,
    );
    p.non_negative("production.volatility", prod.volatility);
    p.unit_interval(
        "production.volatility_size_exponent",
        prod.volatility_size_exponent,
    );

    let inv = &s.investment;
    p.non_negative("investment.share_of_value_added", inv.share_of_value_added);
    p.unit_interval("investment.blocked_share", inv.blocked_share);
    validate_projects(&mut p, &inv.projects, &s.levers.investment);

    let i = &s.innovation;
    for (tier, v) in tier_names().iter().zip(i.rd_initial_share.as_array()) {
        p.unit_interval(&format!("innovation.rd_initial_share.{tier}"), v);
    }
    for (key, v) in [
        ("transforming_initial_share", i.transforming_initial_share),
        ("workshop_initial_share", i.workshop_initial_share),
        ("smart_factory_initial_share", i.smart_factory_initial_share),
        ("green_initial_share", i.green_initial_share),
    ] {
        p.unit_interval(&format!("innovation.{key}"), v);
    }
    if i.workshop_initial_share + i.smart_factory_initial_share > i.transforming_initial_share {
        p.push(
            "innovation.transforming_initial_share",
            "must be at least workshop_initial_share + smart_factory_initial_share (workshops and smart factories are covered firms)",
        );
    }
    for (key, v) in [
        ("rd_rate_per_year", i.rd_rate_per_year),
        ("workshop_rate_per_year", i.workshop_rate_per_year),
        ("smart_factory_rate_per_year", i.smart_factory_rate_per_year),
        ("green_rate_per_year", i.green_rate_per_year),
        ("workshop_cost_yuan", i.workshop_cost_yuan),
        ("smart_factory_cost_yuan", i.smart_factory_cost_yuan),
        ("subsidy_response", i.subsidy_response),
        ("grant_response_per_million", i.grant_response_per_million),
    ] {
        p.non_negative(&format!("innovation.{key}"), v);
    }
    for (key, v) in [
        ("rd_growth_bonus", i.rd_growth_bonus),
        ("workshop_growth_bonus", i.workshop_growth_bonus),
        ("smart_factory_growth_bonus", i.smart_factory_growth_bonus),
    ] {
        p.finite(&format!("innovation.{key}"), v);
    }
    let li = &s.levers.innovation;
    p.unit_interval(
        "levers.innovation.workshop_subsidy_rate",
        li.workshop_subsidy_rate,
    );
    p.unit_interval(
        "levers.innovation.smart_factory_subsidy_rate",
        li.smart_factory_subsidy_rate,
    );
    for (key, v) in [
        ("rd_grant_yuan", li.rd_grant_yuan),
        ("diagnosis_rate_per_year", li.diagnosis_rate_per_year),
        ("diagnosis_cost_yuan", li.diagnosis_cost_yuan),
        ("green_award_yuan", li.green_award_yuan),
    ] {
        p.non_negative(&format!("levers.innovation.{key}"), v);
    }
    check_funds(&mut p, s);
    validate_market(s, &mut p);
    p.non_negative("costs.visit_yuan", s.costs.visit_yuan);
    p.non_negative(
        "costs.department_slot_day_yuan",
        s.costs.department_slot_day_yuan,
    );
    p.non_negative(
        "costs.standard_factory_build_yuan_per_m2",
        s.costs.standard_factory_build_yuan_per_m2,
    );

    let c = &s.levers.campaign;
    if c.start < meta.start || c.start > meta.end {
        p.push(
            "levers.campaign.start",
            format!(
                "{} is outside the horizon {} to {}",
                c.start, meta.start, meta.end
            ),
        );
    }
    for (tier, v) in tier_names().iter().zip(c.coverage.as_array()) {
        p.unit_interval(&format!("levers.campaign.coverage.{tier}"), v);
    }
    p.unit_interval(
        "levers.campaign.no_problem_visit_cost_days",
        c.no_problem_visit_cost_days,
    );

    let e = &s.levers.escalation;
    if e.after_days == 0 {
        p.push("levers.escalation.after_days", "must be at least 1 day");
    }
    if !(e.speedup.is_finite() && e.speedup >= 1.0) {
        p.push(
            "levers.escalation.speedup",
            format!("must be a number of at least 1, got {}", e.speedup),
        );
    }

    let r = &s.levers.revisits;
    p.unit_interval("levers.revisits.share", r.share);
    p.non_negative("levers.revisits.patience_days", r.patience_days);
    p.positive(
        "levers.revisits.satisfaction_half_life_days",
        r.satisfaction_half_life_days,
    );
    p.unit_interval(
        "levers.revisits.satisfied_if_unsolved",
        r.satisfied_if_unsolved,
    );
    p.unit_interval("levers.hotline.report_share", s.levers.hotline.report_share);
    p.unit_interval(
        "levers.resolution.unsolved_share",
        s.levers.resolution.unsolved_share,
    );

    validate_land(&mut p, s);

    if s.departments.is_empty() {
        p.push(
            "departments",
            "at least one department is needed to resolve tickets",
        );
    }
    let mut owner: BTreeMap<CategoryName, usize> = BTreeMap::new();
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, d) in s.departments.iter().enumerate() {
        let key = |field: &str| format!("departments[{i}].{field}");
        if let Some(first) = names.insert(d.name.as_str(), i) {
            p.push(
                &key("name"),
                format!("{:?} is already the name of departments[{first}]", d.name),
            );
        }
        p.bound(&key("capacity"), Some(1.0), None, None);
        if d.capacity == 0 {
            p.push(
                &key("capacity"),
                "must be at least 1 ticket at a time (0 would never resolve anything)",
            );
        }
        p.positive(&key("service_days_mean"), d.service_days_mean);
        p.non_negative(&key("service_days_cv"), d.service_days_cv);
        for cat in &d.categories {
            if let Some(first) = owner.insert(*cat, i) {
                p.push(&key("categories"), format!("{cat:?} is already owned by departments[{first}]; each category needs exactly one owner"));
            }
        }
    }
    if !s.departments.is_empty() {
        let missing: Vec<String> = crate::model::Category::ALL
            .iter()
            .map(|c| c.name())
            .filter(|name| {
                !owner
                    .keys()
                    .any(|k| format!("{k:?}").eq_ignore_ascii_case(name))
            })
            .map(str::to_owned)
            .collect();
        if !missing.is_empty() {
            p.push(
                "departments",
                format!("no department owns the categories {}", missing.join(", ")),
            );
        }
    }
    p
}

/// Largest amount of money accepted anywhere, yuan: far beyond any city budget, and small
/// enough that sums of many such amounts stay exact in `i64`.
pub const MAX_YUAN: f64 = 1.0e15;

/// `[funds]` and `[levers.funds]`.
fn check_funds(p: &mut Checker, s: &Scenario) {
    let f = &s.funds;
    let chains: Vec<&str> = s.population.chains.keys().map(String::as_str).collect();
    p.money("funds.chain_funds_total_yuan", f.chain_funds_total_yuan);
    p.money("funds.s_fund_yuan", f.s_fund_yuan);
    if !f.chain_fund_shares.is_empty() {
        p.shares_map("funds.chain_fund_shares", &f.chain_fund_shares);
        for name in f.chain_fund_shares.keys() {
            p.known_chain(&format!("funds.chain_fund_shares.{name}"), name, &chains);
        }
    }
    p.positive("funds.investment_period_years", f.investment_period_years);
    for (tier, v) in tier_names().iter().zip(f.chain_deal_yuan.as_array()) {
        p.money(&format!("funds.chain_deal_yuan.{tier}"), v);
    }
    for (tier, v) in tier_names().iter().zip(f.s_fund_deal_yuan.as_array()) {
        p.money(&format!("funds.s_fund_deal_yuan.{tier}"), v);
    }
    p.non_negative("funds.finance_need_weight", f.finance_need_weight);
    p.money(
        "funds.early_max_value_added_yuan",
        f.early_max_value_added_yuan,
    );
    for (i, name) in f.hard_tech_chains.iter().enumerate() {
        let key = format!("funds.hard_tech_chains[{i}]");
        p.known_chain(&key, name, &chains);
        if f.hard_tech_chains[..i].contains(name) {
            p.push(&key, format!("{name:?} is listed twice"));
        }
    }
    p.money("funds.grant_yuan", f.grant_yuan);
    if f.milestone_days == 0 {
        p.push("funds.milestone_days", "must be at least 1 day");
    }
    p.non_negative("funds.milestone_growth", f.milestone_growth);
    for (tier, v) in tier_names().iter().zip(f.loan_yuan.as_array()) {
        p.money(&format!("funds.loan_yuan.{tier}"), v);
    }
    for (key, v) in [
        ("loan_term_days", f.loan_term_days),
        ("loan_payment_days", f.loan_payment_days),
        ("spend_days", f.spend_days),
    ] {
        if v == 0 {
            p.push(&format!("funds.{key}"), "must be at least 1 day");
        }
    }
    p.unit_interval("funds.loan_rate", f.loan_rate);
    p.unit_interval("funds.loan_recovery_share", f.loan_recovery_share);
    for (key, v) in [
        ("loan_uptake_per_year", f.loan_uptake_per_year),
        ("subsidy_uptake_response", f.subsidy_uptake_response),
        ("default_rate_per_year", f.default_rate_per_year),
        ("default_per_open_problem", f.default_per_open_problem),
        ("investment_per_yuan", f.investment_per_yuan),
    ] {
        p.non_negative(&format!("funds.{key}"), v);
    }
    p.positive("funds.default_points_half_life", f.default_points_half_life);

    let l = &s.levers.funds;
    for (name, w) in &l.chain_weights {
        let key = format!("levers.funds.chain_weights.{name}");
        p.known_chain(&key, name, &chains);
        p.non_negative(&key, *w);
    }
    for (stage, v) in ["early", "growth", "mature"]
        .iter()
        .zip(l.stage_weights.as_array())
    {
        p.non_negative(&format!("levers.funds.stage_weights.{stage}"), v);
    }
    for (tier, v) in tier_names().iter().zip(l.tier_weights.as_array()) {
        p.non_negative(&format!("levers.funds.tier_weights.{tier}"), v);
    }
    p.money("levers.funds.cap_per_firm_yuan", l.cap_per_firm_yuan);
    if l.cadence_days == 0 {
        p.push(
            "levers.funds.cadence_days",
            "must be at least 1 day between allocation rounds",
        );
    }
    for (key, v) in [
        ("early", l.s_fund_tilt.early),
        ("small", l.s_fund_tilt.small),
        ("hard_tech", l.s_fund_tilt.hard_tech),
    ] {
        p.non_negative(&format!("levers.funds.s_fund_tilt.{key}"), v);
    }
    p.money(
        "levers.funds.grant_budget_yuan_per_year",
        l.grant_budget_yuan_per_year,
    );
    p.unit_interval("levers.funds.loan_guarantee_share", l.loan_guarantee_share);
    p.unit_interval(
        "levers.funds.interest_subsidy_share",
        l.interest_subsidy_share,
    );
}

/// `[market]`, `[levers.market]` and `[entry_exit]`: rates, shares and divisors.
fn validate_market(s: &Scenario, p: &mut Checker) {
    let m = &s.market;
    p.non_negative(
        "market.orders_per_attendance_yuan",
        m.orders_per_attendance_yuan,
    );
    p.non_negative("market.orders_sigma", m.orders_sigma);
    for (key, v) in [
        ("value_added_share_of_sales", m.value_added_share_of_sales),
        ("takeup_with_application", m.takeup_with_application),
        ("takeup_without_application", m.takeup_without_application),
        ("arrears_finance_relief", m.arrears_finance_relief),
        ("fee_cost_relief", m.fee_cost_relief),
    ] {
        p.unit_interval(&format!("market.{key}"), v);
    }
    if m.delivery_days == 0 {
        p.push(
            "market.delivery_days",
            "must be at least 1 day (orders are delivered over it)",
        );
    }
    // Divides the benefit: the chance that a benefit settles a problem.
    p.positive("market.problem_relief_yuan", m.problem_relief_yuan);

    let mm = &s.levers.market.matchmaking;
    if mm.campaign_days == 0 {
        p.push(
            "levers.market.matchmaking.campaign_days",
            "must be at least 1 day (events are spread over the window)",
        );
    }
    p.non_negative(
        "levers.market.matchmaking.campaign_events",
        mm.campaign_events,
    );
    p.non_negative(
        "levers.market.matchmaking.events_per_year",
        mm.events_per_year,
    );
    // A day's events are held one by one; more than this is a typo, not a plan.
    if mm.events_per_year > MAX_EVENTS_PER_DAY * 365.0 {
        p.push(
            "levers.market.matchmaking.events_per_year",
            format!(
                "at most {} events per year are supported, got {}",
                MAX_EVENTS_PER_DAY * 365.0,
                mm.events_per_year
            ),
        );
    }
    if mm.campaign_days > 0 && mm.campaign_events > MAX_EVENTS_PER_DAY * f64::from(mm.campaign_days)
    {
        p.push(
            "levers.market.matchmaking.campaign_events",
            format!(
                "at most {MAX_EVENTS_PER_DAY} events per campaign day are supported, got {} over {} days",
                mm.campaign_events, mm.campaign_days
            ),
        );
    }
    p.unit_interval(
        "levers.market.matchmaking.conversion_rate",
        mm.conversion_rate,
    );
    p.non_negative(
        "levers.market.matchmaking.cost_per_event_yuan",
        mm.cost_per_event_yuan,
    );

    let push = &s.levers.market.push;
    for (year, n) in &push.firms_per_year {
        let key = format!("levers.market.push.firms_per_year.{year}");
        if !(year.len() == 4 && year.parse::<i32>().is_ok()) {
            p.push(
                &key,
                format!("keys must be years such as 2024, got {year:?}"),
            );
        }
        p.non_negative(&key, *n);
    }
    p.unit_interval(
        "levers.market.push.no_application_share",
        push.no_application_share,
    );
    p.non_negative(
        "levers.market.push.benefit_per_firm_yuan",
        push.benefit_per_firm_yuan,
    );

    let fee = &s.levers.market.fee_campaigns;
    p.non_negative("levers.market.fee_campaigns.intensity", fee.intensity);
    p.non_negative(
        "levers.market.fee_campaigns.cost_per_year_yuan",
        fee.cost_per_year_yuan,
    );

    let e = &s.entry_exit;
    for (key, v) in [
        ("exit_rate_per_year", e.exit_rate_per_year),
        ("exit_per_open_problem", e.exit_per_open_problem),
        ("exit_per_finance_problem", e.exit_per_finance_problem),
        ("decline_threshold", e.decline_threshold),
        ("exit_if_declining", e.exit_if_declining),
        ("exit_if_short_of_space", e.exit_if_short_of_space),
    ] {
        p.non_negative(&format!("entry_exit.{key}"), v);
    }
    // Entrants are new firms in memory; a rate above 1 per year is a typo for a percentage.
    p.unit_interval("entry_exit.entry_rate_per_year", e.entry_rate_per_year);
    for (tier, v) in tier_names().iter().zip(e.exit_tier_multiplier.as_array()) {
        p.non_negative(&format!("entry_exit.exit_tier_multiplier.{tier}"), v);
    }
    p.positive("entry_exit.entrant_size", e.entrant_size);
}

/// Most parks accepted (park ids are 16-bit).
pub const MAX_PARKS: u32 = 10_000;

/// `[land]` and `[levers.land]`.
fn validate_land(p: &mut Checker, s: &Scenario) {
    let land = &s.land;
    let counts = land.parks.as_array();
    let total: u64 = counts.iter().map(|&n| u64::from(n)).sum();
    if total > u64::from(MAX_PARKS) {
        p.push(
            "land.parks",
            format!("{total} parks; at most {MAX_PARKS} are supported"),
        );
    }
    for (tier, v) in tier_names().iter().zip(land.in_park_share.as_array()) {
        p.unit_interval(&format!("land.in_park_share.{tier}"), v);
    }
    for (tier, v) in tier_names()
        .iter()
        .zip(land.standard_factory_tenant_share.as_array())
    {
        p.unit_interval(&format!("land.standard_factory_tenant_share.{tier}"), v);
    }
    let kind_items = park_kind_names()
        .into_iter()
        .map(str::to_owned)
        .zip(land.park_firm_share.as_array());
    p.shares("land.park_firm_share", kind_items);
    for ((kind, n), share) in park_kind_names()
        .iter()
        .zip(counts)
        .zip(land.park_firm_share.as_array())
    {
        if n == 0 && share > 0.0 {
            p.push(
                &format!("land.parks.{kind}"),
                format!(
                    "is 0, but land.park_firm_share.{kind} puts {share} of in-park firms there"
                ),
            );
        }
    }
    for (key, v) in [
        ("land.initial_land_occupancy", land.initial_land_occupancy),
        ("land.initial_floor_occupancy", land.initial_floor_occupancy),
        ("land.initial_utilisation_min", land.initial_utilisation_min),
        ("land.initial_utilisation_max", land.initial_utilisation_max),
    ] {
        if p.finite(key, v) && !(v > 0.0 && v <= 1.0) {
            p.push(key, format!("must be > 0 and ≤ 1, got {v}"));
        }
    }
    if land.initial_utilisation_min > land.initial_utilisation_max {
        p.push(
            "land.initial_utilisation_min",
            format!(
                "{} is above land.initial_utilisation_max {}",
                land.initial_utilisation_min, land.initial_utilisation_max
            ),
        );
    }
    p.positive("land.capacity_per_mu_yuan", land.capacity_per_mu_yuan);
    p.positive("land.capacity_per_m2_yuan", land.capacity_per_m2_yuan);
    p.positive("land.request_at_utilisation", land.request_at_utilisation);
    p.positive("land.expand_to_utilisation", land.expand_to_utilisation);
    if land.expand_to_utilisation >= land.request_at_utilisation {
        p.push(
            "land.expand_to_utilisation",
            format!(
                "must be below land.request_at_utilisation ({}), got {} (a firm would ask for no space)",
                land.request_at_utilisation, land.expand_to_utilisation
            ),
        );
    }
    for (kind, offers) in park_kind_names().iter().zip(land.offers.as_array()) {
        let key = format!("land.offers.{kind}");
        if offers.is_empty() {
            p.push(&key, "a park must offer at least one supply mode");
        }
        let mut seen = std::collections::BTreeSet::new();
        for m in &offers {
            if !seen.insert(*m) {
                let name = serde_json::to_value(m)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                p.push(&key, format!("`{name}` is listed twice"));
            }
        }
    }

    let l = &s.levers.land;
    let mix_items = supply_mode_names()
        .into_iter()
        .map(str::to_owned)
        .zip(l.supply_mix.as_array());
    p.shares("levers.land.supply_mix", mix_items);
    for (name, terms) in supply_mode_names().iter().zip(l.modes.as_array()) {
        let key = |field: &str| format!("levers.land.modes.{name}.{field}");
        p.non_negative(&key("upfront_yuan"), terms.upfront_yuan);
        p.non_negative(&key("rent_yuan_per_year"), terms.rent_yuan_per_year);
        if terms.tenure_years == 0 {
            p.push(&key("tenure_years"), "must be at least 1 year");
        } else if terms.tenure_years > 100 {
            p.push(
                &key("tenure_years"),
                format!("must be at most 100 years, got {}", terms.tenure_years),
            );
        }
        if terms.lead_time_days > 3650 {
            p.push(
                &key("lead_time_days"),
                format!("must be at most 3650 days, got {}", terms.lead_time_days),
            );
        }
        if *name == "lease_then_transfer" {
            if terms.convert_after_years == 0 || terms.convert_after_years >= terms.tenure_years {
                p.push(
                    &key("convert_after_years"),
                    format!(
                        "must be at least 1 and below tenure_years ({}), got {}",
                        terms.tenure_years, terms.convert_after_years
                    ),
                );
            }
        } else if terms.convert_after_years != 0 {
            p.push(
                &key("convert_after_years"),
                "only lease_then_transfer converts; must be 0 here",
            );
        }
    }
    p.non_negative(
        "levers.land.standard_factory_new_m2_per_year",
        l.standard_factory_new_m2_per_year,
    );
    if p.finite(
        "levers.land.devolved_approvals_factor",
        l.devolved_approvals_factor,
    ) && l.devolved_approvals_factor < 1.0
    {
        p.push(
            "levers.land.devolved_approvals_factor",
            format!(
                "must be ≥ 1 (it divides lead times), got {}",
                l.devolved_approvals_factor
            ),
        );
    }
    p.non_negative("levers.land.mu_threshold_yuan", l.mu_threshold_yuan);
    if l.evaluation_interval_days == 0 {
        p.push(
            "levers.land.evaluation_interval_days",
            "must be at least 1 day",
        );
    }
    p.unit_interval("levers.land.reclaim_share", l.reclaim_share);
    p.unit_interval(
        "levers.land.new_land_share_per_year",
        l.new_land_share_per_year,
    );
}

fn park_kind_names() -> [&'static str; 3] {
    ["flagship", "city", "other"]
}

fn supply_mode_names() -> [&'static str; 5] {
    [
        "transfer",
        "long_term_lease",
        "lease_then_transfer",
        "flexible_term",
        "standard_factory",
    ]
}

fn tier_names() -> [&'static str; 4] {
    ["leading", "key", "above_scale", "other"]
}

#[derive(Default)]
struct Checker {
    problems: Vec<Problem>,
    /// Every numeric bound checked, met or not, for the JSON Schema.
    bounds: Vec<Bound>,
}

impl Checker {
    fn push(&mut self, key: &str, message: impl Into<String>) {
        self.problems.push(Problem::new(key, message));
    }

    /// Records the bound a check applies to `key`.
    fn bound(
        &mut self,
        key: &str,
        minimum: Option<f64>,
        exclusive_minimum: Option<f64>,
        maximum: Option<f64>,
    ) {
        self.bounds.push(Bound {
            key: key.to_owned(),
            minimum,
            exclusive_minimum,
            maximum,
        });
    }

    fn finite(&mut self, key: &str, v: f64) -> bool {
        if !v.is_finite() {
            self.push(key, format!("must be a finite number, got {v}"));
            return false;
        }
        true
    }

    fn non_negative(&mut self, key: &str, v: f64) {
        self.bound(key, Some(0.0), None, None);
        if self.finite(key, v) && v < 0.0 {
            self.push(key, format!("must be ≥ 0, got {v}"));
        }
    }

    fn positive(&mut self, key: &str, v: f64) {
        self.bound(key, None, Some(0.0), None);
        if self.finite(key, v) && v <= 0.0 {
            self.push(key, format!("must be > 0, got {v}"));
        }
    }

    fn unit_interval(&mut self, key: &str, v: f64) {
        self.bound(key, Some(0.0), None, Some(1.0));
        if self.finite(key, v) && !(0.0..=1.0).contains(&v) {
            self.push(key, format!("must be between 0 and 1, got {v}"));
        }
    }

    fn shares(&mut self, key: &str, items: impl Iterator<Item = (String, f64)>) {
        let mut sum = 0.0;
        let mut ok = true;
        for (name, v) in items {
            let k = format!("{key}.{name}");
            self.bound(&k, Some(0.0), None, Some(1.0));
            if !self.finite(&k, v) || v < 0.0 {
                if v < 0.0 {
                    self.push(&k, format!("a share must be ≥ 0, got {v}"));
                }
                ok = false;
            }
            sum += v;
        }
        if ok && (sum - 1.0).abs() > 1e-6 {
            self.push(key, format!("shares must sum to 1, they sum to {sum}"));
        }
    }

    fn shares_per_tier(&mut self, key: &str, v: &PerTier<f64>) {
        let items = tier_names()
            .into_iter()
            .map(str::to_owned)
            .zip(v.as_array());
        self.shares(key, items);
    }

    fn shares_per_category(&mut self, key: &str, v: &PerCategory<f64>) {
        let items = crate::model::Category::ALL
            .iter()
            .map(|c| c.name().to_owned())
            .zip(v.as_array());
        self.shares(key, items);
    }

    fn shares_map(&mut self, key: &str, v: &BTreeMap<String, f64>) {
        if v.is_empty() {
            self.push(key, "needs at least one entry");
            return;
        }
        self.shares(key, v.iter().map(|(k, v)| (k.clone(), *v)));
    }

    /// An amount of money: finite, ≥ 0 and at most `MAX_YUAN`.
    fn money(&mut self, key: &str, v: f64) {
        self.bound(key, Some(0.0), None, Some(MAX_YUAN));
        if self.finite(key, v) {
            if v < 0.0 {
                self.push(key, format!("must be ≥ 0 yuan, got {v}"));
            } else if v > MAX_YUAN {
                self.push(key, format!("must be at most {MAX_YUAN:e} yuan, got {v:e}"));
            }
        }
    }

    /// A name that must be one of the population's chains.
    fn known_chain(&mut self, key: &str, name: &str, chains: &[&str]) {
        if !chains.contains(&name) {
            let near = crate::input::nearest(name, chains)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            self.push(
                key,
                format!(
                    "{name:?} is not a chain of population.chains{near} (chains: {})",
                    chains.join(", ")
                ),
            );
        }
    }

    fn positive_per_tier(&mut self, key: &str, v: &PerTier<f64>) {
        for (tier, x) in tier_names().iter().zip(v.as_array()) {
            self.positive(&format!("{key}.{tier}"), x);
        }
    }
}

/// `[investment.projects]` and `[levers.investment]`.
fn validate_projects(p: &mut Checker, pr: &super::ProjectParams, levers: &super::InvestmentLevers) {
    let key = |k: &str| format!("investment.projects.{k}");
    p.positive(&key("min_size_yuan"), pr.min_size_yuan);
    p.positive(&key("max_size_yuan"), pr.max_size_yuan);
    if pr.max_size_yuan.is_finite()
        && pr.min_size_yuan.is_finite()
        && pr.max_size_yuan < pr.min_size_yuan
    {
        p.push(
            &key("max_size_yuan"),
            format!(
                "must be ≥ min_size_yuan ({}), got {}",
                pr.min_size_yuan, pr.max_size_yuan
            ),
        );
    }
    p.positive(&key("size_tail_exponent"), pr.size_tail_exponent);
    p.non_negative(&key("approval_days"), pr.approval_days);
    p.non_negative(&key("finance_days"), pr.finance_days);
    p.positive(
        &key("construction_days_at_100m"),
        pr.construction_days_at_100m,
    );
    p.non_negative(
        &key("construction_size_elasticity"),
        pr.construction_size_elasticity,
    );
    p.positive(&key("max_construction_days"), pr.max_construction_days);
    p.non_negative(
        &key("standard_factory_max_yuan"),
        pr.standard_factory_max_yuan,
    );
    p.unit_interval(
        &key("standard_factory_construction_share"),
        pr.standard_factory_construction_share,
    );
    p.positive(&key("give_up_days"), pr.give_up_days);
    p.non_negative(
        &key("value_added_per_yuan_year"),
        pr.value_added_per_yuan_year,
    );
    for (k, v) in [
        ("approval_days", pr.approval_days),
        ("finance_days", pr.finance_days),
        ("construction_days_at_100m", pr.construction_days_at_100m),
        ("max_construction_days", pr.max_construction_days),
        ("give_up_days", pr.give_up_days),
    ] {
        if v.is_finite() && v > f64::from(MAX_DAYS) {
            p.push(&key(k), format!("must be at most {MAX_DAYS} days, got {v}"));
        }
    }
    if levers.signed_per_year.is_empty() {
        p.push(
            "levers.investment.signed_per_year",
            "needs at least one year, e.g. { \"2023\" = 0.13 }",
        );
    }
    for (year, v) in &levers.signed_per_year {
        let key = format!("levers.investment.signed_per_year.{year}");
        if !(year.len() == 4 && year.parse::<i32>().is_ok()) {
            p.push(
                &key,
                format!("keys must be years such as 2024, got {year:?}"),
            );
        }
        p.non_negative(&key, *v);
    }
}
