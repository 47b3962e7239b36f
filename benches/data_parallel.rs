//! Data-parallel training: a 1000-point batch on one thread and on two.
//!
//! The loss and gradient of a 1000-point two-moons batch for the MLP 2-16-16-1, on one
//! thread and split across two (a tape per thread, gradients summed in a fixed order; the
//! test `data_parallel_matches_single_thread` checks that both agree to 1e-12).
//!
//! `cargo bench --bench data_parallel`

use criterion::{Criterion, criterion_group, criterion_main};
use tapegrad::nn::{self, Activation, DataParallel, Init, Mlp, loss};

fn bench(c: &mut Criterion) {
    let data = nn::moons(1000, 0.1, 4);
    let layers = [
        (16, Activation::Relu),
        (16, Activation::Relu),
        (1, Activation::Identity),
    ];
    let model = Mlp::new(2, &layers, Init::Uniform, 4);
    let mut group = c.benchmark_group("data_parallel");
    for (name, threads) in [("one_thread", 1), ("two_threads", 2)] {
        let mut parallel = DataParallel::new(threads);
        let mut grads = Vec::new();
        group.bench_function(name, |b| {
            b.iter(|| {
                parallel.loss_and_gradient(
                    &model,
                    &data,
                    |scores, label| loss::hinge(scores.get(0), label),
                    |params| loss::l2(params) * 1e-4,
                    &mut grads,
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
