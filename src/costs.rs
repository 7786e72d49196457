//! Policy cost in a run's report: what the city spent, per programme, and what each unit of
//! a KPI's change cost over the run (docs/MODEL.md §11).
//!
//! The cost of a change is the outlay of the programmes that serve the KPI
//! (`Programme::serves`) over the same period: from the start of the plan period
//! (`innovation.count_from`, or the run's first day if later) to the figure's date. A KPI no programme serves (value-added growth, say) is set against every outlay,
//! and the row says so. Both are means over replicates. This is an average cost, not the
//! marginal cost of a lever: comparing two scenarios that differ in one lever is what
//! isolates its price.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::date::Date;
use crate::engine::RunResult;
use crate::model::Programme;
use crate::report::{Spread, fmt_value, opt, spread, table, values_at};
use crate::seeds::Seeds;

/// Spending per programme and per unit of KPI change.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyCost {
    /// Total outlay over the run, yuan.
    pub total_yuan: Option<Spread>,
    /// Outlay per programme over the run, yuan.
    pub by_programme: BTreeMap<&'static str, Spread>,
    /// One row per seeds figure (observed or target) that maps to a KPI, at its date.
    pub per_unit: Vec<CostPerUnit>,
}

/// What one unit of a KPI's change cost.
#[derive(Clone, Debug, Serialize)]
pub struct CostPerUnit {
    pub id: String,
    pub kpi: String,
    pub from: Date,
    pub to: Date,
    /// Mean over replicates of KPI(to) − KPI(from).
    pub change: Option<f64>,
    /// The programmes whose outlays are counted.
    pub programmes: Vec<&'static str>,
    /// Mean over replicates of their outlay between `from` and `to`, yuan.
    pub cost_yuan: Option<f64>,
    /// `cost_yuan / change`; absent when the KPI did not change or is undefined at `from`.
    pub yuan_per_unit: Option<f64>,
}

/// The policy-cost section of a run's summary.
pub fn policy_cost(seeds: Option<&Seeds>, results: &[RunResult], period_start: Date) -> PolicyCost {
    let end = |key: &str| -> Vec<f64> {
        results
            .iter()
            .filter_map(|r| r.rows.last()?.get(key))
            .collect()
    };
    let by_programme = Programme::ALL
        .iter()
        .filter_map(|p| {
            let key = format!("cost_{}_yuan", p.name());
            Some((p.name(), spread(&end(&key))?))
        })
        .collect();
    let per_unit = match (seeds, results.first().and_then(|r| r.rows.first())) {
        (Some(seeds), Some(first)) => seeds
            .observed()
            .chain(seeds.targets())
            .filter_map(|f| Some((f.id.clone(), f.kpi.clone()?, f.date?)))
            .filter(|(_, kpi, to)| *to >= period_start.max(first.date) && !serving(kpi).is_empty())
            .map(|(id, kpi, to)| per_unit(results, id, kpi, period_start.max(first.date), to))
            .collect(),
        _ => Vec::new(),
    };
    PolicyCost {
        total_yuan: spread(&end("fiscal_cost_yuan")),
        by_programme,
        per_unit,
    }
}

fn per_unit(results: &[RunResult], id: String, kpi: String, from: Date, to: Date) -> CostPerUnit {
    let difference = |key: &str| -> Option<f64> {
        let (a, b) = (values_at(results, key, from), values_at(results, key, to));
        // Only replicates that have the KPI on both dates; they share the horizon, so either
        // all do or none does.
        if a.is_empty() || a.len() != b.len() {
            return None;
        }
        Some(b.iter().zip(&a).map(|(b, a)| b - a).sum::<f64>() / a.len() as f64)
    };
    let change = difference(&kpi);
    let serving = serving(&kpi);
    let cost_yuan = serving
        .iter()
        .map(|p| difference(&format!("cost_{}_yuan", p.name())))
        .sum::<Option<f64>>();
    let programmes = serving.iter().map(|p| p.name()).collect();
    let yuan_per_unit = match (change, cost_yuan) {
        (Some(c), Some(y)) if c != 0.0 => Some(y / c),
        _ => None,
    };
    CostPerUnit {
        id,
        kpi,
        from,
        to,
        change,
        programmes,
        cost_yuan,
        yuan_per_unit,
    }
}

/// The programmes whose money is meant to move `kpi`.
fn serving(kpi: &str) -> Vec<Programme> {
    Programme::ALL
        .into_iter()
        .filter(|p| p.serves().contains(&kpi))
        .collect()
}

/// The policy-cost tables as aligned text.
pub fn policy_cost_text(c: &PolicyCost) -> String {
    let mut t = vec![vec!["programme".into(), "outlay, yuan".into()]];
    for (name, s) in &c.by_programme {
        t.push(vec![(*name).into(), fmt_value(s.mean)]);
    }
    t.push(vec!["total".into(), opt(c.total_yuan.map(|s| s.mean))]);
    let mut out = table(&t);
    if !c.per_unit.is_empty() {
        let mut t = vec![vec![
            "id".into(),
            "kpi".into(),
            "period".into(),
            "change".into(),
            "programmes".into(),
            "outlay, yuan".into(),
            "yuan per unit".into(),
        ]];
        for r in &c.per_unit {
            t.push(vec![
                r.id.clone(),
                r.kpi.clone(),
                format!("{} – {}", r.from, r.to),
                opt(r.change),
                r.programmes.join("+"),
                opt(r.cost_yuan),
                opt(r.yuan_per_unit),
            ]);
        }
        out.push('\n');
        out.push_str(&table(&t));
    }
    out
}
