//! `reformsim compare DIR DIR... [--out DIR]`: run folders side by side, the first as the
//! reference; writes comparison.csv, comparison.json, charts and report.html.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use serde_json::Value;

use super::CliError;
use super::chart::{draw_folder, print_drawn};
use crate::chart::Format;
use crate::compare::{compare as compare_runs, comparison_csv};
use crate::folders::RunFolder;
use crate::output::write_atomic;

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
    /// Dates (YYYY-MM-DD, repeatable) at which to report the effect KPIs (problems resolved,
    /// growth, outlays); default: every 31 December simulated and the last day.
    #[arg(long = "at", value_parser = parse_date)]
    pub at: Vec<crate::date::Date>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_date(text: &str) -> Result<crate::date::Date, String> {
    crate::date::Date::parse(text).map_err(|e| e.to_string())
}

pub fn compare(args: CompareArgs) -> Result<(), CliError> {
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
    let c = compare_runs(&runs, &scenarios, &args.at)?;
    let out = args.out.clone().unwrap_or_else(|| {
        let names: Vec<String> = runs.iter().map(RunFolder::name).collect();
        PathBuf::from("output").join("compare").join(format!(
            "{}-vs-{}",
            names[0],
            names[1..].join("-")
        ))
    });
    std::fs::create_dir_all(&out)
        .with_context(|| format!("cannot create the output folder {}", out.display()))?;
    write_atomic(&out.join("comparison.csv"), &comparison_csv(&c)?)?;
    let mut json = serde_json::to_vec_pretty(&c).context("cannot serialise comparison.json")?;
    json.push(b'\n');
    write_atomic(&out.join("comparison.json"), &json)?;
    let drawn = draw_folder(&out, args.format)?;
    if !args.quiet {
        println!(
            "compared {} scenario(s) with {}; wrote {}/{{comparison.csv,comparison.json}}",
            c.scenarios.len() - 1,
            c.scenarios[0].name,
            out.display()
        );
        for r in c.rows.iter().filter(|r| r.diff_mean.is_some()) {
            if let (Some(m), Some(a), Some(b)) = (r.diff_mean, r.diff_p05, r.diff_p95) {
                println!(
                    "  {:5} {:26} {} {:22} {:>14} (90 % {} – {}){}",
                    r.figure,
                    r.kpi,
                    r.date,
                    r.scenario,
                    crate::report::fmt_value(m),
                    crate::report::fmt_value(a),
                    crate::report::fmt_value(b),
                    if r.diff_excludes_zero == Some(true) {
                        ""
                    } else {
                        "  (includes 0)"
                    }
                );
            }
        }
        print_drawn(&out, &drawn);
    }
    Ok(())
}
