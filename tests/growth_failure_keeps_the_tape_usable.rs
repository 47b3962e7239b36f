//! When the allocator refuses to grow the tape, recording panics with a clear message and the
//! tape keeps every node it had: it can go on recording once memory is back, and drops
//! cleanly (run it under valgrind, `.ci/valgrind`, to see no invalid access or double free).
//! The panic comes after the tape's storage is released, so a panic hook may use the tape.
//!
//! The allocator here refuses any allocation or reallocation above a limit the test sets, the
//! way a full machine or a 32-bit address space would.
#![cfg(feature = "nn")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tapegrad::Tape;
use tapegrad::nn::Run;

struct Limited;

static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

// SAFETY: every call is passed on to the system allocator unchanged, or refused with a null
// pointer, which `GlobalAlloc` allows.
unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > LIMIT.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > LIMIT.load(Ordering::Relaxed) {
            return std::ptr::null_mut();
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Limited = Limited;

/// The tests share the limit, so they take turns.
static TURN: Mutex<()> = Mutex::new(());

/// Runs `f` with allocations above `limit` bytes refused, and returns its panic message.
fn refused_above(limit: usize, f: impl FnOnce()) -> String {
    // The default panic hook may capture a backtrace, which allocates more than the limit.
    refused_above_with_hook(limit, |_| {}, f)
}

/// `refused_above`, with `hook` as the panic hook meanwhile.
fn refused_above_with_hook(
    limit: usize,
    hook: impl Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync + 'static,
    f: impl FnOnce(),
) -> String {
    let old_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(hook));
    LIMIT.store(limit, Ordering::Relaxed);
    let result = catch_unwind(AssertUnwindSafe(f));
    LIMIT.store(usize::MAX, Ordering::Relaxed);
    std::panic::set_hook(old_hook);
    let payload = result.expect_err("the growth should have been refused");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn a_refused_growth_panics_and_the_tape_records_on_afterwards() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let tape = Tape::new();
    let x = tape.var(0.5);
    let mut y = x;
    let message = refused_above(1 << 20, || {
        loop {
            y = (y * 0.5 + 0.25).tanh();
        }
    });
    assert!(message.contains("could not grow"), "{message}");
    let recorded = tape.len();
    assert!(
        recorded > 1000,
        "the tape recorded {recorded} nodes before the limit"
    );
    // The nodes recorded before the refusal are intact: the last value still reads back,
    // and recording goes on once memory is back.
    let mut z = y;
    for _ in 0..100_000 {
        z = (z * 0.5 + 0.25).tanh();
    }
    assert_eq!(tape.len(), recorded + 300_000);
    z.backward();
    // d z / d x through a long chain of contractions: tiny, finite, not NaN.
    assert!(x.grad().is_finite());
    let short = tape.var(2.0);
    let w = short * short;
    w.backward();
    assert_eq!(short.grad(), 4.0);
}

#[test]
fn a_refused_sum_leaves_the_tape_usable() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let tape = Tape::new();
    let xs: Vec<_> = (0..200_000).map(|i| tape.var(i as f64)).collect();
    // Listed terms (descending) need an operand stream of 800 kB and more: refused.
    let message = refused_above(256 << 10, || {
        let _ = tape.sum(xs.iter().rev().copied());
    });
    assert!(message.contains("could not grow"), "{message}");
    let before = tape.len();
    let total = tape.sum(xs.iter().rev().copied());
    assert_eq!(tape.len(), before + 1);
    total.backward();
    assert_eq!(total.data(), (0..200_000).map(|i| i as f64).sum::<f64>());
    assert!(xs.iter().all(|x| x.grad() == 1.0));
}

thread_local! {
    /// A tape for the whole thread, which a panic hook can reach as well as the code.
    static TAPE: Tape = Tape::new();
}

/// A panic hook that, memory being back, reads the thread's tape and records a leaf holding
/// its length; returns that leaf's index through `noted`.
fn hook_recording_on_the_tape(
    noted: &'static AtomicUsize,
) -> impl Fn(&std::panic::PanicHookInfo<'_>) + Send + Sync + 'static {
    |_| {
        LIMIT.store(usize::MAX, Ordering::Relaxed);
        TAPE.with(|tape| {
            let note = tape.var(tape.len() as f64);
            noted.store(note.index(), Ordering::Relaxed);
        });
    }
}

#[test]
fn a_panic_hook_may_record_on_the_tape_whose_growth_was_refused() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    static NOTED: AtomicUsize = AtomicUsize::new(usize::MAX);
    TAPE.with(|tape| {
        let x = tape.var(0.5);
        let mut y = x;
        let message = refused_above_with_hook(1 << 20, hook_recording_on_the_tape(&NOTED), || {
            loop {
                y = (y * 0.5 + 0.25).tanh();
            }
        });
        assert!(message.contains("could not grow"), "{message}");
        // The hook ran once the storage was released, and its leaf is the newest node.
        let noted = NOTED.load(Ordering::Relaxed);
        assert!(
            noted > y.index(),
            "the hook's leaf is {noted}, y is {}",
            y.index()
        );
        assert_eq!(tape.len(), noted + 1);
        let short = tape.var(2.0);
        assert_eq!(short.index(), noted + 1);
        let z = (y * 0.5 + 0.25).tanh() + short * short;
        z.backward();
        assert!(x.grad().is_finite());
        assert_eq!(short.grad(), 4.0);
    });
}

#[test]
fn a_panic_hook_may_record_on_the_tape_whose_sum_was_refused() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    static NOTED: AtomicUsize = AtomicUsize::new(usize::MAX);
    TAPE.with(|tape| {
        let xs: Vec<_> = (0..200_000).map(|i| tape.var(i as f64)).collect();
        let before = tape.len();
        // Listed terms (descending) need a scratch stack of 800 kB and more: refused.
        let message =
            refused_above_with_hook(256 << 10, hook_recording_on_the_tape(&NOTED), || {
                let _ = tape.sum(xs.iter().rev().copied());
            });
        assert!(message.contains("could not grow"), "{message}");
        assert_eq!(NOTED.load(Ordering::Relaxed), before);
        let total = tape.sum(xs.iter().rev().copied());
        total.backward();
        assert_eq!(total.data(), (0..200_000).map(|i| i as f64).sum::<f64>());
        assert!(xs.iter().all(|x| x.grad() == 1.0));
    });
}

#[test]
#[should_panic(
    expected = "Tape::with_capacity(3689348814741910324): a tape holds at most \
                           4294967295 nodes"
)]
fn a_capacity_past_what_a_tape_can_address_is_refused() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let _ = Tape::with_capacity(usize::MAX / 5 + 1);
}

#[test]
fn a_capacity_the_allocator_refuses_panics_instead_of_aborting() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let message = refused_above(1 << 20, || {
        let _ = Tape::with_capacity(1_000_000);
    });
    assert!(
        message.contains("the allocator refused room for 1000000 nodes"),
        "{message}"
    );
    assert!(Tape::with_capacity(1_000_000).capacity() >= 1_000_000);
}

#[test]
fn a_refused_dot_of_runs_inside_a_sum_adds_nothing_to_it() {
    let _turn = TURN.lock().unwrap_or_else(|e| e.into_inner());
    let tape = Tape::new();
    let xs: Vec<_> = (0..4).map(|i| tape.var(i as f64)).collect();
    // Two runs of 100,000 leaves: the scratch stack takes the first in 400 kB, then needs
    // 800 kB for both, which is refused.
    let n = 100_000;
    let a = Run::vars(&tape, (0..n).map(|i| if i == 0 { 1000.0 } else { 0.0 }));
    let b = Run::vars(&tape, vec![1.0; n]);
    // The sum takes its terms out of order, so it lists them on the scratch stack; while it
    // asks for its second term, a dot of the runs is refused, and the iterator goes on.
    let total = tape.sum([3, 0, 2, 1].into_iter().map(|i| {
        if i == 0 {
            let message = refused_above(600_000, || {
                a.dot(b);
            });
            assert!(message.contains("could not grow"), "{message}");
        }
        xs[i]
    }));
    total.backward();
    assert_eq!(total.data(), 6.0);
    assert_eq!(xs.iter().map(|x| x.grad()).collect::<Vec<_>>(), [1.0; 4]);
    assert_eq!(
        a.get(0).grad(),
        0.0,
        "the dot's first run is no term of the sum"
    );
}
