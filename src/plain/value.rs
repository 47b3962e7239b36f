//! The plain tape's `Value`: a handle to a node, used like an `f64`, one node per operation.

use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

use super::Tape;
use crate::rules::{Copied, Op, Real, Sweep};

/// A number recorded on a plain [`Tape`]: the tape, the node's index and its value.
///
/// ```
/// let tape = tapegrad::plain::Tape::new();
/// let x = tape.var(0.5);
/// let y = (x * 2.0).tanh();
/// y.backward();
/// assert_eq!(x.grad(), 2.0 * (1.0 - y.data() * y.data()));
/// ```
#[derive(Clone, Copy)]
pub struct Value<'t> {
    tape: &'t Tape,
    index: u32,
    data: f64,
}

impl<'t> Value<'t> {
    pub(crate) fn new(tape: &'t Tape, index: u32, data: f64) -> Self {
        Value { tape, index, data }
    }

    /// The number.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!((tape.var(0.5) * 4.0).data(), 2.0);
    /// ```
    #[must_use]
    pub fn data(self) -> f64 {
        self.data
    }

    /// d(output of the last [`backward`](Value::backward))/d(this value).
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// let x = tape.var(3.0);
    /// (x * x).backward();
    /// assert_eq!(x.grad(), 6.0);
    /// ```
    #[must_use]
    pub fn grad(self) -> f64 {
        self.tape.grad(self.index)
    }

    /// Computes d(self)/d(node) for every node recorded up to this one.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// let a = tape.var(3.0);
    /// (a + a).backward();
    /// assert_eq!(a.grad(), 2.0);
    /// ```
    pub fn backward(self) {
        self.tape.backward_from(self.index);
    }

    /// The node's position on its tape.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(1.0).exp().index(), 1);
    /// ```
    #[must_use]
    pub fn index(self) -> usize {
        self.index as usize
    }

    /// Records `op` on this value, `others` after it, and the numbers `k`.
    ///
    /// # Panics
    /// If a value of `others` lives on another tape.
    pub(crate) fn apply(self, op: Op, others: &[Value<'t>], k: &[f64]) -> Self {
        let mut operands = vec![self.index];
        for other in others {
            assert!(
                std::ptr::eq(self.tape, other.tape),
                "cannot combine Values from two different tapes"
            );
            operands.push(other.index);
        }
        self.tape.record(op, &operands, k)
    }

    /// `self^n`.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(2.0).powi(3).data(), 8.0);
    /// ```
    #[must_use]
    pub fn powi(self, n: i32) -> Self {
        self.apply(Op::Powi, &[], &[f64::from(n)])
    }
    /// `self^k`.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(4.0).powf(0.5).data(), 2.0);
    /// ```
    #[must_use]
    pub fn powf(self, k: f64) -> Self {
        self.apply(Op::Powf, &[], &[k])
    }
    /// `self^exponent`, both recorded.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(2.0).pow(tape.var(3.0)).data(), 8.0);
    /// ```
    #[must_use]
    pub fn pow(self, exponent: Value<'t>) -> Self {
        self.apply(Op::Pow, &[exponent], &[])
    }
    /// `e^self`.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(0.0).exp().data(), 1.0);
    /// ```
    #[must_use]
    pub fn exp(self) -> Self {
        self.apply(Op::Exp, &[], &[])
    }
    /// The natural logarithm.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(1.0).ln().data(), 0.0);
    /// ```
    #[must_use]
    pub fn ln(self) -> Self {
        self.apply(Op::Ln, &[], &[])
    }
    /// The square root.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(9.0).sqrt().data(), 3.0);
    /// ```
    #[must_use]
    pub fn sqrt(self) -> Self {
        self.apply(Op::Sqrt, &[], &[])
    }
    /// The sine.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(0.0).sin().data(), 0.0);
    /// ```
    #[must_use]
    pub fn sin(self) -> Self {
        self.apply(Op::Sin, &[], &[])
    }
    /// The cosine.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(0.0).cos().data(), 1.0);
    /// ```
    #[must_use]
    pub fn cos(self) -> Self {
        self.apply(Op::Cos, &[], &[])
    }
    /// The hyperbolic sine.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(0.0).sinh().data(), 0.0);
    /// ```
    #[must_use]
    pub fn sinh(self) -> Self {
        self.apply(Op::Sinh, &[], &[])
    }
    /// The hyperbolic cosine.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(0.0).cosh().data(), 1.0);
    /// ```
    #[must_use]
    pub fn cosh(self) -> Self {
        self.apply(Op::Cosh, &[], &[])
    }
    /// The hyperbolic tangent.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(0.0).tanh().data(), 0.0);
    /// ```
    #[must_use]
    pub fn tanh(self) -> Self {
        self.apply(Op::Tanh, &[], &[])
    }
    /// `max(self, 0)`.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(-2.0).relu().data(), 0.0);
    /// ```
    #[must_use]
    pub fn relu(self) -> Self {
        self.apply(Op::Relu, &[], &[])
    }
    /// `1 / (1 + e^-self)`.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.var(0.0).sigmoid().data(), 0.5);
    /// ```
    #[must_use]
    pub fn sigmoid(self) -> Self {
        self.apply(Op::Sigmoid, &[], &[])
    }

    /// The gradient of `self` with respect to each of `wrt`, recorded as values: the loop of
    /// `backward`, run on values instead of numbers, so that it can be differentiated again.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// let x = tape.var(2.0);
    /// let dy = x.powi(3).gradient(&[x])[0]; // 3 x²
    /// dy.backward(); // 6 x
    /// assert_eq!((dy.data(), x.grad()), (12.0, 12.0));
    /// ```
    ///
    /// # Panics
    /// If a value of `wrt` lives on another tape.
    #[must_use]
    pub fn gradient(self, wrt: &[Value<'t>]) -> Vec<Value<'t>> {
        let tape = self.tape;
        let y = self.index as usize;
        // Adjoints only flow to older nodes: the sweep stops at the oldest node asked for.
        let Some(lowest) = wrt.iter().map(|x| x.index()).min() else {
            return Vec::new();
        };
        let mut sweep = Adjoints {
            tape,
            lowest,
            adjoint: vec![None; y + 1],
        };
        // An output older than every node asked for depends on none of them: no seed then,
        // as on the fast tape.
        if y >= lowest {
            sweep.adjoint[y] = Some(tape.constant(1.0));
        }
        for i in (lowest..=y).rev() {
            let Some(g) = sweep.adjoint[i] else { continue };
            let (op, words, constants) = tape.node(i);
            let node = Copied {
                words: &words,
                constants: &constants,
            };
            let value = Value::new(tape, i as u32, tape.value(i as u32));
            op.backprop(g, value, &node, &mut sweep);
        }
        let of = |x: &Value<'t>| sweep.adjoint.get(x.index()).copied().flatten();
        wrt.iter()
            .map(|x| of(x).unwrap_or_else(|| tape.constant(0.0)))
            .collect()
    }
}

/// The sweep of `gradient`: each node's adjoint is a value, `None` until something reaches it.
struct Adjoints<'t> {
    tape: &'t Tape,
    /// Adjoints of nodes older than this are not wanted, so not recorded.
    lowest: usize,
    adjoint: Vec<Option<Value<'t>>>,
}

impl<'t> Sweep<Value<'t>> for Adjoints<'t> {
    fn value(&self, index: u32) -> Value<'t> {
        Value::new(self.tape, index, self.tape.value(index))
    }
    fn add(&mut self, index: u32, contribution: Value<'t>) {
        if (index as usize) < self.lowest {
            return;
        }
        let slot = &mut self.adjoint[index as usize];
        *slot = Some(match *slot {
            Some(sum) => sum + contribution,
            None => contribution,
        });
    }
}

/// `Value(data=.., grad=..)`, as micrograd prints it.
///
/// ```
/// let tape = tapegrad::plain::Tape::new();
/// let x = tape.var(2.0);
/// (x * x).backward();
/// assert_eq!(x.to_string(), "Value(data=2.0, grad=4.0)");
/// ```
impl fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Value(data={:?}, grad={:?})", self.data(), self.grad())
    }
}

/// Like `Display`, plus the node's position.
///
/// ```
/// let tape = tapegrad::plain::Tape::new();
/// let x = tape.var(2.0);
/// assert_eq!(format!("{:?}", x.powi(2)), "Value(data=4.0, grad=0.0, node=1)");
/// ```
impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Value(data={:?}, grad={:?}, node={})",
            self.data(),
            self.grad(),
            self.index
        )
    }
}

// The operators record the same ops as the fast tape's: a number beside a value is stored in
// the node (`x * 3.0` is one node), and `x - k` is `x + (-k)`, which IEEE defines to the bit.

impl<'t> Add for Value<'t> {
    type Output = Self;
    fn add(self, rhs: Self) -> Self {
        self.apply(Op::Add, &[rhs], &[])
    }
}
impl<'t> Add<f64> for Value<'t> {
    type Output = Self;
    fn add(self, k: f64) -> Self {
        self.apply(Op::AddConst, &[], &[k])
    }
}
impl<'t> Add<Value<'t>> for f64 {
    type Output = Value<'t>;
    fn add(self, x: Value<'t>) -> Value<'t> {
        x.apply(Op::AddConst, &[], &[self])
    }
}
impl<'t> Sub for Value<'t> {
    type Output = Self;
    fn sub(self, rhs: Self) -> Self {
        self.apply(Op::Sub, &[rhs], &[])
    }
}
impl<'t> Sub<f64> for Value<'t> {
    type Output = Self;
    fn sub(self, k: f64) -> Self {
        self.apply(Op::AddConst, &[], &[-k])
    }
}
impl<'t> Sub<Value<'t>> for f64 {
    type Output = Value<'t>;
    fn sub(self, x: Value<'t>) -> Value<'t> {
        x.apply(Op::ConstSub, &[], &[self])
    }
}
impl<'t> Mul for Value<'t> {
    type Output = Self;
    fn mul(self, rhs: Self) -> Self {
        self.apply(Op::Mul, &[rhs], &[])
    }
}
impl<'t> Mul<f64> for Value<'t> {
    type Output = Self;
    fn mul(self, k: f64) -> Self {
        self.apply(Op::MulConst, &[], &[k])
    }
}
impl<'t> Mul<Value<'t>> for f64 {
    type Output = Value<'t>;
    fn mul(self, x: Value<'t>) -> Value<'t> {
        x.apply(Op::MulConst, &[], &[self])
    }
}
impl<'t> Div for Value<'t> {
    type Output = Self;
    fn div(self, rhs: Self) -> Self {
        self.apply(Op::Div, &[rhs], &[])
    }
}
impl<'t> Div<f64> for Value<'t> {
    type Output = Self;
    fn div(self, k: f64) -> Self {
        self.apply(Op::DivConst, &[], &[k])
    }
}
impl<'t> Div<Value<'t>> for f64 {
    type Output = Value<'t>;
    fn div(self, x: Value<'t>) -> Value<'t> {
        x.apply(Op::ConstDiv, &[], &[self])
    }
}
impl<'t> Neg for Value<'t> {
    type Output = Self;
    fn neg(self) -> Self {
        self.apply(Op::Neg, &[], &[])
    }
}

/// The rules run on plain values too, for `gradient`.
impl Real for Value<'_> {
    const RECORDS: bool = true;
    fn number(self) -> f64 {
        self.data
    }
    fn apply1(self, op: Op, k: &[f64]) -> Self {
        self.apply(op, &[], k)
    }
    fn apply2(self, op: Op, b: Self, k: &[f64]) -> Self {
        self.apply(op, &[b], k)
    }
    fn apply3(self, op: Op, b: Self, c: Self) -> Self {
        self.apply(op, &[b, c], &[])
    }
    fn carries_nothing(self) -> bool {
        // Every plain value is a node of its tape.
        false
    }
    fn leaf_beside(self, c: f64) -> Self {
        self.tape.constant(c)
    }
}
