//! micrograd's README expression, recorded on a tape and differentiated.
//!
//! Prints every intermediate value with its gradient, then one summary line:
//! `expression: g=<value> dg/da=<gradient> dg/db=<gradient>`.
//!
//! Run with `cargo run --release --example expression`.

use tapegrad::{Tape, Value};

// The expression itself, shared with the `graph` and `trace` examples.
#[path = "micrograd/mod.rs"]
mod micrograd;

fn main() {
    let tape = Tape::new();
    let micrograd::Expression {
        a,
        b,
        c,
        d,
        e,
        f,
        g,
    } = micrograd::expression(&tape);
    g.backward();

    let named: [(&str, Value); 7] = [
        ("a", a),
        ("b", b),
        ("c", c),
        ("d", d),
        ("e", e),
        ("f", f),
        ("g", g),
    ];
    for (name, value) in named {
        println!("{name} = {value}");
    }
    println!("(the tape holds {} nodes)", tape.len());
    println!(
        "expression: g={:.4} dg/da={:.4} dg/db={:.4}",
        g.data(),
        a.grad(),
        b.grad()
    );
}
