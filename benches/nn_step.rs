//! The nn step: the crate's own network on micrograd's two-moons demo.
//!
//! One training step exactly as `examples/moons.rs` takes it (MLP 2-16-16-1 with ReLU, 100
//! points, hinge loss plus 1e-4 L2, SGD), on one thread: one fused node per neuron, the tape
//! reused from step to step. `peers/compare.py` sets the median beside JAX's jit-compiled step.
//!
//! `cargo bench --bench nn_step`

use criterion::{Criterion, criterion_group, criterion_main};
use tapegrad::nn::{
    self, Activation, DataParallel, Init, Mlp, Module, Optimizer, Schedule, Sgd, loss,
};

fn bench(c: &mut Criterion) {
    let data = nn::moons(100, 0.1, 4);
    let layers = [
        (16, Activation::Relu),
        (16, Activation::Relu),
        (1, Activation::Identity),
    ];
    // Every iteration is one step of the example's 100-step run; after the 100th the run
    // starts again from the same weights, so that the steps measured are those of training.
    let initial = Mlp::new(2, &layers, Init::Uniform, 4);
    let schedule = Schedule::Linear {
        start: 1.0,
        end: 0.1,
        steps: 100,
    };
    let mut model = initial.clone();
    let mut sgd = Sgd::new(1.0);
    let mut one_thread = DataParallel::new(1);
    let mut grads = Vec::new();
    let mut step = 0;
    let mut group = c.benchmark_group("nn_step");
    group.bench_function("one_thread", |b| {
        b.iter(|| {
            if step % 100 == 0 {
                model = initial.clone();
            }
            sgd.set_learning_rate(schedule.at(step % 100));
            step += 1;
            let total = one_thread.loss_and_gradient(
                &model,
                &data,
                |scores, label| loss::hinge(scores.get(0), label),
                |params| loss::l2(params) * 1e-4,
                &mut grads,
            );
            sgd.step(model.parameters_mut(), &grads);
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
