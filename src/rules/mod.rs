//! The rules: every operation a tape records, how it computes its value, and what it passes
//! back to each operand.
//!
//! This folder is the one table both tapes run:
//!
//! - [`Op`] (here) names each operation, with its operands `a`, `b`, `c` and its constants `k`.
//! - `eval.rs` computes each op's value, as `f64` does.
//! - `partials.rs` is the table of local derivatives: for every element-wise node
//!   `y = f(a, b)`, the partial derivatives `dy/da` and `dy/db`, one arm per op with its math
//!   in a one-line comment. Reverse and forward mode both read it.
//! - `backprop.rs` is the chain rule: a node that receives the upstream gradient
//!   `g = d(out)/dy` passes `g * dy/da` to operand `a`; its own arms are the fused nodes (a sum,
//!   a dot product, a neuron) and statements. Read it beside the plain tape
//!   (`src/plain/tape.rs`), whose backward pass is one loop calling it.
//! - `sweep.rs` says what a rule reads of its node and where it sends its contributions.
//! - `real.rs` is the arithmetic the rules are written in: `backward` runs them on `f64`,
//!   `gradient` on recorded values (so that a gradient can be differentiated again), and a
//!   `Dual`'s tangent runs the table of partials forwards on any of them.
//!
//! What each rule does at kinks and domain edges is tabled in the crate docs, under "Kinks and
//! domains".

mod backprop;
mod eval;
mod partials;
pub(crate) mod real;
mod sweep;

#[cfg(test)]
mod every_op_higher_order_tests;
#[cfg(test)]
mod every_op_tests;
#[cfg(test)]
pub(crate) mod op_sampling;

#[cfg(feature = "nn")]
pub(crate) use eval::dot;
pub(crate) use eval::fixed;
pub(crate) use partials::Local;
pub use real::Real;
pub(crate) use sweep::{Copied, NodeData, Sweep};

#[cfg(feature = "teach")]
use eval::stride;

/// One kind of node on the tape.
///
/// `a`, `b`, `c` are operand nodes; `k`, `lo`, `hi` are `f64` constants stored with the node.
///
/// It is `pub` only so that the sealed [`Real`] can name it; nothing outside the crate can.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[doc(hidden)]
pub enum Op {
    /// A leaf the user created with `Tape::var`.
    Var,
    /// A leaf the library created for a number (`Tape::constant`).
    Const,
    /// `a + b`
    Add,
    /// `a - b`
    Sub,
    /// `a * b`
    Mul,
    /// `a / b`
    Div,
    /// `a + k`
    AddConst,
    /// `k - a`
    ConstSub,
    /// `a * k`
    MulConst,
    /// `a / k`
    DivConst,
    /// `k / a`
    ConstDiv,
    /// `-a`
    Neg,
    /// `1 / a`
    Recip,
    /// `a^k`, `k` an `f64`
    Powf,
    /// `a^k`, `k` an `i32` stored as `f64`
    Powi,
    /// `a^b`, both operands
    Pow,
    /// `sqrt(a)`
    Sqrt,
    /// `cbrt(a)`
    Cbrt,
    /// `e^a`
    Exp,
    /// `2^a`
    Exp2,
    /// `e^a - 1`
    ExpM1,
    /// `ln(a)`
    Ln,
    /// `log2(a)`
    Log2,
    /// `log10(a)`
    Log10,
    /// `log_k(a)`
    Log,
    /// `ln(1 + a)`
    Ln1p,
    /// `sin(a)`
    Sin,
    /// `cos(a)`
    Cos,
    /// `tan(a)`
    Tan,
    /// `asin(a)`
    Asin,
    /// `acos(a)`
    Acos,
    /// `atan(a)`
    Atan,
    /// `atan2(a, b)`: the angle of the point `(b, a)`
    Atan2,
    /// `sinh(a)`
    Sinh,
    /// `cosh(a)`
    Cosh,
    /// `tanh(a)`
    Tanh,
    /// `asinh(a)`
    Asinh,
    /// `acosh(a)`
    Acosh,
    /// `atanh(a)`
    Atanh,
    /// `sqrt(a^2 + b^2)`
    Hypot,
    /// `|a|`
    Abs,
    /// `max(a, b)`
    Max,
    /// `min(a, b)`
    Min,
    /// `a` held to `[lo, hi]`
    Clamp,
    /// `a * b + c` with one rounding
    MulAdd,
    /// `max(a, k)`
    MaxConst,
    /// `min(a, k)`
    MinConst,
    /// `atan2(a, k)`
    Atan2Const,
    /// `sqrt(a^2 + k^2)`
    HypotConst,
    /// `a * b + k` with one rounding
    MulAddConst,
    /// `a * k + b` with one rounding
    MulConstAdd,
    /// `a * k + k2` with one rounding (constants `[k, k2]`)
    MulConstAddConst,
    /// `max(a, 0)`
    Relu,
    /// `a` if positive, else `k * a`
    LeakyRelu,
    /// `1 / (1 + e^-a)`
    Sigmoid,
    /// `ln(1 + e^a)`
    Softplus,
    /// `signum(a)`
    Signum,
    /// `floor(a)`
    Floor,
    /// `ceil(a)`
    Ceil,
    /// `round(a)`
    Round,
    /// `trunc(a)`
    Trunc,
    /// `a_1 + a_2 + ... + a_n`, one node however many operands
    Sum,
    /// A `Sum` whose operands are every `step`-th node from `first` on, which is what a sum
    /// over a loop body records (`xs.iter().map(f).sum()`). Stored as three words
    /// `[first, step, n]` instead of `n` operands.
    SumStride,
    /// `a_1 b_1 + ... + a_n b_n`, one node
    Dot,
    /// `a_1 k_1 + ... + a_n k_n`, the `k_i` numbers stored with the node, one an operand: a
    /// dot product of values with data.
    DotConst,
    /// `w_1 x_1 + ... + w_n x_n + w_{n+1}`: a neuron's `w·x + b` when the weights (with the bias
    /// after them) and the inputs each sit in consecutive nodes. Stored as three words
    /// `[first weight, first input, n]` instead of `2n + 1` operands.
    Affine,
    /// `relu(w·x + b)`, stored as `Affine` is: one node for a whole neuron.
    AffineRelu,
    /// `tanh(w·x + b)`, one node.
    AffineTanh,
    /// `sigmoid(w·x + b)`, one node.
    AffineSigmoid,
    /// `f(a_1, ..., a_n)` for a whole statement `f`, one node: its value and its partial
    /// derivatives `p_i = df/da_i` are computed when it is recorded (`Tape::statement`) and
    /// stored with it, one constant an operand.
    Statement,
    /// A statement of one input, `f(a)`: its derivative `p = df/da` is its one constant, so it
    /// is stored as compactly as `a * k`.
    UnaryStatement,
}

/// How a node's operands are laid out in the tape's operand stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// This many operand words.
    Fixed(usize),
    /// `[n, operands, constants, n]`, with `per_item * n` operands and
    /// [`constants`](Op::constants) constants an item; the count at both ends lets the stream
    /// be read from either end.
    Variadic { per_item: usize },
}

impl Op {
    /// Every op, in declaration order (`ALL[i] as usize == i`).
    pub(crate) const ALL: [Op; 71] = {
        use Op::*;
        [
            Var,
            Const,
            Add,
            Sub,
            Mul,
            Div,
            AddConst,
            ConstSub,
            MulConst,
            DivConst,
            ConstDiv,
            Neg,
            Recip,
            Powf,
            Powi,
            Pow,
            Sqrt,
            Cbrt,
            Exp,
            Exp2,
            ExpM1,
            Ln,
            Log2,
            Log10,
            Log,
            Ln1p,
            Sin,
            Cos,
            Tan,
            Asin,
            Acos,
            Atan,
            Atan2,
            Sinh,
            Cosh,
            Tanh,
            Asinh,
            Acosh,
            Atanh,
            Hypot,
            Abs,
            Max,
            Min,
            Clamp,
            MulAdd,
            MaxConst,
            MinConst,
            Atan2Const,
            HypotConst,
            MulAddConst,
            MulConstAdd,
            MulConstAddConst,
            Relu,
            LeakyRelu,
            Sigmoid,
            Softplus,
            Signum,
            Floor,
            Ceil,
            Round,
            Trunc,
            Sum,
            SumStride,
            Dot,
            DotConst,
            Affine,
            AffineRelu,
            AffineTanh,
            AffineSigmoid,
            Statement,
            UnaryStatement,
        ]
    };

    /// How the node's operands are stored.
    pub(crate) const fn layout(self) -> Layout {
        use Op::*;
        match self {
            Var | Const => Layout::Fixed(0),
            Sum => Layout::Variadic { per_item: 1 },
            Dot => Layout::Variadic { per_item: 2 },
            Statement | DotConst => Layout::Variadic { per_item: 1 },
            SumStride | Affine | AffineRelu | AffineTanh | AffineSigmoid => Layout::Fixed(3),
            Add | Sub | Mul | Div | Pow | Atan2 | Hypot | Max | Min => Layout::Fixed(2),
            MulAdd => Layout::Fixed(3),
            MulAddConst | MulConstAdd => Layout::Fixed(2),
            _ => Layout::Fixed(1),
        }
    }

    /// How many `f64` constants the node stores (for a variadic op, an item).
    pub(crate) const fn constants(self) -> usize {
        use Op::*;
        match self {
            AddConst | ConstSub | MulConst | DivConst | ConstDiv | Powf | Powi | Log
            | LeakyRelu | Statement | UnaryStatement | DotConst | MaxConst | MinConst
            | Atan2Const | HypotConst | MulAddConst | MulConstAdd => 1,
            Clamp | MulConstAddConst => 2,
            _ => 0,
        }
    }

    /// Whether the op is one node for a whole sum, dot product or neuron, whose value
    /// [`eval_fused`](Op::eval_fused) computes from the operand nodes themselves.
    pub(crate) const fn is_fused(self) -> bool {
        use Op::*;
        matches!(
            self,
            Sum | SumStride | Dot | DotConst | Affine | AffineRelu | AffineTanh | AffineSigmoid
        )
    }

    /// The nodes a node reads, given its operand words (those of `Sum` and `Dot` without their
    /// counts): the fused neurons store runs `[first weight, first input, n]` and read the
    /// weights, the bias after them, and the inputs; every other op lists its operands.
    #[cfg(feature = "teach")]
    pub(crate) fn operand_nodes(self, words: &[u32]) -> Vec<u32> {
        match self {
            Op::Affine | Op::AffineRelu | Op::AffineTanh | Op::AffineSigmoid => {
                let [w, x, n] = fixed(words);
                (w..=w + n).chain(x..x + n).collect()
            }
            Op::SumStride => stride(words).collect(),
            _ => words.to_vec(),
        }
    }

    /// The newest node a node reads, given its operand words as for
    /// [`operand_nodes`](Op::operand_nodes) (without making a list of them).
    pub(crate) fn newest_operand(self, words: &[u32]) -> Option<u32> {
        match self {
            Op::Affine | Op::AffineRelu | Op::AffineTanh | Op::AffineSigmoid => {
                let [w, x, n] = fixed(words);
                Some(if n == 0 { w } else { (w + n).max(x + n - 1) })
            }
            Op::SumStride => {
                let [first, step, n] = fixed(words);
                n.checked_sub(1).map(|last| first + last * step)
            }
            _ => words.iter().copied().max(),
        }
    }

    /// The short name used by `Debug`, graphs and traces.
    pub(crate) fn name(self) -> &'static str {
        use Op::*;
        match self {
            Var => "var",
            Const => "const",
            Add | AddConst => "+",
            Sub | ConstSub => "-",
            Mul | MulConst => "*",
            Div | DivConst | ConstDiv => "/",
            Neg => "neg",
            Recip => "recip",
            Powf | Powi | Pow => "pow",
            Sqrt => "sqrt",
            Cbrt => "cbrt",
            Exp => "exp",
            Exp2 => "exp2",
            ExpM1 => "exp_m1",
            Ln => "ln",
            Log2 => "log2",
            Log10 => "log10",
            Log => "log",
            Ln1p => "ln_1p",
            Sin => "sin",
            Cos => "cos",
            Tan => "tan",
            Asin => "asin",
            Acos => "acos",
            Atan => "atan",
            Atan2 => "atan2",
            Sinh => "sinh",
            Cosh => "cosh",
            Tanh => "tanh",
            Asinh => "asinh",
            Acosh => "acosh",
            Atanh => "atanh",
            Hypot => "hypot",
            Abs => "abs",
            Max => "max",
            Min => "min",
            Clamp => "clamp",
            MulAdd | MulAddConst | MulConstAdd | MulConstAddConst => "mul_add",
            MaxConst => "max",
            MinConst => "min",
            Atan2Const => "atan2",
            HypotConst => "hypot",
            Relu => "relu",
            LeakyRelu => "leaky_relu",
            Sigmoid => "sigmoid",
            Softplus => "softplus",
            Signum => "signum",
            Floor => "floor",
            Ceil => "ceil",
            Round => "round",
            Trunc => "trunc",
            Sum | SumStride => "sum",
            Dot => "dot",
            DotConst => "dot_const",
            Affine => "affine",
            AffineRelu => "affine+relu",
            AffineTanh => "affine+tanh",
            AffineSigmoid => "affine+sigmoid",
            Statement | UnaryStatement => "statement",
        }
    }
}
