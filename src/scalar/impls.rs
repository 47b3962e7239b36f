//! [`Scalar`] for `f64`, `Value`, `Dual` and `Jet`: every method is provided by the trait from the
//! one list in `methods.rs`, so the impls are empty.

use crate::scalar::Scalar;
use crate::{Dual, Jet, Value};

impl Scalar for f64 {}

impl Scalar for Value<'_> {}

impl<S: Scalar> Scalar for Dual<S> {}

impl<const N: usize> Scalar for Jet<N> {}
