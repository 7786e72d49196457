//! The scenario file's shape: typed, with defaults, and closed to unknown keys.
//!
//! Every default here is a baseline value; `docs/MODEL.md` says where each comes from
//! (a FACTS.md figure it was calibrated to, or the reason for its value). A scenario file
//! only needs `[scenario] name = "..."`; everything else falls back to the baseline.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::Date;

/// A whole scenario file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name, dates, seed and the seeds file the scenario is charted against.
    pub scenario: Meta,
    /// The synthetic firm population.
    #[serde(default)]
    pub population: Population,
    /// How firms' problems arise and how firms solve them on their own.
    #[serde(default)]
    pub problems: Problems,
    /// Daily value added of firms.
    #[serde(default)]
    pub production: Production,
    /// Daily industrial investment of firms.
    #[serde(default)]
    pub investment: Investment,
    /// How firms innovate and transform without policy support.
    #[serde(default)]
    pub innovation: super::programmes::Innovation,
    /// The city's funds, 先投后股 grants and 积分贷 loans, and how firms respond to money.
    #[serde(default)]
    pub funds: super::funds::Funds,
    /// Staff costs of the city's own programmes.
    #[serde(default)]
    pub costs: super::programmes::Costs,
    /// Parks and their land and standard-factory stock (FACTS B1–B4); fixed when the world
    /// is built.
    #[serde(default)]
    pub land: Land,
    /// How firms respond to matchmaking, policy push and fee campaigns.
    #[serde(default)]
    pub market: super::market::Market,
    /// How firms close and new firms start up.
    #[serde(default)]
    pub entry_exit: super::market::EntryExit,
    /// The policy levers a planner sets.
    #[serde(default)]
    pub levers: Levers,
    /// Government departments that take tickets; every problem category must be owned by
    /// exactly one department.
    #[serde(default = "default_departments")]
    pub departments: Vec<Department>,
    /// Lever changes from a date on, applied in date order (see `timeline.rs`).
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    /// What the run writes to metrics.csv: KPIs and a step (see `outputs.rs`).
    #[serde(default)]
    pub outputs: super::outputs::Outputs,
    /// The posterior file `scenario.posterior` names, loaded: each replicate runs one of its
    /// parameter sets (`crate::posterior`). Not part of the file's shape.
    #[serde(skip)]
    pub ensemble: Option<std::sync::Arc<crate::posterior::Posterior>>,
}

/// `[[timeline]]`: from `date` on, the levers named in `set` take new values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    /// First day the new values apply; must lie within the horizon.
    pub date: Date,
    /// Lever key paths, quoted, and their new values, e.g.
    /// `{ "levers.triage.delay_days" = 2, "departments[0].capacity" = 60 }`.
    #[schemars(with = "BTreeMap<String, serde_json::Value>")]
    pub set: BTreeMap<String, toml::Value>,
}

/// `[scenario]`: what the run is and when it runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Short name; names the output folder. Letters, digits, `-` and `_` only.
    pub name: String,
    /// What question the scenario answers.
    #[serde(default)]
    pub description: String,
    /// The seeds file (briefing figures) this scenario is compared against, relative to the
    /// scenario file's folder. Without it a run writes metrics but no calibration or targets.
    #[serde(default)]
    pub seeds: Option<String>,
    /// First simulated day. The baseline starts a year before the figures it reproduces so
    /// that year-on-year growth is computed from simulated data on both sides.
    #[serde(default = "default_start")]
    pub start: Date,
    /// Last simulated day (inclusive): the horizon.
    #[serde(default = "default_end")]
    pub end: Date,
    /// Master seed; every random stream derives from it and stable ids.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// A posterior file (CSV: `weight`, then one column per parameter key path), relative
    /// to the scenario file's folder, as `reformsim calibrate --method abc` writes it. Each
    /// replicate then runs one of its parameter sets, drawn by weight from the replicate's
    /// seed, so results carry the parameters' uncertainty as well as the seeds'. Keys this
    /// file sets itself keep the file's values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub posterior: Option<String>,
}

/// Values per 四直 (four-direct) service tier (FACTS A8).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerTier<T> {
    /// Leading firms, served by a city leader directly.
    pub leading: T,
    /// Key firms, served by a municipal department directly.
    pub key: T,
    /// Other above-scale (规上) firms, served by a district or county commissioner.
    pub above_scale: T,
    /// All other industrial firms, served directly by the campaign.
    pub other: T,
}

impl<T: Copy> PerTier<T> {
    pub fn get(&self, tier: crate::model::Tier) -> T {
        use crate::model::Tier;
        match tier {
            Tier::Leading => self.leading,
            Tier::Key => self.key,
            Tier::AboveScale => self.above_scale,
            Tier::Other => self.other,
        }
    }

    pub fn as_array(&self) -> [T; 4] {
        [self.leading, self.key, self.above_scale, self.other]
    }
}

/// Values per problem category (FACTS A6 names the first four as the main ones).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerCategory<T> {
    /// Market expansion (拓市场).
    pub market: T,
    /// Cost reduction (降成本).
    pub cost: T,
    /// Application scenarios and first customers (给场景).
    pub scenario: T,
    /// Platforms (搭平台).
    pub platform: T,
    /// Finance.
    pub finance: T,
    /// Land and floor space.
    pub land: T,
    /// Approvals and permits.
    pub approvals: T,
}

impl<T: Copy> PerCategory<T> {
    pub fn as_array(&self) -> [T; 7] {
        [
            self.market,
            self.cost,
            self.scenario,
            self.platform,
            self.finance,
            self.land,
            self.approvals,
        ]
    }
}

/// `[population]`: the synthetic firm population.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Population {
    /// Number of industrial firms.
    #[serde(default = "default_firms")]
    pub firms: u32,
    /// Share of firms in each tier; shares sum to 1.
    #[serde(default = "default_tier_shares")]
    pub tier_shares: PerTier<f64>,
    /// Median value added per firm in the base year, by tier, in yuan per year.
    #[serde(default = "default_va_median")]
    pub value_added_median_yuan: PerTier<f64>,
    /// Spread of log value added within a tier (lognormal sigma).
    #[serde(default = "default_va_sigma")]
    pub value_added_sigma: f64,
    /// Value added per year at which a firm is above scale (规模以上): the statistical
    /// threshold of 20 million yuan of revenue times a value-added rate. Tiers are drawn on
    /// the right side of it, and the list is revised each 1 January (小升规, MODEL.md §14.1).
    #[serde(default = "default_above_scale_value_added")]
    pub above_scale_value_added_yuan: f64,
    /// Industrial chains and the share of firms in each; shares sum to 1.
    #[serde(default = "default_chains")]
    pub chains: BTreeMap<String, f64>,
    /// Ownership types and their shares; shares sum to 1.
    #[serde(default = "default_ownership")]
    pub ownership: BTreeMap<String, f64>,
    /// Number of districts and counties (FACTS A14: 23); firms are spread evenly.
    #[serde(default = "default_districts")]
    pub districts: u32,
}

/// `[problems]`: problems (诉求) arise at random and drag on growth while open.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Problems {
    /// New problems per firm per year, for a firm of tier `other`.
    #[serde(default = "default_arrivals")]
    pub arrivals_per_firm_year: f64,
    /// How many times more problems a firm of each tier has than a firm of tier `other`.
    #[serde(default = "default_tier_multiplier")]
    pub tier_multiplier: PerTier<f64>,
    /// Share of new problems in each category; shares sum to 1.
    #[serde(default = "default_category_shares")]
    pub category_shares: PerCategory<f64>,
    /// Mean days a firm takes to solve a problem on its own, without help.
    #[serde(default = "default_self_resolve_days")]
    pub self_resolve_days: f64,
}

/// `[production]`: value added per firm per day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Production {
    /// Growth of a firm with no open problem, in log points per year.
    #[serde(default = "default_trend_growth")]
    pub trend_growth: f64,
    /// Growth lost per open problem while it stays open, in log points per year.
    #[serde(default = "default_drag")]
    pub drag_per_open_problem: f64,
    /// Standard deviation of a firm's idiosyncratic log shocks over a year.
    #[serde(default = "default_volatility")]
    pub volatility: f64,
    /// How fast that standard deviation falls with a firm's size above the reference size
    /// (the above-scale tier's median value added): σ_f = volatility × (size /
    /// reference)^−exponent. Firms at or below the reference keep `volatility`.
    #[serde(default = "default_volatility_size_exponent")]
    pub volatility_size_exponent: f64,
}

/// `[investment]`: industrial investment per firm per day.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Investment {
    /// Routine investment (equipment renewal and small upgrades, outside the project
    /// pipeline) as a share of value added.
    #[serde(default = "default_investment_share")]
    pub share_of_value_added: f64,
    /// Share of its investment a firm postpones while it has an open land or finance problem.
    #[serde(default = "default_blocked_share")]
    pub blocked_share: f64,
    /// The investment-project pipeline: signing, approvals, land, financing, construction
    /// and commissioning.
    #[serde(default)]
    pub projects: super::projects::ProjectParams,
}

/// `[levers]`: what a planner sets.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Levers {
    #[serde(default)]
    pub campaign: Campaign,
    #[serde(default)]
    pub triage: Triage,
    #[serde(default)]
    pub escalation: Escalation,
    #[serde(default)]
    pub revisits: Revisits,
    #[serde(default)]
    pub hotline: Hotline,
    #[serde(default)]
    pub resolution: Resolution,
    #[serde(default)]
    pub innovation: super::programmes::InnovationLevers,
    #[serde(default)]
    pub land: LandLevers,
    #[serde(default)]
    pub funds: super::funds::FundLevers,
    #[serde(default)]
    pub market: super::market::MarketLevers,
    #[serde(default)]
    pub investment: super::projects::InvestmentLevers,
}

/// `[levers.campaign]`: the visit campaign 进万企 (FACTS A1, A8, A9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Campaign {
    /// First day of visits (FACTS A: early September 2024).
    #[serde(default = "default_campaign_start")]
    pub start: Date,
    /// Visits (first visits and re-visits) each tier's team makes per day.
    #[serde(default = "default_visit_capacity")]
    pub visits_per_day: PerTier<u32>,
    /// Share of each tier's firms on the campaign's visit list.
    #[serde(default = "default_coverage")]
    pub coverage: PerTier<f64>,
    /// 无事不扰: share of a day's output a firm loses when visited with no problem to report.
    #[serde(default = "default_no_problem_visit_cost")]
    pub no_problem_visit_cost_days: f64,
    /// Days between the starts of the campaign's rounds (常态化, the routine service the
    /// briefing commits to); 0 runs one round only. At each new round the visit lists are
    /// drawn afresh from the firms alive then, with the same coverage, and every team
    /// starts again from the top of its new list.
    #[serde(default = "default_round_every_days")]
    pub round_every_days: u32,
}

/// `[levers.triage]`: how fast a collected problem reaches its department (FACTS A7).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Triage {
    /// Days from collection to the responsible department; 0 is 不过夜 (the same day).
    #[serde(default)]
    pub delay_days: u32,
}

/// `[levers.escalation]`: 吹哨报到 for overdue tickets (FACTS A15).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Escalation {
    /// A ticket still open this many days after collection is escalated.
    #[serde(default = "default_escalation_days")]
    pub after_days: u32,
    /// How many times faster an escalated ticket is served (supporting departments report).
    #[serde(default = "default_escalation_speedup")]
    pub speedup: f64,
}

/// `[levers.revisits]`: 回访 of resolved tickets (FACTS A5, A7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Revisits {
    /// Share of resolved tickets whose firm is re-visited.
    #[serde(default = "default_revisit_share")]
    pub share: f64,
    /// Days from resolution to the re-visit.
    #[serde(default = "default_revisit_delay")]
    pub delay_days: u32,
    /// A firm whose ticket took at most this many days is satisfied for sure.
    #[serde(default = "default_patience")]
    pub patience_days: f64,
    /// Beyond patience, the chance of satisfaction halves every this many days.
    #[serde(default = "default_satisfaction_half_life")]
    pub satisfaction_half_life_days: f64,
    /// Chance that a firm whose problem a resolved ticket left unsolved still says it is
    /// satisfied at the re-visit.
    #[serde(default = "default_satisfied_if_unsolved")]
    pub satisfied_if_unsolved: f64,
}

/// `[levers.hotline]`: problems firms report themselves, through the 12345 hotline's
/// enterprise line and online channels (FACTS A15), whether or not a campaign is running.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hotline {
    /// Share of new problems the firm reports itself the day they arise; the rest stay
    /// latent until a visit finds them or the firm solves them alone.
    #[serde(default = "default_hotline_report_share")]
    pub report_share: f64,
}

/// `[levers.resolution]`: what a resolved (办结) ticket does to the firm's problem.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resolution {
    /// Share of resolved tickets that leave the firm's problem unsolved (closed on paper:
    /// 办结 but not 解决). The problem stays open, unreported, until a re-visit or the
    /// hotline brings it back.
    #[serde(default = "default_unsolved_share")]
    pub unsolved_share: f64,
}

/// Values per kind of park in the "3+22+N" system (FACTS B1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerParkKind<T> {
    /// The flagship zones (the "3").
    pub flagship: T,
    /// The city-level parks (the "22").
    pub city: T,
    /// The further parks (the "N"), as one aggregate park by default.
    pub other: T,
}

impl<T: Clone> PerParkKind<T> {
    pub fn as_array(&self) -> [T; 3] {
        [self.flagship.clone(), self.city.clone(), self.other.clone()]
    }
}

/// Values per land supply mode (FACTS B3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PerSupplyMode<T> {
    /// Transfer of the land-use right (出让).
    pub transfer: T,
    /// Long-term lease (长期租赁).
    pub long_term_lease: T,
    /// Lease first, transfer later (先租后让).
    pub lease_then_transfer: T,
    /// Flexible-term transfer (弹性年期供应), shorter than the 50-year maximum.
    pub flexible_term: T,
    /// Floor space in a standard factory building (标准厂房, 工业上楼), in m².
    pub standard_factory: T,
}

impl<T: Clone> PerSupplyMode<T> {
    pub fn as_array(&self) -> [T; 5] {
        [
            self.transfer.clone(),
            self.long_term_lease.clone(),
            self.lease_then_transfer.clone(),
            self.flexible_term.clone(),
            self.standard_factory.clone(),
        ]
    }
}

/// A land supply mode, as written in scenario files.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SupplyModeName {
    Transfer,
    LongTermLease,
    LeaseThenTransfer,
    FlexibleTerm,
    StandardFactory,
}

/// `[land]`: the "3+22+N" parks (FACTS B1, B2) and the firms' land and floor space at the
/// start. Park stocks are sized from what firms hold, so that the initial occupancy is the
/// one given here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Land {
    /// Number of parks of each kind (FACTS B1: 3 flagship zones, 22 city-level parks; the N
    /// further parks are one aggregate park by default).
    #[serde(default = "default_park_counts")]
    pub parks: PerParkKind<u32>,
    /// Share of each tier's firms located in a park; the others hold no park land and are
    /// never short of space.
    #[serde(default = "default_in_park_share")]
    pub in_park_share: PerTier<f64>,
    /// How firms in parks are spread over the kinds of park; shares sum to 1. Within a kind,
    /// firms are spread evenly over its parks.
    #[serde(default = "default_park_firm_share")]
    pub park_firm_share: PerParkKind<f64>,
    /// Share of each tier's in-park firms that rent standard-factory floor space instead of
    /// holding land (where their park offers standard factories).
    #[serde(default = "default_tenant_share")]
    pub standard_factory_tenant_share: PerTier<f64>,
    /// Share of each park's land held by firms on the first day (the rest is available).
    #[serde(default = "default_initial_occupancy")]
    pub initial_land_occupancy: f64,
    /// Share of each park's standard-factory floor space occupied on the first day.
    #[serde(default = "default_initial_occupancy")]
    pub initial_floor_occupancy: f64,
    /// Lowest share of its space's capacity a firm uses on the first day (drawn uniformly
    /// between this and `initial_utilisation_max`).
    #[serde(default = "default_initial_utilisation_min")]
    pub initial_utilisation_min: f64,
    /// Highest share of its space's capacity a firm uses on the first day.
    #[serde(default = "default_initial_utilisation_max")]
    pub initial_utilisation_max: f64,
    /// Value added one mu of park land supports at full use, yuan per mu per year.
    #[serde(default = "default_capacity_per_mu")]
    pub capacity_per_mu_yuan: f64,
    /// Value added one m² of standard-factory floor space supports at full use, yuan per m²
    /// per year.
    #[serde(default = "default_capacity_per_m2")]
    pub capacity_per_m2_yuan: f64,
    /// A firm asks for more space once its value added reaches this share of its space's
    /// capacity.
    #[serde(default = "default_request_at")]
    pub request_at_utilisation: f64,
    /// A firm asks for enough space to bring its use back down to this share of capacity.
    #[serde(default = "default_expand_to")]
    pub expand_to_utilisation: f64,
    /// Supply modes each kind of park offers.
    #[serde(default = "default_offers")]
    pub offers: PerParkKind<Vec<SupplyModeName>>,
    /// Whether each kind of park has devolved approvals (企业办事不出园, FACTS B2); their
    /// lead times are divided by `levers.land.devolved_approvals_factor`.
    #[serde(default = "default_devolved")]
    pub devolved_approvals: PerParkKind<bool>,
}

/// Terms of one land supply mode. Land modes are priced per mu, the standard factory per
/// m² of floor space.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeTerms {
    /// Paid once when the space is granted (and again when a lease is renewed), yuan per mu
    /// (standard factory: yuan per m²).
    pub upfront_yuan: f64,
    /// Rent, yuan per mu per year (standard factory: yuan per m² per year), paid a year in
    /// advance on each anniversary of the grant.
    pub rent_yuan_per_year: f64,
    /// Days from the request to the grant (approvals), before devolution.
    pub lead_time_days: u32,
    /// Years the grant runs; at the end a lease is renewed if the firm passes the 亩均 test,
    /// otherwise the space returns to the park.
    pub tenure_years: u32,
    /// Lease-then-transfer only: after this many years a firm that passes the 亩均 test
    /// converts its lease to a transfer and pays the transfer's up-front price. 0 elsewhere.
    #[serde(default)]
    pub convert_after_years: u32,
}

/// `[levers.land]`: land supply and 亩均论英雄 (FACTS B3, B4). Every key may change on a
/// timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LandLevers {
    /// Share of requests served by each supply mode; shares sum to 1. A park that does not
    /// offer a mode serves its share by the modes it offers, in proportion.
    #[serde(default = "default_supply_mix")]
    pub supply_mix: PerSupplyMode<f64>,
    /// Price, rent, lead time, tenure and conversion rule of each mode.
    #[serde(default = "default_modes")]
    pub modes: PerSupplyMode<ModeTerms>,
    /// New standard-factory floor space completed per year across all parks that offer
    /// standard factories (工业上楼), m² per year; split in proportion to their initial stock.
    #[serde(default = "default_sf_new")]
    pub standard_factory_new_m2_per_year: f64,
    /// Lead times in parks with devolved approvals are divided by this factor (≥ 1).
    #[serde(default = "default_devolved_factor")]
    pub devolved_approvals_factor: f64,
    /// 亩均论英雄: a firm holding land whose value added per mu is below this is scored low,
    /// yuan per mu per year.
    #[serde(default = "default_mu_threshold")]
    pub mu_threshold_yuan: f64,
    /// First evaluation day; evaluations repeat every `evaluation_interval_days` from it.
    #[serde(default = "default_evaluation_start")]
    pub evaluation_start: Date,
    /// Days between evaluations.
    #[serde(default = "default_evaluation_interval")]
    pub evaluation_interval_days: u32,
    /// Share of a low-scored firm's land reclaimed at an evaluation, at most its idle land
    /// (the land its value added does not need at full use).
    #[serde(default = "default_reclaim_share")]
    pub reclaim_share: f64,
    /// New industrial land supplied to the parks each year (land development and the annual
    /// supply plan), as a share of each park's land on the first day.
    #[serde(default = "default_new_land_share")]
    pub new_land_share_per_year: f64,
}

/// `[[departments]]`: a government department that resolves tickets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub name: String,
    /// Problem categories this department owns.
    pub categories: Vec<CategoryName>,
    /// Tickets it works on at once.
    pub capacity: u32,
    /// Mean days to resolve a ticket once work starts (lognormal).
    pub service_days_mean: f64,
    /// Coefficient of variation of the service time.
    #[serde(default = "default_service_cv")]
    pub service_days_cv: f64,
}

/// A problem category, as written in scenario files.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CategoryName {
    Market,
    Cost,
    Scenario,
    Platform,
    Finance,
    Land,
    Approvals,
}

// ---- baseline defaults (see docs/MODEL.md for where each value comes from) ----

fn default_start() -> Date {
    Date::from_ymd(2023, 1, 1).expect("valid date")
}
fn default_end() -> Date {
    Date::from_ymd(2026, 12, 31).expect("valid date")
}
fn default_seed() -> u64 {
    20_241_113
}
fn default_firms() -> u32 {
    14_500
}
fn default_tier_shares() -> PerTier<f64> {
    // 50 leading, 450 key and 4,100 other above-scale firms among 14,500.
    PerTier {
        leading: 50.0 / 14_500.0,
        key: 450.0 / 14_500.0,
        above_scale: 4_100.0 / 14_500.0,
        other: 9_900.0 / 14_500.0,
    }
}
fn default_va_median() -> PerTier<f64> {
    PerTier {
        leading: crate::priors::shipped("population.value_added_median_yuan.leading"),
        key: crate::priors::shipped("population.value_added_median_yuan.key"),
        above_scale: crate::priors::shipped("population.value_added_median_yuan.above_scale"),
        other: crate::priors::shipped("population.value_added_median_yuan.other"),
    }
}
fn default_va_sigma() -> f64 {
    crate::priors::shipped("population.value_added_sigma")
}
/// 20 million yuan of revenue (NBS's 规模以上 standard since 2011) × 0.25 value added per
/// yuan of revenue (assumption, range 0.2–0.3: MODEL.md §14.1).
fn default_above_scale_value_added() -> f64 {
    crate::priors::shipped("population.above_scale_value_added_yuan")
}
fn default_chains() -> BTreeMap<String, f64> {
    [
        ("electronic_information", 0.22),
        ("equipment_manufacturing", 0.24),
        ("biomedicine", 0.10),
        ("new_energy", 0.08),
        ("new_materials", 0.10),
        ("food_and_light", 0.16),
        ("other", 0.10),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}
fn default_ownership() -> BTreeMap<String, f64> {
    [("private", 0.90), ("state", 0.06), ("foreign", 0.04)]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}
fn default_districts() -> u32 {
    23
}
fn default_arrivals() -> f64 {
    crate::priors::shipped("problems.arrivals_per_firm_year")
}
fn default_tier_multiplier() -> PerTier<f64> {
    PerTier {
        leading: crate::priors::shipped("problems.tier_multiplier.leading"),
        key: crate::priors::shipped("problems.tier_multiplier.key"),
        above_scale: crate::priors::shipped("problems.tier_multiplier.above_scale"),
        // By definition: a firm of tier `other` is the unit.
        other: 1.0,
    }
}
fn default_category_shares() -> PerCategory<f64> {
    PerCategory {
        market: 0.30,
        cost: 0.25,
        scenario: 0.15,
        platform: 0.12,
        finance: 0.08,
        land: 0.04,
        approvals: 0.06,
    }
}
fn default_self_resolve_days() -> f64 {
    crate::priors::shipped("problems.self_resolve_days")
}
fn default_trend_growth() -> f64 {
    crate::priors::shipped("production.trend_growth")
}
fn default_drag() -> f64 {
    crate::priors::shipped("production.drag_per_open_problem")
}
fn default_volatility() -> f64 {
    crate::priors::shipped("production.volatility")
}
fn default_volatility_size_exponent() -> f64 {
    crate::priors::shipped("production.volatility_size_exponent")
}
fn default_investment_share() -> f64 {
    crate::priors::shipped("investment.share_of_value_added")
}
fn default_blocked_share() -> f64 {
    crate::priors::shipped("investment.blocked_share")
}
fn default_campaign_start() -> Date {
    Date::from_ymd(2024, 9, 1).expect("valid date")
}
fn default_visit_capacity() -> PerTier<u32> {
    PerTier {
        leading: 1,
        key: 9,
        above_scale: 75,
        other: 118,
    }
}
fn default_coverage() -> PerTier<f64> {
    PerTier {
        leading: 1.0,
        key: 1.0,
        above_scale: 1.0,
        other: 0.74,
    }
}
fn default_round_every_days() -> u32 {
    365
}
fn default_no_problem_visit_cost() -> f64 {
    crate::priors::shipped("levers.campaign.no_problem_visit_cost_days")
}
fn default_escalation_days() -> u32 {
    7
}
fn default_escalation_speedup() -> f64 {
    3.0
}
fn default_revisit_share() -> f64 {
    0.385
}
fn default_revisit_delay() -> u32 {
    14
}
fn default_patience() -> f64 {
    crate::priors::shipped("levers.revisits.patience_days")
}
fn default_satisfaction_half_life() -> f64 {
    15.0
}
fn default_satisfied_if_unsolved() -> f64 {
    crate::priors::shipped("levers.revisits.satisfied_if_unsolved")
}
fn default_hotline_report_share() -> f64 {
    crate::priors::shipped("levers.hotline.report_share")
}
fn default_unsolved_share() -> f64 {
    crate::priors::shipped("levers.resolution.unsolved_share")
}
fn default_service_cv() -> f64 {
    1.5
}

fn default_park_counts() -> PerParkKind<u32> {
    PerParkKind {
        flagship: 3,
        city: 22,
        other: 1,
    }
}
fn default_in_park_share() -> PerTier<f64> {
    PerTier {
        leading: 0.9,
        key: 0.8,
        above_scale: 0.7,
        other: 0.5,
    }
}
fn default_park_firm_share() -> PerParkKind<f64> {
    PerParkKind {
        flagship: 0.3,
        city: 0.5,
        other: 0.2,
    }
}
fn default_tenant_share() -> PerTier<f64> {
    PerTier {
        leading: 0.0,
        key: 0.0,
        above_scale: 0.1,
        other: 0.5,
    }
}
fn default_initial_occupancy() -> f64 {
    0.85
}
fn default_initial_utilisation_min() -> f64 {
    0.3
}
fn default_initial_utilisation_max() -> f64 {
    0.7
}
fn default_capacity_per_mu() -> f64 {
    2.0e6
}
fn default_capacity_per_m2() -> f64 {
    3_000.0
}
fn default_request_at() -> f64 {
    0.9
}
fn default_expand_to() -> f64 {
    0.7
}
fn default_offers() -> PerParkKind<Vec<SupplyModeName>> {
    use SupplyModeName::*;
    PerParkKind {
        flagship: vec![
            Transfer,
            LongTermLease,
            LeaseThenTransfer,
            FlexibleTerm,
            StandardFactory,
        ],
        city: vec![
            Transfer,
            LongTermLease,
            LeaseThenTransfer,
            FlexibleTerm,
            StandardFactory,
        ],
        other: vec![Transfer, LongTermLease, StandardFactory],
    }
}
fn default_devolved() -> PerParkKind<bool> {
    PerParkKind {
        flagship: true,
        city: true,
        other: false,
    }
}
fn default_supply_mix() -> PerSupplyMode<f64> {
    PerSupplyMode {
        transfer: 0.4,
        long_term_lease: 0.1,
        lease_then_transfer: 0.15,
        flexible_term: 0.15,
        standard_factory: 0.2,
    }
}
fn default_modes() -> PerSupplyMode<ModeTerms> {
    let terms = |upfront, rent, lead, tenure, convert| ModeTerms {
        upfront_yuan: upfront,
        rent_yuan_per_year: rent,
        lead_time_days: lead,
        tenure_years: tenure,
        convert_after_years: convert,
    };
    PerSupplyMode {
        transfer: terms(300_000.0, 0.0, 120, 50, 0),
        long_term_lease: terms(0.0, 15_000.0, 60, 20, 0),
        lease_then_transfer: terms(0.0, 15_000.0, 60, 50, 3),
        flexible_term: terms(120_000.0, 0.0, 90, 20, 0),
        standard_factory: terms(0.0, 180.0, 30, 5, 0),
    }
}
fn default_sf_new() -> f64 {
    1_000_000.0
}
fn default_devolved_factor() -> f64 {
    1.5
}
fn default_mu_threshold() -> f64 {
    600_000.0
}
fn default_evaluation_start() -> Date {
    Date::from_ymd(2024, 6, 30).expect("valid date")
}
fn default_evaluation_interval() -> u32 {
    365
}
fn default_new_land_share() -> f64 {
    crate::priors::shipped("levers.land.new_land_share_per_year")
}
fn default_reclaim_share() -> f64 {
    0.2
}

/// The baseline's departments: who owns which category of demand.
pub fn default_departments() -> Vec<Department> {
    use CategoryName::*;
    let dept = |name: &str, categories: Vec<CategoryName>, capacity, mean| Department {
        name: name.to_owned(),
        categories,
        capacity,
        service_days_mean: mean,
        service_days_cv: default_service_cv(),
    };
    vec![
        dept("commerce", vec![Market], 120, 4.2),
        dept("economy_it", vec![Cost, Platform], 150, 3.5),
        dept("development_reform", vec![Scenario], 80, 5.0),
        dept("finance", vec![Finance], 40, 4.2),
        dept("planning_land", vec![Land], 35, 7.0),
        dept("government_services", vec![Approvals], 20, 2.8),
    ]
}

impl Default for Population {
    fn default() -> Self {
        Population {
            firms: default_firms(),
            tier_shares: default_tier_shares(),
            value_added_median_yuan: default_va_median(),
            value_added_sigma: default_va_sigma(),
            above_scale_value_added_yuan: default_above_scale_value_added(),
            chains: default_chains(),
            ownership: default_ownership(),
            districts: default_districts(),
        }
    }
}

impl Default for Land {
    fn default() -> Self {
        Land {
            parks: default_park_counts(),
            in_park_share: default_in_park_share(),
            park_firm_share: default_park_firm_share(),
            standard_factory_tenant_share: default_tenant_share(),
            initial_land_occupancy: default_initial_occupancy(),
            initial_floor_occupancy: default_initial_occupancy(),
            initial_utilisation_min: default_initial_utilisation_min(),
            initial_utilisation_max: default_initial_utilisation_max(),
            capacity_per_mu_yuan: default_capacity_per_mu(),
            capacity_per_m2_yuan: default_capacity_per_m2(),
            request_at_utilisation: default_request_at(),
            expand_to_utilisation: default_expand_to(),
            offers: default_offers(),
            devolved_approvals: default_devolved(),
        }
    }
}

impl Default for LandLevers {
    fn default() -> Self {
        LandLevers {
            supply_mix: default_supply_mix(),
            modes: default_modes(),
            standard_factory_new_m2_per_year: default_sf_new(),
            devolved_approvals_factor: default_devolved_factor(),
            mu_threshold_yuan: default_mu_threshold(),
            evaluation_start: default_evaluation_start(),
            evaluation_interval_days: default_evaluation_interval(),
            reclaim_share: default_reclaim_share(),
            new_land_share_per_year: default_new_land_share(),
        }
    }
}

impl Default for Problems {
    fn default() -> Self {
        Problems {
            arrivals_per_firm_year: default_arrivals(),
            tier_multiplier: default_tier_multiplier(),
            category_shares: default_category_shares(),
            self_resolve_days: default_self_resolve_days(),
        }
    }
}

impl Default for Production {
    fn default() -> Self {
        Production {
            trend_growth: default_trend_growth(),
            drag_per_open_problem: default_drag(),
            volatility: default_volatility(),
            volatility_size_exponent: default_volatility_size_exponent(),
        }
    }
}

impl Default for Investment {
    fn default() -> Self {
        Investment {
            share_of_value_added: default_investment_share(),
            blocked_share: default_blocked_share(),
            projects: Default::default(),
        }
    }
}

impl Default for Campaign {
    fn default() -> Self {
        Campaign {
            start: default_campaign_start(),
            visits_per_day: default_visit_capacity(),
            coverage: default_coverage(),
            no_problem_visit_cost_days: default_no_problem_visit_cost(),
            round_every_days: default_round_every_days(),
        }
    }
}

impl Default for Escalation {
    fn default() -> Self {
        Escalation {
            after_days: default_escalation_days(),
            speedup: default_escalation_speedup(),
        }
    }
}

impl Default for Revisits {
    fn default() -> Self {
        Revisits {
            share: default_revisit_share(),
            delay_days: default_revisit_delay(),
            patience_days: default_patience(),
            satisfaction_half_life_days: default_satisfaction_half_life(),
            satisfied_if_unsolved: default_satisfied_if_unsolved(),
        }
    }
}

impl Default for Hotline {
    fn default() -> Self {
        Hotline {
            report_share: default_hotline_report_share(),
        }
    }
}

impl Default for Resolution {
    fn default() -> Self {
        Resolution {
            unsolved_share: default_unsolved_share(),
        }
    }
}
