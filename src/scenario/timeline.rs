//! Timelines: levers that change from a date on.
//!
//! Each `[[timeline]]` entry sets lever key paths to new values. Entries apply in date order
//! and accumulate, so the scenario in force on a day is the base scenario with every entry
//! up to that day applied. Only levers the engine reads every day may change; what is fixed
//! when the world is built (population, coverage lists, the campaign's start) may not.

use serde_json::Value;

use super::types::Scenario;
use super::validate::validate_values;
use crate::date::Date;
use crate::input::Problem;

/// Key paths a timeline may set (`[]` stands for any department index). A path may also name
/// a whole table under one of these, e.g. `levers.campaign.visits_per_day`.
pub const TIMELINE_LEVERS: &[&str] = &[
    "levers.campaign.visits_per_day",
    "levers.campaign.no_problem_visit_cost_days",
    "levers.triage.delay_days",
    "levers.escalation.after_days",
    "levers.escalation.speedup",
    "levers.revisits.share",
    "levers.revisits.delay_days",
    "levers.revisits.patience_days",
    "levers.revisits.satisfaction_half_life_days",
    "levers.revisits.satisfied_if_unsolved",
    "levers.hotline.report_share",
    "levers.resolution.unsolved_share",
    "levers.innovation",
    "levers.market",
    "levers.land.supply_mix",
    "levers.land.modes",
    "levers.land.standard_factory_new_m2_per_year",
    "levers.land.devolved_approvals_factor",
    "levers.land.mu_threshold_yuan",
    "levers.land.evaluation_start",
    "levers.land.evaluation_interval_days",
    "levers.land.reclaim_share",
    "levers.land.new_land_share_per_year",
    "levers.investment",
    "levers.funds",
    "departments[].capacity",
    "departments[].service_days_mean",
    "departments[].service_days_cv",
];

/// The scenario in force from each timeline date on, in date order (entries on the same
/// date apply in file order). Assumes the scenario has been validated.
pub fn lever_changes(s: &Scenario) -> Vec<(Date, Scenario)> {
    let mut order: Vec<usize> = (0..s.timeline.len()).collect();
    order.sort_by_key(|&i| (s.timeline[i].date, i));
    let mut current = without_timeline(s);
    let mut out = Vec::new();
    for i in order {
        let entry = &s.timeline[i];
        if let Ok(next) = apply(&current, &entry.set) {
            current = next;
        }
        out.push((entry.date, current.clone()));
    }
    out
}

/// Problems with the timeline: dates outside the horizon, unknown or fixed levers, wrong
/// types, and values that make the scenario in force invalid.
pub(super) fn check(s: &Scenario) -> Vec<Problem> {
    let mut problems = Vec::new();
    let (start, end) = (s.scenario.start, s.scenario.end);
    let mut order: Vec<usize> = (0..s.timeline.len()).collect();
    order.sort_by_key(|&i| (s.timeline[i].date, i));
    let mut current = without_timeline(s);
    for i in order {
        let entry = &s.timeline[i];
        if entry.date < start || entry.date > end {
            problems.push(Problem::new(
                format!("timeline[{i}].date"),
                format!("{} is outside the horizon {start} to {end}", entry.date),
            ));
        }
        if entry.set.is_empty() {
            problems.push(Problem::new(format!("timeline[{i}].set"), "sets no lever"));
        }
        match apply(&current, &entry.set) {
            Ok(next) => {
                for p in validate_values(&next) {
                    problems.push(Problem::new(
                        format!("timeline[{i}].set"),
                        format!("from {}, `{}` {}", entry.date, p.key, p.message),
                    ));
                }
                current = next;
            }
            Err(mut errs) => {
                for p in &mut errs {
                    p.key = format!("timeline[{i}].set");
                }
                problems.extend(errs);
            }
        }
    }
    problems
}

/// The scenario's levers without its timeline. Each entry is applied to a copy of the
/// scenario in force, through a JSON tree; carrying the timeline along would make every
/// step cost as much as the whole timeline, and checking n entries take n² time.
fn without_timeline(s: &Scenario) -> Scenario {
    Scenario {
        timeline: Vec::new(),
        ..s.clone()
    }
}

/// The scenario with each path in `set` given its new value.
fn apply(
    s: &Scenario,
    set: &std::collections::BTreeMap<String, toml::Value>,
) -> Result<Scenario, Vec<Problem>> {
    let mut tree = serde_json::to_value(s).expect("a scenario always serialises");
    let mut problems = Vec::new();
    for (path, value) in set {
        let generic = generic_path(path);
        if !TIMELINE_LEVERS
            .iter()
            .any(|l| generic == *l || generic.starts_with(&format!("{l}.")))
        {
            let near = crate::input::nearest(&generic, TIMELINE_LEVERS)
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            problems.push(Problem::new(
                "",
                format!(
                    "`{path}` is not a lever a timeline can change{near} (timeline levers: {})",
                    TIMELINE_LEVERS.join(", ")
                ),
            ));
            continue;
        }
        if let Some(m) = crate::input::toml_value_problem(value) {
            problems.push(Problem::new("", format!("`{path}` {m}")));
            continue;
        }
        let new = serde_json::to_value(value).expect("TOML values convert to JSON");
        match slot(&mut tree, path) {
            Some(old) => *old = new,
            None => problems.push(Problem::new(
                "",
                format!(
                    "`{path}` names no lever of this scenario (is the department index right?)"
                ),
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    serde_json::from_value(tree)
        .map_err(|e| vec![Problem::new("", format!("a value has the wrong type: {e}"))])
}

/// `departments[3].capacity` → `departments[].capacity`.
fn generic_path(path: &str) -> String {
    let mut out = String::new();
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// The value at a key path such as `departments[1].capacity`, if it exists.
fn slot<'a>(tree: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut node = tree;
    for part in path.split('.') {
        let (name, rest) = part.split_once('[').unwrap_or((part, ""));
        node = node.as_object_mut()?.get_mut(name)?;
        if !rest.is_empty() {
            let index: usize = rest.strip_suffix(']')?.parse().ok()?;
            node = node.as_array_mut()?.get_mut(index)?;
        }
    }
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(timeline: &str) -> Scenario {
        toml::from_str(&format!("[scenario]\nname = \"t\"\n{timeline}")).unwrap()
    }

    #[test]
    fn changes_accumulate_in_date_order() {
        let s = scenario(
            "[[timeline]]\ndate = \"2024-10-01\"\nset = { \"levers.triage.delay_days\" = 3 }\n\
             [[timeline]]\ndate = \"2024-09-01\"\nset = { \"departments[1].capacity\" = 7 }\n",
        );
        assert!(check(&s).is_empty(), "{:?}", check(&s));
        let changes = lever_changes(&s);
        assert_eq!(changes[0].0.to_string(), "2024-09-01");
        assert_eq!(changes[0].1.departments[1].capacity, 7);
        assert_eq!(changes[0].1.levers.triage.delay_days, 0);
        assert_eq!(changes[1].1.departments[1].capacity, 7);
        assert_eq!(changes[1].1.levers.triage.delay_days, 3);
    }

    #[test]
    fn rejects_fixed_or_unknown_levers_bad_types_and_dates() {
        let bad = [
            (
                "2024-10-01",
                "\"population.firms\" = 5",
                "not a lever a timeline can change",
            ),
            (
                "2024-10-01",
                "\"levers.triage.dealy_days\" = 5",
                "did you mean",
            ),
            (
                "2024-10-01",
                "\"departments[99].capacity\" = 5",
                "names no lever",
            ),
            (
                "2024-10-01",
                "\"levers.triage.delay_days\" = \"soon\"",
                "wrong type",
            ),
            (
                "2024-10-01",
                "\"departments[0].capacity\" = 0",
                "at least 1",
            ),
            (
                "2031-01-01",
                "\"levers.triage.delay_days\" = 1",
                "outside the horizon",
            ),
        ];
        for (date, set, needle) in bad {
            let s = scenario(&format!(
                "[[timeline]]\ndate = \"{date}\"\nset = {{ {set} }}\n"
            ));
            let problems = check(&s);
            assert!(
                problems.iter().any(|p| p.message.contains(needle)),
                "{set}: {problems:?}"
            );
            assert!(
                problems.iter().all(|p| p.key.starts_with("timeline[0].")),
                "{problems:?}"
            );
        }
    }
}
