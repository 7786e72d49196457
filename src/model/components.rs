//! Firm components. Hot fields that the daily loops write sit together in `FirmState`;
//! attributes fixed at creation sit in `FirmProfile`, which the loops only read
//! (PERF-NOTES: one wide hot component beats many small ones by 2–3×).

use bevy_ecs::prelude::*;

use super::{CATEGORIES, Category, Tier};

/// Stable firm id: the key of every random stream and of every ordering. Never use `Entity`
/// for either (its index depends on spawn history, not on the scenario).
#[derive(Component, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FirmId(pub u32);

/// What a firm is; set when it is created.
#[derive(Component, Clone, Debug)]
pub struct FirmProfile {
    pub tier: Tier,
    /// Index into the scenario's `population.chains` (sorted by name).
    pub chain: u8,
    /// Index into the scenario's `population.ownership` (sorted by name).
    pub ownership: u8,
    /// District or county, 0-based (FACTS A14: 23 of them).
    pub district: u8,
    /// Value added per day at the start of the run, yuan per day.
    pub base_value_added: f64,
    /// Standard deviation of the firm's daily log shock: smaller for larger firms (§3.6).
    /// f32 fills the padding after the four bytes above, so the row stays 16 bytes.
    pub shock_sd_per_day: f32,
}

/// Marks a firm of an above-scale tier (leading, key, above-scale), set at creation and
/// moved by the yearly revision of the list (小升规, `systems::tier_list`). It puts these firms in a table of
/// their own, so the loops over above-scale firms alone (`transform_firms`) do not walk the
/// other two thirds of the city.
#[derive(Component, Clone, Copy, Debug, Default)]
pub struct AboveScale;

/// What changes about a firm day by day.
#[derive(Component, Clone, Debug)]
pub struct FirmState {
    /// Log of output relative to `base_value_added`.
    pub log_level: f64,
    /// Extra growth from the firm's capabilities, log points per day.
    pub growth_bonus_per_day: f64,
    /// Financing (fund equity, grants, loans) the firm has yet to invest, yuan.
    pub finance_to_invest: i64,
    /// Open problems the government does not yet know of, per category.
    pub latent: [u8; CATEGORIES],
    /// Open problems that are tickets with a department, per category.
    pub ticketed: [u8; CATEGORIES],
    /// Set by a visit that found nothing to report (无事不扰); production charges its cost.
    pub disturbed_today: bool,
    /// Visited at least once by the campaign.
    pub visited: bool,
    /// Log of the output its land and floor space support at full use, relative to
    /// `base_value_added` (same scale as `log_level`). While `log_level` is at or above it the
    /// firm cannot expand: production drops the trend from its growth. Infinite for a firm
    /// outside the parks, which is never short of space.
    pub space_log_cap: f64,
    /// Value added since 1 January (or the firm's start), whole yuan, orders included: the
    /// size the above-scale list is revised by each 1 January, and the comparable-firm base
    /// of `value_added_growth_ytd` (`systems::tier_list`).
    pub value_added_ytd: i64,
}

impl Default for FirmState {
    fn default() -> Self {
        FirmState {
            log_level: 0.0,
            growth_bonus_per_day: 0.0,
            finance_to_invest: 0,
            latent: [0; CATEGORIES],
            ticketed: [0; CATEGORIES],
            disturbed_today: false,
            visited: false,
            space_log_cap: f64::INFINITY,
            value_added_ytd: 0,
        }
    }
}

/// Park marker for a firm outside every park.
pub const NO_PARK: u16 = u16::MAX;

/// A firm's park, land and floor space (cold data: the land systems read it, the production
/// loop does not).
#[derive(Component, Clone, Debug)]
pub struct FirmLand {
    /// Index into `Parks::list`, or `NO_PARK`.
    pub park: u16,
    /// Land held in the park, in thousandths of a mu (integers, so land is conserved exactly).
    pub land_milli_mu: u64,
    /// Standard-factory floor space occupied, m².
    pub floor_m2: u64,
    /// A request for more space is waiting in the park's queue.
    pub pending: bool,
}

impl FirmLand {
    pub fn outside() -> FirmLand {
        FirmLand {
            park: NO_PARK,
            land_milli_mu: 0,
            floor_m2: 0,
            pending: false,
        }
    }
}

impl FirmState {
    /// All open problems, known or not: what drags on growth.
    #[inline]
    pub fn open_problems(&self) -> u32 {
        problem_count(&self.latent, &self.ticketed)
    }

    /// Open problems the government does not yet know of.
    #[inline]
    pub fn latent_problems(&self) -> u32 {
        problem_count(&self.latent, &[0; CATEGORIES])
    }

    /// An open land or finance problem holds investment back.
    #[inline]
    pub fn investment_blocked(&self) -> bool {
        let (f, l) = (Category::Finance.index(), Category::Land.index());
        (self.latent[f] | self.ticketed[f] | self.latent[l] | self.ticketed[l]) != 0
    }
}

/// The sum of two per-category counts. Each count array is read as one 64-bit word and
/// the bytes are added a word at a time (pairs of bytes into 16-bit lanes, then the lanes
/// by one multiplication): the hot loops take these sums for every firm and day, and a byte
/// at a time they were fourteen loads and adds.
#[inline]
pub fn problem_count(a: &[u8; CATEGORIES], b: &[u8; CATEGORIES]) -> u32 {
    const BYTES: u64 = 0x00FF_00FF_00FF_00FF;
    let word = |counts: &[u8; CATEGORIES]| {
        let mut bytes = [0u8; 8];
        bytes[..CATEGORIES].copy_from_slice(counts);
        u64::from_le_bytes(bytes)
    };
    let (a, b) = (word(a), word(b));
    // Four 16-bit lanes, each at most 4 · 255 = 1,020: no lane overflows into the next.
    let lanes = (a & BYTES) + ((a >> 8) & BYTES) + (b & BYTES) + ((b >> 8) & BYTES);
    // The multiplication adds all four lanes into the top one (at most 4,080).
    (lanes.wrapping_mul(0x0001_0001_0001_0001) >> 48) as u32
}

const _: () = assert!(
    CATEGORIES <= 8,
    "problem_count reads each count array as one word"
);

/// Digital-transformation stage of a firm (智改数转, FACTS B11).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum DigitalStage {
    /// Not covered by 智改数转 yet.
    #[default]
    None,
    /// Diagnosed and covered; projects under way.
    Transforming,
    /// Runs a digital workshop.
    Workshop,
    /// Runs a smart factory.
    SmartFactory,
}

/// What a firm has built up: R&D institution, digital stage, green recognition (FACTS
/// B11–B13). Changes rarely, so it lives apart from the hot `FirmState`.
#[derive(Component, Clone, Debug, Default)]
pub struct Capabilities {
    pub rd_institution: bool,
    pub stage: DigitalStage,
    pub green: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problem_counts_add_up_a_word_at_a_time() {
        let naive = |a: &[u8; CATEGORIES], b: &[u8; CATEGORIES]| -> u32 {
            a.iter().chain(b).map(|&n| u32::from(n)).sum()
        };
        let cases = [
            ([0; CATEGORIES], [0; CATEGORIES]),
            ([255; CATEGORIES], [255; CATEGORIES]),
            ([1, 2, 3, 4, 5, 6, 7], [7, 6, 5, 4, 3, 2, 1]),
            ([255, 0, 255, 0, 255, 0, 255], [0, 255, 0, 255, 0, 255, 0]),
            ([0, 0, 0, 0, 0, 0, 200], [9, 0, 0, 0, 0, 0, 0]),
        ];
        for (a, b) in cases {
            assert_eq!(problem_count(&a, &b), naive(&a, &b), "{a:?} {b:?}");
        }
        let state = FirmState {
            latent: [3, 0, 0, 0, 0, 0, 1],
            ticketed: [0, 2, 0, 0, 0, 0, 0],
            ..Default::default()
        };
        assert_eq!((state.open_problems(), state.latent_problems()), (6, 4));
    }
}
