//! The methods of `f64` on `Value`: same names, same values, one node each.
//!
//! Each method computes its value exactly as the `f64` method of the same name does, so code
//! ports by changing types. The list is in `src/scalar/methods.rs`, shared with `Dual` and
//! `Scalar`; the derivative rules, and what happens at kinks and outside a function's domain,
//! are in the table of [`crate::rules`]. What `f64` code reaches for besides (a zero to
//! accumulate onto) is here too.

use crate::fast::Tape;
use crate::rules::{Op, Real};
use crate::scalar::methods::{every_math_method, inherent_math_methods};
use crate::scalar::operand::{IntoOperand, Operand};
use crate::value::Value;

/// The methods of `f64`, and the activations `relu`, `leaky_relu`, `sigmoid`, `softplus`.
impl<'t> Value<'t> {
    every_math_method!(inherent_math_methods);
}

impl Tape {
    /// A constant 0 on this tape, as a leaf: the start of an accumulation that works for any
    /// number of terms, none included. (`Value::from(0.0)` is a zero on no tape, which joins
    /// the first value it meets.)
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let xs = [tape.var(1.0), tape.var(2.0)];
    /// let mut total = tape.zero();
    /// for &x in &xs {
    ///     total += x * x;
    /// }
    /// total.backward();
    /// assert_eq!((total.data(), xs[1].grad()), (5.0, 4.0));
    /// ```
    pub fn zero(&self) -> Value<'_> {
        self.constant(0.0)
    }
}
