//! The chain-rule table: what every op passes back to each of its operands.
//!
//! For a node `y = f(a, b)` that receives the upstream gradient `g = d(out)/dy`, the chain rule
//! says operand `a` receives `g * dy/da`. Each arm of [`Op::backprop`] is one such rule, with its
//! math in a one-line comment. Where a derivative is zero by the op's form (a `relu` at rest,
//! `floor` everywhere), the rule adds nothing at all, so no gradient path runs through it.
//!
//! The rules are generic over [`Real`]: `backward` runs them on `f64` (nothing recorded), and
//! `gradient` runs them on `Value`s, which records them, so a gradient can be differentiated
//! again. A rule reads its node through [`NodeData`] and sends its contributions through
//! [`Sweep`], so the plain tape, the fast tape, `gradient` and the trace all run this one table.

use std::ops::{Add, Div, Mul, Sub};

use super::{NodeData, Op, Real, Sweep};

impl Op {
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
            // y = max(a, k), min(a, k)  dy/da = 1 where a wins, 1/2 on a tie, NaN if both NaN
            MaxConst | MinConst => {
                let ([a], [k]) = (node.operands(), node.constants());
                let va = sweep.value(a).data();
                if va.is_nan() && k.is_nan() {
                    sweep.add(a, g * f64::NAN);
                } else if va == k {
                    sweep.add(a, g * 0.5);
                } else if va == y.data() {
                    sweep.add(a, g);
                }
            }
            // y = atan2(a, k)           dy/da = k / (a² + k²)   (0 at 0, scaled as atan2's)
            Atan2Const => {
                let ([a], [k]) = (node.operands(), node.constants());
                let va = sweep.value(a);
                let s = power_of_two_scale(va.data(), k);
                let sa = va * s;
                let (sk, sk2) = scaled_and_squared(k, s);
                let r2 = sa * sa + sk2;
                if r2.data() != 0.0 {
                    sweep.add(a, g * sk / r2 * s);
                }
            }
            // y = sqrt(a² + k²)         dy/da = a/y
            HypotConst => {
                let [a] = node.operands();
                sweep.add(a, g * sweep.value(a) / y);
            }
            // y = a * b + k             dy/da = b, dy/db = a
            MulAddConst => {
                let [a, b] = node.operands();
                let (va, vb) = (sweep.value(a), sweep.value(b));
                sweep.add(a, g * vb);
                sweep.add(b, g * va);
            }
            // y = a * k + b             dy/da = k, dy/db = 1
            MulConstAdd => {
                let ([a, b], [k]) = (node.operands(), node.constants());
                sweep.add(a, g * k);
                sweep.add(b, g);
            }
            // y = a * k + k2            dy/da = k
            MulConstAddConst => {
                let ([a], [k, _]) = (node.operands(), node.constants());
                sweep.add(a, g * k);
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
            // y = a·k                   dy/da_i = k_i, the numbers stored with the node
            DotConst => {
                for (i, &a) in node.items().iter().enumerate() {
                    sweep.add(a, g * node.item_constant(i));
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
            // y = f(a)                  dy/da = p, the derivative recorded with the node
            UnaryStatement => {
                if S::RECORDS {
                    statement_has_no_second_derivative();
                }
                sweep.add(node.operand(), g * node.constant());
            }
            // y = f(a_1, ..., a_n)      dy/da_i = p_i, the partials recorded with the node
            Statement => {
                // Recorded on values, these would be constants: the partials' own derivatives
                // are not on the tape, so a second derivative would come out silently wrong.
                if S::RECORDS {
                    statement_has_no_second_derivative();
                }
                for (i, &a) in node.items().iter().enumerate() {
                    sweep.add(a, g * node.item_constant(i));
                }
            }
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

#[cold]
#[inline(never)]
fn statement_has_no_second_derivative() -> ! {
    panic!(
        "gradient cannot differentiate through a statement (Tape::statement): it stores its \
         partial derivatives as numbers, not as values on the tape; record the statement op by \
         op for higher derivatives"
    )
}

/// `k s` and its square, written outside `backprop` (see `minus_one`).
fn scaled_and_squared(k: f64, s: f64) -> (f64, f64) {
    let sk = k * s;
    (sk, sk * sk)
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
