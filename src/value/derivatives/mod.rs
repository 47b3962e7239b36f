//! Derivatives of a closure at a point: gradient, Hessian, Hessian-vector product, Jacobian.
//!
//! Each helper creates one tape, puts the point on it as variables, records the closure once
//! and reads what it needs from that single recording ([`Gradient`] keeps its tape from call
//! to call, for loops). The closure works on any tape
//! (`for<'t> Fn(&[Value<'t>]) -> ...`), so the same code serves every helper. Pass a closure
//! inline, name a function with its lifetime spelled out
//! (`fn f<'t>(x: &[Value<'t>]) -> Value<'t>`), or keep a closure in a variable or a field
//! after passing it through [`function`] or [`vector_function`], which give it that signature.
//!
//! Costs, for a closure that records `N` nodes on `n` inputs:
//!
//! | helper | work |
//! |---|---|
//! | [`value_and_gradient`] | the recording and one backward sweep: `O(N)` |
//! | [`hessian`] | one [`Value::gradient`] (`O(N)` new nodes) and `n` backward sweeps: `O(n N)` |
//! | [`value_gradient_and_hessian`] | the same as [`hessian`], the value and gradient included |
//! | [`hessian_vector_product`] | one `gradient` and one backward sweep: `O(N)`, whatever `n` |
//! | [`jacobian`] of `m` outputs | `min(m, n)` sweeps: `O(min(m, n) N)` |
//! | [`value_and_jacobian`] | the same as [`jacobian`], the outputs included |
//! | [`Gradient::at`] | as [`value_and_gradient`], on a tape kept from call to call |

mod in_a_loop;
mod jacobian;
mod over;
mod pin;

pub use in_a_loop::Gradient;
pub use jacobian::{jacobian, value_and_jacobian};
pub use pin::{function, vector_function};

use crate::fast::Tape;
use crate::scalar::Scalar;
use crate::value::Value;

/// The value of `f` at `at` and its gradient there, from one backward sweep.
///
/// ```
/// // f(x, y) = x² y + y³, so df/dx = 2 x y, df/dy = x² + 3 y²
/// let (value, grad) =
///     tapegrad::value_and_gradient(|v| v[0] * v[0] * v[1] + v[1].powi(3), &[2.0, 1.0]);
/// assert_eq!(value, 5.0);
/// assert_eq!(grad, [4.0, 7.0]);
/// ```
///
/// The point can be of any [`Scalar`] type, so that this reverse-mode gradient nests inside
/// another differentiation, each with its own perturbation. `f` is recorded at the point's
/// numbers, the recording replayed on the point's own type, and swept backwards on it:
///
/// - at [`Dual`](crate::Dual)s, forward over reverse: each entry of the gradient carries its
///   derivative along the duals' direction, which makes the tangents a Hessian-vector product;
/// - at [`Value`]s of another tape, reverse over reverse: the gradient is recorded there, to
///   be differentiated again.
///
/// ```
/// use tapegrad::{Dual, Tape, Value, value_and_gradient};
///
/// // f(x, y) = x² y: gradient (2xy, x²), Hessian [[2y, 2x], [2x, 0]].
/// fn f<'t>(v: &[Value<'t>]) -> Value<'t> {
///     v[0] * v[0] * v[1]
/// }
/// // At (3, 2) along (1, 0): the gradient (12, 9), and H (1, 0) = (4, 6).
/// let (_, g) = value_and_gradient(f, &[Dual::new(3.0, 1.0), Dual::new(2.0, 0.0)]);
/// assert_eq!((g[0].value(), g[1].value()), (12.0, 9.0));
/// assert_eq!((g[0].tangent(), g[1].tangent()), (4.0, 6.0));
///
/// // The gradient as values of an outer tape: d/dx (df/dx) = 2y.
/// let outer = Tape::new();
/// let (x, y) = (outer.var(3.0), outer.var(2.0));
/// let (_, g) = value_and_gradient(f, &[x, y]);
/// g[0].backward();
/// assert_eq!((g[0].data(), x.grad(), y.grad()), (12.0, 4.0, 6.0));
/// ```
///
/// # Panics
/// If `f` returns a value that lives on a tape of its own rather than on the inputs' tape;
/// at a point of duals or values, if `f` records a [statement](Tape::statement), whose
/// partials are numbers at the recorded point.
#[track_caller]
pub fn value_and_gradient<S: Scalar>(
    f: impl for<'t> Fn(&[Value<'t>]) -> Value<'t>,
    at: &[S],
) -> (S, Vec<S>) {
    let Some(at) = S::as_numbers(at) else {
        return over::value_and_gradient_over(f, at);
    };
    let tape = Tape::new();
    let x = vars(&tape, at);
    let y = own(&tape, f(&x));
    y.backward();
    (
        S::from(y.data()),
        grads(&x).into_iter().map(S::from).collect(),
    )
}

/// The Hessian of `f` at `at`: `h[i][j]` = d²f / dx_i dx_j, an `n x n` matrix for `n` inputs.
///
/// It records the gradient with [`Value::gradient`], then runs one backward sweep from each
/// of its `n` entries (each sweep gives one row). For a large `n` where only products with
/// a direction are needed, [`hessian_vector_product`] costs one sweep instead of `n`.
///
/// The two halves are computed separately (`h[i][j]` from the `i`-th gradient entry,
/// `h[j][i]` from the `j`-th), so they agree up to rounding, not always to the bit.
///
/// ```
/// use tapegrad::Value;
///
/// // Rosenbrock's function; at its minimum (1, 1) the Hessian is [[802, -400], [-400, 200]].
/// fn rosenbrock<'t>(v: &[Value<'t>]) -> Value<'t> {
///     (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2)
/// }
/// let h = tapegrad::hessian(rosenbrock, &[1.0, 1.0]);
/// assert_eq!(h, [[802.0, -400.0], [-400.0, 200.0]]);
/// ```
///
/// # Panics
/// If `f` returns a value that lives on a tape of its own rather than on the inputs' tape; or if `f` records a
/// [statement](Tape::statement), whose partials are numbers with no derivatives of their own
/// on the tape (record the statement op by op for higher derivatives).
#[track_caller]
pub fn hessian(f: impl for<'t> Fn(&[Value<'t>]) -> Value<'t>, at: &[f64]) -> Vec<Vec<f64>> {
    let tape = Tape::new();
    let x = vars(&tape, at);
    let gradient = own(&tape, f(&x)).gradient(&x);
    gradient
        .iter()
        .map(|partial| {
            partial.backward();
            grads(&x)
        })
        .collect()
}

/// The value, the gradient and the Hessian of `f` at `at`, from one recording: what a Newton
/// step needs.
///
/// It records `f` once, records its gradient with [`Value::gradient`], and runs one backward
/// sweep from each gradient entry, as [`hessian`] does; the value and the gradient are read
/// off the same recording, instead of recording `f` again for [`value_and_gradient`]. The
/// gradient is `gradient`'s, which differs from `backward`'s only where an unused NaN is
/// multiplied by zero (see the crate docs, "Higher derivatives").
///
/// ```
/// use tapegrad::Value;
///
/// // f(x, y) = x² y + y³: gradient (2 x y, x² + 3 y²), Hessian [[2y, 2x], [2x, 6y]]
/// let (value, gradient, hessian) =
///     tapegrad::value_gradient_and_hessian(|v| v[0] * v[0] * v[1] + v[1].powi(3), &[1.0, 2.0]);
/// assert_eq!(value, 10.0);
/// assert_eq!(gradient, [4.0, 13.0]);
/// assert_eq!(hessian, [[4.0, 2.0], [2.0, 12.0]]);
///
/// // One Newton step on a quadratic lands on its minimum: x - H⁻¹ g.
/// fn bowl<'t>(v: &[Value<'t>]) -> Value<'t> {
///     (v[0] - 3.0).powi(2) * 2.0
/// }
/// let (_, g, h) = tapegrad::value_gradient_and_hessian(bowl, &[10.0]);
/// assert_eq!(10.0 - g[0] / h[0][0], 3.0);
/// ```
///
/// # Panics
/// If `f` returns a value that lives on a tape of its own rather than on the inputs' tape; or if `f` records a
/// [statement](Tape::statement), whose partials are numbers with no derivatives of their own
/// on the tape (record the statement op by op for higher derivatives).
#[track_caller]
pub fn value_gradient_and_hessian(
    f: impl for<'t> Fn(&[Value<'t>]) -> Value<'t>,
    at: &[f64],
) -> (f64, Vec<f64>, Vec<Vec<f64>>) {
    let tape = Tape::new();
    let x = vars(&tape, at);
    let y = own(&tape, f(&x));
    let gradient = y.gradient(&x);
    let hessian = gradient
        .iter()
        .map(|partial| {
            partial.backward();
            grads(&x)
        })
        .collect();
    (
        y.data(),
        gradient.iter().map(|g| g.data()).collect(),
        hessian,
    )
}

/// The Hessian of `f` at `at` times the vector `v`, without forming the Hessian.
///
/// Reverse over reverse: it records the gradient `g` once with [`Value::gradient`], then
/// one backward sweep of the scalar `g · v` gives `H v`, since d(g · v)/dx_j =
/// `sum_i v_i d²f/dx_i dx_j`. The cost is that of about one gradient, whatever the number of
/// inputs, where [`hessian`] needs one sweep per input.
///
/// ```
/// // f(x, y) = x² y: H = [[2y, 2x], [2x, 0]], so at (3, 2), H (1, 10) = (4 + 60, 6).
/// let hv = tapegrad::hessian_vector_product(|v| v[0] * v[0] * v[1], &[3.0, 2.0], &[1.0, 10.0]);
/// assert_eq!(hv, [64.0, 6.0]);
/// ```
///
/// # Panics
/// If `v` and `at` differ in length, or if `f` returns a value that lives on a tape of its
/// own rather than on the inputs' tape; or if `f` records a
/// [statement](Tape::statement), whose partials are numbers with no derivatives of their own
/// on the tape (record the statement op by op for higher derivatives).
#[track_caller]
pub fn hessian_vector_product(
    f: impl for<'t> Fn(&[Value<'t>]) -> Value<'t>,
    at: &[f64],
    v: &[f64],
) -> Vec<f64> {
    assert_eq!(
        v.len(),
        at.len(),
        "hessian_vector_product needs a direction with one entry per input: the point has {} \
         entries, the direction {}",
        at.len(),
        v.len()
    );
    let tape = Tape::new();
    let x = vars(&tape, at);
    let gradient = own(&tape, f(&x)).gradient(&x);
    let along_v = tape.sum(gradient.iter().zip(v).map(|(&g, &vi)| g * vi));
    along_v.backward();
    grads(&x)
}

/// One variable per coordinate, created one after another.
fn vars<'t>(tape: &'t Tape, at: &[f64]) -> Vec<Value<'t>> {
    at.iter().map(|&x| tape.var(x)).collect()
}

/// The gradient of the last backward sweep, read off the inputs.
fn grads(x: &[Value<'_>]) -> Vec<f64> {
    x.iter().map(|x| x.grad()).collect()
}

/// `y`, after checking that it lives on `tape`: a backward sweep on another tape would
/// leave the inputs' gradients stale, and the helpers would return them silently. A constant
/// on no tape (a function that ignores its inputs) joins `tape` as a leaf, with zero
/// derivatives.
#[track_caller]
fn own<'t>(tape: &'t Tape, y: Value<'t>) -> Value<'t> {
    if y.is_constant() {
        return tape.constant(y.data());
    }
    assert!(
        std::ptr::eq(tape, y.tape()),
        "the closure returned a Value from a tape of its own: compute the outputs from the \
         input Values the helper passes in, so that they are recorded on the same tape"
    );
    y
}
