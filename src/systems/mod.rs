//! Behaviour: one system per file, run once per simulated day in this fixed order.
//!
//! | phase       | system              | what it does each day                                   |
//! |-------------|---------------------|---------------------------------------------------------|
//! | Problems    | `revise_above_scale_list` | on 1 January, small firms that outgrew the threshold join the above-scale list and shrunken ones leave (小升规) |
//! | Problems    | `arise_problems`    | new problems arrive; firms solve some latent ones alone |
//! | Campaign    | `visit_firms`       | teams make re-visits, then first visits; problems become tickets |
//! | Triage      | `triage_tickets`    | tickets reach their department (不过夜 or after a delay) |
//! | Service     | `escalate_tickets`  | overdue tickets are escalated (吹哨报到)                 |
//! | Service     | `serve_tickets`     | departments start and finish tickets; re-visits are booked |
//! | Innovation  | `transform_firms`   | diagnoses, digital workshops, smart factories, R&D, green |
//! | Finance     | `invest_funds`      | on round days, chain funds and the S fund invest in firms |
//! | Finance     | `award_grants`      | on round days, 先投后股 grants convert, lapse or are paid |
//! | Finance     | `lend_on_points`    | 积分贷 payments and defaults; on round days, new loans   |
//! | Market      | `run_fee_campaigns` | arrears and fee campaigns: outlay, and today's relief   |
//! | Market      | `hold_matchmaking_events` | events due today; attendees sign intended orders  |
//! | Market      | `push_policies`     | the platform reaches firms; benefits taken up and paid  |
//! | Production  | `produce`           | value added and investment per firm, with problem drag and the space cap |
//! | Production  | `deliver_orders`    | value added of converted orders being delivered         |
//! | Production  | `run_projects`      | projects are signed, move through approvals, land, financing and construction (their outlays are investment), and are commissioned |
//! | Land        | `evaluate_land_use` | 亩均 evaluation days: low scorers lose idle land          |
//! | Land        | `settle_land_contracts` | lease renewals or returns, lease-then-transfer conversions, rent |
//! | Land        | `build_standard_factories` | new standard-factory floor space is completed      |
//! | Land        | `request_land_and_run_exit_clocks` | the evening pass: firms that have outgrown their space queue a request; each other firm's exit clock runs down by today's hazard |
//! | Land        | `grant_land`        | parks grant requests whose lead time has passed, if they have the space |
//! | Demography  | `advance_deferred_exit_clocks` | the exit clocks of firms with a request waiting run down, after the grants |
//! | Demography  | `close_exited_firms` | firms whose clock ran out close (exclusive)            |
//! | Demography  | `enter_firms`       | new small firms start up (exclusive)                    |
//! | Metrics     | `record_metrics`    | the day's KPI row (`crate::metrics`)                    |
//!
//! The order matters: a problem surfaced by today's visit reaches its department today when
//! triage is same-day, and today's production feels the drag of problems still open tonight
//! (after today's benefits settled some and today's financing relieved some), the relief of
//! today's fee campaigns and the growth of capabilities gained today. Finance follows
//! innovation so that points count today's capabilities, and precedes production so that
//! money received today starts being invested today. Orders signed today start delivering
//! today.
//! Land runs after Production so that the 亩均 score and requests read today's output, and
//! space granted today lifts the cap from tomorrow's production (production is never
//! computed against half-updated stocks). Within Land, land comes back to the parks
//! (reclaimed, then expired leases, then new floor space) before requests are queued and
//! granted, so that a request can use it the same day.
//! Requests and exit clocks share one walk over the firms (`evening_pass` says why the run
//! is the same as requests, grants, then clocks).
//! Firms close and enter last, after Land: a closing firm's last day of output counts, its
//! space returns to its park for tomorrow's grants, an entrant produces from tomorrow, and
//! the metrics row counts the firms alive tonight.

mod chunks;
mod entry;
mod escalation;
mod evening_pass;
mod exits;
mod fee_campaigns;
mod funds;
mod grants;
mod innovation;
mod land;
mod land_evaluation;
mod loans;
mod matchmaking;
mod orders;
mod policy_push;
mod problems;
mod production;
mod projects;
mod service;
mod tier_list;
mod triage;
mod visits;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::SingleThreadedExecutor;

pub use chunks::Stepping;
pub use entry::enter_firms;
pub use escalation::escalate_tickets;
pub use evening_pass::request_land_and_run_exit_clocks;
pub use exits::{advance_deferred_exit_clocks, close_exited_firms};
pub use fee_campaigns::run_fee_campaigns;
pub use funds::invest_funds;
pub use grants::award_grants;
pub use innovation::transform_firms;
pub use land::{
    build_standard_factories, grant_land, passes_mu_test, settle_land_contracts, value_added_per_mu,
};
pub use land_evaluation::evaluate_land_use;
pub use loans::lend_on_points;
pub use matchmaking::hold_matchmaking_events;
pub use orders::deliver_orders;
pub use policy_push::push_policies;
pub use problems::arise_problems;
pub use production::produce;
pub use projects::run_projects;
pub use service::serve_tickets;
pub use tier_list::revise_above_scale_list;
pub use triage::triage_tickets;
pub use visits::visit_firms;

/// Phases of a simulated day, run in this order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Problems,
    Campaign,
    Triage,
    Service,
    Innovation,
    Finance,
    Market,
    Production,
    Land,
    Demography,
    Metrics,
}

/// The daily schedule. Single-threaded executor: systems run in the documented order and
/// parallelism comes from running replicates side by side.
pub fn daily_schedule() -> Schedule {
    let mut schedule = Schedule::default();
    schedule.set_executor(SingleThreadedExecutor::new());
    schedule.configure_sets(
        (
            Phase::Problems,
            Phase::Campaign,
            Phase::Triage,
            Phase::Service,
            Phase::Innovation,
            Phase::Finance,
            Phase::Market,
            Phase::Production,
            Phase::Land,
            Phase::Demography,
            Phase::Metrics,
        )
            .chain(),
    );
    schedule.add_systems((
        (revise_above_scale_list, arise_problems)
            .chain()
            .in_set(Phase::Problems),
        visit_firms.in_set(Phase::Campaign),
        triage_tickets.in_set(Phase::Triage),
        (escalate_tickets, serve_tickets)
            .chain()
            .in_set(Phase::Service),
        transform_firms.in_set(Phase::Innovation),
        (invest_funds, award_grants, lend_on_points)
            .chain()
            .in_set(Phase::Finance),
        (run_fee_campaigns, hold_matchmaking_events, push_policies)
            .chain()
            .in_set(Phase::Market),
        (produce, deliver_orders, run_projects)
            .chain()
            .in_set(Phase::Production),
        (
            evaluate_land_use,
            settle_land_contracts,
            build_standard_factories,
            request_land_and_run_exit_clocks,
            grant_land,
        )
            .chain()
            .in_set(Phase::Land),
        (
            advance_deferred_exit_clocks,
            close_exited_firms,
            enter_firms,
        )
            .chain()
            .in_set(Phase::Demography),
        crate::metrics::record_metrics.in_set(Phase::Metrics),
    ));
    schedule
}

/// The daily systems one by one, each in a schedule of its own, named and in the order of
/// `daily_schedule` (a test checks that both give the same run). For `reformsim bench`'s
/// time per system only: the normal step runs one schedule and times nothing.
pub fn daily_systems_one_by_one() -> Vec<(&'static str, Schedule)> {
    use crate::metrics::record_metrics;
    macro_rules! one_by_one {
        ($($system:ident),+ $(,)?) => {
            vec![$((stringify!($system), {
                let mut schedule = Schedule::default();
                schedule.set_executor(SingleThreadedExecutor::new());
                schedule.add_systems($system);
                schedule
            })),+]
        };
    }
    one_by_one![
        revise_above_scale_list,
        arise_problems,
        visit_firms,
        triage_tickets,
        escalate_tickets,
        serve_tickets,
        transform_firms,
        invest_funds,
        award_grants,
        lend_on_points,
        run_fee_campaigns,
        hold_matchmaking_events,
        push_policies,
        produce,
        deliver_orders,
        run_projects,
        evaluate_land_use,
        settle_land_contracts,
        build_standard_factories,
        request_land_and_run_exit_clocks,
        grant_land,
        advance_deferred_exit_clocks,
        close_exited_firms,
        enter_firms,
        record_metrics,
    ]
}
