//! An optimizer given more or fewer parameters than gradients panics before it changes a
//! parameter or its own state, so the step can be retried with the right arguments and gives
//! what it would have given had the bad call never happened.
#![cfg(feature = "nn")]

use std::panic::{AssertUnwindSafe, catch_unwind};

use tapegrad::nn::{Adam, Optimizer, Sgd};

/// Steps with `params` and `grads` of different lengths, and checks that it panics and leaves
/// the parameters as they were.
fn assert_mismatch_changes_no_parameter(
    opt: &mut impl Optimizer,
    params: &mut [f64],
    grads: &[f64],
) {
    let before = params.to_vec();
    let result = catch_unwind(AssertUnwindSafe(|| opt.step(params.iter_mut(), grads)));
    assert!(
        result.is_err(),
        "{} parameters and {} gradients",
        params.len(),
        grads.len()
    );
    assert_eq!(
        params,
        before,
        "{} parameters and {} gradients",
        params.len(),
        grads.len()
    );
}

/// Two steps, with a bad call before each, give what two good steps of a fresh optimizer give.
fn assert_bad_calls_leave_no_trace<O: Optimizer>(make: impl Fn() -> O) {
    let grads = [[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]];
    let mut want = [1.0, 2.0, 3.0];
    let mut fresh = make();
    for g in &grads {
        fresh.step(&mut want, g);
    }

    let mut opt = make();
    let mut params = [1.0, 2.0, 3.0];
    for g in &grads {
        assert_mismatch_changes_no_parameter(&mut opt, &mut params, &g[..2]);
        assert_mismatch_changes_no_parameter(&mut opt, &mut params, &[0.1; 4]);
        assert_mismatch_changes_no_parameter(&mut opt, &mut params[..2], g);
        opt.step(&mut params, g);
    }
    assert_eq!(params, want);
}

#[test]
fn sgd_with_momentum_changes_nothing_when_the_counts_differ() {
    assert_bad_calls_leave_no_trace(|| Sgd::new(0.1).with_momentum(0.9).with_weight_decay(0.01));
}

#[test]
fn adam_changes_nothing_when_the_counts_differ() {
    assert_bad_calls_leave_no_trace(|| Adam::new(0.1));
}

#[test]
fn a_first_step_with_the_wrong_count_does_not_size_the_state() {
    let mut sgd = Sgd::new(0.1).with_momentum(0.9);
    assert_mismatch_changes_no_parameter(&mut sgd, &mut [1.0, 2.0, 3.0], &[1.0, 1.0]);
    // The state was not sized for 2 parameters: 3 is accepted.
    let mut params = [1.0, 2.0, 3.0];
    sgd.step(&mut params, &[1.0, 1.0, 1.0]);
    assert_eq!(params, [0.9, 1.9, 2.9]);
}

#[test]
#[should_panic(
    expected = "the optimizer got 2 parameters and 3 gradients: they must match one to one"
)]
fn the_mismatch_message_gives_both_counts() {
    Adam::new(0.1).step(&mut [1.0, 2.0], &[0.1, 0.2, 0.3]);
}

#[test]
#[should_panic(expected = "the optimizer got more than 2 parameters and 2 gradients")]
fn endless_parameters_are_refused_without_reading_them_all() {
    // Each parameter is a fresh `f64` of its own; the optimizer reads three of them.
    let endless = std::iter::repeat_with(|| Box::leak(Box::new(0.0)));
    Sgd::new(0.1).step(endless, &[0.1, 0.2]);
}
