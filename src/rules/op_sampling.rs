//! How the per-op tests sample each op of the chain-rule table: an interval per operand away
//! from kinks and domain edges, and a recording of the op alone on fresh leaves.
//!
//! Shared by `every_op_tests` (first derivatives) and `every_op_higher_order_tests`.

use crate::rules::{Layout, Op};
use crate::{Tape, Value};

/// How to test one op: the interval of each operand, and the constants stored with it.
pub(crate) struct Domain {
    pub(crate) operands: Vec<(f64, f64)>,
    pub(crate) constants: Vec<f64>,
}

/// Sampling domains, away from kinks and domain edges (points near those are moved off by
/// `avoid_edges`).
pub(crate) fn domain(op: Op) -> Option<Domain> {
    use Op::*;
    let any = (-3.0, 3.0);
    let positive = (0.2, 5.0);
    let unit = (-0.9, 0.9);
    let d = |operands: &[(f64, f64)], constants: &[f64]| {
        Some(Domain {
            operands: operands.to_vec(),
            constants: constants.to_vec(),
        })
    };
    match op {
        Var | Const => None,
        Add | Sub | Mul | Max | Min | Atan2 | Hypot => d(&[any, any], &[]),
        Div => d(&[any, any], &[]),
        Pow => d(&[positive, any], &[]),
        AddConst => d(&[any], &[0.7]),
        ConstSub => d(&[any], &[1.3]),
        MulConst => d(&[any], &[-1.7]),
        DivConst => d(&[any], &[2.5]),
        ConstDiv => d(&[any], &[1.9]),
        Powf => d(&[positive], &[2.5]),
        Powi => d(&[any], &[3.0]),
        Log => d(&[positive], &[3.0]),
        LeakyRelu => d(&[any], &[0.1]),
        Clamp => d(&[any], &[-1.0, 1.0]),
        Neg | Recip | Cbrt | Exp | Exp2 | ExpM1 | Sin | Cos | Atan | Sinh | Cosh | Tanh | Asinh
        | Abs | Relu | Sigmoid | Softplus | Signum | Floor | Ceil | Round | Trunc => d(&[any], &[]),
        Sqrt | Ln | Log2 | Log10 => d(&[positive], &[]),
        Ln1p => d(&[(-0.8, 5.0)], &[]),
        Tan => d(&[(-1.3, 1.3)], &[]),
        Asin | Acos | Atanh => d(&[unit], &[]),
        Acosh => d(&[(1.1, 5.0)], &[]),
        MulAdd => d(&[any, any, any], &[]),
        MaxConst | MinConst => d(&[any], &[0.3]),
        Atan2Const => d(&[any], &[-0.7]),
        HypotConst => d(&[any], &[1.2]),
        MulAddConst | MulConstAdd => d(&[any, any], &[0.8]),
        MulConstAddConst => d(&[any], &[-1.3, 0.6]),
        // Three items; the Affine ops' are two weights, a bias and two inputs.
        Sum | SumStride => d(&[any; 3], &[]),
        Dot => d(&[any; 6], &[]),
        DotConst => d(&[any; 3], &[0.7, -1.3, 2.1]),
        Affine | AffineRelu | AffineTanh | AffineSigmoid => d(&[any; 5], &[]),
        // `statement_body` on two inputs.
        Statement => d(&[any; 2], &[]),
        UnaryStatement => d(&[any], &[]),
    }
}

/// Moves a sample off the points where the op is not differentiable, so that finite
/// differences mean something there.
pub(crate) fn avoid_edges(op: Op, x: &mut [f64]) {
    use Op::*;
    let off_zero = |v: &mut f64| {
        if v.abs() < 0.1 {
            *v += 0.2_f64.copysign(*v);
        }
    };
    match op {
        Div | Recip | ConstDiv | Cbrt | Abs | Relu | LeakyRelu => off_zero(x.last_mut().unwrap()),
        Clamp if (x[0].abs() - 1.0).abs() < 0.1 => x[0] *= 0.8,
        Max | Min if (x[0] - x[1]).abs() < 0.1 => x[1] += 0.2,
        Atan2 | Hypot => off_zero(&mut x[0]),
        // Leaves: w0 w1 bias x0 x1; keep the pre-activation off relu's kink.
        AffineRelu => {
            let z = x[0] * x[3] + x[1] * x[4] + x[2];
            if z.abs() < 0.1 {
                x[2] += 0.2;
            }
        }
        // Piecewise constant: keep the fractional part inside (0.1, 0.4), far from any jump.
        Signum | Floor | Ceil | Round | Trunc => {
            x[0] = x[0].floor() + 0.1 + 0.3 * x[0].fract().abs()
        }
        _ => {}
    }
}

/// A point in `op`'s domain from unit samples in `[0, 1)` (one per operand, extra ones
/// ignored), moved off the op's edges; and the op's constants.
pub(crate) fn sample_point(op: Op, unit: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let Domain {
        operands,
        constants,
    } = domain(op).expect("leaves are not sampled");
    let mut x: Vec<f64> = operands
        .iter()
        .zip(unit)
        .map(|(&(lo, hi), &u)| lo + (hi - lo) * u)
        .collect();
    avoid_edges(op, &mut x);
    (x, constants)
}

/// What the per-op tests record as one statement: a few ops of several kinds.
pub(crate) fn statement_body<S: crate::Scalar>(a: S, b: S) -> S {
    (a * b + a.sin()) * (b * 0.5).tanh() + a * a
}

/// Records `op` alone on new leaves holding `x` (created in order, so runs for `Affine`) and
/// returns the leaves and the node.
pub(crate) fn record_op<'t>(
    tape: &'t Tape,
    op: Op,
    x: &[f64],
    constants: &[f64],
) -> (Vec<Value<'t>>, Value<'t>) {
    let leaves: Vec<_> = x.iter().map(|&v| tape.var(v)).collect();
    let y = match (op, op.layout()) {
        // Two weights, then the bias, then two inputs.
        (Op::Affine | Op::AffineRelu | Op::AffineTanh | Op::AffineSigmoid, _) => {
            Value::from_index(tape, tape.record_fused(op, &[0, 3, 2]).0)
        }
        // Leaves in order are a stride of 1; out of order, a plain sum.
        (Op::SumStride, _) => tape.sum(leaves.iter().copied()),
        (Op::Sum, _) => tape.sum([leaves[2], leaves[0], leaves[1]]),
        (Op::Dot, _) => tape.dot(&leaves[..3], &leaves[3..]),
        (Op::DotConst, _) => tape.dot_const(&leaves, constants),
        (Op::Statement, _) => tape.statement(&leaves, |v| statement_body(v[0], v[1])),
        (Op::UnaryStatement, _) => tape.statement(&leaves, |v| statement_body(v[0], v[0])),
        (_, Layout::Fixed(_)) => {
            let operands: Vec<u32> = (0..x.len() as u32).collect();
            let value = op.eval(x, constants);
            Value::from_index(tape, tape.record(op, &operands, constants, value))
        }
        (_, Layout::Variadic { .. }) => unreachable!("every variadic op is listed above"),
    };
    (leaves, y)
}
