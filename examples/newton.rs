//! Newton's method with exact Hessians, next to gradient descent, on Rosenbrock's function
//! `f(x, y) = (1 - x)² + 100 (y - x²)²` from its classic start `(-1.2, 1)`. The minimum is
//! `f(1, 1) = 0`, at the end of a long curved valley that gradient descent crawls along.
//!
//! Both methods stop when the gradient's length falls below `1e-8`, or at their iteration
//! cap. Newton's steps are damped where the Hessian is not positive definite (see
//! `newton_direction`); from this start it always is, while from `(0, 1)`, say, the damping
//! carries the first few steps. Newton's value, gradient and Hessian come from one recording
//! (`tapegrad::value_gradient_and_hessian`: a recorded gradient and one backward sweep per
//! input); gradient descent's from a `tapegrad::Gradient`, which keeps one tape for all its
//! steps. Nothing is derived by hand.
//!
//! Prints Newton's iterates, gradient descent's progress, then one summary line:
//! `newton: newton_iterations=<n> gradient_descent_iterations=<m> newton_x=<x> newton_y=<y>`.
//!
//! Run with `cargo run --release --example newton`.

use tapegrad::{Gradient, Value, value_gradient_and_hessian};

const START: [f64; 2] = [-1.2, 1.0];
const TOLERANCE: f64 = 1e-8;
const NEWTON_CAP: usize = 100;
/// Gradient descent is stable while the rate stays below 2 / (largest Hessian eigenvalue)
/// along its path: about 2 / 1510 at the start and 2 / 1002 at the minimum.
const LEARNING_RATE: f64 = 1e-3;
const DESCENT_CAP: usize = 200_000;

fn rosenbrock<'t>(v: &[Value<'t>]) -> Value<'t> {
    let (x, y) = (v[0], v[1]);
    (1.0 - x).powi(2) + 100.0 * (y - x * x).powi(2)
}

fn norm(v: &[f64]) -> f64 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt()
}

/// The Newton direction `d` solving `(H + μ I) d = -g` for a symmetric 2 x 2 `H`, and the
/// damping `μ` used.
///
/// Where `H` is positive definite, `μ = 0`: the pure Newton step, to the minimum of the local
/// quadratic model. Where it is not (its smallest eigenvalue is not above rounding level),
/// that model has no minimum and its stationary point may lie uphill, so `μ` shifts the
/// smallest eigenvalue `λ` up to `|λ|` (or to a thousandth of the largest eigenvalue's size,
/// if that is more), as in Levenberg's damping: the step then points downhill, and no longer
/// than the curvature's size warrants.
///
/// There is no line search: a full step may raise `f` for a while (it does twice from this
/// start), which Newton's method on Rosenbrock's function recovers from.
fn newton_direction(g: &[f64], h: &[Vec<f64>]) -> ([f64; 2], f64) {
    let (a, b, c) = (h[0][0], 0.5 * (h[0][1] + h[1][0]), h[1][1]);
    // Eigenvalues of [[a, b], [b, c]]: mean ± radius.
    let mean = 0.5 * (a + c);
    let radius = (0.25 * (a - c) * (a - c) + b * b).sqrt();
    let (smallest, largest) = (mean - radius, mean + radius);
    let scale = largest.abs().max(1.0);
    let positive_definite = smallest > 1e-12 * scale;
    let damping = if positive_definite {
        0.0
    } else {
        smallest.abs().max(1e-3 * scale) - smallest
    };
    let (a, c) = (a + damping, c + damping);
    let det = a * c - b * b;
    let direction = [-(c * g[0] - b * g[1]) / det, -(a * g[1] - b * g[0]) / det];
    (direction, damping)
}

/// Newton's method; returns the iterations taken and the final point.
fn newton() -> (usize, [f64; 2]) {
    let mut p = START;
    println!("Newton's method:");
    println!("  iter          x            y            f         |grad|   damping");
    for iteration in 0..=NEWTON_CAP {
        let (f, g, h) = value_gradient_and_hessian(rosenbrock, &p);
        let (direction, damping) = newton_direction(&g, &h);
        println!(
            "  {iteration:4}  {:11.8}  {:11.8}  {f:11.4e}  {:9.2e}  {damping:7.1}",
            p[0],
            p[1],
            norm(&g)
        );
        if norm(&g) < TOLERANCE || iteration == NEWTON_CAP {
            return (iteration, p);
        }
        p = [p[0] + direction[0], p[1] + direction[1]];
    }
    unreachable!("the loop returns at the cap")
}

/// Gradient descent at a fixed rate; returns the iterations taken and the final point.
fn gradient_descent() -> (usize, [f64; 2]) {
    let mut p = START;
    println!("Gradient descent, learning rate {LEARNING_RATE}:");
    println!("  iter          x            y            f         |grad|");
    let mut next_report = 1;
    // One tape for the whole descent, cleared and recorded again at each step.
    let mut gradient = Gradient::new(rosenbrock);
    for iteration in 0..=DESCENT_CAP {
        let (f, g) = gradient.at(&p);
        let done = norm(g) < TOLERANCE || iteration == DESCENT_CAP;
        if iteration == next_report || iteration == 0 || done {
            println!(
                "  {iteration:6}  {:11.8}  {:11.8}  {f:11.4e}  {:9.2e}",
                p[0],
                p[1],
                norm(g)
            );
            next_report *= 10;
        }
        if done {
            return (iteration, p);
        }
        p = [p[0] - LEARNING_RATE * g[0], p[1] - LEARNING_RATE * g[1]];
    }
    unreachable!("the loop returns at the cap")
}

fn main() {
    let (newton_iterations, newton_point) = newton();
    println!();
    let (descent_iterations, descent_point) = gradient_descent();
    println!();
    let outcome = |iterations, cap| {
        if iterations == cap {
            format!("stopped at the cap of {cap} iterations")
        } else {
            format!("|grad| < {TOLERANCE:e} after {iterations} iterations")
        }
    };
    println!(
        "Newton: {} at ({}, {})",
        outcome(newton_iterations, NEWTON_CAP),
        newton_point[0],
        newton_point[1]
    );
    println!(
        "gradient descent: {} at ({}, {})",
        outcome(descent_iterations, DESCENT_CAP),
        descent_point[0],
        descent_point[1]
    );
    println!(
        "newton: newton_iterations={newton_iterations} \
         gradient_descent_iterations={descent_iterations} newton_x={:.10} newton_y={:.10}",
        newton_point[0], newton_point[1]
    );
}
