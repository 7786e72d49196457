//! `reformsim compare DIR DIR... [--out DIR]`: run folders side by side, the first as the
//! reference; writes comparison.csv, comparison.json, charts and report.html.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde_json::Value;

use super::CliError;
use super::chart::{draw_folder, print_drawn};
use crate::chart::Format;
use crate::compare::{compare as compare_runs, comparison_csv, effect_kpis, lever_diff};
use crate::folders::RunFolder;
use crate::output::{StagedFolder, write_atomic};

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// Run folders; the first is the reference.
    #[arg(required = true, num_args = 2..)]
    pub dirs: Vec<PathBuf>,
    /// Output folder (default output/compare/<reference>-vs-<others>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Which image files to write.
    #[arg(long, value_enum, default_value_t = Format::Both)]
    pub format: Format,
    /// Language of chart text: `en`, or `zh` for KPI names and units in Chinese (from the KPI
    /// catalogue). Reports and console messages stay in English.
    #[arg(long, value_enum, default_value_t = crate::kpi_catalogue::Lang::En)]
    pub lang: crate::kpi_catalogue::Lang,
    /// Dates (YYYY-MM-DD, repeatable) at which to report the effect KPIs (problems resolved,
    /// growth, outlays); default: every 31 December simulated and the last day.
    #[arg(long = "at", value_parser = parse_date)]
    pub at: Vec<crate::date::Date>,
    /// KPIs (repeatable, any column of metrics.csv, e.g. mean_days_to_obtain_land) whose
    /// effect is reported at those dates; default: problems resolved, open problems, growth
    /// of value added and investment, outlays, and the KPIs the changed levers act on (the
    /// KPI catalogue, data/kpis.toml).
    #[arg(long = "kpi", value_name = "NAME")]
    pub kpi: Vec<String>,
    /// Replace an earlier comparison in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_date(text: &str) -> Result<crate::date::Date, String> {
    crate::date::Date::parse(text).map_err(|e| e.to_string())
}

pub fn compare(args: CompareArgs) -> Result<(), CliError> {
    // Names first: a typo is reported before any folder is read.
    let mut kpis = effect_kpis(&args.kpi, &[])?;
    let runs = args
        .dirs
        .iter()
        .map(|d| RunFolder::load(d))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // The resolved scenario each run recorded; a run written before scenario.json existed
    // is left out of the lever diff.
    let scenarios: Vec<Option<Value>> = args
        .dirs
        .iter()
        .map(|d| {
            let text = std::fs::read_to_string(d.join("scenario.json")).ok()?;
            serde_json::from_str(&text).ok()
        })
        .collect();
    if args.kpi.is_empty() {
        kpis = effect_kpis(&[], &lever_diff(&scenarios))?;
    }
    let c = compare_runs(&runs, &scenarios, &kpis, &args.at)?;
    let out = args.out.clone().unwrap_or_else(|| default_out(&runs));
    if let Some(dir) = args
        .dirs
        .iter()
        .find(|d| crate::results_folder::same_folder(d, &out))
    {
        return Err(anyhow::anyhow!(
            "--out {} is one of the run folders being compared ({}); choose another --out",
            out.display(),
            dir.display()
        )
        .into());
    }
    let folder = StagedFolder::begin(&out, args.force, "comparison")?;
    let dir = folder.path();
    write_atomic(&dir.join("comparison.csv"), &comparison_csv(&c)?)?;
    let mut json = serde_json::to_vec_pretty(&c).context("cannot serialise comparison.json")?;
    json.push(b'\n');
    write_atomic(&dir.join("comparison.json"), &json)?;
    crate::workbook::write_workbook(dir, &[("comparison", "comparison.csv")])?;
    let drawn = draw_folder(dir, args.format, args.lang)?;
    folder.commit()?;
    if !args.quiet {
        println!(
            "compared {} scenario(s) with {}; wrote {}/{{comparison.csv,comparison.json,workbook.xlsx}}",
            c.scenarios.len() - 1,
            c.scenarios[0].name,
            out.display()
        );
        for r in c.rows.iter().filter(|r| r.diff_mean.is_some()) {
            if let (Some(m), Some(a), Some(b)) = (r.diff_mean, r.diff_p05, r.diff_p95) {
                let interval = match r.diff_excludes_zero {
                    None => "(not testable: too few paired replicates)".to_owned(),
                    Some(excludes) => format!(
                        "(90 % {} – {}){}",
                        crate::report::fmt_value(a),
                        crate::report::fmt_value(b),
                        if excludes { "" } else { "  (includes 0)" }
                    ),
                };
                // A clear but tiny effect says so; one whose interval includes 0 already does.
                let small = match (r.diff_meaningful, crate::metrics::kpi(&r.kpi)) {
                    (Some(false), Some(k)) if r.diff_excludes_zero == Some(true) => {
                        let least = crate::report::fmt_value(k.min_difference);
                        format!(
                            "  (smaller than {} {}, the least that matters)",
                            least.strip_suffix(".00").unwrap_or(&least),
                            k.unit
                        )
                    }
                    _ => String::new(),
                };
                // Where the spread comes from, when the runs were nested (--seeds-per-set).
                let split = match (r.variance_parameters, r.variance_seeds) {
                    (Some(p), Some(s)) if p + s > 0.0 => {
                        format!(
                            "  [{:.0} % of the variance from parameters]",
                            100.0 * p / (p + s)
                        )
                    }
                    _ => String::new(),
                };
                println!(
                    "  {:5} {:26} {} {:22} {:>14} {interval}{small}{split}",
                    r.figure,
                    r.kpi,
                    r.date,
                    r.scenario,
                    crate::report::fmt_value(m),
                );
            }
        }
        print_drawn(&out, &drawn);
    }
    // Said even with --quiet: each changes how the numbers above may be read.
    for note in &c.notes {
        eprintln!("warning: {note}");
    }
    Ok(())
}

/// `output/compare/<reference>-vs-<others>`, from the scenario names the run folders
/// recorded. Those names come from files anyone can edit, so each is reduced to a plain
/// folder name first, and a long list is cut and made unique by a hash of the whole.
fn default_out(runs: &[RunFolder]) -> PathBuf {
    let names: Vec<String> = runs.iter().map(|r| plain_name(&r.name())).collect();
    let mut leaf = format!("{}-vs-{}", names[0], names[1..].join("-"));
    if leaf.len() > crate::scenario::MAX_NAME_CHARS {
        let hash = crate::scenario::hex_sha256(leaf.as_bytes());
        leaf.truncate(crate::scenario::MAX_NAME_CHARS - 13);
        leaf = format!("{leaf}-{}", &hash[..12]);
    }
    PathBuf::from("output").join("compare").join(leaf)
}

/// A name as a plain folder name: letters, digits, `-` and `_` kept, anything else `_`.
fn plain_name(name: &str) -> String {
    let plain: String = name
        .chars()
        .take(crate::scenario::MAX_NAME_CHARS)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if plain.is_empty() {
        "run".into()
    } else {
        plain
    }
}

#[cfg(test)]
mod tests {
    use super::plain_name;

    #[test]
    fn names_from_files_become_plain_folder_names() {
        assert_eq!(plain_name("../../../x"), "_________x");
        assert_eq!(plain_name(""), "run");
        assert_eq!(plain_name("有链有基金"), "_____");
        assert_eq!(plain_name("no-campaign"), "no-campaign");
    }
}
