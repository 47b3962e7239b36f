//! The `Dual` number: a value and one tangent, carried together through `f64` arithmetic.

use std::cmp::Ordering;
use std::fmt;
use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A dual number `value + tangent ε` (with `ε² = 0`): forward-mode differentiation.
///
/// Every operation computes its value exactly as the `f64` operation of the same name does,
/// and its tangent by the chain rule: for `y = f(x)`, `y.tangent() = f'(x) * x.tangent()`.
/// Start from the inputs with the tangents of a direction (1 for the input to differentiate
/// by, 0 for the others) and the result carries the derivative along that direction, with no
/// tape and no allocation. [`jvp`](crate::jvp) and [`jacobian_forward`](crate::jacobian_forward)
/// do that bookkeeping.
///
/// The rules at kinks and domain edges are those of [`Value`](crate::Value) (see the crate
/// docs' table). One rule is forward mode's own: a zero tangent carries nothing, so an operand
/// that does not move along the direction contributes 0 even where its partial derivative is
/// infinite or NaN (`x + y.sqrt()` at `y = 0` along `x` has tangent 1). A NaN tangent times
/// a zero derivative stays NaN, though: `x.ln() * 0.0` at `x = -1` has a NaN tangent, as
/// [`Value::gradient`](crate::Value::gradient) gives, where `backward` gives 0.
///
/// Comparisons (`<`, `==`, ...) compare the values, as for `Value`, so code with branches
/// ports unchanged.
///
/// ```
/// use tapegrad::Dual;
///
/// // d/dx (x² sin x) at x = 2: 2x sin x + x² cos x
/// let x = Dual::new(2.0, 1.0);
/// let y = x * x * x.sin();
/// assert_eq!(y.value(), 4.0 * 2f64.sin());
/// assert!((y.tangent() - (4.0 * 2f64.sin() + 4.0 * 2f64.cos())).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Default)]
pub struct Dual {
    pub(super) value: f64,
    pub(super) tangent: f64,
}

impl Dual {
    /// The dual number `value + tangent ε`.
    ///
    /// ```
    /// let x = tapegrad::Dual::new(3.0, 1.0);
    /// assert_eq!((x.value(), x.tangent()), (3.0, 1.0));
    /// ```
    #[inline(always)]
    pub const fn new(value: f64, tangent: f64) -> Dual {
        Dual { value, tangent }
    }

    /// A constant: `value` with tangent 0.
    ///
    /// ```
    /// let c = tapegrad::Dual::constant(2.5);
    /// assert_eq!((c.value(), c.tangent()), (2.5, 0.0));
    /// ```
    #[inline(always)]
    pub const fn constant(value: f64) -> Dual {
        Dual::new(value, 0.0)
    }

    /// The number this dual holds.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(3.0, 1.0).powi(2).value(), 9.0);
    /// ```
    #[inline(always)]
    pub const fn value(self) -> f64 {
        self.value
    }

    /// The derivative along the direction the inputs' tangents describe.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(3.0, 1.0).powi(2).tangent(), 6.0);
    /// ```
    #[inline(always)]
    pub const fn tangent(self) -> f64 {
        self.tangent
    }

    /// The result of an op with one operand: value `value`, and derivative `derivative` with
    /// respect to `self`, chained onto `self`'s tangent.
    #[inline(always)]
    pub(crate) fn chain(self, value: f64, derivative: f64) -> Dual {
        Dual::new(value, along(self.tangent, derivative))
    }
}

/// `tangent * derivative`, except that a zero tangent carries nothing (not even an infinite
/// or NaN derivative): an operand that does not move does not move the result.
#[inline(always)]
pub(crate) fn along(tangent: f64, derivative: f64) -> f64 {
    if tangent == 0.0 {
        0.0
    } else {
        tangent * derivative
    }
}

/// A number as a constant dual (tangent 0).
///
/// ```
/// let c = tapegrad::Dual::from(2.0);
/// assert_eq!(c, tapegrad::Dual::constant(2.0));
/// ```
impl From<f64> for Dual {
    #[inline(always)]
    fn from(value: f64) -> Dual {
        Dual::constant(value)
    }
}

// y = a + b                 dy = da + db
impl Add for Dual {
    type Output = Dual;
    #[inline(always)]
    fn add(self, rhs: Dual) -> Dual {
        Dual::new(self.value + rhs.value, self.tangent + rhs.tangent)
    }
}

// y = a + k                 dy = da
impl Add<f64> for Dual {
    type Output = Dual;
    #[inline(always)]
    fn add(self, rhs: f64) -> Dual {
        Dual::new(self.value + rhs, self.tangent)
    }
}

impl Add<Dual> for f64 {
    type Output = Dual;
    #[inline(always)]
    fn add(self, rhs: Dual) -> Dual {
        Dual::new(self + rhs.value, rhs.tangent)
    }
}

// y = a - b                 dy = da - db
impl Sub for Dual {
    type Output = Dual;
    #[inline(always)]
    fn sub(self, rhs: Dual) -> Dual {
        Dual::new(self.value - rhs.value, self.tangent - rhs.tangent)
    }
}

impl Sub<f64> for Dual {
    type Output = Dual;
    #[inline(always)]
    fn sub(self, rhs: f64) -> Dual {
        Dual::new(self.value - rhs, self.tangent)
    }
}

// y = k - a                 dy = -da
impl Sub<Dual> for f64 {
    type Output = Dual;
    #[inline(always)]
    fn sub(self, rhs: Dual) -> Dual {
        Dual::new(self - rhs.value, -rhs.tangent)
    }
}

// y = a * b                 dy = b da + a db
impl Mul for Dual {
    type Output = Dual;
    #[inline(always)]
    fn mul(self, rhs: Dual) -> Dual {
        let tangent = along(self.tangent, rhs.value) + along(rhs.tangent, self.value);
        Dual::new(self.value * rhs.value, tangent)
    }
}

// y = a * k                 dy = k da
impl Mul<f64> for Dual {
    type Output = Dual;
    #[inline(always)]
    fn mul(self, rhs: f64) -> Dual {
        self.chain(self.value * rhs, rhs)
    }
}

impl Mul<Dual> for f64 {
    type Output = Dual;
    #[inline(always)]
    fn mul(self, rhs: Dual) -> Dual {
        rhs.chain(self * rhs.value, self)
    }
}

// y = a / b                 dy = da / b - (y / b) db
impl Div for Dual {
    type Output = Dual;
    #[inline(always)]
    fn div(self, rhs: Dual) -> Dual {
        let value = self.value / rhs.value;
        let tangent = quotient(self.tangent, rhs.value) + along(rhs.tangent, -value / rhs.value);
        Dual::new(value, tangent)
    }
}

// y = a / k                 dy = da / k
impl Div<f64> for Dual {
    type Output = Dual;
    #[inline(always)]
    fn div(self, rhs: f64) -> Dual {
        Dual::new(self.value / rhs, quotient(self.tangent, rhs))
    }
}

// y = k / a                 dy = -(y / a) da
impl Div<Dual> for f64 {
    type Output = Dual;
    #[inline(always)]
    fn div(self, rhs: Dual) -> Dual {
        let value = self / rhs.value;
        rhs.chain(value, -value / rhs.value)
    }
}

/// `tangent / divisor`, with a zero tangent carrying nothing (see [`along`]).
#[inline(always)]
fn quotient(tangent: f64, divisor: f64) -> f64 {
    if tangent == 0.0 {
        0.0
    } else {
        tangent / divisor
    }
}

// y = -a                    dy = -da
impl Neg for Dual {
    type Output = Dual;
    #[inline(always)]
    fn neg(self) -> Dual {
        Dual::new(-self.value, -self.tangent)
    }
}

impl<T> AddAssign<T> for Dual
where
    Dual: Add<T, Output = Dual>,
{
    #[inline(always)]
    fn add_assign(&mut self, rhs: T) {
        *self = *self + rhs;
    }
}

impl<T> SubAssign<T> for Dual
where
    Dual: Sub<T, Output = Dual>,
{
    #[inline(always)]
    fn sub_assign(&mut self, rhs: T) {
        *self = *self - rhs;
    }
}

impl<T> MulAssign<T> for Dual
where
    Dual: Mul<T, Output = Dual>,
{
    #[inline(always)]
    fn mul_assign(&mut self, rhs: T) {
        *self = *self * rhs;
    }
}

impl<T> DivAssign<T> for Dual
where
    Dual: Div<T, Output = Dual>,
{
    #[inline(always)]
    fn div_assign(&mut self, rhs: T) {
        *self = *self / rhs;
    }
}

/// Compares the values, as `f64` does (the tangents play no part, as a `Value`'s gradient
/// plays none in its comparisons).
///
/// ```
/// use tapegrad::Dual;
/// assert_eq!(Dual::new(2.0, 1.0), Dual::new(2.0, 5.0));
/// assert!(Dual::new(2.0, 1.0) < 3.0);
/// ```
impl PartialEq for Dual {
    #[inline]
    fn eq(&self, other: &Dual) -> bool {
        self.value == other.value
    }
}

/// Compares the values, as `f64` does.
impl PartialOrd for Dual {
    #[inline]
    fn partial_cmp(&self, other: &Dual) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

/// Compares the value with a number.
impl PartialEq<f64> for Dual {
    #[inline]
    fn eq(&self, other: &f64) -> bool {
        self.value == *other
    }
}

/// Compares the value with a number.
impl PartialOrd<f64> for Dual {
    #[inline]
    fn partial_cmp(&self, other: &f64) -> Option<Ordering> {
        self.value.partial_cmp(other)
    }
}

/// `iter.sum()`, starting from the constant 0 (so an empty sum is 0).
///
/// ```
/// use tapegrad::Dual;
/// let xs = [Dual::new(1.0, 1.0), Dual::new(2.0, 0.0), Dual::new(3.0, 0.5)];
/// let total: Dual = xs.iter().copied().sum();
/// assert_eq!((total.value(), total.tangent()), (6.0, 1.5));
/// ```
impl Sum for Dual {
    #[inline]
    fn sum<I: Iterator<Item = Dual>>(iter: I) -> Dual {
        iter.fold(Dual::constant(0.0), Add::add)
    }
}

impl<'a> Sum<&'a Dual> for Dual {
    #[inline]
    fn sum<I: Iterator<Item = &'a Dual>>(iter: I) -> Dual {
        iter.copied().sum()
    }
}

/// `iter.product()`, starting from the constant 1 (so an empty product is 1).
///
/// ```
/// use tapegrad::Dual;
/// let xs = [Dual::new(2.0, 1.0), Dual::new(3.0, 0.0)];
/// let p: Dual = xs.iter().copied().product();
/// assert_eq!((p.value(), p.tangent()), (6.0, 3.0));
/// ```
impl Product for Dual {
    #[inline]
    fn product<I: Iterator<Item = Dual>>(iter: I) -> Dual {
        iter.fold(Dual::constant(1.0), Mul::mul)
    }
}

impl<'a> Product<&'a Dual> for Dual {
    #[inline]
    fn product<I: Iterator<Item = &'a Dual>>(iter: I) -> Dual {
        iter.copied().product()
    }
}

/// Shows `Dual(value=.., tangent=..)`.
///
/// ```
/// assert_eq!(tapegrad::Dual::new(2.0, 1.0).to_string(), "Dual(value=2.0, tangent=1.0)");
/// ```
impl fmt::Display for Dual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Dual(value={:?}, tangent={:?})",
            self.value, self.tangent
        )
    }
}

impl fmt::Debug for Dual {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
