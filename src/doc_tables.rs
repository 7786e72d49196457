//! Tables of docs/MODEL.md that are computed, never typed: each is written between two
//! marker lines, and `tests/integration/calibration.rs` fails when a fresh run of the shipped
//! baseline gives another table than the document shows.
//!
//! Regenerate with `cargo run --release --example doc_tables` (it rewrites docs/MODEL.md in
//! place, between the markers).

use std::path::Path;

use crate::date::Date;
use crate::engine::{RunResult, run_replicates};
use crate::report::{fmt_value, paired_differences, spread, values_at};
use crate::scenario::{LoadedScenario, Scenario};
use crate::seeds::Seeds;

/// Replicates behind the "mean of N seeds" columns.
pub const REPLICATES: u32 = 10;

/// The calibration table's marker name in docs/MODEL.md (§5).
pub const CALIBRATION: &str = "calibration-table";
/// The innovation targets in the baseline (§10).
pub const INNOVATION: &str = "innovation-baseline";
/// The funds and finance KPIs of the baseline's default seed (§12.9).
pub const FUNDS: &str = "funds-baseline";
/// What the funds add to A13, and the hard-tech-fund scenario against the baseline (§12.9).
pub const FUNDS_EFFECTS: &str = "funds-effects";
/// The named levers' paired effects on their own KPIs and on growth (§6.1).
pub const LEVER_PATHS: &str = "lever-paths";
/// What the observed figures pin down: the shipped posterior's identification table (§17).
pub const IDENTIFICATION: &str = "identification";
/// One lever changed at a time on the default seed, point model, 2024 only (§6).
pub const LEVER_ILLUSTRATIONS: &str = "lever-illustrations";
/// One land lever changed at a time, the same way (§9.7).
pub const LAND_ILLUSTRATIONS: &str = "land-illustrations";
/// The above-scale list's yearly revisions in the baseline (§14.1).
pub const TIER_LIST: &str = "tier-list";

/// The shipped posterior's identification table, as `calibrate --method abc` wrote it.
pub const IDENTIFICATION_CSV: &str = "seeds/posterior-identification.csv";

/// Replicates of each arm in the lever-path table: the first of the baseline's.
const LEVER_PATH_REPLICATES: u32 = 6;

/// The scenarios of the lever-path table, and the KPIs (with dates) on the path from each
/// lever to growth, before the growth rows every scenario gets.
const LEVER_PATH_SCENARIOS: &[(&str, &[(&str, &str)])] = &[
    (
        "slow-triage",
        &[
            ("mean_days_to_resolve", "2024-12-31"),
            ("hotline_mean_days_to_resolve", "2025-12-31"),
            ("open_problems", "2025-12-31"),
        ],
    ),
    (
        "lease-first-land",
        &[
            ("mean_days_to_obtain_land", "2025-12-31"),
            ("projects_commissioned", "2025-12-31"),
        ],
    ),
    (
        "standard-factory-push",
        &[
            ("mean_days_to_obtain_land", "2025-12-31"),
            ("projects_commissioned", "2025-12-31"),
        ],
    ),
    (
        "hard-tech-fund",
        &[
            ("firms_financed", "2025-12-31"),
            ("projects_commissioned", "2025-12-31"),
        ],
    ),
    ("no-campaign", &[("open_problems", "2024-12-31")]),
];

/// Growth rows of every scenario in the lever-path table.
const LEVER_PATH_GROWTH: &[(&str, &str)] = &[
    ("value_added_growth_ytd", "2025-12-31"),
    ("value_added_growth_ytd", "2026-12-31"),
    ("investment_growth_ytd", "2025-12-31"),
    ("investment_growth_ytd", "2026-12-31"),
];

/// Every computed block of MODEL.md, (marker name, text), from the shipped baseline and its
/// [`REPLICATES`] replicates (`results`; replicate 0 runs the default seed). Runs what else
/// the blocks need itself: the baseline without its funds, and `hard-tech-fund`, on the
/// default seed. `root` is the repository.
pub fn blocks(
    root: &Path,
    baseline: &LoadedScenario,
    results: &[RunResult],
) -> anyhow::Result<Vec<(&'static str, String)>> {
    let seeds = baseline
        .seeds
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("the baseline names no seeds file"))?;
    let s = &baseline.scenario;
    let seed = s.scenario.seed;
    let first = results
        .first()
        .ok_or_else(|| anyhow::anyhow!("no replicate"))?;
    // The funds start after the horizon: nothing is invested, granted or lent.
    let mut without = s.clone();
    without.funds.start = s.scenario.end.add_days(1);
    let without = run_replicates(&without, seed, 1).remove(0);
    let hard = crate::scenario::load(&root.join("scenarios/hard-tech-fund.toml"))
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let hard = run_replicates(&hard.scenario, seed, 1).remove(0);
    Ok(vec![
        (CALIBRATION, calibration_table(seeds, results)),
        (INNOVATION, innovation_table(seeds, results)),
        (FUNDS, funds_table(first)),
        (FUNDS_EFFECTS, funds_effects_table(first, &without, &hard)),
        (LEVER_PATHS, lever_paths_table(root, results)?),
        (IDENTIFICATION, identification_table(root)?),
        (
            LEVER_ILLUSTRATIONS,
            illustrations_table(s, &SERVICE_ILLUSTRATIONS)?,
        ),
        (
            LAND_ILLUSTRATIONS,
            illustrations_table(s, &LAND_ILLUSTRATIONS_TABLE)?,
        ),
        (TIER_LIST, tier_list_table(results)),
    ])
}

/// Each 1 January revision of the above-scale list in the baseline: firms on the list after
/// it, firms that joined (小升规) and left at it, and the share with an R&D institution
/// before and after (newcomers join with none). Mean over the replicates (90 % interval).
pub fn tier_list_table(results: &[RunResult]) -> String {
    let mut out = String::from(
        "| revision | above-scale firms after it | joined (小升规) | left | `rd_institution_share` the evening before → after |\n\
         |---|---|---|---|---|\n",
    );
    let Some(first) = results.first().and_then(|r| r.rows.first()) else {
        return out;
    };
    let last = results
        .first()
        .and_then(|r| r.rows.last())
        .map_or(first.date, |r| r.date);
    let mut year = first.date.year() + 1;
    while let Some(day) = Date::from_ymd(year, 1, 1).filter(|d| *d <= last) {
        let eve = day.add_days(-1);
        let at = |kpi: &str, d: Date| values_at(results, kpi, d);
        let change = |kpi: &str| -> Vec<f64> {
            at(kpi, day)
                .iter()
                .zip(at(kpi, eve))
                .map(|(a, b)| a - b)
                .collect()
        };
        let cell = |v: &[f64], digits: usize| {
            spread(v).map_or_else(String::new, |s| {
                format!(
                    "{:.digits$} ({:.digits$} – {:.digits$})",
                    s.mean, s.p05, s.p95
                )
            })
        };
        let mean = |v: &[f64]| spread(v).map_or(f64::NAN, |s| s.mean);
        out.push_str(&format!(
            "| {day} | {} | {} | {} | {:.2} % → {:.2} % |\n",
            cell(&at("above_scale_firms", day), 0),
            cell(&change("firms_promoted_above_scale"), 0),
            cell(&change("firms_demoted_above_scale"), 0),
            mean(&at("rd_institution_share", eve)),
            mean(&at("rd_institution_share", day)),
        ));
        year += 1;
    }
    out
}

/// A change of one lever in MODEL.md's illustrations: its label and what it does to the
/// baseline.
type LeverChange = (&'static str, fn(&mut Scenario));

/// One table of one-lever illustrations: the changes, and the KPIs it shows with the date
/// of each.
struct Illustrations {
    changes: &'static [LeverChange],
    kpis: &'static [(&'static str, &'static str)],
}

/// The reporting date of A1–A5, and the end of the illustrations' horizon.
const REPORTING: &str = "2024-11-13";
const YEAR_END: &str = "2024-12-31";

/// §6: the campaign and ticket levers.
const SERVICE_ILLUSTRATIONS: Illustrations = Illustrations {
    changes: &[
        ("baseline", |_| {}),
        ("no campaign (`visits_per_day` all 0)", |s| {
            let v = &mut s.levers.campaign.visits_per_day;
            (v.leading, v.key, v.above_scale, v.other) = (0, 0, 0, 0);
        }),
        ("visit capacity halved", |s| {
            let v = &mut s.levers.campaign.visits_per_day;
            (v.leading, v.key, v.above_scale, v.other) =
                (v.leading / 2, v.key / 2, v.above_scale / 2, v.other / 2);
        }),
        ("`coverage.other` = 1.0", |s| {
            s.levers.campaign.coverage.other = 1.0;
        }),
        ("triage delay 2 days", |s| s.levers.triage.delay_days = 2),
        ("triage delay 5 days", |s| s.levers.triage.delay_days = 5),
        ("every department's capacity halved", |s| {
            for d in &mut s.departments {
                d.capacity = (d.capacity / 2).max(1);
            }
        }),
        ("escalation after 3 days", |s| {
            s.levers.escalation.after_days = 3
        }),
        ("escalation off (after 30 days, speed-up 1)", |s| {
            s.levers.escalation.after_days = 30;
            s.levers.escalation.speedup = 1.0;
        }),
        ("re-visit share 1.0", |s| s.levers.revisits.share = 1.0),
        ("no-problem visit cost 0", |s| {
            s.levers.campaign.no_problem_visit_cost_days = 0.0;
        }),
    ],
    kpis: &[
        ("firms_visited", REPORTING),
        ("tickets_collected", REPORTING),
        ("resolution_rate", REPORTING),
        ("tickets_revisited", REPORTING),
        ("mean_days_to_resolve", REPORTING),
        ("tickets_escalated", REPORTING),
        ("satisfaction_rate", REPORTING),
        ("open_problems", REPORTING),
        ("disturbance_cost_yuan", YEAR_END),
        ("value_added_growth_ytd", YEAR_END),
        ("investment_growth_ytd", YEAR_END),
    ],
};

/// §9.7: the land levers.
const LAND_ILLUSTRATIONS_TABLE: Illustrations = Illustrations {
    changes: &[
        ("baseline", |_| {}),
        (
            "lease-first supply mix (as `lease-first-land.toml`, without its devolution)",
            |s| {
                let m = &mut s.levers.land.supply_mix;
                (m.transfer, m.long_term_lease, m.lease_then_transfer) = (0.05, 0.3, 0.35);
                (m.flexible_term, m.standard_factory) = (0.15, 0.15);
            },
        ),
        (
            "half of supply standard factories, 3 m m² built a year (as `standard-factory-push.toml`, from 2023)",
            |s| {
                let m = &mut s.levers.land.supply_mix;
                (m.transfer, m.long_term_lease, m.lease_then_transfer) = (0.2, 0.05, 0.15);
                (m.flexible_term, m.standard_factory) = (0.1, 0.5);
                s.levers.land.standard_factory_new_m2_per_year = 3_000_000.0;
            },
        ),
        ("no new standard-factory floor space", |s| {
            s.levers.land.standard_factory_new_m2_per_year = 0.0;
        }),
        ("devolved approvals factor 1 (no devolution)", |s| {
            s.levers.land.devolved_approvals_factor = 1.0;
        }),
        ("devolved approvals factor 3", |s| {
            s.levers.land.devolved_approvals_factor = 3.0;
        }),
        ("亩均 threshold 1,000,000 yuan/mu", |s| {
            s.levers.land.mu_threshold_yuan = 1_000_000.0;
        }),
        ("reclaim share 0.4", |s| s.levers.land.reclaim_share = 0.4),
        ("initial land occupancy 0.99", |s| {
            s.land.initial_land_occupancy = 0.99;
        }),
    ],
    kpis: &[
        ("mean_days_to_obtain_land", YEAR_END),
        ("land_requests_waiting", YEAR_END),
        ("land_occupancy", YEAR_END),
        ("standard_factory_occupancy", YEAR_END),
        ("value_added_per_mu", YEAR_END),
        ("land_reclaimed_mu", YEAR_END),
        ("projects_commissioned", YEAR_END),
        ("value_added_growth_ytd", YEAR_END),
        ("investment_growth_ytd", YEAR_END),
    ],
};

/// MODEL.md's one-lever illustrations: the baseline's default seed with its parameters at
/// their point values (no posterior), run to the end of 2024, once as shipped and once per
/// change. One seed, so a row shows a direction and a size, not an interval; §6.1 has
/// paired ensembles for the named levers.
fn illustrations_table(baseline: &Scenario, table: &Illustrations) -> anyhow::Result<String> {
    let date = |d: &str| Date::parse(d).map_err(|e| anyhow::anyhow!("{e}"));
    let mut base = baseline.clone();
    base.ensemble = None;
    base.scenario.end = date(YEAR_END)?;
    let mut out = String::from("| change |");
    for (kpi, d) in table.kpis {
        out.push_str(&format!(" `{kpi}`, {d} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(table.kpis.len()));
    out.push('\n');
    for (label, change) in table.changes {
        let mut s = base.clone();
        change(&mut s);
        let run = run_replicates(&s, s.scenario.seed, 1);
        out.push_str(&format!("| {label} |"));
        for (kpi, d) in table.kpis {
            let cell = values_at(&run, kpi, date(d)?)
                .first()
                .map_or_else(|| "–".to_owned(), |v| illustration(kpi, *v));
            out.push_str(&format!(" {cell} |"));
        }
        out.push('\n');
    }
    Ok(out)
}

/// A value of an illustration table: money in million yuan, shares in %, the rest as `fmt`.
fn illustration(kpi: &str, v: f64) -> String {
    let unit = crate::kpi_catalogue::kpi(kpi).map_or("", |k| k.unit);
    if kpi.ends_with("_yuan") {
        format!("{:.0} m", v / 1e6)
    } else if unit == "yuan/mu/year" {
        format!("{:.3} m", v / 1e6)
    } else if unit == "%" && !kpi.ends_with("_growth_ytd") {
        format!("{v:.2} %")
    } else {
        fmt(kpi, v)
    }
}

/// The identification table of MODEL.md §17 from the shipped `seeds/posterior-identification.csv`.
pub fn identification_table(root: &Path) -> anyhow::Result<String> {
    let path = root.join(IDENTIFICATION_CSV);
    let mut reader =
        csv::Reader::from_path(&path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut out = String::from(
        "| parameter | prior | prior 90 % | posterior 90 % | posterior median | width ratio | identified |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for row in reader.deserialize::<std::collections::BTreeMap<String, String>>() {
        let row = row.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let get = |k: &str| row.get(k).cloned().unwrap_or_default();
        let num = |k: &str| get(k).parse::<f64>().map_or_else(|_| get(k), fmt_value);
        out.push_str(&format!(
            "| `{}` | {} | {} – {} | {} – {} | {} | {:.2} | {} |\n",
            get("parameter"),
            get("distribution").replace('_', "-"),
            num("prior_p05"),
            num("prior_p95"),
            num("posterior_p05"),
            num("posterior_p95"),
            num("posterior_median"),
            get("width_ratio").parse::<f64>().unwrap_or(f64::NAN),
            get("identified"),
        ));
    }
    Ok(out)
}

/// The named levers against the baseline, paired replicate by replicate (the same seeds):
/// the mean effect and its 5th–95th percentile range over the pairs, on the KPIs of each
/// lever's path and on growth. `baseline` holds at least [`LEVER_PATH_REPLICATES`]
/// replicates of the baseline run on its own seed.
pub fn lever_paths_table(root: &Path, baseline: &[RunResult]) -> anyhow::Result<String> {
    let n = LEVER_PATH_REPLICATES as usize;
    let baseline = baseline
        .get(..n)
        .ok_or_else(|| anyhow::anyhow!("fewer than {n} baseline replicates"))?;
    let mut out = String::from(
        "| scenario | KPI | date | baseline | effect (mean) | 90 % range of the pairs | sign clear | seeds only: effect (90 % range) |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    // The same pairs with every parameter at its point value (no posterior): the intervals
    // the model printed before it carried its parameters' uncertainty.
    let fixed = |s: &crate::scenario::Scenario| crate::scenario::Scenario {
        ensemble: None,
        ..s.clone()
    };
    let base_file = root.join("scenarios/chengdu-baseline.toml");
    let base_loaded = crate::scenario::load(&base_file).map_err(|e| anyhow::anyhow!("{e}"))?;
    let b = fixed(&base_loaded.scenario);
    let baseline_fixed = run_replicates(&b, b.scenario.seed, LEVER_PATH_REPLICATES);
    for (name, path) in LEVER_PATH_SCENARIOS {
        let file = root.join(format!("scenarios/{name}.toml"));
        let loaded = crate::scenario::load(&file).map_err(|e| anyhow::anyhow!("{e}"))?;
        let s = &loaded.scenario;
        let runs = run_replicates(s, s.scenario.seed, LEVER_PATH_REPLICATES);
        let f = fixed(s);
        let runs_fixed = run_replicates(&f, f.scenario.seed, LEVER_PATH_REPLICATES);
        for (kpi, d) in path.iter().chain(LEVER_PATH_GROWTH) {
            let date = Date::parse(d).map_err(|e| anyhow::anyhow!("{e}"))?;
            let base = values_at(baseline, kpi, date);
            let diffs = paired_differences(&values_at(&runs, kpi, date), &base);
            let seeds_only = paired_differences(
                &values_at(&runs_fixed, kpi, date),
                &values_at(&baseline_fixed, kpi, date),
            );
            let (Some(b), Some(e)) = (spread(&base), spread(&diffs)) else {
                continue;
            };
            let clear = if e.p05 > 0.0 || e.p95 < 0.0 {
                "yes"
            } else {
                "no"
            };
            let seeds_only = spread(&seeds_only).map_or_else(
                || "–".to_owned(),
                |x| {
                    format!(
                        "{} ({} – {})",
                        effect(kpi, x.mean),
                        effect(kpi, x.p05),
                        effect(kpi, x.p95)
                    )
                },
            );
            out.push_str(&format!(
                "| `{name}` | `{kpi}` | {d} | {} | {} | {} – {} | {clear} | {seeds_only} |\n",
                fmt(kpi, b.mean),
                effect(kpi, e.mean),
                effect(kpi, e.p05),
                effect(kpi, e.p95),
            ));
        }
    }
    Ok(out)
}

/// An effect: growth in percentage points with three decimals, anything else as `fmt`.
fn effect(kpi: &str, v: f64) -> String {
    if kpi.ends_with("_growth_ytd") {
        format!("{v:+.3} pp")
    } else {
        fmt(kpi, v)
    }
}

/// The calibration table of MODEL.md §5 from `results`, the baseline's replicates
/// (replicate 0 runs the default seed itself): one row per observed figure with a KPI,
/// holdouts included (the H1 2024 rows A12h and A13h, and the 2025 checks E1–E5).
pub fn calibration_table(seeds: &Seeds, results: &[RunResult]) -> String {
    let mut out = String::from(
        "| id | KPI, date | observed | simulated, default seed | mean of 10 seeds (90 % interval) | tolerance |\n\
         |---|---|---|---|---|---|\n",
    );
    let row = |id: &str, kpi: &str, date: Date, observed: String, tolerance: String| {
        let all = values_at(results, kpi, date);
        let first = all.first().map_or_else(|| "–".to_owned(), |v| fmt(kpi, *v));
        let ten = spread(&all).map_or_else(
            || "–".to_owned(),
            |s| {
                format!(
                    "{} ({} – {})",
                    fmt(kpi, s.mean),
                    fmt(kpi, s.p05),
                    fmt(kpi, s.p95)
                )
            },
        );
        format!("| {id} | `{kpi}`, {date} | {observed} | {first} | {ten} | {tolerance} |\n")
    };
    for f in seeds.observed() {
        let (Some(kpi), Some(date), Some(value), Some(tol)) =
            (&f.kpi, f.date, f.value, f.tolerance)
        else {
            continue;
        };
        // "More than 2,300 firms" is a floor: say so.
        let observed = match f.comparator.map(|c| c.symbol()) {
            Some(symbol) if symbol != "=" => format!("{symbol} {}", fmt(kpi, value)),
            _ => fmt(kpi, value),
        };
        out.push_str(&row(&f.id, kpi, date, observed, tol.describe(&f.unit)));
    }
    out
}

/// The innovation targets (B11–B13) in the baseline: default seed, mean and interval of the
/// replicates, and the share of replicates that meet each.
pub fn innovation_table(seeds: &Seeds, results: &[RunResult]) -> String {
    let mut out = String::from(
        "| id | target | KPI, date | default seed | mean of 10 seeds (90 % interval) | P(met) |\n\
         |---|---|---|---|---|---|\n",
    );
    for f in seeds
        .targets()
        .filter(|f| f.id.starts_with("B11") || f.id.starts_with("B12") || f.id.starts_with("B13"))
    {
        let (Some(kpi), Some(date), Some(value), Some(cmp)) =
            (&f.kpi, f.date, f.value, f.comparator)
        else {
            continue;
        };
        let all = values_at(results, kpi, date);
        let (Some(first), Some(s)) = (all.first(), spread(&all)) else {
            continue;
        };
        let p_met = all.iter().filter(|&&v| cmp.met(v, value)).count() as f64 / all.len() as f64;
        // A percentage carries its unit already.
        let unit = if fmt(kpi, value).ends_with('%') {
            ""
        } else {
            f.unit.as_str()
        };
        let target = format!("{} {} {unit}", cmp.symbol(), fmt(kpi, value));
        out.push_str(&format!(
            "| {} | {} | `{kpi}`, {date} | {} | {} ({} – {}) | {p_met:.1} |\n",
            f.id,
            target.trim_end(),
            fmt(kpi, *first),
            fmt(kpi, s.mean),
            fmt(kpi, s.p05),
            fmt(kpi, s.p95),
        ));
    }
    out
}

/// The funds' and finance KPIs of one run (the default seed) on three dates.
pub fn funds_table(run: &RunResult) -> String {
    let dates =
        ["2024-09-30", "2024-12-31", "2026-12-31"].map(|d| Date::parse(d).expect("a valid date"));
    let at = |kpi: &str, d: Date| {
        values_at(std::slice::from_ref(run), kpi, d)
            .first()
            .copied()
    };
    let mut out = format!(
        "| | {} | {} | {} |\n|---|---|---|---|\n",
        dates[0], dates[1], dates[2]
    );
    let rows: [(&str, &[&str]); 7] = [
        (
            "fund equity invested (`fund_deployed_yuan`)",
            &["fund_deployed_yuan"],
        ),
        (
            "of it by the S fund (`s_fund_deployed_yuan`)",
            &["s_fund_deployed_yuan"],
        ),
        ("firms financed", &["firms_financed"]),
        (
            "积分贷 made / outstanding",
            &["loans_issued_yuan", "loans_outstanding_yuan"],
        ),
        ("loan defaults", &["loan_defaults"]),
        (
            "先投后股 paid / converted",
            &["grants_paid_yuan", "grants_converted_yuan"],
        ),
        (
            "outlays: loan losses / interest subsidies",
            &["cost_loan_losses_yuan", "cost_interest_subsidy_yuan"],
        ),
    ];
    for (label, kpis) in rows {
        let cells: Vec<String> = dates
            .iter()
            .map(|&d| {
                kpis.iter()
                    .map(|k| at(k, d).map_or_else(|| "–".to_owned(), |v| money(k, v)))
                    .collect::<Vec<_>>()
                    .join(" / ")
            })
            .collect();
        out.push_str(&format!("| {label} | {} |\n", cells.join(" | ")));
    }
    out
}

/// What the funds add to Jan–Sep 2024 investment growth (A13), and the hard-tech-fund
/// scenario against the baseline at the end of 2026; all on the default seed.
pub fn funds_effects_table(
    baseline: &RunResult,
    without_funds: &RunResult,
    hard_tech: &RunResult,
) -> String {
    let at = |run: &RunResult, kpi: &str, d: &str| {
        let d = Date::parse(d).expect("a valid date");
        values_at(std::slice::from_ref(run), kpi, d)
            .first()
            .map_or_else(|| "–".to_owned(), |v| money(kpi, *v))
    };
    let mut out = String::from(
        "| KPI, date | baseline | without the funds | hard-tech-fund |\n|---|---|---|---|\n",
    );
    let rows = [
        ("investment_growth_ytd", "2024-09-30"),
        ("investment_growth_ytd", "2024-12-31"),
        ("s_fund_deployed_yuan", "2026-12-31"),
        ("s_fund_small_share", "2026-12-31"),
        ("s_fund_hard_tech_share", "2026-12-31"),
        ("firms_financed", "2026-12-31"),
        ("fiscal_cost_yuan", "2026-12-31"),
    ];
    for (kpi, d) in rows {
        out.push_str(&format!(
            "| `{kpi}`, {d} | {} | {} | {} |\n",
            at(baseline, kpi, d),
            at(without_funds, kpi, d),
            at(hard_tech, kpi, d)
        ));
    }
    out
}

/// Money in bn or m yuan; anything else as `fmt`.
fn money(kpi: &str, v: f64) -> String {
    if kpi.ends_with("_yuan") && v.abs() >= 1e9 {
        format!("{:.2} bn", v / 1e9)
    } else if kpi.ends_with("_yuan") && v.abs() >= 1e6 {
        format!("{:.0} m", v / 1e6)
    } else {
        fmt(kpi, v)
    }
}

/// A KPI value as the table shows it: percentages with their sign where they are growth.
fn fmt(kpi: &str, v: f64) -> String {
    if kpi.ends_with("_growth_ytd") {
        format!("{v:+.2} %")
    } else if kpi.ends_with("_rate") || kpi.ends_with("_share") {
        format!("{v:.2} %")
    } else if kpi.ends_with("_yuan") && v.abs() >= 1e9 {
        format!("{:.2} bn", v / 1e9)
    } else if v.fract() == 0.0 {
        // Counts: no decimals.
        fmt_value(v).trim_end_matches(".00").to_owned()
    } else {
        fmt_value(v)
    }
}

/// The text between `<!-- BEGIN name ... -->` and `<!-- END name -->` in `doc`, if both
/// markers are there.
pub fn block<'a>(doc: &'a str, name: &str) -> Option<&'a str> {
    let (start, end) = block_range(doc, name)?;
    Some(&doc[start..end])
}

/// `doc` with the block `name` replaced by `body`; `None` without the markers.
pub fn replace_block(doc: &str, name: &str, body: &str) -> Option<String> {
    let (start, end) = block_range(doc, name)?;
    Some(format!("{}{body}{}", &doc[..start], &doc[end..]))
}

fn block_range(doc: &str, name: &str) -> Option<(usize, usize)> {
    let begin = doc.find(&format!("<!-- BEGIN {name} "))?;
    let start = begin + doc[begin..].find('\n')? + 1;
    let end = start + doc[start..].find(&format!("<!-- END {name} -->"))?;
    Some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_found_and_replaced_between_their_markers() {
        let doc = "a\n<!-- BEGIN t (how) -->\nold\n<!-- END t -->\nb\n";
        assert_eq!(block(doc, "t"), Some("old\n"));
        assert_eq!(
            replace_block(doc, "t", "new\n").unwrap(),
            "a\n<!-- BEGIN t (how) -->\nnew\n<!-- END t -->\nb\n"
        );
        assert_eq!(block(doc, "u"), None);
    }
}
