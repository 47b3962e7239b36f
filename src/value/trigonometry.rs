//! The trigonometric and hyperbolic methods of `f64`, on `Value`: same names, same values,
//! one node each (the derivative rules are in the table of [`crate::rules`]).

use crate::rules::Op;
use crate::scalar::operand::{IntoOperand, Operand};
use crate::value::Value;

/// Trigonometric and hyperbolic functions.
impl<'t> Value<'t> {
    /// Sine.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.sin();
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (0.0, 1.0));
    /// ```
    #[inline]
    pub fn sin(self) -> Self {
        self.unary(Op::Sin, &[])
    }

    /// Cosine.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.cos();
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (1.0, 0.0));
    /// ```
    #[inline]
    pub fn cos(self) -> Self {
        self.unary(Op::Cos, &[])
    }

    /// Sine and cosine, as [`f64::sin_cos`] (two nodes).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (s, c) = tape.var(0.5).sin_cos();
    /// assert_eq!((s.data(), c.data()), 0.5f64.sin_cos());
    /// ```
    #[inline]
    pub fn sin_cos(self) -> (Self, Self) {
        (self.sin(), self.cos())
    }

    /// Tangent.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.tan();
    /// y.backward();
    /// assert_eq!(x.grad(), 1.0);
    /// ```
    #[inline]
    pub fn tan(self) -> Self {
        self.unary(Op::Tan, &[])
    }

    /// Arcsine; NaN outside `[-1, 1]`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.6);
    /// let y = x.asin();
    /// y.backward();
    /// assert!((x.grad() - 1.25).abs() < 1e-15); // 1 / sqrt(1 - 0.36)
    /// ```
    #[inline]
    pub fn asin(self) -> Self {
        self.unary(Op::Asin, &[])
    }

    /// Arccosine; NaN outside `[-1, 1]`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.6);
    /// let y = x.acos();
    /// y.backward();
    /// assert!((x.grad() + 1.25).abs() < 1e-15);
    /// ```
    #[inline]
    pub fn acos(self) -> Self {
        self.unary(Op::Acos, &[])
    }

    /// Arctangent.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = x.atan();
    /// y.backward();
    /// assert_eq!(x.grad(), 0.5);
    /// ```
    #[inline]
    pub fn atan(self) -> Self {
        self.unary(Op::Atan, &[])
    }

    /// The angle of the point `(other, self)`, as [`f64::atan2`] (`self` is the y coordinate;
    /// `other` is a value or a number).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (y, x) = (tape.var(1.0), tape.var(1.0));
    /// let angle = y.atan2(x);
    /// angle.backward();
    /// assert_eq!(angle.data(), std::f64::consts::FRAC_PI_4);
    /// assert_eq!((y.grad(), x.grad()), (0.5, -0.5));
    /// ```
    ///
    /// # Panics
    /// If `other` belongs to another tape.
    #[track_caller]
    #[inline]
    pub fn atan2(self, other: impl IntoOperand<Value<'t>>) -> Self {
        match other.into_operand() {
            Operand::Same(other) => self.binary(Op::Atan2, other),
            Operand::Number(k) => self.unary(Op::Atan2Const, &[k]),
        }
    }

    /// Hyperbolic sine.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.sinh();
    /// y.backward();
    /// assert_eq!(x.grad(), 1.0);
    /// ```
    #[inline]
    pub fn sinh(self) -> Self {
        self.unary(Op::Sinh, &[])
    }

    /// Hyperbolic cosine.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.cosh();
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (1.0, 0.0));
    /// ```
    #[inline]
    pub fn cosh(self) -> Self {
        self.unary(Op::Cosh, &[])
    }

    /// Hyperbolic tangent; finite, with a finite derivative, for any input.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.5);
    /// let y = x.tanh();
    /// y.backward();
    /// assert_eq!(x.grad(), 1.0 - 0.5f64.tanh().powi(2));
    /// ```
    #[inline]
    pub fn tanh(self) -> Self {
        self.unary(Op::Tanh, &[])
    }

    /// Inverse hyperbolic sine.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.asinh();
    /// y.backward();
    /// assert_eq!(x.grad(), 1.0);
    /// ```
    #[inline]
    pub fn asinh(self) -> Self {
        self.unary(Op::Asinh, &[])
    }

    /// Inverse hyperbolic cosine; NaN below 1.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(2.0);
    /// let y = x.acosh();
    /// y.backward();
    /// assert_eq!(x.grad(), 1.0 / 3f64.sqrt());
    /// ```
    #[inline]
    pub fn acosh(self) -> Self {
        self.unary(Op::Acosh, &[])
    }

    /// Inverse hyperbolic tangent; NaN outside `[-1, 1]`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.5);
    /// let y = x.atanh();
    /// y.backward();
    /// assert_eq!(x.grad(), 1.0 / 0.75);
    /// ```
    #[inline]
    pub fn atanh(self) -> Self {
        self.unary(Op::Atanh, &[])
    }

    /// Converts radians to degrees (a product with a constant).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(std::f64::consts::PI);
    /// assert_eq!(x.to_degrees().data(), 180.0);
    /// ```
    #[inline]
    pub fn to_degrees(self) -> Self {
        self * (180.0 / std::f64::consts::PI)
    }

    /// Converts degrees to radians (a product with a constant).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(180.0);
    /// assert_eq!(x.to_radians().data(), 180f64.to_radians());
    /// ```
    #[inline]
    pub fn to_radians(self) -> Self {
        self * (std::f64::consts::PI / 180.0)
    }
}
