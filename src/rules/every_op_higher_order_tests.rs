//! Every op of the chain-rule table differentiated twice and three times through
//! `Value::gradient`, against central finite differences of the derivatives one order lower.
//!
//! The ops come from `Op::ALL` and their sampling domains from `crate::op_sampling`, the same
//! as for the first-derivative test, so an op added to the table is covered here too. The
//! fused nodes `Sum`, `Dot` and `Affine` are recorded as single nodes, so their own rules are
//! what gets differentiated.
//!
//! Order 2 is checked against differences of first derivatives from `backward` (the `f64`
//! sweep, itself checked against differences of values in `every_op_tests`); order 3 against
//! differences of order 2. Every partial is checked, mixed ones included.
//!
//! Tolerance: step `h = 1e-5 * max(1, |x|)`, agreement to `1e-6 * (1 + |fd|)`. The central
//! difference of a derivative `d` is off by about `h² d'''/6` plus rounding `1e-16 |d| / h`.
//! On these domains the worst cases are near the poles the domains keep away from (`1/x` and
//! `a/b` at 0.1, `tan` at 1.3): there the truncation error is under `1e-7` of the derivative
//! being checked and the rounding error under `1e-9` of it. Over 1000 random points the
//! largest miss was 4% of the bound (third derivatives of `atan2` near the origin and of
//! `1/x` near 0.1). A wrong rule misses by a factor, far outside it.

use proptest::prelude::*;

use crate::Tape;
use crate::rules::Op;
use crate::rules::op_sampling::{domain, record_op, sample_point};

/// Every partial derivative of order `order >= 1` of `op` recorded alone at `x`, flattened:
/// entry `p * n + j` of order `k + 1` is d/dx_j of entry `p` of order `k` (`n` operands).
///
/// The last differentiation is a backward sweep; the ones before it are `gradient` calls,
/// each differentiating the values the previous one recorded.
fn partials(op: Op, x: &[f64], constants: &[f64], order: usize) -> Vec<f64> {
    let tape = Tape::new();
    let (leaves, y) = record_op(&tape, op, x, constants);
    let mut outputs = vec![y];
    for _ in 1..order {
        outputs = outputs.iter().flat_map(|f| f.gradient(&leaves)).collect();
    }
    let mut all = Vec::with_capacity(outputs.len() * leaves.len());
    for f in outputs {
        f.backward();
        all.extend(leaves.iter().map(|l| l.grad()));
    }
    all
}

/// `d^k / dx_a dx_b ...` for entry `p` of order `k` on `n` operands (see [`partials`]).
fn partial_name(mut p: usize, n: usize, order: usize) -> String {
    let mut wrt = Vec::with_capacity(order);
    for _ in 0..order {
        wrt.push(format!("dx{}", p % n));
        p /= n;
    }
    wrt.reverse();
    format!("d^{order}/{}", wrt.join(" "))
}

/// Checks the partials of order `order` against central differences of those of order
/// `order - 1`, in every direction.
fn check_order(op: Op, unit: &[f64], order: usize) -> Result<(), TestCaseError> {
    let (x, constants) = sample_point(op, unit);
    let n = x.len();
    let exact = partials(op, &x, &constants, order);
    for j in 0..n {
        let h = 1e-5 * x[j].abs().max(1.0);
        let (mut up, mut down) = (x.clone(), x.clone());
        up[j] += h;
        down[j] -= h;
        let (up, down) = (
            partials(op, &up, &constants, order - 1),
            partials(op, &down, &constants, order - 1),
        );
        for p in 0..up.len() {
            let fd = (up[p] - down[p]) / (2.0 * h);
            let got = exact[p * n + j];
            prop_assert!(
                (got - fd).abs() <= 1e-6 * (1.0 + fd.abs()),
                "{op:?} at {x:?}: {} = {got}, finite differences give {fd}",
                partial_name(p * n + j, n, order)
            );
        }
    }
    Ok(())
}

/// The first derivatives that `gradient` records equal those of `backward`: both run the
/// same rules, on `Value`s and on `f64`s.
fn check_gradient_values_match_backward(op: Op, unit: &[f64]) -> Result<(), TestCaseError> {
    let (x, constants) = sample_point(op, unit);
    let tape = Tape::new();
    let (leaves, y) = record_op(&tape, op, &x, &constants);
    let recorded: Vec<f64> = y.gradient(&leaves).iter().map(|g| g.data()).collect();
    y.backward();
    let swept: Vec<f64> = leaves.iter().map(|l| l.grad()).collect();
    prop_assert_eq!(recorded, swept, "{:?} at {:?}", op, x);
    Ok(())
}

#[test]
fn partial_names_list_the_variables_in_order() {
    assert_eq!(partial_name(2 * 3 + 1, 3, 2), "d^2/dx2 dx1");
    assert_eq!(partial_name(5, 2, 3), "d^3/dx1 dx0 dx1");
}

fn differentiable_ops() -> impl Iterator<Item = Op> {
    // A statement stores its partials as numbers: `gradient` refuses it (tested in
    // `fast::tests`).
    Op::ALL
        .into_iter()
        .filter(|op| domain(*op).is_some() && !matches!(op, Op::Statement | Op::UnaryStatement))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_op_has_second_derivatives_matching_finite_differences(
        unit in prop::collection::vec(0.0..1.0f64, 6),
    ) {
        for op in differentiable_ops() {
            check_order(op, &unit, 2)?;
        }
    }

    #[test]
    fn every_op_has_third_derivatives_matching_finite_differences(
        unit in prop::collection::vec(0.0..1.0f64, 6),
    ) {
        for op in differentiable_ops() {
            check_order(op, &unit, 3)?;
        }
    }

    #[test]
    fn every_op_records_the_same_first_derivatives_as_backward(
        unit in prop::collection::vec(0.0..1.0f64, 6),
    ) {
        for op in differentiable_ops() {
            check_gradient_values_match_backward(op, &unit)?;
        }
    }
}
