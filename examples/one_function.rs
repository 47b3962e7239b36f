//! One function, written once for any number type, run three ways: on `f64` to evaluate it,
//! on `Value`s for the gradient and the Hessian (reverse mode), on `Dual`s for derivatives
//! along directions (forward mode). All of them agree.
//!
//! The function is Rosenbrock's, `f(x, y) = (x - 1)² + 100 (y - x²)²`, at `(0.5, 2)`, where
//! by hand `∇f = (-351, 350)` and `H = [[-498, -200], [-200, 200]]`.
//!
//! Prints each way's numbers, then one summary line:
//! `one_function: value=<f> grad_x=<..> grad_y=<..> hessian_xy=<..> ways_agree=<true|false>`.
//!
//! Run with `cargo run --example one_function`.

use tapegrad::{Dual, Scalar, hessian, jvp, value_and_gradient, value_and_gradient_forward};

/// Rosenbrock's function, for `f64`, `Value` and `Dual` alike.
pub fn rosenbrock<S: Scalar>(x: S, y: S) -> S {
    (x - 1.0) * (x - 1.0) + (y - x * x) * (y - x * x) * 100.0
}

const AT: [f64; 2] = [0.5, 2.0];

/// What each way gives, and the summary line.
pub fn report() -> String {
    let mut out = String::new();
    let plain = rosenbrock(AT[0], AT[1]);
    out += &format!("f64:      f = {plain}\n");

    let (value, gradient) = value_and_gradient(|v| rosenbrock(v[0], v[1]), &AT);
    let h = hessian(|v| rosenbrock(v[0], v[1]), &AT);
    out += &format!("reverse:  f = {value}, ∇f = {gradient:?}, H = {h:?}\n");

    let by_x = rosenbrock(Dual::new(AT[0], 1.0), Dual::new(AT[1], 0.0));
    let (_, by_y) = jvp(|v: &[Dual]| rosenbrock(v[0], v[1]), &AT, &[0.0, 1.0]);
    let (_, forward) = value_and_gradient_forward(|v| rosenbrock(v[0], v[1]), &AT);
    out += &format!(
        "forward:  f = {}, df/dx = {}, df/dy = {by_y}, ∇f = {forward:?}\n",
        by_x.value(),
        by_x.tangent()
    );

    let agree = plain == value
        && by_x.value() == value
        && [by_x.tangent(), by_y] == gradient[..]
        && forward == gradient
        && h[0][1] == h[1][0];
    out += &format!(
        "one_function: value={value} grad_x={} grad_y={} hessian_xy={} ways_agree={agree}",
        gradient[0], gradient[1], h[0][1]
    );
    out
}

fn main() {
    println!("{}", report());
}
