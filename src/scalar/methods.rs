//! The methods of `f64` (and micrograd's activations) on every number type, in one list.
//!
//! Each method applies one op of the rule table (`src/rules/`): its value is computed as the
//! `f64` method of the same name computes it, and its derivative is the op's row of the table
//! of partials, in reverse mode and forward mode alike. The list below is written once and
//! stamped out three times: as the provided methods of [`Scalar`](crate::Scalar) (which is
//! what `f64` uses), and as inherent methods of [`Value`](crate::Value) and
//! [`Dual`](crate::Dual), so that they need no trait in scope. A new op is one entry here and
//! one row in each table.
//!
//! In the bodies, `apply1(op, k)` applies a one-operand op with the node constants `k`, and
//! `apply2`, `apply3` ops on two and three operands (see `rules::Real`). (The stamps take
//! `self` from the list, as `$self`, so that the bodies' `self` is the same `self`.)

/// Calls `$stamp!` with every method of the list (see the module docs).
macro_rules! every_math_method {
    ($stamp:ident) => {
        $stamp! {
            /// `self` to a constant power, as [`f64::powf`]: `d/dx x^k = k x^(k-1)` (0 when
            /// `k = 0`, even at `x = 0`).
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(4.0);
            /// let y = x.powf(1.5);
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (8.0, 3.0));
            /// assert_eq!(Dual::new(4.0, 1.0).powf(1.5).tangent(), 3.0);
            /// ```
            fn powf(self, exponent: f64) -> Self {
                self.apply1(Op::Powf, &[exponent])
            }

            /// `self` to an integer power, as [`f64::powi`]: `d/dx x^n = n x^(n-1)`, exact for
            /// every `i32`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(-2.0);
            /// let y = x.powi(3);
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (-8.0, 12.0));
            /// assert_eq!(Dual::new(-2.0, 1.0).powi(3).tangent(), 12.0);
            /// ```
            fn powi(self, exponent: i32) -> Self {
                self.apply1(Op::Powi, &[f64::from(exponent)])
            }

            /// `self` to the power `exponent`, of the same type or a number (then it is
            /// [`powf`](Self::powf)): `d/dx x^y = y x^(y-1)`, `d/dy x^y = ln(x) x^y` (0 at
            /// `x = 0` for `y >= 0`).
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let (x, y) = (tape.var(2.0), tape.var(3.0));
            /// let z = x.pow(y);
            /// z.backward();
            /// assert_eq!((z.data(), x.grad(), y.grad()), (8.0, 12.0, 8.0 * 2f64.ln()));
            /// let dz = Dual::constant(2.0).pow(Dual::new(3.0, 1.0));
            /// assert_eq!(dz.tangent(), 8.0 * 2f64.ln());
            /// ```
            ///
            /// # Panics
            /// If `exponent` is a value of another tape.
            fn pow(self, exponent: impl IntoOperand<Self>) -> Self {
                match exponent.into_operand() {
                    Operand::Same(exponent) => self.apply2(Op::Pow, exponent, &[]),
                    Operand::Number(k) => self.apply1(Op::Powf, &[k]),
                }
            }

            /// Square root, as [`f64::sqrt`]: `d/dx sqrt(x) = 1 / (2 sqrt(x))`, `+inf` at 0,
            /// NaN below.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(9.0);
            /// let y = x.sqrt();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (3.0, 1.0 / 6.0));
            /// assert_eq!(Dual::new(9.0, 1.0).sqrt().tangent(), 1.0 / 6.0);
            /// ```
            fn sqrt(self) -> Self {
                self.apply1(Op::Sqrt, &[])
            }

            /// Cube root, as [`f64::cbrt`]: `d/dx cbrt(x) = 1 / (3 cbrt(x)²)`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(-8.0);
            /// let y = x.cbrt();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (-2.0, 1.0 / 12.0));
            /// assert_eq!(Dual::new(-8.0, 1.0).cbrt().tangent(), 1.0 / 12.0);
            /// ```
            fn cbrt(self) -> Self {
                self.apply1(Op::Cbrt, &[])
            }

            /// `1 / self`, as [`f64::recip`]: `d/dx (1/x) = -1/x²`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(4.0);
            /// let y = x.recip();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.25, -1.0 / 16.0));
            /// assert_eq!(Dual::new(4.0, 1.0).recip().tangent(), -1.0 / 16.0);
            /// ```
            fn recip(self) -> Self {
                self.apply1(Op::Recip, &[])
            }

            /// `self * a + b` with one rounding, as [`f64::mul_add`]; `a` and `b` are of the
            /// same type or numbers. The partials are `a`, `self` and 1.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let (x, a, b) = (tape.var(2.0), tape.var(3.0), tape.var(1.0));
            /// let y = x.mul_add(a, b);
            /// y.backward();
            /// assert_eq!((y.data(), x.grad(), a.grad(), b.grad()), (7.0, 3.0, 2.0, 1.0));
            /// assert_eq!(x.mul_add(3.0, 1.0).data(), 7.0);
            /// assert_eq!(Dual::new(2.0, 1.0).mul_add(3.0, 1.0).tangent(), 3.0);
            /// ```
            ///
            /// # Panics
            /// If `a` or `b` is a value of another tape.
            fn mul_add(self, a: impl IntoOperand<Self>, b: impl IntoOperand<Self>) -> Self {
                match (a.into_operand(), b.into_operand()) {
                    (Operand::Same(a), Operand::Same(b)) => self.apply3(Op::MulAdd, a, b),
                    (Operand::Same(a), Operand::Number(k)) => {
                        self.apply2(Op::MulAddConst, a, &[k])
                    }
                    (Operand::Number(k), Operand::Same(b)) => {
                        self.apply2(Op::MulConstAdd, b, &[k])
                    }
                    (Operand::Number(k), Operand::Number(k2)) => {
                        self.apply1(Op::MulConstAddConst, &[k, k2])
                    }
                }
            }

            /// `sqrt(self² + other²)` without overflow, as [`f64::hypot`]; `other` is of the
            /// same type or a number. The partials are `self / y` and `other / y`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let (x, y) = (tape.var(3.0), tape.var(4.0));
            /// let r = x.hypot(y);
            /// r.backward();
            /// assert_eq!((r.data(), x.grad(), y.grad()), (5.0, 0.6, 0.8));
            /// assert_eq!(Dual::new(3.0, 1.0).hypot(4.0).tangent(), 0.6);
            /// ```
            ///
            /// # Panics
            /// If `other` is a value of another tape.
            fn hypot(self, other: impl IntoOperand<Self>) -> Self {
                match other.into_operand() {
                    Operand::Same(other) => self.apply2(Op::Hypot, other, &[]),
                    Operand::Number(k) => self.apply1(Op::HypotConst, &[k]),
                }
            }

            /// `e^self`, as [`f64::exp`]: `d/dx e^x = e^x`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.exp();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (1.0, 1.0));
            /// assert_eq!(Dual::new(0.0, 1.0).exp().tangent(), 1.0);
            /// ```
            fn exp(self) -> Self {
                self.apply1(Op::Exp, &[])
            }

            /// `2^self`, as [`f64::exp2`]: `d/dx 2^x = ln(2) 2^x`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(3.0);
            /// let y = x.exp2();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (8.0, 8.0 * std::f64::consts::LN_2));
            /// assert_eq!(Dual::new(3.0, 1.0).exp2().tangent(), 8.0 * std::f64::consts::LN_2);
            /// ```
            fn exp2(self) -> Self {
                self.apply1(Op::Exp2, &[])
            }

            /// `e^self - 1`, accurate near 0, as [`f64::exp_m1`]: `d/dx = e^x`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.exp_m1();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.0, 1.0));
            /// assert_eq!(Dual::new(0.0, 1.0).exp_m1().tangent(), 1.0);
            /// ```
            fn exp_m1(self) -> Self {
                self.apply1(Op::ExpM1, &[])
            }

            /// Natural logarithm, as [`f64::ln`]: `d/dx ln(x) = 1/x`; value and derivative NaN
            /// for `x < 0`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(2.0);
            /// let y = x.ln();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (2f64.ln(), 0.5));
            /// assert!(Dual::new(-1.0, 1.0).ln().tangent().is_nan());
            /// ```
            fn ln(self) -> Self {
                self.apply1(Op::Ln, &[])
            }

            /// `ln(1 + self)`, accurate near 0, as [`f64::ln_1p`]: `d/dx = 1 / (1 + x)`, NaN for
            /// `x < -1`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(1.0);
            /// let y = x.ln_1p();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (2f64.ln(), 0.5));
            /// assert_eq!(Dual::new(1.0, 1.0).ln_1p().tangent(), 0.5);
            /// ```
            fn ln_1p(self) -> Self {
                self.apply1(Op::Ln1p, &[])
            }

            /// Base-2 logarithm, as [`f64::log2`]: `d/dx = 1 / (x ln 2)`, NaN for `x < 0`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(8.0);
            /// let y = x.log2();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (3.0, 1.0 / (8.0 * std::f64::consts::LN_2)));
            /// assert_eq!(Dual::new(8.0, 1.0).log2().tangent(), x.grad());
            /// ```
            fn log2(self) -> Self {
                self.apply1(Op::Log2, &[])
            }

            /// Base-10 logarithm, as [`f64::log10`]: `d/dx = 1 / (x ln 10)`, NaN for `x < 0`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(100.0);
            /// let y = x.log10();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (2.0, 1.0 / (100.0 * std::f64::consts::LN_10)));
            /// assert_eq!(Dual::new(100.0, 1.0).log10().tangent(), x.grad());
            /// ```
            fn log10(self) -> Self {
                self.apply1(Op::Log10, &[])
            }

            /// Logarithm to a constant base, as [`f64::log`]: `d/dx = 1 / (x ln k)`, NaN for
            /// `x < 0`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(9.0);
            /// let y = x.log(3.0);
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (2.0, 1.0 / (9.0 * 3f64.ln())));
            /// assert_eq!(Dual::new(9.0, 1.0).log(3.0).tangent(), x.grad());
            /// ```
            fn log(self, base: f64) -> Self {
                self.apply1(Op::Log, &[base])
            }

            /// Sine, as [`f64::sin`]: `d/dx sin(x) = cos(x)`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.sin();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.0, 1.0));
            /// assert_eq!(Dual::new(0.0, 1.0).sin().tangent(), 1.0);
            /// ```
            fn sin(self) -> Self {
                self.apply1(Op::Sin, &[])
            }

            /// Cosine, as [`f64::cos`]: `d/dx cos(x) = -sin(x)`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(std::f64::consts::FRAC_PI_2);
            /// let y = x.cos();
            /// y.backward();
            /// assert_eq!(x.grad(), -1.0);
            /// assert_eq!(Dual::new(std::f64::consts::FRAC_PI_2, 1.0).cos().tangent(), -1.0);
            /// ```
            fn cos(self) -> Self {
                self.apply1(Op::Cos, &[])
            }

            /// Sine and cosine, as [`f64::sin_cos`] (two ops).
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let (s, c) = tape.var(0.5).sin_cos();
            /// assert_eq!((s.data(), c.data()), 0.5f64.sin_cos());
            /// let (s, c) = Dual::new(0.0, 1.0).sin_cos();
            /// assert_eq!((s.tangent(), c.tangent()), (1.0, 0.0));
            /// ```
            fn sin_cos(self) -> (Self, Self) {
                (self.apply1(Op::Sin, &[]), self.apply1(Op::Cos, &[]))
            }

            /// Tangent, as [`f64::tan`]: `d/dx tan(x) = 1 + tan(x)²`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.tan();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.0, 1.0));
            /// assert_eq!(Dual::new(0.0, 1.0).tan().tangent(), 1.0);
            /// ```
            fn tan(self) -> Self {
                self.apply1(Op::Tan, &[])
            }

            /// Arcsine, as [`f64::asin`]: `d/dx = 1 / sqrt(1 - x²)`; NaN outside `[-1, 1]`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.asin();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.0, 1.0));
            /// assert_eq!(Dual::new(0.0, 1.0).asin().tangent(), 1.0);
            /// ```
            fn asin(self) -> Self {
                self.apply1(Op::Asin, &[])
            }

            /// Arccosine, as [`f64::acos`]: `d/dx = -1 / sqrt(1 - x²)`; NaN outside `[-1, 1]`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.acos();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (std::f64::consts::FRAC_PI_2, -1.0));
            /// assert_eq!(Dual::new(0.0, 1.0).acos().tangent(), -1.0);
            /// ```
            fn acos(self) -> Self {
                self.apply1(Op::Acos, &[])
            }

            /// Arctangent, as [`f64::atan`]: `d/dx = 1 / (1 + x²)`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(1.0);
            /// let y = x.atan();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (std::f64::consts::FRAC_PI_4, 0.5));
            /// assert_eq!(Dual::new(1.0, 1.0).atan().tangent(), 0.5);
            /// ```
            fn atan(self) -> Self {
                self.apply1(Op::Atan, &[])
            }

            /// The angle of the point `(other, self)`, as [`f64::atan2`]; `other` is of the same
            /// type or a number. The partials are `other / r²` and `-self / r²`, with
            /// `r² = self² + other²` (0 at the origin), computed without under- or overflow.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let (y, x) = (tape.var(1.0), tape.var(1.0));
            /// let angle = y.atan2(x);
            /// angle.backward();
            /// assert_eq!((y.grad(), x.grad()), (0.5, -0.5));
            /// assert_eq!(Dual::new(1.0, 1.0).atan2(1.0).tangent(), 0.5);
            /// ```
            ///
            /// # Panics
            /// If `other` is a value of another tape.
            fn atan2(self, other: impl IntoOperand<Self>) -> Self {
                match other.into_operand() {
                    Operand::Same(other) => self.apply2(Op::Atan2, other, &[]),
                    Operand::Number(k) => self.apply1(Op::Atan2Const, &[k]),
                }
            }

            /// Hyperbolic sine, as [`f64::sinh`]: `d/dx sinh(x) = cosh(x)`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.sinh();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.0, 1.0));
            /// assert_eq!(Dual::new(0.0, 1.0).sinh().tangent(), 1.0);
            /// ```
            fn sinh(self) -> Self {
                self.apply1(Op::Sinh, &[])
            }

            /// Hyperbolic cosine, as [`f64::cosh`]: `d/dx cosh(x) = sinh(x)`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.cosh();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (1.0, 0.0));
            /// assert_eq!(Dual::new(0.0, 1.0).cosh().tangent(), 0.0);
            /// ```
            fn cosh(self) -> Self {
                self.apply1(Op::Cosh, &[])
            }

            /// Hyperbolic tangent, as [`f64::tanh`]: `d/dx tanh(x) = 1 - tanh(x)²`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.tanh();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.0, 1.0));
            /// assert_eq!(Dual::new(0.0, 1.0).tanh().tangent(), 1.0);
            /// ```
            fn tanh(self) -> Self {
                self.apply1(Op::Tanh, &[])
            }

            /// Inverse hyperbolic sine, as [`f64::asinh`]: `d/dx = 1 / sqrt(x² + 1)`, without
            /// overflow for huge `x`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.asinh();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.0, 1.0));
            /// assert_eq!(Dual::new(1e300, 1.0).asinh().tangent(), 1e-300);
            /// ```
            fn asinh(self) -> Self {
                self.apply1(Op::Asinh, &[])
            }

            /// Inverse hyperbolic cosine, as [`f64::acosh`]: `d/dx = 1 / sqrt(x² - 1)`; NaN
            /// below 1.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(2.0);
            /// let y = x.acosh();
            /// y.backward();
            /// assert!((x.grad() - 1.0 / 3f64.sqrt()).abs() < 1e-15);
            /// assert_eq!(Dual::new(2.0, 1.0).acosh().tangent(), x.grad());
            /// ```
            fn acosh(self) -> Self {
                self.apply1(Op::Acosh, &[])
            }

            /// Inverse hyperbolic tangent, as [`f64::atanh`]: `d/dx = 1 / (1 - x²)`; NaN for
            /// `|x| > 1`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.5);
            /// let y = x.atanh();
            /// y.backward();
            /// assert_eq!(x.grad(), 1.0 / 0.75);
            /// assert_eq!(Dual::new(0.5, 1.0).atanh().tangent(), 1.0 / 0.75);
            /// ```
            fn atanh(self) -> Self {
                self.apply1(Op::Atanh, &[])
            }

            /// Radians to degrees, as [`f64::to_degrees`]: a product with `180 / π`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert_eq!(tape.var(std::f64::consts::PI).to_degrees().data(), 180.0);
            /// assert_eq!(Dual::new(1.0, 1.0).to_degrees().tangent(), 1f64.to_degrees());
            /// ```
            fn to_degrees(self) -> Self {
                self.apply1(Op::MulConst, &[180.0 / std::f64::consts::PI])
            }

            /// Degrees to radians, as [`f64::to_radians`]: a product with `π / 180`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert_eq!(tape.var(180.0).to_radians().data(), 180f64.to_radians());
            /// assert_eq!(Dual::new(1.0, 1.0).to_radians().tangent(), 1f64.to_radians());
            /// ```
            fn to_radians(self) -> Self {
                self.apply1(Op::MulConst, &[std::f64::consts::PI / 180.0])
            }

            /// Absolute value, as [`f64::abs`]: derivative `sign(x)`, 0 at 0.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(-3.0);
            /// let y = x.abs();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (3.0, -1.0));
            /// assert_eq!(Dual::new(0.0, 1.0).abs().tangent(), 0.0);
            /// ```
            fn abs(self) -> Self {
                self.apply1(Op::Abs, &[])
            }

            /// The larger of `self` and `other` (of the same type or a number), as
            /// [`f64::max`]: the gradient goes to the larger, half to each on a tie; with one
            /// NaN operand the other is returned, and gets it all.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let (a, b) = (tape.var(1.0), tape.var(2.0));
            /// let y = a.max(b);
            /// y.backward();
            /// assert_eq!((y.data(), a.grad(), b.grad()), (2.0, 0.0, 1.0));
            /// assert_eq!(a.max(0.0).data(), 1.0);
            /// assert_eq!(Dual::new(1.0, 1.0).max(1.0).tangent(), 0.5);
            /// ```
            ///
            /// # Panics
            /// If `other` is a value of another tape.
            fn max(self, other: impl IntoOperand<Self>) -> Self {
                match other.into_operand() {
                    Operand::Same(other) => self.apply2(Op::Max, other, &[]),
                    Operand::Number(k) => self.apply1(Op::MaxConst, &[k]),
                }
            }

            /// The smaller of `self` and `other` (of the same type or a number), as
            /// [`f64::min`], with [`max`](Self::max)'s rules.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let (a, b) = (tape.var(1.0), tape.var(2.0));
            /// let y = a.min(b);
            /// y.backward();
            /// assert_eq!((y.data(), a.grad(), b.grad()), (1.0, 1.0, 0.0));
            /// assert_eq!(Dual::new(3.0, 1.0).min(2.0).tangent(), 0.0);
            /// ```
            ///
            /// # Panics
            /// If `other` is a value of another tape.
            fn min(self, other: impl IntoOperand<Self>) -> Self {
                match other.into_operand() {
                    Operand::Same(other) => self.apply2(Op::Min, other, &[]),
                    Operand::Number(k) => self.apply1(Op::MinConst, &[k]),
                }
            }

            /// `self` held to `[min, max]`, as [`f64::clamp`]: derivative 1 strictly inside,
            /// 0 outside and on the bounds.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(3.0);
            /// let y = x.clamp(-1.0, 1.0);
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (1.0, 0.0));
            /// assert_eq!(Dual::new(0.5, 1.0).clamp(-1.0, 1.0).tangent(), 1.0);
            /// ```
            ///
            /// # Panics
            /// If `min > max` or either is NaN, as `f64::clamp` does.
            fn clamp(self, min: f64, max: f64) -> Self {
                assert!(
                    min <= max,
                    "clamp needs min <= max, got min = {min}, max = {max}"
                );
                self.apply1(Op::Clamp, &[min, max])
            }

            /// The sign, as [`f64::signum`] (`±1`, NaN for NaN); derivative 0.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert_eq!(tape.var(-2.5).signum().data(), -1.0);
            /// assert_eq!(Dual::new(-2.5, 1.0).signum().tangent(), 0.0);
            /// ```
            fn signum(self) -> Self {
                self.apply1(Op::Signum, &[])
            }

            /// Rounds down, as [`f64::floor`]; derivative 0.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert_eq!(tape.var(2.7).floor().data(), 2.0);
            /// assert_eq!(Dual::new(2.7, 1.0).floor().tangent(), 0.0);
            /// ```
            fn floor(self) -> Self {
                self.apply1(Op::Floor, &[])
            }

            /// Rounds up, as [`f64::ceil`]; derivative 0.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert_eq!(tape.var(2.2).ceil().data(), 3.0);
            /// assert_eq!(Dual::new(2.2, 1.0).ceil().tangent(), 0.0);
            /// ```
            fn ceil(self) -> Self {
                self.apply1(Op::Ceil, &[])
            }

            /// Rounds half away from zero, as [`f64::round`]; derivative 0.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert_eq!(tape.var(2.5).round().data(), 3.0);
            /// assert_eq!(Dual::new(2.5, 1.0).round().tangent(), 0.0);
            /// ```
            fn round(self) -> Self {
                self.apply1(Op::Round, &[])
            }

            /// Drops the fractional part, as [`f64::trunc`]; derivative 0.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert_eq!(tape.var(-2.7).trunc().data(), -2.0);
            /// assert_eq!(Dual::new(-2.7, 1.0).trunc().tangent(), 0.0);
            /// ```
            fn trunc(self) -> Self {
                self.apply1(Op::Trunc, &[])
            }

            /// The fractional part, `self - self.trunc()` (two ops), as [`f64::fract`];
            /// derivative 1.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(2.75);
            /// let y = x.fract();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.75, 1.0));
            /// assert_eq!(Dual::new(2.75, 1.0).fract().tangent(), 1.0);
            /// ```
            fn fract(self) -> Self {
                self - self.apply1(Op::Trunc, &[])
            }

            /// `max(self, 0)`, keeping NaN (micrograd's and PyTorch's ReLU): derivative 1 for
            /// `x > 0`, else 0 (0 at 0).
            ///
            /// ```
            /// use tapegrad::{Dual, Scalar, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.relu();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.0, 0.0));
            /// assert_eq!(Dual::new(2.0, 1.0).relu().tangent(), 1.0);
            /// assert_eq!((-2.0).relu(), 0.0); // on f64, through Scalar
            /// ```
            fn relu(self) -> Self {
                self.apply1(Op::Relu, &[])
            }

            /// `self` where positive, `slope * self` elsewhere (leaky ReLU): derivative 1 for
            /// `x > 0`, else `slope`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(-2.0);
            /// let y = x.leaky_relu(0.1);
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (-0.2, 0.1));
            /// assert_eq!(Dual::new(-2.0, 1.0).leaky_relu(0.1).tangent(), 0.1);
            /// ```
            fn leaky_relu(self, slope: f64) -> Self {
                self.apply1(Op::LeakyRelu, &[slope])
            }

            /// The logistic sigmoid `1 / (1 + e^-self)`, without overflow: derivative
            /// `y (1 - y)`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.sigmoid();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (0.5, 0.25));
            /// assert_eq!(Dual::new(0.0, 1.0).sigmoid().tangent(), 0.25);
            /// ```
            fn sigmoid(self) -> Self {
                self.apply1(Op::Sigmoid, &[])
            }

            /// `ln(1 + e^self)`, without overflow (softplus): derivative `sigmoid(x)`.
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// let x = tape.var(0.0);
            /// let y = x.softplus();
            /// y.backward();
            /// assert_eq!((y.data(), x.grad()), (2f64.ln(), 0.5));
            /// assert_eq!(Dual::new(0.0, 1.0).softplus().tangent(), 0.5);
            /// ```
            fn softplus(self) -> Self {
                self.apply1(Op::Softplus, &[])
            }

            /// Whether the number is NaN, as [`f64::is_nan`] (records nothing).
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert!(tape.var(-1.0).sqrt().is_nan());
            /// assert!(Dual::new(-1.0, 1.0).sqrt().is_nan());
            /// ```
            fn is_nan(self) -> bool {
                self.number().is_nan()
            }

            /// Whether the number is neither infinite nor NaN, as [`f64::is_finite`].
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert!(tape.var(1.0).is_finite());
            /// assert!(!Dual::new(0.0, 1.0).ln().is_finite());
            /// ```
            fn is_finite(self) -> bool {
                self.number().is_finite()
            }

            /// Whether the number is `+inf` or `-inf`, as [`f64::is_infinite`].
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert!(tape.var(0.0).ln().is_infinite());
            /// assert!(!Dual::new(0.0, 1.0).is_infinite());
            /// ```
            fn is_infinite(self) -> bool {
                self.number().is_infinite()
            }

            /// Whether the number has a negative sign (`-0.0` included), as
            /// [`f64::is_sign_negative`].
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert!(tape.var(-0.0).is_sign_negative());
            /// assert!(Dual::new(-1.0, 1.0).is_sign_negative());
            /// ```
            fn is_sign_negative(self) -> bool {
                self.number().is_sign_negative()
            }

            /// Whether the number has a positive sign (`+0.0` included), as
            /// [`f64::is_sign_positive`].
            ///
            /// ```
            /// use tapegrad::{Dual, Tape};
            /// let tape = Tape::new();
            /// assert!(tape.var(0.0).is_sign_positive());
            /// assert!(Dual::new(1.0, -1.0).is_sign_positive());
            /// ```
            fn is_sign_positive(self) -> bool {
                self.number().is_sign_positive()
            }
        }
    };
}

/// Stamps the list out as inherent methods (of `Value` or `Dual`).
macro_rules! inherent_math_methods {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($self:ident $(, $arg:ident: $ty:ty)*) -> $ret:ty $body:block
    )*) => {
        $(
            $(#[$doc])*
            #[inline]
            #[must_use]
            #[track_caller]
            pub fn $name($self $(, $arg: $ty)*) -> $ret $body
        )*
    };
}

/// Stamps the list out as the provided methods of `Scalar`.
macro_rules! provided_math_methods {
    ($(
        $(#[$doc:meta])*
        fn $name:ident($self:ident $(, $arg:ident: $ty:ty)*) -> $ret:ty $body:block
    )*) => {
        $(
            $(#[$doc])*
            #[inline]
            #[must_use]
            #[track_caller]
            fn $name($self $(, $arg: $ty)*) -> $ret $body
        )*
    };
}

pub(crate) use {every_math_method, inherent_math_methods, provided_math_methods};
