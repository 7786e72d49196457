//! `reformsim compare` as a planner reads it (issue 19): the effect rows of the KPIs asked
//! for with `--kpi`, a clear refusal of a name that is not a KPI, warnings about replicate
//! counts that weaken the comparison, and a cost per unit only where it is a price.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

use crate::common;

fn reformsim() -> Command {
    let mut cmd = Command::cargo_bin("reformsim").expect("binary built");
    cmd.current_dir(common::root());
    cmd
}

/// Runs the small city (`reference` replicates) and `variant` (`replicates`), both on the
/// same seed so that they pair, then compares them into `dir/cmp` with `extra` options.
/// Returns the comparison (comparison.json) and what compare printed on stderr.
fn compare_with_small_city(
    dir: &Path,
    variant: &Path,
    (reference, replicates): (&str, &str),
    extra: &[&str],
) -> (Value, String) {
    let city = common::root().join("tests/data/small-city.toml");
    let (a, b, out) = (dir.join("a"), dir.join("b"), dir.join("cmp"));
    for (scenario, folder, n) in [(city.as_path(), &a, reference), (variant, &b, replicates)] {
        reformsim()
            .arg("run")
            .arg(scenario)
            .args(["--replicates", n, "--no-charts", "--quiet", "--out"])
            .arg(folder)
            .assert()
            .success();
    }
    let assert = reformsim()
        .args(["compare", "--quiet", "--format", "svg"])
        .args(extra)
        .arg(&a)
        .arg(&b)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    (comparison(&out), stderr)
}

fn comparison(dir: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("comparison.json")).unwrap()).unwrap()
}

fn rows(c: &Value) -> &Vec<Value> {
    c["rows"].as_array().unwrap()
}

/// The small city as `small-city-lease` with these `[levers.land]` lines.
fn small_city_with_land(dir: &Path, land: &str) -> std::path::PathBuf {
    let section = format!("[levers.land]\n{land}\n[levers.campaign]\n");
    common::small_city_variant(
        dir,
        "small-city-lease",
        &[("[levers.campaign]\n", section.as_str())],
    )
}

/// Issue 19's "done when": `compare base lease --kpi mean_days_to_obtain_land` gives effect
/// rows for that KPI, and only the KPIs asked for get effect rows.
#[test]
fn kpi_flag_gives_effect_rows_for_the_named_kpi() {
    let dir = tempfile::tempdir().unwrap();
    let lease = small_city_with_land(
        dir.path(),
        "supply_mix = { transfer = 0.05, long_term_lease = 0.3, lease_then_transfer = 0.35, \
         flexible_term = 0.15, standard_factory = 0.15 }\ndevolved_approvals_factor = 2.0\n",
    );
    let (c, _) = compare_with_small_city(
        dir.path(),
        &lease,
        ("3", "3"),
        &[
            "--kpi",
            "mean_days_to_obtain_land",
            "--kpi",
            "land_occupancy",
        ],
    );
    let effects: Vec<&Value> = rows(&c).iter().filter(|r| r["kind"] == "effect").collect();
    let kpis: std::collections::BTreeSet<&str> =
        effects.iter().map(|r| r["kpi"].as_str().unwrap()).collect();
    assert_eq!(
        kpis.into_iter().collect::<Vec<_>>(),
        ["land_occupancy", "mean_days_to_obtain_land"],
        "effect rows for exactly the KPIs asked for"
    );
    let land = common::effect_row(
        &c,
        "mean_days_to_obtain_land",
        "small-city-lease",
        "2024-12-31",
    );
    assert_eq!(land["unit"], "days");
    assert!(land["diff_mean"].as_f64().unwrap().is_finite(), "{land}");
    assert!(land["diff_excludes_zero"].is_boolean(), "{land}");
    assert!(
        dir.path().join("cmp/workbook.xlsx").is_file(),
        "comparison workbook"
    );
    let csv = std::fs::read_to_string(dir.path().join("cmp/comparison.csv")).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.starts_with("effect,effect,mean_days_to_obtain_land,days,2024-12-31,")),
        "{csv}"
    );
}

/// Without `--kpi`, a land scenario is compared on the KPIs the catalogue puts on the land
/// levers' path (days to obtain land, land occupancy, projects commissioned), besides the
/// default growth and outlay rows, and not on the ticket pipeline's; each effect row says
/// whether it reaches the KPI's smallest meaningful difference.
#[test]
fn the_default_effect_rows_follow_the_changed_levers() {
    let dir = tempfile::tempdir().unwrap();
    let lease = small_city_with_land(dir.path(), "devolved_approvals_factor = 2.0\n");
    let (c, _) = compare_with_small_city(dir.path(), &lease, ("3", "3"), &[]);
    let effects: std::collections::BTreeSet<&str> = rows(&c)
        .iter()
        .filter(|r| r["kind"] == "effect")
        .map(|r| r["kpi"].as_str().unwrap())
        .collect();
    // (The small city's growth rates are undefined: it simulates no prior year.)
    for kpi in [
        "problems_resolved_share",
        "fiscal_cost_yuan",
        "mean_days_to_obtain_land",
        "land_occupancy",
        "projects_commissioned",
    ] {
        assert!(effects.contains(kpi), "{kpi} missing from {effects:?}");
    }
    for kpi in [
        "mean_days_to_resolve",
        "smart_factories_new",
        "value_added_yuan",
    ] {
        assert!(
            !effects.contains(kpi),
            "{kpi} is not on the land path: {effects:?}"
        );
    }
    let land = common::effect_row(
        &c,
        "mean_days_to_obtain_land",
        "small-city-lease",
        "2024-12-31",
    );
    assert!(land["diff_meaningful"].is_boolean(), "{land}");
}

/// A misspelt KPI stops the comparison before any folder is read, exit 1, with the name it
/// was probably meant to be; a name nothing resembles points to the list of KPIs.
#[test]
fn an_unknown_kpi_exits_1_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("nowhere-a"), dir.path().join("nowhere-b"));
    let out = reformsim()
        .args(["compare", "--kpi", "mean_days_to_obtain_lnd"])
        .arg(&a)
        .arg(&b)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`mean_days_to_obtain_lnd` is not a KPI")
            && stderr.contains("did you mean `mean_days_to_obtain_land`?"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("nowhere-a"),
        "the name is checked first: {stderr}"
    );
    reformsim()
        .args(["compare", "--kpi", "land", "--kpi", "open_problems"])
        .arg(&a)
        .arg(&b)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("`land` is not a KPI"))
        .stderr(predicates::str::contains("metrics.csv"));
}

/// Issue 19 item 5: unequal replicate counts are said on the console and in the report,
/// and `yuan_per_unit` is filled only for a significant, positive, finite price of a KPI
/// that is not itself the outlay.
#[test]
fn compare_warns_of_unequal_replicates_and_prices_only_clear_effects() {
    let dir = tempfile::tempdir().unwrap();
    let without =
        common::small_city_variant(dir.path(), "small-city-no-campaign", &[common::NO_CAMPAIGN]);
    let (c, stderr) = compare_with_small_city(dir.path(), &without, ("4", "3"), &[]);
    assert!(
        stderr.contains("warning: small-city-no-campaign has 3 replicate(s) and the reference")
            && stderr.contains("only the first 3 of each are paired"),
        "{stderr}"
    );
    let html = std::fs::read_to_string(dir.path().join("cmp/report.html")).unwrap();
    assert!(
        html.contains("<strong>Warning:</strong> small-city-no-campaign has 3 replicate(s)"),
        "the report says it too"
    );
    assert_eq!(c["scenarios"][1]["paired_replicates"], 3);
    assert!(c["notes"].as_array().unwrap().len() == 1, "{}", c["notes"]);
    let mut priced = 0;
    for r in rows(&c) {
        let Some(price) = r["yuan_per_unit"].as_f64() else {
            continue;
        };
        priced += 1;
        assert!(price.is_finite() && price > 0.0, "{r}");
        assert_eq!(r["diff_excludes_zero"], true, "{r}");
        assert_ne!(r["kpi"], "fiscal_cost_yuan", "{r}");
    }
    // Without the campaign the city spends less and resolves fewer problems: a price.
    assert!(priced > 0, "some effect is priced");
    // The outlay's own difference is clear, yet it gets no price per yuan.
    let cost = common::effect_row(
        &c,
        "fiscal_cost_yuan",
        "small-city-no-campaign",
        "2024-12-31",
    );
    assert_eq!(cost["diff_excludes_zero"], true, "{cost}");
    assert!(cost["yuan_per_unit"].is_null(), "{cost}");
}

/// Two replicates on each side: counts are equal, but too few to test a difference, which
/// the console says even with `--quiet`.
#[test]
fn compare_warns_when_replicates_are_fewer_than_three() {
    let dir = tempfile::tempdir().unwrap();
    let city = common::root().join("tests/data/small-city.toml");
    let (c, stderr) = compare_with_small_city(dir.path(), &city, ("2", "2"), &[]);
    assert!(
        stderr.contains("warning: small-city pairs only 2 replicate(s) with the reference"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("replicate(s) and the reference"),
        "counts are equal: {stderr}"
    );
    assert!(rows(&c).iter().all(|r| r["diff_excludes_zero"].is_null()));
}
