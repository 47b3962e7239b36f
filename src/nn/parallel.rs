//! Data-parallel training: one batch's loss and gradient, split across threads.
//!
//! A tape is not shared between threads (recording appends to it), so each thread records
//! its share of the points on a tape of its own, with the same parameters bound to it, and
//! runs its own backward pass. The gradient of a sum is the sum of the gradients, so adding
//! the threads' gradients gives the batch's gradient; adding them in thread order, whichever
//! thread finishes first, makes the result the same at every run.

use super::{Dataset, Module, Run};
use crate::tape::Tape;
use crate::value::Value;

/// Computes a batch's loss and gradient on several threads, each with a tape of its own kept
/// from step to step.
///
/// The loss is the mean of a per-point loss over the batch plus a penalty on the parameters:
/// `(1/N) sum_i loss(model(x_i), t_i) + penalty(params)`. The points are split into
/// `threads` runs of consecutive points; the calling thread takes the first run (and the
/// penalty), and one scoped thread is started per other run. With one thread, no thread is
/// started at all and a step allocates nothing once the tape has grown to its size.
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
    /// One per thread; never empty.
    workers: Vec<Worker>,
}

/// A thread's tape and its share of the result.
///
/// Aligned so that two workers never share a cache line: each thread writes its tape's
/// lengths at every node it records.
#[derive(Debug, Default)]
#[repr(align(128))]
struct Worker {
    tape: Tape,
    grads: Vec<f64>,
    loss: f64,
}

impl DataParallel {
    /// Splits each batch across `threads` threads (the calling one included).
    ///
    /// ```
    /// let parallel = tapegrad::nn::DataParallel::new(2);
    /// assert_eq!(parallel.threads(), 2);
    /// ```
    ///
    /// # Panics
    /// If `threads` is 0.
    #[track_caller]
    pub fn new(threads: usize) -> Self {
        assert!(
            threads > 0,
            "data-parallel training needs at least one thread"
        );
        DataParallel {
            workers: (0..threads).map(|_| Worker::default()).collect(),
        }
    }

    /// How many threads a batch is split across.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::DataParallel::new(1).threads(), 1);
    /// ```
    pub fn threads(&self) -> usize {
        self.workers.len()
    }

    /// Returns the batch loss `(1/N) sum_i loss(model(x_i), t_i) + penalty(params)` over the
    /// `N` points of `data`, and writes its gradient with respect to the model's parameters
    /// (in the order of [`Module::parameters`]) into `grads`, replacing what was there.
    ///
    /// `loss` gets the model's outputs at a point and the point's target; `penalty` gets the
    /// bound parameters and runs once, on the calling thread. The result equals a
    /// single-tape computation up to the rounding of a differently ordered sum.
    ///
    /// ```
    /// use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, loss};
    ///
    /// let data = nn::xor();
    /// let model = Mlp::new(2, &[(4, Activation::Tanh), (1, Activation::Identity)], Init::Xavier, 0);
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
    /// `penalty` panics (a panic on a worker thread is passed on to the caller).
    pub fn loss_and_gradient<M, L, P>(
        &mut self,
        model: &M,
        data: &Dataset,
        loss: L,
        penalty: P,
        grads: &mut Vec<f64>,
    ) -> f64
    where
        M: Module + Sync,
        L: for<'t> Fn(Run<'t>, f64) -> Value<'t> + Sync,
        P: for<'t> Fn(Run<'t>) -> Value<'t>,
    {
        let threads = self.workers.len();
        let share = |k: usize| (k * data.len() / threads)..((k + 1) * data.len() / threads);
        let batch = Batch {
            model,
            data,
            loss: &loss,
        };
        let (first, others) = self.workers.split_first_mut().expect("at least one worker");
        if others.is_empty() {
            // Nothing to spawn: skip the scope, whose bookkeeping would allocate every step.
            first.run(&batch, share(0), Some(&penalty));
        } else {
            std::thread::scope(|scope| {
                for (k, worker) in others.iter_mut().enumerate() {
                    let batch = &batch;
                    let points = share(k + 1);
                    scope.spawn(move || worker.run(batch, points, None::<&P>));
                }
                first.run(&batch, share(0), Some(&penalty));
            });
        }
        grads.clear();
        grads.extend_from_slice(&first.grads);
        let mut total = first.loss;
        for worker in others.iter() {
            for (g, w) in grads.iter_mut().zip(&worker.grads) {
                *g += w;
            }
            total += worker.loss;
        }
        total
    }
}

/// What every worker needs to know about the batch.
struct Batch<'a, M, L> {
    model: &'a M,
    data: &'a Dataset,
    loss: &'a L,
}

impl Worker {
    /// Records the mean loss's share of `points` (plus the penalty, if given) on this
    /// worker's tape, runs backward, and keeps the loss and the parameters' gradients.
    fn run<M, L, P>(
        &mut self,
        batch: &Batch<'_, M, L>,
        points: std::ops::Range<usize>,
        penalty: Option<&P>,
    ) where
        M: Module,
        L: for<'t> Fn(Run<'t>, f64) -> Value<'t>,
        P: for<'t> Fn(Run<'t>) -> Value<'t>,
    {
        let Batch { model, data, loss } = *batch;
        self.tape.clear();
        let tape = &self.tape;
        let params = model.bind(tape);
        let share = tape.sum(points.map(|i| {
            let x = Run::vars(tape, data.input(i));
            loss(model.forward(params, x), data.target(i))
        }));
        let mut total = share / data.len() as f64;
        if let Some(penalty) = penalty {
            total += penalty(params);
        }
        total.backward();
        params.grads_into(&mut self.grads);
        self.loss = total.data();
    }
}
