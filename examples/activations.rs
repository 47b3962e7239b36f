//! Which activation for the hidden layers? The same network trained four times, with
//! sigmoid, tanh, ReLU and leaky ReLU hidden layers: same data, same first weights, same
//! optimizer and steps.
//!
//! Run with `cargo run --release --example activations -- --curve activations.svg`.
//!
//! # What the run shows
//!
//! Two moons of 100 points (noise 0.1), a 2-16-16-1 network with Xavier weights from seed 0
//! (the same numbers for every activation), plain gradient descent at 0.5 for 2,000 steps on
//! the mean cross-entropy:
//!
//! ```text
//! activation  steps to fit  final loss 1st-layer grad    mean f'          dead hidden units
//!                                            (step 0)      start      end    start      end
//! sigmoid            never    0.286200        0.00320      0.238    0.220        0        0
//! tanh                 272    0.000863        0.03444      0.890    0.660        0        0
//! relu                 134    0.000396        0.02169      0.386    0.402        0        3
//! leaky_relu           135    0.000401        0.02179      0.390    0.407        0        0
//!
//! loss after      100 steps  500 steps 1000 steps 1500 steps 2000 steps
//! sigmoid          0.48347    0.29454    0.29195    0.29037    0.28620
//! tanh             0.29011    0.01028    0.00265    0.00135    0.00086
//! relu             0.11977    0.00315    0.00106    0.00059    0.00040
//! leaky_relu       0.12107    0.00319    0.00107    0.00060    0.00040
//! ```
//!
//! `mean f'` is the derivative of the hidden activation averaged over every hidden unit and
//! training point: the share of a gradient that a hidden layer passes back, on average.
//!
//! - **Sigmoids shrink the gradient.** A sigmoid's derivative `s (1 - s)` is at most 0.25,
//!   so each sigmoid layer passes back less than a quarter of the gradient it receives (0.238
//!   on average here, at the start). Through two hidden layers, the first layer's gradient at
//!   step 0 is 0.0032 (root mean square), eleven times smaller than with tanh (0.034), whose
//!   derivative `1 - y²` averages 0.89. The sigmoid network crawls along a plateau (loss
//!   0.295 at step 500, 0.292 at step 1000, 0.286 at step 2000) and after 2,000 steps it
//!   still misclassifies some training points. Tanh, the same S shape centred on 0 with four
//!   times the slope, fits every point by step 272.
//! - **ReLUs pass all of a gradient or none of it.** Their derivative is 1 where a unit is
//!   active and 0 where it is not (0.39 on average here), and it does not shrink as a unit
//!   grows, so no layer saturates: ReLU fits first (step 134) and ends lowest (0.00040).
//! - **Dead ReLUs.** No ReLU unit is dead before the first step, but 3 of the 32 output 0 at
//!   every training point after 2,000 steps: their derivative is 0 everywhere, so no gradient
//!   reaches their weights again. The others are enough for this data. Leaky ReLU gives a
//!   resting unit a slope of 0.01 instead of 0, so none dies; with the same first weights it
//!   follows ReLU almost exactly (fits at step 135, loss 0.00040): the leak matters when many
//!   units die, not here.
//!
//! With other seeds for the data and the weights (1, 2 and 3) the order was the same:
//! sigmoid never fitted within 2,000 steps, ReLU and leaky ReLU fitted first (148 to 190
//! steps), tanh after them (184 to 311).
//!
//! Option: `--curve FILE` writes the four loss curves in one SVG chart.
//!
//! Ends with one line per activation:
//! `activations: activation=<name> steps_to_fit=<n or never> final_loss=<x>`, where
//! `steps_to_fit` is the first step at whose forward pass every training point is on the
//! right side of the boundary, and `final_loss` the mean cross-entropy after the last step.

use std::fmt::Write;
use std::process::ExitCode;

use tapegrad::Tape;
use tapegrad::chart::LineChart;
use tapegrad::nn::{self, Activation, Dataset, Init, Mlp, Module, Optimizer, Run, Sgd, loss};

const POINTS: usize = 100;
const NOISE: f64 = 0.1;
const DATA_SEED: u64 = 0;
const WEIGHT_SEED: u64 = 0;
const HIDDEN: usize = 16;
const STEPS: usize = 2000;
const LEARNING_RATE: f64 = 0.5;
const LEAK: f64 = 0.01;

/// The four activations, in the order of the table, with their names.
pub const ACTIVATIONS: [(&str, Activation); 4] = [
    ("sigmoid", Activation::Sigmoid),
    ("tanh", Activation::Tanh),
    ("relu", Activation::Relu),
    ("leaky_relu", Activation::leaky_relu(LEAK)),
];

/// How one activation did.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub name: &'static str,
    /// The mean loss at each step's forward pass, then after the last step.
    pub losses: Vec<f64>,
    /// The first step whose forward pass classified every training point right.
    pub steps_to_fit: Option<usize>,
    /// The mean of the hidden activations' derivatives `f'(z)` over every hidden unit and
    /// training point, before training and after: how much of a gradient a hidden layer
    /// passes back, on average.
    pub slope_before: f64,
    pub slope_after: f64,
    /// Hidden units whose derivative is 0 at every training point, before training and
    /// after: they pass no gradient back, so nothing moves their weights again.
    pub dead_before: usize,
    pub dead_after: usize,
    /// The root mean square of the first layer's gradients at the first step: what reaches
    /// the layer farthest from the loss.
    pub first_layer_gradient: f64,
}

impl Outcome {
    /// The activation's summary line.
    pub fn summary(&self) -> String {
        let steps = self
            .steps_to_fit
            .map_or_else(|| "never".to_owned(), |n| n.to_string());
        format!(
            "activations: activation={} steps_to_fit={steps} final_loss={:.6}",
            self.name,
            self.final_loss()
        )
    }

    /// The loss after the last step.
    pub fn final_loss(&self) -> f64 {
        self.losses[self.losses.len() - 1]
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let curve = match (args.next().as_deref(), args.next()) {
        (None, _) => None,
        (Some("--curve"), Some(file)) => Some(file),
        _ => {
            eprintln!("usage: activations [--curve FILE.svg]");
            return ExitCode::from(2);
        }
    };
    let data = nn::moons(POINTS, NOISE, DATA_SEED);
    let outcomes: Vec<Outcome> = ACTIVATIONS
        .iter()
        .map(|&(name, activation)| run(name, activation, &data, STEPS))
        .collect();
    print!("{}", table(&outcomes));
    if let Some(path) = curve {
        let mut chart = LineChart::new(
            &format!("Two moons, 2-{HIDDEN}-{HIDDEN}-1, gradient descent at {LEARNING_RATE}"),
            "step",
            "mean cross-entropy",
        )
        .with_log_y();
        for outcome in &outcomes {
            chart.add_steps(outcome.name, &outcome.losses);
        }
        if let Err(err) = std::fs::write(&path, chart.to_svg()) {
            eprintln!("activations: cannot write {path}: {err}");
            return ExitCode::FAILURE;
        }
        println!("wrote {path}");
    }
    for outcome in &outcomes {
        println!("{}", outcome.summary());
    }
    ExitCode::SUCCESS
}

/// The network with `activation` in its hidden layers; the first weights depend only on the
/// seed, so every activation starts from the same numbers.
pub fn network(activation: Activation) -> Mlp {
    Mlp::new(
        2,
        &[
            (HIDDEN, activation),
            (HIDDEN, activation),
            (1, Activation::Identity),
        ],
        Init::Xavier,
        WEIGHT_SEED,
    )
}

/// The example's data: two moons.
pub fn data() -> Dataset {
    nn::moons(POINTS, NOISE, DATA_SEED)
}

/// Trains the network with `activation` for `steps` steps of plain gradient descent on the
/// mean cross-entropy.
pub fn run(name: &'static str, activation: Activation, data: &Dataset, steps: usize) -> Outcome {
    let mut model = network(activation);
    let slope_before = mean_slope(&model, data);
    let dead_before = dead_units(&model, data);
    let first_layer = model.layers()[0].parameter_count();
    let mut first_layer_gradient = f64::NAN;
    let mut sgd = Sgd::new(LEARNING_RATE);
    let mut tape = Tape::new();
    let mut grads = Vec::new();
    let mut losses = Vec::with_capacity(steps + 1);
    let mut steps_to_fit = None;
    for step in 0..steps {
        tape.clear();
        let params = model.bind(&tape);
        let mut correct = 0;
        let total = tape.sum(data.iter().map(|(x, label)| {
            let logit = model.forward(params, Run::vars(&tape, x)).get(0);
            if (logit.data() > 0.0) == (label > 0.0) {
                correct += 1;
            }
            loss::binary_cross_entropy_with_logits(logit, (label + 1.0) / 2.0)
        })) / data.len() as f64;
        if correct == data.len() && steps_to_fit.is_none() {
            steps_to_fit = Some(step);
        }
        total.backward();
        params.grads_into(&mut grads);
        if step == 0 {
            let squares: f64 = grads[..first_layer].iter().map(|g| g * g).sum();
            first_layer_gradient = (squares / first_layer as f64).sqrt();
        }
        losses.push(total.data());
        sgd.step(model.parameters_mut(), &grads);
    }
    losses.push(mean_loss(&model, data));
    Outcome {
        name,
        losses,
        steps_to_fit,
        slope_before,
        slope_after: mean_slope(&model, data),
        dead_before,
        dead_after: dead_units(&model, data),
        first_layer_gradient,
    }
}

/// The mean cross-entropy of the network on `data`.
fn mean_loss(model: &Mlp, data: &Dataset) -> f64 {
    model.mean_loss(data, |scores, label| {
        loss::binary_cross_entropy_with_logits(scores.get(0), (label + 1.0) / 2.0)
    })
}

/// `f'(z)` of every hidden unit at every point, layer by layer: `slopes[point][unit]`. Each
/// hidden layer's outputs `y = f(z)` come from the network cut after that layer, and the
/// derivative is written from the output: `y (1 - y)` for sigmoid, `1 - y²` for tanh, 1 or 0
/// (or the leak) for the ReLUs.
fn slopes(model: &Mlp, data: &Dataset) -> Vec<Vec<f64>> {
    let hidden = model.layers().len() - 1;
    let cuts: Vec<Mlp> = (1..=hidden)
        .map(|k| Mlp::from_layers(model.layers()[..k].to_vec()))
        .collect();
    data.iter()
        .map(|(x, _)| {
            cuts.iter()
                .flat_map(|cut| {
                    let activation = cut.layers()[cut.layers().len() - 1].activation();
                    cut.predict(x).into_iter().map(move |y| match activation {
                        Activation::Sigmoid => y * (1.0 - y),
                        Activation::Tanh => 1.0 - y * y,
                        Activation::Relu => f64::from(u8::from(y > 0.0)),
                        Activation::LeakyRelu(leak) => {
                            if y > 0.0 {
                                1.0
                            } else {
                                leak.get()
                            }
                        }
                        Activation::Identity => 1.0,
                        other => unreachable!("no layer here uses {other}"),
                    })
                })
                .collect()
        })
        .collect()
}

/// The mean of `f'(z)` over every hidden unit and point.
fn mean_slope(model: &Mlp, data: &Dataset) -> f64 {
    let slopes = slopes(model, data);
    let count: usize = slopes.iter().map(Vec::len).sum();
    slopes.iter().flatten().sum::<f64>() / count as f64
}

/// Hidden units whose `f'(z)` is 0 at every point.
fn dead_units(model: &Mlp, data: &Dataset) -> usize {
    let slopes = slopes(model, data);
    (0..slopes[0].len())
        .filter(|&unit| slopes.iter().all(|point| point[unit] == 0.0))
        .count()
}

/// The results as a table.
fn table(outcomes: &[Outcome]) -> String {
    let mut out = format!(
        "two moons ({POINTS} points, noise {NOISE}), a 2-{HIDDEN}-{HIDDEN}-1 network, Xavier \
         weights from seed {WEIGHT_SEED}, gradient descent at {LEARNING_RATE} for {STEPS} steps\n\n\
         {:<11} {:>12} {:>11} {:>14} {:>10} {:>8} {:>17}\n",
        "activation",
        "steps to fit",
        "final loss",
        "1st-layer grad",
        "mean f'",
        "",
        "dead hidden units"
    );
    let _ = writeln!(
        out,
        "{:<11} {:>12} {:>11} {:>14} {:>10} {:>8} {:>8} {:>8}",
        "", "", "", "(step 0)", "start", "end", "start", "end"
    );
    for o in outcomes {
        let steps = o
            .steps_to_fit
            .map_or_else(|| "never".to_owned(), |n| n.to_string());
        let _ = writeln!(
            out,
            "{:<11} {steps:>12} {:>11.6} {:>14.5} {:>10.3} {:>8.3} {:>8} {:>8}",
            o.name,
            o.final_loss(),
            o.first_layer_gradient,
            o.slope_before,
            o.slope_after,
            o.dead_before,
            o.dead_after
        );
    }
    let checkpoints = [100, 500, 1000, 1500, STEPS];
    let _ = write!(out, "\nloss after    ");
    for step in checkpoints {
        let _ = write!(out, " {:>10}", format!("{step} steps"));
    }
    for o in outcomes {
        let _ = write!(out, "\n{:<13}", o.name);
        for step in checkpoints {
            match o.losses.get(step) {
                Some(loss) => {
                    let _ = write!(out, " {loss:>10.5}");
                }
                None => out += "          -",
            }
        }
    }
    out += "\n\n";
    out += &format!(
        "steps to fit: the first step at whose forward pass every training point was on the \
         right side of the boundary (never: not within {STEPS} steps).\n\n"
    );
    out
}
