//! How the fast tape stores a node's op: a byte, and the shape of its data in the operand
//! stream.

#![allow(unsafe_code)]

use crate::rules::{Layout, Op};

/// A code's layout in the operand stream, in four bytes with the padding (so that finding a
/// code's entry takes a shift rather than a multiplication). A fixed-layout node's constants
/// are the words after its operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(4))]
pub(crate) struct Shape {
    /// Operand words stored (a chained node stores none).
    pub(crate) words: u8,
    /// For a variadic op, the operand words per item; 0 for a fixed layout.
    pub(crate) per_item: u8,
    /// For a variadic op, all the words per item: its operands and its constants (two words
    /// each); 0 for a fixed layout.
    pub(crate) item_words: u8,
    /// All the words of a node with a fixed layout, `words + 2 * constants`; `VARIADIC` for a
    /// variadic op, whose words must be counted.
    pub(crate) stride: u8,
}

impl Shape {
    /// The `stride` of a variadic op: the sweep steps over most nodes with a test of the
    /// stride and a subtraction.
    pub(crate) const VARIADIC: u8 = u8::MAX;
}

/// A node's op as the tape stores it: the op's byte, plus [`Code::CHAINED`] when the node has
/// one operand and it is the node just before it, which then takes no room in the operand
/// stream. Chains like `x.exp().sin()` or `(0.5 * x + 0.1).tanh()` are mostly such nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub(crate) struct Code(u8);

impl Code {
    const CHAINED: u8 = 0x80;

    /// The code of a node with op `op`, chained (see above) or not.
    #[inline(always)]
    pub(crate) fn new(op: Op, chained: bool) -> Code {
        debug_assert!(!chained || op.layout() == Layout::Fixed(1));
        Code(op as u8 | if chained { Code::CHAINED } else { 0 })
    }

    /// The node's op.
    #[inline(always)]
    pub(crate) fn op(self) -> Op {
        // SAFETY: `Code::new` is the only way to make a code: an op's byte (`Op` is a `u8`
        // enum) with the chained bit or not. Without that bit, it is the op's byte again.
        unsafe { std::mem::transmute::<u8, Op>(self.0 & !Code::CHAINED) }
    }

    /// Whether the node is a leaf (`Var` or `Const`): it has no operands to pass a gradient
    /// to.
    #[inline(always)]
    pub(crate) fn is_leaf(self) -> bool {
        matches!(self.op(), Op::Var | Op::Const)
    }

    /// Whether the node's operand is the node before it, and not stored.
    #[inline(always)]
    pub(crate) fn chained(self) -> bool {
        self.0 & Code::CHAINED != 0
    }

    /// How the node's operands and constants lie in the operand stream, in one table lookup
    /// (the backward sweep reads it for every node).
    #[inline(always)]
    pub(crate) fn shape(self) -> Shape {
        SHAPES[self.0 as usize]
    }
}

// Every op's byte is below the chained bit, so that `Code::op` can take it back.
const _: () = assert!(Op::ALL.len() <= Code::CHAINED as usize);

/// The shape of every code (256 entries, so the lookup needs no bounds check): a chained node
/// stores one operand word fewer.
static SHAPES: [Shape; 256] = {
    let mut table = [Shape {
        words: 0,
        per_item: 0,
        item_words: 0,
        stride: 0,
    }; 256];
    let mut i = 0;
    while i < Op::ALL.len() {
        let op = Op::ALL[i];
        let constants = op.constants() as u8;
        let (words, per_item) = match op.layout() {
            Layout::Fixed(words) => (words as u8, 0),
            Layout::Variadic { per_item } => (0, per_item as u8),
        };
        let shape = Shape {
            words,
            per_item,
            item_words: if per_item == 0 {
                0
            } else {
                per_item + 2 * constants
            },
            stride: if per_item == 0 {
                words + 2 * constants
            } else {
                Shape::VARIADIC
            },
        };
        table[op as usize] = shape;
        if words == 1 && per_item == 0 {
            table[op as usize | Code::CHAINED as usize] = Shape {
                words: 0,
                stride: 2 * constants,
                ..shape
            };
        }
        i += 1;
    }
    table
};
