//! 积分贷 (FACTS B8): innovation points become credit. Each day, loans with a payment due
//! either default or pay their interest (and, at maturity, their principal). A borrower
//! defaults on a payment day with a hazard that falls with its points and rises with its open
//! problems. The city pays its share of the interest (贴息) and its guaranteed share of the
//! loss on a default. On allocation-round days, firms with enough points and no loan take one
//! with a fixed chance; the banks lend, so loans are not outlays. A borrower that closes
//! defaults on its next payment day.

use bevy_ecs::prelude::*;

use crate::model::{
    Clock, Exited, Finance, FinanceCounts, FinanceQuery, FirmId, FundSettings, Ledger, Loan,
    LoanBook, Programme, RunSeed, finance_firm,
};
use crate::rng::{Purpose, StreamRng, stream_prefix};

// Service the loans due today, then, on allocation-round days, make new loans.
#[allow(clippy::too_many_arguments)]
pub fn lend_on_points(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<FundSettings>,
    mut book: ResMut<LoanBook>,
    mut ledger: ResMut<Ledger>,
    mut counts: ResMut<FinanceCounts>,
    mut borrowers: Local<Vec<(FirmId, Entity)>>,
    mut firms: FinanceQuery,
    mut closed: Query<&mut Finance, With<Exited>>,
) {
    let day = clock.day;
    let defaults = stream_prefix(seed.0, Purpose::LoanDefaults);
    while let Some(&(due, id)) = book.due.first() {
        if due > day {
            break;
        }
        book.due.pop_first();
        let loan = book.loans[id as usize];
        let days = f64::from(day - loan.paid_to_day);
        let (chance, mut finance) = match firms.get_mut(loan.firm) {
            Ok((_, _, _, state, caps, finance)) => {
                let hazard = settings.default_hazard(settings.points(caps), state.open_problems());
                (1.0 - (-hazard * days / 365.0).exp(), finance)
            }
            Err(_) => (
                1.0,
                closed
                    .get_mut(loan.firm)
                    .expect("a loan's firm is alive or closed"),
            ),
        };
        let u = StreamRng::from_prefix(defaults, u64::from(loan.firm_id.0), day).uniform();
        if u < chance {
            let loss = loan.principal as f64 * (1.0 - settings.recovery_share);
            ledger.book(Programme::LoanLosses, loss * settings.guarantee_share);
            book.defaulted_yuan += loan.principal;
            book.outstanding_yuan -= loan.principal;
            book.defaults += 1;
            finance.has_loan = false;
            finance.defaulted = true;
            continue;
        }
        let interest = loan.principal as f64 * settings.loan_rate * days / 365.0;
        ledger.book(
            Programme::InterestSubsidy,
            interest * settings.interest_subsidy_share,
        );
        if day >= loan.maturity_day {
            book.repaid_yuan += loan.principal;
            book.outstanding_yuan -= loan.principal;
            finance.has_loan = false;
        } else {
            book.loans[id as usize].paid_to_day = day;
            let next = (day + settings.loan_payment_days).min(loan.maturity_day);
            book.due.insert((next, id));
        }
    }

    if !settings.is_round(day) {
        return;
    }
    // Who borrows is decided per firm; loans are then made in firm-id order so that loan ids
    // do not depend on the order in which the query visits firms.
    borrowers.clear();
    let prefix = stream_prefix(seed.0, Purpose::Loans);
    for (entity, id, profile, _, caps, finance) in &firms {
        if finance.has_loan
            || finance.defaulted
            || settings.loan[profile.tier.index()] <= 0
            || settings.points(caps) < settings.loan_min_points
        {
            continue;
        }
        let u = StreamRng::from_prefix(prefix, u64::from(id.0), day).uniform();
        if u < settings.loan_chance_per_round {
            borrowers.push((*id, entity));
        }
    }
    borrowers.sort_unstable();
    for &(firm_id, entity) in borrowers.iter() {
        let (_, _, profile, mut state, _, mut finance) =
            firms.get_mut(entity).expect("borrowers are live firms");
        let principal = settings.loan[profile.tier.index()];
        let id = book.loans.len() as u32;
        let maturity_day = day + settings.loan_term_days;
        book.loans.push(Loan {
            firm: entity,
            firm_id,
            principal,
            paid_to_day: day,
            maturity_day,
        });
        book.due
            .insert(((day + settings.loan_payment_days).min(maturity_day), id));
        book.issued_yuan += principal;
        book.outstanding_yuan += principal;
        finance.has_loan = true;
        finance_firm(principal, &settings, &mut state, &mut finance, &mut counts);
    }
}
