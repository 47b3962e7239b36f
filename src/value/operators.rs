//! `+ - * /` and their assigning forms, between `Value`s and with `f64` on either side.
//!
//! Each one records one node. A plain `f64` operand is stored inside that node (`x * 0.5` is
//! a single node, not a leaf for `0.5` and a product); the derivative rules are in
//! [`crate::rules`].
//!
//! ```
//! let tape = tapegrad::Tape::new();
//! let x = tape.var(2.0);
//! let mut y = 1.0 - x / 4.0; // 2 nodes
//! y *= x;                    // 1 node
//! y += 3.0;                  // 1 node
//! assert_eq!(y.data(), 4.0);
//! assert_eq!(tape.len(), 5);
//! ```

use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

use crate::rules::Op;
use crate::value::Value;

impl<'t> Add for Value<'t> {
    type Output = Value<'t>;
    #[inline]
    #[track_caller]
    fn add(self, rhs: Value<'t>) -> Value<'t> {
        self.binary(Op::Add, rhs)
    }
}

impl<'t> Add<f64> for Value<'t> {
    type Output = Value<'t>;
    #[inline]
    fn add(self, rhs: f64) -> Value<'t> {
        self.unary(Op::AddConst, &[rhs])
    }
}

impl<'t> Add<Value<'t>> for f64 {
    type Output = Value<'t>;
    #[inline]
    fn add(self, rhs: Value<'t>) -> Value<'t> {
        // IEEE addition is commutative, so k + x is exactly x + k.
        rhs.unary(Op::AddConst, &[self])
    }
}

impl<'t> Sub for Value<'t> {
    type Output = Value<'t>;
    #[inline]
    #[track_caller]
    fn sub(self, rhs: Value<'t>) -> Value<'t> {
        self.binary(Op::Sub, rhs)
    }
}

impl<'t> Sub<f64> for Value<'t> {
    type Output = Value<'t>;
    #[inline]
    fn sub(self, rhs: f64) -> Value<'t> {
        // IEEE defines x - k as x + (-k), to the bit.
        self.unary(Op::AddConst, &[-rhs])
    }
}

impl<'t> Sub<Value<'t>> for f64 {
    type Output = Value<'t>;
    #[inline]
    fn sub(self, rhs: Value<'t>) -> Value<'t> {
        rhs.unary(Op::ConstSub, &[self])
    }
}

impl<'t> Mul for Value<'t> {
    type Output = Value<'t>;
    #[inline]
    #[track_caller]
    fn mul(self, rhs: Value<'t>) -> Value<'t> {
        self.binary(Op::Mul, rhs)
    }
}

impl<'t> Mul<f64> for Value<'t> {
    type Output = Value<'t>;
    #[inline]
    fn mul(self, rhs: f64) -> Value<'t> {
        self.unary(Op::MulConst, &[rhs])
    }
}

impl<'t> Mul<Value<'t>> for f64 {
    type Output = Value<'t>;
    #[inline]
    fn mul(self, rhs: Value<'t>) -> Value<'t> {
        rhs.unary(Op::MulConst, &[self])
    }
}

impl<'t> Div for Value<'t> {
    type Output = Value<'t>;
    #[inline]
    #[track_caller]
    fn div(self, rhs: Value<'t>) -> Value<'t> {
        self.binary(Op::Div, rhs)
    }
}

impl<'t> Div<f64> for Value<'t> {
    type Output = Value<'t>;
    #[inline]
    fn div(self, rhs: f64) -> Value<'t> {
        self.unary(Op::DivConst, &[rhs])
    }
}

impl<'t> Div<Value<'t>> for f64 {
    type Output = Value<'t>;
    #[inline]
    fn div(self, rhs: Value<'t>) -> Value<'t> {
        rhs.unary(Op::ConstDiv, &[self])
    }
}

impl<'t> Neg for Value<'t> {
    type Output = Value<'t>;
    #[inline]
    fn neg(self) -> Value<'t> {
        self.unary(Op::Neg, &[])
    }
}

impl<'t> AddAssign for Value<'t> {
    #[track_caller]
    #[inline]
    fn add_assign(&mut self, rhs: Value<'t>) {
        *self = *self + rhs;
    }
}

impl AddAssign<f64> for Value<'_> {
    #[inline]
    fn add_assign(&mut self, rhs: f64) {
        *self = *self + rhs;
    }
}

impl<'t> SubAssign for Value<'t> {
    #[track_caller]
    #[inline]
    fn sub_assign(&mut self, rhs: Value<'t>) {
        *self = *self - rhs;
    }
}

impl SubAssign<f64> for Value<'_> {
    #[inline]
    fn sub_assign(&mut self, rhs: f64) {
        *self = *self - rhs;
    }
}

impl<'t> MulAssign for Value<'t> {
    #[track_caller]
    #[inline]
    fn mul_assign(&mut self, rhs: Value<'t>) {
        *self = *self * rhs;
    }
}

impl MulAssign<f64> for Value<'_> {
    #[inline]
    fn mul_assign(&mut self, rhs: f64) {
        *self = *self * rhs;
    }
}

impl<'t> DivAssign for Value<'t> {
    #[track_caller]
    #[inline]
    fn div_assign(&mut self, rhs: Value<'t>) {
        *self = *self / rhs;
    }
}

impl DivAssign<f64> for Value<'_> {
    #[inline]
    fn div_assign(&mut self, rhs: f64) {
        *self = *self / rhs;
    }
}
