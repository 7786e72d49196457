//! `report.html`: one self-contained file per run, sweep or comparison folder — tables, the
//! charts as inline SVG, and a provenance footer. No scripts, fonts, images or styles are
//! fetched from anywhere, so it opens offline and can be mailed as one attachment.

mod font;
mod words;

use std::fmt::Write as _;

use serde_json::Value;

use crate::kpi_catalogue::Lang;
use words::tr;

use crate::chart::Drawn;
use crate::compare::Comparison;
use crate::date::Date;
use crate::folders::{RunFolder, SweepFolder};
use crate::report::fmt_value;

const STYLE: &str = "body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:2em auto;max-width:1240px;color:#222;padding:0 1em}\
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}th,td{border:1px solid #ccc;padding:3px 7px;text-align:right}\
th{background:#f2f2f2}td.l,th.l{text-align:left}.met{color:#0072b2;font-weight:bold}.notmet{color:#d55e00;font-weight:bold}\
figure.chart{margin:1.5em 0}figure.chart svg{max-width:100%;height:auto;border:1px solid #ddd}\
figcaption{font-size:.9em;color:#555}.wide{overflow-x:auto}td.n{white-space:nowrap}\
nav.toc{background:#f7f7f7;border:1px solid #ddd;padding:.4em 1em;display:inline-block}nav.toc ol{margin:.3em 0;padding-left:1.4em}footer{margin-top:3em;font-size:.8em;color:#555;border-top:1px solid #ccc;padding-top:.5em}";

/// Text made safe for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Today's date (UTC), or the date of `SOURCE_DATE_EPOCH` when set, so a report can be
/// rebuilt byte for byte.
pub fn today() -> Date {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        });
    let epoch = Date::from_ymd(1970, 1, 1).expect("a valid date");
    epoch.add_days(i32::try_from(seconds / 86_400).unwrap_or(0))
}

/// An HTML table: header cells, then rows; the first `left` columns are left-aligned.
/// Header cells are translated into `lang` where the report's words have them.
fn table(lang: Lang, header: &[&str], rows: &[Vec<String>], left: usize) -> String {
    // Wide tables scroll inside their box instead of running off the page.
    let mut out = String::from("<div class=\"wide\"><table><thead><tr>");
    for (i, h) in header.iter().enumerate() {
        let class = if i < left { " class=\"l\"" } else { "" };
        let _ = write!(out, "<th{class}>{}</th>", escape(tr(lang, h)));
    }
    out.push_str("</tr></thead><tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let class = match (i < left, unbreakable(c)) {
                (true, false) => " class=\"l\"",
                (true, true) => " class=\"l n\"",
                (false, true) => " class=\"n\"",
                (false, false) => "",
            };
            // Cells are escaped here, except the status markup made by `status`.
            let cell = if c.starts_with("<span class=") {
                c.clone()
            } else {
                escape(c)
            };
            let _ = write!(out, "<td{class}>{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
    out
}

/// A date, a number or an interval of numbers: kept on one line (a date broken after
/// `2024-` reads as two values); text cells wrap.
fn unbreakable(cell: &str) -> bool {
    !cell.is_empty()
        && cell.len() <= 48
        && cell
            .chars()
            .all(|c| c.is_ascii_digit() || ",.-+±% –p".contains(c))
}

fn status(met: Option<bool>, text: &str) -> String {
    match met {
        Some(true) => format!("<span class=\"met\">{}</span>", escape(text)),
        Some(false) => format!("<span class=\"notmet\">{}</span>", escape(text)),
        None => escape(text),
    }
}

/// A calibration row's role; a construction row says what sets it, a holdout whether the
/// observed value fell inside the simulated interval.
fn role(lang: Lang, r: &Value) -> String {
    let role = text(&r["role"]);
    match (role.as_str(), r["inside_interval"].as_bool()) {
        ("construction", _) => format!(
            "{}: {}",
            tr(lang, "construction"),
            escape(&text(&r["construction"]))
        ),
        ("holdout", Some(inside)) => status(
            Some(inside),
            tr(
                lang,
                if inside {
                    "holdout: inside the 90 % interval"
                } else {
                    "holdout: outside the 90 % interval"
                },
            ),
        ),
        _ => escape(tr(lang, &role)),
    }
}

/// A target's status from P(met), marked when the target is met by construction.
fn target_status(lang: Lang, r: &Value) -> String {
    let s = text(&r["status"]);
    let class = match s.as_str() {
        "likely met" => Some(true),
        "likely missed" => Some(false),
        _ => None,
    };
    let mut out = status(class, tr(lang, &s));
    if let Some(why) = r["construction"].as_str() {
        out.push_str(&format!(
            " <i>({}: {})</i>",
            tr(lang, "by construction"),
            escape(why)
        ));
    }
    out
}

fn num(v: &Value) -> String {
    v.as_f64().map_or_else(|| "–".to_owned(), fmt_value)
}

/// A calibration row's tolerance as text: a number and `tolerance_unit`, or the text an
/// older summary.json recorded.
fn tolerance(row: &Value) -> String {
    match row["tolerance"].as_f64() {
        Some(v) => crate::seeds::tolerance_text(v, row["tolerance_unit"].as_str().unwrap_or("")),
        None => text(&row["tolerance"]),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "–".to_owned(),
        other => other.to_string(),
    }
}

fn charts(drawn: &[Drawn]) -> String {
    let mut out = String::new();
    for d in drawn {
        // The SVG's own XML declaration-free text is valid inside HTML as is.
        let _ = write!(
            out,
            "<figure class=\"chart\" id=\"chart-{}\">\n{}\n<figcaption>{} (charts/{}.svg, charts/{}.png)</figcaption></figure>\n",
            escape(&d.name),
            d.svg,
            escape(&d.title),
            escape(&d.name),
            escape(&d.name)
        );
    }
    out
}

fn page(lang: Lang, title: &str, body: &str, footer: &str) -> String {
    let (toc, body) = with_contents(lang, body);
    // Chinese text anywhere (the language, a scenario's description, a target's 有链有基金)
    // brings the embedded font, so it renders on machines without a Chinese font.
    let cjk = if font::has_cjk(title) || font::has_cjk(&body) || font::has_cjk(footer) {
        font::font_face_css()
    } else {
        ""
    };
    let code = match lang {
        Lang::En => "en",
        Lang::Zh => "zh-CN",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t}</title><style>{STYLE}{cjk}</style></head>\n<body>\n<h1>{t}</h1>\n{toc}{body}\n\
         <footer>{footer}</footer>\n</body></html>\n",
        t = escape(title)
    )
}

/// A table of contents for `body`: each `<h2>` gets an id (`s1`, `s2`, ...) and a link in
/// a numbered list. Returns the contents and the body with the ids.
fn with_contents(lang: Lang, body: &str) -> (String, String) {
    let mut out = String::with_capacity(body.len() + 64);
    let mut links = String::new();
    let mut rest = body;
    let mut n = 0;
    while let Some(at) = rest.find("<h2>") {
        let after = &rest[at + 4..];
        let Some(end) = after.find("</h2>") else {
            break;
        };
        n += 1;
        out.push_str(&rest[..at]);
        let _ = write!(out, "<h2 id=\"s{n}\">");
        // The heading is already escaped markup.
        let _ = write!(links, "<li><a href=\"#s{n}\">{}</a></li>", &after[..end]);
        rest = after;
    }
    out.push_str(rest);
    if n < 2 {
        return (String::new(), out);
    }
    (
        format!(
            "<nav class=\"toc\"><b>{}</b><ol>{links}</ol></nav>\n",
            tr(lang, "Contents")
        ),
        out,
    )
}

fn provenance(lang: Lang, items: &[(&str, String)]) -> String {
    let mut parts: Vec<String> = items
        .iter()
        .map(|(k, v)| format!("{}: <code>{}</code>", escape(tr(lang, k)), escape(v)))
        .collect();
    parts.push(format!("{} {}", tr(lang, "report written"), today()));
    format!(
        "reformsim {} · {}",
        env!("CARGO_PKG_VERSION"),
        parts.join(" · ")
    )
}

/// The report of a run folder.
pub fn run_report(run: &RunFolder, drawn: &[Drawn], lang: Lang) -> String {
    let s = &run.summary;
    let (name, start, end, firms, seed) = (
        escape(&text(&s["scenario"])),
        escape(&text(&s["start"])),
        escape(&text(&s["end"])),
        num(&s["firms"]),
        escape(&text(&s["seed"])),
    );
    let replicates = run.replicates();
    let mut body = match lang {
        Lang::En => format!(
            "<p>Scenario <b>{name}</b>, {start} to {end}, {firms} firms, {replicates} \
             replicate(s), seed {seed}.</p>\n"
        ),
        Lang::Zh => format!(
            "<p>情景 <b>{name}</b>，{start} 至 {end}，{firms} 家企业，{replicates} 次重复，\
             随机种子 {seed}。</p>\n"
        ),
    };
    body.push_str(&scenario_section(lang, &run.dir));
    let cal: Vec<Vec<String>> = s["calibration"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let ok = r["within_tolerance"].as_bool();
            vec![
                text(&r["id"]),
                kpi_cell(lang, &text(&r["kpi"])),
                text(&r["date"]),
                num(&r["observed"]),
                num(&r["simulated"]),
                format!("{} – {}", num(&r["p05"]), num(&r["p95"])),
                tolerance(r),
                match r["status"].as_str() {
                    Some("beyond horizon") => status(None, tr(lang, "beyond horizon")),
                    _ => status(ok, tr(lang, if ok == Some(true) { "yes" } else { "no" })),
                },
                role(lang, r),
            ]
        })
        .collect();
    if !cal.is_empty() {
        heading(&mut body, lang, "Calibration against observed figures");
        body.push_str(&table(
            lang,
            &[
                "id",
                "KPI",
                "date",
                "observed",
                "simulated (mean)",
                "90 % interval",
                "tolerance",
                "within",
                "role",
            ],
            &cal,
            3,
        ));
    }
    let targets: Vec<Vec<String>> = s["targets"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            vec![
                text(&r["id"]),
                match (lang, r["description_zh"].as_str()) {
                    (Lang::Zh, Some(zh)) => zh.to_owned(),
                    _ => text(&r["description"]),
                },
                text(&r["date"]),
                format!(
                    "{} {} {}",
                    text(&r["comparator"]),
                    num(&r["target"]),
                    text(&r["unit"])
                ),
                num(&r["simulated"]),
                format!("{} – {}", num(&r["p05"]), num(&r["p95"])),
                num(&r["gap"]),
                r["p_met"]
                    .as_f64()
                    .map_or_else(|| "–".into(), |p| format!("{:.0} %", p * 100.0)),
                target_status(lang, r),
            ]
        })
        .collect();
    if !targets.is_empty() {
        heading(&mut body, lang, "Targets");
        body.push_str(&table(
            lang,
            &[
                "id",
                "target",
                "date",
                "value",
                "simulated (mean)",
                "90 % interval",
                "gap",
                "P(met)",
                "status",
            ],
            &targets,
            2,
        ));
    }
    body.push_str(&policy_cost_section(lang, &s["policy_cost"]));
    body.push_str(&parameter_sets_section(lang, s));
    heading(&mut body, lang, "Charts");
    body.push_str(&charts(drawn));
    let footer = provenance(
        lang,
        &[
            ("scenario", text(&s["scenario_file"])),
            ("scenario sha256", text(&s["scenario_sha256"])),
            ("seeds file", text(&s["seeds_file"])),
            ("seed", text(&s["seed"])),
            ("replicate seeds", text(&s["replicate_seeds"])),
        ],
    );
    let title = match lang {
        Lang::En => format!("reformsim run: {}", text(&s["scenario"])),
        Lang::Zh => format!("reformsim 运行：{}", text(&s["scenario"])),
    };
    page(lang, &title, &body, &footer)
}

/// An `<h2>` heading in `lang`.
fn heading(body: &mut String, lang: Lang, en: &str) {
    let _ = writeln!(body, "<h2>{}</h2>", escape(tr(lang, en)));
}

/// A KPI column's cell: the key in English (it names the CSV column), the catalogue's
/// label in Chinese.
fn kpi_cell(lang: Lang, key: &str) -> String {
    match lang {
        Lang::En => key.to_owned(),
        Lang::Zh => {
            crate::kpi_catalogue::kpi(key).map_or_else(|| key.to_owned(), |k| k.label_zh.to_owned())
        }
    }
}

/// The shipped baseline scenario, compiled in: what a run's levers are diffed against.
const BASELINE_TOML: &str = include_str!("../../scenarios/chengdu-baseline.toml");

/// The scenario's description, and every key whose value differs from the shipped baseline
/// (`scenarios/chengdu-baseline.toml`), from the run's `scenario.json`. Keys of the
/// `[scenario]` table other than the horizon (its name, its files) are left out.
fn scenario_section(lang: Lang, dir: &std::path::Path) -> String {
    let Some(run) = std::fs::read(dir.join("scenario.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
    else {
        return String::new();
    };
    let mut out = String::new();
    heading(&mut out, lang, "Scenario and levers");
    let description = text(&run["scenario"]["description"]);
    if !description.is_empty() && description != "–" {
        let _ = writeln!(out, "<p>{}</p>", escape(&description));
    }
    let baseline = toml::from_str::<crate::scenario::Scenario>(BASELINE_TOML)
        .ok()
        .and_then(|b| serde_json::to_value(b).ok());
    let Some(baseline) = baseline else {
        return out;
    };
    let name = text(&run["scenario"]["name"]);
    let diff: Vec<Vec<String>> = crate::compare::lever_diff(&[Some(baseline), Some(run)])
        .into_iter()
        .filter(|d| {
            !d.key.starts_with("scenario.")
                || ["scenario.start", "scenario.end", "scenario.seed"].contains(&d.key.as_str())
        })
        .map(|d| {
            let mut row = vec![d.key];
            row.extend(
                d.values
                    .into_iter()
                    .map(|v| v.unwrap_or_else(|| "–".into())),
            );
            row
        })
        .collect();
    let file = "<code>scenarios/chengdu-baseline.toml</code>";
    if diff.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::En => format!(
                    "<p>Every lever and parameter is as in the shipped baseline ({file}).</p>"
                ),
                Lang::Zh => format!("<p>所有政策杠杆和参数与随附的基准情景（{file}）相同。</p>"),
            }
        );
    } else {
        let n = diff.len();
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::En => format!("<p>{n} key(s) differ from the shipped baseline ({file}):</p>"),
                Lang::Zh => format!("<p>与随附的基准情景（{file}）相比，有 {n} 个参数键不同：</p>"),
            }
        );
        out.push_str(&table(lang, &["key", "baseline", &name], &diff, 1));
    }
    out
}

/// The city's outlays by programme over the whole run (`summary.json`'s `policy_cost`):
/// mean and 90 % interval over the replicates.
fn policy_cost_section(lang: Lang, cost: &Value) -> String {
    let Some(by) = cost["by_programme"].as_object() else {
        return String::new();
    };
    let row = |name: &str, v: &Value| {
        vec![
            name.to_owned(),
            num(&v["mean"]),
            format!("{} – {}", num(&v["p05"]), num(&v["p95"])),
        ]
    };
    let mut rows: Vec<Vec<String>> = by.iter().map(|(k, v)| row(k, v)).collect();
    rows.push(row(tr(lang, "total"), &cost["total_yuan"]));
    let mut out = String::new();
    heading(&mut out, lang, "Policy cost");
    out.push_str(match lang {
        Lang::En => {
            "<p>What the city spends on each programme from the start to the end of the run, \
             in yuan (docs/MODEL.md §11).</p>\n"
        }
        Lang::Zh => {
            "<p>从模拟开始到结束，城市在各项目上的支出，单位为元（docs/MODEL.md §11）。</p>\n"
        }
    });
    out.push_str(&table(
        lang,
        &["programme", "outlay (mean)", "90 % interval"],
        &rows,
        1,
    ));
    out
}

/// The posterior's parameter sets the replicates ran (`summary.json`'s `posterior` and
/// `replicate_parameters`), so that a reader sees the intervals cover the parameters' spread
/// as well as the seeds': per parameter, the range of values drawn; empty without a
/// posterior.
fn parameter_sets_section(lang: Lang, s: &Value) -> String {
    let Some(posterior) = s["posterior"].as_object() else {
        return String::new();
    };
    let drawn = s["replicate_parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut rows_used: Vec<u64> = drawn.iter().filter_map(|r| r["row"].as_u64()).collect();
    rows_used.sort_unstable();
    rows_used.dedup();
    let (file, rows, sets, replicates, per_set) = (
        escape(&text(&posterior["file"])),
        posterior["rows"].as_u64().unwrap_or(0),
        rows_used.len(),
        drawn.len(),
        s["seeds_per_set"].as_u64().unwrap_or(1),
    );
    let mut out = String::new();
    heading(&mut out, lang, "Parameter sets");
    let _ = writeln!(
        out,
        "{}",
        match lang {
            Lang::En => format!(
                "<p>Each replicate ran one parameter set drawn from the posterior \
                 <code>{file}</code> ({rows} rows; docs/MODEL.md §17): {sets} distinct set(s) \
                 over {replicates} replicate(s), {per_set} replicate(s) per set. The intervals \
                 above cover both the parameter sets and the seeds.</p>"
            ),
            Lang::Zh => format!(
                "<p>每次重复使用从后验分布 <code>{file}</code>（{rows} 行；docs/MODEL.md §17）\
                 抽取的一组参数：{replicates} 次重复共 {sets} 组不同参数，每组 {per_set} 次重复。\
                 上面的区间同时涵盖参数组和随机种子带来的不确定性。</p>"
            ),
        }
    );
    let set_here: Vec<String> = posterior["set_by_scenario"]
        .as_array()
        .into_iter()
        .flatten()
        .map(text)
        .collect();
    if !set_here.is_empty() {
        let keys = escape(&set_here.join(", "));
        let _ = writeln!(
            out,
            "{}",
            match lang {
                Lang::En => format!("<p>Set by the scenario file, so not drawn: {keys}.</p>"),
                Lang::Zh => format!("<p>由情景文件设定、因此不抽取的参数：{keys}。</p>"),
            }
        );
    }
    let keys: Vec<String> = posterior["keys"]
        .as_array()
        .into_iter()
        .flatten()
        .map(text)
        .filter(|k| !set_here.contains(k))
        .collect();
    let rows: Vec<Vec<String>> = keys
        .iter()
        .map(|k| {
            let values: Vec<f64> = drawn
                .iter()
                .filter_map(|r| r["values"][k.as_str()].as_f64())
                .collect();
            let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let range = if lo.is_finite() {
                format!("{} – {}", fmt_value(lo), fmt_value(hi))
            } else {
                "–".to_owned()
            };
            vec![k.clone(), range]
        })
        .collect();
    out.push_str(&table(
        lang,
        &["parameter", "values drawn (min – max)"],
        &rows,
        1,
    ));
    out
}

/// The report of a sweep folder.
pub fn sweep_report(sweep: &SweepFolder, drawn: &[Drawn], lang: Lang) -> String {
    let m = &sweep.manifest;
    let (name, file, design, points, replicates, runs) = (
        escape(&m.sweep),
        escape(&m.scenario_file),
        format!("{:?}", m.design),
        m.points,
        m.replicates,
        m.runs,
    );
    let mut body = match lang {
        Lang::En => format!(
            "<p>Sweep <b>{name}</b> of {file}: design {design}, {points} point(s) × \
             {replicates} replicate(s) = {runs} runs.</p>\n"
        ),
        Lang::Zh => format!(
            "<p>参数扫描 <b>{name}</b>（情景 {file}）：设计 {design}，{points} 个参数点 × \
             {replicates} 次重复 = {runs} 次运行。</p>\n"
        ),
    };
    heading(&mut body, lang, "Points");
    body.push_str(match lang {
        Lang::En => {
            "<p>Mean over replicates of each KPI, and the share of replicates meeting each \
             target.</p>\n"
        }
        Lang::Zh => "<p>各指标在重复运行上的均值，以及达成各目标的重复运行所占比例。</p>\n",
    });
    let shown: Vec<usize> = (0..sweep.header.len())
        .filter(|&i| {
            let h = &sweep.header[i];
            !h.ends_with("_p05") && !h.ends_with("_p95")
        })
        .collect();
    let header: Vec<&str> = shown.iter().map(|&i| sweep.header[i].as_str()).collect();
    let rows: Vec<Vec<String>> = sweep
        .rows
        .iter()
        .map(|r| {
            shown
                .iter()
                .map(|&i| {
                    r[i].parse::<f64>()
                        .map_or_else(|_| r[i].clone(), sweep_cell)
                })
                .collect()
        })
        .collect();
    body.push_str(&table(lang, &header, &rows, 0));
    // A sensitivity folder is a sweep folder with the indices and feasibility beside it.
    body.push_str(&csv_section(
        lang,
        &sweep.dir.join("sensitivity.csv"),
        "Sensitivity indices",
        match lang {
            Lang::En => {
                "Per KPI and lever: Morris μ* (mean absolute elementary effect) and σ, or Sobol \
                 S1 (first order) and ST (total), with bootstrap 90 % intervals (low, high) \
                 where defined (docs/MODEL.md §15.3)."
            }
            Lang::Zh => {
                "按指标和政策杠杆：Morris 法的 μ*（基本效应绝对值的均值）和 σ，或 Sobol 法的 S1（一阶）\
                 和 ST（总效应），以及可计算时的自助法 90 % 区间（low、high）（docs/MODEL.md §15.3）。"
            }
        },
    ));
    body.push_str(&csv_section(
        lang,
        &sweep.dir.join("feasibility.csv"),
        "Target feasibility",
        match lang {
            Lang::En => {
                "Per target: the share of explored points where it is met (p_met), the share of \
                 points where it is met reliably, and per lever the sub-range where it is met \
                 reliably (empty where no point is)."
            }
            Lang::Zh => {
                "按目标：在探索的参数点中达成目标的比例（p_met）、稳定达成的比例，以及每个政策杠杆上\
                 稳定达成目标的取值范围（没有这样的参数点时为空）。"
            }
        },
    ));
    heading(&mut body, lang, "Charts");
    let flat = crate::chart::flat_columns(sweep);
    if !flat.is_empty() {
        let names: Vec<String> = flat
            .iter()
            .map(|c| c.trim_end_matches("_mean").to_owned())
            .collect();
        let (n, names) = (flat.len(), escape(&names.join(", ")));
        let _ = writeln!(
            body,
            "{}",
            match lang {
                Lang::En => format!(
                    "<p>Not charted: {n} column(s) that move across the points by less than the \
                     KPI's smallest meaningful difference (data/kpis.toml), have no value at \
                     any point, or are targets whose probability of being met does not move: \
                     {names}.</p>"
                ),
                Lang::Zh => format!(
                    "<p>未绘图：{n} 列在各参数点间的变化小于该指标的最小有意义差异\
                     （data/kpis.toml）、在所有参数点均无数值，或目标达成概率不变：{names}。</p>"
                ),
            }
        );
    }
    body.push_str(&charts(drawn));
    let footer = provenance(
        lang,
        &[
            ("sweep", m.sweep_file.clone()),
            ("sweep sha256", m.sweep_sha256.clone()),
            ("scenario", m.scenario_file.clone()),
            ("scenario sha256", m.scenario_sha256.clone()),
            ("master seed", m.master_seed.to_string()),
        ],
    );
    let title = match lang {
        Lang::En => format!("reformsim sweep: {}", m.sweep),
        Lang::Zh => format!("reformsim 参数扫描：{}", m.sweep),
    };
    page(lang, &title, &body, &footer)
}

/// A section with the table of a CSV file written beside the report, or nothing when the
/// file is absent or unreadable (the report still opens; the CSV is the record).
fn csv_section(lang: Lang, path: &std::path::Path, title: &str, intro: &str) -> String {
    let Ok(mut reader) = csv::Reader::from_path(path) else {
        return String::new();
    };
    let Ok(header) = reader.headers().cloned() else {
        return String::new();
    };
    let rows: Vec<Vec<String>> = reader
        .records()
        .filter_map(Result::ok)
        .map(|r| {
            r.iter()
                .map(|c| match c.parse::<f64>() {
                    Ok(v) if v.is_finite() => sweep_cell(v),
                    Ok(_) => "–".to_owned(),
                    Err(_) => c.to_owned(),
                })
                .collect()
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    // Leading text columns (KPI, parameter, target, lever) are left-aligned.
    let left = rows[0]
        .iter()
        .take_while(|c| c.parse::<f64>().is_err() && !unbreakable(c))
        .count();
    let header: Vec<&str> = header.iter().collect();
    let mut out = String::new();
    heading(&mut out, lang, title);
    let _ = writeln!(out, "<p>{}</p>", escape(intro));
    out.push_str(&table(lang, &header, &rows, left));
    out
}

/// A number of a sweep's points table: whole numbers (a point's index, a capacity, a
/// count) without decimals, the rest as `fmt_value`.
fn sweep_cell(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        fmt_value(v).trim_end_matches(".00").to_owned()
    } else {
        fmt_value(v)
    }
}

/// The report of a comparison folder.
pub fn comparison_report(c: &Comparison, drawn: &[Drawn], lang: Lang) -> String {
    let mut body = String::new();
    heading(&mut body, lang, "Scenarios");
    let rows: Vec<Vec<String>> = c
        .scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            vec![
                if i == 0 {
                    format!("{} ({})", s.name, tr(lang, "reference"))
                } else {
                    s.name.clone()
                },
                s.dir.clone(),
                s.seed.to_string(),
                s.replicates.to_string(),
                s.paired_replicates.to_string(),
            ]
        })
        .collect();
    body.push_str(&table(
        lang,
        &[
            "scenario",
            "run folder",
            "seed",
            "replicates",
            "paired with reference",
        ],
        &rows,
        2,
    ));
    for note in &c.notes {
        body.push_str(&format!(
            "<p><strong>{}:</strong> {}</p>\n",
            tr(lang, "Warning"),
            escape(note)
        ));
    }
    heading(&mut body, lang, "Levers that differ");
    if c.lever_diff.is_empty() {
        body.push_str(match lang {
            Lang::En => "<p>No lever differs (or the runs did not record scenario.json).</p>\n",
            Lang::Zh => "<p>没有不同的政策杠杆（或运行未记录 scenario.json）。</p>\n",
        });
    } else {
        let mut header = vec!["key"];
        header.extend(c.scenarios.iter().map(|s| s.name.as_str()));
        let rows: Vec<Vec<String>> = c
            .lever_diff
            .iter()
            .map(|d| {
                let mut r = vec![d.key.clone()];
                r.extend(
                    d.values
                        .iter()
                        .map(|v| v.clone().unwrap_or_else(|| "–".into())),
                );
                r
            })
            .collect();
        body.push_str(&table(lang, &header, &rows, 1));
    }
    heading(&mut body, lang, "Effects against the reference");
    body.push_str(match lang {
        Lang::En => {
            "<p>Paired difference (scenario − reference, replicate k against replicate k) \
             with its 90 % interval; cost per unit is the difference in the city's cumulative \
             outlays divided by the KPI difference.</p>\n"
        }
        Lang::Zh => {
            "<p>配对差值（情景 − 参照，第 k 次重复对第 k 次重复）及其 90 % 区间；每单位成本为城市\
             累计支出之差除以指标之差。</p>\n"
        }
    });
    let opt = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), fmt_value);
    let rows: Vec<Vec<String>> = c
        .rows
        .iter()
        .map(|r| {
            vec![
                r.figure.clone(),
                kpi_cell(lang, &r.kpi),
                r.date.to_string(),
                r.scenario.clone(),
                format!("{} {}", fmt_value(r.mean), r.unit),
                match (r.diff_mean, r.diff_p05, r.diff_p95) {
                    (Some(m), Some(a), Some(b)) => status(
                        r.diff_excludes_zero,
                        &format!("{} ({} – {})", fmt_value(m), fmt_value(a), fmt_value(b)),
                    ),
                    _ => tr(lang, "reference").into(),
                },
                r.p_met
                    .map_or_else(|| "–".into(), |p| format!("{:.0} %", p * 100.0)),
                opt(r.yuan_per_unit),
                match r.diff_meaningful {
                    Some(true) => tr(lang, "yes").into(),
                    Some(false) => tr(lang, "no").into(),
                    None => "–".into(),
                },
                match (r.variance_parameters, r.variance_seeds) {
                    (Some(p), Some(s)) if p + s > 0.0 => format!("{:.0} %", 100.0 * p / (p + s)),
                    _ => "–".into(),
                },
            ]
        })
        .collect();
    body.push_str(match lang {
        Lang::En => {
            "<p>“Matters” says whether the mean difference reaches the KPI's smallest \
             meaningful difference (data/kpis.toml). “From parameters” is the share of the \
             difference's variance that the posterior's parameter sets cause, the rest being \
             the seeds' (runs with <code>--seeds-per-set</code> 2 or more): a high share means \
             more data, not more replicates, would narrow the interval.</p>\n"
        }
        Lang::Zh => {
            "<p>“有实际意义”表示均值差是否达到该指标的最小有意义差异（data/kpis.toml）。\
             “来自参数”是差值方差中由后验参数组造成的比例，其余来自随机种子（需以 \
             <code>--seeds-per-set</code> 2 或以上运行）：比例高说明需要更多数据而不是更多重复\
             才能缩小区间。</p>\n"
        }
    });
    body.push_str(&table(
        lang,
        &[
            "figure",
            "KPI",
            "date",
            "scenario",
            "mean",
            "difference (90 % interval)",
            "P(target met)",
            "yuan per unit",
            "matters",
            "from parameters",
        ],
        &rows,
        4,
    ));
    heading(&mut body, lang, "Charts");
    body.push_str(&charts(drawn));
    let mut items = Vec::new();
    for s in &c.scenarios {
        items.push((
            s.name.as_str(),
            format!(
                "{} sha256 {} seed {}",
                s.scenario_file, s.scenario_sha256, s.seed
            ),
        ));
    }
    let items: Vec<(&str, String)> = items;
    let title = match lang {
        Lang::En => "reformsim comparison",
        Lang::Zh => "reformsim 情景比较",
    };
    page(lang, title, &body, &provenance(lang, &items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_get_ids_and_a_table_of_contents() {
        let (toc, body) = with_contents(
            Lang::En,
            "<p>a</p><h2>One</h2><p>b</p><h2>Two &amp; three</h2>",
        );
        assert_eq!(
            body,
            "<p>a</p><h2 id=\"s1\">One</h2><p>b</p><h2 id=\"s2\">Two &amp; three</h2>"
        );
        assert!(toc.contains(
            "<li><a href=\"#s1\">One</a></li><li><a href=\"#s2\">Two &amp; three</a></li>"
        ));
        // One heading needs no contents.
        assert_eq!(with_contents(Lang::En, "<h2>Only</h2>").0, "");
    }

    #[test]
    fn dates_numbers_and_intervals_stay_on_one_line() {
        for cell in ["2024-11-13", "11,937", "4.31 – 4.31", "±0.5 pp", "-0.25 %"] {
            assert!(unbreakable(cell), "{cell}");
        }
        for cell in ["", "construction: levers.market", "fit", "likely met"] {
            assert!(!unbreakable(cell), "{cell}");
        }
    }

    #[test]
    fn sweep_cells_show_whole_numbers_without_decimals() {
        assert_eq!(sweep_cell(3.0), "3");
        assert_eq!(sweep_cell(12000.0), "12,000");
        assert_eq!(sweep_cell(2.5), "2.50");
        assert_eq!(sweep_cell(0.0), "0");
    }

    #[test]
    fn escapes_markup() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
