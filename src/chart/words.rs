//! The fixed words of chart titles in each language (`--lang en|zh`). KPI names come from the
//! KPI catalogue (`data/kpis.toml`); scenario names, parameter keys and figure ids are the
//! planner's own and are not translated.

use super::style::drawable;
use crate::kpi_catalogue::{Lang, kpi};

/// A KPI's name for a title: in English its description (as before the catalogue had
/// labels), in Chinese its label; a column outside the catalogue keeps its key.
pub fn kpi_name(key: &str, lang: Lang) -> String {
    let Some(k) = kpi(key) else {
        return key.to_owned();
    };
    match lang {
        Lang::En => {
            let d = drawable(k.description);
            let mut c = d.chars();
            c.next()
                .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
        }
        Lang::Zh => k.label_zh.to_owned(),
    }
}

/// A KPI's short label (axis groups, sweep columns).
pub fn kpi_label(key: &str, lang: Lang) -> String {
    kpi(key).map_or_else(|| key.to_owned(), |k| k.label(lang).to_owned())
}

/// A unit in `lang`; units without a common Chinese form stay as they are.
pub fn unit(unit: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return unit.to_owned();
    }
    match unit {
        "days" => "天",
        "firms" => "家",
        "yuan" => "元",
        "yuan/day" => "元/天",
        "yuan/mu/year" => "元/亩/年",
        "mu" => "亩",
        "tickets" => "件",
        "problems" => "个",
        "projects" => "个",
        "visits" => "次",
        "events" => "场",
        "pp" => "百分点",
        "share of replicates" => "重复运行占比",
        other => other,
    }
    .to_owned()
}

pub fn series_title(key: &str, unit_en: &str, lang: Lang) -> String {
    format!("{} ({})", kpi_name(key, lang), unit(unit_en, lang))
}

pub fn target_gap_title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Targets: simulated value as % of target (%)",
        Lang::Zh => "目标：模拟值占目标的百分比（%）",
    }
}

/// The target-gap chart's axis words. The colours are named in the axis description rather
/// than in a legend: bars fill every row, so a legend box would cover one of them.
pub fn gap_axes(lang: Lang) -> GapWords {
    match lang {
        Lang::En => GapWords {
            x: "simulated value as % of target (blue: the mean meets it; orange: it misses it; line: the target)",
            y: "target",
            line: "target (100 %)",
            p_met: "P(met)",
        },
        Lang::Zh => GapWords {
            x: "模拟值占目标的百分比（蓝：均值达成；橙：未达成；竖线：目标）",
            y: "目标",
            line: "目标（100 %）",
            p_met: "达成概率",
        },
    }
}

/// Words the target-gap chart draws, in one language.
#[derive(Clone, Copy, Debug)]
pub struct GapWords {
    pub x: &'static str,
    pub y: &'static str,
    pub line: &'static str,
    pub p_met: &'static str,
}

pub fn p_met(id: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("P(target {id} met)"),
        Lang::Zh => format!("目标 {id} 达成概率"),
    }
}

pub fn heatmap_title(label: &str, unit: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{label}: mean over replicates ({unit})"),
        Lang::Zh => format!("{label}：各重复运行的均值（{unit}）"),
    }
}

pub fn line_title(label: &str, parameter: &str, unit: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{label} against {parameter} ({unit})"),
        Lang::Zh => format!("{label} 随 {parameter} 的变化（{unit}）"),
    }
}

pub fn tornado_title(label: &str, unit: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("What moves {label} ({unit})"),
        Lang::Zh => format!("哪些参数影响{label}（{unit}）"),
    }
}

pub fn compare_targets_title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Targets by scenario: mean as % of target (%)",
        Lang::Zh => "各情景的目标完成度：均值占目标的百分比（%）",
    }
}

pub fn compare_effects_title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Effects against the reference: KPIs in % (pp)",
        Lang::Zh => "相对基准情景的效应：百分比指标（百分点）",
    }
}

/// The label of a sweep's output column `kpi@date` (or a bare KPI).
pub fn column_label(column: &str, lang: Lang) -> String {
    match column.split_once('@') {
        Some((key, date)) if lang == Lang::Zh => format!("{} @{date}", kpi_label(key, lang)),
        _ => column.to_owned(),
    }
}

pub fn date(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "date",
        Lang::Zh => "日期",
    }
}

pub fn interval_over_replicates(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "90 % interval over replicates",
        Lang::Zh => "各重复运行的 90 % 区间",
    }
}

pub fn mean_over_replicates(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "mean over replicates",
        Lang::Zh => "各重复运行的均值",
    }
}

pub fn simulated(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "simulated",
        Lang::Zh => "模拟值",
    }
}

pub fn observed(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "observed (briefing)",
        Lang::Zh => "实际值（发布会）",
    }
}

pub fn tolerance(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "calibration tolerance",
        Lang::Zh => "校准容差",
    }
}

pub fn target(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "target (briefing)",
        Lang::Zh => "目标（发布会）",
    }
}

/// `en` or `zh`, by `lang`: the words of the sweep, sensitivity and comparison charts.
fn pick(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Zh => zh,
    }
}

pub fn target_line(lang: Lang) -> &'static str {
    pick(lang, "target (100 %)", "目标（100 %）")
}

pub fn percent_of_target_axis(lang: Lang) -> &'static str {
    pick(
        lang,
        "mean over replicates as % of target (whisker: 90 % interval)",
        "重复运行均值占目标的百分比（须线：90 % 区间）",
    )
}

pub fn no_difference(lang: Lang) -> &'static str {
    pick(lang, "no difference", "无差异")
}

pub fn difference_axis(unit: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "scenario − reference, mean of paired replicates ({unit}; whisker: 90 % interval)"
        ),
        Lang::Zh => format!("情景 − 参照，配对重复运行的均值（{unit}；须线：90 % 区间）"),
    }
}

pub fn kpi_and_date(lang: Lang) -> &'static str {
    pick(lang, "KPI and date", "指标与日期")
}

pub fn indices_title(kpi: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Which levers move {kpi}"),
        Lang::Zh => format!("哪些政策杠杆影响 {kpi}"),
    }
}

/// A sensitivity index's legend entry.
pub fn index_label(index: &str, lang: Lang) -> String {
    match (index, lang) {
        ("mu_star", Lang::En) => "μ* (mean |elementary effect|)".to_owned(),
        ("mu_star", Lang::Zh) => "μ*（基本效应绝对值的均值）".to_owned(),
        ("S1", Lang::En) => "S1 (first-order Sobol index)".to_owned(),
        ("S1", Lang::Zh) => "S1（一阶 Sobol 指数）".to_owned(),
        ("ST", Lang::En) => "ST (total Sobol index)".to_owned(),
        ("ST", Lang::Zh) => "ST（总 Sobol 指数）".to_owned(),
        (other, _) => other.to_owned(),
    }
}

pub fn index_axis(lang: Lang) -> &'static str {
    pick(
        lang,
        "index (whisker: 90 % bootstrap interval)",
        "指数（须线：自助法 90 % 区间）",
    )
}

pub fn lever(lang: Lang) -> &'static str {
    pick(lang, "lever", "政策杠杆")
}

pub fn parameter(lang: Lang) -> &'static str {
    pick(lang, "parameter", "参数")
}

pub fn parameter_at(high: bool, lang: Lang) -> &'static str {
    match high {
        true => pick(lang, "parameter at its highest", "参数取最高值"),
        false => pick(lang, "parameter at its lowest", "参数取最低值"),
    }
}

pub fn base_point(value: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("base point: {value}"),
        Lang::Zh => format!("基准点：{value}"),
    }
}

/// How a tornado's bars were computed, for its axis.
pub fn tornado_method(linear_fit: bool, lang: Lang) -> &'static str {
    match linear_fit {
        true => pick(
            lang,
            "linear fit over the design, others at their mean",
            "对设计点线性拟合，其余参数取均值",
        ),
        false => pick(
            lang,
            "others at their middle grid value",
            "其余参数取网格中间值",
        ),
    }
}

pub fn middle_of_range(lang: Lang) -> &'static str {
    pick(lang, "middle of the prior's range", "先验范围的中点")
}

pub fn share_of_range_axis(lang: Lang) -> &'static str {
    pick(
        lang,
        "median as % of the prior's range (whisker: 90 % range)",
        "中位数占先验范围的百分比（须线：90 % 范围）",
    )
}

pub fn prior_and_posterior(lang: Lang) -> [&'static str; 2] {
    [pick(lang, "prior", "先验"), pick(lang, "posterior", "后验")]
}

pub fn prior_posterior_title(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Calibration {name}: prior and posterior median and 90 % range"),
        Lang::Zh => format!("校准 {name}：先验与后验的中位数和 90 % 范围"),
    }
}

pub fn objective_trace_title(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Calibration {name}: best objective by iteration"),
        Lang::Zh => format!("校准 {name}：各次迭代的最优目标函数值"),
    }
}

pub fn trace_axes(lang: Lang) -> [&'static str; 2] {
    [
        pick(lang, "Nelder–Mead iteration", "Nelder–Mead 迭代次数"),
        pick(
            lang,
            "best objective (log scale)",
            "最优目标函数值（对数坐标）",
        ),
    ]
}

pub fn probability(lang: Lang) -> &'static str {
    pick(lang, "probability", "概率")
}
