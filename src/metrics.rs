//! Daily KPIs: what is recorded, under which name and unit, and how it is computed.
//!
//! `record_metrics` runs last each day and appends one `MetricsRow` to the `MetricsLog`.
//! Year-on-year growth is computed from daily totals of the simulated prior year, over the
//! same calendar span (1 January to the same day a year earlier), as daily averages so the
//! leap day of 2024 does not count as growth.

use bevy_ecs::prelude::*;
use bevy_ecs::system::SystemParam;
use serde::Serialize;

use crate::date::Date;
use crate::model::{
    AboveScaleList, Campaign, Clock, Counters, DayTotals, Demography, Departments, FinanceCounts,
    FundBook, GrantBook, InnovationCounts, LandBook, Ledger, LoanBook, MILLI_MU_PER_MU,
    MatchmakingState, OrderBook, PROGRAMMES, Parks, PolicyPushState, ProblemTally, Programme,
};

pub use crate::kpi_catalogue::{KPIS, Kpi, kpi};

/// One day's KPIs. Fields are in `KPIS` order after `day` and `date`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricsRow {
    pub day: u32,
    pub date: Date,
    pub firms: u64,
    pub firms_entered: u64,
    pub firms_exited: u64,
    pub above_scale_firms: u64,
    pub firms_promoted_above_scale: u64,
    pub firms_demoted_above_scale: u64,
    pub firms_visited: u64,
    pub visits: u64,
    pub no_problem_visits: u64,
    pub tickets_collected: u64,
    pub tickets_resolved: u64,
    pub tickets_withdrawn: u64,
    pub tickets_open: u64,
    pub tickets_escalated: u64,
    pub resolution_rate: Option<f64>,
    pub tickets_revisited: u64,
    pub satisfaction_rate: Option<f64>,
    pub mean_days_to_resolve: Option<f64>,
    pub open_problems: u64,
    pub problems_resolved_share: Option<f64>,
    pub hotline_tickets: u64,
    pub hotline_tickets_resolved: u64,
    pub hotline_mean_days_to_resolve: Option<f64>,
    pub tickets_closed_unsolved: u64,
    pub tickets_ytd: Option<u64>,
    pub value_added_yuan: i64,
    pub value_added_growth_ytd: Option<f64>,
    pub investment_yuan: i64,
    pub investment_growth_ytd: Option<f64>,
    pub disturbance_cost_yuan: i64,
    pub land_occupancy: Option<f64>,
    pub value_added_per_mu: Option<f64>,
    pub mean_days_to_obtain_land: Option<f64>,
    pub standard_factory_occupancy: Option<f64>,
    pub land_requests_waiting: u64,
    pub land_reclaimed_mu: f64,
    pub projects_signed: u64,
    pub projects_building: u64,
    pub projects_commissioned: u64,
    pub projects_failed: u64,
    pub project_outlays_yuan: i64,
    pub rd_institution_share: Option<f64>,
    pub transformation_coverage: Option<f64>,
    pub digital_workshops_new: u64,
    pub smart_factories_new: u64,
    pub green_units_new: u64,
    pub rd_institutions_new: u64,
    pub fund_size_yuan: i64,
    pub fund_deployed_yuan: i64,
    pub fund_hard_tech_share: Option<f64>,
    pub s_fund_deployed_yuan: i64,
    pub s_fund_small_share: Option<f64>,
    pub s_fund_hard_tech_share: Option<f64>,
    pub firms_financed: u64,
    pub finance_problems_relieved: u64,
    pub grants_paid_yuan: i64,
    pub grants_converted_yuan: i64,
    pub loans_issued_yuan: i64,
    pub loans_outstanding_yuan: i64,
    pub loan_defaults: u64,
    pub matchmaking_events: u64,
    pub firms_matched: u64,
    pub intended_orders_yuan: i64,
    pub orders_value_added_yuan: i64,
    pub firms_reached_by_push: u64,
    pub policy_benefit_takeup: Option<f64>,
    pub fiscal_cost_yuan: i64,
    /// Outlays per programme, in `Programme::ALL` order (columns `cost_<programme>_yuan`).
    pub costs: [i64; PROGRAMMES],
}

impl MetricsRow {
    /// The value of a KPI by key; `None` when it is undefined that day (e.g. no ticket yet).
    pub fn get(&self, key: &str) -> Option<f64> {
        Some(match key {
            "firms" => self.firms as f64,
            "firms_entered" => self.firms_entered as f64,
            "firms_exited" => self.firms_exited as f64,
            "above_scale_firms" => self.above_scale_firms as f64,
            "firms_promoted_above_scale" => self.firms_promoted_above_scale as f64,
            "firms_demoted_above_scale" => self.firms_demoted_above_scale as f64,
            "firms_visited" => self.firms_visited as f64,
            "visits" => self.visits as f64,
            "no_problem_visits" => self.no_problem_visits as f64,
            "tickets_collected" => self.tickets_collected as f64,
            "tickets_resolved" => self.tickets_resolved as f64,
            "tickets_withdrawn" => self.tickets_withdrawn as f64,
            "tickets_open" => self.tickets_open as f64,
            "tickets_escalated" => self.tickets_escalated as f64,
            "resolution_rate" => self.resolution_rate?,
            "tickets_revisited" => self.tickets_revisited as f64,
            "satisfaction_rate" => self.satisfaction_rate?,
            "mean_days_to_resolve" => self.mean_days_to_resolve?,
            "open_problems" => self.open_problems as f64,
            "problems_resolved_share" => self.problems_resolved_share?,
            "hotline_tickets" => self.hotline_tickets as f64,
            "hotline_tickets_resolved" => self.hotline_tickets_resolved as f64,
            "hotline_mean_days_to_resolve" => self.hotline_mean_days_to_resolve?,
            "tickets_closed_unsolved" => self.tickets_closed_unsolved as f64,
            "tickets_ytd" => self.tickets_ytd? as f64,
            "value_added_yuan" => self.value_added_yuan as f64,
            "value_added_growth_ytd" => self.value_added_growth_ytd?,
            "investment_yuan" => self.investment_yuan as f64,
            "investment_growth_ytd" => self.investment_growth_ytd?,
            "disturbance_cost_yuan" => self.disturbance_cost_yuan as f64,
            "land_occupancy" => self.land_occupancy?,
            "value_added_per_mu" => self.value_added_per_mu?,
            "mean_days_to_obtain_land" => self.mean_days_to_obtain_land?,
            "standard_factory_occupancy" => self.standard_factory_occupancy?,
            "land_requests_waiting" => self.land_requests_waiting as f64,
            "projects_signed" => self.projects_signed as f64,
            "projects_building" => self.projects_building as f64,
            "projects_commissioned" => self.projects_commissioned as f64,
            "projects_failed" => self.projects_failed as f64,
            "project_outlays_yuan" => self.project_outlays_yuan as f64,
            "land_reclaimed_mu" => self.land_reclaimed_mu,
            "rd_institution_share" => self.rd_institution_share?,
            "transformation_coverage" => self.transformation_coverage?,
            "digital_workshops_new" => self.digital_workshops_new as f64,
            "smart_factories_new" => self.smart_factories_new as f64,
            "green_units_new" => self.green_units_new as f64,
            "rd_institutions_new" => self.rd_institutions_new as f64,
            "fund_size_yuan" => self.fund_size_yuan as f64,
            "fund_deployed_yuan" => self.fund_deployed_yuan as f64,
            "fund_hard_tech_share" => self.fund_hard_tech_share?,
            "s_fund_deployed_yuan" => self.s_fund_deployed_yuan as f64,
            "s_fund_small_share" => self.s_fund_small_share?,
            "s_fund_hard_tech_share" => self.s_fund_hard_tech_share?,
            "firms_financed" => self.firms_financed as f64,
            "finance_problems_relieved" => self.finance_problems_relieved as f64,
            "grants_paid_yuan" => self.grants_paid_yuan as f64,
            "grants_converted_yuan" => self.grants_converted_yuan as f64,
            "loans_issued_yuan" => self.loans_issued_yuan as f64,
            "loans_outstanding_yuan" => self.loans_outstanding_yuan as f64,
            "loan_defaults" => self.loan_defaults as f64,
            "matchmaking_events" => self.matchmaking_events as f64,
            "firms_matched" => self.firms_matched as f64,
            "intended_orders_yuan" => self.intended_orders_yuan as f64,
            "orders_value_added_yuan" => self.orders_value_added_yuan as f64,
            "firms_reached_by_push" => self.firms_reached_by_push as f64,
            "policy_benefit_takeup" => self.policy_benefit_takeup?,
            "fiscal_cost_yuan" => self.fiscal_cost_yuan as f64,
            other => {
                let programme = other.strip_prefix("cost_")?.strip_suffix("_yuan")?;
                let p = Programme::ALL.iter().position(|p| p.name() == programme)?;
                self.costs[p] as f64
            }
        })
    }
}

/// Every day's KPI row, and running sums of daily totals for year-on-year growth.
#[derive(Resource, Clone, Debug)]
pub struct MetricsLog {
    pub start: Date,
    pub rows: Vec<MetricsRow>,
    /// `value_added_prefix[i]` is the sum of above-scale value added over days `0..i`.
    value_added_prefix: Vec<i64>,
    investment_prefix: Vec<i64>,
    /// (open, arisen, resolved) problems as the campaign started: the base of
    /// `problems_resolved_share`. `None` until then.
    problems_at_campaign_start: Option<(u64, u64, u64)>,
    /// Tickets of either channel made before 1 January of the current year (`tickets_ytd`);
    /// `None` in a year the run started after 1 January.
    tickets_before_new_year: Option<u64>,
    /// The year of the latest revision of the above-scale list and the ratio of the revised
    /// list's value added last year to last year's recorded total (1 when no firm joined,
    /// left or closed): `value_added_growth_ytd` scales its base by it (`comparable_base`).
    comparable_scale: Option<(i32, f64)>,
}

impl MetricsLog {
    pub fn new(start: Date, days: usize) -> MetricsLog {
        let mut log = MetricsLog {
            start,
            rows: Vec::with_capacity(days),
            value_added_prefix: Vec::with_capacity(days + 1),
            investment_prefix: Vec::with_capacity(days + 1),
            problems_at_campaign_start: None,
            tickets_before_new_year: None,
            comparable_scale: None,
        };
        log.value_added_prefix.push(0);
        log.investment_prefix.push(0);
        log
    }

    /// A cumulative count's increase since 1 January: on 1 January (or a run's first day,
    /// if it is 1 January) the count before today becomes the base. A run that starts later
    /// in a year has no base for that year.
    fn since_new_year(&mut self, date: Date, total: u64) -> Option<u64> {
        if date == date.start_of_year() {
            let before = self
                .rows
                .last()
                .map_or(0, |r| r.tickets_collected + r.hotline_tickets);
            self.tickets_before_new_year = Some(before);
        }
        self.tickets_before_new_year.map(|base| total - base)
    }

    /// Notes the problems as the campaign starts (tonight, if it starts tomorrow; the
    /// start of the run, if it starts on day 0), then gives the share of the problems open
    /// then or arisen since that are resolved by tonight. `None` before the campaign: the
    /// share compares the same span with and without it (a counterfactual with no campaign
    /// keeps its start date), which the ticket-based `resolution_rate` cannot.
    fn problems_resolved_share(
        &mut self,
        today: u32,
        campaign_start_day: u32,
        tally: ProblemTally,
        resolved: u64,
    ) -> Option<f64> {
        if self.problems_at_campaign_start.is_none() {
            if campaign_start_day == 0 {
                self.problems_at_campaign_start = Some((tally.open_at_start, 0, 0));
            } else if today + 1 == campaign_start_day {
                self.problems_at_campaign_start =
                    Some((tally.open(resolved), tally.arisen, resolved));
            }
        }
        if today < campaign_start_day {
            return None;
        }
        let (open, arisen, resolved_before) = self.problems_at_campaign_start?;
        percent(resolved - resolved_before, open + tally.arisen - arisen)
    }

    /// Notes the revision of the above-scale list made this morning, if any: its list's
    /// value added last year over the above-scale value added recorded last year. The
    /// recorded total holds the firms of last year's list, closed ones included; the ratio
    /// swaps them for this year's list, so the base of growth holds the same firms as the
    /// numerator (可比口径).
    fn comparable_base(&mut self, date: Date, revised: Option<(i32, i64)>) {
        let Some((year, set_last_year)) = revised else {
            return;
        };
        if self.comparable_scale.is_some_and(|(y, _)| y == year) || date.year() != year {
            return;
        }
        let index = |d: Date| d.days_since(self.start).max(0) as usize;
        let (from, to) = (
            index(date.start_of_year().one_year_earlier()),
            index(date.start_of_year()),
        );
        let recorded = self.value_added_prefix[to] - self.value_added_prefix[from];
        self.comparable_scale =
            (recorded > 0).then(|| (year, set_last_year as f64 / recorded as f64));
    }

    /// Year-to-date growth of above-scale value added on comparable firms: `ytd_growth`
    /// with last year's span scaled to this year's list (`comparable_base`).
    fn value_added_growth(&self, date: Date) -> Option<f64> {
        let scale = match self.comparable_scale {
            Some((year, scale)) if year == date.year() => scale,
            _ => 1.0,
        };
        self.ytd_growth(&self.value_added_prefix, date, scale)
    }

    /// Growth in % of the daily average from 1 January to `date` over the same span a year
    /// earlier, that span's total scaled by `base_scale` (1 but for comparable firms,
    /// `value_added_growth`); `None` unless both spans were simulated in full.
    fn ytd_growth(&self, prefix: &[i64], date: Date, base_scale: f64) -> Option<f64> {
        let index = |d: Date| -> Option<usize> { usize::try_from(d.days_since(self.start)).ok() };
        let this_start = index(date.start_of_year())?;
        let this_end = index(date)?;
        let last_start = index(date.start_of_year().one_year_earlier())?;
        let last_end = index(date.one_year_earlier())?;
        let mean = |a: usize, b: usize| (prefix[b + 1] - prefix[a]) as f64 / (b + 1 - a) as f64;
        let last = mean(last_start, last_end) * base_scale;
        (last > 0.0).then(|| (mean(this_start, this_end) / last - 1.0) * 100.0)
    }
}

/// The latest start of a horizon on which `kpi` is defined on `date`, when the KPI looks
/// back before the date's own year: year-to-date growth compares with the same span a year
/// earlier, so the whole prior year must be simulated (`ytd_growth`).
pub fn needs_start_by(kpi: &str, date: Date) -> Option<Date> {
    kpi.ends_with("_growth_ytd")
        .then(|| date.start_of_year().one_year_earlier())
}

fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64 * 100.0)
}

/// `part` as % of `whole`, for money.
fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64 * 100.0)
}

/// The finance programmes' books, read together by `record_metrics`.
#[derive(SystemParam)]
pub struct FinanceBooks<'w> {
    funds: Res<'w, FundBook>,
    grants: Res<'w, GrantBook>,
    loans: Res<'w, LoanBook>,
    counts: Res<'w, FinanceCounts>,
}

// Append today's KPI row, after every other system has run.
#[allow(clippy::too_many_arguments)]
pub fn record_metrics(
    clock: Res<Clock>,
    counters: Res<Counters>,
    totals: Res<DayTotals>,
    book: Res<crate::model::TicketBook>,
    departments: Res<Departments>,
    (innovation, ledger, campaign): (Res<InnovationCounts>, Res<Ledger>, Res<Campaign>),
    (demography, matchmaking, orders, push): (
        Res<Demography>,
        Res<MatchmakingState>,
        Res<OrderBook>,
        Res<PolicyPushState>,
    ),
    (parks, land, projects, list): (
        Res<Parks>,
        Res<LandBook>,
        Res<crate::model::ProjectBook>,
        Res<AboveScaleList>,
    ),
    finance: FinanceBooks,
    mut log: ResMut<MetricsLog>,
) {
    let FinanceBooks {
        funds,
        grants,
        loans,
        counts: finance,
    } = finance;
    let (mut land_total, mut land_free, mut floor_total, mut floor_used) = (0u64, 0u64, 0u64, 0u64);
    for p in &parks.list {
        land_total += p.land_total;
        land_free += p.land_available;
        floor_total += p.floor_total;
        floor_used += p.floor_occupied;
    }
    let log = &mut *log;
    log.comparable_base(clock.date, list.revised);
    let va =
        *log.value_added_prefix.last().expect("starts with 0") + totals.value_added_above_scale;
    log.value_added_prefix.push(va);
    let inv = *log.investment_prefix.last().expect("starts with 0") + totals.investment;
    log.investment_prefix.push(inv);
    let c = &*counters;
    let row = MetricsRow {
        day: clock.day,
        date: clock.date,
        firms: demography.live(),
        firms_entered: demography.entered,
        firms_exited: demography.exited,
        above_scale_firms: innovation.above_scale_firms,
        firms_promoted_above_scale: list.promoted,
        firms_demoted_above_scale: list.demoted,
        firms_visited: c.firms_visited,
        visits: c.visits,
        no_problem_visits: c.no_problem_visits,
        tickets_collected: c.tickets_collected,
        tickets_resolved: c.tickets_resolved,
        tickets_withdrawn: c.tickets_withdrawn + c.hotline.withdrawn,
        tickets_open: (book.awaiting_triage.len() + departments.open_tickets()) as u64,
        tickets_escalated: c.tickets_escalated,
        resolution_rate: percent(c.tickets_resolved, c.tickets_collected),
        tickets_revisited: c.tickets_revisited,
        satisfaction_rate: percent(c.revisits_satisfied, c.tickets_revisited),
        mean_days_to_resolve: (c.tickets_resolved > 0)
            .then(|| c.days_to_resolve_sum as f64 / c.tickets_resolved as f64),
        open_problems: totals.open_problems,
        problems_resolved_share: log.problems_resolved_share(
            clock.day,
            campaign.start_day,
            c.problems,
            c.problems
                .resolved(c.solved_by_departments(), finance.problems_relieved),
        ),
        hotline_tickets: c.hotline.reported,
        hotline_tickets_resolved: c.hotline.resolved,
        hotline_mean_days_to_resolve: (c.hotline.resolved > 0)
            .then(|| c.hotline.days_to_resolve_sum as f64 / c.hotline.resolved as f64),
        tickets_closed_unsolved: c.tickets_unsolved,
        tickets_ytd: log.since_new_year(clock.date, c.tickets_collected + c.hotline.reported),
        value_added_yuan: totals.value_added_above_scale,
        value_added_growth_ytd: log.value_added_growth(clock.date),
        investment_yuan: totals.investment,
        investment_growth_ytd: log.ytd_growth(&log.investment_prefix, clock.date, 1.0),
        disturbance_cost_yuan: c.disturbance_cost_yuan,
        rd_institution_share: percent(innovation.with_rd_institution, innovation.above_scale_firms),
        transformation_coverage: percent(innovation.covered, innovation.above_scale_firms),
        digital_workshops_new: innovation.new_workshops,
        smart_factories_new: innovation.new_smart_factories,
        green_units_new: innovation.new_green_units,
        rd_institutions_new: innovation.new_rd_institutions,
        fund_size_yuan: funds.size(),
        fund_deployed_yuan: funds.deployed(),
        fund_hard_tech_share: share(
            funds.funds.iter().map(|f| f.deployed_hard_tech).sum(),
            funds.deployed(),
        ),
        s_fund_deployed_yuan: funds.s_fund().deployed,
        s_fund_small_share: share(funds.s_fund().deployed_small, funds.s_fund().deployed),
        s_fund_hard_tech_share: share(funds.s_fund().deployed_hard_tech, funds.s_fund().deployed),
        firms_financed: finance.firms_financed,
        finance_problems_relieved: finance.problems_relieved,
        grants_paid_yuan: grants.paid_yuan,
        grants_converted_yuan: grants.converted_yuan,
        loans_issued_yuan: loans.issued_yuan,
        loans_outstanding_yuan: loans.outstanding_yuan,
        loan_defaults: loans.defaults,
        matchmaking_events: matchmaking.events,
        firms_matched: matchmaking.firms_matched,
        intended_orders_yuan: matchmaking.intended_orders_yuan,
        orders_value_added_yuan: orders.value_added_yuan,
        firms_reached_by_push: push.reached,
        policy_benefit_takeup: percent(push.taken_up, push.reached),
        fiscal_cost_yuan: ledger.total(),
        costs: Programme::ALL.map(|p| ledger.spent(p)),
        land_occupancy: percent(land_total - land_free, land_total),
        value_added_per_mu: (land.above_scale_land_milli_mu > 0).then(|| {
            land.va_above_scale_on_land as f64 * 365.0
                / (land.above_scale_land_milli_mu as f64 / MILLI_MU_PER_MU)
        }),
        mean_days_to_obtain_land: (land.requests_granted > 0)
            .then(|| land.days_to_obtain_sum as f64 / land.requests_granted as f64),
        standard_factory_occupancy: percent(floor_used, floor_total),
        land_requests_waiting: parks.waiting() as u64,
        land_reclaimed_mu: land.reclaimed_milli_mu as f64 / MILLI_MU_PER_MU,
        projects_signed: projects.signed,
        projects_building: projects.in_stages()[3],
        projects_commissioned: projects.commissioned,
        projects_failed: projects.failed,
        project_outlays_yuan: projects.outlays_today,
    };
    log.rows.push(row);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two years of above-scale value added, 100 yuan a day in 2023 and 110 in 2024.
    fn two_years() -> (MetricsLog, Date) {
        let start = Date::from_ymd(2023, 1, 1).unwrap();
        let mut log = MetricsLog::new(start, 731);
        for day in 0..731 {
            let va = if day < 365 { 100 } else { 110 };
            let last = *log.value_added_prefix.last().unwrap();
            log.value_added_prefix.push(last + va);
        }
        (log, Date::from_ymd(2024, 9, 30).unwrap())
    }

    #[test]
    fn growth_compares_this_years_list_with_the_same_firms_a_year_earlier() {
        // No revision, or a list whose firms made all of last year's value added: the plain
        // year-on-year growth, 10 %.
        let (mut log, date) = two_years();
        assert!((log.value_added_growth(date).unwrap() - 10.0).abs() < 1e-9);
        log.comparable_base(Date::from_ymd(2024, 1, 1).unwrap(), Some((2024, 36_500)));
        assert!((log.value_added_growth(date).unwrap() - 10.0).abs() < 1e-9);
        // This year's list made only 80 % of last year's total (firms closed or left): its
        // 110 a day compare with the 80 a day the same firms made, +37.5 %.
        let (mut log, date) = two_years();
        log.comparable_base(Date::from_ymd(2024, 1, 1).unwrap(), Some((2024, 29_200)));
        assert!((log.value_added_growth(date).unwrap() - 37.5).abs() < 1e-9);
        // The scale belongs to its year: a 2025 date would not use 2024's.
        assert_eq!(log.comparable_scale.map(|(y, _)| y), Some(2024));
    }

    #[test]
    fn every_kpi_has_a_column_and_a_getter() {
        let row = MetricsRow {
            day: 0,
            date: Date::from_ymd(2024, 1, 1).unwrap(),
            firms: 1,
            firms_entered: 2,
            firms_exited: 3,
            above_scale_firms: 4,
            firms_promoted_above_scale: 5,
            firms_demoted_above_scale: 6,
            firms_visited: 7,
            visits: 8,
            no_problem_visits: 9,
            tickets_collected: 10,
            tickets_resolved: 11,
            tickets_withdrawn: 12,
            tickets_open: 13,
            tickets_escalated: 14,
            resolution_rate: Some(15.0),
            tickets_revisited: 16,
            satisfaction_rate: Some(17.0),
            mean_days_to_resolve: Some(18.0),
            open_problems: 19,
            problems_resolved_share: Some(20.0),
            hotline_tickets: 21,
            hotline_tickets_resolved: 22,
            hotline_mean_days_to_resolve: Some(23.0),
            tickets_closed_unsolved: 24,
            tickets_ytd: Some(25),
            value_added_yuan: 26,
            value_added_growth_ytd: Some(27.0),
            investment_yuan: 28,
            investment_growth_ytd: Some(29.0),
            disturbance_cost_yuan: 30,
            land_occupancy: Some(31.0),
            value_added_per_mu: Some(32.0),
            mean_days_to_obtain_land: Some(33.0),
            standard_factory_occupancy: Some(34.0),
            land_requests_waiting: 35,
            land_reclaimed_mu: 36.0,
            projects_signed: 37,
            projects_building: 38,
            projects_commissioned: 39,
            projects_failed: 40,
            project_outlays_yuan: 41,
            rd_institution_share: Some(42.0),
            transformation_coverage: Some(43.0),
            digital_workshops_new: 44,
            smart_factories_new: 45,
            green_units_new: 46,
            rd_institutions_new: 47,
            fund_size_yuan: 48,
            fund_deployed_yuan: 49,
            fund_hard_tech_share: Some(50.0),
            s_fund_deployed_yuan: 51,
            s_fund_small_share: Some(52.0),
            s_fund_hard_tech_share: Some(53.0),
            firms_financed: 54,
            finance_problems_relieved: 55,
            grants_paid_yuan: 56,
            grants_converted_yuan: 57,
            loans_issued_yuan: 58,
            loans_outstanding_yuan: 59,
            loan_defaults: 60,
            matchmaking_events: 61,
            firms_matched: 62,
            intended_orders_yuan: 63,
            orders_value_added_yuan: 64,
            firms_reached_by_push: 65,
            policy_benefit_takeup: Some(66.0),
            fiscal_cost_yuan: 67,
            costs: std::array::from_fn(|i| 68 + i as i64),
        };
        for (i, k) in KPIS.iter().enumerate() {
            assert_eq!(row.get(k.key), Some(i as f64 + 1.0), "{}", k.key);
        }
        // metrics.csv's header is written from KPIS (output.rs); each serialised row must put
        // every KPI in that column order.
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(vec![]);
        w.serialize(&row).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let fields: Vec<&str> = text.trim_end().split(',').collect();
        assert_eq!(fields.len(), 2 + KPIS.len());
        for (i, k) in KPIS.iter().enumerate() {
            let value: f64 = fields[2 + i].parse().unwrap();
            assert_eq!(Some(value), row.get(k.key), "column {} is {}", 2 + i, k.key);
        }
    }
}
