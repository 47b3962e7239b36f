//! `particle`: a charged particle starts at (0, 8) with velocity (0.75, 0) and is pushed by
//! two fixed charges, at (10, 10 - w) and (10, 0); find by gradient descent the `w` that
//! makes it hit the x-axis at the origin.
//!
//! Two derivatives are nested: the force is the gradient of the potential by the particle's
//! position, taken inside every step of the simulation (the inner derivative), and the
//! descent needs the derivative of the whole simulation by `w` (the outer one). GradBench
//! asks for the four nestings of forward (`f`) and reverse (`r`) mode, outer first. The
//! simulation is written once for any [`Scalar`] and takes the inner gradient as an argument;
//! each nesting is then a choice of number type and inner gradient:
//!
//! - `rr`: the outer derivative on a tape (`Value`), the inner one recorded on the same tape
//!   with [`Value::gradient`], so that the outer backward sweep differentiates through it.
//!   The descent's plain evaluations run on `f64`, their forces from a backward sweep on a
//!   tape of their own.
//! - `ff`, `fr`, `rf` need dual numbers over values and values over dual numbers, which the
//!   crate does not have yet; they answer that they are missing.

use std::ops::Sub;

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::{Scalar, Tape, Value};

use crate::gd::{Descent, argmin};
use crate::protocol::{Evaluated, input, nesting};

#[derive(Deserialize)]
struct Input {
    w: f64,
}

/// The potential `p(x; w) = 1/|x - (10, 10 - w)| + 1/|x - (10, 0)|` at position `x`.
pub fn potential<S: Scalar>(x: [S; 2], w: S) -> S
where
    f64: Sub<S, Output = S>,
{
    let distance = |cx: S, cy: S| ((cx - x[0]) * (cx - x[0]) + (cy - x[1]) * (cy - x[1])).sqrt();
    distance(x[0].lift(10.0), 10.0 - w).recip() + distance(x[0].lift(10.0), x[0].lift(0.0)).recip()
}

/// The particle's start: position (0, 8), velocity (0.75, 0).
const START: [[f64; 2]; 2] = [[0.0, 8.0], [0.75, 0.0]];

/// Euler's method with steps of 0.1 from [`START`]: see [`simulate`].
pub fn naive_euler<S: Scalar>(w: S, gradient_of_p: impl FnMut([S; 2], S) -> [S; 2]) -> S {
    simulate(w, START, gradient_of_p)
}

/// Euler's method with steps of 0.1 from `start` (position, velocity): the acceleration is
/// `-∇_x p`, from `gradient_of_p`; once a step would take the particle below the x-axis, the
/// line from its last position along its velocity meets the axis at `x_f`, and the result is
/// `x_f[0]²`.
fn simulate<S: Scalar>(
    w: S,
    start: [[f64; 2]; 2],
    mut gradient_of_p: impl FnMut([S; 2], S) -> [S; 2],
) -> S {
    let dt = 0.1;
    let mut x = start[0].map(|c| w.lift(c));
    let mut velocity = start[1].map(|c| w.lift(c));
    loop {
        let acceleration = gradient_of_p(x, w).map(|g| -g);
        let next = [0, 1].map(|i| velocity[i].mul_add(dt, x[i]));
        if next[1].data() > 0.0 {
            x = next;
            velocity = [0, 1].map(|i| acceleration[i].mul_add(dt, velocity[i]));
        } else {
            let dt_final = -x[1] / velocity[1];
            let x_final = velocity[0].mul_add(dt_final, x[0]);
            return x_final * x_final;
        }
    }
}

/// The force's gradient on plain numbers, by a backward sweep on a reused tape.
struct ReverseOnNumbers {
    tape: Tape,
}

impl ReverseOnNumbers {
    fn gradient(&mut self, x: [f64; 2], w: f64) -> [f64; 2] {
        self.tape.clear();
        let xv = x.map(|x| self.tape.var(x));
        potential(xv, xv[0].lift(w)).backward();
        xv.map(|v| v.grad())
    }
}

/// The force's gradient on recorded values, recorded too: reverse mode inside reverse mode.
fn reverse_on_values<'t>(x: [Value<'t>; 2], w: Value<'t>) -> [Value<'t>; 2] {
    let g = potential(x, w).gradient(&x);
    [g[0], g[1]]
}

/// The descent on `w` for the `rr` nesting.
struct ReverseOverReverse {
    inner: ReverseOnNumbers,
    outer: Tape,
}

impl Descent<f64> for ReverseOverReverse {
    fn value(&mut self, w: &[f64]) -> f64 {
        naive_euler(w[0], |x, w| self.inner.gradient(x, w))
    }

    fn gradient(&mut self, w: &[f64]) -> Vec<f64> {
        self.outer.clear();
        let wv = self.outer.var(w[0]);
        naive_euler(wv, reverse_on_values).backward();
        vec![wv.grad()]
    }
}

/// The `rr` nesting's answer: `w` after gradient descent from `w0`.
pub fn rr(w0: f64) -> f64 {
    let mut f = ReverseOverReverse {
        inner: ReverseOnNumbers { tape: Tape::new() },
        outer: Tape::new(),
    };
    argmin(&mut f, &[w0])[0]
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    nesting("particle", function, runs, || rr(inp.w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_potential_s_recorded_gradient_is_the_coulomb_force() {
        // ∂/∂x 1/|x - c| = -(x - c)/|x - c|³; at x = (0, 8), w = 0: charges (10, 10), (10, 0).
        let tape = Tape::new();
        let x = [tape.var(0.0), tape.var(8.0)];
        let g = reverse_on_values(x, tape.constant(0.0));
        let force = |cx: f64, cy: f64| {
            let (dx, dy) = (0.0 - cx, 8.0 - cy);
            let r3 = (dx * dx + dy * dy).powf(1.5);
            [-dx / r3, -dy / r3]
        };
        let (a, b) = (force(10.0, 10.0), force(10.0, 0.0));
        assert!((g[0].data() - (a[0] + b[0])).abs() < 1e-15);
        assert!((g[1].data() - (a[1] + b[1])).abs() < 1e-15);
    }

    #[test]
    fn the_nested_derivative_of_a_short_flight_matches_finite_differences() {
        // Thrown down past the charge at (10, 10 - w), the particle lands after 12 steps,
        // at a point that moves with w.
        let start = [[9.5, 9.0], [0.0, -8.0]];
        let mut inner = ReverseOnNumbers { tape: Tape::new() };
        let mut on_numbers = |w: f64| simulate(w, start, |x, w| inner.gradient(x, w));
        let h = 1e-6;
        let central = (on_numbers(0.3 + h) - on_numbers(0.3 - h)) / (2.0 * h);
        let tape = Tape::new();
        let w = tape.var(0.3);
        simulate(w, start, reverse_on_values).backward();
        assert!(
            (w.grad() - central).abs() < 1e-6 * central.abs().max(1.0),
            "{} {central}",
            w.grad()
        );
        assert!(
            central.abs() > 1e-4,
            "the test needs a landing point that moves with w"
        );
    }

    #[test]
    #[ignore = "takes minutes while Value::gradient sweeps the whole tape: run with --ignored"]
    fn rr_finds_gradbench_s_control() {
        // The eval's expected answer.
        assert!((rr(0.0) - 0.2071918746486116).abs() < 1e-6);
    }
}
