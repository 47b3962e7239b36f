//! The backward sweep as a table, node by node: micrograd's README expression, then one tanh
//! neuron (the one of micrograd's lecture).
//!
//! Each row is one node, newest first: its op and value, the gradient that reached it from
//! above, and for each operand the local derivative and what the chain rule adds to that
//! operand's gradient. Ends with one summary line:
//! `trace: a_grad=<dg/da> b_grad=<dg/db> neuron_o=<o>`.
//!
//! Run with `cargo run --example trace`.

use tapegrad::Tape;

// micrograd's README expression, shared with the `expression` example.
#[path = "micrograd/mod.rs"]
mod micrograd;

fn main() {
    print!("{}", report());
}

/// Everything the example prints (`tests/examples_print_their_summaries.rs` calls this too).
pub fn report() -> String {
    let tape = Tape::new();
    let micrograd::Expression { a, b, g, .. } = micrograd::expression(&tape);
    let expression = g.backward_trace();

    let tape = Tape::new();
    let o = micrograd::lecture_neuron(&tape);
    let neuron = o.backward_trace();

    format!(
        "micrograd's README expression\n\n{expression}\n\
         a tanh neuron: o = tanh(x1 w1 + x2 w2 + b)\n\n{neuron}\n\
         trace: a_grad={:.4} b_grad={:.4} neuron_o={:.4}\n",
        a.grad(),
        b.grad(),
        o.data()
    )
}
