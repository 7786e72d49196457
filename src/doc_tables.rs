//! Tables of docs/MODEL.md that are computed, never typed: each is written between two
//! marker lines, and `tests/integration/calibration.rs` fails when a fresh run of the shipped
//! baseline gives another table than the document shows.
//!
//! Regenerate with `cargo run --release --example doc_tables` (it rewrites docs/MODEL.md in
//! place, between the markers).

use crate::date::Date;
use crate::engine::RunResult;
use crate::report::{fmt_value, spread, values_at};
use crate::seeds::Seeds;

/// Replicates behind the "mean of N seeds" columns.
pub const REPLICATES: u32 = 10;

/// The calibration table's marker name in docs/MODEL.md.
pub const CALIBRATION: &str = "calibration-table";

/// Dates of the H1 check: the briefing implies growth for January–June 2024 (FACTS A12,
/// A13), which are not calibration rows yet, so the table shows what the model gives there.
const H1: &[(&str, &str, &str)] = &[
    ("A12 H1", "value_added_growth_ytd", "≈ +2.6 %"),
    ("A13 H1", "investment_growth_ytd", "≈ +43.2 %"),
];

/// The calibration table of MODEL.md §5 from `results`, the baseline's replicates
/// (replicate 0 runs the default seed itself): one row per observed figure with a KPI,
/// then the H1 growth rates the briefing implies.
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
    let h1 = Date::from_ymd(2024, 6, 30).expect("a valid date");
    for (id, kpi, observed) in H1 {
        out.push_str(&row(
            id,
            kpi,
            h1,
            (*observed).to_owned(),
            "not a row".into(),
        ));
    }
    out
}

/// A KPI value as the table shows it: percentages with their sign where they are growth.
fn fmt(kpi: &str, v: f64) -> String {
    if kpi.ends_with("_growth_ytd") {
        format!("{v:+.2} %")
    } else if kpi.ends_with("_rate") || kpi.ends_with("_share") {
        format!("{v:.2} %")
    } else if kpi.ends_with("_yuan") && v.abs() >= 1e9 {
        format!("{:.2} bn", v / 1e9)
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
