//! The smooth methods of `f64`, on `Dual`: powers, exponentials, logarithms, trigonometry.
//!
//! Each computes its value as the `f64` method of the same name and its tangent from the
//! derivative written beside it, the same formula as the op's rule in the chain-rule table,
//! with the same domain rules: outside an op's real domain the derivative is NaN.

use super::dual::{Dual, along};
use crate::operand::{IntoOperand, Operand};

/// Powers and roots.
impl Dual {
    /// `self` to a constant power: `d/dx x^k = k x^(k-1)`, 0 when `k = 0` (even at `x = 0`).
    ///
    /// ```
    /// let y = tapegrad::Dual::new(4.0, 1.0).powf(1.5);
    /// assert_eq!((y.value(), y.tangent()), (8.0, 3.0));
    /// ```
    #[inline]
    pub fn powf(self, exponent: f64) -> Dual {
        let derivative = if exponent == 0.0 {
            0.0
        } else {
            exponent * self.value.powf(exponent - 1.0)
        };
        self.chain(self.value.powf(exponent), derivative)
    }

    /// `self` to an integer power: `d/dx x^n = n x^(n-1)`, 0 when `n = 0`; exact for every
    /// `i32`, `i32::MIN` included.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(-2.0, 1.0).powi(3);
    /// assert_eq!((y.value(), y.tangent()), (-8.0, 12.0));
    /// ```
    #[inline]
    pub fn powi(self, exponent: i32) -> Dual {
        let x = self.value;
        let derivative = match exponent.checked_sub(1) {
            _ if exponent == 0 => 0.0,
            Some(below) => f64::from(exponent) * x.powi(below),
            // n - 1 = -2^31 - 1 is no i32, but an f64 holds it exactly.
            None => f64::from(exponent) * x.powf(f64::from(exponent) - 1.0),
        };
        self.chain(x.powi(exponent), derivative)
    }

    /// `self` to the power `exponent`, a dual or a number: `d/dx x^y = y x^(y-1)`,
    /// `d/dy x^y = ln(x) x^y` (0 at `x = 0` for `y >= 0`). With a number it is
    /// [`powf`](Dual::powf).
    ///
    /// ```
    /// use tapegrad::Dual;
    /// let z = Dual::new(2.0, 0.0).pow(Dual::new(3.0, 1.0)); // d/dy
    /// assert_eq!((z.value(), z.tangent()), (8.0, 8.0 * 2f64.ln()));
    /// assert_eq!(Dual::new(2.0, 1.0).pow(3.0).tangent(), 12.0);
    /// ```
    #[inline]
    pub fn pow(self, exponent: impl IntoOperand<Dual>) -> Dual {
        let exponent = match exponent.into_operand() {
            Operand::Same(exponent) => exponent,
            Operand::Number(k) => return self.powf(k),
        };
        let (a, b) = (self.value, exponent.value);
        let y = a.powf(b);
        let by_base = if b == 0.0 { 0.0 } else { b * a.powf(b - 1.0) };
        let by_exponent = if a == 0.0 && b >= 0.0 {
            0.0
        } else {
            y * a.ln()
        };
        let tangent = along(self.tangent, by_base) + along(exponent.tangent, by_exponent);
        Dual::new(y, tangent)
    }

    /// Square root: `d/dx sqrt(x) = 1 / (2 sqrt(x))`, `+inf` at 0, NaN below.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(9.0, 1.0).sqrt();
    /// assert_eq!((y.value(), y.tangent()), (3.0, 1.0 / 6.0));
    /// ```
    #[inline]
    pub fn sqrt(self) -> Dual {
        let y = self.value.sqrt();
        self.chain(y, 0.5 / y)
    }

    /// Cube root: `d/dx cbrt(x) = 1 / (3 cbrt(x)²)`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(-8.0, 1.0).cbrt();
    /// assert_eq!((y.value(), y.tangent()), (-2.0, 1.0 / 12.0));
    /// ```
    #[inline]
    pub fn cbrt(self) -> Dual {
        let y = self.value.cbrt();
        self.chain(y, 1.0 / (3.0 * y * y))
    }

    /// `1 / self`: `d/dx (1/x) = -1/x²`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(4.0, 1.0).recip();
    /// assert_eq!((y.value(), y.tangent()), (0.25, -1.0 / 16.0));
    /// ```
    #[inline]
    pub fn recip(self) -> Dual {
        let y = self.value.recip();
        self.chain(y, -(y * y))
    }

    /// `self * a + b` with a single rounding, as [`f64::mul_add`]; `a` and `b` are duals or
    /// numbers. The partials are `a` (by `self`), `self` (by `a`) and 1 (by `b`).
    ///
    /// ```
    /// use tapegrad::Dual;
    /// let y = Dual::new(2.0, 1.0).mul_add(3.0, Dual::new(1.0, 1.0));
    /// assert_eq!((y.value(), y.tangent()), (7.0, 4.0));
    /// ```
    #[inline]
    pub fn mul_add(self, a: impl IntoOperand<Dual>, b: impl IntoOperand<Dual>) -> Dual {
        let (a, b) = (dual(a), dual(b));
        let tangent = along(self.tangent, a.value) + along(a.tangent, self.value) + b.tangent;
        Dual::new(self.value.mul_add(a.value, b.value), tangent)
    }

    /// `sqrt(self² + other²)` without overflow: the partials are `self / y` and `other / y`.
    ///
    /// ```
    /// let r = tapegrad::Dual::new(3.0, 1.0).hypot(4.0);
    /// assert_eq!((r.value(), r.tangent()), (5.0, 0.6));
    /// ```
    #[inline]
    pub fn hypot(self, other: impl IntoOperand<Dual>) -> Dual {
        let other = dual(other);
        let y = self.value.hypot(other.value);
        let tangent = along(self.tangent, self.value / y) + along(other.tangent, other.value / y);
        Dual::new(y, tangent)
    }
}

/// Exponentials and logarithms.
impl Dual {
    /// `e^self`: `d/dx e^x = e^x`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(0.0, 1.0).exp();
    /// assert_eq!((y.value(), y.tangent()), (1.0, 1.0));
    /// ```
    #[inline]
    pub fn exp(self) -> Dual {
        let y = self.value.exp();
        self.chain(y, y)
    }

    /// `2^self`: `d/dx 2^x = ln(2) 2^x`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(3.0, 1.0).exp2();
    /// assert_eq!((y.value(), y.tangent()), (8.0, 8.0 * std::f64::consts::LN_2));
    /// ```
    #[inline]
    pub fn exp2(self) -> Dual {
        let y = self.value.exp2();
        self.chain(y, y * std::f64::consts::LN_2)
    }

    /// `e^self - 1`, accurate near 0: `d/dx = e^x`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(0.0, 1.0).exp_m1();
    /// assert_eq!((y.value(), y.tangent()), (0.0, 1.0));
    /// ```
    #[inline]
    pub fn exp_m1(self) -> Dual {
        let y = self.value.exp_m1();
        self.chain(y, y + 1.0)
    }

    /// Natural logarithm: `d/dx ln(x) = 1/x`, NaN for `x < 0`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(2.0, 1.0).ln();
    /// assert_eq!(y.tangent(), 0.5);
    /// assert!(tapegrad::Dual::new(-1.0, 1.0).ln().tangent().is_nan());
    /// ```
    #[inline]
    pub fn ln(self) -> Dual {
        let x = self.value;
        self.chain(x.ln(), nan_outside(x >= 0.0, 1.0 / x))
    }

    /// `ln(1 + self)`, accurate near 0: `d/dx = 1 / (1 + x)`, NaN for `x < -1`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(1.0, 1.0).ln_1p();
    /// assert_eq!((y.value(), y.tangent()), (2f64.ln(), 0.5));
    /// ```
    #[inline]
    pub fn ln_1p(self) -> Dual {
        let x = self.value;
        self.chain(x.ln_1p(), nan_outside(x >= -1.0, 1.0 / (x + 1.0)))
    }

    /// Base-2 logarithm: `d/dx = 1 / (x ln 2)`, NaN for `x < 0`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(8.0, 1.0).log2();
    /// assert_eq!((y.value(), y.tangent()), (3.0, 1.0 / (8.0 * std::f64::consts::LN_2)));
    /// ```
    #[inline]
    pub fn log2(self) -> Dual {
        let x = self.value;
        let derivative = 1.0 / (x * std::f64::consts::LN_2);
        self.chain(x.log2(), nan_outside(x >= 0.0, derivative))
    }

    /// Base-10 logarithm: `d/dx = 1 / (x ln 10)`, NaN for `x < 0`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(100.0, 1.0).log10();
    /// assert_eq!((y.value(), y.tangent()), (2.0, 1.0 / (100.0 * std::f64::consts::LN_10)));
    /// ```
    #[inline]
    pub fn log10(self) -> Dual {
        let x = self.value;
        let derivative = 1.0 / (x * std::f64::consts::LN_10);
        self.chain(x.log10(), nan_outside(x >= 0.0, derivative))
    }

    /// Logarithm to a constant base: `d/dx = 1 / (x ln k)`, NaN for `x < 0`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(9.0, 1.0).log(3.0);
    /// assert_eq!(y.tangent(), 1.0 / (9.0 * 3f64.ln()));
    /// ```
    #[inline]
    pub fn log(self, base: f64) -> Dual {
        let x = self.value;
        self.chain(x.log(base), nan_outside(x >= 0.0, 1.0 / (x * base.ln())))
    }
}

/// Trigonometric and hyperbolic functions.
impl Dual {
    /// Sine: `d/dx sin(x) = cos(x)`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(0.0, 1.0).sin();
    /// assert_eq!((y.value(), y.tangent()), (0.0, 1.0));
    /// ```
    #[inline]
    pub fn sin(self) -> Dual {
        self.chain(self.value.sin(), self.value.cos())
    }

    /// Cosine: `d/dx cos(x) = -sin(x)`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(0.0, 1.0).cos();
    /// assert_eq!((y.value(), y.tangent()), (1.0, 0.0));
    /// ```
    #[inline]
    pub fn cos(self) -> Dual {
        self.chain(self.value.cos(), -self.value.sin())
    }

    /// Sine and cosine, as [`f64::sin_cos`].
    ///
    /// ```
    /// let (s, c) = tapegrad::Dual::new(0.5, 1.0).sin_cos();
    /// assert_eq!((s.tangent(), c.tangent()), (0.5f64.cos(), -0.5f64.sin()));
    /// ```
    #[inline]
    pub fn sin_cos(self) -> (Dual, Dual) {
        (self.sin(), self.cos())
    }

    /// Tangent: `d/dx tan(x) = 1 + tan(x)²`.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(0.0, 1.0).tan().tangent(), 1.0);
    /// ```
    #[inline]
    pub fn tan(self) -> Dual {
        let y = self.value.tan();
        self.chain(y, 1.0 + y * y)
    }

    /// Arcsine: `d/dx = 1 / sqrt(1 - x²)`, NaN outside `[-1, 1]`.
    ///
    /// ```
    /// assert!((tapegrad::Dual::new(0.6, 1.0).asin().tangent() - 1.25).abs() < 1e-15);
    /// ```
    #[inline]
    pub fn asin(self) -> Dual {
        let x = self.value;
        self.chain(x.asin(), 1.0 / (1.0 - x * x).sqrt())
    }

    /// Arccosine: `d/dx = -1 / sqrt(1 - x²)`, NaN outside `[-1, 1]`.
    ///
    /// ```
    /// assert!((tapegrad::Dual::new(0.6, 1.0).acos().tangent() + 1.25).abs() < 1e-15);
    /// ```
    #[inline]
    pub fn acos(self) -> Dual {
        let x = self.value;
        self.chain(x.acos(), -(1.0 / (1.0 - x * x).sqrt()))
    }

    /// Arctangent: `d/dx = 1 / (1 + x²)`.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(1.0, 1.0).atan().tangent(), 0.5);
    /// ```
    #[inline]
    pub fn atan(self) -> Dual {
        let x = self.value;
        self.chain(x.atan(), 1.0 / (1.0 + x * x))
    }

    /// The angle of the point `(other, self)`, as [`f64::atan2`] (`self` is the y
    /// coordinate); `other` is a dual or a number. The partials `x / r²` and `-y / r²`
    /// (`r² = x² + y²`) are computed without underflow or overflow, and are both 0 at the
    /// origin.
    ///
    /// ```
    /// use tapegrad::Dual;
    /// let angle = Dual::new(1.0, 1.0).atan2(1.0); // d/dy
    /// assert_eq!((angle.value(), angle.tangent()), (std::f64::consts::FRAC_PI_4, 0.5));
    /// ```
    #[inline]
    pub fn atan2(self, other: impl IntoOperand<Dual>) -> Dual {
        let other = dual(other);
        let (y, x) = (self.value, other.value);
        let (by_y, by_x) = atan2_partials(y, x);
        let tangent = along(self.tangent, by_y) + along(other.tangent, by_x);
        Dual::new(y.atan2(x), tangent)
    }

    /// Hyperbolic sine: `d/dx sinh(x) = cosh(x)`.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(0.0, 1.0).sinh().tangent(), 1.0);
    /// ```
    #[inline]
    pub fn sinh(self) -> Dual {
        self.chain(self.value.sinh(), self.value.cosh())
    }

    /// Hyperbolic cosine: `d/dx cosh(x) = sinh(x)`.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(0.0, 1.0).cosh().tangent(), 0.0);
    /// ```
    #[inline]
    pub fn cosh(self) -> Dual {
        self.chain(self.value.cosh(), self.value.sinh())
    }

    /// Hyperbolic tangent: `d/dx tanh(x) = 1 - tanh(x)²`, finite for any input.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(0.5, 1.0).tanh();
    /// assert_eq!(y.tangent(), 1.0 - 0.5f64.tanh().powi(2));
    /// ```
    #[inline]
    pub fn tanh(self) -> Dual {
        let y = self.value.tanh();
        self.chain(y, 1.0 - y * y)
    }

    /// Inverse hyperbolic sine: `d/dx = 1 / sqrt(x² + 1)`.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(0.0, 1.0).asinh().tangent(), 1.0);
    /// ```
    #[inline]
    pub fn asinh(self) -> Dual {
        let x = self.value;
        self.chain(x.asinh(), 1.0 / (x * x + 1.0).sqrt())
    }

    /// Inverse hyperbolic cosine: `d/dx = 1 / sqrt(x² - 1)`, NaN below 1.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(2.0, 1.0).acosh().tangent(), 1.0 / 3f64.sqrt());
    /// assert!(tapegrad::Dual::new(-1.3, 1.0).acosh().tangent().is_nan());
    /// ```
    #[inline]
    pub fn acosh(self) -> Dual {
        let x = self.value;
        self.chain(x.acosh(), nan_outside(x >= 1.0, 1.0 / (x * x - 1.0).sqrt()))
    }

    /// Inverse hyperbolic tangent: `d/dx = 1 / (1 - x²)`, NaN outside `[-1, 1]`.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(0.5, 1.0).atanh().tangent(), 1.0 / 0.75);
    /// ```
    #[inline]
    pub fn atanh(self) -> Dual {
        let x = self.value;
        self.chain(x.atanh(), nan_outside(x.abs() <= 1.0, 1.0 / (1.0 - x * x)))
    }

    /// Converts radians to degrees (a product with a constant, as on `Value`).
    ///
    /// ```
    /// let d = tapegrad::Dual::new(std::f64::consts::PI, 1.0).to_degrees();
    /// assert_eq!((d.value(), d.tangent()), (180.0, 180.0 / std::f64::consts::PI));
    /// ```
    #[inline]
    pub fn to_degrees(self) -> Dual {
        self * (180.0 / std::f64::consts::PI)
    }

    /// Converts degrees to radians (a product with a constant, as on `Value`).
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(180.0, 1.0).to_radians().value(), 180f64.to_radians());
    /// ```
    #[inline]
    pub fn to_radians(self) -> Dual {
        self * (std::f64::consts::PI / 180.0)
    }
}

/// The partial derivatives of `atan2(y, x)` by `y` and by `x`: `x / r²` and `-y / r²`.
///
/// Where `r² = x² + y²` is a normal number, directly (the backward rule's arithmetic). Where
/// it underflows or overflows, both coordinates are first divided by the larger magnitude
/// `m`: `x / r² = (x/m) / (m ((x/m)² + (y/m)²))`, so `(1e-300, 0)` gives `(0, -1e300)`,
/// not NaN. At the origin both are 0.
#[inline]
fn atan2_partials(y: f64, x: f64) -> (f64, f64) {
    let r2 = x * x + y * y;
    if r2.is_normal() {
        return (x / r2, -y / r2);
    }
    let m = x.abs().max(y.abs());
    if m == 0.0 {
        return (0.0, 0.0);
    }
    let (xs, ys) = (x / m, y / m);
    let scaled = m * (xs * xs + ys * ys);
    (xs / scaled, -ys / scaled)
}

/// An operand as a dual: a number is a constant (tangent 0).
#[inline(always)]
pub(crate) fn dual(operand: impl IntoOperand<Dual>) -> Dual {
    match operand.into_operand() {
        Operand::Same(d) => d,
        Operand::Number(k) => Dual::constant(k),
    }
}

/// `derivative` inside the op's real domain, NaN outside it (where the value is NaN too).
#[inline(always)]
fn nan_outside(inside: bool, derivative: f64) -> f64 {
    if inside { derivative } else { f64::NAN }
}
