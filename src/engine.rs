//! Building a world from a scenario and running it day by day.
//!
//! Configuration flows one way: a validated `Scenario` and a seed → `Simulation::new` (spawns
//! the population, inserts settings as resources) → `step` once per day → the `MetricsLog`.
//! The engine knows nothing of files or terminals.

use bevy_ecs::prelude::*;
use rayon::prelude::*;

use crate::date::Date;
use crate::metrics::{MetricsLog, MetricsRow};
use crate::model::{
    CATEGORIES, Campaign, Clock, Counters, DayTotals, Demography, Departments, EntryExitSettings,
    Exited, Finance, FinanceCounts, FirmId, FirmIndex, FirmLand, FirmState, FirmTemplate, FundBook,
    FundSettings, GrantBook, InnovationCounts, InnovationSettings, LandAccounts, LandBook,
    LandPolicy, LandSettings, Ledger, LoanBook, MarketSettings, MatchmakingState, NO_PARK,
    OrderBook, Parks, PolicyPushState, ProblemSettings, ProductionSettings, Programme, ProjectBook,
    ProjectPolicy, ProjectSettings, RunSeed, ServiceLevers, StaffCosts, TicketBook,
    draw_visit_lists, lognormal_params, spawn_population,
};
use crate::rng::replicate_seed;
use crate::scenario::PerTier;
use crate::scenario::Scenario;

/// One run of a scenario with one seed.
pub struct Simulation {
    world: World,
    schedule: Schedule,
    start: Date,
    days: u32,
    next_day: u32,
    /// Timeline changes as (first day, scenario in force from then), in day order.
    changes: Vec<(u32, Scenario)>,
    next_change: usize,
    /// Who may be on the campaign's visit lists (fixed when the world is built).
    coverage: PerTier<f64>,
    /// Day indices of the campaign's later rounds (`levers.campaign.round_every_days`) in
    /// the horizon, in order, and how many have been drawn.
    rounds: Vec<u32>,
    next_round: usize,
}

/// The daily systems run one by one, with the wall time each has taken so far.
pub struct TimedSystems {
    pub names: Vec<&'static str>,
    pub seconds: Vec<f64>,
    schedules: Vec<Schedule>,
}

impl Default for TimedSystems {
    fn default() -> Self {
        let (names, schedules): (Vec<_>, Vec<_>) = crate::systems::daily_systems_one_by_one()
            .into_iter()
            .unzip();
        TimedSystems {
            seconds: vec![0.0; names.len()],
            names,
            schedules,
        }
    }
}

/// The outcome of one run.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub replicate: u32,
    pub seed: u64,
    /// The posterior row the replicate ran with (`scenario.posterior`), if any.
    pub posterior_row: Option<usize>,
    pub rows: Vec<MetricsRow>,
}

impl Simulation {
    /// A world holding the scenario's population and settings, before its first day.
    pub fn new(s: &Scenario, seed: u64) -> Simulation {
        let start = s.scenario.start;
        let days = horizon_days(s);
        let campaign_start = s.levers.campaign.start.days_since(start).max(0) as u32;
        let mut world = World::new();
        // Resources first: in bevy_ecs 0.20 a resource lives on an entity of its own, and its
        // storage is indexed by entity, so a resource inserted after a million firms costs 4
        // bytes per firm (135 bytes per firm for the 34 resources). The four resources built
        // from the population are inserted empty here and overwritten below.
        world.insert_resource(Campaign::default());
        world.insert_resource(InnovationCounts::default());
        world.insert_resource(FirmIndex::default());
        world.insert_resource(Parks::default());
        world.insert_resource(Demography::default());
        world.insert_resource(crate::model::AboveScaleList::default());
        world.insert_resource(InnovationSettings::from_scenario(s));
        world.insert_resource(Ledger::default());
        world.insert_resource(FundSettings::from_scenario(s));
        world.insert_resource(FundBook::from_scenario(s));
        world.insert_resource(GrantBook::default());
        world.insert_resource(LoanBook::default());
        world.insert_resource(FinanceCounts::default());
        world.insert_resource(StaffCosts::from_scenario(s));
        world.insert_resource(FirmTemplate::from_scenario(s));
        world.insert_resource(EntryExitSettings::from_scenario(s));
        let market = MarketSettings::from_scenario(s);
        world.insert_resource(market.relief);
        world.insert_resource(market);
        world.insert_resource(MatchmakingState::default());
        world.insert_resource(OrderBook::default());
        world.insert_resource(PolicyPushState::default());
        world.insert_resource(LandSettings::from_scenario(s));
        world.insert_resource(LandPolicy::from_scenario(s));
        world.insert_resource(LandBook::default());
        world.insert_resource(LandAccounts::default());
        world.insert_resource(ProjectSettings::from_scenario(s));
        world.insert_resource(ProjectPolicy::from_scenario(s));
        world.insert_resource(ProjectBook::default());
        world.insert_resource(Clock {
            day: 0,
            date: start,
        });
        world.insert_resource(RunSeed(seed));
        world.insert_resource(ProblemSettings::from_scenario(s));
        world.insert_resource(ProductionSettings::from_scenario(s));
        world.insert_resource(ServiceLevers::from_scenario(s));
        world.insert_resource(Departments::from_scenario(s));
        world.insert_resource(TicketBook::default());
        world.insert_resource(Counters::default());
        world.insert_resource(DayTotals::default());
        world.insert_resource(MetricsLog::new(start, days as usize));
        world.insert_resource(crate::systems::Stepping::default());
        let (campaign, innovation_counts, index, parks) =
            spawn_population(&mut world, s, seed, campaign_start);
        let open_at_start = world
            .query::<&crate::model::FirmState>()
            .iter(&world)
            .map(|state| u64::from(state.open_problems()))
            .sum();
        world.resource_mut::<Counters>().problems.open_at_start = open_at_start;
        world.insert_resource(Demography {
            initial: index.0.len() as u64,
            ..Default::default()
        });
        world.insert_resource(index);
        world.insert_resource(campaign);
        world.insert_resource(innovation_counts);
        world.insert_resource(parks);
        let changes = crate::scenario::lever_changes(s)
            .into_iter()
            .map(|(date, scenario)| (date.days_since(start).max(0) as u32, scenario))
            .collect();
        let mut sim = Simulation {
            world,
            schedule: crate::systems::daily_schedule(),
            start,
            days,
            next_day: 0,
            changes,
            next_change: 0,
            coverage: s.levers.campaign.coverage,
            rounds: campaign_rounds(s),
            next_round: 0,
        };
        sim.draw_visit_lists_on(0);
        sim
    }

    /// On the campaign's first day, before anything else happens that day, its visit lists
    /// are drawn from the firms alive then (firms that closed before are not listed; firms
    /// that entered are). A campaign from day 0 has its lists as soon as the world is built.
    ///
    /// On the first day of each later round the lists are drawn afresh in the same way (with
    /// the round's own random order) and every team starts again from the top; re-visits
    /// already booked stay due.
    fn draw_visit_lists_on(&mut self, day: u32) {
        let campaign = self.world.resource::<Campaign>();
        let first = !campaign.lists_drawn && campaign.start_day == day;
        let round = self.rounds.get(self.next_round) == Some(&day);
        if !first && !round {
            return;
        }
        let number = if round {
            self.next_round += 1;
            self.next_round as u32
        } else {
            0
        };
        let seed = self.world.resource::<RunSeed>().0;
        let lists = draw_visit_lists(&mut self.world, seed, self.coverage, number);
        let mut campaign = self.world.resource_mut::<Campaign>();
        campaign.lists = lists;
        campaign.next = [0; 4];
        campaign.lists_drawn = true;
    }

    /// Sets when and how the firm loops run in parallel (`crate::systems::Stepping`); the
    /// output is the same whatever it is set to.
    pub fn set_stepping(&mut self, stepping: crate::systems::Stepping) {
        self.world.insert_resource(stepping);
    }

    /// Days in the horizon.
    pub fn days(&self) -> u32 {
        self.days
    }

    /// Simulates the next day; false once the horizon is done.
    pub fn step(&mut self) -> bool {
        if !self.begin_day() {
            return false;
        }
        self.schedule.run(&mut self.world);
        self.next_day += 1;
        true
    }

    /// Like `step`, but runs the day's systems one by one and adds each one's wall time to
    /// `systems` (for `reformsim bench`; the output is the same as `step`'s).
    pub fn step_timed(&mut self, systems: &mut TimedSystems) -> bool {
        if !self.begin_day() {
            return false;
        }
        for (schedule, seconds) in systems.schedules.iter_mut().zip(&mut systems.seconds) {
            let started = std::time::Instant::now();
            schedule.run(&mut self.world);
            *seconds += started.elapsed().as_secs_f64();
        }
        self.next_day += 1;
        true
    }

    /// Sets the clock and levers for the next day; false once the horizon is done.
    fn begin_day(&mut self) -> bool {
        if self.next_day >= self.days {
            return false;
        }
        let day = self.next_day;
        while let Some((from, scenario)) = self.changes.get(self.next_change) {
            if *from > day {
                break;
            }
            set_levers(&mut self.world, scenario);
            self.next_change += 1;
        }
        *self.world.resource_mut::<Clock>() = Clock {
            day,
            date: self.start.add_days(day as i32),
        };
        self.draw_visit_lists_on(day);
        true
    }

    /// Simulates every remaining day and returns the daily KPI rows.
    pub fn run(mut self) -> Vec<MetricsRow> {
        while self.step() {}
        self.into_rows()
    }

    /// Like `run`, but checks the conservation invariants (`check_invariants`) after every
    /// day and stops at the first day one fails, naming the day and date.
    pub fn run_checked(mut self) -> Result<Vec<MetricsRow>, String> {
        while self.step() {
            if let Err(e) = self.check_invariants() {
                let day = self.next_day - 1;
                return Err(format!(
                    "invariant broken on day {day} ({}): {e}",
                    self.start.add_days(day as i32)
                ));
            }
        }
        Ok(self.into_rows())
    }

    fn into_rows(mut self) -> Vec<MetricsRow> {
        self.world
            .remove_resource::<MetricsLog>()
            .expect("inserted in new")
            .rows
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The rows recorded so far.
    pub fn rows(&self) -> &[MetricsRow] {
        &self.world.resource::<MetricsLog>().rows
    }

    /// Checks that no firm or ticket was lost: every ticket (collected or reported) is resolved, open or
    /// withdrawn; the live firms' open tickets match the tickets the pipeline holds; the
    /// ledger adds up; and initial + entered − exited firms are alive.
    pub fn check_invariants(&mut self) -> Result<(), String> {
        let book = self.world.resource::<TicketBook>();
        let counters = self.world.resource::<Counters>();
        let departments = self.world.resource::<Departments>();
        let open = book.awaiting_triage.len() + departments.open_tickets();
        let resolved = book
            .tickets
            .iter()
            .filter(|t| t.resolved_day.is_some())
            .count();
        let withdrawn = book.tickets.iter().filter(|t| t.withdrawn).count();
        let hotline = counters.hotline;
        if book.tickets.len() as u64 != counters.tickets_collected + hotline.reported {
            return Err(format!(
                "{} tickets in the book but {} collected and {} reported",
                book.tickets.len(),
                counters.tickets_collected,
                hotline.reported
            ));
        }
        if resolved as u64 != counters.tickets_resolved + hotline.resolved
            || withdrawn as u64 != counters.tickets_withdrawn + hotline.withdrawn
            || resolved + open + withdrawn != book.tickets.len()
        {
            return Err(format!(
                "tickets lost: collected {} but resolved {resolved} + open {open} + withdrawn {withdrawn}",
                book.tickets.len()
            ));
        }
        let held_by_firms: u64 = {
            let mut q = self.world.query_filtered::<&FirmState, Without<Exited>>();
            q.iter(&self.world)
                .map(|s| {
                    s.ticketed
                        .iter()
                        .take(CATEGORIES)
                        .map(|&n| u64::from(n))
                        .sum::<u64>()
                })
                .sum()
        };
        if !self.world.resource::<Ledger>().balanced() {
            return Err("the ledger's programme outlays do not add up to its total".into());
        }
        if held_by_firms != open as u64 {
            return Err(format!(
                "firms hold {held_by_firms} open tickets but the pipeline holds {open}"
            ));
        }
        self.check_finance()?;
        self.check_projects()?;
        self.check_demography()?;
        self.check_above_scale_list()?;
        self.check_problems()?;
        self.check_land()
    }

    /// Every problem a firm ever had is open tonight, resolved by some route, or closed with
    /// its firm (`ProblemTally`).
    fn check_problems(&mut self) -> Result<(), String> {
        let tally = self.world.resource::<Counters>().problems;
        let resolved = tally.resolved(
            self.world.resource::<Counters>().solved_by_departments(),
            self.world
                .resource::<crate::model::FinanceCounts>()
                .problems_relieved,
        );
        let held: u64 = {
            let mut q = self.world.query_filtered::<&FirmState, Without<Exited>>();
            q.iter(&self.world)
                .map(|s| u64::from(s.open_problems()))
                .sum()
        };
        let had = tally.open_at_start + tally.arisen;
        if had != held + resolved + tally.closed_with_firms {
            return Err(format!(
                "problems lost: {had} arose (or were open at the start) but {held} are open, \
                 {resolved} resolved and {} closed with their firms",
                tally.closed_with_firms
            ));
        }
        Ok(())
    }

    fn check_finance(&mut self) -> Result<(), String> {
        let (equity, with_loan, financed) = {
            let mut q = self.world.query::<&Finance>();
            q.iter(&self.world)
                .fold((0i64, 0u64, 0u64), |(e, l, f), x| {
                    (
                        e + x.equity_yuan,
                        l + u64::from(x.has_loan),
                        f + u64::from(x.financed),
                    )
                })
        };
        let funds = self.world.resource::<FundBook>();
        for (i, f) in funds.funds.iter().enumerate() {
            if !(0 <= f.deployed && f.deployed <= f.accrued && f.accrued <= f.size) {
                return Err(format!(
                    "fund {i} invested {} of {} accrued, size {}: a fund may never invest beyond its size",
                    f.deployed, f.accrued, f.size
                ));
            }
        }
        if equity != funds.deployed() {
            return Err(format!(
                "firms hold {equity} yuan of fund equity but the funds invested {}",
                funds.deployed()
            ));
        }
        let counts = self.world.resource::<FinanceCounts>();
        if financed != counts.firms_financed {
            return Err(format!(
                "{financed} firms are marked financed but {} were counted",
                counts.firms_financed
            ));
        }
        let grants = self.world.resource::<GrantBook>();
        if grants.paid_yuan != grants.converted_yuan + grants.lapsed_yuan + grants.pending_yuan() {
            return Err(format!(
                "grants paid {} ≠ converted {} + lapsed {} + pending {}",
                grants.paid_yuan,
                grants.converted_yuan,
                grants.lapsed_yuan,
                grants.pending_yuan()
            ));
        }
        let ledger = self.world.resource::<Ledger>();
        if ledger.spent(Programme::FundGrants) != grants.lapsed_yuan {
            return Err(format!(
                "the ledger booked {} yuan of grants but {} lapsed unconverted",
                ledger.spent(Programme::FundGrants),
                grants.lapsed_yuan
            ));
        }
        let loans = self.world.resource::<LoanBook>();
        let open: i64 = loans
            .due
            .iter()
            .map(|&(_, id)| loans.loans[id as usize].principal)
            .sum();
        if open != loans.outstanding_yuan
            || loans.issued_yuan != loans.repaid_yuan + loans.defaulted_yuan + open
        {
            return Err(format!(
                "loans issued {} ≠ repaid {} + defaulted {} + outstanding {open} (counted {})",
                loans.issued_yuan, loans.repaid_yuan, loans.defaulted_yuan, loans.outstanding_yuan
            ));
        }
        if with_loan != loans.due.len() as u64 {
            return Err(format!(
                "{with_loan} firms have a loan but {} loans are open",
                loans.due.len()
            ));
        }
        Ok(())
    }

    /// Initial + entered − exited firms are alive, and every id ever given is indexed.
    fn check_demography(&mut self) -> Result<(), String> {
        let demography = self.world.resource::<Demography>().clone();
        let index_len = self.world.resource::<FirmIndex>().0.len() as u64;
        let live = self
            .world
            .query_filtered::<(), (With<FirmId>, Without<Exited>)>()
            .iter(&self.world)
            .count() as u64;
        let closed = self
            .world
            .query_filtered::<(), (With<FirmId>, With<Exited>)>()
            .iter(&self.world)
            .count() as u64;
        if live != demography.live()
            || closed != demography.exited
            || index_len != demography.initial + demography.entered
        {
            return Err(format!(
                "firms lost: initial {} + entered {} − exited {} = {} but {live} alive, {closed} closed and {index_len} ids",
                demography.initial,
                demography.entered,
                demography.exited,
                demography.live()
            ));
        }
        Ok(())
    }

    /// The above-scale list is one list: the live firms of an above-scale tier are the live
    /// firms with the `AboveScale` marker, and their number is the innovation KPIs'
    /// denominator, through revisions (小升规) and exits.
    fn check_above_scale_list(&mut self) -> Result<(), String> {
        let (mut by_tier, mut by_marker, mut mismatched) = (0u64, 0u64, 0u64);
        let mut q = self.world.query_filtered::<(&crate::model::FirmProfile, Has<crate::model::AboveScale>), Without<Exited>>();
        for (profile, marked) in q.iter(&self.world) {
            by_tier += u64::from(profile.tier.is_above_scale());
            by_marker += u64::from(marked);
            mismatched += u64::from(profile.tier.is_above_scale() != marked);
        }
        let counted = self.world.resource::<InnovationCounts>().above_scale_firms;
        if mismatched > 0 || by_tier != counted || by_marker != counted {
            return Err(format!(
                "above-scale list out of step: {by_tier} firms of an above-scale tier, {by_marker} \
                 marked, {mismatched} disagree, {counted} counted"
            ));
        }
        Ok(())
    }

    /// Checks that land is conserved in every park (available + held by its firms = total),
    /// that floor space occupied is what its firms rent and at most the park's total, and
    /// that each waiting request belongs to a firm marked as waiting.
    /// Every project is accounted for: those in the pipeline on the first day and those
    /// signed since are in a stage, commissioned or failed.
    fn check_projects(&mut self) -> Result<(), String> {
        let book = self.world.resource::<ProjectBook>();
        let stages = book.in_stages();
        let in_stages: u64 = stages.iter().sum();
        if book.at_start + book.signed != in_stages + book.commissioned + book.failed
            || in_stages != book.active.len() as u64
        {
            return Err(format!(
                "projects lost: {} at the start + {} signed, but {in_stages} in stages \
                 ({} listed active) + {} commissioned + {} failed",
                book.at_start,
                book.signed,
                book.active.len(),
                book.commissioned,
                book.failed
            ));
        }
        let requests = self
            .world
            .resource::<Parks>()
            .list
            .iter()
            .flat_map(|p| &p.queue)
            .filter(|r| r.project.is_some())
            .count() as u64;
        if requests > stages[1] {
            return Err(format!(
                "{requests} project requests wait for space but {} projects are at that stage",
                stages[1]
            ));
        }
        Ok(())
    }

    pub fn check_land(&mut self) -> Result<(), String> {
        let mut q = self.world.query::<&FirmLand>();
        let parks = self.world.resource::<Parks>();
        let n = parks.list.len();
        let mut land = vec![0u64; n];
        let mut floor = vec![0u64; n];
        let mut pending = 0usize;
        for l in q.iter(&self.world) {
            if l.park == NO_PARK {
                if l.land_milli_mu != 0 || l.floor_m2 != 0 || l.pending {
                    return Err("a firm outside the parks holds park space".to_owned());
                }
                continue;
            }
            let p = usize::from(l.park);
            if p >= n {
                return Err(format!("a firm is in park {p} of {n}"));
            }
            land[p] += l.land_milli_mu;
            floor[p] += l.floor_m2;
            pending += usize::from(l.pending);
        }
        for (i, park) in parks.list.iter().enumerate() {
            if park.land_available + land[i] != park.land_total {
                return Err(format!(
                    "park {i}: land not conserved: available {} + held {} ≠ total {} (milli-mu)",
                    park.land_available, land[i], park.land_total
                ));
            }
            if park.floor_occupied != floor[i] || park.floor_occupied > park.floor_total {
                return Err(format!(
                    "park {i}: floor space occupied {} m², firms rent {} m², total {} m²",
                    park.floor_occupied, floor[i], park.floor_total
                ));
            }
        }
        let for_projects = parks
            .list
            .iter()
            .flat_map(|p| &p.queue)
            .filter(|r| r.project.is_some())
            .count();
        if pending + for_projects != parks.waiting() {
            return Err(format!(
                "{pending} firms and {for_projects} projects wait for space but the queues hold {} requests",
                parks.waiting()
            ));
        }
        Ok(())
    }
}

/// Puts a scenario's daily levers into the world (a timeline change): the service levers,
/// the visit teams' capacity, the cost of an empty visit, each department's capacity and
/// service time, innovation support, the funds' allocation levers, the market programmes
/// and the land levers. Queues, tickets in service, orders being delivered, this year's push
/// count, waiting land requests (with the lead time they were given) and land contracts
/// carry on as they are; funds keep what they have accrued and invested; loans and grants
/// run on.
fn set_levers(world: &mut World, s: &Scenario) {
    world.insert_resource(ServiceLevers::from_scenario(s));
    world.insert_resource(InnovationSettings::from_scenario(s));
    world.insert_resource(FundSettings::from_scenario(s));
    world.insert_resource(MarketSettings::from_scenario(s));
    world.insert_resource(LandPolicy::from_scenario(s));
    world.insert_resource(ProjectPolicy::from_scenario(s));
    world.resource_mut::<Campaign>().visits_per_day = s.levers.campaign.visits_per_day.as_array();
    world
        .resource_mut::<ProductionSettings>()
        .no_problem_visit_cost = s.levers.campaign.no_problem_visit_cost_days;
    let mut departments = world.resource_mut::<Departments>();
    for (state, d) in departments.list.iter_mut().zip(&s.departments) {
        state.capacity = d.capacity;
        (state.service_mu, state.service_sigma) =
            lognormal_params(d.service_days_mean, d.service_days_cv);
    }
}

/// Day indices of the campaign's later rounds that fall in the horizon, in order: every
/// `round_every_days` after its start.
fn campaign_rounds(s: &Scenario) -> Vec<u32> {
    let c = &s.levers.campaign;
    let (Ok(first), every) = (
        u32::try_from(c.start.days_since(s.scenario.start)),
        c.round_every_days,
    ) else {
        return Vec::new();
    };
    if every == 0 {
        return Vec::new();
    }
    let days = horizon_days(s);
    (1..)
        .map(|k: u32| first.saturating_add(k.saturating_mul(every)))
        .take_while(|&day| day < days)
        .collect()
}

/// Days from the scenario's start to its end, inclusive.
pub fn horizon_days(s: &Scenario) -> u32 {
    (s.scenario.end.days_since(s.scenario.start) + 1).max(0) as u32
}

/// The scenario replicate seed `seed` runs: `s` itself, or, when `s` names a posterior, `s`
/// with the row that the seed draws, and that row.
pub fn replicate_scenario(s: &Scenario, seed: u64) -> Result<(Scenario, Option<usize>), String> {
    match &s.ensemble {
        None => Ok((s.clone(), None)),
        Some(p) => {
            let row = p.row_for(seed);
            Ok((p.scenario_for(s, row)?, Some(row)))
        }
    }
}

/// Runs `n` replicates in parallel; replicate k uses `replicate_seed(master, k)` (and, when
/// the scenario names a posterior, the row that seed draws). Results are in replicate order
/// whatever order they finished in.
pub fn run_replicates(s: &Scenario, master_seed: u64, n: u32) -> Vec<RunResult> {
    run_replicates_with(s, master_seed, n, false, 1)
        .expect("unchecked runs fail only on a posterior row, which loading checked")
}

/// `run_replicates` with the conservation invariants checked after every day of every
/// replicate (`reformsim run --check-invariants`). The results are the same bytes; the
/// error names the first replicate (in replicate order) whose check failed.
pub fn run_replicates_checked(
    s: &Scenario,
    master_seed: u64,
    n: u32,
) -> Result<Vec<RunResult>, String> {
    run_replicates_with(s, master_seed, n, true, 1)
}

/// Runs `n` replicates, with the invariants checked or not; an error names the replicate
/// whose posterior row or invariant check failed. With a posterior, replicates come in sets
/// of `seeds_per_set` (≥ 1) that share one parameter set, the one the set's first seed
/// draws, so that an effect's spread can be split into its parameter and seed parts
/// (`compare`).
pub fn run_replicates_with(
    s: &Scenario,
    master_seed: u64,
    n: u32,
    checked: bool,
    seeds_per_set: u32,
) -> Result<Vec<RunResult>, String> {
    let per_set = seeds_per_set.max(1);
    (0..n)
        .into_par_iter()
        .map(|k| {
            let seed = replicate_seed(master_seed, k);
            let set_seed = replicate_seed(master_seed, k - k % per_set);
            let (scenario, posterior_row) = replicate_scenario(s, set_seed)
                .map_err(|e| format!("replicate {k} (seed {seed}): {e}"))?;
            let sim = Simulation::new(&scenario, seed);
            let rows = if checked {
                sim.run_checked()
                    .map_err(|e| format!("replicate {k} (seed {seed}): {e}"))?
            } else {
                sim.run()
            };
            Ok(RunResult {
                replicate: k,
                seed,
                posterior_row,
                rows,
            })
        })
        .collect()
}
