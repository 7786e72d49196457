//! Behaviour: one system per file, run once per simulated day in this fixed order.
//!
//! | phase       | system              | what it does each day                                   |
//! |-------------|---------------------|---------------------------------------------------------|
//! | Problems    | `arise_problems`    | new problems arrive; firms solve some latent ones alone |
//! | Campaign    | `visit_firms`       | teams make re-visits, then first visits; problems become tickets |
//! | Triage      | `triage_tickets`    | tickets reach their department (不过夜 or after a delay) |
//! | Service     | `escalate_tickets`  | overdue tickets are escalated (吹哨报到)                 |
//! | Service     | `serve_tickets`     | departments start and finish tickets; re-visits are booked |
//! | Innovation  | `transform_firms`   | diagnoses, digital workshops, smart factories, R&D, green |
//! | Market      | `run_fee_campaigns` | arrears and fee campaigns: outlay, and today's relief   |
//! | Market      | `hold_matchmaking_events` | events due today; attendees sign intended orders  |
//! | Market      | `push_policies`     | the platform reaches firms; benefits taken up and paid  |
//! | Production  | `produce`           | value added and investment per firm, with problem drag  |
//! | Production  | `deliver_orders`    | value added of converted orders being delivered         |
//! | Demography  | `advance_exit_clocks` | each firm's exit clock runs down by today's hazard    |
//! | Demography  | `close_exited_firms` | firms whose clock ran out close (exclusive)            |
//! | Demography  | `enter_firms`       | new small firms start up (exclusive)                    |
//! | Metrics     | `record_metrics`    | the day's KPI row (`crate::metrics`)                    |
//!
//! The order matters: a problem surfaced by today's visit reaches its department today when
//! triage is same-day, and today's production feels the drag of problems still open tonight
//! (after today's benefits settled some), the relief of today's fee campaigns and the growth
//! of capabilities gained today. Orders signed today start delivering today. Firms close and
//! enter after production, so a closing firm's last day of output counts and an entrant
//! produces from tomorrow; the metrics row then counts the firms alive tonight.

mod entry;
mod escalation;
mod exits;
mod fee_campaigns;
mod innovation;
mod matchmaking;
mod orders;
mod policy_push;
mod problems;
mod production;
mod service;
mod triage;
mod visits;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::SingleThreadedExecutor;

pub use entry::enter_firms;
pub use escalation::escalate_tickets;
pub use exits::{advance_exit_clocks, close_exited_firms};
pub use fee_campaigns::run_fee_campaigns;
pub use innovation::transform_firms;
pub use matchmaking::hold_matchmaking_events;
pub use orders::deliver_orders;
pub use policy_push::push_policies;
pub use problems::arise_problems;
pub use production::produce;
pub use service::serve_tickets;
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
    Market,
    Production,
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
            Phase::Market,
            Phase::Production,
            Phase::Demography,
            Phase::Metrics,
        )
            .chain(),
    );
    schedule.add_systems((
        arise_problems.in_set(Phase::Problems),
        visit_firms.in_set(Phase::Campaign),
        triage_tickets.in_set(Phase::Triage),
        (escalate_tickets, serve_tickets)
            .chain()
            .in_set(Phase::Service),
        transform_firms.in_set(Phase::Innovation),
        (run_fee_campaigns, hold_matchmaking_events, push_policies)
            .chain()
            .in_set(Phase::Market),
        (produce, deliver_orders).chain().in_set(Phase::Production),
        (advance_exit_clocks, close_exited_firms, enter_firms)
            .chain()
            .in_set(Phase::Demography),
        crate::metrics::record_metrics.in_set(Phase::Metrics),
    ));
    schedule
}
