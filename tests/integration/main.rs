//! The integration tests, in one binary: each file below was a test binary of its own, and
//! linking fifteen binaries with thin LTO took most of the time of `cargo test --release`.

mod calibrate;
mod calibration;
mod charts;
mod cli;
mod common;
mod compare;
mod data_safety;
mod funds;
mod fuzz_inputs;
mod market;
mod memory_estimate;
mod model;
mod outputs;
mod posterior;
mod priors;
mod projects;
mod reference;
mod reliability;
mod roles;
mod sensitivity;
mod sweep;
mod systems;
mod tier_list;
