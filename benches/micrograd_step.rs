//! Goal 2 of the speed issue: a graph built the way micrograd's users build it.
//!
//! One SGD step of micrograd's two-moons demo (MLP 2-16-16-1 with ReLU, 100 points, hinge
//! loss plus 1e-4 L2, a fresh graph every step) written with elementary operators only: one
//! node per `+`, `*` and `relu`, as micrograd's `Neuron` does it, on one thread and one tape
//! reused from step to step. `peers/compare.py` sets the median beside PyTorch's.
//!
//! `cargo bench --bench micrograd_step`

mod micrograd_run;

use criterion::{Criterion, criterion_group, criterion_main};
use micrograd_run::{SIZES, TrainingRun};
use tapegrad::nn::{self, Dataset};
use tapegrad::{Tape, Value};

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

fn bench(c: &mut Criterion) {
    let data = nn::moons(100, 0.1, 4);
    let mut run = TrainingRun::new();
    let mut tape = Tape::new();
    let mut group = c.benchmark_group("micrograd_step");
    group.bench_function("one_thread", |b| {
        b.iter(|| {
            run.step(|params, grads| {
                tape.clear();
                loss_and_gradient(&tape, params, &data, grads)
            })
        })
    });
    group.finish();
    println!("micrograd_step: {} nodes a step", tape.len());
}

criterion_group!(benches, bench);
criterion_main!(benches);
