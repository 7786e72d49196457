//! 先投后股 (FACTS B7): fiscal S&T money is granted first and turns into equity later. On
//! each allocation round, pending grants whose firm reached its milestone (output up by
//! `milestone_growth` since the grant, or a new R&D institution) convert to the city's
//! equity; those whose window closed without it stay grants and are booked as outlays. Then
//! the year's budget so far pays new grants to hard-tech firms that are not mature, picked
//! with chances in proportion to 1 + their innovation points.

use bevy_ecs::prelude::*;

use crate::model::{
    Clock, FinanceCounts, FinanceQuery, FirmId, FundSettings, Grant, GrantBook, Ledger, Programme,
    RunSeed, Stage, best_first, finance_firm, selection_key,
};
use crate::rng::{Purpose, StreamRng, stream_prefix};

// On allocation-round days, settle grants at their milestone and pay new ones.
#[allow(clippy::too_many_arguments)]
pub fn award_grants(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<FundSettings>,
    mut book: ResMut<GrantBook>,
    mut ledger: ResMut<Ledger>,
    mut counts: ResMut<FinanceCounts>,
    mut candidates: Local<Vec<(f64, FirmId, Entity)>>,
    mut firms: FinanceQuery,
) {
    let day = clock.day;
    if !settings.is_round(day) {
        return;
    }
    settle_milestones(&mut book, &mut ledger, &settings, day, &firms);

    // The budget accrues day by day through the calendar year (from the programme's start
    // in its first year); what is unspent at the year's end lapses.
    let year = clock.date.year();
    if book.year != year {
        book.year = year;
        book.paid_this_year = 0;
    }
    let year_start = day - clock.date.days_since(clock.date.start_of_year()) as u32;
    let days_so_far = day + 1 - year_start.max(settings.start_day);
    let budget_so_far =
        (settings.grant_budget_per_year * f64::from(days_so_far) / 365.0).round() as i64;
    let available = budget_so_far - book.paid_this_year;
    if settings.grant <= 0 || available < settings.grant {
        return;
    }

    candidates.clear();
    let prefix = stream_prefix(seed.0, Purpose::Grants);
    for (entity, id, profile, _, caps, finance) in &firms {
        let points = settings.points(caps);
        if finance.granted
            || settings.stage(profile) == Stage::Mature
            || !settings.is_hard_tech(profile, points)
        {
            continue;
        }
        let u = StreamRng::from_prefix(prefix, u64::from(id.0), day).uniform();
        candidates.push((selection_key(u, 1.0 + f64::from(points)), *id, entity));
    }
    let n = usize::try_from(available / settings.grant)
        .unwrap_or(usize::MAX)
        .min(candidates.len());
    best_first(&mut candidates, n, |c| (c.0, c.1));
    for &(_, firm_id, entity) in &candidates[..n] {
        let (_, _, _, mut state, caps, mut finance) =
            firms.get_mut(entity).expect("candidates are live firms");
        book.pending.push(Grant {
            firm: entity,
            firm_id,
            paid_day: day,
            amount: settings.grant,
            log_level_at_grant: state.log_level,
            had_rd_institution: caps.rd_institution,
        });
        book.paid += 1;
        book.paid_yuan += settings.grant;
        book.paid_this_year += settings.grant;
        finance.granted = true;
        finance_firm(
            settings.grant,
            &settings,
            &mut state,
            &mut finance,
            &mut counts,
        );
    }
}

/// Converts the pending grants whose firm reached its milestone; books as outlays those whose
/// window has closed.
fn settle_milestones(
    book: &mut GrantBook,
    ledger: &mut Ledger,
    settings: &FundSettings,
    day: u32,
    firms: &FinanceQuery,
) {
    let GrantBook {
        pending,
        converted_yuan,
        converted,
        lapsed_yuan,
        ..
    } = book;
    pending.retain(|g| {
        let Ok((_, _, _, state, caps, _)) = firms.get(g.firm) else {
            // The firm closed before its milestone: the grant can never convert.
            *lapsed_yuan += g.amount;
            ledger.book(Programme::FundGrants, g.amount as f64);
            return false;
        };
        let grew = state.log_level - g.log_level_at_grant >= settings.milestone_log_growth;
        let new_rd = caps.rd_institution && !g.had_rd_institution;
        if grew || new_rd {
            *converted_yuan += g.amount;
            *converted += 1;
            false
        } else if day >= g.paid_day + settings.milestone_days {
            *lapsed_yuan += g.amount;
            ledger.book(Programme::FundGrants, g.amount as f64);
            false
        } else {
            true
        }
    });
}
