//! Batch sweeps: many variants of a base scenario (a design over key paths) with
//! replicates, run in parallel, streamed to disk in run-id order, resumable, and
//! shardable across a cluster (`merge` joins the shards into the same bytes).

mod design;
mod execute;
pub mod keypath;
mod manifest;
mod merge;
pub mod sobol;
pub mod spec;
mod table;

pub use design::{Designer, permute};
pub use execute::{Options, Outcome, Progress, execute};
pub use manifest::{Manifest, Shard};
pub use merge::merge;
pub use sobol::Sobol;
pub use spec::{Design, MAX_RUNS, MORRIS_LEVELS, Parameter, Sweep, apply, load, number};
pub use table::Columns;
