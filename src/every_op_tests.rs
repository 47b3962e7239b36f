//! Every op of the chain-rule table against central finite differences, at random points.
//!
//! The list of ops comes from `Op::ALL`, so an op added to the table without a sampling
//! domain here fails `every_op_has_a_test_domain`.
//!
//! Tolerance, in the spirit of PyTorch's gradcheck for `f64`: step `h = 1e-6 * max(1, |x|)`,
//! and backward must agree with `(f(x + h) - f(x - h)) / 2h` to `1e-6 * (1 + |fd|)`. The
//! central difference is off by about `h² f'''/6` (under 1e-10 on these domains) plus
//! rounding `1e-16 |f| / h` (under 1e-8).

use proptest::prelude::*;

use crate::Tape;
use crate::ops::{Layout, Op};

/// How to test one op: the interval of each operand, and the constants stored with it.
struct Domain {
    operands: Vec<(f64, f64)>,
    constants: Vec<f64>,
}

/// Sampling domains, away from kinks and domain edges (points near those are moved off by
/// `avoid_edges`).
fn domain(op: Op) -> Option<Domain> {
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
        // Three items; the Affine ops' are two weights, a bias and two inputs.
        Sum => d(&[any; 3], &[]),
        Dot => d(&[any; 6], &[]),
        Affine | AffineRelu | AffineTanh | AffineSigmoid => d(&[any; 5], &[]),
    }
}

/// Moves a sample off the points where the op is not differentiable, so that finite
/// differences mean something there.
fn avoid_edges(op: Op, x: &mut [f64]) {
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

/// Records `op` on leaves holding `x` (created in order, so runs for `Affine`) and returns
/// the leaves' gradients and the node's value.
fn backward_of(op: Op, x: &[f64], constants: &[f64]) -> (Vec<f64>, f64) {
    let tape = Tape::new();
    let leaves: Vec<_> = x.iter().map(|&v| tape.var(v)).collect();
    let y = match (op, op.layout()) {
        (Op::Affine | Op::AffineRelu | Op::AffineTanh | Op::AffineSigmoid, _) => {
            crate::Value::from_index(&tape, tape.record_fused(op, &[0, 3, 2]).0)
        }
        (Op::Sum, _) => tape.sum(leaves.iter().copied()),
        (Op::Dot, _) => tape.dot(&leaves[..3], &leaves[3..]),
        (_, Layout::Fixed(_)) => {
            let operands: Vec<u32> = (0..x.len() as u32).collect();
            let value = op.eval(x, constants);
            crate::Value::from_index(&tape, tape.record(op, &operands, constants, value))
        }
        (_, Layout::Variadic { .. }) => unreachable!("every variadic op is listed above"),
    };
    y.backward();
    (leaves.iter().map(|l| l.grad()).collect(), y.data())
}

/// The node's value at `x`, through the same recording path.
fn value_at(op: Op, x: &[f64], constants: &[f64]) -> f64 {
    backward_of(op, x, constants).1
}

fn check_against_finite_differences(op: Op, unit_samples: &[f64]) -> Result<(), TestCaseError> {
    let Domain {
        operands,
        constants,
    } = domain(op).expect("leaves are not sampled");
    let mut x: Vec<f64> = operands
        .iter()
        .zip(unit_samples)
        .map(|(&(lo, hi), &u)| lo + (hi - lo) * u)
        .collect();
    avoid_edges(op, &mut x);
    let (grads, _) = backward_of(op, &x, &constants);
    for j in 0..x.len() {
        let h = 1e-6 * x[j].abs().max(1.0);
        let (mut up, mut down) = (x.clone(), x.clone());
        up[j] += h;
        down[j] -= h;
        let fd = (value_at(op, &up, &constants) - value_at(op, &down, &constants)) / (2.0 * h);
        prop_assert!(
            (grads[j] - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
            "{op:?} at {x:?}: backward gives d/dx{j} = {}, finite differences {fd}",
            grads[j]
        );
    }
    Ok(())
}

#[test]
fn every_op_has_a_test_domain() {
    for op in Op::ALL {
        let leaf = matches!(op, Op::Var | Op::Const);
        assert_eq!(
            domain(op).is_none(),
            leaf,
            "{op:?} needs a sampling domain here"
        );
    }
}

#[test]
fn all_lists_every_op_in_order() {
    for (i, op) in Op::ALL.iter().enumerate() {
        assert_eq!(*op as usize, i);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_op_matches_finite_differences(unit in prop::collection::vec(0.0..1.0f64, 6)) {
        for op in Op::ALL.into_iter().filter(|op| domain(*op).is_some()) {
            check_against_finite_differences(op, &unit)?;
        }
    }
}
