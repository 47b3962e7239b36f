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

use tapegrad::nn::{
    self, Activation, DataParallel, Dataset, Init, Mlp, Module, Optimizer, Schedule, Sgd, loss,
};

#[allow(dead_code)] // each example draws the charts it needs
#[path = "chart/mod.rs"]
mod chart;

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
        let svg = chart::loss_curve("Two moons: hinge loss + 1e-4 x L2, SGD", &losses);
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

/// The decision boundary as an SVG picture.
fn svg(model: &Mlp, data: &Dataset) -> String {
    const SIZE: f64 = 600.0;
    const CELLS: usize = 60;
    const ARROWS: usize = 14;
    let (x0, x1, y0, y1) = bounds(data);
    let scale = SIZE / (x1 - x0).max(y1 - y0);
    let (width, height) = ((x1 - x0) * scale, (y1 - y0) * scale);
    // Plane coordinates to picture coordinates (the picture's y axis points down).
    let px = |x: f64| (x - x0) * scale;
    let py = |y: f64| (y1 - y) * scale;

    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{:.0}\" \
         font-family=\"sans-serif\" font-size=\"13\">\n\
         <defs><marker id=\"head\" markerWidth=\"6\" markerHeight=\"6\" refX=\"5\" refY=\"3\" \
         orient=\"auto\"><path d=\"M0,0 L6,3 L0,6 z\" fill=\"#222\"/></marker></defs>\n",
        height + 44.0
    );
    // The score, shaded: blue where the model says -1, red where it says +1, paler near 0.
    let (cw, ch) = ((x1 - x0) / CELLS as f64, (y1 - y0) / CELLS as f64);
    for i in 0..CELLS {
        for j in 0..CELLS {
            let (x, y) = (x0 + (i as f64 + 0.5) * cw, y0 + (j as f64 + 0.5) * ch);
            let score = model.predict(&[x, y])[0];
            let strength = score.abs().min(1.5) / 1.5;
            let colour = shade(if score > 0.0 { RED } else { BLUE }, 0.2 + 0.5 * strength);
            out += &format!(
                "<rect x=\"{:.2}\" y=\"{:.2}\" width=\"{:.2}\" height=\"{:.2}\" \
                 fill=\"{colour}\"/>\n",
                px(x - cw / 2.0),
                py(y + ch / 2.0),
                cw * scale + 0.5,
                ch * scale + 0.5,
            );
        }
    }
    // Saliency: the direction in which the score grows fastest, from one backward pass each.
    let arrow = 0.4 * (x1 - x0) / ARROWS as f64;
    for i in 0..ARROWS {
        for j in 0..ARROWS {
            let x = x0 + (i as f64 + 0.5) * (x1 - x0) / ARROWS as f64;
            let y = y0 + (j as f64 + 0.5) * (y1 - y0) / ARROWS as f64;
            let g = model.input_gradient(&[x, y], 0);
            let norm = g[0].hypot(g[1]);
            if norm == 0.0 || !norm.is_finite() {
                continue;
            }
            let (dx, dy) = (arrow * g[0] / norm, arrow * g[1] / norm);
            out += &format!(
                "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#222\" \
                 stroke-opacity=\"0.6\" marker-end=\"url(#head)\"/>\n",
                px(x - dx / 2.0),
                py(y - dy / 2.0),
                px(x + dx / 2.0),
                py(y + dy / 2.0)
            );
        }
    }
    for (x, label) in data.iter() {
        let colour = shade(if label > 0.0 { RED } else { BLUE }, 1.0);
        out += &format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"5\" fill=\"{colour}\" stroke=\"black\"/>\n",
            px(x[0]),
            py(x[1])
        );
    }
    out += &format!(
        "<text x=\"8\" y=\"{:.0}\">shading: the model's score (red: +1, blue: -1)</text>\n\
         <text x=\"8\" y=\"{:.0}\">arrows: saliency, the direction in which the score \
         rises fastest</text>\n</svg>\n",
        height + 18.0,
        height + 36.0
    );
    out
}

const RED: [f64; 3] = [214.0, 39.0, 40.0];
const BLUE: [f64; 3] = [31.0, 119.0, 180.0];

/// `colour` mixed with white: all of it at `amount` 1, none at 0.
fn shade(colour: [f64; 3], amount: f64) -> String {
    let [r, g, b] = colour.map(|c| (255.0 - amount * (255.0 - c)).round() as u8);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The region to draw: the points' bounding box with a margin.
fn bounds(data: &Dataset) -> (f64, f64, f64, f64) {
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (x, _) in data.iter() {
        x0 = x0.min(x[0]);
        x1 = x1.max(x[0]);
        y0 = y0.min(x[1]);
        y1 = y1.max(x[1]);
    }
    (x0 - 0.5, x1 + 0.5, y0 - 0.5, y1 + 0.5)
}
