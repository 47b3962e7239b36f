//! `Run::vars` makes new leaves from numbers and refuses numbers computed on its own tape
//! while it records them (leaves made of them would cut the graph); `Run::from_values` makes
//! a run of computed values that gradients flow through.
#![cfg(feature = "nn")]

use tapegrad::Tape;
use tapegrad::nn::Run;

#[test]
#[should_panic(expected = "Run::vars records new leaves, but its iterator recorded 1 node(s)")]
fn vars_refuses_numbers_computed_on_its_tape_while_it_records() {
    let tape = Tape::new();
    let a = tape.var(2.0);
    Run::vars(&tape, [1.0, 2.0, 3.0].iter().map(|&v| (a * v).data()));
}

#[test]
#[should_panic(expected = "cut the graph")]
fn vars_refuses_an_iterator_that_records_before_its_first_number() {
    let tape = Tape::new();
    let mut left = 2;
    let numbers = std::iter::from_fn(|| {
        tape.var(100.0);
        left -= 1;
        (left >= 0).then_some(5.0 + left as f64)
    });
    Run::vars(&tape, numbers);
}

#[test]
fn vars_takes_an_iterator_that_records_only_after_its_last_number() {
    let tape = Tape::new();
    let numbers = [1.0, 2.0].into_iter().chain(std::iter::from_fn(|| {
        tape.var(100.0);
        None
    }));
    let x = Run::vars(&tape, numbers);
    assert_eq!((x.len(), x.get(0).index(), x.get(1).index()), (2, 0, 1));
    // Leaves: the gradient of x·x is 2x.
    x.dot(x).backward();
    assert_eq!((x.get(0).grad(), x.get(1).grad()), (2.0, 4.0));
}

#[test]
fn from_values_differentiates_through_values_that_are_not_consecutive() {
    // y = (w, w², 3) · (w, w², 3) = w² + w⁴ + 9: dy/dw = 2w + 4w³ = 36 at w = 2.
    let tape = Tape::new();
    let w = tape.var(2.0);
    let three = tape.constant(3.0);
    let squared = w * w;
    let x = Run::from_values(&tape, [w, squared, three]);
    assert_eq!(x.len(), 3);
    for (i, v) in x.iter().enumerate() {
        assert_eq!(
            v.index(),
            x.get(0).index() + i,
            "a run's nodes are consecutive"
        );
    }
    let y = x.dot(x);
    y.backward();
    assert_eq!((y.data(), w.grad()), (4.0 + 16.0 + 9.0, 36.0));
}

#[test]
fn from_values_keeps_consecutive_values_as_they_are() {
    let tape = Tape::new();
    let x = Run::vars(&tape, [1.0, 2.0, 3.0]);
    let doubled = Run::from_values(&tape, x.iter().map(|v| v * 2.0));
    let nodes = tape.len();
    let again = Run::from_values(&tape, doubled);
    assert_eq!(tape.len(), nodes, "no copy of a run");
    assert_eq!(again.get(0).index(), doubled.get(0).index());
    let empty = Run::from_values(&tape, []);
    assert!(empty.is_empty());
}

#[test]
fn from_values_copies_keep_the_sign_of_zero_and_infinities() {
    let tape = Tape::new();
    let values = [
        tape.var(-0.0),
        tape.constant(1.0),
        tape.var(f64::NEG_INFINITY),
    ];
    let x = Run::from_values(&tape, [values[2], values[0], values[1]]);
    let data: Vec<f64> = x.iter().map(|v| v.data()).collect();
    assert_eq!(data[0], f64::NEG_INFINITY);
    assert!(data[1] == 0.0 && data[1].is_sign_negative());
    assert_eq!(data[2], 1.0);
}

#[test]
#[should_panic(expected = "cannot combine Values from two different tapes")]
fn from_values_refuses_values_of_another_tape() {
    let (tape, other) = (Tape::new(), Tape::new());
    let v = other.var(1.0);
    Run::from_values(&tape, [v, v]);
}
