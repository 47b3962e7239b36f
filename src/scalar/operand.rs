//! The second operand of a two-operand method: a value of the same type, or a plain number.
//!
//! `f64` code writes `x.max(0.0)` and `y.atan2(x)` alike; so can code on [`Value`](crate::Value)
//! and [`Dual`](crate::Dual). Their two-operand methods (`max`, `min`, `atan2`, `hypot`, `pow`
//! and both operands of `mul_add`) take any `impl IntoOperand<Self>`: a value of their own
//! type, or an `f64`. A `Dual` treats the number as a constant (tangent 0). On a `Value`, the
//! number is stored in the op's node, as `x * 0.5` stores `0.5`: `x.max(0.0)` is one node,
//! with no leaf for the number (`pow` with a number records `powf`).

use crate::{Dual, Scalar, Value};

/// What a two-operand method was given: a value of its own type `S`, or a plain number.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Operand<S> {
    /// A value of the method's own type.
    Same(S),
    /// A plain number, a constant of the operation.
    Number(f64),
}

/// A type that can be the second operand of a two-operand method on `S`: `S` itself or `f64`.
///
/// It is sealed: `f64`, [`Value`], [`Dual`] and [`Jet`](crate::Jet) are the operands there
/// are.
///
/// ```
/// use tapegrad::{Dual, Tape};
///
/// let tape = Tape::new();
/// let x = tape.var(-2.0);
/// assert_eq!(x.max(0.0).data(), 0.0);              // a number
/// assert_eq!(x.max(tape.var(1.0)).data(), 1.0);    // a value
/// assert_eq!(Dual::new(3.0, 1.0).min(2.0).value(), 2.0);
/// assert_eq!(3.0_f64.max(2.0), 3.0);               // f64's own method, unchanged
/// ```
pub trait IntoOperand<S>: Copy + sealed::Operand {
    /// This operand, as a value of type `S` or as a number.
    #[doc(hidden)]
    fn into_operand(self) -> Operand<S>;
}

mod sealed {
    /// The types that may be operands (see `IntoOperand`).
    pub trait Operand {}
    impl Operand for f64 {}
    impl Operand for crate::Value<'_> {}
    impl<S> Operand for crate::Dual<S> {}
    impl<const N: usize> Operand for crate::Jet<N> {}
}

/// A number is an operand of every type's methods (and of `f64`'s own, where it is the only
/// kind). One impl for all `S`, so that generic code can write `x.max(0.0)` for any
/// [`Scalar`](crate::Scalar) `x`.
impl<S> IntoOperand<S> for f64 {
    #[inline(always)]
    fn into_operand(self) -> Operand<S> {
        Operand::Number(self)
    }
}

impl<'t> IntoOperand<Value<'t>> for Value<'t> {
    #[inline(always)]
    fn into_operand(self) -> Operand<Value<'t>> {
        Operand::Same(self)
    }
}

impl<S: Scalar> IntoOperand<Dual<S>> for Dual<S> {
    #[inline(always)]
    fn into_operand(self) -> Operand<Dual<S>> {
        Operand::Same(self)
    }
}
