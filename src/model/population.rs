//! The synthetic firm population and the campaign's visit lists, built from the scenario.
//!
//! Tiers are assigned by exact counts (largest remainder), so a population of N firms always
//! has the same tier sizes, and ids run tier by tier (leading firms first). Everything else
//! is drawn from each firm's own stream keyed by its id. Changing the population size moves
//! the tier boundaries, so firm k of one size need not be firm k of another.

use std::collections::BTreeSet;

use bevy_ecs::prelude::*;

use super::{
    AboveScale, CATEGORIES, Campaign, Capabilities, DigitalStage, Exited, Finance, FirmId,
    FirmIndex, FirmLand, FirmProfile, FirmState, InnovationCounts, InnovationSettings,
    LandSettings, MILLI_MU_PER_MU, MarketStatus, NO_PARK, Park, ParkKind, Parks, ProblemSettings,
    SUPPLY_MODES, SupplyMode, Survival, Tier,
};
use crate::rng::{Purpose, StreamRng};
use crate::scenario::{Land, PerTier, Scenario};

/// How a firm's attributes are drawn from its own stream: shared by the initial population
/// and by entrants, so an entrant is drawn exactly as a firm of its tier at the start.
#[derive(Resource, Clone, Debug)]
pub struct FirmTemplate {
    chain_cum: Vec<f64>,
    ownership_cum: Vec<f64>,
    districts: u32,
    value_added_sigma: f64,
    /// Median value added by tier, yuan per year.
    median: [f64; 4],
    /// Chance per day of a new problem, by tier.
    problem_chance: [f64; 4],
    self_resolve_days: f64,
    category_shares: [f64; CATEGORIES],
    /// Daily shock sd of a firm at the reference size, the reference size (yuan per day) and
    /// the exponent of the size scaling (`FirmTemplate::shock_sd`).
    shock_sd_per_day: f64,
    reference_value_added: f64,
    volatility_size_exponent: f64,
    /// Value added per day at which a firm is above scale: tiers are drawn on its right side.
    pub above_scale_value_added: f64,
    /// Where firms settle in the parks and how much space they hold (`[land]`).
    pub land: Land,
}

impl FirmTemplate {
    pub fn from_scenario(s: &Scenario) -> FirmTemplate {
        let pop = &s.population;
        FirmTemplate {
            chain_cum: cumulative(pop.chains.values().copied()),
            ownership_cum: cumulative(pop.ownership.values().copied()),
            districts: pop.districts,
            value_added_sigma: pop.value_added_sigma,
            median: pop.value_added_median_yuan.as_array(),
            problem_chance: ProblemSettings::daily_chances(s),
            self_resolve_days: s.problems.self_resolve_days,
            category_shares: s.problems.category_shares.as_array(),
            shock_sd_per_day: s.production.volatility / 365f64.sqrt(),
            reference_value_added: pop.value_added_median_yuan.above_scale / 365.0,
            volatility_size_exponent: s.production.volatility_size_exponent,
            above_scale_value_added: pop.above_scale_value_added_yuan / 365.0,
            land: s.land.clone(),
        }
    }

    /// The daily shock sd of a firm with `value_added` yuan a day. Growth-rate dispersion
    /// falls as a power of size (Stanley et al., Nature 1996: exponent ≈ 0.15; Riccaboni
    /// et al., PNAS 2008: ≈ 0.2), so a few hundred large firms, which carry most of
    /// above-scale value added, are calmer than the many small ones. Below the reference
    /// size the sd stays at `production.volatility`: the small firms' survival (§14) was
    /// set with it, and they barely weigh in the above-scale total.
    pub fn shock_sd(&self, value_added: f64) -> f64 {
        let relative = (value_added / self.reference_value_added).max(1.0);
        self.shock_sd_per_day * relative.powf(-self.volatility_size_exponent)
    }

    /// A firm's value added per day: lognormal around `median`, on its tier's side of the
    /// above-scale threshold (the statistics decide the tier by size, so a small firm above
    /// the threshold would be on the list, and an above-scale firm below it off it). Drawn
    /// by rejection from the firm's own stream; should a tier's median lie so far on the
    /// wrong side that 64 draws all miss, the firm sits just inside the threshold.
    fn truncated_size(&self, rng: &mut StreamRng, median: f64, tier: Tier) -> f64 {
        let threshold = self.above_scale_value_added;
        let fits = |v: f64| (v >= threshold) == tier.is_above_scale();
        for _ in 0..64 {
            let v = median * (self.value_added_sigma * rng.normal()).exp();
            if fits(v) {
                return v;
            }
        }
        if tier.is_above_scale() {
            threshold
        } else {
            threshold * 0.999
        }
    }

    /// Firm `id` of `tier`, its median value added scaled by `size`. Its open problems start
    /// at the steady state of its tier: arrivals at `chance` per day, each open for
    /// `self_resolve_days` on average, so Poisson(chance × self_resolve_days × share).
    pub fn draw(&self, seed: u64, id: u32, tier: Tier, size: f64) -> (FirmProfile, FirmState) {
        let mut rng = StreamRng::new(seed, Purpose::Population, u64::from(id), 0);
        let chain = pick(&self.chain_cum, rng.uniform());
        let ownership = pick(&self.ownership_cum, rng.uniform());
        let district =
            ((rng.uniform() * f64::from(self.districts)) as u32).min(self.districts - 1) as u8;
        let median = self.median[tier.index()] * size / 365.0;
        let base_value_added = self.truncated_size(&mut rng, median, tier);
        let chance = self.problem_chance[tier.index()];
        let mut state = FirmState::default();
        for (slot, share) in state.latent.iter_mut().zip(self.category_shares) {
            *slot = poisson(&mut rng, chance * self.self_resolve_days * share)
                .min(u32::from(u8::MAX)) as u8;
        }
        let profile = FirmProfile {
            tier,
            chain,
            ownership,
            district,
            base_value_added,
            shock_sd_per_day: self.shock_sd(base_value_added) as f32,
        };
        (profile, state)
    }
}

/// Firms per spawn batch (`spawn_population`).
const SPAWN_BATCH: usize = 65_536;

/// Spawns a batch of firms of one tier (ids in order), above-scale firms with their
/// `AboveScale` marker.
fn spawn_firms<B: Bundle<Effect: bevy_ecs::bundle::NoBundleEffect>>(
    world: &mut World,
    batch: &mut Vec<B>,
    index: &mut Vec<Entity>,
    tier: Tier,
) {
    if tier.is_above_scale() {
        index.extend(world.spawn_batch(batch.drain(..).map(|firm| (firm, AboveScale))));
    } else {
        index.extend(world.spawn_batch(batch.drain(..)));
    }
}

/// Spawns every firm; returns the campaign (its visit lists not drawn yet), the innovation
/// counts of the initial population, the firm index, and the parks with stocks sized from
/// what their firms hold.
pub fn spawn_population(
    world: &mut World,
    s: &Scenario,
    seed: u64,
    campaign_start_day: u32,
) -> (Campaign, InnovationCounts, FirmIndex, Parks) {
    let pop = &s.population;
    let tier_sizes = tier_counts(pop.firms, pop.tier_shares.as_array());
    let template = FirmTemplate::from_scenario(s);
    let innovation = InnovationSettings::from_scenario(s);
    let mut counts = InnovationCounts::default();

    let mut parks = empty_parks(s);
    let land_settings = LandSettings::from_scenario(s);

    let mut id = 0u32;
    // Firms are spawned a batch at a time, so that a city of millions never holds a second
    // copy of all its components in a spawn buffer (the buffer would set the peak memory).
    let mut index = Vec::with_capacity(pop.firms as usize);
    let mut batch = Vec::with_capacity(SPAWN_BATCH.min(pop.firms as usize));
    for tier in Tier::ALL {
        for _ in 0..tier_sizes[tier.index()] {
            let (profile, mut state) = template.draw(seed, id, tier, 1.0);
            let caps = initial_capabilities(s, tier, seed, id);
            state.growth_bonus_per_day = innovation.growth_bonus(&caps);
            if tier.is_above_scale() {
                counts.above_scale_firms += 1;
                counts.with_rd_institution += u64::from(caps.rd_institution);
                counts.covered += u64::from(caps.stage >= DigitalStage::Transforming);
            }
            let land = place_in_park(&s.land, &parks, seed, id, tier, profile.base_value_added);
            if land.park != NO_PARK {
                let park = &mut parks.list[usize::from(land.park)];
                park.land_total += land.land_milli_mu;
                park.floor_occupied += land.floor_m2;
                state.space_log_cap = land_settings.log_cap(
                    land.land_milli_mu,
                    land.floor_m2,
                    profile.base_value_added,
                );
            }
            batch.push((
                FirmId(id),
                profile,
                state,
                caps,
                land,
                Finance::default(),
                Survival::new(seed, id),
                MarketStatus::default(),
            ));
            id += 1;
            if batch.len() == SPAWN_BATCH {
                spawn_firms(world, &mut batch, &mut index, tier);
            }
        }
        spawn_firms(world, &mut batch, &mut index, tier);
    }
    let index = FirmIndex(index);
    size_parks(s, &mut parks);
    let campaign = Campaign {
        start_day: campaign_start_day,
        visits_per_day: s.levers.campaign.visits_per_day.as_array(),
        lists: Default::default(),
        lists_drawn: false,
        next: [0; 4],
        revisits_due: std::array::from_fn(|_| BTreeSet::new()),
    };
    (campaign, counts, index, parks)
}

/// The campaign's visit lists, one per tier, drawn from the firms alive when the campaign
/// starts. Each firm joins its tier's list with chance `coverage` and gets a random place,
/// both from its own stream, so the lists do not depend on the order of the query.
pub fn draw_visit_lists(
    world: &mut World,
    seed: u64,
    coverage: PerTier<f64>,
    round: u32,
) -> [Vec<(Entity, FirmId)>; 4] {
    let mut ranked: [Vec<(u64, Entity, FirmId)>; 4] = Default::default();
    let mut firms = world.query_filtered::<(Entity, &FirmId, &FirmProfile), Without<Exited>>();
    for (entity, &firm, profile) in firms.iter(world) {
        let tier = profile.tier;
        let mut rng = StreamRng::new(seed, Purpose::VisitOrder, u64::from(firm.0), round);
        if rng.uniform() < coverage.get(tier) {
            ranked[tier.index()].push((rand::Rng::next_u64(&mut rng), entity, firm));
        }
    }
    ranked.map(|mut v| {
        v.sort_unstable_by_key(|&(key, _, firm)| (key, firm));
        v.into_iter().map(|(_, e, f)| (e, f)).collect()
    })
}

/// What an above-scale firm has built up before the run starts (others start with nothing).
fn initial_capabilities(s: &Scenario, tier: Tier, seed: u64, id: u32) -> Capabilities {
    if !tier.is_above_scale() {
        return Capabilities::default();
    }
    let i = &s.innovation;
    let mut rng = StreamRng::new(seed, Purpose::Capabilities, u64::from(id), 0);
    let (u_rd, u_stage, u_green) = (rng.uniform(), rng.uniform(), rng.uniform());
    let stage = if u_stage < i.smart_factory_initial_share {
        DigitalStage::SmartFactory
    } else if u_stage < i.smart_factory_initial_share + i.workshop_initial_share {
        DigitalStage::Workshop
    } else if u_stage < i.transforming_initial_share {
        DigitalStage::Transforming
    } else {
        DigitalStage::None
    };
    Capabilities {
        rd_institution: u_rd < i.rd_initial_share.get(tier),
        stage,
        green: u_green < i.green_initial_share,
    }
}

/// The parks of the "3+22+N" system, empty: flagship zones first, then city parks, then
/// the others.
fn empty_parks(s: &Scenario) -> Parks {
    let land = &s.land;
    let counts = land.parks.as_array();
    let offers = land.offers.as_array();
    let devolved = land.devolved_approvals.as_array();
    let mut list = Vec::new();
    for kind in ParkKind::ALL {
        let mut offered = [false; SUPPLY_MODES];
        for m in &offers[kind.index()] {
            offered[SupplyMode::from_name(*m).index()] = true;
        }
        for _ in 0..counts[kind.index()] {
            list.push(Park {
                kind,
                offers: offered,
                devolved_approvals: devolved[kind.index()],
                land_total: 0,
                land_available: 0,
                floor_total: 0,
                floor_occupied: 0,
                floor_build_share: 0.0,
                floor_build_carry: 0.0,
                land_initial: 0,
                land_supply_carry: 0.0,
                queue: Vec::new(),
            });
        }
    }
    Parks {
        list,
        incoming: Vec::new(),
    }
}

/// A firm's park and holding, from its own stream: in a park with the tier's share; the kind
/// of park by `park_firm_share`, a park of that kind evenly; a standard-factory tenant with
/// the tier's share (if the park offers standard factories), else a land holder. Its space
/// is sized so that it uses a uniform share in [min, max] of the space's capacity.
pub(crate) fn place_in_park(
    land: &Land,
    parks: &Parks,
    seed: u64,
    id: u32,
    tier: Tier,
    base_value_added: f64,
) -> FirmLand {
    let mut rng = StreamRng::new(seed, Purpose::Land, u64::from(id), 0);
    // Always five draws, so the stream's use does not depend on the outcome.
    let (u_in, u_kind, u_park, u_tenant, u_use) = (
        rng.uniform(),
        rng.uniform(),
        rng.uniform(),
        rng.uniform(),
        rng.uniform(),
    );
    if parks.list.is_empty() || u_in >= land.in_park_share.get(tier) {
        return FirmLand::outside();
    }
    let counts = land.parks.as_array();
    let shares = land.park_firm_share.as_array();
    let kind = pick(&cumulative(shares.iter().copied()), u_kind) as usize;
    let n = counts[kind];
    if n == 0 {
        return FirmLand::outside();
    }
    let first: u32 = counts[..kind].iter().sum();
    let park = first + ((u_park * f64::from(n)) as u32).min(n - 1);
    let utilisation = land.initial_utilisation_min
        + u_use * (land.initial_utilisation_max - land.initial_utilisation_min);
    let needed_per_year = base_value_added * 365.0 / utilisation;
    let tenant = parks.list[park as usize].offers[SupplyMode::StandardFactory.index()]
        && u_tenant < land.standard_factory_tenant_share.get(tier);
    let (land_milli_mu, floor_m2) = if tenant {
        (
            0,
            (needed_per_year / land.capacity_per_m2_yuan)
                .ceil()
                .max(1.0) as u64,
        )
    } else {
        (
            (needed_per_year / land.capacity_per_mu_yuan * MILLI_MU_PER_MU)
                .ceil()
                .max(1.0) as u64,
            0,
        )
    };
    FirmLand {
        park: park as u16,
        land_milli_mu,
        floor_m2,
        pending: false,
    }
}

/// Sizes each park's stocks from what its firms hold (in `land_total` and `floor_occupied`
/// on entry) so that the initial occupancy is the scenario's, and splits new
/// standard-factory supply in proportion to the floor stock.
fn size_parks(s: &Scenario, parks: &mut Parks) {
    let mut floor_sum = 0u64;
    for park in &mut parks.list {
        let held = park.land_total;
        park.land_total = (held as f64 / s.land.initial_land_occupancy).ceil() as u64;
        park.land_available = park.land_total - held;
        park.land_initial = park.land_total;
        if park.offers[SupplyMode::StandardFactory.index()] {
            park.floor_total =
                (park.floor_occupied as f64 / s.land.initial_floor_occupancy).ceil() as u64;
            floor_sum += park.floor_total;
        }
    }
    let offering = parks
        .list
        .iter()
        .filter(|p| p.offers[SupplyMode::StandardFactory.index()])
        .count();
    for park in &mut parks.list {
        if park.offers[SupplyMode::StandardFactory.index()] {
            park.floor_build_share = if floor_sum > 0 {
                park.floor_total as f64 / floor_sum as f64
            } else {
                1.0 / offering as f64
            };
        }
    }
}

/// Firms per tier: shares times N, rounded so the counts sum to N (largest remainder).
pub fn tier_counts(n: u32, shares: [f64; 4]) -> [u32; 4] {
    let exact: Vec<f64> = shares.iter().map(|s| s * f64::from(n)).collect();
    let mut counts: [u32; 4] = std::array::from_fn(|i| exact[i].floor() as u32);
    let mut order: Vec<usize> = (0..4).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor())
            .total_cmp(&(exact[a] - exact[a].floor()))
            .then(a.cmp(&b))
    });
    let mut left = n.saturating_sub(counts.iter().sum());
    for i in order.into_iter().cycle() {
        if left == 0 {
            break;
        }
        counts[i] += 1;
        left -= 1;
    }
    counts
}

fn cumulative(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut acc = 0.0;
    values
        .map(|v| {
            acc += v;
            acc
        })
        .collect()
}

/// Index of the bucket a uniform draw falls into; the last bucket takes rounding spill.
fn pick(cumulative: &[f64], u: f64) -> u8 {
    let total = cumulative.last().copied().unwrap_or(1.0);
    cumulative
        .iter()
        .position(|&c| u * total < c)
        .unwrap_or(cumulative.len() - 1) as u8
}

/// A Poisson draw by inversion; the means here are small (well under 10).
fn poisson(rng: &mut StreamRng, mean: f64) -> u32 {
    let u = rng.uniform();
    let mut p = (-mean).exp();
    let mut cdf = p;
    let mut k = 0;
    while u > cdf && k < 1000 {
        k += 1;
        p *= mean / f64::from(k);
        cdf += p;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Above the reference size (the above-scale median) the shock sd falls as size^−β, so
    /// a firm 100× larger is 100^0.18 ≈ 2.3× calmer; at or below it, the sd is the base one.
    #[test]
    fn larger_firms_are_calmer_and_small_ones_keep_the_base_volatility() {
        let s: Scenario = toml::from_str("[scenario]\nname = \"t\"").unwrap();
        let t = FirmTemplate::from_scenario(&s);
        let base = s.production.volatility / 365f64.sqrt();
        let reference = s.population.value_added_median_yuan.above_scale / 365.0;
        assert!((t.shock_sd(reference) - base).abs() < 1e-15);
        assert!((t.shock_sd(reference / 50.0) - base).abs() < 1e-15);
        let ratio = base / t.shock_sd(100.0 * reference);
        let want = 100f64.powf(s.production.volatility_size_exponent);
        assert!((ratio - want).abs() < 1e-9, "{ratio} against {want}");
        assert!(t.shock_sd(10.0 * reference) > t.shock_sd(1_000.0 * reference));
    }

    #[test]
    fn tier_counts_sum_to_the_population() {
        for n in [1, 7, 100, 14_500, 1_000_003] {
            let c = tier_counts(n, [0.0035, 0.031, 0.283, 0.6825]);
            assert_eq!(c.iter().sum::<u32>(), n);
        }
        assert_eq!(
            tier_counts(
                14_500,
                [
                    50.0 / 14_500.0,
                    450.0 / 14_500.0,
                    4_100.0 / 14_500.0,
                    9_900.0 / 14_500.0
                ]
            ),
            [50, 450, 4_100, 9_900]
        );
    }

    #[test]
    fn poisson_has_the_right_mean() {
        let mut rng = StreamRng::new(3, Purpose::Population, 0, 0);
        let n = 100_000;
        let total: u32 = (0..n).map(|_| poisson(&mut rng, 0.4)).sum();
        assert!((f64::from(total) / f64::from(n) - 0.4).abs() < 0.01);
    }
}
