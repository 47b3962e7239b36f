//! What a rule of the table reads of its node ([`NodeData`]) and where it sends what it
//! passes back ([`Sweep`]): each tape, `gradient` and the trace provide their own.

use super::Real;
use super::eval::fixed;

/// What a rule reads of its node besides the value: its operand nodes and its constants.
/// `backward` reads them straight from the tape's streams; `gradient` and the trace, which
/// record nodes while they sweep, read copies ([`Copied`]).
pub(crate) trait NodeData {
    /// The operand words of an op with a fixed layout of `N` words.
    fn operands<const N: usize>(&self) -> [u32; N];
    /// The `N` constants stored with the node.
    fn constants<const N: usize>(&self) -> [f64; N];
    /// A variadic op's operand words: `Sum`'s terms, `Dot`'s `a` then `b`, a statement's
    /// inputs.
    fn items(&self) -> &[u32];
    /// The constant of a variadic op's item `i`: a statement's partial `p_i`.
    fn item_constant(&self, i: usize) -> f64;

    /// The operand of a one-operand op.
    #[inline(always)]
    fn operand(&self) -> u32 {
        let [a] = self.operands();
        a
    }
    /// The constant of an op with one.
    #[inline(always)]
    fn constant(&self) -> f64 {
        let [k] = self.constants();
        k
    }
}

/// A node's operand words and constants, copied out of the tape (see [`crate::fast::Span`]).
pub(crate) struct Copied<'a> {
    pub(crate) words: &'a [u32],
    pub(crate) constants: &'a [f64],
}

impl NodeData for Copied<'_> {
    fn operands<const N: usize>(&self) -> [u32; N] {
        fixed(self.words)
    }
    fn constants<const N: usize>(&self) -> [f64; N] {
        fixed(self.constants)
    }
    fn items(&self) -> &[u32] {
        self.words
    }
    fn item_constant(&self, i: usize) -> f64 {
        self.constants[i]
    }
}

/// Where a rule reads operand values and sends its contributions.
pub(crate) trait Sweep<S: Real> {
    /// The value of node `index`: an `f64` in `backward`, a `Value` in `gradient`.
    fn value(&self, index: u32) -> S;
    /// Adds `contribution` to the gradient of node `index`.
    fn add(&mut self, index: u32, contribution: S);

    /// Adds `g * value(from + i)` to the gradient of node `to + i`, for `i` below `n`: one
    /// half of a neuron's rule, which `backward` runs as a vector loop.
    #[inline(always)]
    fn add_scaled_run(&mut self, to: u32, from: u32, n: u32, g: S) {
        for i in 0..n {
            let v = self.value(from + i);
            self.add(to + i, g * v);
        }
    }

    /// Adds `g` to the gradient of nodes `first`, `first + step`, ... (`n` of them): the rule
    /// of a sum over a loop, which `backward` runs as a loop of its own.
    #[inline(always)]
    fn add_to_stride(&mut self, first: u32, step: u32, n: u32, g: S) {
        for k in 0..n {
            self.add(first + k * step, g);
        }
    }
}
