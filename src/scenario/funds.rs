//! Scenario sections for funds and finance (FACTS B5–B8): the chain funds and the S fund,
//! 先投后股 grants, innovation points and 积分贷 loans. Defaults are the baseline;
//! docs/MODEL.md ("Funds and finance") gives the source or the reason for each.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::PerTier;
use crate::date::Date;

/// `[funds]`: how the city's funds, grants and loans behave, and how firms respond to money.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Funds {
    /// First day the funds invest, grants are paid and 积分贷 loans are made. Before the
    /// horizon means from its first day.
    #[serde(default = "default_start")]
    pub start: Date,
    /// Total size of the chain funds, one per industrial chain (有链有基金, B5), yuan.
    #[serde(default = "default_chain_total")]
    pub chain_funds_total_yuan: f64,
    /// How the total is split between the chain funds: chain name → share, summing to 1.
    /// Empty: in proportion to each chain's share of firms (`population.chains`).
    #[serde(default)]
    pub chain_fund_shares: BTreeMap<String, f64>,
    /// Size of the S fund (B6), yuan.
    #[serde(default = "default_s_fund")]
    pub s_fund_yuan: f64,
    /// Years over which a fund invests its size at the base pace (chain weight 1).
    #[serde(default = "default_period")]
    pub investment_period_years: f64,
    /// Size of one chain-fund deal, by the firm's tier, yuan; 0 means no deals in that tier.
    #[serde(default = "default_chain_deal")]
    pub chain_deal_yuan: PerTier<f64>,
    /// Size of one S-fund deal, by the firm's tier, yuan.
    #[serde(default = "default_s_deal")]
    pub s_fund_deal_yuan: PerTier<f64>,
    /// A fund invests in the same firm at most once in this many days.
    #[serde(default = "default_deal_spacing")]
    pub min_days_between_deals: u32,
    /// How many times likelier a firm with an open finance problem is to be picked (it is
    /// the one looking for money).
    #[serde(default = "default_need_weight")]
    pub finance_need_weight: f64,
    /// Early stage: a firm (not leading or key) whose value added at the start is below this,
    /// yuan per year. Leading and key firms are mature; the rest are growth firms.
    #[serde(default = "default_early_max")]
    pub early_max_value_added_yuan: f64,
    /// Chains whose firms count as hard tech (硬科技), if they also have enough points.
    #[serde(default = "default_hard_tech_chains")]
    pub hard_tech_chains: Vec<String>,
    /// Innovation points a firm in a hard-tech chain needs to count as hard tech.
    #[serde(default)]
    pub hard_tech_min_points: u32,
    /// Innovation points (企业创新积分, B8) a firm earns for what it has built up.
    #[serde(default)]
    pub points: Points,
    /// One 先投后股 grant (B7), yuan.
    #[serde(default = "default_grant")]
    pub grant_yuan: f64,
    /// Days a grant's firm has to reach its milestone; after that the grant stays a grant.
    #[serde(default = "default_milestone_days")]
    pub milestone_days: u32,
    /// Milestone: output up by this share since the grant (or a new R&D institution).
    #[serde(default = "default_milestone_growth")]
    pub milestone_growth: f64,
    /// Size of one 积分贷 loan, by tier, yuan; 0 means no loans in that tier.
    #[serde(default = "default_loan")]
    pub loan_yuan: PerTier<f64>,
    /// Term of a loan; the principal is repaid at the end, days.
    #[serde(default = "default_loan_term")]
    pub loan_term_days: u32,
    /// Days between interest payments (a default can only happen on a payment day).
    #[serde(default = "default_payment_days")]
    pub loan_payment_days: u32,
    /// Interest rate per year.
    #[serde(default = "default_loan_rate")]
    pub loan_rate: f64,
    /// Chance per year that an eligible firm without a loan takes one, unsubsidised.
    #[serde(default = "default_uptake")]
    pub loan_uptake_per_year: f64,
    /// How strongly the interest subsidy raises uptake: uptake × (1 + response × subsidy share).
    #[serde(default = "default_subsidy_response")]
    pub subsidy_uptake_response: f64,
    /// Default hazard per year of a borrower with 0 points and no open problem.
    #[serde(default = "default_default_rate")]
    pub default_rate_per_year: f64,
    /// The hazard halves with every this many innovation points.
    #[serde(default = "default_points_half_life")]
    pub default_points_half_life: f64,
    /// The hazard rises by this share for every open problem of the borrower.
    #[serde(default = "default_per_problem")]
    pub default_per_open_problem: f64,
    /// Share of a defaulted principal the bank recovers.
    #[serde(default = "default_recovery")]
    pub loan_recovery_share: f64,
    /// Extra fixed investment per yuan of financing (equity, grant or loan) a firm receives.
    #[serde(default = "default_investment_per_yuan")]
    pub investment_per_yuan: f64,
    /// Mean days a firm takes to invest its financing (it invests 1/spend_days of what is
    /// left each day).
    #[serde(default = "default_spend_days")]
    pub spend_days: u32,
}

/// `[funds.points]`: innovation points per capability (B8).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Points {
    #[serde(default = "default_points_rd")]
    pub rd_institution: u32,
    /// Covered by 智改数转, projects under way.
    #[serde(default = "default_points_transforming")]
    pub transforming: u32,
    #[serde(default = "default_points_workshop")]
    pub workshop: u32,
    #[serde(default = "default_points_smart")]
    pub smart_factory: u32,
    #[serde(default = "default_points_green")]
    pub green: u32,
}

/// `[levers.funds]`: how the city steers its funds, grants and loans.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundLevers {
    /// Pace of each chain fund relative to the base pace (chain name → weight ≥ 0; chains
    /// not listed have weight 1; 0 freezes a fund). A fund never invests beyond its size.
    #[serde(default)]
    pub chain_weights: BTreeMap<String, f64>,
    /// Selection weight of firms by life-cycle stage.
    #[serde(default = "default_stage_weights")]
    pub stage_weights: PerStage<f64>,
    /// Selection weight of firms by tier.
    #[serde(default = "default_tier_weights")]
    pub tier_weights: PerTier<f64>,
    /// Most fund equity (all funds together) one firm may receive, yuan.
    #[serde(default = "default_cap")]
    pub cap_per_firm_yuan: f64,
    /// Days between allocation rounds (investment committees, grant and loan rounds).
    #[serde(default = "default_cadence")]
    pub cadence_days: u32,
    /// S fund (投早、投小、投硬科技, B6): a firm's weight is multiplied by (1 + tilt) for each
    /// of early stage, small (below designated size) and hard tech that applies.
    #[serde(default = "default_tilt")]
    pub s_fund_tilt: Tilt,
    /// 先投后股 grant budget per calendar year, yuan; unspent budget lapses at year end.
    #[serde(default = "default_grant_budget")]
    pub grant_budget_yuan_per_year: f64,
    /// Innovation points a firm needs for a 积分贷 loan.
    #[serde(default = "default_loan_min_points")]
    pub loan_min_points: u32,
    /// Share of a defaulted loan's loss the city guarantees (paid from the budget).
    #[serde(default = "default_guarantee")]
    pub loan_guarantee_share: f64,
    /// Share of a loan's interest the city pays (贴息).
    #[serde(default = "default_interest_subsidy")]
    pub interest_subsidy_share: f64,
}

/// Values per life-cycle stage.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerStage<T> {
    pub early: T,
    pub growth: T,
    pub mature: T,
}

impl<T: Copy> PerStage<T> {
    pub fn as_array(&self) -> [T; 3] {
        [self.early, self.growth, self.mature]
    }
}

/// The S fund's tilt towards early, small and hard-tech firms.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tilt {
    pub early: f64,
    pub small: f64,
    pub hard_tech: f64,
}

fn default_start() -> Date {
    Date::from_ymd(2024, 1, 1).expect("valid date")
}
fn default_chain_total() -> f64 {
    300.0e9
}
fn default_s_fund() -> f64 {
    10.0e9
}
fn default_period() -> f64 {
    10.0
}
fn default_chain_deal() -> PerTier<f64> {
    PerTier {
        leading: 5.0e8,
        key: 2.0e8,
        above_scale: 5.0e7,
        other: 5.0e6,
    }
}
fn default_s_deal() -> PerTier<f64> {
    PerTier {
        leading: 1.0e8,
        key: 5.0e7,
        above_scale: 2.0e7,
        other: 3.0e6,
    }
}
fn default_deal_spacing() -> u32 {
    365
}
fn default_need_weight() -> f64 {
    3.0
}
fn default_early_max() -> f64 {
    5.0e6
}
fn default_hard_tech_chains() -> Vec<String> {
    [
        "biomedicine",
        "electronic_information",
        "new_energy",
        "new_materials",
    ]
    .map(str::to_owned)
    .to_vec()
}
fn default_points_rd() -> u32 {
    40
}
fn default_points_transforming() -> u32 {
    10
}
fn default_points_workshop() -> u32 {
    25
}
fn default_points_smart() -> u32 {
    40
}
fn default_points_green() -> u32 {
    20
}
fn default_grant() -> f64 {
    3.0e6
}
fn default_milestone_days() -> u32 {
    730
}
fn default_milestone_growth() -> f64 {
    crate::priors::shipped("funds.milestone_growth")
}
fn default_loan() -> PerTier<f64> {
    PerTier {
        leading: 1.0e8,
        key: 5.0e7,
        above_scale: 1.0e7,
        other: 2.0e6,
    }
}
fn default_loan_term() -> u32 {
    365
}
fn default_payment_days() -> u32 {
    30
}
fn default_loan_rate() -> f64 {
    0.04
}
fn default_uptake() -> f64 {
    crate::priors::shipped("funds.loan_uptake_per_year")
}
fn default_subsidy_response() -> f64 {
    1.0
}
fn default_default_rate() -> f64 {
    crate::priors::shipped("funds.default_rate_per_year")
}
fn default_points_half_life() -> f64 {
    40.0
}
fn default_per_problem() -> f64 {
    crate::priors::shipped("funds.default_per_open_problem")
}
fn default_recovery() -> f64 {
    crate::priors::shipped("funds.loan_recovery_share")
}
fn default_investment_per_yuan() -> f64 {
    crate::priors::shipped("funds.investment_per_yuan")
}
fn default_spend_days() -> u32 {
    365
}
fn default_stage_weights() -> PerStage<f64> {
    PerStage {
        early: 1.0,
        growth: 1.0,
        mature: 1.0,
    }
}
fn default_tier_weights() -> PerTier<f64> {
    PerTier {
        leading: 1.0,
        key: 1.0,
        above_scale: 1.0,
        other: 1.0,
    }
}
fn default_cap() -> f64 {
    1.0e9
}
fn default_cadence() -> u32 {
    30
}
fn default_tilt() -> Tilt {
    Tilt {
        early: 1.0,
        small: 1.0,
        hard_tech: 2.0,
    }
}
fn default_grant_budget() -> f64 {
    2.0e8
}
fn default_loan_min_points() -> u32 {
    40
}
fn default_guarantee() -> f64 {
    0.5
}
fn default_interest_subsidy() -> f64 {
    0.3
}

impl Default for Funds {
    fn default() -> Self {
        Funds {
            start: default_start(),
            chain_funds_total_yuan: default_chain_total(),
            chain_fund_shares: BTreeMap::new(),
            s_fund_yuan: default_s_fund(),
            investment_period_years: default_period(),
            chain_deal_yuan: default_chain_deal(),
            s_fund_deal_yuan: default_s_deal(),
            min_days_between_deals: default_deal_spacing(),
            finance_need_weight: default_need_weight(),
            early_max_value_added_yuan: default_early_max(),
            hard_tech_chains: default_hard_tech_chains(),
            hard_tech_min_points: 0,
            points: Points::default(),
            grant_yuan: default_grant(),
            milestone_days: default_milestone_days(),
            milestone_growth: default_milestone_growth(),
            loan_yuan: default_loan(),
            loan_term_days: default_loan_term(),
            loan_payment_days: default_payment_days(),
            loan_rate: default_loan_rate(),
            loan_uptake_per_year: default_uptake(),
            subsidy_uptake_response: default_subsidy_response(),
            default_rate_per_year: default_default_rate(),
            default_points_half_life: default_points_half_life(),
            default_per_open_problem: default_per_problem(),
            loan_recovery_share: default_recovery(),
            investment_per_yuan: default_investment_per_yuan(),
            spend_days: default_spend_days(),
        }
    }
}

impl Default for Points {
    fn default() -> Self {
        Points {
            rd_institution: default_points_rd(),
            transforming: default_points_transforming(),
            workshop: default_points_workshop(),
            smart_factory: default_points_smart(),
            green: default_points_green(),
        }
    }
}

impl Default for FundLevers {
    fn default() -> Self {
        FundLevers {
            chain_weights: BTreeMap::new(),
            stage_weights: default_stage_weights(),
            tier_weights: default_tier_weights(),
            cap_per_firm_yuan: default_cap(),
            cadence_days: default_cadence(),
            s_fund_tilt: default_tilt(),
            grant_budget_yuan_per_year: default_grant_budget(),
            loan_min_points: default_loan_min_points(),
            loan_guarantee_share: default_guarantee(),
            interest_subsidy_share: default_interest_subsidy(),
        }
    }
}
