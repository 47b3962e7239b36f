//! The methods of `f64`, on `Value`: same names, same values, one node each.
//!
//! Each method computes its value exactly as the `f64` method of the same name does, so code
//! ports by changing types. The derivative rules, and what happens at kinks and outside a
//! function's domain, are in the table of [`crate::rules`].

use crate::rules::Op;
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

    /// `self` to the power `exponent`, where both are values: `d/dx x^y = y x^(y-1)`,
    /// `d/dy x^y = ln(x) x^y`.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (x, y) = (tape.var(2.0), tape.var(3.0));
    /// let z = x.pow(y);
    /// z.backward();
    /// assert_eq!(z.data(), 8.0);
    /// assert_eq!(x.grad(), 12.0);
    /// assert_eq!(y.grad(), 8.0 * 2f64.ln());
    /// ```
    ///
    /// # Panics
    /// If `exponent` belongs to another tape.
    #[track_caller]
    #[inline]
    pub fn pow(self, exponent: Value<'t>) -> Self {
        self.binary(Op::Pow, exponent)
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

    /// `self * a + b` with a single rounding, as [`f64::mul_add`].
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (x, a, b) = (tape.var(2.0), tape.var(3.0), tape.var(1.0));
    /// let y = x.mul_add(a, b);
    /// y.backward();
    /// assert_eq!(y.data(), 7.0);
    /// assert_eq!((x.grad(), a.grad(), b.grad()), (3.0, 2.0, 1.0));
    /// ```
    ///
    /// # Panics
    /// If `a` or `b` belongs to another tape.
    #[track_caller]
    #[inline]
    pub fn mul_add(self, a: Value<'t>, b: Value<'t>) -> Self {
        self.ternary(Op::MulAdd, a, b)
    }

    /// `sqrt(self² + other²)` without overflow.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (x, y) = (tape.var(3.0), tape.var(4.0));
    /// let r = x.hypot(y);
    /// r.backward();
    /// assert_eq!(r.data(), 5.0);
    /// assert_eq!((x.grad(), y.grad()), (0.6, 0.8));
    /// ```
    ///
    /// # Panics
    /// If `other` belongs to another tape.
    #[track_caller]
    #[inline]
    pub fn hypot(self, other: Value<'t>) -> Self {
        self.binary(Op::Hypot, other)
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

    /// The angle of the point `(other, self)`, as [`f64::atan2`] (`self` is the y coordinate).
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
    pub fn atan2(self, other: Value<'t>) -> Self {
        self.binary(Op::Atan2, other)
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

    /// The larger of two values, as [`f64::max`] (a NaN operand loses). The gradient goes to
    /// the larger one, half to each on a tie.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let (a, b) = (tape.var(1.0), tape.var(2.0));
    /// let y = a.max(b);
    /// y.backward();
    /// assert_eq!((y.data(), a.grad(), b.grad()), (2.0, 0.0, 1.0));
    /// ```
    ///
    /// # Panics
    /// If `other` belongs to another tape.
    #[track_caller]
    #[inline]
    pub fn max(self, other: Value<'t>) -> Self {
        self.binary(Op::Max, other)
    }

    /// The smaller of two values, as [`f64::min`]; ties split the gradient like
    /// [`max`](Value::max).
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
    pub fn min(self, other: Value<'t>) -> Self {
        self.binary(Op::Min, other)
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
