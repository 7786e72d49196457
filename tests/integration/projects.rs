//! The investment-project pipeline (docs/MODEL.md §3.8): every project is accounted for,
//! signing drives investment, and the levers on its stages move it in the documented
//! direction over the fixed seed list.

use crate::common;

use crate::common::{SEEDS, at, mean_kpi, run, small_city_to_2026};

use reformsim::engine::Simulation;
use reformsim::model::{ProjectBook, ProjectStage};

/// Projects at the start + signed = in a stage + commissioned + failed, every day, and the
/// stage counts match the projects' own stages.
#[test]
fn every_project_is_in_a_stage_commissioned_or_failed_on_every_day() {
    let s = small_city_to_2026();
    for seed in [1, 2] {
        let mut sim = Simulation::new(&s, seed);
        while sim.step() {
            sim.check_invariants()
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        }
        let book = sim.world().resource::<ProjectBook>();
        assert!(book.at_start > 0, "the run starts with a pipeline");
        assert!(book.signed > 0 && book.commissioned > 0, "projects flow");
        let counted = |stage| book.projects.iter().filter(|p| p.stage == stage).count() as u64;
        assert_eq!(counted(ProjectStage::Commissioned), book.commissioned);
        assert_eq!(counted(ProjectStage::Failed), book.failed);
        assert_eq!(
            book.at_start + book.signed,
            book.projects.len() as u64,
            "every project signed is in the book"
        );
    }
}

/// With nothing signed, investment is the routine share of value added plus the city's
/// money: no project outlays, and less investment than the baseline.
#[test]
fn investment_rises_with_the_projects_signed() {
    let base = small_city_to_2026();
    let mut none = base.clone();
    none.levers.investment.signed_per_year = [("2017".to_owned(), 0.0)].into_iter().collect();
    let mut more = base.clone();
    more.levers.investment.signed_per_year = [("2017".to_owned(), 0.6)].into_iter().collect();
    let row = |s, seed| at(&run(s, seed), "2025-06-30").clone();
    for seed in [1, 2] {
        let (n, b, m) = (row(&none, seed), row(&base, seed), row(&more, seed));
        assert_eq!(n.project_outlays_yuan, 0);
        assert_eq!(n.projects_signed + n.projects_commissioned, 0);
        assert!(
            n.investment_yuan < b.investment_yuan && b.investment_yuan < m.investment_yuan,
            "seed {seed}: {} < {} < {}",
            n.investment_yuan,
            b.investment_yuan,
            m.investment_yuan
        );
    }
}

/// Faster approvals bring projects to completion sooner:
/// the level of value added at the end of 2025 is higher over the fixed seed list (the
/// baseline city). The level, not the growth rate: a lever set from the start pulls the
/// commissioning forward once, so most of the growth comes in 2024.
#[test]
fn devolved_approvals_raise_value_added() {
    let base = common::baseline().scenario;
    let kpi = "value_added_yuan";
    let date = "2025-12-31";
    let reference = mean_kpi(&base, kpi, date);
    let mut devolved = base.clone();
    devolved.levers.land.devolved_approvals_factor = 2.0;
    // The standard-factory push is not here: set from the start, its sign on the 2025 level
    // depends on the seeds (issue 17's closing note, stop 21).
    let v = mean_kpi(&devolved, kpi, date);
    assert!(
        v > reference * 1.001,
        "devolved approvals: {v} vs baseline {reference} over seeds {SEEDS:?}"
    );
}
