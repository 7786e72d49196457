//! The fiscal ledger: every yuan the city spends is booked to one programme, in integer yuan
//! so totals do not depend on the order of booking.

use bevy_ecs::prelude::*;

/// A spending programme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Programme {
    /// Staff time of visits and re-visits (FACTS A1, A5).
    Visits = 0,
    /// Department staff working tickets during the campaign (A2–A4).
    Departments = 1,
    /// 智改数转 diagnoses (B11).
    Diagnosis = 2,
    /// Subsidies for digital workshops (B11).
    WorkshopSubsidy = 3,
    /// Subsidies for smart factories (B11).
    SmartFactorySubsidy = 4,
    /// Grants for new R&D institutions (B13).
    RdGrants = 5,
    /// Awards for green-manufacturing demonstration units (B12).
    GreenAwards = 6,
    /// Construction of new standard-factory floor space (B3).
    StandardFactories = 7,
    /// 先投后股 grants that did not convert to equity (B7). Fund equity and converted grants
    /// are investments of the city's capital, not outlays.
    FundGrants = 8,
    /// The city's guaranteed share of 积分贷 loan losses (B8).
    LoanLosses = 9,
    /// Interest subsidies (贴息) on 积分贷 loans (B8).
    InterestSubsidy = 10,
    /// Supply–demand matchmaking events (A10).
    Matchmaking = 11,
    /// Benefits paid to firms reached by the policy-push platform (A11, B20).
    PolicyBenefits = 12,
    /// Campaigns against arrears and illegal fees and fines (B19).
    FeeCampaigns = 13,
}

/// Number of programmes.
pub const PROGRAMMES: usize = 14;

impl Programme {
    pub const ALL: [Programme; PROGRAMMES] = [
        Programme::Visits,
        Programme::Departments,
        Programme::Diagnosis,
        Programme::WorkshopSubsidy,
        Programme::SmartFactorySubsidy,
        Programme::RdGrants,
        Programme::GreenAwards,
        Programme::StandardFactories,
        Programme::FundGrants,
        Programme::LoanLosses,
        Programme::InterestSubsidy,
        Programme::Matchmaking,
        Programme::PolicyBenefits,
        Programme::FeeCampaigns,
    ];

    /// The KPIs this programme's money is meant to move: a KPI's cost per unit of change
    /// sets the outlays of these programmes against it (docs/MODEL.md §11).
    pub fn serves(self) -> &'static [&'static str] {
        match self {
            Programme::Visits => &[
                "firms_visited",
                "tickets_collected",
                "tickets_resolved",
                "tickets_revisited",
            ],
            Programme::Departments => &["tickets_resolved"],
            Programme::Diagnosis => &["transformation_coverage"],
            Programme::WorkshopSubsidy => &["digital_workshops_new"],
            Programme::SmartFactorySubsidy => &["smart_factories_new"],
            Programme::RdGrants => &["rd_institution_share", "rd_institutions_new"],
            Programme::GreenAwards => &["green_units_new"],
            Programme::StandardFactories => &["standard_factory_occupancy"],
            Programme::FundGrants => &["grants_converted_yuan", "firms_financed"],
            Programme::LoanLosses | Programme::InterestSubsidy => {
                &["loans_issued_yuan", "firms_financed"]
            }
            Programme::Matchmaking => &[
                "matchmaking_events",
                "firms_matched",
                "intended_orders_yuan",
                "orders_value_added_yuan",
            ],
            Programme::PolicyBenefits => &["firms_reached_by_push", "policy_benefit_takeup"],
            Programme::FeeCampaigns => &["firms_exited"],
        }
    }

    pub fn name(self) -> &'static str {
        [
            "visits",
            "departments",
            "diagnosis",
            "workshop_subsidy",
            "smart_factory_subsidy",
            "rd_grants",
            "green_awards",
            "standard_factories",
            "fund_grants",
            "loan_losses",
            "interest_subsidy",
            "matchmaking",
            "policy_benefits",
            "fee_campaigns",
        ][self as usize]
    }
}

/// Outlays so far, per programme and in total, in yuan.
#[derive(Resource, Clone, Debug, Default)]
pub struct Ledger {
    by_programme: [i64; PROGRAMMES],
    total: i64,
}

impl Ledger {
    /// Books an outlay; the only way money leaves the city's purse in the model.
    pub fn book(&mut self, programme: Programme, yuan: f64) {
        let yuan = yuan.round() as i64;
        self.by_programme[programme as usize] += yuan;
        self.total += yuan;
    }

    pub fn spent(&self, programme: Programme) -> i64 {
        self.by_programme[programme as usize]
    }

    pub fn total(&self) -> i64 {
        self.total
    }

    /// Whether the programme outlays add up to the total.
    pub fn balanced(&self) -> bool {
        self.by_programme.iter().sum::<i64>() == self.total
    }
}

/// Unit costs of the city's own staff (`[costs]`), yuan.
#[derive(Resource, Clone, Copy, Debug)]
pub struct StaffCosts {
    pub visit: f64,
    pub department_slot_day: f64,
    pub standard_factory_m2: f64,
}

impl StaffCosts {
    pub fn from_scenario(s: &crate::scenario::Scenario) -> StaffCosts {
        StaffCosts {
            visit: s.costs.visit_yuan,
            department_slot_day: s.costs.department_slot_day_yuan,
            standard_factory_m2: s.costs.standard_factory_build_yuan_per_m2,
        }
    }
}
