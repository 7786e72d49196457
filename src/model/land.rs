//! Parks and land (FACTS B1–B4): the parks' stocks and queues, the land settings and levers
//! the land systems read, the contracts granted, and the land accounts in whole yuan.

use std::collections::BTreeSet;

use bevy_ecs::prelude::*;

use super::FirmId;
use crate::scenario::{Scenario, SupplyModeName};

/// Thousandths of a mu per mu: land is counted in integers so that it is conserved exactly.
pub const MILLI_MU_PER_MU: f64 = 1000.0;

/// Kind of park in the "3+22+N" system (FACTS B1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum ParkKind {
    Flagship = 0,
    City = 1,
    Other = 2,
}

impl ParkKind {
    pub const ALL: [ParkKind; 3] = [ParkKind::Flagship, ParkKind::City, ParkKind::Other];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A land supply mode (FACTS B3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum SupplyMode {
    Transfer = 0,
    LongTermLease = 1,
    LeaseThenTransfer = 2,
    FlexibleTerm = 3,
    StandardFactory = 4,
}

/// Number of supply modes.
pub const SUPPLY_MODES: usize = 5;

impl SupplyMode {
    pub const ALL: [SupplyMode; SUPPLY_MODES] = [
        SupplyMode::Transfer,
        SupplyMode::LongTermLease,
        SupplyMode::LeaseThenTransfer,
        SupplyMode::FlexibleTerm,
        SupplyMode::StandardFactory,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// Standard factories supply floor space (m²); the other modes supply land (milli-mu).
    pub fn is_floor_space(self) -> bool {
        self == SupplyMode::StandardFactory
    }

    pub fn from_name(name: SupplyModeName) -> SupplyMode {
        match name {
            SupplyModeName::Transfer => SupplyMode::Transfer,
            SupplyModeName::LongTermLease => SupplyMode::LongTermLease,
            SupplyModeName::LeaseThenTransfer => SupplyMode::LeaseThenTransfer,
            SupplyModeName::FlexibleTerm => SupplyMode::FlexibleTerm,
            SupplyModeName::StandardFactory => SupplyMode::StandardFactory,
        }
    }
}

/// A request for more space, waiting in its park's queue.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LandRequest {
    pub firm: Entity,
    pub firm_id: FirmId,
    pub mode: SupplyMode,
    /// Milli-mu of land, or m² of floor space for a standard factory.
    pub amount: u64,
    pub requested_day: u32,
    /// First day it may be granted: the request day plus the (devolved) lead time.
    pub ready_day: u32,
    /// The investment project (its id in `ProjectBook`) the space is for; `None` for a firm
    /// that has outgrown its space.
    pub project: Option<u32>,
}

/// One park: its land and floor-space stocks and its queue of requests.
#[derive(Clone, Debug)]
pub struct Park {
    pub kind: ParkKind,
    /// Supply modes the park offers, by `SupplyMode::index`.
    pub offers: [bool; SUPPLY_MODES],
    /// 企业办事不出园 (FACTS B2): lead times are divided by the devolution factor.
    pub devolved_approvals: bool,
    /// Land of the park, milli-mu; `land_total = land_available + land held by its firms`.
    pub land_total: u64,
    pub land_available: u64,
    /// Standard-factory floor space, m²; `floor_occupied ≤ floor_total`.
    pub floor_total: u64,
    pub floor_occupied: u64,
    /// Share of the city's new standard-factory floor space built in this park.
    pub floor_build_share: f64,
    /// New floor space built but not yet a whole m².
    pub floor_build_carry: f64,
    /// Land of the park on the first day, milli-mu: the base of new land supply.
    pub land_initial: u64,
    /// New land supplied but not yet a whole milli-mu.
    pub land_supply_carry: f64,
    /// Waiting requests, by (request day, firm id).
    pub queue: Vec<LandRequest>,
}

/// Every park, indexed by park id (flagship zones first, then city parks, then the others).
#[derive(Resource, Clone, Debug, Default)]
pub struct Parks {
    pub list: Vec<Park>,
    /// Today's new requests before they are sorted into the queues (kept to reuse its memory).
    pub incoming: Vec<(u16, LandRequest)>,
}

impl Parks {
    /// Requests waiting in all parks.
    pub fn waiting(&self) -> usize {
        self.list.iter().map(|p| p.queue.len()).sum()
    }
}

/// Structural land settings fixed when the world is built.
#[derive(Resource, Clone, Debug)]
pub struct LandSettings {
    /// Value added at full use, yuan per milli-mu per day.
    pub capacity_per_milli_mu_day: f64,
    /// Value added at full use, yuan per m² per day.
    pub capacity_per_m2_day: f64,
    /// `ln(request_at_utilisation)`: a firm asks for space once `log_level ≥ space_log_cap`
    /// plus this.
    pub log_request_at: f64,
    /// Use of capacity a request aims for.
    pub expand_to_utilisation: f64,
}

impl LandSettings {
    pub fn from_scenario(s: &Scenario) -> LandSettings {
        let l = &s.land;
        LandSettings {
            capacity_per_milli_mu_day: l.capacity_per_mu_yuan / MILLI_MU_PER_MU / 365.0,
            capacity_per_m2_day: l.capacity_per_m2_yuan / 365.0,
            log_request_at: l.request_at_utilisation.ln(),
            expand_to_utilisation: l.expand_to_utilisation,
        }
    }

    /// Value added per day a holding supports at full use, yuan.
    #[inline]
    pub fn capacity_day(&self, land_milli_mu: u64, floor_m2: u64) -> f64 {
        land_milli_mu as f64 * self.capacity_per_milli_mu_day
            + floor_m2 as f64 * self.capacity_per_m2_day
    }

    /// `space_log_cap` of a firm with this holding and this base value added.
    pub fn log_cap(&self, land_milli_mu: u64, floor_m2: u64, base_value_added: f64) -> f64 {
        let cap = self.capacity_day(land_milli_mu, floor_m2);
        if cap > 0.0 {
            (cap / base_value_added).ln()
        } else {
            f64::NEG_INFINITY
        }
    }
}

/// The terms of one supply mode, as the systems use them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Terms {
    pub upfront_yuan: f64,
    pub rent_yuan_per_year: f64,
    pub lead_time_days: u32,
    pub tenure_days: u32,
    /// Lease-then-transfer: days after the grant when it may convert; 0 otherwise.
    pub convert_after_days: u32,
}

/// Land levers (`[levers.land]`), replaced whole when a timeline changes them.
#[derive(Resource, Clone, Debug)]
pub struct LandPolicy {
    pub supply_mix: [f64; SUPPLY_MODES],
    pub terms: [Terms; SUPPLY_MODES],
    /// New standard-factory floor space across the city, m² per day.
    pub standard_factory_new_m2_per_day: f64,
    pub devolved_approvals_factor: f64,
    /// 亩均 threshold, yuan per mu per year.
    pub mu_threshold_yuan: f64,
    /// Day index of the first evaluation (may be negative: before the run's start).
    pub evaluation_start_day: i64,
    pub evaluation_interval_days: u32,
    pub reclaim_share: f64,
    /// New land each park adds per day, as a share of its land on the first day.
    pub new_land_share_per_day: f64,
}

impl LandPolicy {
    pub fn from_scenario(s: &Scenario) -> LandPolicy {
        let l = &s.levers.land;
        let terms = l.modes.as_array().map(|t| Terms {
            upfront_yuan: t.upfront_yuan,
            rent_yuan_per_year: t.rent_yuan_per_year,
            lead_time_days: t.lead_time_days,
            tenure_days: t.tenure_years * 365,
            convert_after_days: t.convert_after_years * 365,
        });
        LandPolicy {
            supply_mix: l.supply_mix.as_array(),
            terms,
            standard_factory_new_m2_per_day: l.standard_factory_new_m2_per_year / 365.0,
            devolved_approvals_factor: l.devolved_approvals_factor,
            mu_threshold_yuan: l.mu_threshold_yuan,
            evaluation_start_day: i64::from(l.evaluation_start.days_since(s.scenario.start)),
            evaluation_interval_days: l.evaluation_interval_days,
            reclaim_share: l.reclaim_share,
            new_land_share_per_day: l.new_land_share_per_year / 365.0,
        }
    }

    /// Whether the 亩均 evaluation runs on this day.
    pub fn evaluates_on(&self, day: u32) -> bool {
        let since = i64::from(day) - self.evaluation_start_day;
        since >= 0 && since % i64::from(self.evaluation_interval_days) == 0
    }

    /// Lead time of a mode in a park, days: divided by the factor where approvals are
    /// devolved, rounded up.
    pub fn lead_time(&self, mode: SupplyMode, devolved: bool) -> u32 {
        let days = self.terms[mode.index()].lead_time_days;
        if devolved {
            (f64::from(days) / self.devolved_approvals_factor).ceil() as u32
        } else {
            days
        }
    }

    /// The mode a request in a park takes, given a uniform draw: the supply mix restricted
    /// to what the park offers, renormalised; the park's offers evenly if the mix gives
    /// them no weight.
    pub fn pick_mode(&self, offers: &[bool; SUPPLY_MODES], u: f64) -> SupplyMode {
        let mut weights = [0.0; SUPPLY_MODES];
        for i in 0..SUPPLY_MODES {
            if offers[i] {
                weights[i] = self.supply_mix[i];
            }
        }
        let mut total: f64 = weights.iter().sum();
        if total <= 0.0 {
            for i in 0..SUPPLY_MODES {
                weights[i] = if offers[i] { 1.0 } else { 0.0 };
            }
            total = weights.iter().sum();
        }
        let target = u * total;
        let mut acc = 0.0;
        let mut last = SupplyMode::Transfer;
        for mode in SupplyMode::ALL {
            let w = weights[mode.index()];
            if w <= 0.0 {
                continue;
            }
            last = mode;
            acc += w;
            if target < acc {
                return mode;
            }
        }
        last
    }
}

/// Space granted to a firm under one mode; rent, conversion and expiry follow its terms.
#[derive(Clone, Debug)]
pub struct LandContract {
    pub firm: Entity,
    pub park: u16,
    /// The mode now in force (a converted lease-then-transfer becomes `Transfer`).
    pub mode: SupplyMode,
    /// Milli-mu, or m² for a standard factory.
    pub amount: u64,
    pub start_day: u32,
    pub end_day: u32,
    /// Lease-then-transfer: first day it may convert; 0 once converted or for other modes.
    pub convert_day: u32,
    pub active: bool,
}

/// Contracts granted in the run, the next event of each, and running land totals.
#[derive(Resource, Clone, Debug, Default)]
pub struct LandBook {
    pub contracts: Vec<LandContract>,
    /// (day, contract id) of each active contract's next anniversary.
    pub events: BTreeSet<(u32, u32)>,
    pub requests_made: u64,
    pub requests_granted: u64,
    /// Sum over granted requests of days from request to grant.
    pub days_to_obtain_sum: u64,
    /// Land reclaimed by 亩均 evaluations, cumulative, milli-mu.
    pub reclaimed_milli_mu: u64,
    /// Land returned at the end of leases not renewed, cumulative, milli-mu.
    pub expired_milli_mu: u64,
    /// Land returned by firms that closed, cumulative, milli-mu.
    pub vacated_milli_mu: u64,
    /// Above-scale value added of firms holding land today, yuan per day.
    pub va_above_scale_on_land: i64,
    /// Land those firms hold, milli-mu.
    pub above_scale_land_milli_mu: u64,
}

/// Land revenue of the city, whole yuan, cumulative. The three are disjoint: a cost
/// ledger may add them.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LandAccounts {
    /// Land-use-right transfer fees (出让金): transfers, and lease-then-transfer conversions.
    pub concessions_yuan: i64,
    /// Up-front payments of the other modes (flexible-term premiums, lease and
    /// standard-factory entry fees), at grant and at renewal.
    pub upfront_revenue_yuan: i64,
    /// Rents of leases and standard-factory floor space, paid a year in advance.
    pub rent_revenue_yuan: i64,
}
