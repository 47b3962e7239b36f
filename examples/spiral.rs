//! Three interleaved spiral arms, one class each: an MLP with two hidden layers learns to
//! tell them apart, with softmax cross-entropy over three class scores and Adam.
//!
//! Run with `cargo run --release --example spiral`; add `-- --curve FILE` to write the loss
//! curve as an SVG chart.
//!
//! A linear classifier gets about a third to a half of these points right (the arms wind
//! around each other); the hidden layers let the network carve curved regions.
//!
//! Ends with one line for scripts: `spiral: steps=<n> loss=<final loss> accuracy=<a>`.

use std::process::ExitCode;

use tapegrad::Tape;
use tapegrad::chart::loss_curve;
use tapegrad::nn::{self, Activation, Adam, Init, Mlp, Module, Optimizer, Run, loss};

const STEPS: usize = 1000;
const CLASSES: usize = 3;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let curve = match (args.next().as_deref(), args.next(), args.next()) {
        (None, _, _) => None,
        (Some("--curve"), Some(file), None) => Some(file),
        _ => {
            eprintln!("usage: spiral [--curve FILE.svg]");
            return ExitCode::from(2);
        }
    };
    let data = nn::spiral(100, CLASSES, 0.2, 0);
    let mut model = Mlp::new(
        2,
        &[
            (32, Activation::Relu),
            (32, Activation::Relu),
            (CLASSES, Activation::Identity),
        ],
        Init::He,
        0,
    );
    let mut adam = Adam::new(0.01);
    let mut tape = Tape::new();
    let mut grads = Vec::new();
    let mut last_loss = f64::NAN;
    let mut losses = Vec::with_capacity(STEPS);
    for step in 0..STEPS {
        tape.clear();
        let params = model.bind(&tape);
        let data_loss = tape.sum(data.iter().map(|(x, class)| {
            let scores = model.forward(params, Run::vars(&tape, x));
            loss::softmax_cross_entropy(scores, class)
        })) / data.len() as f64;
        let total = data_loss + loss::l2(params) * 1e-5;
        total.backward();
        params.grads_into(&mut grads);
        adam.step(model.parameters_mut(), &grads);

        last_loss = total.data();
        losses.push(last_loss);
        if last_loss.is_nan() {
            eprintln!("spiral: the loss became NaN at step {step}; stopping");
            return ExitCode::FAILURE;
        }
        if step % 100 == 0 {
            println!("step {step:4}  loss {last_loss:.6}");
        }
    }

    let correct = data
        .iter()
        .filter(|&(x, class)| predicted_class(&model.predict(x)) == class)
        .count();
    let accuracy = correct as f64 / data.len() as f64;
    if let Some(path) = curve {
        let svg = loss_curve(
            "Three spiral arms: softmax cross-entropy + 1e-5 x L2, Adam",
            &losses,
        )
        .to_svg();
        if let Err(err) = std::fs::write(&path, svg) {
            eprintln!("spiral: cannot write {path}: {err}");
            return ExitCode::FAILURE;
        }
        println!("wrote {path}");
    }
    println!("spiral: steps={STEPS} loss={last_loss:.6} accuracy={accuracy:.2}");
    ExitCode::SUCCESS
}

/// The class with the highest score.
fn predicted_class(scores: &[f64]) -> usize {
    let mut best = 0;
    for (k, &score) in scores.iter().enumerate() {
        if score > scores[best] {
            best = k;
        }
    }
    best
}
