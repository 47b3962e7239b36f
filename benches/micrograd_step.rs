//! The micrograd-style step: a graph built the way micrograd's users build it.
//!
//! One SGD step of micrograd's two-moons demo (MLP 2-16-16-1 with ReLU, 100 points, hinge
//! loss plus 1e-4 L2, a fresh graph every step) written with elementary operators only: one
//! node per `+`, `*` and `relu`, as micrograd's `Neuron` does it, on one thread and one tape
//! reused from step to step. The loss and the training run are in `benches/micrograd/`,
//! shared with `reference_tape.rs`. `peers/compare.py` sets the median beside PyTorch's.
//!
//! `cargo bench --bench micrograd_step`

mod micrograd;

use criterion::{Criterion, criterion_group, criterion_main};
use micrograd::TrainingRun;
use tapegrad::Tape;
use tapegrad::nn::{self, Dataset};

/// The loss of `micrograd::loss` on `tape`; runs backward and writes the parameters'
/// gradients into `grads`. Returns the loss.
fn loss_and_gradient(tape: &Tape, params: &[f64], data: &Dataset, grads: &mut [f64]) -> f64 {
    let (loss, p) = micrograd::loss(|v| tape.var(v), params, data);
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
    assert_eq!(
        tape.len(),
        micrograd::nodes(micrograd::parameters(), data.len())
    );
    println!("micrograd_step: {} nodes a step", tape.len());
}

criterion_group!(benches, bench);
criterion_main!(benches);
