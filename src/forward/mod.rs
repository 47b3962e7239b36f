//! Forward mode: derivatives carried along with the values, by dual numbers.
//!
//! Reverse mode ([`Value`](crate::Value) and its tape) records a computation and sweeps it
//! backward once per output: one sweep gives the derivative by every input. Forward mode
//! runs the computation on [`Dual`] numbers, each a value and a tangent: one run gives the
//! derivative of every output along one direction in input space, with no tape at all.
//! So forward mode wins with few inputs (or for one directional derivative), reverse mode
//! with many inputs and few outputs.
//!
//! | helper | what | runs of `f`, for `n` inputs |
//! |---|---|---|
//! | [`jvp`] | the value and the derivative along a direction | 1 |
//! | [`value_and_gradient_forward`] | the value and the gradient | `n` |
//! | [`jacobian_forward`] | the Jacobian, one column per run | `n` |
//!
//! [`Jet<N>`](Jet) carries `N` tangents at once: seeded with one per input, a single run gives
//! the whole gradient of a function of `N` inputs (the width is fixed at compile time, so it
//! allocates nothing); [`Tape::statement_of`](crate::Tape::statement_of) records a statement
//! from one such run.
//!
//! Write the function once for every number type with [`Scalar`](crate::Scalar), or for
//! `Dual` alone as `|v: &[Dual]| ...`.

mod dual;
#[cfg(test)]
mod every_op_tests;
mod jet;

pub use dual::Dual;
pub use jet::Jet;

/// The value of `f` at `at` and its derivative along `direction`: `∇f(at) · direction`,
/// from one run of `f` on dual numbers (a Jacobian-vector product).
///
/// ```
/// use tapegrad::{Dual, jvp};
///
/// // f(x, y) = x² y, ∇f = (2xy, x²) = (12, 9) at (3, 2)
/// let (value, along) = jvp(|v: &[Dual]| v[0] * v[0] * v[1], &[3.0, 2.0], &[1.0, 1.0]);
/// assert_eq!((value, along), (18.0, 21.0));
/// ```
///
/// # Panics
/// If `direction` and `at` differ in length.
#[track_caller]
pub fn jvp(f: impl Fn(&[Dual]) -> Dual, at: &[f64], direction: &[f64]) -> (f64, f64) {
    assert_eq!(
        direction.len(),
        at.len(),
        "jvp needs a direction with one entry per input: the point has {} entries, the \
         direction {}",
        at.len(),
        direction.len()
    );
    let x: Vec<Dual> = at
        .iter()
        .zip(direction)
        .map(|(&x, &t)| Dual::new(x, t))
        .collect();
    let y = f(&x);
    (y.value(), y.tangent())
}

/// The value of `f` at `at` and its gradient, by one run of `f` on dual numbers per input
/// (the `i`-th run moves input `i` alone).
///
/// For a handful of inputs this needs no tape and beats
/// [`value_and_gradient`](crate::value_and_gradient); past a few tens of inputs the single
/// backward sweep of reverse mode wins (`docs/forward-or-reverse.md` measures where).
///
/// ```
/// // f(x, y) = x² y + y³: ∇f = (2xy, x² + 3y²)
/// let (value, grad) =
///     tapegrad::value_and_gradient_forward(|v| v[0] * v[0] * v[1] + v[1].powi(3), &[2.0, 1.0]);
/// assert_eq!((value, grad), (5.0, vec![4.0, 7.0]));
/// ```
pub fn value_and_gradient_forward(f: impl Fn(&[Dual]) -> Dual, at: &[f64]) -> (f64, Vec<f64>) {
    let mut x: Vec<Dual> = at.iter().map(|&x| Dual::constant(x)).collect();
    let mut gradient = vec![0.0; at.len()];
    let value = value_and_partials(&f, &mut x, &mut gradient);
    (value, gradient)
}

/// The value of `f` at the point held by `x` (whose tangents must be 0) and, into
/// `partials`, its partial derivative by each input: one run of `f` per input, each with a
/// tangent of 1 on that input alone (one run when there are no inputs). `x` is left as it
/// was given. Allocates nothing, so it can run once per recorded statement.
///
/// # Panics
/// If `partials` and `x` differ in length.
pub(crate) fn value_and_partials(
    f: &impl Fn(&[Dual]) -> Dual,
    x: &mut [Dual],
    partials: &mut [f64],
) -> f64 {
    assert_eq!(partials.len(), x.len(), "one partial derivative per input");
    if x.is_empty() {
        return f(x).value();
    }
    let mut value = 0.0;
    for i in 0..x.len() {
        x[i] = Dual::new(x[i].value(), 1.0);
        let y = f(x);
        x[i] = Dual::constant(x[i].value());
        (value, partials[i]) = (y.value(), y.tangent());
    }
    value
}

/// The Jacobian of a function with several outputs, in forward mode: `j[i][k]` =
/// d(output i)/d(input k), an `m x n` matrix for `m` outputs and `n` inputs, as
/// [`jacobian`](crate::jacobian) gives it.
///
/// One run of `f` on dual numbers per input gives one column: the right tool when there are
/// fewer inputs than outputs (a residual vector of a few parameters, say), where reverse
/// mode needs one sweep per output.
///
/// ```
/// use tapegrad::{Dual, jacobian_forward};
///
/// // Polar to Cartesian: (r, θ) -> (r cos θ, r sin θ).
/// let j = jacobian_forward(|v: &[Dual]| vec![v[0] * v[1].cos(), v[0] * v[1].sin()], &[2.0, 0.0]);
/// assert_eq!(j, [[1.0, 0.0], [0.0, 2.0]]); // [[cos θ, -r sin θ], [sin θ, r cos θ]]
/// ```
///
/// # Panics
/// If `f` returns a different number of outputs from one run to the next.
#[track_caller]
pub fn jacobian_forward(f: impl Fn(&[Dual]) -> Vec<Dual>, at: &[f64]) -> Vec<Vec<f64>> {
    let n = at.len();
    let mut x: Vec<Dual> = at.iter().map(|&x| Dual::constant(x)).collect();
    let mut j: Vec<Vec<f64>> = Vec::new();
    for k in 0..n {
        x[k] = Dual::new(at[k], 1.0);
        let outputs = f(&x);
        x[k] = Dual::constant(at[k]);
        if k == 0 {
            j = vec![vec![0.0; n]; outputs.len()];
        }
        assert_eq!(
            outputs.len(),
            j.len(),
            "jacobian_forward runs f once per input and needs the same number of outputs \
             each time: the first run gave {}, run {} gave {}",
            j.len(),
            k + 1,
            outputs.len()
        );
        for (row, y) in j.iter_mut().zip(&outputs) {
            row[k] = y.tangent();
        }
    }
    if n == 0 {
        j = vec![Vec::new(); f(&x).len()];
    }
    j
}
