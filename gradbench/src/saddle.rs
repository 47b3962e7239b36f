//! `saddle`: the saddle point of `f(x, y) = (x_0² + x_1²) - (y_0² + y_1²)` by nested gradient
//! descent: `x* = argmin_x max_y f(x, y)`, then `y* = argmax_y f(x*, y)`, every search from the
//! given start.
//!
//! The outer search differentiates a function that runs a search of its own on gradients:
//! nested derivatives, in the four nestings of forward (`f`) and reverse (`r`) mode, outer
//! first. The searches are written once for any [`Scalar`] (`gd.rs`); each nesting is a choice
//! of number type and of how the inner gradient is taken:
//!
//! - outer `r`: the outer function runs on a tape (`Value`) from `x` as leaves, and one
//!   backward sweep gives its gradient through the whole inner search; outer `f`: it runs on
//!   dual numbers, once per coordinate of `x`.
//! - inner `r`: the inner search's gradients by reverse mode on the outer numbers: recorded on
//!   the outer tape with [`Value::gradient`] (`rr`), or by `value_and_gradient` at a point of
//!   duals (`fr`).
//! - inner `f`: the inner gradients by forward mode, a dual number over the outer numbers
//!   (`Dual<Dual>` for `ff`, `Dual<Value>` for `rf`), one run per coordinate of `y`.
//!
//! Plain evaluations (the outer search's tests, and `y*`) take the inner gradient by a
//! backward sweep on a tape of their own.

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::{Dual, Scalar, Tape, Value, value_and_gradient};

use crate::gd::{Descent, argmax, argmin};
use crate::protocol::{Evaluated, Nestings, input, nesting};

#[derive(Deserialize)]
struct Input {
    start: [f64; 2],
}

/// `f(x, y) = (x_0² + x_1²) - (y_0² + y_1²)`.
pub fn f<S: Scalar>(x: &[S], y: &[S]) -> S {
    (x[0] * x[0] + x[1] * x[1]) - (y[0] * y[0] + y[1] * y[1])
}

/// `y ↦ f(x, y)` on plain numbers, its gradient by a backward sweep on a reused tape.
struct InnerOnNumbers<'a> {
    x: [f64; 2],
    tape: &'a mut Tape,
}

impl Descent<f64> for InnerOnNumbers<'_> {
    fn value(&mut self, y: &[f64]) -> f64 {
        f(&self.x, y)
    }

    fn gradient(&mut self, y: &[f64]) -> Vec<f64> {
        self.tape.clear();
        let yv: Vec<_> = y.iter().map(|&y| self.tape.var(y)).collect();
        let xv = self.x.map(|x| yv[0].lift(x));
        f(&xv, &yv).backward();
        yv.iter().map(|v| v.grad()).collect()
    }
}

/// `y ↦ f(x, y)` on the outer derivative's numbers `S`, its gradient taken by `inner`.
struct InnerOn<'i, S, I> {
    x: [S; 2],
    inner: &'i I,
}

impl<'t, I: Inner> Descent<Value<'t>> for InnerOn<'_, Value<'t>, I> {
    fn value(&mut self, y: &[Value<'t>]) -> Value<'t> {
        f(&self.x, y)
    }

    fn gradient(&mut self, y: &[Value<'t>]) -> Vec<Value<'t>> {
        self.inner.on_values(self.x, y)
    }
}

impl<I: Inner> Descent<Dual> for InnerOn<'_, Dual, I> {
    fn value(&mut self, y: &[Dual]) -> Dual {
        f(&self.x, y)
    }

    fn gradient(&mut self, y: &[Dual]) -> Vec<Dual> {
        self.inner.on_duals(self.x, y)
    }
}

/// `∇_y f(x, y)` recorded on the tape of `x` and `y` (`rr`).
fn reverse_on_values<'t>(x: [Value<'t>; 2], y: &[Value<'t>]) -> Vec<Value<'t>> {
    f(&x, y).gradient(y)
}

/// `∇_y f(x, y)` by reverse mode at a point of duals (`fr`): recorded on plain numbers,
/// replayed on the duals and swept backwards.
fn reverse_at_duals(x: [Dual; 2], y: &[Dual]) -> Vec<Dual> {
    let (_, g) = value_and_gradient(|v| f(&v[..2], &v[2..]), &[x[0], x[1], y[0], y[1]]);
    g[2..].to_vec()
}

/// `∇_y f(x, y)` by forward mode on a dual number over `S` (`ff`, `rf`): one run a coordinate.
fn forward<S: Scalar>(x: [S; 2], y: &[S]) -> Vec<S> {
    let x = x.map(Dual::constant);
    (0..y.len())
        .map(|i| {
            let along: Vec<Dual<S>> = (0..y.len())
                .map(|j| Dual::new(y[j], S::from(if i == j { 1.0 } else { 0.0 })))
                .collect();
            f(&x, &along).tangent()
        })
        .collect()
}

/// How the inner search takes its gradients on the outer derivative's numbers.
trait Inner {
    fn on_values<'t>(&self, x: [Value<'t>; 2], y: &[Value<'t>]) -> Vec<Value<'t>>;
    fn on_duals(&self, x: [Dual; 2], y: &[Dual]) -> Vec<Dual>;
}

/// Inner reverse mode: recorded on the outer tape, or replayed at duals.
struct InnerReverse;
impl Inner for InnerReverse {
    fn on_values<'t>(&self, x: [Value<'t>; 2], y: &[Value<'t>]) -> Vec<Value<'t>> {
        reverse_on_values(x, y)
    }
    fn on_duals(&self, x: [Dual; 2], y: &[Dual]) -> Vec<Dual> {
        reverse_at_duals(x, y)
    }
}

/// Inner forward mode: a dual number over the outer numbers.
struct InnerForward;
impl Inner for InnerForward {
    fn on_values<'t>(&self, x: [Value<'t>; 2], y: &[Value<'t>]) -> Vec<Value<'t>> {
        forward(x, y)
    }
    fn on_duals(&self, x: [Dual; 2], y: &[Dual]) -> Vec<Dual> {
        forward(x, y)
    }
}

/// `x ↦ max_y f(x, y)`, its gradient in reverse mode or forward mode as `reverse` says,
/// around an inner search whose gradients `inner` takes.
struct Outer<I> {
    start: [f64; 2],
    inner_tape: Tape,
    outer_tape: Tape,
    reverse: bool,
    inner: I,
}

impl<I: Inner> Descent<f64> for Outer<I> {
    fn value(&mut self, x: &[f64]) -> f64 {
        let mut inner = InnerOnNumbers {
            x: [x[0], x[1]],
            tape: &mut self.inner_tape,
        };
        let y = argmax(&mut inner, &self.start);
        f(x, &y)
    }

    fn gradient(&mut self, x: &[f64]) -> Vec<f64> {
        let inner = &self.inner;
        if self.reverse {
            self.outer_tape.clear();
            let xv = [self.outer_tape.var(x[0]), self.outer_tape.var(x[1])];
            // The search's start as leaves, which its gradients are taken with respect to.
            let start = self.start.map(|s| xv[0].lift(s));
            let mut search = InnerOn { x: xv, inner };
            let y = argmax(&mut search, &start);
            f(&xv, &y).backward();
            xv.iter().map(|v| v.grad()).collect()
        } else {
            (0..2)
                .map(|i| {
                    let xd = [0, 1].map(|j| Dual::new(x[j], if i == j { 1.0 } else { 0.0 }));
                    let mut search = InnerOn { x: xd, inner };
                    let y = argmax(&mut search, &self.start.map(Dual::constant));
                    f(&xd, &y).tangent()
                })
                .collect()
        }
    }
}

/// `x*` and `y*`, the outer derivative taken in reverse mode or forward mode as `reverse`
/// says, the inner gradients by `inner`.
fn saddle(start: [f64; 2], reverse: bool, inner: impl Inner) -> [f64; 4] {
    let mut outer = Outer {
        start,
        inner_tape: Tape::new(),
        outer_tape: Tape::new(),
        reverse,
        inner,
    };
    let x = argmin(&mut outer, &start);
    let mut plain = InnerOnNumbers {
        x: [x[0], x[1]],
        tape: &mut outer.inner_tape,
    };
    let y = argmax(&mut plain, &start);
    [x[0], x[1], y[0], y[1]]
}

pub fn ff(start: [f64; 2]) -> [f64; 4] {
    saddle(start, false, InnerForward)
}

pub fn fr(start: [f64; 2]) -> [f64; 4] {
    saddle(start, false, InnerReverse)
}

pub fn rf(start: [f64; 2]) -> [f64; 4] {
    saddle(start, true, InnerForward)
}

pub fn rr(start: [f64; 2]) -> [f64; 4] {
    saddle(start, true, InnerReverse)
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    let nestings = Nestings { ff, fr, rf, rr };
    nesting("saddle", function, runs, inp.start, nestings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nesting_finds_the_nested_gradient_of_the_inner_maximum_to_be_two_x() {
        // max_y f(x, y) = |x|², reached at y = 0: its gradient is 2x. A start near y = 0
        // keeps the inner search short.
        fn check(reverse: bool, inner: impl Inner) {
            let mut outer = Outer {
                start: [1e-3, -2e-3],
                inner_tape: Tape::new(),
                outer_tape: Tape::new(),
                reverse,
                inner,
            };
            let g = outer.gradient(&[0.5, -1.5]);
            assert!(
                (g[0] - 1.0).abs() < 1e-12 && (g[1] + 3.0).abs() < 1e-12,
                "reverse {reverse}: {g:?}"
            );
        }
        for reverse in [false, true] {
            check(reverse, InnerForward);
            check(reverse, InnerReverse);
        }
    }

    #[test]
    fn every_nesting_ends_where_gradbench_expects() {
        let expected = 8.246324826140356e-06;
        for (name, nesting) in [
            ("ff", ff as fn([f64; 2]) -> [f64; 4]),
            ("fr", fr),
            ("rf", rf),
            ("rr", rr),
        ] {
            for v in nesting([1.0, 1.0]) {
                assert!((v - expected).abs() < 1e-9, "{name}: {v}");
            }
        }
    }
}
