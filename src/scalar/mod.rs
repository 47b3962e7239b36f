//! `Scalar`: one trait for `f64`, [`Value`](crate::Value) and [`Dual`](crate::Dual), so that a
//! function written once computes plain numbers, records a tape, or carries a tangent.

use std::fmt::{Debug, Display};
use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use operand::IntoOperand;

mod impls;
pub(crate) mod operand;

/// A number type a function can be written for once: `f64` to evaluate it,
/// [`Value`](crate::Value) to record it and take gradients and Hessians in reverse mode,
/// [`Dual`](crate::Dual) to differentiate it in forward mode.
///
/// It has the arithmetic operators with `Self` and `f64` on the right (and their assigning
/// forms), comparisons with `Self` and `f64`, `sum` and `product`, and every method of
/// `Value` that computes: `f64`'s names (`sqrt`, `powi`, `max`, `atan2`, ...) plus `relu`,
/// `leaky_relu`, `sigmoid` and `softplus`, which `f64` gets here too. Every method has the
/// same value on each type, and `Value` and `Dual` the same derivatives (the crate docs'
/// kinks and domains table). The two-operand methods (`max`, `min`, `atan2`, `hypot`, `pow`,
/// `mul_add`) take a `Self` or an `f64`.
///
/// ```
/// use tapegrad::{Dual, Scalar, Tape, Value, jvp, value_and_gradient};
///
/// fn rosenbrock<S: Scalar>(x: S, y: S) -> S {
///     (x - 1.0) * (x - 1.0) + (y - x * x) * (y - x * x) * 100.0
/// }
/// let f = rosenbrock(0.5, 2.0);                                  // on f64
/// let d = rosenbrock(Dual::new(0.5, 1.0), Dual::new(2.0, 0.0)); // df/dx in forward mode
/// let (value, grad) = value_and_gradient(|v| rosenbrock(v[0], v[1]), &[0.5, 2.0]);
/// assert_eq!((f, d.value()), (value, value));
/// assert_eq!(d.tangent(), grad[0]); // -1 - 400 x (y - x²) = -351
/// let (_, along) = jvp(|v: &[Dual]| rosenbrock(v[0], v[1]), &[0.5, 2.0], &[0.0, 1.0]);
/// assert_eq!(along, grad[1]);
/// ```
///
/// # A number on the left
///
/// Rust cannot imply `f64: Sub<S>` from the bound `S: Scalar` (a trait's bounds can only
/// constrain `Self`), so generic code writes the number on the right (`x * 2.0`, `-(x - 1.0)`)
/// or states the bound it needs in its own `where` clause; `f64`, `Value` and `Dual` all meet
/// it, and code written for one concrete type keeps the number on either side:
///
/// ```
/// use std::ops::{Div, Sub};
/// use tapegrad::Scalar;
///
/// fn logistic_loss<S: Scalar>(p: S) -> S
/// where
///     f64: Sub<S, Output = S> + Div<S, Output = S>,
/// {
///     (1.0 - p).ln() + 1.0 / p
/// }
/// assert_eq!(logistic_loss(0.5), 0.5f64.ln() + 2.0);
/// ```
///
/// # A number of the same kind
///
/// Where generic code needs a constant of its own type (an accumulator, a `fold`'s start),
/// [`lift`](Scalar::lift) makes one beside an existing value: on `x`'s tape for a `Value`,
/// with tangent 0 for a `Dual`, the number itself for an `f64`. (`iter.sum()` works on every
/// type too, but a sum of no `Value`s panics: it has no tape to live on.)
///
/// ```
/// use tapegrad::Scalar;
///
/// fn sum_of_squares<S: Scalar>(xs: &[S]) -> S {
///     let mut total = xs[0].lift(0.0);
///     for &x in xs {
///         total += x * x;
///     }
///     total
/// }
/// assert_eq!(sum_of_squares(&[1.0, 2.0]), 5.0);
/// ```
pub trait Scalar:
    Copy
    + Debug
    + Display
    + PartialEq
    + PartialOrd
    + PartialEq<f64>
    + PartialOrd<f64>
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + AddAssign<f64>
    + SubAssign<f64>
    + MulAssign<f64>
    + DivAssign<f64>
    + Sum
    + Product
    + IntoOperand<Self>
{
    /// The constant `c` beside `self`: on `self`'s tape for a `Value` (a constant leaf), with
    /// tangent 0 for a `Dual`, `c` itself for an `f64`.
    ///
    /// ```
    /// use tapegrad::{Dual, Scalar, Tape};
    ///
    /// let tape = Tape::new();
    /// let x = tape.var(2.0);
    /// let one = x.lift(1.0);
    /// assert!(std::ptr::eq(one.tape(), &tape));
    /// assert_eq!(Dual::new(2.0, 1.0).lift(1.0).tangent(), 0.0);
    /// assert_eq!(2.0.lift(1.0), 1.0);
    /// ```
    fn lift(self, c: f64) -> Self;
    /// The number: `self` for `f64`, [`Value::data`](crate::Value::data),
    /// [`Dual::value`](crate::Dual::value).
    ///
    /// ```
    /// use tapegrad::{Dual, Scalar};
    /// assert_eq!(Scalar::data(Dual::new(2.0, 1.0)), 2.0);
    /// ```
    fn data(self) -> f64;

    /// `self` to a constant power, as [`f64::powf`].
    fn powf(self, exponent: f64) -> Self;
    /// `self` to an integer power, as [`f64::powi`].
    fn powi(self, exponent: i32) -> Self;
    /// `self` to the power `exponent`, a `Self` or an `f64` (with an `f64`, as `powf`).
    fn pow(self, exponent: impl IntoOperand<Self>) -> Self;
    /// Square root, as [`f64::sqrt`].
    fn sqrt(self) -> Self;
    /// Cube root, as [`f64::cbrt`].
    fn cbrt(self) -> Self;
    /// `1 / self`, as [`f64::recip`].
    fn recip(self) -> Self;
    /// `self * a + b` with one rounding, as [`f64::mul_add`]; `a` and `b` are `Self` or `f64`.
    fn mul_add(self, a: impl IntoOperand<Self>, b: impl IntoOperand<Self>) -> Self;
    /// `sqrt(self² + other²)` without overflow, as [`f64::hypot`].
    fn hypot(self, other: impl IntoOperand<Self>) -> Self;
    /// `e^self`, as [`f64::exp`].
    fn exp(self) -> Self;
    /// `2^self`, as [`f64::exp2`].
    fn exp2(self) -> Self;
    /// `e^self - 1`, as [`f64::exp_m1`].
    fn exp_m1(self) -> Self;
    /// Natural logarithm, as [`f64::ln`].
    fn ln(self) -> Self;
    /// `ln(1 + self)`, as [`f64::ln_1p`].
    fn ln_1p(self) -> Self;
    /// Base-2 logarithm, as [`f64::log2`].
    fn log2(self) -> Self;
    /// Base-10 logarithm, as [`f64::log10`].
    fn log10(self) -> Self;
    /// Logarithm to a constant base, as [`f64::log`].
    fn log(self, base: f64) -> Self;
    /// Sine, as [`f64::sin`].
    fn sin(self) -> Self;
    /// Cosine, as [`f64::cos`].
    fn cos(self) -> Self;
    /// Sine and cosine, as [`f64::sin_cos`].
    fn sin_cos(self) -> (Self, Self);
    /// Tangent, as [`f64::tan`].
    fn tan(self) -> Self;
    /// Arcsine, as [`f64::asin`].
    fn asin(self) -> Self;
    /// Arccosine, as [`f64::acos`].
    fn acos(self) -> Self;
    /// Arctangent, as [`f64::atan`].
    fn atan(self) -> Self;
    /// The angle of the point `(other, self)`, as [`f64::atan2`]; `other` is `Self` or `f64`.
    fn atan2(self, other: impl IntoOperand<Self>) -> Self;
    /// Hyperbolic sine, as [`f64::sinh`].
    fn sinh(self) -> Self;
    /// Hyperbolic cosine, as [`f64::cosh`].
    fn cosh(self) -> Self;
    /// Hyperbolic tangent, as [`f64::tanh`].
    fn tanh(self) -> Self;
    /// Inverse hyperbolic sine, as [`f64::asinh`].
    fn asinh(self) -> Self;
    /// Inverse hyperbolic cosine, as [`f64::acosh`].
    fn acosh(self) -> Self;
    /// Inverse hyperbolic tangent, as [`f64::atanh`].
    fn atanh(self) -> Self;
    /// Radians to degrees, as `self * (180 / PI)`.
    fn to_degrees(self) -> Self;
    /// Degrees to radians, as `self * (PI / 180)`.
    fn to_radians(self) -> Self;
    /// Absolute value, as [`f64::abs`].
    fn abs(self) -> Self;
    /// The larger of `self` and `other` (`Self` or `f64`), as [`f64::max`].
    fn max(self, other: impl IntoOperand<Self>) -> Self;
    /// The smaller of `self` and `other` (`Self` or `f64`), as [`f64::min`].
    fn min(self, other: impl IntoOperand<Self>) -> Self;
    /// Holds `self` to `[min, max]`, as [`f64::clamp`].
    ///
    /// # Panics
    /// If `min > max` or either is NaN, as `f64::clamp` does.
    fn clamp(self, min: f64, max: f64) -> Self;
    /// The sign, as [`f64::signum`].
    fn signum(self) -> Self;
    /// Rounds down, as [`f64::floor`].
    fn floor(self) -> Self;
    /// Rounds up, as [`f64::ceil`].
    fn ceil(self) -> Self;
    /// Rounds half away from zero, as [`f64::round`].
    fn round(self) -> Self;
    /// Drops the fractional part, as [`f64::trunc`].
    fn trunc(self) -> Self;
    /// The fractional part, as [`f64::fract`].
    fn fract(self) -> Self;
    /// `max(self, 0)`, keeping NaN.
    fn relu(self) -> Self;
    /// `self` where positive, `slope * self` elsewhere.
    fn leaky_relu(self, slope: f64) -> Self;
    /// `1 / (1 + e^-self)`, without overflow.
    fn sigmoid(self) -> Self;
    /// `ln(1 + e^self)`, without overflow.
    fn softplus(self) -> Self;
    /// Whether the number is NaN, as [`f64::is_nan`].
    fn is_nan(self) -> bool;
    /// Whether the number is finite, as [`f64::is_finite`].
    fn is_finite(self) -> bool;
    /// Whether the number is infinite, as [`f64::is_infinite`].
    fn is_infinite(self) -> bool;
    /// Whether the number's sign is negative, as [`f64::is_sign_negative`].
    fn is_sign_negative(self) -> bool;
    /// Whether the number's sign is positive, as [`f64::is_sign_positive`].
    fn is_sign_positive(self) -> bool;
}
