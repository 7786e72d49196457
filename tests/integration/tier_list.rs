//! The above-scale list (小升规, MODEL.md §14.1): small firms that outgrow the threshold join
//! it each 1 January, the list stays one list (tier, marker and count agree: checked every
//! day by `check_invariants`), and faster growth promotes more firms.

use crate::common::{SEEDS, at, mean_kpi, run, small_city_to_2026};
use reformsim::engine::Simulation;

#[test]
fn small_firms_that_outgrow_the_threshold_join_the_list_each_first_of_january() {
    let s = small_city_to_2026();
    let mut sim = Simulation::new(&s, 7);
    while sim.step() {
        sim.check_invariants().unwrap_or_else(|e| panic!("{e}"));
    }
    let rows = sim.rows();
    let first = &rows[0];
    // The small city starts in June 2024: the first revision, on 1 January 2025, sizes firms
    // by their seven months, per year. Nothing moves before it, and something does at it.
    let before = at(rows, "2024-12-31");
    let revised = at(rows, "2025-01-01");
    assert_eq!(before.firms_promoted_above_scale, 0);
    assert!(revised.firms_promoted_above_scale > 0);
    // Between revisions the list changes only by exits.
    let year_end = at(rows, "2025-12-31");
    assert_eq!(
        year_end.firms_promoted_above_scale,
        revised.firms_promoted_above_scale
    );
    assert!(year_end.above_scale_firms <= revised.above_scale_firms);
    // The list's count: where it started, plus promotions, less demotions, less the exits of
    // firms on it (at most all exits).
    let last = rows.last().unwrap();
    let flows =
        first.above_scale_firms + last.firms_promoted_above_scale - last.firms_demoted_above_scale;
    assert!(last.above_scale_firms <= flows);
    assert!(last.above_scale_firms + last.firms_exited >= flows);
}

#[test]
fn faster_growth_promotes_more_small_firms() {
    let base = small_city_to_2026();
    let mut fast = base.clone();
    fast.production.trend_growth += 0.05;
    let date = "2026-12-31";
    assert!(
        mean_kpi(&fast, "firms_promoted_above_scale", date)
            > mean_kpi(&base, "firms_promoted_above_scale", date)
    );
    assert!(
        mean_kpi(&fast, "above_scale_firms", date) > mean_kpi(&base, "above_scale_firms", date)
    );
}

#[test]
fn firms_are_drawn_on_their_tiers_side_of_the_threshold() {
    // Raising the threshold tenfold does not move any firm at the start: tiers are counts,
    // and sizes are drawn on their side. Small firms then rarely reach it.
    let base = small_city_to_2026();
    let mut high = base.clone();
    high.population.above_scale_value_added_yuan *= 10.0;
    for &seed in &SEEDS[..2] {
        let (b, h) = (run(&base, seed), run(&high, seed));
        assert_eq!(b[0].above_scale_firms, h[0].above_scale_firms);
        let date = "2026-12-31";
        assert!(at(&h, date).firms_promoted_above_scale < at(&b, date).firms_promoted_above_scale);
    }
}
