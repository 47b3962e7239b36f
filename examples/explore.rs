//! Writes a page that steps through backpropagation in the browser: the graph records node by
//! node, then the backward sweep runs newest node first, each operand collecting upstream ×
//! local.
//!
//! Run with `cargo run --example explore -- --out backprop.html` and open the file. The
//! graph is micrograd's README expression; `--neuron` gives the tanh neuron of micrograd's
//! lecture instead, `--mlp` a 2-2-1 network on one XOR point with its squared-error loss,
//! and `--tanh` the smallest graph with an operation, `tanh(x)`.
//! Ends with one line for scripts: `explore: nodes=<n> steps=<m> out=<path>`, where `steps`
//! counts the presses of "step" from the empty tape to the end of the sweep (one a node
//! forward, one a node backward).

use std::process::ExitCode;

use tapegrad::nn::{Activation, Init, Mlp, Module, Run, loss};
use tapegrad::{Tape, Value};

// micrograd's README expression, shared with the `expression`, `graph` and `trace` examples.
#[path = "micrograd/mod.rs"]
mod micrograd;

const USAGE: &str = "usage: explore [--neuron | --mlp | --tanh] [--out PATH]";

fn main() -> ExitCode {
    let mut graph = "expression";
    let mut out = String::from("backprop.html");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--neuron" => graph = "neuron",
            "--mlp" => graph = "mlp",
            "--tanh" => graph = "tanh",
            "--out" => match args.next() {
                Some(path) => out = path,
                None => {
                    eprintln!("explore: --out needs a path\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("explore: unknown argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }

    let tape = Tape::new();
    let output = match graph {
        "neuron" => micrograd::lecture_neuron(&tape),
        "mlp" => xor_network(&tape),
        "tanh" => tape.named("x", 0.5).tanh().label("y"),
        _ => micrograd::expression(&tape).g,
    };
    let nodes = output.graph().len();
    if let Err(error) = output.write_explorer(&out) {
        eprintln!("explore: cannot write {out}: {error}");
        return ExitCode::FAILURE;
    }
    println!("explore: nodes={nodes} steps={} out={out}", 2 * nodes);
    ExitCode::SUCCESS
}

/// A 2-2-1 network (tanh hidden layer, linear output) on the XOR point `(1, 0) -> 1`, with
/// its squared-error loss. Each neuron is one fused node of the tape, as in training.
fn xor_network(tape: &Tape) -> Value<'_> {
    let model = Mlp::new(
        2,
        &[(2, Activation::Tanh), (1, Activation::Identity)],
        Init::Xavier,
        7,
    );
    let [hidden, top] = model.layers() else {
        unreachable!("the network has two layers")
    };
    let params = model.bind(tape);
    // Binding order: each neuron's weights, then its bias.
    let names = [
        "h1.w1", "h1.w2", "h1.b", "h2.w1", "h2.w2", "h2.b", "y.w1", "y.w2", "y.b",
    ];
    for (i, name) in names.iter().enumerate() {
        params.get(i).label(name);
    }
    let x = Run::vars(tape, [1.0, 0.0]);
    x.get(0).label("x1");
    x.get(1).label("x2");
    let h = hidden.forward(params.slice(0, 6), x);
    h.get(0).label("h1");
    h.get(1).label("h2");
    let y = top.forward(params.slice(6, 9), h).get(0).label("y");
    loss::squared_error(y, 1.0).label("loss")
}
