//! micrograd's two-moons demo: an MLP 2-16-16-1 with ReLU learns to separate two interleaving
//! half circles (100 points, noise 0.1), with the SVM hinge loss plus 1e-4 times the L2
//! penalty, by SGD with the learning rate decaying as `1.0 - 0.9 k / steps`.
//!
//! Run with `cargo run --release --example moons -- --steps 100 --out moons.svg`.
//!
//! Options:
//! - `--steps N`: training steps (default 100).
//! - `--out FILE`: write the decision boundary as an SVG picture: the model's score shaded
//!   over the plane, the points coloured by class, and small arrows showing the saliency
//!   (the gradient of the score with respect to the input) across the plane.
//! - `--curve FILE`: write the loss curve (one point a step) as an SVG chart.
//! - `--seed N`: the seed of the data and of the first weights (default 4).
//! - `--threads N`: split each step's batch across N threads (default 1: one thread, no
//!   thread started). Starting a thread costs tens of microseconds a step, so this pays off
//!   on batches much larger than the demo's 100 points.
//!
//! Ends with one line for scripts:
//! `moons: steps=<n> loss=<final loss> accuracy=<training accuracy> us_per_step=<time>`,
//! where the time per step is the training loop's (no printing, no SVG) in microseconds.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use tapegrad::chart::{DecisionBoundary, loss_curve};
use tapegrad::nn::{
    self, Activation, DataParallel, Dataset, Init, Mlp, Module, Optimizer, Schedule, Sgd, loss,
};

const USAGE: &str =
    "usage: moons [--steps N] [--out FILE.svg] [--curve FILE.svg] [--threads N] [--seed N]";

struct Options {
    steps: usize,
    out: Option<String>,
    curve: Option<String>,
    threads: usize,
    seed: u64,
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("moons: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let data = nn::moons(100, 0.1, options.seed);
    let mut model = Mlp::new(
        2,
        &[
            (16, Activation::Relu),
            (16, Activation::Relu),
            (1, Activation::Identity),
        ],
        Init::Uniform,
        options.seed,
    );
    let schedule = Schedule::linear(1.0, 0.1, options.steps);
    let mut sgd = Sgd::new(schedule.at(0));
    // The batch's loss and gradient, on one thread or several; each thread keeps its tape
    // from step to step, so a step allocates nothing.
    let mut parallel = DataParallel::new(options.threads);
    let mut grads = Vec::new();

    let mut training = Duration::ZERO;
    let mut last_loss = f64::NAN;
    let mut losses = Vec::with_capacity(options.steps);
    for k in 0..options.steps {
        let start = Instant::now();
        let total = parallel.loss_and_gradient(
            &model,
            &data,
            |scores, label| loss::hinge(scores.get(0), label),
            |params| loss::l2(params) * 1e-4,
            &mut grads,
        );
        sgd.set_learning_rate(schedule.at(k));
        sgd.step(model.parameters_mut(), &grads);
        training += start.elapsed();

        if total.is_nan() {
            eprintln!("moons: the loss became NaN at step {k}; stopping (try a smaller rate)");
            return ExitCode::FAILURE;
        }
        last_loss = total;
        losses.push(total);
        if k % 10 == 0 || k + 1 == options.steps {
            println!("step {k:4}  loss {total:.6}  lr {:.3}", schedule.at(k));
        }
    }

    let accuracy = model.accuracy(&data);
    if let Some(path) = &options.out {
        if let Err(err) = std::fs::write(path, svg(&model, &data)) {
            eprintln!("moons: cannot write {path}: {err}");
            return ExitCode::FAILURE;
        }
        println!("wrote {path}");
    }
    if let Some(path) = &options.curve {
        let svg = loss_curve("Two moons: hinge loss + 1e-4 x L2, SGD", &losses).to_svg();
        if let Err(err) = std::fs::write(path, svg) {
            eprintln!("moons: cannot write {path}: {err}");
            return ExitCode::FAILURE;
        }
        println!("wrote {path}");
    }
    let us_per_step = training.as_secs_f64() * 1e6 / options.steps.max(1) as f64;
    println!(
        "moons: steps={} loss={last_loss:.6} accuracy={accuracy:.2} us_per_step={us_per_step:.1}",
        options.steps
    );
    ExitCode::SUCCESS
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        steps: 100,
        out: None,
        curve: None,
        threads: 1,
        seed: 4,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--steps" => options.steps = parse_count(&value()?)?,
            "--threads" => options.threads = parse_count(&value()?)?.max(1),
            "--out" => options.out = Some(value()?),
            "--curve" => options.curve = Some(value()?),
            "--seed" => options.seed = parse_count(&value()?)? as u64,
            "--help" | "-h" => return Err("training micrograd's two-moons demo".into()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

fn parse_count(text: &str) -> Result<usize, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a whole number"))
}

/// The decision boundary as an SVG picture: the score shaded, the points, and the saliency
/// (the direction in which the score grows fastest, from one backward pass each) as arrows.
fn svg(model: &Mlp, data: &Dataset) -> String {
    DecisionBoundary::new("Two moons: the trained network's score")
        .points(data.iter().map(|(x, label)| (x[0], x[1], label)))
        // The hinge loss asks for a margin of 1; the shade deepens up to 1.5.
        .scores(|x, y| model.predict(&[x, y])[0] / 1.5)
        .arrows(|x, y| {
            let g = model.input_gradient(&[x, y], 0);
            (g[0], g[1])
        })
        .width(600.0)
        .caption("shading: the model's score (red: +1, blue: -1)")
        .caption("arrows: saliency, the direction in which the score rises fastest")
        .to_svg()
}
