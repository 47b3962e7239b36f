//! Threads kept from batch to batch, for [`DataParallel`](super::DataParallel).
//!
//! Starting a thread, or waking one that sleeps, costs tens of microseconds on a virtual
//! machine: as much as a slice of a training step. So the threads of a `Pool` live as long as
//! the pool, and after each job they spin for a while before they sleep, ready for the next
//! step of a training loop at once.
//!
//! A job borrows the caller's data (the model, the batch), yet runs on a thread that outlives
//! the call. That is sound because [`Pool::run`] does not return, or unwind, before every job
//! it handed out has finished: the same promise `std::thread::scope` makes, kept without
//! starting a thread per call.

use std::any::Any;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long a thread spins for its next job before it sleeps.
const SPIN: Duration = Duration::from_micros(200);

/// A job as the pool's threads see it: a borrowed closure whose lifetime has been erased
/// (see [`Pool::run`] for why that is sound).
type Job = &'static (dyn Fn() + Sync);

/// What a thread's slot holds between the caller and the thread.
const IDLE: u8 = 0;
const READY: u8 = 1;
const DONE: u8 = 2;
const STOP: u8 = 3;

/// Threads that run one job each per call of [`run`](Pool::run).
#[derive(Debug)]
pub(crate) struct Pool {
    threads: Vec<PoolThread>,
}

#[derive(Debug)]
struct PoolThread {
    slot: Arc<Slot>,
    handle: Option<JoinHandle<()>>,
}

/// The handshake between the caller and one thread.
#[derive(Default)]
struct Slot {
    state: AtomicU8,
    job: Mutex<Option<Job>>,
    panic: Mutex<Option<Box<dyn Any + Send>>>,
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slot")
            .field("state", &self.state.load(Ordering::Relaxed))
            .finish()
    }
}

impl Pool {
    /// A pool of `threads` threads, started now.
    ///
    /// # Panics
    /// If a thread cannot be started.
    #[track_caller]
    pub(crate) fn new(threads: usize) -> Self {
        Pool::start(threads, |slot| {
            thread::Builder::new()
                .name("tapegrad-data-parallel".into())
                .spawn(move || serve(&slot))
        })
    }

    /// A pool of `threads` threads, each started by `spawn` to serve its slot. If one cannot
    /// be started, the ones already started are stopped and joined before the panic, so that
    /// none is left waiting for a job that never comes.
    #[track_caller]
    fn start(
        threads: usize,
        mut spawn: impl FnMut(Arc<Slot>) -> io::Result<JoinHandle<()>>,
    ) -> Self {
        let mut pool = Pool {
            threads: Vec::with_capacity(threads),
        };
        for k in 0..threads {
            let slot = Arc::new(Slot::default());
            match spawn(Arc::clone(&slot)) {
                Ok(handle) => pool.threads.push(PoolThread {
                    slot,
                    handle: Some(handle),
                }),
                Err(err) => {
                    drop(pool);
                    panic!(
                        "could not start helper thread {} of {threads} for data-parallel training: \
                         {err} (ask for fewer threads)",
                        k + 1
                    );
                }
            }
        }
        pool
    }

    /// How many threads the pool has.
    pub(crate) fn len(&self) -> usize {
        self.threads.len()
    }

    /// Runs `job` once on every thread of the pool and `own` on the calling thread, and
    /// returns when all have finished. A panic in any of them is passed on to the caller,
    /// after all have finished.
    ///
    /// # Panics
    /// If `job` or `own` panics.
    pub(crate) fn run(&self, job: &(dyn Fn() + Sync), own: impl FnOnce()) {
        // SAFETY: only the lifetime is changed. A thread calls the job between READY and DONE
        // and drops it before DONE; `WaitOnDrop` keeps this function from returning or
        // unwinding before it has seen DONE from every thread, so the closure, and whatever it
        // borrows, outlives every use.
        #[allow(unsafe_code)]
        let erased: Job = unsafe { std::mem::transmute::<&(dyn Fn() + Sync), Job>(job) };
        // A panic left from a call whose own part panicked first was already overtaken by it.
        for thread in &self.threads {
            thread.slot.panic.lock().expect("never poisoned").take();
        }
        let started = WaitOnDrop(&self.threads);
        for thread in &self.threads {
            *thread
                .slot
                .job
                .lock()
                .expect("the pool's slots never poison") = Some(erased);
            thread.slot.state.store(READY, Ordering::Release);
            if let Some(handle) = &thread.handle {
                handle.thread().unpark();
            }
        }
        own();
        drop(started);
        let mut panics = self
            .threads
            .iter()
            .filter_map(|t| t.slot.panic.lock().ok()?.take());
        if let Some(payload) = panics.next() {
            panics.for_each(drop);
            resume_unwind(payload);
        }
    }
}

/// Waits, spinning, until every thread it holds has marked its job DONE, then marks it IDLE.
struct WaitOnDrop<'a>(&'a [PoolThread]);

impl Drop for WaitOnDrop<'_> {
    fn drop(&mut self) {
        for thread in self.0 {
            while thread.slot.state.load(Ordering::Acquire) != DONE {
                std::hint::spin_loop();
            }
            thread.slot.state.store(IDLE, Ordering::Relaxed);
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for thread in &mut self.threads {
            thread.slot.state.store(STOP, Ordering::Release);
            if let Some(handle) = thread.handle.take() {
                handle.thread().unpark();
                // A thread only ends by seeing STOP; a job's panic was caught and passed on.
                let _ = handle.join();
            }
        }
    }
}

/// A pool thread's life: wait for READY (spinning, then sleeping), run the job, mark DONE.
fn serve(slot: &Slot) {
    loop {
        let since = Instant::now();
        let state = loop {
            match slot.state.load(Ordering::Acquire) {
                READY => break READY,
                STOP => break STOP,
                _ if since.elapsed() < SPIN => std::hint::spin_loop(),
                // `park` may return spuriously; the loop looks again.
                _ => thread::park_timeout(Duration::from_millis(10)),
            }
        };
        if state == STOP {
            return;
        }
        let job = slot
            .job
            .lock()
            .expect("never poisoned")
            .take()
            .expect("READY comes with a job");
        if let Err(payload) = catch_unwind(AssertUnwindSafe(job)) {
            *slot.panic.lock().expect("never poisoned") = Some(payload);
        }
        slot.state.store(DONE, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    #[test]
    fn every_thread_runs_the_job_once_per_call_and_sees_the_callers_data() {
        let pool = Pool::new(3);
        for round in 0..100 {
            let data = [round; 4];
            let seen = AtomicUsize::new(0);
            let job = || {
                seen.fetch_add(data.iter().sum::<usize>(), Ordering::Relaxed);
            };
            pool.run(&job, job);
            assert_eq!(seen.load(Ordering::Relaxed), 4 * 4 * round);
        }
    }

    #[test]
    fn a_panicking_job_reaches_the_caller_after_every_job_finished() {
        let pool = Pool::new(2);
        let (calls, finished) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let job = || {
            if calls.fetch_add(1, Ordering::Relaxed) == 0 {
                panic!("job failed");
            }
            thread::sleep(Duration::from_millis(20));
            finished.fetch_add(1, Ordering::Relaxed);
        };
        let result = catch_unwind(AssertUnwindSafe(|| pool.run(&job, || {})));
        assert!(result.is_err());
        assert_eq!(
            finished.load(Ordering::Relaxed),
            1,
            "the other job finished first"
        );
        // The pool still works afterwards, and the old panic does not come back.
        pool.run(&job, || {});
        assert_eq!(finished.load(Ordering::Relaxed), 3);
    }

    #[test]
    fn a_panic_on_the_calling_thread_still_waits_for_the_jobs() {
        let pool = Pool::new(1);
        let finished = AtomicUsize::new(0);
        let slow = || {
            thread::sleep(Duration::from_millis(20));
            finished.fetch_add(1, Ordering::Relaxed);
        };
        let result = catch_unwind(AssertUnwindSafe(|| pool.run(&slow, || panic!("own part"))));
        assert!(result.is_err());
        assert_eq!(
            finished.load(Ordering::Relaxed),
            1,
            "the job finished before the unwind"
        );
    }

    #[test]
    fn a_thread_that_fails_to_start_stops_the_threads_already_started() {
        let ended = Arc::new(AtomicUsize::new(0));
        let mut spawned = 0;
        let result = catch_unwind(AssertUnwindSafe(|| {
            Pool::start(4, |slot| {
                spawned += 1;
                if spawned == 3 {
                    return Err(io::Error::other("no thread left"));
                }
                let ended = Arc::clone(&ended);
                thread::Builder::new().spawn(move || {
                    serve(&slot);
                    ended.fetch_add(1, Ordering::SeqCst);
                })
            })
        }));
        assert_eq!(
            ended.load(Ordering::SeqCst),
            2,
            "the two threads started were stopped before the panic"
        );
        let message = *result.unwrap_err().downcast::<String>().unwrap();
        assert!(
            message.contains("could not start helper thread 3 of 4")
                && message.contains("no thread left"),
            "{message}"
        );
    }

    #[test]
    fn threads_that_slept_wake_for_the_next_job() {
        let pool = Pool::new(1);
        let count = AtomicUsize::new(0);
        let job = || {
            count.fetch_add(1, Ordering::Relaxed);
        };
        pool.run(&job, || {});
        thread::sleep(Duration::from_millis(30)); // past the spinning, into park
        pool.run(&job, || {});
        assert_eq!(count.load(Ordering::Relaxed), 2);
    }
}
