//! Chain funds and the S fund (FACTS B5, B6). On each allocation round every fund first
//! accrues what its pace allows since the last round (never beyond its size), then draws a
//! weighted sample of the firms it may invest in and makes one deal per firm, best key
//! first, until the next deal does not fit the money it has: the fund then saves up for the
//! next round. Fund equity is the city's capital invested, not a fiscal outlay.

use bevy_ecs::prelude::*;

use crate::model::{
    Clock, FinanceCounts, FinanceQuery, FirmId, FundBook, FundSettings, RunSeed, Stage, Tier,
    best_first, finance_firm, selection_key,
};
use crate::rng::{Purpose, StreamRng, stream_prefix};

/// A firm a fund may invest in this round.
#[derive(Clone, Copy, Debug)]
pub struct Candidate {
    key: f64,
    id: FirmId,
    entity: Entity,
    deal: i64,
    early: bool,
    small: bool,
    hard_tech: bool,
}

// On allocation-round days, each fund invests in a weighted sample of eligible firms.
#[allow(clippy::too_many_arguments)]
pub fn invest_funds(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<FundSettings>,
    mut book: ResMut<FundBook>,
    mut counts: ResMut<FinanceCounts>,
    // One candidate list per fund, kept between rounds so no round allocates anew.
    mut lists: Local<Vec<Vec<Candidate>>>,
    mut firms: FinanceQuery,
) {
    let day = clock.day;
    if !settings.is_round(day) {
        return;
    }
    accrue(&mut book, &settings, day);
    let s_fund = book.funds.len() - 1;
    lists.resize_with(book.funds.len(), Vec::new);
    lists.iter_mut().for_each(Vec::clear);

    let spaced =
        |last: Option<u32>| last.is_none_or(|d| day - d >= settings.min_days_between_deals);
    let prefix = stream_prefix(seed.0, Purpose::FundDeals);
    for (entity, id, profile, state, caps, finance) in &firms {
        let stage = settings.stage(profile);
        let weight = settings.fund_weight(profile, stage, state);
        if weight <= 0.0 {
            continue;
        }
        let points = settings.points(caps);
        let tier = profile.tier.index();
        let mut rng = StreamRng::from_prefix(prefix, u64::from(id.0), day);
        let (u_chain, u_s) = (rng.uniform(), rng.uniform());
        let mut candidate = Candidate {
            key: selection_key(u_chain, weight),
            id: *id,
            entity,
            deal: settings.chain_deal[tier],
            early: stage == Stage::Early,
            small: profile.tier == Tier::Other,
            hard_tech: settings.is_hard_tech(profile, points),
        };
        let room = settings.cap_per_firm - finance.equity_yuan;
        if candidate.deal > 0 && candidate.deal <= room && spaced(finance.last_chain_deal) {
            lists[usize::from(profile.chain)].push(candidate);
        }
        let tilted = weight * settings.tilt(stage, candidate.small, candidate.hard_tech);
        candidate.key = selection_key(u_s, tilted);
        candidate.deal = settings.s_fund_deal[tier];
        if candidate.deal > 0 && candidate.deal <= room && spaced(finance.last_s_fund_deal) {
            lists[s_fund].push(candidate);
        }
    }

    for (index, list) in lists.iter_mut().enumerate() {
        let fund = &mut book.funds[index];
        let Some(smallest) = list.iter().map(|c| c.deal).min() else {
            continue;
        };
        if fund.available() < smallest {
            continue;
        }
        // Only the best few candidates can be afforded: sort a window just large enough to
        // exhaust the fund (each deal costs at least `smallest`), and the rest only if
        // firms in the window had to be skipped.
        let mut from = 0;
        'deals: while from < list.len() {
            let rest = &mut list[from..];
            let window = usize::try_from(fund.available() / smallest + 1)
                .unwrap_or(usize::MAX)
                .min(rest.len());
            best_first(rest, window, |c| (c.key, c.id));
            for c in &rest[..window] {
                let Ok((_, _, _, mut state, _, mut finance)) = firms.get_mut(c.entity) else {
                    continue;
                };
                // The firm's chain fund may have invested in it earlier this round.
                if finance.equity_yuan + c.deal > settings.cap_per_firm {
                    continue;
                }
                if c.deal > fund.available() {
                    break 'deals;
                }
                fund.deployed += c.deal;
                fund.deals += 1;
                fund.deployed_early += if c.early { c.deal } else { 0 };
                fund.deployed_small += if c.small { c.deal } else { 0 };
                fund.deployed_hard_tech += if c.hard_tech { c.deal } else { 0 };
                finance.equity_yuan += c.deal;
                if fund.chain.is_some() {
                    finance.last_chain_deal = Some(day);
                } else {
                    finance.last_s_fund_deal = Some(day);
                }
                finance_firm(c.deal, &settings, &mut state, &mut finance, &mut counts);
            }
            from += window;
        }
    }
}

/// Adds to each fund what its pace allows for the days since the last round, up to its size.
fn accrue(book: &mut FundBook, settings: &FundSettings, day: u32) {
    let since = book.accrued_to_day.unwrap_or(settings.start_day);
    let days = f64::from(day.saturating_sub(since));
    book.accrued_to_day = Some(day);
    for fund in &mut book.funds {
        let pace = fund
            .chain
            .map_or(1.0, |c| settings.chain_pace[usize::from(c)]);
        let add = (fund.size as f64 * settings.pace_per_day * pace * days).round() as i64;
        fund.accrued = (fund.accrued + add).min(fund.size);
    }
}
