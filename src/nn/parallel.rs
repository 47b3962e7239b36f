//! Data-parallel training: one batch's loss and gradient, split across threads.
//!
//! A tape is not shared between threads (recording appends to it), so each thread records
//! its share of the points on a tape of its own, with the same parameters bound to it, and
//! runs its own backward pass. The gradient of a sum is the sum of the gradients, so adding
//! the threads' gradients gives the batch's gradient; adding them in thread order, whichever
//! thread finishes first, makes the result the same at every run.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use super::pool::Pool;
use super::{Dataset, Module, Run};
use crate::fast::Tape;
use crate::value::Value;

/// Computes a batch's loss and gradient on several threads, each with a tape of its own kept
/// from step to step.
///
/// The loss is the mean of a per-point loss over the batch plus a penalty on the parameters:
/// `(1/N) sum_i loss(model(x_i), t_i) + penalty(params)`. With several threads the points are
/// cut into 8 pieces of consecutive points, which the calling thread and the other threads
/// take one at a time; the calling thread also does the penalty. The other threads are kept
/// from batch to batch (after a batch they wait, spinning for a fraction of a millisecond,
/// then sleeping, for the next), since starting or waking a thread costs as much as a piece. The
/// pieces' gradients are added in order, so the result is the same to the bit whatever the
/// number of threads above one and whichever thread took which piece. With one thread, no
/// thread is started at all and a step allocates nothing once the tape has grown to its size.
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
    /// The calling thread's tape and results.
    own: Worker,
    /// One per other thread, each used by one pool thread at a time.
    helpers: Vec<Mutex<Worker>>,
    /// The other threads, kept from batch to batch.
    pool: Pool,
    /// With several threads: the loss and gradient of each piece of the batch, then of the
    /// penalty, kept from step to step so that a step allocates nothing new.
    pieces: Vec<Mutex<Piece>>,
}

/// How many pieces a batch is cut into when it is split across threads. Threads take pieces
/// one at a time, so one that starts late (starting a thread costs tens of microseconds)
/// just takes fewer of them; and since each piece's gradient is kept apart and the pieces are
/// added in order, the result does not depend on which thread took which piece.
const PIECES: usize = 8;

/// One piece's share of the loss and its gradient, or the panic that stopped it.
#[derive(Debug, Default)]
struct Piece {
    loss: f64,
    grads: Vec<f64>,
    panic: Option<Box<dyn Any + Send>>,
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
    /// If `threads` is 0, or the system cannot start a thread (the threads already started
    /// are stopped first).
    #[track_caller]
    pub fn new(threads: usize) -> Self {
        assert!(
            threads > 0,
            "data-parallel training needs at least one thread"
        );
        DataParallel {
            own: Worker::default(),
            helpers: (1..threads).map(|_| Mutex::default()).collect(),
            pool: Pool::new(threads - 1),
            pieces: Vec::new(),
        }
    }

    /// How many threads a batch is split across.
    ///
    /// ```
    /// assert_eq!(tapegrad::nn::DataParallel::new(1).threads(), 1);
    /// ```
    pub fn threads(&self) -> usize {
        self.pool.len() + 1
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
        let batch = Batch {
            model,
            data,
            loss: &loss,
        };
        let own = &mut self.own;
        if self.helpers.is_empty() {
            // One thread, one tape, no piece to keep apart: this path allocates nothing once
            // the tape has grown to the batch's size.
            own.run(&batch, 0..data.len(), Some(&penalty));
            grads.clear();
            grads.extend_from_slice(&own.grads);
            return own.loss;
        }

        let count = PIECES.min(data.len());
        let piece = |k: usize| (k * data.len() / count)..((k + 1) * data.len() / count);
        self.pieces.resize_with(count + 1, Default::default);
        let (pieces, penalty_piece) = self.pieces.split_at(count);
        let (next_piece, first_panic) = (AtomicUsize::new(0), AtomicUsize::new(usize::MAX));
        let take_pieces = |worker: &mut Worker| {
            loop {
                let k = next_piece.fetch_add(1, Ordering::Relaxed);
                // Pieces are handed out in order, so every piece before one that panicked
                // has been taken, and one of them or it decides which panic the caller gets:
                // the pieces after it need not run.
                if k >= count || k > first_panic.load(Ordering::Relaxed) {
                    break;
                }
                // A panic is kept with its piece, so that the caller gets the first piece's
                // whichever thread met it, and this thread goes on taking pieces.
                let run = catch_unwind(AssertUnwindSafe(|| {
                    worker.run(&batch, piece(k), None::<&P>)
                }));
                if run.is_err() {
                    first_panic.fetch_min(k, Ordering::Relaxed);
                }
                worker.keep(&pieces[k], run.err());
            }
        };
        let (helpers, next_helper) = (&self.helpers, AtomicUsize::new(0));
        let helper_job = || {
            let mut worker = lock(&helpers[next_helper.fetch_add(1, Ordering::Relaxed)]);
            take_pieces(&mut worker);
        };
        self.pool.run(&helper_job, || {
            // The penalty is not `Sync`, so it stays on this thread: a piece of no points,
            // taken first, so that the points' pieces even out the threads' work at the end.
            let run = catch_unwind(AssertUnwindSafe(|| own.run(&batch, 0..0, Some(&penalty))));
            own.keep(&penalty_piece[0], run.err());
            take_pieces(own);
        });

        // The points' pieces come first and the penalty's last, in the order one tape
        // records them, so the first panic found is the one a single tape would have raised.
        let mut panics = self.pieces.iter_mut().filter_map(|piece| {
            piece
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .panic
                .take()
        });
        if let Some(payload) = panics.next() {
            panics.for_each(drop);
            resume_unwind(payload);
        }
        let mut total = 0.0;
        grads.clear();
        for (k, piece) in self.pieces.iter().enumerate() {
            let piece = lock(piece);
            if k == 0 {
                grads.extend_from_slice(&piece.grads);
            } else {
                grads
                    .iter_mut()
                    .zip(&piece.grads)
                    .for_each(|(g, p)| *g += p);
            }
            total += piece.loss;
        }
        total
    }
}

/// What every worker needs to know about the batch.
struct Batch<'a, M, T, L> {
    model: &'a M,
    data: &'a Dataset<T>,
    loss: &'a L,
}

impl Worker {
    /// Records the mean loss's share of `points` (plus the penalty, if given) on this
    /// worker's tape, runs backward, and keeps the loss and the parameters' gradients.
    fn run<M, T, L, P>(
        &mut self,
        batch: &Batch<'_, M, T, L>,
        points: std::ops::Range<usize>,
        penalty: Option<&P>,
    ) where
        M: Module,
        T: Copy,
        L: for<'t> Fn(Run<'t>, T) -> Value<'t>,
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

    /// Copies the last run's loss and gradient into `piece`, or the panic that stopped it.
    fn keep(&self, piece: &Mutex<Piece>, panic: Option<Box<dyn Any + Send>>) {
        let mut piece = lock(piece);
        piece.panic = panic;
        if piece.panic.is_none() {
            piece.loss = self.loss;
            piece.grads.clear();
            piece.grads.extend_from_slice(&self.grads);
        }
    }
}

/// Locks a worker or a piece, even if a thread panicked holding it: whoever takes it next
/// overwrites everything in it first (a worker clears its tape, a piece gets new results),
/// so what a panic left half-written is never read.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
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
