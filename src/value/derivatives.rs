//! Derivatives of a closure at a point: gradient, Hessian, Hessian-vector product, Jacobian.
//!
//! Each helper creates one tape, puts the point on it as variables, records the closure once
//! and reads what it needs from that single recording. The closure works on any tape
//! (`for<'t> Fn(&[Value<'t>]) -> ...`), so the same code serves every helper. Pass a closure
//! inline, or name the function with its lifetime spelled out, so that Rust sees that the
//! output lives on the inputs' tape: `fn f<'t>(x: &[Value<'t>]) -> Value<'t>`. (A closure
//! stored in a `let` first does not get that signature, and fails to compile with "lifetime
//! may not live long enough".)
//!
//! Costs, for a closure that records `N` nodes on `n` inputs:
//!
//! | helper | work |
//! |---|---|
//! | [`value_and_gradient`] | the recording and one backward sweep: `O(N)` |
//! | [`hessian`] | one [`Value::gradient`] (`O(N)` new nodes) and `n` backward sweeps: `O(n N)` |
//! | [`hessian_vector_product`] | one `gradient` and one backward sweep: `O(N)`, whatever `n` |
//! | [`jacobian`] of `m` outputs | one backward sweep per output: `O(m N)` |

use crate::fast::Tape;
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
/// # Panics
/// If `f` returns a value that lives on a tape of its own rather than on the inputs' tape.
#[track_caller]
pub fn value_and_gradient(
    f: impl for<'t> Fn(&[Value<'t>]) -> Value<'t>,
    at: &[f64],
) -> (f64, Vec<f64>) {
    let tape = Tape::new();
    let x = vars(&tape, at);
    let y = own(&tape, f(&x));
    y.backward();
    (y.data(), grads(&x))
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
/// If `f` returns a value that lives on a tape of its own rather than on the inputs' tape.
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
/// own rather than on the inputs' tape.
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

/// The Jacobian of a function with several outputs: `j[i][k]` = d(output i)/d(input k), an
/// `m x n` matrix for `m` outputs and `n` inputs.
///
/// Reverse mode gives one row per backward sweep, so it costs one sweep per output: the
/// right tool when there are fewer outputs than inputs.
///
/// ```
/// // Polar to Cartesian: (r, θ) -> (r cos θ, r sin θ).
/// let j = tapegrad::jacobian(|v| vec![v[0] * v[1].cos(), v[0] * v[1].sin()], &[2.0, 0.0]);
/// assert_eq!(j, [[1.0, 0.0], [0.0, 2.0]]); // [[cos θ, -r sin θ], [sin θ, r cos θ]]
/// ```
///
/// # Panics
/// If `f` returns a value that lives on a tape of its own rather than on the inputs' tape.
#[track_caller]
pub fn jacobian(f: impl for<'t> Fn(&[Value<'t>]) -> Vec<Value<'t>>, at: &[f64]) -> Vec<Vec<f64>> {
    let tape = Tape::new();
    let x = vars(&tape, at);
    f(&x)
        .into_iter()
        .map(|output| {
            own(&tape, output).backward();
            grads(&x)
        })
        .collect()
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
/// leave the inputs' gradients stale, and the helpers would return them silently.
#[track_caller]
fn own<'t>(tape: &Tape, y: Value<'t>) -> Value<'t> {
    assert!(
        std::ptr::eq(tape, y.tape()),
        "the closure returned a Value from a tape of its own: compute the outputs from the \
         input Values the helper passes in, so that they are recorded on the same tape"
    );
    y
}
