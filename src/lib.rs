//! reformsim: an agent-based simulation of city reform scenarios on bevy_ecs.
//!
//! Layout: `scenario` (files → typed, validated config), `seeds` (the briefing's figures),
//! `model` (components and resources), `systems` (one behaviour per file, run daily in a
//! fixed order), `engine` (world building and stepping), `metrics` (daily KPIs), `report`
//! (calibration and target-gap tables), `costs` (policy cost per programme and per unit), `output` (files written whole or not at all), `folders` (reading output folders back),
//! `chart` (PNG and SVG charts), `compare` (paired scenario comparison), `html` (report.html),
//! `cli`.

pub mod chart;
pub mod cli;
pub mod compare;
pub mod costs;
pub mod date;
pub mod engine;
pub mod folders;
pub mod html;
pub mod input;
pub mod metrics;
pub mod model;
pub mod output;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod seeds;
pub mod sweep;
pub mod systems;
