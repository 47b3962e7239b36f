//! The table of local derivatives: for every op, the partial derivative of its value by each
//! operand.
//!
//! For a node `y = f(a, b)`, each arm of [`Op::partials`] hands `dy/da` and `dy/db` to a
//! [`Local`], with the math in a one-line comment above it. What happens to them is the
//! caller's business, and that is what lets one table serve both modes of differentiation:
//!
//! - the backward sweep (`backprop.rs`) multiplies each by the gradient that reached the node,
//!   `g = d(out)/dy`, and adds `g * dy/da` to `a`'s gradient: the chain rule, backwards;
//! - a [`Dual`](crate::Dual) multiplies each by its operand's tangent and adds them up,
//!   `dy = dy/da da + dy/db db`: the chain rule, forwards.
//!
//! The element-wise ops come first, one operation each; then the nodes that are more than one
//! operation (a sum, a dot product, a whole neuron, a statement with its partials stored in
//! it), which only the tapes record.
//!
//! Where a derivative is zero by the op's form (a `relu` at rest, `floor` everywhere), the arm
//! hands nothing at all, so no gradient or tangent runs through it, not even `0 * inf`.
//! A derivative that is a plain number (`1`, `-1`, a constant of the node, `1/2` at a tie)
//! goes through its own method, so that recording a rule on values never records a number as
//! a node. The table runs on every [`Real`]: `f64` for `backward`, `Value` for `gradient`, and
//! duals of either; that is why it writes `k / x` as `over(k, x)` and `1 - x` as
//! `one_minus(x)`, which each type computes as its own op with `k` on the left.

use std::f64::consts::{LN_2, LN_10};

use super::real::{
    cos, cosh, hypot_one, ln, one_minus, over, pow, powf, powi, sigmoid, sin, sinh, sqrt,
};
use super::{NodeData, Op, Real};

/// Where [`Op::partials`] sends each partial derivative `dy/da` of a node: `a` is an operand's
/// node (or, for a dual number, its position among the op's operands).
pub(crate) trait Local<S> {
    /// The value of operand `a`.
    fn value(&self, a: u32) -> S;
    /// `dy/da = p`.
    fn partial(&mut self, a: u32, p: S);
    /// `dy/da = k`, a plain number.
    fn constant(&mut self, a: u32, k: f64);
    /// `dy/da = 1`.
    fn one(&mut self, a: u32);
    /// `dy/da = -1`.
    fn minus_one(&mut self, a: u32);

    /// `dy/da = 1` for each of the `n` nodes `first`, `first + step`, ...: a sum over a loop.
    #[inline(always)]
    fn one_each(&mut self, first: u32, step: u32, n: u32) {
        for k in 0..n {
            self.one(first + k * step);
        }
    }

    /// The partials of a neuron `y = act(z)`, `z = w·x + bias`, whose weights (then its bias)
    /// and inputs are the runs of `n` nodes from `w` and from `x`: `dy/dw_i = dz x_i`,
    /// `dy/dx_i = dz w_i`, `dy/dbias = dz`, where `dz = dy/dz` is `Some` slope of the
    /// activation, or `None` for a slope of 1 (no activation, a relu that is on).
    #[inline(always)]
    fn affine(&mut self, [w, x, n]: [u32; 3], dz: Option<S>)
    where
        S: Real,
    {
        for i in 0..n {
            let (wi, xi) = (self.value(w + i), self.value(x + i));
            match dz {
                Some(dz) => {
                    self.partial(w + i, dz * xi);
                    self.partial(x + i, dz * wi);
                }
                None => {
                    self.partial(w + i, xi);
                    self.partial(x + i, wi);
                }
            }
        }
        match dz {
            Some(dz) => self.partial(w + n, dz),
            None => self.one(w + n),
        }
    }
}

impl Op {
    /// Hands `local` the partial derivative of a node by each of its operands. `y` is the
    /// node's own value, and `node` reads its operands and constants.
    ///
    /// # Panics
    /// On a statement when `S` records (`gradient`): its partials are numbers, whose own
    /// derivatives are not on the tape.
    #[inline(always)]
    pub(crate) fn partials<S: Real, L: Local<S>>(self, y: S, node: &impl NodeData, local: &mut L) {
        use Op::*;
        match self {
            // y = a + b                 dy/da = 1, dy/db = 1
            Add => {
                let [a, b] = node.operands();
                local.one(a);
                local.one(b);
            }
            // y = a - b                 dy/da = 1, dy/db = -1
            Sub => {
                let [a, b] = node.operands();
                local.one(a);
                local.minus_one(b);
            }
            // y = a * b                 dy/da = b, dy/db = a
            Mul => {
                let [a, b] = node.operands();
                let (va, vb) = (local.value(a), local.value(b));
                local.partial(a, vb);
                local.partial(b, va);
            }
            // y = a / b                 dy/da = 1/b, dy/db = -a/b² = -y/b
            Div => {
                let [a, b] = node.operands();
                let vb = local.value(b);
                local.partial(a, over(1.0, vb));
                local.partial(b, -(y / vb));
            }
            // y = a + k                 dy/da = 1
            AddConst => local.one(node.operand()),
            // y = k - a                 dy/da = -1
            ConstSub => local.minus_one(node.operand()),
            // y = a * k                 dy/da = k
            MulConst => local.constant(node.operand(), node.constant()),
            // y = a / k                 dy/da = 1/k
            DivConst => local.constant(node.operand(), node.constant().recip()),
            // y = k / a                 dy/da = -k/a² = -y/a
            ConstDiv => {
                let [a] = node.operands();
                local.partial(a, -(y / local.value(a)));
            }
            // y = -a                    dy/da = -1
            Neg => local.minus_one(node.operand()),
            // y = 1/a                   dy/da = -1/a² = -y²
            Recip => local.partial(node.operand(), -(y * y)),
            // y = a^k                   dy/da = k a^(k-1)   (0 when k = 0, even at a = 0)
            Powf => {
                let ([a], [k]) = (node.operands(), node.constants());
                if k != 0.0 {
                    local.partial(a, powf(local.value(a), k - 1.0) * k);
                }
            }
            // y = a^n                   dy/da = n a^(n-1)   (0 when n = 0, even at a = 0)
            Powi => {
                let ([a], [k]) = (node.operands(), node.constants());
                let n = k as i32;
                if n != 0 {
                    local.partial(a, power_below(local.value(a), n) * k);
                }
            }
            // y = a^b                   dy/da = b a^(b-1), dy/db = ln(a) y   (0 at a = 0, b >= 0)
            Pow => {
                let [a, b] = node.operands();
                let (va, vb) = (local.value(a), local.value(b));
                // At b = 0 this term is 0, but its derivative in b (a^(b-1)) is not: keep it
                // for second derivatives wherever a^(b-1) is finite, so that 0 * inf never
                // makes a NaN (at a = 0 it is dropped, and dy/da is 0).
                if vb.number() != 0.0 || va.number().recip().is_finite() {
                    local.partial(a, vb * pow(va, vb - 1.0));
                }
                if !(va.number() == 0.0 && vb.number() >= 0.0) {
                    local.partial(b, y * ln(va));
                }
            }
            // y = sqrt(a)               dy/da = 1 / (2 y)   (+inf at 0, NaN below)
            Sqrt => local.partial(node.operand(), over(0.5, y)),
            // y = cbrt(a)               dy/da = 1 / (3 y²) = y⁻² / 3   (0 at ±inf, as its slope)
            Cbrt => local.partial(node.operand(), powi(y, -2) / 3.0),
            // y = e^a                   dy/da = e^a = y
            Exp => local.partial(node.operand(), y),
            // y = 2^a                   dy/da = ln(2) y
            Exp2 => local.partial(node.operand(), y * LN_2),
            // y = e^a - 1               dy/da = e^a = y + 1
            ExpM1 => local.partial(node.operand(), y + 1.0),
            // y = ln(a)                 dy/da = 1/a   (NaN for a < 0)
            Ln => {
                let [a] = node.operands();
                let va = local.value(a);
                inside_domain(local, a, va.number() >= 0.0, || over(1.0, va));
            }
            // y = log2(a)               dy/da = 1 / (a ln 2)
            Log2 => {
                let [a] = node.operands();
                let va = local.value(a);
                inside_domain(local, a, va.number() >= 0.0, || over(1.0, va * LN_2));
            }
            // y = log10(a)              dy/da = 1 / (a ln 10)
            Log10 => {
                let [a] = node.operands();
                let va = local.value(a);
                inside_domain(local, a, va.number() >= 0.0, || over(1.0, va * LN_10));
            }
            // y = log_k(a)              dy/da = 1 / (a ln k)
            Log => {
                let ([a], [k]) = (node.operands(), node.constants());
                let va = local.value(a);
                inside_domain(local, a, va.number() >= 0.0, || over(1.0, va * k.ln()));
            }
            // y = ln(1 + a)             dy/da = 1 / (1 + a)
            Ln1p => {
                let [a] = node.operands();
                let va = local.value(a);
                inside_domain(local, a, va.number() >= -1.0, || over(1.0, va + 1.0));
            }
            // y = sin(a)                dy/da = cos(a)
            Sin => {
                let [a] = node.operands();
                local.partial(a, cos(local.value(a)));
            }
            // y = cos(a)                dy/da = -sin(a)
            Cos => {
                let [a] = node.operands();
                local.partial(a, -sin(local.value(a)));
            }
            // y = tan(a)                dy/da = 1 + tan(a)² = 1 + y²
            Tan => local.partial(node.operand(), y * y + 1.0),
            // y = asin(a)               dy/da = 1 / sqrt(1 - a²)
            Asin => {
                let [a] = node.operands();
                let va = local.value(a);
                local.partial(a, over(1.0, sqrt(one_minus(va * va))));
            }
            // y = acos(a)               dy/da = -1 / sqrt(1 - a²)
            Acos => {
                let [a] = node.operands();
                let va = local.value(a);
                local.partial(a, -over(1.0, sqrt(one_minus(va * va))));
            }
            // y = atan(a)               dy/da = 1 / (1 + a²)
            Atan => {
                let [a] = node.operands();
                let va = local.value(a);
                local.partial(a, over(1.0, va * va + 1.0));
            }
            // y = atan2(a, b)           dy/da = b / (a² + b²), dy/db = -a / (a² + b²)   (0 at 0)
            Atan2 => {
                let [a, b] = node.operands();
                let (va, vb) = (local.value(a), local.value(b));
                // With a and b scaled by a power of two (exact), a² + b² neither underflows
                // for tiny operands nor overflows for huge ones.
                let s = power_of_two_scale(va.number(), vb.number());
                let (sa, sb) = (va * s, vb * s);
                let r2 = sa * sa + sb * sb;
                if r2.number() != 0.0 {
                    local.partial(a, sb / r2 * s);
                    local.partial(b, -(sa / r2 * s));
                }
            }
            // y = sinh(a)               dy/da = cosh(a)
            Sinh => {
                let [a] = node.operands();
                local.partial(a, cosh(local.value(a)));
            }
            // y = cosh(a)               dy/da = sinh(a)
            Cosh => {
                let [a] = node.operands();
                local.partial(a, sinh(local.value(a)));
            }
            // y = tanh(a)               dy/da = 1 - tanh(a)² = 1 - y²
            Tanh => local.partial(node.operand(), one_minus(y * y)),
            // y = asinh(a)              dy/da = 1 / sqrt(a² + 1) = 1 / hypot(a, 1)
            Asinh => {
                let [a] = node.operands();
                local.partial(a, over(1.0, hypot_one(local.value(a))));
            }
            // y = acosh(a)              dy/da = 1 / (sqrt(a - 1) sqrt(a + 1))   (NaN below 1)
            Acosh => {
                let [a] = node.operands();
                let va = local.value(a);
                local.partial(a, over(1.0, sqrt(va - 1.0)) / sqrt(va + 1.0));
            }
            // y = atanh(a)              dy/da = 1 / (1 - a²)   (NaN for |a| > 1)
            Atanh => {
                let [a] = node.operands();
                let va = local.value(a);
                let inside = va.number().abs() <= 1.0;
                inside_domain(local, a, inside, || over(1.0, one_minus(va * va)));
            }
            // y = sqrt(a² + b²)         dy/da = a/y, dy/db = b/y
            Hypot => {
                let [a, b] = node.operands();
                let (va, vb) = (local.value(a), local.value(b));
                local.partial(a, va / y);
                local.partial(b, vb / y);
            }
            // y = |a|                   dy/da = sign(a), 0 at a = 0
            Abs => {
                let [a] = node.operands();
                let va = local.value(a).number();
                if va > 0.0 {
                    local.one(a);
                } else if va < 0.0 {
                    local.minus_one(a);
                } else if va.is_nan() {
                    local.constant(a, f64::NAN);
                }
            }
            // y = max(a, b)             dy/da = 1 where a wins, 1/2 each on a tie, NaN if both NaN
            Max | Min => {
                let [a, b] = node.operands();
                let (va, vb) = (local.value(a).number(), local.value(b).number());
                if va.is_nan() && vb.is_nan() {
                    local.constant(a, f64::NAN);
                    local.constant(b, f64::NAN);
                } else if va == vb {
                    local.constant(a, 0.5);
                    local.constant(b, 0.5);
                } else if va == y.number() {
                    local.one(a);
                } else {
                    local.one(b);
                }
            }
            // y = clamp(a, lo, hi)      dy/da = 1 for lo < a < hi, else 0 (bounds too); NaN at NaN
            Clamp => {
                let [a] = node.operands();
                let va = local.value(a).number();
                let [lo, hi] = node.constants();
                if lo < va && va < hi {
                    local.one(a);
                } else if va.is_nan() {
                    local.constant(a, f64::NAN);
                }
            }
            // y = a * b + c             dy/da = b, dy/db = a, dy/dc = 1
            MulAdd => {
                let [a, b, c] = node.operands();
                let (va, vb) = (local.value(a), local.value(b));
                local.partial(a, vb);
                local.partial(b, va);
                local.one(c);
            }
            // y = max(a, k), min(a, k)  dy/da = 1 where a wins, 1/2 on a tie, NaN if both NaN
            MaxConst | MinConst => {
                let ([a], [k]) = (node.operands(), node.constants());
                let va = local.value(a).number();
                if va.is_nan() && k.is_nan() {
                    local.constant(a, f64::NAN);
                } else if va == k {
                    local.constant(a, 0.5);
                } else if va == y.number() {
                    local.one(a);
                }
            }
            // y = atan2(a, k)           dy/da = k / (a² + k²)   (0 at 0, scaled as atan2's)
            Atan2Const => {
                let ([a], [k]) = (node.operands(), node.constants());
                let va = local.value(a);
                let s = power_of_two_scale(va.number(), k);
                let sa = va * s;
                let (sk, sk2) = scaled_and_squared(k, s);
                let r2 = sa * sa + sk2;
                if r2.number() != 0.0 {
                    local.partial(a, over(sk, r2) * s);
                }
            }
            // y = sqrt(a² + k²)         dy/da = a/y
            HypotConst => {
                let [a] = node.operands();
                local.partial(a, local.value(a) / y);
            }
            // y = a * b + k             dy/da = b, dy/db = a
            MulAddConst => {
                let [a, b] = node.operands();
                let (va, vb) = (local.value(a), local.value(b));
                local.partial(a, vb);
                local.partial(b, va);
            }
            // y = a * k + b             dy/da = k, dy/db = 1
            MulConstAdd => {
                let ([a, b], [k]) = (node.operands(), node.constants());
                local.constant(a, k);
                local.one(b);
            }
            // y = a * k + k2            dy/da = k
            MulConstAddConst => {
                let ([a], [k, _]) = (node.operands(), node.constants());
                local.constant(a, k);
            }
            // y = max(a, 0)             dy/da = 1 for a > 0, else 0 (0 at a = 0), NaN at NaN
            Relu => {
                if y.number() > 0.0 {
                    local.one(node.operand());
                } else if y.number().is_nan() {
                    local.constant(node.operand(), f64::NAN);
                }
            }
            // y = a or k a              dy/da = 1 for a > 0, else k, NaN at NaN
            LeakyRelu => {
                let [a] = node.operands();
                let va = local.value(a).number();
                if va > 0.0 {
                    local.one(a);
                } else if va.is_nan() {
                    local.constant(a, f64::NAN);
                } else {
                    local.constant(a, node.constant());
                }
            }
            // y = 1 / (1 + e^-a)        dy/da = y (1 - y)
            Sigmoid => local.partial(node.operand(), y * one_minus(y)),
            // y = ln(1 + e^a)           dy/da = sigmoid(a)
            Softplus => {
                let [a] = node.operands();
                local.partial(a, sigmoid(local.value(a)));
            }
            // Piecewise constant: dy/da = 0 wherever it is defined.
            Signum | Floor | Ceil | Round | Trunc => {}

            // Leaves: no operands, nothing to hand on.
            Var | Const => {}
            // y = a_1 + ... + a_n       dy/da_i = 1
            Sum => {
                for &a in node.items() {
                    local.one(a);
                }
            }
            // y = a_f + a_{f+s} + ... (n terms)  dy/da = 1 for each term
            SumStride => {
                let [first, step, n] = node.operands();
                local.one_each(first, step, n);
            }
            // y = a·b                   dy/da_i = b_i, dy/db_i = a_i
            Dot => {
                let items = node.items();
                let (a, b) = items.split_at(items.len() / 2);
                for (&ai, &bi) in a.iter().zip(b) {
                    let (va, vb) = (local.value(ai), local.value(bi));
                    local.partial(ai, vb);
                    local.partial(bi, va);
                }
            }
            // y = a·k                   dy/da_i = k_i, the numbers stored with the node
            DotConst => {
                for (i, &a) in node.items().iter().enumerate() {
                    local.constant(a, node.item_constant(i));
                }
            }
            // y = w·x + bias            dy/dw_i = x_i, dy/dx_i = w_i, dy/dbias = 1
            Affine => local.affine(node.operands(), None),
            // y = relu(z), z = w·x + b  dy/dz = 1 for y > 0, else 0, NaN at NaN; then as Affine
            AffineRelu => {
                if y.number() > 0.0 {
                    local.affine(node.operands(), None);
                } else if y.number().is_nan() {
                    // dy/dz = NaN, which y is.
                    local.affine(node.operands(), Some(y));
                }
            }
            // y = tanh(z), z = w·x + b  dy/dz = 1 - y²; then as Affine
            AffineTanh => local.affine(node.operands(), Some(one_minus(y * y))),
            // y = sigmoid(z)            dy/dz = y (1 - y); then as Affine
            AffineSigmoid => local.affine(node.operands(), Some(y * one_minus(y))),
            // y = f(a)                  dy/da = p, the derivative recorded with the node
            UnaryStatement => {
                if S::RECORDS {
                    statement_has_no_second_derivative();
                }
                local.constant(node.operand(), node.constant());
            }
            // y = f(a_1, ..., a_n)      dy/da_i = p_i, the partials recorded with the node
            Statement => {
                // Recorded on values, these would be constants: the partials' own derivatives
                // are not on the tape, so a second derivative would come out silently wrong.
                if S::RECORDS {
                    statement_has_no_second_derivative();
                }
                for (i, &a) in node.items().iter().enumerate() {
                    local.constant(a, node.item_constant(i));
                }
            }
        }
    }
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

/// `dy/da = derivative()` where `a` is inside the op's real domain; NaN outside it (where the
/// value is NaN too), so that a computation that left the domain cannot hand back a
/// plausible derivative. The NaN is the formula's times NaN, so that its own derivatives
/// (recorded by `gradient`) are NaN as well.
#[inline(always)]
fn inside_domain<S: Real, L: Local<S>>(
    local: &mut L,
    a: u32,
    inside: bool,
    derivative: impl Fn() -> S,
) {
    if inside {
        local.partial(a, derivative());
    } else {
        local.partial(a, derivative() * f64::NAN);
    }
}

/// `k s` and its square.
fn scaled_and_squared(k: f64, s: f64) -> (f64, f64) {
    let sk = k * s;
    (sk, sk * sk)
}

/// `a^(n-1)`, for every `i32` `n`: `i32::MIN - 1` is no `i32`, so that one power goes through
/// `powf`, whose exponent `-2^31 - 1` is an exact `f64`.
#[inline(always)]
fn power_below<S: Real>(a: S, n: i32) -> S {
    match n.checked_sub(1) {
        Some(m) => powi(a, m),
        None => powf(a, f64::from(n) - 1.0),
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
