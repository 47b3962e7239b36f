//! `Run::vars` over numbers whose iterator itself records on the same tape (say, reading
//! `data()` of a product) still returns exactly the new leaves, in consecutive nodes; the
//! iterator's own nodes are not part of the run.

use tapegrad::Tape;
use tapegrad::nn::Run;

fn assert_consecutive_leaves(x: Run<'_>, want: &[f64]) {
    assert_eq!(x.len(), want.len());
    let data: Vec<f64> = x.iter().map(|v| v.data()).collect();
    assert_eq!(data, want);
    let first = x.get(0).index();
    for (i, v) in x.iter().enumerate() {
        assert_eq!(
            v.index(),
            first + i,
            "the run's values sit in consecutive nodes"
        );
    }
    // They are leaves: the gradient of x·x is 2x, and nothing else.
    let y = x.dot(x);
    y.backward();
    let grads: Vec<f64> = x.iter().map(|v| v.grad()).collect();
    let twice: Vec<f64> = want.iter().map(|w| 2.0 * w).collect();
    assert_eq!(grads, twice);
}

#[test]
fn numbers_computed_on_the_same_tape_become_a_run_of_their_own_leaves() {
    let tape = Tape::new();
    let a = tape.var(2.0);
    let x = Run::vars(&tape, [1.0, 2.0, 3.0].iter().map(|&v| (a * v).data()));
    assert_consecutive_leaves(x, &[2.0, 4.0, 6.0]);
    assert_eq!(a.grad(), 0.0, "a only computed the numbers");
}

#[test]
fn an_iterator_that_records_before_its_first_and_after_its_last_number_is_left_out() {
    let tape = Tape::new();
    let mut left = 2;
    let numbers = std::iter::from_fn(|| {
        tape.var(100.0);
        left -= 1;
        (left >= 0).then_some(5.0 + left as f64)
    });
    let x = Run::vars(&tape, numbers);
    assert_consecutive_leaves(x, &[6.0, 5.0]);
}

#[test]
fn an_iterator_that_records_only_at_its_end_is_left_out() {
    let tape = Tape::new();
    let numbers = [1.0, 2.0].into_iter().chain(std::iter::from_fn(|| {
        tape.var(100.0);
        None
    }));
    let x = Run::vars(&tape, numbers);
    assert_consecutive_leaves(x, &[1.0, 2.0]);
}
