//! Land and floor space (FACTS B1–B3): leases fall due, new standard factories are completed,
//! firms that have outgrown their space ask for more, and parks grant what they can.
//!
//! A firm uses `exp(log_level) / exp(space_log_cap)` of what its land and floor space support.
//! Once that share reaches `request_at_utilisation` it asks its park for enough space to
//! bring it back to `expand_to_utilisation`, under a supply mode drawn from the supply mix
//! (restricted to what the park offers). The request waits in the park's queue, in order of
//! (request day, firm id), until its lead time has passed and the park has the land or floor
//! space; requests that cannot be served yet do not block those behind them.

use bevy_ecs::prelude::*;

use super::production::whole_yuan;
use crate::math;
use crate::model::{
    Clock, Exited, FirmId, FirmLand, FirmProfile, FirmState, LandAccounts, LandBook, LandContract,
    LandPolicy, LandRequest, LandSettings, Ledger, MILLI_MU_PER_MU, NO_PARK, Park, Parks,
    Programme, ProjectBook, StaffCosts, SupplyMode, Terms,
};
use crate::rng::{Purpose, StreamRng};

/// Days between rent payments and other contract events.
const YEAR_DAYS: u32 = 365;

/// Value added per mu per year of a firm's land, yuan; `None` for a firm holding no land.
#[inline]
pub fn value_added_per_mu(
    profile: &FirmProfile,
    state: &FirmState,
    land: &FirmLand,
) -> Option<f64> {
    (land.land_milli_mu > 0).then(|| {
        profile.base_value_added * math::exp(state.log_level) * 365.0
            / (land.land_milli_mu as f64 / MILLI_MU_PER_MU)
    })
}

/// The 亩均 test (FACTS B4): value added per mu at least the threshold. A firm holding no
/// land (a standard-factory tenant) passes.
#[inline]
pub fn passes_mu_test(
    profile: &FirmProfile,
    state: &FirmState,
    land: &FirmLand,
    threshold: f64,
) -> bool {
    value_added_per_mu(profile, state, land).is_none_or(|v| v >= threshold)
}

/// Yuan for `amount` (milli-mu, or m² for a standard factory) at `price` per mu or per m².
#[inline]
fn yuan(mode: SupplyMode, amount: u64, price: f64) -> i64 {
    let units = if mode.is_floor_space() {
        amount as f64
    } else {
        amount as f64 / MILLI_MU_PER_MU
    };
    (price * units).round() as i64
}

/// Books an up-front payment: transfer fees are concessions (出让金), the rest up-front revenue.
fn book_upfront(accounts: &mut LandAccounts, mode: SupplyMode, amount: u64, terms: &Terms) {
    let paid = yuan(mode, amount, terms.upfront_yuan);
    if mode == SupplyMode::Transfer {
        accounts.concessions_yuan += paid;
    } else {
        accounts.upfront_revenue_yuan += paid;
    }
}

// Each contract whose anniversary is today: a lease at the end of its tenure is renewed if
// the firm passes the 亩均 test, else its space returns to the park; a lease-then-transfer
// past its lease period converts to a transfer if the firm passes; then the year's rent.
#[allow(clippy::too_many_arguments)]
pub fn settle_land_contracts(
    clock: Res<Clock>,
    settings: Res<LandSettings>,
    policy: Res<LandPolicy>,
    mut book: ResMut<LandBook>,
    mut parks: ResMut<Parks>,
    mut accounts: ResMut<LandAccounts>,
    mut firms: Query<(&FirmProfile, &mut FirmState, &mut FirmLand), Without<Exited>>,
) {
    let today = clock.day;
    let book = &mut *book;
    while let Some(&(day, id)) = book.events.first() {
        if day > today {
            break;
        }
        book.events.pop_first();
        let c = &mut book.contracts[id as usize];
        let Ok((profile, mut state, mut land)) = firms.get_mut(c.firm) else {
            c.active = false;
            continue;
        };
        let passes = passes_mu_test(profile, &state, &land, policy.mu_threshold_yuan);
        if today >= c.end_day {
            if passes {
                let terms = policy.terms[c.mode.index()];
                c.end_day = today + terms.tenure_days;
                book_upfront(&mut accounts, c.mode, c.amount, &terms);
            } else {
                let park = &mut parks.list[usize::from(c.park)];
                if c.mode.is_floor_space() {
                    let back = c.amount.min(land.floor_m2);
                    land.floor_m2 -= back;
                    park.floor_occupied -= back;
                } else {
                    let back = c.amount.min(land.land_milli_mu);
                    land.land_milli_mu -= back;
                    park.land_available += back;
                    book.expired_milli_mu += back;
                }
                state.space_log_cap =
                    settings.log_cap(land.land_milli_mu, land.floor_m2, profile.base_value_added);
                c.active = false;
                continue;
            }
        }
        if c.mode == SupplyMode::LeaseThenTransfer
            && c.convert_day > 0
            && today >= c.convert_day
            && passes
        {
            let transfer = policy.terms[SupplyMode::Transfer.index()];
            accounts.concessions_yuan += yuan(c.mode, c.amount, transfer.upfront_yuan);
            c.mode = SupplyMode::Transfer;
            c.convert_day = 0;
            c.end_day = c.start_day + transfer.tenure_days;
        }
        let rent = policy.terms[c.mode.index()].rent_yuan_per_year;
        accounts.rent_revenue_yuan += yuan(c.mode, c.amount, rent);
        book.events.insert((today + YEAR_DAYS, id));
    }
}

// Add the day's new industrial land to every park (a share of its first-day land, in whole
// milli-mu), and the day's new standard-factory floor space to the parks that offer standard
// factories, in whole m² (fractions carry over to the next day).
pub fn build_standard_factories(
    policy: Res<LandPolicy>,
    costs: Res<StaffCosts>,
    mut parks: ResMut<Parks>,
    mut ledger: ResMut<Ledger>,
) {
    if policy.new_land_share_per_day > 0.0 {
        for park in &mut parks.list {
            park.land_supply_carry += park.land_initial as f64 * policy.new_land_share_per_day;
            let whole = park.land_supply_carry.floor();
            park.land_total += whole as u64;
            park.land_available += whole as u64;
            park.land_supply_carry -= whole;
        }
    }
    if policy.standard_factory_new_m2_per_day <= 0.0 {
        return;
    }
    let mut built = 0u64;
    for park in &mut parks.list {
        if park.floor_build_share <= 0.0 {
            continue;
        }
        park.floor_build_carry += park.floor_build_share * policy.standard_factory_new_m2_per_day;
        let whole = park.floor_build_carry.floor();
        park.floor_total += whole as u64;
        park.floor_build_carry -= whole;
        built += whole as u64;
    }
    // The city (through its park platform companies) pays for the floor space it builds.
    ledger.book(
        Programme::StandardFactories,
        built as f64 * costs.standard_factory_m2,
    );
}

/// Requests for space, firm by firm: every firm in a park that uses at least
/// `request_at_utilisation` of its space and has no request waiting asks for more. Also sums
/// the above-scale value added and land of firms holding land, for value added per mu. The
/// evening pass (`super::evening_pass`) calls `visit` for every firm, in chunks for large
/// cities (`super::chunks`); `queue_requests` then adds the requests to their parks in firm-id order.
pub(super) struct SpaceRequests<'a> {
    pub today: u32,
    pub seed: u64,
    pub parks: &'a [Park],
    pub settings: &'a LandSettings,
    pub policy: &'a LandPolicy,
}

impl SpaceRequests<'_> {
    #[inline]
    pub fn visit(
        &self,
        entity: &Entity,
        id: &FirmId,
        profile: &FirmProfile,
        state: &FirmState,
        land: &mut FirmLand,
        day: &mut Requests,
    ) {
        // Park membership is tested last, by the few firms that would ask for space: a firm
        // outside the parks holds no land and its space cap is infinite, so the tests before
        // it already let it through, and testing it first for every firm was a mispredicted
        // branch (half of the small firms are in parks).
        let settings = self.settings;
        if profile.tier.is_above_scale() && land.land_milli_mu > 0 {
            // `whole_yuan` rounds exactly as `f64::round` for amounts under 2^50 yuan, without
            // the libm call.
            day.va_on_land += whole_yuan(profile.base_value_added * math::exp(state.log_level));
            day.land_above_scale += land.land_milli_mu;
        }
        if land.pending
            || state.log_level < state.space_log_cap + settings.log_request_at
            || land.park == NO_PARK
        {
            return;
        }
        let park = &self.parks[usize::from(land.park)];
        let u =
            StreamRng::new(self.seed, Purpose::LandRequest, u64::from(id.0), self.today).uniform();
        let mode = self.policy.pick_mode(&park.offers, u);
        let va_day = profile.base_value_added * math::exp(state.log_level);
        let extra = va_day / settings.expand_to_utilisation
            - settings.capacity_day(land.land_milli_mu, land.floor_m2);
        let per_unit = if mode.is_floor_space() {
            settings.capacity_per_m2_day
        } else {
            settings.capacity_per_milli_mu_day
        };
        let amount = (extra / per_unit).ceil().max(1.0) as u64;
        let request = LandRequest {
            firm: *entity,
            firm_id: *id,
            mode,
            amount,
            requested_day: self.today,
            ready_day: self.today + self.policy.lead_time(mode, park.devolved_approvals),
            project: None,
        };
        land.pending = true;
        day.incoming.push((land.park, request));
    }
}

/// Adds the day's requests to their parks' queues in firm-id order (query order is not
/// guaranteed, so each queue stays in (day, firm id) order) and books the day's land sums.
pub(super) fn queue_requests(parks: &mut Parks, book: &mut LandBook, day: Requests) {
    let Requests {
        va_on_land,
        land_above_scale,
        mut incoming,
    } = day;
    incoming.sort_unstable_by_key(|(_, r)| r.firm_id);
    for (park, request) in incoming.drain(..) {
        parks.list[usize::from(park)].queue.push(request);
        book.requests_made += 1;
    }
    // Keep the buffer: tomorrow's requests reuse it.
    parks.incoming = incoming;
    book.va_above_scale_on_land = va_on_land;
    book.above_scale_land_milli_mu = land_above_scale;
}

/// What a group of firms adds to the day's land accounts, and the requests it makes.
#[derive(Default)]
pub(super) struct Requests {
    pub va_on_land: i64,
    pub land_above_scale: u64,
    pub incoming: Vec<(u16, LandRequest)>,
}

impl Requests {
    /// An empty day that appends to `buffer` (yesterday's, emptied: no new allocation).
    pub fn reusing(mut buffer: Vec<(u16, LandRequest)>) -> Requests {
        buffer.clear();
        Requests {
            incoming: buffer,
            ..Requests::default()
        }
    }

    pub fn add(self, o: Requests) -> Requests {
        Requests {
            va_on_land: self.va_on_land + o.va_on_land,
            land_above_scale: self.land_above_scale + o.land_above_scale,
            incoming: super::exits::append(self.incoming, o.incoming),
        }
    }
}

// Each park, in queue order, grants every request whose lead time has passed and for which
// it has the land or floor space; the firm pays the mode's up-front price and first year's
// rent, and its space cap rises at once (tomorrow's production can use it).
#[allow(clippy::too_many_arguments)]
pub fn grant_land(
    clock: Res<Clock>,
    settings: Res<LandSettings>,
    policy: Res<LandPolicy>,
    mut parks: ResMut<Parks>,
    mut book: ResMut<LandBook>,
    mut accounts: ResMut<LandAccounts>,
    mut projects: ResMut<ProjectBook>,
    mut firms: Query<(&FirmProfile, &mut FirmState, &mut FirmLand), Without<Exited>>,
) {
    let today = clock.day;
    let book = &mut *book;
    let projects = &mut *projects;
    for (index, park) in parks.list.iter_mut().enumerate() {
        let mut i = 0;
        while i < park.queue.len() {
            let r = park.queue[i];
            let free = if r.mode.is_floor_space() {
                park.floor_total - park.floor_occupied
            } else {
                park.land_available
            };
            if r.ready_day > today || r.amount > free {
                i += 1;
                continue;
            }
            park.queue.remove(i);
            let Ok((profile, mut state, mut land)) = firms.get_mut(r.firm) else {
                continue;
            };
            if r.mode.is_floor_space() {
                park.floor_occupied += r.amount;
                land.floor_m2 += r.amount;
            } else {
                park.land_available -= r.amount;
                land.land_milli_mu += r.amount;
            }
            match r.project {
                // The project's space is its firm's from now on; the project moves on to
                // its financing. The firm's own request, if any, is untouched.
                Some(id) => projects.space_granted(id, today),
                None => land.pending = false,
            }
            state.space_log_cap =
                settings.log_cap(land.land_milli_mu, land.floor_m2, profile.base_value_added);
            let terms = policy.terms[r.mode.index()];
            book_upfront(&mut accounts, r.mode, r.amount, &terms);
            accounts.rent_revenue_yuan += yuan(r.mode, r.amount, terms.rent_yuan_per_year);
            book.requests_granted += 1;
            book.days_to_obtain_sum += u64::from(today - r.requested_day);
            let id = book.contracts.len() as u32;
            book.contracts.push(LandContract {
                firm: r.firm,
                park: index as u16,
                mode: r.mode,
                amount: r.amount,
                start_day: today,
                end_day: today + terms.tenure_days,
                convert_day: if terms.convert_after_days > 0 {
                    today + terms.convert_after_days
                } else {
                    0
                },
                active: true,
            });
            book.events.insert((today + YEAR_DAYS, id));
        }
    }
}
