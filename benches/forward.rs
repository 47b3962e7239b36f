//! Forward or reverse? The same function, written once for `Scalar`, differentiated both ways.
//!
//! `f(x) = sum_i tanh(0.5 x_i + 0.1) x_i + sum_i sin(x_i x_{i+1})`, `n` inputs:
//! - `gradient/forward/n`: the gradient by `n` forward passes on dual numbers
//!   (`value_and_gradient_forward`), against `gradient/reverse/n`: one recording and one
//!   backward sweep (`value_and_gradient`), for n = 1, 10, 100, 1000;
//! - `directional/forward/n`: one derivative along a direction by one forward pass (`jvp`),
//!   against `directional/reverse/n`: the whole gradient, then its dot product with the
//!   direction;
//! - `evaluation/*`: the function on `f64` written by hand, the generic function on `f64`
//!   (the abstraction should cost nothing), and on `Dual` (the goal: at most 3 times `f64`),
//!   at n = 10^5.
//!
//! `cargo bench -p tapegrad-benches --bench forward`

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use tapegrad::{Dual, Scalar, jvp, value_and_gradient, value_and_gradient_forward};

/// The function, once for every number type: one sum of all the terms (a single node on a
/// tape, and never empty, which a sum of `Value`s must not be).
fn f<S: Scalar>(x: &[S]) -> S {
    let local = x.iter().map(|&xi| (xi * 0.5 + 0.1).tanh() * xi);
    let coupled = x.windows(2).map(|w| (w[0] * w[1]).sin());
    local.chain(coupled).sum()
}

/// The same function, written by hand for `f64`.
fn hand_written(x: &[f64]) -> f64 {
    let local = x.iter().map(|&xi| (xi * 0.5 + 0.1).tanh() * xi);
    let coupled = x.windows(2).map(|w| (w[0] * w[1]).sin());
    local.chain(coupled).sum()
}

fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| (i as f64 * 0.37).sin()).collect()
}

fn gradient(c: &mut Criterion) {
    let mut group = c.benchmark_group("gradient");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));
    for n in [1, 10, 100, 1000] {
        let x = point(n);
        let (forward, reverse) = (
            value_and_gradient_forward(f, &x),
            value_and_gradient(|v| f(v), &x),
        );
        assert_eq!(forward.0, reverse.0);
        group.bench_with_input(BenchmarkId::new("forward", n), &x, |b, x| {
            b.iter(|| value_and_gradient_forward(f, black_box(x)))
        });
        group.bench_with_input(BenchmarkId::new("reverse", n), &x, |b, x| {
            b.iter(|| value_and_gradient(|v| f(v), black_box(x)))
        });
    }
    group.finish();
}

fn directional(c: &mut Criterion) {
    let mut group = c.benchmark_group("directional");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));
    for n in [1, 10, 100, 1000] {
        let x = point(n);
        let direction: Vec<f64> = (0..n).map(|i| (i as f64 * 0.11).cos()).collect();
        group.bench_with_input(BenchmarkId::new("forward", n), &x, |b, x| {
            b.iter(|| jvp(|v: &[Dual]| f(v), black_box(x), &direction))
        });
        group.bench_with_input(BenchmarkId::new("reverse", n), &x, |b, x| {
            b.iter(|| {
                let (value, grad) = value_and_gradient(|v| f(v), black_box(x));
                let along: f64 = grad.iter().zip(&direction).map(|(g, d)| g * d).sum();
                (value, along)
            })
        });
    }
    group.finish();
}

fn evaluation(c: &mut Criterion) {
    const N: usize = 100_000;
    let x = point(N);
    let duals: Vec<Dual> = x.iter().map(|&xi| Dual::new(xi, 1.0)).collect();
    assert_eq!(f(&x), hand_written(&x));
    assert_eq!(f(&duals).value(), hand_written(&x));
    let mut group = c.benchmark_group("evaluation");
    group.sample_size(30);
    group.bench_function("f64_by_hand", |b| b.iter(|| hand_written(black_box(&x))));
    group.bench_function("f64_generic", |b| b.iter(|| f(black_box(&x[..]))));
    group.bench_function("dual", |b| b.iter(|| f(black_box(&duals[..]))));
    group.finish();
}

criterion_group!(benches, gradient, directional, evaluation);
criterion_main!(benches);
