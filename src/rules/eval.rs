//! The value of every op, computed as `f64` computes it.

use super::Op;

impl Op {
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
            Statement | UnaryStatement => {
                unreachable!("a statement's value is computed when it is recorded")
            }
            Sum | SumStride | Dot | DotConst | Affine | AffineRelu | AffineTanh | AffineSigmoid => {
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
            MaxConst => x(0).max(k[0]),
            MinConst => x(0).min(k[0]),
            Atan2Const => x(0).atan2(k[0]),
            HypotConst => x(0).hypot(k[0]),
            MulAddConst => x(0).mul_add(x(1), k[0]),
            MulConstAdd => x(0).mul_add(k[0], x(1)),
            MulConstAddConst => x(0).mul_add(k[0], k[1]),
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

    /// The value of a fused node, from its operand nodes' `values` and its constants `k` (the
    /// numbers of `DotConst`, one an operand). The operands of `Sum`, `Dot` and `DotConst`
    /// come without their counts (see [`Layout`]).
    #[inline(always)]
    pub(crate) fn eval_fused(self, operands: &[u32], k: &[f64], values: &[f64]) -> f64 {
        use Op::*;
        let value = |i: u32| values[i as usize];
        match self {
            Sum => operands.iter().fold(0.0, |total, &i| total + value(i)),
            SumStride => stride(operands).fold(0.0, |total, i| total + value(i)),
            Dot => {
                let (a, b) = operands.split_at(operands.len() / 2);
                dot(a, b, |&i| value(i), |&i| value(i))
            }
            DotConst => dot(operands, k, |&i| value(i), |&k| k),
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
}

/// The operand nodes of a `SumStride` node, from its words `[first, step, n]`.
#[inline(always)]
pub(crate) fn stride(words: &[u32]) -> impl Iterator<Item = u32> {
    let [first, step, n] = fixed(words);
    (0..n).map(move |k| first + k * step)
}

/// The operands (or constants) of a fixed-layout op as an array.
#[inline(always)]
pub(crate) fn fixed<T: Copy, const N: usize>(words: &[T]) -> [T; N] {
    match words.try_into() {
        Ok(array) => array,
        Err(_) => unreachable!("an op's operand count is fixed by its layout"),
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
