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
//! - outer `r`: the simulation runs on a tape (`Value`) from `w` as a leaf, and one backward
//!   sweep gives `d/dw`; outer `f`: it runs on a dual number `w + ε`, whose tangent is `d/dw`.
//! - inner `r`: the force is a reverse-mode gradient on the simulation's own numbers: recorded
//!   on the outer tape with [`Value::gradient`] (`rr`), or by `value_and_gradient` at a point of
//!   duals (`fr`: the recording replayed on the duals, so the force carries its `d/dw`).
//! - inner `f`: the force is two forward-mode runs of the potential on a dual number over the
//!   simulation's numbers (`Dual<Dual>` for `ff`, `Dual<Value>` for `rf`), one per coordinate
//!   of the position, each level of dual with a perturbation of its own.
//!
//! The descent's plain evaluations run on `f64`, their forces from a backward sweep on a tape
//! of their own.

use std::ops::Sub;

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::{Dual, Scalar, Tape, Value, value_and_gradient};

use crate::gd::{Descent, argmin};
use crate::protocol::{Evaluated, Nestings, input, nesting};

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
    distance(S::from(10.0), 10.0 - w).recip() + distance(S::from(10.0), S::from(0.0)).recip()
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

/// The force's gradient by forward mode, on a dual number over the simulation's own numbers
/// (`Dual<Dual>` in `ff`, `Dual<Value>` in `rf`): one run of the potential per coordinate.
fn forward<S: Scalar>(x: [S; 2], w: S) -> [S; 2]
where
    f64: Sub<S, Output = S>,
{
    let along = |i: usize| {
        let xi = [0, 1].map(|j| Dual::new(x[j], S::from(if i == j { 1.0 } else { 0.0 })));
        potential::<Dual<S>>(xi, Dual::constant(w)).tangent()
    };
    [along(0), along(1)]
}

/// The force's gradient by reverse mode at a point of duals (`fr`): the potential recorded on
/// plain numbers, replayed on the duals and swept backwards, so each entry carries its `d/dw`.
fn reverse_at_duals(x: [Dual; 2], w: Dual) -> [Dual; 2] {
    let (_, g) = value_and_gradient(|v| potential([v[0], v[1]], v[2]), &[x[0], x[1], w]);
    [g[0], g[1]]
}

/// The descent on `w`, its derivative in reverse mode (`rf`, `rr`) or forward mode (`ff`, `fr`)
/// around a simulation whose force comes from `inner`.
struct Outer<I> {
    /// Forces for the plain evaluations.
    plain: ReverseOnNumbers,
    tape: Tape,
    reverse: bool,
    inner: I,
}

/// How the force is taken on the outer derivative's numbers.
trait Inner {
    fn on_values<'t>(&self, x: [Value<'t>; 2], w: Value<'t>) -> [Value<'t>; 2];
    fn on_duals(&self, x: [Dual; 2], w: Dual) -> [Dual; 2];
}

/// Inner reverse mode: recorded on the outer tape, or replayed at duals.
struct InnerReverse;
impl Inner for InnerReverse {
    fn on_values<'t>(&self, x: [Value<'t>; 2], w: Value<'t>) -> [Value<'t>; 2] {
        reverse_on_values(x, w)
    }
    fn on_duals(&self, x: [Dual; 2], w: Dual) -> [Dual; 2] {
        reverse_at_duals(x, w)
    }
}

/// Inner forward mode: a dual number over the outer numbers.
struct InnerForward;
impl Inner for InnerForward {
    fn on_values<'t>(&self, x: [Value<'t>; 2], w: Value<'t>) -> [Value<'t>; 2] {
        forward(x, w)
    }
    fn on_duals(&self, x: [Dual; 2], w: Dual) -> [Dual; 2] {
        forward(x, w)
    }
}

impl<I: Inner> Descent<f64> for Outer<I> {
    fn value(&mut self, w: &[f64]) -> f64 {
        naive_euler(w[0], |x, w| self.plain.gradient(x, w))
    }

    fn gradient(&mut self, w: &[f64]) -> Vec<f64> {
        let inner = &self.inner;
        if self.reverse {
            self.tape.clear();
            let wv = self.tape.var(w[0]);
            naive_euler(wv, |x, w| inner.on_values(x, w)).backward();
            vec![wv.grad()]
        } else {
            let landed = naive_euler(Dual::new(w[0], 1.0), |x, w| inner.on_duals(x, w));
            vec![landed.tangent()]
        }
    }
}

/// `w` after gradient descent from `w0`, the derivative taken outer mode first as `reverse`
/// says, the force by `inner`.
fn descend(w0: f64, reverse: bool, inner: impl Inner) -> f64 {
    let mut outer = Outer {
        plain: ReverseOnNumbers { tape: Tape::new() },
        tape: Tape::new(),
        reverse,
        inner,
    };
    argmin(&mut outer, &[w0])[0]
}

pub fn ff(w0: f64) -> f64 {
    descend(w0, false, InnerForward)
}

pub fn fr(w0: f64) -> f64 {
    descend(w0, false, InnerReverse)
}

pub fn rf(w0: f64) -> f64 {
    descend(w0, true, InnerForward)
}

pub fn rr(w0: f64) -> f64 {
    descend(w0, true, InnerReverse)
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let nestings = Nestings { ff, fr, rf, rr };
    nesting("particle", function, runs, inp.w, nestings)
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
    fn every_nesting_finds_gradbench_s_control() {
        // The eval's expected answer, the same for the four.
        for (name, nesting) in [
            ("ff", ff as fn(f64) -> f64),
            ("fr", fr),
            ("rf", rf),
            ("rr", rr),
        ] {
            let w = nesting(0.0);
            assert!((w - 0.2071918746486116).abs() < 1e-6, "{name}: {w}");
        }
    }

    #[test]
    fn the_four_nestings_give_the_same_derivative_of_a_short_flight() {
        let start = [[9.5, 9.0], [0.0, -8.0]];
        let tape = Tape::new();
        let w = tape.var(0.3);
        simulate(w, start, reverse_on_values).backward();
        let rr = w.grad();
        let tape = Tape::new();
        let w = tape.var(0.3);
        simulate(w, start, forward).backward();
        let rf = w.grad();
        let ff = simulate(Dual::new(0.3, 1.0), start, forward).tangent();
        let fr = simulate(Dual::new(0.3, 1.0), start, reverse_at_duals).tangent();
        for (name, d) in [("rf", rf), ("ff", ff), ("fr", fr)] {
            assert!(
                (d - rr).abs() < 1e-9 * rr.abs().max(1.0),
                "{name}: {d} against {rr}"
            );
        }
    }
}
