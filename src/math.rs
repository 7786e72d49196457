//! `exp` for the hot loops: every firm's output is `exp(log level)`, every day.
//!
//! The libm `exp` is a function call behind the PLT that cannot be inlined and, on x86-64,
//! picks an FMA or a plain code path at run time by the CPU. This one is the same kind of
//! algorithm (the table method of Tang, 1989, as in glibc and musl since 2018), written so
//! that it inlines into the loops and uses no FMA:
//!
//! - write x = k·ln2/128 + r with an integer k and |r| ≤ ln2/256;
//! - then exp(x) = 2^(k/128) · exp(r), where 2^(k/128) = 2^⌊k/128⌋ · 2^(j/128) with j = k mod
//!   128: a table entry scaled by a power of two, which is an addition to its exponent bits;
//! - exp(r) − 1 is a Taylor polynomial of degree 6 (its truncation error, r⁷/7!, is below
//!   2⁻⁷⁰ of the result for |r| ≤ ln2/256);
//! - each table entry is 2^(j/128) rounded to a double plus its rounding error (`tail`), so
//!   the table adds no error of its own.
//!
//! The result is within one unit in the last place of the exact value, and equal to the
//! libm result for all but about one input in a thousand (a test counts them; a firm's
//! whole-yuan output changes only if such a difference falls on a half yuan). Its result
//! depends on nothing but `x`, so a run gives the same bytes on a CPU with or without FMA.

use std::sync::LazyLock;

/// Table entries per doubling: 2^(j/128) for j in 0..128 (2 KiB, stays in L1).
const STEPS: usize = 128;
/// 128 / ln 2, rounded.
const STEPS_OVER_LN2: f64 = 128.0 * std::f64::consts::LOG2_E;
/// ln 2 / 128 split in two (fdlibm's ln2_hi and ln2_lo, scaled by 1/128): the high part has
/// 32 significant bits, so `k · LN2_HI` is exact for |k| < 2²¹, and |k| < 2¹⁷ below
/// `FAST_LIMIT`.
const LN2_HI: f64 = f64::from_bits(0x3FE6_2E42_FEE0_0000) / 128.0;
const LN2_LO: f64 = f64::from_bits(0x3DEA_39EF_3579_3C76) / 128.0;
/// 1.5 · 2⁵²: adding it to |z| < 2⁵¹ rounds z to an integer and leaves that integer in the
/// low bits of the sum.
const ROUND_SHIFT: f64 = 6_755_399_441_055_744.0;
/// Beyond |x| ≥ 512 (or NaN) the result may be subnormal or overflow; those inputs take the
/// libm path. Firms' log levels are within ±20.
const FAST_LIMIT: f64 = 512.0;

/// One table entry: `scale_bits` are the bits of 2^(j/128) rounded to a double, less
/// `j << 45` (so that adding `k << 45` gives the bits of 2^(k/128)); `tail` is
/// (2^(j/128) − that double) / that double.
#[derive(Clone, Copy, Debug)]
struct Entry {
    tail: f64,
    scale_bits: u64,
}

static TABLE: LazyLock<[Entry; STEPS]> = LazyLock::new(|| {
    let mut table = [Entry {
        tail: 0.0,
        scale_bits: 0,
    }; STEPS];
    for (j, entry) in table.iter_mut().enumerate() {
        let (scale, tail) = power_of_two_fraction(j as u32);
        *entry = Entry {
            tail,
            scale_bits: scale.to_bits() - ((j as u64) << 45),
        };
    }
    table
});

/// e^x. See the module comment.
#[inline]
pub fn exp(x: f64) -> f64 {
    if x.is_nan() || x.abs() >= FAST_LIMIT {
        return x.exp();
    }
    let table = &*TABLE;
    let z = x * STEPS_OVER_LN2;
    let shifted = z + ROUND_SHIFT;
    let k_bits = shifted.to_bits();
    let k = shifted - ROUND_SHIFT;
    // r = x − k·ln2/128 in two steps: the first is exact, the second adds a tiny error.
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let entry = table[(k_bits % STEPS as u64) as usize];
    // k's low bits, moved to the exponent field: k / 128 whole doublings (the bits of j
    // go to the mantissa and are taken back out by `scale_bits`).
    let scale = f64::from_bits(entry.scale_bits.wrapping_add(k_bits << 45));
    let r2 = r * r;
    // exp(r) − 1 and the table's tail, smallest terms first.
    let poly = r2 * r2 * (1.0 / 24.0 + r * (1.0 / 120.0) + r2 * (1.0 / 720.0))
        + r2 * (0.5 + r * (1.0 / 6.0));
    let small = entry.tail + r + poly;
    scale + scale * small
}

/// 2^(j/128) for j in 0..128 as a double rounded to nearest and its relative rounding error:
/// the double comes from libm's `exp2` and is checked (and corrected if need be) in
/// fixed-point arithmetic with 126 fractional bits, which also gives the error.
fn power_of_two_fraction(j: u32) -> (f64, f64) {
    let mut scale = (f64::from(j) / 128.0).exp2();
    loop {
        let tail = relative_error(scale, j);
        // Rounded to nearest: the true value is within half a unit in the last place,
        // 2⁻⁵³ for a double in [1, 2).
        let half_ulp = 2f64.powi(-53);
        if tail.abs() <= half_ulp {
            return (scale, tail);
        }
        let bits = scale.to_bits();
        scale = f64::from_bits(if tail > 0.0 { bits + 1 } else { bits - 1 });
    }
}

/// (2^(j/128) − s) / s for s in [1, 2) near 2^(j/128), from P = s¹²⁸ / 2^j: if s = 2^(j/128)
/// · (1 + d) then P = (1 + d)¹²⁸, d = e^(ln P / 128) − 1 and the error is 1/(1 + d) − 1.
fn relative_error(s: f64, j: u32) -> f64 {
    const FRACTION_BITS: u32 = 126;
    // s exactly in fixed point: its 53-bit mantissa, shifted to 126 fractional bits.
    let bits = s.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32 - 1023;
    assert_eq!(exponent, 0, "2^(j/128) is in [1, 2)");
    let mantissa = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    let mut p = mantissa << (FRACTION_BITS - 52);
    // Seven squarings give s¹²⁸ = p · 2^doublings with p in [1, 2).
    let mut doublings = 0i32;
    for _ in 0..7 {
        p = mul_fixed(p, p, FRACTION_BITS);
        doublings *= 2;
        if p >> (FRACTION_BITS + 1) != 0 {
            p >>= 1;
            doublings += 1;
        }
    }
    // P = p · 2^(doublings − j), within 2⁻¹¹⁸ of 1 ± 2⁻⁴⁵.
    let one = 1i128 << FRACTION_BITS;
    let q_fixed = match doublings - j as i32 {
        0 => p as i128 - one,
        -1 => (p >> 1) as i128 - one,
        other => panic!("s is not near 2^(j/128) (off by 2^{other})"),
    };
    let q = q_fixed as f64 / one as f64;
    let ln_p = q - q * q / 2.0;
    let l = ln_p / 128.0;
    let d = l + l * l / 2.0;
    -d + d * d
}

/// (a · b) >> shift for fixed-point numbers below 2^127, with the full 256-bit product.
fn mul_fixed(a: u128, b: u128, shift: u32) -> u128 {
    let (a_hi, a_lo) = (a >> 64, a & u128::from(u64::MAX));
    let (b_hi, b_lo) = (b >> 64, b & u128::from(u64::MAX));
    let lo = a_lo * b_lo;
    let mid1 = a_hi * b_lo;
    let mid2 = a_lo * b_hi;
    let hi = a_hi * b_hi;
    // 256-bit sum: hi·2¹²⁸ + (mid1 + mid2)·2⁶⁴ + lo.
    let (mid, mid_carry) = mid1.overflowing_add(mid2);
    let (low, low_carry) = lo.overflowing_add(mid << 64);
    let high = hi + (mid >> 64) + (u128::from(mid_carry) << 64) + u128::from(low_carry);
    (high << (128 - shift)) | (low >> shift)
}

/// Solves the linear system held as an augmented matrix `[A | b]` (k rows of k + 1) by
/// Gauss–Jordan elimination with partial pivoting. None when a pivot falls below
/// `min_pivot` in magnitude (singular, or too near it) or a solution is not finite. Shared
/// by the least-squares fits of the tornado charts and of ABC's regression adjustment.
pub fn solve_augmented(mut a: Vec<Vec<f64>>, min_pivot: f64) -> Option<Vec<f64>> {
    let k = a.len();
    for col in 0..k {
        let pivot = (col..k).max_by(|&p, &q| a[p][col].abs().total_cmp(&a[q][col].abs()))?;
        if a[pivot][col].abs() < min_pivot {
            return None;
        }
        a.swap(col, pivot);
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                    *x -= f * p;
                }
            }
        }
    }
    let x: Vec<f64> = (0..k).map(|r| a[r][k] / a[r][r]).collect();
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, StreamRng};

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn the_table_is_two_to_the_fraction_rounded_to_nearest() {
        for (j, entry) in TABLE.iter().enumerate() {
            let scale = f64::from_bits(entry.scale_bits + ((j as u64) << 45));
            assert!(ulps(scale, (j as f64 / 128.0).exp2()) <= 1, "j = {j}");
            assert!(entry.tail.abs() <= 2f64.powi(-53), "j = {j}");
        }
        assert_eq!(TABLE[0].tail, 0.0);
        // 2^(64/128) = √2, whose error is known: √2 − the double nearest it.
        let sqrt2 = f64::from_bits(TABLE[64].scale_bits + (64 << 45));
        assert_eq!(sqrt2, std::f64::consts::SQRT_2);
        let known_error = -9.667_293_313_452_913e-17 / std::f64::consts::SQRT_2;
        assert!(
            (TABLE[64].tail - known_error).abs() < 1e-30,
            "{}",
            TABLE[64].tail
        );
    }

    #[test]
    fn matches_libm_within_one_ulp_and_exactly_almost_always() {
        let mut rng = StreamRng::new(7, Purpose::Production, 0, 0);
        let (mut differ, n) = (0, 1_000_000);
        for _ in 0..n {
            let x = (rng.uniform() - 0.5) * 40.0;
            let (ours, libm) = (exp(x), x.exp());
            assert!(
                ulps(ours, libm) <= 1,
                "exp({x:e}) = {ours:e}, libm {libm:e}"
            );
            differ += usize::from(ours != libm);
        }
        // Both round a result computed to about 2⁻⁶³; they differ where the exact value is
        // that close to halfway between two doubles (libm's FMA path: 813 in a million).
        assert!(differ * 500 < n, "{differ} of {n} differ from libm");
    }

    #[test]
    fn the_split_of_ln2_is_exact_enough() {
        // The high part has 32 significant bits (21 trailing zero bits in the mantissa)...
        assert_eq!(LN2_HI.to_bits().trailing_zeros(), 21);
        // ...and the two parts add up to ln 2 / 128 rounded.
        assert_eq!(LN2_HI + LN2_LO, std::f64::consts::LN_2 / 128.0);
    }

    #[test]
    fn exact_and_edge_values() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
        assert_eq!(exp(1.0), std::f64::consts::E);
        assert_eq!(exp(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp(f64::NEG_INFINITY), 0.0);
        assert!(exp(f64::NAN).is_nan());
        assert_eq!(exp(800.0), f64::INFINITY);
        assert_eq!(exp(-800.0), 0.0);
        for x in [-511.9, -100.0, -1e-300, 1e-300, 100.0, 511.9] {
            assert!(ulps(exp(x), x.exp()) <= 1, "{x}");
        }
    }
}
