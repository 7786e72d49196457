//! Settings and state of the market programmes (FACTS A10, A11, B19, B20): matchmaking events
//! and the orders they bring, the policy-push platform, and fee and arrears campaigns.

use bevy_ecs::prelude::*;

use crate::scenario::Scenario;

/// Daily settings derived from `[market]` and `[levers.market]`; replaced when a timeline
/// changes a market lever.
#[derive(Resource, Clone, Debug)]
pub struct MarketSettings {
    /// Day index of the campaign window's first day (negative: before the run).
    pub campaign_first_day: i64,
    pub campaign_days: u32,
    /// Events per day inside the campaign window, on top of `events_per_day`.
    pub campaign_events_per_day: f64,
    /// Events per day all year round.
    pub events_per_day: f64,
    pub firms_per_event: u32,
    pub conversion_rate: f64,
    pub cost_per_event: f64,
    /// Mean and lognormal sigma of the intended orders of one attendance, yuan.
    pub orders_mean: f64,
    pub orders_sigma: f64,
    pub value_added_share_of_sales: f64,
    pub delivery_days: u32,
    /// Distinct firms to reach per year, by year (sorted); see `reach_in`.
    pub push_reach: Vec<(i32, f64)>,
    /// Chance that a reached firm takes the benefit up, given the 免申即享 share.
    pub takeup: f64,
    pub benefit: f64,
    /// Chance that a benefit taken up settles one latent cost (or finance) problem.
    pub settle_chance: f64,
    /// Fee and arrears campaigns: outlay per day, and the relief they give.
    pub fee_cost_per_day: f64,
    pub relief: FeeRelief,
}

impl MarketSettings {
    pub fn from_scenario(s: &Scenario) -> MarketSettings {
        let (m, l) = (&s.market, &s.levers.market);
        let mm = &l.matchmaking;
        let mut push_reach: Vec<(i32, f64)> = l
            .push
            .firms_per_year
            .iter()
            .filter_map(|(y, n)| Some((y.parse().ok()?, *n)))
            .collect();
        push_reach.sort_by_key(|&(y, _)| y);
        let auto = l.push.no_application_share;
        let fee = &l.fee_campaigns;
        MarketSettings {
            campaign_first_day: i64::from(mm.campaign_start.days_since(s.scenario.start)),
            campaign_days: mm.campaign_days,
            campaign_events_per_day: mm.campaign_events / f64::from(mm.campaign_days.max(1)),
            events_per_day: mm.events_per_year / 365.0,
            firms_per_event: mm.firms_per_event,
            conversion_rate: mm.conversion_rate,
            cost_per_event: mm.cost_per_event_yuan,
            orders_mean: m.orders_per_attendance_yuan,
            orders_sigma: m.orders_sigma,
            value_added_share_of_sales: m.value_added_share_of_sales,
            delivery_days: m.delivery_days.max(1),
            push_reach,
            // 免申即享: a benefit that needs no application is taken up far more often.
            takeup: auto * m.takeup_without_application + (1.0 - auto) * m.takeup_with_application,
            benefit: l.push.benefit_per_firm_yuan,
            settle_chance: (l.push.benefit_per_firm_yuan / m.problem_relief_yuan).min(1.0),
            fee_cost_per_day: fee.intensity * fee.cost_per_year_yuan / 365.0,
            relief: FeeRelief {
                finance: (fee.intensity * m.arrears_finance_relief).min(1.0),
                cost: (fee.intensity * m.fee_cost_relief).min(1.0),
            },
        }
    }

    /// Events due per day on `day`: the year-round rate plus the campaign's inside its window.
    pub fn events_rate(&self, day: u32) -> f64 {
        let since = i64::from(day) - self.campaign_first_day;
        let in_window = (0..i64::from(self.campaign_days)).contains(&since);
        self.events_per_day
            + if in_window {
                self.campaign_events_per_day
            } else {
                0.0
            }
    }

    /// Distinct firms the platform reaches in `year`: the latest listed year up to it.
    pub fn reach_in(&self, year: i32) -> f64 {
        self.push_reach
            .iter()
            .rev()
            .find(|(y, _)| *y <= year)
            .map_or(0.0, |&(_, n)| n)
    }
}

/// How much of the harm of open finance and cost problems the fee and arrears campaigns
/// (FACTS B19) take away today: shares of their growth drag (and, for finance, exit risk).
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq)]
pub struct FeeRelief {
    pub finance: f64,
    pub cost: f64,
}

/// What a firm has had from the market programmes. Cold: read only on event and push days.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct MarketStatus {
    /// Attended at least one matchmaking event.
    pub matched: bool,
    /// Calendar year it was last reached by a policy push (0: never).
    pub pushed_year: u16,
    /// Id + 1 of the last event it attended (0: none), so no firm takes two seats at one.
    pub last_event: u64,
}

/// Matchmaking so far.
#[derive(Resource, Clone, Debug, Default)]
pub struct MatchmakingState {
    /// Events due but not yet held (the fractional part carries to the next day).
    pub due: f64,
    /// Events held; also the next event's id.
    pub events: u64,
    pub attendances: u64,
    /// Distinct firms that attended (FACTS A10b).
    pub firms_matched: u64,
    /// Intended orders signed, yuan (A10c).
    pub intended_orders_yuan: i64,
}

/// A converted order being delivered: its value added accrues to the firm every day.
#[derive(Clone, Copy, Debug)]
pub struct Delivery {
    pub firm: Entity,
    pub value_added_per_day: f64,
    /// Last day of delivery (inclusive).
    pub last_day: u32,
}

/// Orders being delivered, in the order they were signed.
#[derive(Resource, Clone, Debug, Default)]
pub struct OrderBook {
    pub deliveries: Vec<Delivery>,
    /// Value added from converted orders, cumulative, yuan (all firms).
    pub value_added_yuan: i64,
}

/// The policy-push platform this year (蓉易享, FACTS A11).
#[derive(Resource, Clone, Debug, Default)]
pub struct PolicyPushState {
    pub year: i32,
    /// Reaches due but not yet made this year.
    pub due: f64,
    /// Distinct firms reached this year, and how many of them took the benefit up.
    pub reached: u64,
    pub taken_up: u64,
    /// Since the start of the run.
    pub reached_total: u64,
    pub taken_up_total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn push_reach_carries_the_latest_listed_year_forward() {
        let mut s: Scenario = toml::from_str("[scenario]\nname = \"t\"").unwrap();
        s.levers.market.push.firms_per_year = [("2024", 10.0), ("2022", 5.0)]
            .into_iter()
            .map(|(y, n)| (y.to_owned(), n))
            .collect();
        let m = MarketSettings::from_scenario(&s);
        let reach: Vec<f64> = (2021..=2026).map(|y| m.reach_in(y)).collect();
        assert_eq!(reach, [0.0, 5.0, 5.0, 10.0, 10.0, 10.0]);
    }

    #[test]
    fn campaign_events_fall_inside_the_window_only() {
        let s: Scenario = toml::from_str("[scenario]\nname = \"t\"").unwrap();
        let m = MarketSettings::from_scenario(&s);
        let first = m.campaign_first_day as u32;
        assert_eq!(m.events_rate(first - 1), 0.0);
        assert!((m.events_rate(first) - 0.88).abs() < 1e-12);
        assert!((m.events_rate(first + 99) - 0.88).abs() < 1e-12);
        assert_eq!(m.events_rate(first + 100), 0.0);
    }
}
