//! The piecewise methods of `f64` on `Dual` (absolute value, extremes, rounding), the
//! activations, and `f64`'s `bool` methods.
//!
//! At a kink the derivative is the one of the crate docs' table, and a NaN never picks a
//! branch: where the input is NaN, so is the derivative (the rounding ops excepted, whose
//! derivative is 0 everywhere).

use super::dual::{Dual, along};
use super::dual_functions::dual;
use crate::rules;
use crate::scalar::operand::IntoOperand;

/// Absolute value, extremes and rounding.
impl Dual {
    /// Absolute value: derivative the sign, 0 at 0, NaN at NaN.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(-3.0, 1.0).abs();
    /// assert_eq!((y.value(), y.tangent()), (3.0, -1.0));
    /// ```
    #[inline]
    pub fn abs(self) -> Dual {
        let x = self.value();
        let derivative = if x > 0.0 {
            1.0
        } else if x < 0.0 {
            -1.0
        } else if x == 0.0 {
            0.0
        } else {
            f64::NAN
        };
        self.chain(x.abs(), derivative)
    }

    /// The larger of `self` and `other` (a dual or a number), as [`f64::max`]: the tangent of
    /// the larger one, the mean of both on a tie; with one NaN operand, the other one (value
    /// and tangent); with two, NaN.
    ///
    /// ```
    /// use tapegrad::Dual;
    /// let y = Dual::new(1.0, 1.0).max(Dual::new(2.0, 3.0));
    /// assert_eq!((y.value(), y.tangent()), (2.0, 3.0));
    /// assert_eq!(Dual::new(0.0, 1.0).max(0.0).tangent(), 0.5);
    /// ```
    #[inline]
    pub fn max(self, other: impl IntoOperand<Dual>) -> Dual {
        let other = dual(other);
        extreme(self, other, self.value().max(other.value()))
    }

    /// The smaller of `self` and `other` (a dual or a number), as [`f64::min`]; ties and NaNs
    /// as for [`max`](Dual::max).
    ///
    /// ```
    /// use tapegrad::Dual;
    /// let y = Dual::new(1.0, 1.0).min(2.0);
    /// assert_eq!((y.value(), y.tangent()), (1.0, 1.0));
    /// ```
    #[inline]
    pub fn min(self, other: impl IntoOperand<Dual>) -> Dual {
        let other = dual(other);
        extreme(self, other, self.value().min(other.value()))
    }

    /// Holds the value to `[min, max]`, as [`f64::clamp`]: derivative 1 strictly inside, 0 on
    /// a bound and outside, NaN at NaN.
    ///
    /// ```
    /// use tapegrad::Dual;
    /// assert_eq!(Dual::new(0.5, 1.0).clamp(-1.0, 1.0).tangent(), 1.0);
    /// assert_eq!(Dual::new(1.0, 1.0).clamp(-1.0, 1.0).tangent(), 0.0);
    /// ```
    ///
    /// # Panics
    /// If `min > max` or either is NaN, as `f64::clamp` does.
    #[inline]
    #[track_caller]
    pub fn clamp(self, min: f64, max: f64) -> Dual {
        assert!(
            min <= max,
            "clamp needs min <= max, got min = {min}, max = {max}"
        );
        let x = self.value();
        let derivative = if x.is_nan() {
            f64::NAN
        } else if min < x && x < max {
            1.0
        } else {
            0.0
        };
        self.chain(x.clamp(min, max), derivative)
    }

    /// The sign, as [`f64::signum`]; tangent 0.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(-2.5, 1.0).signum().value(), -1.0);
    /// ```
    #[inline]
    pub fn signum(self) -> Dual {
        Dual::constant(self.value().signum())
    }

    /// Rounds down; tangent 0.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(2.7, 1.0).floor().value(), 2.0);
    /// ```
    #[inline]
    pub fn floor(self) -> Dual {
        Dual::constant(self.value().floor())
    }

    /// Rounds up; tangent 0.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(2.2, 1.0).ceil().value(), 3.0);
    /// ```
    #[inline]
    pub fn ceil(self) -> Dual {
        Dual::constant(self.value().ceil())
    }

    /// Rounds half away from zero; tangent 0.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(2.5, 1.0).round().value(), 3.0);
    /// ```
    #[inline]
    pub fn round(self) -> Dual {
        Dual::constant(self.value().round())
    }

    /// Drops the fractional part; tangent 0.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(-2.7, 1.0).trunc().value(), -2.0);
    /// ```
    #[inline]
    pub fn trunc(self) -> Dual {
        Dual::constant(self.value().trunc())
    }

    /// The fractional part, `self - self.trunc()`; derivative 1.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(2.75, 1.0).fract();
    /// assert_eq!((y.value(), y.tangent()), (0.75, 1.0));
    /// ```
    #[inline]
    pub fn fract(self) -> Dual {
        self - self.trunc()
    }
}

/// The result of `max` or `min` with value `y`: the winner's tangent, the mean of both on a
/// tie, NaN when both operands are NaN.
#[inline(always)]
fn extreme(a: Dual, b: Dual, y: f64) -> Dual {
    let (va, vb) = (a.value(), b.value());
    let tangent = if va == vb {
        along(a.tangent(), 0.5) + along(b.tangent(), 0.5)
    } else if va == y {
        a.tangent()
    } else if vb == y {
        b.tangent()
    } else {
        along(a.tangent(), f64::NAN) + along(b.tangent(), f64::NAN)
    };
    Dual::new(y, tangent)
}

/// Activations from neural networks, as on `Value`.
impl Dual {
    /// `max(self, 0)`: derivative 1 for positive inputs, 0 at 0 and below, NaN at NaN.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(0.0, 1.0).relu();
    /// assert_eq!((y.value(), y.tangent()), (0.0, 0.0));
    /// ```
    #[inline]
    pub fn relu(self) -> Dual {
        let x = self.value();
        let derivative = if x > 0.0 {
            1.0
        } else if x.is_nan() {
            f64::NAN
        } else {
            0.0
        };
        self.chain(rules::relu(x), derivative)
    }

    /// `self` where positive, `slope * self` elsewhere: derivative 1 or `slope` (`slope` at
    /// 0), NaN at NaN.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(-2.0, 1.0).leaky_relu(0.01);
    /// assert_eq!((y.value(), y.tangent()), (-0.02, 0.01));
    /// ```
    #[inline]
    pub fn leaky_relu(self, slope: f64) -> Dual {
        let x = self.value();
        let derivative = if x > 0.0 {
            1.0
        } else if x.is_nan() {
            f64::NAN
        } else {
            slope
        };
        self.chain(rules::leaky_relu(x, slope), derivative)
    }

    /// The logistic function `1 / (1 + e^-self)`, without overflow: `d/dx = y (1 - y)`.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(0.0, 1.0).sigmoid();
    /// assert_eq!((y.value(), y.tangent()), (0.5, 0.25));
    /// ```
    #[inline]
    pub fn sigmoid(self) -> Dual {
        let y = rules::sigmoid(self.value());
        self.chain(y, y * (1.0 - y))
    }

    /// `ln(1 + e^self)`, without overflow: its derivative is the sigmoid.
    ///
    /// ```
    /// let y = tapegrad::Dual::new(1000.0, 1.0).softplus();
    /// assert_eq!((y.value(), y.tangent()), (1000.0, 1.0));
    /// ```
    #[inline]
    pub fn softplus(self) -> Dual {
        let x = self.value();
        self.chain(rules::softplus(x), rules::sigmoid(x))
    }
}

/// `f64`'s `bool` methods, reading the value.
impl Dual {
    /// Whether the value is NaN.
    ///
    /// ```
    /// assert!(tapegrad::Dual::new(-1.0, 1.0).sqrt().is_nan());
    /// ```
    #[inline]
    pub fn is_nan(self) -> bool {
        self.value().is_nan()
    }

    /// Whether the value is neither infinite nor NaN.
    ///
    /// ```
    /// assert!(tapegrad::Dual::new(1.0, f64::NAN).is_finite());
    /// ```
    #[inline]
    pub fn is_finite(self) -> bool {
        self.value().is_finite()
    }

    /// Whether the value is `+inf` or `-inf`.
    ///
    /// ```
    /// assert!(tapegrad::Dual::new(0.0, 1.0).ln().is_infinite());
    /// ```
    #[inline]
    pub fn is_infinite(self) -> bool {
        self.value().is_infinite()
    }

    /// Whether the value has a negative sign (`-0.0` included), as [`f64::is_sign_negative`].
    ///
    /// ```
    /// assert!(tapegrad::Dual::new(-0.0, 1.0).is_sign_negative());
    /// ```
    #[inline]
    pub fn is_sign_negative(self) -> bool {
        self.value().is_sign_negative()
    }

    /// Whether the value has a positive sign (`+0.0` included), as [`f64::is_sign_positive`].
    ///
    /// ```
    /// assert!(tapegrad::Dual::new(0.0, -1.0).is_sign_positive());
    /// ```
    #[inline]
    pub fn is_sign_positive(self) -> bool {
        self.value().is_sign_positive()
    }
}
