//! `saddle`: the saddle point of `f(x, y) = (x_0² + x_1²) - (y_0² + y_1²)` by nested gradient
//! descent: `x* = argmin_x max_y f(x, y)`, then `y* = argmax_y f(x*, y)`, every search from the
//! given start.
//!
//! The outer search differentiates a function that runs a search of its own on gradients:
//! nested derivatives, in the four nestings of forward (`f`) and reverse (`r`) mode, outer
//! first. The searches are written once for any [`Scalar`] (`gd.rs`); each nesting is a choice
//! of number type and of how the inner gradient is taken:
//!
//! - `rr`: the outer derivative on a tape (`Value`); the inner search runs on recorded values
//!   and takes its gradients with [`Value::gradient`], recorded on the same tape, so that the
//!   outer backward sweep differentiates through the whole inner search. Plain evaluations
//!   (the outer search's tests, and `y*`) take the inner gradient by a backward sweep on a
//!   tape of their own.
//! - `ff`, `fr`, `rf` need dual numbers over values and values over dual numbers, which the
//!   crate does not have yet; they answer that they are missing.

use serde::Deserialize;
use serde_json::Value as Json;
use tapegrad::{Scalar, Tape, Value};

use crate::gd::{Descent, argmax, argmin};
use crate::protocol::{Evaluated, input, nesting};

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

/// `y ↦ f(x, y)` on recorded values, its gradient recorded on the same tape.
struct InnerOnValues<'t> {
    x: [Value<'t>; 2],
}

impl<'t> Descent<Value<'t>> for InnerOnValues<'t> {
    fn value(&mut self, y: &[Value<'t>]) -> Value<'t> {
        f(&self.x, y)
    }

    fn gradient(&mut self, y: &[Value<'t>]) -> Vec<Value<'t>> {
        f(&self.x, y).gradient(y)
    }
}

/// `x ↦ max_y f(x, y)` for the `rr` nesting.
struct ReverseOverReverse {
    start: [f64; 2],
    inner: Tape,
    outer: Tape,
}

impl Descent<f64> for ReverseOverReverse {
    fn value(&mut self, x: &[f64]) -> f64 {
        let mut inner = InnerOnNumbers {
            x: [x[0], x[1]],
            tape: &mut self.inner,
        };
        let y = argmax(&mut inner, &self.start);
        f(x, &y)
    }

    fn gradient(&mut self, x: &[f64]) -> Vec<f64> {
        self.outer.clear();
        let xv = [self.outer.var(x[0]), self.outer.var(x[1])];
        let start = self.start.map(|s| xv[0].lift(s));
        let y = argmax(&mut InnerOnValues { x: xv }, &start);
        f(&xv, &y).backward();
        xv.iter().map(|v| v.grad()).collect()
    }
}

/// The `rr` nesting's answer: `x*` and `y*`.
pub fn rr(start: [f64; 2]) -> [f64; 4] {
    let mut outer = ReverseOverReverse {
        start,
        inner: Tape::new(),
        outer: Tape::new(),
    };
    let x = argmin(&mut outer, &start);
    let mut inner = InnerOnNumbers {
        x: [x[0], x[1]],
        tape: &mut outer.inner,
    };
    let y = argmax(&mut inner, &start);
    [x[0], x[1], y[0], y[1]]
}

pub fn evaluate(function: &str, json: &Json) -> Result<Evaluated, String> {
    let (inp, runs) = input::<Input>(json)?;
    nesting("saddle", function, runs, || rr(inp.start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nested_gradient_of_the_inner_maximum_is_two_x() {
        // max_y f(x, y) = |x|², reached at y = 0: its gradient is 2x. A start near y = 0
        // keeps the inner search short.
        let mut outer = ReverseOverReverse {
            start: [1e-3, -2e-3],
            inner: Tape::new(),
            outer: Tape::new(),
        };
        let g = outer.gradient(&[0.5, -1.5]);
        assert!(
            (g[0] - 1.0).abs() < 1e-12 && (g[1] + 3.0).abs() < 1e-12,
            "{g:?}"
        );
        assert!((outer.value(&[0.5, -1.5]) - 2.5).abs() < 1e-5);
    }

    #[test]
    #[ignore = "takes minutes while Value::gradient sweeps the whole tape: run with --ignored"]
    fn rr_ends_where_gradbench_expects() {
        let expected = 8.246324826140356e-06;
        for v in rr([1.0, 1.0]) {
            assert!((v - expected).abs() < 1e-9, "{v}");
        }
    }
}
