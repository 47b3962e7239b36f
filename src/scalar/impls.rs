//! [`Scalar`] for `f64`, `Value` and `Dual`: each method is the type's own method of the same
//! name, so the trait adds no code of its own to any of them (and costs nothing).

use crate::scalar::Scalar;
use crate::scalar::operand::{IntoOperand, Operand};
use crate::{Dual, Value, rules};

/// The trait methods `f64`, `Value` and `Dual` all have as methods of their own, with the
/// same signature: each calls the type's own (`Self::sqrt` names the type's method, which
/// Rust picks before the trait's).
macro_rules! methods_of_f64 {
    () => {
        #[inline(always)]
        fn powf(self, exponent: f64) -> Self {
            Self::powf(self, exponent)
        }
        #[inline(always)]
        fn powi(self, exponent: i32) -> Self {
            Self::powi(self, exponent)
        }
        #[inline(always)]
        fn log(self, base: f64) -> Self {
            Self::log(self, base)
        }
        #[inline(always)]
        #[track_caller]
        fn clamp(self, min: f64, max: f64) -> Self {
            Self::clamp(self, min, max)
        }
        #[inline(always)]
        fn sin_cos(self) -> (Self, Self) {
            Self::sin_cos(self)
        }
        unary_methods!(
            sqrt cbrt recip exp exp2 exp_m1 ln ln_1p log2 log10 sin cos tan asin acos atan
            sinh cosh tanh asinh acosh atanh to_degrees to_radians abs signum floor ceil round
            trunc fract
        );
        predicates!(is_nan is_finite is_infinite is_sign_negative is_sign_positive);
    };
}

/// `fn name(self) -> Self`, calling the type's own method.
macro_rules! unary_methods {
    ($($name:ident)*) => {
        $(
            #[inline(always)]
            fn $name(self) -> Self {
                Self::$name(self)
            }
        )*
    };
}

/// `fn name(self) -> bool`, calling the type's own method.
macro_rules! predicates {
    ($($name:ident)*) => {
        $(
            #[inline(always)]
            fn $name(self) -> bool {
                Self::$name(self)
            }
        )*
    };
}

/// The two-operand methods and activations, which `Value` and `Dual` have as methods of their
/// own (and `f64` has not, or has with an `f64` operand only).
macro_rules! methods_of_values {
    () => {
        #[inline(always)]
        #[track_caller]
        fn pow(self, exponent: impl IntoOperand<Self>) -> Self {
            Self::pow(self, exponent)
        }
        #[inline(always)]
        #[track_caller]
        fn mul_add(self, a: impl IntoOperand<Self>, b: impl IntoOperand<Self>) -> Self {
            Self::mul_add(self, a, b)
        }
        #[inline(always)]
        #[track_caller]
        fn hypot(self, other: impl IntoOperand<Self>) -> Self {
            Self::hypot(self, other)
        }
        #[inline(always)]
        #[track_caller]
        fn atan2(self, other: impl IntoOperand<Self>) -> Self {
            Self::atan2(self, other)
        }
        #[inline(always)]
        #[track_caller]
        fn max(self, other: impl IntoOperand<Self>) -> Self {
            Self::max(self, other)
        }
        #[inline(always)]
        #[track_caller]
        fn min(self, other: impl IntoOperand<Self>) -> Self {
            Self::min(self, other)
        }
        #[inline(always)]
        fn leaky_relu(self, slope: f64) -> Self {
            Self::leaky_relu(self, slope)
        }
        unary_methods!(relu sigmoid softplus);
    };
}

impl Scalar for f64 {
    #[inline(always)]
    fn lift(self, c: f64) -> f64 {
        c
    }
    #[inline(always)]
    fn data(self) -> f64 {
        self
    }
    methods_of_f64!();

    #[inline(always)]
    fn pow(self, exponent: impl IntoOperand<f64>) -> f64 {
        self.powf(number(exponent))
    }
    #[inline(always)]
    fn mul_add(self, a: impl IntoOperand<f64>, b: impl IntoOperand<f64>) -> f64 {
        f64::mul_add(self, number(a), number(b))
    }
    #[inline(always)]
    fn hypot(self, other: impl IntoOperand<f64>) -> f64 {
        f64::hypot(self, number(other))
    }
    #[inline(always)]
    fn atan2(self, other: impl IntoOperand<f64>) -> f64 {
        f64::atan2(self, number(other))
    }
    #[inline(always)]
    fn max(self, other: impl IntoOperand<f64>) -> f64 {
        f64::max(self, number(other))
    }
    #[inline(always)]
    fn min(self, other: impl IntoOperand<f64>) -> f64 {
        f64::min(self, number(other))
    }
    #[inline(always)]
    fn relu(self) -> f64 {
        rules::relu(self)
    }
    #[inline(always)]
    fn leaky_relu(self, slope: f64) -> f64 {
        rules::leaky_relu(self, slope)
    }
    #[inline(always)]
    fn sigmoid(self) -> f64 {
        rules::sigmoid(self)
    }
    #[inline(always)]
    fn softplus(self) -> f64 {
        rules::softplus(self)
    }
}

/// An `f64`'s operand, always a number.
#[inline(always)]
fn number(operand: impl IntoOperand<f64>) -> f64 {
    match operand.into_operand() {
        Operand::Same(x) | Operand::Number(x) => x,
    }
}

impl Scalar for Value<'_> {
    #[inline(always)]
    fn lift(self, c: f64) -> Self {
        self.tape().constant(c)
    }
    #[inline(always)]
    fn data(self) -> f64 {
        Value::data(self)
    }
    methods_of_f64!();
    methods_of_values!();
}

impl Scalar for Dual {
    #[inline(always)]
    fn lift(self, c: f64) -> Dual {
        Dual::constant(c)
    }
    #[inline(always)]
    fn data(self) -> f64 {
        self.value()
    }
    methods_of_f64!();
    methods_of_values!();
}
