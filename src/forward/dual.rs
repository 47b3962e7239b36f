//! The `Dual` number: a value and one tangent, carried together through the arithmetic of any
//! [`Scalar`].

use std::cmp::Ordering;
use std::fmt;
use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::rules::{Local, NodeData, Op, Real, fixed};
use crate::scalar::Scalar;
use crate::scalar::methods::{every_math_method, inherent_math_methods};
use crate::scalar::operand::{IntoOperand, Operand};

/// A dual number `value + tangent ε` (with `ε² = 0`): forward-mode differentiation.
///
/// Every operation computes its value as the operation of the same name does on the value's
/// type, and its tangent by the chain rule, forwards: for `y = f(a, b)`,
/// `y.tangent() = dy/da a.tangent() + dy/db b.tangent()`, with the partial derivatives taken
/// from the same table the backward sweep reads. Start from the inputs with the tangents of a
/// direction (1 for the input to differentiate by, 0 for the others) and the result carries
/// the derivative along that direction, with no tape and no allocation. [`jvp`](crate::jvp)
/// and [`jacobian_forward`](crate::jacobian_forward) do that bookkeeping.
///
/// `Dual` alone is `Dual<f64>`. The value and tangent can be of any [`Scalar`] type, which
/// nests one mode of differentiation inside another, each level with a perturbation of its own
/// (no perturbation confusion: a level's tangent never leaks into another's):
///
/// - `Dual<Dual>`: forward over forward, for second derivatives along directions;
/// - `Dual<Value>`: reverse over forward, the tangent recorded on a tape and differentiated
///   backwards (see [`Value::gradient`](crate::Value::gradient) for reverse over reverse).
///
/// The rules at kinks and domain edges are those of [`Value`](crate::Value) (see the crate
/// docs' table). One rule is forward mode's own: a zero tangent carries nothing, so an operand
/// that does not move along the direction contributes 0 even where its partial derivative is
/// infinite or NaN (`x + y.sqrt()` at `y = 0` along `x` has tangent 1). A NaN tangent times
/// a zero derivative stays NaN, though: `x.ln() * 0.0` at `x = -1` has a NaN tangent, as
/// [`Value::gradient`](crate::Value::gradient) gives, where `backward` gives 0. (A tangent
/// that is a recorded `Value` is never skipped for being zero: its own derivative need not be.)
///
/// Comparisons (`<`, `==`, ...) compare the values, as for `Value`, so code with branches
/// ports unchanged.
///
/// ```
/// use tapegrad::{Dual, Tape};
///
/// // d/dx (x² sin x) at x = 2: 2x sin x + x² cos x
/// let x = Dual::new(2.0, 1.0);
/// let y = x * x * x.sin();
/// assert_eq!(y.value(), 4.0 * 2f64.sin());
/// assert!((y.tangent() - (4.0 * 2f64.sin() + 4.0 * 2f64.cos())).abs() < 1e-15);
///
/// // Second derivative, forward over forward: d²/dx² x³ = 6x.
/// let x = Dual::new(Dual::new(2.0, 1.0), Dual::new(1.0, 0.0));
/// assert_eq!((x * x * x).tangent().tangent(), 12.0);
///
/// // Reverse over forward: the tangent d/dx (x³) = 3x² is a value on the tape.
/// let tape = Tape::new();
/// let v = tape.var(2.0);
/// let slope = (Dual::new(v, 1.0.into()).powi(3)).tangent();
/// slope.backward();
/// assert_eq!((slope.data(), v.grad()), (12.0, 12.0)); // d/dx 3x² = 6x
/// ```
#[derive(Clone, Copy, Default)]
pub struct Dual<S = f64> {
    value: S,
    tangent: S,
}

impl<S: Copy> Dual<S> {
    /// The dual number `value + tangent ε`.
    ///
    /// ```
    /// let x = tapegrad::Dual::new(3.0, 1.0);
    /// assert_eq!((x.value(), x.tangent()), (3.0, 1.0));
    /// ```
    #[inline(always)]
    pub const fn new(value: S, tangent: S) -> Self {
        Dual { value, tangent }
    }

    /// The value, without its tangent.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(3.0, 1.0).powi(2).value(), 9.0);
    /// ```
    #[inline(always)]
    pub fn value(self) -> S {
        self.value
    }

    /// The derivative along the direction the inputs' tangents describe.
    ///
    /// ```
    /// assert_eq!(tapegrad::Dual::new(3.0, 1.0).powi(2).tangent(), 6.0);
    /// ```
    #[inline(always)]
    pub fn tangent(self) -> S {
        self.tangent
    }
}

impl<S: Scalar> Dual<S> {
    /// A constant: `value` with tangent 0.
    ///
    /// ```
    /// let c = tapegrad::Dual::constant(2.5);
    /// assert_eq!((c.value(), c.tangent()), (2.5, 0.0));
    /// ```
    #[inline(always)]
    pub fn constant(value: S) -> Self {
        Dual::new(value, S::from(0.0))
    }

    /// `op` applied to `operands` with the node constants `k`: the value as `S` computes it,
    /// and the tangent `sum_i dy/da_i * tangent_i`, the partials from the rule table.
    #[inline(always)]
    fn apply<const N: usize>(op: Op, operands: [Self; N], k: &[f64]) -> Self {
        let values = operands.map(|d| d.value);
        let value = match values[..] {
            [a] => a.apply1(op, k),
            [a, b] => a.apply2(op, b, k),
            [a, b, c] => a.apply3(op, b, c),
            _ => unreachable!("an element-wise op takes one to three operands"),
        };
        let mut tangent = Tangent {
            values,
            tangents: operands.map(|d| d.tangent),
            sum: None,
        };
        op.partials(value, &Slots { constants: k }, &mut tangent);
        Dual::new(value, tangent.sum.unwrap_or_else(|| S::from(0.0)))
    }
}

/// The methods of `f64` on duals (the list is in `src/scalar/methods.rs`).
impl<S: Scalar> Dual<S> {
    every_math_method!(inherent_math_methods);
}

/// A dual's operands, for the table of partials: operand `i` is the `i`-th of the op.
pub(super) struct Slots<'k> {
    pub(super) constants: &'k [f64],
}

impl NodeData for Slots<'_> {
    #[inline(always)]
    fn operands<const N: usize>(&self) -> [u32; N] {
        std::array::from_fn(|i| i as u32)
    }
    #[inline(always)]
    fn constants<const N: usize>(&self) -> [f64; N] {
        fixed(self.constants)
    }
    fn items(&self) -> &[u32] {
        unreachable!("a dual number applies element-wise ops only")
    }
    fn item_constant(&self, _: usize) -> f64 {
        unreachable!("a dual number applies element-wise ops only")
    }
}

/// The chain rule forwards: each partial `dy/da` of the table, times operand `a`'s tangent,
/// added into the result's tangent. A tangent that carries nothing adds nothing (see
/// [`Real::carries_nothing`]).
struct Tangent<S, const N: usize> {
    values: [S; N],
    tangents: [S; N],
    sum: Option<S>,
}

impl<S: Scalar, const N: usize> Tangent<S, N> {
    #[inline(always)]
    fn add(&mut self, a: u32, term: impl FnOnce(S) -> S) {
        let t = self.tangents[a as usize];
        let term = if !t.carries_nothing() {
            term(t)
        } else if S::RECORDS {
            // Adding a zero would record a node for nothing.
            return;
        } else {
            // PERF: a zero term rather than a skipped one, so that which terms were added does
            // not depend on the numbers and `f64` tangents compile to straight-line code.
            S::from(0.0)
        };
        self.sum = Some(match self.sum {
            Some(sum) => sum + term,
            None => term,
        });
    }
}

impl<S: Scalar, const N: usize> Local<S> for Tangent<S, N> {
    #[inline(always)]
    fn value(&self, a: u32) -> S {
        self.values[a as usize]
    }
    #[inline(always)]
    fn partial(&mut self, a: u32, p: S) {
        self.add(a, |t| t * p);
    }
    #[inline(always)]
    fn constant(&mut self, a: u32, k: f64) {
        self.add(a, |t| t * k);
    }
    #[inline(always)]
    fn one(&mut self, a: u32) {
        self.add(a, |t| t);
    }
    #[inline(always)]
    fn minus_one(&mut self, a: u32) {
        self.add(a, |t| -t);
    }
}

/// Duals of duals and of values compute with the same rules (see [`Dual`]).
impl<S: Scalar> Real for Dual<S> {
    const RECORDS: bool = S::RECORDS;
    #[inline(always)]
    fn number(self) -> f64 {
        self.value.number()
    }
    #[inline(always)]
    fn apply1(self, op: Op, k: &[f64]) -> Self {
        Dual::apply(op, [self], k)
    }
    #[inline(always)]
    #[track_caller]
    fn apply2(self, op: Op, b: Self, k: &[f64]) -> Self {
        Dual::apply(op, [self, b], k)
    }
    #[inline(always)]
    #[track_caller]
    fn apply3(self, op: Op, b: Self, c: Self) -> Self {
        Dual::apply(op, [self, b, c], &[])
    }
    #[inline(always)]
    fn carries_nothing(self) -> bool {
        self.value.carries_nothing() && self.tangent.carries_nothing()
    }
    #[inline(always)]
    fn leaf_beside(self, c: f64) -> Self {
        Dual::constant(self.value.leaf_beside(c))
    }
}

/// A number as a constant dual (tangent 0).
///
/// ```
/// let c = tapegrad::Dual::from(2.0);
/// assert_eq!(c, tapegrad::Dual::constant(2.0));
/// ```
impl<S: Scalar> From<f64> for Dual<S> {
    #[inline(always)]
    fn from(value: f64) -> Self {
        Dual::constant(S::from(value))
    }
}

// The operators: each applies its op (see `partials.rs` for `dy/da` and `dy/db`).

impl<S: Scalar> Add for Dual<S> {
    type Output = Self;
    #[inline(always)]
    #[track_caller]
    fn add(self, rhs: Self) -> Self {
        self.apply2(Op::Add, rhs, &[])
    }
}

impl<S: Scalar> Add<f64> for Dual<S> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: f64) -> Self {
        self.apply1(Op::AddConst, &[rhs])
    }
}

impl<S: Scalar> Add<Dual<S>> for f64 {
    type Output = Dual<S>;
    #[inline(always)]
    fn add(self, rhs: Dual<S>) -> Dual<S> {
        // IEEE addition is commutative, so k + x is exactly x + k.
        rhs.apply1(Op::AddConst, &[self])
    }
}

impl<S: Scalar> Sub for Dual<S> {
    type Output = Self;
    #[inline(always)]
    #[track_caller]
    fn sub(self, rhs: Self) -> Self {
        self.apply2(Op::Sub, rhs, &[])
    }
}

impl<S: Scalar> Sub<f64> for Dual<S> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: f64) -> Self {
        // IEEE defines x - k as x + (-k), to the bit.
        self.apply1(Op::AddConst, &[-rhs])
    }
}

impl<S: Scalar> Sub<Dual<S>> for f64 {
    type Output = Dual<S>;
    #[inline(always)]
    fn sub(self, rhs: Dual<S>) -> Dual<S> {
        rhs.apply1(Op::ConstSub, &[self])
    }
}

impl<S: Scalar> Mul for Dual<S> {
    type Output = Self;
    #[inline(always)]
    #[track_caller]
    fn mul(self, rhs: Self) -> Self {
        self.apply2(Op::Mul, rhs, &[])
    }
}

impl<S: Scalar> Mul<f64> for Dual<S> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, rhs: f64) -> Self {
        self.apply1(Op::MulConst, &[rhs])
    }
}

impl<S: Scalar> Mul<Dual<S>> for f64 {
    type Output = Dual<S>;
    #[inline(always)]
    fn mul(self, rhs: Dual<S>) -> Dual<S> {
        rhs.apply1(Op::MulConst, &[self])
    }
}

impl<S: Scalar> Div for Dual<S> {
    type Output = Self;
    #[inline(always)]
    #[track_caller]
    fn div(self, rhs: Self) -> Self {
        self.apply2(Op::Div, rhs, &[])
    }
}

impl<S: Scalar> Div<f64> for Dual<S> {
    type Output = Self;
    #[inline(always)]
    fn div(self, rhs: f64) -> Self {
        self.apply1(Op::DivConst, &[rhs])
    }
}

impl<S: Scalar> Div<Dual<S>> for f64 {
    type Output = Dual<S>;
    #[inline(always)]
    fn div(self, rhs: Dual<S>) -> Dual<S> {
        rhs.apply1(Op::ConstDiv, &[self])
    }
}

impl<S: Scalar> Neg for Dual<S> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.apply1(Op::Neg, &[])
    }
}

impl<S: Scalar, T> AddAssign<T> for Dual<S>
where
    Dual<S>: Add<T, Output = Dual<S>>,
{
    #[inline(always)]
    #[track_caller]
    fn add_assign(&mut self, rhs: T) {
        *self = *self + rhs;
    }
}

impl<S: Scalar, T> SubAssign<T> for Dual<S>
where
    Dual<S>: Sub<T, Output = Dual<S>>,
{
    #[inline(always)]
    #[track_caller]
    fn sub_assign(&mut self, rhs: T) {
        *self = *self - rhs;
    }
}

impl<S: Scalar, T> MulAssign<T> for Dual<S>
where
    Dual<S>: Mul<T, Output = Dual<S>>,
{
    #[inline(always)]
    #[track_caller]
    fn mul_assign(&mut self, rhs: T) {
        *self = *self * rhs;
    }
}

impl<S: Scalar, T> DivAssign<T> for Dual<S>
where
    Dual<S>: Div<T, Output = Dual<S>>,
{
    #[inline(always)]
    #[track_caller]
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
impl<S: PartialEq> PartialEq for Dual<S> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

/// Compares the values, as `f64` does.
impl<S: PartialOrd> PartialOrd for Dual<S> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.value.partial_cmp(&other.value)
    }
}

/// Compares the value with a number.
impl<S: PartialEq<f64>> PartialEq<f64> for Dual<S> {
    #[inline]
    fn eq(&self, other: &f64) -> bool {
        self.value == *other
    }
}

/// Compares the value with a number.
impl<S: PartialOrd<f64>> PartialOrd<f64> for Dual<S> {
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
impl<S: Scalar> Sum for Dual<S> {
    #[inline]
    #[track_caller]
    fn sum<I: Iterator<Item = Self>>(mut iter: I) -> Self {
        match iter.next() {
            Some(first) => iter.fold(first, Add::add),
            None => Dual::from(0.0),
        }
    }
}

impl<'a, S: Scalar> Sum<&'a Dual<S>> for Dual<S> {
    #[inline]
    #[track_caller]
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
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
impl<S: Scalar> Product for Dual<S> {
    #[inline]
    #[track_caller]
    fn product<I: Iterator<Item = Self>>(mut iter: I) -> Self {
        match iter.next() {
            Some(first) => iter.fold(first, Mul::mul),
            None => Dual::from(1.0),
        }
    }
}

impl<'a, S: Scalar> Product<&'a Dual<S>> for Dual<S> {
    #[inline]
    #[track_caller]
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.copied().product()
    }
}

/// Shows `Dual(value=.., tangent=..)`.
///
/// ```
/// assert_eq!(tapegrad::Dual::new(2.0, 1.0).to_string(), "Dual(value=2.0, tangent=1.0)");
/// ```
impl<S: fmt::Debug> fmt::Display for Dual<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Dual(value={:?}, tangent={:?})",
            self.value, self.tangent
        )
    }
}

impl<S: fmt::Debug> fmt::Debug for Dual<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
