//! The user-facing API: the `Value` handle, used like an `f64`, and what records on a tape.
//!
//! - `mod.rs` (here): the handle itself, `data`, `grad`, `backward`.
//! - `operators.rs` and `functions.rs`: `+ - * /` and the methods of `f64`, one node each.
//! - `fused.rs`: one node for a whole sum, dot product or neuron.
//! - `gradient.rs`: the backward sweep recorded as values, for higher derivatives.
//! - `derivatives.rs`: gradients, Hessians and Jacobians of a closure at a point.

use std::cmp::Ordering;
use std::fmt;

use crate::fast::Tape;
use crate::rules::Op;

pub(crate) mod derivatives;
mod functions;
pub(crate) mod fused;
mod gradient;
mod operators;
mod piecewise;
mod porting;
mod ref_operators;
mod statement;
mod trigonometry;

/// A scalar recorded on a [`Tape`]: a small `Copy` handle (a tape reference, a node index, and
/// the number itself).
///
/// Arithmetic on `Value`s works like arithmetic on `f64` and records one node per operation
/// (see the crate docs for the list). [`data`](Value::data) reads the number,
/// [`backward`](Value::backward) computes gradients and [`grad`](Value::grad) reads them.
///
/// The lifetime ties a value to its tape, so no value outlives it or survives
/// [`Tape::clear`]. Combining values from two different tapes panics.
///
/// Comparisons (`<`, `==`, ...) compare the numbers, as they would for `f64`, so that code
/// with branches ports unchanged; they record nothing.
///
/// ```
/// use tapegrad::Tape;
///
/// let tape = Tape::new();
/// let a = tape.var(-4.0);
/// let b = tape.var(2.0);
/// let c = a + b;
/// let d = a * b + b.powi(3);
/// let e = if c > d { c } else { d };
/// e.backward();
/// assert_eq!(e.data(), 0.0);
/// assert_eq!(a.grad(), 2.0); // de/da = b
/// assert_eq!(b.grad(), 8.0); // de/db = a + 3 b²
/// ```
#[derive(Clone, Copy)]
pub struct Value<'t> {
    tape: &'t Tape,
    /// A copy of the node's value: operations read it from here, not from the tape, so a chain
    /// of operations never waits for the tape's last write.
    data: f64,
    index: u32,
}

impl<'t> Value<'t> {
    /// The handle of a node just recorded with value `data`.
    #[inline(always)]
    pub(crate) fn new(tape: &'t Tape, index: u32, data: f64) -> Self {
        Value { tape, data, index }
    }

    /// The handle of an existing node, reading its value from the tape.
    pub(crate) fn from_index(tape: &'t Tape, index: u32) -> Self {
        let data = tape.with_nodes(|n| n.values()[index as usize]);
        Value { tape, data, index }
    }

    /// The number this value holds.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.5);
    /// assert_eq!((x * 4.0).data(), 2.0);
    /// ```
    #[inline]
    pub fn data(self) -> f64 {
        self.data
    }

    /// d(output of the last [`backward`](Value::backward))/d(this value); `0.0` before any
    /// backward and for values the output does not depend on.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(3.0);
    /// let unused = tape.var(1.0);
    /// assert_eq!(x.grad(), 0.0);
    /// let y = x.powi(2);
    /// y.backward();
    /// assert_eq!(x.grad(), 6.0);
    /// assert_eq!(unused.grad(), 0.0);
    /// ```
    #[inline]
    pub fn grad(self) -> f64 {
        self.tape
            .with_nodes(|n| n.grads.get(self.index as usize).copied().unwrap_or(0.0))
    }

    /// Computes d(self)/d(node) for every node on the tape, in one sweep from this value back
    /// to the first node.
    ///
    /// Each call starts afresh: it replaces the gradients of any earlier `backward`, so
    /// calling it twice gives the same numbers (there is no `zero_grad`). A value used several
    /// times collects the gradient of every use. The cost is linear in the number of nodes
    /// recorded up to this one, and the sweep is a loop, so it never runs out of stack.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.var(3.0);
    /// let y = a + a;
    /// y.backward();
    /// y.backward();
    /// assert_eq!(a.grad(), 2.0);
    /// ```
    pub fn backward(self) {
        self.tape.backward_from(self.index);
    }

    /// The tape this value lives on.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = x.tape().var(2.0); // same tape
    /// assert_eq!((x + y).data(), 3.0);
    /// ```
    #[inline]
    pub fn tape(self) -> &'t Tape {
        self.tape
    }

    /// This value's position on its tape: 0 for the first node recorded, 1 for the next...
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = x.sin();
    /// assert_eq!((x.index(), y.index()), (0, 1));
    /// ```
    #[inline]
    pub fn index(self) -> usize {
        self.index as usize
    }

    /// Gives this value a name, shown by graphs and traces; returns the value itself.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.var(2.0).label("a");
    /// assert_eq!(a.name().as_deref(), Some("a"));
    /// ```
    pub fn label(self, name: &str) -> Self {
        let name = name.to_owned();
        self.tape.with_nodes(|n| n.labels.insert(self.index, name));
        self
    }

    /// The name given with [`label`](Value::label), if any.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert_eq!(tape.var(2.0).name(), None);
    /// ```
    pub fn name(self) -> Option<String> {
        self.tape.with_nodes(|n| n.labels.get(&self.index).cloned())
    }

    /// The index of `other`, after checking that it lives on the same tape.
    ///
    /// # Panics
    /// If `other` belongs to another tape.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn operand(self, other: Value<'t>) -> u32 {
        if !std::ptr::eq(self.tape, other.tape) {
            mixed_tapes();
        }
        other.index
    }

    /// Records `op` applied to this value (with constants `k`).
    #[inline(always)]
    pub(crate) fn unary(self, op: Op, k: &[f64]) -> Self {
        let value = op.eval(&[self.data], k);
        Value::new(
            self.tape,
            self.tape.record(op, &[self.index], k, value),
            value,
        )
    }

    /// Records `op` applied to this value and `other`.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn binary(self, op: Op, other: Value<'t>) -> Self {
        self.binary_with(op, other, &[])
    }

    /// Records `op` applied to this value and `other`, with constants `k`.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn binary_with(self, op: Op, other: Value<'t>, k: &[f64]) -> Self {
        let operands = [self.index, self.operand(other)];
        let value = op.eval(&[self.data, other.data], k);
        Value::new(self.tape, self.tape.record(op, &operands, k, value), value)
    }

    /// Records `op` applied to this value and two others.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn ternary(self, op: Op, b: Value<'t>, c: Value<'t>) -> Self {
        let operands = [self.index, self.operand(b), self.operand(c)];
        let value = op.eval(&[self.data, b.data, c.data], &[]);
        Value::new(
            self.tape,
            self.tape.record(op, &operands, &[], value),
            value,
        )
    }

    /// The op that produced this value.
    pub(crate) fn op(self) -> Op {
        self.tape.with_nodes(|n| n.op(self.index as usize))
    }
}

/// The panic of every operation that is given values from two tapes.
#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn mixed_tapes() -> ! {
    panic!(
        "cannot combine Values from two different tapes: every operand of an operation must \
         come from the same Tape; create all inputs on one tape"
    )
}

/// Shows `Value(data=.., grad=..)`, as micrograd does.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tape.var(2.0);
/// (x * x).backward();
/// assert_eq!(x.to_string(), "Value(data=2.0, grad=4.0)");
/// ```
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value(data={:?}, grad={:?})", self.data(), self.grad())
    }
}

/// Like `Display`, plus the node's position and op.
///
/// ```
/// let tape = tapegrad::Tape::new();
/// let x = tape.var(2.0);
/// assert_eq!(format!("{:?}", x.exp2()), "Value(data=4.0, grad=0.0, node=1, op=exp2)");
/// ```
impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Value(data={:?}, grad={:?}, node={}, op={})",
            self.data(),
            self.grad(),
            self.index,
            self.op().name()
        )
    }
}

/// Compares the numbers, as `f64` does (values from different tapes compare too).
impl PartialEq for Value<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.data() == other.data()
    }
}

/// Compares the numbers, as `f64` does.
impl PartialOrd for Value<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        self.data().partial_cmp(&other.data())
    }
}

/// Compares the number with an `f64`.
impl PartialEq<f64> for Value<'_> {
    fn eq(&self, other: &f64) -> bool {
        self.data() == *other
    }
}

/// Compares the number with an `f64`.
impl PartialOrd<f64> for Value<'_> {
    fn partial_cmp(&self, other: &f64) -> Option<Ordering> {
        self.data().partial_cmp(other)
    }
}
