//! `Scalar`: one trait for `f64`, [`Value`](crate::Value) and [`Dual`](crate::Dual), so that a
//! function written once computes plain numbers, records a tape, or carries a tangent.

use std::fmt::{Debug, Display};
use std::iter::{Product, Sum};
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

use operand::{IntoOperand, Operand};

use crate::rules::{Op, Real};

mod impls;
pub(crate) mod methods;
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
/// `S::from(c)` makes one: the number itself for an `f64`, tangent 0 for a `Dual`, and for a
/// `Value` a constant that lives on no tape until it meets a recorded value (see
/// [`Value`'s `From<f64>`](crate::Value#impl-From<f64>-for-Value<'t>)). `iter.sum()` works on
/// every type, and the sum of nothing is 0. Where the constant must be a node of the tape
/// (to take a gradient with respect to it), [`lift`](Scalar::lift) makes a leaf beside an
/// existing value.
///
/// ```
/// use tapegrad::{Scalar, Tape};
///
/// fn sum_of_squares<S: Scalar>(xs: &[S]) -> S {
///     let mut total = S::from(0.0);
///     for &x in xs {
///         total += x * x;
///     }
///     total
/// }
/// assert_eq!(sum_of_squares(&[1.0, 2.0]), 5.0);
/// assert_eq!(sum_of_squares::<f64>(&[]), 0.0);
/// let tape = Tape::new();
/// let x = tape.var(3.0);
/// let y = sum_of_squares(&[x]);
/// y.backward();
/// assert_eq!(x.grad(), 6.0);
/// ```
///
/// # Nesting: derivatives of derivatives
///
/// [`Dual<S>`](crate::Dual) is a `Scalar` for every `Scalar` `S`, so one mode nests inside
/// another and each level keeps its own perturbation: `Dual<Dual>` is forward over forward,
/// `Dual<Value>` reverse over forward (record on a tape what forward mode computes).
///
/// ```
/// use tapegrad::{Dual, Scalar};
///
/// fn cube<S: Scalar>(x: S) -> S {
///     x * x * x
/// }
/// // d²/dx² x³ = 6x at x = 2: the outer tangent of the inner tangent.
/// let x = Dual::new(Dual::new(2.0, 1.0), Dual::new(1.0, 0.0));
/// assert_eq!(cube(x).tangent().tangent(), 12.0);
/// ```
///
/// # Sealed
///
/// `Scalar` is implemented for `f64`, [`Value`](crate::Value), [`Dual`](crate::Dual) and
/// [`Jet`](crate::Jet) and cannot be implemented outside the crate: its methods come from the crate's table of ops, so
/// a new op adds a method without breaking anyone's code.
pub trait Scalar:
    Real
    + Debug
    + Display
    + PartialEq
    + PartialOrd
    + PartialEq<f64>
    + PartialOrd<f64>
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
    + From<f64>
    + IntoOperand<Self>
{
    /// The number: `self` for `f64`, [`Value::data`](crate::Value::data),
    /// [`Dual::value`](crate::Dual::value) (of the innermost dual, for nested ones).
    ///
    /// ```
    /// use tapegrad::{Dual, Scalar};
    /// assert_eq!(Scalar::data(Dual::new(2.0, 1.0)), 2.0);
    /// ```
    #[inline]
    #[must_use]
    fn data(self) -> f64 {
        self.number()
    }

    /// The constant `c` beside `self`: a leaf on `self`'s tape for a `Value` (a node, which a
    /// gradient can be taken with respect to), tangent 0 for a `Dual` (over a leaf beside its
    /// value), `c` itself for an `f64`. Where a constant need not be a node, `S::from(c)` is
    /// simpler and records nothing.
    ///
    /// ```
    /// use tapegrad::{Dual, Scalar, Tape};
    ///
    /// let tape = Tape::new();
    /// let x = tape.var(2.0);
    /// let start = x.lift(8.0); // a leaf on x's tape
    /// let g = (start * x).gradient(&[start]);
    /// assert_eq!(g[0].data(), 2.0);
    /// assert_eq!(Dual::new(2.0, 1.0).lift(1.0).tangent(), 0.0);
    /// assert_eq!(2.0.lift(1.0), 1.0);
    /// ```
    #[inline]
    #[must_use]
    fn lift(self, c: f64) -> Self {
        self.leaf_beside(c)
    }

    methods::every_math_method!(provided_math_methods);
}

use methods::provided_math_methods;
