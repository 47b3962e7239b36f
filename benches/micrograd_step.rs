//! Goal 2 of the speed issue: a graph built the way micrograd's users build it.
//!
//! One SGD step of micrograd's two-moons demo (MLP 2-16-16-1 with ReLU, 100 points, hinge
//! loss plus 1e-4 L2, a fresh graph every step) written with elementary operators only: one
//! node per `+`, `*` and `relu`, as micrograd's `Neuron` does it, on one thread and one tape
//! reused from step to step. `peers/compare.py` sets the median beside PyTorch's.
//!
//! `cargo bench --bench micrograd_step`

use criterion::{Criterion, criterion_group, criterion_main};
use tapegrad::nn::{self, Dataset};
use tapegrad::{Tape, Value};

const SIZES: [usize; 4] = [2, 16, 16, 1];

/// A neuron as micrograd writes it: `sum(w_i * x_i, b)`, then relu for hidden layers.
fn neuron<'t>(w: &[Value<'t>], b: Value<'t>, x: &[Value<'t>], relu: bool) -> Value<'t> {
    let mut act = b;
    for (&wi, &xi) in w.iter().zip(x) {
        act += wi * xi;
    }
    if relu { act.relu() } else { act }
}

/// The mean hinge loss plus the L2 penalty, recorded on `tape`; runs backward and writes the
/// parameters' gradients into `grads`. Returns the loss.
fn loss_and_gradient(tape: &Tape, params: &[f64], data: &Dataset, grads: &mut [f64]) -> f64 {
    let p: Vec<Value> = params.iter().map(|&v| tape.var(v)).collect();
    let mut total = tape.constant(0.0);
    // Each layer's outputs, in two buffers reused for every layer and point of the step.
    let (mut act, mut next) = (Vec::with_capacity(16), Vec::with_capacity(16));
    for (x, target) in data.iter() {
        act.clear();
        act.extend(x.iter().map(|&v| tape.var(v)));
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
        total += (1.0 + -target * act[0]).relu();
    }
    let mut squares = p[0] * p[0];
    for &q in &p[1..] {
        squares += q * q;
    }
    let loss = total * (1.0 / data.len() as f64) + 1e-4 * squares;
    loss.backward();
    for (g, v) in grads.iter_mut().zip(&p) {
        *g = v.grad();
    }
    loss.data()
}

/// micrograd's demo: 100 steps from the same initial weights. Every benchmark iteration is
/// one step of such a run; after the 100th the run starts again, so that the steps measured
/// are those of real training (not of a network diverging under endless restarts of the
/// schedule).
struct Trainer {
    initial: Vec<f64>,
    params: Vec<f64>,
    grads: Vec<f64>,
    tape: Tape,
    step: usize,
}

impl Trainer {
    fn new() -> Self {
        let count: usize = (0..3).map(|l| (SIZES[l] + 1) * SIZES[l + 1]).sum();
        // Deterministic weights in (-1, 1), as micrograd's uniform initialisation.
        let initial: Vec<f64> = (0..count)
            .map(|i| ((i * 7919 % 2001) as f64 / 1000.0) - 1.0)
            .collect();
        Trainer {
            params: initial.clone(),
            initial,
            grads: vec![0.0; count],
            tape: Tape::new(),
            step: 0,
        }
    }

    /// One SGD step with micrograd's schedule over 100 steps.
    fn step(&mut self, data: &Dataset) -> f64 {
        if self.step % 100 == 0 {
            self.params.copy_from_slice(&self.initial);
        }
        self.tape.clear();
        let loss = loss_and_gradient(&self.tape, &self.params, data, &mut self.grads);
        let lr = 1.0 - 0.9 * (self.step % 100) as f64 / 100.0;
        for (w, g) in self.params.iter_mut().zip(&self.grads) {
            *w -= lr * g;
        }
        self.step += 1;
        loss
    }
}

fn bench(c: &mut Criterion) {
    let data = nn::moons(100, 0.1, 4);
    let mut trainer = Trainer::new();
    let mut group = c.benchmark_group("micrograd_step");
    group.bench_function("one_thread", |b| b.iter(|| trainer.step(&data)));
    group.finish();
    println!("micrograd_step: {} nodes a step", trainer.tape.len());
}

criterion_group!(benches, bench);
criterion_main!(benches);
