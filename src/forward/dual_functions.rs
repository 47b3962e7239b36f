//! The smooth methods of `f64`, on `Dual`: powers, exponentials, logarithms (trigonometry is
//! in `dual_trigonometry.rs`).
//!
//! Each computes its value as the `f64` method of the same name and its tangent from the
//! derivative written beside it, the same formula as the op's rule in the chain-rule table,
//! with the same domain rules: outside an op's real domain the derivative is NaN.

use super::dual::{Dual, along};
use crate::scalar::operand::{IntoOperand, Operand};

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
        // As the rule table has it: y⁻² / 3, which is 0 at ±inf.
        self.chain(y, y.powi(-2) / 3.0)
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
pub(super) fn nan_outside(inside: bool, derivative: f64) -> f64 {
    if inside { derivative } else { f64::NAN }
}
