//! The trigonometric and hyperbolic methods of `f64`, on `Dual`.
//!
//! As in `dual_functions.rs`: the value of the `f64` method, the tangent from the derivative
//! written beside it (the chain-rule table's formula), NaN outside the real domain.

use super::dual::{Dual, along};
use super::dual_functions::{dual, nan_outside};
use crate::scalar::operand::IntoOperand;

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
        self.chain(x.asinh(), 1.0 / x.hypot(1.0))
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
        // As the rule table has it: no overflow of x², and NaN below 1 by itself.
        self.chain(x.acosh(), 1.0 / (x - 1.0).sqrt() / (x + 1.0).sqrt())
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
