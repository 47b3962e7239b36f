//! f64 code ported by changing types: closures over iterators of references, products,
//! `f64`'s `bool` methods, and accumulators.

use std::f64::consts::PI;

use tapegrad::{Dual, Scalar, Tape, Value};

#[test]
fn closures_over_references_compile_and_record_as_on_values() {
    let tape = Tape::new();
    let xs = [tape.var(1.0), tape.var(2.0), tape.var(3.0)];
    let squares: Value = xs.iter().map(|x| x * x).sum();
    let shifted: Vec<Value> = xs.iter().map(|v| 1.0 + v * v).collect();
    squares.backward();
    assert_eq!(squares.data(), 14.0);
    assert_eq!(xs.map(|x| x.grad()), [2.0, 4.0, 6.0]);
    assert_eq!(
        shifted.iter().map(|v| v.data()).collect::<Vec<_>>(),
        [2.0, 5.0, 10.0]
    );
}

#[test]
#[allow(clippy::op_ref)] // the references are what this test is about
fn every_operator_takes_references_on_either_side() {
    let tape = Tape::new();
    let (a, b) = (tape.var(6.0), tape.var(2.0));
    let (ra, rb) = (&a, &b);
    let got = [
        ra + rb,
        ra - b,
        a * rb,
        ra / 2.0,
        12.0 / rb,
        10.0 - ra,
        -ra,
        (ra * 1.0) + (2.0 * rb),
    ]
    .map(|v| v.data());
    assert_eq!(got, [8.0, 4.0, 12.0, 3.0, 6.0, 4.0, -6.0, 10.0]);
    let mut c = a;
    c += rb;
    c *= &b;
    assert_eq!(c.data(), 16.0);

    let (x, y) = (Dual::new(6.0, 1.0), Dual::new(2.0, 0.0));
    let q = &x / &y + 1.0 / &y - &x * 2.0;
    // d/dx (x / y + 1 / y - 2 x) = 1 / y - 2
    assert_eq!((q.value(), q.tangent()), (3.0 + 0.5 - 12.0, -1.5));
}

#[test]
fn product_of_values_records_each_factor_and_matches_f64() {
    let tape = Tape::new();
    let xs = [tape.var(2.0), tape.var(3.0), tape.var(4.0)];
    let p: Value = xs.iter().copied().product();
    p.backward();
    assert_eq!(p.data(), [2.0, 3.0, 4.0].iter().product::<f64>());
    // d(abc)/da = bc
    assert_eq!(xs.map(|x| x.grad()), [12.0, 8.0, 6.0]);
}

#[test]
fn bool_methods_read_the_number() {
    let tape = Tape::new();
    let y = tape.var(-1.0).sqrt();
    let z = tape.var(0.0).ln();
    let w = tape.var(-0.0);
    assert!(y.is_nan() && !y.is_finite() && !y.is_infinite());
    assert!(z.is_infinite() && z.is_sign_negative());
    assert!(w.is_sign_negative() && !w.is_sign_positive() && w.is_finite());
    let before = tape.len();
    let _ = (y.is_nan(), z.is_finite());
    assert_eq!(tape.len(), before, "reading the number records nothing");
}

#[test]
fn accumulators_start_from_a_zero_on_the_tape_even_with_no_terms() {
    let tape = Tape::new();
    let none: [Value; 0] = [];
    let mut total = tape.zero();
    for &x in &none {
        total += x;
    }
    assert_eq!(total.data(), 0.0);

    let xs = [tape.var(1.0), tape.var(2.0)];
    let mut e = tape.zero();
    for x in &xs {
        e += x * x;
    }
    let folded = xs.iter().fold(Value::from(1.0), |acc, x| acc * x);
    assert_eq!((e.data(), folded.data()), (5.0, 2.0));
}

/// The f64 habits that port unchanged: comparisons with numbers, `break`, a constant on the
/// left in concrete code, `sum`.
fn first_crossing(tape: &Tape, start: f64) -> (Value<'_>, usize) {
    let mut x = tape.var(start);
    let mut steps = 0;
    loop {
        if x > 10.0 || steps == 100 {
            break;
        }
        x = PI * x + 1.0;
        steps += 1;
    }
    (x, steps)
}

#[test]
fn comparisons_break_and_constants_on_the_left_port_unchanged() {
    let tape = Tape::new();
    let (x, steps) = first_crossing(&tape, 1.0);
    let plain = (0..steps).fold(1.0, |x, _| PI * x + 1.0);
    assert_eq!((x.data(), steps), (plain, 2));
}

#[test]
fn from_makes_a_constant_of_the_same_kind() {
    fn mean<S: Scalar>(xs: &[S]) -> S {
        let total = xs.iter().fold(S::from(0.0), |acc, &x| acc + x);
        total / xs.len() as f64
    }
    let tape = Tape::new();
    let xs = [tape.var(1.0), tape.var(3.0)];
    let m = mean(&xs);
    m.backward();
    assert_eq!((m.data(), xs[0].grad()), (2.0, 0.5));
    assert_eq!(mean(&[1.0, 3.0]), 2.0);
    let d = mean(&[Dual::new(1.0, 1.0), Dual::new(3.0, 0.0)]);
    assert_eq!((d.value(), d.tangent()), (2.0, 0.5));
}
