//! Colours and text sizes shared by every chart: the Okabe–Ito palette (distinguishable with
//! the common colour-vision deficiencies), one fixed colour per KPI, and viridis for heatmaps.

use plotters::coord::ranged1d::SegmentedCoord;
use plotters::coord::types::{RangedCoordf64, RangedCoordi32};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::FONT;
use crate::metrics::KPIS;

/// Okabe–Ito without black (kept for reference lines) and yellow (too pale on white).
pub const OKABE_ITO: [RGBColor; 6] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(204, 121, 167), // reddish purple
];

/// Met and not met: blue and vermillion, the pair Okabe and Ito suggest for two classes.
pub const MET: RGBColor = OKABE_ITO[0];
pub const NOT_MET: RGBColor = OKABE_ITO[3];
/// Targets and observed figures, drawn over any KPI colour.
pub const REFERENCE: RGBColor = RGBColor(0, 0, 0);

/// The colour of a KPI: fixed by its position in `KPIS`, so it is the same in every chart.
pub fn kpi_colour(kpi: &str) -> RGBColor {
    let i = KPIS.iter().position(|k| k.key == kpi).unwrap_or(0);
    OKABE_ITO[i % OKABE_ITO.len()]
}

/// The colour of the i-th scenario in a comparison (the reference is black).
pub fn scenario_colour(i: usize) -> RGBColor {
    if i == 0 {
        RGBColor(90, 90, 90)
    } else {
        OKABE_ITO[(i - 1) % OKABE_ITO.len()]
    }
}

pub fn title() -> TextStyle<'static> {
    (FONT, 30).into_font().style(FontStyle::Bold).into()
}

pub fn label() -> TextStyle<'static> {
    (FONT, 20).into()
}

pub fn axis() -> TextStyle<'static> {
    (FONT, 22).into()
}

pub fn small() -> TextStyle<'static> {
    (FONT, 17).into()
}

pub fn centred(style: TextStyle<'static>) -> TextStyle<'static> {
    style.pos(Pos::new(HPos::Center, VPos::Center))
}

/// Viridis at t in [0, 1] (perceptually uniform, readable in greyscale and by colour-blind
/// readers), by linear interpolation between nine of its stops.
pub fn viridis(t: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 9] = [
        (68, 1, 84),
        (71, 44, 122),
        (59, 81, 139),
        (44, 113, 142),
        (33, 144, 141),
        (39, 173, 129),
        (92, 200, 99),
        (170, 220, 50),
        (253, 231, 37),
    ];
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// A value range with a margin, never empty, optionally including zero.
pub fn padded(values: impl IntoIterator<Item = f64>, with_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    if with_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
    (lo - span * 0.05, hi + span * 0.08)
}

/// A number on an axis: compact, with k/M/bn for large values.
pub fn axis_number(v: f64) -> String {
    let a = v.abs();
    if a >= 1e9 {
        format!("{:.1}bn", v / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 100.0 || v == v.round() {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// Text the embedded chart font can draw: characters it has no glyph for are dropped (so
/// no empty boxes appear), and runs of white space become one space.
pub fn drawable(text: &str) -> String {
    use ab_glyph::Font;
    static FONT: std::sync::OnceLock<Option<ab_glyph::FontRef<'static>>> =
        std::sync::OnceLock::new();
    let font = FONT.get_or_init(|| ab_glyph::FontRef::try_from_slice(super::CHART_FONT).ok());
    let kept: String = text
        .chars()
        .filter(|c| c.is_whitespace() || font.as_ref().is_some_and(|f| f.glyph_id(*c).0 != 0))
        .collect();
    kept.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",")
}

/// The charts with a value axis across and one row per item down (bars, gaps, tornados,
/// indices).
pub type RowChart<'a, DB> =
    ChartContext<'a, DB, Cartesian2d<RangedCoordf64, SegmentedCoord<RangedCoordi32>>>;

/// Draws the vertical reference line at `x` (a target's 100 %, a tornado's base point)
/// across rows `0..rows`, labelled in the legend.
pub fn reference_line<'a, DB: DrawingBackend + 'a>(
    chart: &mut RowChart<'a, DB>,
    x: f64,
    rows: i32,
    label: String,
) -> anyhow::Result<()> {
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x, SegmentValue::Exact(0)), (x, SegmentValue::Exact(rows))],
            REFERENCE.stroke_width(2),
        )))
        .map_err(super::fail)?
        .label(label)
        .legend(|(x, y)| {
            PathElement::new(
                vec![(x + 12, y - 8), (x + 12, y + 8)],
                REFERENCE.stroke_width(2),
            )
        });
    Ok(())
}

/// Empty rows to add above a row chart's `rows` for a legend of `entries` lines in the
/// upper right, so the legend covers no bar (it sat over the lowest bars when drawn in the
/// lower right). The plot is about 620 px high on a 1200 × 800 chart, a legend line 26 px.
pub fn legend_rows(entries: usize, rows: i32) -> i32 {
    const PLOT_PX: f64 = 620.0;
    let legend = entries as f64 * 26.0 + 20.0;
    ((legend * f64::from(rows.max(1))) / (PLOT_PX - legend)).ceil() as i32
}

/// Draws the legend, boxed, in the upper right corner, over the rows `legend_rows` left
/// empty.
pub fn legend_upper_right<'a, DB: DrawingBackend + 'a>(
    chart: &mut RowChart<'a, DB>,
) -> anyhow::Result<()> {
    chart
        .configure_series_labels()
        .label_font(label())
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(super::fail)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_gets_rows_of_its_height_above_the_bars() {
        // The added rows' share of the plot holds the legend: 3 lines (98 px of 620).
        for rows in [1, 2, 7, 40] {
            let extra = legend_rows(3, rows);
            let share = f64::from(extra) / f64::from(rows + extra);
            assert!(share * 620.0 >= 98.0, "{rows} rows: {extra} added");
            assert!(f64::from(extra - 1) / f64::from(rows + extra - 1) * 620.0 < 98.0);
        }
    }

    #[test]
    fn viridis_runs_from_purple_to_yellow_and_clamps() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(-3.0), viridis(0.0));
        assert_eq!(viridis(f64::NAN), viridis(0.0));
    }

    #[test]
    fn a_kpi_keeps_its_colour_and_neighbours_differ() {
        assert_eq!(kpi_colour("resolution_rate"), kpi_colour("resolution_rate"));
        assert_ne!(kpi_colour(KPIS[0].key), kpi_colour(KPIS[1].key));
    }

    /// The chart font draws the briefing's Chinese terms and every KPI's Chinese label, so
    /// they are kept; a character it has no glyph for (an emoji, a rare hanzi) is dropped
    /// rather than drawn as an empty box.
    #[test]
    fn chinese_is_kept_and_what_the_font_lacks_is_dropped() {
        assert_eq!(
            drawable("demands resolved (办结) today"),
            "demands resolved (办结) today"
        );
        assert_eq!(drawable("有链有基金 μ* σ – ≥"), "有链有基金 μ* σ – ≥");
        assert_eq!(drawable("rocket 🚀 launch"), "rocket launch");
        assert_eq!(drawable("先投后股  grants\npaid"), "先投后股 grants paid");
        for k in KPIS.iter() {
            assert_eq!(drawable(k.label_zh), k.label_zh, "{}", k.key);
            assert_eq!(
                drawable(k.description),
                k.description
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
                "{}",
                k.key
            );
        }
    }

    #[test]
    fn padded_ranges_are_never_empty() {
        let (lo, hi) = padded([5.0, 5.0], false);
        assert!(lo < 5.0 && hi > 5.0);
        let (lo, _) = padded([3.0, 9.0], true);
        assert!(lo <= 0.0);
    }
}
