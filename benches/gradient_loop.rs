//! Gradients in a loop: one call of a fitting loop's gradient, four ways, side by side.
//!
//! The loss is the sum of squared residuals of `y = a e^(b t) + c` on 40 points (3
//! parameters, 241 nodes a recording) and on 1000 (6,001 nodes), written once for `Scalar`:
//!
//! - `f64`: the loss alone, on `f64`, the yardstick;
//! - `value_and_gradient`: a new tape, inputs and gradient at every call;
//! - `reused_tape_by_hand`: the user's own loop on one tape, `clear`, `var`s, `backward` and
//!   the gradient read into a kept vector (the inputs' vector is made at every call, since a
//!   `Vec<Value>` cannot be kept across `clear`);
//! - `Gradient::at`: the same on a `Gradient`, which keeps the tape and both vectors.
//!
//! Each call moves the point a little, as a fitting loop does.
//!
//! `cargo bench -p tapegrad-benches --bench gradient_loop` runs criterion, one way after the
//! other. On a machine shared with other jobs, criterion's medians take whatever load each
//! way met; `GRADIENT_LOOP_ROUNDS=1000 cargo bench -p tapegrad-benches --bench gradient_loop`
//! runs the four ways in turns instead, a short stretch each (well under a scheduler's time
//! slice), for that many rounds, and prints each way's fastest and median stretch: the
//! fastest is what a way costs when nothing else runs.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group};
use tapegrad::{Gradient, Scalar, Tape, Value, value_and_gradient};

struct Data {
    t: Vec<f64>,
    y: Vec<f64>,
}

fn data(points: usize) -> Data {
    let t: Vec<f64> = (0..points)
        .map(|i| i as f64 * 5.0 / points as f64)
        .collect();
    let y = t
        .iter()
        .map(|&t| 2.0 * (-0.8 * t).exp() + 0.5 + 0.01 * (7.0 * t).sin())
        .collect();
    Data { t, y }
}

/// The sum of squared residuals, for any number type.
fn loss<S: Scalar>(p: &[S], data: &Data) -> S {
    data.t
        .iter()
        .zip(&data.y)
        .map(|(&t, &y)| {
            let r = p[0] * (p[1] * t).exp() + p[2] - y;
            r * r
        })
        .sum()
}

/// The point of call `i`: near the fit, moved a little each call.
fn point(i: u64) -> [f64; 3] {
    let wiggle = (i % 64) as f64 * 1e-4;
    [2.0 + wiggle, -0.8 - wiggle, 0.5 + wiggle]
}

/// The user's own loop on a reused tape: `clear`, the inputs, the loss, `backward`, and the
/// gradient read into `gradient`.
fn by_hand(tape: &mut Tape, p: &[f64], data: &Data, gradient: &mut Vec<f64>) -> f64 {
    tape.clear();
    let x: Vec<Value> = p.iter().map(|&p| tape.var(p)).collect();
    let y = loss(&x, data);
    y.backward();
    gradient.clear();
    gradient.extend(x.iter().map(|v| v.grad()));
    y.data()
}

fn gradient_loop(c: &mut Criterion) {
    let mut group = c.benchmark_group("gradient_loop");
    group.sample_size(50);
    group.measurement_time(Duration::from_secs(3));
    for points in [40, 1000] {
        let data = data(points);
        let mut grad = Gradient::new(|p| loss(p, &data));
        let (mut tape, mut kept) = (Tape::new(), Vec::new());
        // The four agree before they are timed.
        let (value, fresh) = value_and_gradient(|p| loss(p, &data), &point(0));
        assert_eq!(grad.at(&point(0)), (value, &fresh[..]));
        assert_eq!(by_hand(&mut tape, &point(0), &data, &mut kept), value);
        assert_eq!(kept, fresh);
        assert_eq!(loss(&point(0), &data), value);

        let mut i = 0;
        group.bench_function(BenchmarkId::new("f64", points), |b| {
            b.iter(|| {
                i += 1;
                loss(black_box(&point(i)), &data)
            })
        });
        group.bench_function(BenchmarkId::new("value_and_gradient", points), |b| {
            b.iter(|| {
                i += 1;
                value_and_gradient(|p| loss(p, &data), black_box(&point(i)))
            })
        });
        group.bench_function(BenchmarkId::new("reused_tape_by_hand", points), |b| {
            b.iter(|| {
                i += 1;
                let value = by_hand(&mut tape, black_box(&point(i)), &data, &mut kept);
                (value, kept[0])
            })
        });
        group.bench_function(BenchmarkId::new("Gradient::at", points), |b| {
            b.iter(|| {
                i += 1;
                let (value, g) = grad.at(black_box(&point(i)));
                (value, g[0])
            })
        });
    }
    group.finish();
}

/// The four ways in turns, `rounds` times, a stretch of `calls` calls each; prints each way's
/// fastest and median stretch, per call, and its ratios to the `f64` loss.
fn in_turns(rounds: usize) {
    for (points, calls) in [(40, 200), (1000, 10)] {
        let data = data(points);
        let mut grad = Gradient::new(|p| loss(p, &data));
        let (mut tape, mut kept) = (Tape::new(), Vec::new());
        let mut sink = 0.0;
        let mut call = |way: usize, i: u64| match way {
            0 => loss(black_box(&point(i)), &data),
            1 => value_and_gradient(|p| loss(p, &data), black_box(&point(i))).1[0],
            2 => {
                by_hand(&mut tape, black_box(&point(i)), &data, &mut kept);
                kept[0]
            }
            _ => grad.at(black_box(&point(i))).1[0],
        };
        let mut times: Vec<Vec<f64>> = (0..4).map(|_| Vec::with_capacity(rounds)).collect();
        for round in 0..rounds {
            for (way, way_times) in times.iter_mut().enumerate() {
                let start = Instant::now();
                for i in 0..calls {
                    sink += call(way, (round * calls + i) as u64);
                }
                way_times.push(start.elapsed().as_secs_f64() * 1e9 / calls as f64);
            }
        }
        black_box(sink);
        let (fastest, median): (Vec<f64>, Vec<f64>) = times
            .iter_mut()
            .map(|t| {
                t.sort_by(f64::total_cmp);
                (t[0], t[t.len() / 2])
            })
            .unzip();
        println!("{points} points, {rounds} rounds of {calls} calls a way:");
        let names = [
            "f64",
            "value_and_gradient",
            "reused_tape_by_hand",
            "Gradient::at",
        ];
        for (way, name) in names.iter().enumerate() {
            println!(
                "  {name:20} fastest {:9.0} ns ({:5.1}x f64)   median {:9.0} ns ({:5.1}x f64)",
                fastest[way],
                fastest[way] / fastest[0],
                median[way],
                median[way] / median[0]
            );
        }
    }
}

criterion_group!(benches, gradient_loop);

fn main() {
    if let Ok(rounds) = std::env::var("GRADIENT_LOOP_ROUNDS") {
        in_turns(
            rounds
                .parse()
                .expect("GRADIENT_LOOP_ROUNDS is a number of rounds"),
        );
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
