//! The arithmetic the rules are written in, and how each number type applies an op.
//!
//! Every rule in [`crate::rules`] is written once, generically over [`Real`], and runs on:
//!
//! - `f64`, in [`Value::backward`](crate::Value::backward), which only needs numbers;
//! - [`Value`], in [`Value::gradient`](crate::Value::gradient), which records the rule itself
//!   on the tape so that the gradient can be differentiated again;
//! - [`Dual`](crate::Dual), whose tangent is the same table of partials run forwards, so a
//!   dual number over any of these types nests one mode inside another.
//!
//! `Real` is sealed: it is the part of [`Scalar`](crate::Scalar) that the crate keeps to
//! itself, so that adding an op never breaks an implementation outside it.

use std::ops::{Add, Div, Mul, Neg, Sub};

use super::Op;
use crate::Value;

/// A number the rules can compute with: `f64`, a recorded [`Value`] (of either tape), or a
/// [`Dual`](crate::Dual) over one of them.
///
/// A number on the left of an operator (`1.0 - y * y`) is written with the functions below
/// (`one_minus(y * y)`): Rust cannot imply `f64: Sub<S>` from a bound on `S`.
#[doc(hidden)]
pub trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// Whether arithmetic on this type records what it computes (on a tape, at some depth).
    /// Such a number may be zero now and still have a derivative, so a rule never skips it
    /// for being zero.
    const RECORDS: bool;
    /// The plain number (the innermost value of a dual), for decisions at kinks.
    fn number(self) -> f64;
    /// `op` applied to `self` and the node constants `k`.
    fn apply1(self, op: Op, k: &[f64]) -> Self;
    /// `op` applied to `self` and `b`, and the node constants `k`.
    fn apply2(self, op: Op, b: Self, k: &[f64]) -> Self;
    /// `op` applied to `self`, `b` and `c`.
    fn apply3(self, op: Op, b: Self, c: Self) -> Self;
    /// Whether this number is a zero that carries nothing: a zero tangent, which moves no
    /// result, or a constant zero that no tape recorded. A recorded zero is not one: it may
    /// still have a derivative.
    fn carries_nothing(self) -> bool;
    /// The constant `c` as a number of this kind beside `self`: a leaf on `self`'s tape.
    fn leaf_beside(self, c: f64) -> Self;
    /// `xs` as plain numbers, where `Self` is `f64`: the helpers that take a point of any
    /// `Scalar` take their fast path on those.
    fn as_numbers(xs: &[Self]) -> Option<&[f64]> {
        let _ = xs;
        None
    }
}

impl Real for f64 {
    const RECORDS: bool = false;
    #[inline(always)]
    fn number(self) -> f64 {
        self
    }
    #[inline(always)]
    fn apply1(self, op: Op, k: &[f64]) -> Self {
        op.eval(&[self], k)
    }
    #[inline(always)]
    fn apply2(self, op: Op, b: Self, k: &[f64]) -> Self {
        op.eval(&[self, b], k)
    }
    #[inline(always)]
    fn apply3(self, op: Op, b: Self, c: Self) -> Self {
        op.eval(&[self, b, c], &[])
    }
    #[inline(always)]
    fn carries_nothing(self) -> bool {
        self == 0.0
    }
    #[inline(always)]
    fn leaf_beside(self, c: f64) -> Self {
        c
    }
    #[inline(always)]
    fn as_numbers(xs: &[Self]) -> Option<&[f64]> {
        Some(xs)
    }
}

impl Real for Value<'_> {
    const RECORDS: bool = true;
    #[inline(always)]
    fn number(self) -> f64 {
        self.data()
    }
    #[inline(always)]
    fn apply1(self, op: Op, k: &[f64]) -> Self {
        self.unary(op, k)
    }
    #[inline(always)]
    #[track_caller]
    fn apply2(self, op: Op, b: Self, k: &[f64]) -> Self {
        self.binary_with(op, b, k)
    }
    #[inline(always)]
    #[track_caller]
    fn apply3(self, op: Op, b: Self, c: Self) -> Self {
        self.ternary(op, b, c)
    }
    #[inline(always)]
    fn carries_nothing(self) -> bool {
        self.is_constant() && self.data() == 0.0
    }
    #[inline(always)]
    fn leaf_beside(self, c: f64) -> Self {
        if self.is_constant() {
            Value::from(c)
        } else {
            self.tape().constant(c)
        }
    }
}

// The functions the rule table computes partial derivatives with, on any `Real`: each
// applies its op, as the method of the same name does on `f64`, `Value` and `Dual`.

#[inline(always)]
pub(crate) fn ln<S: Real>(x: S) -> S {
    x.apply1(Op::Ln, &[])
}
#[inline(always)]
pub(crate) fn sqrt<S: Real>(x: S) -> S {
    x.apply1(Op::Sqrt, &[])
}
#[inline(always)]
pub(crate) fn sin<S: Real>(x: S) -> S {
    x.apply1(Op::Sin, &[])
}
#[inline(always)]
pub(crate) fn cos<S: Real>(x: S) -> S {
    x.apply1(Op::Cos, &[])
}
#[inline(always)]
pub(crate) fn sinh<S: Real>(x: S) -> S {
    x.apply1(Op::Sinh, &[])
}
#[inline(always)]
pub(crate) fn cosh<S: Real>(x: S) -> S {
    x.apply1(Op::Cosh, &[])
}
#[inline(always)]
pub(crate) fn sigmoid<S: Real>(x: S) -> S {
    x.apply1(Op::Sigmoid, &[])
}
#[inline(always)]
pub(crate) fn powf<S: Real>(x: S, k: f64) -> S {
    x.apply1(Op::Powf, &[k])
}
#[inline(always)]
pub(crate) fn powi<S: Real>(x: S, n: i32) -> S {
    x.apply1(Op::Powi, &[f64::from(n)])
}
#[inline(always)]
pub(crate) fn pow<S: Real>(x: S, exponent: S) -> S {
    x.apply2(Op::Pow, exponent, &[])
}
/// `sqrt(x² + 1)`, which does not overflow where the result does not (`f64::hypot`).
#[inline(always)]
pub(crate) fn hypot_one<S: Real>(x: S) -> S {
    x.apply1(Op::HypotConst, &[1.0])
}
/// `k / x`, the op `k / a` with the number on the left.
#[inline(always)]
pub(crate) fn over<S: Real>(k: f64, x: S) -> S {
    x.apply1(Op::ConstDiv, &[k])
}
/// `1 - x`, the op `k - a` with `k = 1`.
#[inline(always)]
pub(crate) fn one_minus<S: Real>(x: S) -> S {
    x.apply1(Op::ConstSub, &[1.0])
}
