//! Campaigns against arrears owed to firms and against illegal fees and fines (FACTS B19).
//! The briefing says they run regularly but gives no figure, so their effect is an
//! assumption (docs/MODEL.md): arrears repaid ease the cash strain of open finance problems,
//! and fees stopped ease the strain of open cost problems. They act through `FeeRelief`,
//! which production (growth drag) and the exit clocks (exit risk) read.

use bevy_ecs::prelude::*;

use crate::model::{FeeRelief, Ledger, MarketSettings, Programme};

// Book the day's campaign outlay and publish today's relief.
pub fn run_fee_campaigns(
    settings: Res<MarketSettings>,
    mut relief: ResMut<FeeRelief>,
    mut ledger: ResMut<Ledger>,
) {
    ledger.book(Programme::FeeCampaigns, settings.fee_cost_per_day);
    // Only write on a change (a timeline), so the resource is not marked changed daily.
    if *relief != settings.relief {
        *relief = settings.relief;
    }
}
