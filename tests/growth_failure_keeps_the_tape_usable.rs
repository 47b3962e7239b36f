//! When the allocator refuses to grow the tape, recording panics with a clear message and the
//! tape keeps every node it had: it can go on recording once memory is back, and drops
//! cleanly (run it under valgrind, `.ci/valgrind`, to see no invalid access or double free).
//!
//! The allocator here refuses any allocation or reallocation above a limit the test sets, the
//! way a full machine or a 32-bit address space would.

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use tapegrad::Tape;

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
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    LIMIT.store(limit, Ordering::Relaxed);
    let result = catch_unwind(AssertUnwindSafe(f));
    LIMIT.store(usize::MAX, Ordering::Relaxed);
    std::panic::set_hook(hook);
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
