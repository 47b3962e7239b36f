//! A network learns XOR: output 1 when exactly one of two inputs is 1.
//!
//! Run with `cargo run --release --example xor`, or with `-- --no-hidden` to watch a network
//! without a hidden layer fail; add `--curve FILE` to write the loss curve as an SVG chart.
//!
//! # Why XOR needs a hidden layer
//!
//! A network without a hidden layer is a single neuron: it computes `z = w1 x1 + w2 x2 + b`
//! and says 1 where `z > 0`. The points where `z = 0` form a straight line, so such a
//! network can only separate the plane into two half-planes. XOR would need
//!
//! ```text
//! (0,0) -> 0:  b           < 0
//! (0,1) -> 1:  w2 + b      > 0
//! (1,0) -> 1:  w1 + b      > 0
//! (1,1) -> 0:  w1 + w2 + b < 0
//! ```
//!
//! Adding the middle two lines gives `w1 + w2 + 2b > 0`, so `w1 + w2 + b > -b`, and `-b` is
//! positive by the first line: the last line cannot hold. No weights do it; the best a
//! single neuron can do is get three of the four points right. (The nonlinearity at the
//! output does not help: a sigmoid or a step only relabels the two sides of the same line.)
//!
//! A hidden layer fixes this. Each hidden neuron draws a line of its own and bends its output
//! with `tanh`; the output neuron then combines these bent features, for instance "above the
//! first line AND below the second", which is the band between two parallel lines that holds
//! exactly the two 1s.
//!
//! The example trains with binary cross-entropy on the output's logit (Adam), prints the loss
//! as it goes and a table of inputs, targets, predictions and saliency (the gradient of the
//! logit with respect to each input), and ends with one line for scripts:
//! `xor: steps=<n> loss=<final loss> accuracy=<fraction correct> ms=<training time>`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use tapegrad::Tape;
use tapegrad::nn::{self, Activation, Adam, Init, Mlp, Module, Optimizer, Run, loss};

#[allow(dead_code)] // each example draws the charts it needs
#[path = "chart/mod.rs"]
mod chart;

const STEPS: usize = 300;

fn usage(problem: &str) -> ExitCode {
    eprintln!("xor: {problem}\nusage: xor [--no-hidden] [--curve FILE.svg]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut no_hidden = false;
    let mut curve = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-hidden" => no_hidden = true,
            "--curve" if curve.is_none() => match args.next() {
                Some(file) => curve = Some(file),
                None => return usage("--curve needs a file name"),
            },
            other => return usage(&format!("unknown argument `{other}`")),
        }
    }

    let data = nn::xor();
    // The output is a logit: a score whose sigmoid is the probability that the target is 1.
    let shape: &[(usize, Activation)] = if no_hidden {
        &[(1, Activation::Identity)]
    } else {
        &[(4, Activation::Tanh), (1, Activation::Identity)]
    };
    let mut model = Mlp::new(2, shape, Init::Xavier, 1);
    let mut adam = Adam::new(0.1);

    // One tape and one gradient buffer for the whole run: each step clears the tape (which
    // keeps its memory), so after the first step training allocates nothing.
    let mut tape = Tape::new();
    let mut grads = Vec::new();
    let mut training = Duration::ZERO;
    let mut last_loss = f64::NAN;
    let mut losses = Vec::with_capacity(STEPS);
    for step in 0..STEPS {
        let start = Instant::now();
        tape.clear();
        // The parameters become leaves of this step's graph...
        let params = model.bind(&tape);
        // ...the mean loss over the four points is recorded on top of them...
        let total = tape.sum(data.iter().map(|(x, target)| {
            let logit = model.forward(params, Run::vars(&tape, x)).get(0);
            loss::binary_cross_entropy_with_logits(logit, target)
        })) / data.len() as f64;
        // ...one backward pass gives d loss / d parameter for every parameter...
        total.backward();
        params.grads_into(&mut grads);
        // ...and the optimizer moves the plain numbers in the model.
        adam.step(model.parameters_mut(), &grads);
        training += start.elapsed();

        last_loss = total.data();
        losses.push(last_loss);
        if last_loss.is_nan() {
            eprintln!("xor: the loss became NaN at step {step}; stopping");
            return ExitCode::FAILURE;
        }
        if step % 50 == 0 {
            println!("step {step:3}  loss {last_loss:.6}");
        }
    }

    println!();
    println!(" x1  x2  target  p(1)   d logit/d x1  d logit/d x2");
    let mut correct = 0;
    for (x, target) in data.iter() {
        let logit = model.predict(x)[0];
        let probability = 1.0 / (1.0 + (-logit).exp());
        let saliency = model.input_gradient(x, 0);
        if (probability > 0.5) == (target == 1.0) {
            correct += 1;
        }
        println!(
            "{:3} {:3} {:5}    {:.3}  {:12.3}  {:12.3}",
            x[0], x[1], target, probability, saliency[0], saliency[1]
        );
    }
    if no_hidden {
        println!("\nno hidden layer: one straight line cannot separate XOR's 1s from its 0s");
    }
    if let Some(path) = curve {
        let svg = chart::loss_curve("XOR: binary cross-entropy, Adam", &losses);
        if let Err(err) = std::fs::write(&path, svg) {
            eprintln!("xor: cannot write {path}: {err}");
            return ExitCode::FAILURE;
        }
        println!("wrote {path}");
    }
    let accuracy = correct as f64 / data.len() as f64;
    println!(
        "xor: steps={STEPS} loss={last_loss:.6} accuracy={accuracy} ms={:.3}",
        training.as_secs_f64() * 1e3
    );
    ExitCode::SUCCESS
}
