//! Scenario sections for the market programmes (FACTS A10, A11, B19, B20) and for firm entry
//! and exit. Defaults are the baseline; docs/MODEL.md ("Market programmes", "Firm entry and
//! exit") gives the figure each was calibrated to or the reason for its value.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::types::PerTier;
use crate::date::Date;

/// `[market]`: how firms respond to matchmaking, policy push and fee campaigns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Market {
    /// Mean intended orders a firm signs at one matchmaking event, yuan (lognormal).
    #[serde(default = "default_orders_mean")]
    pub orders_per_attendance_yuan: f64,
    /// Spread of intended orders between attendances (lognormal sigma).
    #[serde(default = "default_orders_sigma")]
    pub orders_sigma: f64,
    /// Value added per yuan of sales made on converted orders.
    #[serde(default = "default_va_share")]
    pub value_added_share_of_sales: f64,
    /// Days over which a converted order is delivered (its value added spread evenly).
    #[serde(default = "default_delivery_days")]
    pub delivery_days: u32,
    /// Share of firms reached by a policy push that take the benefit up when they must apply.
    #[serde(default = "default_takeup_apply")]
    pub takeup_with_application: f64,
    /// Share that take it up when it comes without application (免申即享, FACTS B20).
    #[serde(default = "default_takeup_auto")]
    pub takeup_without_application: f64,
    /// A benefit of this many yuan surely settles one of the firm's open cost problems (or,
    /// failing that, a finance problem) that the government does not know of yet; a smaller
    /// benefit settles one with chance benefit / this.
    #[serde(default = "default_problem_relief")]
    pub problem_relief_yuan: f64,
    /// Share of the growth drag and exit risk of open finance problems that fee and arrears
    /// campaigns (FACTS B19) remove at intensity 1 (arrears repaid ease the firm's cash).
    #[serde(default = "default_finance_relief")]
    pub arrears_finance_relief: f64,
    /// Share of the growth drag of open cost problems removed at intensity 1 (illegal fees
    /// and fines stopped).
    #[serde(default = "default_cost_relief")]
    pub fee_cost_relief: f64,
}

/// `[levers.market]`: the city's market programmes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MarketLevers {
    #[serde(default)]
    pub matchmaking: Matchmaking,
    #[serde(default)]
    pub push: PolicyPush,
    #[serde(default)]
    pub fee_campaigns: FeeCampaigns,
}

/// `[levers.market.matchmaking]`: supply–demand matchmaking events (成都造 100-day campaign,
/// FACTS A10).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Matchmaking {
    /// First day of a matchmaking campaign window.
    #[serde(default = "default_mm_start")]
    pub campaign_start: Date,
    /// Length of the campaign window, days (成都造 百日攻坚: 100).
    #[serde(default = "default_mm_days")]
    pub campaign_days: u32,
    /// Events held over the campaign window, spread evenly over it.
    #[serde(default = "default_mm_events")]
    pub campaign_events: f64,
    /// Events per year outside campaign windows.
    #[serde(default)]
    pub events_per_year: f64,
    /// Firms attending one event (distinct within the event).
    #[serde(default = "default_firms_per_event")]
    pub firms_per_event: u32,
    /// Share of intended orders that become sales.
    #[serde(default = "default_conversion")]
    pub conversion_rate: f64,
    /// What one event costs the city, yuan.
    #[serde(default = "default_event_cost")]
    pub cost_per_event_yuan: f64,
}

/// `[levers.market.push]`: the 蓉易享 policy-push platform (FACTS A11) and benefits without
/// application (免申即享 / 易申快享, B20).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyPush {
    /// Distinct firms reached per calendar year (keys are years, e.g. `2024 = 4661`). A year
    /// not listed uses the latest listed year before it, and 0 before the first.
    #[serde(default = "default_push_reach")]
    pub firms_per_year: BTreeMap<String, f64>,
    /// Share of pushed benefits that come without application (免申即享).
    #[serde(default = "default_no_application_share")]
    pub no_application_share: f64,
    /// Benefit paid to a firm that takes it up, yuan (a fiscal outlay).
    #[serde(default = "default_benefit")]
    pub benefit_per_firm_yuan: f64,
}

/// `[levers.market.fee_campaigns]`: regular campaigns against arrears owed to firms and
/// illegal fees and fines (FACTS B19).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeCampaigns {
    /// 1 is the regular campaigns of the briefing, 0 none, 2 twice as intense.
    #[serde(default = "default_intensity")]
    pub intensity: f64,
    /// What the campaigns cost the city per year at intensity 1, yuan.
    #[serde(default = "default_fee_cost")]
    pub cost_per_year_yuan: f64,
}

/// `[entry_exit]`: firms close and new small firms start up. The briefing gives no rates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryExit {
    /// Chance per year that a firm of tier `other` with no open problem closes.
    #[serde(default = "default_exit_rate")]
    pub exit_rate_per_year: f64,
    /// How many times the exit risk of an `other` firm each tier has (all terms scale).
    #[serde(default = "default_exit_tier")]
    pub exit_tier_multiplier: PerTier<f64>,
    /// Extra chance per year of closing for every open problem, of any category.
    #[serde(default = "default_exit_problem")]
    pub exit_per_open_problem: f64,
    /// Further extra chance per year for every open finance problem.
    #[serde(default = "default_exit_finance")]
    pub exit_per_finance_problem: f64,
    /// A firm whose output has fallen more than this many log points below its level at the
    /// start of the run (or at entry) is declining.
    #[serde(default = "default_decline")]
    pub decline_threshold: f64,
    /// Extra chance per year of closing while declining.
    #[serde(default = "default_exit_decline")]
    pub exit_if_declining: f64,
    /// Extra chance per year of closing while short of space: output at what the firm's
    /// park land and floor space support, so it cannot expand (it may move away or close).
    #[serde(default = "default_exit_space")]
    pub exit_if_short_of_space: f64,
    /// New firms per year as a share of live firms; entrants are small (tier `other`).
    #[serde(default = "default_entry_rate")]
    pub entry_rate_per_year: f64,
    /// An entrant's size as a share of an established `other` firm's (median value added).
    #[serde(default = "default_entrant_size")]
    pub entrant_size: f64,
}

fn default_orders_mean() -> f64 {
    4.2e6
}
fn default_orders_sigma() -> f64 {
    crate::priors::shipped("market.orders_sigma")
}
fn default_va_share() -> f64 {
    crate::priors::shipped("market.value_added_share_of_sales")
}
fn default_delivery_days() -> u32 {
    180
}
fn default_takeup_apply() -> f64 {
    crate::priors::shipped("market.takeup_with_application")
}
fn default_takeup_auto() -> f64 {
    crate::priors::shipped("market.takeup_without_application")
}
fn default_problem_relief() -> f64 {
    100_000.0
}
fn default_finance_relief() -> f64 {
    crate::priors::shipped("market.arrears_finance_relief")
}
fn default_cost_relief() -> f64 {
    crate::priors::shipped("market.fee_cost_relief")
}
fn default_mm_start() -> Date {
    Date::from_ymd(2024, 9, 1).expect("valid date")
}
fn default_mm_days() -> u32 {
    100
}
fn default_mm_events() -> f64 {
    88.0
}
fn default_firms_per_event() -> u32 {
    40
}
fn default_conversion() -> f64 {
    crate::priors::shipped("levers.market.matchmaking.conversion_rate")
}
fn default_event_cost() -> f64 {
    200_000.0
}
fn default_push_reach() -> BTreeMap<String, f64> {
    // Calibrated to A11: 1,489 firms by 13 Nov 2023 and 4,049 by 13 Nov 2024, as yearly rates.
    [("2023", 1_714.0), ("2024", 4_661.0)]
        .into_iter()
        .map(|(y, n)| (y.to_owned(), n))
        .collect()
}
fn default_no_application_share() -> f64 {
    0.25
}
fn default_benefit() -> f64 {
    30_000.0
}
fn default_intensity() -> f64 {
    1.0
}
fn default_fee_cost() -> f64 {
    20.0e6
}
fn default_exit_rate() -> f64 {
    crate::priors::shipped("entry_exit.exit_rate_per_year")
}
fn default_exit_tier() -> PerTier<f64> {
    PerTier {
        leading: crate::priors::shipped("entry_exit.exit_tier_multiplier.leading"),
        key: crate::priors::shipped("entry_exit.exit_tier_multiplier.key"),
        above_scale: crate::priors::shipped("entry_exit.exit_tier_multiplier.above_scale"),
        // By definition: a firm of tier `other` is the unit.
        other: 1.0,
    }
}
fn default_exit_problem() -> f64 {
    crate::priors::shipped("entry_exit.exit_per_open_problem")
}
fn default_exit_finance() -> f64 {
    crate::priors::shipped("entry_exit.exit_per_finance_problem")
}
fn default_decline() -> f64 {
    crate::priors::shipped("entry_exit.decline_threshold")
}
fn default_exit_decline() -> f64 {
    crate::priors::shipped("entry_exit.exit_if_declining")
}
fn default_exit_space() -> f64 {
    crate::priors::shipped("entry_exit.exit_if_short_of_space")
}
fn default_entry_rate() -> f64 {
    crate::priors::shipped("entry_exit.entry_rate_per_year")
}
fn default_entrant_size() -> f64 {
    crate::priors::shipped("entry_exit.entrant_size")
}

impl Default for Market {
    fn default() -> Self {
        Market {
            orders_per_attendance_yuan: default_orders_mean(),
            orders_sigma: default_orders_sigma(),
            value_added_share_of_sales: default_va_share(),
            delivery_days: default_delivery_days(),
            takeup_with_application: default_takeup_apply(),
            takeup_without_application: default_takeup_auto(),
            problem_relief_yuan: default_problem_relief(),
            arrears_finance_relief: default_finance_relief(),
            fee_cost_relief: default_cost_relief(),
        }
    }
}

impl Default for Matchmaking {
    fn default() -> Self {
        Matchmaking {
            campaign_start: default_mm_start(),
            campaign_days: default_mm_days(),
            campaign_events: default_mm_events(),
            events_per_year: 0.0,
            firms_per_event: default_firms_per_event(),
            conversion_rate: default_conversion(),
            cost_per_event_yuan: default_event_cost(),
        }
    }
}

impl Default for PolicyPush {
    fn default() -> Self {
        PolicyPush {
            firms_per_year: default_push_reach(),
            no_application_share: default_no_application_share(),
            benefit_per_firm_yuan: default_benefit(),
        }
    }
}

impl Default for FeeCampaigns {
    fn default() -> Self {
        FeeCampaigns {
            intensity: default_intensity(),
            cost_per_year_yuan: default_fee_cost(),
        }
    }
}

impl Default for EntryExit {
    fn default() -> Self {
        EntryExit {
            exit_rate_per_year: default_exit_rate(),
            exit_tier_multiplier: default_exit_tier(),
            exit_per_open_problem: default_exit_problem(),
            exit_per_finance_problem: default_exit_finance(),
            decline_threshold: default_decline(),
            exit_if_declining: default_exit_decline(),
            exit_if_short_of_space: default_exit_space(),
            entry_rate_per_year: default_entry_rate(),
            entrant_size: default_entrant_size(),
        }
    }
}
