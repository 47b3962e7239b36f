//! Where splitting a batch across two threads starts to pay: the measurement behind
//! `DataParallel`'s rule for which batches it splits.
//!
//! For networks of 33 to 4417 parameters and batches of 8 to 4096 points, the loss and
//! gradient of one batch (two moons, hinge loss, L2 penalty) on one thread, on two threads
//! with every batch split (`split_batches_from(1)`), and on two threads by the measured rule
//! (`DataParallel::new(2)` as it is). The three run in turns, round after round (the order
//! turning each round), so that whatever else the machine does falls on all three alike; each
//! sample repeats the batch for about 5 ms. The table gives each one's median time a batch, the
//! ratios of one thread's median to the others', and in how many rounds splitting was faster.
//!
//! `cargo bench -p tapegrad-benches --bench data_parallel_threshold [-- --rounds N]`

use std::time::{Duration, Instant};

use tapegrad::nn::{self, Activation, DataParallel, Dataset, Init, Mlp, Module, loss};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let rounds = args
        .iter()
        .position(|a| a == "--rounds")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(11);
    let models: [(&str, &[(usize, Activation)]); 4] = [
        ("2-8-1", &[(8, Activation::Relu), (1, Activation::Identity)]),
        (
            "2-16-16-1",
            &[
                (16, Activation::Relu),
                (16, Activation::Relu),
                (1, Activation::Identity),
            ],
        ),
        (
            "2-32-32-1",
            &[
                (32, Activation::Relu),
                (32, Activation::Relu),
                (1, Activation::Identity),
            ],
        ),
        (
            "2-64-64-1",
            &[
                (64, Activation::Relu),
                (64, Activation::Relu),
                (1, Activation::Identity),
            ],
        ),
    ];
    println!(
        "{rounds} rounds; times are medians a batch, ratios one thread's time over the other's"
    );
    println!(
        "{:<10} {:>6} {:>10} {:>10} {:>10} {:>8} {:>6} {:>10} {:>8}",
        "network", "points", "params x N", "one", "split", "ratio", "wins", "rule", "ratio"
    );
    for (name, layers) in models {
        let model = Mlp::new(2, layers, Init::Uniform, 4);
        for points in [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096] {
            let data = nn::moons(points, 0.1, 4);
            let mut ways = [
                DataParallel::new(1),
                DataParallel::new(2).split_batches_from(1),
                DataParallel::new(2),
            ];
            let times = measure(&mut ways, &model, &data, rounds);
            let median = |k: usize| median(&times[k]);
            let wins = (0..rounds).filter(|&r| times[1][r] < times[0][r]).count();
            println!(
                "{:<10} {:>6} {:>10} {:>8.1}us {:>8.1}us {:>7.2}x {:>3}/{:<2} {:>8.1}us {:>7.2}x",
                name,
                points,
                points * model.parameter_count(),
                median(0) * 1e6,
                median(1) * 1e6,
                median(0) / median(1),
                wins,
                rounds,
                median(2) * 1e6,
                median(0) / median(2),
            );
        }
    }
}

/// Seconds a batch for each way, one sample a round.
fn measure(ways: &mut [DataParallel], model: &Mlp, data: &Dataset, rounds: usize) -> Vec<Vec<f64>> {
    let mut grads = Vec::new();
    // Warm up (tapes grown, threads started) and find how many batches make about 5 ms.
    let start = Instant::now();
    let mut calls = 0;
    while start.elapsed() < Duration::from_millis(50) || calls < 3 {
        for way in ways.iter_mut() {
            step(way, model, data, &mut grads);
        }
        calls += 1;
    }
    let repeat = ((0.005 * calls as f64 / start.elapsed().as_secs_f64()) * ways.len() as f64)
        .ceil()
        .max(1.0) as usize;
    let mut times = vec![Vec::with_capacity(rounds); ways.len()];
    for round in 0..rounds {
        for k in 0..ways.len() {
            let k = (k + round) % ways.len();
            let start = Instant::now();
            for _ in 0..repeat {
                std::hint::black_box(step(&mut ways[k], model, data, &mut grads));
            }
            times[k].push(start.elapsed().as_secs_f64() / repeat as f64);
        }
    }
    times
}

fn step(parallel: &mut DataParallel, model: &Mlp, data: &Dataset, grads: &mut Vec<f64>) -> f64 {
    parallel.loss_and_gradient(
        model,
        data,
        |scores, label| loss::hinge(scores.get(0), label),
        |params| loss::l2(params) * 1e-4,
        grads,
    )
}

fn median(xs: &[f64]) -> f64 {
    let mut xs = xs.to_vec();
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}
