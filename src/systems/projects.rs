//! The investment-project pipeline (docs/MODEL.md §3.8). Each day:
//! - new projects are signed: how many is a Poisson draw whose mean is the signing lever's
//!   yuan for the year divided by the mean project size; each project's size, firm and
//!   waits are drawn from its own stream;
//! - each project moves on when its stage allows:
//!   approvals (a lead time, shortened in parks with devolved approvals, and no open
//!   approvals problem at its firm) → its request for land or standard-factory space waits in
//!   its park's queue (`grant_land` serves it like a firm's request, under the supply mode
//!   and lead time the land levers set) → financing (a wait, cut short when its firm holds
//!   money from the city's funds, grants or loans, and no open finance problem) →
//!   construction (its outlays are investment) → commissioned (its capacity adds to its firm's
//!   value added). A project still waiting for approvals, land or money `give_up_days` after
//!   signing is abandoned, and so is a project whose firm closes.
//!
//! On the first day the pipeline is filled with the projects signed in the years before the
//! start, placed where their lead times would have taken them (no queues or problems
//! before the run): those built before the start are part of the firms' base and dropped.

use bevy_ecs::prelude::*;
use rand_distr::Distribution;

use crate::model::{
    AboveScale, Category, Clock, DayTotals, Exited, FirmId, FirmLand, FirmProfile, FirmState,
    LandBook, LandPolicy, LandRequest, LandSettings, NO_PARK, Parks, Project, ProjectBook,
    ProjectPolicy, ProjectSettings, ProjectStage, RunSeed, SUPPLY_MODES, Signer, SupplyMode,
};
use crate::rng::{Purpose, StreamRng};

/// Years of signing before the start that fill the first day's pipeline: longer than any
/// project takes from signing to commissioning (approvals, land, money and at most
/// `max_construction_days` of building), so the pipeline starts full.
const YEARS_BEFORE_START: i64 = 8;

/// The draws of a project, fixed at signing: size, firm, finance wait, supply mode.
const DRAW_SIZE: u64 = 0;
const DRAW_FIRM: u64 = 1;
const DRAW_FINANCE: u64 = 2;
const DRAW_MODE: u64 = 3;

/// The firms that may sign: above designated size and still open.
type Signers<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
        &'static FirmId,
        &'static FirmProfile,
        &'static FirmLand,
    ),
    (With<AboveScale>, Without<Exited>),
>;

#[allow(clippy::too_many_arguments)]
pub fn run_projects(
    clock: Res<Clock>,
    seed: Res<RunSeed>,
    settings: Res<ProjectSettings>,
    policy: Res<ProjectPolicy>,
    land_policy: Res<LandPolicy>,
    land_settings: Res<LandSettings>,
    mut parks: ResMut<Parks>,
    mut land_book: ResMut<LandBook>,
    mut book: ResMut<ProjectBook>,
    mut totals: ResMut<DayTotals>,
    signers: Signers,
    mut firms: Query<(&FirmProfile, &mut FirmState), Without<Exited>>,
) {
    let pipeline = Pipeline {
        seed: seed.0,
        settings: &settings,
        policy: &policy,
        land_policy: &land_policy,
        land_settings: &land_settings,
    };
    let book = &mut *book;
    if !book.started {
        pipeline.start(book, &parks, &signers);
    }
    let today = i64::from(clock.day);
    pipeline.sign_day(book, &parks, today, true);
    book.outlays_today = 0;
    let ProjectBook {
        projects,
        active,
        commissioned,
        failed,
        outlays_today,
        ..
    } = book;
    let (parks, land_book) = (&mut *parks, &mut *land_book);
    active.retain(|&id| {
        let p = &mut projects[id as usize];
        let Ok((profile, mut state)) = firms.get_mut(p.firm) else {
            // Its firm closed: its request, if still queued, goes with it.
            if p.stage == ProjectStage::Land {
                withdraw_request(parks, p.park, id);
            }
            p.stage = ProjectStage::Failed;
            *failed += 1;
            return false;
        };
        match pipeline.step(p, id, today, profile, &mut state, parks, land_book) {
            Step::Outlay(yuan) => {
                *outlays_today += yuan;
                true
            }
            Step::Waiting => true,
            Step::Commissioned => {
                *commissioned += 1;
                false
            }
            Step::Failed => {
                *failed += 1;
                false
            }
        }
    });
    totals.investment += book.outlays_today;
}

/// What a project did today.
enum Step {
    Waiting,
    Outlay(i64),
    Commissioned,
    Failed,
}

struct Pipeline<'a> {
    seed: u64,
    settings: &'a ProjectSettings,
    policy: &'a ProjectPolicy,
    land_policy: &'a LandPolicy,
    land_settings: &'a LandSettings,
}

/// The stream key day of a day index: days before the run count back from `u32::MAX`.
fn stream_day(day: i64) -> u32 {
    day.rem_euclid(1 << 32) as u32
}

impl Pipeline<'_> {
    /// The firms that may sign (above designated size, in a park, in firm-id order so that
    /// the query's order does not matter), the scale of the signing lever, and the
    /// pipeline the run starts with.
    fn start(&self, book: &mut ProjectBook, parks: &Parks, signers: &Signers) {
        book.started = true;
        let mut list: Vec<(FirmId, Entity, u16, f64)> = Vec::new();
        let mut value_added_day = 0.0;
        for (entity, id, profile, land) in signers {
            value_added_day += profile.base_value_added;
            if land.park != NO_PARK {
                list.push((*id, entity, land.park, profile.base_value_added));
            }
        }
        list.sort_unstable_by_key(|(id, ..)| *id);
        let mut total = 0.0;
        book.signers = list
            .into_iter()
            .map(|(firm_id, firm, park, weight)| {
                total += weight;
                Signer {
                    firm,
                    firm_id,
                    park,
                    cumulative_weight: total,
                }
            })
            .collect();
        book.value_added_year = value_added_day * 365.0;
        for day in -YEARS_BEFORE_START * 365..0 {
            self.sign_day(book, parks, day, false);
        }
        book.at_start = book.active.len() as u64;
    }

    /// Signs the day's projects. Before the run (`in_run` false) each is placed where its
    /// lead times would have taken it by the first day, or dropped if already built.
    fn sign_day(&self, book: &mut ProjectBook, parks: &Parks, day: i64, in_run: bool) {
        let total_weight = book.signers.last().map_or(0.0, |s| s.cumulative_weight);
        if total_weight <= 0.0 {
            return;
        }
        let year = self.settings.start.add_days(day as i32).year();
        let yuan_per_day = self.policy.signed_share(year) * book.value_added_year / 365.0;
        let mean = yuan_per_day / self.settings.mean_size();
        if mean.is_nan() || mean <= 0.0 {
            return;
        }
        let mut rng = StreamRng::new(self.seed, Purpose::Projects, 0, stream_day(day));
        let count = match rand_distr::Poisson::new(mean) {
            Ok(poisson) => poisson.sample(&mut rng) as u64,
            Err(_) => 0,
        };
        for k in 0..count {
            let id = book.projects.len() as u32;
            let draws = draws(self.seed, k, day);
            let size = self.settings.size(draws.uniform_nth(DRAW_SIZE));
            let target = draws.uniform_nth(DRAW_FIRM) * total_weight;
            let i = book
                .signers
                .partition_point(|s| s.cumulative_weight <= target)
                .min(book.signers.len() - 1);
            let signer = book.signers[i];
            let park = &parks.list[usize::from(signer.park)];
            let finance_wait =
                -self.settings.finance_days * (1.0 - draws.uniform_nth(DRAW_FINANCE)).ln();
            let approved = day
                + self.settings.approval_wait(
                    park.devolved_approvals,
                    self.land_policy.devolved_approvals_factor,
                );
            let mut project = Project {
                firm: signer.firm,
                firm_id: signer.firm_id,
                park: signer.park,
                size_yuan: size.round() as i64,
                stage: ProjectStage::Approval,
                signed_day: day,
                ready_day: approved,
                finance_wait_days: finance_wait.round().min(f64::from(u32::MAX / 2)) as u32,
                build_days: self.settings.build_days(size),
                mode: None,
                outlay_per_day: 0,
                remaining_yuan: 0,
                nth_signed_that_day: k as u32,
            };
            if in_run {
                book.signed += 1;
            } else if !self.place_before_start(&mut project, parks) {
                continue;
            }
            book.projects.push(project);
            book.active.push(id);
        }
    }

    /// Places a project signed before the run where its lead times take it by day 0;
    /// false if it was built before the start.
    fn place_before_start(&self, p: &mut Project, parks: &Parks) -> bool {
        let park = &parks.list[usize::from(p.park)];
        let mode = self.mode(p, &park.offers);
        let land =
            p.ready_day + i64::from(self.land_policy.lead_time(mode, park.devolved_approvals));
        let financed = land + i64::from(p.finance_wait_days);
        let built = financed + i64::from(self.settings.construction_days(p.build_days, mode));
        if built <= 0 {
            return false;
        }
        if financed <= 0 {
            p.mode = Some(mode);
            self.begin_construction(p);
            // What is left to build on day 0 (the outlays before it were before the run).
            p.remaining_yuan = p.remaining_yuan.min(p.outlay_per_day * built);
        } else if land <= 0 {
            // Its space is in the holdings the firms start with.
            p.mode = Some(mode);
            p.stage = ProjectStage::Finance;
            p.ready_day = financed;
        }
        // Otherwise it waits for approvals (or, approved, asks for space on day 0).
        true
    }

    /// The supply mode of a project's space: the land levers' mix over what its park offers,
    /// standard factories only for projects small enough to fit one.
    fn mode(&self, p: &Project, offers: &[bool; SUPPLY_MODES]) -> SupplyMode {
        let mut offers = *offers;
        if p.size_yuan as f64 > self.settings.standard_factory_max_yuan {
            offers[SupplyMode::StandardFactory.index()] = false;
        }
        let u =
            draws(self.seed, u64::from(p.nth_signed_that_day), p.signed_day).uniform_nth(DRAW_MODE);
        self.land_policy.pick_mode(&offers, u)
    }

    fn begin_construction(&self, p: &mut Project) {
        let mode = p.mode.unwrap_or(SupplyMode::Transfer);
        let days = i64::from(self.settings.construction_days(p.build_days, mode));
        p.stage = ProjectStage::Construction;
        p.outlay_per_day = (p.size_yuan + days - 1) / days;
        p.remaining_yuan = p.size_yuan;
    }

    #[allow(clippy::too_many_arguments)]
    fn step(
        &self,
        p: &mut Project,
        id: u32,
        today: i64,
        profile: &FirmProfile,
        state: &mut FirmState,
        parks: &mut Parks,
        land_book: &mut LandBook,
    ) -> Step {
        let open = |c: Category| state.latent[c.index()] + state.ticketed[c.index()] > 0;
        let late = today - p.signed_day > self.settings.give_up_days;
        match p.stage {
            ProjectStage::Approval => {
                if today >= p.ready_day && !open(Category::Approvals) {
                    self.request_space(p, id, today, parks, land_book);
                } else if late {
                    p.stage = ProjectStage::Failed;
                    return Step::Failed;
                }
                Step::Waiting
            }
            ProjectStage::Land => {
                if late {
                    withdraw_request(parks, p.park, id);
                    p.stage = ProjectStage::Failed;
                    return Step::Failed;
                }
                Step::Waiting
            }
            ProjectStage::Finance => {
                let money = today >= p.ready_day || state.finance_to_invest > 0;
                if money && !open(Category::Finance) {
                    self.begin_construction(p);
                } else if late {
                    p.stage = ProjectStage::Failed;
                    return Step::Failed;
                }
                Step::Waiting
            }
            ProjectStage::Construction => {
                let outlay = p.outlay_per_day.min(p.remaining_yuan);
                p.remaining_yuan -= outlay;
                if p.remaining_yuan > 0 {
                    return Step::Outlay(outlay);
                }
                // Built: its capacity adds to the firm's output from tomorrow.
                let added = p.size_yuan as f64 * self.settings.value_added_per_yuan_day;
                let level = crate::math::exp(state.log_level) + added / profile.base_value_added;
                state.log_level = level.ln();
                p.stage = ProjectStage::Commissioned;
                Step::Commissioned
            }
            ProjectStage::Commissioned | ProjectStage::Failed => Step::Waiting,
        }
    }

    /// The project, approved, asks its park for the space its capacity needs.
    fn request_space(
        &self,
        p: &mut Project,
        id: u32,
        today: i64,
        parks: &mut Parks,
        land_book: &mut LandBook,
    ) {
        let park = &mut parks.list[usize::from(p.park)];
        let mode = self.mode(p, &park.offers);
        let s = self.land_settings;
        let capacity_day =
            p.size_yuan as f64 * self.settings.value_added_per_yuan_day / s.expand_to_utilisation;
        let per_unit = if mode.is_floor_space() {
            s.capacity_per_m2_day
        } else {
            s.capacity_per_milli_mu_day
        };
        let amount = (capacity_day / per_unit).ceil().max(1.0) as u64;
        let today32 = today as u32;
        park.queue.push(LandRequest {
            firm: p.firm,
            firm_id: p.firm_id,
            mode,
            amount,
            requested_day: today32,
            ready_day: today32 + self.land_policy.lead_time(mode, park.devolved_approvals),
            project: Some(id),
        });
        land_book.requests_made += 1;
        p.mode = Some(mode);
        p.stage = ProjectStage::Land;
    }
}

/// Takes project `id`'s request for space out of its park's queue (the project failed).
fn withdraw_request(parks: &mut Parks, park: u16, id: u32) {
    parks.list[usize::from(park)]
        .queue
        .retain(|r| r.project != Some(id));
}

/// The stream of the draws of the `k`-th project signed on `signed_day` (a key that does
/// not depend on which earlier projects the book kept).
fn draws(seed: u64, k: u64, signed_day: i64) -> StreamRng {
    StreamRng::new(seed, Purpose::Projects, k + 1, stream_day(signed_day))
}
