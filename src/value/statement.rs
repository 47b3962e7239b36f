//! A whole statement as one node: forward mode inside reverse mode.

use smallvec::SmallVec;

use crate::fast::Tape;
use crate::forward::{Dual, Jet, value_and_partials};
use crate::rules::Op;
use crate::value::Value;

impl Tape {
    /// Records `f(inputs)` as **one node**, whose backward pass costs one multiply-add an
    /// input, instead of a node for every operation inside `f`.
    ///
    /// `f` is written once on [`Dual`] numbers (or generically, on any
    /// [`Scalar`](crate::Scalar)); it runs once for each input, with that input's tangent set
    /// to 1, which gives the value and every partial derivative `df/dinput`. So a statement of
    /// several inputs costs as many runs of `f`: where the number of inputs is known when
    /// compiling, [`statement_of`](Tape::statement_of) runs `f` once for all of them (and
    /// [`statements_of`](Tape::statements_of) gives several outputs from that one run). The node
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

    /// Records `f(inputs)` as **one node**, as [`statement`](Tape::statement) does, from a
    /// **single run** of `f` for any number of inputs.
    ///
    /// `f` takes the `N` inputs as [`Jet`]s, numbers that carry `N` tangents side by side:
    /// input `i` has tangent 1 in lane `i`, so one run gives the value and every partial
    /// derivative `df/dinput`. The node stores them, and `backward` passes `g * df/dinput` to
    /// each input, exactly as if the statement had been recorded op by op (to rounding: the
    /// partials are computed in forward mode, so they may differ in the last bits). A
    /// statement of one input is the same fixed-size node as `statement` records for it.
    ///
    /// `f` can be written once for every number type with [`Scalar`](crate::Scalar) (then it
    /// runs on `f64` and `Value` too), or for jets alone.
    ///
    /// ```
    /// use tapegrad::{Jet, Scalar, Tape};
    ///
    /// // A Cauchy negative log-likelihood term: ln(1 + ((x - μ)/γ)²) + ln γ.
    /// fn cauchy<S: Scalar>([x, mu, gamma]: [S; 3]) -> S {
    ///     let z = (x - mu) / gamma;
    ///     (z * z).ln_1p() + gamma.ln()
    /// }
    ///
    /// let tape = Tape::new();
    /// let (x, mu, gamma) = (tape.var(3.0), tape.var(1.0), tape.var(2.0));
    /// let y = tape.statement_of([x, mu, gamma], cauchy::<Jet<3>>);
    /// assert_eq!(tape.len(), 4); // the three inputs and the statement
    /// y.backward();
    /// assert_eq!(y.data(), cauchy([3.0, 1.0, 2.0]));
    /// // With z = (x - μ)/γ = 1: d/dx = 2z / (γ (1 + z²)) = 1/2, d/dμ = -1/2,
    /// // d/dγ = -2z² / (γ (1 + z²)) + 1/γ = 0.
    /// let close = |a: f64, b: f64| (a - b).abs() < 1e-15;
    /// assert!(close(x.grad(), 0.5) && close(mu.grad(), -0.5) && close(gamma.grad(), 0.0));
    /// ```
    ///
    /// # Panics
    /// If a value of `inputs` belongs to another tape; and [`Value::gradient`] through the
    /// statement, as for [`statement`](Tape::statement).
    #[must_use]
    #[track_caller]
    pub fn statement_of<'t, const N: usize>(
        &'t self,
        inputs: [Value<'t>; N],
        f: impl Fn([Jet<N>; N]) -> Jet<N>,
    ) -> Value<'t> {
        let operands = self.own_all(&inputs);
        let y = f(jets(&inputs));
        self.record_jet(&operands, y)
    }

    /// Records the `M` outputs of `f(inputs)` as **one node each**, from a **single run** of
    /// `f`: a statement with several results, such as a recurrent cell's new hidden and cell
    /// states, computed together as they would be in `f64` code.
    ///
    /// It is [`statement_of`](Tape::statement_of) for `f` returning an array: `f` runs once
    /// on the inputs as [`Jet`]s, and output `j` becomes a node holding its value and its
    /// partial derivative by each input. Each output's `backward` (or a later node using
    /// several of them) then treats it as if it had been recorded op by op.
    ///
    /// ```
    /// use tapegrad::{Jet, Tape};
    ///
    /// // Polar to Cartesian: (r, θ) -> (r cos θ, r sin θ).
    /// let tape = Tape::new();
    /// let (r, theta) = (tape.var(2.0), tape.var(0.0));
    /// let [x, y] = tape.statements_of([r, theta], |[r, theta]: [Jet<2>; 2]| {
    ///     let (sin, cos) = theta.sin_cos();
    ///     [r * cos, r * sin]
    /// });
    /// assert_eq!((x.data(), y.data()), (2.0, 0.0));
    /// assert_eq!(tape.len(), 4); // two inputs, one node per output
    /// y.backward();
    /// assert_eq!((r.grad(), theta.grad()), (0.0, 2.0)); // sin θ, r cos θ
    /// x.backward();
    /// assert_eq!((r.grad(), theta.grad()), (1.0, 0.0)); // cos θ, -r sin θ
    /// ```
    ///
    /// # Panics
    /// If a value of `inputs` belongs to another tape; and [`Value::gradient`] through one of
    /// the outputs, as for [`statement`](Tape::statement).
    #[must_use]
    #[track_caller]
    pub fn statements_of<'t, const N: usize, const M: usize>(
        &'t self,
        inputs: [Value<'t>; N],
        f: impl Fn([Jet<N>; N]) -> [Jet<N>; M],
    ) -> [Value<'t>; M] {
        let operands = self.own_all(&inputs);
        let outputs = f(jets(&inputs));
        let mut values = [Value::from(0.0); M];
        for (value, y) in values.iter_mut().zip(outputs) {
            *value = self.record_jet(&operands, y);
        }
        values
    }

    /// The node of each of `inputs`, after checking they live on this tape.
    #[inline(always)]
    #[track_caller]
    fn own_all<const N: usize>(&self, inputs: &[Value<'_>; N]) -> [u32; N] {
        // PERF: a loop rather than `array::map`, which the compiler can leave as a call.
        let mut operands = [0; N];
        for (operand, &input) in operands.iter_mut().zip(inputs) {
            *operand = self.own(input);
        }
        operands
    }

    /// Records one statement node on `operands`, with `y`'s value and its tangents as the
    /// partials (the fixed-layout node for one operand).
    #[inline]
    #[track_caller]
    fn record_jet<'t, const N: usize>(&'t self, operands: &[u32; N], y: Jet<N>) -> Value<'t> {
        let (value, partials) = (y.value(), y.tangents());
        let index = if N == 1 {
            self.record(Op::UnaryStatement, operands, &partials, value)
        } else {
            self.record_with(|n| n.push_statement(operands, &partials, value))
        };
        Value::new(self, index, value)
    }
}

/// The inputs of a statement as jets: input `i` with tangent 1 in lane `i`.
#[inline(always)]
fn jets<const N: usize>(inputs: &[Value<'_>; N]) -> [Jet<N>; N] {
    let mut jets = [Jet::constant(0.0); N];
    for (i, (jet, input)) in jets.iter_mut().zip(inputs).enumerate() {
        let mut tangents = [0.0; N];
        tangents[i] = 1.0;
        *jet = Jet::new(input.data(), tangents);
    }
    jets
}
