//! The model's vocabulary: firm components, the settings systems read, and the state the
//! campaign, triage and departments keep. Behaviour lives in `crate::systems`.

mod components;
mod demography;
mod funds;
mod innovation;
mod land;
mod ledger;
mod market;
mod population;
mod projects;
mod resources;

pub use components::*;
pub use demography::*;
pub use funds::*;
pub use innovation::*;
pub use land::*;
pub use ledger::*;
pub use market::*;
pub(crate) use population::place_in_park;
pub use population::{FirmTemplate, draw_visit_lists, spawn_population};
pub use projects::*;
pub use resources::*;

/// 四直 service tier of a firm (FACTS A8). `Other` firms are below the designated size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Tier {
    Leading = 0,
    Key = 1,
    AboveScale = 2,
    Other = 3,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Leading, Tier::Key, Tier::AboveScale, Tier::Other];

    pub fn index(self) -> usize {
        self as usize
    }

    /// Above designated size (规上): counted in above-scale industrial value added (A12).
    pub fn is_above_scale(self) -> bool {
        self != Tier::Other
    }

    pub fn name(self) -> &'static str {
        ["leading", "key", "above_scale", "other"][self.index()]
    }
}

/// Category of a firm's problem or demand (FACTS A6 and the briefing's land, finance and
/// approval themes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Category {
    Market = 0,
    Cost = 1,
    Scenario = 2,
    Platform = 3,
    Finance = 4,
    Land = 5,
    Approvals = 6,
}

/// Number of problem categories.
pub const CATEGORIES: usize = 7;

impl Category {
    pub const ALL: [Category; CATEGORIES] = [
        Category::Market,
        Category::Cost,
        Category::Scenario,
        Category::Platform,
        Category::Finance,
        Category::Land,
        Category::Approvals,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        [
            "market",
            "cost",
            "scenario",
            "platform",
            "finance",
            "land",
            "approvals",
        ][self.index()]
    }

    pub fn from_name(name: crate::scenario::CategoryName) -> Category {
        use crate::scenario::CategoryName as N;
        match name {
            N::Market => Category::Market,
            N::Cost => Category::Cost,
            N::Scenario => Category::Scenario,
            N::Platform => Category::Platform,
            N::Finance => Category::Finance,
            N::Land => Category::Land,
            N::Approvals => Category::Approvals,
        }
    }
}
