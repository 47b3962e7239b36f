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
//! rules in [`crate::ops`]. That keeps the tape small, and it is what lets [`Value::gradient`]
//! run the same rules on `Value`s to record the gradient itself for higher derivatives.
//!
//! # Interior mutability
//!
//! Recording needs to append to the tape while many `Value`s borrow it, so the storage sits in
//! an `UnsafeCell` and every access goes through [`Tape::with_nodes`], which never calls user
//! code while it holds the storage. A `RefCell` would check the same thing on every operation;
//! here debug builds check it (and the test suite runs them), release builds do not pay for it.

use std::cell::UnsafeCell;
use std::collections::HashMap;
use std::fmt;

use crate::column::Column;
use crate::ops::{Code, Layout, NodeData, Op, Shape, Sweep};
use crate::value::Value;

/// Node indices are `u32`; a tape holds at most this many nodes.
const MAX_NODES: usize = u32::MAX as usize;

/// The operand stream's length is kept in 32 bits (see `Nodes::ends`), so it holds at most
/// this many words: 16 GiB of operands.
const MAX_OPERAND_WORDS: usize = u32::MAX as usize;

/// Every this many nodes, the tape notes where the node's data starts (`Nodes::checkpoints`).
const CHECKPOINT_EVERY: usize = 64;

/// The most words a node with a fixed layout takes in the operand stream: three operands
/// (`mul_add`), or one and two constants of two words each (`clamp`).
const MAX_WORDS: usize = 5;

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

/// The storage behind a tape (see the module docs for the layout).
#[derive(Default)]
pub(crate) struct Nodes {
    /// How many nodes there are (the length of `codes` and `values`) in the low 32 bits, and
    /// the length of `operands` in the high 32: one word, so that recording a node writes one
    /// length, not two. Read with `len()` and `operand_len()`.
    ends: u64,
    /// Each node's op and whether it is chained; read with `codes()`.
    codes: Column<Code>,
    /// Each node's value; read with `values()`.
    values: Column<f64>,
    /// The operand stream: each node's operand nodes, then its constants (two words each);
    /// read with `operands()`.
    operands: Column<u32>,
    /// `grads[i]` is d(output of the last backward)/d(node i); nodes past its end have 0.
    pub(crate) grads: Vec<f64>,
    /// Operand indices gathered by `sum` while its iterator runs; used as a stack so that sums
    /// inside sums work.
    pub(crate) scratch: Vec<u32>,
    /// Names given with `Value::label`, for graphs and traces.
    pub(crate) labels: HashMap<u32, String>,
    /// `checkpoints[k]` is where node `k * CHECKPOINT_EVERY`'s data starts in the operand
    /// stream, for every such node on the tape: the backward sweep steps over a long run of
    /// zero gradients by their gradients alone, and finds its place in the stream again from
    /// here. Written when `room_until` is reached, which it is at every such node.
    checkpoints: Vec<u32>,
    /// The node count up to which every stream surely has room for a fixed-layout node, and
    /// no checkpoint is due (see `push`).
    room_until: usize,
}

/// Where one node's data sits in the operand stream: its operand nodes (operand counts of
/// variadic nodes excluded), then its constants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) operands: std::ops::Range<usize>,
    pub(crate) constants: std::ops::Range<usize>,
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
        Self::from_nodes(Nodes {
            codes: Column::with_capacity(nodes),
            values: Column::with_capacity(nodes),
            operands: Column::with_capacity(MAX_WORDS * nodes),
            grads: Vec::with_capacity(nodes),
            ..Nodes::default()
        })
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
        self.with_nodes(|n| n.values.capacity())
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
        let n = self.nodes.get_mut();
        n.ends = 0;
        n.grads.clear();
        n.scratch.clear();
        n.labels.clear();
        n.checkpoints.clear();
        n.measure_room();
    }

    /// Runs `f` on the storage. `f` must not call back into this tape (it never runs user
    /// code); debug builds check that.
    #[inline(always)]
    pub(crate) fn with_nodes<R>(&self, f: impl FnOnce(&mut Nodes) -> R) -> R {
        #[cfg(debug_assertions)]
        let _guard = ReentryGuard::enter(&self.busy);
        // SAFETY: `Tape` is not `Sync` (UnsafeCell), so no other thread can be in here, and
        // `with_nodes` is the only way to the storage. The closures given to it only touch
        // the storage and never call back into the tape, so no other `&mut Nodes` is alive
        // while this one is; debug builds assert that with `ReentryGuard`. No reference into
        // the storage leaves the closure, because `R` cannot borrow from `&mut Nodes`.
        f(unsafe { &mut *self.nodes.get() })
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

impl Nodes {
    /// How many nodes there are.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        (self.ends as u32) as usize
    }

    /// The operand stream's length.
    #[inline(always)]
    fn operand_len(&self) -> usize {
        (self.ends >> 32) as usize
    }

    /// The operand stream.
    #[inline(always)]
    pub(crate) fn operands(&self) -> &[u32] {
        // SAFETY: the first `operand_len` words are always initialised (`push`,
        // `push_variadic`).
        unsafe { self.operands.slice(self.operand_len()) }
    }

    /// Every node's code (its op, and whether it is chained), oldest first.
    #[inline(always)]
    pub(crate) fn codes(&self) -> &[Code] {
        // SAFETY: the first `len` codes are always initialised (`push`, `push_variadic`).
        unsafe { self.codes.slice(self.len()) }
    }

    /// Node `i`'s op.
    #[inline(always)]
    pub(crate) fn op(&self, i: usize) -> Op {
        self.codes()[i].op()
    }

    /// Node `i`'s operand words (as [`Op::operand_nodes`] reads them), given its span.
    pub(crate) fn words(&self, i: usize, span: &Span) -> Vec<u32> {
        let mut slot = [0];
        operand_words(self.codes()[i], i, span, self.operands(), &mut slot).to_vec()
    }

    /// Every node's value, oldest first.
    #[inline(always)]
    pub(crate) fn values(&self) -> &[f64] {
        // SAFETY: the first `len` values are always initialised (`push`, `push_variadic`).
        unsafe { self.values.slice(self.len()) }
    }

    /// Appends a node with a fixed number of operands.
    #[inline(always)]
    pub(crate) fn push(&mut self, op: Op, operands: &[u32], constants: &[f64], value: f64) -> u32 {
        debug_assert_eq!(op.layout(), Layout::Fixed(operands.len()));
        debug_assert_eq!(op.constants(), constants.len());
        debug_assert!(operands_come_first(op, operands, self.len()));
        // One bound stands for the free space of all three streams, so that recording a node
        // is one test and a handful of stores; the rest stays out of line.
        if self.len() >= self.room_until && !self.make_room() {
            self.full();
        }
        let ends = self.ends;
        let index = (ends as u32) as usize;
        // SAFETY: `index < room_until` means every stream has space for one more node of the
        // largest fixed layout (MAX_WORDS operand words; see `Nodes::measure_room`), so each
        // write stays inside its capacity and each new length only covers initialised
        // elements. `measure_room` also counts no room past MAX_NODES nodes or
        // MAX_OPERAND_WORDS operand words, so `index` fits in a u32 and both lengths in their
        // halves of `ends`.
        //
        // Each store costs about a cycle here, and a node is a handful of them: the node count
        // and the operand stream's length share one word, two operands go in one store, and
        // every pointer and length is read before the first element is written, which the
        // compiler could not otherwise tell apart from them.
        unsafe {
            let operand_end = (ends >> 32) as usize;
            let operand_slots = self.operands.slot(operand_end);
            let code_slot = self.codes.slot(index);
            let value_slot = self.values.slot(index);
            // A one-operand node on the node just before it stores no operand (see `Code`).
            // Its slot is written anyway, to save a branch, and left outside the stream (or
            // written over by the constants).
            let chained = matches!(*operands, [a] if a as usize + 1 == index);
            code_slot.write(Code::new(op, chained));
            value_slot.write(value);
            if let [a, b] = *operands {
                let (low, high) = if cfg!(target_endian = "little") {
                    (a, b)
                } else {
                    (b, a)
                };
                let pair = u64::from(low) | (u64::from(high) << 32);
                operand_slots.cast::<u64>().write_unaligned(pair);
            } else {
                std::ptr::copy_nonoverlapping(operands.as_ptr(), operand_slots, operands.len());
            }
            let stored = operands.len() - usize::from(chained);
            for (j, &k) in constants.iter().enumerate() {
                operand_slots
                    .add(stored + 2 * j)
                    .cast::<f64>()
                    .write_unaligned(k);
            }
            let stored = (stored + 2 * constants.len()) as u64;
            self.ends = ends + 1 + (stored << 32);
        }
        index as u32
    }

    /// Moves `room_until` on, growing the streams only when they are truly short of space;
    /// returns whether there is room for a node now. There is not only when the tape holds
    /// MAX_NODES nodes or MAX_OPERAND_WORDS operand words; the caller then panics (`full`).
    ///
    /// `room_until` counts every node as the widest one, so it is reached before the streams
    /// are full; measuring again first is what lets a cleared tape record a step as large as
    /// the one before without allocating.
    //
    // On x86-64 it is called with the Windows x64 convention, on every system. The System V
    // convention (Linux, macOS) lets a call overwrite every vector register, so a loop that
    // records nodes had to keep its `f64`s in memory around each record, in case this call
    // happened; the Windows one keeps xmm6 to xmm15. It is the convention without unwinding,
    // which the compiler can schedule around more freely (a tenth faster again, measured);
    // that is why it returns `false` rather than panicking, which here would abort. The two
    // took a loop of `act += w * x` from 1.93 to 1.47 ns a node. AArch64's and RISC-V's own
    // conventions already keep eight or more float registers across a call.
    #[cfg(target_arch = "x86_64")]
    #[cold]
    #[inline(never)]
    extern "win64" fn make_room(&mut self) -> bool {
        self.move_room_on()
    }

    /// See the x86-64 version above.
    #[cfg(not(target_arch = "x86_64"))]
    #[cold]
    #[inline(never)]
    fn make_room(&mut self) -> bool {
        self.move_room_on()
    }

    /// `make_room`'s work. Nothing in it panics: `Vec` growth stays far below `isize::MAX`
    /// bytes at these limits, and running out of memory aborts.
    #[inline(always)]
    fn move_room_on(&mut self) -> bool {
        self.note_checkpoint();
        self.measure_room();
        self.room_until > self.len() || self.grow()
    }

    /// The panic of a push on a tape with no room left (see `make_room`).
    #[cold]
    #[inline(never)]
    fn full(&self) -> ! {
        if self.len() >= MAX_NODES {
            tape_full()
        } else {
            operands_full()
        }
    }

    /// Grows every stream by as many nodes as the tape holds; returns `false`, growing
    /// nothing, when the tape holds MAX_NODES nodes or is within a node of
    /// MAX_OPERAND_WORDS operand words.
    fn grow(&mut self) -> bool {
        let len = self.len();
        if len >= MAX_NODES || self.operand_len() + MAX_WORDS > MAX_OPERAND_WORDS {
            return false;
        }
        // As many nodes again as there are (Vec's own doubling).
        let nodes = len.max(64);
        // SAFETY: the first `len` codes and values, and `operand_len` operands, are
        // initialised.
        unsafe {
            self.values.reserve(len, nodes);
            self.codes.reserve(len, nodes);
            self.operands.reserve(self.operand_len(), MAX_WORDS * nodes);
        }
        self.measure_room();
        debug_assert!(self.room_until > len);
        true
    }

    /// Notes where the next node's data starts, if that node is due a checkpoint.
    fn note_checkpoint(&mut self) {
        if self.len() == self.checkpoints.len() * CHECKPOINT_EVERY {
            // The stream's length fits in a u32 (see `ends`).
            self.checkpoints.push(self.operand_len() as u32);
        }
    }

    /// Sets `room_until`: up to that many nodes, fixed-layout nodes surely fit in every
    /// stream, and no checkpoint is due. Called whenever a stream's capacity or length
    /// changes other than through `push`.
    pub(crate) fn measure_room(&mut self) {
        let free = |len: usize, capacity: usize, per_node: usize| (capacity - len) / per_node;
        let len = self.len();
        let operand_space = self.operands.capacity().min(MAX_OPERAND_WORDS);
        let room = free(len, self.values.capacity().min(self.codes.capacity()), 1)
            .min(free(
                self.operand_len(),
                operand_space.max(self.operand_len()),
                MAX_WORDS,
            ))
            .min(MAX_NODES - len);
        let next_checkpoint = self.checkpoints.len() * CHECKPOINT_EVERY;
        self.room_until = (len + room).min(next_checkpoint);
    }

    /// Appends a variadic node whose operands are `scratch[from..]`, and pops them off the
    /// scratch stack; returns its index and value.
    pub(crate) fn push_variadic_from_scratch(&mut self, op: Op, from: usize) -> (u32, f64) {
        let Layout::Variadic { per_item } = op.layout() else {
            unreachable!("{op:?} is not variadic")
        };
        let index = self.next_index();
        self.note_checkpoint();
        let operands = &self.scratch[from..];
        debug_assert!(operands_come_first(op, operands, self.len()));
        let count = u32::try_from(operands.len() / per_item)
            .expect("a fused node takes at most u32::MAX operands");
        let value = op.eval_fused(operands, self.values());
        let (len, operand_end) = (self.len(), self.operand_len());
        let words = operands.len() + 2;
        if words > MAX_OPERAND_WORDS - operand_end {
            operands_full();
        }
        // SAFETY: the first `len` codes and values, and `operand_end` operands, are
        // initialised.
        unsafe {
            if len == self.codes.capacity().min(self.values.capacity()) {
                self.codes.reserve(len, len.max(64));
                self.values.reserve(len, len.max(64));
            }
            if words > self.operands.capacity() - operand_end {
                self.operands.reserve(operand_end, words.max(operand_end));
            }
        }
        // SAFETY: the reserves above left room for one more code and value and for `words`
        // operands; `scratch` is not the operand stream, so the copy cannot overlap.
        unsafe {
            self.codes.write(len, Code::new(op, false));
            self.values.write(len, value);
            let slots = self.operands.slot(operand_end);
            slots.write(count);
            std::ptr::copy_nonoverlapping(operands.as_ptr(), slots.add(1), operands.len());
            slots.add(words - 1).write(count);
        }
        self.ends += 1 + ((words as u64) << 32);
        self.scratch.truncate(from);
        self.measure_room();
        (index, value)
    }

    #[inline(always)]
    fn next_index(&self) -> u32 {
        node_index(self.len())
    }

    /// Where node `i`'s data ends in the operand stream, walking from whichever end of the
    /// tape is nearer, so that finding it costs no more than the nodes up to `i`.
    pub(crate) fn cursor_after(&self, i: usize) -> usize {
        let len = self.len();
        if len - 1 - i <= i {
            let mut end = self.operand_len();
            for j in (i + 1..len).rev() {
                end = self.span_before(j, end).0;
            }
            end
        } else {
            let mut start = 0;
            for j in 0..=i {
                start = self.span_after(j, start).1;
            }
            start
        }
    }

    /// Node `i`'s data, given where it ends; returns where it starts and its span.
    #[inline(always)]
    pub(crate) fn span_before(&self, i: usize, end: usize) -> (usize, Span) {
        span_before(self.codes()[i], self.operands(), end)
    }

    /// Node `i`'s data, given where it starts; returns its span and where it ends.
    pub(crate) fn span_after(&self, i: usize, start: usize) -> (Span, usize) {
        let shape = self.codes()[i].shape();
        if shape.stride != Shape::VARIADIC {
            let end = start + shape.stride as usize;
            (fixed_span(shape, start), end)
        } else {
            let count = self.operands()[start] as usize;
            let end = start + 2 + shape.per_item as usize * count;
            (variadic_span(start, end), end)
        }
    }

    /// Node `i`'s constants, given its span.
    pub(crate) fn constants(&self, span: &Span) -> Vec<f64> {
        self.operands()[span.constants.clone()]
            .chunks_exact(2)
            .map(|pair| {
                // The two words hold the constant's bytes as `push` wrote them.
                let mut bytes = [0; 8];
                bytes[..4].copy_from_slice(&pair[0].to_ne_bytes());
                bytes[4..].copy_from_slice(&pair[1].to_ne_bytes());
                f64::from_ne_bytes(bytes)
            })
            .collect()
    }

    fn backward_from(&mut self, y: usize) {
        assert!(
            y < self.len(),
            "tapegrad bug: backward from node {y} past the tape's end"
        );
        self.grads.clear();
        self.grads.resize(y + 1, 0.0);
        self.grads[y] = 1.0;
        let mut end = self.cursor_after(y);
        // Plain slices, so that writes to `grads` do not make the compiler reload the others.
        let (len, operand_len) = (self.len(), self.operand_len());
        let Nodes {
            codes,
            values,
            operands,
            grads,
            checkpoints,
            ..
        } = self;
        // SAFETY: the first `len` codes and values, and `operand_len` operands, are
        // initialised.
        let (codes, values, operands) = unsafe {
            (
                codes.slice(len),
                values.slice(len),
                operands.slice(operand_len),
            )
        };
        // The loop below indexes without bounds checks (they cost 13% of a copy of the
        // micrograd-style step, measured). Every node index it uses is at most `y`, and these
        // slices hold `y + 1` elements: `i` and `below` count down from `y`, and the operands a
        // rule passes to `F64Sweep` are nodes recorded before the rule's node (see `push`).
        let (codes, values) = (&codes[..=y], &values[..=y]);
        // The sweep ends above node 0, which has no node below to pass anything to, and
        // above the leaves the tape starts with (a network's parameters, a `Run` of inputs),
        // which have nothing to pass on.
        let first_inner = codes.iter().position(|c| !c.is_leaf());
        let stop = first_inner.unwrap_or(y).max(1);
        let mut sweep = F64Sweep {
            values,
            grads: &mut grads[..],
            below: 0,
            below_grad: 0.0,
        };
        let (mut i, mut g) = (y, 1.0);
        loop {
            // Zero upstream gradient: nothing to pass on (see the ops module on why this is
            // also what keeps an unused NaN from reaching an input). Such nodes come in runs
            // (a neuron behind a dead relu, a point the loss ignores) and are often most of
            // the tape, so they get a loop of their own that looks at their gradients only.
            if g == 0.0 {
                let Some(live) = skip_zeros(codes, sweep.grads, operands, checkpoints, i, &mut end)
                else {
                    return;
                };
                (i, g) = (live, sweep.grads[live]);
            }
            if i < stop {
                return;
            }
            let below = i - 1;
            // SAFETY: `i <= y` (see above).
            let (code, value) = unsafe { (*codes.get_unchecked(i), *values.get_unchecked(i)) };
            let start = start_before(code, operands, end);
            let node = InStreams {
                operands,
                start,
                end,
                index: i,
                code,
            };
            end = start;
            sweep.enter(below);
            code.op().backprop(g, value, &node, &mut sweep);
            (i, g) = (below, sweep.leave());
        }
    }
}

/// Steps down from node `i`, whose gradient is zero, to the first node below it whose
/// gradient is not, if any; moves `end` from where node `i`'s data ends to where that node's
/// data ends.
///
/// It finds the node by the gradients alone. The cursor then starts again from the
/// checkpoint nearest above that node, when the run of zeros passed one, and steps over the
/// nodes in between one by one (fewer than `CHECKPOINT_EVERY`).
#[inline(always)]
fn skip_zeros(
    codes: &[Code],
    grads: &[f64],
    operands: &[u32],
    checkpoints: &[u32],
    i: usize,
    end: &mut usize,
) -> Option<usize> {
    // `g != 0.0` on the bits without the sign (an integer test instead of a float comparison
    // and its NaN check), and for four nodes at once.
    let bits = |grads: &[f64]| grads.iter().fold(0, |bits, g| bits | g.to_bits()) << 1;
    let grads = &grads[..=i];
    let mut live = i;
    while live >= 4 && bits(&grads[live - 4..live]) == 0 {
        live -= 4;
    }
    loop {
        live = live.checked_sub(1)?;
        if bits(&grads[live..=live]) != 0 {
            break;
        }
    }
    // Where node `above`'s data starts: `end` for node `i + 1`, or a checkpoint.
    let checkpoint = (live + 1).next_multiple_of(CHECKPOINT_EVERY);
    let (mut above, mut start) = if checkpoint <= i {
        let k = checkpoint / CHECKPOINT_EVERY;
        (checkpoint, checkpoints[k] as usize)
    } else {
        (i + 1, *end)
    };
    while above > live + 1 {
        above -= 1;
        start = start_before(codes[above], operands, start);
    }
    *end = start;
    Some(live)
}

/// The data of a node with code `code` that ends at `end`: where it starts and its span.
#[inline(always)]
fn span_before(code: Code, operands: &[u32], end: usize) -> (usize, Span) {
    let shape = code.shape();
    if shape.stride != Shape::VARIADIC {
        let start = end - shape.stride as usize;
        (start, fixed_span(shape, start))
    } else {
        let start = variadic_start(shape, operands[end - 1], end);
        (start, variadic_span(start, end))
    }
}

/// Where the data of a node with code `code` that ends at `end` starts, for the backward
/// sweep: one subtraction for a fixed layout, which is what it does for most nodes.
///
/// `end` must be where the node's data ends in `operands`, as the sweep's cursor is.
#[inline(always)]
fn start_before(code: Code, operands: &[u32], end: usize) -> usize {
    let shape = code.shape();
    if shape.stride != Shape::VARIADIC {
        end - shape.stride as usize
    } else {
        // SAFETY: the node's data ends with its item count, at `end - 1` (see above). The
        // check would cost the sweep a register for `operands.len()`.
        let count = unsafe { *operands.get_unchecked(end - 1) };
        variadic_start(shape, count, end)
    }
}

/// A variadic node's data is its item count, its items, and its item count again, so that
/// the stream can be walked both ways.
#[inline(always)]
fn variadic_start(shape: Shape, count: u32, end: usize) -> usize {
    end - 2 - shape.per_item as usize * count as usize
}

/// The span of a fixed-layout node whose data starts at `start`: its operands, then its
/// constants.
#[inline(always)]
fn fixed_span(shape: Shape, start: usize) -> Span {
    let middle = start + shape.words as usize;
    Span {
        operands: start..middle,
        constants: middle..start + shape.stride as usize,
    }
}

/// The span of a variadic node whose data lies in `start..end`: its items, and no constants.
fn variadic_span(start: usize, end: usize) -> Span {
    Span {
        operands: start + 1..end - 1,
        constants: end..end,
    }
}

/// Node `node`'s operand words: its span of the operand stream or, when it is chained, the
/// node before it (written into `slot`).
#[inline(always)]
pub(crate) fn operand_words<'a>(
    code: Code,
    node: usize,
    span: &Span,
    operands: &'a [u32],
    slot: &'a mut [u32; 1],
) -> &'a [u32] {
    if code.chained() {
        slot[0] = node as u32 - 1;
        slot
    } else {
        &operands[span.operands.clone()]
    }
}

/// A node's operands and constants where they lie in the operand stream, for `backward`: a
/// rule reads only what it uses, at a fixed place in the node's data, so that the sweep does
/// not work out the node's span first.
struct InStreams<'a> {
    operands: &'a [u32],
    /// Where the node's data starts and ends in `operands`.
    start: usize,
    end: usize,
    index: usize,
    code: Code,
}

// The reads below skip bounds checks. They stay inside `operands` because `start..end` is
// the node's data as its code lays it out, found by walking the stream back from its end
// with the same shapes that `push` and `push_variadic_from_scratch` wrote it with; the
// debug assertions check that the rule asks for what the node's op stores.
impl NodeData for InStreams<'_> {
    #[inline(always)]
    fn operands<const N: usize>(&self) -> [u32; N] {
        debug_assert_eq!(self.code.op().layout(), Layout::Fixed(N));
        if N == 1 && self.code.chained() {
            return [self.index as u32 - 1; N];
        }
        debug_assert!(self.start + N <= self.end);
        // SAFETY: an op with a fixed layout of N words that is not chained stores its N
        // operands first in its data (see above).
        unsafe {
            self.operands
                .as_ptr()
                .add(self.start)
                .cast::<[u32; N]>()
                .read()
        }
    }
    #[inline(always)]
    fn constants<const N: usize>(&self) -> [f64; N] {
        debug_assert_eq!(self.code.op().constants(), N);
        debug_assert!(self.start + 2 * N <= self.end);
        // SAFETY: an op with N constants stores them last in its data, two words each (see
        // above); they may not be 8-byte aligned.
        unsafe {
            self.operands
                .as_ptr()
                .add(self.end - 2 * N)
                .cast::<[f64; N]>()
                .read_unaligned()
        }
    }
    #[inline(always)]
    fn items(&self) -> &[u32] {
        // SAFETY: a variadic node's items lie inside its data (see above).
        unsafe {
            self.operands
                .get_unchecked(variadic_span(self.start, self.end).operands)
        }
    }
}

/// The sweep of `backward`: plain numbers, gradients accumulated in place.
///
/// Most of a node's gradient often comes from the node just above it (`(0.5 * x + 0.1).tanh()`
/// is a chain, and so is micrograd's `act += w * x`). Through memory, each such step would wait
/// for a store to reach the next node's load, several times the cost of the arithmetic; so the
/// gradient of the node below the current one is held in a register, `below_grad`, and that is
/// the gradient the sweep goes on with. It is loaded before the node's rule runs and stored
/// after it, so the additions happen in the same order as through memory, to the bit.
struct F64Sweep<'a> {
    values: &'a [f64],
    grads: &'a mut [f64],
    /// The node just below the one being swept.
    below: usize,
    /// The gradient of `below` so far; `grads[below]` is stale while a rule runs.
    below_grad: f64,
}

impl F64Sweep<'_> {
    /// Starts a node's rule: takes the gradient of `below` (the node just below it) into the
    /// register.
    #[inline(always)]
    fn enter(&mut self, below: usize) {
        self.below = below;
        // SAFETY: `below < y` (see `Nodes::backward_from`).
        self.below_grad = unsafe { *self.grads.get_unchecked(below) };
    }

    /// Ends a node's rule: stores the gradient of the node below and returns it, for the
    /// sweep to go on with.
    #[inline(always)]
    fn leave(&mut self) -> f64 {
        // SAFETY: as in `enter`.
        unsafe { *self.grads.get_unchecked_mut(self.below) = self.below_grad };
        self.below_grad
    }

    /// Runs `f` on the gradients in memory, for the rules that write many at once: the
    /// register's gradient is stored first and taken back after, as `f` may add to it.
    #[inline(always)]
    fn in_memory(&mut self, f: impl FnOnce(&mut [f64], &[f64])) {
        self.leave();
        f(self.grads, self.values);
        self.enter(self.below);
    }
}

impl Sweep<f64> for F64Sweep<'_> {
    #[inline(always)]
    fn value(&self, index: u32) -> f64 {
        // SAFETY: `index` is an operand of the node being swept, so it is below that node
        // (`operands_come_first`), which is at most `y` (see `Nodes::backward_from`).
        unsafe { *self.values.get_unchecked(index as usize) }
    }
    #[inline(always)]
    fn add(&mut self, index: u32, contribution: f64) {
        let index = index as usize;
        if index == self.below {
            self.below_grad += contribution;
        } else {
            // SAFETY: as in `value`.
            unsafe { *self.grads.get_unchecked_mut(index) += contribution };
        }
    }
    #[inline(always)]
    fn add_to_stride(&mut self, first: u32, step: u32, n: u32, g: f64) {
        self.in_memory(|grads, _| add_to_stride(grads, first, step, n, g));
    }
    #[inline(always)]
    fn add_scaled_run(&mut self, to: u32, from: u32, n: u32, g: f64) {
        let (to, from, n) = (to as usize, from as usize, n as usize);
        self.in_memory(|grads, values| {
            // SAFETY: both runs are operands of the node being swept (see `value`).
            let (grads, values) = unsafe {
                (
                    grads.get_unchecked_mut(to..to + n),
                    values.get_unchecked(from..from + n),
                )
            };
            // Two distinct slices: the compiler can keep this loop in vector registers.
            for (grad, value) in grads.iter_mut().zip(values) {
                *grad += g * value;
            }
        });
    }
}

/// `F64Sweep::add_to_stride`, in a call of its own: out of the sweep's loop, where it would
/// compete with the short rules for registers (a few per cent faster on every benchmark,
/// measured). A plain function, so that the sweep itself never has to be in memory.
#[inline(never)]
fn add_to_stride(grads: &mut [f64], first: u32, step: u32, n: u32, g: f64) {
    let (first, step, n) = (first as usize, step as usize, n as usize);
    if n == 0 || step == 0 {
        // No term, or n times the same node.
        for _ in 0..n {
            grads[first] += g;
        }
        return;
    }
    let last = first + (n - 1) * step;
    for grad in grads[first..=last].iter_mut().step_by(step) {
        *grad += g;
    }
}

/// Whether every operand node of a new node `index` with op `op` and operand words `words`
/// was recorded before it. Values and runs only ever name nodes already on their tape, so
/// this always holds; the backward sweep relies on it to index without bounds checks, and
/// debug builds (the test suite) check it for every node recorded.
fn operands_come_first(op: Op, words: &[u32], index: usize) -> bool {
    op.newest_operand(words)
        .is_none_or(|newest| (newest as usize) < index)
}

/// The index of a new node on a tape of `len` nodes.
#[inline(always)]
fn node_index(len: usize) -> u32 {
    if len >= MAX_NODES {
        tape_full();
    }
    len as u32
}

#[cold]
#[inline(never)]
fn tape_full() -> ! {
    panic!(
        "the tape is full: it holds {MAX_NODES} nodes, the most a u32 node index can address; \
         call Tape::clear between independent computations, or split the work across tapes"
    )
}

#[cold]
#[inline(never)]
fn operands_full() -> ! {
    panic!(
        "the tape is full: its operand stream holds {MAX_OPERAND_WORDS} words, the most its \
         32-bit length can count; call Tape::clear between independent computations, or split \
         the work across tapes"
    )
}

/// Marks the storage as in use for the life of the guard (debug builds only).
#[cfg(debug_assertions)]
struct ReentryGuard<'a>(&'a std::cell::Cell<bool>);

#[cfg(debug_assertions)]
impl<'a> ReentryGuard<'a> {
    fn enter(busy: &'a std::cell::Cell<bool>) -> Self {
        assert!(
            !busy.replace(true),
            "tapegrad bug: the tape's storage was entered twice"
        );
        ReentryGuard(busy)
    }
}

#[cfg(debug_assertions)]
impl Drop for ReentryGuard<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Filling four billion nodes would take 100 GB, so these check the index rule directly.
    #[test]
    fn last_index_fits() {
        assert_eq!(node_index(MAX_NODES - 1), u32::MAX - 1);
    }

    #[test]
    #[should_panic(expected = "the tape is full")]
    fn index_past_u32_panics_instead_of_wrapping() {
        node_index(MAX_NODES);
    }

    #[test]
    #[should_panic(expected = "its operand stream holds")]
    fn an_operand_stream_past_u32_panics_instead_of_wrapping() {
        let tape = Tape::new();
        // Filling it would take 16 GiB: pretend it holds all but two words.
        tape.with_nodes(|n| n.ends = ((MAX_OPERAND_WORDS - 2) as u64) << 32);
        tape.var(1.0);
    }

    #[test]
    fn a_one_operand_node_on_the_node_before_it_stores_no_operand() {
        let tape = Tape::new();
        let x = tape.var(0.5);
        let chain = (x * 2.0).exp().sin(); // each op on the node just before it
        let apart = x.cos(); // on node 0, three nodes back
        let both = chain + apart;
        both.backward();
        tape.with_nodes(|n| {
            let chained: Vec<bool> = n.codes().iter().map(|c| c.chained()).collect();
            assert_eq!(chained, [false, true, true, true, false, false]);
            // Stored: the product's constant 2.0 (two words), `cos`'s 0 and the sum's 3 4; the
            // chained nodes store no operand.
            assert_eq!(n.operands().len(), 5);
            assert_eq!(n.operands()[2..], [0, 3, 4]);
            let mut end = n.operand_len();
            let (mut words, mut constants) = (Vec::new(), Vec::new());
            for i in (0..n.len()).rev() {
                let (start, span) = n.span_before(i, end);
                words.push(n.words(i, &span));
                constants.push(n.constants(&span));
                end = start;
            }
            words.reverse();
            constants.reverse();
            assert_eq!(
                words,
                [vec![], vec![0], vec![1], vec![2], vec![0], vec![3, 4]]
            );
            let expected: [&[f64]; 6] = [&[], &[2.0], &[], &[], &[], &[]];
            assert_eq!(constants, expected);
        });
        let expected = 2.0 * (1.0f64).exp() * (1.0f64).exp().cos() - 0.5f64.sin();
        assert!(
            (x.grad() - expected).abs() < 1e-15,
            "{} against {expected}",
            x.grad()
        );
    }

    // The sweep indexes without bounds checks because every operand comes before its node;
    // debug builds check that for every node recorded.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "operands_come_first")]
    fn a_node_on_a_node_not_yet_recorded_panics_in_debug_builds() {
        let tape = Tape::new();
        tape.var(1.0);
        tape.with_nodes(|n| n.push(Op::Neg, &[1], &[], 0.0));
    }

    #[test]
    #[cfg(debug_assertions)]
    fn a_neuron_may_read_up_to_the_node_before_it_and_no_further() {
        // Weights 0 1, bias 2, then the inputs from node `x` on; the neuron is node 5.
        let records = |x: u32| {
            std::panic::catch_unwind(|| {
                let tape = Tape::new();
                for v in [0.5, -1.0, 0.25, 2.0, 3.0] {
                    tape.var(v);
                }
                tape.with_nodes(|n| n.push(Op::Affine, &[0, x, 2], &[], 0.0));
            })
            .is_ok()
        };
        assert!(records(3), "inputs 3 and 4");
        assert!(!records(4), "inputs 4 and 5, itself");
    }

    // No rule today adds to the node below before a many-at-once call, but the register must
    // survive one: the sum below is the order memory would have given.
    #[test]
    fn the_register_of_the_node_below_survives_writes_of_many_gradients() {
        let values = [1.0, 2.0, 3.0, 4.0];
        let mut grads = [0.5, 0.25, 0.125, 0.0];
        let mut sweep = F64Sweep {
            values: &values,
            grads: &mut grads,
            below: 0,
            below_grad: 0.0,
        };
        sweep.enter(2);
        sweep.add(2, 1.0);
        sweep.add_scaled_run(1, 0, 2, 10.0); // node 1 gets 10 * 1, node 2 gets 10 * 2
        sweep.add_to_stride(0, 2, 2, 100.0); // nodes 0 and 2 get 100
        sweep.add(2, 1000.0);
        let below = sweep.leave();
        assert_eq!(below, ((0.125 + 1.0) + 20.0) + 100.0 + 1000.0);
        assert_eq!(grads, [100.5, 10.25, below, 0.0]);
    }

    #[test]
    fn checkpoints_mark_where_every_64th_node_starts() {
        let mut tape = Tape::new();
        for round in 0..3 {
            tape.clear();
            let x = tape.var(0.5);
            let mut y = x;
            // One node each, seven kinds of layout (variadic ones included): as 7 and 64 have
            // no common factor, each kind lands on a checkpoint.
            for i in 0..(1000 + 77 * round) {
                y = match i % 7 {
                    0 => y.sin(),
                    1 => y.clamp(-1.0, 1.0),
                    2 => tape.sum([y, x, y]),
                    3 => x.mul_add(y, x),
                    4 => y * 0.5,
                    5 => x - y,
                    _ => tape.dot(&[x, y], &[y, x]),
                };
            }
            tape.with_nodes(|n| {
                assert_eq!(n.checkpoints.len(), n.len().div_ceil(CHECKPOINT_EVERY));
                let mut start = 0;
                for i in 0..n.len() {
                    if i % CHECKPOINT_EVERY == 0 {
                        let k = i / CHECKPOINT_EVERY;
                        assert_eq!(n.checkpoints[k] as usize, start, "node {i}");
                    }
                    start = n.span_after(i, start).1;
                }
                assert_eq!(start, n.operand_len());
            });
        }
    }

    /// `push` writes without capacity checks, trusting `room_until`. Record every layout (the
    /// widest included) across many growths, with variadic nodes and clears in between, and
    /// read every node back through the streams. Debug builds also check, in `Column::slot`,
    /// that each node's code, value and operands start inside their capacity.
    #[test]
    fn unchecked_writes_stay_inside_the_streams_across_growth() {
        let mut tape = Tape::new();
        for round in 0..3 {
            tape.clear();
            let x = tape.var(0.5);
            tape.var(0.25); // so that `last` is never `x`
            let mut expected = vec![
                (Op::Var, vec![], vec![], 0.5),
                (Op::Var, vec![], vec![], 0.25),
            ];
            for i in 0..5000u32 {
                let last = Value::from_index(&tape, tape.len() as u32 - 1);
                let (op, operands, constants) = match (i + round) % 4 {
                    0 => (Op::MulAdd, vec![0, last.index() as u32, 0], vec![]),
                    1 => (Op::Clamp, vec![last.index() as u32], vec![-1.0, 1.0]),
                    // Descending, so a variadic `Sum` rather than a `SumStride`.
                    2 => (Op::Sum, vec![last.index() as u32, 0], vec![]),
                    _ => (Op::Add, vec![0, last.index() as u32], vec![]),
                };
                let y = match op {
                    Op::MulAdd => x.mul_add(last, x),
                    Op::Clamp => last.clamp(-1.0, 1.0),
                    Op::Sum => tape.sum([last, x]),
                    _ => x + last,
                };
                expected.push((op, operands, constants, y.data()));
            }
            tape.with_nodes(|n| {
                let mut end = n.operand_len();
                for i in (0..n.len()).rev() {
                    let (start, span) = n.span_before(i, end);
                    let (op, operands, constants, value) = &expected[i];
                    assert_eq!(n.op(i), *op, "node {i}");
                    assert_eq!(n.words(i, &span), *operands, "node {i}");
                    assert_eq!(n.constants(&span), *constants, "node {i}");
                    assert_eq!(n.values()[i], *value, "node {i}");
                    end = start;
                }
                assert_eq!(end, 0, "the stream holds nothing else");
            });
        }
    }
}
