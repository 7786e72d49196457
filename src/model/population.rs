//! The synthetic firm population and the campaign's visit lists, built from the scenario.
//!
//! Tiers are assigned by exact counts (largest remainder), so a population of N firms always
//! has the same tier sizes, and ids run tier by tier (leading firms first). Everything else
//! is drawn from each firm's own stream keyed by its id. Changing the population size moves
//! the tier boundaries, so firm k of one size need not be firm k of another.

use std::collections::BTreeSet;

use bevy_ecs::prelude::*;

use super::{
    Campaign, Capabilities, DigitalStage, Finance, FirmId, FirmProfile, FirmState,
    InnovationCounts, InnovationSettings, Tier,
};
use crate::rng::{Purpose, StreamRng};
use crate::scenario::Scenario;

/// Spawns every firm; returns the campaign with its visit lists and the innovation counts
/// of the initial population.
pub fn spawn_population(
    world: &mut World,
    s: &Scenario,
    seed: u64,
    campaign_start_day: u32,
) -> (Campaign, InnovationCounts) {
    let pop = &s.population;
    let tier_sizes = tier_counts(pop.firms, pop.tier_shares.as_array());
    let chain_cum = cumulative(pop.chains.values().copied());
    let ownership_cum = cumulative(pop.ownership.values().copied());
    let problem_rate = s.problems.arrivals_per_firm_year / 365.0;
    let self_days = s.problems.self_resolve_days;
    let shares = s.problems.category_shares.as_array();
    let coverage = s.levers.campaign.coverage;
    let innovation = InnovationSettings::from_scenario(s);
    let mut counts = InnovationCounts::default();

    let mut ranked: [Vec<(u64, Entity, FirmId)>; 4] = Default::default();
    let mut id = 0u32;
    let mut batch = Vec::with_capacity(pop.firms as usize);
    for tier in Tier::ALL {
        let median = pop.value_added_median_yuan.get(tier);
        let chance = problem_rate * s.problems.tier_multiplier.get(tier);
        for _ in 0..tier_sizes[tier.index()] {
            let mut rng = StreamRng::new(seed, Purpose::Population, u64::from(id), 0);
            let chain = pick(&chain_cum, rng.uniform());
            let ownership = pick(&ownership_cum, rng.uniform());
            let district =
                ((rng.uniform() * f64::from(pop.districts)) as u32).min(pop.districts - 1) as u8;
            let base_value_added = median * (pop.value_added_sigma * rng.normal()).exp() / 365.0;
            // Start each firm at the steady state of its problems: arrivals at `chance` per
            // day, each open for `self_days` on average, so Poisson(chance * self_days * share).
            let mut state = FirmState::default();
            for (slot, share) in state.latent.iter_mut().zip(shares) {
                *slot = poisson(&mut rng, chance * self_days * share).min(u32::from(u8::MAX)) as u8;
            }
            let caps = initial_capabilities(s, tier, seed, id);
            state.growth_bonus_per_day = innovation.growth_bonus(&caps);
            if tier.is_above_scale() {
                counts.above_scale_firms += 1;
                counts.with_rd_institution += u64::from(caps.rd_institution);
                counts.covered += u64::from(caps.stage >= DigitalStage::Transforming);
            }
            batch.push((
                FirmId(id),
                FirmProfile {
                    tier,
                    chain,
                    ownership,
                    district,
                    base_value_added,
                    problem_chance: chance,
                },
                state,
                caps,
                Finance::default(),
            ));
            id += 1;
        }
    }
    let entities: Vec<Entity> = world.spawn_batch(batch).collect();

    for (i, &entity) in entities.iter().enumerate() {
        let firm = FirmId(i as u32);
        let tier = world.get::<FirmProfile>(entity).expect("just spawned").tier;
        let mut rng = StreamRng::new(seed, Purpose::VisitOrder, u64::from(firm.0), 0);
        if rng.uniform() < coverage.get(tier) {
            ranked[tier.index()].push((rand::Rng::next_u64(&mut rng), entity, firm));
        }
    }
    let lists = ranked.map(|mut v| {
        v.sort_unstable_by_key(|&(key, _, firm)| (key, firm));
        v.into_iter().map(|(_, e, f)| (e, f)).collect()
    });
    let campaign = Campaign {
        start_day: campaign_start_day,
        visits_per_day: s.levers.campaign.visits_per_day.as_array(),
        lists,
        next: [0; 4],
        revisits_due: std::array::from_fn(|_| BTreeSet::new()),
    };
    (campaign, counts)
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
