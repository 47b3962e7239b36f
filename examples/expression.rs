//! micrograd's README expression, recorded on a tape and differentiated.
//!
//! Prints every intermediate value with its gradient, then one summary line:
//! `expression: g=<value> dg/da=<gradient> dg/db=<gradient>`.
//!
//! Run with `cargo run --release --example expression`.

use tapegrad::{Tape, Value};

#[allow(clippy::misrefactored_assign_op)] // `c += c + 1` is micrograd's expression, kept as is
fn main() {
    let tape = Tape::new();
    let a = tape.var(-4.0).label("a");
    let b = tape.var(2.0).label("b");
    let mut c = a + b;
    let mut d = a * b + b.powi(3);
    c += c + 1.0;
    c += 1.0 + c + (-a);
    d += d * 2.0 + (b + a).relu();
    d += 3.0 * d + (b - a).relu();
    let e = c - d;
    let f = e.powi(2);
    let mut g = f / 2.0;
    g += 10.0 / f;
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
