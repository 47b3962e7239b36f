//! The plain tape: nodes in a `Vec`, and a backward pass that is one loop.
//!
//! For `y = x * x + 3 * x` at `x = 2` the tape holds, in the order they were recorded:
//!
//! ```text
//!  node  op     operands  constants  value
//!  0     var                         2
//!  1     *      0, 0                 4
//!  2     * k    0         3          6
//!  3     +      1, 2                 10
//! ```
//!
//! Every operand was recorded before the node that reads it, so the order of recording is
//! already a topological order: going through the nodes newest first, a node's gradient is
//! complete before it is passed on. That is the whole of `backward_from` below.

use std::cell::RefCell;

use smallvec::SmallVec;

use super::Value;
use crate::rules::{NodeData, Op, Sweep, fixed};

/// A recording of scalar operations, kept as plainly as possible: see the [module
/// docs](crate::plain).
///
/// ```
/// let tape = tapegrad::plain::Tape::new();
/// let x = tape.var(2.0);
/// let y = x * x + 3.0 * x;
/// y.backward();
/// assert_eq!((y.data(), x.grad()), (10.0, 7.0));
/// assert_eq!(tape.len(), 4);
/// ```
#[derive(Default)]
pub struct Tape {
    inner: RefCell<Nodes>,
}

/// The nodes, oldest first: `ops[i]`, `values[i]` and `grads[i]` belong to node `i`.
#[derive(Default)]
struct Nodes {
    ops: Vec<Node>,
    values: Vec<f64>,
    /// d(output of the last backward)/d(node); nodes past its end have 0.
    grads: Vec<f64>,
}

/// What a node stores besides its value: its op, the nodes it reads and its numbers.
struct Node {
    op: Op,
    /// The operand nodes (a fused neuron stores `[first weight, first input, n]`).
    operands: SmallVec<[u32; 3]>,
    /// The `k` of `x * k`, a clamp's bounds.
    constants: SmallVec<[f64; 2]>,
}

impl Tape {
    /// An empty tape.
    ///
    /// ```
    /// assert!(tapegrad::plain::Tape::new().is_empty());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// A new leaf: an input you want the gradient of.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// let x = tape.var(3.0);
    /// x.powi(2).backward();
    /// assert_eq!(x.grad(), 6.0);
    /// ```
    pub fn var(&self, value: f64) -> Value<'_> {
        self.leaf(Op::Var, value)
    }

    /// A new leaf for a fixed number; it gets a gradient like any leaf.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// assert_eq!(tape.constant(1.5).data(), 1.5);
    /// ```
    pub fn constant(&self, value: f64) -> Value<'_> {
        self.leaf(Op::Const, value)
    }

    /// How many nodes have been recorded.
    ///
    /// ```
    /// let tape = tapegrad::plain::Tape::new();
    /// let x = tape.var(1.0);
    /// let _y = x.exp() + 1.0;
    /// assert_eq!(tape.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.inner.borrow().ops.len()
    }

    /// Whether no node has been recorded.
    ///
    /// ```
    /// assert!(tapegrad::plain::Tape::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets every node. `&mut self`: no value of the old recording can be around.
    ///
    /// ```
    /// let mut tape = tapegrad::plain::Tape::new();
    /// tape.var(1.0);
    /// tape.clear();
    /// assert!(tape.is_empty());
    /// ```
    pub fn clear(&mut self) {
        *self.inner.get_mut() = Nodes::default();
    }

    fn leaf(&self, op: Op, value: f64) -> Value<'_> {
        let index = self.push(op, &[], &[], value);
        Value::new(self, index, value)
    }

    /// Records `op` on `operands` (node indices) and `constants`, computing its value from
    /// theirs: the one way every operation of [`Value`] is recorded.
    pub(crate) fn record(&self, op: Op, operands: &[u32], constants: &[f64]) -> Value<'_> {
        let value = {
            let nodes = self.inner.borrow();
            if op.is_fused() {
                op.eval_fused(operands, constants, &nodes.values)
            } else {
                let x: SmallVec<[f64; 3]> =
                    operands.iter().map(|&i| nodes.values[i as usize]).collect();
                op.eval(&x, constants)
            }
        };
        let index = self.push(op, operands, constants, value);
        Value::new(self, index, value)
    }

    /// Records a statement on `operands` whose value and partial derivatives the caller
    /// computed (the fast tape's `Tape::statement`, which the tests hold this tape against).
    #[cfg(test)]
    pub(crate) fn record_statement(
        &self,
        operands: &[u32],
        partials: &[f64],
        value: f64,
    ) -> Value<'_> {
        let op = match operands.len() {
            1 => Op::UnaryStatement,
            _ => Op::Statement,
        };
        let index = self.push(op, operands, partials, value);
        Value::new(self, index, value)
    }

    fn push(&self, op: Op, operands: &[u32], constants: &[f64], value: f64) -> u32 {
        let mut nodes = self.inner.borrow_mut();
        let index = u32::try_from(nodes.ops.len()).expect("a tape holds at most u32::MAX nodes");
        nodes.ops.push(Node {
            op,
            operands: operands.into(),
            constants: constants.into(),
        });
        nodes.values.push(value);
        index
    }

    /// The value of node `i`.
    pub(crate) fn value(&self, i: u32) -> f64 {
        self.inner.borrow().values[i as usize]
    }

    /// The gradient of node `i` from the last backward pass.
    pub(crate) fn grad(&self, i: u32) -> f64 {
        let nodes = self.inner.borrow();
        nodes.grads.get(i as usize).copied().unwrap_or(0.0)
    }

    /// The backward pass: sets every node's gradient to d(node `y`)/d(node).
    pub(crate) fn backward_from(&self, y: u32) {
        let mut nodes = self.inner.borrow_mut();
        let Nodes { ops, values, grads } = &mut *nodes;
        let y = y as usize;
        grads.clear();
        grads.resize(y + 1, 0.0);
        grads[y] = 1.0; // dy/dy
        for i in (0..=y).rev() {
            let g = grads[i];
            // A node the output does not depend on passes nothing on (not even 0 * NaN).
            if g == 0.0 {
                continue;
            }
            let mut sweep = Accumulate { values, grads };
            // The chain rule: each operand p of node i receives g * d(node i)/dp.
            ops[i].op.backprop(g, values[i], &ops[i], &mut sweep);
        }
    }

    /// Node `i`'s op, operands and constants, copied out (for `gradient`, which records
    /// while it reads).
    pub(crate) fn node(&self, i: usize) -> (Op, SmallVec<[u32; 3]>, SmallVec<[f64; 2]>) {
        let node = &self.inner.borrow().ops[i];
        (node.op, node.operands.clone(), node.constants.clone())
    }
}

/// Where the rules send their contributions in `backward`: straight into `grads`.
struct Accumulate<'a> {
    values: &'a [f64],
    grads: &'a mut [f64],
}

impl Sweep<f64> for Accumulate<'_> {
    fn value(&self, index: u32) -> f64 {
        self.values[index as usize]
    }
    fn add(&mut self, index: u32, contribution: f64) {
        self.grads[index as usize] += contribution;
    }
}

/// How a rule reads its node.
/// Shows how many nodes the tape holds, as `Tape { len: 4 }`.
///
/// ```
/// let tape = tapegrad::plain::Tape::new();
/// let x = tape.var(1.0);
/// let _ = x * x;
/// assert_eq!(format!("{tape:?}"), "Tape { len: 2 }");
/// ```
impl std::fmt::Debug for Tape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tape").field("len", &self.len()).finish()
    }
}

impl NodeData for Node {
    fn operands<const N: usize>(&self) -> [u32; N] {
        fixed(&self.operands)
    }
    fn constants<const N: usize>(&self) -> [f64; N] {
        fixed(&self.constants)
    }
    fn items(&self) -> &[u32] {
        &self.operands
    }
    fn item_constant(&self, i: usize) -> f64 {
        self.constants[i]
    }
}
