//! Parallel stepping of the firm loops: a table's component slices are cut into fixed chunks
//! of firms and the chunks run on rayon's pool (the pool the run was started in, so
//! `--threads` and `run_replicates` decide how many threads there are).
//!
//! Why the output does not depend on the number of threads: each firm's draws come from its
//! own stream (`crate::rng`), a chunk only writes its own firms, and what chunks return is
//! merged with integer sums or collected into lists that the caller sorts by firm id. The
//! chunk boundaries are fixed (`Stepping::chunk_firms`) whatever the thread count, and runs below
//! `Stepping::parallel_from_firms` never go to the pool at all (a rayon split costs a few
//! µs, which a city of 14,500 firms would feel on every system and day).

use bevy_ecs::prelude::*;

/// When and how the firm loops run in parallel. Neither field changes a run's output.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stepping {
    /// A table of fewer firms is stepped on the calling thread alone.
    pub parallel_from_firms: usize,
    /// Firms per chunk: large enough to make a split's cost (a few µs) negligible, small
    /// enough to give both threads work and to keep a chunk's hot columns in L2.
    pub chunk_firms: usize,
}

impl Default for Stepping {
    fn default() -> Self {
        Stepping {
            parallel_from_firms: 65_536,
            chunk_firms: 16_384,
        }
    }
}

/// A tuple of component slices of one table, all the same length, that can be cut in two.
pub trait Slices: Sized + Send {
    fn len(&self) -> usize;
    fn split_at(self, mid: usize) -> (Self, Self);
}

impl<T: Sync> Slices for &[T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        <[T]>::split_at(self, mid)
    }
}

impl<T: Send> Slices for &mut [T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        <[T]>::split_at_mut(self, mid)
    }
}

macro_rules! tuple_slices {
    ($($s:ident $l:ident $r:ident),+) => {
        impl<$($s: Slices),+> Slices for ($($s,)+) {
            fn len(&self) -> usize {
                self.0.len()
            }
            #[allow(non_snake_case)]
            fn split_at(self, mid: usize) -> (Self, Self) {
                let ($($s,)+) = self;
                $(let ($l, $r) = $s.split_at(mid);)+
                (($($l,)+), ($($r,)+))
            }
        }
    };
}

tuple_slices!(A a1 a2, B b1 b2);
tuple_slices!(A a1 a2, B b1 b2, C c1 c2);
tuple_slices!(A a1 a2, B b1 b2, C c1 c2, D d1 d2);
tuple_slices!(A a1 a2, B b1 b2, C c1 c2, D d1 d2, E e1 e2);
tuple_slices!(A a1 a2, B b1 b2, C c1 c2, D d1 d2, E e1 e2, F f1 f2);

/// Runs `work` over `slices`: in one call on this thread below the stepping threshold, else
/// over chunks of `CHUNK_FIRMS` firms on rayon's pool, results merged with `merge` (which must
/// not care how the firms were grouped: integer sums, or lists sorted afterwards).
pub fn for_chunks<S, R, W, M>(stepping: Stepping, slices: S, work: &W, merge: &M) -> R
where
    S: Slices,
    R: Send,
    W: Fn(S) -> R + Sync,
    M: Fn(R, R) -> R + Sync,
{
    let chunk = stepping.chunk_firms.max(1);
    if slices.len() < stepping.parallel_from_firms.max(2 * chunk) {
        return work(slices);
    }
    split(slices, chunk, work, merge)
}

fn split<S, R, W, M>(slices: S, chunk: usize, work: &W, merge: &M) -> R
where
    S: Slices,
    R: Send,
    W: Fn(S) -> R + Sync,
    M: Fn(R, R) -> R + Sync,
{
    let chunks = slices.len().div_ceil(chunk);
    if chunks <= 1 {
        return work(slices);
    }
    let (left, right) = slices.split_at(chunks / 2 * chunk);
    let (a, b) = rayon::join(
        || split(left, chunk, work, merge),
        || split(right, chunk, work, merge),
    );
    merge(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sum_and_double(stepping: Stepping, threads: usize) -> (u64, Vec<u64>) {
        let ids: Vec<u64> = (0..100_000).collect();
        let mut out = vec![0u64; ids.len()];
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let total = pool.install(|| {
            for_chunks(
                stepping,
                (&ids[..], &mut out[..]),
                &|(ids, out): (&[u64], &mut [u64])| {
                    for (i, o) in ids.iter().zip(out.iter_mut()) {
                        *o = 2 * i;
                    }
                    ids.iter().sum::<u64>()
                },
                &|a, b| a + b,
            )
        });
        (total, out)
    }

    #[test]
    fn chunked_work_covers_every_firm_once_on_any_thread_count() {
        let sequential = sum_and_double(Stepping::default(), 1);
        let eager = Stepping {
            parallel_from_firms: 0,
            chunk_firms: 1_000,
        };
        assert_eq!(sequential.0, 99_999 * 100_000 / 2);
        assert!(
            sequential
                .1
                .iter()
                .enumerate()
                .all(|(i, &o)| o == 2 * i as u64)
        );
        assert_eq!(sum_and_double(eager, 1), sequential);
        assert_eq!(sum_and_double(eager, 2), sequential);
    }
}
