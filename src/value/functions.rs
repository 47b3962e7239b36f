//! The smooth methods of `f64`, on `Value`: same names, same values, one node each.
//!
//! Each method computes its value exactly as the `f64` method of the same name does, so code
//! ports by changing types. The derivative rules, and what happens at kinks and outside a
//! function's domain, are in the table of [`crate::rules`]. Trigonometry is in
//! `trigonometry.rs`; the piecewise methods (`abs`, `max`, rounding) and the activations in
//! `piecewise.rs`.

use crate::rules::Op;
use crate::scalar::operand::{IntoOperand, Operand};
use crate::value::Value;

/// Powers and roots.
impl<'t> Value<'t> {
    /// `self` to a constant power.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(4.0);
    /// let y = x.powf(1.5);
    /// y.backward();
    /// assert_eq!(y.data(), 8.0);
    /// assert_eq!(x.grad(), 3.0); // 1.5 * 4^0.5
    /// ```
    #[inline]
    pub fn powf(self, exponent: f64) -> Self {
        self.unary(Op::Powf, &[exponent])
    }

    /// `self` to an integer power.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(-2.0);
    /// let y = x.powi(3);
    /// y.backward();
    /// assert_eq!(y.data(), -8.0);
    /// assert_eq!(x.grad(), 12.0);
    /// ```
    #[inline]
    pub fn powi(self, exponent: i32) -> Self {
        self.unary(Op::Powi, &[f64::from(exponent)])
    }

    /// `self` to the power `exponent`, a value or a number: `d/dx x^y = y x^(y-1)`,
    /// `d/dy x^y = ln(x) x^y`. With a number it is [`powf`](Value::powf).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (x, y) = (tape.var(2.0), tape.var(3.0));
    /// let z = x.pow(y);
    /// z.backward();
    /// assert_eq!(z.data(), 8.0);
    /// assert_eq!(x.grad(), 12.0);
    /// assert_eq!(y.grad(), 8.0 * 2f64.ln());
    /// assert_eq!(x.pow(3.0).data(), 8.0);
    /// ```
    ///
    /// # Panics
    /// If `exponent` belongs to another tape.
    #[track_caller]
    #[inline]
    pub fn pow(self, exponent: impl IntoOperand<Value<'t>>) -> Self {
        match exponent.into_operand() {
            Operand::Same(exponent) => self.binary(Op::Pow, exponent),
            Operand::Number(k) => self.powf(k),
        }
    }

    /// Square root; its derivative is `+inf` at 0, and the value and derivative are NaN below.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(9.0);
    /// let y = x.sqrt();
    /// y.backward();
    /// assert_eq!(y.data(), 3.0);
    /// assert_eq!(x.grad(), 1.0 / 6.0);
    /// ```
    #[inline]
    pub fn sqrt(self) -> Self {
        self.unary(Op::Sqrt, &[])
    }

    /// Cube root.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(-8.0);
    /// let y = x.cbrt();
    /// y.backward();
    /// assert_eq!(y.data(), -2.0);
    /// assert_eq!(x.grad(), 1.0 / 12.0);
    /// ```
    #[inline]
    pub fn cbrt(self) -> Self {
        self.unary(Op::Cbrt, &[])
    }

    /// `1 / self`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(4.0);
    /// let y = x.recip();
    /// y.backward();
    /// assert_eq!(y.data(), 0.25);
    /// assert_eq!(x.grad(), -1.0 / 16.0);
    /// ```
    #[inline]
    pub fn recip(self) -> Self {
        self.unary(Op::Recip, &[])
    }

    /// `self * a + b` with a single rounding, as [`f64::mul_add`]; `a` and `b` are values or
    /// numbers.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (x, a, b) = (tape.var(2.0), tape.var(3.0), tape.var(1.0));
    /// let y = x.mul_add(a, b);
    /// y.backward();
    /// assert_eq!(y.data(), 7.0);
    /// assert_eq!((x.grad(), a.grad(), b.grad()), (3.0, 2.0, 1.0));
    /// assert_eq!(x.mul_add(3.0, 1.0).data(), 7.0);
    /// ```
    ///
    /// # Panics
    /// If `a` or `b` belongs to another tape.
    #[track_caller]
    #[inline]
    pub fn mul_add(self, a: impl IntoOperand<Value<'t>>, b: impl IntoOperand<Value<'t>>) -> Self {
        match (a.into_operand(), b.into_operand()) {
            (Operand::Same(a), Operand::Same(b)) => self.ternary(Op::MulAdd, a, b),
            (Operand::Same(a), Operand::Number(k)) => self.binary_with(Op::MulAddConst, a, &[k]),
            (Operand::Number(k), Operand::Same(b)) => self.binary_with(Op::MulConstAdd, b, &[k]),
            (Operand::Number(k), Operand::Number(k2)) => self.unary(Op::MulConstAddConst, &[k, k2]),
        }
    }

    /// `sqrt(self² + other²)` without overflow; `other` is a value or a number.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (x, y) = (tape.var(3.0), tape.var(4.0));
    /// let r = x.hypot(y);
    /// r.backward();
    /// assert_eq!(r.data(), 5.0);
    /// assert_eq!((x.grad(), y.grad()), (0.6, 0.8));
    /// assert_eq!(x.hypot(4.0).data(), 5.0);
    /// ```
    ///
    /// # Panics
    /// If `other` belongs to another tape.
    #[track_caller]
    #[inline]
    pub fn hypot(self, other: impl IntoOperand<Value<'t>>) -> Self {
        match other.into_operand() {
            Operand::Same(other) => self.binary(Op::Hypot, other),
            Operand::Number(k) => self.unary(Op::HypotConst, &[k]),
        }
    }
}

/// Exponentials and logarithms.
impl Value<'_> {
    /// `e^self`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.0);
    /// let y = x.exp();
    /// y.backward();
    /// assert_eq!((y.data(), x.grad()), (1.0, 1.0));
    /// ```
    #[inline]
    pub fn exp(self) -> Self {
        self.unary(Op::Exp, &[])
    }

    /// `2^self`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(3.0);
    /// let y = x.exp2();
    /// y.backward();
    /// assert_eq!(y.data(), 8.0);
    /// assert_eq!(x.grad(), 8.0 * std::f64::consts::LN_2);
    /// ```
    #[inline]
    pub fn exp2(self) -> Self {
        self.unary(Op::Exp2, &[])
    }

    /// `e^self - 1`, accurate near 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1e-10);
    /// let y = x.exp_m1();
    /// y.backward();
    /// assert_eq!(y.data(), 1e-10_f64.exp_m1());
    /// assert_eq!(x.grad(), 1.0 + 1e-10_f64.exp_m1());
    /// ```
    #[inline]
    pub fn exp_m1(self) -> Self {
        self.unary(Op::ExpM1, &[])
    }

    /// Natural logarithm; NaN (value and derivative) for negative numbers, `-inf` at 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(2.0);
    /// let y = x.ln();
    /// y.backward();
    /// assert_eq!(x.grad(), 0.5);
    /// ```
    #[inline]
    pub fn ln(self) -> Self {
        self.unary(Op::Ln, &[])
    }

    /// `ln(1 + self)`, accurate near 0.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = x.ln_1p();
    /// y.backward();
    /// assert_eq!(y.data(), 2f64.ln());
    /// assert_eq!(x.grad(), 0.5);
    /// ```
    #[inline]
    pub fn ln_1p(self) -> Self {
        self.unary(Op::Ln1p, &[])
    }

    /// Base-2 logarithm.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(8.0);
    /// let y = x.log2();
    /// y.backward();
    /// assert_eq!(y.data(), 3.0);
    /// assert_eq!(x.grad(), 1.0 / (8.0 * std::f64::consts::LN_2));
    /// ```
    #[inline]
    pub fn log2(self) -> Self {
        self.unary(Op::Log2, &[])
    }

    /// Base-10 logarithm.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(100.0);
    /// let y = x.log10();
    /// y.backward();
    /// assert_eq!(y.data(), 2.0);
    /// assert_eq!(x.grad(), 1.0 / (100.0 * std::f64::consts::LN_10));
    /// ```
    #[inline]
    pub fn log10(self) -> Self {
        self.unary(Op::Log10, &[])
    }

    /// Logarithm to a constant base.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(9.0);
    /// let y = x.log(3.0);
    /// y.backward();
    /// assert_eq!(y.data(), 9f64.log(3.0));
    /// assert_eq!(x.grad(), 1.0 / (9.0 * 3f64.ln()));
    /// ```
    #[inline]
    pub fn log(self, base: f64) -> Self {
        self.unary(Op::Log, &[base])
    }
}
