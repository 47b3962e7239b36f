//! Values from two tapes cannot meet: every way of combining them panics and says why.

use std::panic::{AssertUnwindSafe, catch_unwind};

use tapegrad::Tape;

fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("combining tapes must panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn every_combination_of_two_tapes_panics_with_an_explanation() {
    let (first, second) = (Tape::new(), Tape::new());
    let (a, b) = (first.var(1.0), second.var(2.0));
    let messages = [
        panic_message(|| {
            let _ = a + b;
        }),
        panic_message(|| {
            let _ = a * b;
        }),
        panic_message(|| {
            let _ = a.max(b);
        }),
        panic_message(|| {
            let _ = a.pow(b);
        }),
        panic_message(|| {
            let _ = a.mul_add(a, b);
        }),
        panic_message(|| {
            let _ = first.sum([a, b]);
        }),
        panic_message(|| {
            let _ = first.dot(&[a], &[b]);
        }),
        panic_message(|| {
            let _ = first.dot_const(&[a, b], &[1.0, 2.0]);
        }),
        panic_message(|| {
            let _ = a.gradient(&[b]);
        }),
    ];
    for message in messages {
        assert!(
            message.contains("two different tapes"),
            "message was: {message}"
        );
    }
}

#[test]
fn the_first_tape_still_works_after_a_refused_combination() {
    let (first, second) = (Tape::new(), Tape::new());
    let (a, b) = (first.var(3.0), second.var(2.0));
    panic_message(|| {
        let _ = a - b;
    });
    let y = a * a;
    y.backward();
    assert_eq!((first.len(), a.grad()), (2, 6.0));
}

#[test]
fn dot_of_unequal_lengths_names_both() {
    let tape = Tape::new();
    let (a, b) = (tape.var(1.0), tape.var(2.0));
    let message = panic_message(|| {
        let _ = tape.dot(&[a, b], &[a]);
    });
    assert!(message.contains("got 2 and 1"), "message was: {message}");
}
