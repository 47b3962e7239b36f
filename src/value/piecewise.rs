//! The piecewise methods of `f64` on `Value` (absolute value, extremes, rounding) and the
//! activations of neural networks: same names, same values, one node each; the rules at
//! their kinks are in the crate docs' table.

use crate::rules::Op;
use crate::scalar::operand::{IntoOperand, Operand};
use crate::value::Value;

/// Absolute value, extremes and rounding.
impl<'t> Value<'t> {
    /// Absolute value; its derivative is the sign, and 0 at 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(-3.0);
    /// let y = x.abs();
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (3.0, -1.0));
    /// ```
    #[inline]
    pub fn abs(self) -> Self {
        self.unary(Op::Abs, &[])
    }

    /// The larger of `self` and `other` (a value or a number), as [`f64::max`] (a NaN
    /// operand loses). The gradient goes to the larger one, half to each on a tie.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (a, b) = (tape.var(1.0), tape.var(2.0));
    /// let y = a.max(b);
    /// y.backward();
    /// assert_eq!((y.data(), a.grad(), b.grad()), (2.0, 0.0, 1.0));
    /// assert_eq!(a.max(0.0).data(), 1.0);
    /// ```
    ///
    /// # Panics
    /// If `other` belongs to another tape.
    #[track_caller]
    #[inline]
    pub fn max(self, other: impl IntoOperand<Value<'t>>) -> Self {
        match other.into_operand() {
            Operand::Same(other) => self.binary(Op::Max, other),
            Operand::Number(k) => self.unary(Op::MaxConst, &[k]),
        }
    }

    /// The smaller of `self` and `other` (a value or a number), as [`f64::min`]; ties split
    /// the gradient like [`max`](Value::max).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (a, b) = (tape.var(1.0), tape.var(1.0));
    /// let y = a.min(b);
    /// y.backward();
    /// assert_eq!((a.grad(), b.grad()), (0.5, 0.5));
    /// ```
    ///
    /// # Panics
    /// If `other` belongs to another tape.
    #[track_caller]
    #[inline]
    pub fn min(self, other: impl IntoOperand<Value<'t>>) -> Self {
        match other.into_operand() {
            Operand::Same(other) => self.binary(Op::Min, other),
            Operand::Number(k) => self.unary(Op::MinConst, &[k]),
        }
    }

    /// Holds the value to `[min, max]`, as [`f64::clamp`]; the derivative is 1 inside
    /// (bounds included) and 0 outside.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(5.0);
    /// let y = x.clamp(-1.0, 1.0);
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (1.0, 0.0));
    /// ```
    ///
    /// # Panics
    /// If `min > max` or either is NaN, as `f64::clamp` does.
    #[inline]
    pub fn clamp(self, min: f64, max: f64) -> Self {
        assert!(
            min <= max,
            "clamp needs min <= max, got min = {min}, max = {max}"
        );
        self.unary(Op::Clamp, &[min, max])
    }

    /// The sign, as [`f64::signum`]; derivative 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert_eq!(tape.var(-2.5).signum().data(), -1.0);
    /// ```
    #[inline]
    pub fn signum(self) -> Self {
        self.unary(Op::Signum, &[])
    }

    /// Rounds down; derivative 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert_eq!(tape.var(2.7).floor().data(), 2.0);
    /// ```
    #[inline]
    pub fn floor(self) -> Self {
        self.unary(Op::Floor, &[])
    }

    /// Rounds up; derivative 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert_eq!(tape.var(2.2).ceil().data(), 3.0);
    /// ```
    #[inline]
    pub fn ceil(self) -> Self {
        self.unary(Op::Ceil, &[])
    }

    /// Rounds half away from zero; derivative 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert_eq!(tape.var(2.5).round().data(), 3.0);
    /// ```
    #[inline]
    pub fn round(self) -> Self {
        self.unary(Op::Round, &[])
    }

    /// Drops the fractional part; derivative 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert_eq!(tape.var(-2.7).trunc().data(), -2.0);
    /// ```
    #[inline]
    pub fn trunc(self) -> Self {
        self.unary(Op::Trunc, &[])
    }

    /// The fractional part, `self - self.trunc()` (two nodes); derivative 1.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(2.75);
    /// let y = x.fract();
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (0.75, 1.0));
    /// ```
    #[inline]
    pub fn fract(self) -> Self {
        self - self.trunc()
    }
}

/// Activations from neural networks, as micrograd and PyTorch define them.
impl Value<'_> {
    /// `max(self, 0)`; derivative 0 at 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.relu();
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (0.0, 0.0));
    /// ```
    #[inline]
    pub fn relu(self) -> Self {
        self.unary(Op::Relu, &[])
    }

    /// `self` where positive, `slope * self` elsewhere.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(-2.0);
    /// let y = x.leaky_relu(0.01);
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (-0.02, 0.01));
    /// ```
    #[inline]
    pub fn leaky_relu(self, slope: f64) -> Self {
        self.unary(Op::LeakyRelu, &[slope])
    }

    /// The logistic function `1 / (1 + e^-self)`, computed without overflow: finite, with a
    /// finite derivative, for any input.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.sigmoid();
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (0.5, 0.25));
    /// ```
    #[inline]
    pub fn sigmoid(self) -> Self {
        self.unary(Op::Sigmoid, &[])
    }

    /// `ln(1 + e^self)`, computed without overflow; its derivative is the sigmoid.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1000.0);
    /// let y = x.softplus();
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (1000.0, 1.0));
    /// ```
    #[inline]
    pub fn softplus(self) -> Self {
        self.unary(Op::Softplus, &[])
    }
}
