//! Gradients in a loop: one tape and its buffers, kept from call to call.
//!
//! [`value_and_gradient`](crate::value_and_gradient) makes a new tape, a new vector of inputs
//! and a new vector for the gradient at every call: on a 1000-point least-squares loss, 33
//! allocations and 2.9 times the time of a call on a reused tape (`benches/gradient_loop.rs`).
//! [`Gradient`] keeps all three: each call clears the tape (which keeps its memory), records
//! the closure again, sweeps, and writes the gradient into the buffer it returns.

use super::own;
use crate::fast::Tape;
use crate::value::Value;

/// The gradient of one closure at point after point, on one tape kept from call to call: the
/// idiom for gradients in a loop.
///
/// [`Gradient::new`] takes the closure as [`value_and_gradient`](crate::value_and_gradient)
/// takes it; [`at`](Gradient::at) records it at a point, runs one backward sweep and returns
/// the value and the gradient. After its first call, a call that records no more than the
/// longest recording before it allocates nothing (the closure's own allocations aside): the
/// tape is cleared, not dropped, and the inputs and the gradient are written into vectors
/// kept from the last call.
///
/// ```
/// use tapegrad::Gradient;
///
/// // Gradient descent on f(x, y) = (x - 1)² + 10 (y + 2)², minimum at (1, -2).
/// let mut grad = Gradient::new(|v| (v[0] - 1.0).powi(2) + 10.0 * (v[1] + 2.0).powi(2));
/// let mut x = vec![0.0, 0.0];
/// for _ in 0..200 {
///     let (_, g) = grad.at(&x);
///     for (xi, gi) in x.iter_mut().zip(g) {
///         *xi -= 0.04 * gi;
///     }
/// }
/// assert!((x[0] - 1.0).abs() < 1e-6 && (x[1] + 2.0).abs() < 1e-6);
///
/// // The gradient is exact: (2 (x - 1), 20 (y + 2)).
/// let (value, g): (f64, &[f64]) = grad.at(&[3.0, 0.0]);
/// assert_eq!((value, g), (44.0, &[4.0, 40.0][..]));
/// ```
///
/// # Why a loop cannot keep its own `Vec<Value>`
///
/// Reusing a tape by hand means [`Tape::clear`] at each step, and the inputs made again
/// after it. Keeping their vector outside the loop, to spare its allocation, does not
/// compile, even with the vector emptied before each `clear`:
///
/// ```compile_fail
/// use tapegrad::{Tape, Value};
///
/// let mut tape = Tape::new();
/// let mut inputs: Vec<Value> = Vec::new();
/// for step in 0..3 {
///     inputs.clear();
///     tape.clear(); // error[E0502]: cannot borrow `tape` as mutable because it is also
///                   // borrowed as immutable
///     inputs.extend([tape.var(step as f64), tape.var(1.0)]);
///     (inputs[0] * inputs[1]).backward();
/// }
/// ```
///
/// A `Value<'t>` borrows its tape for `'t`, and `clear` takes `&mut self`, which no borrow
/// may overlap. The vector has one type, `Vec<Value<'t>>`, for the whole loop, so its `'t`
/// must last as long as the vector is used: from the first iteration's `var` to the last
/// iteration, across every `clear` in between. The borrow checker reasons from the type, not
/// from what the vector holds, so emptying it does not end the borrow. What can be kept
/// across `clear` is what holds no `Value`: numbers (a model's parameters as `f64`s, as the
/// [`nn`](crate::nn) module keeps them), indices, and memory. A vector made inside the loop
/// compiles, and allocates at every step; `Gradient` keeps the vector's memory instead,
/// empty between calls, and hands it to the next call's inputs.
pub struct Gradient<F> {
    f: F,
    tape: Tape,
    /// Empty between calls: only its memory is kept, for the next call's inputs.
    inputs: Vec<Value<'static>>,
    gradient: Vec<f64>,
}

impl<F> Gradient<F>
where
    F: for<'t> Fn(&[Value<'t>]) -> Value<'t>,
{
    /// Wraps `f`, which gets the point's coordinates as values and returns the function's
    /// value, on the same tape. Nothing is recorded or allocated until the first
    /// [`at`](Gradient::at).
    ///
    /// ```
    /// use tapegrad::{Gradient, Value};
    ///
    /// // A named function needs its lifetime written out, as for `value_and_gradient`.
    /// fn rosenbrock<'t>(v: &[Value<'t>]) -> Value<'t> {
    ///     (1.0 - v[0]).powi(2) + 100.0 * (v[1] - v[0] * v[0]).powi(2)
    /// }
    /// let mut grad = Gradient::new(rosenbrock);
    /// assert_eq!(grad.at(&[1.0, 1.0]), (0.0, &[0.0, 0.0][..]));
    /// ```
    pub fn new(f: F) -> Self {
        Gradient {
            f,
            tape: Tape::new(),
            inputs: Vec::new(),
            gradient: Vec::new(),
        }
    }

    /// The value of the closure at `x` and its gradient there, from one recording and one
    /// backward sweep on the kept tape. The gradient is borrowed from `self` until the next
    /// call; copy it (`g.to_vec()`) to keep it longer.
    ///
    /// The point may change length from call to call; the buffers grow to the longest.
    ///
    /// ```
    /// let mut grad = tapegrad::Gradient::new(|v| v[0] * v[1].sin());
    /// let (value, g) = grad.at(&[2.0, 0.0]);
    /// assert_eq!((value, g), (0.0, &[0.0, 2.0][..])); // (sin y, x cos y)
    /// ```
    ///
    /// # Panics
    /// If the closure returns a value that lives on a tape of its own rather than on the
    /// inputs' tape, or panics itself. The next call starts afresh either way.
    #[track_caller]
    pub fn at(&mut self, x: &[f64]) -> (f64, &[f64]) {
        self.tape.clear();
        let tape = &self.tape;
        let mut inputs = recycle(std::mem::take(&mut self.inputs));
        inputs.extend(x.iter().map(|&xi| tape.var(xi)));
        let y = own(tape, (self.f)(&inputs));
        y.backward();
        self.gradient.clear();
        self.gradient.extend(inputs.iter().map(|v| v.grad()));
        self.inputs = recycle(inputs);
        (y.data(), &self.gradient)
    }
}

impl<F> std::fmt::Debug for Gradient<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gradient")
            .field("tape", &self.tape)
            .field("gradient", &self.gradient)
            .finish_non_exhaustive()
    }
}

/// An empty vector in `values`' memory, for values of any other lifetime.
///
/// `Vec`'s `collect` from its own `into_iter` writes into the same allocation when the
/// element types have the same size and alignment, as two lifetimes of one type do; the
/// vector is emptied first, so the closure is never called. The allocation test of
/// `Gradient` (`tests/gradients_in_a_loop.rs`) checks that nothing is allocated here.
fn recycle<'a, 'b>(mut values: Vec<Value<'a>>) -> Vec<Value<'b>> {
    values.clear();
    values
        .into_iter()
        .map(|_| unreachable!("the vector was emptied"))
        .collect()
}
