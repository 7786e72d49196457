//! Deterministic random streams.
//!
//! Every random draw in a run comes from a stream keyed by `(run seed, purpose, stable id,
//! day)`. A stream does not depend on which thread runs it or in which order entities are
//! visited, so a run gives the same bytes on 1 or N threads. The generator is SplitMix64:
//! 8 bytes of state, a few ns per draw, and it passes BigCrush, which is plenty for a
//! simulation (it is not for cryptography).

use std::convert::Infallible;

use rand::TryRng;

/// What a stream is for. Each purpose gets its own streams, so adding draws to one behaviour
/// never shifts the draws of another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Firm attributes at creation (tier-independent draws: chain, ownership, size, ...).
    Population = 1,
    /// Problems arising and firms solving them on their own, per firm and day.
    Problems = 2,
    /// Daily production shock, per firm and day.
    Production = 3,
    /// Order of the campaign's visit list, per firm.
    VisitOrder = 4,
    /// Service time of a ticket, per ticket.
    Service = 6,
    /// Whether a resolved ticket is re-visited and how satisfied the firm is, per ticket.
    Revisit = 7,
    /// Seeds of replicates, per replicate index.
    Replicate = 8,
    /// R&D institutions, digital stage and green recognition at creation, per firm.
    Capabilities = 20,
    /// Innovation and transformation steps, per firm and day.
    Innovation = 21,
    /// A firm's park and initial land or floor space, per firm.
    Land = 9,
    /// The supply mode of a firm's request for space, per firm and day.
    LandRequest = 10,
    /// Fund deal selection keys (chain fund, S fund), per firm and round day.
    FundDeals = 30,
    /// 先投后股 grant selection key, per firm and round day.
    Grants = 31,
    /// Whether a firm takes a 积分贷 loan, per firm and round day.
    Loans = 32,
    /// Whether a borrower defaults, per firm and payment day.
    LoanDefaults = 33,
    /// Sampled sweep design points, per point and parameter (`sweep::design`).
    SweepDesign = 40,
    /// Bootstrap resamples and Morris trajectories, per resample or trajectory
    /// (`sensitivity`).
    Sensitivity = 41,
    /// Who attends a matchmaking event and what orders they sign, per event id and day.
    Matchmaking = 34,
    /// Which firms the policy-push platform reaches, per day (id 0).
    PolicyPush = 35,
    /// Whether a reached firm takes the benefit up and whether it settles a problem, per
    /// firm and day.
    PolicyTakeup = 36,
    /// A firm's exit clock, per firm (day 0).
    Exit = 37,
    /// Projects signed: how many on a day (id 0), and the size, firm and waits of the k-th
    /// signed that day (id k + 1). Days before the run count back from `u32::MAX`.
    Projects = 38,
    /// Whether a resolved ticket left its problem unsolved, per ticket (day 0).
    Resolution = 39,
    /// ABC prior draws, per draw index (`calibrate --method abc`).
    Abc = 42,
    /// Which posterior row a replicate runs, per replicate seed (`[scenario] posterior`).
    Posterior = 43,
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a strong 64-bit mixer.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A 64-bit key for `(seed, purpose, id, day)`; each field is mixed in turn so that nearby
/// ids and days give unrelated keys. The day is mixed before the id, so that a loop over
/// the firms on one day mixes what they share once (`day_prefix`) and each firm's key costs
/// one `mix64` (mixing the id first cost two, in each of the three walks over all firms
/// that draw numbers every day).
#[inline]
pub fn stream_key(seed: u64, purpose: Purpose, id: u64, day: u32) -> u64 {
    key_from_day_prefix(day_prefix(stream_prefix(seed, purpose), day), id)
}

/// The part of a stream key that depends only on `(seed, purpose)`: systems compute it once
/// per day and key each firm's stream with `StreamRng::from_prefix`.
#[inline]
pub fn stream_prefix(seed: u64, purpose: Purpose) -> u64 {
    mix64(mix64(seed ^ GOLDEN) ^ (purpose as u64).wrapping_mul(GOLDEN))
}

/// The part of a stream key that depends only on `(seed, purpose, day)`: the hot loops
/// compute it once per day and key each firm's stream with `StreamRng::from_day_prefix`.
#[inline]
pub fn day_prefix(prefix: u64, day: u32) -> u64 {
    mix64(prefix ^ u64::from(day).wrapping_mul(0xD6E8_FEB8_6659_FD93))
}

#[inline]
fn key_from_day_prefix(day_prefix: u64, id: u64) -> u64 {
    mix64(day_prefix ^ id)
}

/// A SplitMix64 generator; implements `rand`'s traits so `rand_distr` samples from it.
#[derive(Clone, Debug)]
pub struct StreamRng {
    state: u64,
}

impl StreamRng {
    /// The stream for `(seed, purpose, id, day)`.
    #[inline]
    pub fn new(seed: u64, purpose: Purpose, id: u64, day: u32) -> StreamRng {
        StreamRng {
            state: stream_key(seed, purpose, id, day),
        }
    }

    /// The stream for `(prefix, id, day)`, where `prefix = stream_prefix(seed, purpose)`:
    /// the same stream as `new(seed, purpose, id, day)`, with half the hashing.
    #[inline]
    pub fn from_prefix(prefix: u64, id: u64, day: u32) -> StreamRng {
        StreamRng::from_day_prefix(day_prefix(prefix, day), id)
    }

    /// The stream for `(day_prefix, id)`, where `day_prefix = day_prefix(stream_prefix(seed,
    /// purpose), day)`: the same stream as `new(seed, purpose, id, day)`, with one hash.
    #[inline]
    pub fn from_day_prefix(day_prefix: u64, id: u64) -> StreamRng {
        StreamRng {
            state: key_from_day_prefix(day_prefix, id),
        }
    }

    #[inline]
    fn step(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// A uniform draw in [0, 1) with 53 bits of precision.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.step() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// The uniform that the `n`-th call of `uniform` (0-based) on a fresh stream would give,
    /// without computing the calls before it. SplitMix64 is counter-based (draw `n` is
    /// `mix64(key + (n + 1)·GOLDEN)`), so a loop that needs its second and third draw only
    /// for a few firms skips their hashing for the rest, with the same numbers.
    #[inline]
    pub fn uniform_nth(&self, n: u64) -> f64 {
        let state = self.state.wrapping_add(GOLDEN.wrapping_mul(n + 1));
        (mix64(state) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal draw (rand_distr's ziggurat: about 4 ns, where Box–Muller's ln and
    /// cos cost several times that).
    #[inline]
    pub fn normal(&mut self) -> f64 {
        rand::RngExt::sample(self, rand_distr::StandardNormal)
    }
}

impl TryRng for StreamRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.step() >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.step())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.step().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// The seed of replicate `k` of a run with master seed `master`. Replicate 0 runs the master
/// seed itself, so `--replicates 1` reproduces a plain run of the same seed.
pub fn replicate_seed(master: u64, k: u32) -> u64 {
    if k == 0 {
        master
    } else {
        stream_key(master, Purpose::Replicate, u64::from(k), 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let mut a = StreamRng::new(7, Purpose::Problems, 3, 10);
        let mut b = StreamRng::new(7, Purpose::Problems, 3, 10);
        let mut c = StreamRng::new(7, Purpose::Problems, 3, 11);
        let xs: Vec<f64> = (0..4).map(|_| a.uniform()).collect();
        let ys: Vec<f64> = (0..4).map(|_| b.uniform()).collect();
        let zs: Vec<f64> = (0..4).map(|_| c.uniform()).collect();
        assert_eq!(xs, ys);
        assert_ne!(xs, zs);
    }

    #[test]
    fn uniform_and_normal_have_the_right_moments() {
        let n = 200_000;
        let mut rng = StreamRng::new(1, Purpose::Production, 0, 0);
        let (mut su, mut sn, mut sn2) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let u = rng.uniform();
            assert!((0.0..1.0).contains(&u));
            su += u;
            let z = rng.normal();
            sn += z;
            sn2 += z * z;
        }
        let n = f64::from(n);
        assert!((su / n - 0.5).abs() < 0.005);
        assert!((sn / n).abs() < 0.01);
        assert!((sn2 / n - 1.0).abs() < 0.02);
    }

    #[test]
    fn prefixed_streams_are_the_same_streams() {
        let prefix = stream_prefix(99, Purpose::Production);
        let mut a = StreamRng::new(99, Purpose::Production, 12, 345);
        let mut b = StreamRng::from_prefix(prefix, 12, 345);
        assert_eq!(a.uniform(), b.uniform());
    }

    #[test]
    fn day_prefixed_streams_are_the_same_streams() {
        let prefix = day_prefix(stream_prefix(99, Purpose::Problems), 345);
        let mut a = StreamRng::new(99, Purpose::Problems, 12, 345);
        let mut b = StreamRng::from_day_prefix(prefix, 12);
        assert_eq!(a.uniform(), b.uniform());
    }

    #[test]
    fn the_nth_uniform_is_the_nth_call_of_uniform() {
        let fresh = StreamRng::new(5, Purpose::Innovation, 77, 12);
        let mut sequential = fresh.clone();
        for n in 0..5 {
            assert_eq!(fresh.uniform_nth(n), sequential.uniform());
        }
    }

    #[test]
    fn replicate_zero_is_the_master_seed() {
        assert_eq!(replicate_seed(42, 0), 42);
        assert_ne!(replicate_seed(42, 1), replicate_seed(42, 2));
    }
}
