//! A network learns XOR: output 1 when exactly one of two inputs is 1.
//!
//! Run with `cargo run --release --example xor`, or with `-- --no-hidden` to watch a network
//! without a hidden layer fail; add `--curve FILE` to write the loss curve as an SVG chart.
//!
//! # Why XOR needs a hidden layer
//!
//! A network without a hidden layer is a single neuron: it computes the logit
//! `z = w1 x1 + w2 x2 + b` and says 1 where `z > 0`. The points where `z = 0` form a straight
//! line, so such a network can only separate the plane into two half-planes. XOR would need
//!
//! ```text
//! (0,0) -> 0:  b           < 0
//! (0,1) -> 1:  w2 + b      > 0
//! (1,0) -> 1:  w1 + b      > 0
//! (1,1) -> 0:  w1 + w2 + b < 0
//! ```
//!
//! Adding the middle two lines gives `w1 + w2 + 2b > 0`, so `w1 + w2 + b > -b`, and `-b` is
//! positive by the first line: the last line cannot hold. No weights do it. A line can still
//! put three of the four points on their right side (`z = x1 + x2 - 0.5` gets all but (1,1)
//! right), and a nonlinearity at the output does not help: a sigmoid or a step only relabels
//! the two sides of the same line.
//!
//! # What the run without a hidden layer finds
//!
//! Trained with cross-entropy, the single neuron does not even reach three of four: it ends
//! at `w1 = w2 = b = 0`, p(1) = 0.5 on every point, loss ln 2 = 0.693147 and zero saliency.
//! That is the best cross-entropy can do with a straight line here. Its gradient is the sum
//! over the points of `(p - target) * (x1, x2, 1)`. At `w = 0, b = 0` every p is 1/2, so
//! `p - target` is +1/2 on the two 0s and -1/2 on the two 1s, and each sum cancels: for the
//! bias, +1/2 - 1/2 - 1/2 + 1/2; for `w1`, only the points with `x1 = 1` count, (1,0) a 1 and
//! (1,1) a 0, so -1/2 + 1/2; `w2` likewise. The cross-entropy of a linear logit is convex, so
//! a point where its gradient vanishes is its minimum (and the only one, since the four
//! points' `(x1, x2, 1)` span all three directions). Every point then costs `-ln(1/2) = ln 2`,
//! and since the logit no longer depends on the inputs, `d logit / d x = w = 0`. In words:
//! each input alone says nothing about the target (`x1` is 1 on one 1 and on one 0), and a
//! linear model can only add up what each input says alone. Three right and one wrong with
//! any confidence costs more on the wrong point than it saves on the three. The run's
//! accuracy of 0.5 counts the two 0s as right only because p(1) = 0.5 is not above a half.
//!
//! # How a hidden layer fixes it
//!
//! Each hidden neuron draws a line of its own and bends its output with `tanh`; the output
//! neuron then combines these bent features, for instance "above the first line AND below the
//! second", which is the band between two parallel lines that holds exactly the two 1s.
//!
//! The example trains with binary cross-entropy on the output's logit (Adam), prints the loss
//! as it goes and a table of inputs, targets, predictions and saliency, and ends with one line
//! for scripts: `xor: steps=<n> loss=<final loss> accuracy=<fraction correct> ms=<training
//! time>`. The saliency columns, `d logit/d x1` and `d logit/d x2`, are the gradient of the
//! output's logit with respect to each input at that point (`Mlp::input_gradient`, one
//! backward pass): how far the score moves per unit of that input, and which way. Large
//! values mean the answer is sensitive to that input there.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use tapegrad::Tape;
use tapegrad::chart::loss_curve;
use tapegrad::nn::{self, Activation, Adam, Init, Mlp, Module, Optimizer, Run, loss};

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
    println!("p(1) is the sigmoid of the logit; d logit/d x is the saliency: how much the logit");
    println!("moves per unit of each input at that point (one backward pass to the inputs)");
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
        println!(
            "\nno hidden layer: one straight line cannot separate XOR's 1s from its 0s.\n\
             Each input alone says nothing about the target (x1 is 1 on one 1 and one 0), so\n\
             cross-entropy's gradient cancels at w = 0, b = 0: p(1) = 0.5 everywhere, loss\n\
             ln 2 = 0.693147, and the saliency d logit/d x = w is 0. The loss is convex, so\n\
             that is the best a straight line does with it: a line that gets three points\n\
             right loses more on the fourth than it gains. The accuracy of 0.5 is the two 0s,\n\
             counted right only because p(1) = 0.5 is not above a half."
        );
    }
    if let Some(path) = curve {
        let svg = loss_curve("XOR: binary cross-entropy, Adam", &losses).to_svg();
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
