//! Resources: the run's clock and seed, the settings systems read (from the scenario's
//! levers), and the state of the campaign, the ticket book and the departments.

use std::collections::{BTreeSet, VecDeque};

use bevy_ecs::prelude::*;

use super::{CATEGORIES, Category, Tier};
use crate::date::Date;
use crate::scenario::Scenario;

/// Today. `day` counts from the scenario's start (day 0).
#[derive(Resource, Clone, Copy, Debug)]
pub struct Clock {
    pub day: u32,
    pub date: Date,
}

/// The seed of this run (one replicate).
#[derive(Resource, Clone, Copy, Debug)]
pub struct RunSeed(pub u64);

/// Settings of how problems arise and go away on their own.
#[derive(Resource, Clone, Debug)]
pub struct ProblemSettings {
    /// Cumulative category shares, for picking a new problem's category with one draw.
    pub category_cumulative: [f64; CATEGORIES],
    /// Chance per day that one latent problem is solved by the firm itself.
    pub self_resolve_chance: f64,
    /// Chance per day that a new problem arises for a firm, by tier (`Tier::index`). Kept
    /// here rather than on every firm: it depends on the tier alone, and a firm's profile
    /// is 8 bytes smaller in every daily walk over the firms.
    pub chance_by_tier: [f64; 4],
    /// Share of new problems the firm reports itself through the hotline (A15) the day they
    /// arise.
    pub report_share: f64,
}

/// Settings of daily production and investment.
#[derive(Resource, Clone, Debug)]
pub struct ProductionSettings {
    /// Trend growth per day, log points. Each firm's shock sd is its own
    /// (`FirmProfile::shock_sd_per_day`), and so is the volatility correction −sd²/2.
    pub drift_per_day: f64,
    /// Growth lost per open problem per day, log points.
    pub drag_per_problem_day: f64,
    /// Routine investment (outside the project pipeline) as a share of value added.
    pub investment_share: f64,
    /// Share of investment postponed while a land or finance problem is open.
    pub investment_blocked_share: f64,
    /// Share of a day's output lost to a visit with nothing to report (无事不扰).
    pub no_problem_visit_cost: f64,
    /// A financed firm invests 1/this of its unspent financing each day.
    pub finance_spend_days: i64,
}

/// Levers of the ticket pipeline: triage, escalation and re-visits.
#[derive(Resource, Clone, Debug)]
pub struct ServiceLevers {
    pub triage_delay_days: u32,
    pub escalate_after_days: u32,
    pub escalation_speedup: f64,
    pub revisit_share: f64,
    pub revisit_delay_days: u32,
    pub patience_days: f64,
    pub satisfaction_half_life_days: f64,
    pub satisfied_if_unsolved: f64,
    /// Share of resolved tickets whose problem stays open (办结 but not solved).
    pub unsolved_share: f64,
}

/// The visit campaign: its lists, its teams' capacity and what is due.
#[derive(Resource, Clone, Debug, Default)]
pub struct Campaign {
    /// Day index of the first campaign day.
    pub start_day: u32,
    /// Visits each tier's team makes per day.
    pub visits_per_day: [u32; 4],
    /// Firms to visit per tier, in visit order (entity and firm id), drawn from the firms
    /// alive on the campaign's first day.
    pub lists: [Vec<(Entity, FirmId)>; 4],
    pub lists_drawn: bool,
    /// How far down each list the teams have got.
    pub next: [usize; 4],
    /// Re-visits due per tier: (due day, ticket id), earliest first.
    pub revisits_due: [BTreeSet<(u32, u32)>; 4],
}

use super::FirmId;

/// One demand (诉求) collected from a firm.
#[derive(Clone, Debug)]
pub struct Ticket {
    pub firm: Entity,
    pub firm_id: FirmId,
    pub tier: Tier,
    pub category: Category,
    pub collected_day: u32,
    pub resolved_day: Option<u32>,
    pub escalated: bool,
    /// Closed unresolved because its firm closed.
    pub withdrawn: bool,
    /// How the problem reached the government.
    pub channel: Channel,
    /// Resolved (办结) but the firm's problem stayed open.
    pub unsolved: bool,
}

/// How a problem became a ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    /// Found by a campaign visit or re-visit (A1–A5 count these).
    Visit,
    /// Reported by the firm through the 12345 hotline or online channels (A15).
    Hotline,
}

/// Tickets of the hotline channel, cumulative (the campaign's are the `Counters` fields the
/// briefing's A2–A5 are compared with).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HotlineCounts {
    pub reported: u64,
    pub resolved: u64,
    pub withdrawn: u64,
    /// Sum over resolved hotline tickets of days from report to resolution.
    pub days_to_resolve_sum: u64,
}

/// Every ticket of the run, indexed by ticket id (its position), plus those awaiting triage.
#[derive(Resource, Clone, Debug, Default)]
pub struct TicketBook {
    pub tickets: Vec<Ticket>,
    /// Tickets collected but not yet handed to a department: (hand-over day, ticket id).
    pub awaiting_triage: BTreeSet<(u32, u32)>,
}

/// A department's queues and the tickets it is working on.
#[derive(Clone, Debug)]
pub struct DepartmentState {
    pub name: String,
    pub capacity: u32,
    /// Lognormal parameters of the service time in days.
    pub service_mu: f64,
    pub service_sigma: f64,
    /// Escalated tickets, served first, in ticket order.
    pub urgent: VecDeque<u32>,
    /// Other tickets, first come first served.
    pub queue: VecDeque<u32>,
    /// Tickets in service: (finish time in days since start, ticket id).
    pub in_service: Vec<(f64, u32)>,
}

/// All departments, and which one owns each category.
#[derive(Resource, Clone, Debug)]
pub struct Departments {
    pub list: Vec<DepartmentState>,
    pub owner: [usize; CATEGORIES],
}

/// Running totals the metrics report.
#[derive(Resource, Clone, Debug, Default)]
pub struct Counters {
    pub firms_visited: u64,
    pub visits: u64,
    pub no_problem_visits: u64,
    pub tickets_collected: u64,
    pub tickets_resolved: u64,
    /// Tickets closed unresolved because their firm closed.
    pub tickets_withdrawn: u64,
    pub tickets_escalated: u64,
    pub tickets_revisited: u64,
    pub revisits_satisfied: u64,
    /// Resolved tickets of either channel that left their problem open (办结 but not
    /// solved); the problem went back to the firm's latent ones.
    pub tickets_unsolved: u64,
    /// The hotline channel's tickets.
    pub hotline: HotlineCounts,
    /// Sum over resolved tickets of days from collection to resolution.
    pub days_to_resolve_sum: u64,
    /// Output lost to visits with nothing to report, yuan.
    pub disturbance_cost_yuan: i64,
    /// The firms' problems, whoever solves them (`Counters::problems`).
    pub problems: ProblemTally,
}

impl Counters {
    /// Problems departments solved: resolved tickets of both channels, less those that left
    /// the problem open.
    pub fn solved_by_departments(&self) -> u64 {
        (self.tickets_resolved + self.hotline.resolved).saturating_sub(self.tickets_unsolved)
    }
}

/// Where the firms' problems went, cumulative from the start of the run. Every problem a
/// firm had is still open, was resolved (by a department, by the firm itself, by a policy
/// benefit, or by financing, `crate::model::FinanceCounts::problems_relieved`), or closed
/// with its firm; a test checks that they add up every day.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProblemTally {
    /// Open problems of the initial population on day 0.
    pub open_at_start: u64,
    /// Problems that arose since, including those entrants start with.
    pub arisen: u64,
    /// Latent problems the firms solved on their own.
    pub solved_alone: u64,
    /// Latent problems a policy benefit (免申即享) settled.
    pub settled_by_benefits: u64,
    /// Problems (latent or ticketed) of firms that closed.
    pub closed_with_firms: u64,
}

impl ProblemTally {
    /// Problems resolved by any route, given the problems departments solved
    /// (`Counters::solved_by_departments`) and the finance problems relieved by financing
    /// (both counted elsewhere).
    pub fn resolved(&self, solved_by_departments: u64, relieved_by_finance: u64) -> u64 {
        solved_by_departments + self.solved_alone + self.settled_by_benefits + relieved_by_finance
    }

    /// Problems open tonight, from the conservation of problems.
    pub fn open(&self, resolved: u64) -> u64 {
        (self.open_at_start + self.arisen).saturating_sub(resolved + self.closed_with_firms)
    }
}

/// Totals of one day, summed in integer yuan so that the sum does not depend on the order
/// in which firms are visited (float addition is not associative).
#[derive(Resource, Clone, Copy, Debug, Default)]
pub struct DayTotals {
    pub value_added_above_scale: i64,
    pub investment: i64,
    pub open_problems: u64,
    pub firms: u64,
}

/// Lognormal (mu, sigma) of a variable with the given mean and coefficient of variation.
pub fn lognormal_params(mean: f64, cv: f64) -> (f64, f64) {
    let sigma2 = (1.0 + cv * cv).ln();
    (mean.ln() - sigma2 / 2.0, sigma2.sqrt())
}

impl Departments {
    pub fn from_scenario(s: &Scenario) -> Departments {
        let mut owner = [0; CATEGORIES];
        let list = s
            .departments
            .iter()
            .enumerate()
            .map(|(i, d)| {
                for c in &d.categories {
                    owner[Category::from_name(*c).index()] = i;
                }
                let (mu, sigma) = lognormal_params(d.service_days_mean, d.service_days_cv);
                DepartmentState {
                    name: d.name.clone(),
                    capacity: d.capacity,
                    service_mu: mu,
                    service_sigma: sigma,
                    urgent: VecDeque::new(),
                    queue: VecDeque::new(),
                    in_service: Vec::with_capacity(d.capacity as usize),
                }
            })
            .collect();
        Departments { list, owner }
    }

    /// Tickets waiting or in service across departments.
    pub fn open_tickets(&self) -> usize {
        self.list
            .iter()
            .map(|d| d.urgent.len() + d.queue.len() + d.in_service.len())
            .sum()
    }
}

impl ProblemSettings {
    pub fn from_scenario(s: &Scenario) -> ProblemSettings {
        let mut category_cumulative = [0.0; CATEGORIES];
        let mut acc = 0.0;
        for (slot, share) in category_cumulative
            .iter_mut()
            .zip(s.problems.category_shares.as_array())
        {
            acc += share;
            *slot = acc;
        }
        // Guard against rounding: the last bucket always catches u < 1.
        category_cumulative[CATEGORIES - 1] = f64::INFINITY;
        ProblemSettings {
            category_cumulative,
            self_resolve_chance: 1.0 / s.problems.self_resolve_days,
            chance_by_tier: ProblemSettings::daily_chances(s),
            report_share: s.levers.hotline.report_share,
        }
    }

    /// Chance per day of a new problem, by tier: the yearly arrival rate times the tier's
    /// multiplier, over 365 days.
    pub fn daily_chances(s: &Scenario) -> [f64; 4] {
        let rate = s.problems.arrivals_per_firm_year / 365.0;
        Tier::ALL.map(|t| rate * s.problems.tier_multiplier.get(t))
    }
}

impl ProductionSettings {
    pub fn from_scenario(s: &Scenario) -> ProductionSettings {
        let p = &s.production;
        ProductionSettings {
            drift_per_day: p.trend_growth / 365.0,
            drag_per_problem_day: p.drag_per_open_problem / 365.0,
            investment_share: s.investment.share_of_value_added,
            investment_blocked_share: s.investment.blocked_share,
            no_problem_visit_cost: s.levers.campaign.no_problem_visit_cost_days,
            finance_spend_days: i64::from(s.funds.spend_days),
        }
    }
}

impl ServiceLevers {
    pub fn from_scenario(s: &Scenario) -> ServiceLevers {
        let l = &s.levers;
        ServiceLevers {
            triage_delay_days: l.triage.delay_days,
            escalate_after_days: l.escalation.after_days,
            escalation_speedup: l.escalation.speedup,
            revisit_share: l.revisits.share,
            revisit_delay_days: l.revisits.delay_days,
            patience_days: l.revisits.patience_days,
            satisfaction_half_life_days: l.revisits.satisfaction_half_life_days,
            satisfied_if_unsolved: l.revisits.satisfied_if_unsolved,
            unsolved_share: l.resolution.unsolved_share,
        }
    }
}
