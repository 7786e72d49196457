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
