//! Sobol low-discrepancy points (Joe and Kuo 2008 direction numbers, `new-joe-kuo-6.21201`,
//! the same as SciPy's), computed directly for any index so that a shard can start anywhere.
//! Up to 32 dimensions: more than any sweep of levers needs.

/// Dimensions 2 … 32 as (s, a, m_1 … m_s); dimension 1 is van der Corput.
const JOE_KUO: &str = "1 0 1|2 1 1 3|3 1 1 3 1|3 2 1 1 1|4 1 1 1 3 3|4 4 1 3 5 13|5 2 1 1 5 5 17|\
5 4 1 1 5 5 5|5 7 1 1 7 11 19|5 11 1 1 5 1 1|5 13 1 1 1 3 11|5 14 1 3 5 5 31|6 1 1 3 3 9 7 49|\
6 13 1 1 1 15 21 21|6 16 1 3 1 13 27 49|6 19 1 1 1 15 7 5|6 22 1 3 1 15 13 25|6 25 1 1 5 5 19 61|\
7 1 1 3 7 11 23 15 103|7 4 1 3 7 13 13 15 69|7 7 1 1 3 13 7 35 63|7 8 1 3 5 9 1 25 53|\
7 14 1 3 1 13 9 35 107|7 19 1 3 1 5 27 61 31|7 21 1 1 5 11 19 41 61|7 28 1 3 5 3 3 13 69|\
7 31 1 1 7 13 1 19 1|7 32 1 3 7 5 13 19 59|7 37 1 1 3 9 25 29 41|7 41 1 3 5 13 23 1 55|\
7 42 1 3 7 3 13 59 17";

pub const MAX_DIMENSIONS: usize = 32;
const BITS: usize = 32;

/// Direction numbers for `dims` dimensions.
pub struct Sobol {
    v: Vec<[u32; BITS]>,
}

impl Sobol {
    pub fn new(dims: usize) -> Sobol {
        assert!(
            dims <= MAX_DIMENSIONS,
            "at most {MAX_DIMENSIONS} dimensions"
        );
        let mut v = Vec::with_capacity(dims);
        let mut first = [0u32; BITS];
        for (i, x) in first.iter_mut().enumerate() {
            *x = 1 << (31 - i);
        }
        v.push(first);
        for row in JOE_KUO.split('|').take(dims.saturating_sub(1)) {
            let n: Vec<u32> = row
                .split_whitespace()
                .map(|x| x.parse().expect("table"))
                .collect();
            let (s, a, m) = (n[0] as usize, n[1], &n[2..]);
            let mut d = [0u32; BITS];
            for i in 0..BITS {
                if i < s {
                    d[i] = m[i] << (31 - i);
                } else {
                    let mut x = d[i - s] ^ (d[i - s] >> s);
                    for k in 1..s {
                        x ^= ((a >> (s - 1 - k)) & 1) * d[i - k];
                    }
                    d[i] = x;
                }
            }
            v.push(d);
        }
        Sobol { v }
    }

    /// Coordinate `dim` of point `index` (index 0 is the origin), in [0, 1).
    pub fn coordinate(&self, index: u64, dim: usize) -> f64 {
        // Gray-code order, as in the usual recursive generator: point i is the XOR of the
        // direction numbers of the bits of i ^ (i >> 1).
        let gray = index ^ (index >> 1);
        let mut x = 0u32;
        for (bit, d) in self.v[dim].iter().enumerate() {
            if gray >> bit & 1 == 1 {
                x ^= d;
            }
        }
        f64::from(x) / 4_294_967_296.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_points_match_the_published_sequence() {
        // SciPy's `qmc.Sobol(d=3, scramble=False).random(8)`.
        let s = Sobol::new(3);
        let expected = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ];
        for (i, row) in expected.iter().enumerate() {
            for (d, &x) in row.iter().enumerate() {
                assert_eq!(s.coordinate(i as u64, d), x, "point {i}, dim {d}");
            }
        }
    }

    #[test]
    fn each_dimension_is_stratified() {
        // The first 2^k points put exactly one point in each interval of width 2^-k.
        let s = Sobol::new(MAX_DIMENSIONS);
        for d in 0..MAX_DIMENSIONS {
            let mut seen = [false; 64];
            for i in 0..64 {
                let cell = (s.coordinate(i, d) * 64.0) as usize;
                assert!(!seen[cell], "dim {d}");
                seen[cell] = true;
            }
        }
    }
}
