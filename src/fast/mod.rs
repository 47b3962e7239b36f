//! The tape: where nodes are stored, and the backward sweep.
//!
//! # Layout
//!
//! A tape is a Wengert list: nodes in the order they were created. Every operand of a node was
//! created before it, so creation order is already a topological order and the backward sweep
//! is one loop from the newest node to the oldest, with no recursion, sort or visited set.
//!
//! The nodes are stored as a struct of arrays, so that a node costs only what it uses:
//!
//! ```text
//!   node:      0      1      2        3          4          5
//!   ops:       var    var    *        * 3.0      +          exp'       1 byte each
//!   values:    2.0    5.0    10.0     6.0        16.0       8.9e6      8 bytes each
//!   operands:  .      .      0 1      0 3.0      2 3        .          4 bytes per node operand,
//!                                                                      8 per constant
//!   grads:     filled in by backward                                   8 bytes each
//! ```
//!
//! A node does not store where its operands start: the sweep walks the operand stream
//! backwards and each op knows how many words it takes ([`Layout`]). A constant operand is
//! folded into its node (`x * 3.0` is one node, not a leaf and a product): it follows the
//! node's other operands in the stream, as two words, so that one cursor walks both. Fused
//! nodes (`sum`, `dot`, `affine`) take any number of operands in one node. A one-operand node
//! whose operand is the node just before it (node 5, `exp'`) is *chained*: a bit in its op
//! byte says so, and its operand is not stored ([`Code`]). A tanh, a product and a sum cost
//! 17 to 29 bytes a node; see the crate's README for measured figures.
//!
//! Every 64th node, the tape notes where the node's data starts in the operand stream: the
//! backward sweep steps over a long run of zero gradients without reading the nodes' data,
//! and picks up the stream again from there.
//!
//! Recording is the hot path of every computation, so it is kept to a handful of stores: the
//! new value is computed from the operands' handles (a [`Value`] carries its number), the
//! node count and the operand stream's length share one word, so a node writes one length,
//! and one bound, `room_until`, stands for the free space of all three streams, so a node
//! costs one test and no capacity check per stream.
//!
//! Local derivatives are not stored: the sweep computes them from the stored values with the
//! rules in [`crate::rules`]. That keeps the tape small, and it is what lets [`Value::gradient`]
//! run the same rules on `Value`s to record the gradient itself for higher derivatives.
//!
//! # Interior mutability
//!
//! Recording needs to append to the tape while many `Value`s borrow it, so the storage sits in
//! an `UnsafeCell` and every access goes through [`Tape::with_nodes`], which never calls user
//! code while it holds the storage. A `RefCell` would check the same thing on every operation;
//! here debug builds check it (and the test suite runs them), release builds do not pay for it.

use std::cell::UnsafeCell;
use std::fmt;

use crate::rules::Op;
use crate::value::Value;

mod code;
mod column;
mod spans;
mod storage;
mod sweep;
#[cfg(test)]
mod tests;

pub(crate) use spans::operand_words;
pub(crate) use storage::Nodes;

/// A recording of scalar operations: the graph every [`Value`] lives on.
///
/// Create values with [`var`](Tape::var), compute with them as with `f64`, then call
/// [`Value::backward`] on the result. A training loop calls [`clear`](Tape::clear) between
/// steps: the tape keeps its memory, so steps after the first allocate nothing.
///
/// ```
/// use tapegrad::Tape;
///
/// let tape = Tape::new();
/// let x = tape.var(2.0);
/// let y = x * x + 3.0 * x;
/// y.backward();
/// assert_eq!(y.data(), 10.0);
/// assert_eq!(x.grad(), 7.0);
/// assert_eq!(tape.len(), 4); // x, x*x, 3*x, and the sum
/// ```
pub struct Tape {
    nodes: UnsafeCell<Nodes>,
    /// Set while `with_nodes` runs, to catch re-entry in debug builds.
    #[cfg(debug_assertions)]
    busy: std::cell::Cell<bool>,
}

impl Tape {
    /// An empty tape.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert!(tape.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::from_nodes(Nodes::default())
    }

    /// An empty tape with room for `nodes` nodes, and their operands and constants, before it
    /// reallocates.
    ///
    /// ```
    /// let tape = tapegrad::Tape::with_capacity(1000);
    /// assert!(tape.capacity() >= 1000);
    /// ```
    pub fn with_capacity(nodes: usize) -> Self {
        Self::from_nodes(Nodes::with_capacity(nodes))
    }

    fn from_nodes(mut nodes: Nodes) -> Self {
        nodes.measure_room();
        Tape {
            nodes: UnsafeCell::new(nodes),
            #[cfg(debug_assertions)]
            busy: std::cell::Cell::new(false),
        }
    }

    /// A new leaf: an input you want gradients for.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(3.0);
    /// let y = x.powi(2);
    /// y.backward();
    /// assert_eq!(x.grad(), 6.0);
    /// ```
    ///
    /// # Panics
    /// If the tape already holds `u32::MAX` nodes.
    #[inline]
    pub fn var(&self, value: f64) -> Value<'_> {
        self.leaf(Op::Var, value)
    }

    /// A new leaf with a name: `tape.named("a", 2.0)` is `tape.var(2.0).label("a")`.
    ///
    /// The name is what graphs and traces show for the value.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let a = tape.named("a", 2.0);
    /// assert_eq!((a.data(), a.name().as_deref()), (2.0, Some("a")));
    /// ```
    ///
    /// # Panics
    /// If the tape already holds `u32::MAX` nodes.
    pub fn named(&self, name: &str, value: f64) -> Value<'_> {
        self.var(value).label(name)
    }

    /// A new leaf for a fixed number. It behaves exactly like [`var`](Tape::var) (it gets a
    /// gradient too); graphs and traces show it as a constant.
    ///
    /// Mixing a `Value` with a plain `f64` (`x * 3.0`) needs no constant node at all: the
    /// number is stored inside the product's node.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let one = tape.constant(1.0);
    /// assert_eq!(one.data(), 1.0);
    /// ```
    ///
    /// # Panics
    /// If the tape already holds `u32::MAX` nodes.
    #[inline]
    pub fn constant(&self, value: f64) -> Value<'_> {
        self.leaf(Op::Const, value)
    }

    #[inline]
    fn leaf(&self, op: Op, value: f64) -> Value<'_> {
        Value::new(self, self.record(op, &[], &[], value), value)
    }

    /// How many nodes have been recorded.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// let x = tape.var(1.0);
    /// let _y = x.exp() + 1.0;
    /// assert_eq!(tape.len(), 3);
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.with_nodes(|n| n.len())
    }

    /// Whether no node has been recorded.
    ///
    /// ```
    /// let tape = tapegrad::Tape::new();
    /// assert!(tape.is_empty());
    /// tape.var(1.0);
    /// assert!(!tape.is_empty());
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many nodes fit before the tape must grow its storage.
    ///
    /// ```
    /// let mut tape = tapegrad::Tape::new();
    /// for i in 0..100 {
    ///     tape.var(i as f64);
    /// }
    /// let room = tape.capacity();
    /// tape.clear();
    /// assert_eq!(tape.capacity(), room); // clear keeps the memory
    /// ```
    pub fn capacity(&self) -> usize {
        self.with_nodes(|n| n.capacity())
    }

    /// Forgets every node but keeps the memory, so that the next recording of the same size
    /// allocates nothing.
    ///
    /// It takes `&mut self`, so the borrow checker makes sure no [`Value`] of the old
    /// recording is still around.
    ///
    /// ```
    /// let mut tape = tapegrad::Tape::new();
    /// for step in 0..3 {
    ///     tape.clear();
    ///     let w = tape.var(step as f64);
    ///     (w * w).backward();
    ///     assert_eq!(w.grad(), 2.0 * step as f64);
    /// }
    /// ```
    pub fn clear(&mut self) {
        self.nodes.get_mut().clear();
    }

    /// Records a node whose value the caller computed, and returns its index.
    #[inline(always)]
    pub(crate) fn record(&self, op: Op, operands: &[u32], constants: &[f64], value: f64) -> u32 {
        self.with_nodes(|n| n.push(op, operands, constants, value))
    }

    /// Records one fused node with a fixed layout (an `Affine` op), computing its value from
    /// the operand nodes; returns its index and value. The per-op tests record each op alone
    /// with it; networks record whole layers with `layer_on_runs`.
    #[cfg(test)]
    pub(crate) fn record_fused(&self, op: Op, operands: &[u32]) -> (u32, f64) {
        self.with_nodes(|n| {
            let value = op.eval_fused(operands, n.values());
            (n.push(op, operands, &[], value), value)
        })
    }

    /// Sets every node's gradient to d(node `y`)/d(node): the backward sweep.
    pub(crate) fn backward_from(&self, y: u32) {
        self.with_nodes(|n| n.backward_from(y as usize));
    }
}

impl Default for Tape {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Tape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tape").field("len", &self.len()).finish()
    }
}
