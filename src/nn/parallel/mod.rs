//! Data-parallel training: one batch's loss and gradient, split across rayon's threads.
//!
//! A tape is not shared between threads (recording appends to it), so the batch is cut into
//! pieces of consecutive points, and each piece is recorded on a tape of its own, with the
//! same parameters bound to it, and runs its own backward pass. The gradient of a sum is the
//! sum of the gradients, so adding the pieces' gradients gives the batch's gradient; adding
//! them in piece order, whichever thread finished first, makes the result the same at every
//! run and for every number of threads.

use std::sync::Mutex;

use rayon::{ThreadPool, ThreadPoolBuilder};

use super::{Dataset, Dropout, Mlp, Module, Run};
use crate::value::Value;
use pieces::{Batch, Helping, Piece};

mod pieces;

/// Computes a batch's loss and gradient on several threads, each piece of the batch on a tape
/// of its own kept from step to step.
///
/// The loss is the mean of a per-point loss over the batch plus a penalty on the parameters:
/// `(1/N) sum_i loss(model(x_i), t_i) + penalty(params)`. A batch big enough to be worth
/// splitting (below) is cut into 8 pieces of consecutive points. The calling thread does the
/// penalty and then takes pieces one at a time, and so do rayon's threads, woken for the batch:
/// one that comes late or runs slow just takes fewer pieces. The pieces' gradients are added in
/// order, so the result is the same to the bit whatever the number of threads above one and
/// whichever thread took which piece, and equals one thread's up to the rounding of a
/// differently ordered sum. Between batches rayon's threads sleep.
///
/// A batch too small to be worth splitting is computed on the calling thread alone, as with
/// one thread, and gives one thread's numbers to the bit. Splitting costs each piece a binding
/// of the parameters, a backward pass over them and an addition of their gradients, and the
/// batch the time to wake the threads. A batch is split when it has at least 256 points (with
/// fewer, the pieces' costs come to more than a tenth of the batch's) and 100 000
/// parameter-points (points times the model's parameters, which a point's forward and backward
/// passes take time in proportion to; with less, waking a thread costs more than it saves),
/// measured by `benches/data_parallel_threshold.rs`: a 2-32-32-1 network (1185 parameters) is
/// split from 256 points, a 2-16-16-1 (337) from 297, a 2-8-1 (33) from 3031.
/// [`split_batches_from`](DataParallel::split_batches_from) sets the size instead, for a model
/// whose points cost more or less than their parameters say.
///
/// On a busy machine a woken thread may wait milliseconds for a core, and a batch cannot end
/// before every thread asked to help has come, since the pieces borrow the model and the data.
/// So after a split batch that took longer than the calling thread would have taken alone, at
/// its own pace, it does the pieces alone for twenty times the time that batch lost (at least
/// twice as long as the time before, if the threads have not helped since; at most two
/// seconds), then asks the threads again. The pieces, and so the numbers, are the same either
/// way.
///
/// The threads are a pool of the given size, [`new`](DataParallel::new), or rayon's current
/// pool, [`on_current_pool`](DataParallel::on_current_pool): a thread a core, or
/// `RAYON_NUM_THREADS`, shared with the program's other rayon work. With one thread no thread
/// is started, and a step allocates nothing once the tape has grown to the batch's size.
///
/// ```
/// use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, Module, Optimizer, Sgd, loss};
///
/// let data = nn::moons(200, 0.1, 0);
/// let mut model = Mlp::new(2, &[(8, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
/// let mut sgd = Sgd::new(0.1);
/// let mut parallel = DataParallel::new(2);
/// let mut grads = Vec::new();
/// let mut losses = Vec::new();
/// for _ in 0..20 {
///     let l = parallel.loss_and_gradient(
///         &model,
///         &data,
///         |scores, label| loss::hinge(scores.get(0), label),
///         |params| loss::l2(params) * 1e-4,
///         &mut grads,
///     );
///     sgd.step(model.parameters_mut(), &grads);
///     losses.push(l);
/// }
/// assert!(losses[19] < losses[0]);
/// ```
#[derive(Debug)]
pub struct DataParallel {
    threads: Threads,
    /// Set by [`DataParallel::split_batches_from`]: the smallest batch that is split.
    split_from: Option<usize>,
    /// The calling thread's piece: the whole batch when it is not split, else the penalty.
    caller: Piece,
    /// The points' pieces of a split batch, tapes and all, kept from step to step; each is
    /// locked by the one thread that took it.
    pieces: Vec<Mutex<Piece>>,
    /// Whether the other threads have come in time to help with the last split batches.
    helping: Helping,
}

/// Where a split batch's pieces run.
#[derive(Debug)]
enum Threads {
    /// On the calling thread: nothing is ever split.
    One,
    /// On a pool of this `DataParallel`'s own.
    Pool(ThreadPool),
    /// On rayon's current pool: the global pool, or the one whose `install` the call is in.
    Current,
}

/// The fewest points a batch is split at: below it the pieces' own costs (binding the
/// parameters, a backward pass over them, adding their gradients) come to more than a tenth
/// of the batch's, which is what a split batch loses when the calling thread does it alone.
const MIN_SPLIT_POINTS: usize = 256;

/// The least work, in points times parameters, a batch is split at: below it waking a thread
/// costs more than the thread saves.
const MIN_SPLIT_WORK: usize = 100_000;

impl DataParallel {
    /// Splits each batch big enough to be worth it across `threads` threads: the calling one
    /// and a rayon pool of `threads - 1`, started now and kept as long as this `DataParallel`.
    /// With 1, computes every batch on the calling thread and starts no thread.
    ///
    /// ```
    /// let parallel = tapegrad::nn::DataParallel::new(2);
    /// assert_eq!(parallel.threads(), 2);
    /// ```
    ///
    /// # Panics
    /// If `threads` is 0, or the system cannot start a thread (rayon stops the threads
    /// already started).
    #[track_caller]
    pub fn new(threads: usize) -> Self {
        assert!(
            threads > 0,
            "data-parallel training needs at least one thread"
        );
        let threads = if threads == 1 {
            Threads::One
        } else {
            let pool = ThreadPoolBuilder::new()
                .num_threads(threads - 1)
                .thread_name(|k| format!("tapegrad-data-parallel-{k}"))
                .build()
                .unwrap_or_else(|err| {
                    panic!(
                        "could not start {} helper threads for data-parallel training: {err} \
                         (ask for fewer threads)",
                        threads - 1
                    )
                });
            Threads::Pool(pool)
        };
        DataParallel::with(threads)
    }

    /// Splits each batch big enough to be worth it across as many threads as rayon's current
    /// pool has, the calling one included: the global pool, which has a thread a core unless
    /// the environment variable `RAYON_NUM_THREADS` or `rayon::ThreadPoolBuilder::build_global`
    /// says otherwise, or the pool whose `install` the call runs in. Its threads are shared
    /// with the program's other rayon work, and none is started here (rayon starts the global
    /// pool when it is first used).
    ///
    /// ```
    /// use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, loss};
    ///
    /// let mut parallel = DataParallel::on_current_pool();
    /// assert_eq!(parallel.threads(), rayon::current_num_threads());
    ///
    /// let data = nn::moons(100, 0.1, 0);
    /// let model = Mlp::new(2, &[(8, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
    /// let mut grads = Vec::new();
    /// let loss = parallel.loss_and_gradient(
    ///     &model,
    ///     &data,
    ///     |scores, label| loss::hinge(scores.get(0), label),
    ///     loss::no_penalty,
    ///     &mut grads,
    /// );
    /// assert!(loss > 0.0);
    /// ```
    pub fn on_current_pool() -> Self {
        DataParallel::with(Threads::Current)
    }

    fn with(threads: Threads) -> Self {
        DataParallel {
            threads,
            split_from: None,
            caller: Piece::default(),
            pieces: Vec::new(),
            helping: Helping::default(),
        }
    }

    /// Splits every batch of at least `points` points, and computes smaller ones on the calling
    /// thread, in place of the measured rule ([`DataParallel`] says how it decides): for a
    /// model or a loss whose points cost more, or less, than their parameters say. With one
    /// thread nothing is split whatever `points` is; with 1 (or 0) every batch is split.
    ///
    /// ```
    /// use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, loss};
    ///
    /// // A tiny network, whose 40-point batch the measured rule would keep on one thread.
    /// let model = Mlp::new(2, &[(4, Activation::Tanh), (1, Activation::Identity)], Init::Xavier, 0);
    /// let data = nn::moons(40, 0.1, 0);
    /// let mut grads = Vec::new();
    /// let split = DataParallel::new(2).split_batches_from(1).loss_and_gradient(
    ///     &model,
    ///     &data,
    ///     |out, t| loss::squared_error(out.get(0), t),
    ///     loss::no_penalty,
    ///     &mut grads,
    /// );
    /// let whole = DataParallel::new(1).loss_and_gradient(
    ///     &model,
    ///     &data,
    ///     |out, t| loss::squared_error(out.get(0), t),
    ///     loss::no_penalty,
    ///     &mut grads,
    /// );
    /// assert!((split - whole).abs() < 1e-12);
    /// ```
    pub fn split_batches_from(mut self, points: usize) -> Self {
        self.split_from = Some(points);
        self
    }

    /// How many threads a batch worth splitting is split across, the calling one included: 1,
    /// the number [`new`](DataParallel::new) was given, or the size of rayon's current pool
    /// as seen from the calling thread.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::DataParallel::new(1).threads(), 1);
    /// ```
    pub fn threads(&self) -> usize {
        match &self.threads {
            Threads::One => 1,
            Threads::Pool(pool) => pool.current_num_threads() + 1,
            Threads::Current => rayon::current_num_threads(),
        }
    }

    /// Whether a batch of `points` points on a model of `parameters` parameters is split.
    /// It does not depend on the number of threads, once above one, so that every such number
    /// gives the same result.
    fn splits(&self, points: usize, parameters: usize) -> bool {
        if self.threads() < 2 {
            return false;
        }
        match self.split_from {
            Some(from) => points >= from,
            None => {
                points >= MIN_SPLIT_POINTS && points.saturating_mul(parameters) >= MIN_SPLIT_WORK
            }
        }
    }

    /// Returns the batch loss `(1/N) sum_i loss(model(x_i), t_i) + penalty(params)` over the
    /// `N` points of `data`, and writes its gradient with respect to the model's parameters
    /// (in the order of [`Module::parameters`]) into `grads`, replacing what was there.
    ///
    /// `loss` gets the model's outputs at a point and the point's target; `penalty` gets the
    /// bound parameters and runs once, on the calling thread ([`loss::no_penalty`](super::loss::no_penalty) for none). The result equals a
    /// single-tape computation up to the rounding of a differently ordered sum.
    ///
    /// ```
    /// use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, loss};
    ///
    /// let data = nn::moons(500, 0.1, 0);
    /// let model = Mlp::new(2, &[(16, Activation::Tanh), (1, Activation::Identity)], Init::Xavier, 0);
    /// let mut grads = Vec::new();
    /// let mut one = DataParallel::new(1);
    /// let l1 = one.loss_and_gradient(
    ///     &model,
    ///     &data,
    ///     |out, t| loss::squared_error(out.get(0), t),
    ///     |p| loss::l2(p) * 1e-4,
    ///     &mut grads,
    /// );
    /// let single = grads.clone();
    /// let l2 = DataParallel::new(2).loss_and_gradient(
    ///     &model,
    ///     &data,
    ///     |out, t| loss::squared_error(out.get(0), t),
    ///     |p| loss::l2(p) * 1e-4,
    ///     &mut grads,
    /// );
    /// assert!((l1 - l2).abs() < 1e-12);
    /// assert!(single.iter().zip(&grads).all(|(a, b)| (a - b).abs() < 1e-12));
    /// ```
    ///
    /// # Panics
    /// If the data's points do not have as many inputs as the model takes, or if `loss` or
    /// `penalty` panics. The caller gets the panic one tape would have raised, that of the
    /// first point (in the data's order) whose loss panics, else the penalty's, whichever
    /// thread met it; the next call works as if the failed one had not happened.
    pub fn loss_and_gradient<M, T, L, P>(
        &mut self,
        model: &M,
        data: &Dataset<T>,
        loss: L,
        penalty: P,
        grads: &mut Vec<f64>,
    ) -> f64
    where
        M: Module + Sync,
        T: Copy + Sync,
        L: for<'t> Fn(Run<'t>, T) -> Value<'t> + Sync,
        P: for<'t> Fn(Run<'t>) -> Value<'t>,
    {
        let batch = Batch::new(model, data, |params, x, _| model.forward(params, x), loss);
        self.compute(&batch, penalty, grads)
    }

    /// [`loss_and_gradient`](DataParallel::loss_and_gradient) with `dropout` on the outputs of
    /// the model's hidden layers, as [`Mlp::forward_with_dropout`] does: for training.
    ///
    /// Each call draws one number from `dropout`'s generator, and each point's masks come from
    /// that number and the point's place in the batch alone. So the masks, and the result, do
    /// not depend on the thread that recorded the point: they are the same to the bit for
    /// every number of threads above one, and one thread's up to rounding; and the same seed
    /// gives the same training run. They are not the masks
    /// [`forward_with_dropout`](Mlp::forward_with_dropout) would draw from the same seed.
    ///
    /// ```
    /// use tapegrad::nn::{self, Activation, DataParallel, Dropout, Init, Mlp, loss};
    ///
    /// let data = nn::moons(400, 0.1, 0);
    /// let model = Mlp::new(2, &[(32, Activation::Relu), (1, Activation::Identity)], Init::He, 0);
    /// let mut results = Vec::new();
    /// for threads in [1, 2, 3] {
    ///     let mut dropout = Dropout::new(0.5, 7);
    ///     let mut grads = Vec::new();
    ///     let l = DataParallel::new(threads).loss_and_gradient_with_dropout(
    ///         &model,
    ///         &data,
    ///         &mut dropout,
    ///         |scores, label| loss::hinge(scores.get(0), label),
    ///         loss::no_penalty,
    ///         &mut grads,
    ///     );
    ///     results.push(l);
    /// }
    /// assert!((results[0] - results[1]).abs() < 1e-12);
    /// assert_eq!(results[1], results[2]);
    /// ```
    ///
    /// # Panics
    /// As [`loss_and_gradient`](DataParallel::loss_and_gradient).
    pub fn loss_and_gradient_with_dropout<T, L, P>(
        &mut self,
        model: &Mlp,
        data: &Dataset<T>,
        dropout: &mut Dropout,
        loss: L,
        penalty: P,
        grads: &mut Vec<f64>,
    ) -> f64
    where
        T: Copy + Sync,
        L: for<'t> Fn(Run<'t>, T) -> Value<'t> + Sync,
        P: for<'t> Fn(Run<'t>) -> Value<'t>,
    {
        let masks = dropout.batch_masks();
        let batch = Batch::new(
            model,
            data,
            |params, x, point| masks.forward(model, params, x, point),
            loss,
        );
        self.compute(&batch, penalty, grads)
    }
}

/// Closures kept in a variable before they are passed to [`DataParallel::loss_and_gradient`].
impl DataParallel {
    /// Returns `loss` unchanged, typed as the per-point loss
    /// [`loss_and_gradient`](DataParallel::loss_and_gradient) takes, so that it can be kept in
    /// a variable or a field. A closure kept in a `let` without it fails to compile with
    /// "lifetime may not live long enough" or "one type is more general than the other", as
    /// for [`tapegrad::function`](crate::function).
    ///
    /// ```
    /// use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, loss};
    ///
    /// let data = nn::moons(40, 0.1, 0); // labels -1 and +1
    /// let model = Mlp::new(2, &[(4, Activation::Tanh), (1, Activation::Identity)], Init::Xavier, 0);
    /// let hinge = DataParallel::loss(|scores, label| loss::hinge(scores.get(0), label));
    /// let small_weights = DataParallel::penalty(|p| loss::l2(p) * 1e-4);
    /// let mut grads = Vec::new();
    /// let l = DataParallel::new(1).loss_and_gradient(&model, &data, &hinge, &small_weights, &mut grads);
    /// assert!(l > 0.0);
    /// ```
    pub fn loss<T, L>(loss: L) -> L
    where
        L: for<'t> Fn(Run<'t>, T) -> Value<'t> + Sync,
    {
        loss
    }

    /// Returns `penalty` unchanged, typed as the penalty on the parameters
    /// [`loss_and_gradient`](DataParallel::loss_and_gradient) takes, so that it can be kept in
    /// a variable or a field (see [`DataParallel::loss`]).
    ///
    /// ```
    /// use tapegrad::nn::{DataParallel, loss};
    ///
    /// let weight_decay = DataParallel::penalty(|params| loss::l2(params) * 1e-4);
    /// # let _ = weight_decay;
    /// ```
    pub fn penalty<P>(penalty: P) -> P
    where
        P: for<'t> Fn(Run<'t>) -> Value<'t>,
    {
        penalty
    }
}
