//! micrograd's two published test cases (test/test_engine.py), whose expected numbers come
//! from PyTorch.

use tapegrad::Tape;

#[test]
fn sanity_check_matches_pytorch() {
    let tape = Tape::new();
    let x = tape.var(-4.0);
    let z = 2.0 * x + 2.0 + x;
    let q = z.relu() + z * x;
    let h = (z * z).relu();
    let y = h + q + q * x;
    y.backward();
    // PyTorch's values for the same graph: y = -20, dy/dx = 46.
    assert_eq!(y.data(), -20.0);
    assert_eq!(x.grad(), 46.0);
}

#[test]
#[allow(clippy::misrefactored_assign_op)] // `c += c + 1` is micrograd's expression, kept as is
fn more_ops_matches_published_values() {
    let tape = Tape::new();
    let a = tape.var(-4.0);
    let b = tape.var(2.0);
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
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-12 * want.abs();
    assert!(close(g.data(), 24.70408163265306), "g = {}", g.data());
    assert!(close(a.grad(), 138.83381924198252), "dg/da = {}", a.grad());
    assert!(close(b.grad(), 645.5772594752186), "dg/db = {}", b.grad());
}
