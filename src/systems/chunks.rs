//! Parallel stepping of the firm loops: the component slices of every table a query matches
//! are cut into fixed chunks of firms and the chunks run on rayon's pool (the pool the run
//! was started in, so `--threads` and `run_replicates` decide how many threads there are).
//!
//! Why the output does not depend on the number of threads: each firm's draws come from its
//! own stream (`crate::rng`), a chunk only writes its own firms, and what chunks return is
//! merged with integer sums or collected into lists that the caller sorts by firm id. The
//! chunk boundaries are fixed (`Stepping::chunk_firms`, from the start of each table) whatever
//! the thread count, and a query over fewer than `Stepping::parallel_from_firms` firms never
//! goes to the pool at all (a rayon split costs a few µs, which a city of 14,500 firms would
//! feel on every system and day).

use bevy_ecs::prelude::*;

/// When and how the firm loops run in parallel. Neither field changes a run's output.
#[derive(Resource, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stepping {
    /// A query over fewer firms (all its tables together) is stepped on the calling thread
    /// alone.
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

/// The tables of a firm query's `contiguous_iter_mut`, collected: their slices, borrowed from
/// this list, go to `for_tables` together. Firm components are table components, so a firm
/// query is always dense.
pub fn collect_tables<T, E: std::fmt::Debug>(tables: Result<impl Iterator<Item = T>, E>) -> Vec<T> {
    tables.expect("firm components live in tables").collect()
}

/// Runs `work` over the slices of every table a query matches: in one call per table on
/// this thread when the tables hold fewer firms than the stepping threshold in all, else
/// over chunks of `chunk_firms` firms on rayon's pool, results merged with `merge` (which
/// must not care how the firms were grouped: integer sums, or lists sorted afterwards).
///
/// Why all tables at once: a query's firms sit in several tables (above-scale firms have a
/// table of their own, and so do firms with other optional components). Stepped table by
/// table, a table below the threshold ran on one thread while the other waited, and each
/// table woke the pool again; cut together, the chunks of all tables share one split.
pub fn for_tables<S, R, W, M>(
    stepping: Stepping,
    tables: impl IntoIterator<Item = S>,
    work: &W,
    merge: &M,
) -> R
where
    S: Slices,
    R: Send + Default,
    W: Fn(S) -> R + Sync,
    M: Fn(R, R) -> R + Sync,
{
    let chunk = stepping.chunk_firms.max(1);
    let tables: Vec<S> = tables.into_iter().collect();
    let firms: usize = tables.iter().map(Slices::len).sum();
    if firms < stepping.parallel_from_firms.max(2 * chunk) {
        return tables.into_iter().map(work).fold(R::default(), merge);
    }
    let mut chunks = Vec::with_capacity(firms.div_ceil(chunk) + tables.len());
    for mut rest in tables {
        while rest.len() > chunk {
            let (head, tail) = rest.split_at(chunk);
            chunks.push(Some(head));
            rest = tail;
        }
        if rest.len() > 0 {
            chunks.push(Some(rest));
        }
    }
    split(&mut chunks, work, merge)
}

fn split<S, R, W, M>(chunks: &mut [Option<S>], work: &W, merge: &M) -> R
where
    S: Slices,
    R: Send + Default,
    W: Fn(S) -> R + Sync,
    M: Fn(R, R) -> R + Sync,
{
    match chunks.len() {
        0 => R::default(),
        1 => work(chunks[0].take().expect("each chunk runs once")),
        n => {
            let (left, right) = chunks.split_at_mut(n / 2);
            let (a, b) = rayon::join(|| split(left, work, merge), || split(right, work, merge));
            merge(a, b)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Doubles 100,000 ids held in three tables of unequal size, and sums them.
    fn sum_and_double(stepping: Stepping, threads: usize) -> (u64, Vec<u64>) {
        let ids: Vec<u64> = (0..100_000).collect();
        let mut out = vec![0u64; ids.len()];
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let total = pool.install(|| {
            let (ids_a, ids_rest) = ids.split_at(70_000);
            let (ids_b, ids_c) = ids_rest.split_at(29_000);
            let (out_a, out_rest) = out.split_at_mut(70_000);
            let (out_b, out_c) = out_rest.split_at_mut(29_000);
            for_tables(
                stepping,
                [(ids_a, out_a), (ids_b, out_b), (ids_c, out_c)],
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
