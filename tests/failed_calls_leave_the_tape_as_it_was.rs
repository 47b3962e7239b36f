//! A call that panics while recording leaves the tape as if it had not been made: the
//! recording goes on, and nothing of the failed call reaches a later node.

use std::panic::{AssertUnwindSafe, catch_unwind};

use tapegrad::Tape;

#[test]
fn a_failed_sum_inside_another_sum_adds_nothing_to_it() {
    let tape = Tape::new();
    let other = Tape::new();
    let stranger = other.var(100.0);
    let xs = [tape.var(1.0), tape.var(2.0), tape.var(4.0)];
    // The outer sum takes its terms out of order, so it lists them on the scratch stack; the
    // inner one lists three terms, then meets a value of another tape and panics.
    let total = tape.sum([2, 0, 1].into_iter().map(|i| {
        if i == 0 {
            let failed = catch_unwind(AssertUnwindSafe(|| {
                tape.sum([xs[2], xs[0], xs[1], stranger])
            }));
            assert!(failed.is_err());
        }
        xs[i]
    }));
    total.backward();
    assert_eq!(total.data(), 7.0);
    assert_eq!(xs.map(|x| x.grad()), [1.0, 1.0, 1.0]);
}

#[test]
fn a_failed_dot_leaves_nothing_for_the_next_sum() {
    let tape = Tape::new();
    let other = Tape::new();
    let xs = [tape.var(1.0), tape.var(2.0), tape.var(4.0)];
    let failed = catch_unwind(AssertUnwindSafe(|| {
        tape.dot(&[xs[0], xs[1]], &[xs[2], other.var(1.0)])
    }));
    assert!(failed.is_err());
    let total = tape.sum([xs[2], xs[1], xs[0]]);
    total.backward();
    assert_eq!(total.data(), 7.0);
    assert_eq!(xs.map(|x| x.grad()), [1.0, 1.0, 1.0]);
}

#[test]
fn a_failed_dot_with_numbers_records_nothing() {
    let tape = Tape::new();
    let other = Tape::new();
    let xs = [tape.var(1.0), tape.var(2.0)];
    let failed = catch_unwind(AssertUnwindSafe(|| {
        tape.dot_const(&[xs[0], other.var(1.0)], &[3.0, 4.0])
    }));
    assert!(failed.is_err());
    assert_eq!(tape.len(), 2);
    let total = tape.sum([xs[1], xs[0]]);
    total.backward();
    assert_eq!(total.data(), 3.0);
    assert_eq!(xs.map(|x| x.grad()), [1.0, 1.0]);
}

#[test]
fn a_panic_in_the_users_iterator_leaves_the_scratch_stack_empty() {
    let tape = Tape::new();
    let xs = [tape.var(1.0), tape.var(2.0), tape.var(4.0)];
    let failed = catch_unwind(AssertUnwindSafe(|| {
        tape.sum([2, 1, 0, 99].into_iter().map(|i| xs[i]))
    }));
    assert!(failed.is_err(), "index 99 is out of bounds");
    let dot = tape.dot(&[xs[0], xs[2]], &[xs[1], xs[1]]);
    dot.backward();
    assert_eq!(dot.data(), 10.0);
    assert_eq!(xs.map(|x| x.grad()), [2.0, 5.0, 2.0]);
}
