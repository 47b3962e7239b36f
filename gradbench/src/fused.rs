//! Dot products for objectives written once over `f64` and `Value`.
//!
//! A long dot product of values is one node on the tape (`Tape::dot`), but
//! [`tapegrad::Scalar`] has no such method, so generic code would record a product and a sum
//! a term. This trait gives the objectives one: a plain loop on `f64`, one node on `Value`
//! (`Tape::dot` of two runs of values, `Tape::dot_const` of values with plain numbers: a
//! polynomial's powers, data). `Dual` (forward mode) computes them as loops, as `f64` does.

use tapegrad::{Dual, Scalar, Value};

/// A [`Scalar`] with dot products.
pub trait Fused: Scalar {
    /// `a_1 b_1 + ... + a_n b_n`.
    ///
    /// # Panics
    /// If the slices differ in length or are empty (a `Value` needs a tape to live on).
    fn dot(a: &[Self], b: &[Self]) -> Self;

    /// `a_1 c_1 + ... + a_n c_n`, with numbers `c`.
    ///
    /// # Panics
    /// If the slices differ in length or are empty.
    fn dot_numbers(a: &[Self], c: &[f64]) -> Self;
}

impl Fused for f64 {
    fn dot(a: &[f64], b: &[f64]) -> f64 {
        assert_eq!(a.len(), b.len(), "dot of slices of different lengths");
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    fn dot_numbers(a: &[f64], c: &[f64]) -> f64 {
        Self::dot(a, c)
    }
}

impl Fused for Dual {
    fn dot(a: &[Dual], b: &[Dual]) -> Dual {
        assert_eq!(a.len(), b.len(), "dot of slices of different lengths");
        assert!(!a.is_empty(), "dot of no values");
        a.iter().zip(b).map(|(&x, &y)| x * y).sum()
    }

    fn dot_numbers(a: &[Dual], c: &[f64]) -> Dual {
        assert_eq!(a.len(), c.len(), "dot of slices of different lengths");
        assert!(!a.is_empty(), "dot of no values");
        a.iter().zip(c).map(|(&x, &c)| x * c).sum()
    }
}

impl<'t> Fused for Value<'t> {
    fn dot(a: &[Value<'t>], b: &[Value<'t>]) -> Value<'t> {
        assert!(
            !a.is_empty(),
            "dot of no values: there is no tape to record it on"
        );
        a[0].tape().dot(a, b)
    }

    fn dot_numbers(a: &[Value<'t>], c: &[f64]) -> Value<'t> {
        assert!(
            !a.is_empty(),
            "dot of no values: there is no tape to record it on"
        );
        a[0].tape().dot_const(a, c)
    }
}

#[cfg(test)]
mod tests {
    use super::Fused;
    use tapegrad::Tape;

    #[test]
    fn dots_of_values_have_the_values_and_gradients_of_the_loop() {
        let tape = Tape::new();
        let a = [tape.var(1.0), tape.var(2.0)];
        let b = [tape.var(3.0), tape.var(-4.0)];
        let y = Fused::dot(&a, &b) + Fused::dot_numbers(&a, &[0.5, 10.0]);
        y.backward();
        assert_eq!(y.data(), 3.0 - 8.0 + 0.5 + 20.0);
        assert_eq!(a.map(|v| v.grad()), [3.5, 6.0]);
        assert_eq!(b.map(|v| v.grad()), [1.0, 2.0]);
        assert_eq!(f64::dot(&[1.0, 2.0], &[3.0, -4.0]), -5.0);
    }
}
