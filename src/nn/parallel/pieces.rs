//! How a split batch is done: its pieces, who takes them, and how they are added.
//!
//! Each piece is recorded on a tape of its own, with the parameters bound to it, and runs its
//! own backward pass; the calling thread and the threads asked to help take pieces in turn
//! from a counter, and the pieces' results are added in order afterwards, whoever took them.

use std::any::Any;
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use rayon::Scope;

use super::{DataParallel, Threads};
use crate::fast::Tape;
use crate::nn::{Dataset, Module, Run};
use crate::value::Value;

/// How many pieces a split batch is cut into. Threads take pieces one at a time, so one that
/// starts late or runs slow just takes fewer of them; and since each piece's gradient is kept
/// apart and the pieces are added in order, the result does not depend on which thread took
/// which piece, nor on how many threads there are.
const PIECES: usize = 8;

/// One piece's tape, and its share of the loss and its gradient, or the panic that stopped it.
///
/// Aligned so that two pieces never share a cache line: each thread writes its tape's lengths
/// at every node it records.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(super) struct Piece {
    tape: Tape,
    grads: Vec<f64>,
    loss: f64,
    panic: Option<Box<dyn Any + Send>>,
}

impl DataParallel {
    /// The batch's loss, and its gradient into `grads`: on the calling thread, or split.
    pub(super) fn compute<M, T, F, L, P>(
        &mut self,
        batch: &Batch<'_, M, T, F, L>,
        penalty: P,
        grads: &mut Vec<f64>,
    ) -> f64
    where
        M: Module + Sync,
        F: for<'t> Fn(Run<'t>, Run<'t>, usize) -> Run<'t> + Sync,
        T: Copy + Sync,
        L: for<'t> Fn(Run<'t>, T) -> Value<'t> + Sync,
        P: for<'t> Fn(Run<'t>) -> Value<'t>,
    {
        let points = batch.data.len();
        if !self.splits(points, batch.model.parameter_count()) {
            // One tape, no piece to keep apart: this path allocates nothing once the tape has
            // grown to the batch's size, and a panic unwinds from it directly.
            self.caller.record(batch, 0..points, Some(&penalty));
            grads.clear();
            grads.extend_from_slice(&self.caller.grads);
            return self.caller.loss;
        }

        self.record_pieces(batch, &penalty);
        // The points' pieces come first and the penalty's last, in the order one tape
        // records them, so the first panic found is the one a single tape would have raised.
        let mut first_panic = None;
        let pieces = self.pieces.iter_mut().map(lock_mut);
        for piece in pieces.chain([&mut self.caller]) {
            if let Some(payload) = piece.panic.take() {
                first_panic.get_or_insert(payload);
            }
        }
        if let Some(payload) = first_panic {
            resume_unwind(payload);
        }
        let mut total = 0.0;
        grads.clear();
        let mut add = |piece: &Piece| {
            if grads.is_empty() {
                grads.extend_from_slice(&piece.grads);
            } else {
                grads
                    .iter_mut()
                    .zip(&piece.grads)
                    .for_each(|(g, p)| *g += p);
            }
            total += piece.loss;
        };
        self.pieces
            .iter_mut()
            .for_each(|piece| add(lock_mut(piece)));
        add(&self.caller);
        total
    }

    /// Records a split batch: the penalty on the calling thread, and the points' pieces on
    /// the calling thread and on the threads asked to help, which take them in turn.
    fn record_pieces<M, T, F, L, P>(&mut self, batch: &Batch<'_, M, T, F, L>, penalty: &P)
    where
        M: Module + Sync,
        F: for<'t> Fn(Run<'t>, Run<'t>, usize) -> Run<'t> + Sync,
        T: Copy + Sync,
        L: for<'t> Fn(Run<'t>, T) -> Value<'t> + Sync,
        P: for<'t> Fn(Run<'t>) -> Value<'t>,
    {
        let points = batch.data.len();
        let count = PIECES.min(points);
        self.pieces.resize_with(count, Mutex::default);
        let helpers = self.helping.helpers(self.threads() - 1, count);
        let (pieces, caller, threads) = (&self.pieces, &mut self.caller, &self.threads);
        let (next_piece, in_flight) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let first_panic = AtomicUsize::new(usize::MAX);
        // Takes pieces until none is left; returns how many it took.
        let take_pieces = || {
            let mut taken = 0;
            loop {
                in_flight.fetch_add(1, Ordering::Acquire);
                let k = next_piece.fetch_add(1, Ordering::Relaxed);
                // Pieces are handed out in order, so every piece before one that panicked has
                // been taken, and one of them or it decides which panic the caller gets: the
                // pieces after it need not run.
                if k >= count || k > first_panic.load(Ordering::Relaxed) {
                    in_flight.fetch_sub(1, Ordering::Release);
                    return taken;
                }
                let span = (k * points / count)..((k + 1) * points / count);
                let mut piece = lock(&pieces[k]);
                piece.record_catching(|piece| piece.record(batch, span, None::<&P>));
                if piece.panic.is_some() {
                    first_panic.fetch_min(k, Ordering::Relaxed);
                }
                drop(piece);
                in_flight.fetch_sub(1, Ordering::Release);
                taken += 1;
            }
        };
        let started = Instant::now();
        let mut own = OwnShare::default();
        let mut own_part = || {
            // The penalty is not `Sync`, so it stays on this thread: a piece of no points,
            // done first, while the other threads wake up and take the points' pieces.
            caller.record_catching(|piece| piece.record(batch, 0..0, Some(penalty)));
            own.penalty = started.elapsed();
            own.pieces = take_pieces();
            own.pieces_time = started.elapsed() - own.penalty;
        };
        if helpers == 0 {
            own_part();
            return;
        }
        in_place_scope(threads, |scope| {
            for _ in 0..helpers {
                scope.spawn(|_| {
                    take_pieces();
                });
            }
            own_part();
            // A helper still recording its last piece is waited for here, spinning for a
            // while, since a thread put to sleep takes tens of microseconds to wake.
            let since = Instant::now();
            while in_flight.load(Ordering::Acquire) > 0 && since.elapsed() < SPIN {
                std::hint::spin_loop();
            }
        });
        // A batch cut short by a panic says nothing about the threads' speed.
        if first_panic.load(Ordering::Relaxed) == usize::MAX {
            self.helping.learn(started.elapsed(), own, count);
        }
    }
}

/// How long a batch's calling thread waits, spinning, for a helper to finish its last piece,
/// before it sleeps until the helper wakes it.
const SPIN: Duration = Duration::from_micros(200);

/// After a split batch that the other threads did not speed up, the calling thread does the
/// next ones alone for this many times the time that batch lost, before it asks them again.
const ALONE_PER_TIME_LOST: u32 = 20;

/// The longest the calling thread goes on alone before it asks the other threads again.
const LONGEST_ALONE: Duration = Duration::from_secs(2);

/// Whether the other threads have been coming in time to help.
///
/// On a busy machine a thread woken for a batch may wait milliseconds for a core, and the
/// batch cannot end before every thread asked to help has come (the pieces borrow the
/// caller's model and data). So after a split batch that took longer than the calling thread
/// alone would have, at its own pace, it does the pieces alone for a while: twenty times what
/// that batch lost, and at least twice as long as the last time if the threads did not help
/// then either (at most two seconds). Then it asks them again. Waiting for threads that come
/// late thus costs about a twentieth of the time at most, and less the longer it goes on. The
/// pieces are the same either way, and so are the numbers.
#[derive(Debug, Default)]
pub(super) struct Helping {
    /// Until when the calling thread does split batches alone.
    alone_until: Option<Instant>,
    /// How long it went on alone the last time, if the threads have not helped since.
    last_alone: Duration,
}

/// What the calling thread did itself in a split batch.
#[derive(Debug, Default)]
struct OwnShare {
    penalty: Duration,
    pieces: usize,
    pieces_time: Duration,
}

impl Helping {
    /// How many helpers to ask for the next split batch of `count` pieces, with `others`
    /// threads besides the calling one: none for a while after they came too late.
    fn helpers(&mut self, others: usize, count: usize) -> usize {
        if let Some(until) = self.alone_until {
            if Instant::now() < until {
                return 0;
            }
            self.alone_until = None;
        }
        others.min(count.saturating_sub(1))
    }

    /// Learns from a split batch of `count` pieces that took `wall` with helpers asked.
    fn learn(&mut self, wall: Duration, own: OwnShare, count: usize) {
        if own.pieces == 0 {
            return; // the others did every piece
        }
        // What the batch would have taken the calling thread alone, at its own pace.
        let alone = own.penalty + own.pieces_time.mul_f64(count as f64 / own.pieces as f64);
        if own.pieces == count || wall > alone {
            // When the others took no piece, the wait for them is what was lost.
            let waited = wall.saturating_sub(own.penalty + own.pieces_time);
            let lost = wall.saturating_sub(alone).max(waited);
            let alone = (lost * ALONE_PER_TIME_LOST)
                .max(self.last_alone * 2)
                .min(LONGEST_ALONE);
            self.alone_until = Some(Instant::now() + alone);
            self.last_alone = alone;
        } else {
            self.last_alone = Duration::ZERO;
        }
    }
}

/// Locks a piece, even if a thread panicked holding it: whoever takes it next overwrites
/// everything in it first (it clears its tape and records new results), so what a panic left
/// half-written is never read.
fn lock(piece: &Mutex<Piece>) -> MutexGuard<'_, Piece> {
    piece.lock().unwrap_or_else(PoisonError::into_inner)
}

/// [`lock`], for a piece no other thread can hold.
fn lock_mut(piece: &mut Mutex<Piece>) -> &mut Piece {
    piece.get_mut().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `op` on the calling thread, with what it spawns on `threads`, and returns when
/// everything spawned has finished.
fn in_place_scope<'scope>(threads: &Threads, op: impl FnOnce(&Scope<'scope>)) {
    match threads {
        Threads::Pool(pool) => pool.in_place_scope(op),
        Threads::Current => rayon::in_place_scope(op),
        Threads::One => unreachable!("one thread never splits a batch"),
    }
}

/// What every piece needs to know about the batch: the model, the data, how a point goes
/// forward (given its index, for dropout's masks), and the per-point loss.
pub(super) struct Batch<'a, M, T, F, L> {
    model: &'a M,
    data: &'a Dataset<T>,
    forward: F,
    loss: L,
}

impl<'a, M, T: Copy, F, L> Batch<'a, M, T, F, L> {
    /// The batch, with `forward` and `loss` given the signatures a piece calls them with.
    pub(super) fn new(model: &'a M, data: &'a Dataset<T>, forward: F, loss: L) -> Self
    where
        F: for<'t> Fn(Run<'t>, Run<'t>, usize) -> Run<'t>,
        L: for<'t> Fn(Run<'t>, T) -> Value<'t>,
    {
        Batch {
            model,
            data,
            forward,
            loss,
        }
    }
}

impl Piece {
    /// Runs `record` on this piece, keeping a panic in the piece instead of unwinding, so that
    /// the caller gets the first piece's whichever thread met it. What the panic left
    /// half-written is never read: the next record clears the tape and overwrites the rest.
    fn record_catching(&mut self, record: impl FnOnce(&mut Piece)) {
        self.panic = catch_unwind(AssertUnwindSafe(|| record(self))).err();
    }

    /// Records the mean loss's share of `points` (plus the penalty, if given) on this piece's
    /// tape, runs backward, and keeps the loss and the parameters' gradients.
    fn record<M, T, F, L, P>(
        &mut self,
        batch: &Batch<'_, M, T, F, L>,
        points: Range<usize>,
        penalty: Option<&P>,
    ) where
        M: Module,
        T: Copy,
        F: for<'t> Fn(Run<'t>, Run<'t>, usize) -> Run<'t>,
        L: for<'t> Fn(Run<'t>, T) -> Value<'t>,
        P: for<'t> Fn(Run<'t>) -> Value<'t>,
    {
        let Batch {
            model,
            data,
            forward,
            loss,
        } = batch;
        self.tape.clear();
        let tape = &self.tape;
        let params = model.bind(tape);
        let share = tape.sum(points.map(|i| {
            let x = Run::vars(tape, data.input(i));
            loss(forward(params, x, i), data.target(i))
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
