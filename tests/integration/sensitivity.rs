//! `reformsim sensitivity`: Sobol and Morris indices of the model's KPIs over swept levers,
//! through the sweep machinery. The estimators themselves are verified on the Ishigami
//! function in `src/sensitivity/`.

use crate::common;

use assert_cmd::Command;

fn reformsim() -> Command {
    let mut c = Command::cargo_bin("reformsim").unwrap();
    c.current_dir(common::root());
    c
}

/// (parameter, index) → estimate for one KPI column of sensitivity.csv.
fn indices(csv: &str, kpi: &str) -> Vec<(String, String, f64, f64, f64)> {
    csv.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0] == kpi).then(|| {
                let num = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
                (
                    f[1].to_owned(),
                    f[2].to_owned(),
                    num(f[3]),
                    num(f[4]),
                    num(f[5]),
                )
            })
        })
        .collect()
}

#[test]
fn visit_capacity_not_triage_decides_how_many_firms_are_visited() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("tests/data/small-sensitivity.toml"))
        .unwrap()
        .replace(
            "\"small-city.toml\"",
            &format!("{:?}", common::root().join("tests/data/small-city.toml")),
        );
    for design in ["saltelli", "morris"] {
        let file = tmp.path().join(format!("small-sensitivity-{design}.toml"));
        std::fs::write(
            &file,
            text.replace("design = \"saltelli\"", &format!("design = \"{design}\"")),
        )
        .unwrap();
        let out = tmp.path().join(design);
        reformsim()
            .arg("sensitivity")
            .arg(&file)
            .args(["--quiet", "--resamples", "100", "--out"])
            .arg(&out)
            .assert()
            .success();
        let csv = std::fs::read_to_string(out.join("sensitivity.csv")).unwrap();
        let got = indices(&csv, "firms_visited@2024-11-13");
        let find = |p: &str, i: &str| {
            got.iter()
                .find(|r| r.0 == p && r.1 == i)
                .unwrap_or_else(|| panic!("{design}: no {i} for {p} in\n{csv}"))
                .clone()
        };
        let (visits, triage) = if design == "saltelli" {
            (
                find("levers.campaign.visits_per_day.other", "ST"),
                find("levers.triage.delay_days", "ST"),
            )
        } else {
            (
                find("levers.campaign.visits_per_day.other", "mu_star"),
                find("levers.triage.delay_days", "mu_star"),
            )
        };
        // Triage happens after a visit; it changes how many firms are visited only through
        // the few firms that close with problems unresolved (§14): next to nothing.
        assert!(
            triage.2.abs() < 0.01 * visits.2,
            "{design}: {triage:?} vs {visits:?}"
        );
        // Visit capacity explains most of the variance (Sobol), or has a clear effect (Morris).
        let floor = if design == "saltelli" { 0.5 } else { 1.0 };
        assert!(visits.2 > floor, "{design}: {visits:?}");
        assert!(
            visits.3 <= visits.2 && visits.2 <= visits.4,
            "{design}: {visits:?}"
        );
        // The same inputs give the same bytes (the runs and the bootstrap are seeded).
        let again = tmp.path().join(format!("{design}-again"));
        reformsim()
            .arg("sensitivity")
            .arg(&file)
            .args(["--quiet", "--resamples", "100", "--jobs", "1", "--out"])
            .arg(&again)
            .assert()
            .success();
        assert_eq!(
            std::fs::read(out.join("sensitivity.csv")).unwrap(),
            std::fs::read(again.join("sensitivity.csv")).unwrap()
        );
    }
}

#[test]
fn sensitivity_refuses_a_design_it_cannot_analyse() {
    reformsim()
        .args(["sensitivity", "tests/data/small-sweep.toml", "--plan"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("sweep.design"));
}

#[test]
fn feasibility_and_index_charts_follow_the_points_table() {
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(common::root().join("tests/data/small-sensitivity.toml"))
        .unwrap()
        .replace(
            "\"small-city.toml\"",
            &format!("{:?}", common::root().join("tests/data/small-city.toml")),
        )
        .replace("design = \"saltelli\"", "design = \"morris\"");
    let file = tmp.path().join("small-morris.toml");
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    reformsim()
        .arg("sensitivity")
        .arg(&file)
        .args(["--resamples", "50", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicates::str::contains("Target feasibility"));
    assert!(out.join("workbook.xlsx").is_file(), "sensitivity workbook");
    // The report shows both tables: the indices with their intervals, and feasibility.
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    for section in [
        "<h2 id=\"s2\">Sensitivity indices</h2>",
        "<h2 id=\"s3\">Target feasibility</h2>",
    ] {
        assert!(report.contains(section), "{section} in the report");
    }
    assert!(
        report
            .contains("<td class=\"l\">levers.triage.delay_days</td><td class=\"l\">mu_star</td>"),
        "a μ* row in the indices table"
    );
    // Every p_met_ column of points.csv gives one row per lever, by the documented rule.
    let mut points = csv::Reader::from_path(out.join("points.csv")).unwrap();
    let header: Vec<String> = points
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows: Vec<Vec<String>> = points
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let num = |r: &Vec<String>, c: usize| r[c].parse::<f64>().unwrap_or(f64::NAN);
    let levers = [
        "levers.campaign.visits_per_day.other",
        "levers.triage.delay_days",
    ];
    let targets: Vec<&str> = header
        .iter()
        .filter_map(|h| h.strip_prefix("p_met_"))
        .collect();
    assert!(!targets.is_empty(), "no target in {header:?}");
    let mut feas = csv::Reader::from_path(out.join("feasibility.csv")).unwrap();
    let got: Vec<csv::StringRecord> = feas.records().map(Result::unwrap).collect();
    assert_eq!(got.len(), targets.len() * levers.len());
    for (i, t) in targets.iter().enumerate() {
        let p = col(&format!("p_met_{t}"));
        let reliable: Vec<&Vec<String>> = rows.iter().filter(|r| num(r, p) >= 0.8).collect();
        let mean = rows.iter().map(|r| num(r, p)).sum::<f64>() / rows.len() as f64;
        for (j, lever) in levers.iter().enumerate() {
            let r = &got[i * levers.len() + j];
            assert_eq!((&r[0], &r[4]), (*t, *lever));
            assert!((r[2].parse::<f64>().unwrap() - mean).abs() < 1e-9, "{r:?}");
            let share = reliable.len() as f64 / rows.len() as f64;
            assert!((r[3].parse::<f64>().unwrap() - share).abs() < 1e-9, "{r:?}");
            let c = col(lever);
            let lo = reliable
                .iter()
                .map(|x| num(x, c))
                .fold(f64::INFINITY, f64::min);
            let hi = reliable
                .iter()
                .map(|x| num(x, c))
                .fold(f64::NEG_INFINITY, f64::max);
            if reliable.is_empty() {
                assert_eq!((&r[7], &r[8]), ("", ""), "{r:?}");
            } else {
                assert_eq!(r[7].parse::<f64>().unwrap(), lo, "{r:?}");
                assert_eq!(r[8].parse::<f64>().unwrap(), hi, "{r:?}");
            }
        }
    }
    // The index bar charts of the KPIs planners ask about (here the resolution rate; growth is
    // undefined in a city that starts in June), drawn by sensitivity and redrawn by chart.
    let chart = out.join("charts/indices_resolution_rate_2024_11_13.svg");
    let svg = std::fs::read_to_string(&chart).unwrap();
    assert!(
        svg.contains("levers.triage.delay_days"),
        "lever labels missing"
    );
    std::fs::remove_file(&chart).unwrap();
    reformsim()
        .arg("chart")
        .arg(&out)
        .args(["--quiet", "--lang", "zh"])
        .assert()
        .success();
    // Redrawn in Chinese: title, axes and legend, the lever keys as written.
    let svg = std::fs::read_to_string(&chart).unwrap();
    for words in [
        "哪些政策杠杆影响",
        "政策杠杆",
        "μ*（基本效应绝对值的均值）",
        "levers.triage.delay_days",
    ] {
        assert!(svg.contains(words), "{words} in the Chinese index chart");
    }
    assert!(
        std::fs::read_to_string(out.join("report.html"))
            .unwrap()
            .contains("<h2 id=\"s2\">敏感性指数</h2>"),
        "the Chinese report's index table"
    );
    assert!(
        std::fs::read_to_string(out.join("report.html"))
            .unwrap()
            .contains("indices_resolution_rate")
    );
    // A Morris or Saltelli folder gets index charts only: no straight-line tornado or
    // heatmap through its points to contradict μ* and S1.
    for entry in std::fs::read_dir(out.join("charts")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name.starts_with("indices_"),
            "{name} in a sensitivity folder"
        );
    }
}
