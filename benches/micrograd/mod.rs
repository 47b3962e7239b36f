//! micrograd's two-moons demo, for the benchmarks that time its steps on tapegrad
//! (`micrograd_step.rs`) and on the reference tape (`reference_tape.rs`): its network, its loss
//! written the way micrograd writes it, and its training run, defined once so that both time
//! the same work.

use std::ops::{Add, Mul};

use tapegrad::Value;
use tapegrad::nn::Dataset;

/// micrograd's demo network: 2 inputs, two hidden layers of 16 neurons, 1 output.
pub const SIZES: [usize; 4] = [2, 16, 16, 1];

/// How many weights and biases the network has.
pub fn parameters() -> usize {
    (0..3).map(|l| (SIZES[l] + 1) * SIZES[l + 1]).sum()
}

/// What the loss needs of a number on a tape: `+` and `*`, with another such number or with an
/// `f64` on the right, and `relu`.
pub trait Number:
    Copy + Add<Output = Self> + Mul<Output = Self> + Add<f64, Output = Self> + Mul<f64, Output = Self>
{
    fn relu(self) -> Self;
}

impl Number for Value<'_> {
    fn relu(self) -> Self {
        Value::relu(self)
    }
}

/// A neuron as micrograd writes it: `sum(w_i * x_i, b)`, then relu for hidden layers.
fn neuron<S: Number>(w: &[S], b: S, x: &[S], relu: bool) -> S {
    let mut act = b;
    for (&wi, &xi) in w.iter().zip(x) {
        act = act + wi * xi;
    }
    if relu { act.relu() } else { act }
}

/// The mean hinge loss plus 1e-4 times the L2 penalty, with one node per `+`, `*` and `relu`,
/// the parameters and inputs made by `var`. Returns the loss and the parameters.
pub fn loss<S: Number>(var: impl Fn(f64) -> S, params: &[f64], data: &Dataset) -> (S, Vec<S>) {
    let p: Vec<S> = params.iter().map(|&v| var(v)).collect();
    let mut total = var(0.0);
    // Each layer's outputs, in two buffers reused for every layer and point of the step.
    let (mut act, mut next) = (Vec::with_capacity(16), Vec::with_capacity(16));
    for (x, target) in data.iter() {
        act.clear();
        act.extend(x.iter().map(|&v| var(v)));
        let mut offset = 0;
        for layer in 0..3 {
            let inputs = SIZES[layer];
            next.clear();
            for _ in 0..SIZES[layer + 1] {
                let w = &p[offset..offset + inputs];
                next.push(neuron(w, p[offset + inputs], &act, layer < 2));
                offset += inputs + 1;
            }
            std::mem::swap(&mut act, &mut next);
        }
        total = total + (act[0] * -target + 1.0).relu();
    }
    let mut squares = p[0] * p[0];
    for &q in &p[1..] {
        squares = squares + q * q;
    }
    (total * (1.0 / data.len() as f64) + squares * 1e-4, p)
}

/// The nodes `loss` records for `params` parameters and `points` points.
pub fn nodes(params: usize, points: usize) -> usize {
    // Per point: two inputs, two nodes a weight, a relu a hidden neuron, four for its term.
    let weights: usize = (0..3).map(|l| SIZES[l] * SIZES[l + 1]).sum();
    let per_point = 2 + 2 * weights + 32 + 4;
    // The parameters and the running total; the squares (two a parameter but the first);
    // the mean, the scaled penalty and their sum.
    params + 1 + points * per_point + (2 * params - 1) + 3
}

/// micrograd's demo: 100 SGD steps from the same initial weights, with learning rate
/// 1 - 0.9 k/100 at step k. Every benchmark iteration is one step of such a run; after the
/// 100th the run starts again, so that the steps measured are those of real training (not of
/// a network diverging under endless restarts of the schedule).
pub struct TrainingRun {
    initial: Vec<f64>,
    params: Vec<f64>,
    grads: Vec<f64>,
    step: usize,
}

impl TrainingRun {
    pub fn new() -> Self {
        let count = parameters();
        // Deterministic weights in (-1, 1), as micrograd's uniform initialisation.
        let initial: Vec<f64> = (0..count)
            .map(|i| ((i * 7919 % 2001) as f64 / 1000.0) - 1.0)
            .collect();
        TrainingRun {
            params: initial.clone(),
            initial,
            grads: vec![0.0; count],
            step: 0,
        }
    }

    /// One step: `loss_and_gradient(params, grads)` returns the loss at `params` and writes
    /// its gradient into `grads`; the step returns the loss.
    pub fn step(&mut self, loss_and_gradient: impl FnOnce(&[f64], &mut [f64]) -> f64) -> f64 {
        if self.step.is_multiple_of(100) {
            self.params.copy_from_slice(&self.initial);
        }
        let loss = loss_and_gradient(&self.params, &mut self.grads);
        let lr = 1.0 - 0.9 * (self.step % 100) as f64 / 100.0;
        for (w, g) in self.params.iter_mut().zip(&self.grads) {
            *w -= lr * g;
        }
        self.step += 1;
        loss
    }
}
