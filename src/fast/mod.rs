//! The fast tape: the plain tape's loop, with its storage packed and its sweep tuned.
//!
//! Read `src/plain/` first: it is the same algorithm in safe Rust, and the crate's tests hold
//! this tape equal to it, value for value and gradient for gradient, to the bit
//! (`src/engines_agree_tests.rs`). Everything here is an optimisation of that loop; a reader
//! can skip it knowingly.
//!
//! # Layout
//!
//! Nodes are stored in creation order, which is a topological order, as a struct of arrays
//! (`storage.rs`), so that a node costs only what it uses:
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
//! backwards and each op's [`Layout`](crate::rules::Layout) says how many words it takes
//! (`spans.rs`, `code.rs`). A constant operand follows the node's other operands as two
//! words, so that one cursor walks both. Local derivatives are not stored: the sweep
//! (`sweep.rs`) computes them with the rule table, which is what lets [`Value::gradient`] run
//! the same rules on values for higher derivatives.
//!
//! # What each optimisation buys, and what guards it
//!
//! Figures are from `benches/` (see `benches/README.md` for how each was measured).
//!
//! - PERF: *chained operands* (`Code`). A one-operand node whose operand is the node just
//!   before it (`exp'` above) stores no operand: a bit in its op byte says so. Chains such as
//!   `(0.5 * x + 0.1).tanh()` are mostly such nodes; 4 bytes a node. Guarded by
//!   `a_one_operand_node_on_the_node_before_it_stores_no_operand`.
//! - PERF: *strided sums* (`Op::SumStride`). A sum over a loop body's outputs is three words,
//!   not one a term. Guarded by `terms_in_step_are_stored_as_a_stride_and_others_as_a_list`.
//! - PERF: *one length word and one room bound* (`Nodes::ends`, `Nodes::room_until`).
//!   Recording a node writes one length and makes one test for the room of all three
//!   streams; a node is a handful of stores. Taking the room test out altogether saved 8% of
//!   a loop of `act += w * x`.
//! - PERF: *the growing call keeps the caller's registers* (`Nodes::make_room`). On x86-64 it
//!   uses the Windows x64 calling convention, which keeps xmm6-xmm15, and does not unwind, so
//!   a loop that records keeps its `f64`s in registers: `act += w * x` from 1.93 to 1.47 ns
//!   a node. Guarded by `unchecked_writes_stay_inside_the_streams_across_growth`.
//! - PERF: *skipping zero gradients* (`skip_zeros`, `Nodes::checkpoints`). A node whose
//!   upstream gradient is zero passes nothing on; runs of them (a dead relu, a point the loss
//!   ignores: 86% of a micrograd-style training step's nodes) are stepped over by their
//!   gradients alone, four at a time, and the operand cursor picks up again from a
//!   checkpoint noted every 64 nodes: the sweep went from 1.29 to 0.76 million instructions a
//!   step. Guarded by `checkpoints_mark_where_every_64th_node_starts` and the agreement test's
//!   dead branches.
//! - PERF: *the gradient below in a register* (`F64Sweep::below_grad`). Most of a node's
//!   gradient often comes from the node just above it; through memory each link of such a
//!   chain waits for a store to reach a load (15 cycles against 6 in a register, measured).
//!   The additions happen in the same order as through memory, to the bit. Guarded by
//!   `the_register_of_the_node_below_survives_writes_of_many_gradients`.
//! - PERF: *no bounds checks in the sweep* (`InStreams`, `F64Sweep`): 13% of a
//!   micrograd-style step. Sound because every operand is recorded before its node, which
//!   debug builds check for every node (`a_node_on_a_node_not_yet_recorded_panics_in_debug_builds`).
//!
//! # Safety
//!
//! `unsafe` is allowed in this folder's storage and sweep modules alone (`column.rs`,
//! `code.rs`, `storage.rs`, `spans.rs`, `sweep.rs`); every block says why it holds in a
//! `SAFETY:` comment. Recording appends to the tape while many `Value`s borrow it, so the
//! storage sits in an `UnsafeCell`, and every access goes through `Tape::with_nodes`, which
//! neither calls user code nor panics while it holds the storage (a panic hook may record on
//! the same tape): a push that finds no room returns why, and the caller panics after the
//! storage is released. Debug builds check that the storage is never entered twice (a
//! `RefCell` would check on every operation in release builds too).

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

#[cfg(test)]
pub(crate) use storage::CHECKPOINT_EVERY;
pub(crate) use storage::Nodes;

/// A recording of scalar operations: the graph every [`Value`] lives on.
///
/// Create values with [`var`](Tape::var), compute with them as with `f64`, then call
/// [`Value::backward`] on the result. A training loop calls [`clear`](Tape::clear) between
/// steps: the tape keeps its memory, so steps after the first allocate nothing.
///
/// A tape can move to another thread (it is `Send`) but not be shared by two (it is not
/// `Sync`): recording appends to the tape through the shared reference every [`Value`]
/// holds, without a lock, so two threads recording at once would race. Each thread records on
/// a tape of its own, as [`DataParallel`](crate::nn::DataParallel) does.
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
    #[must_use]
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
    ///
    /// # Panics
    /// If `nodes` is more than a tape can hold (`u32::MAX`, the most a node index can
    /// address), or the allocator refuses the room (37 bytes a node); nothing is
    /// allocated then. Ask for less: the tape grows as it records anyway.
    #[must_use]
    #[track_caller]
    pub fn with_capacity(nodes: usize) -> Self {
        assert!(
            nodes <= storage::MAX_NODES,
            "Tape::with_capacity({nodes}): a tape holds at most {} nodes (its node indices are \
             u32); ask for fewer, or split the work across tapes",
            storage::MAX_NODES
        );
        match Nodes::with_capacity(nodes) {
            Some(nodes) => Self::from_nodes(nodes),
            None => panic!(
                "Tape::with_capacity({nodes}): the allocator refused room for {nodes} nodes; ask \
                 for fewer (the tape grows as it records)"
            ),
        }
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
    /// recording is still around. That includes a `Vec<Value>` kept from one step to the
    /// next, even emptied (its type still borrows the tape): keep numbers across `clear`
    /// instead, or let a [`Gradient`](crate::Gradient) run the loop, which keeps the
    /// vector's memory.
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
    ///
    /// # Panics
    /// If the tape is full or cannot grow; nothing is recorded then.
    #[inline(always)]
    #[track_caller]
    pub(crate) fn record(&self, op: Op, operands: &[u32], constants: &[f64], value: f64) -> u32 {
        self.record_with(|n| n.push(op, operands, constants, value))
    }

    /// Records one fused node with a fixed layout (an `Affine` op), computing its value from
    /// the operand nodes; returns its index and value. The per-op tests record each op alone
    /// with it; networks record whole layers with `layer_on_runs`.
    #[cfg(test)]
    pub(crate) fn record_fused(&self, op: Op, operands: &[u32]) -> (u32, f64) {
        self.record_with(|n| {
            let value = op.eval_fused(operands, &[], n.values());
            Ok((n.push(op, operands, &[], value)?, value))
        })
    }

    /// Sets every node's gradient to d(node `y`)/d(node): the backward sweep.
    pub(crate) fn backward_from(&self, y: u32) {
        let len = self.len();
        assert!(
            (y as usize) < len,
            "tapegrad bug: backward from node {y} past the tape's end ({len} nodes)"
        );
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
