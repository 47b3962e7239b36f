//! Every op of the chain-rule table on dual numbers and on jets against `backward`, at random
//! points: the tangent seeded on one operand must equal that operand's gradient, and so must
//! a jet's lane of that operand, with every operand seeded in its own lane at once.
//!
//! The list of ops comes from `Op::ALL` (and the `match` below has no catch-all), so an op
//! added to the table without a method fails to compile here, and a method that applies the
//! wrong op fails the comparison.
//!
//! A dual's tangent (or a jet's lane) and `backward`'s gradient are the same arm of the table
//! of partials times 1, so they agree to the bit.

use proptest::prelude::*;

use crate::rules::Op;
use crate::rules::op_sampling::{domain, record_op, sample_point};
use std::ops::{Div, Sub};

use crate::{Dual, Jet, Scalar, Tape};

/// `op` on dual numbers or jets, with the same operand order and constants as the tape's
/// node.
fn on_duals<S: Scalar>(op: Op, x: &[S], k: &[f64]) -> S
where
    f64: Sub<S, Output = S> + Div<S, Output = S>,
{
    use Op::*;
    let affine = || x[0] * x[3] + x[1] * x[4] + x[2];
    match op {
        Var | Const => unreachable!("leaves are not sampled"),
        Add => x[0] + x[1],
        Sub => x[0] - x[1],
        Mul => x[0] * x[1],
        Div => x[0] / x[1],
        AddConst => x[0] + k[0],
        ConstSub => k[0] - x[0],
        MulConst => x[0] * k[0],
        DivConst => x[0] / k[0],
        ConstDiv => k[0] / x[0],
        Neg => -x[0],
        Recip => x[0].recip(),
        Powf => x[0].powf(k[0]),
        Powi => x[0].powi(k[0] as i32),
        Pow => x[0].pow(x[1]),
        Sqrt => x[0].sqrt(),
        Cbrt => x[0].cbrt(),
        Exp => x[0].exp(),
        Exp2 => x[0].exp2(),
        ExpM1 => x[0].exp_m1(),
        Ln => x[0].ln(),
        Log2 => x[0].log2(),
        Log10 => x[0].log10(),
        Log => x[0].log(k[0]),
        Ln1p => x[0].ln_1p(),
        Sin => x[0].sin(),
        Cos => x[0].cos(),
        Tan => x[0].tan(),
        Asin => x[0].asin(),
        Acos => x[0].acos(),
        Atan => x[0].atan(),
        Atan2 => x[0].atan2(x[1]),
        Sinh => x[0].sinh(),
        Cosh => x[0].cosh(),
        Tanh => x[0].tanh(),
        Asinh => x[0].asinh(),
        Acosh => x[0].acosh(),
        Atanh => x[0].atanh(),
        Hypot => x[0].hypot(x[1]),
        Abs => x[0].abs(),
        Max => x[0].max(x[1]),
        Min => x[0].min(x[1]),
        Clamp => x[0].clamp(k[0], k[1]),
        MulAdd => x[0].mul_add(x[1], x[2]),
        MaxConst => x[0].max(k[0]),
        MinConst => x[0].min(k[0]),
        Atan2Const => x[0].atan2(k[0]),
        HypotConst => x[0].hypot(k[0]),
        MulAddConst => x[0].mul_add(x[1], k[0]),
        MulConstAdd => x[0].mul_add(k[0], x[1]),
        MulConstAddConst => x[0].mul_add(k[0], k[1]),
        Relu => x[0].relu(),
        LeakyRelu => x[0].leaky_relu(k[0]),
        Sigmoid => x[0].sigmoid(),
        Softplus => x[0].softplus(),
        Signum => x[0].signum(),
        Floor => x[0].floor(),
        Ceil => x[0].ceil(),
        Round => x[0].round(),
        Trunc => x[0].trunc(),
        // `record_op` sums the leaves in the order 2, 0, 1 for `Sum`, in order for `SumStride`.
        Sum => x[2] + x[0] + x[1],
        SumStride => x[0] + x[1] + x[2],
        Statement => crate::rules::op_sampling::statement_body(x[0], x[1]),
        UnaryStatement => crate::rules::op_sampling::statement_body(x[0], x[0]),
        Dot => x[0] * x[3] + x[1] * x[4] + x[2] * x[5],
        DotConst => x[0] * k[0] + x[1] * k[1] + x[2] * k[2],
        Affine => affine(),
        AffineRelu => affine().relu(),
        AffineTanh => affine().tanh(),
        AffineSigmoid => affine().sigmoid(),
    }
}

fn check_op(op: Op, unit: &[f64]) -> Result<(), TestCaseError> {
    let (x, constants) = sample_point(op, unit);
    let tape = Tape::new();
    let (leaves, y) = record_op(&tape, op, &x, &constants);
    y.backward();
    for (j, leaf) in leaves.iter().enumerate() {
        let seeded: Vec<Dual> = (0..x.len())
            .map(|i| Dual::new(x[i], if i == j { 1.0 } else { 0.0 }))
            .collect();
        let dual = on_duals(op, &seeded, &constants);
        prop_assert_eq!(
            dual.tangent(),
            leaf.grad(),
            "{:?} at {:?}: tangent by operand {} against backward's gradient",
            op,
            x,
            j
        );
        prop_assert_eq!(dual.value(), y.data(), "{:?} at {:?}: value", op, x);
    }
    let gradient: Vec<f64> = leaves.iter().map(|leaf| leaf.grad()).collect();
    match x.len() {
        1 => check_jet::<1>(op, &x, &constants, &gradient, y.data()),
        2 => check_jet::<2>(op, &x, &constants, &gradient, y.data()),
        3 => check_jet::<3>(op, &x, &constants, &gradient, y.data()),
        5 => check_jet::<5>(op, &x, &constants, &gradient, y.data()),
        6 => check_jet::<6>(op, &x, &constants, &gradient, y.data()),
        n => panic!("{op:?}: no jet width for {n} operands"),
    }
}

/// `op` on jets of width `N`, operand `i` seeded in lane `i`: one run, whose lanes must be
/// `backward`'s `gradient` and whose value `backward`'s `value`.
fn check_jet<const N: usize>(
    op: Op,
    x: &[f64],
    constants: &[f64],
    gradient: &[f64],
    value: f64,
) -> Result<(), TestCaseError> {
    let seeded: [Jet<N>; N] = std::array::from_fn(|i| Jet::variable(x[i], i));
    let jet = on_duals(op, &seeded, constants);
    for (j, &g) in gradient.iter().enumerate() {
        prop_assert_eq!(
            jet.tangent(j),
            g,
            "{:?} at {:?}: jet lane {} against backward's gradient",
            op,
            x,
            j
        );
    }
    prop_assert_eq!(jet.value(), value, "{:?} at {:?}: jet value", op, x);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_op_tangent_and_jet_lanes_equal_backward_gradient(unit in prop::collection::vec(0.0..1.0f64, 6)) {
        for op in Op::ALL.into_iter().filter(|op| domain(*op).is_some()) {
            check_op(op, &unit)?;
        }
    }
}
