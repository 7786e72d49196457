//! `reformsim sensitivity`: Sobol and Morris indices of the model's KPIs over swept levers,
//! through the sweep machinery. The estimators themselves are verified on the Ishigami
//! function in `src/sensitivity/`.

mod common;

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
