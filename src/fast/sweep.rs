//! The fast tape's backward sweep.

#![allow(unsafe_code)]

use super::code::Code;
use super::spans::{start_before, variadic_span};
use super::storage::{CHECKPOINT_EVERY, Nodes};
use crate::rules::{Layout, NodeData, Sweep};

impl Nodes {
    /// The backward sweep from node `y`, which must be on the tape (`Tape::backward_from`
    /// checks).
    pub(super) fn backward_from(&mut self, y: usize) {
        debug_assert!(y < self.len());
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
                .get_unchecked(variadic_span(self.code.shape(), self.start, self.end).operands)
        }
    }
    #[inline(always)]
    fn item_constant(&self, i: usize) -> f64 {
        let constants = variadic_span(self.code.shape(), self.start, self.end).constants;
        debug_assert!(constants.start + 2 * i + 2 <= constants.end);
        // SAFETY: a variadic node's item constants lie inside its data, two words each (see
        // above); they may not be 8-byte aligned.
        unsafe {
            self.operands
                .as_ptr()
                .add(constants.start + 2 * i)
                .cast::<f64>()
                .read_unaligned()
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
