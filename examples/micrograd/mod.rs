//! micrograd's README expression and its lecture's neuron, shared by the examples that show
//! them (`expression`, `graph`, `trace`, `explore`): one copy of the arithmetic, so that all
//! show the same graph.

use tapegrad::{Tape, Value};

/// The values micrograd's README names, each labelled with its name for graphs and traces.
#[allow(dead_code)] // each example reads the values it shows
pub struct Expression<'t> {
    pub a: Value<'t>,
    pub b: Value<'t>,
    pub c: Value<'t>,
    pub d: Value<'t>,
    pub e: Value<'t>,
    pub f: Value<'t>,
    pub g: Value<'t>,
}

/// Records micrograd's README expression on `tape`: `a = -4`, `b = 2`, ..., `g`.
#[allow(clippy::misrefactored_assign_op)] // `c += c + 1` is micrograd's expression, kept as is
pub fn expression(tape: &Tape) -> Expression<'_> {
    let a = tape.named("a", -4.0);
    let b = tape.named("b", 2.0);
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
    Expression {
        a,
        b,
        c: c.label("c"),
        d: d.label("d"),
        e: e.label("e"),
        f: f.label("f"),
        g: g.label("g"),
    }
}

/// The neuron of micrograd's lecture: two inputs, two weights and a bias chosen so that
/// `n = 0.8813735870195432` (where tanh is 1/√2); returns `o = tanh(n)`.
#[allow(dead_code)] // the examples that draw only the expression leave it
pub fn lecture_neuron(tape: &Tape) -> Value<'_> {
    let x1 = tape.named("x1", 2.0);
    let x2 = tape.named("x2", 0.0);
    let w1 = tape.named("w1", -3.0);
    let w2 = tape.named("w2", 1.0);
    let b = tape.named("b", 6.881_373_587_019_543);
    let x1w1 = (x1 * w1).label("x1w1");
    let x2w2 = (x2 * w2).label("x2w2");
    let sum = (x1w1 + x2w2).label("x1w1 + x2w2");
    let n = (sum + b).label("n");
    n.tanh().label("o")
}
