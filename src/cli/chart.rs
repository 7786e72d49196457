//! `reformsim chart DIR`: (re)draw the charts and report.html of a run, sweep or comparison
//! folder from its files. `run`, `sweep` and `compare` call the same code when they finish.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use super::CliError;
use crate::chart::{self, Format};
use crate::folders::{FolderKind, RunFolder, SweepFolder, detect};
use crate::kpi_catalogue::Lang;
use crate::output::write_atomic;

#[derive(Args, Debug)]
pub struct ChartArgs {
    /// A run, sweep or comparison folder.
    pub dir: PathBuf,
    /// Which image files to write into DIR/charts/.
    #[arg(long, value_enum, default_value_t = Format::Both)]
    pub format: Format,
    /// Language of chart text: `en`, or `zh` for KPI names and units in Chinese (from the KPI
    /// catalogue). Reports and console messages stay in English.
    #[arg(long, value_enum, default_value_t = crate::kpi_catalogue::Lang::En)]
    pub lang: crate::kpi_catalogue::Lang,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// What `draw_folder` did.
pub struct Drawn {
    pub kind: FolderKind,
    pub charts: usize,
    pub seconds: f64,
}

pub fn chart(args: ChartArgs) -> Result<(), CliError> {
    let drawn = draw_folder(&args.dir, args.format, args.lang)?;
    if !args.quiet {
        print_drawn(&args.dir, &drawn);
    }
    Ok(())
}

pub fn print_drawn(dir: &Path, d: &Drawn) {
    println!(
        "drew {} {:?} chart(s) into {}/charts and wrote {}/report.html ({:.2} s)",
        d.charts,
        d.kind,
        dir.display(),
        dir.display(),
        d.seconds
    );
}

/// Draws the charts of the folder `dir` and writes its `report.html`.
pub fn draw_folder(dir: &Path, format: Format, lang: Lang) -> anyhow::Result<Drawn> {
    let started = Instant::now();
    let kind = detect(dir)?;
    let (drawn, html) = match kind {
        FolderKind::Run => {
            let run = RunFolder::load(dir)?;
            let drawn = chart::write_charts(dir, &chart::run_charts(&run, lang), format)?;
            let html = crate::html::run_report(&run, &drawn, lang);
            (drawn, html)
        }
        FolderKind::Sweep => {
            let sweep = SweepFolder::load(dir)?;
            // A sensitivity folder is a sweep folder with sensitivity.csv: its index charts too.
            let mut charts = chart::sweep_charts(&sweep, lang);
            charts.extend(chart::sensitivity_charts(
                dir,
                &sweep.manifest.parameters,
                lang,
            )?);
            let drawn = chart::write_charts(dir, &charts, format)?;
            let html = crate::html::sweep_report(&sweep, &drawn, lang);
            (drawn, html)
        }
        FolderKind::Comparison => {
            let path = dir.join("comparison.json");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let c: crate::compare::Comparison = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a comparison", path.display()))?;
            let drawn = chart::write_charts(dir, &chart::comparison_charts(&c, lang), format)?;
            let html = crate::html::comparison_report(&c, &drawn, lang);
            (drawn, html)
        }
    };
    write_atomic(&dir.join("report.html"), html.as_bytes())?;
    Ok(Drawn {
        kind,
        charts: drawn.len(),
        seconds: started.elapsed().as_secs_f64(),
    })
}
