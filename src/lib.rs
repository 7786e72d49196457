//! reformsim: an agent-based simulation of city reform scenarios on bevy_ecs.
//!
//! Layout: `scenario` (files → typed, validated config), `seeds` (the briefing's figures),
//! `model` (components and resources), `systems` (one behaviour per file, run daily in a
//! fixed order), `engine` (world building and stepping), `metrics` (daily KPIs), `report`
//! (calibration and target-gap tables), `costs` (policy cost per programme and per unit),
//! `output` (files written whole or not at all), `results_folder` (the marker, lock and
//! `--force` rule of every folder reformsim writes), `memory` (refusing work too large for the
//! machine), `sweep` (batches of runs), `sensitivity` (Sobol and Morris indices), `folders`
//! (reading output folders back), `chart` (PNG and SVG charts), `compare` (paired scenario
//! comparison), `html` (report.html), `calibrate` (fitting parameters to observed figures),
//! `cli`.

pub mod calibrate;
pub mod chart;
pub mod cli;
pub mod compare;
pub mod costs;
pub mod date;
pub mod doc_tables;
pub mod engine;
pub mod folders;
pub mod html;
pub mod input;
pub mod kpi_catalogue;
pub mod math;
pub mod memory;
pub mod metrics;
pub mod model;
pub mod output;
pub mod posterior;
pub mod priors;
/// The reference loop (benches/reference): the core firm update as a plain struct-of-arrays
/// loop, the yardstick of `reformsim bench`.
#[path = "../benches/reference/mod.rs"]
pub mod reference;
pub mod report;
pub mod results_folder;
pub mod rng;
pub mod scenario;
pub mod seeds;
pub mod sensitivity;
pub mod sweep;
pub mod systems;
pub mod workbook;
