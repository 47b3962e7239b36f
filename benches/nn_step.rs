//! The nn step: the crate's own network on micrograd's two-moons demo.
//!
//! One training step exactly as `examples/moons.rs` takes it (MLP 2-16-16-1 with ReLU, 100
//! points, hinge loss plus 1e-4 L2, SGD), on one thread: one fused node per neuron, the tape
//! reused from step to step. `peers/compare.py` sets the median beside JAX's jit-compiled step.
//!
//! Beside it, evaluation: `Mlp::predict` on a 2-16-16-1 tanh network (no tape) against a
//! hand-written `f64` forward pass over the same weights, at the same 100 points.
//!
//! `cargo bench -p tapegrad-benches --bench nn_step`

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
    let schedule = Schedule::linear(1.0, 0.1, 100);
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

/// A 2-16-16-1 tanh network written out by hand in `f64`, in fixed-size arrays: what
/// `Mlp::predict` is measured against.
struct HandWritten {
    w1: [[f64; 2]; 16],
    b1: [f64; 16],
    w2: [[f64; 16]; 16],
    b2: [f64; 16],
    w3: [f64; 16],
    b3: f64,
}

impl HandWritten {
    /// The same weights as `mlp`'s.
    fn from(mlp: &Mlp) -> Self {
        let layer = |l: usize| mlp.layers()[l].neurons();
        let mut hand = HandWritten {
            w1: [[0.0; 2]; 16],
            b1: [0.0; 16],
            w2: [[0.0; 16]; 16],
            b2: [0.0; 16],
            w3: [0.0; 16],
            b3: layer(2)[0].bias(),
        };
        for j in 0..16 {
            hand.w1[j].copy_from_slice(layer(0)[j].weights());
            hand.b1[j] = layer(0)[j].bias();
            hand.w2[j].copy_from_slice(layer(1)[j].weights());
            hand.b2[j] = layer(1)[j].bias();
        }
        hand.w3.copy_from_slice(layer(2)[0].weights());
        hand
    }

    // Indexed loops, as such a pass is written by hand.
    #[allow(clippy::needless_range_loop)]
    fn forward(&self, x: [f64; 2]) -> f64 {
        let mut h1 = [0.0; 16];
        for j in 0..16 {
            h1[j] = (self.w1[j][0] * x[0] + self.w1[j][1] * x[1] + self.b1[j]).tanh();
        }
        let mut h2 = [0.0; 16];
        for j in 0..16 {
            let mut z = self.b2[j];
            for i in 0..16 {
                z += self.w2[j][i] * h1[i];
            }
            h2[j] = z.tanh();
        }
        let mut y = self.b3;
        for i in 0..16 {
            y += self.w3[i] * h2[i];
        }
        y
    }
}

fn predict(c: &mut Criterion) {
    let data = nn::moons(100, 0.1, 4);
    let layers = [
        (16, Activation::Tanh),
        (16, Activation::Tanh),
        (1, Activation::Identity),
    ];
    let mlp = Mlp::new(2, &layers, Init::Xavier, 4);
    let hand = HandWritten::from(&mlp);
    let points: Vec<[f64; 2]> = data.iter().map(|(x, _)| [x[0], x[1]]).collect();
    // The two agree up to the order of the additions.
    for x in &points {
        assert!((mlp.predict(x)[0] - hand.forward(*x)).abs() < 1e-12);
    }
    let mut group = c.benchmark_group("predict");
    group.bench_function("mlp_predict_100_points", |b| {
        b.iter(|| {
            points
                .iter()
                .map(|x| mlp.predict(std::hint::black_box(x))[0])
                .sum::<f64>()
        })
    });
    let mut out = Vec::with_capacity(1);
    group.bench_function("mlp_evaluate_100_points", |b| {
        b.iter(|| {
            points
                .iter()
                .map(|x| {
                    mlp.evaluate(std::hint::black_box(x), &mut out);
                    out[0]
                })
                .sum::<f64>()
        })
    });
    group.bench_function("hand_written_100_points", |b| {
        b.iter(|| {
            points
                .iter()
                .map(|x| hand.forward(std::hint::black_box(*x)))
                .sum::<f64>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench, predict);
criterion_main!(benches);
