//! Funds and finance (FACTS B5–B8): settings derived from `[funds]` and `[levers.funds]`,
//! each firm's finance record, the funds, the grant and loan books, and the rules that
//! classify firms (innovation points, life-cycle stage, hard tech).

use std::collections::BTreeSet;

use bevy_ecs::prelude::*;

use super::{Capabilities, Category, DigitalStage, Exited, FirmId, FirmProfile, FirmState, Tier};
use crate::scenario::Scenario;

/// What the city's programmes have given a firm. Cold: read and written only on allocation
/// rounds and loan payment days, so it lives apart from the hot `FirmState`.
#[derive(Component, Clone, Debug, Default)]
pub struct Finance {
    /// Fund equity received from every fund, yuan (held against `cap_per_firm_yuan`).
    pub equity_yuan: i64,
    /// Last day a chain fund / the S fund invested in the firm.
    pub last_chain_deal: Option<u32>,
    pub last_s_fund_deal: Option<u32>,
    /// Has had a 先投后股 grant (one per firm).
    pub granted: bool,
    /// Has a 积分贷 loan outstanding.
    pub has_loan: bool,
    /// Defaulted on a 积分贷 loan: no further loans (its credit record).
    pub defaulted: bool,
    /// Has received money from any programme.
    pub financed: bool,
}

/// A firm's life-cycle stage, for allocation weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Early = 0,
    Growth = 1,
    Mature = 2,
}

/// Allocation and behaviour settings of the funds, grants and loans.
#[derive(Resource, Clone, Debug)]
pub struct FundSettings {
    /// Day index of the first allocation round (rounds are every `cadence` days from it).
    pub start_day: u32,
    pub cadence: u32,
    /// Base pace: share of its size a fund may invest per day.
    pub pace_per_day: f64,
    /// Pace weight of each chain fund, by chain index.
    pub chain_pace: Vec<f64>,
    pub tier_weights: [f64; 4],
    pub stage_weights: [f64; 3],
    pub need_weight: f64,
    /// S-fund tilt: early, small, hard tech.
    pub tilt: [f64; 3],
    pub chain_deal: [i64; 4],
    pub s_fund_deal: [i64; 4],
    pub cap_per_firm: i64,
    pub min_days_between_deals: u32,
    /// Early stage: base value added below this, yuan per day.
    pub early_max_per_day: f64,
    /// Whether each chain (by index) is a hard-tech chain.
    pub hard_tech_chain: Vec<bool>,
    pub hard_tech_min_points: u32,
    /// Points for R&D institution, digital stage (none, transforming, workshop, smart
    /// factory) and green recognition.
    pub points_rd: u32,
    pub points_stage: [u32; 4],
    pub points_green: u32,
    pub grant: i64,
    pub grant_budget_per_year: f64,
    pub milestone_days: u32,
    /// Milestone growth in log points.
    pub milestone_log_growth: f64,
    pub loan: [i64; 4],
    pub loan_term_days: u32,
    pub loan_payment_days: u32,
    pub loan_rate: f64,
    /// Chance that an eligible firm takes a loan in one round.
    pub loan_chance_per_round: f64,
    pub loan_min_points: u32,
    pub guarantee_share: f64,
    pub interest_subsidy_share: f64,
    pub default_rate: f64,
    pub default_points_half_life: f64,
    pub default_per_problem: f64,
    pub recovery_share: f64,
    pub investment_per_yuan: f64,
}

impl FundSettings {
    pub fn from_scenario(s: &Scenario) -> FundSettings {
        let (f, l) = (&s.funds, &s.levers.funds);
        let chains: Vec<&String> = s.population.chains.keys().collect();
        let yuan = |v: f64| v.round() as i64;
        let tier_yuan = |t: crate::scenario::PerTier<f64>| t.as_array().map(yuan);
        let uptake = f.loan_uptake_per_year
            * (1.0 + f.subsidy_uptake_response * l.interest_subsidy_share)
            * f64::from(l.cadence_days)
            / 365.0;
        FundSettings {
            start_day: f.start.days_since(s.scenario.start).max(0) as u32,
            cadence: l.cadence_days,
            pace_per_day: 1.0 / (f.investment_period_years * 365.0),
            chain_pace: chains
                .iter()
                .map(|c| l.chain_weights.get(*c).copied().unwrap_or(1.0))
                .collect(),
            tier_weights: l.tier_weights.as_array(),
            stage_weights: l.stage_weights.as_array(),
            need_weight: f.finance_need_weight,
            tilt: [
                l.s_fund_tilt.early,
                l.s_fund_tilt.small,
                l.s_fund_tilt.hard_tech,
            ],
            chain_deal: tier_yuan(f.chain_deal_yuan),
            s_fund_deal: tier_yuan(f.s_fund_deal_yuan),
            cap_per_firm: yuan(l.cap_per_firm_yuan),
            min_days_between_deals: f.min_days_between_deals,
            early_max_per_day: f.early_max_value_added_yuan / 365.0,
            hard_tech_chain: chains
                .iter()
                .map(|c| f.hard_tech_chains.contains(c))
                .collect(),
            hard_tech_min_points: f.hard_tech_min_points,
            points_rd: f.points.rd_institution,
            points_stage: [
                0,
                f.points.transforming,
                f.points.workshop,
                f.points.smart_factory,
            ],
            points_green: f.points.green,
            grant: yuan(f.grant_yuan),
            grant_budget_per_year: l.grant_budget_yuan_per_year,
            milestone_days: f.milestone_days,
            milestone_log_growth: f.milestone_growth.ln_1p(),
            loan: tier_yuan(f.loan_yuan),
            loan_term_days: f.loan_term_days,
            loan_payment_days: f.loan_payment_days,
            loan_rate: f.loan_rate,
            loan_chance_per_round: 1.0 - (-uptake).exp(),
            loan_min_points: l.loan_min_points,
            guarantee_share: l.loan_guarantee_share,
            interest_subsidy_share: l.interest_subsidy_share,
            default_rate: f.default_rate_per_year,
            default_points_half_life: f.default_points_half_life,
            default_per_problem: f.default_per_open_problem,
            recovery_share: f.loan_recovery_share,
            investment_per_yuan: f.investment_per_yuan,
        }
    }

    /// Whether today is an allocation round: every `cadence` days from the start day.
    pub fn is_round(&self, day: u32) -> bool {
        day >= self.start_day && (day - self.start_day).is_multiple_of(self.cadence)
    }

    /// A firm's innovation points (企业创新积分, B8), from what it has built up.
    pub fn points(&self, c: &Capabilities) -> u32 {
        let stage = match c.stage {
            DigitalStage::None => 0,
            DigitalStage::Transforming => 1,
            DigitalStage::Workshop => 2,
            DigitalStage::SmartFactory => 3,
        };
        u32::from(c.rd_institution) * self.points_rd
            + self.points_stage[stage]
            + u32::from(c.green) * self.points_green
    }

    pub fn stage(&self, p: &FirmProfile) -> Stage {
        match p.tier {
            Tier::Leading | Tier::Key => Stage::Mature,
            _ if p.base_value_added < self.early_max_per_day => Stage::Early,
            _ => Stage::Growth,
        }
    }

    /// Hard tech (硬科技): a firm in a hard-tech chain with enough points.
    pub fn is_hard_tech(&self, p: &FirmProfile, points: u32) -> bool {
        self.hard_tech_chain[usize::from(p.chain)] && points >= self.hard_tech_min_points
    }

    /// A firm's selection weight for fund deals, before the S fund's tilt.
    pub fn fund_weight(&self, p: &FirmProfile, stage: Stage, state: &FirmState) -> f64 {
        let f = Category::Finance.index();
        let need = if state.latent[f] | state.ticketed[f] != 0 {
            self.need_weight
        } else {
            1.0
        };
        self.tier_weights[p.tier.index()] * self.stage_weights[stage as usize] * need
    }

    /// The S fund's tilt factor for a firm.
    pub fn tilt(&self, stage: Stage, small: bool, hard_tech: bool) -> f64 {
        let factor = |applies: bool, t: f64| if applies { 1.0 + t } else { 1.0 };
        factor(stage == Stage::Early, self.tilt[0])
            * factor(small, self.tilt[1])
            * factor(hard_tech, self.tilt[2])
    }

    /// Default hazard per year of a borrower in its current condition.
    pub fn default_hazard(&self, points: u32, open_problems: u32) -> f64 {
        self.default_rate
            * 0.5f64.powf(f64::from(points) / self.default_points_half_life)
            * (1.0 + self.default_per_problem * f64::from(open_problems))
    }
}

/// One fund: a chain fund (有链有基金) or the S fund.
#[derive(Clone, Debug)]
pub struct Fund {
    /// The chain it invests in (index into `population.chains`); `None` for the S fund.
    pub chain: Option<u8>,
    /// Committed size, yuan.
    pub size: i64,
    /// What its pace has allowed it to invest so far (≤ size), yuan.
    pub accrued: i64,
    /// Invested so far (≤ accrued), yuan.
    pub deployed: i64,
    /// Invested in early-stage, below-scale and hard-tech firms, yuan.
    pub deployed_early: i64,
    pub deployed_small: i64,
    pub deployed_hard_tech: i64,
    pub deals: u64,
}

/// Every fund (the chain funds in chain order, then the S fund) and the day their pace was
/// last accrued.
#[derive(Resource, Clone, Debug)]
pub struct FundBook {
    pub funds: Vec<Fund>,
    pub accrued_to_day: Option<u32>,
}

impl FundBook {
    /// The funds at their committed sizes, nothing invested yet. Each chain fund gets its
    /// share of the total, rounded to whole yuan.
    pub fn from_scenario(s: &Scenario) -> FundBook {
        let f = &s.funds;
        let mut funds: Vec<Fund> = s
            .population
            .chains
            .iter()
            .enumerate()
            .map(|(i, (name, firm_share))| {
                let share = if f.chain_fund_shares.is_empty() {
                    *firm_share
                } else {
                    f.chain_fund_shares.get(name).copied().unwrap_or(0.0)
                };
                Fund::new(Some(i as u8), f.chain_funds_total_yuan * share)
            })
            .collect();
        funds.push(Fund::new(None, f.s_fund_yuan));
        FundBook {
            funds,
            accrued_to_day: None,
        }
    }

    pub fn size(&self) -> i64 {
        self.funds.iter().map(|f| f.size).sum()
    }

    pub fn deployed(&self) -> i64 {
        self.funds.iter().map(|f| f.deployed).sum()
    }

    pub fn s_fund(&self) -> &Fund {
        self.funds.last().expect("the S fund is always last")
    }
}

impl Fund {
    fn new(chain: Option<u8>, size: f64) -> Fund {
        Fund {
            chain,
            size: size.round() as i64,
            accrued: 0,
            deployed: 0,
            deployed_early: 0,
            deployed_small: 0,
            deployed_hard_tech: 0,
            deals: 0,
        }
    }

    /// Money the fund may invest now, yuan.
    pub fn available(&self) -> i64 {
        self.accrued - self.deployed
    }
}

/// One 先投后股 grant awaiting its milestone.
#[derive(Clone, Debug)]
pub struct Grant {
    pub firm: Entity,
    pub firm_id: FirmId,
    pub paid_day: u32,
    pub amount: i64,
    pub log_level_at_grant: f64,
    pub had_rd_institution: bool,
}

/// 先投后股 grants: pending ones and the running totals. paid = converted + lapsed + pending.
#[derive(Resource, Clone, Debug, Default)]
pub struct GrantBook {
    pub pending: Vec<Grant>,
    pub paid_yuan: i64,
    pub converted_yuan: i64,
    /// Grants whose milestone window closed unconverted: fiscal outlays.
    pub lapsed_yuan: i64,
    pub paid: u64,
    pub converted: u64,
    /// Budget year and what was paid in it.
    pub year: i32,
    pub paid_this_year: i64,
}

impl GrantBook {
    pub fn pending_yuan(&self) -> i64 {
        self.pending.iter().map(|g| g.amount).sum()
    }
}

/// One 积分贷 loan.
#[derive(Clone, Copy, Debug)]
pub struct Loan {
    pub firm: Entity,
    pub firm_id: FirmId,
    pub principal: i64,
    /// Day up to which interest has been paid.
    pub paid_to_day: u32,
    pub maturity_day: u32,
}

/// 积分贷 loans: every loan by id, the open ones by next payment day, and running totals.
/// issued = repaid + defaulted + outstanding, in count and in yuan.
#[derive(Resource, Clone, Debug, Default)]
pub struct LoanBook {
    pub loans: Vec<Loan>,
    /// Open loans: (next payment day, loan id), earliest first.
    pub due: BTreeSet<(u32, u32)>,
    pub issued_yuan: i64,
    pub repaid_yuan: i64,
    pub defaulted_yuan: i64,
    pub outstanding_yuan: i64,
    pub defaults: u64,
}

/// Running counts across the finance programmes.
#[derive(Resource, Clone, Debug, Default)]
pub struct FinanceCounts {
    /// Firms that have received money from any programme.
    pub firms_financed: u64,
    /// Latent finance problems the money solved.
    pub problems_relieved: u64,
}

/// Gives a firm money to invest: it invests `investment_per_yuan` of it over the coming
/// months (production spends it), and the money solves one latent finance problem. A
/// ticketed finance problem stays with its department, whose ticket must not be orphaned.
pub fn finance_firm(
    amount: i64,
    settings: &FundSettings,
    state: &mut FirmState,
    finance: &mut Finance,
    counts: &mut FinanceCounts,
) {
    state.finance_to_invest += (amount as f64 * settings.investment_per_yuan).round() as i64;
    let f = Category::Finance.index();
    if state.latent[f] > 0 {
        state.latent[f] -= 1;
        counts.problems_relieved += 1;
    }
    if !finance.financed {
        finance.financed = true;
        counts.firms_financed += 1;
    }
}

/// The live firms the finance systems read and pay (a closed firm is never financed again).
pub type FinanceQuery<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
        &'static FirmId,
        &'static FirmProfile,
        &'static mut FirmState,
        &'static Capabilities,
        &'static mut Finance,
    ),
    Without<Exited>,
>;

/// The weighted-sampling key of a firm (Efraimidis–Spirakis): taking firms in decreasing
/// key order is sampling without replacement with chances in proportion to `weight`.
#[inline]
pub fn selection_key(u: f64, weight: f64) -> f64 {
    u.ln() / weight
}

/// Puts the `n` best candidates first, in order: highest key first, equal keys in firm-id
/// order. Only those `n` are sorted; the rest stay behind them in no particular order.
pub fn best_first<T>(items: &mut [T], n: usize, rank: impl Fn(&T) -> (f64, FirmId)) {
    let n = n.min(items.len());
    if n == 0 {
        return;
    }
    let order = |a: &T, b: &T| {
        let ((ka, ia), (kb, ib)) = (rank(a), rank(b));
        kb.total_cmp(&ka).then(ia.cmp(&ib))
    };
    if n < items.len() {
        items.select_nth_unstable_by(n - 1, order);
    }
    items[..n].sort_unstable_by(order);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> FundSettings {
        let s: Scenario = toml::from_str("[scenario]\nname = \"t\"").unwrap();
        FundSettings::from_scenario(&s)
    }

    fn profile(tier: Tier, chain: u8, value_added_per_year: f64) -> FirmProfile {
        FirmProfile {
            tier,
            chain,
            ownership: 0,
            district: 0,
            base_value_added: value_added_per_year / 365.0,
            shock_sd_per_day: 0.0,
        }
    }

    #[test]
    fn points_add_up_what_a_firm_has_built() {
        let s = settings();
        assert_eq!(s.points(&Capabilities::default()), 0);
        let all = Capabilities {
            rd_institution: true,
            stage: DigitalStage::SmartFactory,
            green: true,
        };
        assert_eq!(s.points(&all), 40 + 40 + 20);
    }

    #[test]
    fn stages_follow_tier_and_size() {
        let s = settings();
        assert_eq!(s.stage(&profile(Tier::Key, 0, 1e6)), Stage::Mature);
        assert_eq!(s.stage(&profile(Tier::Other, 0, 1e6)), Stage::Early);
        assert_eq!(s.stage(&profile(Tier::Other, 0, 1e7)), Stage::Growth);
    }

    #[test]
    fn hard_tech_needs_a_hard_tech_chain() {
        let s = settings();
        // Chains sort by name: biomedicine (0) is hard tech, equipment_manufacturing (2) and
        // food_and_light (3) are not.
        assert!(s.is_hard_tech(&profile(Tier::Other, 0, 1e6), 0));
        assert!(!s.is_hard_tech(&profile(Tier::Other, 3, 1e6), 100));
    }

    #[test]
    fn the_default_hazard_halves_with_points_and_rises_with_problems() {
        let s = settings();
        let base = s.default_hazard(0, 0);
        assert!((s.default_hazard(40, 0) - base / 2.0).abs() < 1e-12);
        assert!((s.default_hazard(0, 2) - base * 2.0).abs() < 1e-12);
    }

    #[test]
    fn heavier_firms_get_higher_keys_for_the_same_draw() {
        assert!(selection_key(0.3, 2.0) > selection_key(0.3, 1.0));
        assert_eq!(selection_key(0.0, 1.0), f64::NEG_INFINITY);
    }
}
