//! The fast tape's storage: three streams and the node count, and recording a node.

#![allow(unsafe_code)]

use std::collections::HashMap;

use super::Tape;
use super::code::Code;
use super::column::Column;
use crate::rules::{Layout, Op};

/// Node indices are `u32`; a tape holds at most this many nodes.
pub(super) const MAX_NODES: usize = u32::MAX as usize;

/// The operand stream's length is kept in 32 bits (see `Nodes::ends`), so it holds at most
/// this many words: 16 GiB of operands.
pub(super) const MAX_OPERAND_WORDS: usize = u32::MAX as usize;

/// Every this many nodes, the tape notes where the node's data starts (`Nodes::checkpoints`).
pub(crate) const CHECKPOINT_EVERY: usize = 64;

/// The most words a node with a fixed layout takes in the operand stream: three operands
/// (`mul_add`), or one and two constants of two words each (`clamp`).
pub(super) const MAX_WORDS: usize = 5;

/// The storage behind a tape (see the module docs for the layout).
#[derive(Default)]
pub(crate) struct Nodes {
    /// How many nodes there are (the length of `codes` and `values`) in the low 32 bits, and
    /// the length of `operands` in the high 32: one word, so that recording a node writes one
    /// length, not two. Read with `len()` and `operand_len()`.
    pub(super) ends: u64,
    /// Each node's op and whether it is chained; read with `codes()`.
    pub(super) codes: Column<Code>,
    /// Each node's value; read with `values()`.
    pub(super) values: Column<f64>,
    /// The operand stream: each node's operand nodes, then its constants (two words each);
    /// read with `operands()`.
    pub(super) operands: Column<u32>,
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
    pub(super) checkpoints: Vec<u32>,
    /// The node count up to which every stream surely has room for a fixed-layout node, and
    /// no checkpoint is due (see `push`).
    pub(super) room_until: usize,
}

impl Nodes {
    /// Storage with room for `nodes` nodes of the widest fixed layout, at most MAX_NODES;
    /// `None` if the allocator refuses that much.
    pub(super) fn with_capacity(nodes: usize) -> Option<Self> {
        debug_assert!(nodes <= MAX_NODES);
        let mut storage = Nodes::default();
        // SAFETY: the streams are empty, so their first 0 elements are initialised.
        let reserved = unsafe {
            storage.codes.try_reserve(0, nodes)
                && storage.values.try_reserve(0, nodes)
                && storage
                    .operands
                    .try_reserve(0, MAX_WORDS.saturating_mul(nodes))
        };
        if !reserved || storage.grads.try_reserve_exact(nodes).is_err() {
            return None;
        }
        Some(storage)
    }

    /// How many nodes fit before the streams must grow.
    pub(super) fn capacity(&self) -> usize {
        self.values.capacity().min(self.codes.capacity())
    }

    /// Forgets every node, keeping the memory.
    pub(super) fn clear(&mut self) {
        self.ends = 0;
        self.grads.clear();
        self.scratch.clear();
        self.labels.clear();
        self.checkpoints.clear();
        self.measure_room();
    }

    /// How many nodes there are.
    #[inline(always)]
    pub(crate) fn len(&self) -> usize {
        (self.ends as u32) as usize
    }

    /// The operand stream's length.
    #[inline(always)]
    pub(super) fn operand_len(&self) -> usize {
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

    /// Every node's value, oldest first.
    #[inline(always)]
    pub(crate) fn values(&self) -> &[f64] {
        // SAFETY: the first `len` values are always initialised (`push`, `push_variadic`).
        unsafe { self.values.slice(self.len()) }
    }

    /// Appends a node with a fixed number of operands and returns its index, or says why
    /// there is no room for it (the tape is then as it was).
    #[inline(always)]
    pub(crate) fn push(
        &mut self,
        op: Op,
        operands: &[u32],
        constants: &[f64],
        value: f64,
    ) -> Result<u32, Refusal> {
        debug_assert_eq!(op.layout(), Layout::Fixed(operands.len()));
        debug_assert_eq!(op.constants(), constants.len());
        debug_assert!(operands_come_first(op, operands, self.len()));
        // One bound stands for the free space of all three streams, so that recording a node
        // is one test and a handful of stores; the rest stays out of line.
        if self.len() >= self.room_until && !self.make_room() {
            return Err(self.refusal());
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
        Ok(index as u32)
    }

    /// Moves `room_until` on, growing the streams only when they are truly short of space;
    /// returns whether there is room for a node now. There is not only when the tape holds
    /// MAX_NODES nodes or MAX_OPERAND_WORDS operand words, or the allocator refuses; the
    /// caller then returns the `refusal`.
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

    /// `make_room`'s work. Nothing in it panics (it could not unwind out of `make_room`):
    /// every allocation is tried, and a refusal returns `false` with the tape as it was.
    #[inline(always)]
    fn move_room_on(&mut self) -> bool {
        if !self.note_checkpoint() {
            return false;
        }
        self.measure_room();
        self.room_until > self.len() || self.grow()
    }

    /// Why a push found no room (see `make_room`): the tape is at one of its limits, or the
    /// allocator refused to grow it.
    #[cold]
    #[inline(never)]
    fn refusal(&self) -> Refusal {
        if self.len() >= MAX_NODES {
            Refusal::TapeFull
        } else if self.operand_len() + MAX_WORDS > MAX_OPERAND_WORDS {
            Refusal::OperandsFull
        } else {
            Refusal::OutOfMemory { nodes: self.len() }
        }
    }

    /// Grows every stream by as many nodes as the tape holds; returns `false` when the tape
    /// holds MAX_NODES nodes, is within a node of MAX_OPERAND_WORDS operand words, or the
    /// allocator refuses. A stream that did grow keeps its new room; nothing else changes.
    fn grow(&mut self) -> bool {
        let len = self.len();
        if len >= MAX_NODES || self.operand_len() + MAX_WORDS > MAX_OPERAND_WORDS {
            return false;
        }
        // As many nodes again as there are (Vec's own doubling).
        let nodes = len.max(64);
        // SAFETY: the first `len` codes and values, and `operand_len` operands, are
        // initialised.
        let grown = unsafe {
            self.values.try_reserve(len, nodes)
                && self.codes.try_reserve(len, nodes)
                && self
                    .operands
                    .try_reserve(self.operand_len(), MAX_WORDS * nodes)
        };
        self.measure_room();
        debug_assert!(!grown || self.room_until > len);
        grown
    }

    /// Notes where the next node's data starts, if that node is due a checkpoint; returns
    /// `false`, noting nothing, if the allocator refuses room for the note.
    fn note_checkpoint(&mut self) -> bool {
        if self.len() != self.checkpoints.len() * CHECKPOINT_EVERY {
            return true;
        }
        if self.checkpoints.try_reserve(1).is_err() {
            return false;
        }
        // The stream's length fits in a u32 (see `ends`).
        self.checkpoints.push(self.operand_len() as u32);
        true
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

    /// Pushes operands of a sum or dot being recorded onto the scratch stack; if the
    /// allocator refuses the room, pushes nothing.
    pub(crate) fn push_scratch(
        &mut self,
        items: impl ExactSizeIterator<Item = u32>,
    ) -> Result<(), Refusal> {
        if self.scratch.try_reserve(items.len()).is_err() {
            return Err(Refusal::OutOfMemory { nodes: self.len() });
        }
        self.scratch.extend(items);
        Ok(())
    }

    /// Appends a variadic node whose operands are `scratch[from..]`, and pops them off the
    /// scratch stack, recorded or not; returns the node's index and value.
    pub(crate) fn push_variadic_from_scratch(
        &mut self,
        op: Op,
        from: usize,
    ) -> Result<(u32, f64), Refusal> {
        self.push_variadic_from_scratch_with(op, from, &[])
    }

    /// [`push_variadic_from_scratch`](Nodes::push_variadic_from_scratch) for an op with
    /// constants per item (`DotConst`'s numbers).
    pub(crate) fn push_variadic_from_scratch_with(
        &mut self,
        op: Op,
        from: usize,
        constants: &[f64],
    ) -> Result<(u32, f64), Refusal> {
        let scratch = std::mem::take(&mut self.scratch);
        let value = op.eval_fused(&scratch[from..], constants, self.values());
        let pushed = self.push_variadic(op, &scratch[from..], constants, value);
        self.scratch = scratch;
        self.scratch.truncate(from);
        Ok((pushed?, value))
    }

    /// Appends a variadic node with `operands` and, for an op with constants per item (a
    /// statement's partials), `constants`; returns its index, or says why there is no room
    /// for it (the tape is then as it was).
    pub(crate) fn push_variadic(
        &mut self,
        op: Op,
        operands: &[u32],
        constants: &[f64],
        value: f64,
    ) -> Result<u32, Refusal> {
        let Layout::Variadic { per_item } = op.layout() else {
            unreachable!("{op:?} is not variadic")
        };
        debug_assert_eq!(constants.len(), operands.len() / per_item * op.constants());
        let index = node_index(self.len())?;
        if !self.note_checkpoint() {
            return Err(Refusal::OutOfMemory { nodes: self.len() });
        }
        debug_assert!(operands_come_first(op, operands, self.len()));
        let count = u32::try_from(operands.len() / per_item).map_err(|_| Refusal::TooManyItems)?;
        let (len, operand_end) = (self.len(), self.operand_len());
        let words = operands.len() + 2 * constants.len() + 2;
        if words > MAX_OPERAND_WORDS - operand_end {
            return Err(Refusal::OperandsFull);
        }
        // SAFETY: the first `len` codes and values, and `operand_end` operands, are
        // initialised.
        let room = unsafe {
            (len < self.codes.capacity().min(self.values.capacity())
                || (self.codes.try_reserve(len, len.max(64))
                    && self.values.try_reserve(len, len.max(64))))
                && (words <= self.operands.capacity() - operand_end
                    || self
                        .operands
                        .try_reserve(operand_end, words.max(operand_end)))
        };
        if !room {
            self.measure_room();
            return Err(Refusal::OutOfMemory { nodes: len });
        }
        // SAFETY: the reserves above left room for one more code and value and for `words`
        // operands.
        unsafe { self.write_variadic(op, operands, constants, value, count) };
        self.measure_room();
        Ok(index)
    }

    /// Appends a statement of `N` operands (two or more) with its partials, as
    /// [`push_variadic`](Nodes::push_variadic) does, and without its checks and reserves
    /// where the streams have room (nearly always, on a tape recording in a loop).
    // PERF: recording a 3-input statement through `push_variadic`'s checks and reserves made
    // `statement_of` 0.86-0.92x of op by op on the Cauchy term; this path, 0.74-0.80x
    // (benches/statements.rs, benches/README.md).
    #[inline(always)]
    pub(crate) fn push_statement<const N: usize>(
        &mut self,
        operands: &[u32; N],
        partials: &[f64; N],
        value: f64,
    ) -> Result<u32, Refusal> {
        let words = 3 * N + 2;
        let (len, operand_end) = (self.len(), self.operand_len());
        let operand_room = self.operands.capacity().min(MAX_OPERAND_WORDS);
        if len >= self.room_until || operand_end + words > operand_room {
            return self.push_variadic(Op::Statement, operands, partials, value);
        }
        debug_assert!(N >= 2 && operands_come_first(Op::Statement, operands, len));
        // SAFETY: `len < room_until` means the code and value streams have room for one more
        // node, `len` fits in a u32, and no checkpoint is due (see `measure_room`); the test
        // above, that the operand stream has room for `words` more words below
        // MAX_OPERAND_WORDS.
        unsafe { self.write_variadic(Op::Statement, operands, partials, value, N as u32) };
        // `room_until` counted room for nodes of at most MAX_WORDS operand words; this one
        // took the operand words of `words.div_ceil(MAX_WORDS)` of them, and one node.
        self.room_until -= (words.div_ceil(MAX_WORDS) - 1).min(self.room_until);
        Ok(len as u32)
    }

    /// Writes a variadic node of `count` items, with `operands` and `constants`, at the end
    /// of the streams.
    ///
    /// # Safety
    /// The code and value streams must have room for one more element, the operand stream
    /// for `operands.len() + 2 * constants.len() + 2` more words below MAX_OPERAND_WORDS,
    /// and the tape for one more node below MAX_NODES; no checkpoint may be due.
    #[inline(always)]
    unsafe fn write_variadic(
        &mut self,
        op: Op,
        operands: &[u32],
        constants: &[f64],
        value: f64,
        count: u32,
    ) {
        let (len, operand_end) = (self.len(), self.operand_len());
        let words = operands.len() + 2 * constants.len() + 2;
        // SAFETY: the caller's promise of room in each stream; `operands` and `constants` are
        // not the operand stream, so the copies cannot overlap.
        unsafe {
            self.codes.write(len, Code::new(op, false));
            self.values.write(len, value);
            let slots = self.operands.slot(operand_end);
            slots.write(count);
            std::ptr::copy_nonoverlapping(operands.as_ptr(), slots.add(1), operands.len());
            let constant_slots = slots.add(1 + operands.len());
            for (j, &k) in constants.iter().enumerate() {
                constant_slots.add(2 * j).cast::<f64>().write_unaligned(k);
            }
            slots.add(words - 1).write(count);
        }
        self.ends += 1 + ((words as u64) << 32);
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
pub(super) fn node_index(len: usize) -> Result<u32, Refusal> {
    if len >= MAX_NODES {
        return Err(Refusal::TapeFull);
    }
    Ok(len as u32)
}

/// Why the storage could not take a node, or the operands of one: a closure given to
/// `Tape::with_nodes` returns it rather than panicking, and the caller panics with it
/// (`Refusal::panic`) once the storage is released. In every case nothing was recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The tape holds MAX_NODES nodes.
    TapeFull,
    /// The operand stream has no room left for the node's words below MAX_OPERAND_WORDS.
    OperandsFull,
    /// A fused node of more than `u32::MAX` items.
    TooManyItems,
    /// The allocator refused the memory; the tape held `nodes` nodes.
    OutOfMemory { nodes: usize },
}

impl Refusal {
    /// The panic that tells the user what happened and what to do.
    #[cold]
    #[inline(never)]
    #[track_caller]
    pub(crate) fn panic(self) -> ! {
        match self {
            Refusal::TapeFull => panic!(
                "the tape is full: it holds {MAX_NODES} nodes, the most a u32 node index can \
                 address; call Tape::clear between independent computations, or split the work \
                 across tapes"
            ),
            Refusal::OperandsFull => panic!(
                "the tape is full: its operand stream holds {MAX_OPERAND_WORDS} words, the most \
                 its 32-bit length can count; call Tape::clear between independent \
                 computations, or split the work across tapes"
            ),
            Refusal::TooManyItems => panic!(
                "a fused node takes at most {} items: split it into partial sums",
                u32::MAX
            ),
            Refusal::OutOfMemory { nodes } => panic!(
                "the tape could not grow past {nodes} nodes: the allocator refused the memory; \
                 nothing was recorded and the tape is still usable (call Tape::clear to free \
                 room, or record less on one tape)"
            ),
        }
    }
}

impl Tape {
    /// Runs `f` on the storage.
    ///
    /// `f` must not call back into this tape, nor run user code, nor panic: a panic hook runs
    /// before the unwinding gives the storage back, and a hook may record on this very tape
    /// (a `thread_local!` one). So a closure that can fail returns why (a [`Refusal`], see
    /// [`record_with`](Tape::record_with)), and the caller panics after `with_nodes` has
    /// returned. Debug builds check that the storage is never entered twice.
    #[inline(always)]
    pub(crate) fn with_nodes<R>(&self, f: impl FnOnce(&mut Nodes) -> R) -> R {
        #[cfg(debug_assertions)]
        let _guard = ReentryGuard::enter(&self.busy);
        // SAFETY: `Tape` is not `Sync` (UnsafeCell), so no other thread can be in here, and
        // `with_nodes` is the only way to the storage; so the `&mut Nodes` below is unique as
        // long as nothing reaches this tape again while `f` runs. Nothing does: the closures
        // given here touch the storage alone, call no user code, and do not panic (so no
        // panic hook runs): every failure they can meet (a refused allocation, a full tape or
        // operand stream, too many items) comes out as a `Refusal`, and the caller panics
        // once the storage is released. What is left that could panic is a bounds check or
        // an assertion of the tape's own invariants (a node's operands come before it, a
        // `Value`'s index is on its tape), the invariants the unchecked sweep relies on as
        // well; debug builds, which also check them, turn a re-entry into a panic in
        // `ReentryGuard` before a second `&mut` exists. No reference into the storage leaves
        // the closure, because `R` cannot borrow from `&mut Nodes`.
        f(unsafe { &mut *self.nodes.get() })
    }

    /// Runs `f`, which records, on the storage; if the storage refused, panics with the
    /// refusal once the storage is released (see `with_nodes`).
    #[inline(always)]
    #[track_caller]
    pub(crate) fn record_with<R>(&self, f: impl FnOnce(&mut Nodes) -> Result<R, Refusal>) -> R {
        match self.with_nodes(f) {
            Ok(done) => done,
            Err(refusal) => refusal.panic(),
        }
    }
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
