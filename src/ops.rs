//! The chain-rule table: every operation a tape records, how it computes its value, and what
//! it passes back to each operand.
//!
//! Read [`Op::backprop`] as the heart of the crate. For a node `y = f(a, b)` that receives the
//! upstream gradient `g = d(out)/dy`, the chain rule says operand `a` receives
//! `g * dy/da`. Each arm of `backprop` is one such rule, with its math in a one-line comment.
//! [`Op::eval`] above it computes the value of the same ops, in the same order.
//!
//! The rules are generic over [`Real`]: `backward` runs them on `f64` (fast, nothing recorded),
//! and `gradient` runs them on `Value`s, which records them, so a gradient can be differentiated
//! again. Where a derivative is zero by the op's form (a `relu` at rest, `floor` everywhere),
//! the rule adds nothing at all, so no gradient path runs through it.
//!
//! What each rule does at kinks and domain edges (PyTorch's choices) is tabled in the crate
//! docs, under "Kinks and domains".

use std::ops::{Add, Div, Mul, Sub};

use crate::real::Real;

/// One kind of node on the tape.
///
/// `a`, `b`, `c` are operand nodes; `k`, `lo`, `hi` are `f64` constants stored with the node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Op {
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
}

/// How a node's operands are laid out in the tape's operand stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Layout {
    /// This many operand words.
    Fixed(usize),
    /// `[n, operands, n]`, with `per_item * n` operands; the count at both ends lets the stream
    /// be read from either end.
    Variadic { per_item: usize },
}

impl Op {
    /// Every op, in declaration order (`ALL[i] as usize == i`).
    pub(crate) const ALL: [Op; 61] = {
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
            Affine,
            AffineRelu,
            AffineTanh,
            AffineSigmoid,
        ]
    };

    /// How the node's operands are stored.
    pub(crate) const fn layout(self) -> Layout {
        use Op::*;
        match self {
            Var | Const => Layout::Fixed(0),
            Sum => Layout::Variadic { per_item: 1 },
            Dot => Layout::Variadic { per_item: 2 },
            SumStride | Affine | AffineRelu | AffineTanh | AffineSigmoid => Layout::Fixed(3),
            Add | Sub | Mul | Div | Pow | Atan2 | Hypot | Max | Min => Layout::Fixed(2),
            MulAdd => Layout::Fixed(3),
            _ => Layout::Fixed(1),
        }
    }

    /// How many `f64` constants the node stores.
    pub(crate) const fn constants(self) -> usize {
        use Op::*;
        match self {
            AddConst | ConstSub | MulConst | DivConst | ConstDiv | Powf | Powi | Log
            | LeakyRelu => 1,
            Clamp => 2,
            _ => 0,
        }
    }

    /// The nodes a node reads, given its operand words (those of `Sum` and `Dot` without their
    /// counts): the fused neurons store runs `[first weight, first input, n]` and read the
    /// weights, the bias after them, and the inputs; every other op lists its operands.
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
            MulAdd => "mul_add",
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
            Affine => "affine",
            AffineRelu => "affine+relu",
            AffineTanh => "affine+tanh",
            AffineSigmoid => "affine+sigmoid",
        }
    }

    /// The value of an element-wise node from its operands' values `x` and its constants `k`.
    ///
    /// # Panics
    /// For leaves, whose values are given, and for the fused ops (see
    /// [`eval_fused`](Op::eval_fused)).
    #[inline(always)]
    pub(crate) fn eval(self, x: &[f64], k: &[f64]) -> f64 {
        use Op::*;
        let x = |i: usize| x[i];
        match self {
            Var | Const => unreachable!("a leaf's value is given, not computed"),
            Sum | SumStride | Dot | Affine | AffineRelu | AffineTanh | AffineSigmoid => {
                unreachable!("fused ops read their operands with eval_fused")
            }
            Add => x(0) + x(1),
            Sub => x(0) - x(1),
            Mul => x(0) * x(1),
            Div => x(0) / x(1),
            AddConst => x(0) + k[0],
            ConstSub => k[0] - x(0),
            MulConst => x(0) * k[0],
            DivConst => x(0) / k[0],
            ConstDiv => k[0] / x(0),
            Neg => -x(0),
            Recip => x(0).recip(),
            Powf => x(0).powf(k[0]),
            Powi => x(0).powi(k[0] as i32),
            Pow => x(0).powf(x(1)),
            Sqrt => x(0).sqrt(),
            Cbrt => x(0).cbrt(),
            Exp => x(0).exp(),
            Exp2 => x(0).exp2(),
            ExpM1 => x(0).exp_m1(),
            Ln => x(0).ln(),
            Log2 => x(0).log2(),
            Log10 => x(0).log10(),
            Log => x(0).log(k[0]),
            Ln1p => x(0).ln_1p(),
            Sin => x(0).sin(),
            Cos => x(0).cos(),
            Tan => x(0).tan(),
            Asin => x(0).asin(),
            Acos => x(0).acos(),
            Atan => x(0).atan(),
            Atan2 => x(0).atan2(x(1)),
            Sinh => x(0).sinh(),
            Cosh => x(0).cosh(),
            Tanh => x(0).tanh(),
            Asinh => x(0).asinh(),
            Acosh => x(0).acosh(),
            Atanh => x(0).atanh(),
            Hypot => x(0).hypot(x(1)),
            Abs => x(0).abs(),
            Max => x(0).max(x(1)),
            Min => x(0).min(x(1)),
            Clamp => x(0).clamp(k[0], k[1]),
            MulAdd => x(0).mul_add(x(1), x(2)),
            Relu => relu(x(0)),
            LeakyRelu => leaky_relu(x(0), k[0]),
            Sigmoid => sigmoid(x(0)),
            Softplus => softplus(x(0)),
            Signum => x(0).signum(),
            Floor => x(0).floor(),
            Ceil => x(0).ceil(),
            Round => x(0).round(),
            Trunc => x(0).trunc(),
        }
    }

    /// The value of a fused node, from its operand nodes' `values`. The operands of `Sum` and
    /// `Dot` come without their counts (see [`Layout`]).
    #[inline(always)]
    pub(crate) fn eval_fused(self, operands: &[u32], values: &[f64]) -> f64 {
        use Op::*;
        let value = |i: u32| values[i as usize];
        match self {
            Sum => operands.iter().fold(0.0, |total, &i| total + value(i)),
            SumStride => stride(operands).fold(0.0, |total, i| total + value(i)),
            Dot => {
                let (a, b) = operands.split_at(operands.len() / 2);
                dot(a, b, |&i| value(i), |&i| value(i))
            }
            Affine | AffineRelu | AffineTanh | AffineSigmoid => {
                let [w, x, n] = fixed(operands).map(|word| word as usize);
                let (weights, inputs) = (&values[w..w + n], &values[x..x + n]);
                let z = dot(weights, inputs, |&weight| weight, |&input| input) + values[w + n];
                match self {
                    AffineRelu => relu(z),
                    AffineTanh => z.tanh(),
                    AffineSigmoid => sigmoid(z),
                    _ => z,
                }
            }
            _ => unreachable!("{self:?} is not a fused op"),
        }
    }

    /// The chain rule for one node: `g` arrives from above (`d out / d y`), and each operand
    /// `p` receives `g * dy/dp` through `sweep.add`. `y` is the node's own value, and `node`
    /// reads its operands and constants.
    #[inline]
    pub(crate) fn backprop<S: Real, W: Sweep<S>>(
        self,
        g: S,
        y: S,
        node: &impl NodeData,
        sweep: &mut W,
    ) where
        f64: Add<S, Output = S> + Sub<S, Output = S> + Mul<S, Output = S> + Div<S, Output = S>,
    {
        use Op::*;
        match self {
            // Leaves: the sweep ends here.
            Var | Const => {}
            // y = a + b                 dy/da = 1, dy/db = 1
            Add => {
                let [a, b] = node.operands();
                sweep.add(a, g);
                sweep.add(b, g);
            }
            // y = a - b                 dy/da = 1, dy/db = -1
            Sub => {
                let [a, b] = node.operands();
                sweep.add(a, g);
                sweep.add(b, -g);
            }
            // y = a * b                 dy/da = b, dy/db = a
            Mul => {
                let [a, b] = node.operands();
                let (va, vb) = (sweep.value(a), sweep.value(b));
                sweep.add(a, g * vb);
                sweep.add(b, g * va);
            }
            // y = a / b                 dy/da = 1/b, dy/db = -a/b² = -y/b
            Div => {
                let [a, b] = node.operands();
                let vb = sweep.value(b);
                sweep.add(a, g / vb);
                sweep.add(b, -(g * y) / vb);
            }
            // y = a + k                 dy/da = 1
            AddConst => sweep.add(node.operand(), g),
            // y = k - a                 dy/da = -1
            ConstSub => sweep.add(node.operand(), -g),
            // y = a * k                 dy/da = k
            MulConst => sweep.add(node.operand(), g * node.constant()),
            // y = a / k                 dy/da = 1/k
            DivConst => sweep.add(node.operand(), g / node.constant()),
            // y = k / a                 dy/da = -k/a² = -y/a
            ConstDiv => {
                let [a] = node.operands();
                sweep.add(a, -(g * y) / sweep.value(a));
            }
            // y = -a                    dy/da = -1
            Neg => sweep.add(node.operand(), -g),
            // y = 1/a                   dy/da = -1/a² = -y²
            Recip => sweep.add(node.operand(), -(g * y * y)),
            // y = a^k                   dy/da = k a^(k-1)   (0 when k = 0, even at a = 0)
            Powf => {
                let ([a], [k]) = (node.operands(), node.constants());
                if k != 0.0 {
                    sweep.add(a, g * k * sweep.value(a).powf(minus_one(k)));
                }
            }
            // y = a^n                   dy/da = n a^(n-1)   (0 when n = 0, even at a = 0)
            Powi => {
                let ([a], [k]) = (node.operands(), node.constants());
                let n = k as i32;
                if n != 0 {
                    sweep.add(a, g * k * power_below(sweep.value(a), n));
                }
            }
            // y = a^b                   dy/da = b a^(b-1), dy/db = ln(a) y   (0 at a = 0, b >= 0)
            Pow => {
                let [a, b] = node.operands();
                let (va, vb) = (sweep.value(a), sweep.value(b));
                // At b = 0 this term is 0, but its derivative in b (a^(b-1)) is not: keep it
                // for second derivatives wherever a^(b-1) is finite, so that 0 * inf never
                // makes a NaN (at a = 0 it is dropped, and dy/da is 0).
                if vb.data() != 0.0 || va.data().recip().is_finite() {
                    sweep.add(a, g * vb * va.pow(vb - 1.0));
                }
                if !(va.data() == 0.0 && vb.data() >= 0.0) {
                    sweep.add(b, g * y * va.ln());
                }
            }
            // y = sqrt(a)               dy/da = 1 / (2 y)   (+inf at 0, NaN below)
            Sqrt => sweep.add(node.operand(), g * 0.5 / y),
            // y = cbrt(a)               dy/da = 1 / (3 y²) = y⁻² / 3   (0 at ±inf, as its slope)
            Cbrt => sweep.add(node.operand(), g * y.powi(-2) / 3.0),
            // y = e^a                   dy/da = e^a = y
            Exp => sweep.add(node.operand(), g * y),
            // y = 2^a                   dy/da = ln(2) y
            Exp2 => sweep.add(node.operand(), g * y * std::f64::consts::LN_2),
            // y = e^a - 1               dy/da = e^a = y + 1
            ExpM1 => sweep.add(node.operand(), g * (y + 1.0)),
            // y = ln(a)                 dy/da = 1/a   (NaN for a < 0)
            Ln => {
                let [a] = node.operands();
                let va = sweep.value(a);
                sweep.add(a, nan_outside(va.data() >= 0.0, g / va));
            }
            // y = log2(a)               dy/da = 1 / (a ln 2)
            Log2 => {
                let [a] = node.operands();
                let va = sweep.value(a);
                let d = g / (va * std::f64::consts::LN_2);
                sweep.add(a, nan_outside(va.data() >= 0.0, d));
            }
            // y = log10(a)              dy/da = 1 / (a ln 10)
            Log10 => {
                let [a] = node.operands();
                let va = sweep.value(a);
                let d = g / (va * std::f64::consts::LN_10);
                sweep.add(a, nan_outside(va.data() >= 0.0, d));
            }
            // y = log_k(a)              dy/da = 1 / (a ln k)
            Log => {
                let ([a], [k]) = (node.operands(), node.constants());
                let va = sweep.value(a);
                sweep.add(a, nan_outside(va.data() >= 0.0, g / (va * k.ln())));
            }
            // y = ln(1 + a)             dy/da = 1 / (1 + a)
            Ln1p => {
                let [a] = node.operands();
                let va = sweep.value(a);
                sweep.add(a, nan_outside(va.data() >= -1.0, g / (va + 1.0)));
            }
            // y = sin(a)                dy/da = cos(a)
            Sin => {
                let [a] = node.operands();
                sweep.add(a, g * sweep.value(a).cos());
            }
            // y = cos(a)                dy/da = -sin(a)
            Cos => {
                let [a] = node.operands();
                sweep.add(a, -(g * sweep.value(a).sin()));
            }
            // y = tan(a)                dy/da = 1 + tan(a)² = 1 + y²
            Tan => sweep.add(node.operand(), g * (1.0 + y * y)),
            // y = asin(a)               dy/da = 1 / sqrt(1 - a²)
            Asin => {
                let [a] = node.operands();
                let va = sweep.value(a);
                sweep.add(a, g / (1.0 - va * va).sqrt());
            }
            // y = acos(a)               dy/da = -1 / sqrt(1 - a²)
            Acos => {
                let [a] = node.operands();
                let va = sweep.value(a);
                sweep.add(a, -(g / (1.0 - va * va).sqrt()));
            }
            // y = atan(a)               dy/da = 1 / (1 + a²)
            Atan => {
                let [a] = node.operands();
                let va = sweep.value(a);
                sweep.add(a, g / (1.0 + va * va));
            }
            // y = atan2(a, b)           dy/da = b / (a² + b²), dy/db = -a / (a² + b²)   (0 at 0)
            Atan2 => {
                let [a, b] = node.operands();
                let (va, vb) = (sweep.value(a), sweep.value(b));
                // With a and b scaled by a power of two (exact), a² + b² neither underflows
                // for tiny operands nor overflows for huge ones.
                let s = power_of_two_scale(va.data(), vb.data());
                let (sa, sb) = (va * s, vb * s);
                let r2 = sa * sa + sb * sb;
                if r2.data() != 0.0 {
                    sweep.add(a, g * sb / r2 * s);
                    sweep.add(b, -(g * sa) / r2 * s);
                }
            }
            // y = sinh(a)               dy/da = cosh(a)
            Sinh => {
                let [a] = node.operands();
                sweep.add(a, g * sweep.value(a).cosh());
            }
            // y = cosh(a)               dy/da = sinh(a)
            Cosh => {
                let [a] = node.operands();
                sweep.add(a, g * sweep.value(a).sinh());
            }
            // y = tanh(a)               dy/da = 1 - tanh(a)² = 1 - y²
            Tanh => sweep.add(node.operand(), g * (1.0 - y * y)),
            // y = asinh(a)              dy/da = 1 / sqrt(a² + 1) = 1 / hypot(a, 1)
            Asinh => {
                let [a] = node.operands();
                let va = sweep.value(a);
                sweep.add(a, g / va.hypot_one());
            }
            // y = acosh(a)              dy/da = 1 / (sqrt(a - 1) sqrt(a + 1))   (NaN below 1)
            Acosh => {
                let [a] = node.operands();
                let va = sweep.value(a);
                sweep.add(a, g / (va - 1.0).sqrt() / (va + 1.0).sqrt());
            }
            // y = atanh(a)              dy/da = 1 / (1 - a²)   (NaN for |a| > 1)
            Atanh => {
                let [a] = node.operands();
                let va = sweep.value(a);
                let inside = va.data().abs() <= 1.0;
                sweep.add(a, nan_outside(inside, g / (1.0 - va * va)));
            }
            // y = sqrt(a² + b²)         dy/da = a/y, dy/db = b/y
            Hypot => {
                let [a, b] = node.operands();
                let (va, vb) = (sweep.value(a), sweep.value(b));
                sweep.add(a, g * va / y);
                sweep.add(b, g * vb / y);
            }
            // y = |a|                   dy/da = sign(a), 0 at a = 0
            Abs => {
                let [a] = node.operands();
                let va = sweep.value(a).data();
                if va > 0.0 {
                    sweep.add(a, g);
                } else if va < 0.0 {
                    sweep.add(a, -g);
                } else if va.is_nan() {
                    sweep.add(a, g * f64::NAN);
                }
            }
            // y = max(a, b)             dy/da = 1 where a wins, 1/2 each on a tie, NaN if both NaN
            Max | Min => {
                let [a, b] = node.operands();
                let (va, vb) = (sweep.value(a).data(), sweep.value(b).data());
                if va.is_nan() && vb.is_nan() {
                    sweep.add(a, g * f64::NAN);
                    sweep.add(b, g * f64::NAN);
                } else if va == vb {
                    let half = g * 0.5;
                    sweep.add(a, half);
                    sweep.add(b, half);
                } else if va == y.data() {
                    sweep.add(a, g);
                } else {
                    sweep.add(b, g);
                }
            }
            // y = clamp(a, lo, hi)      dy/da = 1 for lo < a < hi, else 0 (bounds too); NaN at NaN
            Clamp => {
                let [a] = node.operands();
                let va = sweep.value(a).data();
                let [lo, hi] = node.constants();
                if lo < va && va < hi {
                    sweep.add(a, g);
                } else if va.is_nan() {
                    sweep.add(a, g * f64::NAN);
                }
            }
            // y = a * b + c             dy/da = b, dy/db = a, dy/dc = 1
            MulAdd => {
                let [a, b, c] = node.operands();
                let (va, vb) = (sweep.value(a), sweep.value(b));
                sweep.add(a, g * vb);
                sweep.add(b, g * va);
                sweep.add(c, g);
            }
            // y = max(a, 0)             dy/da = 1 for a > 0, else 0 (0 at a = 0), NaN at NaN
            Relu => {
                if y.data() > 0.0 {
                    sweep.add(node.operand(), g);
                } else if y.data().is_nan() {
                    sweep.add(node.operand(), g * f64::NAN);
                }
            }
            // y = a or k a              dy/da = 1 for a > 0, else k, NaN at NaN
            LeakyRelu => {
                let [a] = node.operands();
                let va = sweep.value(a).data();
                if va > 0.0 {
                    sweep.add(a, g);
                } else if va.is_nan() {
                    sweep.add(a, g * f64::NAN);
                } else {
                    sweep.add(a, g * node.constant());
                }
            }
            // y = 1 / (1 + e^-a)        dy/da = y (1 - y)
            Sigmoid => sweep.add(node.operand(), g * y * (1.0 - y)),
            // y = ln(1 + e^a)           dy/da = sigmoid(a)
            Softplus => {
                let [a] = node.operands();
                sweep.add(a, g * sweep.value(a).sigmoid());
            }
            // Piecewise constant: dy/da = 0 wherever it is defined.
            Signum | Floor | Ceil | Round | Trunc => {}
            // y = a_1 + ... + a_n       dy/da_i = 1
            Sum => {
                for &a in node.items() {
                    sweep.add(a, g);
                }
            }
            // y = a_f + a_{f+s} + ... (n terms)  dy/da = 1 for each term
            SumStride => {
                let [first, step, n] = node.operands();
                sweep.add_to_stride(first, step, n, g);
            }
            // y = a·b                   dy/da_i = b_i, dy/db_i = a_i
            Dot => {
                let items = node.items();
                let (a, b) = items.split_at(items.len() / 2);
                for (&ai, &bi) in a.iter().zip(b) {
                    let (va, vb) = (sweep.value(ai), sweep.value(bi));
                    sweep.add(ai, g * vb);
                    sweep.add(bi, g * va);
                }
            }
            // y = w·x + bias            dy/dw_i = x_i, dy/dx_i = w_i, dy/dbias = 1
            Affine => backprop_affine(g, node.operands(), sweep),
            // y = relu(z), z = w·x + b  dy/dz = 1 for y > 0, else 0, NaN at NaN; then as Affine
            AffineRelu => {
                if y.data() > 0.0 {
                    backprop_affine(g, node.operands(), sweep);
                } else if y.data().is_nan() {
                    backprop_affine(g * f64::NAN, node.operands(), sweep);
                }
            }
            // y = tanh(z), z = w·x + b  dy/dz = 1 - y²; then as Affine
            AffineTanh => backprop_affine(g * (1.0 - y * y), node.operands(), sweep),
            // y = sigmoid(z)            dy/dz = y (1 - y); then as Affine
            AffineSigmoid => backprop_affine(g * y * (1.0 - y), node.operands(), sweep),
        }
    }
}

/// A code's layout in the operand stream, in four bytes with the padding (so that finding a
/// code's entry takes a shift rather than a multiplication). A fixed-layout node's constants
/// are the words after its operands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C, align(4))]
pub(crate) struct Shape {
    /// Operand words stored (a chained node stores none).
    pub(crate) words: u8,
    /// For a variadic op, the words per item; 0 for a fixed layout.
    pub(crate) per_item: u8,
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
        stride: 0,
    }; 256];
    let mut i = 0;
    while i < Op::ALL.len() {
        let op = Op::ALL[i];
        let constants = op.constants() as u8;
        let (words, per_item) = match op.layout() {
            Layout::Fixed(words) => (words as u8, 0),
            Layout::Variadic { per_item } => {
                assert!(constants == 0, "a variadic op stores no constants");
                (0, per_item as u8)
            }
        };
        let shape = Shape {
            words,
            per_item,
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

/// What a rule reads of its node besides the value: its operand nodes and its constants.
/// `backward` reads them straight from the tape's streams; `gradient` and the trace, which
/// record nodes while they sweep, read copies ([`Copied`]).
pub(crate) trait NodeData {
    /// The operand words of an op with a fixed layout of `N` words.
    fn operands<const N: usize>(&self) -> [u32; N];
    /// The `N` constants stored with the node.
    fn constants<const N: usize>(&self) -> [f64; N];
    /// A variadic op's operand words: `Sum`'s terms, `Dot`'s `a` then `b`.
    fn items(&self) -> &[u32];

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

/// A node's operand words and constants, copied out of the tape (see [`crate::tape::Span`]).
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

/// `z = w·x + bias` receiving `g`: `w_i` gets `g x_i`, `x_i` gets `g w_i`, the bias `g`.
/// The weights (then the bias) and the inputs are runs of consecutive nodes.
#[inline(always)]
fn backprop_affine<S: Real, W: Sweep<S>>(g: S, [w, x, n]: [u32; 3], sweep: &mut W) {
    sweep.add_scaled_run(w, x, n, g);
    sweep.add_scaled_run(x, w, n, g);
    sweep.add(w + n, g);
}

/// The operand nodes of a `SumStride` node, from its words `[first, step, n]`.
#[inline(always)]
fn stride(words: &[u32]) -> impl Iterator<Item = u32> {
    let [first, step, n] = fixed(words);
    (0..n).map(move |k| first + k * step)
}

/// The operands (or constants) of a fixed-layout op as an array.
#[inline(always)]
fn fixed<T: Copy, const N: usize>(words: &[T]) -> [T; N] {
    match words.try_into() {
        Ok(array) => array,
        Err(_) => unreachable!("an op's operand count is fixed by its layout"),
    }
}

/// `k - 1`, written outside `backprop`: there, the bound `f64: Sub<S>` hides `f64 - f64` from
/// type inference.
fn minus_one(k: f64) -> f64 {
    k - 1.0
}

/// `a^(n-1)`, for every `i32` `n`: `i32::MIN - 1` is no `i32`, so that one power goes through
/// `powf`, whose exponent `-2^31 - 1` is an exact `f64`.
#[inline]
fn power_below<S: Real>(a: S, n: i32) -> S {
    match n.checked_sub(1) {
        Some(m) => a.powi(m),
        None => a.powf(f64::from(n) - 1.0),
    }
}

/// A power of two that brings the larger of `|a|` and `|b|` to about 1 (clamped to the
/// exponents of normal numbers), so that squaring the scaled numbers neither under- nor
/// overflows; 1 when both are 0 or one is infinite. (A NaN makes the rule NaN at any scale.)
#[inline]
fn power_of_two_scale(a: f64, b: f64) -> f64 {
    let big = a.abs().max(b.abs());
    if big > 0.0 && big.is_finite() {
        2f64.powi(-(big.log2().floor() as i32).clamp(-1022, 1023))
    } else {
        1.0
    }
}

/// `derivative` inside the op's domain, NaN outside it (where the value is NaN too).
#[inline]
fn nan_outside<S: Real>(inside: bool, derivative: S) -> S {
    if inside {
        derivative
    } else {
        derivative * f64::NAN
    }
}

/// `a_0 b_0 + ... + a_{n-1} b_{n-1}`, reading term `i` as `a(&a_items[i]) * b(&b_items[i])`,
/// in four interleaved partial sums (terms `i ≡ k mod 4` go to sum `k`), added as
/// `(s0 + s1) + (s2 + s3)`. Four sums let the additions overlap instead of waiting for each
/// other; every dot product on the tape goes through here, so `dot`, `affine` and their
/// fallbacks agree to the bit. The terms are taken four at a time from the slices, which
/// spares the loop a bounds check a term.
#[inline(always)]
pub(crate) fn dot<A, B>(
    a_items: &[A],
    b_items: &[B],
    a: impl Fn(&A) -> f64,
    b: impl Fn(&B) -> f64,
) -> f64 {
    debug_assert_eq!(a_items.len(), b_items.len());
    let (mut s0, mut s1, mut s2, mut s3) = (0.0, 0.0, 0.0, 0.0);
    let (a_quads, b_quads) = (a_items.chunks_exact(4), b_items.chunks_exact(4));
    let rest = a_quads.remainder().iter().zip(b_quads.remainder());
    for (x, y) in a_quads.zip(b_quads) {
        s0 += a(&x[0]) * b(&y[0]);
        s1 += a(&x[1]) * b(&y[1]);
        s2 += a(&x[2]) * b(&y[2]);
        s3 += a(&x[3]) * b(&y[3]);
    }
    for ((x, y), sum) in rest.zip([&mut s0, &mut s1, &mut s2]) {
        *sum += a(x) * b(y);
    }
    (s0 + s1) + (s2 + s3)
}

/// `max(a, 0)`, keeping NaN.
#[inline]
pub(crate) fn relu(a: f64) -> f64 {
    if a < 0.0 { 0.0 } else { a }
}

/// `a` for positive `a`, else `slope * a`.
#[inline]
pub(crate) fn leaky_relu(a: f64, slope: f64) -> f64 {
    if a > 0.0 { a } else { slope * a }
}

/// `1 / (1 + e^-a)`, without overflow for large `|a|`.
#[inline]
pub(crate) fn sigmoid(a: f64) -> f64 {
    if a >= 0.0 {
        1.0 / (1.0 + (-a).exp())
    } else {
        let e = a.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + e^a)`, as `max(a, 0) + ln(1 + e^-|a|)` so that it neither overflows nor loses
/// small values.
#[inline]
pub(crate) fn softplus(a: f64) -> f64 {
    a.max(0.0) + (-a.abs()).exp().ln_1p()
}
