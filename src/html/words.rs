//! The fixed words of `report.html` in each language (`--lang en|zh`): headings, table
//! headers, status cells. The English text is the key, so the report's code reads in
//! English and a phrase without a Chinese entry stays English rather than vanishing. KPI
//! labels come from the KPI catalogue (`data/kpis.toml`); scenario names, parameter keys,
//! figure ids and the briefing's descriptions are the planner's own and are not translated.

use crate::kpi_catalogue::Lang;

/// `en` in `lang`.
pub fn tr(lang: Lang, en: &str) -> &str {
    match lang {
        Lang::En => en,
        Lang::Zh => ZH.iter().find(|(e, _)| *e == en).map_or(en, |(_, zh)| zh),
    }
}

/// English → Chinese. Terms follow the briefing's own (目标, 校准 as in calibration of a
/// model, 政策成本, 情景); the statistics use the usual Chinese terms (区间, 均值, 随机种子).
const ZH: &[(&str, &str)] = &[
    // Headings.
    ("Contents", "目录"),
    ("Scenario and levers", "情景与政策杠杆"),
    ("Calibration against observed figures", "与实际数据的校准"),
    ("Targets", "目标"),
    ("Policy cost", "政策成本"),
    ("Parameter sets", "参数组"),
    ("Charts", "图表"),
    ("Points", "参数点"),
    ("Sensitivity indices", "敏感性指数"),
    ("Target feasibility", "目标可行性"),
    ("Scenarios", "情景"),
    ("Levers that differ", "不同的政策杠杆"),
    ("Effects against the reference", "相对参照情景的效应"),
    // Table headers.
    ("id", "编号"),
    ("KPI", "指标"),
    ("date", "日期"),
    ("observed", "实际值"),
    ("simulated (mean)", "模拟值（均值）"),
    ("90 % interval", "90 % 区间"),
    ("tolerance", "容差"),
    ("within", "在容差内"),
    ("role", "角色"),
    ("target", "目标"),
    ("value", "目标值"),
    ("gap", "差距"),
    ("P(met)", "达成概率"),
    ("status", "状态"),
    ("programme", "项目"),
    ("outlay (mean)", "支出（均值，元）"),
    ("parameter", "参数"),
    ("values drawn (min – max)", "抽取值（最小 – 最大）"),
    ("key", "参数键"),
    ("baseline", "基准"),
    ("scenario", "情景"),
    ("run folder", "运行文件夹"),
    ("seed", "随机种子"),
    ("replicates", "重复次数"),
    ("paired with reference", "与参照配对"),
    ("figure", "数据编号"),
    ("mean", "均值"),
    ("difference (90 % interval)", "差值（90 % 区间）"),
    ("P(target met)", "目标达成概率"),
    ("yuan per unit", "每单位成本（元）"),
    ("matters", "有实际意义"),
    ("from parameters", "来自参数"),
    // Cells.
    ("yes", "是"),
    ("no", "否"),
    ("total", "合计"),
    ("reference", "参照"),
    ("beyond horizon", "超出模拟期"),
    ("likely met", "很可能达成"),
    ("likely missed", "很可能未达成"),
    ("uncertain", "不确定"),
    ("fit", "拟合"),
    (
        "holdout: inside the 90 % interval",
        "留出检验：在 90 % 区间内",
    ),
    (
        "holdout: outside the 90 % interval",
        "留出检验：在 90 % 区间外",
    ),
    ("construction", "由政策杠杆设定"),
    ("by construction", "由构造决定"),
    ("Warning", "注意"),
    // Footer.
    ("report written", "报告生成于"),
    ("scenario sha256", "情景文件 sha256"),
    ("seeds file", "数据文件"),
    ("replicate seeds", "各重复的随机种子"),
    ("sweep", "参数扫描"),
    ("sweep sha256", "参数扫描文件 sha256"),
    ("master seed", "主随机种子"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_phrase_has_one_chinese_entry() {
        for (i, (en, zh)) in ZH.iter().enumerate() {
            assert!(!zh.is_empty() && zh != en, "{en}");
            assert!(
                ZH[i + 1..].iter().all(|(e, _)| e != en),
                "{en} is listed twice"
            );
        }
    }

    #[test]
    fn english_is_the_key_and_unknown_phrases_stay_english() {
        assert_eq!(tr(Lang::En, "Targets"), "Targets");
        assert_eq!(tr(Lang::Zh, "Targets"), "目标");
        assert_eq!(tr(Lang::Zh, "levers.land.mode"), "levers.land.mode");
    }
}
