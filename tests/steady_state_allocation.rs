//! A training loop that clears and reuses its tape allocates nothing after its first step:
//! recording, fused nodes, backward and reading gradients all run in the memory already held.

use tapegrad::{Tape, Value};

mod allocations;
use allocations::allocations_during;

/// One step of a small model: a tanh layer on a few points, mean squared error, backward.
fn step(tape: &Tape, weights: &mut [f64; 3], points: &[(f64, f64)]) {
    let w: [Value; 3] = std::array::from_fn(|i| tape.var(weights[i]));
    let loss = tape.sum(points.iter().map(|&(x, target)| {
        let prediction = (w[0] * x + w[1]).tanh() * w[2];
        (prediction - target).powi(2)
    })) / points.len() as f64;
    let pair = [tape.var(1.0), tape.var(2.0)];
    let _fused = tape.dot(&w[..2], &pair)
        + tape.affine(&w[..2], w[2], &pair)
        + tape.dot_const(&w, &[0.5, -1.0, 2.0]);
    loss.backward();
    for (weight, v) in weights.iter_mut().zip(w) {
        *weight -= 0.1 * v.grad();
    }
}

#[test]
fn steps_after_the_first_allocate_nothing() {
    let points: Vec<(f64, f64)> = (0..50)
        .map(|i| (i as f64 / 25.0 - 1.0, (i % 7) as f64 / 7.0))
        .collect();
    let mut weights = [0.5, -0.3, 0.8];
    let mut tape = Tape::new();
    let first = allocations_during(|| step(&tape, &mut weights, &points));
    assert!(first > 0, "the first step sets up the tape's memory");
    for _ in 0..100 {
        tape.clear();
        let later = allocations_during(|| step(&tape, &mut weights, &points));
        assert_eq!(later, 0, "a step on a reused tape allocated");
    }
}

/// A step that mixes a wide fused node with many narrow ones (as a training step does: an
/// L2 penalty over all parameters, then a node or two per data point) makes the tape grow
/// during the first step; the next steps, just as long, must fit in what it left behind.
#[test]
fn a_step_as_long_as_the_last_fits_in_the_memory_it_left() {
    let step = |tape: &Tape| {
        let w: [Value; 337] = std::array::from_fn(|i| tape.var(i as f64 * 0.001));
        let l2 = tape.dot(&w, &w);
        let terms = (0..300).map(|i| {
            let x = tape.var(i as f64);
            (w[i].mul_add(x, w[1]) * 0.5).relu()
        });
        let loss = tape.sum(terms) + l2;
        loss.backward();
        w[7].grad()
    };
    let mut tape = Tape::new();
    let first_grad = step(&tape);
    for _ in 0..3 {
        tape.clear();
        let mut grad = 0.0;
        assert_eq!(allocations_during(|| grad = step(&tape)), 0);
        assert_eq!(grad, first_grad);
    }
}
