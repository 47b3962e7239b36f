//! Dropout: randomly silencing hidden units while training, so that no unit can rely on
//! another being there.

use super::module::check_sizes;
use super::rng::Rng;
use super::{Mlp, Module, Run};

/// Inverted dropout: while training, each value is set to 0 with probability `rate` and the
/// others are scaled by `1 / (1 - rate)`, so that the expected value of every unit stays the
/// same. At evaluation time, do not apply it (use [`Module::forward`]): the network is then
/// used whole, with nothing to rescale.
///
/// The masks come from a generator seeded once, so a training run is reproducible. Through
/// [`DataParallel`](super::DataParallel) each point gets a generator of its own instead, so
/// that its masks do not depend on which thread ran it.
///
/// ```
/// use tapegrad::{Tape, nn::{Dropout, Run}};
///
/// let mut dropout = Dropout::new(0.5, 7);
/// let tape = Tape::new();
/// let x = Run::vars(&tape, [1.0; 8]);
/// let y = dropout.apply(x);
/// // Every value is either dropped or doubled.
/// assert!(y.iter().all(|v| v.data() == 0.0 || v.data() == 2.0));
/// ```
#[derive(Debug)]
pub struct Dropout {
    rate: f64,
    rng: Rng,
}

impl Dropout {
    /// Dropout of the given rate, with masks drawn from a generator seeded with `seed`.
    ///
    /// ```
    /// let dropout = tapegrad::nn::Dropout::new(0.2, 0);
    /// assert_eq!(dropout.rate(), 0.2);
    /// ```
    ///
    /// # Panics
    /// If `rate` is not in `[0, 1)`.
    #[track_caller]
    pub fn new(rate: f64, seed: u64) -> Self {
        assert!(
            (0.0..1.0).contains(&rate),
            "a dropout rate is a probability below 1 (1 would drop everything), got {rate}"
        );
        Dropout {
            rate,
            rng: Rng::seeded(seed),
        }
    }

    /// The probability that a value is dropped.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::Dropout::new(0.5, 0).rate(), 0.5);
    /// ```
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// Records `x` with a fresh random mask applied (one node per value: the value times 0 or
    /// times `1 / (1 - rate)`), as a run. A dropped value passes no gradient back.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Dropout, Run}};
    ///
    /// let tape = Tape::new();
    /// let x = Run::vars(&tape, [3.0; 4]);
    /// let y = Dropout::new(0.25, 1).apply(x);
    /// tape.sum(y).backward();
    /// for (xi, yi) in x.iter().zip(y) {
    ///     let kept = yi.data() != 0.0;
    ///     assert_eq!(xi.grad(), if kept { 1.0 / 0.75 } else { 0.0 });
    /// }
    /// ```
    pub fn apply<'t>(&mut self, x: Run<'t>) -> Run<'t> {
        drop_with(self.rate, &mut self.rng, x)
    }

    /// The masks of one batch of data-parallel training: a seed drawn from this dropout's
    /// generator, from which each point's generator is made.
    pub(super) fn batch_masks(&mut self) -> BatchMasks {
        BatchMasks {
            rate: self.rate,
            seed: self.rng.next_u64(),
        }
    }
}

/// The dropout masks of one batch, point by point: point `i`'s come from a generator seeded
/// with the batch's seed plus `i`, so they depend on the seed and the point alone, whichever
/// thread records the point and in whatever order.
///
/// The generator is the crate's xoshiro256++, whose seeding is four steps of SplitMix64:
/// cheap enough to make one per point, and it takes nearby seeds to unrelated states.
#[derive(Clone, Copy, Debug)]
pub(super) struct BatchMasks {
    rate: f64,
    seed: u64,
}

impl BatchMasks {
    /// [`Mlp::forward_with_dropout`] at point `point` of the batch, with that point's masks.
    pub(super) fn forward<'t>(
        &self,
        model: &Mlp,
        params: Run<'t>,
        x: Run<'t>,
        point: usize,
    ) -> Run<'t> {
        let mut rng = Rng::seeded(self.seed.wrapping_add(point as u64));
        model.forward_dropping(params, x, self.rate, &mut rng)
    }
}

/// Records `x` with each value dropped with probability `rate`, drawn from `rng`, and the
/// others scaled by `1 / (1 - rate)`.
fn drop_with<'t>(rate: f64, rng: &mut Rng, x: Run<'t>) -> Run<'t> {
    let keep_scale = 1.0 / (1.0 - rate);
    let tape = x.tape();
    let first = tape.len();
    for xi in x {
        let dropped = rng.unit() < rate;
        // Recorded for the run returned below, which names these nodes.
        let _ = xi * if dropped { 0.0 } else { keep_scale };
    }
    Run::from_range(tape, first, x.len())
}

impl Mlp {
    /// [`Module::forward`] with dropout applied to the outputs of every hidden layer (not to
    /// the inputs, nor to the final outputs): for training only.
    ///
    /// ```
    /// use tapegrad::{Tape, nn::{Activation, Dropout, Init, Mlp, Module, Run}};
    ///
    /// let mlp = Mlp::new(2, &[(32, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
    /// let mut dropout = Dropout::new(0.5, 0);
    /// let tape = Tape::new();
    /// let params = mlp.bind(&tape);
    /// let x = Run::vars(&tape, [0.3, 0.7]);
    /// let training = mlp.forward_with_dropout(params, x, &mut dropout).get(0);
    /// let evaluation = mlp.forward(params, x).get(0);
    /// assert_ne!(training.data(), evaluation.data());
    /// ```
    ///
    /// # Panics
    /// As [`Module::forward`].
    #[track_caller]
    pub fn forward_with_dropout<'t>(
        &self,
        params: Run<'t>,
        x: Run<'t>,
        dropout: &mut Dropout,
    ) -> Run<'t> {
        self.forward_dropping(params, x, dropout.rate, &mut dropout.rng)
    }

    /// [`Module::forward`] with dropout of rate `rate`, masks drawn from `rng`, on the
    /// outputs of every hidden layer.
    #[track_caller]
    fn forward_dropping<'t>(
        &self,
        params: Run<'t>,
        x: Run<'t>,
        rate: f64,
        rng: &mut Rng,
    ) -> Run<'t> {
        check_sizes("Mlp", self, params, x);
        let layers = self.layers();
        let mut x = x;
        let mut start = 0;
        for (i, layer) in layers.iter().enumerate() {
            let end = start + layer.parameter_count();
            x = layer.forward(params.slice(start, end), x);
            if i + 1 < layers.len() {
                x = drop_with(rate, rng, x);
            }
            start = end;
        }
        x
    }
}
