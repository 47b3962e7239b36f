//! The `Jet` number: a value and `N` tangents, one per input, carried together through the
//! arithmetic of `f64`, so that one run gives every partial derivative.

use std::cmp::Ordering;
use std::fmt;
use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use super::dual::Slots;
use crate::rules::{Local, Op, Real};
use crate::scalar::methods::{every_math_method, inherent_math_methods};
use crate::scalar::operand::{IntoOperand, Operand};

/// A number with `N` tangents: an `f64` value and the derivative along each of `N`
/// directions, all computed in one run.
///
/// A [`Dual`](crate::Dual) carries one tangent, so the gradient of a function of `n` inputs
/// takes `n` runs of it. A `Jet<N>` carries `N` tangents side by side (a fixed-size array, so
/// no allocation): start input `i` as [`Jet::variable(x_i, i)`](Jet::variable), with tangent
/// 1 in lane `i` and 0 elsewhere, and the result's lane `i` is the partial derivative by input
/// `i`. Every operation computes its value as `f64` does and each lane of its tangent by the
/// chain rule, `dy/da a.tangent(lane) + dy/db b.tangent(lane)`, with the partial derivatives
/// from the same table that [`Dual`](crate::Dual) and the backward sweep read. Each lane
/// equals the tangent of a `Dual` seeded the same way (to the bit, but for the sign of a
/// zero), and follows forward mode's own rule: a zero tangent carries nothing, so an operand
/// that does not move along a lane adds nothing to it, even where its partial derivative is
/// infinite or NaN.
///
/// [`Tape::statement_of`](crate::Tape::statement_of) records a whole statement as one node
/// from one run on jets. `Jet` is a [`Scalar`](crate::Scalar), so a function written once for
/// every number type runs on it; the methods below are those of `f64`.
///
/// Comparisons (`<`, `==`, ...) compare the values, as for [`Value`](crate::Value), so code
/// with branches ports unchanged.
///
/// ```
/// use tapegrad::Jet;
///
/// // f(x, y) = x² y + sin y, ∇f = (2xy, x² + cos y), at (3, 2): both partials from one run.
/// let [x, y] = [Jet::<2>::variable(3.0, 0), Jet::variable(2.0, 1)];
/// let f = x * x * y + y.sin();
/// assert_eq!(f.value(), 18.0 + 2f64.sin());
/// assert_eq!(f.tangents(), [12.0, 9.0 + 2f64.cos()]);
/// ```
#[derive(Clone, Copy)]
pub struct Jet<const N: usize> {
    value: f64,
    tangents: [f64; N],
}

impl<const N: usize> Jet<N> {
    /// The jet with this value and these tangents.
    ///
    /// ```
    /// let x = tapegrad::Jet::new(2.0, [1.0, 0.5]);
    /// assert_eq!((x * 3.0).tangents(), [3.0, 1.5]);
    /// ```
    #[inline(always)]
    pub const fn new(value: f64, tangents: [f64; N]) -> Self {
        Jet { value, tangents }
    }

    /// A constant: `value` with every tangent 0.
    ///
    /// ```
    /// let c = tapegrad::Jet::<3>::constant(2.5);
    /// assert_eq!((c.value(), c.tangents()), (2.5, [0.0; 3]));
    /// ```
    #[inline(always)]
    pub const fn constant(value: f64) -> Self {
        Jet::new(value, [0.0; N])
    }

    /// Input number `i` of `N`: `value` with tangent 1 in lane `i` and 0 in the others, so
    /// that lane `i` of a result is its partial derivative by this input.
    ///
    /// ```
    /// use tapegrad::Jet;
    /// let (x, y) = (Jet::<2>::variable(2.0, 0), Jet::<2>::variable(5.0, 1));
    /// assert_eq!(x.tangents(), [1.0, 0.0]);
    /// assert_eq!((x * y).tangents(), [5.0, 2.0]); // d/dx xy = y, d/dy xy = x
    /// ```
    ///
    /// # Panics
    /// If `i >= N`.
    #[inline(always)]
    #[track_caller]
    pub fn variable(value: f64, i: usize) -> Self {
        assert!(
            i < N,
            "Jet::variable: lane {i} of a jet of {N} tangents (lanes 0 to {N} - 1)"
        );
        let mut tangents = [0.0; N];
        tangents[i] = 1.0;
        Jet::new(value, tangents)
    }

    /// The value, without its tangents.
    ///
    /// ```
    /// assert_eq!(tapegrad::Jet::<1>::variable(3.0, 0).powi(2).value(), 9.0);
    /// ```
    #[inline(always)]
    pub const fn value(self) -> f64 {
        self.value
    }

    /// Every tangent: lane `i` is the derivative along direction `i` (the partial derivative
    /// by input `i`, for inputs made with [`variable`](Jet::variable)).
    ///
    /// ```
    /// use tapegrad::Jet;
    /// let [x, y] = [Jet::<2>::variable(3.0, 0), Jet::variable(4.0, 1)];
    /// assert_eq!(x.hypot(y).tangents(), [0.6, 0.8]);
    /// ```
    #[inline(always)]
    pub const fn tangents(self) -> [f64; N] {
        self.tangents
    }

    /// The tangent of lane `i`.
    ///
    /// ```
    /// use tapegrad::Jet;
    /// let [x, y] = [Jet::<2>::variable(3.0, 0), Jet::variable(4.0, 1)];
    /// assert_eq!((x / y).tangent(1), -3.0 / 16.0);
    /// ```
    ///
    /// # Panics
    /// If `i >= N`.
    #[inline(always)]
    #[track_caller]
    pub fn tangent(self, i: usize) -> f64 {
        self.tangents[i]
    }

    /// `op` applied to `operands` with the node constants `k`: the value as `f64` computes
    /// it, and each lane of the tangent `sum_i dy/da_i * tangent_i`, the partials from the
    /// rule table.
    #[inline(always)]
    fn apply<const K: usize>(op: Op, operands: [Self; K], k: &[f64]) -> Self {
        // PERF: the operands are read in place: `array::map` over them can stay a call
        // that copies every tangent.
        let value = match operands[..] {
            [a] => a.value.apply1(op, k),
            [a, b] => a.value.apply2(op, b.value, k),
            [a, b, c] => a.value.apply3(op, b.value, c.value),
            _ => unreachable!("an element-wise op takes one to three operands"),
        };
        let mut lanes = Lanes {
            operands,
            // -0.0 is the identity of IEEE addition (-0.0 + x is x, for x = ±0.0 too), so the
            // first term lands as itself, as a `Dual`'s does.
            sum: [-0.0; N],
            added: false,
        };
        op.partials(value, &Slots { constants: k }, &mut lanes);
        let tangents = if lanes.added { lanes.sum } else { [0.0; N] };
        Jet::new(value, tangents)
    }
}

/// The methods of `f64` on jets (the list is in `src/scalar/methods.rs`).
impl<const N: usize> Jet<N> {
    every_math_method!(inherent_math_methods);
}

/// The chain rule forwards, lane by lane: each partial `dy/da` of the table, times operand
/// `a`'s tangent in the lane, added into the result's tangent in that lane. A lane whose
/// tangent is zero adds a zero (as a `Dual` with a zero tangent does), never `0 * inf`.
struct Lanes<const K: usize, const N: usize> {
    operands: [Jet<N>; K],
    sum: [f64; N],
    added: bool,
}

impl<const K: usize, const N: usize> Lanes<K, N> {
    /// Adds `p` times operand `a`'s tangents.
    #[inline(always)]
    fn add_scaled(&mut self, a: u32, p: f64) {
        let t = &self.operands[a as usize].tangents;
        if p.is_finite() {
            // PERF: a finite partial times a zero tangent is a zero, so no lane needs the
            // test below: straight-line (vector) code.
            for (sum, &t) in self.sum.iter_mut().zip(t) {
                *sum += t * p;
            }
        } else {
            for (sum, &t) in self.sum.iter_mut().zip(t) {
                *sum += if t != 0.0 { t * p } else { 0.0 };
            }
        }
        self.added = true;
    }
}

impl<const K: usize, const N: usize> Local<f64> for Lanes<K, N> {
    #[inline(always)]
    fn value(&self, a: u32) -> f64 {
        self.operands[a as usize].value
    }
    #[inline(always)]
    fn partial(&mut self, a: u32, p: f64) {
        self.add_scaled(a, p);
    }
    #[inline(always)]
    fn constant(&mut self, a: u32, k: f64) {
        self.add_scaled(a, k);
    }
    #[inline(always)]
    fn one(&mut self, a: u32) {
        for (sum, &t) in self.sum.iter_mut().zip(&self.operands[a as usize].tangents) {
            *sum += t;
        }
        self.added = true;
    }
    #[inline(always)]
    fn minus_one(&mut self, a: u32) {
        for (sum, &t) in self.sum.iter_mut().zip(&self.operands[a as usize].tangents) {
            *sum -= t;
        }
        self.added = true;
    }
}

/// Jets compute with the same rules as every other number type (see [`Jet`]).
impl<const N: usize> Real for Jet<N> {
    const RECORDS: bool = false;
    #[inline(always)]
    fn number(self) -> f64 {
        self.value
    }
    #[inline(always)]
    fn apply1(self, op: Op, k: &[f64]) -> Self {
        Jet::apply(op, [self], k)
    }
    #[inline(always)]
    fn apply2(self, op: Op, b: Self, k: &[f64]) -> Self {
        Jet::apply(op, [self, b], k)
    }
    #[inline(always)]
    fn apply3(self, op: Op, b: Self, c: Self) -> Self {
        Jet::apply(op, [self, b, c], &[])
    }
    #[inline(always)]
    fn carries_nothing(self) -> bool {
        self.value == 0.0 && self.tangents.iter().all(|&t| t == 0.0)
    }
    #[inline(always)]
    fn leaf_beside(self, c: f64) -> Self {
        Jet::constant(c)
    }
}

impl<const N: usize> IntoOperand<Jet<N>> for Jet<N> {
    #[inline(always)]
    fn into_operand(self) -> Operand<Jet<N>> {
        Operand::Same(self)
    }
}

/// A number as a constant jet (every tangent 0).
///
/// ```
/// use tapegrad::Jet;
/// assert_eq!(Jet::<2>::from(2.0).tangents(), [0.0, 0.0]);
/// ```
impl<const N: usize> From<f64> for Jet<N> {
    #[inline(always)]
    fn from(value: f64) -> Self {
        Jet::constant(value)
    }
}

/// The constant 0.
///
/// ```
/// use tapegrad::Jet;
/// let zero = Jet::<2>::default();
/// assert_eq!((zero.value(), zero.tangents()), (0.0, [0.0, 0.0]));
/// ```
impl<const N: usize> Default for Jet<N> {
    #[inline(always)]
    fn default() -> Self {
        Jet::constant(0.0)
    }
}

// The operators: each applies its op (see `partials.rs` for `dy/da` and `dy/db`).

/// `a + b`, `a + k` and `k + a`.
///
/// ```
/// use tapegrad::Jet;
/// let [x, y] = [Jet::<2>::variable(1.0, 0), Jet::variable(2.0, 1)];
/// assert_eq!((x + y).tangents(), [1.0, 1.0]);
/// assert_eq!((1.0 + x + 1.0).value(), 3.0);
/// ```
impl<const N: usize> Add for Jet<N> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self.apply2(Op::Add, rhs, &[])
    }
}

impl<const N: usize> Add<f64> for Jet<N> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: f64) -> Self {
        self.apply1(Op::AddConst, &[rhs])
    }
}

impl<const N: usize> Add<Jet<N>> for f64 {
    type Output = Jet<N>;
    #[inline(always)]
    fn add(self, rhs: Jet<N>) -> Jet<N> {
        // IEEE addition is commutative, so k + x is exactly x + k.
        rhs.apply1(Op::AddConst, &[self])
    }
}

/// `a - b`, `a - k` and `k - a`.
///
/// ```
/// use tapegrad::Jet;
/// let [x, y] = [Jet::<2>::variable(1.0, 0), Jet::variable(2.0, 1)];
/// assert_eq!((x - y).tangents(), [1.0, -1.0]);
/// assert_eq!((1.0 - x).tangents(), [-1.0, 0.0]);
/// ```
impl<const N: usize> Sub for Jet<N> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        self.apply2(Op::Sub, rhs, &[])
    }
}

impl<const N: usize> Sub<f64> for Jet<N> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: f64) -> Self {
        // IEEE defines x - k as x + (-k), to the bit.
        self.apply1(Op::AddConst, &[-rhs])
    }
}

impl<const N: usize> Sub<Jet<N>> for f64 {
    type Output = Jet<N>;
    #[inline(always)]
    fn sub(self, rhs: Jet<N>) -> Jet<N> {
        rhs.apply1(Op::ConstSub, &[self])
    }
}

/// `a * b`, `a * k` and `k * a`.
///
/// ```
/// use tapegrad::Jet;
/// let [x, y] = [Jet::<2>::variable(3.0, 0), Jet::variable(2.0, 1)];
/// assert_eq!((x * y).tangents(), [2.0, 3.0]);
/// assert_eq!((2.0 * x).tangents(), [2.0, 0.0]);
/// ```
impl<const N: usize> Mul for Jet<N> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        self.apply2(Op::Mul, rhs, &[])
    }
}

impl<const N: usize> Mul<f64> for Jet<N> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: f64) -> Self {
        self.apply1(Op::MulConst, &[rhs])
    }
}

impl<const N: usize> Mul<Jet<N>> for f64 {
    type Output = Jet<N>;
    #[inline(always)]
    fn mul(self, rhs: Jet<N>) -> Jet<N> {
        rhs.apply1(Op::MulConst, &[self])
    }
}

/// `a / b`, `a / k` and `k / a`.
///
/// ```
/// use tapegrad::Jet;
/// let [x, y] = [Jet::<2>::variable(3.0, 0), Jet::variable(2.0, 1)];
/// assert_eq!((x / y).tangents(), [0.5, -0.75]); // 1/y, -x/y²
/// assert_eq!((6.0 / y).tangents(), [0.0, -1.5]);
/// ```
impl<const N: usize> Div for Jet<N> {
    type Output = Self;
    #[inline(always)]
    fn div(self, rhs: Self) -> Self {
        self.apply2(Op::Div, rhs, &[])
    }
}

impl<const N: usize> Div<f64> for Jet<N> {
    type Output = Self;
    #[inline(always)]
    fn div(self, rhs: f64) -> Self {
        self.apply1(Op::DivConst, &[rhs])
    }
}

impl<const N: usize> Div<Jet<N>> for f64 {
    type Output = Jet<N>;
    #[inline(always)]
    fn div(self, rhs: Jet<N>) -> Jet<N> {
        rhs.apply1(Op::ConstDiv, &[self])
    }
}

/// `-a`.
///
/// ```
/// assert_eq!((-tapegrad::Jet::<1>::variable(2.0, 0)).tangents(), [-1.0]);
/// ```
impl<const N: usize> Neg for Jet<N> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.apply1(Op::Neg, &[])
    }
}

/// `a += b` for a jet or a number `b`, as `a = a + b`.
///
/// ```
/// use tapegrad::Jet;
/// let mut total = Jet::<1>::constant(1.0);
/// total += Jet::variable(2.0, 0);
/// total += 0.5;
/// assert_eq!((total.value(), total.tangents()), (3.5, [1.0]));
/// ```
impl<const N: usize, T> AddAssign<T> for Jet<N>
where
    Jet<N>: Add<T, Output = Jet<N>>,
{
    #[inline(always)]
    fn add_assign(&mut self, rhs: T) {
        *self = *self + rhs;
    }
}

/// `a -= b` for a jet or a number `b`, as `a = a - b`.
///
/// ```
/// let mut x = tapegrad::Jet::<1>::variable(2.0, 0);
/// x -= 0.5;
/// assert_eq!(x.value(), 1.5);
/// ```
impl<const N: usize, T> SubAssign<T> for Jet<N>
where
    Jet<N>: Sub<T, Output = Jet<N>>,
{
    #[inline(always)]
    fn sub_assign(&mut self, rhs: T) {
        *self = *self - rhs;
    }
}

/// `a *= b` for a jet or a number `b`, as `a = a * b`.
///
/// ```
/// let mut x = tapegrad::Jet::<1>::variable(2.0, 0);
/// x *= x;
/// assert_eq!(x.tangents(), [4.0]);
/// ```
impl<const N: usize, T> MulAssign<T> for Jet<N>
where
    Jet<N>: Mul<T, Output = Jet<N>>,
{
    #[inline(always)]
    fn mul_assign(&mut self, rhs: T) {
        *self = *self * rhs;
    }
}

/// `a /= b` for a jet or a number `b`, as `a = a / b`.
///
/// ```
/// let mut x = tapegrad::Jet::<1>::variable(2.0, 0);
/// x /= 4.0;
/// assert_eq!(x.tangents(), [0.25]);
/// ```
impl<const N: usize, T> DivAssign<T> for Jet<N>
where
    Jet<N>: Div<T, Output = Jet<N>>,
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
/// use tapegrad::Jet;
/// assert_eq!(Jet::new(2.0, [1.0]), Jet::new(2.0, [5.0]));
/// assert!(Jet::<1>::variable(2.0, 0) < 3.0);
/// assert!(Jet::<1>::constant(1.0) < Jet::variable(2.0, 0));
/// ```
impl<const N: usize> PartialEq for Jet<N> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

/// Compares the values, as `f64` does.
impl<const N: usize> PartialOrd for Jet<N> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

/// Compares the value with a number.
impl<const N: usize> PartialEq<f64> for Jet<N> {
    #[inline]
    fn eq(&self, other: &f64) -> bool {
        self.value == *other
    }
}

/// Compares the value with a number.
impl<const N: usize> PartialOrd<f64> for Jet<N> {
    #[inline]
    fn partial_cmp(&self, other: &f64) -> Option<Ordering> {
        self.value.partial_cmp(other)
    }
}

/// `iter.sum()`, starting from the constant 0 (so an empty sum is 0).
///
/// ```
/// use tapegrad::Jet;
/// let xs = [Jet::<2>::variable(1.0, 0), Jet::variable(2.0, 1), Jet::constant(3.0)];
/// let total: Jet<2> = xs.iter().sum();
/// assert_eq!((total.value(), total.tangents()), (6.0, [1.0, 1.0]));
/// ```
impl<const N: usize> Sum for Jet<N> {
    #[inline]
    fn sum<I: Iterator<Item = Self>>(mut iter: I) -> Self {
        match iter.next() {
            Some(first) => iter.fold(first, Add::add),
            None => Jet::from(0.0),
        }
    }
}

impl<'a, const N: usize> Sum<&'a Jet<N>> for Jet<N> {
    #[inline]
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.copied().sum()
    }
}

/// `iter.product()`, starting from the constant 1 (so an empty product is 1).
///
/// ```
/// use tapegrad::Jet;
/// let xs = [Jet::<2>::variable(2.0, 0), Jet::variable(3.0, 1)];
/// let p: Jet<2> = xs.iter().product();
/// assert_eq!((p.value(), p.tangents()), (6.0, [3.0, 2.0]));
/// ```
impl<const N: usize> Product for Jet<N> {
    #[inline]
    fn product<I: Iterator<Item = Self>>(mut iter: I) -> Self {
        match iter.next() {
            Some(first) => iter.fold(first, Mul::mul),
            None => Jet::from(1.0),
        }
    }
}

impl<'a, const N: usize> Product<&'a Jet<N>> for Jet<N> {
    #[inline]
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.copied().product()
    }
}

/// Shows `Jet(value=.., tangents=[..])`.
///
/// ```
/// let x = tapegrad::Jet::<2>::variable(2.0, 1);
/// assert_eq!(x.to_string(), "Jet(value=2.0, tangents=[0.0, 1.0])");
/// assert_eq!(format!("{x:?}"), x.to_string());
/// ```
impl<const N: usize> fmt::Display for Jet<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Jet(value={:?}, tangents={:?})",
            self.value, self.tangents
        )
    }
}

impl<const N: usize> fmt::Debug for Jet<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::Jet;
    use crate::Dual;

    #[test]
    fn a_zero_tangent_carries_nothing_past_an_infinite_partial() {
        // x + sqrt(y) at y = 0: d/dy is infinite, but y does not move along x's lane.
        let [x, y] = [Jet::<2>::variable(1.0, 0), Jet::variable(0.0, 1)];
        let z = x + y.sqrt();
        assert_eq!(z.tangents(), [1.0, f64::INFINITY]);
        let along_x = Dual::new(1.0, 1.0) + Dual::new(0.0, 0.0).sqrt();
        assert_eq!(along_x.tangent(), 1.0);
        // ln(y) * 0 at y = -1: a NaN partial times a moving tangent stays NaN, as for a dual.
        let w = Jet::<1>::variable(-1.0, 0).ln() * 0.0;
        assert!(w.tangent(0).is_nan());
    }

    #[test]
    fn a_jet_with_no_inputs_is_a_number() {
        let x = Jet::<0>::constant(2.0);
        assert_eq!((x * x).exp().value(), 4f64.exp());
        assert_eq!((x * x).tangents(), []);
    }
}
