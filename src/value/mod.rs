//! The user-facing API: the `Value` handle, used like an `f64`, and what records on a tape.
//!
//! - `mod.rs` (here): the handle itself, `data`, `grad`, `backward`.
//! - `operators.rs` and `methods.rs`: `+ - * /` and the methods of `f64`, one node each.
//! - `fused.rs`: one node for a whole sum, dot product or neuron.
//! - `gradient.rs`: the backward sweep recorded as values, for higher derivatives.
//! - `derivatives.rs`: gradients, Hessians and Jacobians of a closure at a point.

use std::cmp::Ordering;
use std::fmt;

use crate::fast::Tape;
use crate::rules::Op;

pub(crate) mod derivatives;
pub(crate) mod fused;
mod gradient;
mod methods;
mod operators;
mod ref_operators;
mod statement;

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
    /// The tape the node is on; `None` for a constant made from an `f64` (`Value::from`),
    /// which lives on no tape (see [`From<f64>`](#impl-From<f64>-for-Value<'t>)).
    tape: Option<&'t Tape>,
    /// A copy of the node's value: operations read it from here, not from the tape, so a chain
    /// of operations never waits for the tape's last write.
    data: f64,
    index: u32,
}

impl<'t> Value<'t> {
    /// The handle of a node just recorded with value `data`.
    #[inline(always)]
    pub(crate) fn new(tape: &'t Tape, index: u32, data: f64) -> Self {
        Value {
            tape: Some(tape),
            data,
            index,
        }
    }

    /// The handle of an existing node, reading its value from the tape.
    pub(crate) fn from_index(tape: &'t Tape, index: u32) -> Self {
        let data = tape.with_nodes(|n| n.values()[index as usize]);
        Value::new(tape, index, data)
    }

    /// The number this value holds.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(0.5);
    /// assert_eq!((x * 4.0).data(), 2.0);
    /// ```
    #[must_use]
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
    #[must_use]
    #[inline]
    pub fn grad(self) -> f64 {
        self.tape.map_or(0.0, |tape| {
            tape.with_nodes(|n| n.grads.get(self.index as usize).copied().unwrap_or(0.0))
        })
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
    ///
    /// # Panics
    /// If the value is a constant on no tape (made from an `f64`, see
    /// [`From<f64>`](#impl-From<f64>-for-Value<'t>)): it depends on no input, so every
    /// gradient is 0, and there is no tape whose gradients to set.
    #[track_caller]
    pub fn backward(self) {
        match self.tape {
            Some(tape) => tape.backward_from(self.index),
            None => on_no_tape(),
        }
    }

    /// The tape this value lives on.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = x.tape().var(2.0); // same tape
    /// assert_eq!((x + y).data(), 3.0);
    /// ```
    ///
    /// # Panics
    /// If the value is a constant on no tape (made from an `f64`).
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn tape(self) -> &'t Tape {
        self.tape.unwrap_or_else(|| on_no_tape())
    }

    /// Whether this value is a constant made from an `f64` that lives on no tape (see
    /// [`From<f64>`](#impl-From<f64>-for-Value<'t>)), as opposed to a node recorded on one.
    ///
    /// ```
    /// use tapegrad::{Tape, Value};
    ///
    /// let tape = Tape::new();
    /// let x = tape.var(2.0);
    /// let two = Value::from(2.0);
    /// assert!(two.is_constant() && !x.is_constant());
    /// assert!(!(x * two).is_constant()); // on x's tape
    /// assert!((two * 3.0).is_constant()); // still on none
    /// ```
    #[must_use]
    #[inline]
    pub fn is_constant(self) -> bool {
        self.tape.is_none()
    }

    /// This value's position on its tape: 0 for the first node recorded, 1 for the next...
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let y = x.sin();
    /// assert_eq!((x.index(), y.index()), (0, 1));
    /// ```
    ///
    /// # Panics
    /// If the value is a constant on no tape (made from an `f64`).
    #[must_use]
    #[inline]
    #[track_caller]
    pub fn index(self) -> usize {
        if self.tape.is_none() {
            on_no_tape();
        }
        self.index as usize
    }

    /// Gives this value a name, shown by graphs and traces; returns the value itself.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.var(2.0).label("a");
    /// assert_eq!(a.name().as_deref(), Some("a"));
    /// ```
    ///
    /// A constant on no tape has no node to name; it is returned as it is.
    pub fn label(self, name: &str) -> Self {
        if let Some(tape) = self.tape {
            let name = name.to_owned();
            tape.with_nodes(|n| n.labels.insert(self.index, name));
        }
        self
    }

    /// The name given with [`label`](Value::label), if any.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert_eq!(tape.var(2.0).name(), None);
    /// ```
    #[must_use]
    pub fn name(self) -> Option<String> {
        let tape = self.tape?;
        tape.with_nodes(|n| n.labels.get(&self.index).cloned())
    }

    /// The index of `other`, after checking that it lives on this value's tape.
    ///
    /// # Panics
    /// If `other` belongs to another tape, or either value lives on none.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn operand(self, other: Value<'t>) -> u32 {
        if common_tape(self, other).is_none() {
            mixed_tapes();
        }
        other.index
    }

    /// Records `op` applied to this value (with constants `k`).
    #[inline(always)]
    pub(crate) fn unary(self, op: Op, k: &[f64]) -> Self {
        let value = op.eval(&[self.data], k);
        // A constant on no tape gives a constant on none: there is nothing to record.
        let index = match self.tape {
            Some(tape) => tape.record(op, &[self.index], k, value),
            None => 0,
        };
        Value {
            tape: self.tape,
            data: value,
            index,
        }
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
        let value = op.eval(&[self.data, other.data], k);
        // PERF: the slow path returns where it recorded, not a `Value`, so that a loop like
        // `act = act + w * x` keeps `act` in registers across it (a `Value` from a call is
        // returned through memory).
        let (tape, index) = match common_tape(self, other) {
            Some(tape) => (
                Some(tape),
                tape.record(op, &[self.index, other.index], k, value),
            ),
            None => record_on_their_tape(op, &[self, other], k, value),
        };
        Value {
            tape,
            data: value,
            index,
        }
    }

    /// Records `op` applied to this value and two others.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn ternary(self, op: Op, b: Value<'t>, c: Value<'t>) -> Self {
        let value = op.eval(&[self.data, b.data, c.data], &[]);
        let common = common_tape(self, b).filter(|_| common_tape(self, c).is_some());
        let (tape, index) = match common {
            Some(tape) => {
                let operands = [self.index, b.index, c.index];
                (Some(tape), tape.record(op, &operands, &[], value))
            }
            None => record_on_their_tape(op, &[self, b, c], &[], value),
        };
        Value {
            tape,
            data: value,
            index,
        }
    }

    /// The op that produced this value; `Const` for a constant on no tape.
    pub(crate) fn op(self) -> Op {
        match self.tape {
            Some(tape) => tape.with_nodes(|n| n.op(self.index as usize)),
            None => Op::Const,
        }
    }
}

/// A constant that lives on no tape: `Value::from(2.0)`, or `2.0.into()`.
///
/// It is what generic code gets from `S::from(c)` (see [`Scalar`](crate::Scalar)): an
/// accumulator's start, a constant of the computation. It records nothing and has no gradient;
/// an operation on constants alone gives a constant, and an operation that meets a value
/// recorded on a tape is recorded there, with the constant in it as a number would be
/// (`x * Value::from(2.0)` is the one node `x * 2.0`; where the op has no such form, the
/// constant joins the tape as a leaf). So generic code needs no tape to start from, and an
/// empty sum is 0.
///
/// ```
/// use tapegrad::{Tape, Value};
///
/// let tape = Tape::new();
/// let xs = [tape.var(1.0), tape.var(2.0)];
/// let mut total = Value::from(0.0);
/// for &x in &xs {
///     total += x * x;
/// }
/// total.backward();
/// assert_eq!((total.data(), xs[1].grad()), (5.0, 4.0));
/// let none: Value = Vec::<Value>::new().into_iter().sum();
/// assert_eq!((none.data(), none.is_constant()), (0.0, true));
/// ```
impl From<f64> for Value<'_> {
    #[inline]
    fn from(data: f64) -> Self {
        Value {
            tape: None,
            data,
            index: 0,
        }
    }
}

/// The tape `a` and `b` are both nodes of, if they are.
#[inline(always)]
fn common_tape<'t>(a: Value<'t>, b: Value<'t>) -> Option<&'t Tape> {
    // As pointers, null for no tape: one comparison, then one test for null.
    let address = |v: Value<'t>| v.tape.map_or(std::ptr::null(), std::ptr::from_ref);
    if address(a) == address(b) {
        a.tape
    } else {
        None
    }
}

/// Records `op` on `operands` (whose value is `value`) where they are not all nodes of one
/// tape: on the tape of those that are, or, if none is, not at all (a constant). Returns the
/// tape and the node's index (0 for a constant).
///
/// A constant on no tape then behaves as a number would in its place: `x * Value::from(k)`
/// records `x * k`, one node with `k` inside, as `x * k` does. Where the op has no such form
/// (`k.pow(x)`), the constant joins the tape as a leaf.
///
/// # Panics
/// If two operands are nodes of different tapes.
#[cold]
#[inline(never)]
#[track_caller]
fn record_on_their_tape<'t>(
    op: Op,
    operands: &[Value<'t>],
    k: &[f64],
    value: f64,
) -> (Option<&'t Tape>, u32) {
    let mut tapes = operands.iter().filter_map(|v| v.tape);
    let Some(tape) = tapes.next() else {
        return (None, 0);
    };
    if tapes.any(|other| !std::ptr::eq(tape, other)) {
        mixed_tapes();
    }
    if let ([a, b], []) = (operands, k) {
        let with_number = match (a.tape, b.tape) {
            (Some(_), None) => number_on_the_right(op, b.data),
            (None, Some(_)) => number_on_the_left(op, a.data),
            _ => None,
        };
        if let Some((op, k)) = with_number {
            let x = if a.tape.is_some() { a } else { b };
            return (Some(tape), tape.record(op, &[x.index], &[k], value));
        }
    }
    let indices: Vec<u32> = operands.iter().map(|&v| tape.own(v)).collect();
    (Some(tape), tape.record(op, &indices, k, value))
}

/// The op and constant that compute `x op k` as `op` computes `x op b` for `b = k`, to the bit.
fn number_on_the_right(op: Op, k: f64) -> Option<(Op, f64)> {
    Some(match op {
        Op::Add => (Op::AddConst, k),
        // IEEE defines x - k as x + (-k).
        Op::Sub => (Op::AddConst, -k),
        Op::Mul => (Op::MulConst, k),
        Op::Div => (Op::DivConst, k),
        Op::Pow => (Op::Powf, k),
        Op::Atan2 => (Op::Atan2Const, k),
        Op::Hypot => (Op::HypotConst, k),
        Op::Max => (Op::MaxConst, k),
        Op::Min => (Op::MinConst, k),
        _ => return None,
    })
}

/// The op and constant that compute `k op x` as `op` computes `a op x` for `a = k`, to the bit.
fn number_on_the_left(op: Op, k: f64) -> Option<(Op, f64)> {
    Some(match op {
        // Addition, multiplication, hypot, max and min are commutative in IEEE arithmetic.
        Op::Add => (Op::AddConst, k),
        Op::Sub => (Op::ConstSub, k),
        Op::Mul => (Op::MulConst, k),
        Op::Div => (Op::ConstDiv, k),
        Op::Hypot => (Op::HypotConst, k),
        Op::Max => (Op::MaxConst, k),
        Op::Min => (Op::MinConst, k),
        _ => return None,
    })
}

/// The panic of the methods that need a value's tape, on a constant that lives on none.
#[cold]
#[inline(never)]
#[track_caller]
fn on_no_tape() -> ! {
    panic!(
        "this Value is a constant made from an f64 (Value::from) and lives on no tape; it has \
         no node, index or tape of its own: combine it with a value recorded on a tape, or use \
         Tape::constant for a constant leaf"
    )
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
