//! The arithmetic that derivative rules are written in.
//!
//! Every rule in [`crate::rules`] is written once, generically over [`Real`], and used twice:
//! with `f64` by [`Value::backward`](crate::Value::backward), which only needs numbers, and with
//! [`Value`] by [`Value::gradient`](crate::Value::gradient), which records the rule itself on the
//! tape so that the gradient can be differentiated again.

use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::Value;

/// A number a derivative rule can compute with: `f64` or a recorded [`Value`].
///
/// Rules also need `f64 op S` (as in `1.0 - y * y`); Rust cannot put that bound on the trait
/// itself, so the functions that run rules repeat it in their `where` clause.
pub(crate) trait Real:
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
    /// Whether the rules record what they compute (on a `Value`), or only compute (`f64`).
    const RECORDS: bool;
    /// The plain number, for decisions at kinks (`relu` asks whether its input is positive).
    fn data(self) -> f64;
    fn ln(self) -> Self;
    fn sqrt(self) -> Self;
    fn sin(self) -> Self;
    fn cos(self) -> Self;
    fn sinh(self) -> Self;
    fn cosh(self) -> Self;
    fn sigmoid(self) -> Self;
    fn powf(self, exponent: f64) -> Self;
    fn powi(self, exponent: i32) -> Self;
    fn pow(self, exponent: Self) -> Self;
    /// `sqrt(self² + 1)`, which does not overflow where the result does not (`f64::hypot`).
    fn hypot_one(self) -> Self;
}

impl Real for f64 {
    const RECORDS: bool = false;
    fn data(self) -> f64 {
        self
    }
    fn ln(self) -> Self {
        f64::ln(self)
    }
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    fn sin(self) -> Self {
        f64::sin(self)
    }
    fn cos(self) -> Self {
        f64::cos(self)
    }
    fn sinh(self) -> Self {
        f64::sinh(self)
    }
    fn cosh(self) -> Self {
        f64::cosh(self)
    }
    fn sigmoid(self) -> Self {
        crate::rules::sigmoid(self)
    }
    fn powf(self, exponent: f64) -> Self {
        f64::powf(self, exponent)
    }
    fn powi(self, exponent: i32) -> Self {
        f64::powi(self, exponent)
    }
    fn pow(self, exponent: Self) -> Self {
        f64::powf(self, exponent)
    }
    fn hypot_one(self) -> Self {
        f64::hypot(self, 1.0)
    }
}

impl Real for Value<'_> {
    const RECORDS: bool = true;
    fn data(self) -> f64 {
        Value::data(self)
    }
    fn ln(self) -> Self {
        Value::ln(self)
    }
    fn sqrt(self) -> Self {
        Value::sqrt(self)
    }
    fn sin(self) -> Self {
        Value::sin(self)
    }
    fn cos(self) -> Self {
        Value::cos(self)
    }
    fn sinh(self) -> Self {
        Value::sinh(self)
    }
    fn cosh(self) -> Self {
        Value::cosh(self)
    }
    fn sigmoid(self) -> Self {
        Value::sigmoid(self)
    }
    fn powf(self, exponent: f64) -> Self {
        Value::powf(self, exponent)
    }
    fn powi(self, exponent: i32) -> Self {
        Value::powi(self, exponent)
    }
    fn pow(self, exponent: Self) -> Self {
        Value::pow(self, exponent)
    }
    fn hypot_one(self) -> Self {
        Value::hypot(self, self.tape().constant(1.0))
    }
}
