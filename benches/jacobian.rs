//! `tapegrad::jacobian` against a hand loop that records each output alone on a small reused
//! tape and runs one backward sweep from it, for three shapes:
//!
//! - tall: 200 residuals `a e^(-b t_i) + c - y_i` of 3 parameters (a curve fit);
//! - square: 24 outputs `x_i sin(x_{i+1}) + x_{i-1}²` of 24 inputs (cyclic neighbours);
//! - tall and sparse: 2000 such outputs of 50 inputs (each input in 120 of them), which
//!   `jacobian` sweeps forwards in 7 passes of up to 8 inputs;
//! - wide: 3 moments `sum_i x_i t_i^k` (k = 0, 1, 2) of 200 inputs.
//!
//! The hand loop needs each output's code written alone; `jacobian` takes the vector function
//! as it is. Both return the full `m x n` matrix.
//!
//! `cargo bench -p tapegrad-benches --bench jacobian`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tapegrad::{Tape, Value, jacobian};

const POINTS: usize = 200;
const SQUARE: usize = 24;
const SPARSE_OUTPUTS: usize = 2000;
const SPARSE_INPUTS: usize = 50;
const WIDE: usize = 200;

struct Curve {
    t: Vec<f64>,
    y: Vec<f64>,
}

fn curve() -> Curve {
    let t: Vec<f64> = (0..POINTS).map(|i| i as f64 * 0.05).collect();
    let y = t.iter().map(|t| 2.0 * (-0.7 * t).exp() + 0.3).collect();
    Curve { t, y }
}

fn residual<'t>(p: &[Value<'t>], t: f64, y: f64) -> Value<'t> {
    p[0] * (-p[1] * t).exp() + p[2] - y
}

fn neighbours<'t>(x: &[Value<'t>], i: usize) -> Value<'t> {
    let n = x.len();
    x[i % n] * x[(i + 1) % n].sin() + x[(i + n - 1) % n].powi(2)
}

fn moment<'t>(x: &[Value<'t>], t: &[f64], k: i32) -> Value<'t> {
    x[0].tape()
        .sum(x.iter().zip(t).map(|(&x, &t)| x * t.powi(k)))
}

/// Row by row: each output recorded alone on `tape`, then one backward sweep.
fn hand_loop(
    tape: &mut Tape,
    at: &[f64],
    outputs: usize,
    output: impl for<'t> Fn(&[Value<'t>], usize) -> Value<'t>,
) -> Vec<Vec<f64>> {
    (0..outputs)
        .map(|i| {
            tape.clear();
            let x: Vec<Value<'_>> = at.iter().map(|&a| tape.var(a)).collect();
            output(&x, i).backward();
            x.iter().map(|x| x.grad()).collect()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut tape = Tape::new();
    let mut group = c.benchmark_group("jacobian");

    let Curve { t, y } = curve();
    let p = [1.5, 0.5, 0.1];
    group.bench_function("tall_200x3/jacobian", |b| {
        b.iter(|| {
            jacobian(
                |p| t.iter().zip(&y).map(|(&t, &y)| residual(p, t, y)).collect(),
                black_box(&p),
            )
        })
    });
    group.bench_function("tall_200x3/hand_loop", |b| {
        b.iter(|| {
            hand_loop(&mut tape, black_box(&p), POINTS, |p, i| {
                residual(p, t[i], y[i])
            })
        })
    });

    let x: Vec<f64> = (0..SQUARE).map(|i| (i as f64 * 0.37).sin()).collect();
    group.bench_function("square_24x24/jacobian", |b| {
        b.iter(|| {
            jacobian(
                |x| (0..x.len()).map(|i| neighbours(x, i)).collect(),
                black_box(&x),
            )
        })
    });
    group.bench_function("square_24x24/hand_loop", |b| {
        b.iter(|| hand_loop(&mut tape, black_box(&x), SQUARE, neighbours))
    });

    let x: Vec<f64> = (0..SPARSE_INPUTS)
        .map(|i| (i as f64 * 0.37).sin())
        .collect();
    group.bench_function("tall_sparse_2000x50/jacobian", |b| {
        b.iter(|| {
            jacobian(
                |x| (0..SPARSE_OUTPUTS).map(|i| neighbours(x, i)).collect(),
                black_box(&x),
            )
        })
    });
    group.bench_function("tall_sparse_2000x50/hand_loop", |b| {
        b.iter(|| hand_loop(&mut tape, black_box(&x), SPARSE_OUTPUTS, neighbours))
    });

    let x: Vec<f64> = (0..WIDE).map(|i| (i as f64 * 0.37).cos()).collect();
    let t: Vec<f64> = (0..WIDE).map(|i| i as f64 / WIDE as f64).collect();
    group.bench_function("wide_3x200/jacobian", |b| {
        b.iter(|| {
            jacobian(
                |x| (0..3).map(|k| moment(x, &t, k)).collect(),
                black_box(&x),
            )
        })
    });
    group.bench_function("wide_3x200/hand_loop", |b| {
        b.iter(|| hand_loop(&mut tape, black_box(&x), 3, |x, k| moment(x, &t, k as i32)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
