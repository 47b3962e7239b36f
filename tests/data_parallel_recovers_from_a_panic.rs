//! A panic in the loss or the penalty, on whichever thread meets it, reaches the caller as
//! the panic a single tape would have raised, and the next call works as if it had not
//! happened: on one thread, on batches too small to split, and on split ones.
#![cfg(feature = "nn")]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::thread;
use std::time::Duration;

use tapegrad::Value;
use tapegrad::nn::{Activation, DataParallel, Dataset, Init, Mlp, Run, loss};

const POINTS: usize = 16;

fn model() -> Mlp {
    Mlp::new(
        1,
        &[(4, Activation::Tanh), (1, Activation::Identity)],
        Init::Xavier,
        7,
    )
}

/// Point `i` has the input `i / 16` and the target `i`, so a loss can tell the points apart.
fn data() -> Dataset {
    Dataset::new(
        1,
        (0..POINTS).map(|i| i as f64 / POINTS as f64).collect(),
        (0..POINTS).map(|i| i as f64).collect(),
    )
}

fn good_loss<'t>(out: Run<'t>, target: f64) -> Value<'t> {
    loss::squared_error(out.get(0), target)
}

fn penalty<'t>(params: Run<'t>) -> Value<'t> {
    loss::l2(params) * 1e-3
}

/// The message of the panic that `call` raised.
fn panic_message(call: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(call)).expect_err("the call should panic");
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => payload
            .downcast::<&str>()
            .map(|m| m.to_string())
            .unwrap_or_default(),
    }
}

/// The loss and gradient of one thread, from a data-parallel trainer that never panicked.
fn reference() -> (f64, Vec<f64>) {
    let mut grads = Vec::new();
    let loss =
        DataParallel::new(1).loss_and_gradient(&model(), &data(), good_loss, penalty, &mut grads);
    (loss, grads)
}

/// Every way to run a batch on `threads` threads: as the measured rule says (this data is too
/// small to split), and with every batch split.
fn ways(threads: usize) -> [(DataParallel, String); 2] {
    [
        (DataParallel::new(threads), format!("{threads} threads")),
        (
            DataParallel::new(threads).split_batches_from(1),
            format!("{threads} threads, split"),
        ),
    ]
}

/// The next call, with a loss that does not panic, gives the reference numbers.
fn assert_next_call_works(parallel: &mut DataParallel, context: &str) {
    let (want_loss, want_grads) = reference();
    let mut grads = Vec::new();
    let loss = parallel.loss_and_gradient(&model(), &data(), good_loss, penalty, &mut grads);
    assert!(
        (loss - want_loss).abs() <= 1e-12,
        "{context}: loss {loss} vs {want_loss}"
    );
    assert_eq!(grads.len(), want_grads.len(), "{context}");
    for (g, w) in grads.iter().zip(&want_grads) {
        assert!((g - w).abs() <= 1e-12, "{context}: gradient {g} vs {w}");
    }
}

#[test]
fn a_panic_on_a_helper_thread_reaches_the_caller_and_the_next_call_works() {
    let caller = thread::current().id();
    for threads in 2..=4 {
        for round in 0..3 {
            // A new one each round, since one whose helpers came too late for a batch does the
            // next batches alone for a while.
            let mut parallel = DataParallel::new(threads).split_batches_from(1);
            // The calling thread is slow, so the helpers take pieces, and only they panic.
            let message = panic_message(|| {
                parallel.loss_and_gradient(
                    &model(),
                    &data(),
                    |out, target| {
                        if thread::current().id() == caller {
                            thread::sleep(Duration::from_millis(5));
                        } else {
                            panic!("bad point {target} on a helper");
                        }
                        good_loss(out, target)
                    },
                    penalty,
                    &mut Vec::new(),
                );
            });
            assert!(
                message.starts_with("bad point") && message.ends_with("on a helper"),
                "{threads} threads, round {round}: the caller saw `{message}`"
            );
            assert_next_call_works(&mut parallel, &format!("{threads} threads, round {round}"));
        }
    }
}

#[test]
fn a_panic_at_any_point_reaches_the_caller_and_the_next_call_works() {
    for (mut parallel, context) in (1..=3).flat_map(ways) {
        for bad in 0..POINTS {
            let message = panic_message(|| {
                parallel.loss_and_gradient(
                    &model(),
                    &data(),
                    |out, target| {
                        assert!(target != bad as f64, "bad point {target}");
                        good_loss(out, target)
                    },
                    penalty,
                    &mut Vec::new(),
                );
            });
            assert_eq!(message, format!("bad point {bad}"), "{context}");
            assert_next_call_works(&mut parallel, &format!("{context}, point {bad}"));
        }
    }
}

#[test]
fn a_panic_in_the_penalty_reaches_the_caller_and_the_next_call_works() {
    for (mut parallel, context) in (1..=3).flat_map(ways) {
        let message = panic_message(|| {
            parallel.loss_and_gradient(
                &model(),
                &data(),
                good_loss,
                |_| panic!("bad penalty"),
                &mut Vec::new(),
            );
        });
        assert_eq!(message, "bad penalty", "{context}");
        assert_next_call_works(&mut parallel, &context);
    }
}

/// Points 2, 9 and 14 are bad; point 2 is slow to fail, so that on several threads a later
/// bad point fails first in time.
fn loss_with_three_bad_points<'t>(out: Run<'t>, target: f64) -> Value<'t> {
    if target == 2.0 {
        thread::sleep(Duration::from_millis(20));
        panic!("bad point 2");
    }
    assert!(target != 9.0 && target != 14.0, "bad point {target}");
    good_loss(out, target)
}

#[test]
fn with_several_bad_points_the_caller_sees_the_first_as_one_tape_would() {
    for (mut parallel, context) in (1..=4).flat_map(ways) {
        for round in 0..3 {
            let message = panic_message(|| {
                parallel.loss_and_gradient(
                    &model(),
                    &data(),
                    loss_with_three_bad_points,
                    |_| panic!("bad penalty"),
                    &mut Vec::new(),
                );
            });
            assert_eq!(message, "bad point 2", "{context}, round {round}");
        }
        assert_next_call_works(&mut parallel, &context);
    }
}
