//! `+ - * /` on references to `Value`s and `Dual`s, as `f64` has them, so that closures over
//! iterators port unchanged: `xs.iter().map(|x| x * x).sum()`, `|v| 1.0 + v * v`.
//!
//! Each one dereferences (both types are `Copy`) and does what the operator on the values
//! does: one node for a `Value`.
//!
//! ```
//! use tapegrad::{Tape, Value};
//!
//! let tape = Tape::new();
//! let xs = [tape.var(1.0), tape.var(2.0), tape.var(3.0)];
//! let squares: Value = xs.iter().map(|x| x * x).sum();
//! let shifted: Vec<Value> = xs.iter().map(|v| 1.0 + v * v).collect();
//! assert_eq!((squares.data(), shifted[2].data()), (14.0, 10.0));
//! ```

use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::{Dual, Value};

/// The forms of an operator with a reference: `&T op &T`, `&T op T`, `T op &T`, `&T op f64`
/// and `f64 op &T` (`$l` is `T`'s lifetime, if it has one).
macro_rules! operator_on_references {
    ($Op:ident $op:ident for $T:ty $(, $l:lifetime)?) => {
        impl<$($l)?> $Op<&$T> for &$T {
            type Output = $T;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &$T) -> $T {
                $Op::$op(*self, *rhs)
            }
        }
        impl<$($l)?> $Op<$T> for &$T {
            type Output = $T;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: $T) -> $T {
                $Op::$op(*self, rhs)
            }
        }
        impl<$($l)?> $Op<&$T> for $T {
            type Output = $T;
            #[inline(always)]
            #[track_caller]
            fn $op(self, rhs: &$T) -> $T {
                $Op::$op(self, *rhs)
            }
        }
        impl<$($l)?> $Op<f64> for &$T {
            type Output = $T;
            #[inline(always)]
            fn $op(self, rhs: f64) -> $T {
                $Op::$op(*self, rhs)
            }
        }
        impl<$($l)?> $Op<&$T> for f64 {
            type Output = $T;
            #[inline(always)]
            fn $op(self, rhs: &$T) -> $T {
                $Op::$op(self, *rhs)
            }
        }
    };
}

operator_on_references!(Add add for Value<'t>, 't);
operator_on_references!(Sub sub for Value<'t>, 't);
operator_on_references!(Mul mul for Value<'t>, 't);
operator_on_references!(Div div for Value<'t>, 't);
operator_on_references!(Add add for Dual);
operator_on_references!(Sub sub for Dual);
operator_on_references!(Mul mul for Dual);
operator_on_references!(Div div for Dual);

impl<'t> Neg for &Value<'t> {
    type Output = Value<'t>;
    #[inline(always)]
    fn neg(self) -> Value<'t> {
        -*self
    }
}

impl Neg for &Dual {
    type Output = Dual;
    #[inline(always)]
    fn neg(self) -> Dual {
        -*self
    }
}

/// `x += &y` and friends on `Value` (`Dual`'s assigning operators take anything its
/// operators take).
macro_rules! assigning_with_references {
    ($($OpAssign:ident $op_assign:ident),*) => {$(
        impl<'t> $OpAssign<&Value<'t>> for Value<'t> {
            #[inline(always)]
            #[track_caller]
            fn $op_assign(&mut self, rhs: &Value<'t>) {
                self.$op_assign(*rhs);
            }
        }
    )*};
}

assigning_with_references!(
    AddAssign add_assign,
    SubAssign sub_assign,
    MulAssign mul_assign,
    DivAssign div_assign
);
