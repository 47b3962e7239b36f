//! Where a node's data lies in the operand stream: walking the stream from either end.

#![allow(unsafe_code)]

use super::code::{Code, Shape};
use super::storage::Nodes;
use crate::rules::Op;

/// Where one node's data sits in the operand stream: its operand nodes (operand counts of
/// variadic nodes excluded), then its constants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) operands: std::ops::Range<usize>,
    pub(crate) constants: std::ops::Range<usize>,
}

impl Nodes {
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
            let end = start + 2 + shape.item_words as usize * count;
            (variadic_span(shape, start, end), end)
        }
    }

    /// Node `i`'s operand words (as [`Op::operand_nodes`] reads them), given its span.
    #[cfg(test)]
    pub(crate) fn words(&self, i: usize, span: &Span) -> Vec<u32> {
        let mut slot = [0];
        operand_words(self.codes()[i], i, span, self.operands(), &mut slot).to_vec()
    }

    /// Node `i`'s constants, given its span.
    #[cfg(test)]
    pub(crate) fn constants(&self, span: &Span) -> Vec<f64> {
        self.operands()[span.constants.clone()]
            .chunks_exact(2)
            .map(constant_in)
            .collect()
    }

    /// Copies node `i`'s operand words (as [`Op::operand_nodes`] reads them, a chained
    /// node's too) into `words` and its constants into `constants`, given where its data ends
    /// in the operand stream; returns its op and where its data starts (where the node
    /// before it ends).
    ///
    /// The readers of the tape (`gradient`, the Jacobian, graphs and traces) take each node
    /// out this way and run its rule on the copy, once the storage is released: the copy is
    /// all that happens while it is held.
    pub(crate) fn copy_node(
        &self,
        i: usize,
        end: usize,
        words: &mut Vec<u32>,
        constants: &mut Vec<f64>,
    ) -> (Op, usize) {
        let (start, span) = self.span_before(i, end);
        let code = self.codes()[i];
        let mut slot = [0];
        words.clear();
        words.extend_from_slice(operand_words(code, i, &span, self.operands(), &mut slot));
        constants.clear();
        constants.extend(
            self.operands()[span.constants]
                .chunks_exact(2)
                .map(constant_in),
        );
        (code.op(), start)
    }
}

/// The constant held in two words of the operand stream, as `push` wrote its bytes.
fn constant_in(pair: &[u32]) -> f64 {
    let mut bytes = [0; 8];
    bytes[..4].copy_from_slice(&pair[0].to_ne_bytes());
    bytes[4..].copy_from_slice(&pair[1].to_ne_bytes());
    f64::from_ne_bytes(bytes)
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
        (start, variadic_span(shape, start, end))
    }
}

/// Where the data of a node with code `code` that ends at `end` starts, for the backward
/// sweep: one subtraction for a fixed layout, which is what it does for most nodes.
///
/// `end` must be where the node's data ends in `operands`, as the sweep's cursor is.
#[inline(always)]
pub(super) fn start_before(code: Code, operands: &[u32], end: usize) -> usize {
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

/// A variadic node's data is its item count, its items' operands, their constants, and its
/// item count again, so that the stream can be walked both ways.
#[inline(always)]
fn variadic_start(shape: Shape, count: u32, end: usize) -> usize {
    end - 2 - shape.item_words as usize * count as usize
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

/// The span of a variadic node whose data lies in `start..end`: its items' operands, then
/// their constants.
#[inline(always)]
pub(super) fn variadic_span(shape: Shape, start: usize, end: usize) -> Span {
    let count = (end - start - 2) / shape.item_words as usize;
    let middle = start + 1 + shape.per_item as usize * count;
    Span {
        operands: start + 1..middle,
        constants: middle..end - 1,
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
