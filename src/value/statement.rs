//! A whole statement as one node: forward mode inside reverse mode.

use smallvec::SmallVec;

use crate::fast::Tape;
use crate::forward::{Dual, value_and_partials};
use crate::rules::Op;
use crate::value::Value;

impl Tape {
    /// Records `f(inputs)` as **one node**, whose backward pass costs one multiply-add an
    /// input, instead of a node for every operation inside `f`.
    ///
    /// `f` is written once on [`Dual`] numbers (or generically, on any
    /// [`Scalar`](crate::Scalar)); it runs once for each input, with that input's tangent set
    /// to 1, which gives the value and every partial derivative `df/dinput` at once. The node
    /// stores them, and `backward` passes `g * df/dinput` to each input, exactly as if the
    /// statement had been recorded op by op (to rounding: the partials are computed in
    /// forward mode, so they may differ in the last bits).
    ///
    /// Recording op by op is what lets a learner see every step, ask any intermediate value
    /// for its gradient, and take higher derivatives; a statement trades those for speed and
    /// memory. Give it a name with [`Value::label`] for graphs and traces, which show it as one
    /// box.
    ///
    /// ```
    /// use tapegrad::{Dual, Scalar, Tape};
    ///
    /// fn rosenbrock<S: Scalar>(x: S, y: S) -> S {
    ///     (x - 1.0) * (x - 1.0) + (y - x * x) * (y - x * x) * 100.0
    /// }
    ///
    /// let tape = Tape::new();
    /// let (x, y) = (tape.var(0.5), tape.var(2.0));
    /// let r = tape.statement(&[x, y], |v: &[Dual]| rosenbrock(v[0], v[1]));
    /// assert_eq!(tape.len(), 3); // x, y and the statement
    /// r.backward();
    /// assert_eq!(r.data(), rosenbrock(0.5, 2.0));
    /// // df/dx = 2 (x - 1) - 400 x (y - x²), df/dy = 200 (y - x²)
    /// assert_eq!((x.grad(), y.grad()), (-351.0, 350.0));
    /// ```
    ///
    /// # Panics
    /// If a value of `inputs` belongs to another tape. [`Value::gradient`] through a statement
    /// panics: the node holds its partial derivatives as numbers, not as values whose own
    /// derivatives are on the tape, so a second derivative would be wrong; record the
    /// statement op by op where higher derivatives are needed.
    #[must_use]
    #[track_caller]
    pub fn statement<'t>(&'t self, inputs: &[Value<'t>], f: impl Fn(&[Dual]) -> Dual) -> Value<'t> {
        if let [input] = *inputs {
            // One input: a fixed-layout node, recorded on the fast path as `x * k` is.
            let a = self.own(input);
            let y = f(&[Dual::new(input.data(), 1.0)]);
            let (value, derivative) = (y.value(), y.tangent());
            let index = self.record(Op::UnaryStatement, &[a], &[derivative], value);
            return Value::new(self, index, value);
        }
        let operands: SmallVec<[u32; 4]> = inputs.iter().map(|&v| self.own(v)).collect();
        let mut x: SmallVec<[Dual; 4]> = inputs.iter().map(|v| Dual::constant(v.data())).collect();
        let mut partials: SmallVec<[f64; 4]> = SmallVec::from_elem(0.0, inputs.len());
        let value = value_and_partials(&f, &mut x, &mut partials);
        let index =
            self.record_with(|n| n.push_variadic(Op::Statement, &operands, &partials, value));
        Value::new(self, index, value)
    }
}
