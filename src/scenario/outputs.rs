//! `[outputs]`: what a run writes to `metrics.csv`. By default every KPI on every day; a
//! planner who wants a smaller file (a 1,461-day run of 10 replicates is 14,610 rows of 80
//! columns) names the KPIs and a step. The summary, calibration, targets and workbook are
//! computed from every day in memory either way; only `metrics.csv` (and so the charts and
//! comparisons read back from it) is thinned.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::input::Problem;

/// How often `metrics.csv` has a row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    /// Every simulated day.
    #[default]
    Daily,
    /// The last day of each month.
    Monthly,
    /// The last day of each year.
    Yearly,
}

/// `[outputs]`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outputs {
    /// The KPIs (columns of metrics.csv, data/kpis.toml) to write; empty: all of them.
    #[serde(default)]
    pub kpis: Vec<String>,
    /// Rows at every day, at each month's end or at each year's end. Whatever the step, the
    /// rows of `dates`, of every figure and target date in the seeds file and of the last
    /// simulated day are kept, so that `compare` and the charts find them.
    #[serde(default)]
    pub step: Step,
    /// More dates whose rows are always written.
    #[serde(default)]
    pub dates: Vec<Date>,
}

impl Outputs {
    /// Whether the row of `date` is written. `always` holds the dates kept whatever the
    /// step (sorted): the seeds file's dates and `dates`.
    pub fn keeps(&self, date: Date, last: Date, always: &[Date]) -> bool {
        let next = date.add_days(1);
        date == last
            || always.binary_search(&date).is_ok()
            || match self.step {
                Step::Daily => true,
                Step::Monthly => next.ymd().1 != date.ymd().1,
                Step::Yearly => next.year() != date.year(),
            }
    }

    /// The indices into `crate::metrics::KPIS` of the columns written, in catalogue order.
    pub fn columns(&self) -> Vec<usize> {
        crate::metrics::KPIS
            .iter()
            .enumerate()
            .filter(|(_, k)| self.kpis.is_empty() || self.kpis.iter().any(|n| n == k.key))
            .map(|(i, _)| i)
            .collect()
    }

    /// Unknown KPI names (with "did you mean") and dates outside `start`..=`end`.
    pub fn problems(&self, start: Date, end: Date) -> Vec<Problem> {
        problems(&self.kpis, &self.dates, start, end)
    }
}

/// The problems of an `[outputs]` section's `kpis` and `dates` (a scenario's or a sweep's):
/// names that are not KPIs, with the nearest one, and dates outside `start`..=`end`.
pub fn problems(kpis: &[String], dates: &[Date], start: Date, end: Date) -> Vec<Problem> {
    let mut problems = Vec::new();
    let names: Vec<&str> = crate::metrics::KPIS.iter().map(|k| k.key).collect();
    for (i, k) in kpis.iter().enumerate() {
        if !names.contains(&k.as_str()) {
            let near = crate::input::nearest(k, &names)
                .map_or_else(String::new, |n| format!("; did you mean `{n}`?"));
            problems.push(Problem::new(
                format!("outputs.kpis[{i}]"),
                format!(
                    "{k:?} is not a KPI{near} (the KPIs are metrics.csv's columns, \
                         data/kpis.toml)"
                ),
            ));
        }
    }
    for (i, d) in dates.iter().enumerate() {
        if *d < start || *d > end {
            problems.push(Problem::new(
                format!("outputs.dates[{i}]"),
                format!("{d} is outside the horizon, {start} to {end}"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn monthly_and_yearly_keep_period_ends_the_last_day_and_the_named_dates() {
        let monthly = Outputs {
            step: Step::Monthly,
            ..Outputs::default()
        };
        let yearly = Outputs {
            step: Step::Yearly,
            ..Outputs::default()
        };
        let (last, always) = (d("2025-06-15"), [d("2024-11-13")]);
        for (date, month, year) in [
            ("2024-01-31", true, false),
            ("2024-02-28", false, false),
            ("2024-02-29", true, false),
            ("2024-11-13", true, true),
            ("2024-12-31", true, true),
            ("2025-03-01", false, false),
            ("2025-06-15", true, true),
        ] {
            assert_eq!(monthly.keeps(d(date), last, &always), month, "{date}");
            assert_eq!(yearly.keeps(d(date), last, &always), year, "{date}");
        }
        assert!(Outputs::default().keeps(d("2025-03-01"), last, &always));
    }

    #[test]
    fn columns_follow_the_catalogue_and_names_are_checked() {
        let o = Outputs {
            kpis: vec!["open_problems".into(), "tickets_collected".into()],
            ..Outputs::default()
        };
        let keys: Vec<&str> = o
            .columns()
            .into_iter()
            .map(|i| crate::metrics::KPIS[i].key)
            .collect();
        assert_eq!(keys.len(), 2);
        assert!(keys.contains(&"open_problems") && keys.contains(&"tickets_collected"));
        assert_eq!(
            Outputs::default().columns().len(),
            crate::metrics::KPIS.len()
        );
        let bad = Outputs {
            kpis: vec!["open_problem".into()],
            dates: vec![d("2030-01-01")],
            ..Outputs::default()
        };
        let p = bad.problems(d("2023-01-01"), d("2026-12-31"));
        assert_eq!(p.len(), 2);
        assert!(
            p[0].message.contains("did you mean `open_problems`"),
            "{}",
            p[0].message
        );
    }
}
