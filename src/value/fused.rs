//! Fused nodes: one node for a whole sum, dot product (of values, or of values with numbers)
//! or neuron.
//!
//! `a + b + c + d` records three nodes; `tape.sum([a, b, c, d])` records one, with one rule
//! (`d/da_i = 1`), and so does `iter.sum()`. That saves memory and time on long sums, and the
//! gradient is the same.

use std::fmt;
use std::iter::{Product, Sum};

use crate::Scalar;
use crate::fast::Tape;
use crate::rules::Op;
use crate::value::Value;

impl Tape {
    /// The sum of any number of values, as one node (`0.0` for none).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let xs: Vec<_> = (1..=4).map(|i| tape.var(i as f64)).collect();
    /// let total = tape.sum(xs.iter().map(|&x| x * x));
    /// total.backward();
    /// assert_eq!(total.data(), 30.0);
    /// assert_eq!(xs[2].grad(), 6.0);
    /// ```
    ///
    /// # Panics
    /// If a value belongs to another tape.
    #[must_use]
    #[track_caller]
    pub fn sum<'t>(&'t self, values: impl IntoIterator<Item = Value<'t>>) -> Value<'t> {
        // While the operands are every `step`-th node from `first` on (a sum over a loop body
        // that records the same nodes for each item), three numbers describe them all and the
        // node is a `SumStride`; the first operand out of step moves them onto the scratch
        // stack, and the node is a plain `Sum`.
        let frame = ScratchFrame::open(self);
        let (mut first, mut step, mut n) = (0, 0, 0u32);
        // The index the next operand needs to keep the stride: none (u64::MAX) until two
        // operands have set it, or once one has broken it. Most operands take the first
        // branch below, which keeps the loop's state small: the iterator's `next` may call
        // out (the `tanh` in `xs.iter().map(|x| x.tanh()).sum()`), and the state goes to
        // memory and back around each such call. The cheap-gradient benchmark
        // (`benches/cheap_gradient.rs`) recorded 5% slower with the state in an enum.
        let mut next = u64::MAX;
        let mut listed = false;
        let mut total = 0.0;
        for v in values {
            // The iterator may record nodes itself (even other sums, which use the scratch
            // stack above `from` and pop their part before returning), so take the storage
            // once per item, never across a call to `next`.
            let index = self.own(v);
            total += v.data();
            if u64::from(index) == next {
                n = one_more_term(n);
                next += u64::from(step);
                continue;
            }
            if listed {
                self.record_with(|nodes| nodes.push_scratch([index].into_iter()));
            } else if n == 0 {
                (first, n) = (index, 1);
            } else if n == 1 && index >= first {
                (step, n) = (index - first, 2);
                next = u64::from(index) + u64::from(step);
            } else {
                self.record_with(|nodes| {
                    nodes.push_scratch((0..n).map(|k| first + k * step))?;
                    nodes.push_scratch([index].into_iter())
                });
                (listed, next) = (true, u64::MAX);
            }
        }
        let (index, value) = if n > 0 && !listed {
            let index = self.record(Op::SumStride, &[first, step, n], &[], total);
            (index, total)
        } else {
            self.record_with(|nodes| nodes.push_variadic_from_scratch(Op::Sum, frame.from))
        };
        Value::new(self, index, value)
    }

    /// The dot product `a_1 b_1 + ... + a_n b_n`, as one node.
    ///
    /// Both sides are values; for values against numbers (parameters against a row of
    /// data), [`dot_const`](Tape::dot_const) stores the numbers in the node instead.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let w = [tape.var(1.0), tape.var(2.0)];
    /// let x = [tape.var(3.0), tape.var(4.0)];
    /// let y = tape.dot(&w, &x);
    /// y.backward();
    /// assert_eq!(y.data(), 11.0);
    /// assert_eq!((w[1].grad(), x[1].grad()), (4.0, 2.0));
    /// ```
    ///
    /// # Panics
    /// If the slices differ in length, or a value belongs to another tape.
    #[must_use]
    #[track_caller]
    pub fn dot<'t>(&'t self, a: &[Value<'t>], b: &[Value<'t>]) -> Value<'t> {
        assert_eq!(
            a.len(),
            b.len(),
            "dot needs two slices of the same length, got {} and {}",
            a.len(),
            b.len()
        );
        let frame = ScratchFrame::open(self);
        for &v in a.iter().chain(b) {
            let index = self.own(v);
            self.record_with(|n| n.push_scratch([index].into_iter()));
        }
        let (index, value) =
            self.record_with(|n| n.push_variadic_from_scratch(Op::Dot, frame.from));
        Value::new(self, index, value)
    }

    /// The dot product `a_1 k_1 + ... + a_n k_n` of values with numbers, as one node that
    /// stores the numbers: a model's parameters against a row of data, weights against fixed
    /// features. Its backward pass is one multiply-add a term (`a_i` receives `g k_i`).
    ///
    /// `f64` code's `a.iter().zip(k).map(|(a, k)| a * k).sum()` ports unchanged too, and
    /// records a product node a term and a sum; this is one node, with the same value to the
    /// rounding (the terms are added in the order [`dot`](Tape::dot) adds them).
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let theta = [tape.var(0.5), tape.var(-1.0), tape.var(2.0)];
    /// let row = [1.0, 3.0, 0.25];
    /// let before = tape.len();
    /// let y = tape.dot_const(&theta, &row); // 0.5 - 3 + 0.5
    /// assert_eq!(tape.len(), before + 1);
    /// y.backward();
    /// assert_eq!(y.data(), -2.0);
    /// assert_eq!([theta[0].grad(), theta[1].grad(), theta[2].grad()], row);
    /// ```
    ///
    /// # Panics
    /// If `a` and `k` differ in length, or a value belongs to another tape.
    #[track_caller]
    pub fn dot_const<'t>(&'t self, a: &[Value<'t>], k: &[f64]) -> Value<'t> {
        assert_eq!(
            a.len(),
            k.len(),
            "dot_const needs one number per value, got {} values and {} numbers",
            a.len(),
            k.len()
        );
        for &v in a {
            self.own(v);
        }
        let frame = ScratchFrame::open(self);
        let (index, value) = self.record_with(|n| {
            n.push_scratch(a.iter().map(|v| v.index() as u32))?;
            n.push_variadic_from_scratch_with(Op::DotConst, frame.from, k)
        });
        Value::new(self, index, value)
    }

    /// A neuron's pre-activation `w·x + bias`: [`neuron`](Tape::neuron) without activation.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let params: Vec<_> = [0.5, -1.0, 0.25].iter().map(|&p| tape.var(p)).collect();
    /// let (w, bias) = (&params[..2], params[2]);
    /// let x = [tape.var(2.0), tape.var(3.0)];
    /// let before = tape.len();
    /// let z = tape.affine(w, bias, &x);
    /// assert_eq!(tape.len(), before + 1);
    /// z.backward();
    /// assert_eq!(z.data(), -1.75);
    /// assert_eq!((w[0].grad(), x[1].grad(), bias.grad()), (2.0, -1.0, 1.0));
    /// ```
    ///
    /// # Panics
    /// If `w` and `x` differ in length, or a value belongs to another tape.
    #[must_use]
    #[track_caller]
    pub fn affine<'t>(&'t self, w: &[Value<'t>], bias: Value<'t>, x: &[Value<'t>]) -> Value<'t> {
        self.neuron(w, bias, x, Activation::Identity)
    }

    /// A neuron: `activation(w·x + bias)`.
    ///
    /// It is one node when the weights and then the bias were created one after another on
    /// the tape, and the inputs too (a network layer arranges its nodes so); a leaky relu adds
    /// a second node. Otherwise it is a [`dot`](Tape::dot) node, an addition and the
    /// activation's node, with the same value to the bit.
    ///
    /// ```
    /// use tapegrad::{Activation, Tape};
    ///
    /// let tape = Tape::new();
    /// let params: Vec<_> = [-3.0, 1.0, 6.8813735870195432].iter().map(|&p| tape.var(p)).collect();
    /// let x = [tape.var(2.0), tape.var(0.0)];
    /// let o = tape.neuron(&params[..2], params[2], &x, Activation::Tanh);
    /// o.backward();
    /// assert!((o.data() - 0.7071).abs() < 1e-4);
    /// assert!((params[0].grad() - 1.0).abs() < 1e-4); // x1 * (1 - o²) = 2 * 0.5
    /// ```
    ///
    /// # Panics
    /// If `w` and `x` differ in length, or a value belongs to another tape.
    #[must_use]
    #[track_caller]
    pub fn neuron<'t>(
        &'t self,
        w: &[Value<'t>],
        bias: Value<'t>,
        x: &[Value<'t>],
        activation: Activation,
    ) -> Value<'t> {
        assert_eq!(
            w.len(),
            x.len(),
            "a neuron needs as many weights as inputs, got {} weights and {} inputs",
            w.len(),
            x.len()
        );
        let bias_index = self.own(bias);
        let runs = match (self.run_start(w), self.run_start(x)) {
            (Some(w0), Some(x0)) if bias_index as usize == w0 as usize + w.len() => (w0, x0),
            _ => return activation.apply(self.dot(w, x) + bias),
        };
        let n = u32::try_from(w.len()).expect("a neuron has at most u32::MAX inputs");
        let output = self.layer_on_runs(runs.0, runs.1, n, 1, activation);
        Value::from_index(self, output)
    }

    /// A layer of `outputs` neurons sharing their `inputs` inputs, which start at node `x`;
    /// neuron `j`'s weights (then its bias) start at node `params + j * (inputs + 1)`. For
    /// callers that created those runs themselves (the layers of `nn`), so that nothing is
    /// checked value by value; a single neuron is a layer of one.
    ///
    /// Each neuron is one node, activation included, recorded in one pass over the storage; a
    /// leaky relu, whose slope would have to be stored in the node, is a second node,
    /// recorded after all the weighted sums so that the outputs are consecutive either way.
    /// Returns the index of the first output.
    pub(crate) fn layer_on_runs(
        &self,
        params: u32,
        x: u32,
        inputs: u32,
        outputs: u32,
        activation: Activation,
    ) -> u32 {
        let op = match activation {
            Activation::Identity | Activation::LeakyRelu(_) => Op::Affine,
            Activation::Relu => Op::AffineRelu,
            Activation::Tanh => Op::AffineTanh,
            Activation::Sigmoid => Op::AffineSigmoid,
        };
        let first = self.record_with(|n| {
            let first = n.len() as u32;
            for j in 0..outputs {
                let operands = [params + j * (inputs + 1), x, inputs];
                let value = op.eval_fused(&operands, &[], n.values());
                n.push(op, &operands, &[], value)?;
            }
            Ok(first)
        });
        match activation {
            Activation::LeakyRelu(slope) => {
                let activated = self.len() as u32;
                for j in 0..outputs {
                    let _ = Value::from_index(self, first + j).leaky_relu(slope.get());
                }
                activated
            }
            _ => first,
        }
    }

    /// The index of `v`, after checking it lives on this tape.
    #[track_caller]
    #[inline]
    pub(crate) fn own(&self, v: Value<'_>) -> u32 {
        match v.tape {
            Some(tape) if std::ptr::eq(self, tape) => v.index,
            Some(_) => crate::value::mixed_tapes(),
            // A constant on no tape joins this one as a leaf.
            None => self.constant(v.data).index,
        }
    }

    /// The first index of `values` if they are consecutive nodes of this tape (and there is
    /// at least one).
    #[track_caller]
    fn run_start(&self, values: &[Value<'_>]) -> Option<u32> {
        let first = self.own(*values.first()?);
        let consecutive = (first..)
            .zip(values)
            .all(|(expected, &v)| self.own(v) == expected);
        consecutive.then_some(first)
    }
}

/// The part of the tape's scratch stack that one `sum` or `dot` fills with its operands
/// (sums nest: the iterator of one may run another). Dropping it pops that part, whether the
/// call returns or unwinds, so that a call that panics (a value of another tape, a panic in
/// the user's iterator that the user catches, a push the allocator refused) leaves nothing
/// for an enclosing sum to take in. Every push onto the scratch stack happens inside a frame.
pub(crate) struct ScratchFrame<'t> {
    tape: &'t Tape,
    /// The height of the stack when the frame opened: its part is `scratch[from..]`.
    pub(crate) from: usize,
}

impl<'t> ScratchFrame<'t> {
    pub(crate) fn open(tape: &'t Tape) -> Self {
        let from = tape.with_nodes(|n| n.scratch.len());
        ScratchFrame { tape, from }
    }
}

impl Drop for ScratchFrame<'_> {
    fn drop(&mut self) {
        self.tape.with_nodes(|n| n.scratch.truncate(self.from));
    }
}

/// `n + 1` for the count of a strided sum's terms, which is a `u32`.
///
/// # Panics
/// Past `u32::MAX` terms, in release builds too.
#[inline(always)]
fn one_more_term(n: u32) -> u32 {
    n.checked_add(1).unwrap_or_else(|| too_many_terms())
}

#[cold]
#[inline(never)]
fn too_many_terms() -> ! {
    panic!(
        "a sum takes at most {} terms (its count is a u32): split it into partial sums",
        u32::MAX
    )
}

/// What a [neuron](Tape::neuron) does to its weighted sum `z = w·x + b`; in a network, chosen
/// per layer.
///
/// Without a nonlinearity between them, layers compose to a single affine map, so a deep
/// network would be no more expressive than one layer; the activation is what lets a network
/// bend its decision boundary.
///
/// The enum is `#[non_exhaustive]`, so that more activations can come without breaking a
/// `match`; the leaky relu's slope is a [`LeakySlope`], made by [`Activation::leaky_relu`],
/// which checks it.
///
/// ```
/// use tapegrad::{Activation, Tape};
///
/// let tape = Tape::new();
/// let z = tape.var(-2.0);
/// assert_eq!(Activation::Relu.apply(z).data(), 0.0);
/// assert_eq!(Activation::leaky_relu(0.1).apply(z).data(), -0.2);
/// assert_eq!(Activation::Identity.apply(z).data(), -2.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Activation {
    /// `max(z, 0)`: the usual choice for hidden layers.
    Relu,
    /// `tanh(z)`, in `(-1, 1)`.
    Tanh,
    /// `1 / (1 + e^-z)`, in `(0, 1)`.
    Sigmoid,
    /// `z` itself: for output layers whose scores go to a loss (hinge, cross-entropy on
    /// logits, squared error).
    Identity,
    /// `z` for positive `z`, `slope * z` elsewhere, so that a neuron at rest still passes a
    /// gradient: made by [`Activation::leaky_relu`].
    LeakyRelu(LeakySlope),
}

/// A leaky relu's slope below zero: a finite number, checked when
/// [`Activation::leaky_relu`] makes it.
///
/// ```
/// use tapegrad::Activation;
///
/// let Activation::LeakyRelu(slope) = Activation::leaky_relu(0.01) else { unreachable!() };
/// assert_eq!(slope.get(), 0.01);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeakySlope(f64);

impl LeakySlope {
    /// The slope.
    ///
    /// ```
    /// let slope = tapegrad::Activation::leaky_relu(0.2).leaky_slope().unwrap();
    /// assert_eq!(slope, 0.2);
    /// ```
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Activation {
    /// A leaky relu with `slope` below zero (typically a small positive number such as 0.01).
    ///
    /// ```
    /// use tapegrad::Activation;
    ///
    /// assert_eq!(Activation::leaky_relu(0.01).apply(-3.0), -0.03);
    /// ```
    ///
    /// # Panics
    /// If `slope` is NaN or infinite: a NaN is not even equal to itself, so layers could not
    /// tell that their neurons share it, and neither would train.
    #[track_caller]
    pub const fn leaky_relu(slope: f64) -> Self {
        assert!(
            slope.is_finite(),
            "a leaky relu's slope must be a finite number, not NaN or infinite: use a small \
             positive slope such as 0.01"
        );
        Activation::LeakyRelu(LeakySlope(slope))
    }

    /// The slope of a leaky relu; `None` for the other activations.
    ///
    /// ```
    /// use tapegrad::Activation;
    ///
    /// assert_eq!(Activation::leaky_relu(0.1).leaky_slope(), Some(0.1));
    /// assert_eq!(Activation::Tanh.leaky_slope(), None);
    /// ```
    pub fn leaky_slope(self) -> Option<f64> {
        match self {
            Activation::LeakyRelu(slope) => Some(slope.get()),
            _ => None,
        }
    }

    /// Applies the activation to `z`, of any [`Scalar`] type: on a [`Value`] it records one
    /// node (none for [`Identity`](Self::Identity)), on an `f64` it computes the same number.
    ///
    /// ```
    /// use tapegrad::{Activation, Tape};
    ///
    /// let tape = Tape::new();
    /// let z = tape.var(0.0);
    /// let y = Activation::Sigmoid.apply(z);
    /// y.backward();
    /// assert_eq!((y.data(), z.grad()), (0.5, 0.25));
    /// assert_eq!(Activation::Sigmoid.apply(0.0), 0.5);
    /// ```
    #[must_use]
    #[inline]
    pub fn apply<S: Scalar>(self, z: S) -> S {
        match self {
            Activation::Relu => z.relu(),
            Activation::Tanh => z.tanh(),
            Activation::Sigmoid => z.sigmoid(),
            Activation::Identity => z,
            Activation::LeakyRelu(slope) => z.leaky_relu(slope.get()),
        }
    }
}

/// The activation's name, for people: `ReLU`, `tanh`, `sigmoid`, `identity`,
/// `leaky ReLU (slope 0.01)`. (Model files spell activations in a syntax of their own, which
/// does not change with these names; see [`Mlp::to_text`](crate::nn::Mlp::to_text).)
///
/// ```
/// use tapegrad::Activation;
///
/// assert_eq!(Activation::Tanh.to_string(), "tanh");
/// assert_eq!(Activation::leaky_relu(0.01).to_string(), "leaky ReLU (slope 0.01)");
/// ```
impl fmt::Display for Activation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Activation::Relu => f.write_str("ReLU"),
            Activation::Tanh => f.write_str("tanh"),
            Activation::Sigmoid => f.write_str("sigmoid"),
            Activation::Identity => f.write_str("identity"),
            Activation::LeakyRelu(slope) => write!(f, "leaky ReLU (slope {})", slope.get()),
        }
    }
}

/// `iter.sum()` records one [`Tape::sum`] node, on the tape of the values summed; the sum
/// of no values, or of constants on no tape alone, is such a constant (0 for none).
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let xs = [tape.var(1.0), tape.var(2.0), tape.var(3.0)];
/// let total: tapegrad::Value = xs.iter().map(|&x| x * x).sum();
/// assert_eq!(total.data(), 14.0);
/// let none: tapegrad::Value = xs[..0].iter().sum();
/// assert_eq!(none.data(), 0.0);
/// ```
///
/// # Panics
/// If the values belong to different tapes.
impl<'t> Sum for Value<'t> {
    #[track_caller]
    fn sum<I: Iterator<Item = Value<'t>>>(mut iter: I) -> Self {
        // The constants before the first recorded value go into the one node with the rest.
        let mut leading = Vec::new();
        for v in iter.by_ref() {
            if let Some(tape) = v.tape {
                return tape.sum(leading.into_iter().chain(std::iter::once(v)).chain(iter));
            }
            leading.push(v);
        }
        Value::from(leading.iter().fold(0.0, |total, v| total + v.data))
    }
}

/// `iter.sum()` over references records one [`Tape::sum`] node (see above).
///
/// # Panics
/// If the values belong to different tapes.
impl<'a, 't: 'a> Sum<&'a Value<'t>> for Value<'t> {
    #[track_caller]
    fn sum<I: Iterator<Item = &'a Value<'t>>>(iter: I) -> Self {
        iter.copied().sum()
    }
}

/// `iter.product()` records one product node per factor after the first; the product of no
/// values is the constant 1 (on no tape).
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let xs = [tape.var(2.0), tape.var(3.0), tape.var(4.0)];
/// let p: tapegrad::Value = xs.iter().copied().product();
/// p.backward();
/// assert_eq!((p.data(), xs[0].grad()), (24.0, 12.0));
/// ```
///
/// # Panics
/// If the values belong to different tapes.
impl<'t> Product for Value<'t> {
    #[track_caller]
    fn product<I: Iterator<Item = Value<'t>>>(mut iter: I) -> Self {
        match iter.next() {
            Some(first) => iter.fold(first, |acc, v| acc * v),
            None => Value::from(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::one_more_term;
    use crate::Tape;

    // Counting 2^32 terms would take minutes in a debug build: these check the count's rule.
    #[test]
    fn the_last_term_a_strided_sum_can_count_fits() {
        assert_eq!(one_more_term(u32::MAX - 1), u32::MAX);
    }

    #[test]
    #[should_panic(expected = "a sum takes at most 4294967295 terms")]
    fn a_strided_sum_past_u32_terms_panics_instead_of_wrapping() {
        one_more_term(u32::MAX);
    }
    use crate::rules::Op;

    #[test]
    fn terms_in_step_are_stored_as_a_stride_and_others_as_a_list() {
        let tape = Tape::new();
        let xs: Vec<_> = (0..4).map(|i| tape.var(i as f64)).collect();
        let every_other = tape.sum([xs[0], xs[2]]);
        let in_step = tape.sum(xs.iter().copied());
        let repeated = tape.sum([xs[1], xs[1], xs[1]]);
        let descending = tape.sum(xs.iter().rev().copied());
        let broken = tape.sum([xs[0], xs[1], xs[3]]);
        let single = tape.sum([xs[3]]);
        for (sum, op) in [
            (every_other, Op::SumStride),
            (in_step, Op::SumStride),
            (repeated, Op::SumStride),
            (descending, Op::Sum),
            (broken, Op::Sum),
            (single, Op::SumStride),
        ] {
            assert_eq!(sum.op(), op, "sum = {}", sum.data());
        }
        let words = |v: crate::Value| {
            tape.with_nodes(|n| {
                let end = n.cursor_after(v.index());
                let (_, span) = n.span_before(v.index(), end);
                n.words(v.index(), &span)
            })
        };
        assert_eq!(words(every_other), [0, 2, 2]);
        assert_eq!(words(in_step), [0, 1, 4]);
        assert_eq!(words(repeated), [1, 0, 3]);
        assert_eq!(words(broken), [0, 1, 3]);
    }
}
