//! Closures kept in a variable or a field, for the helpers: functions that give a closure the
//! signature the helpers need.
//!
//! The helpers take `impl for<'t> Fn(&[Value<'t>]) -> Value<'t>`, a function whose output
//! lives on its inputs' tape whichever tape that is. A closure gets that signature from an
//! argument's type, but not from a `let` or a field; these functions give it there.

use crate::value::Value;

/// Returns `f` unchanged, typed as a function from values on any tape to a value on the same
/// tape: the signature [`hessian`](crate::hessian), [`value_and_gradient`](crate::value_and_gradient)
/// and the other helpers take, fixed where the closure is written so that it can be kept in
/// a variable or a field and passed later.
///
/// The helpers take `impl for<'t> Fn(&[Value<'t>]) -> Value<'t>`. A closure written inline
/// as an argument gets that signature from the argument's type. A closure written first in
/// a `let` or a struct field does not: without types, Rust cannot type `v[0]`
/// (`error[E0282]: type annotations needed`); with them (`|v: &[Value]| v[0] * v[0]`), it
/// gives the input slice one lifetime and the output another, does not see that the output
/// lives on the inputs' tape, and refuses the program with both of
///
/// ```text
/// error: lifetime may not live long enough
///   |     let f = |v: &[Value]| v[0] * v[0];
///   |              -          - ^^^^^^^^^^^ returning this value requires that `'1` must outlive `'2`
///   |              |          |
///   |              |          return type of closure is Value<'2>
///   |              has type `&[Value<'1>]`
///
/// error[E0308]: mismatched types
///   |     hessian(f, &[1.0]);
///   |     ^^^^^^^^^^^^^^^^^^ one type is more general than the other
/// ```
///
/// Passing the closure through [`function`] or [`vector_function`] where it is written gives
/// it the signature there, as an inline argument would get it (and its types need not be
/// written). [`DataParallel::loss`](crate::nn::DataParallel::loss) and
/// [`DataParallel::penalty`](crate::nn::DataParallel::penalty) do the same for the closures
/// of data-parallel training. A boxed closure works too, with the signature in its type:
/// `Box<dyn for<'t> Fn(&[Value<'t>]) -> Value<'t>>`.
///
/// ```
/// use tapegrad::{Value, function, hessian, value_and_gradient};
///
/// let rosenbrock = function(|v| (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2));
/// let (value, gradient) = value_and_gradient(&rosenbrock, &[1.0, 1.0]);
/// assert_eq!((value, gradient), (0.0, vec![0.0, 0.0]));
/// assert_eq!(hessian(&rosenbrock, &[1.0, 1.0]), [[802.0, -400.0], [-400.0, 200.0]]);
///
/// // In a struct field: the struct is generic over the closure's type.
/// struct Model<F> {
///     loss: F,
/// }
/// let model = Model { loss: function(|v: &[Value]| v[0].sin() * v[1]) };
/// assert_eq!(value_and_gradient(&model.loss, &[0.0, 2.0]).1, [2.0, 0.0]);
/// ```
pub fn function<F>(f: F) -> F
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    f
}

/// Returns `f` unchanged, typed as a function from values on any tape to values on the same
/// tape: the signature of [`jacobian`](crate::jacobian), fixed where the closure is written
/// (see [`function`]).
///
/// ```
/// use tapegrad::{jacobian, vector_function};
///
/// let polar = vector_function(|v| vec![v[0] * v[1].cos(), v[0] * v[1].sin()]);
/// assert_eq!(jacobian(&polar, &[2.0, 0.0]), [[1.0, 0.0], [0.0, 2.0]]);
/// ```
pub fn vector_function<F>(f: F) -> F
where
    F: for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>,
{
    f
}
