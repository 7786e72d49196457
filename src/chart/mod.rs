//! Charts: every figure a run, sweep or comparison folder yields, drawn once per format.
//!
//! A chart is data (`Chart`), built from a folder's files by `folder`; drawing is generic over
//! the plotters backend so the SVG and the PNG come from the same code. Text uses DejaVu Sans,
//! compiled into the binary and registered with plotters' `ab_glyph` font table, so no chart
//! depends on the fonts of the machine it is drawn on.

mod bars;
mod folder;
mod gap;
mod heatmap;
mod indices;
mod line_band;
mod series;
mod style;
mod tornado;
mod trace;
pub mod words;

use std::path::Path;
use std::sync::OnceLock;

use anyhow::{Context, Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use rayon::prelude::*;

use crate::output::write_atomic;

pub use bars::{Bar, BarAxis, Bars};
pub use folder::{comparison_charts, flat_columns, run_charts, sweep_charts};
pub use indices::{INDEX_KPIS, sensitivity_charts};
pub use style::kpi_colour;
pub use trace::Trace;

/// Pixel size of every chart: readable on a laptop screen and in a report.
pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 800;

/// The font family name charts use; `register_fonts` binds it to the embedded file.
const FONT: &str = "sans-serif";

/// A subset of Noto Sans CJK SC (SIL Open Font License 1.1, see
/// assets/fonts/NotoSansSC-LICENSE.txt): Latin, Greek, GB2312 level 1 and every character of
/// the shipped text, so that Chinese labels and descriptions are drawn, not dropped.
/// `tools/subset-cjk-font.py` builds it.
pub(crate) static CHART_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-reformsim.otf");

/// Which files `chart` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Png,
    Svg,
    Both,
}

impl Format {
    fn png(self) -> bool {
        matches!(self, Format::Png | Format::Both)
    }
    fn svg(self) -> bool {
        matches!(self, Format::Svg | Format::Both)
    }
}

/// One chart: a file stem, a title for the report, and what to draw.
#[derive(Clone, Debug)]
pub struct Chart {
    pub name: String,
    pub title: String,
    pub kind: Kind,
}

/// What a chart draws; each variant's data and drawing live in their own module.
#[derive(Clone, Debug)]
pub enum Kind {
    Series(series::Series),
    Gap(gap::Gap),
    Heatmap(heatmap::Heatmap),
    LineBand(line_band::LineBand),
    Tornado(tornado::Tornado),
    Bars(bars::Bars),
    Trace(trace::Trace),
    Indices(indices::Indices),
}

/// A drawn chart: its SVG text (for the report) and the files written.
pub struct Drawn {
    pub name: String,
    pub title: String,
    pub svg: String,
}

/// Binds the chart font family ("sans-serif") to the embedded font, once per process;
/// anything that draws with plotters calls it first (there is no system font to fall back on).
pub fn register_fonts() -> Result<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font(FONT, FontStyle::Normal, CHART_FONT).is_ok()
            && plotters::style::register_font(FONT, FontStyle::Bold, CHART_FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err(anyhow!("the embedded chart font does not parse"))
    }
}

/// A drawing failure from any backend, as text (backend error types are not `'static`).
pub(crate) fn fail<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow!("drawing failed: {e:?}")
}

impl Chart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        root.fill(&WHITE).map_err(fail)?;
        match &self.kind {
            Kind::Series(c) => c.draw(root, &self.title),
            Kind::Gap(c) => c.draw(root, &self.title),
            Kind::Heatmap(c) => c.draw(root, &self.title),
            Kind::LineBand(c) => c.draw(root, &self.title),
            Kind::Tornado(c) => c.draw(root, &self.title),
            Kind::Bars(c) => c.draw(root, &self.title),
            Kind::Trace(c) => c.draw(root, &self.title),
            Kind::Indices(c) => c.draw(root, &self.title),
        }?;
        root.present().map_err(fail)
    }

    /// The chart as SVG text.
    pub fn svg(&self) -> Result<String> {
        register_fonts()?;
        let mut text = String::new();
        {
            let root = SVGBackend::with_string(&mut text, (WIDTH, HEIGHT)).into_drawing_area();
            self.draw(&root)?;
        }
        Ok(text)
    }

    /// The chart as PNG bytes (RGB, 8 bits).
    pub fn png(&self) -> Result<Vec<u8>> {
        register_fonts()?;
        let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)).into_drawing_area();
            self.draw(&root)?;
        }
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().context("cannot encode a PNG")?;
        w.write_image_data(&rgb).context("cannot encode a PNG")?;
        w.finish().context("cannot encode a PNG")?;
        Ok(out)
    }
}

/// Draws every chart in parallel into `dir/charts/` and returns them in order, SVG text
/// included (drawn even when only PNGs are written, for the report). The folder then holds
/// exactly these charts: images an earlier drawing left there are removed.
pub fn write_charts(dir: &Path, charts: &[Chart], format: Format) -> Result<Vec<Drawn>> {
    let out = dir.join("charts");
    std::fs::create_dir_all(&out)
        .with_context(|| format!("cannot create the chart folder {}", out.display()))?;
    charts
        .par_iter()
        .map(|c| {
            let svg = c.svg().with_context(|| format!("chart {}", c.name))?;
            if format.svg() {
                write_atomic(&out.join(format!("{}.svg", c.name)), svg.as_bytes())?;
            }
            if format.png() {
                let png = c.png().with_context(|| format!("chart {}", c.name))?;
                write_atomic(&out.join(format!("{}.png", c.name)), &png)?;
            }
            Ok(Drawn {
                name: c.name.clone(),
                title: c.title.clone(),
                svg,
            })
        })
        .collect::<Result<Vec<Drawn>>>()
        .and_then(|drawn| {
            remove_stale_charts(&out, charts, format)?;
            Ok(drawn)
        })
}

/// Name prefixes of the charts reformsim draws into a folder's `charts/`.
const CHART_PREFIXES: &[&str] = &[
    "series-",
    "target-gap",
    "heatmap-",
    "line-",
    "tornado-",
    "compare-",
    "indices_",
];

/// Removes the images in `out` that reformsim drew earlier and this drawing did not (a chart
/// of a KPI that no longer varies), so the folder never shows a chart the report does not.
/// An image named otherwise is the planner's own and is kept.
fn remove_stale_charts(out: &Path, charts: &[Chart], format: Format) -> Result<()> {
    let ours = |stem: &str| CHART_PREFIXES.iter().any(|p| stem.starts_with(p));
    let written = |stem: &str, ext: &str| {
        charts.iter().any(|c| c.name == stem)
            && (if ext == "svg" {
                format.svg()
            } else {
                format.png()
            })
    };
    let entries =
        std::fs::read_dir(out).with_context(|| format!("cannot list {}", out.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let (Some(stem), Some(ext)) = (
            path.file_stem().and_then(|s| s.to_str()),
            path.extension().and_then(|e| e.to_str()),
        ) else {
            continue;
        };
        if matches!(ext, "png" | "svg") && ours(stem) && !written(stem, ext) {
            std::fs::remove_file(&path)
                .with_context(|| format!("cannot remove the stale chart {}", path.display()))?;
        }
    }
    Ok(())
}
