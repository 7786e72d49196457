//! The sweep's tables: which KPI values each run reports (every figure's KPI at the figure's
//! date, and whether each target is met), how a run becomes a CSV line, and the per-point
//! summary computed from the finished runs table.

use std::io::{BufRead, Write};

use serde_json::Value;

use super::spec::Sweep;
use crate::date::Date;
use crate::metrics::{KPIS, MetricsRow};
use crate::report::spread;
use crate::seeds::Comparator;

/// A KPI on a date: one column of the runs table.
#[derive(Clone, Debug)]
pub struct KpiColumn {
    pub kpi: String,
    pub date: Date,
    pub label: String,
}

/// A target: one met/not-met column.
#[derive(Clone, Debug)]
pub struct TargetColumn {
    pub id: String,
    /// Index into `Columns::kpis`.
    pub kpi: usize,
    pub comparator: Comparator,
    pub value: f64,
}

#[derive(Clone, Debug)]
pub struct Columns {
    pub parameters: Vec<String>,
    pub kpis: Vec<KpiColumn>,
    pub targets: Vec<TargetColumn>,
}

impl Columns {
    /// The columns of a sweep: each figure of the base scenario's seeds file that maps to a
    /// KPI, at its date if that is within the horizon, then the total fiscal cost at the
    /// end (without a seeds file, every KPI at the end), then the KPIs of `[outputs]` at its
    /// dates.
    pub fn of(sweep: &Sweep) -> Columns {
        let s = &sweep.base.scenario.scenario;
        let (start, end) = (s.start, s.end);
        let mut kpis: Vec<KpiColumn> = Vec::new();
        let mut add = |kpi: &str, date: Date| -> usize {
            if let Some(i) = kpis.iter().position(|c| c.kpi == kpi && c.date == date) {
                return i;
            }
            kpis.push(KpiColumn {
                kpi: kpi.to_owned(),
                date,
                label: format!("{kpi}@{date}"),
            });
            kpis.len() - 1
        };
        let mut targets = Vec::new();
        match &sweep.base.seeds {
            Some(seeds) => {
                for f in seeds.observed().chain(seeds.targets()) {
                    let (Some(kpi), Some(date)) = (&f.kpi, f.date) else {
                        continue;
                    };
                    if date < start || date > end {
                        continue;
                    }
                    let i = add(kpi, date);
                    if let (true, Some(comparator), Some(value)) = (
                        seeds.targets().any(|t| std::ptr::eq(t, f)),
                        f.comparator,
                        f.value,
                    ) {
                        targets.push(TargetColumn {
                            id: f.id.clone(),
                            kpi: i,
                            comparator,
                            value,
                        });
                    }
                }
                add("fiscal_cost_yuan", end);
            }
            None => {
                for k in KPIS.iter() {
                    add(k.key, end);
                }
            }
        }
        // The planner's own `[outputs]`: each KPI at each date (default the last day).
        let dates = if sweep.outputs.dates.is_empty() {
            vec![end]
        } else {
            sweep.outputs.dates.clone()
        };
        for kpi in &sweep.outputs.kpis {
            for &date in &dates {
                add(kpi, date);
            }
        }
        Columns {
            parameters: sweep.parameters.iter().map(|p| p.key.clone()).collect(),
            kpis,
            targets,
        }
    }

    /// The runs table's header.
    pub fn runs_header(&self) -> Vec<String> {
        let mut h: Vec<String> = ["run_id", "point_id", "replicate", "seed"]
            .map(String::from)
            .to_vec();
        h.extend(self.parameters.iter().cloned());
        h.extend(self.kpis.iter().map(|c| c.label.clone()));
        h.extend(self.targets.iter().map(|t| format!("met_{}", t.id)));
        h
    }

    /// The points table's header.
    pub fn points_header(&self) -> Vec<String> {
        let mut h = vec!["point_id".to_owned(), "replicates".to_owned()];
        h.extend(self.parameters.iter().cloned());
        for c in &self.kpis {
            for stat in ["mean", "p05", "p95"] {
                h.push(format!("{}_{stat}", c.label));
            }
        }
        h.extend(self.targets.iter().map(|t| format!("p_met_{}", t.id)));
        h
    }

    /// One run as the fields of a runs-table line.
    pub fn run_fields(
        &self,
        ids: (u64, u64, u32, u64),
        values: &[Value],
        rows: &[MetricsRow],
    ) -> Vec<String> {
        let (run, point, replicate, seed) = ids;
        let mut f = vec![
            run.to_string(),
            point.to_string(),
            replicate.to_string(),
            seed.to_string(),
        ];
        f.extend(values.iter().map(cell));
        let first = rows.first().map(|r| r.date);
        let kpi: Vec<Option<f64>> = self
            .kpis
            .iter()
            .map(|c| {
                let i = usize::try_from(c.date.days_since(first?)).ok()?;
                rows.get(i)?.get(&c.kpi)
            })
            .collect();
        f.extend(
            kpi.iter()
                .map(|v| v.map_or_else(String::new, |v| v.to_string())),
        );
        // true/false as in every CSV; empty where the KPI is undefined in this run (a rate
        // with nothing to divide by), which the points table leaves out of p_met.
        for t in &self.targets {
            f.push(
                kpi[t.kpi].map_or_else(String::new, |v| t.comparator.met(v, t.value).to_string()),
            );
        }
        f
    }
}

/// A `met_<id>` cell as 1 or 0: `true`/`false`, or `1`/`0` in a runs table written before
/// booleans were spelt out (a sweep resumed or merged across versions); empty is undefined.
fn met_cell(cell: &str) -> Option<f64> {
    match cell {
        "true" | "1" => Some(1.0),
        "false" | "0" => Some(0.0),
        _ => None,
    }
}

/// A parameter value as a CSV cell: strings without quotes, numbers as written.
pub fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A CSV line (with its newline) from fields.
pub fn csv_line(fields: &[String]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(fields).expect("writing to memory");
    w.into_inner().expect("writing to memory")
}

/// Streams a finished runs table (sorted by run id, so each point's replicates are
/// adjacent) into the points table: mean, 5th and 95th percentile of each KPI, and the
/// share of replicates meeting each target. Holds one point's rows at a time.
pub fn write_points(
    columns: &Columns,
    runs: impl BufRead,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let mut reader = csv::ReaderBuilder::new().from_reader(runs);
    let mut writer = csv::WriterBuilder::new().from_writer(out);
    writer.write_record(columns.points_header())?;
    let n_params = columns.parameters.len();
    let kpi_at = 4 + n_params;
    let met_at = kpi_at + columns.kpis.len();
    let mut current: Vec<csv::StringRecord> = Vec::new();
    let flush = |rows: &mut Vec<csv::StringRecord>,
                 writer: &mut csv::Writer<&mut _>|
     -> anyhow::Result<()> {
        let Some(first) = rows.first() else {
            return Ok(());
        };
        let mut f = vec![first[1].to_owned(), rows.len().to_string()];
        f.extend((4..kpi_at).map(|i| first[i].to_owned()));
        for c in 0..columns.kpis.len() {
            let values: Vec<f64> = rows
                .iter()
                .filter_map(|r| r[kpi_at + c].parse().ok())
                .collect();
            match spread(&values) {
                Some(s) => f.extend([s.mean, s.p05, s.p95].map(|v| v.to_string())),
                None => f.extend(["", "", ""].map(String::from)),
            }
        }
        for t in 0..columns.targets.len() {
            let met: Vec<f64> = rows
                .iter()
                .filter_map(|r| met_cell(&r[met_at + t]))
                .collect();
            f.push(if met.is_empty() {
                String::new()
            } else {
                (met.iter().sum::<f64>() / met.len() as f64).to_string()
            });
        }
        writer.write_record(&f)?;
        rows.clear();
        Ok(())
    };
    for record in reader.records() {
        let record = record?;
        if current.first().is_some_and(|r| r[1] != record[1]) {
            flush(&mut current, &mut writer)?;
        }
        current.push(record);
    }
    flush(&mut current, &mut writer)?;
    writer.flush()?;
    Ok(())
}
