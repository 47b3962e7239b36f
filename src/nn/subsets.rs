//! Cutting a data set into parts: a subset by indices, a shuffled split into two, and
//! shuffled mini-batches. Every part is a [`Dataset`] of its own, so anything that takes a
//! data set ([`DataParallel`](super::DataParallel), [`Mlp::accuracy`](super::Mlp::accuracy),
//! ...) takes a part.

use super::Dataset;
use super::data::room_for;
use super::rng::Rng;

impl<T: Copy> Dataset<T> {
    /// The points at `indices`, in that order (an index may repeat, as in a bootstrap
    /// sample).
    ///
    /// ```
    /// let xor = tapegrad::nn::xor();
    /// let ones = xor.subset(&[2, 1]);
    /// assert_eq!(ones.len(), 2);
    /// assert_eq!(ones.input(0), [1.0, 0.0]);
    /// assert_eq!(ones.targets(), [1.0, 1.0]);
    /// ```
    ///
    /// # Panics
    /// If an index is not below [`len`](Dataset::len) (the message gives both), or the
    /// points do not fit in memory.
    #[track_caller]
    pub fn subset(&self, indices: &[usize]) -> Dataset<T> {
        let (mut inputs, mut targets) = room_for(
            || format!("subset of {} indices", indices.len()),
            Some(indices.len()),
            self.dims(),
        );
        for &i in indices {
            inputs.extend_from_slice(self.input(i));
            targets.push(self.target(i));
        }
        Dataset::new(self.dims(), inputs, targets)
    }

    /// Two data sets that share out the points, shuffled by a generator seeded with `seed`:
    /// the first takes `fraction` of them (rounded to the nearest whole number of points),
    /// the second the rest. The same seed gives the same split, bit for bit.
    ///
    /// ```
    /// let data = tapegrad::nn::moons(100, 0.1, 0);
    /// let (train, test) = data.split(0.8, 7);
    /// assert_eq!((train.len(), test.len()), (80, 20));
    /// assert_eq!(data.split(0.8, 7), (train, test));
    /// ```
    ///
    /// For three parts (training, validation, test), split twice:
    ///
    /// ```
    /// let data = tapegrad::nn::spiral(100, 3, 0.2, 0);
    /// let (train, rest) = data.split(0.7, 1);
    /// let (validation, test) = rest.split(0.5, 2);
    /// assert_eq!((train.len(), validation.len(), test.len()), (210, 45, 45));
    /// ```
    ///
    /// # Panics
    /// If `fraction` is not in `[0, 1]`.
    #[track_caller]
    pub fn split(&self, fraction: f64, seed: u64) -> (Dataset<T>, Dataset<T>) {
        assert!(
            (0.0..=1.0).contains(&fraction),
            "split takes the fraction of points for the first part, in [0, 1]; got {fraction}"
        );
        let order = shuffled(self.len(), seed);
        // `fraction * len` is at most `len`, so the cut is in range.
        let cut = (fraction * self.len() as f64).round() as usize;
        (self.subset(&order[..cut]), self.subset(&order[cut..]))
    }

    /// The points in mini-batches of `size`, in an order shuffled by a generator seeded
    /// with `seed`; the last batch holds what is left (fewer than `size` points when `size`
    /// does not divide [`len`](Dataset::len)). Every point is in exactly one batch.
    ///
    /// Each call shuffles afresh from `seed`: the same seed gives the same batches, so pass
    /// a different seed each epoch (e.g. `seed + epoch`) for a different order.
    ///
    /// ```
    /// use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, Module, Optimizer, Sgd, loss};
    ///
    /// let data = nn::moons(100, 0.1, 0);
    /// let sizes: Vec<usize> = data.batches(32, 0).map(|batch| batch.len()).collect();
    /// assert_eq!(sizes, [32, 32, 32, 4]);
    ///
    /// let mut model = Mlp::new(2, &[(8, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
    /// let mut sgd = Sgd::new(0.1);
    /// let mut parallel = DataParallel::new(1);
    /// let mut grads = Vec::new();
    /// for epoch in 0..3 {
    ///     for batch in data.batches(32, epoch) {
    ///         parallel.loss_and_gradient(
    ///             &model,
    ///             &batch,
    ///             |scores, label| loss::hinge(scores.get(0), label),
    ///             |params| loss::l2(params) * 1e-4,
    ///             &mut grads,
    ///         );
    ///         sgd.step(model.parameters_mut(), &grads);
    ///     }
    /// }
    /// ```
    ///
    /// # Panics
    /// If `size` is 0.
    #[track_caller]
    pub fn batches(&self, size: usize, seed: u64) -> Batches<'_, T> {
        assert!(size > 0, "a mini-batch needs at least one point");
        Batches {
            data: self,
            order: shuffled(self.len(), seed),
            next: 0,
            size,
        }
    }
}

/// The mini-batches of a data set, from [`Dataset::batches`]: each a [`Dataset`] of its
/// own.
///
/// ```
/// let xor = tapegrad::nn::xor();
/// let batches = xor.batches(3, 0);
/// assert_eq!(batches.len(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct Batches<'a, T = f64> {
    data: &'a Dataset<T>,
    /// The points' indices in shuffled order.
    order: Vec<usize>,
    /// Where the next batch starts in `order`.
    next: usize,
    size: usize,
}

impl<T: Copy> Iterator for Batches<'_, T> {
    type Item = Dataset<T>;

    fn next(&mut self) -> Option<Dataset<T>> {
        if self.next >= self.order.len() {
            return None;
        }
        let end = self.order.len().min(self.next + self.size);
        let batch = self.data.subset(&self.order[self.next..end]);
        self.next = end;
        Some(batch)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.order.len() - self.next).div_ceil(self.size);
        (left, Some(left))
    }
}

impl<T: Copy> ExactSizeIterator for Batches<'_, T> {}

/// `0..len` in an order shuffled (Fisher–Yates) by a generator seeded with `seed`.
fn shuffled(len: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    Rng::seeded(seed).shuffle(&mut order);
    order
}
